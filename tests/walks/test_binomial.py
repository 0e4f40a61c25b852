"""The binomial kernels behind the simple walk: each piece against mpmath."""

import math

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mathkit.walks import _binomial as B
from tests.walks import _oracle


def test_stirlerr_against_mpmath():
    m = np.arange(1, 2001, dtype=np.float64)
    got = B.stirlerr(m)
    for value, result in zip(m, got, strict=True):
        k = int(value)
        reference = mp.loggamma(k + 1) - (k + mp.mpf(1) / 2) * mp.log(k) + k - mp.log(
            mp.sqrt(2 * mp.pi))
        assert abs(result - reference) <= 4e-17 + 1e-15 * abs(reference)


@given(x=st.integers(1, 10**12), ratio=st.floats(0.01, 100))
def test_bd0_against_mpmath(x, ratio):
    n, p = 10**12, min(x / ratio / 10**12, 1.0)
    mean = B.binomial_means(float(n), p)[0]
    d = B.deviation(np.array([float(x)]), mean)
    hi, lo = B.bd0(np.array([float(x)]), mean, d)
    exact_mean = n * mp.mpf(p)
    reference = x * mp.log(x / exact_mean) + exact_mean - x
    if reference > 0:
        assert abs((hi[0] + lo[0]) - reference) <= 1e-14 * reference


def test_double_double_product_is_exact():
    rng = np.random.default_rng(1)
    a = rng.integers(1, 2**53, size=1000).astype(np.float64)
    b = rng.random(1000)
    hi, lo = B.two_prod(a, b)
    for x, y, h, e in zip(a, b, hi, lo, strict=True):
        assert mp.mpf(x) * mp.mpf(y) == mp.mpf(h) + mp.mpf(e)


@pytest.mark.parametrize("sigma", [30, 60])
@pytest.mark.parametrize("p", [0.5, 0.02])
def test_temme_expansion_at_the_switch_point(sigma, p):
    """Temme's expansion takes over from betainc at sqrt(npq) = 30: it must hold there."""
    n = round(sigma**2 / (p * (1 - p)))
    sd = math.sqrt(n * p * (1 - p))
    xs = np.array([math.floor(n * p + z * sd) for z in (-2.5, -1, 0, 0.7, 2.5)], dtype=float)
    log_cdf, log_sf = B.temme_log_cdf_sf(float(n), p, xs)
    for x, c, s in zip(xs, log_cdf, log_sf, strict=True):
        ref_c, ref_s = _oracle.log_cdf_sf(n, p, int(x))
        assert _oracle.relative_error(c, ref_c) <= 1e-13
        assert _oracle.relative_error(s, ref_s) <= 1e-13


def test_betainc_below_the_switch_point():
    from scipy.special import betainc, betaincc

    n, p = 3500, 0.5  # sqrt(npq) = 29.6
    sd = math.sqrt(n * p * (1 - p))
    for z in (-2, -0.5, 0.5, 2):
        x = math.floor(n * p + z * sd)
        ref_c, ref_s = _oracle.log_cdf_sf(n, p, x)
        small, reference = ((betaincc(x + 1, n - x, p), ref_c) if ref_c < ref_s
                            else (betainc(x + 1, n - x, p), ref_s))
        assert _oracle.relative_error(math.log(small), reference) <= 1e-13


def test_log1mexp():
    x = np.array([-1e-300, -1e-20, -0.5, -0.7, -1.0, -50.0, -800.0])
    got = B._log1mexp(x)
    for value, result in zip(x, got, strict=True):
        reference = mp.log(-mp.expm1(mp.mpf(value)))
        assert _oracle.relative_error(result, reference) <= 1e-15


@settings(max_examples=40)
@given(n=st.integers(1, 10**6), p=st.floats(1e-4, 1 - 1e-4), data=st.data())
def test_pmf_range_agrees_with_pointwise_pmf(n, p, data):
    lo, hi = B.nonzero_window(n, p)
    assert B.logpmf(n, p, np.array([float(lo)]))[0] >= -745.2
    if lo > 0:
        assert B.logpmf(n, p, np.array([lo - 1.0]))[0] < -745.2
    first = data.draw(st.integers(lo, hi))
    last = data.draw(st.integers(first, min(hi, first + 5000)))
    values = B.pmf_range(n, p, first, last)
    points = np.unique(np.linspace(first, last, 7).round())
    direct = B.pmf(n, p, points)
    logs = np.abs(B.logpmf(n, p, points))
    np.testing.assert_allclose(values[(points - first).astype(int)], direct,
                               rtol=max(2e-14, 2e-15 * logs.max()), atol=1e-300)


def test_tail_sums_are_used_far_out_and_reach_the_end():
    n, p = 50, 0.5
    for j in range(n):
        log_cdf, log_sf = B.log_cdf_sf(n, p, np.array([float(j)]))
        exact_cdf = math.fsum(math.comb(n, i) for i in range(j + 1)) / 2**n
        assert math.exp(log_cdf[0]) == pytest.approx(exact_cdf, rel=1e-14)
        assert math.exp(log_sf[0]) == pytest.approx(1 - exact_cdf, rel=1e-13)
