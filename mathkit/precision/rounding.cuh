/* Rounding of one double to a floating-point format, for CUDA kernels and host code.
 *
 * This header implements the algorithm of mathkit/precision/rounding.py (whose
 * numpy code is the reference) as mathkit/precision/_numba.py's round_value
 * does, on the bit pattern; the tests compile it for the host with nvcc and
 * hold it to numpy bit for bit. For a finite x:
 *
 *   |x| = m 2^k exactly (m < 2^53, from the bit pattern), e = floor(log2 |x|)
 *   q = max(e, emin) - p + 1   (q = emin below 2^emin without subnormals)
 *   s = q - k;  if s > 0: n = m >> s, r = m mod 2^s, half = 2^(s-1)
 *   result = (n or n + 1) 2^q, chosen by the mode; then the overflow rule.
 *
 * Modes and overflow policies are the integer codes of rounding.MODES and
 * rounding.OVERFLOWS. Stochastic rounding of element i uses the first 53-bit
 * Philox4x32-10 uniform of (key, item i, block 0), u = j 2^-53 (philox.cuh),
 * and rounds away from zero iff j 2^s < r 2^53.
 *
 * Every function is __host__ __device__ (inline plain C++ outside nvcc).
 * Under NVRTC (CuPy) no system header is included: the kernels paste
 * philox.cuh's text before this file's.
 */
#ifndef MATHKIT_PRECISION_ROUNDING_CUH
#define MATHKIT_PRECISION_ROUNDING_CUH

#ifndef MATHKIT_PHILOX_CUH
#include "../philox.cuh"
#endif

#if !defined(__CUDACC_RTC__) && !defined(__CUDA_ARCH__)
#include <cstring>
#endif

#define MK_ROUND_NEAREST_EVEN 0
#define MK_ROUND_NEAREST_AWAY 1
#define MK_ROUND_TOWARD_ZERO 2
#define MK_ROUND_UP 3
#define MK_ROUND_DOWN 4
#define MK_ROUND_ODD 5
#define MK_ROUND_STOCHASTIC 6

#define MK_OVERFLOW_IEEE 0
#define MK_OVERFLOW_SATURATE 1

/* A format, as mathkit.precision.Format: precision p (with the implicit bit),
 * emin, its largest finite value, and its features (0 or 1). */
typedef struct {
    int precision;
    int emin;
    double largest;
    int subnormals;
    int infinities;
    int negative_zero;
} mk_float_format;

MK_HD uint64_t mk_double_to_bits(double x)
{
#ifdef __CUDA_ARCH__
    return (uint64_t)__double_as_longlong(x);
#else
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    return bits;
#endif
}

MK_HD double mk_bits_to_double(uint64_t bits)
{
#ifdef __CUDA_ARCH__
    return __longlong_as_double((long long)bits);
#else
    double x;
    memcpy(&x, &bits, sizeof x);
    return x;
#endif
}

/* 2^q for -1074 <= q <= 1023, from its bits (both candidates, then a select). */
MK_HD double mk_power_of_two(long long q)
{
    const uint64_t normal = (uint64_t)(q + 1023 > 0 ? q + 1023 : 0) << 52;
    const long long sub_shift = q + 1074 < 0 ? 0 : (q + 1074 > 63 ? 63 : q + 1074);
    const uint64_t subnormal = (uint64_t)1 << sub_shift;
    return mk_bits_to_double(q >= -1022 ? normal : subnormal);
}

#define MK_NAN_BITS 0x7FF8000000000000ull

/* The 53-bit integer j = u 2^53 of the first uniform53 of (key, index, block 0). */
MK_HD uint64_t mk_stochastic_bits(uint64_t key, uint64_t index)
{
    uint32_t w[4];
    mk_random_words(key, index, 0, w);
    return ((uint64_t)(w[0] >> 5) << 26) + (uint64_t)(w[1] >> 6);
}

