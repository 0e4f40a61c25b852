"""Directional derivatives, jvp, partials, gradients, Jacobians, Hessians, steepest ascent."""

from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from mathkit.calculus import (
    DerivativeResult,
    directional_derivative,
    gradient,
    hessian,
    jacobian,
    jvp,
    level_directions,
    partial,
    steepest_ascent,
)
from mathkit.testing import finite_arrays, nonzero_vectors

from .functions import SMOOTH, X, Y, exact_directional, exact_hessian, term_condition

EPS = np.finfo(np.float64).eps
#: Where D_u f is below ~1e-288 the complex step's imaginary part (h D, h = 1e-20) is
#: subnormal: its resolution is 2**-1074 / h in D. Allow a few of those.
SUBNORMAL_FLOOR = 64 * 2.0**-1074 / 1e-20
#: The complex step's own truncation: h**2 times the third derivative / 6, h = 1e-20.
TRUNCATION_FLOOR = 1e-30
POINTS = finite_arrays(shape=(2,), min_value=-2.0, max_value=2.0)
DIRECTIONS = nonzero_vectors(2, min_value=-100.0, max_value=100.0)
FUNCTIONS = st.sampled_from(SMOOTH)


def square_norm(p):
    return p[..., 0] ** 2 + p[..., 1] ** 2


# --- the two definitions -------------------------------------------------------------------


def test_seed_example_exact():
    f = X**2 + Y**2
    along_w = directional_derivative(f, (1, 2), (3, 4))
    along_u = directional_derivative(f, (1, 2), (1, 0))
    assert along_w == sympy.Rational(22, 5) and isinstance(along_w, sympy.Rational)
    assert along_u == 2
    assert jvp(f, (1, 2), (3, 4)) == 22  # J w for the raw w: 5 times D_w f


def test_seed_example_numeric_every_method():
    tolerances = {"auto": 0, "complex_step": 0, "central": 1e-9, "forward": 1e-6,
                  "richardson": 1e-13}
    for method, tolerance in tolerances.items():
        value = directional_derivative(square_norm, [1.0, 2.0], [3.0, 4.0], method=method)
        assert isinstance(value, np.float64)
        assert abs(value - 4.4) <= tolerance * 4.4, method
        assert abs(jvp(square_norm, [1.0, 2.0], [3.0, 4.0], method=method) - 22) <= 5 * (
            tolerance * 4.4 + 1e-15), method


def test_exact_inputs_of_every_kind():
    f = X**2 + Y**2
    for point, direction in [((1, 2), (3, 4)), ((Fraction(1), Fraction(2)), (3, 4)),
                             ((sympy.Integer(1), sympy.Rational(2)), np.array([3, 4]))]:
        assert directional_derivative(f, point, direction) == sympy.Rational(22, 5)
    # irrational directions stay exact
    assert directional_derivative(f, (1, 2), (1, 1)) == 3 * sympy.sqrt(2)
    # a float anywhere gives a float
    value = directional_derivative(f, (1.0, 2), (3, 4))
    assert isinstance(value, np.float64) and value == pytest.approx(4.4, rel=1e-15)
    value = directional_derivative(f, (sympy.Rational(1), Fraction(2)), (3.0, 4))
    assert isinstance(value, np.float64) and value == pytest.approx(4.4, rel=1e-15)
    # exact numbers are fine for callables too
    value = directional_derivative(square_norm, (Fraction(1), sympy.Integer(2)), (3, 4))
    assert value == pytest.approx(4.4, rel=1e-15)
    with pytest.raises(ValueError, match="x must be finite"):
        directional_derivative(square_norm, (sympy.oo, 1), (3, 4))


def test_symbolic_method_with_float_point_evaluates_the_formula():
    result = directional_derivative(sympy.exp(X) * Y, [0.5, 2.0], [1.0, 0.0], full_output=True)
    assert result.method == "symbolic" and result.step is None and result.error_estimate == 0
    assert result.value == pytest.approx(2 * np.exp(0.5), rel=1e-15)


@given(FUNCTIONS, POINTS, DIRECTIONS)
def test_directional_is_gradient_dot_unit(function, point, direction):
    _, expr, f = function
    unit = direction / np.linalg.norm(direction)
    value = directional_derivative(f, point, direction)
    grad = gradient(f, point)
    scale = term_condition(expr, point, unit) + 1e-24  # + the h**2 term of the complex step
    assert abs(value - grad @ unit) <= 16 * EPS * scale


