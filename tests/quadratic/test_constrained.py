"""Tests for mathkit.quadratic.constrained: minimize on C x = d through the KKT system."""

import math

import numpy as np
import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mathkit.quadratic import METHODS, QuadraticForm
from mathkit.testing import indefinite_matrices, psd_matrices, spd_matrices

vectors = st.lists(st.floats(-10, 10), min_size=6, max_size=6).map(np.array)
EPS = np.finfo(float).eps


@st.composite
def constraint_matrices(draw, n: int, m: int | None = None):
    m = draw(st.integers(1, n - 1)) if m is None else m
    entries = draw(st.lists(st.integers(-3, 3), min_size=m * n, max_size=m * n))
    C = np.array(entries, dtype=float).reshape(m, n)
    if np.linalg.matrix_rank(C) == 0:
        C[0, 0] = 1.0
    return C


@st.composite
def spd_problems(draw):
    n = draw(st.integers(2, 6))
    A = draw(spd_matrices(n, condition_number=(1, 1e3), scale=(0.1, 10)))
    C = draw(constraint_matrices(n))
    feasible_point = draw(vectors)[:n]
    return A, draw(vectors)[:n], C, C @ feasible_point


def nullspace_basis(C):
    _, s, Vt = np.linalg.svd(C)
    rank = int(np.sum(s > 1e-10 * s[0]))
    return Vt[rank:].T


#: Found by the CI profile: kappa 1e3, where the KKT solution's C x was 4e-15 instead of 0.
KAPPA_1000 = np.array([
    [16.3113883, 7.65569415, 7.65569415, -7.65569415, -7.65569415],
    [7.65569415, 4.82784708, 3.82784708, -3.82784708, -3.82784708],
    [7.65569415, 3.82784708, 4.82784708, -3.82784708, -3.82784708],
    [-7.65569415, -3.82784708, -3.82784708, 504.32784708, -495.67215292],
    [-7.65569415, -3.82784708, -3.82784708, -495.67215292, 504.32784708]])


@settings(max_examples=40, deadline=None)
@given(spd_problems(), st.lists(st.floats(-5, 5), min_size=6, max_size=6))
@example(problem=(10 * np.eye(2), np.array([1e-5, 0.0]), np.array([[1.0, 0.0]]), np.zeros(1)),
         step=[0.0] * 6)  # KKT's rounding, C x = 1e-22, once made it fall back
@example(problem=(KAPPA_1000, np.eye(5)[4], np.diag([1.0, 0.0])[:, :1] @ np.eye(1, 5),
                  np.zeros(2)), step=[0.0] * 6)  # ... and C x = 4e-15, with a zero row in C
def test_kkt_solution_is_feasible_and_optimal_on_the_feasible_set(problem, step):
    A, b, C, d = problem
    q = QuadraticForm(A, b)
    result = q.minimize(constraints=(C, d))
    assert result.status == "optimal" and result.converged and result.method == "kkt"
    scale = np.linalg.norm(C) * np.linalg.norm(result.x) + np.linalg.norm(d) + 1
    assert np.linalg.norm(C @ result.x - d) <= 1e-10 * scale
    assert result.constraint_violation == pytest.approx(np.linalg.norm(C @ result.x - d),
                                                        rel=1e-12, abs=1e-15 * scale)
    # stationarity: 2 A x + b + C^T lambda = 0
    residual = 2 * A @ result.x + b + C.T @ result.multipliers
    assert np.linalg.norm(residual) <= 1e-8 * (np.linalg.norm(b) + np.linalg.norm(A) *
                                               np.linalg.norm(result.x) + 1)
    # every feasible move x + Z t does not decrease f
    Z = nullspace_basis(C)
    moved = result.x + Z @ np.resize(step, Z.shape[1])
    value_scale = abs(result.value) + np.abs(b) @ np.abs(moved) + np.linalg.norm(A) * (
        moved @ moved)
    assert q(moved) >= result.value - 1e-10 * value_scale


