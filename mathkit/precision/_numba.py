"""Rounding compiled with numba: one value at a time, in parallel over chunks of elements.

:func:`round_value` is the algorithm of :mod:`mathkit.precision.rounding` for
one float64, on its bit pattern (``rounding.cuh`` transcribes it to CUDA C);
:func:`round_array` runs it over an array. The tests hold both to the numpy
reference bit for bit. Import this module only from code that already needs numba.

Speed comes from three choices, each worth a factor of about 1.5 to 3: the mode
is a compile-time constant (one kernel per mode, compiled on first use); what
depends only on the format, the mode and the overflow policy is computed once
(:func:`parameters`) so the loop body has no branch on it; and each thread runs a
plain loop over a contiguous chunk, which LLVM vectorizes.
"""

import functools

import numba
import numpy as np

from mathkit._random_numba import random_words
from mathkit.precision.formats import Format

NEAREST_EVEN, NEAREST_AWAY, TOWARD_ZERO, UP, DOWN, ODD, STOCHASTIC = range(7)
SATURATE = 1

_U0, _U1 = np.uint64(0), np.uint64(1)
_U5, _U6, _U26 = np.uint64(5), np.uint64(6), np.uint64(26)
_ABS_MASK = np.uint64(0x7FFF_FFFF_FFFF_FFFF)
_FRACTION_MASK = np.uint64(0x000F_FFFF_FFFF_FFFF)
_HIDDEN_BIT = np.uint64(1 << 52)
_SIGN_SHIFT, _EXPONENT_SHIFT = np.uint64(63), np.uint64(52)
_MAX_SHIFT = 55

#: Elements per chunk of the parallel loop; results do not depend on it.
CHUNK = 1 << 14


def parameters(fmt: Format, mode: int, overflow: int) -> tuple:
    """What the loop needs of the format, mode and overflow policy, computed once.

    Returns ``(precision, emin, below, largest, over_positive, over_negative,
    infinite, negative_zero)``: ``below`` is the quantum exponent under
    ``2^emin``; ``over_positive`` and ``over_negative`` the magnitudes that a
    positive or negative overflow becomes (``inf``, ``max`` or NaN, by IEEE
    754 §7.4 or saturation); ``infinite`` the magnitude an infinite input
    becomes.
    """
    largest = fmt.max
    beyond = np.inf if fmt.infinities else np.nan
    if overflow == SATURATE:
        over_positive = over_negative = infinite = largest
    else:
        to_max = mode in (TOWARD_ZERO, ODD)
        over_positive = largest if to_max or mode == DOWN else beyond
        over_negative = largest if to_max or mode == UP else beyond
        infinite = beyond
    below = fmt.emin - (fmt.precision - 1) if fmt.subnormals else fmt.emin
    return (
        np.int64(fmt.precision), np.int64(fmt.emin), np.int64(below), np.float64(largest),
        np.float64(over_positive), np.float64(over_negative), np.float64(infinite),
        fmt.has_negative_zero,
    )


@numba.njit(inline="always")
def power_of_two(q):
    """``2^q`` for ``-1074 <= q <= 1023``, built from its bits (``math.ldexp`` is far slower).

    Both candidate bit patterns are computed and one is selected, without a branch.
    """
    normal = np.uint64(max(q + 1023, 0)) << _EXPONENT_SHIFT
    subnormal = _U1 << np.uint64(min(max(q + 1074, 0), 63))
    return np.uint64(normal if q >= -1022 else subnormal).view(np.float64)


