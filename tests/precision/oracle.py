"""Two oracles for rounding, written independently of mathkit.precision.rounding.

- :func:`fraction_round`: the definition, in exact rational arithmetic
  (:class:`fractions.Fraction`), for one float64 and any mode: find the two
  neighbours ``lo <= |x| < hi`` on the format's grid and pick one. Slow
  (microseconds per value), obviously right.
- :func:`nearest_even_sorted` and :func:`sweep_float32`: round-to-nearest-even
  by *merging* sorted inputs with the sorted table of the format's values
  (``Format.values()``, itself checked against numpy and ml_dtypes), choosing
  between the table neighbours by comparing the two distances and, on a tie,
  the parity of the table index (the code's last bit). No bit tricks, no
  frexp: a different algorithm from the production code, compiled with
  numba so it can check all 2^32 float32 inputs.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numba
import numpy as np

from mathkit.precision import Format
from mathkit.precision._numba import (
    has_fast_nearest_even,
    parameters,
    round_nearest_even_fast,
    round_value,
)


def _floor_log2(value: Fraction) -> int:
    """``floor(log2 value)`` for a positive Fraction, from bit lengths and one comparison."""
    e = value.numerator.bit_length() - value.denominator.bit_length()
    if Fraction(2) ** e > value:
        e -= 1
    return e


def fraction_round(x: float, fmt: Format, mode: str = "nearest_even",
                   overflow: str = "ieee", u: float | None = None) -> float:
    """The correctly rounded value of float ``x`` in ``fmt``, by exact rational arithmetic.

    ``u`` is the uniform in [0, 1) of stochastic rounding (round away from zero
    iff ``u < (|x| - lo) / (hi - lo)``).
    """
    if math.isnan(x):
        return math.nan
    negative = math.copysign(1.0, x) < 0
    largest = Fraction(fmt.max)
    if math.isinf(x):
        if overflow == "saturate":
            return -fmt.max if negative else fmt.max
        return x if fmt.infinities else math.nan
    exact = abs(Fraction(x))
    if exact == 0:
        result = Fraction(0)
    else:
        e = _floor_log2(exact)
        if e >= fmt.emin:
            quantum = Fraction(2) ** (e - fmt.precision + 1)
        elif fmt.subnormals:
            quantum = Fraction(2) ** (fmt.emin - fmt.precision + 1)
        else:
            quantum = Fraction(2) ** fmt.emin
        count = exact // quantum  # lo = count * quantum
        lo, hi = count * quantum, (count + 1) * quantum
        if exact == lo:
            result = lo
        elif mode in ("nearest_even", "nearest_away"):
            below, above = exact - lo, hi - exact
            if below != above:
                result = lo if below < above else hi
            elif mode == "nearest_away":
                result = hi
            else:
                result = lo if count % 2 == 0 else hi
        elif mode == "toward_zero":
            result = lo
        elif mode == "up":
            result = lo if negative else hi
        elif mode == "down":
            result = hi if negative else lo
        elif mode == "odd":
            result = lo if count % 2 == 1 else hi
        elif mode == "stochastic":
            result = hi if Fraction(u) < (exact - lo) / quantum else lo
        else:
            raise ValueError(mode)
    if result > largest:
        to_max = (
            overflow == "saturate"
            or mode in ("toward_zero", "odd")
            or (mode == "up" and negative)
            or (mode == "down" and not negative)
        )
        if to_max:
            result = largest
        elif fmt.infinities:
            return -math.inf if negative else math.inf
        else:
            return math.nan
    value = float(result)
    if negative and (value != 0 or fmt.has_negative_zero):
        value = -value
    return value


def grid(fmt: Format) -> tuple[np.ndarray, float]:
    """The non-negative values of ``fmt`` (ascending, from 0) and the grid point past the max.

    The point past the max is where the grid of the top binade would go on,
    ``max + ulp(max)``; its table index ``len(table)`` has the parity of its code.
    """
    values = fmt.values()
    table = values[values >= 0]
    return table, float(table[-1] + fmt.ulp(table[-1]))


@numba.njit
def _nearest_even_merge(values, start, stop, table, beyond, overflow_value, out, j):
    """Round ``values[start:stop]`` (sorted, >= 0, NaN last) by merging with ``table``."""
    last = table.size - 1
    for i in range(start, stop):
        v = values[i]
        if v != v:
            out[i] = np.nan
            continue
        if v == np.inf:
            out[i] = overflow_value
            continue
        while j < last and table[j + 1] <= v:
            j += 1
        lo = table[j]
        hi = table[j + 1] if j < last else beyond
        below = v - lo
        above = hi - v
        if below < above or (below == above and j % 2 == 0):
            out[i] = lo
        elif j < last:
            out[i] = hi
        else:
            out[i] = overflow_value
    return j


@numba.njit
def nearest_even_sorted(values, table, beyond, overflow_value):
    """Round-to-nearest-even of sorted non-negative float64 ``values`` (NaN allowed, last)."""
    out = np.empty(values.size, dtype=np.float64)
    if values.size:
        _nearest_even_merge(values, 0, values.size, table, beyond, overflow_value, out, 0)
    return out


def oracle_nearest_even(x: np.ndarray, fmt: Format) -> np.ndarray:
    """Round-to-nearest-even of any float64 array by the merge oracle (sign by symmetry)."""
    x = np.asarray(x, dtype=np.float64).ravel()
    table, beyond = grid(fmt)
    overflow_value = np.inf if fmt.infinities else np.nan
    magnitude = np.abs(x)
    order = np.argsort(magnitude, kind="stable")  # NaN sorts last
    rounded = np.empty_like(magnitude)
    rounded[order] = nearest_even_sorted(magnitude[order], table, beyond, overflow_value)
    negative = np.signbit(x) & ~np.isnan(rounded)
    rounded = np.where(negative, -rounded, rounded)
    if not fmt.has_negative_zero:
        rounded = np.where(rounded == 0, 0.0, rounded)
    return rounded


@numba.njit(parallel=True)
def _sweep(start, stop, blocks, table, beyond, overflow_value, fast, top, precision, emin,
           below, largest, over_positive, over_negative, infinite, negative_zero):
    """Compare production round-to-nearest-even with the merge oracle on float32 patterns
    ``[start, stop)`` (all positive: ``stop <= 2^31``) and their negatives: the general
    ``round_value`` and, where it serves the format (``fast``), ``round_nearest_even_fast``.

    Returns, per block, the number of mismatching patterns (either sign) and the first one.
    """
    counts = np.zeros(blocks, dtype=np.int64)
    first = np.full(blocks, -1, dtype=np.int64)
    size = (stop - start + blocks - 1) // blocks
    for b in numba.prange(blocks):
        lo_pattern = start + b * size
        hi_pattern = min(stop, lo_pattern + size)
        if lo_pattern >= hi_pattern:
            continue
        first_value = np.float64(np.uint32(lo_pattern).view(np.float32))
        j = 0
        if first_value == first_value:
            j = max(np.searchsorted(table, first_value, side="right") - 1, 0)
        out = np.empty(1, dtype=np.float64)
        value = np.empty(1, dtype=np.float64)
        for pattern in range(lo_pattern, hi_pattern):
            v = np.float64(np.uint32(pattern).view(np.float32))
            value[0] = v
            j = _nearest_even_merge(value, 0, 1, table, beyond, overflow_value, out, j)
            expected = out[0]
            got = round_value(v, precision, emin, below, largest, over_positive,
                              over_negative, infinite, negative_zero, 0, np.uint64(0))
            got_negative = round_value(-v, precision, emin, below, largest, over_positive,
                                       over_negative, infinite, negative_zero, 0,
                                       np.uint64(0))
            if expected != expected:
                good = got != got and got_negative != got_negative
            else:
                negative_expected = -expected
                if expected == 0 and not negative_zero:
                    negative_expected = 0.0
                good = (
                    np.float64(got).view(np.uint64) == np.float64(expected).view(np.uint64)
                    and np.float64(got_negative).view(np.uint64)
                    == np.float64(negative_expected).view(np.uint64)
                )
            if fast:  # the production loop must also agree with the general one, bit for bit
                fast_got = round_nearest_even_fast(v, precision, emin, top, below, largest,
                                                   over_positive, infinite, negative_zero)
                fast_negative = round_nearest_even_fast(-v, precision, emin, top, below,
                                                        largest, over_positive, infinite,
                                                        negative_zero)
                good = good and (
                    np.float64(fast_got).view(np.uint64) == np.float64(got).view(np.uint64)
                    and np.float64(fast_negative).view(np.uint64)
                    == np.float64(got_negative).view(np.uint64)
                )
            if not good:
                counts[b] += 1
                if first[b] < 0:
                    first[b] = pattern
    return counts, first


def sweep_float32(fmt: Format, start: int = 0, stop: int = 2**31, blocks: int = 256):
    """Check production round-to-nearest-even against the merge oracle on float32 patterns.

    Patterns ``[start, stop)`` (of the positive half; each is also checked
    negated). Returns ``(mismatches, first_mismatching_pattern or None)``.
    """
    table, beyond = grid(fmt)
    overflow_value = np.inf if fmt.infinities else np.nan
    counts, first = _sweep(
        np.int64(start), np.int64(stop), np.int64(blocks), table, beyond, overflow_value,
        has_fast_nearest_even(fmt), np.int64(fmt.emax + 1),
        *parameters(fmt, 0, 0),  # round to nearest even, IEEE overflow
    )
    found = first[first >= 0]
    return int(counts.sum()), (int(found.min()) if found.size else None)
