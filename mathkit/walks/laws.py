"""Laws of integer-valued random variables, with scipy.stats names.

:class:`IntegerLaw` is the base of every law in :mod:`mathkit.walks`: the
position ``S_n``, and later first-passage times and maxima. It supplies the
public methods (``pmf``, ``logpmf``, ``cdf``, ``logcdf``, ``sf``, ``logsf``,
``ppf``, ``isf``, ``mean``, ``var``, ``std``, ``support``, ``rvs``, ``pgf``,
``table``, ``prob_finite``) with the conventions of the package:

- they broadcast like numpy ufuncs and return numpy scalars for scalar input;
- a value off the support (or not an integer) has ``pmf`` 0 and ``logpmf``
  ``-inf``; ``cdf`` at a non-integer uses its floor (as scipy does);
- NaN input raises ``ValueError`` naming the argument: never a silent NaN;
- ``rvs`` sample ``i`` is ``ppf(u_i)`` with ``u_i = uniform53(key, i)[0]``
  (:mod:`mathkit._random`), so samples depend only on ``(rng, i)``;
- exact laws (probabilities that are Fractions or sympy numbers or
  expressions) answer ``pmf``, ``cdf``, ``sf``, ``mean``, ``var`` and ``pgf``
  exactly; their ``log*`` methods give floats (sympy ``log`` for sympy values).

A subclass describes its support as a lattice ``lower + span * i`` between
``lower`` and ``upper`` and implements the ``_*_points`` hooks on lattice
points inside the support (numeric laws) or the ``_exact_*`` hooks (exact
laws). :class:`TabulatedLaw` is the law given by a finite table.
"""

from __future__ import annotations

import math
import numbers
import sys
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from mathkit._random import key_from_rng, uniform53
from mathkit._validate import check_positive_integer

__all__ = ["IntegerLaw", "LawTable", "TabulatedLaw", "moments_from_pgf"]

#: Largest table :meth:`IntegerLaw.table` builds without an explicit ``max_terms``.
DEFAULT_MAX_TERMS = 10**8


def _sympy_module():
    return sys.modules.get("sympy")


def _is_sympy(value) -> bool:
    sympy = _sympy_module()
    return sympy is not None and isinstance(value, sympy.Basic)


def _points(x, name: str) -> np.ndarray:
    """``x`` as a float64 array; NaN raises ValueError naming ``name``."""
    try:
        array = np.asarray(x)
    except (TypeError, ValueError) as error:
        msg = f"{name} must be a number or an array of numbers, got {type(x).__name__}: {error}"
        raise TypeError(msg) from None
    if array.dtype.kind not in "biuf":
        if array.dtype.kind == "O":
            try:
                array = array.astype(np.float64)
            except (TypeError, ValueError):
                msg = f"{name} must be real numbers, got {type(x).__name__} {x!r}"
                raise TypeError(msg) from None
        else:
            msg = f"{name} must be real numbers, got dtype {array.dtype}"
            raise TypeError(msg)
    array = array.astype(np.float64)
    if np.isnan(array).any():
        where = tuple(int(i) for i in np.argwhere(np.isnan(array))[0])
        msg = f"{name} must not be NaN, got nan" + (f" at index {where}" if where else "")
        raise ValueError(msg)
    return array


def _probabilities(q, name: str) -> np.ndarray:
    array = _points(q, name)
    bad = (array < 0) | (array > 1)
    if bad.any():
        value = array[tuple(np.argwhere(bad)[0])]
        msg = f"{name} must be in [0, 1], got {value}"
        raise ValueError(msg)
    return array


def moments_from_pgf(pgf, z):
    """Mean and variance of a law from its probability generating function.

    Parameters
    ----------
    pgf : sympy expression
        ``G(z) = E[z^X]``.
    z : sympy Symbol
        The variable of ``pgf``.

    Returns
    -------
    tuple
        ``(G'(1), G''(1) + G'(1) - G'(1)^2)``, simplified.

    Notes
    -----
    ``E[X] = G'(1)`` and ``E[X(X - 1)] = G''(1)`` (Feller 1968, ch. XI.1).

    Examples
    --------
    >>> import sympy
    >>> z, p = sympy.symbols("z p")
    >>> moments_from_pgf(p * z + (1 - p) / z, z)
    (2*p - 1, -4*p*(p - 1))
    """
    import sympy

    first = sympy.diff(pgf, z)
    second = sympy.diff(first, z)
    mean = sympy.simplify(first.subs(z, 1))
    var = sympy.factor(sympy.simplify(second.subs(z, 1) + mean - mean**2))
    return mean, var


