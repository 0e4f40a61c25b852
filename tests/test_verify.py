"""Tests for mathkit.verify: agree() and assert_agree()."""

import cmath
import dataclasses
import math
import sys
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import example, given
from hypothesis import strategies as st

from mathkit.testing import finite_floats
from mathkit.verify import AgreementReport, agree, assert_agree

x, y, z = sympy.symbols("x y z")
TINY = sys.float_info.min  # smallest normal
SUBNORMAL = 5e-324


# --- correct pairs pass ----------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "func", "domain"),
    [
        (sympy.sin(x), math.sin, (-1.0, 1.0)),
        (sympy.exp(x), math.exp, (-20.0, 20.0)),
        (sympy.log(x), math.log, (1e-3, 1e3)),
        (sympy.sqrt(x), math.sqrt, (0.0, 4.0)),
        (sympy.gamma(x), math.gamma, (0.5, 5.0)),
    ],
)
def test_correct_functions_pass(expr, func, domain):
    report = agree(expr, func, x, domain=domain, rng=0, rtol=1e-13)
    assert report.passed, str(report)
    assert report.failures == 0
    assert report.n_points == 64
    assert report.max_rel_error <= 1e-13
    assert bool(report) is True


def test_two_variables():
    report = agree(x**2 + y**2, lambda a, b: a * a + b * b, (x, y), rng=1)
    assert report.passed, str(report)
    assert report.variables == ("x", "y")
    assert len(report.worst_point) == 2


def test_dict_domain_per_variable():
    seen = []

    def hypotenuse(a, b):
        seen.append((a, b))
        return math.hypot(a, b)

    domain = {y: (-5.0, -1.0), x: (0.0, 1e-3)}
    report = agree(sympy.sqrt(x**2 + y**2), hypotenuse, [x, y], domain=domain, rng=2)
    assert report.passed, str(report)
    assert len(seen) == 64
    assert all(0.0 <= a <= 1e-3 and -5.0 <= b <= -1.0 for a, b in seen)
    assert all(type(a) is float and type(b) is float for a, b in seen)


def test_huge_domain_does_not_overflow():
    seen = []
    agree(x, lambda t: seen.append(t) or t, x, domain=(-1e308, 1.7e308), rng=3, samples=200)
    assert all(math.isfinite(t) and -1e308 <= t <= 1.7e308 for t in seen)


def test_vectorized_calls_func_once_with_arrays():
    calls = []

    def vector_sin(a):
        calls.append(a)
        return np.sin(a)

    report = agree(sympy.sin(x), vector_sin, x, vectorized=True, rng=4, points=[0.0, 1.0])
    assert report.passed, str(report)
    assert len(calls) == 1
    assert calls[0].shape == (66,) and calls[0].dtype == np.float64


def test_vectorized_scalar_result_is_broadcast():
    assert agree(sympy.Integer(3), lambda a, b: 3.0, (x, y), vectorized=True, rng=0).passed


def test_constant_expression_and_unused_variable():
    assert agree(sympy.pi, lambda t: math.pi, x, rng=0, rtol=2**-53).passed
    assert agree(sympy.Integer(2), lambda t: 2, x, rng=0, rtol=0).passed


# --- wrong pairs fail, at the right place ----------------------------------


def test_wrong_function_fails_at_the_worst_point():
    taylor = lambda t: t - t**3 / 6  # noqa: E731
    report = agree(sympy.sin(x), taylor, x, samples=0, points=[0.1, -0.9, 0.5])
    assert not report.passed and not report
    assert report.failures == 3
    assert report.worst_point == (-0.9,)
    assert report.worst_expected == pytest.approx(math.sin(-0.9), rel=1e-15)
    assert report.worst_got == taylor(-0.9)
    assert report.max_abs_error == pytest.approx(abs(math.sin(-0.9) - taylor(-0.9)), rel=1e-9)
    assert "FAILED" in str(report) and "x=-0.9" in str(report)


def test_single_bad_point_is_found_among_samples():
    def bumped(t):
        return math.cos(t) + (1e-9 if t == 0.25 else 0.0)

    report = agree(sympy.cos(x), bumped, x, points=[0.25], rng=5)
    assert report.failures == 1
    assert report.n_points == 65
    assert report.worst_point == (0.25,)
    assert len(report.details) == 1 and report.details[0].startswith("x=0.25:")


