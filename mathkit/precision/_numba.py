"""Rounding compiled with numba: one value at a time, in parallel over chunks of elements.

:func:`round_value` is the algorithm of :mod:`mathkit.precision.rounding` for
one float64, on its bit pattern (``rounding.cuh`` transcribes it to CUDA C);
:func:`round_array` runs it over an array. The tests hold both to the numpy
reference bit for bit. Import this module only from code that already needs numba.

Speed comes from three choices, each worth a factor of about 1.5 to 3: the mode
is a compile-time constant (one kernel per mode, compiled on first use); what
depends only on the format, the mode and the overflow policy is computed once
(:func:`parameters`) so the loop body has no branch on it; and each thread runs a
plain loop over a contiguous chunk, which LLVM vectorizes. Round to nearest even, the
common case, has its own loop (:func:`round_nearest_even_fast`): float64's own rounding
does the work, in about half the time of the integer route.

The kernels of :mod:`mathkit.precision.ops` (whole sums and matrix products, each
operation rounded once) are at the end of the file.
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
_SIGN_BIT = np.uint64(0x8000_0000_0000_0000)
_INFINITY_BITS = np.uint64(0x7FF0_0000_0000_0000)
_FRACTION_MASK = np.uint64(0x000F_FFFF_FFFF_FFFF)
_HIDDEN_BIT = np.uint64(1 << 52)
_SIGN_SHIFT, _EXPONENT_SHIFT = np.uint64(63), np.uint64(52)
_MAX_SHIFT = 55
#: Largest emax - p for which round_nearest_even_fast's constant 2^(q+52) is finite.
_FAST_LIMIT = 969

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
def round_nearest_even_fast(x, precision, emin, top, below, largest, over, infinite,
                            negative_zero):
    """Round one float64 to nearest even as :func:`round_value` does, by float64 arithmetic.

    With ``2^q`` the quantum at ``x`` (``e`` clamped to ``top = emax + 1``, past which
    every result overflows anyway), ``(|x| + 2^(q+52)) - 2^(q+52)``: the sum lies in
    ``[2^(q+52), 2^(q+53))``, where float64's spacing is ``2^q``, so float64's own
    round-to-nearest-even rounds ``|x|`` to a multiple of ``2^q`` once, ties to an even
    multiple (``2^(q+52) / 2^q`` is even); the subtraction is exact. Needs ``p <= 51``
    (so that ``|x| < 2^(q+51)`` keeps the sum in that binade) and ``q + 53 <= 1024``, that
    is ``emax - p <= 969``: every format but float64-like ones. Fewer operations than the
    integer route and no integer-to-float conversion.
    """
    bits = np.float64(x).view(np.uint64)
    sign = bits & _SIGN_BIT
    absolute = bits & _ABS_MASK
    biased = np.int64(absolute >> _EXPONENT_SHIFT)
    e = min(biased - 1023, top)
    q = e - (precision - 1) if e >= emin else below
    magic = np.uint64(np.uint64(q + 1075) << _EXPONENT_SHIFT).view(np.float64)
    rounded = (np.uint64(absolute).view(np.float64) + magic) - magic
    rounded = over if rounded > largest else rounded
    special = infinite if absolute == _INFINITY_BITS else rounded
    sign = sign if (special != 0 or negative_zero) else _U0
    signed = np.uint64(np.float64(special).view(np.uint64) | sign).view(np.float64)
    return np.nan if (signed != signed or absolute > _INFINITY_BITS) else signed


@functools.cache
def _fast_kernel():
    """The parallel kernel of :func:`round_nearest_even_fast` (compiled on first use)."""

    @numba.njit
    def chunk(x, out, precision, emin, top, below, largest, over, infinite, negative_zero):
        for i in range(x.size):
            out[i] = round_nearest_even_fast(np.float64(x[i]), precision, emin, top, below,
                                             largest, over, infinite, negative_zero)

    @numba.njit(parallel=True)
    def kernel(x, out, precision, emin, top, below, largest, over, infinite, negative_zero):
        chunks = (x.size + CHUNK - 1) // CHUNK
        for c in numba.prange(chunks):
            start = c * CHUNK
            stop = min(x.size, start + CHUNK)
            chunk(x[start:stop], out[start:stop], precision, emin, top, below, largest, over,
                  infinite, negative_zero)

    return kernel


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


def has_fast_nearest_even(fmt: Format) -> bool:
    """Whether :func:`round_nearest_even_fast` serves ``fmt`` (see its conditions)."""
    return fmt.precision <= 51 and fmt.emax - fmt.precision <= _FAST_LIMIT


def round_array(x: np.ndarray, fmt: Format, mode: int, overflow: int, key: int,
                index_offset: int) -> np.ndarray:
    """Round a contiguous 1-D float32 or float64 array; float64 out (numba, parallel)."""
    out = np.empty(x.size, dtype=np.float64)
    if mode == NEAREST_EVEN and has_fast_nearest_even(fmt):
        precision, emin, below, largest, over, _, infinite, negative_zero = parameters(
            fmt, mode, overflow)
        _fast_kernel()(x, out, precision, emin, np.int64(fmt.emax + 1), below, largest, over,
                       infinite, negative_zero)
        return out
    _kernel(int(mode))(
        x, out, *parameters(fmt, mode, overflow), np.uint64(key & 0xFFFFFFFF),
        np.uint64(key >> 32), np.uint64(index_offset),
    )
    return out


# --- emulated arithmetic (mathkit.precision.ops): whole sums and products in one call ---
#
# Each kernel runs the algorithm of ops.py on every row (or matrix entry) in parallel, with
# the same operations in the same order, and numbers the values rounded by stochastic
# rounding exactly as ops.py's numpy path does (a value rounded in the j-th operation on
# an array of R elements, at element r, gets index j R + r), so both give the same bits.


@numba.njit
def _round_to_odd_sum(a, b):
    """``a + b`` rounded to odd in float64: TwoSum, then one step toward the error."""
    s = a + b
    virtual = s - a
    t = (a - (s - virtual)) + (b - virtual)
    bits = np.float64(s).view(np.uint64)
    finite = (bits & _ABS_MASK) < _INFINITY_BITS
    step = np.uint64((t != 0) & ((bits & _U1) == 0) & finite)
    # a step away from zero when t has the sign of s, toward zero otherwise
    moved = bits + step if (t > 0) == (s > 0) else bits - step
    return np.uint64(moved).view(np.float64)


#: Rows summed side by side by one thread.
ROW_BLOCK = 64


@functools.cache
def _operations(mode: int):
    """The rounded operations and the per-thread loops for one mode, a compile-time constant
    (as in :func:`_kernel`), so the other modes' code is dropped and the loops vectorize."""

    @numba.njit(inline="always")
    def rounded(x, p, native, k0, k1, index):
        """``x`` rounded to the accumulator (``p``: :func:`parameters`)."""
        if native:
            return x
        uniform_bits = np.uint64(0)
        if mode == STOCHASTIC:
            uniform_bits = stochastic_bits(k0, k1, index)
        return round_value(x, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], mode,
                           uniform_bits)

    @numba.njit(inline="always")
    def add(a, b, p, native, k0, k1, index):
        if native:
            return a + b
        return rounded(_round_to_odd_sum(a, b), p, native, k0, k1, index)

    @numba.njit
    def recursive_block(columns, lo, hi, out, p, native, k0, k1):
        """Rows ``lo..hi`` side by side: the additions of one step are independent."""
        rows = columns.shape[1]
        total = columns[0, lo:hi].copy()
        for i in range(1, columns.shape[0]):
            base = (i - 1) * rows
            for r in range(lo, hi):
                total[r - lo] = add(total[r - lo], columns[i, r], p, native, k0, k1,
                                    np.uint64(base + r))
        out[lo:hi] = total

    @numba.njit
    def kahan_block(columns, lo, hi, out, p, native, k0, k1):
        rows = columns.shape[1]
        total = columns[0, lo:hi].copy()
        correction = np.zeros(hi - lo)
        for i in range(1, columns.shape[0]):
            base = 4 * (i - 1) * rows
            for r in range(lo, hi):
                j = r - lo
                y = add(columns[i, r], correction[j], p, native, k0, k1, np.uint64(base + r))
                previous = total[j]
                total[j] = add(previous, y, p, native, k0, k1, np.uint64(base + rows + r))
                difference = add(previous, -total[j], p, native, k0, k1,
                                 np.uint64(base + 2 * rows + r))
                correction[j] = add(difference, y, p, native, k0, k1,
                                    np.uint64(base + 3 * rows + r))
        out[lo:hi] = total

    @numba.njit
    def pairwise_block(columns, lo, hi, out, p, native, k0, k1):
        """One row at a time; the additions of one level are independent."""
        n, rows = columns.shape
        level = np.empty(n)
        for r in range(lo, hi):
            for i in range(n):
                level[i] = columns[i, r]
            length, offset = n, 0
            while length > 1:
                pairs = length // 2
                for j in range(pairs):
                    level[j] = add(level[2 * j], level[2 * j + 1], p, native, k0, k1,
                                   np.uint64(offset + r * pairs + j))
                if length % 2:
                    level[pairs] = level[length - 1]
                offset += rows * pairs
                length = pairs + length % 2
            out[r] = level[0]

    @numba.njit
    def matmul_row(a_row, b, out_row, i, size, p, native, k0, k1):
        """Row ``i`` of the product, its entries side by side."""
        cols = b.shape[1]
        for j in range(cols):
            out_row[j] = rounded(a_row[0] * b[0, j], p, native, k0, k1, np.uint64(i * cols + j))
        for k in range(1, a_row.size):
            for j in range(cols):
                entry = i * cols + j
                product = rounded(a_row[k] * b[k, j], p, native, k0, k1,
                                  np.uint64((2 * k - 1) * size + entry))
                out_row[j] = add(out_row[j], product, p, native, k0, k1,
                                 np.uint64(2 * k * size + entry))

    return (recursive_block, pairwise_block, kahan_block), matmul_row


