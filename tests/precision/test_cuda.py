"""The CUDA C rounding (mathkit/precision/rounding.cuh) against the numpy reference, bit for bit.

Without a GPU: ``tests/precision/cuda/rounding_host.cu`` includes the header and is compiled
for the host with nvcc (as CUDA, and as plain C++); it reads the format, the mode and
(index, value) pairs on stdin and prints the result bits, so the comparison is exact,
stochastic rounding included. The CuPy kernels are compile-checked for sm_90. With a GPU
and CuPy (``@pytest.mark.gpu``): the kernels run and are compared with numpy.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mathkit._backend import engine_status
from mathkit._random import key_from_rng
from mathkit.precision import FORMATS, MODES, OVERFLOWS, Format, round
from mathkit.testing import formats
from tests.nvcc import compile_device_code, compile_host_program, requires_nvcc

HOST_SOURCE = Path(__file__).parent / "cuda" / "rounding_host.cu"
CUSTOM = [
    Format(5, -20, 20, subnormals=False, name="no-subnormals"),
    Format(2, -3, 4, name="p2"),
    Format(3, -5, 6, infinities=False, nan="fnuz", name="fnuz-unused-fields"),
]


def _inputs(size: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    patterns = rng.integers(0, 2**64, size=size, dtype=np.uint64).view(np.float64)
    scaled = rng.standard_normal(size) * 2.0 ** rng.integers(-160, 140, size)
    specials = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 5e-324, -5e-324, 65519.99, 65520.0,
                         464.0, 465.0, 1 + 2.0**-8 + 2.0**-30, 2.0**-25, -(2.0**-25), 1e308])
    return np.concatenate([patterns, scaled, specials])


def _format_line(fmt: Format) -> str:
    largest = int(np.float64(fmt.max).view(np.uint64))
    return (f"F {fmt.precision} {fmt.emin} {largest:x} {int(fmt.subnormals)} "
            f"{int(fmt.infinities)} {int(fmt.has_negative_zero)}")


@pytest.fixture(scope="module", params=["cu", "c++"])
def rounding_host(request):
    """Run the host driver (compiled once and cached) on lines; return the result bits."""
    program = compile_host_program(
        HOST_SOURCE.read_text(), f"rounding_host_{request.param.replace('+', 'p')}",
        language=request.param,
    )

    def run(lines: list[str]) -> np.ndarray:
        result = subprocess.run([str(program)], input="\n".join(lines) + "\n",
                                capture_output=True, text=True, check=False, timeout=300)
        assert result.returncode == 0, result.stderr
        return np.array([int(word, 16) for word in result.stdout.split()], dtype=np.uint64)

    return run


def _compare(run, cases):
    """cases: (fmt, mode, overflow, seed, offset, x). One driver run for all of them."""
    lines, expected = [], []
    for fmt, mode, overflow, seed, offset, x in cases:
        key = key_from_rng(seed)
        lines.append(_format_line(fmt))
        lines.append(f"M {MODES.index(mode)} {OVERFLOWS.index(overflow)} {key:x}")
        bits = np.ascontiguousarray(x, dtype=np.float64).view(np.uint64)
        lines.extend(f"R {offset + i:x} {int(b):x}" for i, b in enumerate(bits))
        expected.append(round(x, fmt, mode, overflow, rng=seed, backend="numpy",
                              index_offset=offset))
    got = run(lines)
    want = np.concatenate(expected).view(np.uint64)
    assert got.shape == want.shape
    differ = np.flatnonzero(got != want)
    assert differ.size == 0, (
        f"{differ.size} differ; first: got {got[differ[0]]:016x}, want {want[differ[0]]:016x}")


@requires_nvcc
@pytest.mark.nvcc
def test_host_rounding_matches_numpy_everywhere(rounding_host):
    x = _inputs(1500, 1)
    cases = [
        (fmt, mode, overflow, 2026, 0, x)
        for fmt in [*FORMATS.values(), *CUSTOM]
        for mode in MODES
        for overflow in OVERFLOWS
    ]
    _compare(rounding_host, cases)


@requires_nvcc
@pytest.mark.nvcc
def test_host_stochastic_rounding_at_large_indices(rounding_host):
    x = np.full(200, 1 + 2.0**-12)
    cases = [(FORMATS["float16"], "stochastic", "ieee", seed, offset, x)
             for seed in (0, 2**64 - 1, 12345) for offset in (0, 2**32 - 100, 2**64 - 200)]
    _compare(rounding_host, cases)


@requires_nvcc
@pytest.mark.nvcc
@settings(max_examples=25, deadline=None)
@given(st.data())
def test_host_rounding_property(rounding_host, data):
    fmt = data.draw(formats())
    patterns = data.draw(st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=40))
    x = np.array(patterns, dtype=np.uint64).view(np.float64)
    mode = data.draw(st.sampled_from(MODES))
    overflow = data.draw(st.sampled_from(OVERFLOWS))
    _compare(rounding_host, [(fmt, mode, overflow, data.draw(st.integers(0, 2**64 - 1)), 0, x)])


@requires_nvcc
@pytest.mark.nvcc
def test_cupy_kernels_compile_for_sm90():
    from mathkit.precision import _cupy  # imports no CuPy until a kernel runs

    ptx = compile_device_code(_cupy.kernel_source(), "precision_rounding_kernels").read_text()
    for name in ("mk_round_f64_kernel", "mk_round_f32_kernel"):
        assert f".entry {name}(" in ptx
    assert "mul.hi.u32" in ptx  # Philox on the device side


# --------------------------------------------------------------------------- GPU


def _require_gpu():
    status = engine_status("cupy")
    if not status.available:
        pytest.skip(f"CuPy GPU backend unavailable: {status.reason}")
    import cupy

    return cupy


@pytest.mark.gpu
@pytest.mark.parametrize("mode", MODES)
def test_gpu_matches_numpy(mode):
    cupy = _require_gpu()
    x = _inputs(200_000, 3)
    for fmt in [*FORMATS.values(), *CUSTOM]:
        for overflow in OVERFLOWS:
            reference = round(x, fmt, mode, overflow, rng=11, backend="numpy")
            on_device = round(cupy.asarray(x), fmt, mode, overflow, rng=11)
            assert isinstance(on_device, cupy.ndarray) and on_device.dtype == np.float64
            got = cupy.asnumpy(on_device).view(np.uint64)
            assert (got == reference.view(np.uint64)).all(), (fmt, mode, overflow)


@pytest.mark.gpu
def test_gpu_float32_input_shapes_and_numpy_in_numpy_out():
    cupy = _require_gpu()
    with np.errstate(over="ignore", invalid="ignore"):
        x = _inputs(100_000, 4).astype(np.float32)
    fmt = FORMATS["bfloat16"]
    reference = round(x, fmt, "stochastic", rng=3, backend="numpy", index_offset=5)
    got = round(cupy.asarray(x).reshape(-1, 1), fmt, "stochastic", rng=3, index_offset=5)
    assert got.shape == (x.size, 1)
    assert (cupy.asnumpy(got).ravel().view(np.uint64) == reference.view(np.uint64)).all()
    host = round(x, fmt, backend="cupy")
    assert isinstance(host, np.ndarray)
    assert (host.view(np.uint64) == round(x, fmt, backend="numpy").view(np.uint64)).all()
    with pytest.raises(ValueError, match="x is a CuPy array: backend must be 'auto' or 'cupy'"):
        round(cupy.ones(3), fmt, backend="numba")
    with pytest.raises(TypeError, match="x must have dtype float16, float32 or float64"):
        round(cupy.ones(3, dtype=cupy.int32), fmt)
