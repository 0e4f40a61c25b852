"""Tests for mathkit.quadratic.closed_form: Cholesky, minimum norm, Newton, exact solves."""

import numpy as np
import pytest
import scipy.sparse as sp
import sympy
from scipy.sparse.linalg import aslinearoperator

from mathkit.quadratic import QuadraticForm, hilbert, poisson_2d, random_psd


def test_cholesky_closed_form():
    A = np.array([[4.0, 1.0], [1.0, 3.0]])
    b = np.array([1.0, -2.0])
    result = QuadraticForm(A, b, 5.0).minimize(method="cholesky")
    expected = -np.linalg.solve(A, b) / 2
    assert np.allclose(result.x, expected, rtol=1e-15)
    assert result.value == pytest.approx(5.0 - b @ np.linalg.solve(A, b) / 4, rel=1e-15)
    assert result.iterations == 0 and result.method == "cholesky"
    assert "rcond estimate" in result.message and len(result.history) == 1


def test_cholesky_reports_numerical_singularity():
    # positive definite in exact arithmetic, but beyond float64's reach
    result = QuadraticForm(hilbert(12), np.ones(12)).minimize(method="cholesky")
    assert result.status == "optimal" and "numerically singular" in result.message
    auto = QuadraticForm(hilbert(12), np.ones(12)).minimize()
    assert auto.method == "lstsq"  # auto does not trust the ill-conditioned factorization


def test_lstsq_is_minimum_norm():
    A = random_psd(5, 3, rng=4)
    b = A @ np.arange(5.0)
    result = QuadraticForm(A, b).minimize(method="lstsq")
    expected = -np.linalg.pinv(A, hermitian=True) @ b / 2
    assert result.status == "optimal_set"
    assert np.allclose(result.x, expected, rtol=1e-10, atol=1e-12)
    assert np.allclose(result.nullspace.T @ result.x, 0.0, atol=1e-12)


def test_newton_from_any_start_lands_on_the_minimizer():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    q = QuadraticForm(A, [1.0, 1.0])
    for start in ([0.0, 0.0], [100.0, -50.0], [1e-8, 3.0]):
        seen = []
        result = q.minimize(method="newton", x0=start, callback=seen.append)
        assert result.iterations == 1 and len(seen) == 1 and np.array_equal(seen[0], result.x)
        assert np.allclose(result.x, -np.linalg.solve(A, [1.0, 1.0]) / 2, rtol=1e-13)
        assert result.history.gradient_norm[0] == pytest.approx(
            np.linalg.norm(q.gradient(start)))
        assert result.history.value[0] == q(start)


def test_newton_on_an_indefinite_form_goes_to_the_saddle_and_says_unbounded():
    A = np.diag([1.0, -1.0])
    result = QuadraticForm(A, [2.0, 2.0]).minimize(method="newton", x0=[5.0, 5.0])
    assert result.status == "unbounded"
    assert np.allclose(result.x, [-1.0, 1.0])  # the stationary point
    assert np.allclose(np.abs(result.direction), [0.0, 1.0])


def test_direct_methods_on_small_sparse_and_operator_forms():
    P = poisson_2d(4)
    b = np.linspace(-1.0, 1.0, 16)
    reference = QuadraticForm(P.toarray(), b).minimize(method="cholesky").x
    for matrix in (P, sp.coo_array(P), aslinearoperator(P)):
        for method in ("cholesky", "lstsq", "newton"):
            result = QuadraticForm(matrix, b).minimize(method=method)
            assert result.status == "optimal"
            assert np.allclose(result.x, reference, rtol=1e-12, atol=1e-14)


def test_unbounded_direction_orientation_is_reproducible():
    result = QuadraticForm(np.diag([2.0, -3.0]), b=[0.0, 1.0]).minimize()
    # the direction goes downhill along b: b . d <= 0
    assert result.direction @ np.array([0.0, 1.0]) <= 0
    assert np.allclose(result.direction, [0.0, -1.0])


# --- exact ----------------------------------------------------------------------------------


def test_exact_hilbert_minimizer():
    n = 6
    A = hilbert(n, exact=True)
    b = sympy.Matrix([1] * n)
    result = QuadraticForm(A, b).minimize()
    assert result.method == "cholesky" and result.status == "optimal"
    assert result.x == -A.inv() * b / 2
    assert all(entry.is_Integer for entry in 2 * result.x)  # inverse Hilbert is integral


def test_exact_lstsq_and_newton_on_a_semidefinite_form():
    A = sympy.Matrix([[2, -2, 0], [-2, 2, 0], [0, 0, 1]])
    b = sympy.Matrix([2, -2, 4])
    q = QuadraticForm(A, b, 3)
    result = q.minimize(method="lstsq")
    assert result.status == "optimal_set"
    assert result.x == sympy.Matrix([-sympy.Rational(1, 4), sympy.Rational(1, 4), -2])
    assert result.nullspace.T * result.x == sympy.zeros(1, 1)
    assert result.value == 3 + (b.T * result.x)[0, 0] / 2 == -sympy.Rational(3, 2)
    newton = q.minimize(method="newton", x0=[1, 1, 1])
    assert newton.status == "optimal_set"
    assert newton.x == sympy.Matrix([sympy.Rational(3, 4), sympy.Rational(5, 4), -2])
    assert newton.value == result.value


def test_exact_unbounded_along_the_nullspace():
    q = QuadraticForm(sympy.Matrix([[1, 0], [0, 0]]), [0, 3])
    result = q.minimize()
    assert result.status == "unbounded" and result.direction == sympy.Matrix([0, -1])
    t = sympy.Symbol("t", positive=True)
    assert sympy.limit(q(result.x + t * result.direction), t, sympy.oo) == -sympy.oo
