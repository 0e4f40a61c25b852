"""Generating functions: coefficients against the laws, sympy series, brute force; FFT accuracy."""

import itertools
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mathkit.walks import SimpleWalk, Walk
from mathkit.walks.pgf import (
    coefficients,
    first_passage_pgf,
    first_return_pgf,
    position_pgf,
    return_pgf,
    ruin_roots,
    ruin_time_pgf,
    step_pgf,
)

P = sympy.Symbol("p", positive=True)
exact_ps = st.fractions(min_value=Fraction(1, 50), max_value=Fraction(49, 50),
                        max_denominator=50)
TERMS = 24


def _as_fraction(value):
    return Fraction(int(value.p), int(value.q)) if isinstance(value, sympy.Basic) else value


@settings(max_examples=25, deadline=None)
@given(p=exact_ps)
@example(p=Fraction(1, 2))
def test_first_return_coefficients_are_the_law(p):
    values = first_return_pgf(SimpleWalk(p)).coefficients(TERMS).values
    law = SimpleWalk(p).first_return()
    assert list(values) == [law.pmf(n) for n in range(TERMS)]


@settings(max_examples=25, deadline=None)
@given(p=exact_ps, r=st.integers(-4, 4).filter(bool))
@example(p=Fraction(1, 2), r=3)
def test_first_passage_coefficients_are_the_law(p, r):
    values = first_passage_pgf(SimpleWalk(p), r).coefficients(TERMS).values
    law = SimpleWalk(p).first_passage(r)
    assert list(values) == [law.pmf(n) for n in range(TERMS)]


@settings(max_examples=25, deadline=None)
@given(p=exact_ps)
def test_return_coefficients_are_position_pmf(p):
    values = return_pgf(SimpleWalk(p)).coefficients(TERMS).values
    assert list(values) == [SimpleWalk(p).position(n).pmf(0) for n in range(TERMS)]


@settings(max_examples=25, deadline=None)
@given(p=exact_ps, n=st.integers(0, 12))
def test_position_coefficients_are_position_pmf(p, n):
    series = position_pgf(SimpleWalk(p), n).coefficients(2 * n + 1)
    assert series.powers[0] == -n
    law = SimpleWalk(p).position(n)
    assert list(series.values) == [law.pmf(k) for k in range(-n, n + 1)]


def test_sympy_rational_p_gives_sympy_rationals():
    p = sympy.Rational(2, 7)
    values = first_passage_pgf(SimpleWalk(p), 1).coefficients(8).values
    assert all(isinstance(v, sympy.Rational) for v in values)
    law = SimpleWalk(p).first_passage(1)
    assert list(values) == [law.pmf(n) for n in range(8)]


def test_general_walk_step_and_position():
    law = {-1: Fraction(1, 5), 0: Fraction(1, 2), 2: Fraction(3, 10)}
    walk = Walk(law)
    step = step_pgf(walk).coefficients(4)
    assert list(step.powers) == [-1, 0, 1, 2]
    assert list(step.values) == [Fraction(1, 5), Fraction(1, 2), 0, Fraction(3, 10)]
    series = position_pgf(walk, 4).coefficients(13)
    exact = walk.position(4)
    assert list(series.values) == [exact.pmf(k) for k in series.powers]
    numeric = position_pgf(Walk({k: float(v) for k, v in law.items()}), 4).coefficients(13)
    np.testing.assert_allclose(numeric.values, [float(v) for v in series.values], atol=1e-15)


# ---------------------------------------------------------------- symbolic p


