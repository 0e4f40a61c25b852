"""Tests for mathkit.quadratic.classify: kinds, tolerance, boundedness, exact classification."""

import dataclasses
import math

import numpy as np
import pytest
import scipy.sparse as sp
import sympy
from hypothesis import given
from hypothesis import strategies as st
from scipy.sparse.linalg import aslinearoperator

from mathkit.quadratic import KINDS, Classification, QuadraticForm, classify, poisson_2d
from mathkit.testing import indefinite_matrices, psd_matrices, spd_matrices

EPS = np.finfo(np.float64).eps

DIAGONALS = {
    "positive_definite": (2, 1, 3),
    "positive_semidefinite": (2, 0, 3),
    "negative_definite": (-2, -1, -3),
    "negative_semidefinite": (-2, 0, 0),
    "indefinite": (2, -1, 0),
    "zero": (0, 0, 0),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("exact", [False, True])
def test_kinds_of_diagonal_matrices(kind, exact):
    diagonal = DIAGONALS[kind]
    A = sympy.diag(*diagonal) if exact else np.diag(np.array(diagonal, dtype=float))
    result = QuadraticForm(A).classify()
    assert isinstance(result, Classification)
    assert result.kind == kind
    assert result.rank == sum(d != 0 for d in diagonal)
    assert result.eigenvalue_min == min(diagonal) and result.eigenvalue_max == max(diagonal)
    assert result.unique_minimizer == (kind == "positive_definite")
    # b = 0: bounded below exactly when no eigenvalue is negative
    assert result.bounded_below == (min(diagonal) >= 0)
    positive = sum(d > 0 for d in diagonal)
    negative = sum(d < 0 for d in diagonal)
    assert result.inertia == (positive, negative, 3 - positive - negative)


def test_condition_number():
    assert QuadraticForm(np.diag([2.0, -8.0, 4.0])).classify().condition_number == 4.0
    assert QuadraticForm(np.diag([2.0, 0.0])).classify().condition_number == math.inf
    assert QuadraticForm(sympy.diag(1, 0)).classify().condition_number == sympy.oo
    assert QuadraticForm(sympy.diag(-1, 3, 2)).classify().condition_number == 3


def test_tiny_negative_eigenvalue_stays_semidefinite():
    result = QuadraticForm(np.diag([1.0, -1e-16])).classify()
    assert result.kind == "positive_semidefinite" and result.rank == 1
    assert result.tol == 2 * EPS and result.eigenvalue_min == -1e-16
    assert QuadraticForm(np.diag([1.0, -1e-16])).classify(tol=0.0).kind == "indefinite"
    assert QuadraticForm(np.diag([1.0, 1e-3])).classify(tol=1e-2).kind == "positive_semidefinite"


def test_default_tolerance_is_relative_to_the_norm():
    for scale in (1e-200, 1e-8, 1.0, 1e8, 1e200):
        result = QuadraticForm(scale * np.diag([1.0, 1.0, -1e-17])).classify()
        assert result.kind == "positive_semidefinite"
        assert result.tol == pytest.approx(3 * EPS * scale, rel=1e-12)


@pytest.mark.parametrize(("tol", "error", "match"), [
    (-1.0, ValueError, "tol must be a finite number >= 0, got -1.0"),
    (float("nan"), ValueError, "tol must be a finite number >= 0"),
    (float("inf"), ValueError, "tol must be a finite number >= 0"),
    ("small", TypeError, "tol must be None or a real number >= 0"),
])
def test_bad_tolerance(tol, error, match):
    with pytest.raises(error, match=match):
        QuadraticForm(np.eye(2)).classify(tol=tol)
    with pytest.raises(error, match=match):
        QuadraticForm(sympy.eye(2)).classify(tol=tol)


def test_classify_needs_a_form():
    with pytest.raises(TypeError, match="form must be a QuadraticForm"):
        classify(np.eye(2))


def test_classification_is_frozen():
    result = QuadraticForm(np.eye(2)).classify()
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.kind = "zero"


@given(spd_matrices(st.integers(1, 8), condition_number=(1, 1e8)))
def test_spd_matrices_are_positive_definite(A):
    result = QuadraticForm(A).classify()
    assert result.kind == "positive_definite" and result.rank == len(A)
    assert result.bounded_below and result.unique_minimizer
    w = np.linalg.eigvalsh(A)
    assert result.condition_number == pytest.approx(w[-1] / w[0], rel=1e-6)
    assert QuadraticForm(-A).classify().kind == "negative_definite"


@given(st.integers(1, 8).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1)))
       .flatmap(lambda nr: st.tuples(psd_matrices(nr[0], rank=nr[1]), st.just(nr[1]))))
def test_psd_matrices_are_semidefinite_with_their_rank(data):
    A, rank = data
    result = QuadraticForm(A).classify()
    assert result.kind == ("zero" if rank == 0 else "positive_semidefinite")
    assert result.rank == rank and result.condition_number == math.inf
    assert not result.unique_minimizer
    negative = QuadraticForm(-A).classify()
    assert negative.kind == ("zero" if rank == 0 else "negative_semidefinite")


@given(indefinite_matrices(st.integers(2, 8)))
def test_indefinite_matrices(A):
    result = QuadraticForm(A).classify()
    assert result.kind == "indefinite" and result.rank == len(A)
    assert result.bounded_below is False
    assert result.eigenvalue_min < 0 < result.eigenvalue_max


