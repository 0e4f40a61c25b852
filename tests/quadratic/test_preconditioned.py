"""Tests for preconditioned conjugate gradients and the array-namespace kernel."""

import math

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.linalg import LinearOperator, aslinearoperator, cg

from mathkit.quadratic import QuadraticForm, krylov, poisson_2d, random_psd, random_spd
from mathkit.testing import spd_matrices

vectors = st.lists(st.floats(-100, 100), min_size=8, max_size=8).map(np.array)


def badly_scaled(n: int, rng: int) -> np.ndarray:
    """An SPD matrix D S D with a well-conditioned S and a wildly varying diagonal D."""
    S = random_spd(n, 10.0, rng=rng)
    D = np.diag(np.logspace(-3, 3, n))
    return D @ S @ D


@settings(max_examples=30, deadline=None)
@given(spd_matrices(st.integers(1, 8), condition_number=(1, 1e3)), vectors,
       st.sampled_from(["jacobi", "ilu", "none"]))
def test_agrees_with_the_closed_form(A, b, preconditioner):
    n = len(A)
    q = QuadraticForm(A, b[:n])
    reference = np.linalg.solve(A, -b[:n] / 2)
    result = q.minimize(method="preconditioned_cg", preconditioner=preconditioner, tol=1e-12)
    assert result.status == "optimal", result.message
    scale = np.linalg.norm(reference) + 1e-300
    assert np.linalg.norm(result.x - reference) <= 1e-8 * scale
    assert result.gradient_norm == pytest.approx(np.linalg.norm(q.gradient(result.x)))


def test_jacobi_fixes_bad_scaling():
    A = badly_scaled(40, rng=5)
    q = QuadraticForm(A, np.ones(40))
    plain = q.minimize(method="conjugate_gradient", tol=1e-8, maxiter=5000)
    jacobi = q.minimize(method="preconditioned_cg", tol=1e-8)
    assert jacobi.status == "optimal"
    assert jacobi.iterations <= 40 < plain.iterations


def test_ilu_cuts_the_iterations_on_poisson():
    q = QuadraticForm(poisson_2d(40), np.ones(1600))
    plain = q.minimize(method="preconditioned_cg", preconditioner="none", tol=1e-8)
    jacobi = q.minimize(method="preconditioned_cg", tol=1e-8)
    ilu = q.minimize(method="preconditioned_cg", preconditioner="ilu", tol=1e-8)
    assert plain.status == jacobi.status == ilu.status == "optimal"
    # the Poisson diagonal is constant: Jacobi is a scaled identity and changes nothing
    assert abs(jacobi.iterations - plain.iterations) <= 1
    assert ilu.iterations < plain.iterations / 5
    for result in (plain, jacobi, ilu):
        assert result.gradient_norm <= 1.01e-8 * 40


def test_plain_kernel_matches_conjugate_gradient_and_scipy():
    A = poisson_2d(20)
    b = np.cos(np.arange(400.0))
    q = QuadraticForm(A, b)
    ours = q.minimize(method="preconditioned_cg", preconditioner="none", tol=1e-10)
    reference = q.minimize(method="conjugate_gradient", tol=1e-10)
    counted = []
    cg(A, -b / 2, rtol=1e-10, atol=0.0, callback=counted.append)
    assert abs(ours.iterations - reference.iterations) <= 1
    assert abs(ours.iterations - len(counted)) <= 2
    assert np.allclose(ours.x, reference.x, atol=1e-9 * np.abs(reference.x).max())


def test_custom_preconditioners():
    A = badly_scaled(20, rng=1)
    q = QuadraticForm(A, np.ones(20))
    inverse_diagonal = 1.0 / np.diag(A)
    reference = q.minimize(method="preconditioned_cg", tol=1e-10)
    for M in (np.diag(inverse_diagonal), sp.diags_array(inverse_diagonal),
              LinearOperator((20, 20), matvec=lambda r: inverse_diagonal * r),
              lambda r: inverse_diagonal * r):
        result = q.minimize(method="preconditioned_cg", preconditioner=M, tol=1e-10)
        assert result.status == "optimal"
        assert result.iterations == reference.iterations
        assert np.allclose(result.x, reference.x, rtol=1e-8)


def test_operator_forms_need_a_named_or_own_preconditioner():
    A = poisson_2d(10)
    q = QuadraticForm(aslinearoperator(A), np.ones(100))
    for name in ("jacobi", "ilu"):
        with pytest.raises(ValueError, match="LinearOperator"):
            q.minimize(method="preconditioned_cg", preconditioner=name)
    d = A.diagonal()
    result = q.minimize(method="preconditioned_cg", preconditioner=lambda r: r / d, tol=1e-10)
    assert result.status == "optimal"


def test_negative_curvature_and_semidefinite():
    indefinite = QuadraticForm(np.diag([2.0, 1.0, -1.0]), [1.0, 1.0, 1.0])
    result = indefinite.minimize(method="preconditioned_cg")
    assert result.status == "unbounded" and result.value == -math.inf
    d = result.direction
    assert d @ indefinite.dense() @ d < 0
    A = random_psd(6, 3, rng=2)
    b = A @ A @ np.ones(6)
    result = QuadraticForm(A, b).minimize(method="preconditioned_cg", tol=1e-12)
    assert result.status == "optimal_set"
    assert np.linalg.norm(2 * A @ result.x + b) <= 1e-9 * np.linalg.norm(b)


