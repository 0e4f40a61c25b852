"""The array-namespace (CuPy) engine of minimize_batch, run on numpy and JAX arrays on the CPU
and on CuPy arrays on a GPU (``@pytest.mark.gpu``), against the numpy reference."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mathkit.quadratic import BatchResult, minimize_batch, random_psd
from mathkit.quadratic import _device_batched as engine
from mathkit.testing import indefinite_matrices, psd_matrices, spd_matrices

EPS = np.finfo(np.float64).eps


@pytest.fixture(params=["numpy", "jax"])
def to_library(request):
    """Turns numpy arrays into arrays of the library under test (JAX with float64 enabled)."""
    if request.param == "numpy":
        yield np.asarray
        return
    jax = pytest.importorskip("jax")
    jnp = pytest.importorskip("jax.numpy")
    with jax.enable_x64(True):
        yield jnp.asarray


def run(A, b, c=None, to_library=np.asarray):
    """The device path on ``A, b, c`` (numpy in), as numpy arrays and the output's module."""
    inputs = engine.device_inputs(to_library(A), to_library(b),
                                  None if c is None else to_library(np.asarray(c)))
    x, value, status = engine.solve_stack(*inputs)
    module = type(x).__module__.split(".")[0]
    return np.asarray(x), np.asarray(value), np.asarray(status), module


def mixed_stack(count, n, rng):
    """Positive definite, non-symmetric, negative definite, semidefinite and zero problems."""
    M = rng.standard_normal((count, n, n))
    A = M @ np.swapaxes(M, 1, 2) + 1e-2 * np.eye(n)
    A[::3] += rng.standard_normal((len(A[::3]), n, n))  # non-symmetric: symmetrized
    A[1::7] = -A[1::7]
    A[2::11] = random_psd(n, max(n - 1, 0), rng=5)
    A[4::13] = 0.0
    b = rng.standard_normal((count, n))
    b[2::22] = np.einsum("kij,kj->ki", A[2::22], b[2::22])  # in the range: optimal_set
    b[4::26] = 0.0
    return A, b, rng.standard_normal(count)


def tolerance(A, status):
    """``10 n eps kappa`` per problem: ``kappa(S)`` for ``"optimal"`` (a Cholesky solve, also
    when the pivot test accepts a nearly singular ``S``), else over the eigenvalues kept."""
    S = 0.5 * (A + np.swapaxes(A, 1, 2))
    magnitudes = np.abs(np.linalg.eigvalsh(S))
    largest = magnitudes.max(axis=1)
    kept = np.where(magnitudes > A.shape[-1] * EPS * largest[:, None], magnitudes, np.inf)
    smallest = kept.min(axis=1)
    kappa = np.where(np.isinf(smallest), 1.0, largest / np.where(np.isinf(smallest), 1, smallest))
    kappa = np.where(status == 0, np.linalg.cond(S), kappa)
    return 10 * A.shape[-1] * EPS * kappa


def assert_matches_reference(A, b, c, x, value, status):
    reference = minimize_batch(A, b, c, backend="numpy")
    assert np.array_equal(status, reference.status)
    assert status.dtype == np.int8
    bound = tolerance(A, reference.status)
    error = np.linalg.norm(x - reference.x, axis=1)
    assert (error <= bound * np.linalg.norm(reference.x, axis=1)).all()
    finite = np.isfinite(reference.value)
    assert np.array_equal(np.isfinite(value), finite)
    assert (value[~finite] == -np.inf).all()
    scale = np.abs(c) + 0.5 * np.einsum("kj,kj->k", np.abs(b), np.abs(reference.x))
    scale = scale[finite]
    assert (np.abs(value[finite] - reference.value[finite]) <= bound[finite] * scale).all()
    assert not np.isnan(x).any()


@pytest.mark.parametrize("n", [1, 3, 8])
def test_mixed_stacks_match_the_numpy_reference(to_library, n):
    A, b, c = mixed_stack(120, n, np.random.default_rng(n))
    x, value, status, module = run(A, b, c, to_library)
    assert module == to_library(A).__class__.__module__.split(".")[0]  # stays in its library
    assert_matches_reference(A, b, c, x, value, status)
    assert set(status.tolist()) == {0, 1, 2}