@st.composite
def semidefinite_with_nullspace(draw):
    n = draw(st.integers(2, 7))
    rank = draw(st.integers(1, n - 1))
    A = draw(psd_matrices(n, rank=rank))
    y = draw(st.lists(st.floats(-10, 10), min_size=n, max_size=n))
    beta = draw(st.floats(1e-3, 10.0))
    return A, np.array(y), beta


@given(semidefinite_with_nullspace())
def test_bounded_below_depends_on_b(data):
    A, y, beta = data
    w, V = np.linalg.eigh(A)
    null_vector = V[:, np.argmin(np.abs(w))]
    inside = A @ (A @ y)  # y in the range, so that rounding in A y stays below tol
    assert QuadraticForm(A, inside).classify().bounded_below
    outside = inside + beta * np.abs(w).max() * null_vector
    assert not QuadraticForm(A, outside).classify().bounded_below
    assert not QuadraticForm(np.zeros_like(A), np.ones(len(A))).classify().bounded_below
    assert QuadraticForm(np.zeros_like(A)).classify().bounded_below


small_integer_matrices = st.integers(1, 4).flatmap(
    lambda n: st.lists(st.integers(-3, 3), min_size=n * n, max_size=n * n).map(
        lambda entries: sympy.Matrix(n, n, entries)))


@given(small_integer_matrices, st.lists(st.integers(-3, 3), min_size=4, max_size=4))
def test_exact_and_numeric_classifications_agree(M, b):
    A = M + M.T  # symmetric, integer
    n = A.rows
    exact = QuadraticForm(A, b[:n]).classify()
    numeric = QuadraticForm(np.array(A.tolist(), dtype=float), np.array(b[:n], float)).classify()
    assert exact.kind == numeric.kind
    assert exact.rank == numeric.rank and exact.inertia == numeric.inertia
    assert exact.bounded_below == numeric.bounded_below
    scale = max(1.0, abs(float(exact.eigenvalue_min)), abs(float(exact.eigenvalue_max)))
    assert abs(float(exact.eigenvalue_min) - numeric.eigenvalue_min) <= 1e-12 * scale
    assert abs(float(exact.eigenvalue_max) - numeric.eigenvalue_max) <= 1e-12 * scale
    assert exact.tol == 0.0


def test_exact_classification_uses_no_floating_point():
    # 1 - 1e-30 is positive exactly; its float rounds to 1 and the matrix looks singular
    tiny = sympy.Rational(1, 10**30)
    A = sympy.Matrix([[1, 1], [1, 1 + tiny]])
    exact = QuadraticForm(A).classify()
    assert exact.kind == "positive_definite" and exact.rank == 2
    assert exact.eigenvalue_min > 0
    assert QuadraticForm(np.array(A.tolist(), dtype=float)).classify().kind == \
        "positive_semidefinite"


def test_exact_eigenvalues_are_exact():
    result = QuadraticForm(sympy.Matrix([[4, 1, 0], [1, 3, 1], [0, 1, 2]])).classify()
    assert sympy.simplify(result.eigenvalue_min - (3 - sympy.sqrt(3))) == 0
    assert sympy.simplify(result.eigenvalue_max - (3 + sympy.sqrt(3))) == 0
    irrational = QuadraticForm(sympy.Matrix([[sympy.sqrt(2), 1], [1, 0]])).classify()
    assert irrational.kind == "indefinite"


def test_exact_classification_with_symbols_is_refused():
    a = sympy.Symbol("a")
    with pytest.raises(ValueError, match=r"symbolic entries \(a\)"):
        QuadraticForm(sympy.Matrix([[a, 0], [0, 1]])).classify()


def test_sparse_and_operator_forms_classify_like_dense():
    A = np.array([[2.0, -1.0, 0.0], [-1.0, 2.0, -1.0], [0.0, -1.0, 2.0]])
    dense = QuadraticForm(A).classify()
    for form in (QuadraticForm(sp.csr_array(A)), QuadraticForm(aslinearoperator(A))):
        result = form.classify()
        assert result.kind == dense.kind and result.rank == dense.rank
        assert result.eigenvalue_min == pytest.approx(dense.eigenvalue_min, rel=1e-12)


def test_large_sparse_forms_use_extreme_eigenvalues():
    m = 46  # 2116 unknowns, above DENSE_LIMIT
    P = poisson_2d(m)
    result = QuadraticForm(P).classify()
    assert result.kind == "positive_definite" and result.rank == m * m
    expected = 1 / math.tan(math.pi / (2 * (m + 1))) ** 2
    assert result.condition_number == pytest.approx(expected, rel=1e-6)
    assert result.inertia == (m * m, 0, 0) and result.bounded_below
    negative = QuadraticForm(aslinearoperator(-P)).classify()
    assert negative.kind == "negative_definite" and negative.bounded_below is False
    shifted = QuadraticForm(P - 4.0 * sp.eye_array(m * m)).classify()
    assert shifted.kind == "indefinite" and shifted.rank is None and shifted.inertia is None


def test_large_sparse_exact_nullspace_is_not_missed():
    # ARPACK alone answers 1 for the smallest eigenvalue of diag(0, 1, ..., 1)
    n = 2101
    singular = QuadraticForm(sp.diags_array(np.r_[0.0, np.ones(n - 1)]).tocsr())
    assert singular.classify().kind == "positive_semidefinite"
    assert singular.classify().bounded_below is None  # not determined at this size
    negative = QuadraticForm(sp.diags_array(np.r_[-1.0, np.zeros(n - 1)]).tocsr()).classify()
    assert negative.kind == "negative_semidefinite"
    zero = QuadraticForm(sp.csr_array((n, n))).classify()
    assert zero.kind == "zero" and zero.rank == 0 and zero.bounded_below
