"""Numeric kernels for K ~ Binomial(n, p) in log space (private).

The simple walk's position is ``S_n = 2K - n``; :mod:`mathkit.walks.position`
builds its law on these kernels. Everything works on float64 arrays holding
integers (``n <= 2**53``) and is vectorized over ``x``.

**Probability mass** (:func:`logpmf`): Loader's saddle-point form
(C. Loader, "Fast and accurate computation of binomial probabilities", 2000)::

    log f(x) = stirlerr(n) - stirlerr(x) - stirlerr(n - x)
               - bd0(x, n p) - bd0(n - x, n q) + 1/2 log(n / (2 pi x (n - x)))

with ``stirlerr(m) = log m! - (m + 1/2) log m + m - log sqrt(2 pi)`` and the
deviance term ``bd0(x, M) = x log(x / M) + M - x``. The means ``n p`` and
``n q = n - n p`` are carried in double-double (Dekker's exact product), so the
deviation ``x - n p`` is exact to rounding even at ``n = 10**12``, where the
plain product ``n * p`` would cost ``eps sqrt(n)`` of relative accuracy.
The same form holds for a tiny ``p`` (or ``q``), down to the subnormal
``5e-324``: there ``bd0(x, n p)`` takes ``log(x / (n p))`` as a difference of
logarithms (the quotient would overflow), and it dominates the sum
(``|log f| > 660 x``), so the relative error stays a few ``eps``
(tests/walks/test_tiny_probabilities.py holds it against mpmath).

**Tails** (:func:`tail_sum`): from ``x`` outwards the terms shrink by the
ratio ``x q / ((n - x + 1) p)`` (lower tail), so far from the mode a few hundred
terms, summed relative to ``f(x)``, give the tail to full precision.

**Bulk**: for small spread (``sqrt(npq) < 30``), scipy's regularized
incomplete beta (Boost ``ibeta``), measured against mpmath to stay within
``1e-14`` relative there; for larger spread, where ``ibeta`` drifts by
``~eps sqrt(npq)`` (``3e-11`` at ``n = 10**12``), Temme's uniform asymptotic
expansion of the incomplete beta function (N. M. Temme, "Incomplete Laplace
integrals: uniform asymptotic expansion with application to the incomplete
beta function", SIAM J. Math. Anal. 18, 1987; DLMF section 8.18(ii)), with its
coefficients computed per point by truncated power-series arithmetic and its
exponent ``r eta^2 / 2`` formed from the same double-double deviance terms as
the pmf.

The smaller of ``cdf`` and ``sf`` is carried as a double-double logarithm, so
it keeps its relative accuracy as a probability and as a logarithm; the larger
is ``1 - smaller`` (``log1p(-smaller)``).
"""

from __future__ import annotations

import math

import numpy as np

LOG_SQRT_2PI = 0.9189385332046727  # log(sqrt(2 pi))
_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's splitting constant
_MIN_NORMAL = 2.0**-1022

#: stirlerr(m) for m = 0..30 (entry 0 unused), from mpmath at 40 digits.
_STIRLERR_TABLE = np.array([
    np.inf,
    0.081061466795327258,
    0.041340695955409294,
    0.027677925684998339,
    0.020790672103765093,
    0.016644691189821192,
    0.013876128823070748,
    0.01189670994589177,
    0.010411265261972096,
    0.0092554621827127329,
    0.0083305634333628713,
    0.0075736754879518408,
    0.0069428401072095299,
    0.0064089941880042071,
    0.0059513701127588477,
    0.0055547335519628014,
    0.0052076559196096404,
    0.0049013959484347379,
    0.0046291537493340286,
    0.0043855602492323243,
    0.0041663196919969225,
    0.0039679542186408596,
    0.0037876180684444346,
    0.0036229602246830947,
    0.003472021382978767,
    0.0033331556367280929,
    0.003204970228055038,
    0.0030862786826087771,
    0.0029760639835504088,
    0.0028734493623524664,
    0.0027776749297526936,
])
_S0, _S1, _S2, _S3, _S4 = 1 / 12, 1 / 360, 1 / 1260, 1 / 1680, 1 / 1188


# ---------------------------------------------------------------- double-double


