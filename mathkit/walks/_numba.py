"""numba kernels of :mod:`mathkit.walks.simulate`; the numpy reference is ``_path_statistics``.

Each walk draws its steps from Philox exactly as the module docstring of
:mod:`mathkit.walks.simulate` specifies, so the counts equal the reference's
bit for bit, for any thread count.

Walks go in groups of ``LANES``: ``prange`` over groups and, for each Philox
block, a loop of fixed trip count and no branch over the 16 walks of the
group, which LLVM runs on SIMD lanes (AVX2/AVX-512 here: Philox, popcounts,
comparisons and table gathers for 16 walks at once).

- Symmetric walk, endpoint alone: a popcount per 64 steps
  (:func:`endpoints_bits`), or the histogram straight from the kernel
  (:func:`endpoint_counts`).
- Symmetric walk, extremes alone (endpoint, maximum, minimum, range): 16
  steps a lookup in 64K-entry prefix max/min tables (:func:`extremes_bits`).
- Symmetric walk, any other statistics: 8 steps a lookup in
  :data:`BYTE_TABLE`, one packed entry per (start near 0 or not, byte) that
  holds displacement, extremes, visits to 0 and time positive; the passage
  level is a visit to 0 of the walk shifted by it. The kernel is compiled
  per set of needs (:func:`path_kernel`). Only the last ``n_steps % 8``
  steps go one at a time.
- Other step laws: the endpoint alone counts, per threshold of the
  cumulative law, the uniforms above it (:func:`endpoints_uniform`); path
  statistics go walk by walk, one uniform a step.
"""
import functools

import numba
import numpy as np
from numba.extending import intrinsic

from mathkit._random_numba import random_words, uniform53

# Statistic columns, in the order of simulate.STATISTICS.
ENDPOINT, MAXIMUM, MINIMUM, PASSAGE, FIRST_RETURN, RETURNS, POSITIVE, LAST_ZERO, RANGE = range(9)
CENSORED = -1
#: Walks stepped together (one Philox block each) on SIMD lanes.
LANES = 16
#: Steps per lookup of the general path kernel.
BYTE = 8
#: Walks of a group left without their first times when the group goes on walk by walk.
STRAGGLERS = 4


def _chunk_paths(width: int) -> np.ndarray:
    """Positions after steps 1..width of every chunk of ``width`` bits (bit k = step k + 1)."""
    bits = (np.arange(1 << width)[:, None] >> np.arange(width)[None, :]) & 1
    return np.cumsum(2 * bits - 1, axis=1)


def _byte_table() -> np.ndarray:
    """Everything one byte of steps does, by where the walk starts it; packed in int32.

    Row ``r`` holds the starts ``o = r - 9`` for ``1 <= r <= 17`` (within 8
    of 0), row 0 every start below -8 and row 18 every start above 8 (from
    there 0 is out of reach), column the byte. With ``path_k`` the position
    after step ``k`` of the byte (``path_0 = 0``), each entry packs:

    - bits 0-3: the number of ``k`` in 1..8 with ``o + path_k = 0``;
    - bits 4-7 and 8-11: the first and the last such ``k`` (0 if none);
    - bits 12-15: the ``k`` with ``o + path_k > 0`` or ``o + path_{k-1} > 0``
      (Feller's time positive);
    - bits 16-20, 21-25, 26-30: ``path_8``, ``max path_k`` and ``min path_k``
      (k >= 1), each plus 8.

    One gather fetches all of it, which is what lets the lane loop vectorize.
    """
    starts = np.arange(-BYTE - 1, BYTE + 2)
    chunk = _chunk_paths(BYTE)
    path = starts[:, None, None] + chunk[None, :, :]
    before = np.concatenate([np.broadcast_to(starts[:, None, None], (starts.size, 256, 1)),
                             path[:, :, :-1]], axis=2)
    zero = path == 0
    steps = np.arange(1, BYTE + 1)
    first = np.where(zero.any(axis=2), np.argmax(zero, axis=2) + 1, 0)
    last = np.max(np.where(zero, steps, 0), axis=2)
    positive = ((path > 0) | (before > 0)).sum(axis=2)
    extremes = ((chunk[:, -1] + BYTE) << 16 | (chunk.max(axis=1) + BYTE) << 21
                | (chunk.min(axis=1) + BYTE) << 26)
    return (zero.sum(axis=2) | first << 4 | last << 8 | positive << 12
            | extremes[None, :]).astype(np.int32).ravel()