@given(FUNCTIONS, POINTS, DIRECTIONS, DIRECTIONS,
       st.floats(-10, 10, allow_subnormal=False), st.floats(-10, 10, allow_subnormal=False))
def test_jvp_is_linear_in_v(function, point, v, w, a, b):
    _, _, f = function
    combined = jvp(f, point, a * v + b * w)
    separate = a * jvp(f, point, v) + b * jvp(f, point, w)
    grad_scale = np.sum(np.abs(gradient(f, point))) + 1e-300
    size = abs(a) * np.abs(v).max() + abs(b) * np.abs(w).max()
    floor = SUBNORMAL_FLOOR + TRUNCATION_FLOOR
    assert abs(combined - separate) <= 64 * EPS * grad_scale * size + floor * size


def test_jvp_of_zero_is_zero():
    assert jvp(square_norm, [1.0, 2.0], [0.0, 0.0]) == 0
    assert jvp(X**2 + Y**2, (1, 2), (0, 0)) == 0
    values = jvp(square_norm, [1.0, 2.0], [[0.0, 0.0], [3.0, 4.0]], method="central")
    assert values[0] == 0 and values[1] == pytest.approx(22, rel=1e-9)


@given(FUNCTIONS, POINTS, DIRECTIONS, st.floats(1e-3, 1e3),
       st.sampled_from(["complex_step", "central", "richardson"]))
def test_invariant_to_scaling_v_and_odd_in_its_sign(function, point, direction, c, method):
    _, expr, f = function
    unit = direction / np.linalg.norm(direction)
    base = directional_derivative(f, point, direction, method=method, full_output=True)
    scaled = directional_derivative(f, point, c * direction, method=method, full_output=True)
    flipped = directional_derivative(f, point, -c * direction, method=method, full_output=True)
    scale = term_condition(expr, point, unit) + 1e-24  # + the h**2 term of the complex step
    tolerance = {"complex_step": 16 * EPS, "central": 1e-9, "richardson": 1e-11}[method] * scale
    tolerance += 8 * EPS * abs(base.value)  # the same points: equal up to rounding
    # or, at worst (noise-level values at a critical point), within the error estimates
    allowed = tolerance + base.error_estimate
    assert abs(scaled.value - base.value) <= allowed + scaled.error_estimate
    assert abs(flipped.value + base.value) <= allowed + flipped.error_estimate


@given(FUNCTIONS, POINTS, DIRECTIONS,
       st.sampled_from(["complex_step", "central", "forward", "richardson"]))
def test_symbolic_equals_numeric_within_the_stated_accuracy(function, point, direction, method):
    _, expr, f = function
    unit = direction / np.linalg.norm(direction)
    exact = directional_derivative(expr, point, direction, method="symbolic")
    numeric = directional_derivative(f, point, direction, method=method)
    scale = term_condition(expr, point, unit) + abs(float(f(point))) + 1
    tolerance = {"complex_step": 16 * EPS, "richardson": 1e-11, "central": 1e-8,
                 "forward": 1e-6}[method]
    assert abs(numeric - exact) <= tolerance * scale


@given(FUNCTIONS, POINTS, DIRECTIONS)
def test_complex_step_matches_exact_within_a_few_ulps(function, point, direction):
    _, expr, f = function
    unit = direction / np.linalg.norm(direction)
    exact = exact_directional(expr, point, direction)
    value = directional_derivative(f, point, direction, method="complex_step")
    # a few ulps of the size of the terms that make up D_u f
    assert abs(value - exact) <= 8 * EPS * (term_condition(expr, point, unit) + 1e-24)


# --- shapes and broadcasting --------------------------------------------------------------


