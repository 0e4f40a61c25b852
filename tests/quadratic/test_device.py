"""Device forms (CuPy; JAX arrays stand in for CuPy on the CPU through the same code)."""

import math
import sys

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mathkit.quadratic import QuadraticForm, poisson_2d, random_indefinite, random_psd
from mathkit.testing import spd_matrices

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")


@pytest.fixture(autouse=True)
def float64():
    with jax.enable_x64(True):
        yield


def test_kind_values_and_gradients_match_numpy():
    A = np.array([[2.0, 1.0], [0.0, 3.0]])  # not symmetric: symmetrized on the device too
    b = np.array([1.0, -1.0])
    host, device = QuadraticForm(A, b, 2.0), QuadraticForm(jnp.asarray(A), b, 2.0)
    assert device.kind == "device" and device.symmetrized
    assert type(device.b).__module__.startswith("jax")
    points = np.array([[0.5, -1.0], [2.0, 3.0], [0.0, 0.0]])
    assert np.allclose(np.asarray(device(jnp.asarray(points))), host(points), rtol=1e-15)
    assert float(device(jnp.asarray(points[0]))) == pytest.approx(float(host(points[0])))
    assert np.allclose(np.asarray(device.gradient(jnp.asarray(points))), host.gradient(points))
    assert np.array_equal(device.dense(), host.dense())
    assert device.norm_estimate() == host.norm_estimate()
    assert device.classify() == host.classify()


@settings(max_examples=10, deadline=None)  # JAX compiles each operation once per shape
@given(spd_matrices(st.sampled_from([1, 5]), condition_number=(1, 1e4)),
       st.lists(st.floats(-10, 10), min_size=8, max_size=8),
       st.sampled_from(["auto", "conjugate_gradient", "preconditioned_cg"]))
def test_minimizer_matches_the_host(A, b, method):
    n = len(A)
    b = np.array(b[:n])
    with jax.enable_x64(True):
        result = QuadraticForm(jnp.asarray(A), b).minimize(method=method, tol=1e-12)
        assert type(result.x).__module__.startswith("jax")
        x = np.asarray(result.x)
    reference = np.linalg.solve(A, -b / 2)
    assert result.status == "optimal", result.message
    assert np.linalg.norm(x - reference) <= 1e-8 * (np.linalg.norm(reference) + 1e-300)
    # the two norms round differently: allow eps ||2A|| ||x|| per entry, beside 1e-12
    rounding = 10 * n * np.finfo(np.float64).eps * 2 * np.abs(A).sum(axis=1).max() * (
        np.linalg.norm(x))
    assert result.gradient_norm == pytest.approx(np.linalg.norm(2 * A @ x + b),
                                                 abs=1e-12 + rounding)


def test_statuses():
    unbounded = QuadraticForm(jnp.asarray(random_indefinite(8, rng=3)), np.ones(8)).minimize()
    assert unbounded.status == "unbounded" and unbounded.value == -math.inf
    d = np.asarray(unbounded.direction)
    assert d @ random_indefinite(8, rng=3) @ d < 0
    A = random_psd(6, 3, rng=1)
    flat = QuadraticForm(jnp.asarray(A), A @ A @ np.ones(6)).minimize(tol=1e-12)
    assert flat.status == "optimal_set" and flat.nullspace.shape == (6, 3)
    limited = QuadraticForm(jnp.asarray(poisson_2d(10).toarray()), np.ones(100)).minimize(
        maxiter=3)
    assert limited.status == "maxiter" and limited.iterations == 3


def test_large_forms_are_solved_but_not_verified(monkeypatch):
    # "large" is n > DENSE_LIMIT; lowered here so that the test stays small
    for module in ("mathkit.quadratic.form", "mathkit.quadratic.classify"):
        monkeypatch.setattr(sys.modules[module], "DENSE_LIMIT", 50)
    A = poisson_2d(8)
    q = QuadraticForm(jnp.asarray(A.toarray()), np.ones(A.shape[0]))
    result = q.minimize(method="preconditioned_cg", tol=1e-8)
    assert result.status == "optimal" and "not verified" in result.message
    x = np.asarray(result.x)
    assert np.linalg.norm(2 * (A @ x) + 1) <= 1.01e-8 * math.sqrt(A.shape[0])
    with pytest.raises(ValueError, match="too large"):
        q.classify()