def two_sum(a, b):
    """``a + b = s + e`` exactly (Knuth)."""
    s = a + b
    bb = s - a
    e = (a - (s - bb)) + (b - bb)
    return s, e


def _split(a):
    c = _SPLIT * a
    hi = c - (c - a)
    return hi, a - hi


def two_prod(a, b):
    """``a * b = s + e`` exactly (Dekker), for finite products without overflow."""
    s = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    e = ((ah * bh - s) + ah * bl + al * bh) + al * bl
    return s, e


def binomial_means(n: float, p: float):
    """``(n p, n q)`` as double-double pairs ``(hi, lo)``, with ``q = 1 - p`` exactly."""
    mean_hi, mean_lo = two_prod(np.float64(n), np.float64(p))
    # a subnormal n p is exact (an integer times a multiple of 2**-1074); Dekker's
    # error term, whose partial products underflow, is not
    mean_lo = np.where(np.abs(mean_hi) < _MIN_NORMAL, 0.0, mean_lo)
    s, e = two_sum(np.float64(n), -mean_hi)
    e = e - mean_lo
    q_hi = s + e
    q_lo = e - (q_hi - s)
    return (mean_hi, mean_lo), (q_hi, q_lo)


# ---------------------------------------------------------------- Loader's terms


def stirlerr(m):
    """``log m! - (m + 1/2) log m + m - log sqrt(2 pi)`` for integers ``m >= 1`` (array)."""
    m = np.asarray(m, dtype=np.float64)
    out = np.empty_like(m)
    small = m <= 30
    if small.any():
        out[small] = _STIRLERR_TABLE[m[small].astype(np.int64)]
    big = ~small
    if big.any():
        x = m[big]
        xx = x * x
        terms5 = (_S0 - (_S1 - (_S2 - (_S3 - _S4 / xx) / xx) / xx) / xx) / x
        terms4 = (_S0 - (_S1 - (_S2 - _S3 / xx) / xx) / xx) / x
        terms3 = (_S0 - (_S1 - _S2 / xx) / xx) / x
        terms2 = (_S0 - _S1 / xx) / x
        out[big] = np.where(x > 500, terms2,
                            np.where(x > 80, terms3, np.where(x > 35, terms4, terms5)))
    return out


def deviation(x, mean):
    """``x - M`` for a double ``x`` and a double-double ``M = (hi, lo)``, as a double-double."""
    s, e = two_sum(x, -mean[0])
    e = e - mean[1]
    d = s + e
    return d, e - (d - s)


def bd0(x, mean, d):
    """Loader's deviance ``x log(x / M) + M - x`` as a double-double ``(hi, lo)``.

    ``x >= 1``; ``M = mean`` and ``d = x - M`` are double-doubles. Near ``M``
    (``|v| < 1/2``) the series ``d v + 2 x sum_j v^(2j+1) / (2j+1)``,
    ``v = d / (x + M)``, with the leading ``d v = d^2 / (x + M)`` formed in
    double-double: relative error ~``eps^2`` plus ``eps v / 3``. Elsewhere
    ``x log(x / M) - d`` with the logarithm taken from the exact deviation:
    relative error ~``10 eps``.
    """
    x = np.asarray(x, dtype=np.float64)
    d_hi, d_lo = np.broadcast_arrays(*d)
    x, d_hi, d_lo = np.broadcast_arrays(x, d_hi, d_lo)
    m_hi = np.broadcast_to(mean[0], x.shape)
    m_lo = np.broadcast_to(mean[1], x.shape)
    hi = np.empty(x.shape)
    lo = np.zeros(x.shape)
    total, total_lo = two_sum(x, m_hi)
    total_lo = total_lo + m_lo
    near = np.abs(d_hi) < 0.5 * total
    if near.any():
        xn, dh, dl = x[near], d_hi[near], d_lo[near]
        th, tl = total[near], total_lo[near]
        square, square_lo = two_prod(dh, dh)
        square_lo = square_lo + 2.0 * dh * dl
        quotient = square / th
        product, product_lo = two_prod(quotient, th)
        quotient_lo = (((square - product) - product_lo) + square_lo - quotient * tl) / th
        v = dh / th
        ej = 2.0 * xn * v
        vv = v * v
        rest = np.zeros_like(v)
        for j in range(1, 27):  # 0.25**26 / 53 < eps**2 / 2
            ej = ej * vv
            rest = rest + ej / (2 * j + 1)
        s, e = two_sum(quotient, rest)
        hi[near], lo[near] = _renormalize(s, e + quotient_lo)
    far = ~near
    if far.any():
        xf, df = x[far], d_hi[far]
        hi[far] = xf * _log_ratio(xf, m_hi[far], m_lo[far], df) - df
    return hi, lo


