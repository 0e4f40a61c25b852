"""Tests for mathkit.quadratic.form: representations, evaluation, polynomials, bad input."""

from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sp
import sympy
from hypothesis import given
from hypothesis import strategies as st
from scipy.sparse.linalg import LinearOperator, aslinearoperator

from mathkit.quadratic import QuadraticForm
from mathkit.testing import finite_arrays

x, y, z = sympy.symbols("x y z")
A2 = np.array([[2.0, 1.0], [1.0, 3.0]])


def direct_value(A, b, c, point):
    return point @ A @ point + b @ point + c


# --- construction and representations ---------------------------------------------------


def test_dense_form_is_read_only_float64():
    q = QuadraticForm([[1, 2], [2, 5]], b=[1, 1], c=2)
    assert q.kind == "dense" and not q.exact and q.n == 2
    assert q.A.dtype == np.float64 and q.b.dtype == np.float64 and q.c == 2.0
    with pytest.raises(ValueError, match="read-only"):
        q.A[0, 0] = 5
    with pytest.raises(ValueError, match="read-only"):
        q.b[0] = 5
    assert not q.symmetrized and q.variables is None
    assert repr(q) == "QuadraticForm(n=2, kind='dense')"


def test_input_array_is_copied():
    A = A2.copy()
    q = QuadraticForm(A)
    A[0, 0] = 100.0
    assert q.A[0, 0] == 2.0


@given(finite_arrays(shape=(3, 3), min_value=-10, max_value=10),
       finite_arrays(shape=(3,), min_value=-10, max_value=10),
       finite_arrays(shape=(5, 3), min_value=-10, max_value=10))
def test_symmetrization_leaves_f_unchanged(A, b, points):
    q = QuadraticForm(A, b, 1.5)
    assert np.array_equal(q.A, q.A.T)
    assert q.symmetrized == (not np.array_equal(A, A.T))
    expected = np.array([direct_value(A, b, 1.5, p) for p in points])
    scale = np.abs(points).max() ** 2 * 10 * 9 + np.abs(points).max() * 30 + 1.5
    assert np.allclose(q(points), expected, rtol=0, atol=1e-13 * scale)


def test_values_batched_over_leading_axes():
    q = QuadraticForm(A2, b=[1.0, -1.0], c=0.5)
    points = np.arange(24, dtype=float).reshape(2, 2, 3, 2)
    values = q(points)
    assert values.shape == (2, 2, 3)
    assert values[1, 0, 2] == direct_value(A2, np.array([1.0, -1.0]), 0.5, points[1, 0, 2])
    one = q([1.0, 2.0])
    assert isinstance(one, np.float64) and one == direct_value(A2, q.b, 0.5, np.array([1, 2.0]))
    assert q(np.zeros((0, 2))).shape == (0,)


def test_gradient_and_hessian():
    q = QuadraticForm(A2, b=[1.0, -1.0])
    points = np.array([[1.0, 2.0], [0.0, 0.0], [-1.0, 3.0]])
    assert np.array_equal(q.gradient(points), 2 * points @ A2 + q.b)
    assert q.gradient([1.0, 2.0]).shape == (2,)
    assert np.array_equal(q.hessian(), 2 * A2)


@given(finite_arrays(shape=(4,), min_value=-5, max_value=5),
       finite_arrays(shape=(4,), min_value=-1, max_value=1))
def test_gradient_matches_finite_differences(point, direction):
    A = np.array([[4.0, 1, 0, 0], [1, 3, 1, 0], [0, 1, 2, 1], [0, 0, 1, 1]])
    q = QuadraticForm(A, b=[1.0, -2.0, 0.5, 3.0], c=-1.0)
    # f is quadratic: f(x + d) - f(x - d) = 2 grad f(x) . d exactly in exact arithmetic
    difference = q(point + direction) - q(point - direction)
    scale = 1 + abs(q(point + direction)) + abs(q(point - direction))
    assert abs(difference - 2 * q.gradient(point) @ direction) <= 1e-12 * scale


def test_sparse_form_matches_dense():
    dense = np.array([[4.0, 1.0, 0.0], [0.0, 3.0, 1.0], [0.0, 1.0, 2.0]])
    for matrix in (sp.csr_array(dense), sp.coo_matrix(dense), sp.lil_array(dense)):
        q = QuadraticForm(matrix, b=[1.0, 2.0, 3.0])
        reference = QuadraticForm(dense, b=[1.0, 2.0, 3.0])
        assert q.kind == "sparse" and q.symmetrized and sp.issparse(q.A)
        points = np.random.default_rng(0).standard_normal((4, 3))
        assert np.allclose(q(points), reference(points), rtol=1e-14)
        assert np.allclose(q.gradient(points), reference.gradient(points), rtol=1e-14)
        assert np.array_equal(q.dense(), reference.A)
        assert sp.issparse(q.hessian())


