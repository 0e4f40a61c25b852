"""Last zero and time positive of the simple walk: brute force, arcsine laws, limits."""

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from mathkit.testing import simple_walks
from mathkit.walks import (
    PathLaw,
    SimpleWalk,
    arcsine_cdf,
    arcsine_distance,
    arcsine_pdf,
    half_normal_cdf,
    half_normal_distance,
    simulate,
)
from mathkit.walks.agreement import compare_counts
from mathkit.walks.extremes import MAX_EXACT_PATH_STEPS

BRUTE_STEPS = 12
PS = [Fraction(1, 2), Fraction(3, 10), Fraction(2, 3), Fraction(1, 9), Fraction(0), Fraction(1)]


def _brute(p: Fraction, n: int) -> tuple[dict, dict]:
    """Laws of the last zero and of the (Feller) time positive over all 2^n paths."""
    q = 1 - p
    last, positive = {}, {}
    for steps in itertools.product((1, -1), repeat=n):
        weight = p ** steps.count(1) * q ** steps.count(-1)
        path = list(itertools.accumulate(steps, initial=0))
        zero = max(k for k in range(n + 1) if path[k] == 0)
        up = sum(1 for k in range(1, n + 1) if path[k] > 0 or path[k - 1] > 0)
        last[zero] = last.get(zero, 0) + weight
        positive[up] = positive.get(up, 0) + weight
    return last, positive


def _u(m: int) -> Fraction:
    """u_m = P(S_m = 0) for p = 1/2."""
    return Fraction(math.comb(m, m // 2), 2**m) if m % 2 == 0 else Fraction(0)


@pytest.mark.parametrize("p", PS)
@pytest.mark.parametrize("n", [0, 1, 2, 3, 6, 9, BRUTE_STEPS])
def test_brute_force(p, n):
    last, positive = _brute(p, n)
    values = np.arange(n + 1)
    for method, brute in (("last_zero", last), ("time_positive", positive)):
        law = getattr(SimpleWalk(p), method)(n)
        assert isinstance(law, PathLaw) and law.statistic == method and law.n == n
        assert [law.pmf(k) for k in range(n + 1)] == [brute.get(k, 0) for k in range(n + 1)]
        numeric = getattr(SimpleWalk(float(p)), method)(n)
        expected = [float(brute.get(k, 0)) for k in range(n + 1)]
        np.testing.assert_allclose(numeric.pmf(values), expected, rtol=1e-13, atol=0)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 60))
@example(40)
def test_discrete_arcsine_law(m):
    """p = 1/2: P(L_2m = 2k) = P(N_2m = 2k) = u_2k u_{2m-2k}, symmetric in k <-> m - k."""
    walk = SimpleWalk(Fraction(1, 2))
    expected = [_u(2 * k) * _u(2 * m - 2 * k) for k in range(m + 1)]
    assert list(walk.last_zero(2 * m).probabilities) == expected
    assert list(walk.time_positive(2 * m).probabilities) == expected
    assert expected == expected[::-1]


@settings(max_examples=25, deadline=None)
@given(simple_walks(exact=True), st.integers(0, 40))
@example(SimpleWalk(Fraction(3, 10)), 33)
def test_symmetry_p_q(walk, n):
    """p <-> q: the last zero keeps its law; the time positive N becomes n - N."""
    mirror = SimpleWalk(1 - walk.p)
    assert walk.last_zero(n).probabilities == mirror.last_zero(n).probabilities
    ks = range(n + 1)
    assert [walk.time_positive(n).pmf(k) for k in ks] == [
        mirror.time_positive(n).pmf(n - k) for k in ks]


@settings(max_examples=30, deadline=None)
@given(simple_walks(exact=True, allow_degenerate=True), st.integers(0, 40))
@example(SimpleWalk(Fraction(1, 2)), 0)
def test_exact_laws_are_laws(walk, n):
    for law in (walk.last_zero(n), walk.time_positive(n)):
        assert sum(law.probabilities) == 1
        assert all(v >= 0 for v in law.probabilities)
        ks = np.arange(-1, n + 2)
        cdf, sf = law.cdf(ks), law.sf(ks)
        assert all(a <= b for a, b in itertools.pairwise(cdf))
        assert all(c + s == 1 for c, s in zip(cdf, sf, strict=True))


