"""First passage and first return of the simple random walk.

For the simple walk (steps ``+1`` with probability ``p``, ``-1`` with
``q = 1 - p``, ``S_0 = 0``):

- **First passage** to ``r != 0``, ``T_r = min{n >= 1 : S_n = r}``. The
  hitting-time theorem (Feller 1968, ch. III.7; van der Hofstad and Keane,
  *Amer. Math. Monthly* 115, 2008) gives
  ``P(T_r = n) = (|r| / n) P(S_n = r)`` for ``n >= |r|``, ``n = r (mod 2)``.
  ``P(T_r < inf) = 1`` when ``p = 1/2`` or the drift points toward ``r``,
  else ``(p / q)^r`` for ``r > 0`` (``(q / p)^|r|`` for ``r < 0``).
- **First return** to 0, ``T_0 = min{n >= 1 : S_n = 0}``:
  ``P(T_0 = 2n) = u_2n / (2n - 1) = C(2n, n) (pq)^n / (2n - 1)`` with
  ``u_2n = P(S_2n = 0)`` (Feller 1968, ch. III.3 and XI.3), and
  ``P(T_0 < inf) = 1 - |p - q|``.

Both are :class:`PassageTimeLaw` objects: laws on ``{lower, lower + 2, ...}``
(``lower = |r|``, or 2 for the return), *defective* when the event may never
happen (``prob_finite() < 1``; ``sf(k)`` is ``P(k < T < inf)``). ``pmf`` is the
closed form at any time; ``cdf`` sums it (the partial sums are kept and grown
on demand, at most :data:`MAX_CDF_STEPS` steps). ``table()`` tabulates times up
to ``n_max`` and reports the rest as ``omitted_mass`` (including the mass at
infinity); :attr:`PassageTimeLaw.tail_mass` is the finite part
``P(n_max < T < inf)``.

The default ``n_max`` is the first time (at least ``r^2``, where the ratio of
successive terms falls below ``4pq``) at which the bound
``P(T > n_max, T < inf) <= P(T = n_max) rho / (1 - rho)``, ``rho = 4pq``, is
below ``1e-15``, capped at :data:`MAX_DEFAULT_STEPS` (floats) or
:data:`MAX_DEFAULT_EXACT_STEPS` (exact ``p``). For ``p = 1/2`` the tail decays
like ``n^(-1/2)`` and the cap applies: ``tail_mass`` says what was left out.

Accuracy (float ``p``): ``logpmf`` is ``log(|r| / n) + log P(S_n = r)``, with
the log-space binomial of :mod:`mathkit.walks._binomial` at every 32nd time
and the exact ratio of successive terms in between (pmf relative error
measured below ``2e-13`` up to ``n = 2000``, p from 0.01 to 0.999, against
Fractions (the tests hold it there up to ``n = 1000``); ~``2e-14`` for moderate p); ``cdf`` is a
sum of positive terms (measured relative error below ``1e-14``); ``sf``
and ``logsf`` sum the later terms in log space when ``4pq <= 0.999`` (the
terms then fall geometrically: relative accuracy ~``1e-13`` even deep in the
tail), else are ``prob_finite() - cdf`` (accurate to ~``1e-16`` absolutely;
for ``p`` near 1/2 the tail decays slowly, so it is not small). Exact ``p``
(Fraction or sympy Rational) gives exact values (Fractions, or sympy
Rationals for a sympy ``p``).
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

import numpy as np

from mathkit.walks.laws import IntegerLaw, LawTable

__all__ = [
    "MAX_CDF_STEPS", "MAX_DEFAULT_EXACT_STEPS", "MAX_DEFAULT_STEPS", "PassageTimeLaw",
    "first_passage_law", "first_return_law", "return_probability",
]

#: Cap on the default ``n_max`` for float ``p``.
MAX_DEFAULT_STEPS = 100_000
#: Cap on the default ``n_max`` for exact ``p``.
MAX_DEFAULT_EXACT_STEPS = 2_000
#: Largest time up to which ``cdf`` partial sums are built.
MAX_CDF_STEPS = 10**7
#: Lattice points between two log-space binomial anchors of the float pmf.
_ANCHOR = 32
#: The default ``n_max`` aims at a finite omitted mass below this.
TAIL_TOLERANCE = 1e-15
#: For ``4pq`` up to this, float ``sf`` sums the later terms (else ``prob_finite - cdf``).
TAIL_SUM_RHO = 0.999


def _sympy_p(walk) -> bool:
    from mathkit.walks.steps import _is_sympy

    return _is_sympy(walk.p)


def _exact_p(walk) -> Fraction:
    p = walk.p
    if _sympy_p(walk):
        return Fraction(int(p.p), int(p.q))
    return Fraction(p)


def check_simple_walk(walk, what: str):
    """Check that ``walk`` is a numeric (float or exact) :class:`SimpleWalk`."""
    from mathkit.walks.steps import SimpleWalk

    if not isinstance(walk, SimpleWalk):
        msg = f"{what} is implemented for SimpleWalk only, got {type(walk).__name__}"
        raise TypeError(msg)
    if walk.is_symbolic:
        msg = (f"{what} needs a numeric p (float, Fraction or sympy Rational), got the "
               f"symbolic p = {walk.p}; substitute a value first")
        raise TypeError(msg)


def check_level(r) -> int:
    """``r`` as a non-zero int; TypeError for non-integers, ValueError for 0."""
    from mathkit.walks.steps import _is_sympy

    integer = isinstance(r, numbers.Integral | np.integer) and not isinstance(r, bool)
    if not (integer or (_is_sympy(r) and r.is_Integer)):
        msg = f"r must be a non-zero integer, got {type(r).__name__} {r!r}"
        raise TypeError(msg)
    if r == 0:
        msg = "r must be a non-zero integer, got 0 (use first_return() for the return to 0)"
        raise ValueError(msg)
    return int(r)


def return_probability(walk):
    """``P(T_0 < inf) = 1 - |p - q|`` for a :class:`SimpleWalk`.

    Exact for exact ``p`` (a sympy expression for symbolic ``p``), a numpy
    float otherwise. See :meth:`mathkit.walks.SimpleWalk.return_probability`.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from mathkit.walks import SimpleWalk
    >>> return_probability(SimpleWalk(Fraction(3, 10)))
    Fraction(3, 5)
    """
    from mathkit.walks.steps import SimpleWalk

    if not isinstance(walk, SimpleWalk):
        msg = f"return_probability is implemented for SimpleWalk only, got {type(walk).__name__}"
        raise TypeError(msg)
    p = walk.p
    if walk.is_symbolic:
        import sympy

        return 1 - sympy.Abs(2 * p - 1)
    if walk.is_exact:
        return 1 - abs(2 * p - 1)
    return np.float64(1.0 - abs(2.0 * p - 1.0))


class PassageTimeLaw(IntegerLaw):
    """Law of the first passage time ``T_r`` (``r != 0``) or first return time ``T_0``.

    Build it with :meth:`SimpleWalk.first_passage` or
    :meth:`SimpleWalk.first_return`. See :mod:`mathkit.walks.passage` for the
    formulas, the default ``n_max`` and the accuracy.

    Parameters
    ----------
    walk : SimpleWalk
        A simple walk with numeric ``p``.
    level : int
        ``r`` (non-zero) for the first passage to ``r``, 0 for the first return.
    n_max : int, optional
        Last time of the default :meth:`table`.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from mathkit.walks import SimpleWalk
    >>> law = SimpleWalk(Fraction(1, 3)).first_passage(1)
    >>> law.pmf([1, 3]), law.prob_finite()
    (array([Fraction(1, 3), Fraction(2, 27)], dtype=object), Fraction(1, 2))
    """

    def __init__(self, walk, level: int, n_max=None):
        check_simple_walk(walk, "first passage" if level else "first return")
        self._walk = walk
        self._level = int(level)
        self._lower = abs(self._level) if self._level else 2
        self._upper = math.inf
        self._span = 2
        self._exact = bool(walk.is_exact)
        self._sympy = self._exact and _sympy_p(walk)
        if self._exact:
            self._p = _exact_p(walk)
        else:
            self._p = float(walk.p)
        self._q = 1 - self._p
        self._values: list = []  # exact pmf of lattice points lower + 2 i
        self._sums: list = []  # exact partial sums
        self._log_terms = np.empty(0)  # float log pmf
        self._cumulative = np.empty(0)
        if n_max is None:
            self._n_max = self._default_n_max()
        else:
            from mathkit._validate import check_nonnegative_integer

            n_max = check_nonnegative_integer(n_max, "n_max")
            self._n_max = n_max - (n_max - self._lower) % 2 if n_max >= self._lower else n_max

    # -- description ---------------------------------------------------------------

    def __repr__(self):
        name = f"first_passage(r={self._level})" if self._level else "first_return()"
        return f"PassageTimeLaw({self._walk!r}.{name}, n_max={self._n_max})"

    @property
    def is_exact(self) -> bool:
        return self._exact

    @property
    def walk(self):
        """The walk."""
        return self._walk

    @property
    def level(self) -> int:
        """``r`` for the first passage to ``r``, 0 for the first return."""
        return self._level

    @property
    def n_max(self) -> int:
        """Last time tabulated by default (see :meth:`table`)."""
        return self._n_max

    @property
    def tail_mass(self):
        """``P(n_max < T < inf)``: the finite mass left out of the default table."""
        if self._exact:
            return self._out(self.prob_finite() - self._exact_cdf_any(self._n_max))
        return np.float64(max(0.0, float(self.prob_finite() - self.cdf(self._n_max))))

    def _out(self, value):
        if self._sympy:
            import sympy

            return sympy.Rational(value.numerator, value.denominator)
        return value

    def prob_finite(self):
        """``P(T < inf)``: 1 toward the drift or for ``p = 1/2``; ``(p/q)^r``, ``1 - |p - q|`` else.

        Examples
        --------
        >>> from mathkit.walks import SimpleWalk
        >>> float(SimpleWalk(0.25).first_passage(2).prob_finite())  # (1/3)^2
        0.1111111111111111
        """
        p, q, r = self._p, self._q, self._level
        if r == 0:
            value = 1 - abs(p - q)
        elif (r > 0 and p >= q) or (r < 0 and q >= p):
            value = p - p + 1
        elif r > 0:
            value = (p / q) ** r
        else:
            value = (q / p) ** (-r)
        return self._out(value) if self._exact else np.float64(value)

    def mean(self):
        """``E[T] = |r| / |p - q|`` toward the drift; ``inf`` for ``p = 1/2`` or a defective law."""
        p, q, r = self._p, self._q, abs(self._level)
        if r == 0 or self.prob_finite() != 1 or p == q:
            return np.float64(np.inf)
        value = r / abs(p - q)
        return self._out(value) if self._exact else np.float64(value)

    def var(self):
        """``Var T = 4 |r| p q / |p - q|^3`` toward the drift; ``inf`` otherwise."""
        p, q, r = self._p, self._q, abs(self._level)
        if r == 0 or self.prob_finite() != 1 or p == q:
            return np.float64(np.inf)
        value = 4 * r * p * q / abs(p - q) ** 3
        return self._out(value) if self._exact else np.float64(value)

    def pgf(self, z):
        """``E[z^T; T < inf]``.

        ``T_1``: ``(1 - sqrt(1 - 4pq z^2)) / (2 q z)``; ``T_r = `` its ``r``-th
        power (``p``, ``q`` swapped for ``r < 0``); ``T_0``: ``1 - sqrt(1 - 4pq z^2)``
        (Feller 1968, ch. XI.3). Numeric ``z`` with ``|z| <= 1``, or sympy.

        Examples
        --------
        >>> from mathkit.walks import SimpleWalk
        >>> float(SimpleWalk(0.5).first_return().pgf(1.0))
        1.0
        """
        from mathkit.walks.steps import _is_sympy

        p, q, r = self._p, self._q, self._level
        if _is_sympy(z) or self._exact:
            import sympy

            z = sympy.sympify(z)
            p, q = sympy.Rational(p.numerator, p.denominator), sympy.Rational(q.numerator,
                                                                                q.denominator)
            root = sympy.sqrt(1 - 4 * p * q * z**2)
            if r == 0:
                return 1 - root
            down = q if r > 0 else p
            if down == 0:
                return z ** abs(r)
            return ((1 - root) / (2 * down * z)) ** abs(r)
        z = np.asarray(z)
        if z.dtype.kind not in "biufc":
            msg = f"z must be a number or an array of numbers, got dtype {z.dtype}"
            raise TypeError(msg)
        z = z.astype(np.complex128 if z.dtype.kind == "c" else np.float64)
        root = np.sqrt(1 - 4 * p * q * z**2 + 0j)
        if r == 0:
            out = 1 - root
        else:
            down = q if r > 0 else p
            if down == 0:
                out = z ** abs(r) + 0j
            else:
                with np.errstate(divide="ignore", invalid="ignore"):
                    # (1 - root) / (2 down z) = 2 up z / (1 + root): stable near z = 0
                    up = p if r > 0 else q
                    out = (2 * up * z / (1 + root)) ** abs(r)
        if z.dtype.kind != "c":
            out = out.real
        return np.asarray(out)[()]

    # -- terms ----------------------------------------------------------------------

    def _log_pmf_at(self, k: np.ndarray) -> np.ndarray:
        """Float ``log P(T = k)`` at lattice points ``k >= lower``.

        Anchors every ``_ANCHOR`` lattice points from the log-space binomial of
        :mod:`mathkit.walks._binomial` (relative error a few ``eps``), then the
        exact ratio of successive terms (at most ``_ANCHOR - 1`` log terms of
        size ~1 added).
        """
        r, p = self._level, self._p
        k = np.asarray(k, dtype=np.float64)
        if not 0 < p < 1 or k.size == 0:
            from scipy import stats

            with np.errstate(divide="ignore"):
                if r == 0:
                    return stats.binom.logpmf(k / 2, k, p) - np.log(k - 1)
                return np.log(abs(r) / k) + stats.binom.logpmf((k + r) / 2, k, p)
        from mathkit.walks import _binomial

        index = ((k - self._lower) // 2).astype(np.int64)
        offset = index % _ANCHOR
        anchors = self._lower + 2 * (index - offset)
        out = np.empty(k.shape)
        for anchor in np.unique(anchors).tolist():
            where = anchors == anchor
            if r == 0:
                value = _binomial.logpmf(anchor, p, np.float64(anchor // 2)) - math.log(anchor - 1)
            else:
                value = (math.log(abs(r) / anchor)
                         + _binomial.logpmf(anchor, p, np.float64((anchor + r) // 2)))
            out[where] = value
        if offset.max() > 0:
            step = np.arange(_ANCHOR - 1)
            before = anchors[:, None] + 2.0 * step[None, :]  # k' = anchor, anchor + 2, ...
            if r == 0:
                ratios = np.log(4.0 * (before - 1)) - np.log(before + 2)
            else:
                ratios = np.log(4.0 * before * (before + 1)) - np.log((before + 2) ** 2 - r * r)
            ratios = np.where(step[None, :] < offset[:, None], ratios + math.log(p * (1 - p)),
                              0.0)
            out += ratios.sum(axis=1)
        return out

    def _exact_term(self, k: int) -> Fraction:
        r, p, q = self._level, self._p, self._q
        if r == 0:
            half = k // 2
            return Fraction(math.comb(k, half), k - 1) * (p * q) ** half
        up = (k + r) // 2
        return Fraction(abs(r) * math.comb(k, up), k) * p**up * q ** (k - up)

    def _grow(self, count: int) -> None:
        """Keep at least ``count`` lattice points (times ``lower + 2 i``) of partial sums."""
        if count > MAX_CDF_STEPS // 2 + 1:
            msg = (f"the cdf of a passage time is built by summation up to {MAX_CDF_STEPS} "
                   f"steps; asked for {self._lower + 2 * (count - 1)}")
            raise ValueError(msg)
        if self._exact:
            have = len(self._values)
            if count <= have:
                return
            r, p, q = self._level, self._p, self._q
            term = self._values[-1] if have else None
            total = self._sums[-1] if have else Fraction(0)
            for i in range(have, count):
                k = self._lower + 2 * i
                if term is None or term == 0:
                    term = self._exact_term(k)
                else:
                    # ratio of successive terms (from the binomial coefficients)
                    if r == 0:
                        term = term * p * q * Fraction(4 * (k - 3), k)
                    else:
                        km = k - 2
                        term = term * p * q * Fraction(4 * km * (km + 1), k * k - r * r)
                total += term
                self._values.append(term)
                self._sums.append(total)
            return
        have = self._log_terms.size
        if count <= have:
            return
        count = max(count, 2 * have)
        k = self._lower + 2 * np.arange(have, count, dtype=np.float64)
        logs = self._log_pmf_at(k)
        start = self._cumulative[-1] if have else 0.0
        self._log_terms = np.concatenate([self._log_terms, logs])
        self._cumulative = np.concatenate([self._cumulative, start + np.cumsum(np.exp(logs))])

    def _default_n_max(self) -> int:
        p, q = float(self._p), float(self._q)
        rho = 4 * p * q
        cap = MAX_DEFAULT_EXACT_STEPS if self._exact else MAX_DEFAULT_STEPS
        cap_count = (cap - self._lower) // 2 + 1
        if p in (0.0, 1.0):
            return self._lower
        if rho >= 1 - 1e-9:
            return self._lower + 2 * (cap_count - 1)
        floor = max(self._lower, self._level**2)
        count = 64
        while True:
            count = min(count, cap_count)
            self._grow(count)
            k = self._lower + 2 * np.arange(count)
            if self._exact:
                logs = np.array([_log_fraction(v) for v in self._values[:count]])
            else:
                logs = self._log_terms[:count]
            bound = logs + math.log(rho / (1 - rho))
            good = np.flatnonzero((k >= floor) & (bound < math.log(TAIL_TOLERANCE)))
            if good.size:
                return int(k[good[0]])
            if count >= cap_count:
                return self._lower + 2 * (cap_count - 1)
            count *= 2

    # -- numeric hooks ------------------------------------------------------------------

    def _index(self, k):
        return ((np.asarray(k) - self._lower) // 2).astype(np.int64)

    def _logpmf_points(self, k):
        return self._log_pmf_at(np.asarray(k, dtype=np.float64))

    def _cdf_points(self, k):
        index = self._index(k)
        if index.size:
            self._grow(int(index.max()) + 1)
        return np.minimum(self._cumulative[index], float(self.prob_finite()))

    def _sf_points(self, k):
        log_sf = self._log_tail(k)
        if log_sf is not None:
            return np.exp(log_sf)
        return np.maximum(float(self.prob_finite()) - self._cdf_points(k), 0.0)

    def _log_cdf_sf_points(self, k):
        with np.errstate(divide="ignore"):
            log_cdf = np.log(self._cdf_points(k))
            log_sf = self._log_tail(k)
            if log_sf is None:
                log_sf = np.log(self._sf_points(k))
            return log_cdf, log_sf

    def _log_tail(self, k):
        """``log P(k < T < inf)`` as a sum of the later terms, or None where that is slow.

        Used when ``rho = 4pq <= TAIL_SUM_RHO``: beyond ``max(lower, r^2)`` successive
        terms fall by a factor below ``rho``, so the terms are summed (in log space, so
        deep tails keep their relative accuracy) until the rest is below ``e^-40`` of
        the first term summed.
        """
        p = self._p
        rho = 4 * p * (1 - p)
        if not 0 < rho <= TAIL_SUM_RHO:
            return None
        index = self._index(k)
        if index.size == 0:
            return np.empty(0)
        deepest = int(index.max()) + 1
        floor_index = max(0, (self._level**2 - self._lower) // 2 + 1)
        slack = math.log(rho / (1 - rho))
        while True:
            size = self._log_terms.size
            last = size - 1
            if (size > deepest and last >= floor_index
                    and self._log_terms[last] + slack < self._log_terms[deepest] - 40):
                break
            self._grow(max(64, 2 * size, deepest + 1))
        tail = np.logaddexp.accumulate(self._log_terms[::-1])[::-1]
        return tail[index + 1]

    def _ppf_points(self, q):
        out = np.full(q.shape, np.inf)
        finite = float(self.prob_finite())
        if self._exact:
            for index in np.ndindex(q.shape):
                u = Fraction(float(q[index]))
                if u <= self.prob_finite():
                    out[index] = self._bisect_one(lambda k, u=u: self._exact_cdf_any(k) >= u)
            return out
        reach = q <= finite * (1 - 1e-15) if finite < 1 else np.ones(q.shape, dtype=bool)
        if reach.any():
            target = float(q[reach].max())
            while self._cumulative.size == 0 or (self._cumulative[-1] < target
                                                 and self._cumulative.size < MAX_CDF_STEPS // 2):
                self._grow(max(64, 2 * self._cumulative.size))
            index = np.searchsorted(self._cumulative, q[reach], side="left")
            values = self._lower + 2.0 * index
            values[index >= self._cumulative.size] = np.inf
            out[reach] = values
        return out

    # -- exact hooks --------------------------------------------------------------------

    def _exact_zero(self):
        if self._sympy:
            import sympy

            return sympy.Integer(0)
        return Fraction(0)

    def _exact_pmf(self, k: int):
        index = (k - self._lower) // 2
        if index < len(self._values):
            return self._out(self._values[index])
        return self._out(self._exact_term(k))

    def _exact_cdf(self, k: int):
        index = (k - self._lower) // 2
        self._grow(index + 1)
        return self._out(self._sums[index])

    def _exact_sf(self, k: int):
        return self.prob_finite() - self._exact_cdf(k)

    def _exact_sf_any(self, k):
        if k < self._lower:
            return self.prob_finite()
        return self._exact_sf(int(self._snap_down(np.float64(k))))

    # -- tables -----------------------------------------------------------------------------

    def table(self, max_terms=None) -> LawTable:
        """The law on the times ``lower, lower + 2, ..., n_max`` (or the first ``max_terms``).

        Parameters
        ----------
        max_terms : int, optional
            Number of times to tabulate; default: up to :attr:`n_max`.

        Returns
        -------
        LawTable
            ``omitted_mass`` is ``1 - sum(probabilities)``: the mass of later
            times (:attr:`tail_mass` for the default table) plus the mass
            ``1 - prob_finite()`` at infinity.

        Examples
        --------
        >>> from fractions import Fraction
        >>> from mathkit.walks import SimpleWalk
        >>> table = SimpleWalk(Fraction(1, 2)).first_return().table(max_terms=2)
        >>> table.values, table.probabilities, table.omitted_mass
        (array([2, 4]), array([Fraction(1, 2), Fraction(1, 8)], dtype=object), Fraction(3, 8))
        """
        if max_terms is None:
            count = max(0, (self._n_max - self._lower) // 2 + 1)
        else:
            from mathkit._validate import check_positive_integer

            count = check_positive_integer(max_terms, "max_terms")
        values = self._lower + 2 * np.arange(count, dtype=np.int64)
        if count == 0:
            empty = np.empty(0, dtype=object if self._exact else np.float64)
            one = self._out(Fraction(1)) if self._exact else np.float64(1.0)
            return LawTable(values, empty, one)
        self._grow(count)
        if self._exact:
            probabilities = np.empty(count, dtype=object)
            for i in range(count):
                probabilities[i] = self._out(self._values[i])
            omitted = self._out(1 - self._sums[count - 1])
        else:
            probabilities = np.exp(self._log_terms[:count])
            omitted = np.float64(max(0.0, 1.0 - self._cumulative[count - 1]))
        return LawTable(values, probabilities, omitted)


def _log_fraction(value: Fraction) -> float:
    if value == 0:
        return -math.inf
    return math.log(value.numerator) - math.log(value.denominator)


def first_passage_law(walk, r, n_max=None) -> PassageTimeLaw:
    """The law of ``T_r = min{n >= 1 : S_n = r}`` (see :meth:`SimpleWalk.first_passage`)."""
    return PassageTimeLaw(walk, check_level(r), n_max)


def first_return_law(walk, n_max=None) -> PassageTimeLaw:
    """The law of ``T_0 = min{n >= 1 : S_n = 0}`` (see :meth:`SimpleWalk.first_return`)."""
    return PassageTimeLaw(walk, 0, n_max)