def _log_ratio(x, m_hi, m_lo, d):
    """``log(x / M)`` for ``x >= 1`` and a double-double ``M`` with ``d = x - M``.

    ``log1p(d / M)`` where ``x / M`` is moderate; the difference of logs where
    ``x / M > 2**64`` (a tiny ``M``, down to subnormal ``n p``, where ``d / M``
    would overflow): there ``log(x / M) > 44`` while ``|log x| + |log M|`` is at
    most ``log(x / M) + 2 log(2**53)``, so the subtraction loses under 3 ulps.
    """
    out = np.empty(x.shape)
    small = x < 0.5 * m_hi
    large = x > m_hi * 2.0**64
    middle = ~(small | large)
    correction = m_lo / m_hi
    out[small] = np.log(x[small] / m_hi[small]) - correction[small]
    out[large] = (np.log(x[large]) - np.log(m_hi[large])) - correction[large]
    out[middle] = np.log1p(d[middle] / m_hi[middle])
    return out


def _renormalize(s, e):
    hi = s + e
    return hi, e - (hi - s)


def _dd_add(a, b):
    s, e = two_sum(a[0], b[0])
    return _renormalize(s, e + a[1] + b[1])


# ---------------------------------------------------------------- the pmf


def logpmf_dd(n: int, p: float, x):
    """``log P(K = x)`` as a double-double ``(hi, lo)``, for integer-valued float ``x``.

    ``0 <= x <= n``, ``0 < p < 1``. The deviance terms carry a low part, so
    ``exp(hi) * (1 + lo)`` is the pmf with relative error ~``eps`` plus the
    error of the O(1) terms (stirlerr and the square-root factor), where the
    deviance is in its series range.
    """
    x = np.asarray(x, dtype=np.float64)
    nf = float(n)
    mean_p, mean_q = binomial_means(nf, p)
    hi = np.empty(x.shape)
    lo = np.zeros(x.shape)
    lower = x == 0
    upper = x == nf
    inner = ~(lower | upper)
    hi[lower], lo[lower] = _log_power(p, nf, of_q=True)  # q^n
    hi[upper], lo[upper] = _log_power(p, nf, of_q=False)  # p^n
    if inner.any():
        hi[inner], lo[inner] = interior_logpmf_dd(nf, x[inner], mean_p, mean_q)
    return hi, lo


def interior_logpmf_dd(n, x, mean_p, mean_q):
    """Loader's ``log P(K = x)`` as ``(hi, lo)`` for ``0 < x < n``.

    ``(mean_p, mean_q)`` is :func:`binomial_means` of ``(n, p)``; ``n`` is a
    float, or an array like ``x`` (first-passage laws vary it).
    """
    y = n - x
    d = deviation(x, mean_p)
    first = bd0(x, mean_p, d)
    second = bd0(y, mean_q, (-d[0], -d[1]))
    small = (stirlerr(n) - stirlerr(x) - stirlerr(y)) + (0.5 * np.log(n / x / y) - LOG_SQRT_2PI)
    total = _dd_add((-first[0], -first[1]), (-second[0], -second[1]))
    return _dd_add(total, (small, np.zeros_like(small)))


