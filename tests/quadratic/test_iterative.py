"""Tests for mathkit.quadratic.iterative: conjugate gradients and gradient descent."""

import math

import numpy as np
import pytest
import scipy.sparse as sp
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.linalg import LinearOperator, aslinearoperator, cg

from mathkit.quadratic import QuadraticForm, hilbert, poisson_2d, random_spd
from mathkit.testing import spd_matrices

METHODS = ("conjugate_gradient", "gradient_descent")


@given(spd_matrices(st.integers(1, 8), condition_number=(1, 10)),
       st.lists(st.floats(-10, 10), min_size=8, max_size=8))
def test_conjugate_gradient_needs_about_n_steps(A, b):
    n = len(A)
    result = QuadraticForm(A, b[:n]).minimize(method="conjugate_gradient")
    assert result.status == "optimal"
    assert result.iterations <= n + 2


@pytest.mark.parametrize("method", METHODS)
def test_history_and_callback(method):
    q = QuadraticForm(random_spd(6, 50.0, rng=3), np.arange(6.0) - 2.5, 1.0)
    seen = []
    result = q.minimize(method=method, callback=seen.append, tol=1e-12)
    assert result.status == "optimal" and result.converged
    k = result.iterations
    assert len(seen) == k and len(result.history) == k + 1
    assert np.array_equal(seen[-1], result.x)
    with pytest.raises(ValueError, match="read-only"):
        seen[0][0] = 1.0
    assert result.history.gradient_norm[0] == pytest.approx(np.linalg.norm(q.b))
    assert result.history.value[0] == q(np.zeros(6))
    values = result.history.value
    assert np.all(np.diff(values) <= 1e-12 * np.abs(values).max())  # f decreases
    assert values[-1] == pytest.approx(result.value, rel=1e-12)
    assert np.allclose([q(x) for x in seen], values[1:], rtol=1e-10)
    assert result.recursive_gradient_norm == result.history.gradient_norm[-1]
    assert result.recursive_gradient_norm <= 1e-12 * np.linalg.norm(q.b)


def test_true_and_recursive_residuals_drift_apart():
    # Hilbert(10): kappa ~ 1.6e13. CG's recursive residual keeps falling, the true one stalls.
    q = QuadraticForm(hilbert(10), np.ones(10))
    result = q.minimize(method="conjugate_gradient", tol=1e-13, maxiter=2000)
    assert result.status == "optimal"
    assert result.recursive_gradient_norm <= 1e-13 * math.sqrt(10)
    assert result.gradient_norm > 100 * result.recursive_gradient_norm
    assert result.gradient_norm == pytest.approx(np.linalg.norm(q.gradient(result.x)))


@pytest.mark.parametrize("method", METHODS)
def test_maxiter(method):
    q = QuadraticForm(random_spd(8, 100.0, rng=5), np.ones(8))
    result = q.minimize(method=method, maxiter=2)
    assert result.status == "maxiter" and not result.converged
    assert result.iterations == 2 and result.nullspace is None and result.direction is None
    assert result.value == q(result.x) and math.isfinite(result.value)
    assert "maxiter = 2" in result.message


@pytest.mark.parametrize("method", METHODS)
def test_zero_b_and_starting_points(method):
    q = QuadraticForm(np.diag([1.0, 4.0]))
    at_rest = q.minimize(method=method)
    assert at_rest.status == "optimal" and at_rest.iterations == 0
    assert np.array_equal(at_rest.x, [0.0, 0.0])
    moved = q.minimize(method=method, x0=[3.0, -2.0])
    assert moved.status == "optimal" and np.allclose(moved.x, 0.0, atol=1e-9)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("scale", [1e-160, 1e-30, 1.0, 1e30, 1e150])
def test_scale_of_b_does_not_matter(method, scale):
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    b = scale * np.array([1.0, -1.0])
    result = QuadraticForm(A, b).minimize(method=method)
    assert result.status == "optimal", result.message
    assert np.allclose(result.x, -np.linalg.solve(A, b) / 2, rtol=1e-8, atol=0)


def test_conjugate_gradient_on_sparse_and_operator_forms_matches_scipy():
    P = poisson_2d(50)  # 2500 unknowns: above the size where A is checked densely
    b = np.ones(P.shape[0])
    counted = []
    reference, info = cg(P, -b / 2, rtol=1e-10, callback=counted.append)
    assert info == 0
    for matrix in (P, aslinearoperator(P)):
        result = QuadraticForm(matrix, b).minimize()
        assert result.method == "conjugate_gradient" and result.status == "optimal"
        assert "not verified" in result.message
        assert abs(result.iterations - len(counted)) <= 2
        assert np.linalg.norm(result.x - reference) <= 1e-8 * np.linalg.norm(reference)


def test_large_negative_definite_operator_is_unbounded_at_once():
    P = poisson_2d(50)
    q = QuadraticForm(aslinearoperator(-P), np.ones(P.shape[0]))
    result = q.minimize()
    assert result.status == "unbounded" and result.iterations == 0
    d = result.direction
    assert d @ (-P @ d) < 0


def test_gradient_descent_optimal_step_on_a_large_sparse_form():
    P = poisson_2d(46)  # 2116 unknowns: extreme eigenvalues by eigsh
    q = QuadraticForm(P, np.ones(P.shape[0]))
    result = q.minimize(method="gradient_descent", step="optimal", tol=1e-3, maxiter=20_000)
    assert result.status == "optimal"
    reference = q.minimize(tol=1e-12).x
    assert np.linalg.norm(result.x - reference) <= 1e-1 * np.linalg.norm(reference)
    singular = QuadraticForm(sp.diags_array(np.r_[0.0, np.ones(2100)]).tocsr(), np.ones(2101))
    with pytest.raises(ValueError, match="step='optimal' needs a positive definite A"):
        singular.minimize(method="gradient_descent", step="optimal")