def test_history_callback_and_maxiter():
    q = QuadraticForm(random_spd(30, 1e4, rng=3), np.ones(30))
    seen = []
    result = q.minimize(method="preconditioned_cg", maxiter=5, callback=seen.append)
    assert result.status == "maxiter" and result.iterations == 5 and len(seen) == 5
    assert np.array_equal(seen[-1], result.x)
    assert np.allclose([q(x) for x in seen], result.history.value[1:], rtol=1e-10)
    assert np.all(np.diff(result.history.value) <= 0)


def test_a_preconditioner_that_is_not_positive_definite_is_refused():
    q = QuadraticForm(np.eye(3), np.ones(3))
    with pytest.raises(ValueError, match="preconditioner must be positive definite"):
        q.minimize(method="preconditioned_cg", preconditioner=lambda r: -r)


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"preconditioner": "amg"}, ValueError, "preconditioner must be one of"),
    ({"preconditioner": 3}, TypeError, "preconditioner must be one of"),
    ({"preconditioner": np.eye(3)}, ValueError, r"preconditioner must have shape \(2, 2\)"),
    ({"preconditioner": lambda r: np.ones(3)}, ValueError, "must map a vector of shape"),
    ({"preconditioner": lambda r: r * np.nan}, ValueError, "to a finite one"),
    ({"method": "conjugate_gradient", "preconditioner": "jacobi"}, ValueError,
     "preconditioner applies only to method='preconditioned_cg'"),
    ({"tol": -1.0}, ValueError, "tol must be a finite number >= 0"),
    ({"maxiter": 0}, ValueError, "maxiter must be a positive integer"),
])
def test_bad_arguments(kwargs, error, match):
    kwargs = {"method": "preconditioned_cg", **kwargs}
    with pytest.raises(error, match=match):
        QuadraticForm(np.diag([1.0, 2.0]), [1.0, 1.0]).minimize(**kwargs)


def test_kernel_runs_on_another_array_namespace():
    # JAX arrays (immutable, array-API namespace jax.numpy) stand in for CuPy on the CPU:
    # the same kernel, no numpy-only operation in it; numpy's vectors are updated in place,
    # JAX's rebuilt, to the same iterates up to rounding
    jax = pytest.importorskip("jax")
    import jax.numpy as jnp

    A_np = poisson_2d(8).toarray()
    b_np = np.sin(np.arange(64.0))
    threshold = 1e-12 * np.linalg.norm(b_np)
    with jax.enable_x64(True):
        A = jnp.asarray(A_np)
        diagonal = jnp.asarray(np.diag(A_np))
        for precondition, on_host in ((None, None), (lambda r: r / diagonal,
                                                     lambda r: r / np.diag(A_np))):
            out = krylov.pcg(lambda v: A @ v, precondition, jnp.asarray(b_np), jnp.zeros(64),
                             threshold, 500, 8.0)
            host = krylov.pcg(lambda v: A_np @ v, on_host, b_np, np.zeros(64), threshold, 500,
                              8.0)
            assert out.raw == host.raw == krylov.CONVERGED
            assert type(out.y).__module__.startswith("jax")
            x = np.asarray(out.y)
            assert np.linalg.norm(2 * A_np @ x + b_np) <= 1e-11 * np.linalg.norm(b_np)
            assert abs(out.iterations - host.iterations) <= 1
            steps = min(out.iterations, host.iterations)
            assert np.allclose(out.residual_norms[:steps], host.residual_norms[:steps],
                               rtol=1e-8, atol=1e-10 * threshold)
            assert np.allclose(x, host.y, rtol=0, atol=1e-10 * np.abs(host.y).max())


@pytest.mark.gpu
def test_kernel_on_cupy_matches_numpy():
    from mathkit._backend import engine_status

    status = engine_status("cupy")
    if not status.available:
        pytest.skip(f"CuPy GPU backend unavailable: {status.reason}")
    import cupy
    import cupyx.scipy.sparse as cusp

    A = poisson_2d(100)
    b = np.ones(A.shape[0])
    threshold = 1e-8 * np.linalg.norm(b)
    reference = krylov.pcg(lambda v: A @ v, None, b, np.zeros_like(b), threshold, 10_000, 8.0)
    A_gpu = cusp.csr_matrix(sp.csr_matrix(A))
    d_gpu = cupy.asarray(A.diagonal())
    for precondition in (None, lambda r: r / d_gpu):
        out = krylov.pcg(lambda v: A_gpu @ v, precondition, cupy.asarray(b),
                         cupy.zeros(b.shape[0]), threshold, 10_000, 8.0)
        assert out.raw == krylov.CONVERGED
        assert isinstance(out.y, cupy.ndarray)
        assert abs(out.iterations - reference.iterations) <= 2
        x = cupy.asnumpy(out.y)
        assert np.linalg.norm(2 * (A @ x) + b) <= 1.01 * threshold * 1.5
