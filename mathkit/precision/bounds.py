"""Rounding error bounds for sums, dot products and matrix products.

Two kinds of bound on the error of a computation in a floating-point format
with unit roundoff ``u``, for the standard model ``fl(a op b) = (a op b)(1 + d)``,
``|d| <= u`` (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd
ed., SIAM 2002, §2.2):

**Deterministic** (worst case, always true), with
``gamma_n = n u / (1 - n u)`` (Higham 2002, Lemma 3.1; infinite, i.e. no
bound, once ``n u >= 1``):

=====================  ================================================  ====================
computation            bound on ``|computed - exact|``                    Higham 2002
=====================  ================================================  ====================
recursive sum          ``gamma_(n-1) sum |x_i|``                          §4.2
pairwise sum           ``gamma_(ceil(log2 n)) sum |x_i|``                 §4.2
Kahan's compensated    ``(2u + 2 n u^2) sum |x_i|``, ``n u <= 0.1``, RN   §4.3; below
dot product            ``gamma_n sum |x_i y_i|``                          §3.1
matrix product         ``gamma_n (|A| |B|)_ij``, entrywise                §3.5
=====================  ================================================  ====================

Higham states the Kahan bound as ``(2u + O(n u^2)) sum |x_i|`` (after Knuth,
*TAOCP* vol. 2, §4.2.2, exercise 19), for round to nearest: the compensation
recovers each addition's error exactly only then. The second-order constant
used here, 2, is not from a published proof: it is the one the tests and a
search of two million random sums in formats of 3 to 8 bits failed to exceed.
Past ``n u = 0.1``, and for every mode but round to nearest, no bound is given
(``inf``): under round-to-odd that search found errors of ``5.4 u sum |x_i|``.

**Probabilistic** (Higham and Mary, "A new approach to probabilistic rounding
error analysis", *SIAM J. Sci. Comput.* 41(5), A2815-A2835, 2019): if the
rounding errors ``d_k`` are independent random variables of mean zero with
``|d_k| <= u``, then for any ``lam > 0`` a product of ``n`` factors
``(1 + d_k)`` is ``1 + theta_n`` with

.. math::

    |\\theta_n| \\le \\tilde\\gamma_n(\\lambda)
    = \\exp\\!\\Big(\\lambda \\sqrt{n}\\, u + \\frac{n u^2}{1 - u}\\Big) - 1
    = \\lambda \\sqrt{n}\\, u + O(u^2)

with probability at least ``P(lam) = 1 - 2 exp(-lam^2 (1 - u)^2 / 2)``; so a
sum or dot product of ``n`` terms has error at most ``gamma~_n(lam) sum |x_i
y_i|`` with probability at least ``Q(lam, n) = 1 - n (1 - P(lam))`` (a union
bound over the ``n`` terms). Here ``n`` is replaced by the number of roundings
a term goes through (``n - 1`` for a recursive sum, ``ceil(log2 n)`` for a
pairwise one). Round-to-nearest only *models* the independence; under
stochastic rounding the errors are mean-independent and the same Azuma-
Hoeffding argument holds (Connolly, Higham and Mary, "Stochastic rounding and
its probabilistic backward error analysis", *SIAM J. Sci. Comput.* 43(1),
A566-A585, 2021). No probabilistic bound is given for Kahan's method.

Directed modes, round-to-odd and stochastic rounding have ``|d| < 2u``
(machine epsilon): every bound then uses ``2u`` for ``u``.

**Underflow.** The model above ignores it. With gradual underflow a sum or
difference that underflows is exact (Higham 2002, §2.1), so sums need no
correction; a product that underflows, or any operation in a format without
subnormals, may add an absolute error of up to one quantum at the bottom of
the range (``min_subnormal``, or ``min_normal`` without subnormals). The
deterministic bounds here add ``(1 + gamma_n)`` times that for each such
operation.
"""

from __future__ import annotations

