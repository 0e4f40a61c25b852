"""numba kernels of :mod:`mathkit.walks.simulate`; the numpy reference is ``_path_statistics``.

``prange`` over walks; each walk draws its steps from Philox exactly as the
module docstring of :mod:`mathkit.walks.simulate` specifies, so the counts
equal the reference's bit for bit, for any thread count.

For the symmetric simple walk one random bit drives one step. The endpoint
alone is a popcount per 32-bit word, 16 walks at a time on SIMD lanes. Path
statistics take 8 steps at a time from byte tables (net displacement, prefix
maximum and minimum) and fall back to single steps only for a byte in which
the walk could touch 0 (``|S| <= 8``) or the passage level: far from both,
nothing but the extremes can change.
"""

import numba
import numpy as np

from mathkit._random_numba import random_words, uniform53

# Statistic columns, in the order of simulate.STATISTICS.
ENDPOINT, MAXIMUM, MINIMUM, PASSAGE, FIRST_RETURN, RETURNS, POSITIVE, LAST_ZERO, RANGE = range(9)
CENSORED = -1
#: Walks stepped together by :func:`endpoints_bits`.
LANES = 16


def _byte_tables():
    """Net displacement and prefix max/min (over steps 1..8) of each byte of steps."""
    bits = (np.arange(256)[:, None] >> np.arange(8)[None, :]) & 1
    path = np.cumsum(2 * bits - 1, axis=1)
    return path[:, -1].astype(np.int64), path.max(axis=1).astype(np.int64), path.min(
        axis=1).astype(np.int64)


BYTE_DISPLACEMENT, BYTE_MAXIMUM, BYTE_MINIMUM = _byte_tables()
_M1, _M2, _M4, _H01 = (np.uint64(0x55555555), np.uint64(0x33333333), np.uint64(0x0F0F0F0F),
                       np.uint64(0x01010101))


@numba.njit(inline="always")
def popcount32(word):
    """Set bits of a 32-bit word held in a uint64 (SWAR)."""
    word = word - ((word >> np.uint64(1)) & _M1)
    word = (word & _M2) + ((word >> np.uint64(2)) & _M2)
    word = (word + (word >> np.uint64(4))) & _M4
    return np.int64(((word * _H01) & np.uint64(0xFFFFFFFF)) >> np.uint64(24))


@numba.njit(inline="always")
def _advance(step, time, s, hi, lo, passage, first_return, returns, positive, last_zero, level):
    """One step of every statistic; ``time`` is the index of the position reached."""
    previous = s
    s += step
    hi = max(hi, s)
    lo = min(lo, s)
    if passage == CENSORED and s == level:
        passage = time
    if s == 0:
        returns += 1
        last_zero = time
        if first_return == CENSORED:
            first_return = time
    if s > 0 or previous > 0:
        positive += 1
    return s, hi, lo, passage, first_return, returns, positive, last_zero


@numba.njit(inline="always")
def _done(only_first_times, wants_passage, passage, wants_return, first_return):
    """Whether a walk asked only for first times has found all of them (early exit)."""
    if not only_first_times:
        return False
    return (not wants_passage or passage != CENSORED) and (
        not wants_return or first_return != CENSORED)


@numba.njit(inline="always")
def _lane_mask(rest, lane):
    """Mask of the steps that word ``lane`` of the last block still holds."""
    bits = min(max(rest - 32 * lane, 0), 32)
    return (np.uint64(1) << np.uint64(bits)) - np.uint64(1)


