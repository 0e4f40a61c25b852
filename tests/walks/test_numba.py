"""The numba walk kernels: their tables from the definitions, each specialised kernel == numpy."""

import importlib

import numba
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mathkit import _random
from mathkit.walks import SimpleWalk, Walk, simulate
from mathkit.walks import _numba as kernels

simulate_module = importlib.import_module("mathkit.walks.simulate")
WALK = SimpleWalk(0.5)
# Statistic sets that reach each kernel: extremes (16-step tables), and the
# byte-table kernel, compiled per set of needs, with every need in several sets.
SELECTIONS = [
    ("maximum",), ("minimum", "range"), ("endpoint", "maximum"),
    ("first_passage",), ("first_return",), ("first_passage", "first_return"),
    ("returns", "time_positive", "last_zero"), ("maximum", "first_passage"),
    ("endpoint", "minimum", "returns", "first_passage"), ("last_zero", "first_return"),
    ("time_positive", "maximum"),
]


def fields(entry: int) -> dict[str, int]:
    return {"zeros": entry & 15, "first": entry >> 4 & 15, "last": entry >> 8 & 15,
            "positive": entry >> 12 & 15, "displacement": (entry >> 16 & 31) - 8,
            "maximum": (entry >> 21 & 31) - 8, "minimum": (entry >> 26 & 31) - 8}


@given(start=st.integers(-30, 30), byte=st.integers(0, 255))
@example(start=-9, byte=255)
@example(start=8, byte=0)
def test_byte_table_entry_follows_the_definitions(start, byte):
    path = [start]
    for k in range(8):
        path.append(path[-1] + (1 if byte >> k & 1 else -1))
    zeros = [k for k in range(1, 9) if path[k] == 0]
    row = min(max(start + 9, 0), 18)
    assert fields(int(kernels.BYTE_TABLE[256 * row + byte])) == {
        "zeros": len(zeros), "first": zeros[0] if zeros else 0, "last": zeros[-1] if zeros else 0,
        "positive": sum(path[k] > 0 or path[k - 1] > 0 for k in range(1, 9)),
        "displacement": path[8] - start, "maximum": max(path[1:]) - start,
        "minimum": min(path[1:]) - start,
    }


@given(bits=st.integers(0, 2**16 - 1))
@example(bits=0)
@example(bits=2**16 - 1)
def test_extremes_tables_follow_the_definitions(bits):
    path = np.cumsum([1 if bits >> k & 1 else -1 for k in range(16)])
    maxima, minima = kernels.extremes_tables()
    assert (maxima[bits], minima[bits]) == (path.max(), path.min())


@numba.njit
def _popcount(word):
    return kernels.popcount(word)


@given(word=st.integers(0, 2**64 - 1))
@example(word=2**64 - 1)
def test_popcount_counts_set_bits(word):
    assert _popcount(np.uint64(word)) == bin(word).count("1")


@pytest.mark.parametrize("statistics", SELECTIONS, ids="+".join)
@pytest.mark.parametrize("n_steps", [0, 1, 8, 15, 16, 127, 128, 129, 167, 263, 1000])
def test_each_kernel_equals_numpy(statistics, n_steps):
    options = {"level": 3, "rng": 5, "per_walk": True}
    expected = simulate(WALK, n_steps, 100, statistics, backend="numpy", **options).per_walk
    got = simulate(WALK, n_steps, 100, statistics, backend="numba", **options).per_walk
    for name in statistics:
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name)


@settings(max_examples=30, deadline=None)
@given(statistics=st.sampled_from(SELECTIONS), n_steps=st.integers(0, 400),
       n_walks=st.integers(1, 40), first=st.integers(0, 2**40),
       level=st.integers(-12, 12).filter(bool), seed=st.integers(0, 2**32))
@example(statistics=("first_passage",), n_steps=300, n_walks=17, first=0, level=-1, seed=0)
def test_kernels_equal_numpy_for_any_walks(statistics, n_steps, n_walks, first, level, seed):
    key = _random.key_from_rng(seed)
    law = simulate_module._step_law(WALK)
    items = np.arange(first, first + n_walks, dtype=np.uint64)
    expected = simulate_module._run_numpy(law, key, items, n_steps, level, statistics)
    got = simulate_module._run_numba(law, key, first, n_walks, n_steps, level, statistics)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize(("first", "n_walks", "n_steps"), [(0, 1, 0), (3, 1000, 1000),
                                                           (2**33, 77, 129)])
def test_endpoint_counts_are_the_histogram_of_the_endpoints(threads, first, n_walks, n_steps):
    k0, k1 = _random.split_key(_random.key_from_rng(4))
    previous = numba.get_num_threads()
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    try:
        counts = kernels.endpoint_counts(k0, k1, first, n_walks, n_steps)
    finally:
        numba.set_num_threads(previous)
    endpoints = kernels.endpoints_bits(k0, k1, first, n_walks, n_steps)
    np.testing.assert_array_equal(counts, np.bincount((endpoints + n_steps) // 2,
                                                      minlength=n_steps + 1))


@pytest.mark.parametrize("walk", [SimpleWalk(0.7), Walk({-1: 0.25, 0: 0.5, 1: 0.25}),
                                  Walk({-2: 0.2, 1: 0.5, 3: 0.3}), Walk({-1: 1e-17, 1: 1.0})],
                         ids=["biased", "lazy", "jumps", "near-degenerate"])
@pytest.mark.parametrize("n_steps", [0, 1, 2, 3, 64, 257])
def test_endpoints_of_general_laws_equal_numpy(walk, n_steps):
    expected = simulate(walk, n_steps, 40, rng=8, backend="numpy", per_walk=True)
    got = simulate(walk, n_steps, 40, rng=8, backend="numba", per_walk=True)
    np.testing.assert_array_equal(got.per_walk["endpoint"], expected.per_walk["endpoint"])


@pytest.mark.parametrize("block_walks", [7, 64, None])
@pytest.mark.parametrize("n_steps", [0, 1, 200])
def test_endpoint_histograms_from_the_kernel_equal_numpy(block_walks, n_steps):
    expected = simulate(WALK, n_steps, 300, rng=9, backend="numpy")["endpoint"]
    got = simulate(WALK, n_steps, 300, rng=9, backend="numba", block_walks=block_walks)
    np.testing.assert_array_equal(got["endpoint"].values, expected.values)
    np.testing.assert_array_equal(got["endpoint"].counts, expected.counts)
    assert got["endpoint"].censored == 0
