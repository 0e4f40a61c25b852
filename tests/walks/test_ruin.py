"""Gambler's ruin: closed forms against linear algebra, path enumeration and simulation."""

import itertools
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mathkit.walks import SimpleWalk, Walk, sample_paths
from mathkit.walks import ruin as ruin_module
from mathkit.walks.ruin import Ruin

exact_ps = st.fractions(min_value=Fraction(1, 20), max_value=Fraction(19, 20), max_denominator=20)


@st.composite
def games(draw, max_target=10):
    target = draw(st.integers(1, max_target))
    start = draw(st.integers(0, target))
    return draw(exact_ps), start, target


def _chain_solution(p, start, target):
    """Ruin probability and E[T] by solving the absorbing chain's linear systems in sympy."""
    p = sympy.Rational(p.numerator, p.denominator)
    if start in (0, target):
        return Fraction(int(start == 0)), Fraction(0)
    size = target - 1
    matrix = sympy.zeros(size, size)
    for i in range(size):
        matrix[i, i] = 1
        if i + 1 < size:
            matrix[i, i + 1] = -p
        if i > 0:
            matrix[i, i - 1] = -(1 - p)
    ruin_right = sympy.Matrix([1 - p if i == 0 else 0 for i in range(size)])
    ruin = matrix.LUsolve(ruin_right)[start - 1]
    duration = matrix.LUsolve(sympy.ones(size, 1))[start - 1]
    return Fraction(int(ruin.p), int(ruin.q)), Fraction(int(duration.p), int(duration.q))


@settings(max_examples=40, deadline=None)
@given(game=games())
@example(game=(Fraction(1, 2), 3, 7))
@example(game=(Fraction(1, 2), 0, 1))
def test_probabilities_and_duration_against_the_chain(game):
    p, start, target = game
    ruin = SimpleWalk(p).ruin(start, target)
    expected_ruin, expected_duration = _chain_solution(p, start, target)
    assert ruin.ruin_probability() == expected_ruin
    assert ruin.win_probability() == 1 - expected_ruin
    assert ruin.ruin_probability() + ruin.win_probability() == 1
    assert ruin.expected_duration() == expected_duration


@settings(max_examples=25, deadline=None)
@given(game=games(max_target=8))
def test_duration_law_sums_to_one_and_has_the_mean(game):
    p, start, target = game
    ruin = SimpleWalk(p).ruin(start, target)
    law = ruin.duration()
    table = law.table()
    total = sum(table.probabilities, Fraction(0))
    assert total + table.omitted_mass == 1
    assert table.omitted_mass == law.tail_mass
    assert law.tail_mass < 1e-15 or law.n_max == 4000
    mean = sum((int(t) * v for t, v in zip(table.values, table.probabilities, strict=True)),
               Fraction(0))
    # the tail beyond n_max holds less than 1e-15 of mass, decaying geometrically
    assert abs(mean - ruin.expected_duration()) <= 1e-10 * max(1, ruin.expected_duration())
    second = sum((int(t) ** 2 * v for t, v in zip(table.values, table.probabilities,
                                                   strict=True)), Fraction(0))
    assert abs(second - mean**2 - law.var()) <= 1e-9 * max(1, law.var())


def test_duration_pmf_by_path_enumeration():
    p, start, target, n = Fraction(3, 7), 3, 6, 12
    brute = {}
    for steps in itertools.product((1, -1), repeat=n):
        weight = math.prod((p if s == 1 else 1 - p) for s in steps)
        x = start
        for t, step in enumerate(steps, start=1):
            x += step
            if x in (0, target):
                brute[t] = brute.get(t, 0) + weight
                break
    law = SimpleWalk(p).ruin(start, target).duration()
    for t in range(n + 1):
        assert law.pmf(t) == brute.get(t, 0)
    assert law.sf(n) == 1 - sum(brute.values())


@pytest.mark.parametrize(("p", "start", "target"), [
    (Fraction(2, 5), 3, 5), (Fraction(1, 2), 4, 9), (Fraction(3, 4), 1, 6)])