def _log_power(p: float, n: float, of_q: bool):
    """``log(q^n)`` (``of_q``) or ``log(p^n)`` as a double-double, ``q = 1 - p``.

    The logarithm is ``n log1p(-p)`` or ``n log(p)`` (relative error ~eps).
    Where the power is neither near 1 nor underflowing it is also formed with
    ``pow`` (within an ulp) on the rounded base times ``(1 + e / base)^n`` for
    the base's rounding ``e``, and the log gets a low part such that
    ``exp(hi) (1 + lo)`` is that power: the pmf at ``x = 0, n`` keeps ~eps
    relative accuracy where ``exp(n log p)`` alone would lose ``|n log p| eps``.
    """
    hi = n * np.log1p(-p) if of_q else n * np.log(p)
    if not -700.0 < hi < -1.0:
        return hi, 0.0
    base, error = two_sum(np.float64(1.0), np.float64(-p)) if of_q else (np.float64(p), 0.0)
    value = base**n * np.exp(n * np.log1p(error / base))
    return hi, value / np.exp(hi) - 1.0


def logpmf(n: int, p: float, x):
    """``log P(K = x)`` for integer-valued float ``x`` in ``[0, n]``, ``0 < p < 1``.

    Relative error a few ``eps`` (measured <= 2e-15 against mpmath up to
    ``n = 10**12``).
    """
    hi, lo = logpmf_dd(n, p, x)
    return hi + lo


def pmf(n: int, p: float, x):
    """``P(K = x)``: ``exp`` of the double-double log, so deep tails keep ~``eps``."""
    hi, lo = logpmf_dd(n, p, x)
    return np.exp(hi) * (1.0 + lo)


# ---------------------------------------------------------------- tails by summation

#: Most terms a tail sum may take; beyond, the point belongs to the bulk.
TAIL_TERMS = 600
_LOG_TINY = -39.2  # log(1e-17): terms below this, relative to the first, are dropped
_CHUNK = 1 << 21  # elements of the (points x terms) work array