def test_symbolic_closed_forms():
    walk = SimpleWalk(P)
    q = 1 - P
    f = first_return_pgf(walk).coefficients(TERMS).values
    u = return_pgf(walk).coefficients(TERMS).values
    for j in range(1, TERMS // 2):
        expected = sympy.binomial(2 * j, j) * (P * q) ** j
        assert sympy.simplify(u[2 * j] - expected) == 0
        assert sympy.simplify(f[2 * j] - expected / (2 * j - 1)) == 0
        assert f[2 * j - 1] == 0
    for r in (1, 2, -3):
        phi = first_passage_pgf(walk, r).coefficients(TERMS).values
        up, down = (P, q) if r > 0 else (q, P)
        for n in range(1, TERMS):
            if (n - abs(r)) % 2 or n < abs(r):
                assert phi[n] == 0
                continue
            hits = (n + abs(r)) // 2
            expected = (sympy.Rational(abs(r), n) * sympy.binomial(n, hits)
                        * up**hits * down ** (n - hits))
            assert sympy.simplify(phi[n] - expected) == 0, (r, n)


def test_symbolic_identities():
    walk = SimpleWalk(P)
    s = sympy.Symbol("s")
    u = return_pgf(walk, s).expression
    f = first_return_pgf(walk, s).expression
    assert sympy.simplify(u - 1 - f * u) == 0  # renewal: U = 1 + F U
    phi = first_passage_pgf(walk, 1, s).expression
    textbook = (1 - sympy.sqrt(1 - 4 * P * (1 - P) * s**2)) / (2 * (1 - P) * s)
    assert sympy.simplify(phi - textbook) == 0
    # Phi_1 solves w = s (p + q w^2)
    assert sympy.simplify(phi - s * (P + (1 - P) * phi**2)) == 0


def test_symbolic_coefficients_where_fps_is_not_needed():
    # sympy's own series of the symbolic expression agrees with the closed forms
    walk = SimpleWalk(P)
    s = sympy.Symbol("s")
    for pgf in (first_return_pgf(walk, s), first_passage_pgf(walk, 2, s),
                ruin_time_pgf(walk, 1, 3, variable=s)):
        ours = pgf.coefficients(9).values
        theirs = coefficients(pgf.expression, 9, variable=s).values
        assert all(sympy.simplify(a - b) == 0 for a, b in zip(ours, theirs, strict=True))


@pytest.mark.parametrize("kind", ["returns", "first_return", "passage", "passage_down",
                                  "ruin", "ruin_zero", "ruin_target"])
def test_closed_forms_against_sympy_series(kind):
    walk = SimpleWalk(Fraction(1, 3))
    s = sympy.Symbol("s")
    pgf = {
        "returns": lambda: return_pgf(walk, s),
        "first_return": lambda: first_return_pgf(walk, s),
        "passage": lambda: first_passage_pgf(walk, 2, s),
        "passage_down": lambda: first_passage_pgf(walk, -1, s),
        "ruin": lambda: ruin_time_pgf(walk, 2, 5, variable=s),
        "ruin_zero": lambda: ruin_time_pgf(walk, 2, 5, "zero", s),
        "ruin_target": lambda: ruin_time_pgf(walk, 2, 5, "target", s),
    }[kind]()
    ours = [sympy.Rational(v.numerator, v.denominator) for v in pgf.coefficients(14).values]
    theirs = list(coefficients(pgf.expression, 14, variable=s).values)
    assert ours == theirs


def test_ruin_time_equals_feller_roots_form():
    p = sympy.Rational(1, 3)
    walk = SimpleWalk(p)
    s = sympy.Symbol("s")
    l1, l2 = ruin_roots(walk, s)
    start, target = 2, 5
    win = (l1**start - l2**start) / (l1**target - l2**target)
    ruin = ((1 - p) / p) ** start * (l1 ** (target - start) - l2 ** (target - start)) / (
        l1**target - l2**target)
    for value in (sympy.Rational(1, 3), sympy.Rational(7, 10), sympy.Rational(-1, 2)):
        for absorbed, feller in (("target", win), ("zero", ruin), ("either", win + ruin)):
            ours = ruin_time_pgf(walk, start, target, absorbed, s).expression.subs(s, value)
            assert abs(sympy.N(feller.subs(s, value) - ours, 60)) < 1e-50


def test_ruin_time_coefficients_brute_force():
    p, start, target, n = Fraction(2, 5), 2, 5, 10
    law = {}
    for steps in itertools.product((1, -1), repeat=n):
        weight = Fraction(1)
        x = start
        for step in steps:
            weight *= p if step == 1 else 1 - p
        for t, step in enumerate(steps, start=1):
            x += step
            if x in (0, target):
                law[(t, x == 0)] = law.get((t, x == 0), 0) + weight
                break
    walk = SimpleWalk(p)
    zero = ruin_time_pgf(walk, start, target, "zero").coefficients(n + 1).values
    win = ruin_time_pgf(walk, start, target, "target").coefficients(n + 1).values
    for t in range(n + 1):
        assert zero[t] == law.get((t, True), 0)
        assert win[t] == law.get((t, False), 0)


# ---------------------------------------------------------------- numeric


@pytest.mark.parametrize("p", [0.5, 0.3, 0.9, 0.01])
def test_fft_coefficients_accuracy(p):
    walk, exact_walk = SimpleWalk(p), SimpleWalk(Fraction(p))
    for make in (return_pgf, first_return_pgf, lambda w: first_passage_pgf(w, 3),
                 lambda w: first_passage_pgf(w, -2), lambda w: ruin_time_pgf(w, 3, 7)):
        numeric = make(walk).coefficients(400)
        assert numeric.method == "fft"
        exact = np.array([float(v) for v in make(exact_walk).coefficients(400).values])
        np.testing.assert_allclose(numeric.values, exact, rtol=0, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(p=st.floats(0.01, 0.99), r=st.integers(-5, 5).filter(bool), start=st.integers(1, 5),
       extra=st.integers(1, 5), absorbed=st.sampled_from(["either", "zero", "target"]))
@example(p=0.5, r=1, start=1, extra=1, absorbed="either")  # gave -1.5e-17 at s^0
def test_fft_coefficients_are_exact_zeros_off_the_lattice_and_never_negative(
        p, r, start, extra, absorbed):
    walk, exact_walk = SimpleWalk(p), SimpleWalk(Fraction(p))
    lazy = Walk({-1: Fraction(1, 4), 1: Fraction(1, 2), 3: Fraction(1, 4)})
    for make, w, exact_w in [
            (return_pgf, walk, exact_walk), (first_return_pgf, walk, exact_walk),
            (lambda w: first_passage_pgf(w, r), walk, exact_walk),
            # target >= 3 from inside: every time on the lattice from the first is possible
            (lambda w: ruin_time_pgf(w, start, start + extra + 1, absorbed), walk, exact_walk),
            (lambda w: position_pgf(w, 3), walk, exact_walk),
            (lambda w: position_pgf(w, 2), Walk({k: float(v) for k, v in lazy.law.items()}),
             lazy)]:
        numeric = make(w).coefficients(40).values
        exact = np.array([float(v) for v in make(exact_w).coefficients(40).values])
        assert np.all(numeric >= 0)
        assert np.all(numeric[exact == 0] == 0)  # (tiny exact values may round to 0)
        np.testing.assert_allclose(numeric, exact, rtol=0, atol=1e-12)


def test_numeric_evaluation_matches_sympy():
    walk = SimpleWalk(0.3)
    s = sympy.Symbol("s")
    points = [0.0, 0.4, -0.9, 1.0, 0.5 + 0.5j]
    for pgf in (return_pgf(walk, s), first_return_pgf(walk, s), first_passage_pgf(walk, 2, s),
                first_passage_pgf(walk, -1, s), ruin_time_pgf(walk, 2, 6, variable=s),
                position_pgf(walk, 3, s)):
        for point in points:
            if point == 0 and pgf.kind == "position":
                continue
            expected = complex(pgf.expression.subs(s, point).evalf(30))
            assert abs(complex(pgf(point)) - expected) < 1e-14, (pgf.kind, point)


@pytest.mark.parametrize("p", [Fraction(1, 2), Fraction(3, 10), Fraction(4, 5)])
def test_values_at_one(p):
    walk = SimpleWalk(p)
    assert float(first_return_pgf(walk)(1.0)) == pytest.approx(float(walk.return_probability()),
                                                              abs=1e-15)
    for r in (1, 2, -2):
        assert float(first_passage_pgf(walk, r)(1.0)) == pytest.approx(
            float(walk.first_passage(r).prob_finite()), rel=1e-14)
    assert float(ruin_time_pgf(walk, 2, 5)(1.0)) == pytest.approx(1.0, rel=1e-15)


def test_symbolic_walk_evaluates_to_sympy():
    value = first_return_pgf(SimpleWalk(P))(sympy.Rational(1, 2))
    assert sympy.simplify(value - (1 - sympy.sqrt(1 - P * (1 - P)))) == 0


def test_coefficient_lookup():
    series = position_pgf(SimpleWalk(Fraction(1, 2)), 2).coefficients(5)
    assert series.coefficient(-2) == Fraction(1, 4)
    with pytest.raises(ValueError, match="power must be in"):
        series.coefficient(3)


# ---------------------------------------------------------------- bad input


def test_bad_input():
    walk = SimpleWalk(Fraction(1, 3))
    with pytest.raises(ValueError, match="r must be a non-zero integer"):
        first_passage_pgf(walk, 0)
    with pytest.raises(TypeError, match="r must be a non-zero integer"):
        first_passage_pgf(walk, 1.5)
    with pytest.raises(TypeError, match="needs a SimpleWalk"):
        return_pgf(Walk({-1: 0.5, 1: 0.5}))
    with pytest.raises(TypeError, match="walk must be a Walk"):
        step_pgf("walk")
    with pytest.raises(ValueError, match="n must be a non-negative integer"):
        position_pgf(walk, -1)
    with pytest.raises(ValueError, match="n_terms must be a positive integer"):
        first_return_pgf(walk).coefficients(0)
    with pytest.raises(ValueError, match="method"):
        coefficients(first_return_pgf(walk), 3, method="magic")
    with pytest.raises(TypeError, match="symbolic"):
        coefficients(first_return_pgf(SimpleWalk(P)), 3, method="fft")
    with pytest.raises(TypeError, match="float p"):
        coefficients(first_return_pgf(SimpleWalk(0.3)), 3, method="exact")
    with pytest.raises(TypeError, match="variable must be given"):
        coefficients(sympy.Symbol("s") ** 2, 3)
    with pytest.raises(TypeError, match="variable must be a sympy Symbol"):
        return_pgf(walk, "s")
    with pytest.raises(ValueError, match="s must not be NaN"):
        return_pgf(walk)(float("nan"))
    with pytest.raises(ValueError, match=r"start must be in \[0, target\]"):
        ruin_time_pgf(walk, 4, 3)
    with pytest.raises(ValueError, match="target must be a positive integer"):
        ruin_time_pgf(walk, 0, 0)
    with pytest.raises(ValueError, match="absorbed"):
        ruin_time_pgf(walk, 1, 3, absorbed="both")


@settings(max_examples=30, deadline=None)
@given(p=st.floats(0.01, 0.99), start=st.integers(1, 8), extra=st.integers(1, 8))
@example(p=0.5, start=1, extra=1)
def test_ruin_time_radius_is_the_inverse_spectral_radius_of_the_chain(p, start, extra):
    target = start + extra
    inside = np.diag(np.full(target - 2, p), -1) + np.diag(np.full(target - 2, 1 - p), 1)
    spectral = max(abs(np.linalg.eigvals(inside))) if target > 2 else 0.0
    radius = ruin_time_pgf(SimpleWalk(p), start, target).radius
    assert radius == (np.inf if spectral < 1e-12 else pytest.approx(1 / spectral, rel=1e-9))


@pytest.mark.parametrize("make", [return_pgf, first_return_pgf,
                                  lambda w: first_passage_pgf(w, 2)])
def test_series_radius_from_the_coefficients(make):
    # Cauchy-Hadamard on the exact coefficients: c_(n+2) / c_n -> 4pq = 1 / radius^2
    g = make(SimpleWalk(Fraction(3, 10)))
    values = g.coefficients(402).values
    even = 400 if values[400] else 401
    assert float(values[even] / values[even - 2]) == pytest.approx(g.radius**-2, rel=1e-2)


@pytest.mark.parametrize(("g", "s"), [
    (first_passage_pgf(SimpleWalk(0.5), 1), 2.0),  # gave 0.5, the real part of a continuation
    (first_return_pgf(SimpleWalk(0.3)), [0.5, 1.2]),
    (return_pgf(SimpleWalk(0.5)), 1.0 + 1e-9),
    (ruin_time_pgf(SimpleWalk(0.3), 2, 5), 1.4j),
])
def test_evaluation_outside_the_radius_is_refused(g, s):
    with pytest.raises(ValueError, match=r"s must satisfy \|s\| <= .*radius of convergence"):
        g(s)


def test_evaluation_on_the_circle_of_convergence():
    fair = SimpleWalk(0.5)
    assert first_passage_pgf(fair, 1)(1.0) == 1.0 and first_passage_pgf(fair, 1)(-1.0) == -1.0
    assert return_pgf(fair)(1.0) == np.inf  # recurrent: infinitely many returns expected
    assert position_pgf(SimpleWalk(0.3), 3).radius == np.inf
    assert position_pgf(SimpleWalk(0.3), 3)(5.0) == pytest.approx((0.3 * 5 + 0.7 / 5) ** 3)
