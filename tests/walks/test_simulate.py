"""Simulation: numpy == numba bit for bit, the documented word -> step mapping, the exact laws."""

import importlib

import numba
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from scipy import stats

from mathkit import _random
from mathkit.walks import SimpleWalk, Walk, sample_paths, simulate
from mathkit.walks.simulate import STATISTICS

# The module, not the function of the same name that mathkit.walks exports.
simulate_module = importlib.import_module("mathkit.walks.simulate")

WALKS = {
    "symmetric": SimpleWalk(0.5),
    "biased": SimpleWalk(0.7),
    "lazy": Walk({-1: 0.25, 0: 0.5, 1: 0.25}),
    "jumps": Walk({-2: 0.2, 1: 0.5, 3: 0.3}),
}
NEAREST = [name for name in WALKS if name != "jumps"]


def per_walk(walk, n_steps, n_walks, backend, statistics=STATISTICS, level=3, rng=11):
    if "range" in statistics and walk is WALKS["jumps"]:
        statistics = [s for s in statistics if s != "range"]
    result = simulate(walk, n_steps, n_walks, statistics, level=level, rng=rng,
                      backend=backend, per_walk=True)
    return result.per_walk


def reference_statistics(steps: list[int], level: int) -> dict[str, int]:
    """Every statistic of one path, straight from the definitions (S_0 = 0)."""
    path = np.concatenate([[0], np.cumsum(steps)]).astype(int).tolist()
    n = len(steps)
    hits = [k for k in range(1, n + 1) if path[k] == level]
    zeros = [k for k in range(1, n + 1) if path[k] == 0]
    return {
        "endpoint": path[-1], "maximum": max(path), "minimum": min(path),
        "first_passage": hits[0] if hits else -1, "first_return": zeros[0] if zeros else -1,
        "returns": len(zeros),
        "time_positive": sum(path[k] > 0 or path[k - 1] > 0 for k in range(1, n + 1)),
        "last_zero": zeros[-1] if zeros else 0, "range": max(path) - min(path) + 1,
    }


