"""The law of S_n: exact identities, brute force, mpmath oracles, sampling."""

import itertools
import math
from fractions import Fraction

import mpmath as mp
import numpy as np
import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mathkit.walks import SimpleWalk, TabulatedLaw, Walk
from mathkit.walks.position import ExactSimplePosition, SimpleWalkPosition, WalkPosition
from tests.walks import _oracle

probabilities = st.floats(min_value=1e-6, max_value=1 - 1e-6)
exact_probabilities = st.fractions(min_value=0, max_value=1, max_denominator=50)


# ---------------------------------------------------------------- exact identities


def _brute_force(p: Fraction, n: int) -> dict[int, Fraction]:
    """The law of S_n by enumerating all 2^n paths (integer weights a^ups c^downs)."""
    a, c, d = p.numerator, p.denominator - p.numerator, p.denominator
    weights: dict[int, int] = {}
    for path in itertools.product((1, -1), repeat=n):
        ups = path.count(1)
        weights[sum(path)] = weights.get(sum(path), 0) + a**ups * c ** (n - ups)
    return {k: Fraction(w, d**n) for k, w in weights.items()}


@settings(max_examples=25)
@given(p=exact_probabilities, n=st.integers(0, 14))
def test_law_matches_enumeration_of_all_paths(p, n):
    law = SimpleWalk(p).position(n)
    expected = _brute_force(p, n)
    for k in range(-n - 1, n + 2):
        assert law.pmf(k) == expected.get(k, 0)


@given(p=exact_probabilities, n=st.integers(0, 8))
def test_pmf_equals_pgf_coefficients(p, n):
    z = sympy.Symbol("z")
    p_sym = sympy.Rational(p.numerator, p.denominator)
    expansion = sympy.expand((p_sym * z + (1 - p_sym) / z) ** n * z**n)  # shift to a polynomial
    polynomial = sympy.Poly(expansion, z)
    law = SimpleWalk(p).position(n)
    for k in range(-n, n + 1):
        assert law.pmf(k) == polynomial.coeff_monomial(z ** (k + n))


def test_symbolic_p_gives_sympy_expressions():
    p = sympy.Symbol("p")
    law = SimpleWalk(p).position(3)
    assert sympy.expand(law.pmf(1) - 3 * p**2 * (1 - p)) == 0
    assert law.pmf(0) == 0
    assert sympy.expand(law.cdf(1) - (1 - p**3)) == 0
    z = sympy.Symbol("z")
    assert sympy.simplify(law.pgf(z) - (p * z + (1 - p) / z) ** 3) == 0


@given(p=exact_probabilities, n=st.integers(0, 40))
def test_exact_pmf_sums_to_one_and_cdf_sf_complement(p, n):
    law = SimpleWalk(p).position(n)
    values = range(-n, n + 1, 2)
    assert sum(law.pmf(k) for k in values) == 1
    for k in (-n - 1, -n, 0, n - 1, n):
        assert law.cdf(k) + law.sf(k) == 1


@given(p=probabilities, n=st.integers(0, 400))
def test_pmf_sums_to_one(p, n):
    law = SimpleWalk(p).position(n)
    assert math.fsum(law.pmf(np.arange(-n, n + 1))) == pytest.approx(1.0, abs=1e-12)
    assert math.fsum(law.table().probabilities) == pytest.approx(1.0, abs=1e-12)


@given(p=probabilities, n=st.integers(1, 3000), data=st.data())
def test_table_equals_pmf(p, n, data):
    law = SimpleWalk(p).position(n)
    table = law.table()
    np.testing.assert_array_equal(table.values, np.arange(-n, n + 1, 2))
    k = data.draw(st.integers(0, n))
    direct = law.pmf(table.values[k])
    # both carry ~|log pmf| eps relative error where the deviance is far from its series range
    tolerance = max(1e-13, 1e-15 * abs(law.logpmf(table.values[k])))
    assert table.probabilities[k] == pytest.approx(direct, rel=tolerance, abs=1e-320)


# p = m / 2^30: then q = 1 - p is exact and 1 - q == p, so the two walks are mirror images
dyadic_probabilities = st.integers(1, 2**30 - 1).map(lambda m: m / 2**30)