@settings(max_examples=25, deadline=None)
@given(spd_problems())
def test_all_methods_agree_with_constraints(problem):
    A, b, C, d = problem
    q = QuadraticForm(A, b)
    reference = q.minimize(constraints=(C, d))
    scale = np.linalg.norm(reference.x) + np.linalg.norm(b) / np.linalg.eigvalsh(A)[0] + 1e-300
    for method in METHODS:
        result = q.minimize(method=method, constraints=(C, d), tol=1e-12)
        assert result.status == "optimal", (method, result.message)
        assert np.linalg.norm(result.x - reference.x) <= 1e-7 * scale, method
        assert np.allclose(result.multipliers, reference.multipliers,
                           atol=1e-6 * (1 + np.abs(reference.multipliers).max()))


@settings(max_examples=30, deadline=None)
@given(st.integers(3, 6).flatmap(lambda n: st.tuples(indefinite_matrices(n),
                                                      constraint_matrices(n, 1))), vectors)
def test_indefinite_hessian_on_the_constraint_set(problem, b):
    A, C = problem
    n = len(A)
    q = QuadraticForm(A, b[:n])
    Z = nullspace_basis(C)
    kind = q.classify(constraints=(C, np.zeros(1))).kind
    reduced = np.linalg.eigvalsh(Z.T @ A @ Z)
    result = q.minimize(constraints=(C, np.zeros(1)))
    if reduced[0] < -1e-8 * np.abs(reduced).max():
        assert kind in ("indefinite", "negative_definite", "negative_semidefinite")
        assert result.status == "unbounded" and result.value == -math.inf
        direction = result.direction
        assert np.linalg.norm(C @ direction) <= 1e-10 and direction @ A @ direction < 0
    elif reduced[0] > 1e-8 * np.abs(reduced).max():
        assert kind == "positive_definite" and result.status == "optimal"


def test_positive_definite_on_the_constraint_set_only():
    # x^2 - y^2 + z^2 is indefinite; on y = 1 it is x^2 + z^2 - 1, minimized at (0, 1, 0)
    q = QuadraticForm(np.diag([1.0, -1.0, 1.0]))
    C, d = np.array([[0.0, 1.0, 0.0]]), np.array([1.0])
    assert q.classify().kind == "indefinite"
    classification = q.classify(constraints=(C, d))
    assert classification.kind == "positive_definite" and classification.bounded_below
    result = q.minimize(constraints=(C, d))
    assert result.status == "optimal"
    assert np.allclose(result.x, [0.0, 1.0, 0.0]) and result.value == pytest.approx(-1.0)
    assert np.allclose(result.multipliers, [2.0])  # 2 A x + C^T lambda = (0, -2, 0) + (0, l, 0)


@settings(max_examples=25, deadline=None)
@given(psd_matrices(st.integers(3, 6), rank=1), vectors)
@example(np.diag([1.0, 0.0, 0.0]), np.zeros(6))
@example(np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 0.0]]), np.zeros(6))  # f constant
@example(np.outer([1.0] * 5 + [1.1920929e-07], [1.0] * 5 + [1.1920929e-07]) / 5, np.zeros(6))
def test_optimal_set_is_the_least_norm_and_its_nullspace_is_flat(A, y):
    n = len(A)
    C = np.zeros((1, n))
    C[0, 0] = C[0, 1] = 1.0
    d = np.array([1.0])
    # b = A (A z): with b = A y, the rounding of A y along the nullspace would be part of b
    b = A @ (A @ y[:n])
    q = QuadraticForm(A, b)
    result = q.minimize(constraints=(C, d))
    if result.status == "optimal":  # the range of A meets null(C) trivially
        return
    assert result.status == "optimal_set"
    N = result.nullspace
    assert np.allclose(N.T @ N, np.eye(N.shape[1]), atol=1e-12)
    assert np.linalg.norm(C @ N) <= 1e-12 and np.linalg.norm(A @ N) <= 1e-10 * np.abs(A).max()
    assert np.linalg.norm(N.T @ result.x) <= 1e-9 * (1 + np.linalg.norm(result.x))
    moved = result.x + N @ np.linspace(-2, 2, N.shape[1])
    assert q(moved) == pytest.approx(result.value, abs=1e-9 * (1 + abs(result.value)))