import math
import numbers
import sys
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from mathkit._validate import _describe, check_nonnegative_integer, check_one_of
from mathkit.precision.formats import Format, _finite_real_array, as_format
from mathkit.precision.rounding import MODES

__all__ = [
    "ALGORITHMS",
    "ErrorBounds",
    "dot_bounds",
    "gamma",
    "matmul_bounds",
    "probabilistic_gamma",
    "success_probability",
    "sum_bounds",
]

#: The summation algorithms of :func:`sum_bounds` and :func:`mathkit.precision.ops.sum`.
ALGORITHMS = ("recursive", "pairwise", "kahan")
#: Default ``lam`` of the probabilistic bound: ``P(6) > 1 - 3.1e-8`` per term.
DEFAULT_LAMBDA = 6.0
_KAHAN_LIMIT = 0.1
#: Integers up to this are float64 values; past it, products with them are taken exactly.
_EXACT_INTEGERS = 2**53
#: ``exp(x)`` overflows float64 for ``x`` above this.
_LOG_MAX = math.log(sys.float_info.max)


def _round_up(terms: int) -> float:
    """A factor that keeps a bound computed in float64 from ``terms`` terms above the exact
    one: float64 sums of ``terms`` terms err by less than ``terms 2^-53`` relatively."""
    return 1 + (terms + 4) * 2.0**-52


def _unit(u) -> float:
    msg = f"u must be a real number in (0, 1), got {_describe(u)}"
    if isinstance(u, bool) or not isinstance(u, numbers.Real):
        raise TypeError(msg)
    if not 0 < u < 1:
        raise ValueError(msg)
    return float(u)


def _product(n: int, *factors: float) -> float:
    """``n`` times ``factors`` in float64, left to right, for an integer ``n`` of any size.

    Past ``2^53`` (where ``float(n)`` would round, or overflow) the product is taken
    exactly and rounded once, to ``inf`` beyond float64's range.
    """
    if n <= _EXACT_INTEGERS:
        return math.prod((n, *factors))
    exact = Fraction(n)
    for factor in factors:
        exact *= Fraction(factor)
    try:
        return float(exact)
    except OverflowError:
        return math.inf


def _lambda(lam) -> float:
    if isinstance(lam, bool) or not isinstance(lam, numbers.Real):
        msg = f"lam must be a positive real number, got {_describe(lam)}"
        raise TypeError(msg)
    if not (math.isfinite(lam) and lam > 0):
        msg = f"lam must be a positive real number, got {lam}"
        raise ValueError(msg)
    return float(lam)


def gamma(n: int, u: float) -> float:
    """Higham's ``gamma_n = n u / (1 - n u)``; ``inf`` once ``n u >= 1``.

    Parameters
    ----------
    n : int
        Number of roundings, ``>= 0``.
    u : float
        Unit roundoff, in (0, 1).

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        If ``n`` is not a non-negative integer or ``u`` not in (0, 1).

    Notes
    -----
    If ``|d_k| <= u`` and ``n u < 1``, then ``prod (1 + d_k)^(+-1) = 1 +
    theta_n`` with ``|theta_n| <= gamma_n`` (Higham 2002, Lemma 3.1).

    Examples
    --------
    >>> gamma(2, 2.0**-11)
    0.0009775171065493646
    >>> gamma(2048, 2.0**-11)
    inf
    """
    n = check_nonnegative_integer(n, "n")
    u = _unit(u)
    nu = _product(n, u)
    if nu >= 1:
        return math.inf
    return nu / (1 - nu)


