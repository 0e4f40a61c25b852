"""Bit patterns of a format: encode values to integer codes, decode codes, describe one value.

A code of a :class:`~mathkit.precision.Format` with ``w`` exponent bits and
precision ``p`` is ``sign << (w + p - 1) | field << (p - 1) | mantissa``
(IEEE Std 754-2019, §3.4): it stands for

- ``(-1)^sign (2^(p-1) + mantissa) 2^(field - bias - p + 1)`` when
  ``1 <= field`` (normal; ``bias = 1 - emin``),
- ``(-1)^sign mantissa 2^(emin - p + 1)`` when ``field = 0`` (zero and subnormals),

except for the special codes of the format's NaN encoding: the all-ones field
of "ieee" formats (``inf`` for mantissa 0, NaN otherwise), ``S.1...1.1...1``
of "fn" formats and ``1.0...0.0...0`` of "fnuz" formats (NaN). Codes that
stand for no value of the format decode to NaN: the subnormal codes of a
format without subnormals, and exponent fields past ``emax`` when the range
does not fill its field.

**NaN normalisation.** :func:`encode` maps every NaN (any sign, any payload)
to the format's canonical NaN code: the positive quiet NaN (top mantissa bit
set, as numpy and ml_dtypes store ``nan``) for "ieee" formats, ``0x7F`` for
E4M3FN, ``0x80`` for the "fnuz" formats. So ``encode(decode(c)) == c`` for
every code ``c`` that decodes to a number (infinities and both zeros
included), and ``encode(decode(c))`` is the canonical NaN code for every other.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from mathkit._validate import _describe
from mathkit.precision.formats import Format, as_format

__all__ = ["FloatDescription", "code_dtype", "decode", "describe", "encode", "nan_code"]


def code_dtype(fmt) -> np.dtype:
    """The smallest unsigned integer dtype that holds a code of ``fmt``.

    Examples
    --------
    >>> from mathkit.precision import FLOAT16, TF32, FLOAT8_E5M2
    >>> code_dtype(FLOAT8_E5M2), code_dtype(FLOAT16), code_dtype(TF32)
    (dtype('uint8'), dtype('uint16'), dtype('uint32'))
    """
    bits = as_format(fmt).bits
    for dtype in (np.uint8, np.uint16, np.uint32):
        if bits <= np.dtype(dtype).itemsize * 8:
            return np.dtype(dtype)
    return np.dtype(np.uint64)


def nan_code(fmt) -> int:
    """The canonical NaN code of ``fmt`` (what :func:`encode` gives for NaN).

    Examples
    --------
    >>> from mathkit.precision import FLOAT16, FLOAT8_E4M3FN, FLOAT8_E5M2FNUZ
    >>> hex(nan_code(FLOAT16)), hex(nan_code(FLOAT8_E4M3FN)), hex(nan_code(FLOAT8_E5M2FNUZ))
    ('0x7e00', '0x7f', '0x80')
    """
    fmt = as_format(fmt)
    if fmt.nan == "fnuz":
        return 1 << (fmt.bits - 1)
    all_ones_field = ((1 << fmt.exponent_bits) - 1) << fmt.mantissa_bits
    if fmt.nan == "fn":
        return all_ones_field | ((1 << fmt.mantissa_bits) - 1)
    return all_ones_field | (1 << (fmt.mantissa_bits - 1))


def encode(x, fmt, *, mode: str = "nearest_even", overflow: str = "ieee", rng=None):
    """Integer codes (bit patterns) of ``x`` in ``fmt``, after rounding ``x`` to it.

    Parameters
    ----------
    x : array_like of float
        Values; they are first rounded to ``fmt`` with
        :func:`mathkit.precision.round` (``mode``, ``overflow``, ``rng``), so
        exact values of the format encode as themselves.
    fmt : Format or str
    mode, overflow, rng
        As :func:`mathkit.precision.round`.

    Returns
    -------
    numpy unsigned integer scalar or array
        Of :func:`code_dtype` (uint8 for 8-bit formats, uint16 up to 16 bits,
        uint32 up to 32 bits, else uint64). NaN gives the canonical NaN code
        (:func:`nan_code`); ``-0.0`` gives the negative-zero code, except in
        "fnuz" formats, which have none (code 0).

    Raises
    ------
    TypeError, ValueError
        As :func:`mathkit.precision.round`.

    Notes
    -----
    For a value ``v = (-1)^s 2^e (1 + f)`` with ``e >= emin``: field
    ``e + bias`` and mantissa ``f 2^(p-1)``; below ``2^emin``: field 0 and
    mantissa ``|v| 2^(p - 1 - emin)`` (IEEE Std 754-2019, §3.4).

    Examples
    --------
    >>> from mathkit.precision import FLOAT16, BFLOAT16
    >>> [hex(c) for c in encode([1.0, -2.0, 65504.0, float("inf")], FLOAT16)]
    ['0x3c00', '0xc000', '0x7bff', '0x7c00']
    >>> hex(encode(0.1, BFLOAT16))
    '0x3dcd'
    """
    from mathkit.precision.rounding import round as round_to

    fmt = as_format(fmt)
    values = np.asarray(round_to(x, fmt, mode=mode, overflow=overflow, rng=rng, backend="numpy"))
    codes = _encode_exact(values, fmt).astype(code_dtype(fmt))
    return codes[()] if codes.ndim == 0 else codes


def _encode_exact(values: np.ndarray, fmt: Format) -> np.ndarray:
    """Codes (uint64) of values that are already values of ``fmt`` (or inf/NaN)."""
    p = fmt.precision
    sign = (values.view(np.uint64) >> np.uint64(63)).astype(np.uint64)
    if not fmt.has_negative_zero:
        sign = np.where(values == 0, np.uint64(0), sign)
    magnitude = np.abs(values)
    finite = np.isfinite(magnitude)
    positive = finite & (magnitude > 0)
    _, exponent = np.frexp(np.where(positive, magnitude, 1.0))
    exponent = exponent.astype(np.int64) - 1
    normal = positive & (exponent >= fmt.emin)
    field = np.where(normal, exponent + fmt.bias, 0).astype(np.uint64)
    scale = np.where(normal, p - 1 - exponent, p - 1 - fmt.emin)
    significand = np.ldexp(np.where(finite, magnitude, 0.0), scale).astype(np.uint64)
    mantissa = significand - np.where(normal, np.uint64(1 << (p - 1)), np.uint64(0))
    codes = (sign << np.uint64(fmt.bits - 1)) | (field << np.uint64(p - 1)) | mantissa
    if fmt.infinities:
        infinite = np.isinf(magnitude)
        all_ones = np.uint64(((1 << fmt.exponent_bits) - 1) << (p - 1))
        codes = np.where(infinite, (sign << np.uint64(fmt.bits - 1)) | all_ones, codes)
    return np.where(np.isnan(values), np.uint64(nan_code(fmt)), codes).astype(np.uint64)


def decode(codes, fmt):
    """The values (float64) of integer codes of ``fmt``.

    Parameters
    ----------
    codes : array_like of int
        Codes in ``[0, 2^bits)``, of any integer dtype.
    fmt : Format or str

    Returns
    -------
    numpy.float64 or numpy.ndarray of float64
        Exact: every value of a format is a float64 value. NaN codes, and
        codes that stand for no value of the format, give NaN.

    Raises
    ------
    TypeError
        If ``codes`` are not integers (bools, floats and None included).
    ValueError
        If a code is negative or has more than ``fmt.bits`` bits.

    Notes
    -----
    The value of ``sign | field | mantissa`` is given in the module docstring.
    Decoding is exhaustively tested against numpy's float16/32 and
    ml_dtypes' bfloat16 and 8-bit types.

    Examples
    --------
    >>> from mathkit.precision import FLOAT16, FLOAT8_E4M3FN, FLOAT8_E4M3FNUZ
    >>> decode([0x3C00, 0x0001, 0x7BFF, 0xFC00], FLOAT16).tolist()
    [1.0, 5.960464477539063e-08, 65504.0, -inf]
    >>> decode([0x7E, 0x7F, 0xFF], FLOAT8_E4M3FN).tolist()
    [448.0, nan, nan]
    >>> decode([0x80, 0x00], FLOAT8_E4M3FNUZ).tolist()
    [nan, 0.0]
    """
    fmt = as_format(fmt)
    codes = _check_codes(codes, fmt)
    p = fmt.precision
    mantissa_mask = np.uint64((1 << (p - 1)) - 1)
    field_mask = np.uint64((1 << fmt.exponent_bits) - 1)
    negative = (codes >> np.uint64(fmt.bits - 1)) != 0
    field = ((codes >> np.uint64(p - 1)) & field_mask).astype(np.int64)
    mantissa = codes & mantissa_mask
    hidden = np.where(field > 0, np.uint64(1 << (p - 1)), np.uint64(0))
    exponent = np.maximum(field, 1) - fmt.bias - (p - 1)
    with np.errstate(over="ignore"):  # the all-ones field of float64: handled below
        magnitude = np.ldexp((hidden | mantissa).astype(np.float64), exponent)
    unused = field - fmt.bias > fmt.emax
    if not fmt.subnormals:
        unused |= (field == 0) & (mantissa != 0)
    top = int(field_mask)
    if fmt.nan == "ieee":
        special = field == top
        unused &= ~special
        magnitude = np.where(special, np.where(mantissa == 0, np.inf, np.nan), magnitude)
    elif fmt.nan == "fn":
        magnitude = np.where((field == top) & (mantissa == mantissa_mask), np.nan, magnitude)
    else:
        magnitude = np.where(codes == np.uint64(nan_code(fmt)), np.nan, magnitude)
    magnitude = np.where(unused, np.nan, magnitude)
    values = np.where(negative & ~np.isnan(magnitude), -magnitude, magnitude)
    return values[()] if values.ndim == 0 else values


def _check_codes(codes, fmt: Format) -> np.ndarray:
    try:
        array = np.asarray(codes)
    except (TypeError, ValueError) as error:
        msg = f"codes must be integers, got {type(codes).__name__}: {error}"
        raise TypeError(msg) from None
    if array.dtype == object:
        if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool | np.bool_)
                   for v in array.ravel()):
            msg = f"codes must be integers, got {_describe(codes)}"
            raise TypeError(msg)
        try:
            array = np.asarray(codes, dtype=np.uint64)
        except (TypeError, ValueError, OverflowError):
            msg = f"codes must be integers in [0, 2**{fmt.bits}), got {_describe(codes)}"
            raise ValueError(msg) from None
    if array.size == 0 and array.dtype.kind == "f":
        array = array.astype(np.uint64)  # [] is float64 to numpy
    if array.dtype.kind not in "iu":
        msg = f"codes must be integers, got dtype {array.dtype}"
        raise TypeError(msg)
    if array.size:
        low, high = int(array.min()), int(array.max())
        if low < 0 or high >= 1 << fmt.bits:
            msg = (
                f"codes must be integers in [0, 2**{fmt.bits}) for {fmt}, got values in "
                f"[{low}, {high}]"
            )
            raise ValueError(msg)
    return array.astype(np.uint64)


@dataclass(frozen=True)
class FloatDescription:
    """What :func:`describe` says of one value stored in a format.

    Attributes
    ----------
    format : Format
    input : float
        The value given (as float64).
    value : float
        The stored value: ``input`` rounded to the format.
    error : float
        ``value - input``, the rounding error (exact: see :func:`describe`);
        NaN when either is NaN, ``+-inf`` on overflow.
    relative_error : float
        ``error / |input|`` (NaN for a zero or non-finite input).
    code : int
        The bit pattern.
    sign, exponent, mantissa : int
        The fields: sign bit, biased exponent field, stored mantissa.
    sign_bits, exponent_bits, mantissa_bits : str
        The same fields as strings of ``0`` and ``1``.
    category : str
        "normal", "subnormal", "zero", "inf" or "nan".
    unbiased_exponent : int or None
        ``e`` with ``2^e <= |value| < 2^(e+1)`` (``emin`` for subnormals),
        None for zero, inf and NaN.
    ulp : float
        Spacing of the format at ``value`` (:meth:`Format.ulp`).
    mode : str
        The rounding mode used.
    """

    format: Format
    input: float
    value: float
    error: float
    relative_error: float
    code: int
    sign: int
    exponent: int
    mantissa: int
    sign_bits: str
    exponent_bits: str
    mantissa_bits: str
    category: str
    unbiased_exponent: int | None
    ulp: float
    mode: str

    @property
    def bits(self) -> str:
        """The whole code as a bit string, fields separated by spaces."""
        return f"{self.sign_bits} {self.exponent_bits} {self.mantissa_bits}"

    @property
    def hex(self) -> str:
        """The code in hexadecimal, zero-padded to the format's width."""
        digits = -(-self.format.bits // 4)
        return f"0x{self.code:0{digits}x}"


def describe(x, fmt, *, mode: str = "nearest_even", overflow: str = "ieee",
             rng=None) -> FloatDescription:
    """Round one value to ``fmt`` and take the result apart.

    Parameters
    ----------
    x : float
        One real number (a Python or numpy float or int; a 0-d or 1-element
        array).
    fmt : Format or str
    mode, overflow, rng
        As :func:`mathkit.precision.round`.

    Returns
    -------
    FloatDescription
        Fields, bit strings, category, stored value and rounding error.

    Raises
    ------
    TypeError, ValueError
        As :func:`mathkit.precision.round`, and ``ValueError`` if ``x`` holds
        more than one value.

    Notes
    -----
    The rounding error ``value - input`` is computed in float64 and is exact
    whenever it is finite and the result did not saturate: both are float64
    values of the same binade or adjacent ones (or the result is 0), so their
    difference fits in 53 bits (Sterbenz's lemma and its extension, Higham
    2002, Theorem 2.5). The relative error of round-to-nearest in the normal
    range is at most the unit roundoff ``2^-p``.

    Examples
    --------
    >>> from mathkit.precision import FLOAT16
    >>> d = describe(0.1, FLOAT16)
    >>> d.bits, d.category, d.value, d.hex
    ('0 01011 1001100110', 'normal', 0.0999755859375, '0x2e66')
    >>> d.error
    -2.441406250000555e-05
    >>> abs(d.relative_error) <= FLOAT16.unit_roundoff
    True
    """
    from mathkit.precision.rounding import _check_input
    from mathkit.precision.rounding import round as round_to

    fmt = as_format(fmt)
    array, _ = _check_input(x)
    if array.size != 1:
        msg = f"x must be a single number, got {array.size} values"
        raise ValueError(msg)
    given = float(array.reshape(()))
    value = float(round_to(given, fmt, mode=mode, overflow=overflow, rng=rng, backend="numpy"))
    code = int(_encode_exact(np.asarray(value), fmt))
    p, w = fmt.precision, fmt.exponent_bits
    sign = code >> (fmt.bits - 1)
    exponent = (code >> (p - 1)) & ((1 << w) - 1)
    mantissa = code & ((1 << (p - 1)) - 1)
    if math.isnan(value):
        category, unbiased = "nan", None
    elif math.isinf(value):
        category, unbiased = "inf", None
    elif value == 0:
        category, unbiased = "zero", None
    elif exponent == 0:
        category, unbiased = "subnormal", fmt.emin
    else:
        category, unbiased = "normal", exponent - fmt.bias
    if math.isfinite(value) and math.isfinite(given):
        error = float(Fraction(value) - Fraction(given))
        relative = float((Fraction(value) - Fraction(given)) / abs(Fraction(given))) if given \
            else math.nan
    else:
        error = value - given if not (math.isinf(value) and value == given) else 0.0
        relative = math.nan
    return FloatDescription(
        format=fmt,
        input=given,
        value=value,
        error=error,
        relative_error=relative,
        code=code,
        sign=sign,
        exponent=exponent,
        mantissa=mantissa,
        sign_bits=str(sign),
        exponent_bits=format(exponent, f"0{w}b"),
        mantissa_bits=format(mantissa, f"0{p - 1}b"),
        category=category,
        unbiased_exponent=unbiased,
        ulp=float(fmt.ulp(value)),
        mode=mode,
    )
