"""Tests for mathkit.quadratic.minimize: properties of every method, statuses, bad input."""

import dataclasses
import itertools
import math

import numpy as np
import pytest
import scipy.sparse as sp
import sympy
from hypothesis import example, given
from hypothesis import strategies as st
from scipy.sparse.linalg import aslinearoperator

from mathkit.quadratic import (
    METHODS,
    STATUSES,
    MinimizeResult,
    QuadraticForm,
    maximize,
    minimize,
    random_spd,
)
from mathkit.testing import indefinite_matrices, psd_matrices, spd_matrices

EPS = np.finfo(np.float64).eps
ITERATIVE = ("gradient_descent", "conjugate_gradient")
vectors = st.lists(st.floats(-100, 100), min_size=8, max_size=8).map(np.array)


def spd_problems(max_condition=1e4, sizes=None):
    sizes = st.integers(1, 6) if sizes is None else sizes
    return st.tuples(spd_matrices(sizes, condition_number=(1, max_condition)), vectors,
                     st.floats(-10, 10)).map(lambda t: (t[0], t[1][: len(t[0])], t[2]))


def norm(v) -> float:
    """The 2-norm without underflow (b may be subnormal)."""
    largest = np.abs(v).max()
    return 0.0 if largest == 0 else largest * np.linalg.norm(v / largest)


def tolerance_of(method: str, A, b) -> float:
    """A bound on ||2 A x + b|| for the computed minimizer x."""
    n = len(A)
    A_norm = np.abs(np.linalg.eigvalsh(A)).max()
    x_scale = norm(np.linalg.solve(A, b)) if n else 0.0
    rounding = 50 * n * EPS * (A_norm * x_scale + norm(b))
    # absolute resolution: x is rounded to a multiple of the smallest subnormal, which A scales
    subnormal = 1e3 * np.finfo(np.float64).smallest_subnormal * max(1.0, A_norm)
    return rounding + subnormal + (1e-10 * norm(b) * 1.01 if method in ITERATIVE else 0.0)


# --- positive definite: properties --------------------------------------------------------


@given(spd_problems(), st.sampled_from(["auto", "cholesky", "lstsq", "newton",
                                         "conjugate_gradient"]))
@example(problem=(np.diag([1e3, 1e4]), np.array([0.0, 2.22507386e-311]), 0.0), method="auto")
def test_gradient_vanishes_at_the_minimizer(problem, method):
    A, b, c = problem
    result = QuadraticForm(A, b, c).minimize(method=method)
    assert result.status == "optimal" and result.converged
    assert result.gradient_norm <= tolerance_of(method, A, b)
    assert result.gradient_norm == pytest.approx(
        np.linalg.norm(2 * A @ result.x + b), rel=1e-6, abs=tolerance_of(method, A, b))


@given(spd_problems(max_condition=1e2))
def test_gradient_descent_gradient_vanishes(problem):
    A, b, c = problem
    for step in ("exact", "optimal"):
        result = QuadraticForm(A, b, c).minimize(method="gradient_descent", step=step)
        assert result.status == "optimal", result.message
        assert result.gradient_norm <= tolerance_of("gradient_descent", A, b)


@given(spd_problems(), st.lists(st.floats(-1, 1), min_size=6, max_size=6))
def test_minimizer_is_a_minimum(problem, delta):
    A, b, c = problem
    q = QuadraticForm(A, b, c)
    result = q.minimize()
    delta = np.array(delta[: len(A)])
    best = float(result.value)
    scale = np.abs(A).max() * np.linalg.norm(result.x) ** 2 + np.abs(b) @ np.abs(result.x) + abs(c)
    for t in (1e-6, 1e-3, 1.0, 1e3):
        assert q(result.x + t * delta) >= best - 1e3 * len(A) * EPS * (scale + 1)


@given(spd_problems(max_condition=1e2))
def test_all_methods_agree(problem):
    A, b, c = problem
    q = QuadraticForm(A, b, c)
    reference = np.linalg.solve(A, -b / 2)
    scale = np.linalg.norm(reference) + np.linalg.norm(b) / np.linalg.eigvalsh(A)[-1] + 1e-300
    for method in METHODS:
        result = q.minimize(method=method, tol=1e-12)
        assert result.status == "optimal", (method, result.message)
        assert np.linalg.norm(result.x - reference) <= 1e-8 * scale, method
        value_scale = abs(c) + np.abs(b) @ np.abs(reference) + 1e-300
        assert abs(result.value - q(reference)) <= 1e-10 * value_scale, method


