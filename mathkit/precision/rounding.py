"""Round float64 or float32 values to a format, once, in any of seven rounding modes.

:func:`round` rounds each input **once**, directly from its exact value, to the
target format: no intermediate float32 (which would round twice and
sometimes wrongly, as ``ml_dtypes`` does from float64 to bfloat16 or float8).
The result is a float64 array holding values of the format.

The algorithm, for a finite nonzero ``x`` (the same in every engine):

1. split ``|x| = m 2^k`` exactly, ``m`` an integer below ``2^53`` (from the
   float64 bit pattern, or :func:`numpy.frexp`), and find ``e = floor(log2 |x|)``;
2. take the quantum (the spacing of the format at ``x``) ``2^q`` with
   ``q = max(e, emin) - p + 1`` (``q = emin`` below ``2^emin`` without
   subnormals), on an exponent range unbounded above;
3. with ``s = q - k``: if ``s <= 0``, ``x`` is a multiple of the quantum;
   else ``|x| / 2^q = n + r / 2^s`` with integers ``n = m >> s`` and
   ``r = m mod 2^s``, and the mode picks ``n`` or ``n + 1`` from ``n``'s
   parity, ``r`` against ``2^(s-1)`` (the tie) and the sign;
4. ``(n or n + 1) 2^q`` (an exact :func:`numpy.ldexp`), and if it exceeds the
   format's largest value, the overflow rule.

Modes (IEEE Std 754-2019, §4.3; ``odd`` and ``stochastic`` are not IEEE):

``"nearest_even"``
    roundTiesToEven, the IEEE default (what numpy's ``astype`` does).
``"nearest_away"``
    roundTiesToAway: ties away from zero.
``"toward_zero"``, ``"up"``, ``"down"``
    roundTowardZero, roundTowardPositive, roundTowardNegative.
``"odd"``
    Round to odd: truncate, and if that was inexact make the last bit 1
    (Boldo and Melquiond, "Emulation of FMA and correctly rounded sums:
    proved algorithms using rounding to odd", IEEE TC 57(4), 2008). Rounding
    to odd with ``p + 2`` bits and then to nearest with ``p`` bits gives the
    correctly rounded result.
``"stochastic"``
    Round away from zero with probability equal to the distance to the
    lower neighbour in units of the quantum, so ``E[round(x)] = x``
    (Croci, Fasi, Higham, Mary and Mikaitis, "Stochastic rounding:
    implementation, error analysis and applications", R. Soc. Open Sci. 9,
    2022). See :func:`round` for the random numbers it uses.

Overflow (``overflow="ieee"``, IEEE Std 754-2019, §7.4): a result beyond the
largest finite value becomes ``+-inf`` under round-to-nearest and stochastic
rounding, ``+-max`` toward zero and under round-to-odd, and ``+inf``/``-max``
(``up``) or ``+max``/``-inf`` (``down``) under the directed modes. Formats
without infinities (E4M3FN and the FNUZ formats) give NaN where IEEE would
give an infinity, as the OCP 8-bit specification's non-saturating mode says;
an infinite input gives NaN in them too. ``overflow="saturate"`` clamps every
out-of-range result, infinite inputs included, to ``+-max`` (the
``__NV_SATFINITE`` convention of CUDA's FP8 conversions). NaN stays NaN.

Engines: numpy (the reference, here), numba (:mod:`mathkit.precision._numba`,
parallel over elements) and CUDA through CuPy (:mod:`mathkit.precision._cupy`,
with the device code in ``rounding.cuh``). They give the same bits.
"""

from __future__ import annotations

import numbers

import numpy as np

from mathkit._backend import is_cupy_array, resolve_backend
from mathkit._random import key_from_rng, uniform53
from mathkit._validate import _describe, check_one_of
from mathkit.precision.formats import Format, _refuse_wide_floats, as_format

__all__ = ["MODES", "OVERFLOWS", "round"]

#: The rounding modes, in the order of their integer codes in the kernels.
MODES = ("nearest_even", "nearest_away", "toward_zero", "up", "down", "odd", "stochastic")
#: The overflow policies, in the order of their integer codes in the kernels.
OVERFLOWS = ("ieee", "saturate")

