"""First passage and first return of the simple walk: brute force, properties, agreement."""

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from mathkit.walks import SimpleWalk, simulate
from mathkit.walks.passage import MAX_DEFAULT_STEPS, PassageTimeLaw

BRUTE_STEPS = 12


def _brute_first_times(p: Fraction, level: int, n: int) -> dict[int, Fraction]:
    """P(first k >= 1 with S_k = level is t), t <= n, over all 2^n paths."""
    q = 1 - p
    law: dict[int, Fraction] = {}
    for steps in itertools.product((1, -1), repeat=n):
        ups = steps.count(1)
        weight = p**ups * q ** (n - ups)
        position = 0
        for t, step in enumerate(steps, start=1):
            position += step
            if position == level:
                law[t] = law.get(t, Fraction(0)) + weight
                break
    return law


PS = [Fraction(1, 2), Fraction(3, 10), Fraction(2, 3), Fraction(1, 7)]


@pytest.mark.parametrize("p", PS)
@pytest.mark.parametrize("level", [1, 2, 3, -1, -2, 0])
def test_brute_force(p, level):
    walk = SimpleWalk(p)
    law = walk.first_return() if level == 0 else walk.first_passage(level)
    brute = _brute_first_times(p, level, BRUTE_STEPS)
    for t in range(0, BRUTE_STEPS + 1):
        assert law.pmf(t) == brute.get(t, 0), (p, level, t)
    assert law.cdf(BRUTE_STEPS) == sum(brute.values(), Fraction(0))
    # the float walk agrees with the exact one
    numeric = (SimpleWalk(float(p)).first_return() if level == 0
               else SimpleWalk(float(p)).first_passage(level))
    times = np.arange(0, BRUTE_STEPS + 1)
    exact = np.array([float(v) for v in law.pmf(times)])
    np.testing.assert_allclose(numeric.pmf(times), exact, rtol=1e-13, atol=0)
    np.testing.assert_allclose(numeric.cdf(times), [float(v) for v in law.cdf(times)],
                               rtol=1e-13, atol=0)


@pytest.mark.parametrize("p", [Fraction(3, 10), Fraction(1, 2), Fraction(7, 10)])
@pytest.mark.parametrize("level", [1, 3, -2, 0])
def test_prob_finite_and_table(p, level):
    walk = SimpleWalk(p)
    law = walk.first_return() if level == 0 else walk.first_passage(level)
    q = 1 - p
    if level == 0:
        expected = 1 - abs(p - q)
    elif (level > 0) == (p >= q) or p == q:
        expected = Fraction(1)
    else:
        expected = (p / q) ** level if level > 0 else (q / p) ** (-level)
    assert law.prob_finite() == expected
    table = law.table()
    total = sum(table.probabilities, Fraction(0))
    assert total + law.tail_mass == law.prob_finite()
    assert table.omitted_mass == 1 - total
    if p != Fraction(1, 2):
        assert law.tail_mass < Fraction(1, 10**15)
    # float: the table sums to prob_finite within the stated tail
    numeric = (SimpleWalk(float(p)).first_return() if level == 0
               else SimpleWalk(float(p)).first_passage(level))
    ntable = numeric.table()
    assert math.isclose(math.fsum(ntable.probabilities) + float(numeric.tail_mass),
                        float(numeric.prob_finite()), rel_tol=1e-13)
    if p != Fraction(1, 2):
        assert float(numeric.tail_mass) < 1e-14
    assert float(numeric.sf(-1)) == pytest.approx(float(expected), rel=1e-15)


def test_symmetric_cap_and_tail():
    law = SimpleWalk(0.5).first_passage(1)
    assert law.n_max == MAX_DEFAULT_STEPS - 1
    # P(T_1 > n) = P(S_n in {0, 1}) ~ sqrt(2 / (pi n))
    assert float(law.tail_mass) == pytest.approx(math.sqrt(2 / (math.pi * law.n_max)), rel=1e-3)
    assert law.mean() == np.inf
    assert law.rvs(3, rng=1).shape == (3,)


def test_sympy_rational_p():
    law = SimpleWalk(sympy.Rational(1, 3)).first_passage(-1)
    assert law.pmf(1) == sympy.Rational(2, 3)
    assert isinstance(law.pmf(3), sympy.Rational)
    assert law.prob_finite() == 1
    assert SimpleWalk(sympy.Rational(3, 10)).return_probability() == sympy.Rational(3, 5)
    assert SimpleWalk(sympy.Symbol("p")).return_probability().has(sympy.Abs)


