"""Monte Carlo of random walks: exact counts of path statistics, the same on every engine.

Walk ``i`` of a simulation is a pure function of the key and ``i``: the key
comes from ``rng`` (see :mod:`mathkit._random`) and walk ``i`` is Philox item
``i``. Which random words drive which steps is part of the contract:

- **Symmetric simple walk** (step law ``{-1: 1/2, +1: 1/2}``, the
  probabilities equal to 1/2 in float64): step
  ``t`` (0-based) is +1 when bit ``t % 32`` (least significant first) of word
  ``(t // 32) % 4`` of block ``t // 128`` is set, else -1. One random bit per
  step.
- **Any other step law** ``{s_0 < s_1 < ... : p_j}``: step ``t`` uses the
  53-bit uniform ``u`` number ``t % 2`` of block ``t // 2``, and is the
  smallest ``s_j`` with ``u < c_j``, where ``c_j = p_0 + ... + p_j`` in
  float64 and the last ``c_j`` is 1. The realised step law is the given one
  to within 2**-53 per probability.

Statistics (``S_0 = 0``, ``S_k`` the position after ``k`` steps, ``n`` steps):

==================  =========================================================
``endpoint``        ``S_n``
``maximum``         ``max(S_0, ..., S_n)``
``minimum``         ``min(S_0, ..., S_n)``
``first_passage``   ``min{k >= 1 : S_k = level}``; censored if none by ``n``
``first_return``    ``min{k >= 1 : S_k = 0}``; censored if none by ``n``
``returns``         ``#{1 <= k <= n : S_k = 0}``
``time_positive``   steps ``k`` with ``S_k > 0`` or ``S_{k-1} > 0`` (Feller)
``last_zero``       ``max{k <= n : S_k = 0}``
``range``           distinct sites visited, ``max - min + 1`` (steps in {-1, 0, 1})
==================  =========================================================

Results are exact integer counts per value (histograms). Censored walks of
the passage statistics are counted apart, never as a value.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np

from mathkit import _random
from mathkit._backend import resolve_backend
from mathkit._validate import check_nonnegative_integer, check_one_of, check_positive_integer

__all__ = ["STATISTICS", "SimulationResult", "StatisticCounts", "sample_paths", "simulate"]

STATISTICS = (
    "endpoint", "maximum", "minimum", "first_passage", "first_return",
    "returns", "time_positive", "last_zero", "range",
)
_CENSORED = -1
_MAY_CENSOR = ("first_passage", "first_return")
_EXTREMES = {"endpoint", "maximum", "minimum", "range"}
#: Steps per chunk of the numpy reference: a multiple of 128 (one block of bits).
_CHUNK_STEPS = 4096
#: Walk-steps held in memory at once by the numpy reference.
_CHUNK_CELLS = 1 << 21
#: Walks per call of a compiled kernel (bounds the per-walk scratch memory).
_KERNEL_WALKS = 1 << 18


@dataclass(frozen=True)
class StatisticCounts:
    """The histogram of one statistic: ``counts[i]`` walks took ``values[i]``.

    ``censored`` counts walks whose passage or return did not happen within
    the steps simulated (only for ``first_passage`` and ``first_return``).
    """

    values: np.ndarray
    counts: np.ndarray
    censored: int = 0

    @property
    def total(self) -> int:
        """Number of walks, censored ones included."""
        return int(self.counts.sum()) + self.censored

    def frequencies(self) -> np.ndarray:
        """``counts / total``: the empirical law (censored mass excluded)."""
        return self.counts / self.total

    def mean(self) -> float:
        """Mean over the uncensored walks."""
        observed = int(self.counts.sum())
        return float(self.values @ self.counts) / observed if observed else math.nan


@dataclass(frozen=True)
class SimulationResult:
    """What :func:`simulate` returns: a histogram per statistic (and per-walk arrays if asked)."""

    walk: object
    n_steps: int
    n_walks: int
    key: int
    level: int | None
    backend: str
    statistics: dict[str, StatisticCounts]
    per_walk: dict[str, np.ndarray] = field(default_factory=dict)

    def __getitem__(self, statistic: str) -> StatisticCounts:
        return self.statistics[statistic]

    def compare(self, confidence: float = 0.999) -> dict:
        """Test each statistic that has an exact law against it.

        Runs :func:`mathkit.walks.agreement.compare_counts` (chi-square and
        the DKW band at ``confidence``). Exact laws: ``endpoint`` (the
        position law) for any walk; for a numeric :class:`SimpleWalk` also
        ``maximum``, ``first_passage`` and ``first_return`` (compared with
        ``horizon=n_steps``: censored walks against ``1 - F(n_steps)``, the
        mass at infinity included), ``returns``, ``last_zero`` and
        ``time_positive`` (:meth:`SimpleWalk.returns`,
        :meth:`SimpleWalk.last_zero`, :meth:`SimpleWalk.time_positive`).
        ``minimum`` and ``range`` have no exact law here and are left out.

        Returns
        -------
        dict of str to Agreement

        Examples
        --------
        >>> from mathkit.walks import SimpleWalk
        >>> result = simulate(SimpleWalk(0.3), 30, 20_000, ["endpoint", "time_positive"], rng=4)
        >>> {name: agreement.agrees for name, agreement in result.compare().items()}
        {'endpoint': True, 'time_positive': True}
        """
        from mathkit.walks.agreement import compare_counts

        exact_laws = self._exact_laws()
        return {
            name: compare_counts(name, counts.values, counts.counts, exact_laws[name](),
                                 censored=counts.censored, confidence=confidence,
                                 horizon=self.n_steps if name in _MAY_CENSOR else None)
            for name, counts in self.statistics.items() if name in exact_laws
        }

    def _exact_laws(self) -> dict:
        """Statistic -> a function that makes its exact law (what :meth:`compare` tests)."""
        from mathkit.walks.steps import SimpleWalk

        walk, n = self.walk, self.n_steps
        laws = {"endpoint": lambda: walk.position(n)}
        if not isinstance(walk, SimpleWalk) or walk.is_symbolic:
            return laws
        laws.update({
            "maximum": lambda: walk.maximum(n),
            "first_return": lambda: walk.first_return(n_max=n),
            "returns": lambda: walk.returns(n),
            "last_zero": lambda: walk.last_zero(n),
            "time_positive": lambda: walk.time_positive(n),
        })
        if self.level:
            laws["first_passage"] = lambda: walk.first_passage(self.level, n_max=n)
        return laws


@dataclass(frozen=True)
class _StepLaw:
    """A walk's step law as the kernels use it."""

    steps: np.ndarray  # sorted int64
    cdf: np.ndarray  # float64, last entry 1
    symmetric_simple: bool
    nearest_neighbour: bool