def documented_steps(walk, key: int, item: int, n_steps: int) -> list[int]:
    """Steps of one walk from the word -> step mapping in simulate's docstring."""
    if walk is WALKS["symmetric"]:
        words = [int(w) for b in range(n_steps // 128 + 1)
                 for w in _random.random_words(key, item, b)]
        return [1 if words[t // 32] >> (t % 32) & 1 else -1 for t in range(n_steps)]
    law = sorted(walk.law.items())
    cdf = np.cumsum([float(p) for _, p in law])
    cdf[-1] = 1.0
    uniforms = [u for b in range(n_steps // 2 + 1) for u in _random.uniform53(key, item, b)]
    return [law[int(np.searchsorted(cdf, uniforms[t], side="right"))][0]
            for t in range(n_steps)]


@pytest.mark.parametrize("name", list(WALKS))
@pytest.mark.parametrize("n_steps", [0, 1, 7, 8, 9, 31, 32, 33, 127, 128, 129, 300])
def test_numpy_and_numba_agree_bit_for_bit(name, n_steps):
    expected = per_walk(WALKS[name], n_steps, 500, "numpy")
    got = per_walk(WALKS[name], n_steps, 500, "numba")
    for statistic, values in expected.items():
        np.testing.assert_array_equal(got[statistic], values, err_msg=statistic)


@pytest.mark.parametrize("name", list(WALKS))
def test_statistics_follow_the_documented_mapping(name):
    walk, level = WALKS[name], 2
    result = simulate(walk, 40, 60, [s for s in STATISTICS if name in NEAREST or s != "range"],
                      level=level, rng=3, per_walk=True, backend="numba")
    for item in range(60):
        expected = reference_statistics(documented_steps(walk, result.key, item, 40), level)
        for statistic, values in result.per_walk.items():
            assert values[item] == expected[statistic], (item, statistic)


@given(n_steps=st.integers(0, 200), level=st.integers(-6, 6).filter(bool),
       seed=st.integers(0, 2**32), name=st.sampled_from(list(WALKS)))
@example(n_steps=16, level=8, seed=0, name="symmetric")
@example(n_steps=200, level=-1, seed=1, name="symmetric")
def test_engines_agree_on_any_input(n_steps, level, seed, name):
    expected = per_walk(WALKS[name], n_steps, 64, "numpy", level=level, rng=seed)
    got = per_walk(WALKS[name], n_steps, 64, "numba", level=level, rng=seed)
    for statistic, values in expected.items():
        np.testing.assert_array_equal(got[statistic], values, err_msg=statistic)


@pytest.mark.parametrize("statistic", ["endpoint", "first_passage", "first_return"])
def test_single_statistic_fast_paths_match_the_full_run(statistic):
    walk = WALKS["symmetric"]
    full = per_walk(walk, 500, 400, "numba")
    alone = per_walk(walk, 500, 400, "numba", statistics=[statistic])
    np.testing.assert_array_equal(alone[statistic], full[statistic])


@pytest.mark.parametrize(("walks_per_call", "chunk_steps", "chunk_cells"),
                         [(7, 128, 256), (100, 256, 1024), (1 << 18, 4096, 1 << 21)])
def test_results_do_not_depend_on_blocking(monkeypatch, walks_per_call, chunk_steps, chunk_cells):
    expected = {b: per_walk(WALKS["biased"], 300, 250, b) for b in ("numpy", "numba")}
    monkeypatch.setattr(simulate_module, "_KERNEL_WALKS", walks_per_call)
    monkeypatch.setattr(simulate_module, "_CHUNK_STEPS", chunk_steps)
    monkeypatch.setattr(simulate_module, "_CHUNK_CELLS", chunk_cells)
    for backend in ("numpy", "numba"):
        got = per_walk(WALKS["biased"], 300, 250, backend)
        for statistic, values in expected["numpy"].items():
            np.testing.assert_array_equal(got[statistic], values)
            np.testing.assert_array_equal(expected[backend][statistic], values)


@pytest.mark.parametrize("threads", [1, 2])
def test_thread_count_does_not_matter(threads):
    expected = per_walk(WALKS["symmetric"], 700, 3000, "numpy")
    previous = numba.get_num_threads()
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    try:
        got = per_walk(WALKS["symmetric"], 700, 3000, "numba")
    finally:
        numba.set_num_threads(previous)
    for statistic, values in expected.items():
        np.testing.assert_array_equal(got[statistic], values)


def test_histograms_count_every_walk_and_censoring():
    result = simulate(WALKS["symmetric"], 50, 2000, STATISTICS, level=5, rng=2, per_walk=True)
    for statistic, counts in result.statistics.items():
        values = result.per_walk[statistic]
        assert counts.total == 2000
        if statistic in ("first_passage", "first_return"):
            assert counts.censored == np.sum(values == -1)
            values = values[values != -1]
        distinct, expected = np.unique(values, return_counts=True)
        np.testing.assert_array_equal(counts.values, distinct)
        np.testing.assert_array_equal(counts.counts, expected)


def chi_square_p_value(counts, probabilities) -> float:
    expected = counts.sum() * np.asarray(probabilities)
    return stats.chisquare(counts, expected).pvalue


def test_endpoint_follows_the_binomial_law():
    n, p = 20, 0.7
    result = simulate(SimpleWalk(p), n, 200_000, ["endpoint"], rng=2026)
    k = (np.arange(-n, n + 1, 2) + n) // 2
    counts = np.zeros(n + 1, dtype=np.int64)
    counts[(result["endpoint"].values + n) // 2] = result["endpoint"].counts
    assert chi_square_p_value(counts, stats.binom.pmf(k, n, p)) > 1e-3


def test_maximum_follows_the_reflection_principle():
    n = 30
    result = simulate(SimpleWalk(0.5), n, 200_000, ["maximum"], rng=7)
    r = np.arange(0, n + 1)
    # P(M_n >= r) = P(S_n >= r) + P(S_n > r) for the symmetric walk.
    def tail(r):
        return stats.binom.sf((n + r - 1) // 2, n, 0.5) + stats.binom.sf((n + r) // 2, n,
                                                                                    0.5)
    law = np.array([tail(v) - tail(v + 1) for v in r])
    counts = np.zeros(n + 1, dtype=np.int64)
    counts[result["maximum"].values] = result["maximum"].counts
    keep = law > 0
    assert chi_square_p_value(counts[keep], law[keep] / law[keep].sum()) > 1e-3


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_steps": -1}, ValueError, "n_steps must be a non-negative integer, got -1"),
        ({"n_steps": 2.5}, TypeError, "n_steps must be a non-negative integer, got float"),
        ({"n_walks": 0}, ValueError, "n_walks must be a positive integer, got 0"),
        ({"statistics": ["mean"]}, ValueError, "statistics must be one of"),
        ({"statistics": []}, ValueError, "statistics must name at least one"),
        ({"statistics": ["first_passage"]}, ValueError, "level must be given"),
        ({"statistics": ["first_passage"], "level": 0}, ValueError, "level must be a non-zero"),
        ({"statistics": ["first_passage"], "level": 1.5}, TypeError, "level must be a non-zero"),
        ({"backend": "gpu"}, ValueError, "backend must be one of 'auto', 'numpy', 'numba', 'cupy'"),
        ({"per_walk": True, "n_walks": 10**9}, ValueError, r"per_walk arrays need 8,000,000,000"),
    ],
)
def test_bad_input_is_named(kwargs, error, match):
    arguments = {"walk": WALKS["symmetric"], "n_steps": 10, "n_walks": 10, **kwargs}
    with pytest.raises(error, match=match):
        simulate(**arguments)


def test_range_needs_nearest_neighbour_steps():
    with pytest.raises(ValueError, match=r"'range' needs steps in \{-1, 0, 1\}"):
        simulate(WALKS["jumps"], 10, 10, ["range"])


def test_not_a_walk():
    with pytest.raises(TypeError, match=r"walk must be a mathkit\.walks walk"):
        simulate({-1: 0.5, 1: 0.5}, 10, 10)


@pytest.mark.parametrize("block_walks", [1, 37, 1000])
def test_block_size_does_not_matter(block_walks):
    expected = simulate(WALKS["lazy"], 120, 1000, STATISTICS, level=2, rng=8)
    got = simulate(WALKS["lazy"], 120, 1000, STATISTICS, level=2, rng=8, block_walks=block_walks)
    for statistic, counts in expected.statistics.items():
        np.testing.assert_array_equal(got[statistic].values, counts.values)
        np.testing.assert_array_equal(got[statistic].counts, counts.counts)
        assert got[statistic].censored == counts.censored


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                       dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.mark.parametrize(("backend", "block_walks"), [("numba", 333), ("numpy", 1000),
                                                      ("numba", None)])
def test_dask_gives_the_counts_of_one_process(dask_client, backend, block_walks):
    expected = simulate(WALKS["symmetric"], 150, 3000, STATISTICS, level=4, rng=21)
    got = simulate(WALKS["symmetric"], 150, 3000, STATISTICS, level=4, rng=21,
                   backend=backend, client=dask_client, block_walks=block_walks)
    for statistic, counts in expected.statistics.items():
        np.testing.assert_array_equal(got[statistic].values, counts.values)
        np.testing.assert_array_equal(got[statistic].counts, counts.counts)
        assert got[statistic].censored == counts.censored


def test_dask_refuses_per_walk_arrays(dask_client):
    with pytest.raises(ValueError, match="per_walk=True cannot be combined with client="):
        simulate(WALKS["symmetric"], 10, 10, per_walk=True, client=dask_client)


def test_block_walks_must_be_positive():
    with pytest.raises(ValueError, match="block_walks must be a positive integer, got 0"):
        simulate(WALKS["symmetric"], 10, 10, block_walks=0)


@pytest.mark.parametrize("name", list(WALKS))
def test_sample_paths_are_the_walks_simulate_counts(name):
    walk = WALKS[name]
    paths = sample_paths(walk, 300, 40, rng=6)
    statistics = ["endpoint", "maximum", "minimum"]
    result = simulate(walk, 300, 40, statistics, rng=6, per_walk=True, backend="numba")
    assert paths.shape == (40, 301) and (paths[:, 0] == 0).all()
    np.testing.assert_array_equal(paths[:, -1], result.per_walk["endpoint"])
    np.testing.assert_array_equal(paths.max(axis=1), result.per_walk["maximum"])
    np.testing.assert_array_equal(paths.min(axis=1), result.per_walk["minimum"])
    assert set(np.unique(np.diff(paths, axis=1))) <= set(walk.law)


def test_sample_paths_refuses_too_much_memory():
    with pytest.raises(ValueError, match="sample_paths needs 8,008,000,000 bytes"):
        sample_paths(WALKS["symmetric"], 1000, 10**6)
    with pytest.raises(ValueError, match="n_walks must be a positive integer, got 0"):
        sample_paths(WALKS["symmetric"], 10, 0)