def _terms_needed(ratio, available):
    """Terms of a tail sum whose ratios start at ``ratio < 1`` (``inf`` if ``ratio >= 1``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.log(ratio)
        terms = np.ceil((_LOG_TINY + np.log1p(-np.minimum(ratio, 1.0))) / log_ratio) + 1
    # a sum whose terms grow at first is not a small tail: never sum it
    return np.where(ratio < 1, np.minimum(terms, available), np.inf)


def tail_sum(n: float, p: float, start, lower: bool, terms):
    """``sum_i f(start -+ i) / f(start)``: a tail relative to its first term.

    ``lower`` sums ``start, start - 1, ..., 0``; otherwise ``start, ..., n``.
    ``terms`` (per point) bounds how many terms matter (see :func:`_terms_needed`).
    """
    start = np.asarray(start, dtype=np.float64)
    out = np.empty(start.shape)
    q_over_p = (1.0 - p) / p if lower else p / (1.0 - p)
    count = int(np.max(terms, initial=1))
    step = max(1, _CHUNK // max(count, 1))
    offsets = np.arange(count - 1, dtype=np.float64)
    for begin in range(0, start.size, step):
        s = start.ravel()[begin:begin + step, None]
        if lower:
            k = s - offsets  # ratio f(k - 1) / f(k) = k q / ((n - k + 1) p)
            ratio = np.where(k >= 1, k / (n - k + 1.0), 0.0) * q_over_p
        else:
            k = s + offsets  # ratio f(k + 1) / f(k) = (n - k) p / ((k + 1) q)
            ratio = np.where(k <= n - 1, (n - k) / (k + 1.0), 0.0) * q_over_p
        out.ravel()[begin:begin + step] = 1.0 + np.cumprod(ratio, axis=1).sum(axis=1)
    return out


# ---------------------------------------------------------------- bulk: Temme's expansion

_SERIES_TERMS = 24
_TEMME_ORDERS = 4


def _series_mul(a, b):
    """Truncated product of power series stored as (points, terms) coefficient arrays."""
    size = a.shape[1]
    out = np.zeros_like(a)
    for i in range(size):
        out[:, i:] += a[:, i:i + 1] * b[:, :size - i]
    return out


def _series_inv(a):
    """1 / a for a series with a[:, 0] != 0."""
    size = a.shape[1]
    out = np.zeros_like(a)
    out[:, 0] = 1.0 / a[:, 0]
    for i in range(1, size):
        out[:, i] = -np.sum(a[:, 1:i + 1] * out[:, i - 1::-1][:, :i], axis=1) / a[:, 0]
    return out


def _series_sqrt(a):
    """sqrt(a) for a series with a[:, 0] == 1."""
    size = a.shape[1]
    out = np.zeros_like(a)
    out[:, 0] = 1.0
    for i in range(1, size):
        cross = np.sum(out[:, 1:i] * out[:, i - 1:0:-1], axis=1) if i > 1 else 0.0
        out[:, i] = (a[:, i] - cross) / 2.0
    return out


def temme_coefficients(mu, size=_SERIES_TERMS, orders=_TEMME_ORDERS):
    """Power-series coefficients of ``G_k(Z)``, k = 0..3, per point (scaled variable).

    With ``t - mu = s u``, ``s = sqrt(mu (1 - mu))`` and ``zeta`` defined by
    ``-zeta^2 / 2 = mu log(t / mu) + (1 - mu) log((1 - t) / (1 - mu))``, let
    ``h = zeta / u``, ``g_0 = (h - 1) / zeta``, ``g_{k+1} = (g_k' - g_k'(0)) / zeta``.
    In the scaled variables ``U = rho u``, ``Z = rho zeta`` with
    ``rho = max(sqrt((1 - mu) / mu), sqrt(mu / (1 - mu)))`` the coefficients are
    O(1): ``g_k(zeta) = rho^(2k + 1) G_k(rho zeta)``.
    """
    mu = np.atleast_1d(np.asarray(mu, dtype=np.float64))
    alpha = np.sqrt((1.0 - mu) / mu)
    beta = np.sqrt(mu / (1.0 - mu))
    rho = np.maximum(alpha, beta)
    a_s, b_s = alpha / rho, beta / rho
    # Z^2 / 2 = U^2 / 2 + sum_k e_k U^k, e_k = rho^2 [(1-mu) b^k + (-1)^k mu a^k] / k
    k = np.arange(3, size + 2, dtype=np.float64)
    sign = np.where(np.arange(3, size + 2) % 2 == 0, 1.0, -1.0)
    e = rho[:, None] ** 2 * ((1.0 - mu)[:, None] * b_s[:, None] ** k
                             + sign * mu[:, None] * a_s[:, None] ** k) / k
    # Z = U sqrt(1 + 2 sum e_k U^(k-2)) = U A(U)
    inner = np.zeros((mu.size, size))
    inner[:, 0] = 1.0
    inner[:, 1:] = 2.0 * e[:, :size - 1]
    a_series = _series_sqrt(inner)
    # Lagrange inversion: U = Z B(Z), [Z^m] U = (1/m) [U^(m-1)] A(U)^(-m)
    reciprocal = _series_inv(a_series)
    u_series = np.zeros((mu.size, size))  # coefficients of U / Z in Z
    power = np.ones_like(reciprocal)
    power[:, 1:] = 0.0
    for m in range(1, size + 1):
        power = _series_mul(power, reciprocal)
        u_series[:, m - 1] = power[:, m - 1] / m
    h = _series_inv(u_series)  # H(Z) = Z / U(Z)
    coefficients = []
    current = h
    for _ in range(orders):
        g = current[:, 1:]  # (current - current(0)) / Z
        coefficients.append(g)
        current = g[:, 1:] * np.arange(1, g.shape[1], dtype=np.float64)  # derivative
    return rho, coefficients


def _temme_sizes(z_max: float, scale_max: float) -> tuple[int, int]:
    """Orders of the 1/r expansion and power-series length for ~1e-18 truncation.

    Order ``k`` contributes ``~scale^k`` (``scale = rho^2 / r``); the series of
    ``G_k`` has ``size - 1 - 2k`` terms, truncated at ``~|Z|^(size - 1 - 2k)``.
    """
    digits = 18.0
    if scale_max > 0:
        orders = int(min(_TEMME_ORDERS, max(1, math.ceil(digits / -math.log10(scale_max)))))
    else:
        orders = 1
    needed = math.ceil(digits / -math.log10(min(z_max, 0.5))) if z_max > 0 else 1
    size = int(min(_SERIES_TERMS, 2 * orders + 1 + needed))
    return orders, max(size, 2 * orders + 2)


def _horner(coefficients, z):
    out = np.zeros_like(z)
    for i in range(coefficients.shape[1] - 1, -1, -1):
        out = out * z + coefficients[:, i]
    return out


def temme_small_side(n: float, p: float, j):
    """The smaller of ``P(K <= j)``, ``P(K > j)`` by Temme's expansion of ``I_p(j + 1, n - j)``.

    Returns ``(hi, lo, is_cdf)``: the probability is ``exp(hi) (1 + lo)``.

    ``I_x(a, b) = Phi(w) - K phi(w) / sqrt(r) sum_k g_k(eta) / r^k`` with
    ``r = a + b``, ``mu = a / r``, ``w = sqrt(r) eta``,
    ``w^2 / 2 = bd0(a, r x) + bd0(b, r (1 - x))`` and
    ``K = Gamma*(r) / (Gamma*(a) Gamma*(b)) = exp(stirlerr(r) - stirlerr(a) - stirlerr(b))``.
    """
    from scipy.special import erfcx

    j = np.asarray(j, dtype=np.float64)
    a = j + 1.0
    b = n - j
    r = n + 1.0
    mean_a, mean_b = binomial_means(r, p)
    d = deviation(a, mean_a)  # a - r p
    first = bd0(a, mean_a, d)
    second = bd0(b, mean_b, (-d[0], -d[1]))
    exponent_hi, exponent_lo = _dd_add(first, second)  # w^2 / 2
    exponent = exponent_hi + exponent_lo
    w = np.sqrt(2.0 * exponent) * np.where(d[0] > 0, -1.0, 1.0)
    eta = w / np.sqrt(r)
    mu = a / r
    rho = np.maximum(np.sqrt((1.0 - mu) / mu), np.sqrt(mu / (1.0 - mu)))
    z = rho * eta
    scale = rho * rho / r
    orders, size = _temme_sizes(float(np.max(np.abs(z), initial=0.0)),
                                float(np.max(scale, initial=0.0)))
    rho, coefficients = temme_coefficients(mu, size, orders)
    series = np.zeros_like(z)
    for order in range(len(coefficients) - 1, -1, -1):
        series = series * scale + _horner(coefficients[order], z)
    series = series * rho
    prefactor = np.exp(stirlerr(r) - stirlerr(a) - stirlerr(b)) / np.sqrt(r)
    correction = prefactor * series
    mills = np.sqrt(np.pi / 2.0) * erfcx(np.abs(w) / np.sqrt(2.0))  # M(-|w|)
    # the smaller side: I (= sf) when w < 0, 1 - I (= cdf) when w >= 0
    rest = np.log(np.where(w < 0, mills - correction, mills + correction)) - LOG_SQRT_2PI
    hi, lo = _dd_add((-exponent_hi, -exponent_lo), (rest, np.zeros_like(rest)))
    return hi, lo, w >= 0


def temme_log_cdf_sf(n: float, p: float, j):
    """``(log P(K <= j), log P(K > j))`` by Temme's expansion (see :func:`temme_small_side`)."""
    hi, lo, is_cdf = temme_small_side(n, p, j)
    small = hi + lo
    large = _log1mexp(small)
    return np.where(is_cdf, small, large), np.where(is_cdf, large, small)