def test_relative_error_of_1e_10_is_caught_at_rtol_1e_12():
    def off(t):
        return math.exp(t) * (1 + 1e-10)

    report = agree(sympy.exp(x), off, x, rng=6)
    assert not report.passed
    assert report.failures == 64
    assert report.max_rel_error == pytest.approx(1e-10, rel=1e-5)
    assert agree(sympy.exp(x), off, x, rng=6, rtol=2e-10).passed


def test_atol_covers_a_zero_reference():
    almost_zero = lambda t: math.sin(t) ** 2 + math.cos(t) ** 2 - 1  # noqa: E731
    identity = sympy.sin(x) ** 2 + sympy.cos(x) ** 2 - 1
    strict = agree(identity, almost_zero, x, samples=16, rng=7)
    loose = agree(identity, almost_zero, x, samples=16, rng=7, atol=1e-15)
    assert loose.passed, str(loose)
    assert loose.n_unresolved == 16  # sympy cannot tell an exact 0 from a tiny number
    if not strict.passed:  # some points give exactly 0.0 in floating point
        assert strict.max_rel_error == math.inf


def test_unresolved_real_part_of_a_complex_reference_is_zero():
    expr = sympy.I * x + sympy.sin(x) ** 2 + sympy.cos(x) ** 2 - 1
    report = agree(expr, lambda t: complex(0, t), x, samples=4, rng=7, rtol=1e-15)
    assert report.passed, str(report)
    assert report.n_complex == 4 and report.n_unresolved == 4
    assert "taken as 0" in str(report)


# --- the exact side really is exact ----------------------------------------


def test_cancellation_naive_fails_stable_passes():
    expr = (1 - sympy.cos(x)) / x**2
    naive = lambda t: (1 - math.cos(t)) / t**2  # noqa: E731
    stable = lambda t: 2 * math.sin(t / 2) ** 2 / t**2  # noqa: E731
    domain = (1e-6, 1e-4)
    tiny_points = [1e-30, 1e-100, 1e-150]
    bad = agree(expr, naive, x, domain=domain, rng=8, rtol=1e-12)
    assert not bad.passed
    assert bad.max_rel_error > 1e-8
    good = agree(expr, stable, x, domain=domain, rng=8, rtol=1e-14, points=tiny_points)
    assert good.passed, str(good)
    # At x = 1e-150 the float 1 - cos(x) is 0; the reference is still 1/2.
    at_tiny = agree(expr, lambda t: 0.5, x, samples=0, points=[1e-150], rtol=1e-15)
    assert at_tiny.passed, str(at_tiny)


def test_polynomial_reference_is_exact_rational():
    # (x - 1)**3 at 1 + 2**-20 is exactly 2**-60; the expanded form cancels 40 bits.
    expanded = sympy.expand((x - 1) ** 3)
    point = [1 + 2**-20]
    exact = agree(expanded, lambda t: (t - 1) ** 3, x, samples=0, points=point, rtol=0)
    assert exact.passed, str(exact)
    assert exact.worst_expected == 2.0**-60
    naive = sympy.lambdify(x, expanded, modules="math")
    assert not agree(expanded, naive, x, samples=0, points=point).passed


def test_rtol_zero_means_exact():
    assert agree(x * x, lambda t: t * t, x, samples=0, points=[3.0, 0.5, -1.25], rtol=0).passed
    # sin(0.5) is irrational: the correctly rounded float is not exact ...
    assert not agree(sympy.sin(x), math.sin, x, samples=0, points=[0.5], rtol=0).passed
    # ... but it is within half an ulp.
    assert agree(sympy.sin(x), math.sin, x, samples=0, points=[0.5], rtol=2**-53).passed


def test_reference_beyond_float_range_is_reported():
    report = agree(sympy.exp(x), np.exp, x, samples=0, points=[800.0])
    assert not report.passed
    assert report.worst_expected == math.inf and report.max_abs_error == math.inf
    assert "beyond the float64 range" in report.worst_reason


# --- special reference values ----------------------------------------------


def reciprocal(t):
    return np.float64(1.0) / t