def test_broadcasting_points_and_directions():
    points = np.array([[1.0, 2.0], [0.0, 1.0], [-1.0, 3.0]])
    directions = np.array([[3.0, 4.0], [1.0, 0.0], [0.0, -2.0]])
    expected = np.array([4.4, 0.0, -6.0])
    np.testing.assert_allclose(directional_derivative(square_norm, points, directions), expected,
                               atol=1e-14)
    np.testing.assert_allclose(directional_derivative(square_norm, points, [3.0, 4.0]),
                               [4.4, 1.6, 3.6], atol=1e-14)
    np.testing.assert_allclose(directional_derivative(square_norm, [1.0, 2.0], directions),
                               [4.4, 2.0, -4.0], atol=1e-14)
    grid = np.zeros((2, 3, 2))
    assert directional_derivative(square_norm, grid, [1.0, 1.0]).shape == (2, 3)
    assert gradient(square_norm, points).shape == (3, 2)
    assert hessian(square_norm, points).shape == (3, 2, 2)
    exact = directional_derivative(X**2 + Y**2, [[1, 2], [0, 1]], (3, 4))
    assert exact.dtype == object and list(exact) == [sympy.Rational(22, 5), sympy.Rational(8, 5)]


def test_vectorized_and_pointwise_agree():
    points = np.random.default_rng(0).normal(size=(5, 2))
    direction = [1.0, -2.0]
    for method in ("complex_step", "central", "forward", "richardson"):
        one_by_one = directional_derivative(SMOOTH[0][2], points, direction, method=method)
        batched = directional_derivative(SMOOTH[0][2], points, direction, method=method,
                                         vectorized=True)
        np.testing.assert_array_equal(one_by_one, batched)


def test_vector_valued_f():
    def f(p):
        return np.array([p[0] * p[1], p[0] + p[1] ** 2, np.sin(p[0])])

    value = jvp(f, [1.0, 2.0], [1.0, 1.0])
    np.testing.assert_allclose(value, [3.0, 5.0, np.cos(1.0)], rtol=1e-15)
    np.testing.assert_allclose(directional_derivative(f, [1.0, 2.0], [2.0, 2.0]),
                               value / np.sqrt(2), rtol=1e-15)
    matrix = jacobian(f, [1.0, 2.0])
    np.testing.assert_allclose(matrix, [[2.0, 1.0], [1.0, 4.0], [np.cos(1.0), 0.0]], rtol=1e-15)
    assert jacobian(f, np.zeros((4, 2))).shape == (4, 3, 2)
    exact = jacobian([X * Y, X + Y**2], (1, 2))
    assert exact.tolist() == [[2, 1], [1, 4]]
    assert jvp(sympy.Matrix([X * Y, X + Y**2]), (1, 2), (1, 1)).tolist() == [3, 5]
    np.testing.assert_allclose(jacobian(square_norm, [1.0, 2.0]), [2.0, 4.0])


def test_partial_by_index_symbol_and_name():
    f = X**2 * Y
    assert partial(f, (3, 2), 0) == 12 and partial(f, (3, 2), -1) == 9
    assert partial(f, (3, 2), Y) == 9 and partial(f, (3, 2), "x") == 12
    assert partial(square_norm, [1.0, 2.0], 1) == pytest.approx(4.0, rel=1e-15)
    with pytest.raises(ValueError, match=r"i must be in \[-2, 2\)"):
        partial(square_norm, [1.0, 2.0], 2)
    with pytest.raises(TypeError, match="i must be an integer"):
        partial(square_norm, [1.0, 2.0], 1.0)
    with pytest.raises(ValueError, match="one of the variables"):
        partial(f, (3, 2), "z")


def test_full_output_everywhere():
    for function in (gradient, hessian, jacobian):
        result = function(square_norm, [1.0, 2.0], full_output=True)
        assert isinstance(result, DerivativeResult)
        assert np.shape(result.error_estimate) == np.shape(result.value)
    result = jvp(square_norm, [1.0, 2.0], [3.0, 4.0], method="central", full_output=True)
    assert result.method == "central" and result.error_estimate < 1e-8
    result = partial(X**2, (3,), 0, full_output=True)
    assert result.value == 6 and result.error_estimate == 0 and result.method == "symbolic"
    with pytest.raises(AttributeError):
        result.value = 1  # frozen


def test_steps_scale_with_x_and_v():
    unit = directional_derivative(square_norm, [3.0, 4.0], [3.0, 4.0], method="central",
                                  full_output=True)
    # the step along u is eps^(1/3) * max(1, sum |x_i||u_i|) = eps^(1/3) * 5
    assert unit.step == pytest.approx(EPS ** (1 / 3) * 5, rel=1e-6)
    raw = jvp(square_norm, [3.0, 4.0], [30.0, 40.0], method="central", full_output=True)
    assert raw.step == pytest.approx(unit.step / 50, rel=1e-6)  # in units of the raw v
    small = directional_derivative(square_norm, [1e-3, 0.0], [1.0, 0.0], method="forward",
                                   full_output=True)
    assert small.step == pytest.approx(EPS**0.5, rel=1e-6)  # max(1, .) floors the scale