def test_pgf_coefficients_and_moments(p, start, target):
    ruin = SimpleWalk(p).ruin(start, target)
    law = ruin.duration()
    pgf = ruin.duration_pgf()
    assert list(pgf.coefficients(40).values) == [law.pmf(t) for t in range(40)]
    s = pgf.variable
    expression = pgf.expression
    assert expression.subs(s, 1) == 1
    mean = sympy.diff(expression, s).subs(s, 1)
    assert mean == sympy.Rational(ruin.expected_duration())
    mean_pgf, var_pgf = law.pgf_moments()
    assert var_pgf == sympy.Rational(law.var())
    assert mean_pgf == mean


def test_ruin_and_win_pgfs_at_one():
    ruin = SimpleWalk(Fraction(2, 5)).ruin(3, 5)
    zero = ruin.duration_pgf("zero")
    assert zero.expression.subs(zero.variable, 1) == ruin.ruin_probability()


@pytest.mark.parametrize("p", [0.3, 0.5, 0.5 + 2.0**-30, 0.49, 0.9, 0.999, 1e-3])
@pytest.mark.parametrize(("start", "target"), [(3, 10), (1, 2), (500, 1000), (7, 20_000)])
def test_float_probabilities_are_accurate(p, start, target):
    ruin = SimpleWalk(p).ruin(start, target)
    exact = Ruin(SimpleWalk(Fraction(p)), start, target)
    for got, expected in ((ruin.ruin_probability(), exact.ruin_probability()),
                          (ruin.win_probability(), exact.win_probability())):
        expected = float(expected)
        assert got == pytest.approx(expected, rel=1e-13, abs=1e-300)
    assert ruin.expected_duration() == pytest.approx(float(exact.expected_duration()),
                                                     rel=1e-13)


@pytest.mark.parametrize("p", [0.5 + 1e-9, 0.4999999, 0.5 - 2e-6, 0.4999, 0.6, 0.3, 0.01])
@pytest.mark.parametrize(("start", "target"), [
    (70_000, 200_000), (199_990, 200_000), (1, 10**6), (5 * 10**5, 10**6)])
def test_float_large_games_against_mpmath(p, start, target):
    with mpmath.workdps(60):
        pp = mpmath.mpf(p)
        r = (1 - pp) / pp
        ruin = (r**start - r**target) / (1 - r**target)
        duration = (start - target * (1 - ruin)) / (1 - 2 * pp)
        game = SimpleWalk(p).ruin(start, target)
        if ruin > 1e-300:
            assert abs(game.ruin_probability() / ruin - 1) < 1e-13
        if 1 - ruin > 1e-300:
            assert abs(game.win_probability() / (1 - ruin) - 1) < 1e-13
        assert abs(game.expected_duration() / duration - 1) < 1e-14


def test_float_expected_duration_past_the_exact_cutoff():
    p, start, target = 0.6, 40_000, 50_000
    got = SimpleWalk(p).ruin(start, target).expected_duration()
    # win is certain to ~(2/3)^40000: E[T] = (N - a) / (p - q) to rounding
    assert got == pytest.approx((target - start) / (2 * p - 1), rel=1e-12)


def test_float_duration_against_exact():
    p, start, target = 0.4, 5, 12
    numeric = SimpleWalk(p).ruin(start, target).duration()
    exact = SimpleWalk(Fraction(p)).ruin(start, target).duration(n_max=400)
    times = np.arange(0, 400)
    expected = np.array([float(v) for v in exact.pmf(times)])
    np.testing.assert_allclose(numeric.pmf(times), expected, rtol=1e-13, atol=0)
    np.testing.assert_allclose(numeric.sf(times), [float(v) for v in exact.sf(times)],
                               rtol=1e-12, atol=0)
    assert numeric.tail_mass < 1e-15
    assert math.fsum(numeric.table().probabilities) == pytest.approx(1.0, abs=1e-14)
    assert float(numeric.mean()) == pytest.approx(float(exact.mean()), rel=1e-14)
    assert float(numeric.var()) == pytest.approx(float(exact.var()), rel=1e-13)
    q = np.array([0.1, 0.5, 0.9, 0.999])
    quantiles = numeric.ppf(q)
    assert np.all(numeric.cdf(quantiles) >= q)
    assert np.all(numeric.cdf(quantiles - 1) < q)