@numba.njit(inline="always")
def round_value(x, precision, emin, below, largest, over_positive, over_negative, infinite,
                negative_zero, mode, uniform_bits):
    """Round one float64 ``x`` (see :func:`mathkit.precision.round`).

    The arguments after ``x`` are those of :func:`parameters`, then the mode's
    integer code (of ``rounding.MODES``) and ``uniform_bits``, the 53-bit
    integer ``u 2^53`` of stochastic rounding.

    Written with selects rather than branches; zeros need no special case
    (they give ``n = 0``), and the result for inf and NaN is chosen at the end.
    """
    bits = np.float64(x).view(np.uint64)
    negative = (bits >> _SIGN_SHIFT) != 0
    absolute = bits & _ABS_MASK
    biased = np.int64(absolute >> _EXPONENT_SHIFT)
    fraction = absolute & _FRACTION_MASK
    # 1. |x| = m 2^k exactly, and e = floor(log2 |x|) for normal x. Zero and subnormal x
    #    (biased exponent 0) get e = -1023, below every format's emin: all step 2 needs.
    significand = fraction | (_HIDDEN_BIT if biased != 0 else _U0)
    k = max(biased, 1) - 1075
    e = biased - 1023
    # 2. the quantum exponent.
    q = e - (precision - 1) if e >= emin else below
    s = q - k
    # 3. |x| / 2^q = n + r / 2^s (for s <= 0, x is on the grid: the result is |x|).
    shift = np.uint64(min(max(s, 1), _MAX_SHIFT))
    n = significand >> shift
    r = significand & ((_U1 << shift) - _U1)
    half = _U1 << (shift - _U1)
    # The increment, as arithmetic: each line is the condition of rounding.py's numpy code.
    if mode == NEAREST_EVEN:  # r > half, or r == half and n odd
        n = (significand + (half - _U1) + (n & _U1)) >> shift
    elif mode == NEAREST_AWAY:  # r >= half
        n = (significand + half) >> shift
    elif mode == UP:  # inexact and positive
        n += np.uint64((r != 0) & (not negative))
    elif mode == DOWN:  # inexact and negative
        n += np.uint64((r != 0) & negative)
    elif mode == ODD:  # inexact: set the last bit
        n |= np.uint64(r != 0)
    elif mode == STOCHASTIC:  # u < r / 2^s, i.e. j 2^s < r 2^53 (rounding._stochastic_up)
        left = np.uint64(min(max(53 - s, 0), 63))
        right = np.uint64(min(max(s - 53, 0), 63))
        threshold = r << left if s <= 53 else ((r - _U1) >> right) + _U1
        n += np.uint64((r != 0) & (uniform_bits < threshold))
    rounded = np.float64(n) * power_of_two(q)  # exact: the product is a float64 value
    magnitude = rounded if s > 0 else abs(x)
    # 4. overflow, then infinite and NaN input.
    over = over_negative if negative else over_positive
    magnitude = over if magnitude > largest else magnitude
    special = (np.nan if fraction != 0 else infinite) if biased == 2047 else magnitude
    result = -special if negative else special
    result = 0.0 if (special == 0 and not negative_zero) else result
    return np.nan if result != result else result  # one NaN, positive, as numpy's


@numba.njit(inline="always")
def stochastic_bits(k0, k1, index):
    """``u 2^53`` for the first uniform53 of (key, index, block 0), as a uint64 integer."""
    w0, w1, _, _ = random_words(k0, k1, index, 0)
    return ((w0 >> _U5) << _U26) + (w1 >> _U6)


@functools.cache
def _kernel(mode: int):
    """The parallel kernel for one rounding mode (a compile-time constant, so numba drops
    the other modes' code). Compiled on first use.
    """

    @numba.njit
    def chunk(x, out, precision, emin, below, largest, over_positive, over_negative, infinite,
              negative_zero, k0, k1, base):
        for i in range(x.size):
            uniform_bits = np.uint64(0)
            if mode == STOCHASTIC:
                uniform_bits = stochastic_bits(k0, k1, base + np.uint64(i))
            out[i] = round_value(np.float64(x[i]), precision, emin, below, largest,
                                 over_positive, over_negative, infinite, negative_zero, mode,
                                 uniform_bits)

    @numba.njit(parallel=True)
    def kernel(x, out, precision, emin, below, largest, over_positive, over_negative, infinite,
               negative_zero, k0, k1, offset):
        chunks = (x.size + CHUNK - 1) // CHUNK
        for c in numba.prange(chunks):
            start = c * CHUNK
            stop = min(x.size, start + CHUNK)
            chunk(x[start:stop], out[start:stop], precision, emin, below, largest,
                  over_positive, over_negative, infinite, negative_zero, k0, k1,
                  offset + np.uint64(start))

    return kernel


def round_array(x: np.ndarray, fmt: Format, mode: int, overflow: int, key: int,
                index_offset: int) -> np.ndarray:
    """Round a contiguous 1-D float32 or float64 array; float64 out (numba, parallel)."""
    out = np.empty(x.size, dtype=np.float64)
    _kernel(int(mode))(
        x, out, *parameters(fmt, mode, overflow), np.uint64(key & 0xFFFFFFFF),
        np.uint64(key >> 32), np.uint64(index_offset),
    )
    return out
