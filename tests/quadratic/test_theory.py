"""Tests for mathkit.quadratic.theory: the bounds, and measured error curves below them."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from mathkit.quadratic import QuadraticForm, convergence_bound
from mathkit.testing import spd_matrices


def test_formulas():
    assert convergence_bound("gradient_descent", 3, 3.0) == pytest.approx(0.125)
    assert convergence_bound("conjugate_gradient", 2, 9.0) == pytest.approx(0.5)
    assert convergence_bound("gradient_descent", 0, 1e6) == 1.0
    assert convergence_bound("conjugate_gradient", 0, 1e6) == 2.0
    assert convergence_bound("gradient_descent", 5, 1.0) == 0.0
    assert convergence_bound("gradient_descent", 7, math.inf) == 1.0
    assert convergence_bound("conjugate_gradient", 7, math.inf) == 2.0
    bounds = convergence_bound("gradient_descent", np.arange(4), 3.0)
    assert isinstance(bounds, np.ndarray) and np.allclose(bounds, 0.5 ** np.arange(4))
    assert convergence_bound("gradient_descent", [[1, 2]], 3.0).shape == (1, 2)
    assert isinstance(convergence_bound("gradient_descent", np.int64(2), 3.0), float)


def test_formulas_of_the_methods_with_fixed_parameters():
    # kappa = 9: rho = 1/2, sqrt(kappa) = 3; exact values by hand
    assert convergence_bound("heavy_ball", 2, 9.0) == pytest.approx((1 + 1.5 * 2) / 4)
    assert convergence_bound("chebyshev", 2, 9.0) == pytest.approx(1 / (2 * 1.25**2 - 1))
    assert convergence_bound("nesterov", 4, 9.0) == pytest.approx(math.sqrt(2) * (2 / 3) ** 2)
    assert convergence_bound("preconditioned_cg", 3, 9.0) == \
        convergence_bound("conjugate_gradient", 3, 9.0)
    for method in ("heavy_ball", "chebyshev"):
        assert convergence_bound(method, 0, 50.0) == 1.0
        assert convergence_bound(method, 3, 1.0) == 0.0
    assert convergence_bound("chebyshev", 5, math.inf) == 1.0
    assert convergence_bound("heavy_ball", 5, math.inf) == 11.0
    assert convergence_bound("nesterov", 5, math.inf) == pytest.approx(math.sqrt(2))


@given(st.floats(1.0, 1e8), st.integers(0, 500))
def test_chebyshev_is_below_the_cg_bound_and_heavy_ball_above_its_rate(kappa, k):
    chebyshev = convergence_bound("chebyshev", k, kappa)
    assert chebyshev <= convergence_bound("conjugate_gradient", k, kappa) * (1 + 1e-12)
    rho = (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)
    assert convergence_bound("heavy_ball", k, kappa) >= rho**k * (1 - 1e-12)


@pytest.mark.parametrize(("args", "error", "match"), [
    (("momentum", 1, 10.0), ValueError, "method must be one of 'gradient_descent'"),
    (("newton", 1, 10.0), ValueError, "method must be one of"),
    (("gradient_descent", -1, 10.0), ValueError, "k must be >= 0, got -1"),
    (("gradient_descent", 1.5, 10.0), TypeError, "k must be a non-negative integer"),
    (("gradient_descent", True, 10.0), TypeError, "k must be a non-negative integer"),
    (("gradient_descent", [1, -2], 10.0), ValueError, "k must be >= 0"),
    (("gradient_descent", 1, 0.5), ValueError, "condition_number must be >= 1, got 0.5"),
    (("gradient_descent", 1, float("nan")), ValueError, "condition_number must be >= 1"),
    (("gradient_descent", 1, "big"), TypeError, "condition_number must be a real number"),
])
def test_bad_arguments(args, error, match):
    with pytest.raises(error, match=match):
        convergence_bound(*args)


def a_norm_ratios(A, iterates, minimizer):
    errors = np.asarray(iterates) - minimizer
    norms = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", errors, A, errors), 0.0))
    return norms / norms[0]


@st.composite
def problems(draw, max_condition):
    A = draw(spd_matrices(st.integers(2, 8), condition_number=(1.0, max_condition)))
    n = len(A)
    b = np.array(draw(st.lists(st.floats(-1, 1), min_size=n, max_size=n)))
    x0 = np.array(draw(st.lists(st.floats(-1, 1), min_size=n, max_size=n)))
    minimizer = np.linalg.solve(A, -b / 2)
    assume(np.linalg.norm(x0 - minimizer) > 1e-3 * (1 + np.linalg.norm(minimizer)))
    return A, b, x0


def measured(A, b, x0, method, steps, **options):
    q = QuadraticForm(A, b)
    minimizer = np.linalg.solve(A, -b / 2)
    w = np.linalg.eigvalsh(A)
    kappa = w[-1] / w[0]
    iterates = [x0]
    q.minimize(method=method, x0=x0, tol=0.0, maxiter=steps, callback=iterates.append, **options)
    ratios = a_norm_ratios(A, iterates, minimizer)
    # compare while the error is well above the rounding level of x* itself
    floor = 1e3 * kappa * np.finfo(float).eps * (1 + np.linalg.norm(minimizer)) / (
        1e-300 + np.linalg.norm(x0 - minimizer))
    return ratios, kappa, floor


@given(problems(1e4), st.sampled_from(["exact", "optimal"]))
def test_gradient_descent_stays_below_its_bound(problem, step):
    A, b, x0 = problem
    ratios, kappa, floor = measured(A, b, x0, "gradient_descent", 60, step=step)
    bound = convergence_bound("gradient_descent", np.arange(len(ratios)), kappa)
    assert np.all(ratios <= bound * (1 + 1e-7) + floor)


@given(problems(1e6))
def test_conjugate_gradient_stays_below_its_bound(problem):
    A, b, x0 = problem
    ratios, kappa, floor = measured(A, b, x0, "conjugate_gradient", 40)
    bound = convergence_bound("conjugate_gradient", np.arange(len(ratios)), kappa)
    assert np.all(ratios <= np.minimum(bound, 1.0) * (1 + 1e-7) + floor)


@pytest.mark.parametrize("kappa", [2.0, 10.0, 100.0])
def test_the_gradient_descent_bound_is_attained_in_two_dimensions(kappa):
    A = np.diag([1.0, kappa])
    x0 = np.array([1.0, 1.0 / kappa])  # first gradient (1, 1): the worst case
    ratios, _, _ = measured(A, np.zeros(2), x0, "gradient_descent", 10)
    bound = convergence_bound("gradient_descent", np.arange(len(ratios)), kappa)
    assert np.allclose(ratios, bound, rtol=1e-10)