@numba.njit(parallel=True)
def endpoints_bits(k0, k1, first, n_walks, n_steps):
    """S_n of walks ``first .. first + n_walks - 1`` of the symmetric walk, by popcount.

    Walks go in groups of ``LANES`` through the same block at once: that inner
    loop has a fixed trip count, so LLVM runs Philox on SIMD lanes (about 8x
    the scalar rate). The last block is masked, not branched on, for the same
    reason.
    """
    out = np.empty(n_walks, dtype=np.int64)
    n_blocks = (n_steps + 127) // 128
    rest = n_steps - 128 * (n_blocks - 1)
    all_steps = np.uint64(0xFFFFFFFF)
    for group in numba.prange((n_walks + LANES - 1) // LANES):
        ones = np.zeros(LANES, dtype=np.int64)
        base = first + group * LANES
        for block in range(n_blocks):
            last = block == n_blocks - 1
            m0 = _lane_mask(rest, 0) if last else all_steps
            m1 = _lane_mask(rest, 1) if last else all_steps
            m2 = _lane_mask(rest, 2) if last else all_steps
            m3 = _lane_mask(rest, 3) if last else all_steps
            for lane in range(LANES):
                w = random_words(k0, k1, np.uint64(base + lane), block)
                ones[lane] += (popcount32(w[0] & m0) + popcount32(w[1] & m1)
                               + popcount32(w[2] & m2) + popcount32(w[3] & m3))
        for lane in range(min(LANES, n_walks - group * LANES)):
            out[group * LANES + lane] = 2 * ones[lane] - n_steps
    return out


@numba.njit(inline="always")
def _walk_bits(k0, k1, item, n_steps, level, only_first_times, wants_passage, wants_return,
               watches_zero, out):
    """Every statistic of one symmetric simple walk, 8 steps at a time where possible.

    With ``watches_zero`` false (no statistic asked for depends on visits to
    0), the zero statistics it returns are not meaningful.
    """
    s = hi = lo = returns = positive = last_zero = np.int64(0)
    passage = first_return = np.int64(CENSORED)
    t = 0
    block = 0
    while t < n_steps:
        words = random_words(k0, k1, item, block)
        for lane in range(4):
            word = words[lane]
            for shift in range(0, 32, 8):
                if t >= n_steps:
                    break
                byte = (word >> np.uint64(shift)) & np.uint64(0xFF)
                far_from_zero = not watches_zero or s > 8 or s < -8
                may_pass = wants_passage and passage == CENSORED and (
                    s + BYTE_MINIMUM[byte] <= level <= s + BYTE_MAXIMUM[byte])
                if n_steps - t >= 8 and far_from_zero and not may_pass:
                    hi = max(hi, s + BYTE_MAXIMUM[byte])
                    lo = min(lo, s + BYTE_MINIMUM[byte])
                    if s > 0:
                        positive += 8
                    s += BYTE_DISPLACEMENT[byte]
                    t += 8
                    continue
                for bit in range(min(8, n_steps - t)):
                    step = 2 * np.int64((byte >> np.uint64(bit)) & np.uint64(1)) - 1
                    t += 1
                    s, hi, lo, passage, first_return, returns, positive, last_zero = _advance(
                        step, t, s, hi, lo, passage, first_return, returns, positive,
                        last_zero, level)
                if _done(only_first_times, wants_passage, passage, wants_return, first_return):
                    t = n_steps
        block += 1
    _store(out, s, hi, lo, passage, first_return, returns, positive, last_zero)


@numba.njit(inline="always")
def _walk_uniform(steps, cdf, k0, k1, item, n_steps, level, only_first_times, wants_passage,
                  wants_return, out):
    """Every statistic of one walk with a general step law, one 53-bit uniform a step."""
    s = hi = lo = returns = positive = last_zero = np.int64(0)
    passage = first_return = np.int64(CENSORED)
    t = 0
    block = 0
    while t < n_steps:
        pair = uniform53(k0, k1, item, block)
        for lane in range(2):
            if t >= n_steps:
                break
            u = pair[lane]
            index = 0
            while u >= cdf[index]:
                index += 1
            t += 1
            s, hi, lo, passage, first_return, returns, positive, last_zero = _advance(
                steps[index], t, s, hi, lo, passage, first_return, returns, positive,
                last_zero, level)
        if _done(only_first_times, wants_passage, passage, wants_return, first_return):
            break
        block += 1
    _store(out, s, hi, lo, passage, first_return, returns, positive, last_zero)


@numba.njit(inline="always")
def _store(out, s, hi, lo, passage, first_return, returns, positive, last_zero):
    out[ENDPOINT] = s
    out[MAXIMUM] = hi
    out[MINIMUM] = lo
    out[PASSAGE] = passage
    out[FIRST_RETURN] = first_return
    out[RETURNS] = returns
    out[POSITIVE] = positive
    out[LAST_ZERO] = last_zero
    out[RANGE] = hi - lo + 1


@numba.njit(parallel=True)
def path_statistics(symmetric, steps, cdf, k0, k1, first, n_walks, n_steps, level, wanted):
    """Statistics ``wanted`` (column indices) of walks ``first .. first + n_walks - 1``.

    Returns shape (n_walks, len(wanted)). The symmetric walk's endpoint alone
    goes to :func:`endpoints_bits`.
    """
    table = np.empty((n_walks, wanted.size), dtype=np.int64)
    wants_passage = wants_return = watches_zero = False
    only_first_times = True
    for column in wanted:
        wants_passage |= column == PASSAGE
        wants_return |= column == FIRST_RETURN
        watches_zero |= column in (FIRST_RETURN, RETURNS, POSITIVE, LAST_ZERO)
        only_first_times &= column in (PASSAGE, FIRST_RETURN)
    for row in numba.prange(n_walks):
        item = np.uint64(first + row)
        every = np.empty(9, dtype=np.int64)
        if symmetric:
            _walk_bits(k0, k1, item, n_steps, level, only_first_times, wants_passage,
                       wants_return, watches_zero, every)
        else:
            _walk_uniform(steps, cdf, k0, k1, item, n_steps, level, only_first_times,
                          wants_passage, wants_return, every)
        for column in range(wanted.size):
            table[row, column] = every[wanted[column]]
    return table
