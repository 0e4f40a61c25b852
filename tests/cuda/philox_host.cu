// Host driver for mathkit/philox.cuh, used by tests/test_random_cuda.py.
//
// Reads commands from stdin, one per line, all numbers in hexadecimal, and
// writes one line per command:
//
//   P c0 c1 c2 c3 k0 k1   ->  w0 w1 w2 w3                    (mk_philox4x32_10)
//   R key item block      ->  w0 w1 w2 w3 d0 d1 d2 d3 f0 f1 f2 f3 u0 u1
//
// where w are mk_random_words, d mk_uniform24, f mk_uniform24f and u
// mk_uniform53. Words print as 8 hex digits, floating-point values with %a
// (hexadecimal, exact), so the test compares bit for bit.
#include <cinttypes>
#include <cstdio>

#include "philox.cuh"

static void print_words(const uint32_t w[4])
{
    std::printf("%08" PRIx32 " %08" PRIx32 " %08" PRIx32 " %08" PRIx32, w[0], w[1], w[2], w[3]);
}

int main()
{
    char op;
    while (std::scanf(" %c", &op) == 1) {
        if (op == 'P') {
            uint32_t ctr[4], key[2], out[4];
            if (std::scanf("%" SCNx32 " %" SCNx32 " %" SCNx32 " %" SCNx32 " %" SCNx32 " %" SCNx32,
                           &ctr[0], &ctr[1], &ctr[2], &ctr[3], &key[0], &key[1]) != 6) {
                std::fprintf(stderr, "bad P line\n");
                return 2;
            }
            mk_philox4x32_10(ctr, key, out);
            print_words(out);
        } else if (op == 'R') {
            uint64_t key, item, block;
            if (std::scanf("%" SCNx64 " %" SCNx64 " %" SCNx64, &key, &item, &block) != 3) {
                std::fprintf(stderr, "bad R line\n");
                return 2;
            }
            uint32_t w[4];
            double d[4], u[2];
            float f[4];
            mk_random_words(key, item, block, w);
            mk_uniform24(key, item, block, d);
            mk_uniform24f(key, item, block, f);
            mk_uniform53(key, item, block, u);
            print_words(w);
            for (int i = 0; i < 4; ++i) std::printf(" %a", d[i]);
            for (int i = 0; i < 4; ++i) std::printf(" %a", (double)f[i]);
            std::printf(" %a %a", u[0], u[1]);
        } else {
            std::fprintf(stderr, "unknown command %c\n", op);
            return 2;
        }
        std::printf("\n");
    }
    return 0;
}
