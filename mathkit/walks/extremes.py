"""The maximum ``M_n = max(S_0, ..., S_n)`` of the simple random walk.

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

__all__ = ["MAX_EXACT_STEPS", "MAX_STEPS", "MaximumLaw", "maximum_law"]

#: Largest ``n`` for float ``p``.
MAX_STEPS = 10**7
#: Largest ``n`` for exact ``p``.
MAX_EXACT_STEPS = 5_000
#: Below this the float pmf comes from the log-space recursion.
_LINEAR_FLOOR = 1e-250


class MaximumLaw(TabulatedLaw):
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
        self._walk = walk
        self._n = int(n)
        self._logs = log_probabilities
        super().__init__(0, probabilities)

    def __repr__(self):
        return f"MaximumLaw({self._walk!r}, n={self._n})"

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
