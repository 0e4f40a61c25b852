"""The law of the position ``S_n = X_1 + ... + X_n`` of a random walk.

:func:`position_law` (behind :meth:`Walk.position`) picks the representation:

**Simple walk, float p** (:class:`SimpleWalkPosition`). ``S_n = 2K - n`` with
``K ~ Binomial(n, p)``, computed in log space for ``n`` up to ``2**53``:

- ``logpmf``: Loader's saddle-point form (C. Loader, "Fast and accurate
  computation of binomial probabilities", 2000) with ``stirlerr`` and the
  deviance ``bd0`` evaluated stably and the means ``np``, ``nq`` carried in
  double-double, so the deviation ``x - np`` is exact to rounding.
- ``logcdf``/``logsf``: far from the mode, the tail is summed term by term
  relative to its first term (at most ``TAIL_TERMS`` terms, geometric
  convergence); in the bulk, scipy's ``betainc``/``betaincc`` where
  ``sqrt(npq) < 30`` and Temme's uniform asymptotic expansion of the
  incomplete beta function elsewhere (N. M. Temme, SIAM J. Math. Anal. 18,
  1987; DLMF section 8.18(ii); up to four orders, coefficients by power-series
  arithmetic per point). The switch points were chosen by measurement against
  mpmath: Boost's ``ibeta`` drifts like ``eps sqrt(npq)`` (``3e-11`` at
  ``n = 10**12``). The smaller of ``cdf`` and ``sf`` is carried as a
  double-double log; the larger is ``1 - smaller`` (``log1p(-smaller)``).
- Accuracy, measured against mpmath at 50 digits (tests/walks/test_position.py)
  for ``n`` in ``{10, 1000, 10**6, 10**9, 10**12}`` and ``p`` from ``1e-6`` to
  ``0.999``, all over the support including ``k = +-n`` and points with
  ``pmf < 1e-300``: relative error below ``3e-16`` in ``logpmf`` and below
  ``1.2e-13`` in ``logcdf`` and ``logsf`` (typically ``1e-15``; the worst is
  the side near 1, ``log(1 - s)`` with ``s`` ~ ``e^-576``, whose relative
  error is that of ``s``). The test holds them to ``1e-12``. The same bound
  holds, and is tested (tests/walks/test_tiny_probabilities.py), for a tiny
  ``p`` from ``1e-12`` down to the subnormal ``5e-324`` and a tiny ``q`` down
  to ``2**-53``, ``n`` up to ``10**12``: measured below ``4e-16`` in
  ``logpmf``, below ``1.4e-13`` in ``logcdf`` and ``logsf``. ``pmf``, ``cdf``
  and ``sf`` are ``exp`` of double-double logs: relative error ~``eps`` where
  the deviance is in its series range, up to ``|log| eps`` otherwise
  (``x`` far from ``np`` relative to ``np``: small ``n`` or extreme ``p``).
- ``table()`` tabulates the whole support at once: exact anchors every 32
  values and the ratio recurrence between them (relative drift below
  ``1e-14``), only where the pmf does not underflow.

**Exact p** (Fraction, sympy Rational or a sympy symbol): the table
``C(n, K) p^K q^(n - K)`` in exact (or symbolic) arithmetic,
:class:`ExactSimplePosition`.

**General step law**, :class:`WalkPosition`: the ``n``-th power of the step
PGF. Floats: characteristic-function inversion with one FFT
(:func:`mathkit.walks._powers.float_power`: absolute error below ~``30 eps``
times ``max pmf``, measured ``< 5e-19`` for a 3-point law at ``n = 10**5``).
Exact laws: integer polynomial powering on a common denominator.

``mean``/``var`` are ``n E[X]`` and ``n Var X``; :meth:`IntegerLaw.pgf_moments`
gets them symbolically from the PGF ``G(z)^n`` instead (a test checks both agree).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from mathkit.walks import _binomial
from mathkit.walks.laws import IntegerLaw, LawTable, TabulatedLaw

__all__ = ["ExactSimplePosition", "SimpleWalkPosition", "WalkPosition", "position_law"]

#: Largest n the float kernels accept (integers stay exact in float64).
MAX_FLOAT_STEPS = 2**53
#: Largest table of an exact law: the simple walk's ``n + 1`` probabilities (about 6 s
#: at this size, growing like ``n^3``), and the ``n * width + 1`` of a general walk's,
#: whose exact powering costs more (about 4 s).
MAX_EXACT_SIMPLE_TERMS, MAX_EXACT_GENERAL_TERMS = 10_001, 6_001


def position_law(walk, n: int) -> IntegerLaw:
    """The law of ``S_n`` for a :class:`~mathkit.walks.Walk` and a checked ``n >= 0``.

    Examples
    --------
    >>> from mathkit.walks import SimpleWalk
    >>> position_law(SimpleWalk(0.5), 4).pmf(0)
    np.float64(0.375)
    """
    from mathkit.walks.steps import SimpleWalk

    if isinstance(walk, SimpleWalk):
        if walk.is_exact:
            if walk.is_symbolic or walk.p not in (0, 1):
                _check_exact_terms(n + 1, MAX_EXACT_SIMPLE_TERMS, n)
                return ExactSimplePosition(walk, n)
            return TabulatedLaw(n if walk.p == 1 else -n, [Fraction(1)])
        if n > MAX_FLOAT_STEPS:
            msg = f"n must be at most 2**53 for a float p, got {n} (use an exact p)"
            raise ValueError(msg)
        if n == 0 or walk.p in (0.0, 1.0):
            return TabulatedLaw(n if walk.p == 1.0 else -n if n else 0, np.ones(1))
        return SimpleWalkPosition(walk, n)
    if walk.is_exact and walk.span:
        width = (walk.steps[-1] - walk.steps[0]) // walk.span
        _check_exact_terms(n * width + 1, MAX_EXACT_GENERAL_TERMS, n)
    return WalkPosition(walk, n)


def _check_exact_terms(terms: int, limit: int, n: int) -> None:
    if terms > limit:
        msg = (f"n = {n} is too large for an exact law: it would hold {terms} exact "
               f"probabilities, at most {limit} here; use a float p (or float step law)")
        raise ValueError(msg)


class SimpleWalkPosition(IntegerLaw):
    """Law of ``S_n`` for the simple walk with a float ``0 < p < 1``, ``n >= 1``.

    ``S_n = 2K - n``, ``K ~ Binomial(n, p)``; support ``-n, -n + 2, ..., n``.
    See the module docstring for the algorithms and their measured accuracy.

    Parameters
    ----------
    walk : SimpleWalk
        With a float ``p`` strictly between 0 and 1.
    n : int
        Number of steps, ``1 <= n <= 2**53``.

    Examples
    --------
    >>> from mathkit.walks import SimpleWalk
    >>> law = SimpleWalk(0.5).position(10**12)
    >>> float(law.logpmf(0))  # P(S_n = 0) ~ sqrt(2 / (pi n))
    -14.041301910609251
    >>> float(law.logsf(10**12 - 2))  # P(S_n = n) = 2**-n
    -693147180559.9453
    >>> law.mean(), law.var()
    (np.float64(0.0), np.float64(1000000000000.0))
    """

    def __init__(self, walk, n: int):
        self._walk = walk
        self._n = int(n)
        self._p = float(walk.p)
        self._lower, self._upper, self._span = -self._n, self._n, 2

    def __repr__(self):
        return f"SimpleWalkPosition(p={self._p!r}, n={self._n})"

    @property
    def n(self) -> int:
        """Number of steps."""
        return self._n

    @property
    def walk(self):
        """The walk."""
        return self._walk

    # -- moments and PGF ------------------------------------------------------------

    def mean(self):
        """``E[S_n] = n (p - q)``."""
        return np.float64(self._n * (2.0 * self._p - 1.0))

    def var(self):
        """``Var S_n = 4 n p q``."""
        return np.float64(4.0 * self._n * self._p * (1.0 - self._p))

    def pgf(self, z):
        """``E[z^S_n] = (p z + q / z)^n``; a sympy expression for a sympy ``z``."""
        from mathkit.walks.steps import _is_sympy

        if _is_sympy(z):
            import sympy

            p = sympy.Float(self._p, 17)
            return (p * z + (1 - p) / z) ** self._n
        return self._walk.pgf(z) ** self._n

    # -- hooks ----------------------------------------------------------------------

    def _successes(self, k):
        return (k + self._n) / 2.0

    def _logpmf_points(self, k):
        return _binomial.logpmf(self._n, self._p, self._successes(k))

    def _pmf_points(self, k):
        return _binomial.pmf(self._n, self._p, self._successes(k))

    def _log_cdf_sf_points(self, k):
        return _binomial.log_cdf_sf(self._n, self._p, self._successes(k))

    def _cdf_points(self, k):
        return _binomial.cdf_sf(self._n, self._p, self._successes(k))[2]

    def _sf_points(self, k):
        return _binomial.cdf_sf(self._n, self._p, self._successes(k))[3]

    def _ppf_points(self, q):
        """Cornish-Fisher guess for K, a bracket grown until it holds, then bisection."""
        from scipy.special import ndtri

        n, p = self._n, self._p
        sigma = math.sqrt(n * p * (1 - p))
        z = np.clip(ndtri(q), -40.0, 40.0)  # q = 1 gives inf
        skew = (1 - 2 * p) / sigma
        guess = np.clip(np.round(n * p + sigma * (z + skew * (z * z - 1) / 6) - 0.5), 0, n)
        width = np.full(q.shape, 4, dtype=np.int64)
        lo = np.clip(guess - width, 0, n).astype(np.int64)
        hi = np.clip(guess + width, 0, n).astype(np.int64)
        # grow: need cdf(K <= lo - 1) < q and cdf(K <= hi) >= q
        while True:
            low_bad = (lo > 0) & (self.cdf(2.0 * (lo - 1) - n) >= q)
            high_bad = (hi < n) & (self.cdf(2.0 * hi - n) < q)
            if not (low_bad.any() or high_bad.any()):
                break
            width = width * 4
            lo = np.where(low_bad, np.clip(guess - width, 0, n), lo).astype(np.int64)
            hi = np.where(high_bad, np.clip(guess + width, 0, n), hi).astype(np.int64)
        return self._bisect_cdf(q, lo, hi)

    # -- tables -----------------------------------------------------------------------

    def _table(self, terms: int) -> LawTable:
        """Whole support (or a window about the mode) by anchored ratio recurrence."""
        n, p = self._n, self._p
        if terms >= n + 1:
            first, last = 0, n
        else:
            top = _binomial.mode(n, p)
            first = max(0, min(top - terms // 2, n + 1 - terms))
            last = first + terms - 1
        values = np.arange(2 * first - n, 2 * last - n + 1, 2, dtype=np.int64)
        probabilities = np.zeros(last - first + 1)
        lo, hi = _binomial.nonzero_window(n, p)
        lo, hi = max(lo, first), min(hi, last)
        if lo <= hi:
            probabilities[lo - first:hi - first + 1] = _binomial.pmf_range(n, p, lo, hi)
        omitted = np.float64(0.0)
        if first > 0:
            omitted += self.cdf(float(values[0]) - 2)
        if last < n:
            omitted += self.sf(float(values[-1]))
        return LawTable(values, probabilities, omitted)


class ExactSimplePosition(TabulatedLaw):
    """Law of ``S_n`` for a simple walk with exact or symbolic ``p``.

    ``P(S_n = 2K - n) = C(n, K) p^K q^(n - K)``: Fractions for a Fraction
    ``p``, sympy Rationals for a sympy Rational, sympy expressions for a
    symbolic ``p``. Holds all ``n + 1`` probabilities, so ``n`` is at most
    ``MAX_EXACT_SIMPLE_TERMS - 1`` (use a float ``p`` for large ``n``).

    Examples
    --------
    >>> from fractions import Fraction
    >>> from mathkit.walks import SimpleWalk
    >>> law = SimpleWalk(Fraction(1, 3)).position(3)
    >>> law.pmf(1), law.cdf(-1), law.mean(), law.var()
    (Fraction(2, 9), Fraction(20, 27), Fraction(-1, 1), Fraction(8, 3))
    """

    def __init__(self, walk, n: int):
        self._walk = walk
        self._n = int(n)
        super().__init__(-self._n, _binomial_terms(walk.p, self._n), span=2)

    def __repr__(self):
        return f"ExactSimplePosition(p={self._walk.p}, n={self._n})"

    @property
    def n(self) -> int:
        """Number of steps."""
        return self._n

    def mean(self):
        """``n (p - q)``, exact."""
        return _expand(self._n * (2 * self._walk.p - 1))

    def var(self):
        """``4 n p q``, exact."""
        return 4 * self._n * self._walk.p * (1 - self._walk.p)

    def pgf(self, z):
        """``(p z + q / z)^n``: exact (sympy for a sympy ``z`` or ``p``)."""
        return self._walk.pgf(z) ** self._n


def _expand(value):
    from mathkit.walks.steps import _is_symbolic

    if _is_symbolic(value):
        import sympy

        return sympy.expand(value)
    return value


def _binomial_terms(p, n: int) -> list:
    from mathkit.walks.steps import _is_symbolic, _is_sympy

    if _is_symbolic(p):
        import sympy

        return [sympy.Integer(math.comb(n, k)) * p**k * (1 - p) ** (n - k) for k in range(n + 1)]
    fraction = Fraction(int(p.p), int(p.q)) if _is_sympy(p) else Fraction(p)
    a, b = fraction.numerator, fraction.denominator
    numerators = _binomial_numerators(a, b - a, n)
    denominator = b**n
    if _is_sympy(p):
        import sympy

        return [sympy.Rational(c, denominator) for c in numerators]
    return [Fraction(c, denominator) for c in numerators]


def _binomial_numerators(a: int, c: int, n: int) -> list[int]:
    """``C(n, k) a^k c^(n - k)`` for k = 0..n, by the ratio recurrence in integers."""
    terms = [c**n]
    for k in range(n):
        # C(n, k+1) a^(k+1) c^(n-k-1) = C(n, k) a^k c^(n-k) * (n-k) a / ((k+1) c)
        if c == 0:
            terms.append(0 if k + 1 < n else a**n)
            continue
        terms.append(terms[-1] * (n - k) * a // ((k + 1) * c))
    return terms


class WalkPosition(TabulatedLaw):
    """Law of ``S_n`` for a general finite step law, as a table.

    The step law reduced to its lattice (shift by the smallest step ``s_0``,
    divide by the span ``g``) is raised to the ``n``-th power: by FFT
    characteristic-function inversion for floats (absolute error below ~``30
    eps`` times ``max pmf``; see :func:`mathkit.walks._powers.float_power`), by
    integer polynomial powering for exact laws. Values are
    ``n s_0 + g k``.

    Examples
    --------
    >>> from mathkit.walks import Walk
    >>> law = Walk({-1: 0.25, 0: 0.5, 1: 0.25}).position(2)
    >>> law.pmf([-2, 0, 2])
    array([0.0625, 0.375 , 0.0625])
    >>> law.mean(), law.var()
    (np.float64(0.0), np.float64(1.0))
    """

    def __init__(self, walk, n: int):
        from mathkit.walks import _powers

        self._walk = walk
        self._n = int(n)
        steps = walk.steps
        span = walk.span
        law = walk.law
        if n == 0 or span == 0:
            start = n * steps[0]
            super().__init__(start, [Fraction(1)] if walk.is_exact else np.ones(1))
            return
        width = (steps[-1] - steps[0]) // span
        reduced = [law.get(steps[0] + span * i, 0) for i in range(width + 1)]
        if walk.is_exact:
            denominator = math.lcm(*(_fraction(v).denominator for v in reduced))
            numerators = [int(_fraction(v) * denominator) for v in reduced]
            coefficients = _powers.exact_power(numerators, n)
            scale = denominator**n
            if any(hasattr(v, "is_Rational") for v in reduced):
                import sympy

                probabilities = [sympy.Rational(c, scale) for c in coefficients]
            else:
                probabilities = [Fraction(c, scale) for c in coefficients]
            super().__init__(n * steps[0], probabilities, span=span)
        else:
            first, values = _powers.float_power(np.array(reduced, dtype=np.float64), n)
            super().__init__(n * steps[0] + span * first, values / math.fsum(values), span=span)

    def __repr__(self):
        return f"WalkPosition({self._walk!r}, n={self._n})"

    @property
    def n(self) -> int:
        """Number of steps."""
        return self._n

    def mean(self):
        """``n E[X]``."""
        return self._n * self._walk.mean

    def var(self):
        """``n Var X``."""
        return self._n * self._walk.var

    def pgf(self, z):
        """``G(z)^n`` with ``G`` the step PGF (sympy for a sympy ``z``)."""
        return self._walk.pgf(z) ** self._n


def _fraction(value) -> Fraction:
    if hasattr(value, "is_Rational"):
        return Fraction(int(value.p), int(value.q))
    return Fraction(value)