NEAREST_EVEN, NEAREST_AWAY, TOWARD_ZERO, UP, DOWN, ODD, STOCHASTIC = range(len(MODES))
IEEE, SATURATE = range(len(OVERFLOWS))

#: The mask of everything but the sign of a float64, and of its exponent field.
_ABS_MASK = np.uint64(0x7FFF_FFFF_FFFF_FFFF)
_EXPONENT_MASK = np.uint64(0x7FF0_0000_0000_0000)
_ONE = np.uint64(1)
_TWO_53 = 2.0**53
#: Largest shift used on a significand below 2**53: past it every bit is a fraction bit
#: below the half, which keeps each comparison the same (see ``_round_numpy``).
_MAX_SHIFT = 55


def _check_input(x):
    """``x`` as a numpy array whose values are exact float64 values, and whether it was scalar.

    Real floats of 16, 32 or 64 bits are kept as they are; integers are
    accepted when each converts exactly to float64 (checked); anything else
    raises.
    """
    if isinstance(x, bool | np.bool_):
        msg = f"x must be real numbers (float or int), got bool {x!r}"
        raise TypeError(msg)
    if isinstance(x, numbers.Integral) and not isinstance(x, np.integer):
        return _exact_python_int(int(x)), True
    try:
        array = np.asarray(x)
    except (TypeError, ValueError) as error:
        msg = f"x must be an array of real numbers, got {type(x).__name__}: {error}"
        raise TypeError(msg) from None
    scalar = array.ndim == 0
    kind = array.dtype.kind
    if kind == "f":
        _refuse_wide_floats(array.dtype, "x")
        return array, scalar
    if kind in "iu":
        return _exact_integers(array, "x"), scalar
    if kind == "O" and array.size and all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool | np.bool_)
        for v in array.ravel()
    ):
        values = [_exact_python_int(int(v)) for v in array.ravel()]
        return np.array(values, dtype=np.float64).reshape(array.shape), scalar
    if kind == "b":
        msg = "x must be real numbers (float or int), got dtype bool"
    elif kind == "c":
        msg = f"x must be real numbers, got complex dtype {array.dtype}; round .real and .imag"
    else:
        msg = f"x must be real numbers (float or int), got dtype {array.dtype}"
    raise TypeError(msg)


def _exact_python_int(value: int) -> np.ndarray:
    try:
        converted = float(value)
    except OverflowError:
        converted = None
    if converted is None or int(converted) != value:
        msg = (
            f"x must be exactly representable in float64 (it would otherwise be rounded "
            f"twice), got the integer {value}"
        )
        raise ValueError(msg)
    return np.asarray(converted)


def _exact_integers(array: np.ndarray, name: str) -> np.ndarray:
    converted = array.astype(np.float64)
    large = np.abs(converted) > 2.0**53
    if large.any():
        for index in np.argwhere(large):
            value = int(array[tuple(index)])
            if int(converted[tuple(index)]) != value:
                msg = (
                    f"{name} must be exactly representable in float64 (it would otherwise be "
                    f"rounded twice), got the integer {value} at index {tuple(map(int, index))}"
                )
                raise ValueError(msg)
    return converted


def _check_rng(rng) -> None:
    """Refuse an ``rng`` that stochastic rounding could not use, also where it goes unused.

    Nothing is drawn: a Generator is not advanced, an integer only checked.
    """
    if rng is not None and not isinstance(rng, np.random.Generator | np.random.SeedSequence):
        key_from_rng(rng)  # TypeError or ValueError, naming rng


def _check_index_offset(index_offset, size: int) -> int:
    if isinstance(index_offset, bool) or not isinstance(index_offset, numbers.Integral):
        msg = f"index_offset must be a non-negative integer, got {_describe(index_offset)}"
        raise TypeError(msg)
    index_offset = int(index_offset)
    if index_offset < 0 or index_offset + size > 2**64:
        msg = f"index_offset must be in [0, 2**64 - size], got {index_offset}"
        raise ValueError(msg)
    return index_offset


