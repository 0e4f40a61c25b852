"""Shared input checks: accepted values pass through, bad ones get named errors."""

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import example, given
from hypothesis import strategies as st

from mathkit import _validate as v


@given(st.floats(0, 1))
@example(0.0)
@example(1.0)
@example(5e-324)
def test_probability_accepts_unit_interval(p):
    assert v.check_probability(p) == p


@given(st.one_of(st.floats(max_value=-5e-324), st.floats(min_value=1.0000000000000002)))
def test_probability_rejects_outside(p):
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\], got"):
        v.check_probability(p)


@pytest.mark.parametrize("p", [Fraction(1, 3), sympy.Rational(1, 3), np.float32(0.5), 0, 1])
def test_probability_keeps_exact_types(p):
    assert v.check_probability(p) is p


@pytest.mark.parametrize(
    ("p", "error", "match"),
    [
        (1.2, ValueError, r"^p must be in \[0, 1\], got 1.2$"),
        (math.nan, ValueError, r"got nan"),
        (math.inf, ValueError, r"got inf"),
        (sympy.Rational(3, 2), ValueError, r"got 3/2"),
        ("0.5", TypeError, r"p must be a real number in \[0, 1\], got str"),
        (True, TypeError, "got bool"),
        (1j, TypeError, "got complex"),
        (sympy.Symbol("q"), TypeError, "got Symbol"),
    ],
)
def test_probability_errors(p, error, match):
    with pytest.raises(error, match=match):
        v.check_probability(p)


def test_probability_uses_the_argument_name():
    with pytest.raises(ValueError, match=r"^law\[1\] must be in"):
        v.check_probability(-0.5, "law[1]")


@given(st.integers(0, 2**70))
def test_nonnegative_integer_accepts(n):
    assert v.check_nonnegative_integer(n) == n


@pytest.mark.parametrize(
    ("n", "error", "match"),
    [
        (-1, ValueError, "^n must be a non-negative integer, got -1$"),
        (3.0, TypeError, "n must be a non-negative integer, got float 3.0"),
        (True, TypeError, "got bool"),
        ("3", TypeError, "got str"),
    ],
)
def test_nonnegative_integer_errors(n, error, match):
    with pytest.raises(error, match=match):
        v.check_nonnegative_integer(n)


def test_integers_accept_numpy_and_sympy_integers():
    assert v.check_nonnegative_integer(np.int32(4)) == 4
    assert v.check_positive_integer(sympy.Integer(5), "n_walks") == 5
    with pytest.raises(ValueError, match="n_walks must be a positive integer, got 0"):
        v.check_positive_integer(0, "n_walks")


def test_finite_array_converts_and_names_first_bad_entry():
    np.testing.assert_array_equal(v.check_finite_array([[1, 2]]), [[1.0, 2.0]])
    with pytest.raises(ValueError, match=r"x must be finite, got inf at index \(0, 1\)"):
        v.check_finite_array([[1.0, math.inf]])
    with pytest.raises(TypeError, match="x must be an array of float64 numbers, got dtype <U1"):
        v.check_finite_array(["a"])
    with pytest.raises(TypeError, match="got dtype complex128"):
        v.check_finite_array([1j])
    with pytest.raises(TypeError, match="must be an array of numbers"):
        v.check_finite_array([[1, 2], [3]])
    assert v.check_finite_array([1j], dtype=np.complex128).dtype == np.complex128


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1))
def test_finite_array_roundtrips_finite_floats(values):
    np.testing.assert_array_equal(v.check_finite_array(values), np.array(values))


def test_shape_and_square_matrix():
    v.check_shape(np.zeros((2, 3)), "A", (2, None))
    with pytest.raises(ValueError, match=r"v must have shape \(3,\), got \(2,\)"):
        v.check_shape(np.zeros(2), "v", (3,))
    with pytest.raises(ValueError, match=r"A must have shape \(\*, \*\), got \(2,\)"):
        v.check_shape(np.zeros(2), "A", (None, None))
    assert v.check_square_matrix([[1, 0], [0, 1]]).shape == (2, 2)
    with pytest.raises(ValueError, match=r"A must be a square matrix, got shape \(2, 3\)"):
        v.check_square_matrix(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"M must be a square matrix, got shape \(4,\)"):
        v.check_square_matrix(np.zeros(4), "M")


def test_nonzero_vector():
    np.testing.assert_array_equal(v.check_nonzero_vector([3, 4], "w"), [3.0, 4.0])
    with pytest.raises(ValueError, match="w must be a non-zero vector, got all zeros of length 3"):
        v.check_nonzero_vector([0, 0, -0.0], "w")
    with pytest.raises(ValueError, match=r"v must be a 1-D vector, got shape \(1, 2\)"):
        v.check_nonzero_vector([[1, 2]])


def test_dtype():
    assert v.check_dtype(np.zeros(2, np.float32), "x", [np.float32, np.float64]) == np.float32
    assert v.check_dtype([1.0], "x", [np.float64]) == np.float64
    with pytest.raises(TypeError, match="x must have dtype float32 or float64, got int8"):
        v.check_dtype(np.zeros(2, np.int8), "x", [np.float32, np.float64])
    with pytest.raises(TypeError, match="y must have dtype float16, float32 or float64, got int"):
        v.check_dtype(np.zeros(2, np.int64), "y", [np.float16, np.float32, np.float64])


def test_one_of():
    assert v.check_one_of("numpy", "backend", ["numpy", "numba"]) == "numpy"
    with pytest.raises(ValueError, match="backend must be one of 'numpy', 'numba', got 'gpu'"):
        v.check_one_of("gpu", "backend", ["numpy", "numba"])
    with pytest.raises(TypeError, match="backend must be a string"):
        v.check_one_of(3, "backend", ["numpy"])