def test_moments_and_pgf():
    p = Fraction(7, 10)
    law = SimpleWalk(p).first_passage(2)
    assert law.mean() == 2 / (p - (1 - p))
    table = law.table()
    values = table.values.astype(object)
    assert abs(float(sum(values * table.probabilities)) - float(law.mean())) < 1e-12
    mean2 = sum(values**2 * table.probabilities)
    assert abs(float(mean2 - law.mean() ** 2) - float(law.var())) < 1e-10
    numeric = SimpleWalk(0.7).first_passage(2)
    assert float(numeric.pgf(0.5)) == pytest.approx(
        float(sum(table.probabilities * np.array([Fraction(1, 2) ** int(v) for v in table.values],
                                                 dtype=object))), rel=1e-14)
    assert float(SimpleWalk(0.3).first_return().pgf(1.0)) == pytest.approx(0.6, rel=1e-15)
    assert sympy.simplify(law.pgf(1) - 1) == 0


def test_quantiles_defective():
    law = SimpleWalk(0.3).first_passage(1)  # prob_finite = 3/7
    assert float(law.ppf(0.2)) < np.inf
    assert law.ppf(0.5) == np.inf
    assert law.cdf(law.ppf(0.2)) >= 0.2
    exact = SimpleWalk(Fraction(3, 10)).first_passage(1)
    assert exact.ppf(0.5) == np.inf
    assert exact.ppf(0.2) == law.ppf(0.2)
    with pytest.raises(ValueError, match="defective"):
        law.rvs(2, rng=0)


def test_degenerate_p():
    assert SimpleWalk(1.0).first_passage(3).pmf(3) == 1.0
    assert SimpleWalk(0.0).first_passage(3).prob_finite() == 0.0
    assert SimpleWalk(Fraction(0)).first_return().prob_finite() == 0
    assert SimpleWalk(Fraction(1)).first_passage(2).mean() == 2


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 19).map(lambda k: Fraction(k, 20)), st.integers(1, 4),
       st.integers(0, 10))
def test_reflection_symmetry(p, r, i):
    """T_r under p has the law of T_{-r} under q."""
    t = r + 2 * i
    assert SimpleWalk(p).first_passage(r).pmf(t) == SimpleWalk(1 - p).first_passage(-r).pmf(t)
    assert (SimpleWalk(p).first_passage(r).prob_finite()
            == SimpleWalk(1 - p).first_passage(-r).prob_finite())
    assert SimpleWalk(p).first_return().cdf(t) == SimpleWalk(1 - p).first_return().cdf(t)


@settings(max_examples=30, deadline=None)
@given(st.floats(0.01, 0.99), st.integers(-5, 5).filter(bool))
def test_float_matches_exact(p, r):
    exact = SimpleWalk(Fraction(p)).first_passage(r, n_max=60)
    numeric = SimpleWalk(p).first_passage(r, n_max=60)
    times = np.arange(abs(r), 61, 2)
    expected = np.array([float(v) for v in exact.pmf(times)])
    np.testing.assert_allclose(numeric.pmf(times), expected, rtol=1e-12, atol=1e-300)
    assert math.isclose(float(numeric.cdf(60)), float(exact.cdf(60)), rel_tol=1e-12)


def test_bad_input():
    walk = SimpleWalk(0.5)
    with pytest.raises(ValueError, match="first_return"):
        walk.first_passage(0)
    with pytest.raises(TypeError, match="r must be a non-zero integer"):
        walk.first_passage(1.5)
    with pytest.raises(TypeError, match="r must be"):
        walk.first_passage(True)
    with pytest.raises(ValueError, match="n_max"):
        walk.first_passage(1, n_max=-1)
    with pytest.raises(TypeError, match="symbolic"):
        SimpleWalk(sympy.Symbol("p")).first_return()
    with pytest.raises(ValueError, match="NaN"):
        walk.first_return().pmf(np.nan)
    assert isinstance(walk.first_passage(np.int64(2)), PassageTimeLaw)


def test_return_probability():
    assert SimpleWalk(Fraction(3, 10)).return_probability() == Fraction(3, 5)
    assert SimpleWalk(0.3).return_probability() == pytest.approx(0.6, rel=1e-15)
    assert SimpleWalk(0.5).return_probability() == 1.0


@pytest.mark.parametrize("p", [0.5, 0.4])
def test_simulation_agrees(p):
    result = simulate(SimpleWalk(p), 50, 200_000, ["first_passage", "first_return", "maximum"],
                      level=3, rng=20261129)
    agreements = result.compare()
    assert set(agreements) >= {"first_passage", "first_return", "maximum", }
    for name in ("first_passage", "first_return", "maximum"):
        assert agreements[name].agrees, str(agreements[name])


