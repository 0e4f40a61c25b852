"""Properties over random sympy compositions, Hessian error estimates, quadratic-form gradients.

The functions are random compositions of polynomials, sin, cos and exp in x and y,
built as sympy expressions; the numeric methods see them as numpy callables (from
``sympy.lambdify``) and are compared with the exact directional derivative (sympy,
at rational points and directions, evaluated to 30 digits).
"""

from fractions import Fraction

import numpy as np
import sympy
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from mathkit.calculus import directional_derivative, gradient, hessian, jvp
from mathkit.quadratic import QuadraticForm
from mathkit.testing import finite_arrays, nonzero_vectors

from .functions import X, Y, exact_hessian

EPS = float(np.finfo(np.float64).eps)
#: The error each method is held to, relative to the size of f, its gradient and its second
#: derivative along u at the point (docs/calculus.rst, "Methods": complex step to rounding;
#: Richardson ~1e-14; central eps^(2/3); forward eps^(1/2)).
TOLERANCES = {"complex_step": 64 * EPS, "richardson": 1e-11, "central": 1e-8, "forward": 1e-6}

_LEAVES = st.sampled_from([X, Y, X + 1, 2 * Y - 1, sympy.Integer(3) * X * Y])


def _compose(children):
    pairs = st.tuples(children, children)
    return st.one_of(
        pairs.map(lambda ab: ab[0] + ab[1]),
        pairs.map(lambda ab: ab[0] * ab[1]),
        pairs.map(lambda ab: ab[0] - 2 * ab[1]),
        st.tuples(children, st.integers(2, 3)).map(lambda ap: ap[0] ** ap[1]),
        children.map(sympy.sin),
        children.map(sympy.cos),
        children.map(lambda a: sympy.exp(a / 2)),
    )


#: Random compositions with at most 6 leaves: polynomials, trig and exp in x and y.
COMPOSITIONS = st.recursive(_LEAVES, _compose, max_leaves=6)
#: Points and directions with few significant bits, so the exact evaluation stays small.
COORDINATES = st.integers(-64, 64).map(lambda k: k / 64)
POINTS = st.tuples(COORDINATES, COORDINATES)
DIRECTIONS = st.tuples(st.integers(-8, 8), st.integers(-8, 8)).filter(lambda v: any(v))


def _numeric(expr):
    """``expr`` as a numpy callable of one point (complex input gives complex output)."""
    function = sympy.lambdify((X, Y), expr, modules="numpy")

    def f(p):
        return function(p[0], p[1]) + 0 * p[0]  # a constant still follows the input's dtype

    return f


def _exact(expr, point, direction) -> tuple[float, float]:
    """(D_u f, its scale |f| + |grad f|_1 + |u^T H u| + 1) at the exact point, as floats."""
    values = {X: sympy.Rational(point[0]), Y: sympy.Rational(point[1])}
    v = [sympy.Integer(c) for c in direction]
    norm = sympy.sqrt(sum(c * c for c in v))
    grad = [expr.diff(s) for s in (X, Y)]
    along = sum(g * c for g, c in zip(grad, v, strict=True)) / norm
    second = sum(g.diff(s) * c for g in grad for s, c in zip((X, Y), v, strict=True))
    curvature = sum(second.diff(s) * c for s, c in zip((X, Y), v, strict=True)) / norm**2
    parts = [expr, *grad, curvature]
    numbers = [float(sympy.N(e.subs(values), 30)) for e in [along, *parts]]
    scale = 1 + abs(numbers[1]) + sum(abs(n) for n in numbers[2:4]) + abs(numbers[4])
    return numbers[0], scale


@settings(max_examples=40, deadline=None)
@given(COMPOSITIONS, POINTS, DIRECTIONS,
       st.sampled_from(["complex_step", "richardson", "central", "forward"]))
@example(sympy.exp(sympy.exp(X / 2) / 2) * sympy.sin(3 * X * Y), (0.5, -1.0), (3, 4),
         "complex_step")
@example((X + 1) ** 3 - 2 * (2 * Y - 1) ** 2, (1.0, 0.5), (1, 0), "forward")
@example(sympy.cos((2 * Y - 1) ** 6), (0.0, -43 / 64), (0, 1), "richardson")
# f oscillates on a scale of ~1e-3 here: the analyticity check's central differences at
# T = 1e-3 s agreed with each other, not with the complex step (a false NotAnalyticError),
# and Richardson's whole table lay outside its asymptotic regime (value -21, exact -2267)
@example(sympy.cos(sympy.exp(27 * X**3 * Y**3 / 2)), (47 / 64, 59 / 64), (1, 2),
         "complex_step")
