"""The CuPy engine of calculus.compile: its CUDA C, on the host and (with a GPU) on the device.

Without a GPU: the source printed by :mod:`mathkit.calculus._cuda_codegen` is compiled
for the host with nvcc (as CUDA, and as plain C++) together with a small driver that
calls the ``__host__ __device__`` row function on each row read from stdin (as bit
patterns) and prints the results' bits; they are compared with the numpy engine on the
same points. The kernels are compile-checked for sm_90. With a GPU and CuPy
(``@pytest.mark.gpu``): ``compile(..., backend="cupy")`` runs and is compared with numpy.
"""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
import sympy

from mathkit._backend import engine_status
from mathkit.calculus import compile
from mathkit.calculus._cuda_codegen import cuda_source
from mathkit.calculus._numba_codegen import NotCompilableError
from tests.nvcc import compile_device_code, compile_host_program, requires_nvcc

from .functions import SMOOTH, X, Y
from .test_compiled import VARIABLES, F, _assert_engines_agree, _points

x, y, z = VARIABLES
#: The CuPy engine on a GPU against numpy: CUDA's exp, sin, ... are within 2 ulps (glibc's
#: within 1) and CUDA fuses multiply-adds, so twice the host bound.
GPU_ULPS = 16
#: Functions beyond the smooth catalogue that exercise the C printer: Piecewise, Abs, Max,
#: sign, constants spelled as macros, large integers, negative and fractional powers.
PRINTER_CASES = [
    ("piecewise", sympy.Piecewise((X**3, X > 0), (sympy.pi * Y**2, True))),
    ("abs-max", sympy.Abs(X) * Y + sympy.Max(X, Y) ** 2),  # the gradient holds sign(x)
    ("constants", sympy.E * X + sympy.sqrt(2) * Y + sympy.Rational(1, 3) * X * Y),
    ("big-integer", 10**20 * X + 3 * Y**5 - X**7),
    ("powers", (2 + X**2) ** -2 + (3 + Y**2) ** sympy.Rational(3, 2) + sympy.cbrt(2 + X)),
    *((name, expr) for name, expr, _ in SMOOTH),
]

_DRIVER = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double read_double(void) {
    unsigned long long bits;
    double value;
    if (scanf("%llx", &bits) != 1) exit(2);
    memcpy(&value, &bits, sizeof value);
    return value;
}

static void write_double(double value) {
    unsigned long long bits;
    memcpy(&bits, &value, sizeof bits);
    printf("%llx\n", bits);
}