def test_step_follows_the_coordinates_the_direction_moves():
    # Along y, x = 1e6 is irrelevant: a step scaled with |x| = 1e6 would be useless here.
    def f(p):
        return np.sin(p[..., 1]) + 1e-12 * p[..., 0] ** 2

    for method in ("central", "forward", "richardson"):
        value = directional_derivative(f, [1e6, 1.0], [0.0, 1.0], method=method)
        assert value == pytest.approx(np.cos(1.0), rel=1e-5), method


def test_large_x_with_scaled_steps():
    x = np.array([1e8, -3e8])
    for method, tolerance in (("forward", 1e-7), ("central", 1e-10), ("richardson", 1e-12)):
        np.testing.assert_allclose(gradient(square_norm, x, method=method), 2 * x,
                                   rtol=tolerance, err_msg=method)


def test_user_step():
    result = directional_derivative(square_norm, [1.0, 2.0], [1.0, 0.0], method="central",
                                    step=0.5, full_output=True)
    assert result.step == 0.5 and result.value == pytest.approx(2.0, rel=1e-15)
    result = jvp(square_norm, [1.0, 2.0], [2.0, 0.0], method="forward", step=0.25,
                 full_output=True)
    assert result.step == pytest.approx(0.25) and result.value == pytest.approx(4.0 + 2 * 0.5)


# --- Hessians -------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "tolerance"), [
    ("auto", 1e-10), ("richardson", 1e-10), ("complex_step", 1e-8), ("central", 1e-6),
    ("forward", 1e-3),
])
def test_hessian_methods(method, tolerance):
    point = np.array([0.7, -1.3])
    for _, expr, f in SMOOTH:
        exact = exact_hessian(expr, point)
        result = hessian(f, point, method=method, full_output=True)
        np.testing.assert_allclose(result.value, exact, atol=tolerance * (1 + np.abs(exact).max()))
        np.testing.assert_array_equal(result.value, result.value.T)
        assert result.method == ("richardson" if method == "auto" else method)


def test_hessian_exact():
    assert hessian(X**2 * Y, (1, 2)).tolist() == [[4, 2], [2, 0]]
    value = hessian(sympy.exp(X * Y), (0, sympy.Rational(1, 2)))
    assert value[0, 0] == sympy.Rational(1, 4) and value[0, 1] == 1


@given(FUNCTIONS, POINTS)
def test_richardson_hessian_error_estimate_bounds_the_error(function, point):
    _, expr, f = function
    result = hessian(f, point, method="richardson", full_output=True)
    assert np.all(np.abs(result.value - exact_hessian(expr, point)) <= result.error_estimate)


# --- steepest ascent and level directions ---------------------------------------------------


def test_steepest_ascent_exact_and_numeric():
    exact = steepest_ascent(X**2 + Y**2, (1, 2))
    assert exact.rate == 2 * sympy.sqrt(5) and not exact.critical
    assert list(exact.direction) == [sympy.sqrt(5) / 5, 2 * sympy.sqrt(5) / 5]
    numeric = steepest_ascent(square_norm, [1.0, 2.0])
    np.testing.assert_allclose(numeric.direction, [1 / np.sqrt(5), 2 / np.sqrt(5)], rtol=1e-15)
    assert numeric.rate == pytest.approx(2 * np.sqrt(5), rel=1e-15)
    assert isinstance(numeric.gradient, DerivativeResult)


@given(FUNCTIONS, POINTS)
def test_steepest_rate_bounds_every_directional_derivative(function, point):
    _, _, f = function
    ascent = steepest_ascent(f, point)
    angles = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    circle = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    rates = directional_derivative(f, point, circle, vectorized=True)
    assert np.all(rates <= ascent.rate * (1 + 1e-14) + TRUNCATION_FLOOR)
    if not ascent.critical:
        along = directional_derivative(f, point, ascent.direction)
        assert along == pytest.approx(ascent.rate, rel=1e-13, abs=TRUNCATION_FLOOR)