@given(spd_problems(max_condition=1e3))
def test_sparse_and_operator_forms_agree_with_dense(problem):
    A, b, c = problem
    reference = QuadraticForm(A, b, c).minimize()
    for matrix in (sp.csr_array(A), aslinearoperator(A)):
        result = QuadraticForm(matrix, b, c).minimize()
        assert result.method == "conjugate_gradient" and result.status == "optimal"
        scale = np.linalg.norm(reference.x) + 1e-300
        assert np.linalg.norm(result.x - reference.x) <= 1e-6 * scale


# --- semidefinite: the set of minimizers ----------------------------------------------------


@st.composite
def consistent_semidefinite(draw):
    n = draw(st.integers(2, 6))
    rank = draw(st.integers(1, n - 1))
    A = draw(psd_matrices(n, rank=rank))
    # b = A y with y = A z in the range: a y with a large nullspace component would make
    # the rounding error of A y itself a nullspace component of b larger than ||b|| eps
    y = A @ draw(vectors)[:n]
    return A, A @ y, rank


@given(consistent_semidefinite(), st.sampled_from(["auto", "lstsq", "newton",
                                                   "conjugate_gradient", "gradient_descent"]))
def test_minimum_norm_solution_is_orthogonal_to_the_nullspace(problem, method):
    A, b, rank = problem
    q = QuadraticForm(A, b)
    result = q.minimize(method=method)
    assert result.status == "optimal_set", result.message
    N = result.nullspace
    n = len(A)
    assert N.shape == (n, n - rank)
    assert np.allclose(N.T @ N, np.eye(n - rank), atol=1e-12)
    assert np.linalg.norm(A @ N) <= 1e-10 * np.abs(A).max() * n
    x_scale = np.linalg.norm(result.x) + np.linalg.norm(b) / np.abs(A).max()
    assert np.linalg.norm(N.T @ result.x) <= 1e-8 * x_scale
    # every x + N t is optimal too
    t = np.linspace(-3, 3, n - rank)
    moved = result.x + N @ t
    value_scale = np.abs(b) @ np.abs(moved) + np.abs(A).max() * n * moved @ moved
    assert abs(q(moved) - result.value) <= 1e-8 * value_scale


@given(consistent_semidefinite(), vectors)
def test_newton_reaches_the_minimizer_nearest_x0(problem, start):
    A, b, _ = problem
    x0 = start[: len(A)]
    result = QuadraticForm(A, b).minimize(method="newton", x0=x0)
    assert result.status == "optimal_set" and result.iterations == 1
    N = result.nullspace
    scale = np.linalg.norm(x0) + np.linalg.norm(result.x) + 1e-300
    assert np.linalg.norm(N.T @ (result.x - x0)) <= 1e-9 * scale


def test_zero_matrix_with_zero_b_is_optimal_everywhere():
    result = QuadraticForm(np.zeros((2, 2)), c=4.0).minimize()
    assert result.status == "optimal_set" and result.value == 4.0
    assert np.array_equal(result.x, np.zeros(2)) and result.nullspace.shape == (2, 2)


# --- unbounded: certified directions --------------------------------------------------------


def assert_unbounded(q, result):
    assert result.status == "unbounded" and not result.converged
    assert result.value == -math.inf and result.nullspace is None
    d = result.direction
    assert d.shape == (q.n,) and np.linalg.norm(d) == pytest.approx(1.0, abs=1e-12)
    # steps on the scale of x, where rounding in evaluating f does not hide the decrease
    start = 1.0 + np.linalg.norm(result.x)
    values = [q(result.x + t * start * d) for t in (1.0, 1e1, 1e2, 1e3)]
    assert all(later < earlier for earlier, later in itertools.pairwise(values))
    # slope or curvature along d is negative by a margin, so the decrease goes on forever
    curvature = d @ q.dense() @ d
    slope = q.gradient(result.x) @ d
    norm = np.abs(q.dense()).max()
    assert curvature < -1e-9 * norm or (abs(curvature) <= 1e-9 * norm and slope < 0)


@given(indefinite_matrices(st.integers(2, 6)), vectors, st.sampled_from((*METHODS[2:], "auto")))
def test_indefinite_forms_are_unbounded(A, b, method):
    q = QuadraticForm(A, b[: len(A)])
    assert_unbounded(q, q.minimize(method=method))


@st.composite
def inconsistent_semidefinite(draw):
    A, b, _ = draw(consistent_semidefinite())
    w, V = np.linalg.eigh(A)
    null_vector = V[:, np.argmin(np.abs(w))]
    beta = draw(st.floats(1e-2, 10.0))
    return A, b + beta * (1 + np.linalg.norm(b)) * null_vector


@given(inconsistent_semidefinite(), st.sampled_from((*METHODS[2:], "auto")))
def test_semidefinite_forms_with_b_outside_the_range_are_unbounded(problem, method):
    A, b = problem
    q = QuadraticForm(A, b)
    assert_unbounded(q, q.minimize(method=method, maxiter=300))