@example(sympy.cos(sympy.exp(27 * X**3 * Y**3 / 2)), (47 / 64, 61 / 64), (1, 1), "richardson")
def test_every_method_agrees_with_the_symbolic_value(expr, point, direction, method):
    exact, scale = _exact(expr, point, direction)
    result = directional_derivative(_numeric(expr), np.array(point),
                                    np.array(direction, float), method=method, full_output=True)
    # within the method's typical accuracy, or failing that its own error estimate (where
    # f oscillates faster than Richardson's largest step, as cos((2y - 1)^6) at y = -43/64)
    allowed = TOLERANCES[method] * scale + result.error_estimate
    assert abs(result.value - exact) <= allowed, (result, exact)


@settings(max_examples=25, deadline=None)
@given(COMPOSITIONS, POINTS, DIRECTIONS)
def test_symbolic_value_is_exact_at_exact_input(expr, point, direction):
    rational = tuple(Fraction(c) for c in point)
    value = directional_derivative(expr, rational, direction, variables=(X, Y))
    assert isinstance(value, sympy.Expr) and value.is_number
    exact, _ = _exact(expr, point, direction)
    assert float(sympy.N(value, 30)) == exact


@settings(max_examples=25, deadline=None)
@given(COMPOSITIONS, POINTS, DIRECTIONS, DIRECTIONS, st.integers(-5, 5), st.integers(-5, 5))
def test_exact_jvp_is_linear_in_v(expr, point, v, w, a, b):
    rational = tuple(Fraction(c) for c in point)
    combined = tuple(a * p + b * q for p, q in zip(v, w, strict=True))
    left = jvp(expr, rational, combined, variables=(X, Y))
    right = a * jvp(expr, rational, v, variables=(X, Y)) + b * jvp(expr, rational, w,
                                                                   variables=(X, Y))
    assert sympy.simplify(left - right) == 0


@settings(max_examples=25, deadline=None)
@given(COMPOSITIONS, POINTS, DIRECTIONS, st.integers(1, 50))
def test_exact_directional_is_scale_invariant_and_odd(expr, point, direction, c):
    rational = tuple(Fraction(p) for p in point)
    base = directional_derivative(expr, rational, direction, variables=(X, Y))
    scaled = directional_derivative(expr, rational, tuple(c * d for d in direction),
                                    variables=(X, Y))
    flipped = directional_derivative(expr, rational, tuple(-d for d in direction),
                                     variables=(X, Y))
    assert sympy.simplify(scaled - base) == 0 and sympy.simplify(flipped + base) == 0


# --- the Richardson Hessian's error estimate bounds its error --------------------------------

#: sin(k g) for a composition g: at k = 300 the phase of f can turn by several radians over
#: the finest default step of the Hessian's table (s / 4096), so its table must be extended
FREQUENCIES = st.sampled_from([1, 30, 300])
#: The margin for the rounding of f as coded, which no estimate sees (sin of a large
#: argument), relative to |f| + |grad f|_1 + max |H_ij| + 1: 2000 times the median error of
#: the Richardson Hessian (5e-13, docs/calculus.rst), as for first derivatives (TOLERANCES)
HESSIAN_TOLERANCE = 1e-9
#: The extended tables resolve f down to steps of ~1e-9 s: a curvature of 1e12 is a phase
#: that turns by ~1e-3 rad over them; beyond ~1e18 the estimate is no longer a bound
RESOLVED_CURVATURE = 1e12


def _hessian_scale(expr, point) -> float:
    """|f| + |grad f|_1 + 1 at the exact point, to 30 digits."""
    values = {X: sympy.Rational(point[0]), Y: sympy.Rational(point[1])}
    parts = [expr, expr.diff(X), expr.diff(Y)]
    return 1 + sum(abs(float(sympy.N(e.subs(values), 30))) for e in parts)