int main(void) {
    long long n, d, count, v_rows;
    if (scanf("%lld %lld %lld %lld", &n, &d, &count, &v_rows) != 4) return 2;
    double* X = (double*)malloc(sizeof(double) * (n * d + 1));
    double* V = (double*)malloc(sizeof(double) * (v_rows * d + 1));
    double* out = (double*)malloc(sizeof(double) * (count + 1));
    for (long long i = 0; i < n * d; ++i) X[i] = read_double();
    for (long long i = 0; i < v_rows * d; ++i) V[i] = read_double();
    for (long long i = 0; i < n; ++i) {
        ROW_CALL
    }
    return 0;
}
"""
_ROW_CALLS = {
    None: "mathkit_row(X + i * d, out); for (long long k = 0; k < count; ++k) "
          "write_double(out[k]);",
    "dot": "write_double(mathkit_row(X + i * d, V + (v_rows == 1 ? 0 : i * d)));",
}


def _run_host(expressions, symbols, dot: str | None, points: np.ndarray, directions=None,
              language: str = "cu") -> np.ndarray:
    """Compile the source of ``expressions`` with the driver (cached); run it: (N, K) or (N,)."""
    source = cuda_source(expressions, symbols, dot=dot)
    driver = _DRIVER.replace("ROW_CALL", _ROW_CALLS["dot" if dot else None])
    name = f"calculus_{dot or 'rows'}_{language.replace('+', 'p')}"
    program = compile_host_program(source + driver, name, language=language)
    n, d = points.shape
    directions = np.zeros((0, d)) if directions is None else np.atleast_2d(directions)
    count = 1 if dot else len(expressions)
    words = [f"{n} {d} {count} {directions.shape[0]}"]
    for array in (points, directions):
        words.extend(f"{int(b):x}" for b in np.ascontiguousarray(array).ravel().view(np.uint64))
    result = subprocess.run([str(program)], input="\n".join(words) + "\n", capture_output=True,
                            text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    bits = np.array([int(word, 16) for word in result.stdout.split()], dtype=np.uint64)
    values = bits.view(np.float64)
    return values if dot else values.reshape(n, count)


@pytest.fixture(scope="module")
def numpy_f():
    return compile(F, VARIABLES, backend="numpy")


# --- host: the printed C against the numpy engine ------------------------------------------


@requires_nvcc
@pytest.mark.nvcc
@pytest.mark.parametrize("language", ["cu", "c++"])
@pytest.mark.parametrize("kind", ["value", "gradient", "hessian"])
def test_host_rows_match_numpy(numpy_f, kind, language):
    points = _points(300, seed=7)
    expressions = numpy_f._kernel_expressions(kind)
    got = _run_host(expressions, VARIABLES, None, points, language=language)
    if kind == "value":
        want = numpy_f.value(points)[:, None]
    elif kind == "gradient":
        want = numpy_f.gradient(points)
    else:
        rows, cols = np.triu_indices(3)
        want = numpy_f.hessian(points)[:, rows, cols]
    _assert_engines_agree(got, want)


@requires_nvcc
@pytest.mark.nvcc
@pytest.mark.parametrize("kind", ["raw", "unit"])
@pytest.mark.parametrize("shared", [False, True])
def test_host_dot_products_match_numpy(numpy_f, kind, shared):
    points = _points(300, seed=8)
    directions = np.array([3.0, -4.0, 0.5]) if shared else _points(300, seed=9, low=-5, high=5)
    if not shared:
        directions[-1] = [1e-300, -3e-301, 0.0]  # |v| would underflow without the scaling
    got = _run_host(numpy_f.gradient_expressions, VARIABLES, kind, points, directions)
    method = numpy_f.jvp if kind == "raw" else numpy_f.directional
    want = method(points, directions)
    _assert_engines_agree(got, want)


@requires_nvcc
@pytest.mark.nvcc
def test_host_zero_direction_gives_nan_for_unit_and_zero_for_raw(numpy_f):
    points = _points(2, seed=10)
    zero = np.zeros((1, 3))
    unit = _run_host(numpy_f.gradient_expressions, VARIABLES, "unit", points, zero)
    raw = _run_host(numpy_f.gradient_expressions, VARIABLES, "raw", points, zero)
    assert np.isnan(unit).all()  # the caller turns this into "V must be a non-zero vector"
    assert raw.tolist() == [0.0, 0.0]


@requires_nvcc
@pytest.mark.nvcc
@pytest.mark.parametrize(("name", "expr"), PRINTER_CASES, ids=[c[0] for c in PRINTER_CASES])
def test_host_printer_catalogue_matches_numpy(name, expr):
    points = _points(200, d=2, seed=11, low=-1.5, high=1.5)
    reference = compile(expr, (X, Y), backend="numpy")
    expressions = (expr, *reference.gradient_expressions)
    got = _run_host(expressions, (X, Y), None, points)
    _assert_engines_agree(got[:, 0], reference.value(points))
    _assert_engines_agree(got[:, 1:], reference.gradient(points))


@requires_nvcc
@pytest.mark.nvcc
@pytest.mark.parametrize("dot", [None, "raw", "unit"])
def test_kernels_compile_for_sm90(dot):
    source = cuda_source(compile(F, VARIABLES, backend="numpy").gradient_expressions,
                         VARIABLES, dot=dot)
    ptx = compile_device_code(source, f"calculus_kernel_{dot or 'rows'}").read_text()
    assert ".entry mathkit_kernel(" in ptx


def test_printer_refuses_what_c_cannot_run():
    with pytest.raises(NotCompilableError, match=r"cannot compile besselj.*for CUDA"):
        cuda_source([sympy.besselj(0, x)], (x,))


def test_source_without_gpu_names_the_row_function_and_kernel():
    source = cuda_source([x * y, sympy.sin(z)], VARIABLES)
    assert "MATHKIT_HD void mathkit_row(const double* x, double* out)" in source
    assert 'extern "C" __global__ void mathkit_kernel(' in source
    assert "#include" not in source.split("__CUDACC_RTC__")[0]  # NVRTC sees no system header


@pytest.mark.skipif(engine_status("cupy").available, reason="checks the machine without CuPy")
def test_cupy_backend_without_gpu_names_the_extra():
    from mathkit._backend import BackendUnavailableError

    with pytest.raises(BackendUnavailableError, match=r"backend='cupy'.*mathkit\[cuda12\]"):
        compile(F, VARIABLES, backend="cupy")


# --- GPU --------------------------------------------------------------------------------


def _require_gpu():
    status = engine_status("cupy")
    if not status.available:
        pytest.skip(f"CuPy GPU backend unavailable: {status.reason}")
    import cupy

    return cupy


def _assert_gpu_agrees(got, want):
    scale = np.max(np.abs(want))
    assert np.all(np.abs(got - want) <= GPU_ULPS * np.spacing(scale)), np.max(np.abs(got - want))


@pytest.fixture(scope="module")
def cupy_f():
    _require_gpu()
    return compile(F, VARIABLES, backend="cupy")


@pytest.mark.gpu
@pytest.mark.parametrize("method", ["value", "gradient", "hessian"])
def test_gpu_matches_numpy(cupy_f, numpy_f, method):
    cupy = _require_gpu()
    points = _points(100_003, seed=12)
    got = getattr(cupy_f, method)(cupy.asarray(points))
    assert isinstance(got, cupy.ndarray)
    _assert_gpu_agrees(cupy.asnumpy(got), getattr(numpy_f, method)(points))


@pytest.mark.gpu
@pytest.mark.parametrize("method", ["jvp", "directional"])
@pytest.mark.parametrize("shared", [False, True])
def test_gpu_dot_products_match_numpy(cupy_f, numpy_f, method, shared):
    cupy = _require_gpu()
    points = _points(100_003, seed=13)
    directions = np.array([3.0, -4.0, 0.5]) if shared else _points(100_003, seed=14, low=-5,
                                                                     high=5)
    got = getattr(cupy_f, method)(cupy.asarray(points), cupy.asarray(directions))
    assert isinstance(got, cupy.ndarray)
    _assert_gpu_agrees(cupy.asnumpy(got), getattr(numpy_f, method)(points, directions))


@pytest.mark.gpu
def test_gpu_numpy_in_numpy_out_and_auto_picks_cupy_for_cupy_input(cupy_f, numpy_f):
    cupy = _require_gpu()
    points = _points(1000, seed=15)
    host = cupy_f.gradient(points)
    assert isinstance(host, np.ndarray)
    _assert_gpu_agrees(host, numpy_f.gradient(points))
    auto = compile(F, VARIABLES)
    assert auto.engine(cupy.asarray(points[:5])) == "cupy"
    assert isinstance(auto.value(cupy.asarray(points[:5])), cupy.ndarray)
    single = cupy_f.directional(cupy.asarray(points[0]), [1.0, 2.0, 2.0])
    assert single.shape == ()
    assert float(single) == pytest.approx(float(numpy_f.directional(points[0], [1, 2, 2])),
                                          rel=1e-14)


@pytest.mark.gpu
def test_gpu_grid_stride_covers_every_row():
    cupy = _require_gpu()
    from mathkit.calculus._cuda_codegen import _MAX_BLOCKS, THREADS_PER_BLOCK

    n = _MAX_BLOCKS * THREADS_PER_BLOCK + 5  # more rows than threads
    column = cupy.arange(n, dtype=cupy.float64)[:, None]
    values = compile(x * 2 + 1, (x,), backend="cupy").value(column)
    assert bool((values == 2 * column[:, 0] + 1).all())


@pytest.mark.gpu
def test_gpu_auto_falls_back_to_numpy_for_what_cuda_cannot_run():
    cupy = _require_gpu()
    f = compile(sympy.besselj(0, x), (x,))
    got = f.value(cupy.asarray([[0.0], [1.0]]))
    assert isinstance(got, cupy.ndarray)
    np.testing.assert_allclose(cupy.asnumpy(got), [1.0, 0.7651976865579666], rtol=1e-15)
    with pytest.raises(NotCompilableError, match="besselj"):
        compile(sympy.besselj(0, x), (x,), backend="cupy")


@pytest.mark.gpu
def test_gpu_bad_input(cupy_f):
    cupy = _require_gpu()
    points = cupy.asarray(_points(3, seed=16))
    with pytest.raises(ValueError, match="X must be finite"):
        cupy_f.value(cupy.asarray([[0.0, cupy.nan, 1.0]]))
    with pytest.raises(TypeError, match="X must be an array of float64"):
        cupy_f.value(cupy.ones((2, 3), dtype=cupy.complex128))
    with pytest.raises(ValueError, match=r"V must be non-zero vectors.*at row 1"):
        cupy_f.directional(points, cupy.asarray([[1.0, 0, 0], [0, 0, 0], [0, 1.0, 0]]))
    assert cupy.asnumpy(cupy_f.jvp(points, [0.0, 0.0, 0.0])).tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(TypeError, match="V is a CuPy array but X is not"):
        cupy_f.jvp(cupy.asnumpy(points), cupy.ones(3))
    with pytest.raises(ValueError, match="X is a CuPy array: backend must be 'auto' or 'cupy'"):
        compile(F, VARIABLES, backend="numba").value(points)
    with pytest.raises(ValueError, match=r"f\(x\) must be finite.*X\[1\]"):
        compile(sympy.log(x) + y, (x, y), backend="cupy").value(
            cupy.asarray([[1.0, 1.0], [0.0, 1.0]]))