/* Round one double; uniform_bits is j (used by MK_ROUND_STOCHASTIC only). */
MK_HD double mk_round_value(double x, mk_float_format f, int mode, int overflow,
                            uint64_t uniform_bits)
{
    const uint64_t bits = mk_double_to_bits(x);
    const int negative = (int)(bits >> 63);
    const uint64_t absolute = bits & 0x7FFFFFFFFFFFFFFFull;
    const long long biased = (long long)(absolute >> 52);
    const uint64_t fraction_mask = 0x000FFFFFFFFFFFFFull;
    if (biased == 2047) {
        if (absolute & fraction_mask) {
            return mk_bits_to_double(MK_NAN_BITS);
        }
        if (overflow == MK_OVERFLOW_SATURATE) {
            return negative ? -f.largest : f.largest;
        }
        if (!f.infinities) {
            return mk_bits_to_double(MK_NAN_BITS);
        }
        return x;
    }
    /* 1. |x| = m 2^k exactly, and e = floor(log2 |x|) for normal x. Zero and subnormal x
     *    (biased exponent 0) get e = -1023, below every format's emin: all step 2 needs. */
    const uint64_t significand = (absolute & fraction_mask) | (biased != 0 ? (uint64_t)1 << 52 : 0);
    const long long k = (biased > 1 ? biased : 1) - 1075;
    const long long e = biased - 1023;
    /* 2. the quantum exponent. */
    const long long below = f.subnormals ? (long long)f.emin - (f.precision - 1) : f.emin;
    const long long q = e >= f.emin ? e - (f.precision - 1) : below;
    const long long s = q - k;
    /* 3. |x| / 2^q = n + r / 2^s (shifts past 55 change nothing: m < 2^53; for s <= 0, x is
     *    on the grid and the result is |x|). */
    const uint64_t shift = (uint64_t)(s < 1 ? 1 : (s > 55 ? 55 : s));
    uint64_t n = significand >> shift;
    const uint64_t r = significand & (((uint64_t)1 << shift) - 1);
    const uint64_t half = (uint64_t)1 << (shift - 1);
    const uint64_t inexact = r != 0;
    switch (mode) {
    case MK_ROUND_NEAREST_EVEN:
        n = (significand + (half - 1) + (n & 1)) >> shift;
        break;
    case MK_ROUND_NEAREST_AWAY:
        n = (significand + half) >> shift;
        break;
    case MK_ROUND_UP:
        n += inexact & (uint64_t)!negative;
        break;
    case MK_ROUND_DOWN:
        n += inexact & (uint64_t)negative;
        break;
    case MK_ROUND_ODD:
        n |= inexact;
        break;
    case MK_ROUND_STOCHASTIC: {
        const long long left = 53 - s < 0 ? 0 : (53 - s > 63 ? 63 : 53 - s);
        const long long right = s - 53 < 0 ? 0 : (s - 53 > 63 ? 63 : s - 53);
        const uint64_t threshold = s <= 53 ? r << left : ((r - 1) >> right) + 1;
        n += inexact & (uint64_t)(uniform_bits < threshold);
        break;
    }
    default: /* MK_ROUND_TOWARD_ZERO */
        break;
    }
    const double rounded = (double)n * mk_power_of_two(q); /* exact: the product is a double */
    double magnitude = s > 0 ? rounded : (negative ? -x : x);
    /* 4. overflow. */
    if (magnitude > f.largest) {
        if (overflow == MK_OVERFLOW_SATURATE || mode == MK_ROUND_TOWARD_ZERO
            || mode == MK_ROUND_ODD || (mode == MK_ROUND_UP && negative)
            || (mode == MK_ROUND_DOWN && !negative)) {
            magnitude = f.largest;
        } else if (f.infinities) {
            magnitude = mk_bits_to_double(0x7FF0000000000000ull);
        } else {
            return mk_bits_to_double(MK_NAN_BITS);
        }
    }
    if (magnitude == 0.0 && !f.negative_zero) {
        return 0.0;
    }
    return negative ? -magnitude : magnitude;
}

/* Round element `index` of an array: the stochastic bits come from (key, index). */
MK_HD double mk_round(double x, mk_float_format f, int mode, int overflow, uint64_t key,
                      uint64_t index)
{
    const uint64_t uniform_bits = mode == MK_ROUND_STOCHASTIC ? mk_stochastic_bits(key, index) : 0;
    return mk_round_value(x, f, mode, overflow, uniform_bits);
}

#endif /* MATHKIT_PRECISION_ROUNDING_CUH */