def test_named_cases_match_the_reference_and_exact_answers(to_library):
    n = 3
    A = np.array([random_psd(n, 2, rng=1), random_psd(n, 2, rng=2), np.diag([1.0, -2.0, 3.0]),
                  np.zeros((n, n)), np.zeros((n, n)), np.eye(n),
                  [[1.0, 1.0, 0.0], [1.0, 1.0 + 1e-17, 0.0], [0.0, 0.0, 1.0]]])
    b = np.array([A[0] @ [1.0, -2.0, 0.5], [1.0, 2.0, 3.0], np.ones(n), np.zeros(n), np.ones(n),
                  [-2.0, 4.0, 0.0], [1.0, 1.0, 0.0]])
    c = np.arange(7.0)
    x, value, status, _ = run(A, b, c, to_library)
    names = ["optimal_set", "unbounded", "unbounded", "optimal_set", "unbounded", "optimal",
             "optimal_set"]
    assert [BatchResult.STATUSES[k] for k in status] == names
    assert np.allclose(x[5], [1.0, -2.0, 0.0], rtol=0, atol=4 * EPS)
    assert np.allclose(x[6], [-0.25, -0.25, 0.0], rtol=0, atol=4 * EPS)
    assert value[5] == 0.0 and value[6] == 5.75  # c + b.x/2 = 5 - 5 and 6 - 1/4, exactly
    assert_matches_reference(A, b, c, x, value, status)


@pytest.mark.parametrize("scale", [1e-160, 1e150, 1e300])
def test_extreme_scales_keep_the_status_and_no_nan(to_library, scale):
    semidefinite = np.diag([1.0, 1.0, 0.0])
    A = scale * np.stack([np.eye(3), -np.eye(3), semidefinite, semidefinite])
    b = scale * np.array([[1.0, 1.0, 1.0]] * 3 + [[1.0, 1.0, 0.0]])
    x, value, status, _ = run(A, b, None, to_library)
    assert status.tolist() == [0, 2, 2, 1]
    assert not np.isnan(x).any() and not np.isnan(value).any()
    assert np.allclose(x[[0, 3]], [[-0.5, -0.5, -0.5], [-0.5, -0.5, 0.0]], rtol=1e-14)


def test_against_exact_rational_solutions(to_library):
    # A^{-1} = [[2, -1], [-1, 2]] / 3 and [[2, -2], [-2, 5]] / 6; kappa(A) = 3 and 6
    A = np.array([[[2.0, 1.0], [1.0, 2.0]], [[5.0, 2.0], [2.0, 2.0]]])
    b = np.array([[3.0, 0.0], [1.0, -1.0]])
    x, value, status, _ = run(A, b, [1.0, 0.0], to_library)
    exact_x = [[Fraction(-1), Fraction(1, 2)], [Fraction(-1, 3), Fraction(7, 12)]]
    exact_value = [Fraction(-1, 2), Fraction(-11, 24)]
    assert status.tolist() == [0, 0]
    for k, kappa in enumerate((3, 6)):
        bound = 10 * 2 * EPS * kappa
        expected = np.array([float(v) for v in exact_x[k]])
        assert np.linalg.norm(x[k] - expected) <= bound * np.linalg.norm(expected)
        assert abs(value[k] - float(exact_value[k])) <= bound * abs(float(exact_value[k]))


def test_results_keep_their_library_and_c_broadcasts(to_library):
    A, b = np.stack([np.eye(2)] * 3), np.ones((3, 2))
    x, value, status, module = run(A, b, 2.0, to_library)
    assert value.tolist() == [1.5] * 3 and status.tolist() == [0] * 3
    assert module == to_library(b).__class__.__module__.split(".")[0]
    x, value, status, _ = run(np.zeros((0, 3, 3)), np.zeros((0, 3)), None, to_library)
    assert x.shape == (0, 3) and value.shape == (0,) and status.shape == (0,)


