"""Sympy input: exact numbers, variables, real-variable derivatives, the power guard."""

from fractions import Fraction

import numpy as np
import pytest
import sympy

from mathkit.calculus import directional_derivative, gradient, hessian
from mathkit.calculus.symbolic import (
    exact_array,
    exact_power_bits,
    is_exact_number,
    is_sympy_input,
    lambdify_vectorized,
)

x, y = sympy.symbols("x y")


def test_is_sympy_input():
    assert is_sympy_input(x**2) and is_sympy_input(sympy.Matrix([x, y]))
    assert is_sympy_input([x, y**2]) and not is_sympy_input([])
    assert not is_sympy_input(lambda p: p) and not is_sympy_input("x**2")


@pytest.mark.parametrize(("value", "exact"), [
    (3, True), (np.int64(3), True), (Fraction(1, 3), True), (sympy.Rational(1, 3), True),
    (sympy.sqrt(2), True), (sympy.pi, True), (0.5, False), (sympy.Float(0.5), False),
    (True, False), (sympy.I, False), (sympy.oo, False), (x, False), ("1", False),
])
def test_is_exact_number(value, exact):
    assert is_exact_number(value) is exact


def test_exact_array():
    converted = exact_array([[1, Fraction(1, 2)], [sympy.sqrt(2), np.int32(-4)]])
    assert converted.dtype == object
    assert converted.tolist() == [[1, sympy.Rational(1, 2)], [sympy.sqrt(2), -4]]
    assert exact_array(np.arange(3)).tolist() == [0, 1, 2]
    assert exact_array(np.array([1.0, 2.0])) is None
    assert exact_array([1, 2.0]) is None


def test_lambdify_vectorized_handles_constants_and_complex():
    evaluate = lambdify_vectorized(sympy.Matrix([x * y, sympy.Integer(2)]), (x, y))
    values = evaluate(np.ones((4, 2)))
    assert values.shape == (4, 2, 1) and np.all(values[:, 1, 0] == 2)
    complex_values = evaluate(np.array([[1.0 + 1e-20j, 2.0]]))
    assert complex_values.dtype.kind == "c" and complex_values[0, 0, 0].imag == 2e-20


def test_derivatives_treat_variables_as_real():
    # with plain (complex) symbols sympy's d|y|/dy involves re(y), im(y) and their
    # derivatives; the coordinates of a point are real, so it is sign(y)
    assert gradient(x * sympy.Abs(y), (3, -2)).tolist() == [2, -3]
    assert gradient(sympy.Abs(x), (0.5,)).tolist() == [1.0]
    assert hessian(sympy.Abs(x) ** 3, (-1,)).tolist() == [[6]]


def test_results_keep_the_callers_symbols():
    real = sympy.Symbol("r", positive=True)
    assert gradient(sympy.sqrt(real**2), (3,)).tolist() == [1]


def test_exact_results_are_exact_and_simplified_by_sympy():
    value = directional_derivative(x**3 * y, (sympy.Rational(1, 2), 3), (1, 2))
    assert value == sympy.sqrt(5) / 2  # (9/4, 1/8) . (1, 2) / sqrt(5)
    assert directional_derivative(sympy.sin(x), (0,), (5,)) == 1
    undefined = sympy.log(x)
    with pytest.raises(ValueError, match="undefined"):
        gradient(undefined, (0,))


def test_exact_power_bits():
    assert exact_power_bits(x**y, (x, y), (2, 10)) == pytest.approx(10.0)
    assert exact_power_bits(x**y, (x, y), (10**300, 10**300)) > 1e300
    assert exact_power_bits(x**2 + 1, (x, y), (0, 1)) == 0.0
    assert exact_power_bits(sympy.sin(x), (x,), (3,)) == 0.0