def test_gradient_descent_optimal_step_on_semidefinite_and_indefinite_forms():
    A = np.diag([2.0, 1.0, 0.0])
    result = QuadraticForm(A, [2.0, 1.0, 0.0]).minimize(method="gradient_descent", step="optimal")
    assert result.status == "optimal_set" and np.allclose(result.x, [-0.5, -0.5, 0.0])
    early = QuadraticForm(np.diag([1.0, -1.0]), [1.0, 1.0]).minimize(
        method="gradient_descent", step="optimal", x0=[1.0, 2.0])
    assert early.status == "unbounded" and early.iterations == 0
    assert np.array_equal(early.x, [1.0, 2.0])


def test_gradient_descent_finds_negative_curvature_between_two_gradients():
    # each gradient alone has positive curvature; their span does not
    q = QuadraticForm(np.diag([-0.1, 1.0]), [1.0, 1.0])
    result = q.minimize(method="gradient_descent")
    assert result.status == "unbounded" and "non-positive curvature" in result.message
    d = result.direction
    assert d @ q.A @ d < 0 and result.iterations <= 2


def test_conjugate_gradient_negative_curvature_certificate():
    A = np.diag([3.0, 1.0, -2.0])
    q = QuadraticForm(A, [1.0, 1.0, 1.0])
    result = q.minimize(method="conjugate_gradient")
    assert result.status == "unbounded" and "non-positive curvature" in result.message
    d = result.direction
    curvature, slope = d @ A @ d, q.gradient(result.x) @ d
    assert curvature < 0 or (curvature == pytest.approx(0.0, abs=1e-12) and slope < 0)


def test_operator_without_symmetry_check_failure_runs_matrix_free():
    calls = []
    A = random_spd(5, 10.0, rng=9)

    def product(v):
        calls.append(1)
        return A @ v

    q = QuadraticForm(LinearOperator((5, 5), matvec=product, rmatvec=product,
                                     dtype=np.float64), np.ones(5))
    before = len(calls)
    result = q.minimize(method="conjugate_gradient")
    assert result.status == "optimal"
    assert len(calls) - before >= result.iterations


def test_exact_conjugate_gradient_history_and_callback():
    A = hilbert(4, exact=True)
    seen = []
    q = QuadraticForm(A, [1, 0, 0, 0])
    result = q.minimize(method="conjugate_gradient", callback=seen.append)
    assert result.status == "optimal" and result.iterations == len(seen) <= 4
    assert result.history.gradient_norm[-1] == 0 and result.history.gradient_norm.dtype == object
    assert result.history.value[-1] == result.value == q(result.x)
    assert seen[-1] == result.x
    stopped = q.minimize(method="conjugate_gradient", maxiter=1)
    assert stopped.status == "maxiter" and stopped.iterations == 1
    assert stopped.value == q(stopped.x) and isinstance(stopped.value, sympy.Rational)


@settings(max_examples=30, deadline=None)
@given(spd_matrices(st.integers(1, 8), condition_number=(1, 1e6)),
       st.lists(st.floats(-10, 10), min_size=8, max_size=8),
       st.sampled_from([1e-120, 1.0, 1e120]))
def test_conjugate_gradient_is_the_unpreconditioned_kernel(A, b, scale):
    # one CG loop: minimize(conjugate_gradient) and preconditioned_cg without M agree to the bit
    q = QuadraticForm(A, scale * np.array(b[:len(A)]))
    plain = q.minimize(method="conjugate_gradient", tol=1e-12)
    none = q.minimize(method="preconditioned_cg", preconditioner="none", tol=1e-12)
    assert (plain.status, plain.iterations) == (none.status, none.iterations)
    assert np.array_equal(plain.x, none.x)
    assert np.array_equal(plain.history.gradient_norm, none.history.gradient_norm)
    assert np.array_equal(plain.history.value, none.history.value)


@pytest.mark.parametrize("method", ["conjugate_gradient", "preconditioned_cg"])
@pytest.mark.parametrize("scale", [1e-100, 1e100])
def test_value_history_is_f_at_the_iterates_at_any_scale(method, scale):
    q = QuadraticForm(random_spd(6, 50.0, rng=4), scale * (np.arange(6.0) - 2.5))
    seen = []
    result = q.minimize(method=method, callback=seen.append, x0=scale * np.ones(6), tol=1e-12)
    assert result.status == "optimal"
    assert result.history.value[0] == q(scale * np.ones(6))
    assert np.allclose([q(x) for x in seen], result.history.value[1:], rtol=1e-10, atol=0)


@pytest.mark.parametrize("method", ["conjugate_gradient", "preconditioned_cg"])
def test_an_operator_that_breaks_is_reported(method):
    A = random_spd(5, 10.0, rng=2)

    def product(v):  # NaN for constant vectors, such as the first search direction below
        return np.full(5, np.nan) if v[0] != 0.0 and np.ptp(v) == 0.0 else A @ v

    q = QuadraticForm(LinearOperator((5, 5), matvec=product, rmatvec=product,
                                     dtype=np.float64), np.ones(5))
    options = {"preconditioner": "none"} if method == "preconditioned_cg" else {}
    with pytest.raises(ValueError, match="A @ v must be finite, but the operator A gave"):
        q.minimize(method=method, **options)
