// Host driver for mk_walk_bin of mathkit/walks/walk.cuh, used by tests/walks/test_cuda.py:
// the device histogram, counted on the host through the same bin mapping.
//
// stdin: as walk_host.cu (key first n_walks n_steps level symmetric n_law, steps, cdf as
// hexadecimal floats), then endpoint_only n_wanted n_bins and n_wanted rows of MK_BIN_FIELDS
// layout fields. Each walk goes through mk_walk_wanted, as in the kernels.
// stdout: the n_bins counts, one per line. Exit 3 when a walk's bin falls outside the
// histogram (a layout too narrow for a value).
#include <cinttypes>
#include <cstdio>
#include <vector>

#include "walks/walk.cuh"

int main()
{
    uint64_t key, first;
    int64_t n_walks, n_steps, level, n_bins;
    int symmetric, n_law, endpoint_only, n_wanted;
    if (std::scanf("%" SCNu64 " %" SCNu64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %d %d", &key,
                   &first, &n_walks, &n_steps, &level, &symmetric, &n_law) != 7 || n_law < 1) {
        std::fprintf(stderr, "bad header\n");
        return 2;
    }
    std::vector<int64_t> steps(n_law);
    std::vector<double> cdf(n_law);
    for (int j = 0; j < n_law; ++j)
        if (std::scanf("%" SCNd64, &steps[j]) != 1) return 2;
    for (int j = 0; j < n_law; ++j)
        if (std::scanf("%la", &cdf[j]) != 1) return 2;
    if (std::scanf("%d %d %" SCNd64, &endpoint_only, &n_wanted, &n_bins) != 3) return 2;
    std::vector<int64_t> layout(n_wanted * MK_BIN_FIELDS);
    for (int64_t &field : layout)
        if (std::scanf("%" SCNd64, &field) != 1) return 2;
    std::vector<uint64_t> histogram(n_bins, 0);
    int64_t every[MK_WALK_STATISTICS];
    for (int64_t i = 0; i < n_walks; ++i) {
        mk_walk_wanted(key, first + (uint64_t)i, n_steps, level, symmetric, steps.data(),
                       cdf.data(), n_law, endpoint_only, every);
        for (int c = 0; c < n_wanted; ++c) {
            int64_t bin = mk_walk_bin(every, &layout[c * MK_BIN_FIELDS]);
            if (bin < 0 || bin >= n_bins) {
                std::fprintf(stderr, "walk %" PRId64 ": bin %" PRId64 " outside [0, %" PRId64
                             ")\n", i, bin, n_bins);
                return 3;
            }
            ++histogram[bin];
        }
    }
    for (uint64_t count : histogram) std::printf("%" PRIu64 "\n", count);
    return 0;
}
