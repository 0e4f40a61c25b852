"""The numeric engine: complex-step refusals, Richardson's error estimate, steps, norms."""

import math

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from mathkit.calculus import NotAnalyticError, directional_derivative, gradient, hessian
from mathkit.calculus.numeric import (
    HESSIAN_STEP_FACTORS,
    RICHARDSON_LEVELS,
    STEP_FACTORS,
    DerivativeResult,
    _unit_scale,
    _vector_norm,
)
from mathkit.testing import finite_arrays, nonzero_vectors

from .functions import SMOOTH, X, Y, exact_directional, exact_hessian

POINTS = finite_arrays(shape=(2,), min_value=-2.0, max_value=2.0)
DIRECTIONS = nonzero_vectors(2, min_value=-100.0, max_value=100.0)


# --- the complex step refuses what it cannot differentiate ------------------------------------


@pytest.mark.parametrize(("f", "reason"), [
    (lambda p: np.abs(p[0]), "returned real values"),
    (lambda p: np.abs(p[0]) + p[1], "central differences give"),  # complex output, wrong
    (lambda p: math.sin(p[0]), "ComplexWarning"),  # math functions cast to float
    (lambda p: float(p[0] ** 2), "ComplexWarning"),
    (lambda p: np.real(p[0] * p[1]), "returned real values"),
    (lambda p: p[0] * np.abs(p[1]), "central differences give"),  # complex output, wrong
    (lambda p: p[0] * np.conj(p[1]) ** 2, "central differences give"),
    (lambda p: np.arctan2(p[0], p[1]), "raised TypeError"),
])
def test_complex_step_refuses_non_analytic_code(f, reason):
    with pytest.raises(NotAnalyticError, match=reason):
        directional_derivative(f, [1.5, 2.0], [1.0, 1.0], method="complex_step")
    result = directional_derivative(f, [1.5, 2.0], [1.0, 1.0], full_output=True)
    assert result.method == "richardson"  # "auto" falls back
    reference = directional_derivative(f, [1.5, 2.0], [1.0, 1.0], method="central")
    assert result.value == pytest.approx(reference, rel=1e-8)


def test_not_analytic_error_is_a_value_error():
    assert issubclass(NotAnalyticError, ValueError)


def test_auto_uses_the_complex_step_for_analytic_code():
    for _, _, f in SMOOTH:
        result = gradient(f, [0.3, -0.7], full_output=True)
        assert result.method == "complex_step"
        assert np.all(result.step == STEP_FACTORS["complex_step"])


def test_cross_check_tolerates_noise_beyond_eps_f():
    # log(1 + x**2) near 0: its values are ~1e-16 while its rounding noise is ~eps
    # (from the 1 inside); central differences see nothing, and must not overrule.
    def f(p):
        return np.log(1 + p[0] ** 2 + p[1] ** 2)

    result = gradient(f, [1e-20, 1e-8], method="complex_step", full_output=True)
    np.testing.assert_allclose(result.value, [2e-20, 2e-8], rtol=1e-15)


def _fast_phase(p):
    # cos(exp(27 x^3 y^3 / 2)): near (0.73, 0.95) its phase turns ~2400 rad per unit length
    return np.cos(np.exp(13.5 * (p[..., 0] * p[..., 1]) ** 3))


FAST_PHASE = sympy.cos(sympy.exp(sympy.Rational(27, 2) * X**3 * Y**3))


@pytest.mark.parametrize(("point", "direction"), [((47 / 64, 59 / 64), (1.0, 2.0)),
                                                  ((47 / 64, 61 / 64), (1.0, 1.0))])
def test_cross_check_looks_again_at_smaller_steps(point, direction):
    # at the check's first step both central quotients are wrong in the same way
    value = directional_derivative(_fast_phase, point, direction, method="complex_step")
    exact = exact_directional(FAST_PHASE, point, direction)
    assert value == pytest.approx(exact, rel=1e-12)  # f is ill-conditioned: exp(~100) inside


def test_cross_check_still_refuses_conj_at_every_step():
    # the disagreement of conj is as large at T / 256 as at T: the refinement changes nothing
    def f(p):
        return p[0] * np.conj(p[1]) ** 2 * 1e-6

    with pytest.raises(NotAnalyticError, match="at every step that resolves"):
        directional_derivative(f, [1.5, 2.0], [1.0, 1.0], method="complex_step")