@given(p=dyadic_probabilities, n=st.integers(0, 2000), k=st.integers(-2100, 2100))
@example(p=0.5, n=1, k=1)
def test_symmetry_p_and_q(p, n, k):
    up, down = SimpleWalk(p).position(n), SimpleWalk(1 - p).position(n)
    assert up.pmf(k) == pytest.approx(down.pmf(-k), rel=1e-13, abs=1e-300)
    assert up.logpmf(k) == pytest.approx(down.logpmf(-k), rel=1e-13)
    assert down.logcdf(-k - 1) == pytest.approx(up.logsf(k), rel=1e-12, abs=1e-300)


@given(p=probabilities, n=st.integers(1, 10**12), data=st.data())
def test_cdf_monotone_and_cdf_plus_sf_is_one(p, n, data):
    law = SimpleWalk(p).position(n)
    center = n * (2 * p - 1)
    spread = 2 * math.sqrt(n * p * (1 - p)) + 2
    ks = np.sort(np.array([
        data.draw(st.floats(center - 50 * spread, center + 50 * spread)) for _ in range(6)
    ] + [-n, n]))
    cdf, sf = law.cdf(ks), law.sf(ks)
    assert np.all(np.diff(cdf) >= -1e-15)
    assert np.all(np.diff(sf) <= 1e-15)
    np.testing.assert_allclose(cdf + sf, 1.0, rtol=0, atol=4e-16)


@given(p=probabilities, n=st.integers(1, 10**9), data=st.data())
def test_logs_are_logs(p, n, data):
    law = SimpleWalk(p).position(n)
    center = n * (2 * p - 1)
    spread = 2 * math.sqrt(n * p * (1 - p)) + 2
    k = 2 * round((data.draw(st.floats(center - 60 * spread, center + 60 * spread)) + n) / 2) - n
    k = min(max(k, -n), n)
    pmf, cdf, sf = law.pmf(k), law.cdf(k), law.sf(k)
    if pmf > 1e-300:
        assert law.logpmf(k) == pytest.approx(math.log(pmf), rel=1e-13, abs=1e-15)
    if cdf > 1e-300:
        assert law.logcdf(k) == pytest.approx(math.log(cdf), rel=1e-13, abs=1e-15)
    if sf > 1e-300:
        assert law.logsf(k) == pytest.approx(math.log(sf), rel=1e-13, abs=1e-15)


@given(p=exact_probabilities.filter(lambda f: 0 < f < 1), n=st.integers(1, 60))
def test_float_law_agrees_with_exact_law(p, n):
    exact = SimpleWalk(p).position(n)
    numeric = SimpleWalk(float(p)).position(n)
    # float(p) is not p: compare with the exact law of the float itself
    exact = SimpleWalk(Fraction(float(p))).position(n)
    ks = np.arange(-n, n + 1, 2)
    np.testing.assert_allclose(numeric.pmf(ks), [float(exact.pmf(int(k))) for k in ks],
                               rtol=1e-13, atol=0)
    np.testing.assert_allclose(numeric.cdf(ks), [float(exact.cdf(int(k))) for k in ks],
                               rtol=1e-13, atol=0)


# ---------------------------------------------------------------- mpmath oracle


ORACLE_NS = (10, 1000, 10**6, 10**9, 10**12)
ORACLE_PS = (0.5, 1e-3, 0.999, 0.3)
Z_GRID = (-40, -12, -3, -0.5, 0, 0.5, 3, 12, 40)