def test_symbolic_p():
    p = sympy.Symbol("p", positive=True)
    ruin = SimpleWalk(p).ruin(2, 5)
    for value in (sympy.Rational(1, 3), sympy.Rational(1, 2), sympy.Rational(4, 5)):
        exact = SimpleWalk(value).ruin(2, 5)
        assert sympy.simplify(ruin.ruin_probability().subs(p, value)) == exact.ruin_probability()
        assert sympy.simplify(ruin.win_probability().subs(p, value)) == exact.win_probability()
        assert sympy.simplify(ruin.expected_duration().subs(p, value)) == (
            exact.expected_duration())
    with pytest.raises(TypeError, match="symbolic p"):
        ruin.duration()


def test_fair_game_closed_forms():
    for start, target in ((1, 2), (3, 10), (17, 40)):
        ruin = SimpleWalk(Fraction(1, 2)).ruin(start, target)
        assert ruin.ruin_probability() == 1 - Fraction(start, target)
        assert ruin.expected_duration() == start * (target - start)


def test_degenerate_games():
    assert SimpleWalk(Fraction(0)).ruin(3, 5).duration().pmf(3) == 1
    assert SimpleWalk(Fraction(1)).ruin(3, 5).duration().pmf(2) == 1
    assert SimpleWalk(Fraction(1)).ruin(3, 5).win_probability() == 1
    assert SimpleWalk(0.0).ruin(3, 5).ruin_probability() == 1.0
    assert SimpleWalk(0.0).ruin(3, 5).expected_duration() == 3.0
    law = SimpleWalk(0.3).ruin(0, 4).duration()
    assert law.pmf(0) == 1.0
    assert law.mean() == 0.0


def test_sympy_rational_p_stays_sympy():
    ruin = SimpleWalk(sympy.Rational(1, 3)).ruin(2, 4)
    assert isinstance(ruin.ruin_probability(), sympy.Rational)
    assert isinstance(ruin.duration().pmf(2), sympy.Rational)


def test_simulation_agrees():
    p, start, target, walks, steps = 0.45, 4, 10, 20_000, 400
    paths = start + sample_paths(SimpleWalk(p), steps, walks, rng=7)
    hit = (paths <= 0) | (paths >= target)
    first = np.argmax(hit, axis=1)
    assert hit.any(axis=1).mean() > 1 - 1e-3
    ruined = paths[np.arange(walks), first] <= 0
    ruin = SimpleWalk(p).ruin(start, target)
    probability = float(ruin.ruin_probability())
    assert abs(ruined.mean() - probability) < 4.5 * math.sqrt(probability * (1 - probability)
                                                               / walks)
    law = ruin.duration()
    sd = math.sqrt(float(law.var()) / walks)
    assert abs(first.mean() - float(ruin.expected_duration())) < 4.5 * sd


def test_bad_input():
    walk = SimpleWalk(Fraction(1, 3))
    with pytest.raises(ValueError, match=r"start must be in \[0, target\] = \[0, 5\], got 6"):
        walk.ruin(6, 5)
    with pytest.raises(ValueError, match="start must be in"):
        walk.ruin(-1, 5)
    with pytest.raises(ValueError, match="target must be a positive integer, got 0"):
        walk.ruin(0, 0)
    with pytest.raises(TypeError, match="start must be an integer"):
        walk.ruin(1.5, 5)
    with pytest.raises(TypeError, match="target must be a positive integer"):
        walk.ruin(1, "5")
    with pytest.raises(TypeError, match="needs a SimpleWalk"):
        Ruin(Walk({-1: 0.5, 1: 0.5}), 1, 3)
    with pytest.raises(ValueError, match="n_max must be a non-negative integer"):
        walk.ruin(1, 3).duration(n_max=-2)