@settings(max_examples=25, deadline=None)
@given(kind=st.sampled_from(["spd", "psd", "indefinite"]),
       A=st.sampled_from([2, 3, 5]).flatmap(lambda n: st.tuples(
           spd_matrices(n, condition_number=(1, 1e6)), psd_matrices(n),
           indefinite_matrices(n))),
       seed=st.integers(0, 2**32 - 1), in_range=st.booleans())
@example(kind="psd", A=(np.eye(2), np.diag([1.0, 0.0]), np.diag([1.0, -1.0])), seed=0,
         in_range=False)
def test_statuses_equal_the_reference_on_numpy(kind, A, seed, in_range):
    matrix = A[("spd", "psd", "indefinite").index(kind)]
    n = matrix.shape[0]
    rng = np.random.default_rng(seed)
    stack = np.stack([matrix, A[0], A[1], A[2]])
    b = rng.standard_normal((4, n))
    if in_range:
        b = np.einsum("kij,kj->ki", stack, b)
    c = rng.standard_normal(4)
    x, value, status, _ = run(stack, b, c)
    assert_matches_reference(stack, b, c, x, value, status)


def test_cholesky_isolates_the_failures_numpy_raises_for():
    S = np.stack([np.eye(2), -np.eye(2), 4 * np.eye(2), np.diag([1.0, -1.0]), 9 * np.eye(2)])
    L = engine.cholesky(S, np)
    assert np.isnan(L[[1, 3]]).all()
    assert np.array_equal(L[[0, 2, 4]], np.array([1.0, 2.0, 3.0])[:, None, None] * np.eye(2))


def test_a_factor_that_does_not_reproduce_s_is_rejected():
    # a failed GPU factorization may leave a factor with positive pivots that pass the pivot
    # test; the first S (positive diagonal, determinant -5) has no Cholesky factor at all
    S = np.array([[[4.0, 3.0], [3.0, 1.0]], [[4.0, 2.0], [2.0, 5.0]]])
    partial = np.array([[[2.0, 0.0], [1.5, 1.0]], [[2.0, 0.0], [1.0, 2.0]]])
    accepted = engine._accepted(partial, S, 2 * EPS * np.array([4.0, 5.0]), np)
    assert np.isnan(engine.cholesky(S, np)[0]).all()
    assert accepted.tolist() == [False, True]


@pytest.mark.parametrize(
    ("A", "b", "c", "error", "match"),
    [
        (np.eye(3), np.ones((1, 3)), None, ValueError, r"A must be a stack .* got shape \(3, 3\)"),
        (np.ones((2, 3, 2)), np.ones((2, 3)), None, ValueError, r"shape \(B, n, n\)"),
        (np.ones((2, 0, 0)), np.ones((2, 0)), None, ValueError, "at least 1 x 1"),
        (np.ones((2, 3, 3)), np.ones((2, 2)), None, ValueError, r"b must have shape \(2, 3\)"),
        (np.ones((2, 3, 3)), np.ones((2, 3)), np.ones(3), ValueError,
         r"c must have shape \(2,\)"),
        (np.ones((2, 3, 3)), np.ones((2, 3)), np.array([np.inf, 0]), ValueError,
         r"c must be finite, got inf at index \(0,\)"),
        (np.ones((2, 3, 3)), np.array([[1, 2, np.nan]] * 2), None, ValueError,
         r"b must be finite, got nan at index \(0, 2\)"),
        (np.ones((1, 1, 1), dtype=complex), np.ones((1, 1)), None, TypeError,
         "A must be an array of float64 numbers, got dtype complex"),
        (np.ones((2, 1, 1)), np.ones((2, 1)), object(), TypeError,
         "c must be an array of (real|float64) numbers"),
    ],
)
def test_bad_input(to_library, A, b, c, error, match):
    with pytest.raises(error, match=match):
        c = c if c is None or not isinstance(c, np.ndarray) else to_library(c)
        engine.device_inputs(to_library(A), to_library(b), c)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_a_is_named(to_library, bad):
    A = np.stack([np.eye(3)] * 10)
    A[7, 0, 2] = bad
    with pytest.raises(ValueError, match=r"A must be finite, got .* at index \(7, 0, 2\)"):
        engine.device_inputs(to_library(A), to_library(np.ones((10, 3))), None)