def test_pole_matches_any_infinity():
    report = agree(1 / x, reciprocal, x, samples=0, points=[0.0, -0.0, 2.0])
    assert report.passed, str(report)
    assert report.n_nonfinite == 2


def test_signed_infinity_must_match():
    # sympy: loggamma(0) = oo (signed), unlike 1/x at 0 (zoo)
    assert agree(sympy.loggamma(x), lambda t: math.inf, x, samples=0, points=[0.0]).passed
    assert agree(-sympy.loggamma(x), lambda t: -math.inf, x, samples=0, points=[0.0]).passed
    report = agree(sympy.loggamma(x), lambda t: -math.inf, x, samples=0, points=[0.0])
    assert not report.passed
    assert report.worst_reason == "reference is oo"
    report = agree(sympy.loggamma(x), lambda t: math.nan, x, samples=0, points=[0.0])
    assert not report.passed


def test_undefined_reference_fails_even_against_nan():
    report = agree(sympy.sin(x) / x, lambda t: math.nan, x, samples=0, points=[0.0])
    assert not report.passed
    assert report.n_nonfinite == 1
    assert "undefined" in report.worst_reason
    assert math.isnan(report.worst_expected)


def test_complex_reference():
    with_nan = agree(sympy.sqrt(x), np.sqrt, x, samples=0, points=[-1.0, 4.0])
    assert not with_nan.passed
    assert with_nan.failures == 1 and with_nan.n_complex == 1
    assert with_nan.worst_point == (-1.0,)
    assert with_nan.worst_expected == 1j
    assert with_nan.worst_reason == "reference is complex"
    with_complex = agree(sympy.sqrt(x), cmath.sqrt, x, samples=0, points=[-1.0, 4.0])
    assert with_complex.passed, str(with_complex)


def test_exception_in_func_is_a_failure():
    report = agree(sympy.log(x), math.log, x, samples=0, points=[0.0, 1.0])
    assert report.failures == 1
    assert "func raised ValueError" in report.worst_reason


def test_nonfinite_numeric_against_finite_reference():
    report = agree(sympy.cos(x), lambda t: math.inf, x, samples=0, points=[0.0])
    assert not report.passed
    assert report.worst_reason == "numeric value is not finite"


# --- the report --------------------------------------------------------------


def test_report_is_frozen_and_readable():
    report = agree(sympy.cos(x), math.sin, x, samples=0, points=[0.0, 1.0])
    assert isinstance(report, AgreementReport)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.passed = True
    text = str(report)
    for word in ("FAILED", "max abs error", "max rel error", "worst point", "expected", "got"):
        assert word in text
    assert report.message.startswith("agree failed at 2 of 2 points")
    assert report.rtol == 1e-12 and report.atol == 0.0


def test_assert_agree():
    report = assert_agree(sympy.sin(x), math.sin, x, rng=0)
    assert report.passed
    with pytest.raises(AssertionError, match=r"(?s)FAILED.*worst point:   x=1\.0"):
        assert_agree(sympy.cos(x), math.sin, x, samples=0, points=[1.0])


def test_same_seed_same_report():
    def run(rng):
        return agree(sympy.sin(x), lambda t: t, x, rng=rng, samples=16)

    assert run(9) == run(9)
    assert run(9) == run(np.random.default_rng(9))
    assert run(np.random.SeedSequence(9)) == run(9)
    assert run(9).worst_point != run(10).worst_point