def test_statuses_numeric():
    q = QuadraticForm(np.diag([1.0, 0.0, 0.0]), [0.0, -1.0, 0.0])
    # y is free on x + z = 1 and f decreases along it
    unbounded = q.minimize(constraints=([[1.0, 0.0, 1.0]], [1.0]))
    assert unbounded.status == "unbounded" and unbounded.value == -math.inf
    assert np.allclose(np.abs(unbounded.direction), [0.0, 1.0, 0.0])
    assert unbounded.multipliers is None
    # fixing y makes it bounded: minimizers (0, 2, t)
    optimal_set = q.minimize(constraints=([[0.0, 1.0, 0.0]], [2.0]))
    assert optimal_set.status == "optimal_set"
    assert np.allclose(optimal_set.x, [0.0, 2.0, 0.0])
    assert np.allclose(np.abs(optimal_set.nullspace.ravel()), [0.0, 0.0, 1.0])
    # rank n: one feasible point
    single = q.minimize(constraints=(np.eye(3), [1.0, 2.0, 3.0]))
    assert single.status == "optimal" and np.allclose(single.x, [1.0, 2.0, 3.0])
    # contradictory rows: infeasible, value +inf (the infimum over the empty set)
    infeasible = q.minimize(constraints=([[1.0, 1.0, 0.0], [2.0, 2.0, 0.0]], [1.0, 3.0]))
    assert infeasible.status == "infeasible" and not infeasible.converged
    assert infeasible.value == math.inf and infeasible.constraint_violation > 0.1
    assert q.maximize(constraints=([[1.0, 1.0, 0.0], [2.0, 2.0, 0.0]], [1.0, 3.0])).value == \
        -math.inf
    # dependent but consistent rows are fine
    dependent = q.minimize(constraints=([[0.0, 1.0, 0.0], [0.0, 2.0, 0.0]], [2.0, 4.0]))
    assert dependent.status == "optimal_set" and np.allclose(dependent.x, [0.0, 2.0, 0.0])


def test_callback_and_x0_live_in_the_full_space():
    q = QuadraticForm(np.diag([1.0, 2.0, 3.0]), [1.0, 1.0, 1.0])
    C, d = np.array([[1.0, 1.0, 1.0]]), np.array([3.0])
    seen = []
    result = q.minimize(method="conjugate_gradient", constraints=(C, d),
                        x0=[3.0, 0.0, 0.0], callback=seen.append)
    assert result.status == "optimal" and seen
    assert all(abs(x.sum() - 3.0) <= 1e-12 for x in seen)
    assert len(seen[0]) == 3


# --- exact ---------------------------------------------------------------------------------


@st.composite
def rational_problems(draw):
    n = draw(st.integers(2, 4))
    M = sympy.Matrix(n, n, draw(st.lists(st.integers(-3, 3), min_size=n * n, max_size=n * n)))
    A = M.T * M + sympy.eye(n)
    b = sympy.Matrix(draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n)))
    m = draw(st.integers(1, n - 1))
    C = sympy.Matrix(m, n, draw(st.lists(st.integers(-2, 2), min_size=m * n, max_size=m * n)))
    if C.rank() < m:
        C = sympy.eye(n)[:m, :]
    d = sympy.Matrix(draw(st.lists(st.integers(-4, 4), min_size=m, max_size=m)))
    return A, b, C, d


@settings(max_examples=15, deadline=None)
@given(rational_problems())
def test_exact_kkt_matches_the_kkt_system_and_the_float_path(problem):
    A, b, C, d = problem
    m, n = C.shape
    K = sympy.Matrix.vstack(sympy.Matrix.hstack(2 * A, C.T),
                            sympy.Matrix.hstack(C, sympy.zeros(m, m)))
    solution = K.LUsolve(sympy.Matrix.vstack(-b, d))
    exact = QuadraticForm(A, list(b)).minimize(constraints=(C, list(d)))
    assert exact.status == "optimal"
    assert exact.x == sympy.ImmutableMatrix(solution[:n, 0])
    assert exact.multipliers == sympy.ImmutableMatrix(solution[n:, 0])
    assert exact.constraint_violation == 0 and exact.gradient_norm == 0
    assert all(v.is_Rational for v in exact.x)
    numeric = QuadraticForm(np.array(A.tolist(), dtype=float), np.array(b, dtype=float).ravel())
    result = numeric.minimize(constraints=(np.array(C.tolist(), dtype=float),
                                           np.array(d, dtype=float).ravel()))
    expected = np.array(solution[:n, 0], dtype=float).ravel()
    assert np.allclose(result.x, expected, rtol=1e-10, atol=1e-12)


