/* One random walk's path statistics, for the CuPy kernel and host tests.
 *
 * Transcribes the step mapping of mathkit/walks/simulate.py (its module
 * docstring is the contract; the numpy code there is the reference):
 *
 *   symmetric simple walk: step t is +1 when bit t % 32 of word (t / 32) % 4
 *                          of Philox block t / 128 is set, else -1;
 *   any other step law:    step t is steps[j] for the first j with u < cdf[j],
 *                          u the 53-bit uniform number t % 2 of block t / 2.
 *
 * The statistics and their column order are those of simulate.STATISTICS:
 * endpoint, maximum, minimum, first_passage, first_return, returns,
 * time_positive, last_zero, range; a time that did not happen is -1.
 * Every function is __host__ __device__, so the kernels are thin wrappers and
 * tests compile this file for the host.
 */
#ifndef MATHKIT_WALK_CUH
#define MATHKIT_WALK_CUH

#include "philox.cuh"

#if defined(__CUDACC_RTC__)
typedef long long int64_t;
#endif

#define MK_WALK_STATISTICS 9
#define MK_CENSORED (-1)

typedef struct {
    int64_t s, high, low, passage, first_return, returns, positive, last_zero;
} mk_walk_state;

MK_HD void mk_walk_start(mk_walk_state *w)
{
    w->s = w->high = w->low = w->returns = w->positive = w->last_zero = 0;
    w->passage = w->first_return = MK_CENSORED;
}

/* One step; `time` is the index of the position reached. */
MK_HD void mk_walk_advance(mk_walk_state *w, int64_t step, int64_t time, int64_t level)
{
    int64_t previous = w->s;
    w->s += step;
    if (w->s > w->high) w->high = w->s;
    if (w->s < w->low) w->low = w->s;
    if (w->passage == MK_CENSORED && w->s == level) w->passage = time;
    if (w->s == 0) {
        w->returns += 1;
        w->last_zero = time;
        if (w->first_return == MK_CENSORED) w->first_return = time;
    }
    if (w->s > 0 || previous > 0) w->positive += 1;
}

MK_HD void mk_walk_store(const mk_walk_state *w, int64_t out[MK_WALK_STATISTICS])
{
    out[0] = w->s;
    out[1] = w->high;
    out[2] = w->low;
    out[3] = w->passage;
    out[4] = w->first_return;
    out[5] = w->returns;
    out[6] = w->positive;
    out[7] = w->last_zero;
    out[8] = w->high - w->low + 1;
}

/* All statistics of walk `item`: one random bit a step (symmetric) or one
 * 53-bit uniform a step against the cumulative law (steps[], cdf[], n_law). */
MK_HD void mk_walk_statistics(uint64_t key, uint64_t item, int64_t n_steps, int64_t level,
                              int symmetric, const int64_t *steps, const double *cdf, int n_law,
                              int64_t out[MK_WALK_STATISTICS])
{
    mk_walk_state w;
    mk_walk_start(&w);
    if (symmetric) {
        uint32_t words[4];
        for (int64_t t = 0; t < n_steps; ++t) {
            if (t % 128 == 0) mk_random_words(key, item, (uint64_t)(t / 128), words);
            uint32_t bit = (words[(t / 32) % 4] >> (t % 32)) & 1u;
            mk_walk_advance(&w, bit ? 1 : -1, t + 1, level);
        }
    } else {
        double uniforms[2];
        for (int64_t t = 0; t < n_steps; ++t) {
            if (t % 2 == 0) mk_uniform53(key, item, (uint64_t)(t / 2), uniforms);
            double u = uniforms[t % 2];
            int j = 0;
            while (j < n_law - 1 && u >= cdf[j]) ++j;
            mk_walk_advance(&w, steps[j], t + 1, level);
        }
    }
    mk_walk_store(&w, out);
}

/* Set bits of a word: the hardware count on the device, the classic SWAR
 * reduction on the host (portable to any host compiler). */
MK_HD int mk_popcount32(uint32_t x)
{
#ifdef __CUDA_ARCH__
    return __popc(x);
#else
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    return (int)((((x + (x >> 4)) & 0x0F0F0F0Fu) * 0x01010101u) >> 24);
#endif
}

/* The endpoint of a symmetric simple walk, 32 steps per word: twice the set
 * bits among the first n_steps bits of the stream, minus n_steps. */
MK_HD int64_t mk_walk_endpoint_bits(uint64_t key, uint64_t item, int64_t n_steps)
{
    int64_t ones = 0;
    uint32_t words[4];
    for (int64_t t = 0; t < n_steps; t += 32) {
        if (t % 128 == 0) mk_random_words(key, item, (uint64_t)(t / 128), words);
        uint32_t word = words[(t / 32) % 4];
        if (n_steps - t < 32) word &= (1u << (n_steps - t)) - 1u;
        ones += mk_popcount32(word);
    }
    return 2 * ones - n_steps;
}

/* What a kernel computes per walk: every statistic, or, when only the
 * endpoint of a symmetric simple walk is wanted, out[0] alone by popcount
 * (the other entries are then left unset). */
MK_HD void mk_walk_wanted(uint64_t key, uint64_t item, int64_t n_steps, int64_t level,
                          int symmetric, const int64_t *steps, const double *cdf, int n_law,
                          int endpoint_only, int64_t out[MK_WALK_STATISTICS])
{
    if (symmetric && endpoint_only)
        out[0] = mk_walk_endpoint_bits(key, item, n_steps);
    else
        mk_walk_statistics(key, item, n_steps, level, symmetric, steps, cdf, n_law, out);
}

/* Histogram bins of the wanted statistics, for counts reduced on the device.
 * mathkit/walks/_cupy.py (histogram_layout) defines the layout, one row of
 * MK_BIN_FIELDS int64 per wanted statistic: its column in the output of
 * mk_walk_statistics, the lowest value, the number of values, whether it may
 * be censored, and where its bins start. Value v is bin start + v - low; a
 * censored time (MK_CENSORED where censorable) is the bin after the values. */
#define MK_BIN_FIELDS 5
enum { MK_BIN_COLUMN, MK_BIN_LOW, MK_BIN_VALUES, MK_BIN_CENSORABLE, MK_BIN_START };

MK_HD int64_t mk_walk_bin(const int64_t statistics[MK_WALK_STATISTICS],
                          const int64_t layout[MK_BIN_FIELDS])
{
    int64_t value = statistics[layout[MK_BIN_COLUMN]];
    if (layout[MK_BIN_CENSORABLE] && value == MK_CENSORED)
        return layout[MK_BIN_START] + layout[MK_BIN_VALUES];
    return layout[MK_BIN_START] + value - layout[MK_BIN_LOW];
}

#endif /* MATHKIT_WALK_CUH */