def _log(value: Fraction) -> float:
    if value == 0:
        return -math.inf
    shift = value.numerator.bit_length() - value.denominator.bit_length()
    return math.log(float(value / Fraction(2) ** shift)) + shift * math.log(2)


@pytest.mark.parametrize(("p", "level"), [(Fraction(3, 10), 2), (Fraction(7, 10), 0),
                                          (Fraction(3, 5), -3), (Fraction(9, 10), 1)])
def test_sf_deep_tail(p, level):
    """sf sums the later terms: relative accuracy holds far beyond where 1 - cdf is noise."""
    exact = SimpleWalk(p).first_passage(level) if level else SimpleWalk(p).first_return()
    walk = SimpleWalk(float(p))
    numeric = walk.first_passage(level) if level else walk.first_return()
    k = np.array([1, 2, 3, 40, 401, 1000])
    want = np.array([_log(exact.sf(int(x))) for x in k])
    np.testing.assert_allclose(numeric.logsf(k), want, rtol=1e-13)
    np.testing.assert_allclose(numeric.sf(k[:4]), np.exp(want[:4]), rtol=1e-12)


@pytest.mark.parametrize(("p", "level"), [(0.5, 1), (0.7, 0), (0.01, 2), (0.999, -3)])
def test_float_accuracy_to_1000(p, level):
    """The stated accuracy: pmf within 2e-13 (relative), cdf within 1e-14, up to n = 1000."""
    exact_walk, walk = SimpleWalk(Fraction(p)), SimpleWalk(p)
    exact = exact_walk.first_passage(level, n_max=1001) if level else exact_walk.first_return(
        n_max=1001)
    numeric = walk.first_passage(level) if level else walk.first_return()
    k = np.arange(abs(level) if level else 2, 1001, 2)[::5]  # spread over the range
    want_pmf = np.array([float(v) for v in exact.pmf(k)])
    want_cdf = np.array([float(v) for v in exact.cdf(k)])
    normal = want_pmf > 1e-300
    np.testing.assert_allclose(numeric.pmf(k)[normal], want_pmf[normal], rtol=2e-13, atol=0)
    np.testing.assert_allclose(numeric.cdf(k), want_cdf, rtol=1e-14, atol=0)


@pytest.mark.parametrize("p", [2.225073858507203e-309, 5e-324, 1e-295, 1 - 2.0**-53])
@pytest.mark.parametrize("level", [1, -1, 0, -3])
def test_tiny_p_in_log_space(p, level):
    """p or q near or below the smallest normal double: logpmf still matches the exact law."""
    exact_walk, walk = SimpleWalk(Fraction(p)), SimpleWalk(p)
    exact = exact_walk.first_return() if level == 0 else exact_walk.first_passage(level)
    law = walk.first_return() if level == 0 else walk.first_passage(level)
    times = np.array([2, 4, 10, 100] if level == 0 else [abs(level) + 2 * i for i in (0, 1, 5, 60)])
    want = np.array([_log_of(v) for v in exact.pmf(times)])
    got = law.logpmf(times)
    assert np.all(np.abs(got - want) <= 1e-13 * np.maximum(1, np.abs(want)))


def _log_of(value: Fraction) -> float:
    shift = value.numerator.bit_length() - value.denominator.bit_length()
    return math.log(float(value / Fraction(2) ** shift)) + shift * math.log(2)


def test_pgf_outside_the_radius_of_convergence_is_refused():
    # fair walk: radius 1; the closed form at z = 2 gave 0.5, a continuation, not E[2^T]
    with pytest.raises(ValueError, match=r"z must satisfy \|z\| <= 1, the radius"):
        SimpleWalk(0.5).first_passage(1).pgf(2.0)
    biased = SimpleWalk(0.3).first_return()
    radius = 1 / (2 * math.sqrt(0.21))
    assert biased.pgf(radius) == pytest.approx(1.0)  # 1 - sqrt(1 - 4pq R^2) = 1
    with pytest.raises(ValueError, match="z must satisfy"):
        biased.pgf(1.01 * radius)


def test_exact_cdf_refuses_sums_too_long_to_finish():
    # found: cdf(10^6) with p = 1/3 summed a million growing Fractions (hours)
    law = SimpleWalk(Fraction(1, 3)).first_passage(2)
    assert law.cdf(1000) == law.prob_finite() - law.sf(1000)
    with pytest.raises(ValueError, match=r"up to 20000 steps with exact p \(use a float p"):
        law.sf(10**6)
    assert SimpleWalk(1 / 3).first_passage(2).sf(10**6) == 0.0  # float p: fine