def round(
    x,
    fmt,
    mode: str = "nearest_even",
    overflow: str = "ieee",
    rng=None,
    backend: str = "auto",
    *,
    index_offset: int = 0,
):
    """Round ``x`` to the format ``fmt``, once, from its exact value.

    Parameters
    ----------
    x : array_like of float, or a CuPy array
        float64, float32 or float16 values (used exactly as they are), or
        integers that convert exactly to float64. Any shape.
    fmt : Format or str
        The target format, or its name (``"float16"``, ``"bf16"``, ...).
    mode : {"nearest_even", "nearest_away", "toward_zero", "up", "down", "odd", \
"stochastic"}
        The rounding mode (module docstring).
    overflow : {"ieee", "saturate"}
        What a result beyond the largest finite value becomes (module
        docstring): IEEE's rule, or ``+-max``.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of stochastic rounding (SPEC 7; ``None``: fresh OS entropy).
        Not used, and a Generator not advanced, by the other modes (which
        still refuse an ``rng`` of another type, or a negative seed).
    backend : {"auto", "numpy", "numba", "cupy"}
        The engine (see :mod:`mathkit._backend`); all give the same bits.
    index_offset : int, default 0
        Added to each element's index for stochastic rounding, so that a
        chunk starting at element ``index_offset`` of a larger array gets the
        random numbers that element would get there.

    Returns
    -------
    numpy.float64, numpy.ndarray of float64, or cupy.ndarray
        The rounded values, of ``x``'s shape: a numpy scalar for scalar input,
        a CuPy array for CuPy input. Zeros keep the sign of ``x`` (``+0`` in
        the "fnuz" formats, which have no ``-0``); NaN gives NaN.

    Raises
    ------
    TypeError
        If ``x`` is complex, bool, a string, ragged or a float wider than 64
        bits, ``fmt`` is not a Format or name, or ``rng`` of another type.
    ValueError
        For an unknown ``mode``, ``overflow``, ``backend`` or format name, an
        integer ``x`` that float64 cannot hold exactly, or a negative ``rng``.
    mathkit._backend.BackendUnavailableError
        If the named backend cannot run here.

    Notes
    -----
    With ``2^q`` the spacing of the format at ``x`` (module docstring),
    ``x = (n + f) 2^q`` with ``n`` an integer and ``0 <= f < 1``, and the
    result is ``n 2^q`` or ``(n + 1) 2^q`` (then the overflow rule). The
    deterministic modes follow IEEE Std 754-2019, §4.3; under round-to-nearest
    ``|round(x) - x| <= 2^q / 2`` and, in the normal range,
    ``|round(x) - x| <= 2^-p |x|`` (Higham, *Accuracy and Stability of
    Numerical Algorithms*, 2002, Theorem 2.2).

    **Stochastic rounding** of element ``i`` (its index in ``x`` flattened in
    C order, plus ``index_offset``) uses ``u = mathkit._random.uniform53(key,
    i)[..., 0]``, the first 53-bit Philox4x32-10 uniform of item ``i``, block
    0, with ``key = mathkit._random.key_from_rng(rng)``, and rounds away from
    zero if and only if ``u < f`` (compared exactly, in integers). So the
    result depends only on ``(rng, i, x_i)``: the same on every engine, for
    any chunking. ``P(round away) = ceil(f 2^53) / 2^53``: exactly ``f``
    when ``f`` is a multiple of ``2^-53``, that is, when no bit of ``x`` lies
    more than 53 places below the quantum, which holds whenever
    ``|x| >= 2^q / 2`` (so in the whole normal range). Hence
    ``E[round(x)] = x`` there, and within ``2^-53`` quanta for tinier ``x``.
    Calling ``round`` twice with the same integer seed gives the same
    numbers; pass a Generator (one draw per call) or a new ``index_offset``
    for fresh ones.

    Examples
    --------
    >>> from mathkit.precision import round, FLOAT16, BFLOAT16, FLOAT8_E4M3FN
    >>> round([0.1, 65519.99, 65520.0], FLOAT16).tolist()
    [0.0999755859375, 65504.0, inf]
    >>> round(70000.0, FLOAT16, mode="toward_zero")
    np.float64(65504.0)
    >>> round([464.0, 465.0], FLOAT8_E4M3FN).tolist()
    [448.0, nan]
    >>> round(465.0, FLOAT8_E4M3FN, overflow="saturate")
    np.float64(448.0)

    Rounded once: ``1 + 2^-8 + 2^-30`` lies just above the midpoint of two
    bfloat16 values, so it rounds up; through float32 it would first become
    the midpoint and then round to even, down to 1.

    >>> float(round(1 + 2**-8 + 2**-30, BFLOAT16))
    1.0078125

    Stochastic rounding is unbiased and reproducible:

    >>> import numpy as np
    >>> r = round(np.full(100_000, 1 + 2**-12), FLOAT16, mode="stochastic", rng=42)
    >>> sorted(set(r.tolist())), bool(abs(r.mean() - (1 + 2**-12)) < 1e-5)
    ([1.0, 1.0009765625], True)
    """
    fmt = as_format(fmt)
    mode_code = MODES.index(check_one_of(mode, "mode", MODES))
    overflow_code = OVERFLOWS.index(check_one_of(overflow, "overflow", OVERFLOWS))
    check_one_of(backend, "backend", ("auto", "numpy", "numba", "cupy"))
    _check_rng(rng)
    if is_cupy_array(x):
        return _round_cupy(x, fmt, mode_code, overflow_code, rng, backend, index_offset)
    array, scalar = _check_input(x)
    index_offset = _check_index_offset(index_offset, array.size)
    engine = resolve_backend(backend, size=array.size)
    key = key_from_rng(rng) if mode_code == STOCHASTIC else 0
    flat = np.ascontiguousarray(array).reshape(-1)
    if engine == "numba":
        from mathkit.precision import _numba

        if flat.dtype not in (np.float32, np.float64):
            flat = flat.astype(np.float64)  # float16: exact
        out = _numba.round_array(flat, fmt, mode_code, overflow_code, key, index_offset)
    elif engine == "cupy":
        from mathkit.precision import _cupy

        out = _cupy.round_array(flat, fmt, mode_code, overflow_code, key, index_offset).get()
    else:
        with np.errstate(invalid="ignore"):  # float32 signalling NaNs become quiet ones
            flat = flat.astype(np.float64, copy=False)
        uniform_bits = None
        if mode_code == STOCHASTIC:
            uniform_bits = _uniform_bits(key, flat.size, index_offset)
        out = _round_numpy(flat, fmt, mode_code, overflow_code, uniform_bits)
    out = out.reshape(array.shape)
    return out[()] if scalar else out