def test_duration_refuses_games_too_large_for_its_chain(monkeypatch):
    with pytest.raises(ValueError, match="duration needs target <= 10,000,000"):
        SimpleWalk(0.5).ruin(3, 10**9).duration()
    monkeypatch.setattr(ruin_module, "MAX_EXACT_WORK", 10_000)
    law = SimpleWalk(Fraction(1, 2)).ruin(2, 100).duration(n_max=50)
    assert law.pmf(50) > 0
    with pytest.raises(ValueError, match="needs 102 more steps of 100 sites"):
        law.pmf(152)


def test_default_table_is_capped_by_work_and_says_what_it_left_out(monkeypatch):
    monkeypatch.setattr(ruin_module, "DEFAULT_EXACT_WORK", 3000)
    monkeypatch.setattr(ruin_module, "DEFAULT_WORK", 3000)
    exact = SimpleWalk(Fraction(1, 2)).ruin(10, 30).duration()
    numeric = SimpleWalk(0.5).ruin(10, 30).duration()
    assert exact.n_max == numeric.n_max == 3000 // 30
    # the mass still inside the chain after 100 steps, from Feller's spectral sum
    inside = sum(math.cos(math.pi * v / 30) ** 100 * math.sin(math.pi * v / 3) / math.tan(
        math.pi * v / 60) for v in range(1, 30, 2)) * 2 / 30
    assert float(exact.tail_mass) == pytest.approx(inside, rel=1e-12)
    assert numeric.tail_mass == pytest.approx(inside, rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(p=st.floats(0.05, 0.95), game=games(max_target=60))
@example(p=0.5, game=(None, 5000, 10_000))
def test_float_survival_never_grows_nor_exceeds_one(p, game):
    # found: the rounded sum of the chain's mass drifts (at target 10^4 it gave
    # P(T > 40000) = 1 + 1.6e-15); and with n_max given, pmf and sf indexed the chain
    # before growing it (IndexError)
    _, start, target = game
    law = SimpleWalk(p).ruin(start, target).duration(n_max=300)
    survival = law.sf(np.arange(301))
    assert np.all(survival <= 1.0) and np.all(np.diff(survival) <= 0)
    assert np.all(law.pmf(np.arange(301)) >= 0)


def test_ruin_time_law_against_fellers_spectral_formula():
    # P(T = n, ruin) = N^-1 2^n p^((n-a)/2) q^((n+a)/2)
    #                  sum_(v<N) cos^(n-1)(pi v/N) sin(pi v/N) sin(pi a v/N)   (Feller XIV.5)
    p, start, target = Fraction(2, 5), 5, 12
    exact = SimpleWalk(p).ruin(start, target).duration_pgf("zero").coefficients(120).values
    angles = np.pi * np.arange(1, target) / target
    pf = float(p)
    for n in range(start, 120):
        if (n - start) % 2:
            assert exact[n] == 0
            continue
        spectral = (2.0**n * pf ** ((n - start) / 2) * (1 - pf) ** ((n + start) / 2) / target
                    * math.fsum(np.cos(angles) ** (n - 1) * np.sin(angles)
                                * np.sin(start * angles)))
        assert spectral == pytest.approx(float(exact[n]), rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("p", [0.45, 0.5, 0.55, Fraction(11, 20)])
def test_absorbed_games_have_exact_probabilities(p):
    # started on a barrier: the game is over; no -0.0 from the float formulas
    for start, ruin in ((0, 1), (10, 0)):
        game = SimpleWalk(p).ruin(start, 10)
        assert game.ruin_probability() == ruin and game.win_probability() == 1 - ruin
        assert math.copysign(1, game.ruin_probability()) == 1
        assert math.copysign(1, game.win_probability()) == 1
