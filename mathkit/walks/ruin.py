"""Gambler's ruin: the simple walk from ``start`` absorbed at 0 and at ``target``.

With ``a = start``, ``N = target``, ``r = q/p`` (Feller 1968, ch. XIV.2-4):

- ruin probability ``P(hit 0 before N) = (r^a - r^N) / (1 - r^N)`` for
  ``p != q``, ``1 - a/N`` for ``p = q``; the win probability is the rest;
- expected duration ``E[T] = a/(q - p) - (N/(q - p)) (1 - r^a)/(1 - r^N)``
  for ``p != q``, ``a (N - a)`` for ``p = q``;
- the law of ``T`` by dynamic programming over the absorbing chain (mass on
  the interior states ``1..N-1`` moved one step at a time; the mass still
  inside after ``n`` steps is ``P(T > n)`` exactly), and its PGF
  :func:`mathkit.walks.pgf.ruin_time_pgf` from the roots
  ``lambda_(1,2) = (1 +- sqrt(1 - 4pq s^2)) / (2ps)``.

Exact ``p`` (Fraction, sympy Rational) gives exact answers; symbolic ``p``
gives sympy expressions (a ``Piecewise`` on ``p = 1/2``) for the
probabilities and the expected duration. Float ``p``: the probabilities use
``L = log(q/p) = log1p((1 - 2p)/p)`` and ``expm1`` (``(1 - r^a)/(1 - r^N) =
expm1(a L)/expm1(N L)``; the ruin probability as the win probability of the
mirror game, ``L -> -L``, so ``1 - p`` is never rounded): relative error
at most about ``eps (1 + N |L|)`` (measured below ``1e-13`` against mpmath at 60
digits for ``N <= 10^6``, ``p`` from 0.01 to 0.6 and within ``1e-12`` of 1/2),
until the value underflows. The expected duration is computed exactly from the
binary value of ``p`` (a Fraction) and rounded once when ``N <= EXACT_TARGET``;
above, on the mirror game with ``a <= N/2``, by a series in ``L`` when
``|N L| < 1`` (where ``a - N w`` cancels) and by the formula otherwise
(measured relative error below ``4e-16`` in the same sweep).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from mathkit.walks.laws import IntegerLaw, LawTable

__all__ = ["DurationLaw", "Ruin"]

#: Float ``p``: the expected duration is computed in Fractions up to this target.
EXACT_TARGET = 10_000
#: The default table of the duration stops when ``P(T > n)`` is below this.
TAIL_TOLERANCE = 1e-15
#: Cap on the default ``n_max`` (float ``p``).
MAX_DEFAULT_STEPS = 200_000
#: Cap on the default ``n_max`` (exact ``p``).
MAX_DEFAULT_EXACT_STEPS = 4_000
#: Largest time the dynamic programme runs to.
MAX_STEPS = 10**7
#: Site-steps (``target`` sites moved one step) the default table may cost: float ``p``
#: and exact ``p`` (big-integer numerators); each about 2 s on one core.
DEFAULT_WORK, DEFAULT_EXACT_WORK = 4 * 10**8, 4 * 10**6
#: Site-steps any one request may cost (each about 2 minutes), float and exact ``p``.
MAX_WORK, MAX_EXACT_WORK = 2 * 10**10, 2 * 10**8
#: Largest ``target`` of the duration law (its chain holds one probability per site).
MAX_DURATION_TARGET = 10**7


@dataclass(frozen=True)
class Ruin:
    """Gambler's ruin of a :class:`SimpleWalk` started at ``start``, absorbed at 0 and ``target``.

    Parameters
    ----------
    walk : SimpleWalk
        ``p`` float, Fraction, sympy Rational or a sympy symbol.
    start : int
        Starting fortune, ``0 <= start <= target``.
    target : int
        The upper absorbing barrier, ``>= 1``.

    Raises
    ------
    TypeError
        If ``walk`` is not a SimpleWalk or ``start``/``target`` are not integers.
    ValueError
        If ``target < 1`` or ``start`` is outside ``[0, target]``.

    Notes
    -----
    See :mod:`mathkit.walks.ruin` for the formulas and accuracy (Feller 1968, ch. XIV).

    Examples
    --------
    >>> from fractions import Fraction
    >>> from mathkit.walks import SimpleWalk
    >>> game = SimpleWalk(Fraction(2, 5)).ruin(3, 5)
    >>> game.ruin_probability(), game.win_probability(), game.expected_duration()
    (Fraction(135, 211), Fraction(76, 211), Fraction(1265, 211))
    >>> SimpleWalk(0.5).ruin(3, 10).expected_duration()  # a (N - a)
    np.float64(21.0)
    """

    walk: object
    start: int
    target: int

    def __post_init__(self):
        from mathkit.walks.pgf import _check_simple, check_ruin_bounds

        _check_simple(self.walk, "Ruin")
        start, target = check_ruin_bounds(self.start, self.target)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "target", target)

    # -- probabilities ----------------------------------------------------------------

    def ruin_probability(self):
        """``P(hit 0 before target)``: exact, symbolic (``Piecewise``) or float.

        Returns
        -------
        Fraction, sympy expression or numpy.float64

        Examples
        --------
        >>> from mathkit.walks import SimpleWalk
        >>> float(SimpleWalk(0.5).ruin(2, 8).ruin_probability())  # 1 - a/N
        0.75
        """
        return self._probability(self.start, zero=True)

    def win_probability(self):
        """``P(hit target before 0) = 1 - ruin_probability()``, computed directly.

        Returns
        -------
        Fraction, sympy expression or numpy.float64

        Examples
        --------
        >>> from mathkit.walks import SimpleWalk
        >>> float(SimpleWalk(0.5).ruin(2, 8).win_probability())
        0.25
        """
        return self._probability(self.start, zero=False)

    def _probability(self, a: int, zero: bool):
        from mathkit.walks.pgf import _exact_p, _output, _p_kind

        kind, n = _p_kind(self.walk), self.target
        if kind == "symbolic":
            return _symbolic_probability(self.walk.p, a, n, zero)
        if kind == "float":
            p = float(self.walk.p)
            return np.float64(_float_ruin(p, a, n) if zero else _float_win(p, a, n))
        p = _exact_p(self.walk)
        win = _exact_win(p, a, n)
        return _output(self.walk, 1 - win if zero else win)

    def expected_duration(self):
        """``E[T]``, the expected time to absorption.

        Returns
        -------
        Fraction, sympy expression or numpy.float64
            ``a (N - a)`` for ``p = q``; ``a/(q-p) - N/(q-p) (1 - r^a)/(1 - r^N)`` else.

        Examples
        --------
        >>> from fractions import Fraction
        >>> from mathkit.walks import SimpleWalk
        >>> SimpleWalk(Fraction(1, 2)).ruin(5, 12).expected_duration()
        Fraction(35, 1)
        """
        from mathkit.walks.pgf import _exact_p, _output, _p_kind

        kind, a, n = _p_kind(self.walk), self.start, self.target
        if kind == "symbolic":
            return _symbolic_duration(self.walk.p, a, n)
        if kind == "float":
            return np.float64(_float_duration(float(self.walk.p), a, n))
        return _output(self.walk, _exact_duration(_exact_p(self.walk), a, n))

    # -- the law of T --------------------------------------------------------------------

    def duration(self, n_max=None) -> DurationLaw:
        """The law of the absorption time ``T`` (see :class:`DurationLaw`).

        Parameters
        ----------
        n_max : int, optional
            Last time of the default ``table()``; by default the first ``n``
            with ``P(T > n) < 1e-15``, capped at :data:`MAX_DEFAULT_STEPS` (or
            :data:`MAX_DEFAULT_EXACT_STEPS` for exact ``p``) and at
            :data:`DEFAULT_WORK` (:data:`DEFAULT_EXACT_WORK`) divided by
            ``target``, as each step costs ``target`` updates; ``tail_mass``
            says what the cap left out.

        Returns
        -------
        DurationLaw

        Raises
        ------
        TypeError
            If ``p`` is symbolic (use :meth:`duration_pgf`).
        ValueError
            If ``target`` exceeds :data:`MAX_DURATION_TARGET`.

        Examples
        --------
        >>> from fractions import Fraction
        >>> from mathkit.walks import SimpleWalk
        >>> law = SimpleWalk(Fraction(1, 2)).ruin(1, 3).duration()
        >>> law.pmf([1, 2, 3])
        array([Fraction(1, 2), Fraction(1, 4), Fraction(1, 8)], dtype=object)
        """
        return DurationLaw(self, n_max)

    def duration_pgf(self, absorbed: str = "either", variable=None):
        """``E[s^T]``, ``E[s^T; ruin]`` or ``E[s^T; win]``: :func:`mathkit.walks.pgf.ruin_time_pgf`.

        Parameters
        ----------
        absorbed : {"either", "zero", "target"}
            Which absorption the PGF counts.
        variable : sympy.Symbol, optional
            Default ``s``.

        Returns
        -------
        GeneratingFunction

        Examples
        --------
        >>> import sympy
        >>> from mathkit.walks import SimpleWalk
        >>> SimpleWalk(sympy.Rational(1, 2)).ruin(1, 2).duration_pgf().expression
        s
        """
        from mathkit.walks.pgf import ruin_time_pgf

        return ruin_time_pgf(self.walk, self.start, self.target, absorbed, variable)


# ---------------------------------------------------------------- closed forms


def _exact_win(p: Fraction, a: int, n: int) -> Fraction:
    """``(1 - r^a) / (1 - r^N)``, ``r = q/p``; ``a/N`` for ``p = q``."""
    q = 1 - p
    if p == q:
        return Fraction(a, n)
    if p == 0:
        return Fraction(int(a == n))
    r = q / p
    return (1 - r**a) / (1 - r**n)


def _exact_duration(p: Fraction, a: int, n: int) -> Fraction:
    q = 1 - p
    if p == q:
        return Fraction(a * (n - a))
    if p in (0, 1):
        return Fraction(a if p == 0 else n - a)
    return (a - n * _exact_win(p, a, n)) / (q - p)


def _log_ratio(p: float) -> float:
    """``log(q/p)`` without rounding ``q/p`` (``1 - 2p`` is exact on ``[1/4, 3/4]``)."""
    if p < 0.25:
        return math.log1p(-p) - math.log(p)
    if p > 0.75:
        return math.log(1.0 - p) - math.log(p)
    return math.log1p((1.0 - 2.0 * p) / p)


def _float_win(p: float, a: int, n: int) -> float:
    """``P(win)`` from ``a`` (for ``P(ruin)`` see :func:`_float_ruin`)."""
    if p in (0.0, 1.0):
        return float(a == n) if p == 0.0 else float(a > 0)
    if p == 0.5:
        return a / n
    return _win_from_log(a, n, _log_ratio(p))


def _float_ruin(p: float, a: int, n: int) -> float:
    if p in (0.0, 0.5, 1.0):
        return 1.0 - _float_win(p, a, n)
    # the mirror game (p <-> q, a <-> N - a) has L -> -L: no rounding of 1 - p
    return _win_from_log(n - a, n, -_log_ratio(p))


def _win_from_log(a: int, n: int, lg: float) -> float:
    """``(1 - r^a) / (1 - r^N)`` with ``L = log r``: ``expm1(a L) / expm1(N L)``, no overflow."""
    if a == 0:  # already absorbed at 0 (and no -0.0 from the quotient of negatives)
        return 0.0
    if lg < 0:
        return math.expm1(a * lg) / math.expm1(n * lg)
    return math.exp(-(n - a) * lg) * math.expm1(-a * lg) / math.expm1(-n * lg)


def _float_duration(p: float, a: int, n: int) -> float:
    if p in (0.0, 0.5, 1.0) or n <= EXACT_TARGET:
        return float(_exact_duration(Fraction(p), a, n))
    lg = _log_ratio(p)
    # E[T] = (L / (q - p)) (a - N w) / L; the scale L / (q - p) is the same for the mirror
    y = (1.0 - 2.0 * p) / p
    scale = math.log1p(y) / (y * p) if p >= 0.25 else lg / (1.0 - 2.0 * p)
    if a > n - a:  # the mirror game keeps a <= N/2: no cancellation in a - N w
        a, lg = n - a, -lg
    if abs(n * lg) < 1:
        return _near_fair_duration(a, n, lg, scale)
    return scale * (a - n * _win_from_log(a, n, lg)) / lg


def _near_fair_duration(a: int, n: int, lg: float, scale: float) -> float:
    """``E[T]`` for ``|N L| < 1`` by a series in ``L`` with no cancellation.

    With ``phi(x) = expm1(x)/x``: ``a - N w = a (phi(NL) - phi(aL)) / phi(NL)`` and
    ``phi(NL) - phi(aL) = L sum_(k>=1) L^(k-1) (N^k - a^k) / (k+1)!``.
    """
    total, k, power = 0.0, 1, 1.0
    while True:
        term = power * (n**k - a**k) / math.factorial(k + 1)
        total += term
        if abs(term) <= 1e-17 * abs(total) or k > 60:
            break
        power *= lg
        k += 1
    phi = math.expm1(n * lg) / (n * lg) if lg else 1.0
    return a * scale * total / phi


def _symbolic_probability(p, a: int, n: int, zero: bool):
    import sympy

    r = (1 - p) / p
    if zero:
        fair, other = sympy.Rational(n - a, n), (r**a - r**n) / (1 - r**n)
    else:
        fair, other = sympy.Rational(a, n), (1 - r**a) / (1 - r**n)
    return sympy.Piecewise((fair, sympy.Eq(p, sympy.Rational(1, 2))), (other, True))


def _symbolic_duration(p, a: int, n: int):
    import sympy

    q = 1 - p
    r = q / p
    other = a / (q - p) - n / (q - p) * (1 - r**a) / (1 - r**n)
    return sympy.Piecewise((sympy.Integer(a * (n - a)), sympy.Eq(p, sympy.Rational(1, 2))),
                           (other, True))


# ---------------------------------------------------------------- the law of the duration


class DurationLaw(IntegerLaw):
    """Law of the absorption time ``T`` of :class:`Ruin`.

    Built by dynamic programming over the absorbing chain on ``0..target``:
    ``P(T = n)`` is the mass absorbed at step ``n`` and ``P(T > n)`` the mass
    still on ``1..target-1`` (so ``sf`` is exact, not ``1 - cdf``). Exact
    (Fractions, sympy Rationals) for exact ``p``; floats otherwise (sums of
    positive terms: relative error ``~ n eps`` in ``pmf``, ``cdf`` and
    ``sf`` up to time ``n``, measured ``< 1e-13`` for ``n <= 2000``; the
    float ``pmf`` underflows to 0 below ``1e-308``, and ``logpmf`` is its log).
    The DP runs to ``n`` on demand (cost ``O(n target)``), at most :data:`MAX_STEPS`.
    ``table()`` stops at :attr:`n_max`; :attr:`tail_mass` is ``P(T > n_max)``.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from mathkit.walks import SimpleWalk
    >>> law = SimpleWalk(Fraction(1, 3)).ruin(2, 4).duration()
    >>> law.pmf(2), law.sf(2), law.mean()
    (Fraction(5, 9), Fraction(4, 9), Fraction(18, 5))
    """

    def __init__(self, game: Ruin, n_max=None):
        from mathkit.walks.pgf import _exact_p, _p_kind

        kind = _p_kind(game.walk)
        if kind == "symbolic":
            msg = ("duration needs a numeric p (float, Fraction or sympy Rational), got the "
                   f"symbolic p = {game.walk.p}; use duration_pgf() for symbolic p")
            raise TypeError(msg)
        if game.target > MAX_DURATION_TARGET:
            msg = (f"duration needs target <= {MAX_DURATION_TARGET:,} (its dynamic programme "
                   f"holds one probability per site), got {game.target:,}")
            raise ValueError(msg)
        self._game = game
        self._exact = kind != "float"
        self._sympy = kind == "sympy"
        self._p = _exact_p(game.walk) if self._exact else float(game.walk.p)
        a, n = game.start, game.target
        never_moves = a in (0, n)
        self._lower = 0 if never_moves else (a if self._p == 0 else n - a if self._p == 1
                                             else min(a, n - a))
        deterministic = never_moves or self._p in (0, 1)
        self._upper = self._lower if deterministic else math.inf
        self._span = 2 if n % 2 == 0 and not deterministic else 1
        zero = Fraction(0) if self._exact else 0.0
        state = np.zeros(n + 1, dtype=object if self._exact else np.float64)
        state[a] = 0 if never_moves else 1
        # exact: integer numerators of P(at i, not absorbed) over the common scale s^t
        self._state = (state, 1) if self._exact else state
        self._pmf = [zero + 1] if never_moves else [zero]  # P(T = t), t = 0, 1, ...
        self._survival = [zero] if never_moves else [zero + 1]  # P(T > t)
        self._n_max = self._default_n_max() if n_max is None else self._check_n_max(n_max)

    # -- description ----------------------------------------------------------------------

    def __repr__(self):
        g = self._game
        return f"DurationLaw({g.walk!r}.ruin({g.start}, {g.target}), n_max={self._n_max})"

    @property
    def is_exact(self) -> bool:
        return self._exact

    @property
    def game(self) -> Ruin:
        """The :class:`Ruin` this is the duration of."""
        return self._game

    @property
    def n_max(self) -> int:
        """Last time of the default :meth:`table`."""
        return self._n_max

    @property
    def tail_mass(self):
        """``P(T > n_max)``: the mass left out of the default table."""
        self._grow(self._n_max)
        return self._out(self._survival[self._n_max])

    def _out(self, value):
        if self._exact:
            if self._sympy:
                import sympy

                return sympy.Rational(value.numerator, value.denominator)
            return value
        return np.float64(value)

    def mean(self):
        """``E[T]`` (:meth:`Ruin.expected_duration`)."""
        return self._game.expected_duration()

    def var(self):
        """``Var T`` from ``E[T^2]``, solving ``m_a = 1 + p (m_(a+1) + 2 e_(a+1)) + q (...)``.

        Exact for exact ``p``; for float ``p`` solved exactly on the binary value
        of ``p`` and rounded (``target <= 2000``), else in floats.
        """
        p = self._p if self._exact else Fraction(self._p)
        n, a = self._game.target, self._game.start
        if not self._exact and n > 2000:
            p = float(p)
        ones = [1] * (n - 1)
        first = _solve_chain(p, ones)
        second = _solve_chain(p, [1 + 2 * (p * first[i + 1] + (1 - p) * first[i - 1])
                                  for i in range(1, n)])
        value = second[a] - first[a] ** 2
        return self._out(value) if self._exact else np.float64(float(value))

    def pgf(self, z):
        """``E[z^T]``: :func:`~mathkit.walks.pgf.ruin_time_pgf` (sympy for a sympy ``z``)."""
        g = self._game.duration_pgf()
        from mathkit.walks.steps import _is_sympy

        if _is_sympy(z) or self._exact:
            import sympy

            return g.expression.subs(g.variable, sympy.sympify(z))
        return g(z)

    # -- the dynamic programme -----------------------------------------------------------------

    def _check_n_max(self, n_max) -> int:
        from mathkit._validate import check_nonnegative_integer

        return check_nonnegative_integer(n_max, "n_max")

    def _default_n_max(self) -> int:
        steps, work = ((MAX_DEFAULT_EXACT_STEPS, DEFAULT_EXACT_WORK) if self._exact
                       else (MAX_DEFAULT_STEPS, DEFAULT_WORK))
        cap = min(steps, work // max(self._game.target, 1))
        t = 0
        while t < cap and self._survival[-1] >= TAIL_TOLERANCE:
            t = min(cap, max(64, 2 * t))
            self._grow(t)
        below = [i for i, v in enumerate(self._survival) if v < TAIL_TOLERANCE]
        return below[0] if below else cap

    def _grow(self, time: int) -> None:
        """Run the chain to ``time`` (keeps ``P(T = t)`` and ``P(T > t)`` for all ``t <= time``)."""
        if time >= MAX_STEPS:
            msg = f"the duration law is computed up to time {MAX_STEPS}; asked for {time}"
            raise ValueError(msg)
        steps = time + 1 - len(self._pmf)
        limit = MAX_EXACT_WORK if self._exact else MAX_WORK
        if steps * self._game.target > limit:
            msg = (f"the duration law up to time {time} needs {steps:,} more steps of "
                   f"{self._game.target:,} sites, more than the {limit:.0e} site-steps one "
                   "request may take")
            raise ValueError(msg)
        if steps > 0:
            grow = self._grow_exact if self._exact else self._grow_float
            grow(steps)

    def _grow_exact(self, steps: int) -> None:
        """Exact steps on integer numerators over ``s^t`` (``p = r/s``): no gcd inside the loop."""
        r, s = self._p.numerator, self._p.denominator
        n = self._game.target
        numerators, scale = self._state
        inside = np.zeros(n + 1, dtype=object)
        for _ in range(steps):
            absorbed = (s - r) * numerators[1] + r * numerators[n - 1]
            inside[1:n] = r * numerators[0:n - 1] + (s - r) * numerators[2:n + 1]
            numerators, inside = inside, numerators
            scale *= s
            self._pmf.append(Fraction(absorbed, scale))
            self._survival.append(Fraction(sum(numerators[1:n].tolist()), scale))
        self._state = (numerators, scale)

    def _grow_float(self, steps: int) -> None:
        """Float steps; ``P(T > t)`` is the sum of the mass inside (pairwise: ~eps log2 N).

        The sum is capped by ``P(T > t - 1)``: rounding must not make the
        survival grow (or exceed 1).
        """
        p, q = self._p, 1 - self._p
        n = self._game.target
        state = self._state
        new = np.zeros_like(state)
        for _ in range(steps):
            absorbed = q * state[1] + p * state[n - 1]
            np.multiply(state[0:n - 1], p, out=new[1:n])
            new[1:n] += q * state[2:n + 1]
            state, new = new, state
            self._pmf.append(absorbed)
            self._survival.append(min(self._survival[-1], float(state[1:n].sum())))
        self._state = state

    # -- numeric hooks --------------------------------------------------------------------------

    def _times(self, k) -> np.ndarray:
        times = np.asarray(k, dtype=np.int64)
        if times.size:
            self._grow(int(times.max()))
        return times

    def _pmf_points(self, k):
        times = self._times(k)  # grows the chain first
        return np.asarray(self._pmf, dtype=np.float64)[times]

    def _logpmf_points(self, k):
        with np.errstate(divide="ignore"):
            return np.log(self._pmf_points(k))

    def _sf_points(self, k):
        times = self._times(k)
        return np.asarray(self._survival, dtype=np.float64)[times]

    def _cdf_points(self, k):
        return 1.0 - self._sf_points(k)

    def _log_cdf_sf_points(self, k):
        sf = self._sf_points(k)
        with np.errstate(divide="ignore"):
            return np.log1p(-sf), np.log(sf)

    def _ppf_points(self, q):
        out = np.empty(q.shape)
        for index in np.ndindex(q.shape):
            u = float(q[index])
            out[index] = self._bisect_one(lambda k, u=u: self._cdf_at(k) >= u)
        return out

    def _cdf_at(self, k) -> float:
        k = int(k)
        if k < 0:
            return 0.0
        self._grow(k)
        return 1.0 - float(self._survival[k])

    # -- exact hooks ----------------------------------------------------------------------------

    def _exact_zero(self):
        if self._sympy:
            import sympy

            return sympy.Integer(0)
        return Fraction(0)

    def _exact_pmf(self, k: int):
        self._grow(k)
        return self._out(self._pmf[k])

    def _exact_cdf(self, k: int):
        self._grow(k)
        return self._out(1 - self._survival[k])

    def _exact_sf(self, k: int):
        self._grow(k)
        return self._out(self._survival[k])

    # -- tables ---------------------------------------------------------------------------------

    def table(self, max_terms=None) -> LawTable:
        """The law on the times ``lower, ..., n_max`` (or the first ``max_terms`` lattice times).

        Parameters
        ----------
        max_terms : int, optional
            Number of lattice times to tabulate; default up to :attr:`n_max`.

        Returns
        -------
        LawTable
            ``omitted_mass`` is ``P(T > last time)``, computed by the chain (not ``1 - sum``).

        Examples
        --------
        >>> from fractions import Fraction
        >>> from mathkit.walks import SimpleWalk
        >>> table = SimpleWalk(Fraction(1, 2)).ruin(1, 3).duration().table(max_terms=2)
        >>> table.values, table.probabilities, table.omitted_mass
        (array([1, 2]), array([Fraction(1, 2), Fraction(1, 4)], dtype=object), Fraction(1, 4))
        """
        from mathkit._validate import check_positive_integer

        if max_terms is None:
            last = max(self._lower, self._n_max)
        else:
            count = check_positive_integer(max_terms, "max_terms")
            last = self._lower + self._span * (count - 1)
        if math.isfinite(self._upper):
            last = min(last, int(self._upper))
        values = np.arange(self._lower, last + 1, self._span, dtype=np.int64)
        self._grow(last)
        if self._exact:
            probabilities = np.empty(len(values), dtype=object)
            for i, t in enumerate(values.tolist()):
                probabilities[i] = self._out(self._pmf[t])
        else:
            probabilities = np.asarray(self._pmf, dtype=np.float64)[values]
        return LawTable(values, probabilities, self._out(self._survival[last]))


def _solve_chain(p, right: list) -> list:
    """Solve ``x_i = c_i + p x_(i+1) + q x_(i-1)``, ``x_0 = x_N = 0`` (Thomas algorithm).

    Returns ``[x_0, ..., x_N]``; exact for Fraction ``p``.
    """
    q = 1 - p
    size = len(right)
    if size == 0:
        return [0, 0]
    # forward sweep of -q x_(i-1) + x_i - p x_(i+1) = c_i
    gains, shifts = [], []
    gain, shift = 0, 0
    for c in right:
        pivot = 1 - q * gain
        gain, shift = p / pivot, (c + q * shift) / pivot
        gains.append(gain)
        shifts.append(shift)
    x = [0] * (size + 2)
    for i in range(size - 1, -1, -1):
        x[i + 1] = shifts[i] + gains[i] * x[i + 2]
    return x