def test_unbounded_direction_of_a_zero_matrix_is_minus_b():
    result = QuadraticForm(np.zeros((2, 2)), b=[3.0, 4.0]).minimize()
    assert result.status == "unbounded"
    assert np.allclose(result.direction, [-0.6, -0.8])


def test_indefinite_form_whose_b_hides_the_negative_curvature():
    # b has no component along the negative eigenvector: CG never sees it and converges to
    # the saddle point; the status still says unbounded (checked against A).
    A = np.diag([2.0, 1.0, -1.0])
    q = QuadraticForm(A, b=[1.0, 1.0, 0.0])
    for method in ITERATIVE:
        result = q.minimize(method=method)
        assert result.status == "unbounded" and "negative eigenvalue" in result.message
        assert np.allclose(np.abs(result.direction), [0.0, 0.0, 1.0])
        assert np.linalg.norm(q.gradient(result.x)) < 1e-9  # it did reach the saddle


# --- maximize ----------------------------------------------------------------------------------


@given(spd_problems(max_condition=1e3))
def test_maximize_is_minimize_of_minus_f(problem):
    A, b, c = problem
    q = QuadraticForm(-A, b, c)
    best = q.maximize()
    assert best.status == "optimal"
    lower = QuadraticForm(A, -b, -c).minimize()
    assert np.allclose(best.x, lower.x, rtol=1e-12, atol=0)
    assert best.value == pytest.approx(-lower.value, rel=1e-12, abs=1e-300)
    assert best.value == pytest.approx(q(best.x), rel=1e-9, abs=1e-9)
    assert np.all(best.history.value == -lower.history.value)


def test_maximize_of_a_convex_form_is_unbounded_above():
    q = QuadraticForm(np.eye(2), b=[1.0, 0.0])
    result = maximize(q)
    assert result.status == "unbounded" and result.value == math.inf
    d = result.direction
    assert q(result.x + 1e3 * d) > q(result.x + d) > q(result.x)
    assert result.message.startswith("maximizing f")
    exact = QuadraticForm(sympy.eye(2), [1, 0]).maximize()
    assert exact.value == sympy.oo


# --- exact ------------------------------------------------------------------------------------


@st.composite
def rational_positive_definite(draw):
    n = draw(st.integers(1, 4))
    B = sympy.Matrix(n, n, draw(st.lists(st.integers(-3, 3), min_size=n * n, max_size=n * n)))
    A = B.T * B + sympy.eye(n)
    b = draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n))
    c = sympy.Rational(draw(st.integers(-5, 5)), draw(st.integers(1, 4)))
    return A, sympy.Matrix(b), c


@given(rational_positive_definite(), st.sampled_from(["auto", "cholesky", "lstsq", "newton",
                                                      "conjugate_gradient"]))
def test_exact_minimizer_and_minimum(problem, method):
    A, b, c = problem
    q = QuadraticForm(A, b, c)
    result = q.minimize(method=method)
    assert result.status == "optimal" and result.converged
    assert result.x == A.LUsolve(-b / 2)
    assert result.value == c - (b.T * A.inv() * b)[0, 0] / 4
    assert result.gradient_norm == 0
    if method == "conjugate_gradient":
        assert result.iterations <= A.rows
    numeric = q.to_numeric().minimize()
    assert np.allclose(numeric.x, [float(v) for v in result.x], rtol=1e-9, atol=1e-12)


def test_exact_semidefinite_and_unbounded():
    q = QuadraticForm(sympy.Matrix([[1, 1], [1, 1]]), [2, 2], 1)
    result = q.minimize()
    assert result.status == "optimal_set" and result.method == "lstsq"
    assert result.x == sympy.Matrix([-sympy.Rational(1, 2), -sympy.Rational(1, 2)])
    assert result.value == 0 and result.nullspace.shape == (2, 1)
    assert q.minimize(method="conjugate_gradient").x == result.x
    unbounded = QuadraticForm(sympy.Matrix([[1, 2], [2, 1]]), [1, 0]).minimize()
    assert unbounded.status == "unbounded" and unbounded.value == -sympy.oo
    d = unbounded.direction
    assert sympy.simplify((d.T * d)[0, 0]) == 1
    assert (d.T * sympy.Matrix([[1, 2], [2, 1]]) * d)[0, 0] < 0


def test_exact_gradient_descent_is_refused():
    with pytest.raises(ValueError, match="does not terminate in exact arithmetic"):
        QuadraticForm(sympy.eye(2)).minimize(method="gradient_descent")


def test_exact_minimize_with_symbols_is_refused():
    with pytest.raises(ValueError, match="symbolic entries"):
        QuadraticForm(sympy.Matrix([[sympy.Symbol("a")]])).minimize()


