"""The simple walk's position law when p or q = 1 - p is tiny (down to subnormal p).

The reference is mpmath at 50 digits, independent of the code under test:
``log C(n, j) + j log t + (n - j) log1p(-t)`` from ``loggamma``, for the count
``J`` of the rare steps (``J = K`` for a tiny ``p``, ``J = n - K`` for a tiny
``q``) with ``t = min(p, q)`` exact, and the rare side's tail ``P(J >= j)``
summed term by term (``n t <= 1``, so the terms shrink at least by half). The
other side is ``log1p(-P(J >= j))``: mpmath's ``log1p`` and ``expm1`` keep their
relative accuracy for arguments far below ``10**-50``, where ``log(1 - x)``
at 50 digits would round to 0 (as it does in ``tests/walks/_oracle.py``).
"""

import math
import warnings

import mpmath as mp
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mathkit.walks import SimpleWalk, _binomial
from tests.walks._oracle import relative_error

TOLERANCE = 1e-12
SMALLEST_SUBNORMAL = 5e-324
SMALLEST_Q = 2.0**-53  # 1 - p for the largest double p below 1

# tiny probabilities: subnormal ones bit by bit, and log-uniform from 5e-324 to 1e-12
subnormal = st.integers(1, 2**52 - 1).map(lambda m: m * SMALLEST_SUBNORMAL)
log_uniform = st.floats(math.log(SMALLEST_SUBNORMAL), math.log(1e-12)).map(math.exp).filter(
    lambda t: t > 0)
tiny_p = st.one_of(subnormal, log_uniform)
tiny_q = st.integers(1, 2**12).map(lambda m: m * SMALLEST_Q)  # q = m 2**-53 <= 4.6e-13
steps = st.one_of(st.integers(1, 40), st.integers(1, 10**12))


def _rare_side(n: int, p: float):
    """``(t, mirrored)``: the exact small probability and whether it is ``q``."""
    mirrored = p > 0.5
    return (1 - mp.mpf(p) if mirrored else mp.mpf(p)), mirrored


def _log_rare_pmf(n: int, t, j: int):
    value = mp.loggamma(n + 1) - mp.loggamma(j + 1) - mp.loggamma(n - j + 1)
    if j:
        value += j * mp.log(t)
    return value + (n - j) * mp.log1p(-t)


def _log_rare_tail(n: int, t, j: int):
    """``log P(J >= j)`` for ``j >= 1``, summing outwards (each ratio <= n t / (y + 1))."""
    total = term = mp.mpf(1)
    for y in range(j, n):
        term *= mp.mpf(n - y) / (y + 1) * t / (1 - t)
        total += term
        if term < total * mp.mpf(10) ** -40:
            break
    return _log_rare_pmf(n, t, j) + mp.log(total)


def reference(n: int, p: float, k: int):
    """``(log P(K = k), log P(K <= k), log P(K > k))`` at 50 digits, ``0 <= k < n``."""
    with mp.workdps(50):
        t, mirrored = _rare_side(n, p)
        j = n - k if mirrored else k
        logpmf = _log_rare_pmf(n, t, j)
        # P(K > k) = P(J >= k + 1) for a tiny p; P(K <= k) = P(J >= n - k) for a tiny q
        rare = _log_rare_tail(n, t, n - k if mirrored else k + 1)
        common = mp.log1p(-mp.exp(rare))
        return (logpmf, rare, common) if mirrored else (logpmf, common, rare)


def _points(n: int, near_end: int, fraction: float) -> list[int]:
    """Numbers of up-steps: both ends, ``near_end`` in from each, and ``fraction n``."""
    points = {0, 1, n - 1, n, near_end, n - near_end, math.floor(fraction * n)}
    return sorted(x for x in points if 0 <= x <= n)


def _check(n: int, p: float, points: list[int]):
    law = SimpleWalk(p).position(n)
    ks = np.array([2.0 * x - n for x in points])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = {name: getattr(law, name)(ks) for name in
               ("logpmf", "logcdf", "logsf", "pmf", "cdf", "sf")}
    for i, x in enumerate(points):
        if x == n:
            assert got["logcdf"][i] == 0.0 and got["logsf"][i] == -np.inf
            continue
        logpmf, logcdf, logsf = reference(n, p, x)
        for name, ref in (("logpmf", logpmf), ("logcdf", logcdf), ("logsf", logsf)):
            error = relative_error(got[name][i], ref)
            assert error <= TOLERANCE, (name, x, got[name][i], mp.nstr(ref, 20))
        for name, ref in (("pmf", logpmf), ("cdf", logcdf), ("sf", logsf)):
            assert relative_error(got[name][i], mp.exp(ref)) <= TOLERANCE, (name, x)