@settings(max_examples=30, deadline=None)
@given(simple_walks(), st.integers(0, 300))
@example(SimpleWalk(2.225073858507203e-309), 2)
@example(SimpleWalk(2.3288822453173938e-35), 1)
def test_float_laws_are_laws(walk, n):
    for law in (walk.last_zero(n), walk.time_positive(n)):
        assert math.isclose(math.fsum(law.probabilities), 1.0, rel_tol=1e-12)
        ks = np.arange(n + 1)
        assert np.all(np.diff(law.cdf(ks)) >= 0)
        np.testing.assert_allclose(law.cdf(ks) + law.sf(ks), 1.0, rtol=1e-13)
        finite = law.pmf(ks) > 1e-300  # log of a subnormal pmf has lost digits
        np.testing.assert_allclose(law.logpmf(ks)[finite], np.log(law.pmf(ks)[finite]),
                                   rtol=1e-13, atol=1e-15)


def _log(value: Fraction) -> float:
    if value == 0:
        return -math.inf
    shift = value.numerator.bit_length() - value.denominator.bit_length()
    return math.log(float(value / Fraction(2) ** shift)) + shift * math.log(2)


@pytest.mark.parametrize("p", [0.3, 0.5, 0.77, 0.02, 0.4999])
@pytest.mark.parametrize("method", ["last_zero", "time_positive"])
def test_float_matches_exact(p, method):
    """Float laws hold 1e-12 relative accuracy in log space, deep tails included (n = 300)."""
    n = 300
    exact = getattr(SimpleWalk(Fraction(p)), method)(n)
    numeric = getattr(SimpleWalk(p), method)(n)
    logs = np.array([_log(v) for v in exact.probabilities])
    got = numeric.logpmf(exact.values)
    finite = np.isfinite(logs)
    assert np.all(np.abs(got[finite] - logs[finite]) <= 1e-12 * np.maximum(1, np.abs(logs[finite])))
    assert np.all(got[~finite] == -np.inf)


@pytest.mark.parametrize("p", [0.3, 0.5, 0.02])
def test_log_tails_match_exact(p):
    """logcdf and logsf summed in log space: accurate where cdf or sf underflow (n = 300)."""
    n = 300
    for method in ("last_zero", "time_positive"):
        exact = getattr(SimpleWalk(Fraction(p)), method)(n)
        numeric = getattr(SimpleWalk(p), method)(n)
        values = exact.values[:-1]
        cdf = list(itertools.accumulate(exact.probabilities))[:-1]
        sf = list(itertools.accumulate(exact.probabilities[::-1]))[::-1][1:]
        for name, tail in (("cdf", cdf), ("sf", sf)):
            logs = np.array([_log(v) for v in tail])
            got = getattr(numeric, "log" + name)(values)
            finite = np.isfinite(logs)
            assert np.all(np.abs(got[finite] - logs[finite])
                          <= 1e-12 * np.maximum(1, np.abs(logs[finite]))), (method, name)
            assert np.all(got[~finite] == -np.inf)


def test_large_n_float():
    for law in (SimpleWalk(0.5).last_zero(10**5), SimpleWalk(0.3).time_positive(10**5 + 1)):
        assert math.isclose(math.fsum(law.probabilities), 1.0, rel_tol=1e-12)
    # p = 0.3: P(L >= 2k) <= sum_{j >= k} u_2j <= (4pq)^k / (1 - 4pq), 4pq = 0.84
    tail = float(SimpleWalk(0.3).last_zero(10**5).sf(199))
    assert 0 < tail <= 0.84**100 / 0.16


def test_sympy_rational():
    law = SimpleWalk(sympy.Rational(1, 2)).last_zero(2)
    assert law.probabilities == (sympy.Rational(1, 2), sympy.Rational(1, 2))


def test_simulation_agrees():
    """The laws describe simulate()'s statistics (last zero 0 if no return; Feller's count)."""
    walk, n = SimpleWalk(0.4), 25
    result = simulate(walk, n, 50_000, ["last_zero", "time_positive"], rng=7, backend="numpy")
    for name, law in (("last_zero", walk.last_zero(n)), ("time_positive", walk.time_positive(n))):
        counts = result[name]
        assert compare_counts(name, counts.values, counts.counts, law).agrees, name