def test_exact_newton_from_a_start():
    q = QuadraticForm(sympy.Matrix([[1, 0], [0, 0]]), [-2, 0])
    result = q.minimize(method="newton", x0=[5, 7])
    assert result.status == "optimal_set" and result.x == sympy.Matrix([1, 7])
    assert result.iterations == 1 and len(result.history) == 2


# --- results --------------------------------------------------------------------------------------


def test_result_is_frozen_and_complete():
    result = QuadraticForm(random_spd(3, 10.0, rng=0), np.ones(3)).minimize()
    assert isinstance(result, MinimizeResult) and result.status in STATUSES
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.x = None
    with pytest.raises(ValueError, match="read-only"):
        result.x[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        result.history.gradient_norm[0] = 1.0
    assert len(result.history) == result.iterations + 1


@given(st.one_of(spd_matrices(st.integers(1, 5)), psd_matrices(st.integers(1, 5)),
                 indefinite_matrices(st.integers(2, 5))), vectors, st.sampled_from(METHODS[1:]))
def test_never_nan(A, b, method):
    q = QuadraticForm(A, b[: len(A)])
    try:
        result = q.minimize(method=method, maxiter=50)
    except ValueError as error:  # cholesky of a matrix that is not positive definite
        assert method == "cholesky" and "positive definite" in str(error)
        return
    assert result.status in STATUSES
    assert not math.isnan(result.value) and not math.isnan(result.gradient_norm)
    assert np.isfinite(result.x).all()
    assert not np.isnan(result.history.gradient_norm).any()
    assert not np.isnan(result.history.value).any()


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"method": "simplex"}, ValueError, "method must be one of 'auto', 'cholesky'"),
    ({"method": 3}, TypeError, "method must be a string"),
    ({"tol": -1e-3}, ValueError, "tol must be a finite number >= 0, got -0.001"),
    ({"tol": float("nan")}, ValueError, "tol must be a finite number >= 0"),
    ({"tol": "tight"}, TypeError, "tol must be a real number >= 0"),
    ({"maxiter": 0}, ValueError, "maxiter must be a positive integer, got 0"),
    ({"maxiter": -5}, ValueError, "maxiter must be a positive integer, got -5"),
    ({"maxiter": 2.5}, TypeError, "maxiter must be a positive integer"),
    ({"maxiter": True}, TypeError, "maxiter must be a positive integer"),
    ({"x0": [1.0, 2.0, 3.0]}, ValueError, r"x0 must have shape \(2,\), got \(3,\)"),
    ({"x0": [1.0, np.inf]}, ValueError, "x0 must be finite"),
    ({"x0": ["a", "b"]}, TypeError, "x0 must be an array"),
    ({"callback": 5}, TypeError, "callback must be callable or None"),
    ({"step": "armijo", "method": "gradient_descent"}, ValueError, "step must be one of"),
    ({"step": "optimal"}, ValueError, "step applies only to method='gradient_descent'"),
])
def test_bad_arguments(kwargs, error, match):
    q = QuadraticForm(np.eye(2), [1.0, 1.0])
    with pytest.raises(error, match=match):
        q.minimize(**kwargs)
    with pytest.raises(error, match=match):
        q.maximize(**kwargs)


def test_bad_form():
    with pytest.raises(TypeError, match="form must be a QuadraticForm"):
        minimize(np.eye(2))
    with pytest.raises(TypeError, match="form must be a QuadraticForm"):
        maximize(np.eye(2))


def test_cholesky_needs_positive_definite():
    for A in (np.diag([1.0, -1.0]), sympy.diag(1, -1), sympy.diag(1, 0)):
        with pytest.raises(ValueError, match="needs a positive definite A"):
            QuadraticForm(A).minimize(method="cholesky")


def test_direct_methods_refuse_large_sparse_forms():
    from mathkit.quadratic.form import DENSE_LIMIT

    q = QuadraticForm(sp.eye_array(DENSE_LIMIT + 1, format="csr"))
    for method in ("cholesky", "lstsq", "newton"):
        with pytest.raises(ValueError, match="use method='conjugate_gradient'"):
            q.minimize(method=method)


@pytest.mark.parametrize("scale", [1e-170, 1e-20, 1.0, 1e20, 1e170])
def test_statuses_do_not_depend_on_scale(scale):
    A = np.diag([2.0, 1.0, 0.0])
    for b, status in (([1.0, 1.0, 0.0], "optimal_set"), ([1.0, 1.0, 1.0], "unbounded")):
        for method in ("auto", "newton", "conjugate_gradient"):
            q = QuadraticForm(scale * A, scale * np.array(b))
            result = q.minimize(method=method)
            assert result.status == status, (method, result.message)
            assert q.classify().bounded_below == (status == "optimal_set")
            if status == "optimal_set":
                assert np.allclose(result.x, [-0.25, -0.5, 0.0], rtol=1e-12, atol=1e-14)
