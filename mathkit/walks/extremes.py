"""The maximum ``M_n = max(S_0, ..., S_n)``, the last zero and the time positive.

The sections below are about the maximum of the simple walk. The module also
holds the law of the last zero and of the time positive of the simple walk
(:func:`last_zero_law`, :func:`time_positive_law`: one path decomposition at
the last zero, see the comment above :class:`PathLaw`), their arcsine limit
and the half-normal limit of the maximum, with Kolmogorov distances that
measure the approach (:func:`arcsine_distance`, :func:`half_normal_distance`),
and the maximum of a general walk by Lindley's recursion
(:func:`general_maximum_law`).

**Symmetric walk** (``p = 1/2``): the reflection principle gives
``P(M_n = r) = P(S_n = r) + P(S_n = r + 1)`` for ``0 <= r <= n`` (one of the
two terms is 0 by parity; Feller 1968, ch. III.7).

**Any p.** A path that reaches ``r`` and ends at ``k <= r`` reflects (after its
first visit to ``r``) to a path ending at ``j = 2r - k``, with its weight
multiplied by ``(q/p)^(r - k)``. Taking the difference of "reaches ``r``" and
"reaches ``r + 1``" and summing over ``k`` gives, with ``c = q/p``,

``P(M_n = r) = sum_{j >= r, j = n (mod 2)} P(S_n = j) c^(j - r) 2 (j + 1) / (n + j + 2)``

(the factor is ``(C(n, a) - C(n, a + 1)) / C(n, a)``, ``a = (n + j)/2``: no
cancellation). Writing ``U(j) = sum_{i >= j} P(S_n = i) c^(i - j) w_i`` over
``i = j, j + 2, ...`` (``w_i`` the factor above), ``U(j) = P(S_n = j) w_j +
c^2 U(j + 2)``, and ``P(M_n = r) = U(r)`` if ``r = n (mod 2)``, else
``c U(r + 1)``. All terms are positive: :func:`maximum_law` runs this
recursion in ``O(n)`` operations, in log space for float ``p`` (no overflow of
``c^j``, no underflow of the pmf) and in Fractions for exact ``p``. For
float ``p`` it also runs in plain floats (``U <= 1``, so no overflow), whose
values are used wherever they are above ``1e-250`` (no underflowed term can
matter there); the log-space values below.

Accuracy (float ``p``): ``P(S_n = j)`` comes from the log-space binomial of
:mod:`mathkit.walks.position` (relative error ~``1e-15``); the recursion adds
~``eps`` per step. Measured against exact Fractions (tests, ``n = 400``,
``p`` from 0.02 to 0.98): ``pmf`` relative error below ``1e-13`` where the
pmf is above ``1e-250``, and ``logpmf`` absolute error below
``5e-16 max(1, |logpmf|)`` everywhere (the tests hold it to ``1e-14``). For
``p < 1/2`` the sum is used in its reflected form
``P(M_n = r) = (p/q)^r sum_{j >= r} P(S_n = -j) w_j`` (since
``P(S_n = j) c^j = P(S_n = -j)``), so that no log-space terms of opposite
sign cancel. Cap:
``n <= MAX_STEPS`` (float; ``n = 10**6`` takes ~1.5 s, a Python loop of ``n/2``
steps) and ``n <= MAX_EXACT_STEPS`` (exact ``p``, whose Fractions grow like
``n`` digits: ``n = 2000`` takes ~1 s, the cost grows like ``n^2``).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from mathkit.walks.laws import TabulatedLaw
from mathkit.walks.limits import ApproximationError

__all__ = [
    "MAX_EXACT_PATH_STEPS", "MAX_EXACT_STEPS", "MAX_GENERAL_EXACT_STEPS", "MAX_GENERAL_STEPS",
    "MAX_PATH_STEPS", "MAX_STEPS", "MaximumLaw", "PathLaw", "arcsine_cdf",
    "arcsine_distance", "arcsine_pdf", "general_maximum_law", "half_normal_cdf",
    "half_normal_distance", "last_zero_law", "maximum_law", "time_positive_law",
]

#: Largest ``n`` for float ``p``.
MAX_STEPS = 10**7
#: Largest ``n`` for exact ``p``.
MAX_EXACT_STEPS = 5_000
#: Below this the float pmf comes from the log-space recursion.
_LINEAR_FLOOR = 1e-250


class _StatisticLaw(TabulatedLaw):
    """A :class:`TabulatedLaw` of a statistic of the first ``n`` steps of a walk.

    Keeps the float ``logpmf`` computed in log space where one is given, so
    it stays accurate where the pmf underflows.
    """

    def __init__(self, walk, n: int, probabilities, span: int = 1, log_probabilities=None):
        self._walk = walk
        self._n = int(n)
        self._logs = log_probabilities
        super().__init__(0, probabilities, span=span)

    @property
    def n(self) -> int:
        """Number of steps."""
        return self._n

    @property
    def walk(self):
        """The walk."""
        return self._walk

    def _logpmf_points(self, k):
        if self._logs is None:
            return super()._logpmf_points(k)
        return self._logs[self._index(k)]


class MaximumLaw(_StatisticLaw):
    """Law of ``M_n = max(S_0, ..., S_n)`` of a simple walk, on ``0..n``.

    A :class:`TabulatedLaw` (exact entries for exact ``p``) that also keeps
    the float ``logpmf`` computed in log space, so it stays accurate where the
    pmf underflows. Build it with :meth:`SimpleWalk.maximum`.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from mathkit.walks import SimpleWalk
    >>> law = SimpleWalk(Fraction(1, 2)).maximum(3)
    >>> law.probabilities
    (Fraction(3, 8), Fraction(3, 8), Fraction(1, 8), Fraction(1, 8))
    """

    def __init__(self, walk, n: int, probabilities, log_probabilities=None):
        super().__init__(walk, n, probabilities, log_probabilities=log_probabilities)

    def __repr__(self):
        return f"MaximumLaw({self._walk!r}, n={self._n})"


def _log_add(a: float, b: float) -> float:
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    if a < b:
        a, b = b, a
    return a + math.log1p(math.exp(b - a))


def maximum_law(walk, n: int) -> MaximumLaw:
    """The law of ``M_n`` for a :class:`SimpleWalk` and a checked ``n >= 0``.

    See :meth:`SimpleWalk.maximum` and the module docstring.

    Examples
    --------
    >>> from mathkit.walks import SimpleWalk
    >>> maximum_law(SimpleWalk(0.5), 2).pmf([0, 1, 2])
    array([0.5 , 0.25, 0.25])
    """
    from mathkit.walks.passage import check_simple_walk

    check_simple_walk(walk, "maximum")
    limit = MAX_EXACT_STEPS if walk.is_exact else MAX_STEPS
    if n > limit:
        kind = "exact" if walk.is_exact else "float"
        msg = f"n must be at most {limit} for the maximum with {kind} p, got {n}"
        raise ValueError(msg)
    if walk.is_exact:
        return _exact_maximum(walk, n)
    return _float_maximum(walk, n)


def _exact_maximum(walk, n: int) -> MaximumLaw:
    from mathkit.walks.passage import _exact_p, _sympy_p

    p = _exact_p(walk)
    q = 1 - p
    if p in (0, 1):
        probabilities = [Fraction(0)] * (n + 1)
        probabilities[n if p == 1 else 0] = Fraction(1)
    else:
        position = walk.position(n)
        c2 = (q / p) ** 2
        probabilities = [Fraction(0)] * (n + 1)
        u = Fraction(0)
        for j in range(n, -1, -2):  # j = n, n - 2, ..., j >= 0
            point = Fraction(position.pmf(j)) if not _sympy_p(walk) else _fraction(position.pmf(j))
            u = point * Fraction(2 * (j + 1), n + j + 2) + c2 * u
            probabilities[j] = u
            if j >= 1:
                probabilities[j - 1] = (q / p) * u
    if _sympy_p(walk):
        import sympy

        probabilities = [sympy.Rational(v.numerator, v.denominator) for v in probabilities]
    return MaximumLaw(walk, n, probabilities)


def _fraction(value) -> Fraction:
    return Fraction(int(value.p), int(value.q))


def _float_maximum(walk, n: int) -> MaximumLaw:
    p = float(walk.p)
    if p in (0.0, 1.0):
        logs = np.full(n + 1, -np.inf)
        logs[n if p == 1.0 else 0] = 0.0
        return MaximumLaw(walk, n, np.exp(logs), logs)
    position = walk.position(n)
    r = np.arange(n + 1)
    if p == 0.5:  # the reflection principle, term by term
        logs = np.logaddexp(position.logpmf(r), position.logpmf(r + 1))
        # one of the two terms is 0 (parity): the position's pmf keeps its accuracy
        return MaximumLaw(walk, n, position.pmf(r) + position.pmf(r + 1), logs)
    if p > 0.5:
        logs = _log_recursion(position, n, p)
        linear = _linear_recursion(position, n, p)
    else:
        logs, linear = _reflected_sums(position, n, p)
    # where the float values are well above underflow no lost term can matter: they are
    # the more accurate; below, the log-space values
    good = linear >= _LINEAR_FLOOR
    with np.errstate(divide="ignore"):
        logs = np.where(good, np.log(np.where(good, linear, 1.0)), logs)
    return MaximumLaw(walk, n, np.where(good, linear, np.exp(logs)), logs)


def _log_recursion(position, n: int, p: float) -> np.ndarray:
    """``log P(M_n = r)``, r = 0..n, by the recursion for ``U`` in log space (``p > 1/2``)."""
    top = np.arange(n, -1, -2)  # j = n, n - 2, ...
    log_points = np.asarray(position.logpmf(top), dtype=np.float64)
    log_weights = np.log(2.0 * (top + 1)) - np.log(n + top + 2.0)
    log_c = math.log1p(-p) - math.log(p)
    u = -math.inf
    out = [0.0] * (n + 1)
    for j, term in zip(top.tolist(), (log_points + log_weights).tolist(), strict=True):
        u = _log_add(term, 2 * log_c + u if u > -math.inf else -math.inf)
        out[j] = u
        if j >= 1:
            out[j - 1] = log_c + u
    return np.array(out)


def _linear_recursion(position, n: int, p: float) -> np.ndarray:
    """``P(M_n = r)``, r = 0..n, by the recursion for ``U`` in floats (``p > 1/2``: ``c < 1``)."""
    top = np.arange(n, -1, -2)
    terms = (np.asarray(position.pmf(top), dtype=np.float64)
             * (2.0 * (top + 1)) / (n + top + 2.0)).tolist()
    c = (1 - p) / p
    c2 = c * c
    u = 0.0
    out = [0.0] * (n + 1)
    for j, term in zip(top.tolist(), terms, strict=True):
        u = term + c2 * u
        out[j] = u
        if j >= 1:
            out[j - 1] = c * u
    return np.array(out)


def _reflected_sums(position, n: int, p: float):
    """``(log P(M_n = r), P(M_n = r))`` for ``p < 1/2`` by the reflected form.

    ``P(S_n = j) c^j = P(S_n = -j)``, so ``P(M_n = r) = (p/q)^r W(j0)`` with
    ``W(j0) = sum_{j >= j0} P(S_n = -j) w_j`` (``j0`` the first ``j >= r`` of
    the parity of ``n``): a tail sum of positive terms times a factor below 1.
    """
    j = np.arange(n % 2, n + 1, 2)
    log_terms = (np.asarray(position.logpmf(-j), dtype=np.float64)
                 + np.log(2.0 * (j + 1)) - np.log(n + j + 2.0))
    log_tail = np.logaddexp.accumulate(log_terms[::-1])[::-1]
    terms = np.asarray(position.pmf(-j), dtype=np.float64) * (2.0 * (j + 1)) / (n + j + 2.0)
    tail = np.cumsum(terms[::-1])[::-1]
    r = np.arange(n + 1)
    index = (r + (r - n) % 2 - n % 2) // 2  # position of j0 in j
    log_ratio = math.log(p) - math.log1p(-p)
    logs = r * log_ratio + log_tail[index]
    linear = np.power(p / (1 - p), r) * tail[index]
    return logs, linear


# ---------------------------------------------------------------- last zero and time positive
#
# Both laws come from one path decomposition. Up to its last zero L = 2l the path is a bridge:
# every bridge of length 2l has weight (pq)^l, there are C(2l, l) of them (u_2l = C(2l, l)(pq)^l
# in all), and, by the Chung-Feller theorem, C(2l, l)/(l + 1) of them have 2i positive steps
# for each i = 0..l. After L the path is a meander of m = n - 2l steps that stays above 0
# (probability h+_m = p P(T_-1 > m - 1)) or below 0 (h-_m = q P(T_1 > m - 1)); h+_0 = 1, h-_0 = 0.


#: Largest ``n`` for the float laws of :func:`last_zero_law`, :func:`time_positive_law`.
MAX_PATH_STEPS = 10**6
#: Largest ``n`` for the exact laws.
MAX_EXACT_PATH_STEPS = 2_000


class PathLaw(_StatisticLaw):
    """The law of a statistic of the first ``n`` steps of a simple walk, on a finite lattice.

    A :class:`TabulatedLaw` (exact entries for exact ``p``) that also keeps the
    float ``logpmf`` computed in log space, so it stays accurate where the pmf
    underflows. Built by :meth:`SimpleWalk.last_zero`,
    :meth:`SimpleWalk.time_positive` and :meth:`SimpleWalk.returns`.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from mathkit.walks import SimpleWalk
    >>> law = SimpleWalk(Fraction(1, 2)).last_zero(4)
    >>> law.statistic, law.values, law.probabilities
    ('last_zero', array([0, 2, 4]), (Fraction(3, 8), Fraction(1, 4), Fraction(3, 8)))
    """

    def __init__(self, walk, n: int, statistic: str, probabilities, span: int = 1,
                 log_probabilities=None):
        self._statistic = statistic
        self._log_tails = None
        super().__init__(walk, n, probabilities, span, log_probabilities)

    def __repr__(self):
        return f"PathLaw({self._walk!r}.{self._statistic}({self._n}))"

    @property
    def statistic(self) -> str:
        """The statistic: ``"last_zero"``, ``"time_positive"`` or ``"returns"``."""
        return self._statistic

    def _log_cdf_sf_points(self, k):
        """Tails summed in log space, so ``logcdf`` and ``logsf`` hold where they underflow."""
        if self._logs is None:
            return super()._log_cdf_sf_points(k)
        if self._log_tails is None:
            below = np.logaddexp.accumulate(self._logs)
            above = np.append(np.logaddexp.accumulate(self._logs[::-1])[::-1][1:], -np.inf)
            self._log_tails = (below, above)
        index = self._index(k)
        below, above = self._log_tails[0][index], self._log_tails[1][index]
        half = math.log(0.5)
        with np.errstate(divide="ignore"):  # near 1, log1p of the other tail keeps the digits
            log_cdf = np.where(below <= half, below, np.log1p(-np.exp(np.minimum(above, half))))
            log_sf = np.where(above <= half, above, np.log1p(-np.exp(np.minimum(below, half))))
        return np.minimum(log_cdf, 0.0), np.minimum(log_sf, 0.0)


def check_path_steps(walk, n, what: str) -> int:
    """``n`` checked against the caps of the path laws (exact or float ``p``)."""
    from mathkit._validate import check_nonnegative_integer
    from mathkit.walks.passage import check_simple_walk

    check_simple_walk(walk, what)
    n = check_nonnegative_integer(n, "n")
    limit = MAX_EXACT_PATH_STEPS if walk.is_exact else MAX_PATH_STEPS
    if n > limit:
        kind = "exact" if walk.is_exact else "float"
        msg = f"n must be at most {limit} for {what} with {kind} p, got {n}"
        raise ValueError(msg)
    return n


def _exact_pieces(p: Fraction, n: int):
    """Exact ``u_2l`` (k = 0..n//2) and meander probabilities ``h+_m``, ``h-_m`` (m = 0..n)."""
    q = 1 - p
    u = [Fraction(1)]
    for k in range(1, n // 2 + 1):
        u.append(u[-1] * p * q * Fraction(2 * (2 * k - 1), k))
    # P(T_1 = 2i + 1) = Catalan(i) p^(i+1) q^i: survivors of the passage up (and down)
    stay_down, stay_up = [Fraction(1)], [Fraction(1)]  # P(T_1 > m), P(T_-1 > m)
    catalan_weight = Fraction(1)  # Catalan(i) (pq)^i
    for m in range(1, n):
        if m % 2:
            i = (m - 1) // 2
            if i:
                catalan_weight *= p * q * Fraction(2 * (2 * i - 1), i + 1)
            stay_down.append(stay_down[-1] - catalan_weight * p)
            stay_up.append(stay_up[-1] - catalan_weight * q)
        else:
            stay_down.append(stay_down[-1])
            stay_up.append(stay_up[-1])
    h_plus = [Fraction(1)] + [p * stay_up[m - 1] for m in range(1, n + 1)]
    h_minus = [Fraction(0)] + [q * stay_down[m - 1] for m in range(1, n + 1)]
    return u, h_plus, h_minus


def _float_pieces(walk, n: int):
    """``log u_2l``, ``log h+_m``, ``log h-_m`` in floats (see :func:`_exact_pieces`)."""
    p = float(walk.p)
    half = n // 2
    log_u = np.zeros(half + 1)
    if half:
        times = 2.0 * np.arange(1, half + 1)
        log_u[1:] = walk.first_return().logpmf(times) + np.log(times - 1)
    log_plus = np.full(n + 1, -np.inf)
    log_minus = np.full(n + 1, -np.inf)
    log_plus[0] = 0.0
    if n:
        m = np.arange(1, n + 1)
        if p == 0.5:  # P(S_1 ... S_2k != 0) = u_2k, shared equally by the two signs
            log_plus[1:] = log_minus[1:] = log_u[m // 2] - math.log(2.0)
        else:
            log_plus[1:] = math.log(p) + _log_survivor(walk.first_passage(-1), m - 1)
            log_minus[1:] = math.log1p(-p) + _log_survivor(walk.first_passage(1), m - 1)
    return log_u, log_plus, log_minus


def _log_survivor(law, times: np.ndarray) -> np.ndarray:
    """``log P(T > t)`` (the mass at infinity included) from a passage-time law."""
    with np.errstate(divide="ignore"):
        at_infinity = math.log1p(-float(law.prob_finite())) if law.prob_finite() < 1 else -np.inf
        return np.logaddexp(at_infinity, law.logsf(times.astype(np.float64)))


def _degenerate(walk, n: int, statistic: str, value: int, size: int, span: int) -> PathLaw:
    """A point mass (``p`` = 0 or 1): every path is the straight line."""
    exact = walk.is_exact
    probabilities = [Fraction(0) if exact else 0.0] * size
    probabilities[value // span] = Fraction(1) if exact else 1.0
    if exact:
        return _exact_path_law(walk, n, statistic, probabilities, span)
    return PathLaw(walk, n, statistic, np.array(probabilities), span)


def _exact_path_law(walk, n: int, statistic: str, probabilities, span: int) -> PathLaw:
    from mathkit.walks.passage import _sympy_p

    if _sympy_p(walk):
        import sympy

        probabilities = [sympy.Rational(v.numerator, v.denominator) for v in probabilities]
    return PathLaw(walk, n, statistic, probabilities, span)


def _float_path_law(walk, n: int, statistic: str, logs: np.ndarray, span: int) -> PathLaw:
    logs = np.minimum(logs, 0.0)  # a rounding above log 1 = 0 is no probability
    return PathLaw(walk, n, statistic, np.exp(logs), span, logs)


def last_zero_law(walk, n) -> PathLaw:
    """The law of the last zero ``L_n = max{k <= n : S_k = 0}`` (see :meth:`SimpleWalk.last_zero`).

    Examples
    --------
    >>> from mathkit.walks import SimpleWalk
    >>> last_zero_law(SimpleWalk(0.5), 2).pmf([0, 2])
    array([0.5, 0.5])
    """
    from mathkit.walks.passage import _exact_p

    n = check_path_steps(walk, n, "last_zero")
    half = n // 2
    if walk.is_exact:
        p = _exact_p(walk)
        if p in (0, 1):
            return _degenerate(walk, n, "last_zero", 0, half + 1, 2)
        u, h_plus, h_minus = _exact_pieces(p, n)
        probabilities = [u[k] * (h_plus[n - 2 * k] + h_minus[n - 2 * k]) for k in range(half + 1)]
        return _exact_path_law(walk, n, "last_zero", probabilities, 2)
    if float(walk.p) in (0.0, 1.0):
        return _degenerate(walk, n, "last_zero", 0, half + 1, 2)
    log_u, log_plus, log_minus = _float_pieces(walk, n)
    rest = n - 2 * np.arange(half + 1)
    return _float_path_law(walk, n, "last_zero",
                           log_u + np.logaddexp(log_plus[rest], log_minus[rest]), 2)


def time_positive_law(walk, n) -> PathLaw:
    """The law of the time spent positive in ``n`` steps (see :meth:`SimpleWalk.time_positive`).

    Examples
    --------
    >>> from mathkit.walks import SimpleWalk
    >>> time_positive_law(SimpleWalk(0.5), 2).pmf([0, 2])
    array([0.5, 0.5])
    """
    from mathkit.walks.passage import _exact_p

    n = check_path_steps(walk, n, "time_positive")
    span = 2 if n % 2 == 0 and n else 1
    size = n // span + 1
    if walk.is_exact:
        p = _exact_p(walk)
        if p in (0, 1):
            return _degenerate(walk, n, "time_positive", n if p == 1 else 0, size, span)
        probabilities = _exact_time_positive(n, *_exact_pieces(p, n))
        return _exact_path_law(walk, n, "time_positive", probabilities[::span], span)
    p = float(walk.p)
    if p in (0.0, 1.0):
        return _degenerate(walk, n, "time_positive", n if p == 1.0 else 0, size, span)
    logs = _float_time_positive(n, *_float_pieces(walk, n))
    return _float_path_law(walk, n, "time_positive", logs[::span], span)


def _exact_time_positive(n: int, u, h_plus, h_minus) -> list:
    """``P(N_n = j)``, j = 0..n, as sums over the last zero ``2l``.

    ``P(N_n = j) = sum_{k >= j/2} c_l h-_{n-2l} [j even] + sum_{k >= (n-j)/2} c_l h+_{n-2l}
    [j = n (mod 2)]`` with ``c_l = u_2l / (k + 1)``: two suffix sums.
    """
    below, above = [Fraction(0)], [Fraction(0)]  # suffix sums, built from k = n//2 down
    for k in range(n // 2, -1, -1):
        c = u[k] / (k + 1)
        below.append(below[-1] + c * h_minus[n - 2 * k])
        above.append(above[-1] + c * h_plus[n - 2 * k])
    below, above = below[:0:-1], above[:0:-1]  # index k: sum over k' >= k
    out = [Fraction(0)] * (n + 1)
    for j in range(n + 1):
        if j % 2 == 0:
            out[j] += below[j // 2]
        if (n - j) % 2 == 0:
            out[j] += above[(n - j) // 2]
    return out


def _float_time_positive(n: int, log_u, log_plus, log_minus) -> np.ndarray:
    """Logs of the sums of :func:`_exact_time_positive`, by log-space suffix sums."""
    half = n // 2
    last = np.arange(half + 1)
    log_c = log_u - np.log(last + 1.0)
    below = np.logaddexp.accumulate((log_c + log_minus[n - 2 * last])[::-1])[::-1]
    above = np.logaddexp.accumulate((log_c + log_plus[n - 2 * last])[::-1])[::-1]
    out = np.full(n + 1, -np.inf)
    out[0::2] = below[: n // 2 + 1]
    ends = n - 2 * last  # the value j = n - 2l gets the meander sum over last' >= last
    out[ends] = np.logaddexp(out[ends], above)
    return out


# ---------------------------------------------------------------- general step laws

#: Largest ``n`` of the general-walk maximum (floats; exact input): the cost grows like ``n^2``.
MAX_GENERAL_STEPS = 20_000
MAX_GENERAL_EXACT_STEPS = 500


def general_maximum_law(walk, n: int) -> MaximumLaw:
    """The law of ``M_n = max(S_0, ..., S_n)`` for a general :class:`Walk` and a checked ``n``.

    Notes
    -----
    Time reversal: ``M_n`` has the law of ``W_n``, the walk reflected at 0 by
    Lindley's recursion ``W_0 = 0``, ``W_{k+1} = max(W_k + X_{k+1}, 0)``
    (``max_k S_k = max_k (S_n - S_{n-k})`` in law, Feller 1971, vol. 2, ch.
    VI.9). One convolution per step on ``0..n max(steps)``: ``O(n^2)``
    operations, in integers over the common denominator for exact walks, in
    floats (sums of non-negative terms, relative error ~``n eps``) otherwise.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from mathkit.walks import Walk
    >>> general_maximum_law(Walk({-1: Fraction(1, 2), 2: Fraction(1, 2)}), 2).probabilities
    (Fraction(1, 4), Fraction(1, 4), Fraction(1, 4), Fraction(0, 1), Fraction(1, 4))
    """
    from mathkit.walks.passage import _integer_weights, _step_table

    limit = MAX_GENERAL_EXACT_STEPS if walk.is_exact else MAX_GENERAL_STEPS
    if n > limit:
        kind = "exact" if walk.is_exact else "float"
        msg = (f"n must be at most {limit} for the maximum of a general walk with {kind} law, "
               f"got {n}")
        raise ValueError(msg)
    steps, probabilities = _step_table(walk)
    top = n * max(0, *steps)
    if walk.is_exact:
        weights, denominator = _integer_weights(probabilities)
        mass = np.zeros(top + 1, dtype=object)
        mass[:] = 0
    else:
        weights, denominator = probabilities, 1
        mass = np.zeros(top + 1)
    mass[0] = 1
    for k in range(n):
        reach = k * max(0, *steps) + 1  # W_k lies in 0..reach - 1
        new = np.zeros_like(mass)
        if walk.is_exact:
            new[:] = 0
        for step, weight in zip(steps, weights, strict=True):
            if step >= 0:
                new[step:reach + step] += weight * mass[:reach]
            else:
                new[:max(0, reach + step)] += weight * mass[-step:reach]
                new[0] += weight * mass[:min(-step, reach)].sum()
        mass = new
    if walk.is_exact:
        scale = denominator**n
        probabilities = [Fraction(int(v), scale) for v in mass]
        if any(_is_sympy_number(v) for v in walk.law.values()):
            import sympy

            probabilities = [sympy.Rational(v.numerator, v.denominator) for v in probabilities]
        return MaximumLaw(walk, n, probabilities)
    return MaximumLaw(walk, n, mass)


def _is_sympy_number(value) -> bool:
    from mathkit.walks.steps import _is_sympy

    return _is_sympy(value)


# ---------------------------------------------------------------- continuous limits


def _check_unit_points(x, name: str) -> np.ndarray:
    from mathkit.walks.laws import _points

    return _points(x, name)


def arcsine_cdf(x):
    """The arcsine distribution function ``F(x) = (2/pi) arcsin(sqrt(x))`` on ``[0, 1]``.

    Parameters
    ----------
    x : array_like
        Points; 0 below 0 and 1 above 1.

    Returns
    -------
    numpy.float64 or numpy.ndarray

    Raises
    ------
    ValueError
        If ``x`` holds NaN.

    Notes
    -----
    The limit law of ``L_2n / 2n`` and ``N_2n / 2n`` (last zero, time
    positive) of a walk with mean 0 and finite variance (Levy 1939; Feller
    1968, ch. III.4). Evaluated as ``(2/pi) arcsin(sqrt(x))`` below 1/2 and
    ``1 - (2/pi) arcsin(sqrt(1 - x))`` above (relative accuracy in both tails).

    Examples
    --------
    >>> arcsine_cdf([0.0, 0.5, 1.0])
    array([0. , 0.5, 1. ])
    """
    x = np.clip(_check_unit_points(x, "x"), 0.0, 1.0)
    low = x <= 0.5
    out = np.where(low, 2 / np.pi * np.arcsin(np.sqrt(np.where(low, x, 0.0))),
                   1 - 2 / np.pi * np.arcsin(np.sqrt(np.where(low, 0.0, 1 - x))))
    return out[()]


def arcsine_pdf(x):
    """The arcsine density ``1 / (pi sqrt(x (1 - x)))`` on ``(0, 1)`` (0 outside, inf at 0 and 1).

    Parameters
    ----------
    x : array_like

    Returns
    -------
    numpy.float64 or numpy.ndarray

    Raises
    ------
    ValueError
        If ``x`` holds NaN.

    Notes
    -----
    The derivative of :func:`arcsine_cdf`; ``u_2k u_{2n-2k} ~ (1/n) f(k/n)``
    (Feller 1968, ch. III.4).

    Examples
    --------
    >>> float(arcsine_pdf(0.5)) * 3.141592653589793
    2.0
    """
    x = _check_unit_points(x, "x")
    inside = (x >= 0) & (x <= 1)
    with np.errstate(divide="ignore"):
        out = np.where(inside, 1 / (np.pi * np.sqrt(np.where(inside, x * (1 - x), 1.0))), 0.0)
    return out[()]


def half_normal_cdf(x):
    """The half-normal distribution function ``P(|Z| <= x) = erf(x / sqrt 2)``, ``x >= 0``.

    Parameters
    ----------
    x : array_like
        Points; 0 below 0.

    Returns
    -------
    numpy.float64 or numpy.ndarray

    Raises
    ------
    ValueError
        If ``x`` holds NaN.

    Notes
    -----
    The limit of ``M_n / sqrt(n)`` for the symmetric simple walk (and of
    ``M_n / (sigma sqrt(n))`` for any walk of mean 0), by the reflection principle:
    ``P(M_n >= r) = P(|S_n| >= r) - P(S_n = r)`` (Feller 1968, ch. III.7).

    Examples
    --------
    >>> round(float(half_normal_cdf(1.0)), 12)
    0.682689492137
    """
    from scipy.special import erf

    x = _check_unit_points(x, "x")
    return np.where(x > 0, erf(np.maximum(x, 0.0) / math.sqrt(2.0)), 0.0)[()]


def _kolmogorov(law, scale: float, limit_cdf, n: int) -> ApproximationError:
    """``sup |P(X / scale <= x) - F(x)|`` of a float :class:`TabulatedLaw` and a continuous F."""
    values = law.values
    after = np.asarray(law.cdf(values), dtype=np.float64)
    before = after - np.asarray(law.pmf(values), dtype=np.float64)
    limit = limit_cdf(values / scale)
    gaps = np.maximum(np.abs(after - limit), np.abs(before - limit))
    worst = int(np.argmax(gaps))
    return ApproximationError(n, float(gaps[worst]), float(values[worst] / scale))


def arcsine_distance(n, statistic: str = "last_zero") -> ApproximationError:
    """The Kolmogorov distance between ``X_n / n`` and the arcsine law, for the symmetric walk.

    Parameters
    ----------
    n : int
        Number of steps, ``1 <= n <=`` :data:`MAX_PATH_STEPS`.
    statistic : {"last_zero", "time_positive"}
        Which arcsine law.

    Returns
    -------
    ApproximationError
        ``sup_x |P(X_n / n <= x) - (2/pi) arcsin(sqrt(x))|``.

    Raises
    ------
    TypeError, ValueError
        For a bad ``n`` or ``statistic``.

    Notes
    -----
    Computed from the float exact laws (:meth:`SimpleWalk.last_zero`,
    :meth:`SimpleWalk.time_positive`) of ``SimpleWalk(0.5)``; the distance falls
    like ``1/sqrt(n)`` near the ends of ``[0, 1]`` (the jump of
    ``P(L_2n = 0) = u_2n ~ 1/sqrt(pi n)``).

    Examples
    --------
    >>> result = arcsine_distance(1000)  # the jump P(L = 0) = u_1000 dominates
    >>> 0.02 < result.max_abs_error < 0.03
    True
    """
    from mathkit._validate import check_one_of, check_positive_integer
    from mathkit.walks.steps import SimpleWalk

    n = check_positive_integer(n, "n")
    statistic = check_one_of(statistic, "statistic", ["last_zero", "time_positive"])
    walk = SimpleWalk(0.5)
    law = walk.last_zero(n) if statistic == "last_zero" else walk.time_positive(n)
    return _kolmogorov(law, float(n), arcsine_cdf, n)


def half_normal_distance(n) -> ApproximationError:
    """The Kolmogorov distance between ``M_n / sqrt(n)`` and ``|Z|``, for the symmetric walk.

    Parameters
    ----------
    n : int
        Number of steps, ``1 <= n <=`` :data:`MAX_STEPS`.

    Returns
    -------
    ApproximationError
        ``sup_x |P(M_n / sqrt(n) <= x) - erf(x / sqrt 2)|``, from the exact
        :meth:`SimpleWalk.maximum` law.

    Raises
    ------
    TypeError, ValueError
        For a bad ``n``.

    Notes
    -----
    The lattice jumps of ``M_n`` are of size ``~ sqrt(2 / (pi n))``, so the
    distance falls like ``1/sqrt(n)``.

    Examples
    --------
    >>> result = half_normal_distance(10_000)
    >>> 0.001 < result.max_abs_error < 0.01
    True
    """
    from mathkit._validate import check_positive_integer
    from mathkit.walks.steps import SimpleWalk

    n = check_positive_integer(n, "n")
    return _kolmogorov(SimpleWalk(0.5).maximum(n), math.sqrt(n), half_normal_cdf, n)