def test_operator_form_matches_dense():
    q = QuadraticForm(aslinearoperator(A2), b=[1.0, 0.0])
    reference = QuadraticForm(A2, b=[1.0, 0.0])
    assert q.kind == "operator" and not q.symmetrized
    points = np.random.default_rng(1).standard_normal((3, 2))
    assert np.allclose(q(points), reference(points), rtol=1e-14)
    assert np.allclose(q.dense(), A2)
    assert np.allclose(q.hessian().matvec(np.ones(2)), 2 * A2 @ np.ones(2))


def test_nonsymmetric_operator_is_symmetrized_through_rmatvec():
    B = np.array([[1.0, 4.0], [0.0, 1.0]])
    q = QuadraticForm(aslinearoperator(B))
    assert q.symmetrized
    assert np.allclose(q.dense(), [[1.0, 2.0], [2.0, 1.0]])


def test_nonsymmetric_operator_without_rmatvec_is_refused():
    B = np.array([[1.0, 4.0], [0.0, 1.0]])
    operator = LinearOperator((2, 2), matvec=lambda v: B @ v, dtype=np.float64)
    with pytest.raises(ValueError, match="A must be symmetric"):
        QuadraticForm(operator)


def test_operator_giving_nan_is_refused():
    operator = LinearOperator((2, 2), matvec=lambda v: np.full(2, np.nan), dtype=np.float64)
    with pytest.raises(ValueError, match="finite"):
        QuadraticForm(operator)


def test_negation():
    q = QuadraticForm(A2, b=[1.0, 2.0], c=3.0)
    point = np.array([0.5, -1.0])
    for form in (q, QuadraticForm(sp.csr_array(A2), [1.0, 2.0], 3.0),
                 QuadraticForm(aslinearoperator(A2), [1.0, 2.0], 3.0)):
        assert (-form)(point) == pytest.approx(-form(point), rel=1e-15)
    exact = QuadraticForm(sympy.Matrix([[1, 2], [2, 1]]), [1, 0], 3)
    assert (-exact)([1, 1]) == -exact([1, 1])


# --- exact forms ----------------------------------------------------------------------


def test_exact_form_keeps_rationals():
    third, seventh = sympy.Rational(1, 3), sympy.Rational(1, 7)
    q = QuadraticForm(sympy.Matrix([[1, third], [0, 2]]), [1, 2], seventh)
    assert q.exact and q.kind == "exact" and q.symmetrized
    assert sympy.Matrix([[1, sympy.Rational(1, 6)], [sympy.Rational(1, 6), 2]]) == q.A
    value = q([sympy.Rational(1, 2), 1])
    assert value == sympy.Rational(1, 4) + sympy.Rational(1, 6) + 2 + sympy.Rational(1, 2) + 2 \
        + sympy.Rational(1, 7)
    assert q.gradient([0, 0]) == sympy.Matrix([1, 2])
    assert q.hessian() == 2 * q.A


def test_nested_fractions_make_an_exact_form():
    q = QuadraticForm([[Fraction(1, 2), 0], [0, 1]], [0, Fraction(1, 3)])
    assert q.exact and q.A[0, 0] == sympy.Rational(1, 2) and q.b[1] == sympy.Rational(1, 3)
    assert not QuadraticForm([[1, 0], [0, 1]]).exact  # plain ints: numeric


def test_exact_form_with_symbols_evaluates_symbolically():
    a = sympy.Symbol("a")
    q = QuadraticForm(sympy.Matrix([[a, 0], [0, 1]]))
    assert q([x, y]) == a * x**2 + y**2
    with pytest.raises(TypeError, match="symbolic"):
        q.to_numeric()


def test_exact_form_evaluates_one_point_only():
    q = QuadraticForm(sympy.Matrix([[1, 0], [0, 1]]))
    with pytest.raises(ValueError, match="one point"):
        q(np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"x must have shape \(2,\)"):
        q([1, 2, 3])


def test_to_numeric_and_to_exact_round_trip():
    q = QuadraticForm([[0.5, 0.25], [0.25, 2.0]], [0.125, 1.0], 3.0)
    exact = q.to_exact()
    assert exact.exact and exact.A[0, 1] == sympy.Rational(1, 4)
    back = exact.to_numeric()
    assert np.array_equal(back.A, q.A) and np.array_equal(back.b, q.b) and back.c == q.c
    assert q.to_numeric() is q and exact.to_exact() is exact


# --- polynomials ------------------------------------------------------------------------