# ---------------------------------------------------------------- limits


def test_arcsine_cdf_and_pdf():
    assert float(arcsine_cdf(0.25)) == pytest.approx(1 / 3, rel=1e-15)  # (2/pi) arcsin(1/2)
    np.testing.assert_allclose(arcsine_cdf([-1.0, 0.0, 0.5, 1.0, 2.0]), [0, 0, 0.5, 1, 1])
    x = np.array([1e-12, 0.1, 0.3, 0.9, 1 - 1e-9])
    np.testing.assert_allclose(arcsine_cdf(x), stats.arcsine.cdf(x), rtol=1e-9)
    for point in (0.1, 0.5, 0.8):
        value, _ = integrate.quad(arcsine_pdf, 0, point)
        assert value == pytest.approx(float(arcsine_cdf(point)), rel=1e-8)
    assert float(arcsine_pdf(1.5)) == 0.0
    # the tail below 1/2 keeps its relative accuracy: F(x) ~ (2/pi) sqrt(x)
    assert float(arcsine_cdf(1e-30)) == pytest.approx(2 / math.pi * 1e-15, rel=1e-14)


def test_arcsine_local_limit():
    """n P(L_2n = 2k) ~ f(k/n) in the bulk, for p = 1/2 (u_2k ~ 1/sqrt(pi k))."""
    n = 2000
    law = SimpleWalk(0.5).last_zero(2 * n)
    k = np.arange(200, 1801, 100)
    np.testing.assert_allclose(n * law.pmf(2 * k), arcsine_pdf(k / n), rtol=5e-3)


def test_half_normal_cdf():
    x = np.array([-1.0, 0.0, 0.3, 1.0, 5.0])
    np.testing.assert_allclose(half_normal_cdf(x), stats.halfnorm.cdf(x), rtol=1e-14, atol=0)


@pytest.mark.parametrize("method", ["last_zero", "time_positive"])
def test_arcsine_distance_falls(method):
    distances = [arcsine_distance(10**e, method).max_abs_error for e in (2, 4)]
    assert distances[1] < distances[0] / 5  # like 1/sqrt(n)
    result = arcsine_distance(10**4, method)
    # the largest jump of the discrete law bounds the distance below (by half of it)
    law = SimpleWalk(0.5).last_zero(10**4)
    assert result.max_abs_error >= float(law.probabilities.max()) / 2
    assert result.n == 10**4 and 0 <= result.at <= 1


def test_half_normal_distance_falls():
    small, large = half_normal_distance(100), half_normal_distance(10**4)
    assert large.max_abs_error < small.max_abs_error / 5
    # at n = 10^4 the maximum is within 0.01 of the half-normal law everywhere
    assert large.max_abs_error < 0.01


def test_bad_input():
    walk = SimpleWalk(0.4)
    for method in ("last_zero", "time_positive"):
        with pytest.raises(ValueError, match="n must be a non-negative integer"):
            getattr(walk, method)(-1)
        with pytest.raises(TypeError, match="n must be"):
            getattr(walk, method)(2.5)
        with pytest.raises(ValueError, match="at most"):
            getattr(SimpleWalk(Fraction(1, 3)), method)(MAX_EXACT_PATH_STEPS + 1)
        with pytest.raises(TypeError, match="symbolic"):
            getattr(SimpleWalk(sympy.Symbol("p")), method)(3)
    with pytest.raises(ValueError, match="statistic must be one of"):
        arcsine_distance(10, "maximum")
    with pytest.raises(ValueError, match="n must be a positive integer"):
        half_normal_distance(0)
    with pytest.raises(ValueError, match="x must not be NaN"):
        arcsine_cdf(float("nan"))


def test_tour_section(tmp_path):
    import mathkit.claims as claims

    (section,) = [s for s in claims.tour_sections("walks") if s.name == "arcsine-laws"]
    lines = section.run(claims.TourContext(tmp_path, plotting=False)).lines
    for name in ("last_zero", "time_positive", "returns"):
        assert any(line.strip().startswith(name) and "-> agree" in line for line in lines), name