def test_complex_step_hessian_refuses_too():
    with pytest.raises(NotAnalyticError):
        hessian(lambda p: p[0] * np.abs(p[1]), [1.0, 2.0], method="complex_step")


# --- error estimates ------------------------------------------------------------------------


@given(st.sampled_from(SMOOTH), POINTS, DIRECTIONS)
def test_richardson_error_estimate_bounds_the_true_error(function, point, direction):
    _, expr, f = function
    result = directional_derivative(f, point, direction, method="richardson", full_output=True)
    exact = exact_directional(expr, point, direction)
    assert abs(result.value - exact) <= result.error_estimate


@pytest.mark.parametrize("method", ["central", "forward", "complex_step", "richardson"])
def test_error_estimates_have_the_right_size(method):
    point, direction = np.array([0.4, -1.1]), np.array([1.0, 2.0])
    for _, expr, f in SMOOTH:
        result = directional_derivative(f, point, direction, method=method, full_output=True)
        error = abs(result.value - exact_directional(expr, point, direction))
        # never wildly off in either direction
        assert error <= 10 * result.error_estimate + 1e-300
        ceiling = {"central": 1e-8, "forward": 1e-5, "complex_step": 1e-14,
                   "richardson": 1e-11}[method]
        assert result.error_estimate <= ceiling * (1 + abs(result.value))


def test_richardson_is_not_fooled_by_oscillation_at_large_steps():
    # cos(3 x y) at |x| ~ 17: the largest steps of the table span several periods,
    # where a few extrapolated entries agree with each other by chance.
    def f(p):
        return np.cos(3 * p[..., 0] * p[..., 1])

    point, direction = np.array([16.66913692, 11.88724029]), np.array([-0.13599423, -0.69747691])
    result = directional_derivative(f, point, direction, method="richardson", full_output=True)
    u = direction / np.linalg.norm(direction)
    exact = -3 * np.sin(3 * point[0] * point[1]) * (point[1] * u[0] + point[0] * u[1])
    # the table cannot resolve this well (its smallest step is ~0.2 of a period), and
    # says so: the estimate is honest, not a random agreement of three entries
    assert abs(result.value - exact) <= result.error_estimate < 1


@pytest.mark.parametrize(("point", "direction"), [((47 / 64, 59 / 64), (1.0, 2.0)),
                                                  ((47 / 64, 61 / 64), (1.0, 1.0))])
def test_richardson_extends_a_table_outside_its_asymptotic_regime(point, direction):
    # the phase turns by ~1 rad over the smallest default step (s / 1024): the table is
    # extended to smaller steps, where its differences shrink 4x per halving
    result = directional_derivative(_fast_phase, point, direction, method="richardson",
                                    full_output=True)
    exact = exact_directional(FAST_PHASE, point, direction)
    assert abs(result.value - exact) <= result.error_estimate <= 1e-6 * abs(exact)
    assert result.step < STEP_FACTORS["richardson"] / 2**RICHARDSON_LEVELS


@pytest.mark.parametrize("frequency", [1e8, 3e8, 1e9])
def test_richardson_estimate_covers_oscillation_below_its_steps(frequency):
    # sin(w x) at 0: the default table's smallest step (2**-12) spans many periods; the
    # extended tables resolve w = 1e8 and 3e8, and at 1e9 even their smallest step (~1e-9)
    # spans a radian, so the estimate is widened to the spread of the finest quotients
    result = directional_derivative(lambda p: np.sin(frequency * p[0]) + p[1], [0.0, 0.0],
                                    [1.0, 0.0], method="richardson", full_output=True)
    assert abs(result.value - frequency) <= result.error_estimate


# The Hessian's table at the default steps s/8 ... s/4096 does not resolve these: the phase
# turns by a radian or more over its finest step. Before the regime check the Richardson
# Hessian reported 7.8 +- 4e3 for H_xx = 9.9e7 (sin(1e4 x) y^2) and 250 +- 114 for
# H_xx = 8.9e6 (sin(3000 x y)).
UNRESOLVED_HESSIANS = [
    (sympy.sin(10000 * X) * Y**2, (0.5, 1.0)),
    (sympy.sin(3000 * X * Y), (0.5, 1.0)),
    (FAST_PHASE, (47 / 64, 61 / 64)),
]