@functools.cache
def _sum_kernel(mode: int, algorithm: int):
    """The parallel kernel of the sums of the columns of a 2-D array (compiled on first use)."""
    block_sum = _operations(mode)[0][algorithm]

    @numba.njit(parallel=True)
    def kernel(columns, out, p, native, k0, k1):
        rows = columns.shape[1]
        blocks = (rows + ROW_BLOCK - 1) // ROW_BLOCK
        for b in numba.prange(blocks):
            lo = b * ROW_BLOCK
            block_sum(columns, lo, min(rows, lo + ROW_BLOCK), out, p, native, k0, k1)

    return kernel


@functools.cache
def _matmul_kernel(mode: int):
    """The parallel kernel of ``A @ B`` with every product and sum rounded, over rows of A."""
    matmul_row = _operations(mode)[1]

    @numba.njit(parallel=True)
    def kernel(a, b, out, p, native, k0, k1):
        size = a.shape[0] * b.shape[1]
        for i in numba.prange(a.shape[0]):
            matmul_row(a[i], b, out[i], i, size, p, native, k0, k1)

    return kernel


def _key_words(key: int) -> tuple:
    return np.uint64(key & 0xFFFFFFFF), np.uint64(key >> 32)


def sum_rows(terms: np.ndarray, algorithm: int, fmt: Format, mode: int, native: bool,
             key: int) -> np.ndarray:
    """Sum each row of a 2-D float64 array in ``fmt`` (ops.py's algorithms and numbering).

    ``algorithm`` is the index in :data:`mathkit.precision.bounds.ALGORITHMS`.
    """
    out = np.empty(terms.shape[0], dtype=np.float64)
    columns = np.ascontiguousarray(terms.T)
    _sum_kernel(int(mode), int(algorithm))(columns, out, parameters(fmt, mode, 0), bool(native),
                                           *_key_words(key))
    return out


def matmul_rounded(a: np.ndarray, b: np.ndarray, fmt: Format, mode: int, native: bool,
                   key: int) -> np.ndarray:
    """``a @ b`` with each product and sum rounded to ``fmt`` (ops.py's order)."""
    out = np.empty((a.shape[0], b.shape[1]), dtype=np.float64)
    _matmul_kernel(int(mode))(a, b, out, parameters(fmt, mode, 0), bool(native),
                              *_key_words(key))
    return out