def probabilistic_gamma(n: int, u: float, lam: float = DEFAULT_LAMBDA) -> float:
    """Higham and Mary's ``gamma~_n(lam) = exp(lam sqrt(n) u + n u^2 / (1 - u)) - 1``.

    Parameters
    ----------
    n : int
        Number of roundings, ``>= 0``.
    u : float
        Unit roundoff, in (0, 1).
    lam : float, default 6
        The multiple of ``sqrt(n) u``; larger means a safer bound.

    Returns
    -------
    float
        About ``lam sqrt(n) u`` when that is small; ``inf`` past float64's range.

    Raises
    ------
    TypeError, ValueError
        For an ``n``, ``u`` or ``lam`` out of range.

    Notes
    -----
    See the module docstring: ``|theta_n| <= gamma~_n(lam)`` with probability
    at least :func:`success_probability` ``(lam, u)``, when the ``d_k`` are
    independent of mean zero (Higham and Mary 2019).

    Examples
    --------
    >>> round(probabilistic_gamma(10_000, 2.0**-11, lam=1.0), 4)
    0.0525
    """
    n = check_nonnegative_integer(n, "n")
    u = _unit(u)
    lam = _lambda(lam)
    if n <= _EXACT_INTEGERS:
        exponent = lam * math.sqrt(n) * u + n * u * u / (1 - u)
    else:  # ceil(sqrt(n)) exceeds sqrt(n) by a relative 2^-26 at most: still a bound
        exponent = lam * _product(math.isqrt(n - 1) + 1, u) + _product(n, u, u) / (1 - u)
    return math.inf if exponent > _LOG_MAX else math.expm1(exponent)


def success_probability(lam: float, u: float, terms: int = 1) -> float:
    """``Q(lam, n) = 1 - terms * 2 exp(-lam^2 (1 - u)^2 / 2)``, at least 0.

    The probability, under Higham and Mary's model, that the probabilistic
    bound holds for ``terms`` products of ``(1 + d_k)`` at once (``terms = 1``
    gives their ``P(lam)``).

    Parameters
    ----------
    lam : float
        Positive.
    u : float
        Unit roundoff, in (0, 1).
    terms : int, default 1
        How many bounds must hold together (``n`` for a sum of ``n`` terms).

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        For arguments out of range.

    Examples
    --------
    >>> success_probability(6.0, 2.0**-11) > 1 - 3.1e-8
    True
    >>> success_probability(1.0, 2.0**-11)  # P(1) < 0: no information
    0.0
    """
    lam = _lambda(lam)
    u = _unit(u)
    terms = check_nonnegative_integer(terms, "terms")
    margin = lam * (1 - u)
    failure = _product(terms, 2, math.exp(-margin * margin / 2))  # ** 2 would overflow: 0
    return max(0.0, 1 - failure)


@dataclass(frozen=True)
class ErrorBounds:
    """Absolute bounds on the error of one computation (or an array of them).

    Attributes
    ----------
    deterministic : float or numpy.ndarray
        Always ``|computed - exact| <=`` this (``inf``: no bound, as ``n u >= 1``
        or the bound lies beyond float64's range).
    probabilistic : float, numpy.ndarray or None
        ``|computed - exact| <=`` this with probability at least
        ``success_probability`` under Higham and Mary's model; None where no
        such bound is known (Kahan's method).
    success_probability : float or None
        ``Q(lam, n)`` (module docstring).
    lam : float
        The ``lam`` of the probabilistic bound.
    unit_roundoff : float
        The ``u`` used: the format's, or twice it for modes other than
        round-to-nearest.
    roundings : int
        The ``n`` of ``gamma_n``: roundings on the longest path from a term to
        the result.
    """

    deterministic: float | np.ndarray
    probabilistic: float | np.ndarray | None
    success_probability: float | None
    lam: float
    unit_roundoff: float
    roundings: int


def _mode_unit(fmt: Format, mode: str) -> float:
    check_one_of(mode, "mode", MODES)
    u = fmt.unit_roundoff
    return u if mode in ("nearest_even", "nearest_away") else 2 * u


def _bottom(fmt: Format) -> float:
    """The largest absolute error an underflowing operation can add."""
    return fmt.min_subnormal if fmt.subnormals else fmt.min_normal


def _scalar(value):
    return float(value) if np.ndim(value) == 0 else value


