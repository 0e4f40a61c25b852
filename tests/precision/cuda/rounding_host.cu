// Host driver for mathkit/precision/rounding.cuh, used by tests/precision/test_cuda.py.
//
// Reads commands from stdin, one per line, numbers in hexadecimal except where
// said, and writes one line per R command:
//
//   F precision emin largest_bits subnormals infinities negative_zero
//                     set the format (precision, emin and the flags in decimal;
//                     largest_bits: the bit pattern of the largest value)
//   M mode overflow key
//                     set the mode and overflow codes (decimal) and the key (hex)
//   R index x_bits    ->  bits of mk_round(x, ...) for element `index` (both hex)
//
// Results print as 16 hex digits, so the test compares bit for bit.
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "precision/rounding.cuh"

int main()
{
    mk_float_format format = {11, -14, 65504.0, 1, 1, 1};
    int mode = MK_ROUND_NEAREST_EVEN, overflow = MK_OVERFLOW_IEEE;
    uint64_t key = 0;
    char op;
    while (std::scanf(" %c", &op) == 1) {
        if (op == 'F') {
            uint64_t largest_bits;
            if (std::scanf("%d %d %" SCNx64 " %d %d %d", &format.precision, &format.emin,
                           &largest_bits, &format.subnormals, &format.infinities,
                           &format.negative_zero) != 6) {
                std::fprintf(stderr, "bad F line\n");
                return 2;
            }
            format.largest = mk_bits_to_double(largest_bits);
        } else if (op == 'M') {
            if (std::scanf("%d %d %" SCNx64, &mode, &overflow, &key) != 3) {
                std::fprintf(stderr, "bad M line\n");
                return 2;
            }
        } else if (op == 'R') {
            uint64_t index, x_bits;
            if (std::scanf("%" SCNx64 " %" SCNx64, &index, &x_bits) != 2) {
                std::fprintf(stderr, "bad R line\n");
                return 2;
            }
            const double result = mk_round(mk_bits_to_double(x_bits), format, mode, overflow,
                                           key, index);
            std::printf("%016" PRIx64 "\n", mk_double_to_bits(result));
        } else {
            std::fprintf(stderr, "unknown command %c\n", op);
            return 2;
        }
    }
    return 0;
}