def test_from_polynomial_splits_cross_terms():
    q = QuadraticForm.from_polynomial(3 * x**2 - 4 * x * y + 2 * y * z + z - 7)
    assert q.variables == (x, y, z)
    assert sympy.Matrix([[3, -2, 0], [-2, 0, 1], [0, 1, 0]]) == q.A
    assert q.b == sympy.Matrix([0, 0, 1]) and q.c == -7


def test_from_polynomial_with_variables_and_symbolic_coefficients():
    a = sympy.Symbol("a")
    q = QuadraticForm.from_polynomial(a * x**2 + y, variables=[y, x])
    assert sympy.Matrix([[0, 0], [0, a]]) == q.A and q.b == sympy.Matrix([1, 0])
    assert q.to_polynomial() == a * x**2 + y


def test_from_polynomial_accepts_poly_and_lower_degrees():
    q = QuadraticForm.from_polynomial(sympy.Poly(x + 2 * y, x, y))
    assert sympy.zeros(2, 2) == q.A and q.b == sympy.Matrix([1, 2])
    constant = QuadraticForm.from_polynomial(sympy.Integer(4), variables=[x])
    assert constant.c == 4 and constant.n == 1


def test_to_polynomial_of_a_numeric_form():
    expression = QuadraticForm([[1.0, 0.5], [0.5, 0.0]], [0.0, 2.0], 1.0).to_polynomial()
    x0, x1 = sympy.symbols("x0 x1")
    assert sympy.expand(expression - (x0**2 + x0 * x1 + 2 * x1 + 1)) == 0
    with pytest.raises(ValueError, match="n = 2 symbols"):
        QuadraticForm(A2).to_polynomial([x])


rationals = st.builds(sympy.Rational, st.integers(-20, 20), st.integers(1, 12))


@st.composite
def quadratic_polynomials(draw):
    n = draw(st.integers(1, 4))
    variables = sympy.symbols(f"v0:{n}")
    expression = draw(rationals)
    for i in range(n):
        expression += draw(rationals) * variables[i]
        for j in range(i, n):
            expression += draw(rationals) * variables[i] * variables[j]
    return expression, variables


@given(quadratic_polynomials())
def test_polynomial_round_trip(data):
    expression, variables = data
    q = QuadraticForm.from_polynomial(expression, variables)
    assert q.A == q.A.T
    assert sympy.expand(q.to_polynomial() - expression) == 0
    again = QuadraticForm.from_polynomial(q.to_polynomial(), variables)
    assert (again.A, again.b, again.c) == (q.A, q.b, q.c)


@given(st.integers(1, 4).flatmap(
    lambda n: st.tuples(st.lists(rationals, min_size=n * n, max_size=n * n),
                        st.lists(rationals, min_size=n, max_size=n), rationals)))
def test_form_round_trip_through_polynomial(data):
    entries, b, c = data
    n = len(b)
    A = sympy.Matrix(n, n, entries)
    q = QuadraticForm(A, b, c)
    back = QuadraticForm.from_polynomial(q.to_polynomial(), sympy.symbols(f"x0:{n}"))
    assert back.A == (A + A.T) / 2 and list(back.b) == b and back.c == c


@pytest.mark.parametrize(("expression", "match"), [
    (x**3 + y, "degree at most 2 .* got degree 3"),
    (x * y * z, "degree at most 2 .* got degree 3"),
    (sympy.sin(x) + y, "polynomial in"),
    (1 / x + y, "polynomial in"),
    (sympy.sqrt(x), "polynomial in"),
    (sympy.Integer(3), "must contain a variable"),
])
def test_from_polynomial_rejects_non_quadratics(expression, match):
    with pytest.raises(ValueError, match=match):
        QuadraticForm.from_polynomial(expression)


