"""Smooth test functions, each as a sympy expression and a numpy function of points (..., 2)."""

import numpy as np
import sympy

X, Y = sympy.symbols("x y")


def _exp_sin_cubic(p):
    return np.exp(p[..., 0]) * np.sin(p[..., 1]) + p[..., 0] * p[..., 1] ** 3


def _log_radius(p):
    # log1p, not log(1 + .): near 0 the latter is quantized at eps, far above eps * f,
    # which no difference method can see through (the function as computed is not smooth)
    return np.log1p(p[..., 0] ** 2 + p[..., 1] ** 2)


def _lorentzian(p):
    return 1 / (1 + p[..., 0] ** 2 + p[..., 1] ** 2)


def _cos_product(p):
    return np.cos(p[..., 0] * p[..., 1]) + p[..., 0] ** 2


def _atan_sqrt(p):
    return np.arctan(p[..., 0] - 2 * p[..., 1]) * np.sqrt(2 + p[..., 1] ** 2)


#: (name, sympy expression in x, y, numpy function of points (..., 2))
SMOOTH = [
    ("exp-sin-cubic", sympy.exp(X) * sympy.sin(Y) + X * Y**3, _exp_sin_cubic),
    ("log-radius", sympy.log(1 + X**2 + Y**2), _log_radius),
    ("lorentzian", 1 / (1 + X**2 + Y**2), _lorentzian),
    ("cos-product", sympy.cos(X * Y) + X**2, _cos_product),
    ("atan-sqrt", sympy.atan(X - 2 * Y) * sympy.sqrt(2 + Y**2), _atan_sqrt),
]


def exact_gradient(expr, point) -> np.ndarray:
    """The gradient at a float point, from sympy at 40 digits (the point taken exactly)."""
    values = {X: sympy.Rational(float(point[0])), Y: sympy.Rational(float(point[1]))}
    return np.array([float(sympy.diff(expr, s).subs(values).evalf(40)) for s in (X, Y)])


def exact_directional(expr, point, direction) -> float:
    """grad f . v / |v| at 40 digits, with the point and direction taken exactly."""
    values = {X: sympy.Rational(float(point[0])), Y: sympy.Rational(float(point[1]))}
    v = [sympy.Rational(float(c)) for c in direction]
    gradient = [sympy.diff(expr, s).subs(values) for s in (X, Y)]
    value = sum(g * c for g, c in zip(gradient, v, strict=True)) / sympy.sqrt(sum(c * c for c in v))
    return float(value.evalf(40))


def exact_hessian(expr, point) -> np.ndarray:
    values = {X: sympy.Rational(float(point[0])), Y: sympy.Rational(float(point[1]))}
    return np.array([[float(sympy.diff(expr, a, b).subs(values).evalf(40)) for b in (X, Y)]
                     for a in (X, Y)])


def term_condition(expr, point, unit) -> float:
    """sum over the terms of expr and the coordinates of |d term/dx_i| |u_i|.

    The scale of the rounding error of any method that evaluates expr term by
    term: a derivative accurate to k ulps is within k * eps * this.
    """
    terms = expr.args if isinstance(expr, sympy.Add) else (expr,)
    values = {X: sympy.Rational(float(point[0])), Y: sympy.Rational(float(point[1]))}
    return float(sum(
        abs(float(sympy.diff(term, s).subs(values).evalf(20))) * abs(u)
        for term in terms for s, u in zip((X, Y), unit, strict=True)
    ))