def _bounds(magnitude, roundings: int, terms: int, fmt: Format, mode: str, lam: float,
            underflowing_operations: int, deterministic_gamma: float | None = None,
            probabilistic: bool = True) -> ErrorBounds:
    u = _mode_unit(fmt, mode)
    up = _round_up(terms)
    lam = _lambda(lam)
    g = gamma(roundings, u) if deterministic_gamma is None else deterministic_gamma
    # inf * 0 where all terms are 0: no error possible; past float64's range: inf, no bound
    with np.errstate(invalid="ignore", over="ignore"):
        deterministic = np.where(magnitude == 0, 0.0, g * magnitude * up)
    if underflowing_operations:
        deterministic = deterministic + underflowing_operations * _bottom(fmt) * (1 + g)
    probable = success = None
    if probabilistic:
        with np.errstate(invalid="ignore", over="ignore"):
            probable = _scalar(np.where(magnitude == 0, 0.0,
                                        probabilistic_gamma(roundings, u, lam) * magnitude * up))
        success = success_probability(lam, u, terms)
    return ErrorBounds(_scalar(deterministic), probable, success, lam, u, roundings)


def _magnitudes(x, name: str) -> np.ndarray:
    return np.abs(_finite_real_array(x, name))


def sum_bounds(x, fmt, algorithm: str = "recursive", mode: str = "nearest_even",
               lam: float = DEFAULT_LAMBDA) -> ErrorBounds:
    """Bounds on the error of summing ``x`` along its last axis in ``fmt``.

    Parameters
    ----------
    x : array_like of float, shape (..., n)
        The terms, as stored in the format (the bound is on the error of the
        additions, not of storing ``x``).
    fmt : Format or str
        The format the additions are rounded to.
    algorithm : {"recursive", "pairwise", "kahan"}
        See :func:`mathkit.precision.ops.sum`.
    mode : str, default "nearest_even"
        The rounding mode (:data:`mathkit.precision.MODES`).
    lam : float, default 6
        The ``lam`` of the probabilistic bound.

    Returns
    -------
    ErrorBounds
        Floats for 1-D ``x``, arrays of shape ``x.shape[:-1]`` otherwise.

    Raises
    ------
    TypeError, ValueError
        For a bad format, algorithm, mode or ``lam``, no terms, or ``x`` that is
        not finite or not float64 values (bools, long doubles, integers
        float64 would round).

    Notes
    -----
    ``gamma_(n-1) sum |x_i|`` (recursive), ``gamma_(ceil(log2 n)) sum |x_i|``
    (pairwise), ``(2u + 2 n u^2) sum |x_i|`` (Kahan, round to nearest only): Higham
    2002, §4.2 and §4.3; module docstring for the probabilistic bound and underflow.

    Examples
    --------
    >>> b = sum_bounds([1.0] * 1000, "fp16", "pairwise")
    >>> b.roundings, round(b.deterministic, 3), round(b.probabilistic, 3)
    (10, 4.907, 9.31)
    """
    fmt = as_format(fmt)
    check_one_of(algorithm, "algorithm", ALGORITHMS)
    magnitudes = _magnitudes(x, "x")
    if magnitudes.ndim == 0 or magnitudes.shape[-1] == 0:
        msg = f"x must have at least one term along its last axis, got shape {magnitudes.shape}"
        raise ValueError(msg)
    n = magnitudes.shape[-1]
    with np.errstate(over="ignore"):  # past float64's range: an infinite bound, no bound
        total = np.sum(magnitudes, axis=-1)
    underflowing = 0 if fmt.subnormals else (n - 1) * (4 if algorithm == "kahan" else 1)
    if algorithm == "kahan":
        u = _mode_unit(fmt, mode)
        nearest = mode in ("nearest_even", "nearest_away")
        g = 2 * u + 2 * n * u * u if nearest and n * u <= _KAHAN_LIMIT else math.inf
        return _bounds(total, n, n, fmt, mode, lam, underflowing, deterministic_gamma=g,
                       probabilistic=False)
    roundings = n - 1 if algorithm == "recursive" else math.ceil(math.log2(n)) if n > 1 else 0
    return _bounds(total, roundings, n, fmt, mode, lam, underflowing)


