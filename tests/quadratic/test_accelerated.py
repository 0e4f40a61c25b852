"""Tests for mathkit.quadratic.accelerated: heavy ball, Nesterov and Chebyshev."""

import math

import numpy as np
import pytest
import scipy.sparse as sp
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.sparse.linalg import aslinearoperator

from mathkit.quadratic import (
    QuadraticForm,
    convergence_bound,
    poisson_2d,
    random_indefinite,
    random_psd,
    random_spd,
)
from mathkit.testing import spd_matrices

METHODS = ("heavy_ball", "nesterov", "chebyshev")
vectors = st.lists(st.floats(-100, 100), min_size=6, max_size=6).map(np.array)


def a_norm_ratios(A, iterates, minimizer):
    errors = np.array(iterates) - minimizer
    norms = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", errors, A, errors), 0.0))
    return norms / norms[0]


@settings(max_examples=25, deadline=None)
@given(spd_matrices(st.integers(1, 6), condition_number=(1, 1e3)), vectors,
       st.sampled_from(METHODS))
@example(np.diag([1.0, 1.0]), np.ones(6), "chebyshev")  # kappa = 1: one step is exact
def test_minimizer_agrees_with_the_closed_form(A, b, method):
    n = len(A)
    q = QuadraticForm(A, b[:n])
    reference = np.linalg.solve(A, -b[:n] / 2)
    result = q.minimize(method=method, tol=1e-12)
    assert result.status == "optimal" and result.converged, result.message
    kappa = np.linalg.cond(A)
    scale = np.linalg.norm(reference) + 1e-300
    assert np.linalg.norm(result.x - reference) <= (1e-12 * kappa + 1e-13 * n) * scale * 10
    assert result.gradient_norm == pytest.approx(np.linalg.norm(q.gradient(result.x)))
    assert len(result.history) == result.iterations + 1


@settings(max_examples=20, deadline=None)
@given(spd_matrices(st.integers(2, 8), condition_number=(2, 1e4)), vectors,
       st.sampled_from(METHODS))
def test_error_stays_below_the_bound(A, start, method):
    n = len(A)
    minimizer = np.linspace(-1, 1, n)
    q = QuadraticForm(A, -2 * A @ minimizer)
    x0 = minimizer + np.resize(start, n)
    if np.allclose(x0, minimizer):
        return
    iterates = [x0]
    q.minimize(method=method, x0=x0, tol=0.0, maxiter=80, callback=iterates.append)
    ratios = a_norm_ratios(A, iterates, minimizer)
    w = np.linalg.eigvalsh(A)
    kappa = w[-1] / w[0]
    bound = convergence_bound(method, np.arange(len(ratios)), kappa)
    floor = 1e3 * kappa * np.finfo(float).eps * (1 + np.linalg.norm(minimizer)) / (
        np.linalg.norm(x0 - minimizer))
    assert np.all(ratios <= bound * (1 + 1e-7) + floor)


@pytest.mark.parametrize("kappa", [4.0, 25.0, 100.0])
@pytest.mark.parametrize("method", ["heavy_ball", "chebyshev"])
def test_bound_is_attained_along_the_top_eigenvector(kappa, method):
    A = np.diag([1.0, kappa])
    q = QuadraticForm(A)
    iterates = [np.array([0.0, 1.0])]
    q.minimize(method=method, x0=iterates[0], tol=0.0, maxiter=12, callback=iterates.append)
    ratios = a_norm_ratios(A, iterates, np.zeros(2))
    assert np.allclose(ratios, convergence_bound(method, np.arange(13), kappa), rtol=1e-10)


def test_heavy_ball_exceeds_twice_its_rate():
    # the "2 rho^k" for heavy ball is its asymptotic rate, not a bound
    kappa = 100.0
    rho = (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)
    A = np.diag([1.0, kappa])
    iterates = [np.array([0.0, 1.0])]
    QuadraticForm(A).minimize(method="heavy_ball", x0=iterates[0], tol=0.0, maxiter=30,
                              callback=iterates.append)
    ratios = a_norm_ratios(A, iterates, np.zeros(2))
    k = np.arange(31)
    assert np.all(ratios[1:] > 2 * rho ** k[1:])
    assert ratios[30] ** (1 / 30) < 1.3 * rho


@pytest.mark.parametrize("method", METHODS)
def test_sparse_operator_and_dense_agree(method):
    A = poisson_2d(12)
    b = np.sin(np.arange(144.0))
    results = [QuadraticForm(M, b).minimize(method=method, tol=1e-11)
               for M in (A.toarray(), A, aslinearoperator(A))]
    for result in results:
        assert result.status == "optimal"
        assert np.allclose(result.x, results[0].x, rtol=0, atol=1e-9 * np.abs(results[0].x).max())


