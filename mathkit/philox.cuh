/* Philox4x32-10 counter-based random numbers, for CUDA kernels and host code.
 *
 * Reference: J. K. Salmon, M. A. Moraes, R. O. Dror and D. E. Shaw, "Parallel
 * random numbers: as easy as 1, 2, 3", SC'11 (the generator behind cuRAND's
 * PHILOX4_32_10 and Random123's philox4x32_10).
 *
 * This header transcribes the specification in mathkit/_random.py, whose
 * module docstring is the public contract; the numpy code there is the
 * reference, and the tests hold this file to it bit for bit:
 *
 *   key    k0 = key & 0xFFFFFFFF, k1 = key >> 32
 *   counter (c0, c1, c2, c3) = (item lo, item hi, block lo, block hi)
 *   uniform24   u = (w >> 8) * 2^-24                     (four per block)
 *   uniform53   u = ((w0 >> 5) * 2^26 + (w1 >> 6)) * 2^-53, then from (w2, w3)
 *
 * Every function is __host__ __device__ (inline plain C++ outside nvcc), so a
 * kernel is a thin __global__ wrapper and the same code compiles for the host
 * in the tests. Under NVRTC (CuPy) no system header is needed.
 */
#ifndef MATHKIT_PHILOX_CUH
#define MATHKIT_PHILOX_CUH

#if defined(__CUDACC_RTC__)
/* NVRTC has no <stdint.h>; these are the types CUDA's own <cuda/std/cstdint>
 * declares there (an identical repeated typedef is legal C++). */
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
#else
#include <stdint.h>
#endif

#ifndef MK_HD
#ifdef __CUDACC__
#define MK_HD __host__ __device__ __forceinline__
#else
#define MK_HD inline
#endif
#endif

/* Multipliers and Weyl key increments (Salmon et al. 2011, Table 2). */
#define MK_PHILOX_M0 0xD2511F53u
#define MK_PHILOX_M1 0xCD9E8D57u
#define MK_PHILOX_W0 0x9E3779B9u
#define MK_PHILOX_W1 0xBB67AE85u
#define MK_PHILOX_ROUNDS 10

/* High and low 32-bit halves of the 64-bit product a * b. */
MK_HD void mk_mulhilo32(uint32_t a, uint32_t b, uint32_t *hi, uint32_t *lo)
{
#ifdef __CUDA_ARCH__
    *hi = __umulhi(a, b);
    *lo = a * b;
#else
    uint64_t product = (uint64_t)a * (uint64_t)b;
    *hi = (uint32_t)(product >> 32);
    *lo = (uint32_t)product;
#endif
}

/* Philox4x32-10 of counter ctr under key: ten rounds, the key bumped by the
 * Weyl increments between rounds. out may alias ctr. */
MK_HD void mk_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
#ifdef __CUDACC__
#pragma unroll
#endif
    for (int round = 0; round < MK_PHILOX_ROUNDS; ++round) {
        uint32_t hi0, lo0, hi1, lo1;
        mk_mulhilo32(MK_PHILOX_M0, c0, &hi0, &lo0);
        mk_mulhilo32(MK_PHILOX_M1, c2, &hi1, &lo1);
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
        k0 += MK_PHILOX_W0;
        k1 += MK_PHILOX_W1;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

/* The four words of (key, item, block), as mathkit._random.random_words. */
MK_HD void mk_random_words(uint64_t key, uint64_t item, uint64_t block, uint32_t out[4])
{
    const uint32_t ctr[4] = {(uint32_t)item, (uint32_t)(item >> 32),
                             (uint32_t)block, (uint32_t)(block >> 32)};
    const uint32_t k[2] = {(uint32_t)key, (uint32_t)(key >> 32)};
    mk_philox4x32_10(ctr, k, out);
}

/* One word to a uniform in [0, 1) of 24-bit resolution: (w >> 8) * 2^-24,
 * exact in float and in double. */
MK_HD double mk_word_to_uniform24(uint32_t w)
{
    return (double)(w >> 8) * (1.0 / 16777216.0);
}

MK_HD float mk_word_to_uniform24f(uint32_t w)
{
    return (float)(w >> 8) * (1.0f / 16777216.0f);
}

/* Two words to a uniform in [0, 1) of 53-bit resolution:
 * ((hi >> 5) * 2^26 + (lo >> 6)) * 2^-53, exact in double. */
MK_HD double mk_words_to_uniform53(uint32_t hi, uint32_t lo)
{
    const uint64_t bits = ((uint64_t)(hi >> 5) << 26) + (uint64_t)(lo >> 6);
    return (double)bits * (1.0 / 9007199254740992.0);
}

/* Four 24-bit uniforms of (key, item, block), as mathkit._random.uniform24. */
MK_HD void mk_uniform24(uint64_t key, uint64_t item, uint64_t block, double out[4])
{
    uint32_t w[4];
    mk_random_words(key, item, block, w);
    for (int i = 0; i < 4; ++i) {
        out[i] = mk_word_to_uniform24(w[i]);
    }
}

/* The same four values in float (each is exactly representable). */
MK_HD void mk_uniform24f(uint64_t key, uint64_t item, uint64_t block, float out[4])
{
    uint32_t w[4];
    mk_random_words(key, item, block, w);
    for (int i = 0; i < 4; ++i) {
        out[i] = mk_word_to_uniform24f(w[i]);
    }
}

/* Two 53-bit uniforms of (key, item, block), as mathkit._random.uniform53:
 * from (w0, w1) and from (w2, w3). */
MK_HD void mk_uniform53(uint64_t key, uint64_t item, uint64_t block, double out[2])
{
    uint32_t w[4];
    mk_random_words(key, item, block, w);
    out[0] = mk_words_to_uniform53(w[0], w[1]);
    out[1] = mk_words_to_uniform53(w[2], w[3]);
}

#endif /* MATHKIT_PHILOX_CUH */