def test_exact_statuses():
    x, y, z = sympy.symbols("x y z")
    q = QuadraticForm.from_polynomial(x**2 - y**2 + z**2 - 2 * x)
    on_plane = q.minimize(constraints=([[0, 1, 0]], [3]))
    assert on_plane.status == "optimal"
    assert on_plane.x == sympy.ImmutableMatrix([1, 3, 0]) and on_plane.value == -10
    assert on_plane.multipliers == sympy.ImmutableMatrix([6])
    assert q.classify(constraints=([[0, 1, 0]], [3])).kind == "positive_definite"
    unbounded = q.minimize(constraints=([[1, 0, 0]], [0]))
    assert unbounded.status == "unbounded" and unbounded.value == -sympy.oo
    assert unbounded.direction.applyfunc(abs) == sympy.ImmutableMatrix([0, 1, 0])
    infeasible = q.minimize(constraints=([[1, 1, 0], [1, 1, 0]], [0, 1]))
    assert infeasible.status == "infeasible" and infeasible.value == sympy.oo
    assert infeasible.constraint_violation == sympy.sqrt(2) / 2
    flat = QuadraticForm(sympy.diag(1, 1, 0)).minimize(constraints=([[1, 1, 0]], [1]))
    assert flat.status == "optimal_set"
    assert flat.x == sympy.ImmutableMatrix([sympy.Rational(1, 2), sympy.Rational(1, 2), 0])
    assert flat.nullspace == sympy.ImmutableMatrix([0, 0, 1])
    with pytest.raises(ValueError, match="supports method"):
        q.minimize(method="conjugate_gradient", constraints=([[0, 1, 0]], [3]))
    with pytest.raises(ValueError, match="reduced Hessian"):
        q.minimize(method="cholesky", constraints=([[1, 0, 0]], [0]))


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(("constraints", "error", "match"), [
    (np.ones((1, 3)), TypeError, r"constraints must be a pair \(C, d\)"),
    (([1.0, 1.0, 1.0], [1.0]), ValueError, r"C must have shape \(m, 3\)"),
    ((np.ones((1, 2)), [1.0]), ValueError, r"C must have shape \(m, 3\)"),
    ((np.ones((0, 3)), []), ValueError, r"C must have shape \(m, 3\) with m >= 1"),
    ((np.ones((2, 3)), [1.0]), ValueError, r"d must have shape \(2,\), got \(1,\)"),
    ((np.ones((1, 3)), [np.nan]), ValueError, "constraints d must be finite"),
    (([["a", "b", "c"]], [1.0]), TypeError, "constraints C"),
    ((np.eye(3), [1.0, 2.0, 3.0, 4.0]), ValueError, r"d must have shape \(3,\)"),
])
def test_bad_constraints(constraints, error, match):
    q = QuadraticForm(np.eye(3), np.ones(3))
    with pytest.raises(error, match=match):
        q.minimize(constraints=constraints)


def test_bad_constraints_exact_and_classify():
    q = QuadraticForm(sympy.eye(3), [1, 1, 1])
    with pytest.raises(ValueError, match=r"C must have shape \(m, 3\)"):
        q.minimize(constraints=([[1, 1]], [1]))
    with pytest.raises(ValueError, match="no solution"):
        q.classify(constraints=([[1, 1, 0], [1, 1, 0]], [0, 1]))
    with pytest.raises(ValueError, match="single point"):
        q.to_numeric().classify(constraints=(np.eye(3), np.zeros(3)))
    with pytest.raises(ValueError, match="preconditioner must be a name"):
        q.to_numeric().minimize(method="preconditioned_cg", preconditioner=np.eye(3),
                                constraints=(np.ones((1, 3)), [1.0]))