def test_critical_points():
    exact = steepest_ascent(X**2 + Y**2, (0, 0))
    assert exact.critical is True and exact.rate == 0 and list(exact.direction) == [0, 0]
    numeric = steepest_ascent(square_norm, [[0.0, 0.0], [1.0, 0.0]], method="richardson")
    assert numeric.critical.tolist() == [True, False]
    np.testing.assert_array_equal(numeric.direction[0], [0.0, 0.0])
    np.testing.assert_allclose(numeric.direction[1], [1.0, 0.0])
    with pytest.raises(ValueError, match="critical point"):
        level_directions(square_norm, [0.0, 0.0])
    with pytest.raises(ValueError, match="critical point"):
        level_directions(X**2 + Y**2, (0, 0))


def test_level_directions_2d_is_the_rotated_gradient():
    exact = level_directions(X**2 + Y**2, (3, 4))
    assert exact.directions.tolist() == [[sympy.Rational(-4, 5), sympy.Rational(3, 5)]]
    assert directional_derivative(X**2 + Y**2, (3, 4), exact.directions[0]) == 0
    numeric = level_directions(square_norm, [3.0, 4.0]).directions
    np.testing.assert_allclose(numeric, [[-0.8, 0.6]], rtol=1e-15)


@given(finite_arrays(shape=(4,), min_value=-2.0, max_value=2.0))
def test_level_directions_are_orthonormal_and_level(point):
    def f(p):
        return np.exp(p[..., 0]) * p[..., 1] + np.sin(p[..., 2] * p[..., 3]) + p[..., 3]

    result = level_directions(f, point, vectorized=True)
    basis = result.directions
    assert basis.shape == (3, 4)
    np.testing.assert_allclose(basis @ basis.T, np.eye(3), atol=1e-14)
    grad = result.gradient.value
    assert np.all(np.abs(basis @ grad) <= 1e-14 * np.linalg.norm(grad))
    rates = directional_derivative(f, point, basis, vectorized=True)
    assert np.all(np.abs(rates) <= 1e-13 * (1 + np.linalg.norm(grad)))


def test_level_directions_exact_in_3d():
    z = sympy.Symbol("z")
    expr = X * Y**2 + Y * z**3 - X**2 * z
    point = (sympy.Rational(1, 2), sympy.Rational(1, 3), sympy.Rational(-3, 4))
    basis = level_directions(expr, point).directions
    gram = sympy.Matrix(basis.tolist()) * sympy.Matrix(basis.tolist()).T
    assert sympy.simplify(gram - sympy.eye(2)) == sympy.zeros(2)
    assert [directional_derivative(expr, point, row) for row in basis] == [0, 0]
    numeric = level_directions(sympy.lambdify((X, Y, z), expr) and (lambda p: p[0] * p[1] ** 2
                               + p[1] * p[2] ** 3 - p[0] ** 2 * p[2]), [0.5, 1 / 3, -0.75])
    np.testing.assert_allclose(numeric.directions, np.array(basis, dtype=float), atol=1e-15)


def test_level_directions_in_1d_is_empty():
    assert level_directions(lambda p: p[0] ** 2, [1.0]).directions.shape == (0, 1)


# --- bad input -----------------------------------------------------------------------------


