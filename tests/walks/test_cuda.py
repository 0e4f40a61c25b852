"""The CUDA walk kernels: walk.cuh compiled for the host equals the numpy reference bit for bit.

The per-walk statistics and the device histogram's bin mapping (``mk_walk_bin``
with the layout of ``_cupy.histogram_layout``) are compiled for the host with
nvcc; on a GPU (``-m gpu``) the kernels themselves must equal numba.
"""

import importlib
import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mathkit import _random
from mathkit._backend import BackendUnavailableError, engine_status
from mathkit.walks import SimpleWalk, Walk, _cupy, simulate
from mathkit.walks.simulate import STATISTICS
from tests.nvcc import compile_device_code, compile_host_program, requires_nvcc

simulate_module = importlib.import_module("mathkit.walks.simulate")
HOST_DRIVER = Path(__file__).parent / "cuda" / "walk_host.cu"
HISTOGRAM_DRIVER = Path(__file__).parent / "cuda" / "walk_histogram_host.cu"
WALKS = [SimpleWalk(0.5), SimpleWalk(0.7), Walk({-1: 0.25, 0: 0.5, 1: 0.25}),
         Walk({-2: 0.2, 1: 0.5, 3: 0.3})]
WALK_IDS = ["symmetric", "biased", "lazy", "jumps"]


@pytest.fixture(scope="module", params=["cu", "c++"])
def walk_program(request):
    """walk_host.cu built as CUDA and as plain C++ (the header must compile outside CUDA)."""
    return compile_host_program(HOST_DRIVER.read_text(), f"walk_host_{request.param.strip('+')}",
                                language=request.param)


@pytest.fixture(scope="module")
def histogram_program():
    return compile_host_program(HISTOGRAM_DRIVER.read_text(), "walk_histogram_host")


def law_text(law, key, first, n_walks, n_steps, level) -> str:
    header = (f"{key} {first} {n_walks} {n_steps} {level} {int(law.symmetric_simple)} "
              f"{law.steps.size}")
    return "\n".join([header, " ".join(map(str, law.steps)),
                      " ".join(float(c).hex() for c in law.cdf)])


def host_statistics(program, walk, key, n_walks, n_steps, level) -> np.ndarray:
    text = law_text(simulate_module._step_law(walk), key, 0, n_walks, n_steps, level)
    result = subprocess.run([program], input=text, capture_output=True, text=True, check=True)
    return np.loadtxt(result.stdout.splitlines(), dtype=np.int64, ndmin=2)


def host_histogram_counts(program, law, key, first, n_walks, n_steps, level, statistics):
    """The StatisticCounts of the device histogram, counted on the host through mk_walk_bin."""
    layout = _cupy.histogram_layout(law, n_steps, statistics)
    rows = "\n".join(" ".join(map(str, row)) for row in layout.tolist())
    text = (f"{law_text(law, key, first, n_walks, n_steps, level)}\n"
            f"{int(statistics == ('endpoint',))} {len(layout)} {_cupy.histogram_bins(layout)}\n"
            f"{rows}")
    result = subprocess.run([program], input=text, capture_output=True, text=True, check=True)
    histogram = np.array(result.stdout.split(), dtype=np.uint64)
    summary = _cupy.histogram_summary(histogram, layout, statistics)
    return simulate_module._merge([summary], statistics)


def assert_same_counts(got, expected):
    assert got.keys() == expected.keys()
    for name, counts in expected.items():
        np.testing.assert_array_equal(got[name].values, counts.values, err_msg=name)
        np.testing.assert_array_equal(got[name].counts, counts.counts, err_msg=name)
        assert got[name].censored == counts.censored, name


@requires_nvcc
@pytest.mark.nvcc
@pytest.mark.parametrize("walk", WALKS, ids=WALK_IDS)
@pytest.mark.parametrize("n_steps", [0, 1, 31, 128, 129, 300])
def test_host_build_equals_numpy(walk_program, walk, n_steps):
    key = _random.key_from_rng(99)
    level = 3
    got = host_statistics(walk_program, walk, key, 200, n_steps, level)
    law = simulate_module._step_law(walk)
    expected = simulate_module._path_statistics(law, key, np.arange(200, dtype=np.uint64),
                                                n_steps, level, STATISTICS)
    np.testing.assert_array_equal(got, expected)


