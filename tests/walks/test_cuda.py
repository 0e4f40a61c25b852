"""The CUDA walk kernel: walk.cuh compiled for the host equals the numpy reference bit for bit."""

import importlib
import subprocess
from pathlib import Path

import numpy as np
import pytest

from mathkit import _random
from mathkit._backend import BackendUnavailableError, engine_status
from mathkit.walks import SimpleWalk, Walk, simulate
from mathkit.walks.simulate import STATISTICS
from tests.nvcc import compile_device_code, compile_host_program, requires_nvcc

simulate_module = importlib.import_module("mathkit.walks.simulate")
HOST_DRIVER = Path(__file__).parent / "cuda" / "walk_host.cu"
WALKS = [SimpleWalk(0.5), SimpleWalk(0.7), Walk({-1: 0.25, 0: 0.5, 1: 0.25}),
         Walk({-2: 0.2, 1: 0.5, 3: 0.3})]


def host_statistics(program, walk, key, n_walks, n_steps, level) -> np.ndarray:
    law = simulate_module._step_law(walk)
    header = f"{key} 0 {n_walks} {n_steps} {level} {int(law.symmetric_simple)} {law.steps.size}"
    text = "\n".join([header, " ".join(map(str, law.steps)),
                      " ".join(float(c).hex() for c in law.cdf)])
    result = subprocess.run([program], input=text, capture_output=True, text=True, check=True)
    return np.loadtxt(result.stdout.splitlines(), dtype=np.int64, ndmin=2)


@requires_nvcc
@pytest.mark.nvcc
@pytest.mark.parametrize("language", ["cu", "c++"])
@pytest.mark.parametrize("walk", WALKS, ids=["symmetric", "biased", "lazy", "jumps"])
@pytest.mark.parametrize("n_steps", [0, 1, 31, 128, 129, 300])
def test_host_build_equals_numpy(language, walk, n_steps):
    program = compile_host_program(HOST_DRIVER.read_text(), f"walk_host_{language.strip('+')}",
                                   language=language)
    key = _random.key_from_rng(99)
    level = 3
    got = host_statistics(program, walk, key, 200, n_steps, level)
    law = simulate_module._step_law(walk)
    expected = simulate_module._path_statistics(law, key, np.arange(200, dtype=np.uint64),
                                                n_steps, level, STATISTICS)
    np.testing.assert_array_equal(got, expected)


@requires_nvcc
@pytest.mark.nvcc
def test_kernel_compiles_for_the_gpu():
    from mathkit.walks import _cupy

    ptx = compile_device_code(_cupy.kernel_source(), "walks_kernel").read_text()
    assert "mk_walks_kernel" in ptx


def test_cupy_backend_missing_names_the_extra():
    if engine_status("cupy").available:
        pytest.skip("CuPy works here")
    with pytest.raises(BackendUnavailableError, match=r"mathkit\[cuda12\]"):
        simulate(SimpleWalk(0.5), 10, 10, backend="cupy")


@pytest.mark.gpu
@pytest.mark.parametrize("walk", WALKS, ids=["symmetric", "biased", "lazy", "jumps"])
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