BYTE_TABLE = _byte_table()


@functools.cache
def extremes_tables() -> tuple[np.ndarray, np.ndarray]:
    """Prefix max and min (over steps 1..16) of every 16 bits of steps, as int8."""
    path = _chunk_paths(2 * BYTE)
    return path.max(axis=1).astype(np.int8), path.min(axis=1).astype(np.int8)


@intrinsic
def popcount(typingctx, word):
    """Set bits of an unsigned integer (LLVM ``ctpop``: one instruction, vectorizable)."""
    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])
    return word(word), codegen


@numba.njit(inline="always")
def popcount32(word):
    """Set bits of a word held in a uint64, as int64."""
    return np.int64(popcount(word))


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


@numba.njit(inline="always")
def _group_ones(k0, k1, base, n_steps, ones):
    """Up-steps among the first ``n_steps`` of walks ``base .. base + LANES - 1``.

    The full blocks and the masked last block are separate loops, so the
    lane loop of a full block has no branch at all.
    """
    full = n_steps // 128
    rest = n_steps - 128 * full
    high = np.uint64(32)
    ones[:] = 0
    for block in range(full):
        for lane in range(LANES):
            w = random_words(k0, k1, np.uint64(base + lane), block)
            ones[lane] += popcount(w[0] | (w[1] << high)) + popcount(w[2] | (w[3] << high))
    if rest:
        m0, m1, m2, m3 = (_lane_mask(rest, 0), _lane_mask(rest, 1), _lane_mask(rest, 2),
                          _lane_mask(rest, 3))
        for lane in range(LANES):
            w = random_words(k0, k1, np.uint64(base + lane), full)
            ones[lane] += popcount((w[0] & m0) | ((w[1] & m1) << high)) + popcount(
                (w[2] & m2) | ((w[3] & m3) << high))