def dot_bounds(x, y, fmt, mode: str = "nearest_even",
               lam: float = DEFAULT_LAMBDA) -> ErrorBounds:
    """Bounds on the error of the dot product of ``x`` and ``y`` computed in ``fmt``.

    Each product and each partial sum is rounded to ``fmt``, left to right.

    Parameters
    ----------
    x, y : array_like of float, shape (n,)
        The operands, as stored.
    fmt : Format or str
        The format the products and sums are rounded to.
    mode : str, default "nearest_even"
    lam : float, default 6

    Returns
    -------
    ErrorBounds

    Raises
    ------
    TypeError, ValueError
        For bad arguments, non-finite or empty operands or unequal lengths.

    Notes
    -----
    ``|fl(x.y) - x.y| <= gamma_n |x|.|y|`` (Higham 2002, §3.1), plus ``n``
    underflowing products (module docstring); probabilistic:
    ``gamma~_n(lam) |x|.|y|``.

    Examples
    --------
    >>> b = dot_bounds([1.0, 2.0], [3.0, 4.0], "bf16")
    >>> b.roundings, b.deterministic > 11 * 2 * 2.0**-8
    (2, True)
    """
    fmt = as_format(fmt)
    a, b = _magnitudes(x, "x"), _magnitudes(y, "y")
    if a.ndim != 1 or a.shape != b.shape or a.size == 0:
        msg = f"x and y must be 1-D of the same positive length, got shapes {a.shape}, {b.shape}"
        raise ValueError(msg)
    n = a.size
    with np.errstate(over="ignore"):  # past float64's range: an infinite bound, no bound
        products = a * b
    try:
        total = math.fsum(products)
    except OverflowError:  # finite products whose sum float64 cannot hold
        total = math.inf
    return _bounds(total, n, n, fmt, mode, lam, _underflows(fmt, n))


def _underflows(fmt: Format, n: int) -> int:
    """Operations per dot product that may underflow inexactly: products, and sums too
    without subnormals."""
    return n if fmt.subnormals else 2 * n


def matmul_bounds(A, B, fmt, mode: str = "nearest_even",
                  lam: float = DEFAULT_LAMBDA) -> ErrorBounds:
    """Entrywise bounds on the error of ``A @ B`` computed in ``fmt``.

    Parameters
    ----------
    A : array_like of float, shape (m, n)
    B : array_like of float, shape (n, p)
    fmt : Format or str
        The format the products and sums are rounded to.
    mode : str, default "nearest_even"
    lam : float, default 6

    Returns
    -------
    ErrorBounds
        With arrays of shape ``(m, p)``.

    Raises
    ------
    TypeError, ValueError
        For bad arguments, non-finite or non-conforming matrices.

    Notes
    -----
    ``|fl(AB) - AB| <= gamma_n |A| |B|`` entrywise (Higham 2002, §3.5);
    each entry is a dot product of length ``n`` (:func:`dot_bounds`).

    Examples
    --------
    >>> b = matmul_bounds([[1.0, 2.0]], [[3.0], [4.0]], "fp16")
    >>> b.deterministic.shape
    (1, 1)
    """
    fmt = as_format(fmt)
    a, b = _magnitudes(A, "A"), _magnitudes(B, "B")
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0] or a.shape[1] == 0:
        msg = (
            f"A and B must be matrices of shapes (m, n) and (n, p) with n >= 1, got "
            f"{a.shape} and {b.shape}"
        )
        raise ValueError(msg)
    n = a.shape[1]
    with np.errstate(over="ignore"):  # past float64's range: an infinite bound, no bound
        total = a @ b
    return _bounds(total, n, n, fmt, mode, lam, _underflows(fmt, n))