@pytest.mark.parametrize(("expr", "point"), UNRESOLVED_HESSIANS)
@pytest.mark.parametrize("method", ["richardson", "auto"])
def test_richardson_hessian_extends_a_table_outside_its_asymptotic_regime(expr, point, method):
    f = sympy.lambdify((X, Y), expr, modules="numpy")
    result = hessian(lambda p: f(p[0], p[1]), point, method=method, full_output=True)
    exact = exact_hessian(expr, point)
    error = np.abs(result.value - exact)
    assert result.method == "richardson"
    assert np.all(error <= result.error_estimate), (result, exact)
    # the extended table resolves f: the estimate is small, not merely honest
    assert np.all(result.error_estimate <= 1e-8 * np.abs(exact).max())


def test_richardson_hessian_uses_finer_steps_only_where_needed():
    result = hessian(lambda p: np.sin(3000 * p[0] * p[1]), (0.5, 1.0), method="richardson",
                     full_output=True)
    assert np.all(result.step < HESSIAN_STEP_FACTORS["richardson"] / 2**RICHARDSON_LEVELS)
    smooth = hessian(SMOOTH[0][2], (0.5, 1.0), method="richardson", full_output=True)
    assert np.all(smooth.step >= HESSIAN_STEP_FACTORS["richardson"] / 2**(RICHARDSON_LEVELS - 1))


@pytest.mark.parametrize(("expr", "point", "entry"), [
    (sympy.sin(3000 * X - 12000 * Y + 9000), (59 / 64, 55 / 64), (1, 1)),
    (sympy.sin(9000 * X * Y - 12000 * X), (62 / 64, -2 / 64), (0, 0)),
])
def test_richardson_hessian_is_not_fooled_by_an_alias(expr, point, entry):
    # twice the finest default step is within ~0.4 rad of a period of f: every level of the
    # table sees the same slow alias and shrinks 4x per halving, as if f were resolved
    # (H = -7.4e5 +- 9e4 for -1.4e8, and -8.5e4 +- 1e3 for -3.7e7, without the probe)
    f = sympy.lambdify((X, Y), expr, modules="numpy")
    result = hessian(lambda p: f(p[0], p[1]), point, method="richardson", full_output=True)
    exact = exact_hessian(expr, point)
    assert np.all(np.abs(result.value - exact) <= result.error_estimate), (result, exact)
    assert result.error_estimate[entry] <= 1e-8 * abs(exact[entry])


@pytest.mark.parametrize("frequency", [1e5, 1e8, 3e8, 1e9])
def test_richardson_hessian_estimate_covers_oscillation_below_its_steps(frequency):
    # cos(w x) at 0, H_xx = -w^2: the extended tables resolve w up to 3e8; at 1e9 even their
    # finest step spans a radian, and the estimate is widened to the spread of the finest
    # quotients
    result = hessian(lambda p: np.cos(frequency * p[0]) + p[1], [0.0, 0.0],
                     method="richardson", full_output=True)
    exact = np.array([[-frequency**2, 0.0], [0.0, 0.0]])
    assert np.all(np.abs(result.value - exact) <= result.error_estimate), result


def test_derivative_result_is_frozen_and_compares():
    result = DerivativeResult(1.0, 0.0, "symbolic")
    assert result.step is None
    with pytest.raises(AttributeError):
        result.method = "central"


# --- helpers --------------------------------------------------------------------------------


def test_vector_norm_does_not_underflow_or_overflow():
    norms = _vector_norm(np.array([[3e-200, 4e-200], [3e200, 4e200], [0.0, 0.0]]))
    np.testing.assert_allclose(norms, [5e-200, 5e200, 0.0], rtol=1e-15)


def test_tiny_directions_are_not_zero():
    value = directional_derivative(lambda p: p[0] ** 2 + p[1], [1.0, 2.0], [1e-200, 0.0])
    assert value == pytest.approx(2.0, rel=1e-15)


def test_unit_scale():
    x = np.array([[2.0, -3.0]])
    directions = np.array([[[1.0, 0.0], [0.0, 1.0], [0.6, 0.8], [0.0, 0.0]]])
    np.testing.assert_allclose(_unit_scale(x, directions), [[2.0, 3.0, 3.6, 1.0]])
