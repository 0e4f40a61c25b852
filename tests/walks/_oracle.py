"""mpmath references (50 digits) for the binomial law K ~ Binomial(n, p).

Independent of the code under test: the pmf from ``loggamma``; tails by
summing terms outwards while that converges within :data:`MAX_TERMS` terms,
else by quadrature of the beta density
``P(K <= x) = I_q(n - x, x + 1) = int_0^q t^(n-x-1) (1-t)^x dt / B(n - x, x + 1)``
with the interval cut where the log-density has dropped by a few units
(mpmath's ``quad`` stops on an absolute error, so the density is integrated
relative to its value at the cut point). ``p`` is the exact double given.
"""

import mpmath as mp

mp.mp.dps = 50
MAX_TERMS = 3000
_LEVELS = (0.5, 2, 6, 14, 30, 60, 100, 150, 200)


def logpmf(n: int, p: float, x: int):
    """log P(K = x)."""
    p = mp.mpf(p)
    q = 1 - p
    if x < 0 or x > n:
        return mp.ninf
    value = mp.loggamma(n + 1) - mp.loggamma(x + 1) - mp.loggamma(n - x + 1)
    if x:
        value += x * mp.log(p)
    if n - x:
        value += (n - x) * mp.log(q)
    return value


def ratio_sum(n: int, p: float, x: int, lower: bool, max_terms: int = MAX_TERMS):
    """sum_i P(K = x -+ i) / P(K = x) (downwards if lower), or None if it needs more terms."""
    p = mp.mpf(p)
    q = 1 - p
    total = term = mp.mpf(1)
    y = x
    for _ in range(max_terms):
        if lower:
            if y == 0:
                return total
            term *= mp.mpf(y) / (n - y + 1) * q / p
            y -= 1
        else:
            if y == n:
                return total
            term *= mp.mpf(n - y) / (y + 1) * p / q
            y += 1
        total += term
        if term < total * mp.mpf(10) ** -45:
            return total
    return None


def beta_integral(n: int, p: float, x: int, lower: bool):
    """P(K <= x) (lower) or P(K > x) by quadrature of the beta density."""
    a, b, q = mp.mpf(n - x), mp.mpf(x + 1), 1 - mp.mpf(p)
    log_beta = mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b)

    def log_density(t):
        return (a - 1) * mp.log(t) + (b - 1) * mp.log1p(-t) - log_beta

    mode = (a - 1) / (a + b - 2)
    sigma = mp.sqrt(mode * (1 - mode) / (a + b))
    sign = -1 if lower else 1
    edge = mp.mpf(0) if lower else mp.mpf(1)
    top = log_density(q)
    points = [q]
    for level in _LEVELS:
        target = top - level
        inner, step = points[-1], sigma / 64
        outer = inner + sign * step
        while 0 < outer < 1 and log_density(outer) >= target:
            inner, step = outer, step * 2
            outer = inner + sign * step
        if not 0 < outer < 1:
            points.append(edge)
            break
        for _ in range(24):
            middle = (inner + outer) / 2
            if log_density(middle) < target:
                outer = middle
            else:
                inner = middle
        points.append(outer)
    if lower:
        points.reverse()
    integral = mp.quad(lambda t: mp.exp(log_density(t) - top), points)
    return integral * mp.exp(top)


def log_cdf_sf(n: int, p: float, x: int):
    """(log P(K <= x), log P(K > x)) for 0 <= x < n."""
    mean = n * mp.mpf(p)
    if x <= mean:
        total = ratio_sum(n, p, x, True)
        small = (logpmf(n, p, x) + mp.log(total) if total is not None
                 else mp.log(beta_integral(n, p, x, True)))
        return small, mp.log1p(-mp.exp(small))
    total = ratio_sum(n, p, x + 1, False)
    small = (logpmf(n, p, x + 1) + mp.log(total) if total is not None
             else mp.log(beta_integral(n, p, x, False)))
    return mp.log1p(-mp.exp(small)), small


def relative_error(got, reference) -> float:
    """|got - ref| / |ref|; below the normal range of doubles, 0 if got rounds to ref."""
    got = float(got)
    if reference == 0:
        return 0.0 if got == 0 else float("inf")
    if abs(reference) < mp.mpf("2.3e-308"):
        close = abs(got - reference) <= mp.mpf(2) ** -1073 + abs(reference) * mp.mpf("1e-12")
        return 0.0 if close else float("inf")
    return float(abs((got - reference) / reference))