@numba.njit(parallel=True)
def endpoints_bits(k0, k1, first, n_walks, n_steps):
    """S_n of walks ``first .. first + n_walks - 1`` of the symmetric walk, by popcount."""
    out = np.empty(n_walks, dtype=np.int64)
    for group in numba.prange((n_walks + LANES - 1) // LANES):
        ones = np.empty(LANES, dtype=np.uint64)
        _group_ones(k0, k1, first + group * LANES, n_steps, ones)
        for lane in range(min(LANES, n_walks - group * LANES)):
            out[group * LANES + lane] = 2 * np.int64(ones[lane]) - n_steps
    return out


@numba.njit(parallel=True)
def endpoint_counts(k0, k1, first, n_walks, n_steps):
    """``counts[k]``: walks among ``first .. first + n_walks - 1`` with ``S_n = 2k - n``.

    The histogram is made in the kernel (one row per thread, added up at the
    end: exact integers, so the thread count does not matter): no per-walk
    array is written at all.
    """
    counts = np.zeros((numba.get_num_threads(), n_steps + 1), dtype=np.int64)
    for group in numba.prange((n_walks + LANES - 1) // LANES):
        ones = np.empty(LANES, dtype=np.uint64)
        _group_ones(k0, k1, first + group * LANES, n_steps, ones)
        row = numba.get_thread_id()
        for lane in range(min(LANES, n_walks - group * LANES)):
            counts[row, ones[lane]] += 1
    return counts.sum(axis=0)


@numba.njit(inline="always")
def _philox_lanes(k0, k1, base, block, words):
    """The four words of ``block`` of walks ``base .. base + LANES - 1`` (SIMD lanes)."""
    for lane in range(LANES):
        w = random_words(k0, k1, np.uint64(base + lane), block)
        words[0, lane] = w[0]
        words[1, lane] = w[1]
        words[2, lane] = w[2]
        words[3, lane] = w[3]


@numba.njit(parallel=True)
def extremes_bits(k0, k1, first, n_walks, n_steps, maxima, minima, wanted):
    """Endpoint, maximum, minimum and range of the symmetric walk, 16 steps a lookup.

    ``maxima``/``minima`` are :func:`extremes_tables`; the displacement of 16
    steps is ``2 popcount - 16``. The last ``n_steps % 16`` steps go one at a
    time.
    """
    table = np.empty((n_walks, wanted.size), dtype=np.int64)
    chunks = n_steps // 16
    mask = np.uint64(0xFFFF)
    for group in numba.prange((n_walks + LANES - 1) // LANES):
        base = first + group * LANES
        words = np.empty((4, LANES), dtype=np.uint64)
        state = np.zeros((3, LANES), dtype=np.int64)
        for block in range((n_steps + 127) // 128):
            _philox_lanes(k0, k1, base, block, words)
            stop = min(8, chunks - 8 * block)
            for lane in range(LANES):
                s, hi, lo = state[0, lane], state[1, lane], state[2, lane]
                for chunk in range(stop):
                    bits = (words[chunk // 2, lane] >> np.uint64(16 * (chunk % 2))) & mask
                    hi = max(hi, s + maxima[bits])
                    lo = min(lo, s + minima[bits])
                    s += 2 * popcount32(bits) - 16
                if stop < 8:
                    t = 128 * block + 16 * stop
                    for step in range(t, n_steps):
                        word = words[(step // 32) % 4, lane]
                        s += 2 * np.int64((word >> np.uint64(step % 32)) & np.uint64(1)) - 1
                        hi = max(hi, s)
                        lo = min(lo, s)
                state[0, lane], state[1, lane], state[2, lane] = s, hi, lo
        for lane in range(min(LANES, n_walks - group * LANES)):
            every = (state[0, lane], state[1, lane], state[2, lane],
                     state[1, lane] - state[2, lane] + 1)
            for column in range(wanted.size):
                code = wanted[column]
                table[base - first + lane, column] = every[3 if code == RANGE else code]
    return table


@numba.njit(inline="always")
def _byte_entry(offset, byte):
    """The :data:`BYTE_TABLE` entry of ``byte`` started at ``offset`` from 0, as int64."""
    row = min(max(offset + BYTE + 1, 0), 2 * BYTE + 2)
    return np.int64(BYTE_TABLE[np.uint64(256 * row) + byte])


@numba.njit(inline="always")
def _earliest(current, t, k):
    """``t + k`` if it is the first time seen (``current`` censored) and ``k > 0``: no branch.

    Read as unsigned, a censored time (-1) is the largest value and so is a
    missing ``k``; the minimum then keeps the first time.
    """
    candidate = (t + k) | -np.int64(k == 0)
    return np.int64(min(np.uint64(current), np.uint64(candidate)))


#: What the byte kernel can be compiled to watch, besides the position.
NEEDS = frozenset({"extremes", "first_passage", "first_return", "returns", "time_positive",
                   "last_zero"})


@functools.cache
def _byte_step(needs: frozenset):
    """Eight steps (one byte) from :data:`BYTE_TABLE`, for ``needs`` (a subset of :data:`NEEDS`).

    The flags are compile-time constants of the closure, so the work of the
    statistics not asked for is left out of the compiled loop (each one costs
    a few vector operations per byte: returns alone runs ~1.4x faster than
    all four zero statistics).
    """
    extremes, passage = "extremes" in needs, "first_passage" in needs
    returns_, positive_ = "returns" in needs, "time_positive" in needs
    last_zero_, first_return_ = "last_zero" in needs, "first_return" in needs
    # First passage alone reads only the shifted walk's entry: the position
    # moves by popcount, and the lookup near 0 is left out.
    near_zero = bool(needs - {"first_passage"})

    @numba.njit(inline="always")
    def step(byte, t, level, s, hi, lo, passage_time, first_return, returns, positive,
             last_zero):
        near = _byte_entry(s, byte) if near_zero else np.int64(0)
        if extremes:
            hi = max(hi, s + ((near >> 21) & 31) - BYTE)
            lo = min(lo, s + ((near >> 26) & 31) - BYTE)
        if returns_:
            returns += near & 15
        if positive_:
            positive += (near >> 12) & 15
        if last_zero_:
            last = (near >> 8) & 15
            if last != 0:  # a select on SIMD lanes
                last_zero = t + last
        if first_return_:
            first_return = _earliest(first_return, t, (near >> 4) & 15)
        if passage:
            passage_time = _earliest(passage_time, t, (_byte_entry(s - level, byte) >> 4) & 15)
        if near_zero:
            s += ((near >> 16) & 31) - BYTE
        else:
            s += 2 * popcount32(byte) - BYTE
        return s, hi, lo, passage_time, first_return, returns, positive, last_zero

    return step


@numba.njit
def _wants(wanted):
    """Which per-step work the statistics ``wanted`` need."""
    wants_passage = wants_return = False
    only_first_times = True
    for column in wanted:
        wants_passage |= column == PASSAGE
        wants_return |= column == FIRST_RETURN
        only_first_times &= column in (PASSAGE, FIRST_RETURN)
    return wants_passage, wants_return, only_first_times


@functools.cache
def path_kernel(needs: frozenset):
    """The symmetric walk's path kernel for one set of needs (compiled once per set).

    ``needs`` is a subset of :data:`NEEDS`: ``"extremes"`` for maximum,
    minimum or range, and each of the other statistics by name. The kernel
    is ``kernel(k0, k1, first, n_walks, n_steps, level, wanted)`` and returns
    the statistics ``wanted`` (column indices), shape (n_walks, len(wanted)).

    For each full block, the lane loop (fixed trip count, no branch, state in
    small arrays indexed by lane) runs 4 bytes of each of the 16 walks per
    word on SIMD lanes, table lookups as gathers. The partial last block
    does the same for its whole words; only its last bytes and steps go walk
    by walk. A group asked only for first times stops after the first
    block at whose end all its walks have them; once at most
    :data:`STRAGGLERS` walks are left, they go on one by one, each stopping
    at its own first time (a group would otherwise run as long as its
    slowest walk).
    """
    step = _byte_step(needs)

    @numba.njit
    def lane_bytes(words, lane, block, first_byte, n_steps, level, state):
        """One walk's steps of ``block`` from byte ``first_byte``: bytes, then single steps."""
        s, hi, lo, passage_time = state[0, lane], state[1, lane], state[2, lane], state[3, lane]
        first_return, returns, positive, last_zero = (state[4, lane], state[5, lane],
                                                      state[6, lane], state[7, lane])
        t = 128 * block + BYTE * first_byte
        for index in range(first_byte, first_byte + min(16 - first_byte, (n_steps - t) // BYTE)):
            byte = (words[index // 4, lane] >> np.uint64(8 * (index % 4))) & np.uint64(0xFF)
            s, hi, lo, passage_time, first_return, returns, positive, last_zero = step(
                byte, t, level, s, hi, lo, passage_time, first_return, returns, positive,
                last_zero)
            t += BYTE
        if t < min(n_steps, 128 * block + 128):
            word = words[(t // 32) % 4, lane]
            for bit in range(t % 32, t % 32 + n_steps - t):
                t += 1
                s, hi, lo, passage_time, first_return, returns, positive, last_zero = _advance(
                    2 * np.int64((word >> np.uint64(bit)) & np.uint64(1)) - 1, t, s, hi, lo,
                    passage_time, first_return, returns, positive, last_zero, level)
        state[0, lane], state[1, lane], state[2, lane], state[3, lane] = (s, hi, lo,
                                                                          passage_time)
        state[4, lane], state[5, lane], state[6, lane], state[7, lane] = (
            first_return, returns, positive, last_zero)

    @numba.njit(inline="always")
    def lane_word(words, word, block, level, state):
        """Word ``word`` (4 bytes) of ``block`` for all 16 walks: the vectorized loop."""
        for lane in range(LANES):
            s, hi, lo, passage_time = (state[0, lane], state[1, lane], state[2, lane],
                                       state[3, lane])
            first_return, returns, positive, last_zero = (state[4, lane], state[5, lane],
                                                          state[6, lane], state[7, lane])
            bits = words[word, lane]
            for index in range(4):
                s, hi, lo, passage_time, first_return, returns, positive, last_zero = step(
                    (bits >> np.uint64(8 * index)) & np.uint64(0xFF),
                    128 * block + 32 * word + BYTE * index, level, s, hi, lo, passage_time,
                    first_return, returns, positive, last_zero)
            state[0, lane], state[1, lane], state[2, lane], state[3, lane] = (s, hi, lo,
                                                                              passage_time)
            state[4, lane], state[5, lane], state[6, lane], state[7, lane] = (
                first_return, returns, positive, last_zero)

    @numba.njit
    def straggle(k0, k1, base, lanes, start, n_steps, level, words, state, wants_passage,
                 wants_return):
        """Walks of the group without their first times yet, one by one from ``start``."""
        for lane in range(lanes):
            for block in range(start, (n_steps + 127) // 128):
                if _done(True, wants_passage, state[3, lane], wants_return, state[4, lane]):
                    break
                w = random_words(k0, k1, np.uint64(base + lane), block)
                words[0, lane], words[1, lane], words[2, lane], words[3, lane] = w
                lane_bytes(words, lane, block, 0, n_steps, level, state)

    @numba.njit(parallel=True)
    def kernel(k0, k1, first, n_walks, n_steps, level, wanted):
        table = np.empty((n_walks, wanted.size), dtype=np.int64)
        wants_passage, wants_return, only_first_times = _wants(wanted)
        full = n_steps // 128
        for group in numba.prange((n_walks + LANES - 1) // LANES):
            base = first + group * LANES
            lanes = min(LANES, n_walks - group * LANES)
            words = np.empty((4, LANES), dtype=np.uint64)
            state = np.zeros((8, LANES), dtype=np.int64)
            state[3, :] = CENSORED
            state[4, :] = CENSORED
            finished = False
            for block in range(full):
                _philox_lanes(k0, k1, base, block, words)
                for word in range(4):
                    lane_word(words, word, block, level, state)
                if only_first_times and _left(state, lanes, wants_passage,
                                              wants_return) <= STRAGGLERS:
                    straggle(k0, k1, base, lanes, block + 1, n_steps, level, words, state,
                             wants_passage, wants_return)
                    finished = True
                    break
            if not finished and n_steps > 128 * full:
                _philox_lanes(k0, k1, base, full, words)
                whole_words = (n_steps - 128 * full) // 32
                for word in range(whole_words):
                    lane_word(words, word, full, level, state)
                for lane in range(lanes):
                    lane_bytes(words, lane, full, 4 * whole_words, n_steps, level, state)
            every = np.empty(9, dtype=np.int64)
            for lane in range(lanes):
                _store(every, state[0, lane], state[1, lane], state[2, lane], state[3, lane],
                       state[4, lane], state[5, lane], state[6, lane], state[7, lane])
                for column in range(wanted.size):
                    table[base - first + lane, column] = every[wanted[column]]
        return table

    return kernel


@numba.njit
def _left(state, lanes, wants_passage, wants_return):
    """How many of the first ``lanes`` walks still lack a first time asked for."""
    left = 0
    for lane in range(lanes):
        if not _done(True, wants_passage, state[3, lane], wants_return, state[4, lane]):
            left += 1
    return left


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
def endpoints_uniform(steps, cdf, k0, k1, first, n_walks, n_steps):
    """S_n of walks ``first .. first + n_walks - 1`` of a general step law, 16 walks on lanes.

    Step ``t``
    is ``s_J`` with ``J = #{j : c_j <= u_t}`` (the reference's
    ``searchsorted(cdf, u, side="right")``), so the sum over steps is
    ``n s_0`` plus, for each threshold ``c_j``, the steps with ``u_t >= c_j``
    times ``s_{j+1} - s_j``: comparisons and adds, on SIMD lanes, exact.
    """
    out = np.empty(n_walks, dtype=np.int64)
    jumps = steps[1:] - steps[:-1]
    pairs = n_steps // 2
    for group in numba.prange((n_walks + LANES - 1) // LANES):
        base = first + group * LANES
        above = np.zeros((jumps.size, LANES), dtype=np.int64)
        uniforms = np.empty((2, LANES), dtype=np.float64)
        for block in range(pairs + n_steps % 2):
            for lane in range(LANES):
                uniforms[0, lane], uniforms[1, lane] = uniform53(k0, k1, np.uint64(base + lane),
                                                                 block)
            both = block < pairs  # the last block of an odd n holds one step
            for j in range(jumps.size):
                for lane in range(LANES):
                    above[j, lane] += (uniforms[0, lane] >= cdf[j]) + (
                        both and uniforms[1, lane] >= cdf[j])
        for lane in range(min(LANES, n_walks - group * LANES)):
            total = n_steps * steps[0]
            for j in range(jumps.size):
                total += above[j, lane] * jumps[j]
            out[group * LANES + lane] = total
    return out


@numba.njit(parallel=True)
def path_statistics_uniform(steps, cdf, k0, k1, first, n_walks, n_steps, level, wanted):
    """Statistics ``wanted`` (column indices) of a walk with a general step law, per walk.

    Returns shape (n_walks, len(wanted)).
    """
    table = np.empty((n_walks, wanted.size), dtype=np.int64)
    wants_passage, wants_return, only_first_times = _wants(wanted)
    for row in numba.prange(n_walks):
        every = np.empty(9, dtype=np.int64)
        _walk_uniform(steps, cdf, k0, k1, np.uint64(first + row), n_steps, level,
                      only_first_times, wants_passage, wants_return, every)
        for column in range(wanted.size):
            table[row, column] = every[wanted[column]]
    return table
