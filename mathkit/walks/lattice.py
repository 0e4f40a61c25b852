"""The simple random walk on ``Z^d``: returns, Polya's theorem, the range in ``d = 1``.

The walk moves to one of the ``2d`` neighbours with probability ``1/(2d)`` each.

- **Closed paths**: the number ``W_d(n)`` of paths of length ``2n`` from 0 back
  to 0 has exponential generating function ``sum_n W_d(n) x^(2n) / (2n)! =
  I_0(2x)^d``, so ``W_d(n) = sum_k C(2n, 2k) C(2k, k) W_(d-1)(n - k)`` (choose
  the ``2k`` steps along the first axis): ``W_1(n) = C(2n, n)``,
  ``W_2(n) = C(2n, n)^2``, ``W_3(n) = C(2n, n) sum_(j+k<=n) (n! / (j! k! (n-j-k)!))^2``.
  Exact integers; ``u_2n = W_d(n) / (2d)^(2n)``.
- **Return probability** (Polya): 1 for ``d <= 2``; for ``d >= 3``
  ``1 - 1/m(d)`` with ``m(d) = sum_n u_2n = int_0^inf e^-t I_0(t/d)^d dt``
  (E. W. Montroll, *J. SIAM* 4, 1956). The integral is done with mpmath on
  ``[0, T]`` and, with ``t = T / u^2``, on ``u in (0, 1]`` where the integrand
  is smooth (``e^-t I_0(t/d)^d ~ (2 pi t / d)^(-d/2)``). For ``d = 3``,
  Watson's closed form ``m(3) = sqrt(6) / (32 pi^3) Gamma(1/24) Gamma(5/24)
  Gamma(7/24) Gamma(11/24)`` (G. N. Watson, *Quart. J. Math.* 10, 1939; Glasser
  and Zucker, *PNAS* 74, 1977) gives ``0.34053732955099914282627...``; the
  quadrature agrees to all requested digits (tests: 40 digits).
- **Range** in ``d = 1``: ``R_n = #{S_0, ..., S_n}`` has
  ``E R_n = sum_(k=0)^n P(T_0 > k)`` (a new site at time ``k`` is, reversing
  time, a walk that has not returned to 0 by ``k``; Spitzer, *Principles of
  Random Walk*, 1976, ch. I.4); exact for exact ``p``. For ``p = 1/2``,
  ``E R_n ~ sqrt(8 n / pi)``; for ``p != 1/2``, ``E R_n ~ |p - q| n``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

import numpy as np

from mathkit._validate import check_nonnegative_integer, check_positive_integer

__all__ = [
    "expected_range", "expected_range_asymptotic", "lattice_return_counts",
    "lattice_return_probability", "lattice_return_probability_watson",
]

#: Largest ``n`` for :func:`lattice_return_counts` (``O(d n^2)`` big-integer products;
#: ~6 s for ``d = 3``, ``n = 500``).
MAX_COUNT_STEPS = 1_000


def _check_dimension(d) -> int:
    return check_positive_integer(d, "d")


def lattice_return_counts(d, n_max) -> tuple[int, ...]:
    """``W_d(n)``, the number of closed paths of length ``2n`` on ``Z^d``, for ``n = 0..n_max``.

    Parameters
    ----------
    d : int
        Dimension, ``>= 1``.
    n_max : int
        Largest half-length, ``0 <= n_max <= MAX_COUNT_STEPS``.

    Returns
    -------
    tuple of int
        Exact integers; ``W_d(n) / (2d)^(2n) = P(S_2n = 0)``.

    Raises
    ------
    TypeError, ValueError
        For a non-integer or non-positive ``d`` or a bad ``n_max``.

    Notes
    -----
    ``W_d(n) = sum_k C(2n, 2k) C(2k, k) W_(d-1)(n - k)``; ``I_0(2x)^d`` is
    the exponential generating function (see :mod:`mathkit.walks.lattice`).

    Examples
    --------
    >>> lattice_return_counts(2, 3)  # C(2n, n)^2
    (1, 4, 36, 400)
    >>> lattice_return_counts(3, 3)
    (1, 6, 90, 1860)
    """
    d = _check_dimension(d)
    n_max = check_nonnegative_integer(n_max, "n_max")
    if n_max > MAX_COUNT_STEPS:
        msg = f"n_max must be at most {MAX_COUNT_STEPS}, got {n_max}"
        raise ValueError(msg)
    return _counts(d, n_max)


@lru_cache(maxsize=32)
def _counts(d: int, n_max: int) -> tuple[int, ...]:
    central = [math.comb(2 * k, k) for k in range(n_max + 1)]
    if d == 1:
        return tuple(central)
    before = _counts(d - 1, n_max)
    return tuple(sum(math.comb(2 * n, 2 * k) * central[k] * before[n - k] for k in range(n + 1))
                 for n in range(n_max + 1))


def lattice_return_probability(d, digits=None):
    """Polya's return probability of the simple walk on ``Z^d``.

    Parameters
    ----------
    d : int
        Dimension, ``>= 1``.
    digits : int, optional
        Return an ``mpmath.mpf`` good to this many significant digits
        (``1 <= digits <= 200``); default a float.

    Returns
    -------
    float or mpmath.mpf
        1 for ``d <= 2``; ``1 - 1/m(d)`` for ``d >= 3``.

    Raises
    ------
    TypeError, ValueError
        For a bad ``d`` or ``digits``.

    Notes
    -----
    ``m(d) = int_0^inf e^-t I_0(t/d)^d dt`` by mpmath quadrature at
    ``digits + 10`` working digits (see :mod:`mathkit.walks.lattice`;
    Montroll 1956). ``d = 3``: ``0.3405373296``; ``d = 4``: ``0.1932016732``.

    Examples
    --------
    >>> lattice_return_probability(2)
    1.0
    >>> round(lattice_return_probability(3), 10)
    0.3405373296
    >>> import mpmath
    >>> mpmath.nstr(lattice_return_probability(3, digits=25), 25)
    '0.3405373295509991428262732'
    """
    import mpmath

    d = _check_dimension(d)
    if digits is not None:
        digits = check_positive_integer(digits, "digits")
        if digits > 200:
            msg = f"digits must be at most 200, got {digits}"
            raise ValueError(msg)
    work = (digits or 16) + 10
    with mpmath.workdps(work):
        value = mpmath.mpf(1) if d <= 2 else 1 - 1 / _expected_visits(d)
    if digits is None:
        return float(value)
    with mpmath.workdps(digits):
        return +value


def _expected_visits(d: int):
    """``m(d) = int_0^inf e^-t I_0(t/d)^d dt`` at the current mpmath precision."""
    import mpmath

    def integrand(t):
        x = t / d
        return (mpmath.besseli(0, x) * mpmath.exp(-x)) ** d

    cut = mpmath.mpf(10 * d)
    head = mpmath.quad(integrand, [0, cut / 4, cut])
    # t = cut / u^2: the tail ~ t^(-d/2) becomes smooth in u on (0, 1]
    tail = mpmath.quad(lambda u: integrand(cut / u**2) * 2 * cut / u**3,
                       [0, mpmath.mpf(1) / 4, mpmath.mpf(1) / 2, 1], method="gauss-legendre")
    return head + tail


def lattice_return_probability_watson(digits: int = 16):
    """Watson's closed form of the ``d = 3`` return probability, ``1 - 1/m(3)``.

    Parameters
    ----------
    digits : int
        Significant digits of the mpmath result.

    Returns
    -------
    mpmath.mpf

    Notes
    -----
    ``m(3) = sqrt(6) / (32 pi^3) Gamma(1/24) Gamma(5/24) Gamma(7/24) Gamma(11/24)``
    (Watson 1939; Glasser and Zucker 1977).

    Examples
    --------
    >>> import mpmath
    >>> mpmath.nstr(lattice_return_probability_watson(12), 12)
    '0.340537329551'
    """
    import mpmath

    digits = check_positive_integer(digits, "digits")
    with mpmath.workdps(digits + 10):
        gammas = [mpmath.gamma(mpmath.mpf(k) / 24) for k in (1, 5, 7, 11)]
        m3 = mpmath.sqrt(6) / (32 * mpmath.pi**3) * math.prod(gammas)
        value = 1 - 1 / m3
    with mpmath.workdps(digits):
        return +value


def expected_range(walk, n):
    """``E R_n``, the expected number of distinct sites among ``S_0, ..., S_n`` (``d = 1``).

    Parameters
    ----------
    walk : SimpleWalk
        ``p`` float, Fraction, sympy Rational or symbolic.
    n : int
        Number of steps, ``0 <= n`` (``<= 4000`` for exact or symbolic ``p``).

    Returns
    -------
    Fraction, sympy expression or numpy.float64

    Raises
    ------
    TypeError, ValueError
        For a walk that is not a SimpleWalk or a bad ``n``.

    Notes
    -----
    ``E R_n = sum_(k=0)^n P(T_0 > k) = (n + 1) - sum_(j<=n) (n + 1 - j) P(T_0 = j)``
    with ``P(T_0 = 2j) = C(2j, j) (pq)^j / (2j - 1)`` (Spitzer 1976, ch. I.4).
    Exact arithmetic for exact ``p``; for float ``p`` the sum of the float
    first-return law (relative error ``~1e-15``).

    Examples
    --------
    >>> from fractions import Fraction
    >>> from mathkit.walks import SimpleWalk
    >>> expected_range(SimpleWalk(Fraction(1, 2)), 2)  # 2 sites w.p. 1/2, 3 w.p. 1/2
    Fraction(5, 2)
    """
    from mathkit.walks.pgf import _check_simple, _output, first_return_pgf

    _check_simple(walk, "expected_range")
    n = check_nonnegative_integer(n, "n")
    if not walk.is_exact:
        times = np.arange(1, n + 1)
        terms = walk.first_return().pmf(times) * (n + 1 - times)
        return np.float64((n + 1) - math.fsum(terms))
    if n > 4000:
        msg = f"n must be at most 4000 for exact or symbolic p, got {n}"
        raise ValueError(msg)
    f = first_return_pgf(walk).coefficients(n + 1).values
    total = sum(((n + 1 - j) * f[j] for j in range(2, n + 1, 2)), f[0] * 0)
    value = (n + 1) - total
    if walk.is_symbolic:
        import sympy

        return sympy.expand(value)
    return _output(walk, Fraction(value) if not hasattr(value, "is_Rational") else value)


def expected_range_asymptotic(n, p=0.5):
    """``E R_n ~ sqrt(8 n / pi)`` for ``p = 1/2``, ``|p - q| n`` otherwise.

    Parameters
    ----------
    n : array_like
        Steps, ``>= 0``.
    p : float
        Probability of a step up.

    Returns
    -------
    numpy.float64 or numpy.ndarray

    Notes
    -----
    ``E R_n = sum_(k <= n) P(T_0 > k)`` and ``P(T_0 > 2k) = u_2k ~ 1/sqrt(pi k)``
    for ``p = 1/2`` (Feller 1968, ch. III.3), so ``E R_n = sqrt(8n/pi) + O(1)``.

    Examples
    --------
    >>> round(float(expected_range_asymptotic(100)), 4)
    15.9577
    """
    from mathkit._validate import check_probability

    p = float(check_probability(p, "p"))
    n = np.asarray(n, dtype=np.float64)
    if p == 0.5:
        return np.sqrt(8 * n / np.pi)[()]
    return (abs(2 * p - 1) * n)[()]