def _step_law(walk) -> _StepLaw:
    law = getattr(walk, "law", None)
    if not isinstance(law, dict) or not law:
        msg = f"walk must be a mathkit.walks walk with a step law, got {type(walk).__name__}"
        raise TypeError(msg)
    try:
        items = sorted((int(step), float(p)) for step, p in law.items())
    except TypeError as error:
        msg = f"walk must have a numeric step law to simulate (symbolic p?): {error}"
        raise TypeError(msg) from None
    items = [(step, p) for step, p in items if p > 0]
    steps = np.array([step for step, _ in items], dtype=np.int64)
    cdf = np.cumsum([p for _, p in items])
    cdf[-1] = 1.0
    symmetric = steps.tolist() == [-1, 1] and [p for _, p in items] == [0.5, 0.5]
    return _StepLaw(steps, cdf, symmetric, bool(np.all(np.abs(steps) <= 1)))


def _memory_of_per_walk(n_walks: int, statistics) -> int:
    return 8 * n_walks * len(statistics)


def simulate(
    walk,
    n_steps: int,
    n_walks: int,
    statistics=("endpoint",),
    *,
    level: int | None = None,
    rng=None,
    backend: str = "auto",
    per_walk: bool = False,
    max_memory: int = 2**31,
    client=None,
    block_walks: int | None = None,
) -> SimulationResult:
    """Simulate ``n_walks`` walks of ``n_steps`` steps and count their statistics.

    Parameters
    ----------
    walk : SimpleWalk or Walk
        The walk (numeric step law).
    n_steps : int
        Steps per walk, >= 0.
    n_walks : int
        Number of walks, >= 1.
    statistics : sequence of str
        Any of :data:`STATISTICS` (see the module docstring for definitions).
    level : int, optional
        The non-zero target of ``first_passage`` (required by it).
    rng : None, int, SeedSequence or Generator
        Seed of the counter-based stream; walk ``i`` depends only on (key, i).
    backend : {"auto", "numpy", "numba", "cupy"}
        Engine (see :func:`mathkit._backend.resolve_backend`). Every engine
        gives the same counts, bit for bit.
    per_walk : bool
        Also return each walk's statistics (int64 arrays; censored walks hold
        -1). Their memory, ``8 * n_walks * len(statistics)`` bytes, is checked
        against ``max_memory`` before anything is allocated.
    max_memory : int
        Bytes allowed for per-walk arrays.
    client : dask.distributed.Client, optional
        Run the blocks of walks on the cluster's workers and add up their
        histograms there; the result is identical to a run in one process.
        Per-walk arrays are not gathered from a cluster.
    block_walks : int, optional
        Walks per block (per kernel call or per Dask task). The result does
        not depend on it.

    Returns
    -------
    SimulationResult

    Raises
    ------
    TypeError, ValueError
        For bad arguments (each named), a missing or zero ``level``, ``range``
        on a walk that can jump over sites, per-walk arrays larger than
        ``max_memory``.

    Examples
    --------
    >>> from mathkit.walks import SimpleWalk
    >>> result = simulate(SimpleWalk(0.5), n_steps=10, n_walks=1000,
    ...                   statistics=["endpoint", "maximum"], rng=1)
    >>> result["endpoint"].total
    1000
    >>> bool(set(result["endpoint"].values) <= set(range(-10, 11, 2)))
    True
    """
    n_steps = check_nonnegative_integer(n_steps, "n_steps")
    n_walks = check_positive_integer(n_walks, "n_walks")
    if isinstance(statistics, str):
        statistics = (statistics,)
    statistics = tuple(dict.fromkeys(check_one_of(s, "statistics", STATISTICS) for s in statistics))
    if not statistics:
        msg = "statistics must name at least one statistic, got an empty sequence"
        raise ValueError(msg)
    law = _step_law(walk)
    level = _check_level(level, statistics)
    if "range" in statistics and not law.nearest_neighbour:
        msg = f"statistics 'range' needs steps in {{-1, 0, 1}}, got steps {law.steps.tolist()}"
        raise ValueError(msg)
    if per_walk and client is not None:
        msg = "per_walk=True cannot be combined with client=: histograms only on a cluster"
        raise ValueError(msg)
    if per_walk and _memory_of_per_walk(n_walks, statistics) > max_memory:
        need = _memory_of_per_walk(n_walks, statistics)
        msg = (f"per_walk arrays need {need:,} bytes, more than max_memory={max_memory:,}; "
               "ask for histograms only or raise max_memory")
        raise ValueError(msg)
    engine = resolve_backend(backend, size=n_steps * n_walks)
    key = _random.key_from_rng(rng)
    block = _check_block_walks(block_walks, client)
    starts = range(0, n_walks, block)
    sizes = [min(block, n_walks - start) for start in starts]
    options = {"n_steps": n_steps, "level": level, "statistics": statistics}
    if client is not None:
        task = functools.partial(_block_summary, engine, law, key, **options)
        summaries = client.gather(client.map(task, starts, sizes, pure=False))
        return SimulationResult(walk, n_steps, n_walks, key, level, engine,
                                _merge(summaries, statistics))
    summaries, tables = [], []
    for start, size in zip(starts, sizes, strict=True):
        if not per_walk:
            summaries.append(_block_summary(engine, law, key, start, size, **options))
            continue
        table = _block_table(engine, law, key, start, size, **options)
        summaries.append(_summary(table, statistics))
        tables.append(table)
    arrays = {name: np.concatenate([table[:, column] for table in tables])
              for column, name in enumerate(statistics)} if per_walk else {}
    return SimulationResult(walk, n_steps, n_walks, key, level, engine,
                            _merge(summaries, statistics), arrays)