@settings(max_examples=100, deadline=None)
@given(COMPOSITIONS, FREQUENCIES, POINTS, st.sampled_from(["richardson", "auto"]))
# the default tables of these lie outside their asymptotic regime (phase turning by a radian
# or more over the finest step): without the extension the Hessian was 7.8 +- 4e3 for 9.9e7,
# 250 +- 114 for 8.9e6, 2.4e4 +- 1.4e6 for 1.3e6
@example(sympy.sin(10000 * X) * Y**2, 1, (0.5, 1.0), "richardson")
@example(X * Y, 3000, (0.5, 1.0), "auto")
@example(sympy.cos(sympy.exp(27 * X**3 * Y**3 / 2)), 1, (47 / 64, 61 / 64), "richardson")
@example(sympy.cos(sympy.exp(27 * X**3 * Y**3 / 2)), 1, (47 / 64, 59 / 64), "auto")
# twice the finest default step is near a multiple of the period: every level sees the
# same slow alias (-7.4e5 +- 9e4 for -1.4e8 without the probe off the table's grid)
@example(X - 4 * Y + 3, 3000, (59 / 64, 55 / 64), "richardson")
@example(3 * X * Y - 4 * X, 3000, (62 / 64, -2 / 64), "auto")
def test_richardson_hessian_error_estimate_bounds_its_error(expr, frequency, point, method):
    expr = sympy.sin(frequency * expr) if frequency > 1 else expr
    exact = exact_hessian(expr, point)
    assume(np.abs(exact).max() <= RESOLVED_CURVATURE)
    result = hessian(_numeric(expr), np.array(point), method=method, full_output=True)
    assert result.method == "richardson"
    scale = _hessian_scale(expr, point) + np.abs(exact).max()
    allowed = result.error_estimate + HESSIAN_TOLERANCE * scale
    assert np.all(np.abs(result.value - exact) <= allowed), (expr, result, exact)


# --- the gradient of a quadratic form is 2 A x + b ------------------------------------------

_SIZES = st.integers(1, 4)


@st.composite
def _integer_forms(draw):
    """(A, b, c) with small integer entries; A not necessarily symmetric."""
    n = draw(_SIZES)
    entries = st.integers(-5, 5)
    A = [[draw(entries) for _ in range(n)] for _ in range(n)]
    b = [draw(entries) for _ in range(n)]
    return A, b, draw(entries)


@settings(max_examples=30, deadline=None)
@given(_integer_forms(), st.data())
def test_gradient_of_a_quadratic_form_is_2Ax_plus_b_exactly(form, data):
    A, b, c = form
    n = len(b)
    symbols = sympy.symbols(f"q0:{n}")
    expr = QuadraticForm(sympy.Matrix(A), b, c).to_polynomial(symbols)
    point = [Fraction(data.draw(st.integers(-20, 20)), data.draw(st.integers(1, 7)))
             for _ in range(n)]
    symmetric = (sympy.Matrix(A) + sympy.Matrix(A).T) / 2  # the form symmetrizes A
    expected = 2 * symmetric * sympy.Matrix(point) + sympy.Matrix(b)
    assert gradient(expr, point, variables=symbols).tolist() == list(expected)


@settings(max_examples=30, deadline=None)
@given(_integer_forms(), st.data(), st.sampled_from(["auto", "richardson", "central"]))
def test_numeric_gradient_of_a_quadratic_form_is_2Ax_plus_b(form, data, method):
    A, b, c = form
    n = len(b)
    q = QuadraticForm(np.array(A, float), np.array(b, float), c)
    x = data.draw(finite_arrays(shape=(n,), min_value=-100.0, max_value=100.0))
    A = np.array(A, float)
    expected = (A + A.T) @ x + np.array(b, float)  # 2 A_sym x + b, not via q.gradient
    value = gradient(q, x, method=method)
    # central differences are exact for a quadratic up to rounding: eps |f| / h, h ~ eps^(1/3)
    size = np.abs(A).sum() * max(1.0, np.abs(x).max()) ** 2 + np.abs(b).sum() * max(
        1.0, np.abs(x).max()) + abs(c) + 1
    assert np.all(np.abs(value - expected) <= 1e-9 * size), (value, expected)


@given(nonzero_vectors(3, min_value=-10.0, max_value=10.0))
def test_quadratic_form_directional_derivative_is_gradient_dot_unit(direction):
    A = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, -1.0], [0.0, -1.0, 4.0]])
    b = np.array([1.0, -2.0, 0.5])
    q = QuadraticForm(A, b, 1.0)
    x = np.array([0.5, -1.5, 2.0])
    unit = direction / np.linalg.norm(direction)
    expected = (2 * A @ x + b) @ unit
    assert abs(directional_derivative(q, x, direction) - expected) <= 1e-9 * (1 + abs(expected))