@dataclass(frozen=True)
class LawTable:
    """A law tabulated on its support: ``P(X = values[i]) = probabilities[i]``.

    Attributes
    ----------
    values : numpy.ndarray of int64
        The tabulated values, increasing.
    probabilities : numpy.ndarray
        Their probabilities (float64; object dtype with exact entries for
        exact laws).
    omitted_mass : float or exact
        ``P(X not in values)``: 0 unless the table was truncated to
        ``max_terms`` values (or the law is defective).
    """

    values: np.ndarray
    probabilities: np.ndarray
    omitted_mass: object = 0.0

    def __len__(self) -> int:
        return len(self.values)


class IntegerLaw:
    """Base class of the laws of integer-valued random variables.

    Subclasses set ``_lower``, ``_upper`` (``math.inf`` allowed), ``_span``
    (the support is ``{_lower + _span * i} within [_lower, _upper]``) and
    implement either the numeric hooks ``_logpmf_points`` and
    ``_log_cdf_sf_points`` (optionally ``_pmf_points``, ``_cdf_points``,
    ``_sf_points``, ``_ppf_points``), or, with ``is_exact`` true, the exact
    hooks ``_exact_pmf``, ``_exact_cdf``, ``_exact_sf``. They also give
    ``mean``, ``var`` and ``pgf``.

    Examples
    --------
    >>> law = TabulatedLaw(-1, [0.25, 0.5, 0.25])
    >>> law.pmf([-1, 0, 0.5, 7])
    array([0.25, 0.5 , 0.  , 0.  ])
    >>> law.cdf(0.5), law.support()
    (np.float64(0.75), (-1, 1))
    """

    _lower: int = 0
    _upper: int | float = 0
    _span: int = 1

    # -- description ----------------------------------------------------------------

    @property
    def is_exact(self) -> bool:
        """True if probabilities are exact (Fractions or sympy), not floats."""
        return False

    @property
    def is_symbolic(self) -> bool:
        """True if probabilities are sympy expressions with free symbols."""
        return False

    def support(self) -> tuple:
        """``(lower, upper)``: the smallest and largest values (``upper`` may be inf)."""
        return (self._lower, self._upper)

    @property
    def span(self) -> int:
        """The support lies on ``lower + span * Z`` (``span >= 1``)."""
        return self._span

    def prob_finite(self):
        """``P(X < inf)``: 1 for a proper law, below 1 for a defective one.

        Examples
        --------
        >>> TabulatedLaw(0, [1.0]).prob_finite()
        np.float64(1.0)
        """
        return np.float64(1.0) if not self.is_exact else 1

    def mean(self):
        """``E[X]`` (``inf`` for a defective law)."""
        raise NotImplementedError

    def var(self):
        """``Var X``."""
        raise NotImplementedError

    def std(self):
        """``sqrt(Var X)``."""
        var = self.var()
        if _is_sympy(var):
            return _sympy_module().sqrt(var)
        if isinstance(var, Fraction):
            return np.float64(math.sqrt(var))
        return np.sqrt(np.float64(var))

    def pgf(self, z):
        """The probability generating function ``E[z^X]``.

        Parameters
        ----------
        z : number, array_like or sympy expression
            Numeric ``z`` (complex allowed) gives numpy values; a sympy ``z``
            a sympy expression.

        Returns
        -------
        numpy value or sympy expression
        """
        raise NotImplementedError

    def pgf_moments(self):
        """``(mean, var)`` from the PGF by sympy: ``G'(1)`` and ``G''(1) + G'(1) - G'(1)^2``.

        Exact (or symbolic) for exact laws; see :func:`moments_from_pgf`.

        Examples
        --------
        >>> from fractions import Fraction
        >>> TabulatedLaw(0, [Fraction(1, 2), Fraction(1, 2)]).pgf_moments()
        (1/2, 1/4)
        """
        import sympy

        z = sympy.Dummy("z")
        return moments_from_pgf(self.pgf(z), z)

    # -- the support -----------------------------------------------------------------

    def _on_support(self, k: np.ndarray) -> np.ndarray:
        """Finite integer lattice points within ``[lower, upper]``."""
        finite = np.isfinite(k)
        kk = np.where(finite, k, self._lower)
        ok = finite & (kk == np.floor(kk)) & (kk >= self._lower) & (kk <= self._upper)
        if self._span > 1:
            ok &= np.mod(kk - self._lower, self._span) == 0
        return ok

    def _snap_down(self, k: np.ndarray) -> np.ndarray:
        """The largest lattice point <= floor(k), for k within the support's range."""
        floor = np.floor(k)
        if self._span == 1:
            return floor
        return self._lower + self._span * np.floor((floor - self._lower) / self._span)

    # -- numeric hooks (defaults) -------------------------------------------------------

    def _logpmf_points(self, k):
        raise NotImplementedError

    def _pmf_points(self, k):
        return np.exp(self._logpmf_points(k))

    def _log_cdf_sf_points(self, k):
        """(log P(X <= k), log P(X > k)) at lattice points lower <= k < upper."""
        raise NotImplementedError

    def _cdf_points(self, k):
        return np.exp(self._log_cdf_sf_points(k)[0])

    def _sf_points(self, k):
        return np.exp(self._log_cdf_sf_points(k)[1])

    # -- exact hooks --------------------------------------------------------------------

    def _exact_zero(self):
        return Fraction(0)

    def _exact_pmf(self, k: int):
        raise NotImplementedError

    def _exact_cdf(self, k: int):
        raise NotImplementedError

    def _exact_sf(self, k: int):
        return 1 - self._exact_cdf(k)

    def _exact_apply(self, k, function, name: str):
        """Map an exact function over integer-valued k (off-support handled by the caller)."""
        if isinstance(k, numbers.Integral) and not isinstance(k, bool):
            return function(int(k))
        array = _points(k, name)
        out = np.empty(array.shape, dtype=object)
        for index in np.ndindex(array.shape):
            out[index] = function(array[index])
        return out[()] if out.ndim == 0 else out

    def _exact_pmf_any(self, k):
        if not math.isfinite(k) or k != math.floor(k):
            return self._exact_zero()
        k = int(k)
        if k < self._lower or k > self._upper or (k - self._lower) % self._span:
            return self._exact_zero()
        return self._exact_pmf(k)

    def _exact_cdf_any(self, k):
        if k < self._lower:
            return self._exact_zero()
        if k >= self._upper:
            return self._exact_zero() + 1
        return self._exact_cdf(int(self._snap_down(np.float64(k))))

    def _exact_sf_any(self, k):
        if k < self._lower:
            return self._exact_zero() + 1
        if k >= self._upper:
            return self._exact_zero()
        return self._exact_sf(int(self._snap_down(np.float64(k))))

    # -- public: probabilities ---------------------------------------------------------

    def pmf(self, k):
        """``P(X = k)``.

        Parameters
        ----------
        k : array_like
            Values; non-integers and values off the support give 0.

        Returns
        -------
        numpy.float64 or numpy.ndarray
            (exact values for exact laws).

        Raises
        ------
        ValueError
            If ``k`` holds NaN.
        """
        if self.is_exact:
            return self._exact_apply(k, self._exact_pmf_any, "k")
        k = _points(k, "k")
        out = np.zeros(k.shape)
        on = self._on_support(k)
        if on.any():
            out[on] = self._pmf_points(k[on])
        return out[()]

    def logpmf(self, k):
        """``log P(X = k)``, accurate where ``pmf`` underflows.

        Parameters
        ----------
        k : array_like
            Values; off the support (or not integers) the result is ``-inf``.

        Returns
        -------
        numpy.float64 or numpy.ndarray
            (sympy ``log`` of the exact value for laws with sympy entries.)

        Raises
        ------
        ValueError
            If ``k`` holds NaN.

        Notes
        -----
        Numeric laws compute it directly in log space, never as ``log(pmf)``;
        each law states its accuracy.

        Examples
        --------
        >>> from mathkit.walks import SimpleWalk
        >>> float(SimpleWalk(0.5).position(2000).logpmf(2000))  # 2000 log(1/2)
        -1386.2943611198905
        """
        if self.is_exact:
            return self._exact_log(self.pmf(k))
        k = _points(k, "k")
        out = np.full(k.shape, -np.inf)
        on = self._on_support(k)
        if on.any():
            out[on] = self._logpmf_points(k[on])
        return out[()]

    def _split_cdf(self, k):
        """Masks (below, above, inside) and the lattice points for the inside."""
        below = k < self._lower
        above = k >= self._upper
        inside = ~(below | above)
        return below, above, inside, self._snap_down(k[inside])

    def cdf(self, k):
        """The distribution function ``P(X <= k)``.

        Parameters
        ----------
        k : array_like
            Values; a non-integer ``k`` counts as ``floor(k)`` (as in scipy).

        Returns
        -------
        numpy.float64 or numpy.ndarray
            (exact values for exact laws.)

        Raises
        ------
        ValueError
            If ``k`` holds NaN.

        Examples
        --------
        >>> from mathkit.walks import SimpleWalk
        >>> SimpleWalk(0.5).position(2).cdf([-2, -0.5, 0, 2])
        array([0.25, 0.25, 0.75, 1.  ])
        """
        if self.is_exact:
            return self._exact_apply(k, self._exact_cdf_any, "k")
        k = _points(k, "k")
        _, above, inside, points = self._split_cdf(k)
        out = np.where(above, 1.0, 0.0)
        if inside.any():
            out[inside] = self._cdf_points(points)
        return out[()]

    def sf(self, k):
        """The survival function ``P(X > k) = 1 - cdf(k)``, computed directly.

        Parameters
        ----------
        k : array_like
            Values; a non-integer ``k`` counts as ``floor(k)``.

        Returns
        -------
        numpy.float64 or numpy.ndarray
            Accurate relative to itself in the upper tail, where ``1 - cdf``
            would lose everything.

        Raises
        ------
        ValueError
            If ``k`` holds NaN.

        Examples
        --------
        >>> from mathkit.walks import SimpleWalk
        >>> float(SimpleWalk(0.5).position(100).sf(98))  # P(S_100 = 100) = 2**-100
        7.888609052210118e-31
        """
        if self.is_exact:
            return self._exact_apply(k, self._exact_sf_any, "k")
        k = _points(k, "k")
        below, _, inside, points = self._split_cdf(k)
        out = np.where(below, self.prob_finite(), 0.0)
        if inside.any():
            out[inside] = self._sf_points(points)
        return out[()]

    def logcdf(self, k):
        """``log P(X <= k)``, accurate in both tails.

        Parameters
        ----------
        k : array_like
            Values; a non-integer ``k`` counts as ``floor(k)``.

        Returns
        -------
        numpy.float64 or numpy.ndarray
            In the lower tail computed in log space (no underflow); near 1 as
            ``log1p(-sf)``, so its relative accuracy holds there too.

        Raises
        ------
        ValueError
            If ``k`` holds NaN.

        Examples
        --------
        >>> from mathkit.walks import SimpleWalk
        >>> law = SimpleWalk(0.5).position(10**6)
        >>> float(law.logcdf(-60000)) < -700  # 60 standard deviations: cdf underflows to 0
        True
        """
        if self.is_exact:
            return self._exact_log(self.cdf(k))
        k = _points(k, "k")
        _, above, inside, points = self._split_cdf(k)
        out = np.where(above, np.log(self.prob_finite()), -np.inf)
        if inside.any():
            out[inside] = self._log_cdf_sf_points(points)[0]
        return out[()]

    def logsf(self, k):
        """``log P(X > k)``, accurate in both tails (see :meth:`logcdf`).

        Parameters
        ----------
        k : array_like
            Values; a non-integer ``k`` counts as ``floor(k)``.

        Returns
        -------
        numpy.float64 or numpy.ndarray

        Raises
        ------
        ValueError
            If ``k`` holds NaN.

        Examples
        --------
        >>> from mathkit.walks import SimpleWalk
        >>> float(SimpleWalk(0.5).position(10).logsf(8))  # log P(S_10 = 10)
        -6.931471805599453
        """
        if self.is_exact:
            return self._exact_log(self.sf(k))
        k = _points(k, "k")
        below, _, inside, points = self._split_cdf(k)
        out = np.where(below, np.log(self.prob_finite()), -np.inf)
        if inside.any():
            out[inside] = self._log_cdf_sf_points(points)[1]
        return out[()]

    def _exact_log(self, value):
        """log of exact values: sympy log for sympy entries, float64 otherwise."""

        def log_one(v):
            if _is_sympy(v):
                return _sympy_module().log(v)
            v = Fraction(v)
            if v == 0:
                return np.float64(-np.inf)
            return np.float64(math.log(v.numerator) - math.log(v.denominator))

        if isinstance(value, np.ndarray):
            out = np.empty(value.shape, dtype=object)
            for index in np.ndindex(value.shape):
                out[index] = log_one(value[index])
            if all(isinstance(v, np.floating) for v in out.flat):
                return out.astype(np.float64)
            return out
        return log_one(value)

    # -- public: quantiles and sampling -----------------------------------------------------

    def ppf(self, q):
        """The quantile function: the smallest support value ``k`` with ``cdf(k) >= q``.

        Parameters
        ----------
        q : array_like
            Probabilities in ``[0, 1]``.

        Returns
        -------
        numpy.float64 or numpy.ndarray
            Floats, as in scipy; ``ppf(0)`` is ``lower - 1`` and ``ppf(1)`` is
            ``upper`` (scipy's conventions).

        Raises
        ------
        ValueError
            If ``q`` is NaN or outside ``[0, 1]``.
        TypeError
            For a symbolic law.

        Notes
        -----
        The generalized inverse ``F^-1(q) = min{k : F(k) >= q}``, found by
        bisection on the support's lattice against this law's own ``cdf`` (so
        ``cdf(ppf(q)) >= q > cdf(ppf(q) - span)`` holds exactly as computed).

        Examples
        --------
        >>> from mathkit.walks import SimpleWalk
        >>> SimpleWalk(0.5).position(2).ppf([0, 0.25, 0.26, 1])
        array([-3., -2.,  0.,  2.])
        """
        q = _probabilities(q, "q")
        if self.is_symbolic:
            msg = "ppf needs numeric probabilities; substitute a value for the symbols first"
            raise TypeError(msg)
        out = np.full(q.shape, float(self._lower - 1))
        out[q == 1] = self._upper  # scipy's convention, whatever the rounding of cdf
        inner = (q > 0) & (q < 1)
        if inner.any():
            out[inner] = self._ppf_points(q[inner])
        return out[()]

    def isf(self, q):
        """The inverse survival function: the smallest ``k`` with ``sf(k) <= q``.

        Parameters
        ----------
        q : array_like
            Probabilities in ``[0, 1]``.

        Returns
        -------
        numpy.float64 or numpy.ndarray
            ``isf(1)`` is ``lower - 1`` and ``isf(0)`` is ``upper`` (as in scipy).

        Raises
        ------
        ValueError
            If ``q`` is NaN or outside ``[0, 1]``.
        TypeError
            For a symbolic law.

        Examples
        --------
        >>> from mathkit.walks import SimpleWalk
        >>> float(SimpleWalk(0.5).position(2).isf(0.25))
        0.0
        """
        q = _probabilities(q, "q")
        if self.is_symbolic:
            msg = "isf needs numeric probabilities; substitute a value for the symbols first"
            raise TypeError(msg)
        out = np.full(q.shape, float(self._upper))  # isf(0): scipy's convention
        inner = q > 0
        for index in zip(*np.nonzero(inner), strict=True) if q.ndim else ([()] if inner else []):
            value = float(q[index])
            if self.is_exact:
                out[index] = self._exact_isf_one(value)
            else:
                out[index] = self._bisect_one(lambda k, v=value: self.sf(k) <= v)
        return out[()]

    def _exact_isf_one(self, q: float) -> float:
        return self._bisect_one(lambda k: self._exact_sf_any(k) <= Fraction(q))

    def _bisect_one(self, predicate) -> float:
        """Smallest lattice point (or lower - 1) where a monotone predicate turns true."""
        if predicate(self._lower - 1):
            return float(self._lower - 1)
        lo = 0  # index of lattice point lower + span * lo (predicate false there or below)
        hi = self._index_upper_bound(predicate)
        if predicate(self._lower):
            return float(self._lower)
        while hi - lo > 1:
            middle = (lo + hi) // 2
            if predicate(self._lower + self._span * middle):
                hi = middle
            else:
                lo = middle
        return float(self._lower + self._span * hi)

    def _index_upper_bound(self, predicate) -> int:
        if math.isfinite(self._upper):
            return int((self._upper - self._lower) // self._span)
        step = 1
        while not predicate(self._lower + self._span * step):
            step *= 2
        return step

    def _ppf_points(self, q):
        """Quantiles for ``0 < q <= 1`` (array). Default: vectorized lattice bisection on cdf."""
        if self.is_exact:
            out = np.empty(q.shape)
            for index in np.ndindex(q.shape):
                u = Fraction(float(q[index]))
                out[index] = self._bisect_one(lambda k, u=u: self._exact_cdf_any(k) >= u)
            return out
        return self._bisect_cdf(q, np.zeros(q.shape, dtype=np.int64), None)

    def _bisect_cdf(self, q, lo, hi):
        """Vectorized bisection on lattice indices: smallest i with cdf(lower + span i) >= q.

        ``lo`` must satisfy cdf(point(lo - 1)) < q (index 0 always does); ``hi``
        (or, when None, the top of the support, expanded by doubling if infinite)
        must satisfy cdf(point(hi)) >= q.
        """
        lower, span = self._lower, self._span
        lo = lo - 1  # invariant: cdf(point(lo)) < q (lo = -1: below the support)
        if hi is None:
            if math.isfinite(self._upper):
                hi = np.full(q.shape, int((self._upper - lower) // span), dtype=np.int64)
            else:
                hi = np.maximum(lo + 1, 1)
                while True:
                    short = self.cdf(lower + span * hi) < q
                    if not short.any():
                        break
                    hi = np.where(short, hi * 2, hi)
        while True:
            gap = hi - lo > 1
            if not gap.any():
                break
            middle = (lo + hi) // 2
            reached = np.zeros(q.shape, dtype=bool)
            reached[gap] = self.cdf(lower + span * middle[gap].astype(np.float64)) >= q[gap]
            hi = np.where(gap & reached, middle, hi)
            lo = np.where(gap & ~reached, middle, lo)
        return (lower + span * hi).astype(np.float64)

    def rvs(self, size=None, rng=None):
        """Random samples by inversion: sample ``i`` is ``ppf(uniform53(key, i)[0])``.

        Parameters
        ----------
        size : int or tuple of int, optional
            Output shape; None gives one numpy integer.
        rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
            Seed (SPEC 7); the key comes from :func:`mathkit._random.key_from_rng`.

        Returns
        -------
        numpy.int64 or numpy.ndarray of int64
            Sample ``i`` (in C order) depends only on ``(rng, i)``: it is
            ``ppf(u_i)`` with ``u_i = uniform53(key, i)[0]`` (``u_i = 0``, of
            probability ``2**-53``, is taken as ``2**-53``).

        Raises
        ------
        TypeError
            For a symbolic law, or a ``size`` that is not an int or tuple of ints.
        ValueError
            For a negative ``size``, or a defective law (samples could be infinite).

        Examples
        --------
        >>> from mathkit.walks import SimpleWalk
        >>> law = SimpleWalk(0.5).position(10)
        >>> first = law.rvs(5, rng=42)
        >>> bool((law.rvs(3, rng=42) == first[:3]).all())  # sample i depends on (rng, i) only
        True
        """
        if self.is_symbolic:
            msg = "rvs needs numeric probabilities; substitute a value for the symbols first"
            raise TypeError(msg)
        if self.prob_finite() != 1:
            msg = "rvs needs a proper law (prob_finite() == 1); this law is defective"
            raise ValueError(msg)
        shape = _shape(size)
        count = math.prod(shape)
        key = key_from_rng(rng)
        if count == 0:
            return np.zeros(shape, dtype=np.int64)
        u = uniform53(key, np.arange(count, dtype=np.uint64))[:, 0]
        # u lies in [0, 1); u = 0 would give lower - 1: use the smallest positive uniform
        u = np.where(u == 0, 2.0**-53, u)
        values = self._ppf_points(u).astype(np.int64).reshape(shape)
        return values[()] if size is None else values

    # -- public: tables ----------------------------------------------------------------

    def table(self, max_terms=None) -> LawTable:
        """The law tabulated on its support (all of it, or ``max_terms`` values about the mode).

        Parameters
        ----------
        max_terms : int, optional
            Most values to tabulate; the window keeps the most probable ones
            it can as one run around the mode and reports the rest as
            ``omitted_mass``. Without it, a support of more than
            ``DEFAULT_MAX_TERMS`` values raises.

        Returns
        -------
        LawTable
            ``values``, ``probabilities`` and ``omitted_mass`` (0 when whole).

        Raises
        ------
        ValueError
            If the support is larger than ``DEFAULT_MAX_TERMS`` and no
            ``max_terms`` is given.

        Examples
        --------
        >>> from mathkit.walks import SimpleWalk
        >>> table = SimpleWalk(0.5).position(4).table()
        >>> table.values, table.probabilities
        (array([-4, -2,  0,  2,  4]), array([0.0625, 0.25  , 0.375 , 0.25  , 0.0625]))
        >>> SimpleWalk(0.5).position(4).table(max_terms=3).omitted_mass
        np.float64(0.125)
        """
        if max_terms is not None:
            max_terms = check_positive_integer(max_terms, "max_terms")
        size = self._support_size()
        limit = max_terms if max_terms is not None else DEFAULT_MAX_TERMS
        if size > limit and max_terms is None:
            msg = (f"max_terms must be given for a support of {size} values "
                   f"(more than {DEFAULT_MAX_TERMS})")
            raise ValueError(msg)
        return self._table(min(size, limit))

    def _support_size(self):
        if not math.isfinite(self._upper):
            return math.inf
        return int((self._upper - self._lower) // self._span) + 1

    def _table_window(self, terms: int) -> tuple[int, int]:
        """First and last lattice index of a window of ``terms`` values holding most mass."""
        size = self._support_size()
        if terms >= size:
            return 0, int(size) - 1
        # about the median; a symbolic law has no numbers for that: the middle of the support
        center = size // 2 if self.is_symbolic else (self.ppf(0.5) - self._lower) // self._span
        first = int(max(0, min(center - terms // 2, size - terms)))
        return first, first + terms - 1

    def _table(self, terms: int) -> LawTable:
        first, last = self._table_window(terms)
        values = self._lower + self._span * np.arange(first, last + 1, dtype=np.int64)
        probabilities = self.pmf(values)
        if self.is_exact:
            omitted = self.cdf(int(values[0]) - 1) + self.sf(int(values[-1]))
        else:
            omitted = np.float64(0.0)
            if first > 0 or last < self._support_size() - 1:
                low = self.cdf(float(values[0]) - 1) if first > 0 else 0.0
                high = self.sf(float(values[-1]))
                omitted = np.float64(low + high)
        return LawTable(values, probabilities, omitted)


def _shape(size) -> tuple[int, ...]:
    if size is None:
        return ()
    if isinstance(size, numbers.Integral) and not isinstance(size, bool):
        size = (int(size),)
    try:
        shape = tuple(int(s) for s in size if not isinstance(s, bool))
        if len(shape) != len(tuple(size)):
            raise TypeError
    except TypeError:
        msg = f"size must be an int or a tuple of ints, got {size!r}"
        raise TypeError(msg) from None
    if any(s < 0 for s in shape):
        msg = f"size must be non-negative, got {size!r}"
        raise ValueError(msg)
    return shape


def _is_exact_entry(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, Fraction | int) and not isinstance(value, np.generic):
        return True
    return _is_sympy(value)


class TabulatedLaw(IntegerLaw):
    """A law with finite support given by its table.

    Parameters
    ----------
    values_start : int
        The smallest value; value ``i`` of the table is ``values_start + span * i``.
    probabilities : array_like or sequence
        ``P(X = values_start + span * i)``: floats (a float64 array), or all
        exact (Fractions, ints, sympy numbers or expressions). Must be
        non-negative and sum to 1 (within ``1e-12`` times the table length for
        floats; exactly for exact numbers; not checked for symbolic entries).
    span : int, default 1
        Spacing of the values.

    Raises
    ------
    TypeError
        If ``values_start`` or ``span`` is not an integer, or a probability is not a number.
    ValueError
        If the table is empty, a probability is negative or not finite, or
        they do not sum to 1.

    Notes
    -----
    Numeric laws keep cumulative sums both ways, so ``cdf`` and ``sf`` are
    each accurate (relative to themselves) in their own tail; ``ppf`` is a
    binary search on the cumulative sums, consistent with ``cdf``.

    Examples
    --------
    >>> law = TabulatedLaw(0, [0.5, 0.25, 0.25])
    >>> law.mean(), law.var()
    (np.float64(0.75), np.float64(0.6875))
    >>> law.ppf([0.5, 0.6, 1.0])
    array([0., 1., 2.])
    >>> from fractions import Fraction
    >>> TabulatedLaw(-1, [Fraction(1, 3), Fraction(2, 3)], span=2).cdf(0)
    Fraction(1, 3)
    """

    def __init__(self, values_start, probabilities, span=1):
        if isinstance(values_start, bool) or not isinstance(values_start, numbers.Integral):
            msg = f"values_start must be an integer, got {type(values_start).__name__}"
            raise TypeError(msg)
        self._span = check_positive_integer(span, "span")
        self._lower = int(values_start)
        entries = list(probabilities) if not isinstance(probabilities, np.ndarray) else None
        if entries is not None and entries and all(_is_exact_entry(v) for v in entries):
            self._init_exact(entries)
        else:
            self._init_numeric(probabilities)
        self._upper = self._lower + self._span * (self._size - 1)

    # -- construction -----------------------------------------------------------------

    def _init_numeric(self, probabilities):
        try:
            array = np.asarray(probabilities, dtype=np.float64)
        except (TypeError, ValueError):
            msg = "probabilities must be real numbers (floats, or all exact)"
            raise TypeError(msg) from None
        if array.ndim != 1 or array.size == 0:
            msg = f"probabilities must be a non-empty 1-D sequence, got shape {array.shape}"
            raise ValueError(msg)
        bad = ~np.isfinite(array)
        if bad.any():
            index = int(np.argmax(bad))
            msg = f"probabilities[{index}] must be finite, got {array[index]}"
            raise ValueError(msg)
        if (array < 0).any():
            index = int(np.argmax(array < 0))
            msg = f"probabilities[{index}] must be non-negative, got {array[index]}"
            raise ValueError(msg)
        total = math.fsum(array)
        if abs(total - 1.0) > 1e-12 * max(1, math.sqrt(array.size)) + 4e-16 * array.size:
            msg = f"probabilities must sum to 1, got {total!r}"
            raise ValueError(msg)
        self._exact = False
        self._symbolic = False
        self._probs = array.copy()
        self._probs.setflags(write=False)
        self._size = array.size
        self._cumulative = np.cumsum(array)
        # sf(values[i]) = sum of probabilities above i, summed from the top
        self._survival = np.concatenate([np.cumsum(array[::-1])[::-1][1:], [0.0]])

    def _init_exact(self, entries):
        sympy_entries = any(_is_sympy(v) for v in entries)
        if sympy_entries:
            sympy = _sympy_module()
            entries = [sympy.sympify(v) for v in entries]
            symbolic = any(v.free_symbols for v in entries)
            if not symbolic:
                for i, v in enumerate(entries):
                    if not v.is_Rational:
                        msg = f"probabilities[{i}] must be exact rationals, got {v}"
                        raise TypeError(msg)
        else:
            entries = [Fraction(v) for v in entries]
            symbolic = False
        if not symbolic:
            for i, v in enumerate(entries):
                if v < 0:
                    msg = f"probabilities[{i}] must be non-negative, got {v}"
                    raise ValueError(msg)
            total = sum(entries)
            if total != 1:
                msg = f"probabilities must sum to 1, got {total}"
                raise ValueError(msg)
        self._exact = True
        self._symbolic = symbolic
        self._probs = tuple(entries)
        self._size = len(entries)
        self._cumulative = None

    # -- description ---------------------------------------------------------------------

    @property
    def is_exact(self) -> bool:
        return self._exact

    @property
    def is_symbolic(self) -> bool:
        return self._symbolic

    def __repr__(self):
        kind = "exact" if self._exact else "float"
        return (f"{type(self).__name__}(values {self._lower}..{self._upper} step {self._span}, "
                f"{self._size} {kind} probabilities)")

    @property
    def values(self) -> np.ndarray:
        """The tabulated values (int64)."""
        return self._lower + self._span * np.arange(self._size, dtype=np.int64)

    @property
    def probabilities(self):
        """The table (a read-only float64 array, or a tuple of exact values)."""
        return self._probs

    def mean(self):
        values = range(self._lower, self._upper + 1, self._span)
        if self._exact:
            return _simplify_exact(sum(v * p for v, p in zip(values, self._probs, strict=True)))
        return np.float64(math.fsum(self.values * self._probs))

    def var(self):
        mean = self.mean()
        values = range(self._lower, self._upper + 1, self._span)
        if self._exact:
            return _simplify_exact(
                sum((v - mean) ** 2 * p for v, p in zip(values, self._probs, strict=True)))
        return np.float64(math.fsum((self.values - mean) ** 2 * self._probs))

    def pgf(self, z):
        """``sum_i p_i z^(values_start + span i)``; sympy for a sympy ``z`` or exact table."""
        if _is_sympy(z) or (self._exact and _is_sympy(self._probs[0])):
            sympy = _sympy_module() or __import__("sympy")
            z = sympy.sympify(z)
            terms = (sympy.sympify(p) * z ** (self._lower + self._span * i)
                     for i, p in enumerate(self._probs))
            return sympy.Add(*terms)
        return _numeric_pgf(z, self._lower, self._span, np.asarray(self._probs, dtype=float))

    # -- numeric hooks ------------------------------------------------------------------------

    def _index(self, k):
        return ((k - self._lower) // self._span).astype(np.int64)

    def _pmf_points(self, k):
        return self._probs[self._index(k)]

    def _logpmf_points(self, k):
        with np.errstate(divide="ignore"):
            return np.log(self._pmf_points(k))

    def _cdf_points(self, k):
        return np.minimum(self._cumulative[self._index(k)], 1.0)

    def _sf_points(self, k):
        return self._survival[self._index(k)]

    def _log_cdf_sf_points(self, k):
        index = self._index(k)
        cdf = np.minimum(self._cumulative[index], 1.0)
        sf = self._survival[index]
        with np.errstate(divide="ignore"):
            log_cdf = np.where(cdf <= 0.5, np.log(cdf), np.log1p(-np.minimum(sf, 1.0)))
            log_sf = np.where(sf <= 0.5, np.log(sf), np.log1p(-cdf))
        return log_cdf, log_sf

    def _ppf_points(self, q):
        if self._exact:
            return super()._ppf_points(q)
        index = np.searchsorted(self._cumulative, q, side="left")
        return (self._lower + self._span * np.minimum(index, self._size - 1)).astype(np.float64)

    # -- exact hooks ----------------------------------------------------------------------------

    def _exact_zero(self):
        if self._probs and _is_sympy(self._probs[0]):
            return _sympy_module().Integer(0)
        return Fraction(0)

    def _exact_cumulative(self):
        if self._cumulative is None:
            total, sums = self._exact_zero(), []
            for p in self._probs:
                total = total + p
                sums.append(total)
            self._cumulative = tuple(sums)
        return self._cumulative

    def _exact_pmf(self, k: int):
        return self._probs[(k - self._lower) // self._span]

    def _exact_cdf(self, k: int):
        return self._exact_cumulative()[(k - self._lower) // self._span]

    def _exact_sf(self, k: int):
        index = (k - self._lower) // self._span
        rest = self._probs[index + 1:]
        return sum(rest, self._exact_zero())


def _simplify_exact(value):
    if _is_sympy(value) and value.free_symbols:
        return _sympy_module().factor(value)
    return value


def _numeric_pgf(z, start: int, span: int, probabilities: np.ndarray):
    """``sum_i p_i z^(start + span i)`` for numeric ``z`` (Horner in ``z^span``)."""
    z = np.asarray(z)
    if z.dtype.kind not in "biufc":
        msg = f"z must be a number or an array of numbers, got dtype {z.dtype}"
        raise TypeError(msg)
    z = z.astype(np.complex128 if z.dtype.kind == "c" else np.float64)
    if np.isnan(z).any():
        msg = "z must not be NaN, got nan"
        raise ValueError(msg)
    if start < 0 and np.any(z == 0):
        msg = "z must be non-zero for a law with negative values, got 0"
        raise ValueError(msg)
    zs = z**span
    total = np.zeros_like(z)
    for p in probabilities[::-1]:
        total = total * zs + p
    return (total * z**start)[()]