SELECTIONS = {
    "all": (tuple(STATISTICS), 3),
    "passage below": (("first_passage", "minimum", "endpoint"), -2),
    "zeros": (("returns", "last_zero", "first_return", "time_positive"), None),
    "endpoint": (("endpoint",), None),  # by popcount for the symmetric walk
}


@requires_nvcc
@pytest.mark.nvcc
@pytest.mark.parametrize("walk", WALKS, ids=WALK_IDS)
@pytest.mark.parametrize("n_steps", [0, 1, 31, 32, 129, 300])  # whole and part words
@pytest.mark.parametrize("selection", SELECTIONS)
def test_host_histogram_equals_numpy_counts(histogram_program, walk, n_steps, selection):
    statistics, level = SELECTIONS[selection]
    law = simulate_module._step_law(walk)
    if not law.nearest_neighbour:
        statistics = tuple(s for s in statistics if s != "range")
    key = _random.key_from_rng(17)
    got = host_histogram_counts(histogram_program, law, key, 0, 500, n_steps,
                                0 if level is None else level, statistics)
    expected = simulate(walk, n_steps, 500, statistics, level=level, rng=17, backend="numpy")
    assert_same_counts(got, expected.statistics)


@st.composite
def step_laws(draw):
    steps = draw(st.lists(st.integers(-3, 3), min_size=1, max_size=4, unique=True))
    weights = draw(st.lists(st.integers(1, 9), min_size=len(steps), max_size=len(steps)))
    return Walk({step: Fraction(w, sum(weights)) for step, w in zip(steps, weights, strict=True)})


@requires_nvcc
@pytest.mark.nvcc
@settings(max_examples=40, deadline=None)
@given(walk=step_laws(), n_steps=st.integers(0, 150), first=st.integers(0, 2**40),
       level=st.integers(-5, 5).filter(bool), seed=st.integers(0, 2**32),
       statistics=st.lists(st.sampled_from(STATISTICS), min_size=1, unique=True))
@example(walk=Walk({1: Fraction(1)}), n_steps=7, first=0, level=7, seed=0,
         statistics=list(STATISTICS))  # one step value: a single bin per statistic
@example(walk=Walk({-1: Fraction(1, 2), 1: Fraction(1, 2)}), n_steps=128, first=2**32 - 3,
         level=-1, seed=1, statistics=["first_return", "first_passage"])  # item crosses 2**32
@example(walk=Walk({-1: Fraction(1, 2), 1: Fraction(1, 2)}), n_steps=133, first=5, level=1,
         seed=2, statistics=["endpoint"])  # popcount of a part word
def test_device_histogram_counts_every_walk_in_its_bin(histogram_program, walk, n_steps, first,
                                                       level, seed, statistics):
    """Any step law: the histogram counted through mk_walk_bin is numpy's; no bin off the layout."""
    law = simulate_module._step_law(walk)
    if not law.nearest_neighbour:
        statistics = [s for s in statistics if s != "range"] or ["endpoint"]
    statistics = tuple(statistics)
    key = _random.key_from_rng(seed)
    got = host_histogram_counts(histogram_program, law, key, first, 60, n_steps, level,
                                statistics)
    items = np.arange(first, first + 60, dtype=np.uint64)
    table = simulate_module._run_numpy(law, key, items, n_steps, level, statistics)
    expected = simulate_module._merge([simulate_module._summary(table, statistics)], statistics)
    assert_same_counts(got, expected)


def test_histogram_layout_gives_way_to_tables_past_max_bins():
    law = simulate_module._step_law(Walk({0: 0.5, 1: 0.5}))  # endpoint: n_steps + 1 values
    layout = _cupy.histogram_layout(law, _cupy.MAX_BINS - 1, ["endpoint"])
    assert _cupy.histogram_bins(layout) == _cupy.MAX_BINS
    assert _cupy.histogram_layout(law, _cupy.MAX_BINS, ["endpoint"]) is None


def test_histogram_layout_places_statistics_side_by_side():
    law = simulate_module._step_law(SimpleWalk(0.5))
    layout = _cupy.histogram_layout(law, 10, ["endpoint", "first_passage", "range"])
    # endpoint -10..10 (21 bins), passage 1..10 + censored (11), range 1..21 (21)
    np.testing.assert_array_equal(layout, [[0, -10, 21, 0, 0], [3, 1, 10, 1, 21],
                                           [8, 1, 21, 0, 32]])
    assert _cupy.histogram_bins(layout) == 53