def test_callback_gets_device_iterates():
    q = QuadraticForm(jnp.asarray(np.diag([1.0, 2.0, 3.0])), np.ones(3))
    seen = []
    result = q.minimize(callback=seen.append)
    assert len(seen) == result.iterations == 3
    assert all(type(x).__module__.startswith("jax") for x in seen)


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"method": "cholesky"}, ValueError, "not available for a device"),
    ({"method": "heavy_ball"}, ValueError, "not available for a device"),
    ({"method": "preconditioned_cg", "preconditioner": "ilu"}, ValueError,
     "device form must be 'jacobi', 'none'"),
    ({"constraints": (np.ones((1, 2)), [1.0])}, ValueError, "constraints are not available"),
    ({"x0": [1.0, 2.0, 3.0]}, ValueError, r"x0 must have shape \(2,\)"),
    ({"tol": -1.0}, ValueError, "tol must be a finite number >= 0"),
    ({"maxiter": 0}, ValueError, "maxiter must be a positive integer"),
])
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        QuadraticForm(jnp.eye(2), [1.0, 1.0]).minimize(**kwargs)


def test_classify_with_constraints_is_refused():
    with pytest.raises(ValueError, match="constraints are not available"):
        QuadraticForm(jnp.eye(2)).classify(constraints=(np.ones((1, 2)), [1.0]))


def test_bad_matrices():
    with pytest.raises(ValueError, match="square"):
        QuadraticForm(jnp.ones((2, 3)))
    with pytest.raises(ValueError, match="A must be finite"):
        QuadraticForm(jnp.asarray([[1.0, jnp.nan], [0.0, 1.0]]))
    with pytest.raises(ValueError, match=r"b must have shape \(2,\)"):
        QuadraticForm(jnp.eye(2), [1.0])
    with pytest.raises(ValueError, match="b must be finite"):
        QuadraticForm(jnp.eye(2), [1.0, np.inf])


# --- on a GPU ---------------------------------------------------------------------------------


def _cupy():
    from mathkit._backend import engine_status

    status = engine_status("cupy")
    if not status.available:
        pytest.skip(f"CuPy GPU backend unavailable: {status.reason}")
    import cupy

    return cupy


@pytest.mark.gpu
@pytest.mark.parametrize("method", ["conjugate_gradient", "preconditioned_cg"])
def test_cupy_dense_and_sparse_forms_match_the_host(method):
    cupy = _cupy()
    import cupyx.scipy.sparse as cusp

    A = poisson_2d(60)
    b = np.cos(np.arange(A.shape[0]))
    host = QuadraticForm(A, b).minimize(method=method, tol=1e-10)
    for matrix in (cupy.asarray(A.toarray()), cusp.csr_matrix(sp.csr_matrix(A))):
        result = QuadraticForm(matrix, cupy.asarray(b)).minimize(method=method, tol=1e-10)
        assert isinstance(result.x, cupy.ndarray)
        assert result.status == host.status == "optimal"
        assert abs(result.iterations - host.iterations) <= 2
        assert np.allclose(cupy.asnumpy(result.x), host.x, atol=1e-8 * np.abs(host.x).max())


@pytest.mark.parametrize("large", [False, True])
def test_far_start_is_not_reported_as_converged_on_the_device(monkeypatch, large):
    # the host's true-gradient check, also for device forms (checked, and too large to check)
    if large:
        for module in ("mathkit.quadratic.form", "mathkit.quadratic.classify"):
            monkeypatch.setattr(sys.modules[module], "DENSE_LIMIT", 1)
    A = np.array([[4.0, 1.0], [1.0, 3.0]])
    q = QuadraticForm(jnp.asarray(A), np.array([1.0, -2.0]))
    result = q.minimize(method="conjugate_gradient", x0=[1e150, -1e150])
    assert result.status == "maxiter" and not result.converged, result.message
    assert "true gradient norm" in result.message
    near = q.minimize(method="conjugate_gradient")
    assert near.status == "optimal" and ("not verified" in near.message) == large