@pytest.mark.parametrize("chosen", ["cupy", "numpy"])  # numba: the same host branch
def test_device_input_dispatch_keeps_the_library(monkeypatch, chosen):
    # JAX arrays play CuPy's part: minimize_batch routes them as it routes CuPy arrays
    jax = pytest.importorskip("jax")
    from array_api_compat import is_jax_array

    from mathkit.quadratic import batched

    monkeypatch.setattr(batched, "is_cupy_array", is_jax_array)
    monkeypatch.setattr(batched, "resolve_backend", lambda backend, **_: chosen)
    A = np.array([np.eye(2), np.diag([1.0, -1.0]), np.diag([1.0, 0.0])])
    b = np.array([[1.0, 1.0], [1.0, 1.0], [1.0, 0.0]])
    with jax.enable_x64(True):
        result = minimize_batch(jax.numpy.asarray(A), jax.numpy.asarray(b), 1.0)
    assert result.backend == chosen and is_jax_array(result.x) and is_jax_array(result.status)
    assert result.status_names.tolist() == ["optimal", "unbounded", "optimal_set"]
    assert np.asarray(result.value).tolist() == [0.5, -np.inf, 0.75]
    assert np.asarray(result.x).tolist() == [[-0.5, -0.5], [-0.5, 0.5], [-0.5, 0.0]]


# --- on a GPU ---------------------------------------------------------------------------------


def _cupy():
    from mathkit._backend import engine_status

    status = engine_status("cupy")
    if not status.available:
        pytest.skip(f"CuPy GPU backend unavailable: {status.reason}")
    import cupy

    return cupy


@pytest.mark.gpu
@pytest.mark.parametrize("n", [1, 3, 8, 11])
def test_cupy_equals_numba_and_the_reference(n):
    cupy = _cupy()
    A, b, c = mixed_stack(3000, n, np.random.default_rng(40 + n))
    gpu = minimize_batch(cupy.asarray(A), cupy.asarray(b), cupy.asarray(c))
    assert gpu.backend == "cupy" and isinstance(gpu.x, cupy.ndarray)
    assert isinstance(gpu.status, cupy.ndarray) and gpu.status.dtype == np.int8
    fast = minimize_batch(A, b, c, backend="numba")
    x, value, status = (cupy.asnumpy(part) for part in (gpu.x, gpu.value, gpu.status))
    assert np.array_equal(status, fast.status)
    assert_matches_reference(A, b, c, x, value, status)
    bound = tolerance(A, status)
    assert (np.linalg.norm(x - fast.x, axis=1) <= bound * np.linalg.norm(fast.x, axis=1)).all()


@pytest.mark.gpu
def test_cupy_engine_keeps_numpy_in_numpy_out_and_host_engines_cupy_out():
    cupy = _cupy()
    A, b, c = mixed_stack(200, 4, np.random.default_rng(9))
    on_gpu = minimize_batch(A, b, c, backend="cupy")
    assert on_gpu.backend == "cupy" and isinstance(on_gpu.x, np.ndarray)
    assert not on_gpu.x.flags.writeable
    assert_matches_reference(A, b, c, on_gpu.x, on_gpu.value, on_gpu.status)
    on_host = minimize_batch(cupy.asarray(A), cupy.asarray(b), c, backend="numba")
    assert on_host.backend == "numba" and isinstance(on_host.x, cupy.ndarray)
    assert np.array_equal(cupy.asnumpy(on_host.status), on_gpu.status)
    assert on_host.status_names.tolist() == on_gpu.status_names.tolist()


@pytest.mark.gpu
def test_cupy_bad_input_is_named():
    cupy = _cupy()
    A = np.stack([np.eye(3)] * 10)
    A[7, 0, 2] = np.nan
    with pytest.raises(ValueError, match=r"A must be finite, got nan at index \(7, 0, 2\)"):
        minimize_batch(cupy.asarray(A), cupy.ones((10, 3)))
    with pytest.raises(ValueError, match=r"b must have shape \(10, 3\)"):
        minimize_batch(cupy.eye(3)[None].repeat(10, axis=0), cupy.ones((10, 2)))