def sample_paths(walk, n_steps: int, n_walks: int, *, rng=None,
                 max_memory: int = 2**30) -> np.ndarray:
    """Whole paths ``S_0, ..., S_n`` of ``n_walks`` walks, for plotting.

    Walk ``i`` is the same walk that :func:`simulate` with the same ``rng``
    counts as walk ``i``: both read the steps from the documented stream.

    Parameters
    ----------
    walk : SimpleWalk or Walk
        The walk (numeric step law).
    n_steps : int
        Steps per walk, >= 0.
    n_walks : int
        Number of walks, >= 1.
    rng : None, int, SeedSequence or Generator
        Seed of the counter-based stream.
    max_memory : int
        Bytes allowed for the result, ``8 * n_walks * (n_steps + 1)``, checked
        before allocating.

    Returns
    -------
    numpy.ndarray of int64, shape (n_walks, n_steps + 1)
        Row ``i`` is the path of walk ``i``, starting at 0.

    Examples
    --------
    >>> from mathkit.walks import SimpleWalk
    >>> paths = sample_paths(SimpleWalk(0.5), 6, 3, rng=1)
    >>> paths.shape, paths[:, 0].tolist()
    ((3, 7), [0, 0, 0])
    >>> bool((abs(paths[:, 1:] - paths[:, :-1]) == 1).all())
    True
    """
    n_steps = check_nonnegative_integer(n_steps, "n_steps")
    n_walks = check_positive_integer(n_walks, "n_walks")
    need = 8 * n_walks * (n_steps + 1)
    if need > max_memory:
        msg = (f"sample_paths needs {need:,} bytes, more than max_memory={max_memory:,}; "
               "use simulate() for statistics of many or long walks")
        raise ValueError(msg)
    law = _step_law(walk)
    key = _random.key_from_rng(rng)
    paths = np.zeros((n_walks, n_steps + 1), dtype=np.int64)
    if n_steps:
        steps = _steps_numpy(law, key, np.arange(n_walks, dtype=np.uint64), 0, n_steps)
        np.cumsum(steps, axis=1, out=paths[:, 1:])
    return paths