def _oracle_points(n: int, p: float) -> list[int]:
    """Numbers of up-steps K: the extremes, a grid in standard units, deep tails, random."""
    sd = math.sqrt(n * p * (1 - p))
    points = {0, 1, n - 1, n, n // 3, 2 * n // 3}
    points |= {math.floor(n * p + z * sd) for z in Z_GRID}
    rng = np.random.default_rng(n % 1000 + int(p * 1000))
    points |= {int(x) for x in rng.integers(0, n + 1, size=3)}
    return sorted(x for x in points if 0 <= x <= n)


@pytest.mark.parametrize("n", ORACLE_NS)
@pytest.mark.parametrize("p", ORACLE_PS)
def test_log_probabilities_against_mpmath(n, p):
    law = SimpleWalk(p).position(n)
    points = _oracle_points(n, p)
    ks = np.array([2.0 * x - n for x in points])
    logpmf, logcdf, logsf = law.logpmf(ks), law.logcdf(ks), law.logsf(ks)
    worst = {"logpmf": 0.0, "logcdf": 0.0, "logsf": 0.0}
    deep = 0
    for i, x in enumerate(points):
        reference = _oracle.logpmf(n, p, x)
        deep += reference < math.log(1e-300)
        worst["logpmf"] = max(worst["logpmf"], _oracle.relative_error(logpmf[i], reference))
        if x < n:
            ref_cdf, ref_sf = _oracle.log_cdf_sf(n, p, x)
            worst["logcdf"] = max(worst["logcdf"], _oracle.relative_error(logcdf[i], ref_cdf))
            worst["logsf"] = max(worst["logsf"], _oracle.relative_error(logsf[i], ref_sf))
        else:
            assert logcdf[i] == 0.0
            assert logsf[i] == -np.inf
    assert max(worst.values()) <= 1e-12, worst
    if n >= 1000:
        assert deep > 0  # the sample reaches where the pmf underflows


def test_extreme_values_in_closed_form():
    n = 10**12
    law = SimpleWalk(0.5).position(n)
    expected = -n * math.log(2)
    assert law.logpmf(n) == pytest.approx(expected, rel=1e-15)
    assert law.logpmf(-n) == pytest.approx(expected, rel=1e-15)
    assert law.logsf(n - 2) == pytest.approx(expected, rel=1e-15)
    assert law.logcdf(-n) == pytest.approx(expected, rel=1e-15)
    assert law.pmf(n) == 0.0 and law.logpmf(n + 2) == -np.inf


def test_oracle_methods_agree():
    """The oracle's two tail methods (term sums and quadrature) agree to 40 digits."""
    n, p, x = 10**6, 0.3, 298_000
    by_terms = _oracle.logpmf(n, p, x) + mp.log(_oracle.ratio_sum(n, p, x, True, 10**6))
    by_quadrature = mp.log(_oracle.beta_integral(n, p, x, True))
    assert abs(by_terms - by_quadrature) < mp.mpf(10) ** -40 * abs(by_terms)


def test_large_n_pmf_relative_accuracy():
    n, p = 10**7, 0.3
    law = SimpleWalk(p).position(n)
    sd = math.sqrt(n * p * (1 - p))
    points = [math.floor(n * p + z * sd) for z in (-37, -20, -5, 0, 5, 20, 37)]
    for x in points:
        reference = mp.exp(_oracle.logpmf(n, p, x))
        assert _oracle.relative_error(law.pmf(2 * x - n), reference) <= 1e-13


# ---------------------------------------------------------------- moments


@given(p=probabilities, n=st.integers(0, 10**6))
def test_mean_and_variance(p, n):
    law = SimpleWalk(p).position(n)
    assert law.mean() == pytest.approx(n * (2 * p - 1), rel=1e-14, abs=1e-12)
    assert law.var() == pytest.approx(4 * n * p * (1 - p), rel=1e-14)


def test_moments_from_pgf_agree_with_numeric_moments():
    p = sympy.Symbol("p")
    mean, var = SimpleWalk(p).position(7).pgf_moments()
    assert sympy.simplify(mean - 7 * (2 * p - 1)) == 0
    assert sympy.simplify(var - 28 * p * (1 - p)) == 0
    for value in (0.1, 0.5, 0.77):
        numeric = SimpleWalk(value).position(7)
        assert float(mean.subs(p, value)) == pytest.approx(numeric.mean(), rel=1e-14)
        assert float(var.subs(p, value)) == pytest.approx(numeric.var(), rel=1e-14)
    walk = Walk({-2: 0.2, 0: 0.5, 3: 0.3})
    law = walk.position(50)
    pgf_mean, pgf_var = law.pgf_moments()
    assert float(pgf_mean) == pytest.approx(law.mean(), rel=1e-12)
    assert float(pgf_var) == pytest.approx(law.var(), rel=1e-12)
    table = law.table()
    assert math.fsum(table.values * table.probabilities) == pytest.approx(law.mean(), rel=1e-12)


def test_pgf_numeric_matches_table():
    law = SimpleWalk(0.3).position(20)
    table = law.table()
    for z in (0.5, 1.0, 1.7, 0.3 + 0.4j):
        direct = np.sum(table.probabilities * np.asarray(z, dtype=complex) ** table.values)
        assert law.pgf(z) == pytest.approx(direct, rel=1e-12)


# ---------------------------------------------------------------- general step laws


def _trinomial_reference(n: int, ks) -> dict[int, float]:
    """P(S_n = k) for steps {-1: 1/2, 0: 1/4, 1: 1/4}, exactly (then rounded).

    The coefficients c_k of (2 + z + z^2)^n satisfy
    (k + 1) 2 c_{k+1} = (n - k) c_k + (2n - k + 1) c_{k-1}.
    """
    wanted, top, scale = set(ks), max(ks), 4**n
    previous, current = 0, 2**n
    out = {0: current / scale} if 0 in wanted else {}
    for k in range(top):
        following = ((n - k) * current + (2 * n - k + 1) * previous) // (2 * (k + 1))
        previous, current = current, following
        if k + 1 in wanted:
            out[k + 1] = current / scale
    return {k - n: v for k, v in out.items()}


def test_three_point_law_by_fft_against_exact_arithmetic():
    n = 10**5
    law = Walk({-1: 0.5, 0: 0.25, 1: 0.25}).position(n)
    mode = round(n * 0.75)  # of the shifted sum on 0..2n
    shifted = sorted({*range(mode - 2500, mode + 2500, 37), *range(0, 2 * n // 3, 9973),
                      mode - 6000, mode + 6000})
    reference = _trinomial_reference(n, shifted)
    ks = np.array(sorted(reference))
    error = np.max(np.abs(law.pmf(ks) - np.array([reference[k] for k in ks])))
    assert error <= 1e-15
    assert np.all(law.pmf(np.arange(-n, n + 1)) >= 0)
    assert math.fsum(law.table().probabilities) == pytest.approx(1.0, abs=1e-14)


step_laws = st.dictionaries(st.integers(-4, 4), st.integers(1, 6), min_size=1, max_size=4).map(
    lambda weights: {s: Fraction(w, sum(weights.values())) for s, w in weights.items()})


@given(law=step_laws, n=st.integers(0, 6))
def test_exact_powering_matches_enumeration(law, n):
    walk = Walk(law)
    position = walk.position(n)
    expected: dict[int, Fraction] = {}
    for path in itertools.product(law.items(), repeat=n):
        value = sum(step for step, _ in path)
        weight = math.prod((w for _, w in path), start=Fraction(1))
        expected[value] = expected.get(value, 0) + weight
    low, high = position.support()
    for k in range(low - 1, high + 2):
        assert position.pmf(k) == expected.get(k, 0)


@given(law=step_laws, n=st.integers(0, 40))
def test_float_powering_matches_exact(law, n):
    exact = Walk(law).position(n)
    numeric = Walk({s: float(v) for s, v in law.items()}).position(n)
    low, high = exact.support()
    ks = np.arange(low - 2, high + 3)
    expected = np.array([float(exact.pmf(int(k))) for k in ks])
    assert np.max(np.abs(numeric.pmf(ks) - expected)) <= 1e-15
    assert numeric.mean() == pytest.approx(float(exact.mean()), rel=1e-12, abs=1e-12)


def test_lattice_span_is_used():
    law = Walk({-3: 0.5, 3: 0.5}).position(3)
    assert law.support() == (-9, 9)
    assert law.span == 6
    np.testing.assert_allclose(law.pmf([-9, -3, 0, 3, 9]), [0.125, 0.375, 0, 0.375, 0.125],
                               atol=1e-16)


def test_representations():
    assert isinstance(SimpleWalk(0.3).position(5), SimpleWalkPosition)
    assert isinstance(SimpleWalk(Fraction(1, 3)).position(5), ExactSimplePosition)
    assert isinstance(Walk({0: 0.5, 2: 0.5}).position(5), WalkPosition)
    degenerate = SimpleWalk(1.0).position(7)
    assert degenerate.pmf(7) == 1.0 and degenerate.pmf(5) == 0.0
    assert SimpleWalk(0.0).position(7).cdf(-7) == 1.0
    assert SimpleWalk(0.4).position(0).pmf(0) == 1.0
    assert SimpleWalk(Fraction(0)).position(3).pmf(-3) == 1
    assert isinstance(SimpleWalk(0.0).position(7), TabulatedLaw)


def test_exact_sympy_rational_p():
    law = SimpleWalk(sympy.Rational(1, 3)).position(4)
    assert law.pmf(0) == sympy.Rational(24, 81)
    assert isinstance(law.pmf(0), sympy.Rational)
    assert law.mean() == sympy.Rational(-4, 3)


# ---------------------------------------------------------------- sampling


def test_rvs_is_deterministic_and_index_based():
    law = SimpleWalk(0.3).position(25)
    first = law.rvs(1000, rng=7)
    np.testing.assert_array_equal(first, law.rvs(1000, rng=7))
    np.testing.assert_array_equal(first[:10], law.rvs(10, rng=7))
    assert not np.array_equal(first, law.rvs(1000, rng=8))
    assert law.rvs((4, 5), rng=1).shape == (4, 5)
    assert isinstance(law.rvs(rng=1), np.integer)
    assert np.all((first + 25) % 2 == 0)


def test_rvs_frequencies_match_pmf():
    from scipy import stats

    law = SimpleWalk(0.3).position(20)
    samples = law.rvs(20_000, rng=2026)
    values, counts = np.unique(samples, return_counts=True)
    expected = 20_000 * law.pmf(values)
    keep = expected >= 5
    observed = np.append(counts[keep], counts[~keep].sum())
    wanted = np.append(expected[keep], 20_000 - expected[keep].sum())
    assert stats.chisquare(observed, wanted).pvalue > 1e-4


def test_rvs_large_n_inverts_the_cdf():
    from mathkit._random import key_from_rng, uniform53

    law = SimpleWalk(1e-3).position(10**12)
    samples = law.rvs(200, rng=5)
    u = uniform53(key_from_rng(5), np.arange(200, dtype=np.uint64))[:, 0]
    assert np.all(law.cdf(samples) >= u)
    assert np.all(law.cdf(samples - 2) < u)


def test_general_and_exact_laws_sample_the_same_values():
    walk = Walk({-1: Fraction(1, 2), 0: Fraction(1, 4), 2: Fraction(1, 4)})
    exact = walk.position(6).rvs(300, rng=3)
    numeric = Walk({-1: 0.5, 0: 0.25, 2: 0.25}).position(6).rvs(300, rng=3)
    np.testing.assert_array_equal(exact, numeric)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("n", [-1, -10])
def test_negative_n(n):
    with pytest.raises(ValueError, match="n must be a non-negative integer"):
        SimpleWalk(0.5).position(n)


@pytest.mark.parametrize("n", [1.5, 2.0, "3", None, True])
def test_non_integer_n(n):
    with pytest.raises(TypeError, match="n must be a non-negative integer"):
        SimpleWalk(0.5).position(n)


def test_too_large_n_for_float_p():
    with pytest.raises(ValueError, match=r"n must be at most 2\*\*53"):
        SimpleWalk(0.5).position(2**53 + 1)


@pytest.mark.parametrize(("walk", "n", "terms"), [
    (SimpleWalk(Fraction(1, 3)), 10**5, 100_001),  # found: built for minutes, silently
    (SimpleWalk(sympy.Symbol("p")), 10_001, 10_002),
    (Walk({-1: Fraction(1, 4), 0: Fraction(1, 4), 2: Fraction(1, 2)}), 2001, 6004),
])
def test_exact_laws_too_large_to_tabulate_are_refused(walk, n, terms):
    with pytest.raises(ValueError, match=f"n = {n} is too large for an exact law: it would "
                                         f"hold {terms} exact probabilities"):
        walk.position(n)


def test_nan_arguments():
    law = SimpleWalk(0.5).position(10)
    for method in (law.pmf, law.logpmf, law.cdf, law.logcdf, law.sf, law.logsf):
        with pytest.raises(ValueError, match="k must not be NaN"):
            method([0.0, float("nan")])
    for method in (law.ppf, law.isf):
        with pytest.raises(ValueError, match="q must not be NaN"):
            method(float("nan"))
    with pytest.raises(ValueError, match=r"q must be in \[0, 1\], got 1.5"):
        law.ppf(1.5)