near_ends = st.integers(0, 6)
fractions = st.floats(0, 1)


@settings(deadline=None)
@given(p=tiny_p, n=steps, near_end=near_ends, fraction=fractions)
@example(p=5e-324, n=200, near_end=2, fraction=0.5).via("the report")
@example(p=2.2e-309, n=200, near_end=2, fraction=0.5).via("the report")
@example(p=1e-300, n=200, near_end=2, fraction=0.5).via("the report")
@example(p=5e-324, n=10**12, near_end=3, fraction=0.5)
@example(p=2.2250738585072014e-308, n=10**12, near_end=3, fraction=0.3)  # smallest normal
@example(p=1e-12, n=10**12, near_end=3, fraction=1e-12)  # n p = 1
def test_tiny_p_against_mpmath(p, n, near_end, fraction):
    _check(n, p, _points(n, near_end, fraction))


@settings(deadline=None)
@given(q=tiny_q, n=steps, near_end=near_ends, fraction=fractions)
@example(q=SMALLEST_Q, n=200, near_end=2, fraction=0.5)
@example(q=SMALLEST_Q, n=10**12, near_end=3, fraction=0.5)
@example(q=2**12 * SMALLEST_Q, n=10**12, near_end=6, fraction=1 - 1e-12)
def test_tiny_q_against_mpmath(q, n, near_end, fraction):
    p = 1.0 - q
    assert 1.0 - p == q  # exact: the law is that of q itself
    _check(n, p, _points(n, near_end, fraction))


@pytest.mark.parametrize("p", [5e-324, 2.2e-309, 1e-300, 1 - SMALLEST_Q])
@pytest.mark.parametrize("n", [1, 200, 10**6])
def test_table_sums_to_one_without_warnings(p, n):
    law = SimpleWalk(p).position(n)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = law.table()
        direct = law.pmf(table.values)
    assert math.fsum(table.probabilities) + table.omitted_mass == pytest.approx(1.0, abs=1e-15)
    # pmf is exp of a log with ~eps relative error, so |log pmf| eps at worst (<= 745 eps)
    np.testing.assert_allclose(table.probabilities, direct, rtol=2e-13, atol=0)


@pytest.mark.parametrize("p", [5e-324, 2.2e-309, 1e-300, 1 - SMALLEST_Q])
@pytest.mark.parametrize("n", [1, 200, 10**12])
def test_ppf_inverts_cdf_without_warnings(p, n):
    law = SimpleWalk(p).position(n)
    levels = np.array([1e-300, 0.5, 1 - 2**-53])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quantiles = law.ppf(levels)
        cdf = law.cdf(quantiles)
        below = law.cdf(quantiles - 2)
    # the smallest support point whose cdf reaches the level
    assert np.all(cdf >= levels)
    assert np.all((below < levels) | (quantiles == -n))
    # for a tiny p the whole mass but about n p sits at -n (for a tiny q, at n)
    assert quantiles[1] == (n if p > 0.5 else -n)


@pytest.mark.parametrize("p", [5e-324, 2.2e-309, 1e-300])
def test_mean_and_variance_keep_relative_accuracy(p):
    n = 10**12
    law = SimpleWalk(p).position(n)
    exact_p = mp.mpf(p)
    assert relative_error(law.mean(), n * (2 * exact_p - 1)) <= 1e-15
    assert relative_error(law.var(), 4 * n * exact_p * (1 - exact_p)) <= 1e-15


@given(x=st.integers(1, 10**12), n=st.integers(1, 10**12), p=tiny_p)
@example(x=1, n=1, p=5e-324)
@example(x=10**12, n=1, p=5e-324)  # x / (n p) ~ 2e335 overflows a double
def test_deviance_for_a_tiny_mean_against_mpmath(x, n, p):
    """Loader's ``bd0(x, n p) = x log(x / (n p)) + n p - x``, the term that dominates."""
    mean = _binomial.binomial_means(float(n), p)[0]
    xs = np.array([float(x)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hi, lo = _binomial.bd0(xs, mean, _binomial.deviation(xs, mean))
    with mp.workdps(50):
        exact_mean = n * mp.mpf(p)
        expected = x * mp.log(x / exact_mean) + exact_mean - x
        assert abs((hi[0] + lo[0]) - expected) <= 1e-15 * expected
