"""Emulated low-precision arithmetic: sums, dot products and matrix products.

Each function rounds its inputs to a format ``fmt`` (round to nearest even,
once, by :func:`mathkit.precision.round`), then computes as hardware would
with an accumulator format ``accumulator`` (default ``fmt``): **every product
and every addition is rounded once**, in the chosen mode, from its exact
value. fp16 inputs with an fp32 accumulator, for instance, emulate a tensor
core's mixed-precision dot product. The result carries the exact value, the
error and the error bounds of :mod:`mathkit.precision.bounds`.

**Why each operation is rounded correctly.** Values are held in float64.

- A product of two values of ``fmt`` is exact in float64 when ``fmt`` has at
  most 26 significand bits and a range whose products neither overflow nor
  underflow float64 (every predefined format but float64 does); other input
  formats are refused by :func:`dot` and :func:`matmul`.
- A sum ``a + b`` is split exactly into ``s + t`` by TwoSum (Knuth, *TAOCP*
  vol. 2, §4.2.2, Theorem B: ``s = fl64(a + b)``, ``t`` its error). If ``t !=
  0`` and ``s`` has an even last bit, ``s`` is moved one float64 step toward
  ``t``: that is ``a + b`` *rounded to odd* in float64, which lies strictly
  between the same two neighbours in any format of at most 51 significand
  bits as ``a + b`` itself, and is never a midpoint of them. Rounding it to
  the accumulator therefore gives the correctly rounded ``a + b`` in every
  deterministic mode (Boldo and Melquiond, "Emulation of FMA and correctly
  rounded sums: proved algorithms using rounding to odd", IEEE Trans.
  Computers 57(4), 2008). Under stochastic rounding the probability of
  rounding up is off by less than ``2^(p - 53)`` (``p`` the accumulator's
  precision).
- An accumulator of 52 or 53 bits is float64 itself: allowed with
  ``mode="nearest_even"``, where native float64 arithmetic is IEEE's.

Stochastic rounding draws, for the ``j``-th value rounded in the whole
computation (counted in the order of the operations, each operation's array
in C order), the random number of element ``j`` of
:func:`mathkit.precision.round` under one key taken from ``rng``: the result
depends only on ``rng`` and the inputs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mathkit._backend import engine_status, resolve_backend
from mathkit._random import key_from_rng
from mathkit._validate import check_one_of
from mathkit.precision.bounds import (
    ALGORITHMS,
    DEFAULT_LAMBDA,
    ErrorBounds,
    dot_bounds,
    matmul_bounds,
    sum_bounds,
)
from mathkit.precision.formats import FLOAT64, Format, _finite_real_array, as_format
from mathkit.precision.rounding import IEEE, MODES, _check_rng, _round_numpy, _uniform_bits
from mathkit.precision.rounding import round as round_to

BACKENDS = ("auto", "numpy", "numba")
#: Operations (values rounded) from which "auto" uses the compiled kernels.
NUMBA_THRESHOLD = 100_000

__all__ = ["EmulationResult", "dot", "matmul", "sum"]

#: Most significand bits of an accumulator emulated through rounding to odd in float64.
_ODD_LIMIT = 51
#: Most significand bits of an input format whose products are exact in float64.
_PRODUCT_LIMIT = 26


@dataclass(frozen=True)
class EmulationResult:
    """The outcome of an emulated computation, beside its exact value and error bounds.

    Attributes
    ----------
    value : float or numpy.ndarray
        The computed result (values of the accumulator format).
    exact : float or numpy.ndarray
        The exact result on the rounded inputs, correctly rounded to float64
        (:func:`math.fsum` of exact float64 terms).
    error : float or numpy.ndarray
        ``|value - exact| / |exact|`` (0 where both are 0, ``inf`` where only
        ``exact`` is).
    absolute_error : float or numpy.ndarray
        ``|value - exact|``.
    bound : float or numpy.ndarray
        The deterministic bound on ``error`` (``bounds.deterministic / |exact|``).
    probabilistic_bound : float, numpy.ndarray or None
        The probabilistic bound on ``error``, holding with probability at
        least ``bounds.success_probability`` under Higham and Mary's model.
    bounds : ErrorBounds
        The absolute bounds (:mod:`mathkit.precision.bounds`).
    operation : str
        What was computed (``"recursive sum"``, ``"dot"``, ``"matmul"``...).
    fmt, accumulator : Format
        The input and accumulator formats.
    mode : str
        The rounding mode of the operations.
    terms : int
        The number of terms of each sum or dot product (``n``).
    """

    value: float | np.ndarray
    exact: float | np.ndarray
    error: float | np.ndarray
    absolute_error: float | np.ndarray
    bound: float | np.ndarray
    probabilistic_bound: float | np.ndarray | None
    bounds: ErrorBounds
    operation: str
    fmt: Format
    accumulator: Format
    mode: str
    terms: int

    def report(self) -> str:
        """The measured relative error beside both bounds, as text (maxima over entries).

        Examples
        --------
        >>> print(sum([0.1] * 100, "fp16").report())  # doctest: +NORMALIZE_WHITESPACE
        recursive sum in float16 (accumulator float16, nearest_even), 100 terms
          value                 10.078125
          exact                 9.99755859375
          relative error        8.1e-03
          deterministic bound   5.1e-02  (gamma_99 with u = 2^-11)
          probabilistic bound   3.0e-02  (lam = 6; holds with probability >= 0.999996)
        """
        def largest(values) -> float:
            return float(np.max(values)) if np.size(values) else 0.0

        bounds = self.bounds
        size = np.size(self.value)
        lines = [f"{self.operation} in {self.fmt} (accumulator {self.accumulator}, "
                 f"{self.mode}), {self.terms} terms"
                 + ("" if size == 1 else f", {size} results (maxima shown)")]
        if size == 1:
            lines += [f"  value                 {float(self.value)!r}",
                      f"  exact                 {float(self.exact)!r}"]
        lines.append(f"  relative error        {largest(self.error):.1e}")
        constant = "2u + 2nu^2" if self.operation == "kahan sum" else f"gamma_{bounds.roundings}"
        lines.append(f"  deterministic bound   {largest(self.bound):.1e}  "
                     f"({constant} with u = 2^{round(math.log2(bounds.unit_roundoff))})")
        if self.probabilistic_bound is not None:
            probability = math.floor(bounds.success_probability * 1e6) / 1e6
            lines.append(f"  probabilistic bound   {largest(self.probabilistic_bound):.1e}  "
                         f"(lam = {bounds.lam:g}; holds with probability >= {probability:g})")
        return "\n".join(lines)


class _Arithmetic:
    """Round-once operations in the accumulator format, with a running counter of
    stochastic-rounding indices; or the compiled kernels of ``_numba`` doing the same."""

    def __init__(self, accumulator: Format, mode: str, rng, backend: str, operations: int):
        check_one_of(backend, "backend", BACKENDS)
        self.accumulator = accumulator
        self.mode = mode
        self.native = accumulator.precision > _ODD_LIMIT
        _check_rng(rng)
        # The Philox key that round(rng=seed) would use for one fixed seed drawn from rng.
        self.key = key_from_rng(key_from_rng(rng)) if mode == "stochastic" else None
        self.count = 0
        if backend == "auto":
            big = operations >= NUMBA_THRESHOLD and engine_status("numba").available
            backend = "numba" if big else "numpy"
        self.compiled = resolve_backend(backend) == "numba"

    def kernel_arguments(self) -> tuple:
        """What the compiled kernels take after the data: format, mode code, native, key."""
        return self.accumulator, MODES.index(self.mode), self.native, self.key or 0

    def round(self, values: np.ndarray) -> np.ndarray:
        """``round(values, accumulator, mode, rng=seed, backend="numpy",
        index_offset=count)``, less its checks of arguments that are known good here."""
        flat = np.ascontiguousarray(values, dtype=np.float64).reshape(-1)
        uniform_bits = None
        if self.key is not None:
            uniform_bits = _uniform_bits(self.key, flat.size, self.count)
        out = _round_numpy(flat, self.accumulator, MODES.index(self.mode), IEEE, uniform_bits)
        self.count += flat.size
        return out.reshape(np.shape(values))

    def add(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", over="ignore"):  # inf - inf after an overflow
            s = np.asarray(a + b, dtype=np.float64)
            if self.native:
                return s
            virtual = s - a
            t = (a - (s - virtual)) + (b - virtual)
        even = (s.view(np.uint64) & np.uint64(1)) == 0
        step = even & (t != 0) & np.isfinite(s)
        odd = np.where(step, np.nextafter(s, np.copysign(np.inf, t)), s)
        return self.round(odd)

    def multiply(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        product = np.asarray(a * b, dtype=np.float64)  # exact (checked input formats)
        return product if self.native else self.round(product)


def _formats(fmt, accumulator, mode: str) -> tuple[Format, Format]:
    fmt = as_format(fmt)
    accumulator = fmt if accumulator is None else as_format(accumulator)
    check_one_of(mode, "mode", MODES)
    if accumulator.precision > _ODD_LIMIT and (accumulator != FLOAT64 or mode != "nearest_even"):
        msg = (
            "accumulator must have at most 51 significand bits, or be float64 with "
            f"mode='nearest_even' (native float64 arithmetic), got {accumulator!r} with "
            f"mode={mode!r}"
        )
        raise ValueError(msg)
    corners = [fmt.min_subnormal, fmt.min_normal - fmt.min_subnormal, fmt.min_normal,
               fmt.min_normal * (2 - fmt.eps), fmt.max]
    if accumulator.precision < fmt.precision or not np.all(
            accumulator.is_representable([c for c in corners if c > 0])):
        msg = f"accumulator must hold every value of fmt ({fmt}), got {accumulator}"
        raise ValueError(msg)
    return fmt, accumulator


def _stored(x, name: str, fmt: Format) -> np.ndarray:
    """``x`` rounded to ``fmt`` (nearest even), checked finite before and after."""
    array = _finite_real_array(x, name)
    stored = np.asarray(round_to(array, fmt), dtype=np.float64)
    if not np.isfinite(stored).all():
        msg = f"{name} must lie within the range of {fmt} (|{name}| <= {fmt.max}), " \
              f"got {np.max(np.abs(array))}"
        raise ValueError(msg)
    return stored


def _check_products(fmt: Format) -> None:
    quantum = fmt.emin - fmt.precision + 1  # the finest spacing, subnormals or not
    if fmt.precision > _PRODUCT_LIMIT or 2 * quantum < -1074 or 2 * (fmt.emax + 1) > 1024:
        msg = (
            "fmt must have at most 26 significand bits and a range whose products float64 "
            f"holds exactly (so that every product is exact before its one rounding), got {fmt}"
        )
        raise ValueError(msg)


def _fsum_rows(values: np.ndarray) -> np.ndarray:
    rows = values.reshape(-1, values.shape[-1])
    return np.array([math.fsum(row) for row in rows]).reshape(values.shape[:-1])


def _exact_sums(terms: np.ndarray, fmt: Format) -> np.ndarray:
    """The sums of the rows of ``terms`` (values of ``fmt``), correctly rounded to float64.

    Where every value is an integer multiple ``m 2^q`` of the format's smallest quantum
    with ``|m| < 2^w`` and ``w + log2(n) <= 62``, the integers ``m`` add exactly in int64
    (float16: ``w = 40``, any ``n`` below ``2^22``); the one conversion to float64 rounds
    to nearest even and the scaling by ``2^q`` is exact. Otherwise :func:`math.fsum`.
    """
    quantum = fmt.emin - fmt.precision + 1  # the finest spacing, subnormals or not
    width = fmt.emax + 1 - quantum
    if width + math.log2(terms.shape[-1]) > 62 or quantum < -1022:
        return _fsum_rows(terms)
    integers = np.ldexp(terms, -quantum).astype(np.int64)
    return np.ldexp(integers.sum(axis=-1).astype(np.float64), quantum)


def _relative(numerator, exact):
    numerator = np.asarray(numerator, dtype=np.float64)
    magnitude = np.abs(exact)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(numerator == 0, 0.0, numerator / magnitude)
    return ratio


def _scalar(value):
    array = np.asarray(value, dtype=np.float64)
    return float(array) if array.ndim == 0 else array


def _result(operation: str, value, exact, bounds: ErrorBounds, fmt: Format,
            accumulator: Format, mode: str, terms: int) -> EmulationResult:
    with np.errstate(invalid="ignore", over="ignore"):
        absolute = np.abs(np.asarray(value) - exact)
    absolute = np.where(np.isnan(absolute), np.inf, absolute)
    probabilistic = None
    if bounds.probabilistic is not None:
        probabilistic = _scalar(_relative(bounds.probabilistic, exact))
    return EmulationResult(
        value=_scalar(value), exact=_scalar(exact), error=_scalar(_relative(absolute, exact)),
        absolute_error=_scalar(absolute), bound=_scalar(_relative(bounds.deterministic, exact)),
        probabilistic_bound=probabilistic, bounds=bounds, operation=operation, fmt=fmt,
        accumulator=accumulator, mode=mode, terms=terms)


def sum(x, fmt, algorithm: str = "recursive", accumulator=None, *,
        mode: str = "nearest_even", rng=None, lam: float = DEFAULT_LAMBDA,
        backend: str = "auto") -> EmulationResult:
    """Sum ``x`` along its last axis in ``fmt``, each addition rounded once.

    Parameters
    ----------
    x : array_like of float, shape (..., n)
        The terms, ``n >= 1``; each row is summed independently (all rows at
        once). They are first rounded to ``fmt`` (nearest even).
    fmt : Format or str
        The input format.
    algorithm : {"recursive", "pairwise", "kahan"}
        ``"recursive"``: ``s = x_1``, then ``s = fl(s + x_i)``.
        ``"pairwise"``: add neighbours, level by level (``ceil(log2 n)``
        levels; an odd last term waits for the next level).
        ``"kahan"``: compensated summation (Higham 2002, §4.3).
    accumulator : Format or str, optional
        The format of the partial sums (default ``fmt``). Must hold every
        value of ``fmt``.
    mode : str, default "nearest_even"
        The rounding mode of the additions (:data:`mathkit.precision.MODES`).
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of stochastic rounding (module docstring).
    lam : float, default 6
        The ``lam`` of the probabilistic bound.
    backend : {"auto", "numpy", "numba"}
        The numpy reference (one vectorized operation per step) or the
        compiled kernel (one parallel call); both give the same bits. "auto"
        compiles from 100,000 rounded values on.

    Returns
    -------
    EmulationResult
        Floats for 1-D ``x``, arrays of shape ``x.shape[:-1]`` otherwise.

    Raises
    ------
    TypeError
        For non-real ``x`` (bools and floats wider than float64 included), a
        bad format, or an ``rng`` that is not a seed (checked in every mode).
    ValueError
        For non-finite ``x``, integers float64 cannot hold exactly (as
        :func:`mathkit.precision.round`), values beyond ``fmt``'s range, no
        terms, an unknown algorithm or mode, or an accumulator that cannot be
        emulated or cannot hold ``fmt``.

    Notes
    -----
    Bounds: :func:`mathkit.precision.bounds.sum_bounds` (Higham 2002, §4.2
    and §4.3; Higham and Mary 2019). The exact value is
    :func:`math.fsum` of the rounded terms, so ``error`` is accurate to about
    ``2^-53``. Intermediate overflow gives ``inf`` or NaN values, an infinite
    ``error``, and bounds that do not apply.

    Examples
    --------
    >>> r = sum([1.0] * 3000, "fp16")
    >>> r.value, r.exact
    (2048.0, 3000.0)
    >>> r = sum([1.0] * 3000, "fp16", "pairwise")
    >>> r.value, bool(r.error <= r.bound)
    (3000.0, True)
    >>> float(sum([1.0] * 3000, "fp16", accumulator="fp32").value)
    3000.0
    """
    fmt, accumulator = _formats(fmt, accumulator, mode)
    check_one_of(algorithm, "algorithm", ALGORITHMS)
    terms = _stored(x, "x", fmt)
    if terms.ndim == 0 or terms.shape[-1] == 0:
        msg = f"x must have at least one term along its last axis, got shape {terms.shape}"
        raise ValueError(msg)
    arithmetic = _Arithmetic(accumulator, mode, rng, backend, terms.size)
    if arithmetic.compiled:
        from mathkit.precision import _numba

        rows = np.ascontiguousarray(terms.reshape(-1, terms.shape[-1]))
        value = _numba.sum_rows(rows, ALGORITHMS.index(algorithm),
                                *arithmetic.kernel_arguments()).reshape(terms.shape[:-1])
    else:
        value = _SUMS[algorithm](terms, arithmetic)
    bounds = sum_bounds(terms, accumulator, algorithm, mode, lam)
    return _result(f"{algorithm} sum", value, _exact_sums(terms, fmt), bounds, fmt, accumulator,
                   mode,
                   terms.shape[-1])


def _recursive(terms: np.ndarray, arithmetic: _Arithmetic) -> np.ndarray:
    total = terms[..., 0]
    for i in range(1, terms.shape[-1]):
        total = arithmetic.add(total, terms[..., i])
    return total


def _pairwise(terms: np.ndarray, arithmetic: _Arithmetic) -> np.ndarray:
    level = terms
    while level.shape[-1] > 1:
        pairs = level.shape[-1] // 2
        summed = arithmetic.add(level[..., 0:2 * pairs:2], level[..., 1:2 * pairs:2])
        level = np.concatenate([summed, level[..., 2 * pairs:]], axis=-1)
    return level[..., 0]


def _kahan(terms: np.ndarray, arithmetic: _Arithmetic) -> np.ndarray:
    total = terms[..., 0]
    correction = np.zeros_like(total)
    for i in range(1, terms.shape[-1]):
        previous = total
        y = arithmetic.add(terms[..., i], correction)
        total = arithmetic.add(previous, y)
        correction = arithmetic.add(arithmetic.add(previous, -total), y)
    return total


_SUMS = {"recursive": _recursive, "pairwise": _pairwise, "kahan": _kahan}


def _products_sum(A: np.ndarray, B: np.ndarray, arithmetic: _Arithmetic) -> np.ndarray:
    """``A @ B`` with each product and partial sum rounded, over ``k`` left to right."""
    if arithmetic.compiled:
        from mathkit.precision import _numba

        return _numba.matmul_rounded(np.ascontiguousarray(A), np.ascontiguousarray(B),
                                     *arithmetic.kernel_arguments())
    total = arithmetic.multiply(A[:, :1], B[:1, :])
    for k in range(1, A.shape[1]):
        total = arithmetic.add(total, arithmetic.multiply(A[:, k:k + 1], B[k:k + 1, :]))
    return total


def _exact_matmul(A: np.ndarray, B: np.ndarray, fmt: Format) -> np.ndarray:
    """``A @ B`` correctly rounded to float64.

    The products are exact float64 values, multiples ``m 2^(2q)`` of the square of the
    format's smallest quantum ``2^q``, with ``|m| < 2^w``. Where ``w / 2 + log2(n) <=
    62``, each ``m`` is split into ``hi 2^(w/2) + lo`` (both exact integers in float64
    and int64), the halves add exactly in int64, and Python's exact integers join them
    (their conversion to float rounds to nearest even); float16 and the 8-bit formats
    take this route. Otherwise :func:`math.fsum` adds the products of each entry.
    """
    quantum = fmt.emin - fmt.precision + 1  # the finest spacing, subnormals or not
    half = fmt.emax + 1 - quantum  # w / 2
    shape = (A.shape[0], B.shape[1])  # kept by the row lists below when m or p is 0
    if half + math.log2(A.shape[1]) > 62:
        rows = [_fsum_rows((A[i][:, None] * B).T) for i in range(A.shape[0])]
        return np.array(rows, dtype=np.float64).reshape(shape)
    high = np.zeros((A.shape[0], B.shape[1]), dtype=np.int64)
    low = np.zeros_like(high)
    for k in range(A.shape[1]):
        scaled = np.ldexp(np.multiply.outer(A[:, k], B[k]), -2 * quantum - half)  # m / 2^half
        top = np.floor(scaled)
        high += top.astype(np.int64)
        low += np.ldexp(scaled - top, half).astype(np.int64)
    sums = [[float((int(h) << half) + int(lo)) for h, lo in zip(hs, ls, strict=True)]
            for hs, ls in zip(high, low, strict=True)]
    return np.array(sums, dtype=np.float64).reshape(shape) * 2.0 ** (2 * quantum)


def dot(x, y, fmt, accumulator=None, *, mode: str = "nearest_even", rng=None,
        lam: float = DEFAULT_LAMBDA, backend: str = "auto") -> EmulationResult:
    """The dot product of ``x`` and ``y`` in ``fmt``, each product and addition rounded once.

    Parameters
    ----------
    x, y : array_like of float, shape (n,)
        The operands, ``n >= 1``, first rounded to ``fmt`` (nearest even).
    fmt : Format or str
        The input format: at most 26 significand bits (module docstring).
    accumulator : Format or str, optional
        The format the products and partial sums are rounded to (default
        ``fmt``); ``"fp32"`` with fp16 inputs is a tensor core's mode.
    mode : str, default "nearest_even"
        Rounding mode of the operations.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of stochastic rounding.
    lam : float, default 6
        The ``lam`` of the probabilistic bound.
    backend : {"auto", "numpy", "numba"}
        As in :func:`sum`.

    Returns
    -------
    EmulationResult

    Raises
    ------
    TypeError, ValueError
        As :func:`sum`; also for operands that are not 1-D of one length, or
        an input format whose products float64 cannot hold exactly.

    Notes
    -----
    ``s = fl(x_1 y_1)``, then ``s = fl(s + fl(x_k y_k))``. Bounds:
    :func:`mathkit.precision.bounds.dot_bounds` (Higham 2002, §3.1).

    Examples
    --------
    >>> x = [1.0, 2.0**-11, 2.0**-11]
    >>> dot(x, [1.0, 1.0, 1.0], "fp16").value, dot(x, [1.0, 1.0, 1.0], "fp16", "fp32").value
    (1.0, 1.0009765625)
    """
    fmt, accumulator = _formats(fmt, accumulator, mode)
    _check_products(fmt)
    a, b = _stored(x, "x", fmt), _stored(y, "y", fmt)
    if a.ndim != 1 or a.shape != b.shape or a.size == 0:
        msg = f"x and y must be 1-D of the same positive length, got shapes {a.shape}, {b.shape}"
        raise ValueError(msg)
    value = _products_sum(a[None, :], b[:, None],
                          _Arithmetic(accumulator, mode, rng, backend, 2 * a.size))[0, 0]
    exact = _exact_matmul(a[None, :], b[:, None], fmt)[0, 0]
    return _result("dot", value, exact, dot_bounds(a, b, accumulator, mode, lam), fmt,
                   accumulator, mode, a.size)


def matmul(A, B, fmt, accumulator=None, *, mode: str = "nearest_even", rng=None,
           lam: float = DEFAULT_LAMBDA, backend: str = "auto") -> EmulationResult:
    """``A @ B`` in ``fmt``, each product and addition rounded once, all entries at once.

    Parameters
    ----------
    A : array_like of float, shape (m, n)
    B : array_like of float, shape (n, p)
        Both first rounded to ``fmt`` (nearest even); ``n >= 1`` (``m`` or
        ``p`` may be 0: an empty result).
    fmt : Format or str
        The input format: at most 26 significand bits (module docstring).
    accumulator : Format or str, optional
        Format of the products and partial sums (default ``fmt``).
    mode : str, default "nearest_even"
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
    lam : float, default 6
    backend : {"auto", "numpy", "numba"}
        As in :func:`sum`.

    Returns
    -------
    EmulationResult
        With arrays of shape ``(m, p)``; ``bounds`` entrywise.

    Raises
    ------
    TypeError, ValueError
        As :func:`dot`, for matrices that do not conform.

    Notes
    -----
    Entry ``(i, j)`` is :func:`dot` of row ``i`` and column ``j``; the loop
    runs over ``k``, each step rounding the ``m p`` products and sums at once.
    Bounds: :func:`mathkit.precision.bounds.matmul_bounds` (Higham 2002, §3.5).
    Stochastic rounding numbers the values of step ``k`` after those of step
    ``k - 1``, so entry ``(i, j)`` is not :func:`dot` with the same seed.

    Examples
    --------
    >>> import numpy as np
    >>> r = matmul(np.full((2, 3000), 1.0), np.full((3000, 2), 1.0), "fp16", "fp32")
    >>> r.value.tolist()
    [[3000.0, 3000.0], [3000.0, 3000.0]]
    >>> bool((matmul(np.full((2, 3000), 1.0), np.ones((3000, 1)), "fp16").value == 2048).all())
    True
    """
    fmt, accumulator = _formats(fmt, accumulator, mode)
    _check_products(fmt)
    a, b = _stored(A, "A", fmt), _stored(B, "B", fmt)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0] or a.shape[1] == 0:
        msg = (
            f"A and B must be matrices of shapes (m, n) and (n, p) with n >= 1, got "
            f"{a.shape} and {b.shape}"
        )
        raise ValueError(msg)
    arithmetic = _Arithmetic(accumulator, mode, rng, backend, 2 * a.size * b.shape[1])
    value = _products_sum(a, b, arithmetic)
    bounds = matmul_bounds(a, b, accumulator, mode, lam)
    return _result("matmul", value, _exact_matmul(a, b, fmt), bounds, fmt, accumulator, mode,
                   a.shape[1])