# ---------------------------------------------------------------- cdf and sf

#: Below this standard deviation sqrt(n p q) the bulk uses scipy's ``betainc``
#: (Boost ``ibeta``); from it on, Temme's expansion. Chosen by measurement
#: against mpmath (see tests/walks/test_position.py).
BETAINC_MAX_SIGMA = 30.0


def cdf_sf(n: int, p: float, j):
    """``(log P(K <= j), log P(K > j), P(K <= j), P(K > j))``, integer-valued ``j`` in ``[0, n)``.

    Tails far from the mode are summed term by term (relative to Loader's pmf);
    the bulk uses ``betainc`` (small spread) or Temme's expansion (large spread).
    One side (the smaller one, or in a tail the one summed) is carried as a
    double-double logarithm, so it and its log keep their relative accuracy
    however small; the other is formed from it (``1 - s`` and ``log1p(-s)``,
    or ``-expm1(log s)`` and ``log(-expm1(log s))`` where ``s > 1/2``).
    """
    j = np.asarray(j, dtype=np.float64)
    nf = float(n)
    q = 1.0 - p
    hi = np.empty(j.shape)
    lo = np.zeros(j.shape)
    is_cdf = np.empty(j.shape, dtype=bool)
    # lower tail: f(k - 1) / f(k) = k q / ((n - k + 1) p), from k = j down to 0;
    # upper tail: f(k + 1) / f(k) = (n - k) p / ((k + 1) q), from k = j + 1 up to n.
    # For a tiny p or q a ratio may overflow: inf (>= 1) rightly rules that tail out
    with np.errstate(over="ignore"):
        ratio_lower = j * q / ((nf - j + 1.0) * p)
        ratio_upper = (nf - j - 1.0) * p / ((j + 2.0) * q)
    terms_lower = _terms_needed(ratio_lower, j + 1.0)
    terms_upper = _terms_needed(ratio_upper, nf - j)
    use_lower = (terms_lower <= TAIL_TERMS) & (terms_lower <= terms_upper)
    use_upper = ~use_lower & (terms_upper <= TAIL_TERMS)
    bulk = ~(use_lower | use_upper)
    for mask, lower, offset, terms in ((use_lower, True, 0.0, terms_lower),
                                       (use_upper, False, 1.0, terms_upper)):
        if mask.any():
            start = j[mask] + offset
            total = tail_sum(nf, p, start, lower, terms[mask])
            log_total = np.log(total)
            hi[mask], lo[mask] = _dd_add(logpmf_dd(n, p, start),
                                         (log_total, np.zeros_like(log_total)))
            is_cdf[mask] = lower
    if bulk.any():
        jb = j[bulk]
        if np.sqrt(nf * p * q) < BETAINC_MAX_SIGMA:
            from scipy.special import betainc, betaincc

            cdf = betaincc(jb + 1.0, nf - jb, p)
            sf = betainc(jb + 1.0, nf - jb, p)
            lower_small = cdf <= sf
            small = np.where(lower_small, cdf, sf)
            log_small = np.log(small)
            hi[bulk] = log_small
            lo[bulk] = small / np.exp(log_small) - 1.0  # exp(hi) (1 + lo) == small
            is_cdf[bulk] = lower_small
        else:
            hi[bulk], lo[bulk], is_cdf[bulk] = temme_small_side(nf, p, jb)
    log_small = hi + lo
    small = np.exp(hi) * (1.0 + lo)
    # the complement: from the log where "small" is near 1 (a tail sum of a nearly
    # degenerate law), else from the value, whose relative error is ~eps even below e^-709
    near_one = log_small > -0.6931471805599453
    log_large = np.where(near_one, _log1mexp(np.minimum(log_small, 0.0)),
                         np.log1p(-np.where(near_one, 0.0, small)))
    large = np.where(near_one, -np.expm1(log_small), 1.0 - small)
    return (np.where(is_cdf, log_small, log_large), np.where(is_cdf, log_large, log_small),
            np.where(is_cdf, small, large), np.where(is_cdf, large, small))