def test_from_polynomial_rejects_bad_arguments():
    with pytest.raises(TypeError, match="sympy expression"):
        QuadraticForm.from_polynomial("x**2")
    with pytest.raises(TypeError, match="sympy expression"):
        QuadraticForm.from_polynomial(sympy.Matrix([x]))
    with pytest.raises(TypeError, match="Symbols"):
        QuadraticForm.from_polynomial(x**2, variables=["x"])
    with pytest.raises(TypeError, match="sequence of sympy Symbols"):
        QuadraticForm.from_polynomial(x**2, variables="x")
    with pytest.raises(ValueError, match="distinct"):
        QuadraticForm.from_polynomial(x**2, variables=[x, x])
    with pytest.raises(ValueError, match="must not be empty"):
        QuadraticForm.from_polynomial(x**2, variables=[])


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(("A", "error", "match"), [
    ([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], ValueError,
     r"A must be a square matrix, got shape \(2, 3\)"),
    ([1.0, 2.0], ValueError, r"A must be a square matrix, got shape \(2,\)"),
    (np.zeros((0, 0)), ValueError, "at least 1 x 1"),
    ([[1.0, np.nan], [0.0, 1.0]], ValueError, r"A must be finite, got nan at index \(0, 1\)"),
    ([[1.0, 0.0], [0.0, np.inf]], ValueError, "A must be finite, got inf"),
    ([["a", "b"], ["c", "d"]], TypeError, "A must be an array of float64 numbers"),
    ([[1.0, None], [0.0, 1.0]], TypeError, "A must be"),
    (np.eye(2) * 1j, TypeError, "A must be an array of float64 numbers"),
    (sp.csr_array(np.ones((2, 3))), ValueError, r"A must be a square matrix, got shape \(2, 3\)"),
    (sp.csr_array(np.array([[1.0, np.nan], [0, 1]])), ValueError, "A must be finite"),
    (sp.csr_array(np.eye(2) * 1j), TypeError, "real numbers"),
    (sympy.Matrix([[1, 2, 3]]), ValueError, r"A must be a square matrix, got shape \(1, 3\)"),
    (sympy.Matrix([[1, sympy.nan], [0, 1]]), ValueError, "A must be finite"),
    (sympy.Matrix([[1, sympy.oo], [0, 1]]), ValueError, "A must be finite"),
    (sympy.Matrix([[1, sympy.I], [0, 1]]), TypeError, "real entries"),
])
def test_bad_matrices(A, error, match):
    with pytest.raises(error, match=match):
        QuadraticForm(A)


def test_bad_operator_shape():
    with pytest.raises(ValueError, match="square operator"):
        QuadraticForm(LinearOperator((2, 3), matvec=lambda v: v[:2], dtype=np.float64))


@pytest.mark.parametrize(("b", "c", "error", "match"), [
    ([1.0, 2.0, 3.0], 0, ValueError, r"b must have shape \(2,\), got \(3,\)"),
    ([[1.0, 2.0]], 0, ValueError, r"b must have shape \(2,\), got \(1, 2\)"),
    ([1.0, np.nan], 0, ValueError, "b must be finite"),
    (["a", "b"], 0, TypeError, "b must be an array"),
    ([1.0, 2.0], np.nan, ValueError, "c must be finite"),
    ([1.0, 2.0], np.inf, ValueError, "c must be finite"),
    ([1.0, 2.0], "1", TypeError, "c must be a real number"),
    ([1.0, 2.0], True, TypeError, "c must be a real number"),
    ([1.0, 2.0], 1j, TypeError, "c must be a real number"),
])
def test_bad_linear_part_and_constant(b, c, error, match):
    with pytest.raises(error, match=match):
        QuadraticForm(A2, b, c)


def test_bad_exact_linear_part_and_constant():
    A = sympy.Matrix([[1, 0], [0, 1]])
    with pytest.raises(ValueError, match=r"b must have shape \(2,\)"):
        QuadraticForm(A, [1, 2, 3])
    with pytest.raises(ValueError, match="b must be finite"):
        QuadraticForm(A, [1, sympy.zoo])
    with pytest.raises(ValueError, match="c must be finite"):
        QuadraticForm(A, [1, 2], sympy.oo)
    with pytest.raises(TypeError, match="c must be a number"):
        QuadraticForm(A, [1, 2], True)
    with pytest.raises(TypeError, match="scalar entries"):
        QuadraticForm(A, [1, 2], sympy.Matrix([1]))


def test_sympy_numbers_in_a_numeric_linear_part_are_converted():
    q = QuadraticForm(A2, [sympy.Rational(1, 2), Fraction(1, 4)], sympy.Rational(3, 2))
    assert q.b.tolist() == [0.5, 0.25] and q.c == 1.5


@pytest.mark.parametrize(("point", "error", "match"), [
    ([1.0, 2.0, 3.0], ValueError, r"x must have shape \(\.\.\., 2\), got \(3,\)"),
    (1.0, ValueError, r"x must have shape \(\.\.\., 2\), got \(\)"),
    ([1.0, np.nan], ValueError, "x must be finite"),
    (["a", "b"], TypeError, "x must be an array"),
])
def test_bad_points(point, error, match):
    q = QuadraticForm(A2)
    with pytest.raises(error, match=match):
        q(point)
    with pytest.raises(error, match=match):
        q.gradient(point)


def test_dense_refuses_large_sparse():
    from mathkit.quadratic.form import DENSE_LIMIT

    q = QuadraticForm(sp.eye_array(DENSE_LIMIT + 1, format="csr"))
    with pytest.raises(ValueError, match="too large to make dense"):
        q.dense()