@pytest.mark.parametrize("method", METHODS)
def test_large_operator_uses_lanczos_bounds(method):
    A = poisson_2d(46)  # n = 2116 > 2000: bounds by eigsh
    q = QuadraticForm(aslinearoperator(A), np.ones(A.shape[0]))
    result = q.minimize(method=method, tol=1e-8)
    assert result.status == "optimal"
    assert np.linalg.norm(2 * (A @ result.x) + 1) <= 1e-8 * math.sqrt(A.shape[0]) * 1.01


@pytest.mark.parametrize("method", METHODS)
def test_given_bounds_are_used(method):
    A = np.diag([1.0, 2.0, 4.0])
    q = QuadraticForm(A, [1.0, 1.0, 1.0])
    loose = q.minimize(method=method, bounds=(0.5, 8.0), tol=1e-12)
    tight = q.minimize(method=method, bounds=(1.0, 4.0), tol=1e-12)
    assert loose.status == tight.status == "optimal"
    assert tight.iterations < loose.iterations
    assert np.allclose(loose.x, [-0.5, -0.25, -0.125], atol=1e-10)


@pytest.mark.parametrize("method", METHODS)
def test_bounds_that_miss_the_spectrum_raise_instead_of_nan(method):
    q = QuadraticForm(np.diag([1.0, 100.0]), [1.0, 1.0])
    with pytest.raises(ValueError, match="do not enclose the spectrum"):
        q.minimize(method=method, bounds=(1.0, 10.0), maxiter=100_000)


@pytest.mark.parametrize("method", METHODS)
def test_indefinite_is_unbounded_without_iterating(method):
    q = QuadraticForm(random_indefinite(6, rng=1), np.ones(6))
    result = q.minimize(method=method)
    assert result.status == "unbounded" and result.value == -math.inf
    d = result.direction
    assert d @ q.dense() @ d < 0


@pytest.mark.parametrize("method", METHODS)
def test_semidefinite_gives_the_minimum_norm_minimizer(method):
    A = random_psd(6, 3, rng=4)
    b = A @ A @ np.arange(6.0)
    result = QuadraticForm(A, b).minimize(method=method, tol=1e-12)
    assert result.status == "optimal_set"
    reference = -0.5 * np.linalg.pinv(A) @ b
    assert np.allclose(result.x, reference, atol=1e-8 * np.linalg.norm(reference))


@pytest.mark.parametrize("method", METHODS)
def test_maxiter_and_callback(method):
    q = QuadraticForm(random_spd(10, 1e4, rng=2), np.ones(10))
    seen = []
    result = q.minimize(method=method, maxiter=7, callback=seen.append)
    assert result.status == "maxiter" and not result.converged and result.iterations == 7
    assert len(seen) == 7 and np.array_equal(seen[-1], result.x)
    assert np.allclose([q(x) for x in seen], result.history.value[1:], rtol=1e-10)


def test_maximize_with_bounds_of_minus_a():
    result = QuadraticForm(-np.diag([1.0, 3.0]), [2.0, 6.0]).maximize(
        method="chebyshev", bounds=(1.0, 3.0), tol=1e-12)
    assert result.status == "optimal"
    assert np.allclose(result.x, [1.0, 1.0])


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"method": "chebyshev", "bounds": (0.0, 1.0)}, ValueError, "0 < lambda_min <= lambda_max"),
    ({"method": "chebyshev", "bounds": (2.0, 1.0)}, ValueError, "0 < lambda_min <= lambda_max"),
    ({"method": "nesterov", "bounds": (1.0, math.inf)}, ValueError, "lambda_max < inf"),
    ({"method": "nesterov", "bounds": (1.0,)}, TypeError, "bounds must be a pair"),
    ({"method": "nesterov", "bounds": "tight"}, TypeError, "bounds must be a pair"),
    ({"method": "heavy_ball", "bounds": (1.0, "x")}, TypeError, "two real numbers"),
    ({"method": "conjugate_gradient", "bounds": (1.0, 2.0)}, ValueError,
     "bounds apply only to methods"),
    ({"method": "heavy_ball", "tol": -1.0}, ValueError, "tol must be a finite number >= 0"),
    ({"method": "heavy_ball", "maxiter": 0}, ValueError, "maxiter must be a positive integer"),
])
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        QuadraticForm(np.eye(2), [1.0, 1.0]).minimize(**kwargs)


@pytest.mark.parametrize("method", [*METHODS, "preconditioned_cg"])
def test_exact_forms_are_refused(method):
    with pytest.raises(ValueError, match="needs floating point"):
        QuadraticForm(sympy.eye(2), [1, 1]).minimize(method=method)


def test_large_indefinite_operator_is_refused():
    n = 2100
    A = sp.diags_array(np.linspace(-1.0, 2.0, n))
    with pytest.raises(ValueError, match="needs a positive definite A"):
        QuadraticForm(aslinearoperator(A), np.ones(n)).minimize(method="nesterov")