def _round_cupy(x, fmt: Format, mode_code: int, overflow_code: int, rng, backend: str,
                index_offset):
    if backend not in ("auto", "cupy"):
        msg = f"x is a CuPy array: backend must be 'auto' or 'cupy', got {backend!r}"
        raise ValueError(msg)
    resolve_backend("cupy")  # a clear error where CuPy cannot run
    from mathkit.precision import _cupy

    if x.dtype.kind != "f" or x.dtype.itemsize > 8:
        msg = f"x must have dtype float16, float32 or float64, got {x.dtype}"
        raise TypeError(msg)
    index_offset = _check_index_offset(index_offset, x.size)
    key = key_from_rng(rng) if mode_code == STOCHASTIC else 0
    flat = x.reshape(-1)
    out = _cupy.round_array(flat, fmt, mode_code, overflow_code, key, index_offset)
    return out.reshape(x.shape)


def _uniform_bits(key: int, size: int, index_offset: int) -> np.ndarray:
    """The 53-bit integers ``u 2^53`` of elements ``index_offset ... + size - 1`` (exact)."""
    items = np.arange(size, dtype=np.uint64) + np.uint64(index_offset)
    return (uniform53(key, items)[:, 0] * _TWO_53).astype(np.uint64)


def _round_numpy(x: np.ndarray, fmt: Format, mode: int, overflow: int,
                 uniform_bits: np.ndarray | None) -> np.ndarray:
    """The reference: round a 1-D float64 array (vectorized; module docstring's algorithm)."""
    p, emin = fmt.precision, fmt.emin
    largest = fmt.max
    bits = x.view(np.uint64)
    negative = (bits >> np.uint64(63)) != 0
    absolute = bits & _ABS_MASK
    finite = absolute < _EXPONENT_MASK
    nonzero = finite & (absolute != 0)
    magnitude = np.abs(x)

    # 1. |x| = m 2^k exactly, m in [2^52, 2^53); e = floor(log2 |x|) = k + 52.
    fraction, exponent = np.frexp(np.where(nonzero, magnitude, 1.0))
    significand = np.ldexp(fraction, 53).astype(np.uint64)
    k = exponent.astype(np.int64) - 53
    e = k + 52
    # 2. the quantum exponent q.
    below = (emin - p + 1) if fmt.subnormals else emin
    q = np.where(e >= emin, e - (p - 1), below)
    # 3. |x| / 2^q = n + r / 2^s.
    s = q - k
    inexact_possible = nonzero & (s > 0)
    shift = np.clip(s, 1, _MAX_SHIFT).astype(np.uint64)
    n = significand >> shift
    r = np.where(inexact_possible, significand & ((_ONE << shift) - _ONE), np.uint64(0))
    half = _ONE << (shift - _ONE)
    inexact = r != 0
    odd = (n & _ONE) != 0
    if mode == NEAREST_EVEN:
        increment = (r > half) | ((r == half) & odd)
    elif mode == NEAREST_AWAY:
        increment = r >= half
    elif mode == TOWARD_ZERO:
        increment = np.zeros_like(inexact)
    elif mode == UP:
        increment = inexact & ~negative
    elif mode == DOWN:
        increment = inexact & negative
    elif mode == ODD:
        increment = inexact & ~odd
    else:
        increment = inexact & _stochastic_up(uniform_bits, r, s)
    with np.errstate(over="ignore"):  # past float64's range: overflow, handled below
        rounded = np.ldexp((n + increment.astype(np.uint64)).astype(np.float64), q)
    result = np.where(inexact_possible, rounded, magnitude)
    # 4. overflow, and infinite input.
    out_of_range = finite & (result > largest)
    if overflow == SATURATE:
        beyond = np.full_like(result, largest)
    else:
        to_max = mode in (TOWARD_ZERO, ODD)
        beyond = np.full_like(result, np.inf if fmt.infinities else np.nan)
        if to_max:
            beyond[:] = largest
        elif mode == UP:
            beyond = np.where(negative, largest, beyond)
        elif mode == DOWN:
            beyond = np.where(negative, beyond, largest)
    result = np.where(out_of_range, beyond, result)
    infinite = ~finite & (absolute == _EXPONENT_MASK)
    if overflow == SATURATE:
        result = np.where(infinite, largest, result)
    elif not fmt.infinities:
        result = np.where(infinite, np.nan, result)
    result = np.where(negative & ~np.isnan(result), -result, result)
    if not fmt.has_negative_zero:
        result = np.where(result == 0, 0.0, result)
    return np.where(np.isnan(result) | (~finite & ~infinite), np.nan, result)


def _stochastic_up(uniform_bits: np.ndarray, r: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Whether ``u < r / 2^s`` for ``u = j / 2^53``, i.e. ``j 2^s < r 2^53``, exactly.

    For ``s <= 53``: ``j < r 2^(53 - s)`` (below ``2^53``). For ``s > 53``:
    ``j < ceil(r / 2^(s - 53)) = ((r - 1) >> (s - 53)) + 1`` (``r >= 1``; the
    shift is capped at 63, past which the quotient is 0 anyway as ``r < 2^53``).
    """
    small = s <= 53
    left = np.clip(53 - s, 0, 63).astype(np.uint64)
    right = np.clip(s - 53, 0, 63).astype(np.uint64)
    positive = np.maximum(r, _ONE)
    threshold = np.where(small, r << left, ((positive - _ONE) >> right) + _ONE)
    return uniform_bits < threshold