def test_zero_direction():
    with pytest.raises(ValueError, match="v must be a non-zero vector, got all zeros of length 2"):
        directional_derivative(square_norm, [1.0, 2.0], [0.0, 0.0])
    with pytest.raises(ValueError, match=r"got all zeros of length 2 at index \(1,\)"):
        directional_derivative(square_norm, [1.0, 2.0], [[1.0, 0.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="non-zero vector"):
        directional_derivative(X**2 + Y**2, (1, 2), (0, 0))


@pytest.mark.parametrize(("x", "v", "match"), [
    ([1.0, np.nan], [1.0, 0.0], "x must be finite, got nan"),
    ([1.0, 2.0], [np.inf, 0.0], "v must be finite, got inf"),
    ([1.0, 2.0], [1.0, 0.0, 0.0], r"v must have 2 coordinates \(last axis\), got shape \(3,\)"),
    (np.zeros((3, 2)), np.ones((4, 2)), "x and v must broadcast"),
    (1.0, 1.0, "got a scalar; for a function of one variable pass"),
    (np.zeros((2, 0)), [1.0], "at least one coordinate"),
])
def test_bad_points_and_directions(x, v, match):
    with pytest.raises(ValueError, match=match):
        directional_derivative(square_norm, x, v)


def test_bad_arguments():
    with pytest.raises(ValueError, match="method must be one of"):
        gradient(square_norm, [1.0, 2.0], method="spline")
    with pytest.raises(TypeError, match="f must be a callable or a sympy expression, got str"):
        gradient("x**2", [1.0])
    with pytest.raises(TypeError, match="variables applies only"):
        gradient(square_norm, [1.0, 2.0], variables=["x", "y"])
    with pytest.raises(ValueError, match="method='symbolic' needs f as a sympy expression"):
        gradient(square_norm, [1.0, 2.0], method="symbolic")
    with pytest.raises(TypeError, match="x must be an array of float64 numbers"):
        gradient(square_norm, ["a", "b"])
    for step, error in ((0.0, ValueError), (-1.0, ValueError), (np.nan, ValueError),
                        (True, TypeError), ("1", TypeError)):
        with pytest.raises(error, match="step must be"):
            gradient(square_norm, [1.0, 2.0], step=step)
    with pytest.raises(TypeError, match="vectorized must be True or False"):
        gradient(square_norm, [1.0, 2.0], vectorized=1)
    with pytest.raises(TypeError, match="full_output must be True or False"):
        gradient(square_norm, [1.0, 2.0], full_output="yes")
    with pytest.raises(ValueError, match="too small for x"):
        gradient(square_norm, [1e10, 1.0], method="central", step=1e-12)


def test_f_returning_the_wrong_thing():
    with pytest.raises(ValueError, match=r"f must return a scalar for a point of shape \(2,\), "
                                         r"got shape \(2,\)"):
        gradient(lambda p: p * 2, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"must map points of shape \(3, 2\) to values of shape"):
        gradient(lambda p: np.sum(p**2), np.zeros((3, 2)), vectorized=True)
    with pytest.raises(TypeError, match="f must return numbers, got str"):
        gradient(lambda p: "one", [1.0, 2.0])
    with (pytest.raises(ValueError, match=r"f\(x\) must be finite, got nan"),
          np.errstate(invalid="ignore")):
        gradient(lambda p: np.log(p[0] - 2), [1.0, 2.0])
    with pytest.raises(TypeError, match="must return real values for real input"):
        gradient(lambda p: p[0] + 1j, [1.0, 2.0])
    calls = iter([0.0, np.zeros(3)] + [0.0] * 100)
    with pytest.raises(ValueError, match="same shape at every point"):
        jacobian(lambda p: next(calls), [1.0, 2.0], method="central")
    with pytest.raises(ZeroDivisionError):  # f's own errors are f's
        gradient(lambda p: 1 / 0, [1.0])


def test_non_finite_values_near_x():
    with (pytest.raises(ValueError, match=r"is not finite.*singularity or the edge of f's domain"),
          np.errstate(invalid="ignore")):
        directional_derivative(lambda p: np.log(p[0]), [1e-9], [1.0], method="central")


def test_bad_sympy_input():
    with pytest.raises(ValueError, match="free symbols not among variables"):
        gradient(X * Y, (1, 2), variables=[X])
    with pytest.raises(ValueError, match="no free symbols"):
        gradient(sympy.Integer(3), (1,))
    assert gradient(sympy.Integer(3), (1,), variables=["x"]).tolist() == [0]
    with pytest.raises(ValueError, match=r"x must have 2 coordinates"):
        gradient(X * Y, (1, 2, 3))
    with pytest.raises(ValueError, match="the derivative of f is undefined"):
        gradient(sympy.sqrt(X), (0,))
    with pytest.raises(ValueError, match="the derivative of f is not finite"):
        gradient(sympy.sqrt(X), (0.0,))
    with pytest.raises(ValueError, match="scalar expression"):
        gradient([X, Y], (1, 2))
    with pytest.raises(ValueError, match="variables must be distinct"):
        gradient(X * Y, (1, 2), variables=["x", "x"])


def test_variables_default_sorted_by_name_and_by_choice():
    expr = Y**2 * X  # free symbols {x, y}: sorted -> (x, y)
    assert gradient(expr, (1, 3)).tolist() == [9, 6]
    assert gradient(expr, (3, 1), variables="y, x").tolist() == [6, 9]