def test_points_are_always_included():
    seen = []
    agree(x, lambda t: seen.append(t) or t, x, points=[5.0, -0.0], samples=3, rng=0)
    assert seen[:2] == [5.0, -0.0] and math.copysign(1, seen[1]) == -1
    assert len(seen) == 5
    seen.clear()
    agree(x + y, lambda a, b: seen.append((a, b)) or a + b, (x, y), samples=0,
          points=np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert seen == [(1.0, 2.0), (3.0, 4.0)]
    assert agree(x, lambda t: t, x, samples=0, points=0.5).n_points == 1


# --- bad input ---------------------------------------------------------------

f = sympy.Function("f")


def good_args(**changes):
    args = {"expr": sympy.sin(x), "func": math.sin, "variables": x}
    args.update(changes)
    expr, func, variables = args.pop("expr"), args.pop("func"), args.pop("variables")
    return expr, func, variables, args


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"expr": "sin(x)"}, TypeError, "expr must be a sympy expression"),
        ({"expr": sympy.Eq(x, 1)}, TypeError, "expr must be a sympy expression"),
        ({"expr": f(x)}, ValueError, "expr must not contain undefined functions, got f"),
        ({"expr": x + y}, ValueError, "expr has free symbols not in variables: y"),
        ({"func": 3}, TypeError, "func must be callable"),
        ({"variables": "x"}, TypeError, "variables must be a sympy Symbol or a sequence"),
        ({"variables": [x, 1]}, TypeError, "variables must be sympy Symbols, got int"),
        ({"variables": []}, ValueError, "variables must contain at least one"),
        ({"variables": [x, x]}, ValueError, "variables must be distinct"),
        ({"domain": (1.0, 0.0)}, ValueError, r"domain must have low < high, got \(1.0, 0.0\)"),
        ({"domain": (0.0, 0.0)}, ValueError, "domain must have low < high"),
        ({"domain": (0.0, math.inf)}, ValueError, "domain must have finite bounds"),
        ({"domain": (math.nan, 1.0)}, ValueError, "domain must have finite bounds"),
        ({"domain": (0.0,)}, TypeError, r"domain must be a \(low, high\) pair"),
        ({"domain": "ab"}, TypeError, r"domain must be a \(low, high\) pair"),
        ({"domain": ("a", 1)}, TypeError, r"domain must be a \(low, high\) pair of real"),
        ({"domain": 1.0}, TypeError, r"domain must be a \(low, high\) pair"),
        ({"domain": {y: (0, 1)}}, ValueError, "domain has keys that are not variables"),
        ({"domain": {}}, ValueError, "domain must give .* for every variable, missing"),
        ({"domain": {x: (2, 1)}}, ValueError, r"domain\[x\] must have low < high"),
        ({"samples": -1}, ValueError, "samples must be a non-negative integer, got -1"),
        ({"samples": 2.5}, TypeError, "samples must be a non-negative integer"),
        ({"samples": 0}, ValueError, "nothing to check: samples=0 and no points"),
        ({"samples": 0, "points": []}, ValueError, "nothing to check"),
        ({"points": [0.0, math.nan]}, ValueError, "points must be finite"),
        ({"points": [[0.0, 1.0]]}, ValueError, r"points must be .* 1 coordinates"),
        ({"points": "abc"}, TypeError, "points must be"),
        ({"rtol": -1e-3}, ValueError, "rtol must be a finite non-negative number"),
        ({"rtol": "tight"}, TypeError, "rtol must be a non-negative number"),
        ({"atol": math.inf}, ValueError, "atol must be a finite non-negative number"),
        ({"atol": None}, TypeError, "atol must be a non-negative number"),
        ({"rng": 1.5}, TypeError, "rng must be None, an int, a numpy SeedSequence"),
        ({"rng": "seed"}, TypeError, "rng must be None, an int"),
        ({"rng": True}, TypeError, "rng must be None, an int"),
        ({"rng": -1}, ValueError, "rng must be a non-negative integer seed, got -1"),
        ({"precision": 10}, ValueError, "precision must be at least 16 digits"),
        ({"precision": 50.0}, TypeError, "precision must be an integer"),
        ({"vectorized": "yes"}, TypeError, "vectorized must be True or False"),
    ],
)
def test_bad_input_names_the_argument(changes, error, match):
    expr, func, variables, options = good_args(**changes)
    with pytest.raises(error, match=match):
        agree(expr, func, variables, **options)


def test_two_variable_point_shape_errors():
    with pytest.raises(ValueError, match=r"wrap a single point in a list"):
        agree(x + y, lambda a, b: a + b, (x, y), points=(0.1, 0.2))
    with pytest.raises(ValueError, match=r"points must be .* 2 coordinates each"):
        agree(x + y, lambda a, b: a + b, (x, y), points=[(1.0, 2.0, 3.0)])
    with pytest.raises(ValueError, match=r"domain must give .* missing \[y\]"):
        agree(x + y, lambda a, b: a + b, (x, y), domain={x: (0, 1)})