@requires_nvcc
@pytest.mark.nvcc
def test_kernel_compiles_for_the_gpu():
    ptx = compile_device_code(_cupy.kernel_source(), "walks_kernel").read_text()
    assert ".entry mk_walks_kernel" in ptx
    assert ".entry mk_walks_histogram_kernel" in ptx
    assert "atom.shared.add.u64" in ptx  # the per-block histogram in shared memory


def test_cupy_backend_missing_names_the_extra():
    if engine_status("cupy").available:
        pytest.skip("CuPy works here")
    with pytest.raises(BackendUnavailableError, match=r"mathkit\[cuda12\]"):
        simulate(SimpleWalk(0.5), 10, 10, backend="cupy")


@pytest.mark.gpu
@pytest.mark.parametrize("walk", WALKS, ids=WALK_IDS)
def test_cupy_equals_numba(walk):
    if not engine_status("cupy").available:
        pytest.skip("needs CuPy and a GPU")
    statistics = [s for s in STATISTICS if s != "range" or walk is not WALKS[3]]
    expected = simulate(walk, 1000, 100_000, statistics, level=7, rng=5, backend="numba",
                        per_walk=True)
    got = simulate(walk, 1000, 100_000, statistics, level=7, rng=5, backend="cupy",
                   per_walk=True)
    for statistic in statistics:
        np.testing.assert_array_equal(got.per_walk[statistic], expected.per_walk[statistic])


#: Device histogram cases: (statistics, n_steps, level, _cupy settings, block_walks).
HISTOGRAM_CASES = {
    # about 2,000 bins: per-block histograms in shared memory
    "shared": (STATISTICS, 200, 4, {}, None),
    # about 10,000 bins, past the 48 KiB of shared memory: global atomics
    "global": (STATISTICS, 1000, -7, {}, None),
    # the symmetric walk's endpoint by popcount
    "endpoint": (("endpoint",), 1000, None, {}, None),
    # few blocks, so each thread runs many walks; several kernel calls
    "grid stride": (("endpoint", "maximum"), 1000, None, {"_BLOCKS_PER_SM": 1}, 30_001),
}


@pytest.mark.gpu
@pytest.mark.parametrize("walk", WALKS, ids=WALK_IDS)
@pytest.mark.parametrize("case", HISTOGRAM_CASES)
def test_cupy_histograms_equal_numba(monkeypatch, walk, case):
    if not engine_status("cupy").available:
        pytest.skip("needs CuPy and a GPU")
    statistics, n_steps, level, settings_, block_walks = HISTOGRAM_CASES[case]
    for name, value in settings_.items():
        monkeypatch.setattr(_cupy, name, value)
    statistics = [s for s in statistics if s != "range" or walk is not WALKS[3]]
    expected = simulate(walk, n_steps, 100_000, statistics, level=level, rng=8, backend="numba")
    got = simulate(walk, n_steps, 100_000, statistics, level=level, rng=8, backend="cupy",
                   block_walks=block_walks)
    assert_same_counts(got.statistics, expected.statistics)


@pytest.mark.gpu
def test_cupy_tables_walks_whose_histogram_is_too_large():
    if not engine_status("cupy").available:
        pytest.skip("needs CuPy and a GPU")
    walk = Walk({-1000: 0.5, 1000: 0.5})
    law = simulate_module._step_law(walk)
    assert _cupy.histogram_layout(law, 20_000, ["endpoint"]) is None
    expected = simulate(walk, 20_000, 2_000, ["endpoint"], rng=3, backend="numba")
    got = simulate(walk, 20_000, 2_000, ["endpoint"], rng=3, backend="cupy")
    assert_same_counts(got.statistics, expected.statistics)


@pytest.mark.gpu
def test_cupy_on_dask_workers_gives_the_counts_of_numba():
    if not engine_status("cupy").available:
        pytest.skip("needs CuPy and a GPU")
    distributed = pytest.importorskip("distributed")
    statistics = ["endpoint", "first_passage", "returns"]
    expected = simulate(SimpleWalk(0.5), 500, 50_000, statistics, level=-3, rng=9,
                        backend="numba")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        got = simulate(SimpleWalk(0.5), 500, 50_000, statistics, level=-3, rng=9,
                       backend="cupy", client=client, block_walks=7_001)
    assert_same_counts(got.statistics, expected.statistics)