def _check_block_walks(block_walks, client) -> int:
    if block_walks is None:
        return _KERNEL_WALKS if client is None else _KERNEL_WALKS // 4
    return check_positive_integer(block_walks, "block_walks")


def _block_table(engine, law, key, start, size, *, n_steps, level, statistics) -> np.ndarray:
    """The per-walk statistics of walks ``start .. start + size - 1``."""
    if engine == "cupy":
        from mathkit.walks import _cupy

        return _cupy.path_statistics(law, key, start, size, n_steps,
                                     0 if level is None else level, statistics)
    if engine == "numba":
        return _run_numba(law, key, start, size, n_steps, level, statistics)
    items = np.arange(start, start + size, dtype=np.uint64)
    return _run_numpy(law, key, items, n_steps, level, statistics)


def _block_summary(engine, law, key, start, size, **options) -> dict[str, tuple]:
    """The histograms of one block (what a Dask task sends back)."""
    if engine == "cupy":
        from mathkit.walks import _cupy

        level = options["level"]
        summary = _cupy.path_histograms(law, key, start, size, options["n_steps"],
                                        0 if level is None else level, options["statistics"])
        if summary is not None:
            return summary
    if engine == "numba" and law.symmetric_simple and options["statistics"] == ("endpoint",):
        from mathkit.walks import _numba

        n_steps = options["n_steps"]
        counts = _numba.endpoint_counts(*_random.split_key(key), start, size, n_steps)
        present = np.flatnonzero(counts)
        return {"endpoint": (2 * present - n_steps, counts[present], 0)}
    return _summary(_block_table(engine, law, key, start, size, **options),
                    options["statistics"])


def _check_level(level, statistics) -> int | None:
    if "first_passage" not in statistics:
        return None if level is None else int(level)
    if level is None:
        msg = "level must be given for statistics 'first_passage', got None"
        raise ValueError(msg)
    if isinstance(level, bool) or not isinstance(level, int | np.integer):
        msg = f"level must be a non-zero integer, got {type(level).__name__} {level!r}"
        raise TypeError(msg)
    if level == 0:
        msg = "level must be a non-zero integer (use 'first_return' for 0), got 0"
        raise ValueError(msg)
    return int(level)


def _summary(table: np.ndarray, statistics) -> dict[str, tuple]:
    """Each statistic's (values, counts, censored) in a block's per-walk table."""
    summary = {}
    for column, name in enumerate(statistics):
        values = table[:, column]
        observed = values[values != _CENSORED] if name in _MAY_CENSOR else values
        summary[name] = (*_tally(observed), values.size - observed.size)
    return summary


def _merge(summaries, statistics) -> dict[str, StatisticCounts]:
    """Add up block summaries into one histogram per statistic (exact integer sums)."""
    result = {}
    for name in statistics:
        parts = [summary[name] for summary in summaries]
        distinct, where = np.unique(np.concatenate([v for v, _, _ in parts]),
                                    return_inverse=True)
        totals = np.zeros(distinct.size, dtype=np.int64)
        np.add.at(totals, where, np.concatenate([c for _, c, _ in parts]))
        result[name] = StatisticCounts(distinct, totals, sum(c for _, _, c in parts))
    return result