def test_func_returning_non_numbers():
    with pytest.raises(TypeError, match="func must return a real or complex number, got str"):
        agree(x, lambda t: "one", x, samples=1, rng=0)
    with pytest.raises(TypeError, match="pass vectorized=True"):
        agree(x, lambda t: np.array([t, t]), x, samples=1, rng=0)
    with pytest.raises(ValueError, match=r"one value per point .* got shape \(2, 3\)"):
        agree(x, lambda t: np.zeros((2, 3)), x, samples=4, rng=0, vectorized=True)
    with pytest.raises(TypeError, match="func must return an array of numbers"):
        agree(x, lambda t: np.array(["a"] * len(t)), x, samples=2, rng=0, vectorized=True)


# --- properties --------------------------------------------------------------

small_rationals = st.fractions(min_value=-10, max_value=10, max_denominator=12)


def rounding_bound(terms, point):
    """A bound on the error of evaluating sum c x^i y^j ... term by term in floats.

    Each rounding in the normal range costs at most an ulp of the term, so a few
    ulps of sum |c| |x|^i |y|^j in all; a rounding in the subnormal range costs
    at most half the smallest subnormal, which later factors may magnify by at
    most |c| max(1, |x|)^i max(1, |y|)^j.
    """
    scale = magnified = 0.0
    for coefficient, *powers in terms:
        size = large = abs(float(coefficient))
        for value, power in zip(point, powers, strict=True):
            size *= abs(value) ** power
            large *= max(1.0, abs(value)) ** power
        scale += size
        magnified += large + 1
    return 16 * 2**-53 * scale + 16 * SUBNORMAL * magnified


@given(
    coefficients=st.lists(small_rationals, min_size=1, max_size=5),
    point=finite_floats(-1e3, 1e3),
)
@example(coefficients=[Fraction(1, 3), Fraction(-1), Fraction(1)], point=0.0)
@example(coefficients=[Fraction(1), Fraction(-2), Fraction(1)], point=1.0)  # double root
@example(coefficients=[Fraction(-1, 7), Fraction(1, 3)], point=-0.0)
@example(coefficients=[Fraction(0), Fraction(0), Fraction(5, 3)], point=SUBNORMAL)
@example(coefficients=[Fraction(2), Fraction(-1, 3), Fraction(1, 11)], point=TINY)
@example(coefficients=[Fraction(0)], point=123.0)
def test_lambdified_polynomials_agree(coefficients, point):
    expr = sum(sympy.Rational(c.numerator, c.denominator) * x**k
               for k, c in enumerate(coefficients))
    func = sympy.lambdify(x, expr, modules="math")
    atol = rounding_bound([(c, k) for k, c in enumerate(coefficients)], [point])
    report = agree(expr, func, x, samples=0, points=[point], rtol=0, atol=atol)
    assert report.passed, str(report)


@given(
    terms=st.lists(
        st.tuples(small_rationals, st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=4
    ),
    point=st.tuples(finite_floats(-100, 100), finite_floats(-100, 100)),
)
@example(terms=[(Fraction(1), 2, 0), (Fraction(-1), 0, 2)], point=(3.0, 3.0))  # exact zero
@example(terms=[(Fraction(1, 3), 1, 1)], point=(-0.0, SUBNORMAL))
@example(terms=[(Fraction(3), 3, 3)], point=(13.0, 3.688759595932528e-109))  # y**3 underflows
def test_lambdified_two_variable_polynomials_agree(terms, point):
    expr = sum(sympy.Rational(c.numerator, c.denominator) * x**i * y**j for c, i, j in terms)
    func = sympy.lambdify((x, y), expr, modules="math")
    atol = rounding_bound(terms, point)
    report = agree(expr, func, (x, y), samples=0, points=[point], rtol=0, atol=atol)
    assert report.passed, str(report)


@given(finite_floats(-1e4, 1e4))
@example(0.0)
@example(-0.0)
@example(SUBNORMAL)
@example(-TINY)
def test_math_sin_is_faithful_everywhere(point):
    # math.sin (the C library's) is accurate to about an ulp.
    report = agree(sympy.sin(x), math.sin, x, samples=0, points=[point], rtol=2**-52,
                   atol=SUBNORMAL)
    assert report.passed, str(report)
