// Host driver for mathkit/walks/walk.cuh, used by tests/walks/test_cuda.py.
//
// stdin: key first n_walks n_steps level symmetric n_law (decimal), then n_law
// steps (decimal) and n_law cdf values (hexadecimal floats, exact).
// stdout: one line per walk with its nine statistics.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>

#include "walks/walk.cuh"

int main()
{
    uint64_t key, first;
    int64_t n_walks, n_steps, level;
    int symmetric, n_law;
    if (std::scanf("%" SCNu64 " %" SCNu64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %d %d", &key,
                   &first, &n_walks, &n_steps, &level, &symmetric, &n_law) != 7 || n_law < 1) {
        std::fprintf(stderr, "bad header\n");
        return 2;
    }
    int64_t *steps = (int64_t *)std::malloc(n_law * sizeof(int64_t));
    double *cdf = (double *)std::malloc(n_law * sizeof(double));
    for (int j = 0; j < n_law; ++j)
        if (std::scanf("%" SCNd64, &steps[j]) != 1) return 2;
    for (int j = 0; j < n_law; ++j)
        if (std::scanf("%la", &cdf[j]) != 1) return 2;
    int64_t out[MK_WALK_STATISTICS];
    for (int64_t i = 0; i < n_walks; ++i) {
        mk_walk_statistics(key, first + (uint64_t)i, n_steps, level, symmetric, steps, cdf, n_law,
                           out);
        for (int c = 0; c < MK_WALK_STATISTICS; ++c)
            std::printf(c ? " %" PRId64 : "%" PRId64, out[c]);
        std::printf("\n");
    }
    std::free(steps);
    std::free(cdf);
    return 0;
}
