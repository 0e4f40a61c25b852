"""Tests for mathkit.quadratic._exact: exact inertia, directions, nullspaces, exact CG."""

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from mathkit.quadratic import _exact, hilbert

symmetric_integer_matrices = st.integers(1, 5).flatmap(
    lambda n: st.lists(st.integers(-4, 4), min_size=n * n, max_size=n * n).map(
        lambda entries: (lambda M: M + M.T)(sympy.Matrix(n, n, entries))))


@given(symmetric_integer_matrices)
def test_inertia_matches_the_eigenvalues(A):
    positive, negative, zero, direction = _exact.inertia(A)
    w = np.linalg.eigvalsh(np.array(A.tolist(), dtype=float))
    scale = max(1.0, np.abs(w).max())
    assert positive == int(np.sum(w > 1e-9 * scale))
    assert negative == int(np.sum(w < -1e-9 * scale))
    assert positive + negative + zero == A.rows
    if negative:
        assert (direction.T * A * direction)[0, 0] < 0
        assert all(entry.is_Rational for entry in direction)
    else:
        assert direction is None


def test_zero_diagonal_needs_a_two_by_two_pivot():
    A = sympy.Matrix([[0, 3, 1], [3, 0, 2], [1, 2, 0]])
    positive, negative, zero, direction = _exact.inertia(A)
    assert (positive, negative, zero) == (1, 2, 0)
    assert (direction.T * A * direction)[0, 0] < 0


def test_sign_is_exact_and_refuses_undecidable_values():
    assert _exact.sign(sympy.sqrt(2) - sympy.Rational(141421356, 10**8)) == 1
    assert _exact.sign(sympy.Integer(0)) == 0
    with pytest.raises(ValueError, match="cannot decide the sign"):
        _exact.sign(sympy.Symbol("a"))


def test_nullspace_is_orthonormal_and_projection_exact():
    A = sympy.Matrix([[1, 1, 0], [1, 1, 0], [0, 0, 0]])
    N = _exact.nullspace(A)
    assert N.shape == (3, 2)
    assert sympy.simplify(N.T * N - sympy.eye(2)) == sympy.zeros(2, 2)
    assert sympy.zeros(3, 2) == A * N
    projection = _exact.nullspace_projection(A, sympy.Matrix([1, 0, 5]))
    assert projection == sympy.Matrix([sympy.Rational(1, 2), -sympy.Rational(1, 2), 5])
    assert _exact.nullspace(sympy.eye(2)).shape == (2, 0)


def test_minimum_norm_solution():
    A = sympy.Matrix([[1, 1], [1, 1]])
    x = _exact.minimum_norm_solution(A, sympy.Matrix([2, 2]))
    assert x == sympy.Matrix([1, 1])


@pytest.mark.parametrize("n", [1, 2, 5, 8])
def test_exact_conjugate_gradient_terminates_in_n_steps(n):
    A = hilbert(n, exact=True)
    b = sympy.Matrix([(-1) ** i * (i + 1) for i in range(n)])
    out = _exact.conjugate_gradient(A, b, sympy.zeros(n, 1), maxiter=n)
    assert out["status"] == "converged" and out["iterations"] <= n
    assert out["x"] == A.LUsolve(-b / 2)
    assert out["residual_norms"][-1] == 0


def test_exact_conjugate_gradient_stops_at_fewer_distinct_eigenvalues():
    A = sympy.diag(2, 2, 2, 5)  # two distinct eigenvalues: two steps
    out = _exact.conjugate_gradient(A, sympy.Matrix([1, 2, 3, 4]), sympy.zeros(4, 1), maxiter=4)
    assert out["status"] == "converged" and out["iterations"] == 2


def test_exact_conjugate_gradient_detects_negative_curvature():
    A = sympy.diag(1, -1)
    out = _exact.conjugate_gradient(A, sympy.Matrix([1, 1]), sympy.zeros(2, 1), maxiter=2)
    assert out["status"] == "negative_curvature"
    p = out["direction"]
    assert (p.T * A * p)[0, 0] <= 0