def _tally(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values and their counts; by bincount when the values are not spread out."""
    if values.size == 0:
        return values, values
    low, high = int(values.min()), int(values.max())
    if high - low > 4 * values.size:
        return np.unique(values, return_counts=True)
    counts = np.bincount(values - low)
    present = np.flatnonzero(counts)
    return present + low, counts[present]


# --- numpy reference ----------------------------------------------------------


def _steps_numpy(law: _StepLaw, key: int, items: np.ndarray, start: int, count: int):
    """Steps ``start .. start + count - 1`` of the given walks, shape (walks, count)."""
    if law.symmetric_simple:
        first, last = start // 128, (start + count - 1) // 128
        words = _random.random_words(key, items[:, None], np.arange(first, last + 1)[None, :])
        bits = np.unpackbits(words.astype("<u4").view(np.uint8), axis=-1, bitorder="little")
        bits = bits.reshape(items.size, -1)[:, start - 128 * first:][:, :count]
        return 2 * bits.astype(np.int64) - 1
    first, last = start // 2, (start + count - 1) // 2
    uniforms = _random.uniform53(key, items[:, None], np.arange(first, last + 1)[None, :])
    uniforms = uniforms.reshape(items.size, -1)[:, start - 2 * first:][:, :count]
    return law.steps[np.searchsorted(law.cdf, uniforms, side="right")]


def _run_numpy(law, key, items, n_steps, level, statistics) -> np.ndarray:
    """Per-walk statistics, shape (walks, len(statistics)), int64; censored = -1."""
    rows_per_chunk = max(1, _CHUNK_CELLS // _CHUNK_STEPS)
    table = np.empty((items.size, len(statistics)), dtype=np.int64)
    for row in range(0, items.size, rows_per_chunk):
        block = items[row:row + rows_per_chunk]
        table[row:row + block.size] = _path_statistics(law, key, block, n_steps, level,
                                                       statistics)
    return table


def _path_statistics(law, key, items, n_steps, level, statistics) -> np.ndarray:
    walks = items.size
    position = np.zeros(walks, dtype=np.int64)
    maximum = np.zeros(walks, dtype=np.int64)
    minimum = np.zeros(walks, dtype=np.int64)
    passage = np.full(walks, _CENSORED, dtype=np.int64)
    first_return = np.full(walks, _CENSORED, dtype=np.int64)
    returns = np.zeros(walks, dtype=np.int64)
    positive = np.zeros(walks, dtype=np.int64)
    last_zero = np.zeros(walks, dtype=np.int64)
    target = 0 if level is None else level
    for start in range(0, n_steps, _CHUNK_STEPS):
        count = min(_CHUNK_STEPS, n_steps - start)
        path = position[:, None] + np.cumsum(_steps_numpy(law, key, items, start, count), axis=1)
        times = np.arange(start + 1, start + count + 1)
        previous = np.concatenate([position[:, None], path[:, :-1]], axis=1)
        maximum = np.maximum(maximum, path.max(axis=1))
        minimum = np.minimum(minimum, path.min(axis=1))
        _first_time(passage, path == target, times)
        zero = path == 0
        _first_time(first_return, zero, times)
        returns += zero.sum(axis=1)
        positive += ((path > 0) | (previous > 0)).sum(axis=1)
        hit = zero.any(axis=1)
        last_zero[hit] = times[count - 1 - np.argmax(zero[hit, ::-1], axis=1)]
        position = path[:, -1]
    columns = {
        "endpoint": position, "maximum": maximum, "minimum": minimum, "first_passage": passage,
        "first_return": first_return, "returns": returns, "time_positive": positive,
        "last_zero": last_zero, "range": maximum - minimum + 1,
    }
    return np.stack([columns[name] for name in statistics], axis=1)


def _first_time(first: np.ndarray, event: np.ndarray, times: np.ndarray) -> None:
    """Record, for walks without a time yet, the first time ``event`` happens."""
    fresh = (first == _CENSORED) & event.any(axis=1)
    first[fresh] = times[np.argmax(event[fresh], axis=1)]


def _run_numba(law, key, first, n_walks, n_steps, level, statistics) -> np.ndarray:
    """Per-walk statistics of walks ``first .. first + n_walks - 1`` (as ``_run_numpy``)."""
    from mathkit.walks import _numba

    k0, k1 = _random.split_key(key)
    level = 0 if level is None else level
    if statistics == ("endpoint",):
        if law.symmetric_simple:
            return _numba.endpoints_bits(k0, k1, first, n_walks, n_steps)[:, None]
        return _numba.endpoints_uniform(law.steps, law.cdf, k0, k1, first, n_walks,
                                        n_steps)[:, None]
    wanted = np.array([STATISTICS.index(name) for name in statistics], dtype=np.int64)
    if law.symmetric_simple and set(statistics) <= _EXTREMES:
        return _numba.extremes_bits(k0, k1, first, n_walks, n_steps,
                                    *_numba.extremes_tables(), wanted)
    if law.symmetric_simple:
        kernel = _numba.path_kernel(frozenset(
            "extremes" if name in _EXTREMES else name for name in statistics
            if name != "endpoint"))
        return kernel(k0, k1, first, n_walks, n_steps, level, wanted)
    return _numba.path_statistics_uniform(law.steps, law.cdf, k0, k1, first, n_walks, n_steps,
                                          level, wanted)