def log_cdf_sf(n: int, p: float, j):
    """``(log P(K <= j), log P(K > j))`` (see :func:`cdf_sf`)."""
    log_cdf, log_sf, _, _ = cdf_sf(n, p, j)
    return log_cdf, log_sf


def _log1mexp(x):
    """``log(1 - exp(x))`` for ``x <= 0``, accurate at both ends (Maechler 2012)."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore"):
        return np.where(x > -0.6931471805599453, np.log(-np.expm1(x)), np.log1p(-np.exp(x)))


# ---------------------------------------------------------------- the whole pmf at once

#: Steps of the ratio recurrence between two exact (Loader) anchors.
ANCHOR_SPACING = 32
_LOG_UNDERFLOW = -745.2  # exp() of anything below is 0.0 in double


def mode(n: int, p: float) -> int:
    """A mode of Binomial(n, p): ``floor((n + 1) p)`` clipped to ``[0, n]``."""
    return int(min(max(np.floor((n + 1) * p), 0), n))


def nonzero_window(n: int, p: float) -> tuple[int, int]:
    """The smallest ``[lo, hi]`` outside which every pmf value underflows to 0.0.

    ``logpmf`` is unimodal: each edge is bracketed on a grid of 64 points
    between the mode and the end of the support, and the grid refined inside the
    bracket (both edges in one vectorized call per round).
    """
    top = mode(n, p)
    # per edge [inside, outside]: logpmf(inside) >= level > logpmf(outside), or both the end
    ends = logpmf(n, p, np.array([0.0, float(n)])) >= _LOG_UNDERFLOW
    brackets = [[0, 0] if ends[0] else [top, 0], [n, n] if ends[1] else [top, n]]
    while any(abs(outside - inside) > 1 for inside, outside in brackets):
        grids = [np.round(np.linspace(inside, outside, 65)).astype(np.int64)
                 for inside, outside in brackets]
        grids = [grid[np.r_[True, np.diff(grid) != 0]] for grid in grids]  # from inside out
        values = logpmf(n, p, np.concatenate(grids).astype(np.float64))
        split = np.split(values, [grids[0].size])
        for bracket, grid, logs in zip(brackets, grids, split, strict=True):
            above = logs >= _LOG_UNDERFLOW
            last = int(np.flatnonzero(above)[-1])  # grid[0] is the inside point: above
            bracket[0] = int(grid[last])
            if last + 1 < grid.size:
                bracket[1] = int(grid[last + 1])
            else:
                bracket[1] = bracket[0]
    return brackets[0][0], brackets[1][0]


def pmf_range(n: int, p: float, lo: int, hi: int) -> np.ndarray:
    """``P(K = k)`` for ``k = lo..hi`` (within ``[0, n]``), fast.

    Exact anchors (:func:`pmf`) every :data:`ANCHOR_SPACING` values, on the
    side of each block nearer the mode, and the ratio recurrence
    ``f(k +- 1) = f(k) * ratio`` outwards from them: the recurrence only ever
    multiplies by ratios <= 1, so it cannot overflow, and its relative drift
    stays below ``3 * ANCHOR_SPACING * eps``.
    """
    top = min(max(mode(n, p), lo), hi)
    out = np.empty(hi - lo + 1)
    nf = float(n)
    # left part, from the mode downwards: k = top, top - 1, ..., lo, by f(k) / f(k + 1)
    count = top - lo + 1
    k = _anchored_blocks(top, -1, count)
    factors = _recurrence_factors(k, k >= lo, lambda k: (k + 1.0) / (nf - k) * ((1.0 - p) / p))
    factors[:, 0] = pmf(n, p, k[:, 0])
    out[:count] = np.cumprod(factors, axis=1).ravel()[:count][::-1]
    # right part, from the mode upwards: k = top + 1, ..., hi, by f(k) / f(k - 1)
    count = hi - top
    if count > 0:
        k = _anchored_blocks(top + 1, 1, count)
        factors = _recurrence_factors(k, k <= hi, lambda k: (nf - k + 1.0) / k * (p / (1.0 - p)))
        factors[:, 0] = pmf(n, p, k[:, 0])
        out[top - lo + 1:] = np.cumprod(factors, axis=1).ravel()[:count]
    return out


def _anchored_blocks(start: int, step: int, count: int) -> np.ndarray:
    """``start + step * i`` for ``i < count``, in rows of :data:`ANCHOR_SPACING` (padded)."""
    blocks = -(-count // ANCHOR_SPACING)
    offsets = np.arange(blocks * ANCHOR_SPACING, dtype=np.float64)
    return (start + step * offsets).reshape(blocks, ANCHOR_SPACING)


def _recurrence_factors(k, inside, ratio):
    """``ratio(k)`` where ``inside`` (anchors aside), else 0.

    Only the ratios the recurrence uses are formed, each <= 1 as it leads away
    from the mode; those of the padding (``k`` outside the window, ``k = -1``)
    and of the anchors could be ``0 * inf`` or overflow for a tiny ``p`` or ``q``.
    """
    inside = inside.copy()
    inside[:, 0] = False
    factors = np.zeros(k.shape)
    if inside.any():
        factors[inside] = ratio(k[inside])
    return factors
