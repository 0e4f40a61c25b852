"""Binary floating-point formats: IEEE 754, bfloat16, TF32 and the 8-bit formats.

A :class:`Format` is fixed by its precision ``p`` (significand bits, counting the
implicit leading bit), its exponent range ``[emin, emax]``, whether it has
subnormals and infinities, and where it keeps its NaN. Its finite values are
zero and

.. math::

    \\pm m \\, 2^{e - p + 1}, \\qquad 2^{p-1} \\le m < 2^p,\\ e_{\\min} \\le e \\le e_{\\max}
    \\quad \\text{(normal)}, \\qquad
    \\pm m \\, 2^{e_{\\min} - p + 1}, \\quad 0 < m < 2^{p-1} \\quad \\text{(subnormal)},

up to :attr:`Format.max` (Higham, *Accuracy and Stability of Numerical
Algorithms*, 2nd ed., SIAM 2002, §2.1; IEEE Std 754-2019, §3.3). Every value of
every format here is also a float64 value, so float64 arrays hold them exactly.

NaN encodings (``nan``):

``"ieee"``
    IEEE 754: the all-ones exponent field holds the infinities (mantissa 0) and
    the NaNs (any other mantissa). Needs ``infinities=True``.
``"fn"``
    "Finite, NaN" (OCP 8-bit floating point specification v1.0, 2023, E4M3):
    no infinities; the all-ones exponent field holds finite values, except the
    codes ``S.1...1.1...1``, which are NaN. So the largest value is
    ``(2 - 2^(2-p)) 2^emax`` (448 for E4M3).
``"fnuz"``
    "Finite, NaN, unsigned zero" (the FNUZ formats of GraphCore/AMD,
    ``ml_dtypes.float8_e4m3fnuz``): no infinities, no negative zero; the code
    of negative zero ``1.0...0.0...0`` (0x80) is the only NaN.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from mathkit._validate import _describe, check_finite_array

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "BFLOAT16",
    "FLOAT8_E4M3FN",
    "FLOAT8_E4M3FNUZ",
    "FLOAT8_E5M2",
    "FLOAT8_E5M2FNUZ",
    "FLOAT16",
    "FLOAT32",
    "FLOAT64",
    "FORMATS",
    "NAN_ENCODINGS",
    "TF32",
    "Format",
    "as_format",
]

#: The NaN encodings a :class:`Format` may use (see the module docstring).
NAN_ENCODINGS = ("ieee", "fn", "fnuz")

#: Limits that keep every value of a format a float64 value.
_MAX_PRECISION = 53
_MIN_EMIN = -1022
_MAX_EMAX = 1023
_MIN_QUANTUM_EXPONENT = -1074


def _integer(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        msg = f"{name} must be an integer, got {type(value).__name__} {_describe(value)}"
        raise TypeError(msg)
    return int(value)


def _boolean(value, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        msg = f"{name} must be True or False, got {_describe(value)}"
        raise TypeError(msg)
    return bool(value)


@dataclass(frozen=True)
class Format:
    """A binary floating-point format.

    Parameters
    ----------
    precision : int
        Significand bits ``p``, counting the implicit leading bit (numpy's
        ``finfo.nmant + 1``): 11 for float16, 8 for bfloat16. At least 2, at
        most 53.
    emin, emax : int
        Exponents of the smallest and largest binades of normal numbers:
        the smallest normal is ``2^emin``, the largest finite value is below
        ``2^(emax + 1)``. ``-1022 <= emin < emax <= 1023``.
    subnormals : bool, default True
        Whether values below ``2^emin`` are kept at the fixed spacing
        ``2^(emin - p + 1)`` (gradual underflow). Without them, the values
        between 0 and ``2^emin`` are only 0 and ``2^emin``.
    infinities : bool, default True
        Whether the format has ``+-inf``.
    nan : {"ieee", "fn", "fnuz"}, optional
        Where the NaNs are (module docstring). Default: ``"ieee"`` with
        infinities, ``"fn"`` without.
    name : str, optional
        A display name; it takes no part in comparisons.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``precision < 2``, ``emin >= emax``, the values would not all be
        float64 values (``precision > 53``, ``emin < -1022``, ``emax > 1023``
        or, with subnormals, ``emin - precision + 1 < -1074``), ``nan`` is
        unknown or does not fit ``infinities`` (``"ieee"`` needs them,
        ``"fn"`` and ``"fnuz"`` exclude them), or with ``nan="fn"`` the
        exponent range does not fill its field (``emax - emin + 2`` must be a
        power of two, as the NaN sits in the top binade).

    Notes
    -----
    With ``w`` exponent bits (:attr:`exponent_bits`) and bias ``1 - emin``,
    a code ``sign | field | mantissa`` of ``1 + w + (p - 1)`` bits stands for
    ``(-1)^sign (2^(p-1) + mantissa) 2^(field - bias - p + 1)`` when
    ``field >= 1`` and ``(-1)^sign mantissa 2^(emin - p + 1)`` when
    ``field = 0`` (IEEE Std 754-2019, §3.4). Machine epsilon is
    ``2^(1 - p)`` and the unit roundoff ``2^-p`` (Higham 2002, §2.1).

    Examples
    --------
    >>> from mathkit.precision import Format
    >>> half = Format(11, -14, 15, name="float16")
    >>> half.max, half.eps, half.bits
    (65504.0, 0.0009765625, 16)
    >>> e4m3 = Format(4, -6, 8, infinities=False)
    >>> e4m3.nan, e4m3.max
    ('fn', 448.0)
    >>> Format(1, -6, 8)
    Traceback (most recent call last):
    ...
    ValueError: precision must be at least 2 (the implicit bit and one more), got 1
    """

    precision: int
    emin: int
    emax: int
    subnormals: bool = True
    infinities: bool = True
    nan: str | None = None
    name: str = field(default="", compare=False)

    def __post_init__(self):
        precision = _integer(self.precision, "precision")
        emin = _integer(self.emin, "emin")
        emax = _integer(self.emax, "emax")
        subnormals = _boolean(self.subnormals, "subnormals")
        infinities = _boolean(self.infinities, "infinities")
        if not isinstance(self.name, str):
            msg = f"name must be a string, got {_describe(self.name)}"
            raise TypeError(msg)
        if precision < 2:
            msg = f"precision must be at least 2 (the implicit bit and one more), got {precision}"
            raise ValueError(msg)
        if precision > _MAX_PRECISION:
            msg = f"precision must be at most 53 (float64 holds the values), got {precision}"
            raise ValueError(msg)
        if emin >= emax:
            msg = f"emin must be less than emax, got emin={emin}, emax={emax}"
            raise ValueError(msg)
        if emin < _MIN_EMIN or emax > _MAX_EMAX:
            msg = (
                f"emin and emax must lie in [-1022, 1023] (float64 holds the values), "
                f"got emin={emin}, emax={emax}"
            )
            raise ValueError(msg)
        if subnormals and emin - precision + 1 < _MIN_QUANTUM_EXPONENT:
            msg = (
                f"emin - precision + 1 must be at least -1074 with subnormals (float64 holds "
                f"the values), got {emin - precision + 1}"
            )
            raise ValueError(msg)
        nan = self.nan
        if nan is None:
            nan = "ieee" if infinities else "fn"
        if not isinstance(nan, str):
            msg = f"nan must be a string, one of {', '.join(map(repr, NAN_ENCODINGS))}, " \
                  f"got {_describe(nan)}"
            raise TypeError(msg)
        if nan not in NAN_ENCODINGS:
            msg = f"nan must be one of {', '.join(map(repr, NAN_ENCODINGS))}, got {_describe(nan)}"
            raise ValueError(msg)
        if (nan == "ieee") != infinities:
            msg = (
                f"nan={nan!r} does not fit infinities={infinities}: 'ieee' keeps its "
                "infinities in the all-ones exponent field, 'fn' and 'fnuz' have none"
            )
            raise ValueError(msg)
        span = emax - emin + 2
        if nan == "fn" and span & (span - 1):
            msg = (
                "nan='fn' keeps its NaN in the top binade, so the exponent range must fill "
                f"its field: emax - emin + 2 must be a power of two, got {span}"
            )
            raise ValueError(msg)
        for attribute, value in (
            ("precision", precision), ("emin", emin), ("emax", emax),
            ("subnormals", subnormals), ("infinities", infinities), ("nan", nan),
        ):
            object.__setattr__(self, attribute, value)

    def __str__(self) -> str:
        return self.name or repr(self)

    # ----------------------------------------------------------------- layout

    @property
    def mantissa_bits(self) -> int:
        """Stored significand bits, ``p - 1`` (numpy's ``finfo.nmant``)."""
        return self.precision - 1

    @property
    def exponent_bits(self) -> int:
        """Bits of the exponent field: the fewest that hold every exponent.

        ``ceil(log2(emax - emin + 3))`` for ``nan="ieee"`` (field 0 for zero
        and subnormals, the all-ones field for inf and NaN), and
        ``ceil(log2(emax - emin + 2))`` otherwise.

        Examples
        --------
        >>> from mathkit.precision import FLOAT16, FLOAT8_E4M3FNUZ
        >>> FLOAT16.exponent_bits, FLOAT8_E4M3FNUZ.exponent_bits
        (5, 4)
        """
        reserved = 2 if self.nan == "ieee" else 1
        return (self.emax - self.emin + reserved).bit_length()

    @property
    def bias(self) -> int:
        """Exponent bias, ``1 - emin`` (the field of ``2^e`` is ``e + bias``)."""
        return 1 - self.emin

    @property
    def bits(self) -> int:
        """Total bits of a code: sign, exponent field and mantissa."""
        return 1 + self.exponent_bits + self.mantissa_bits

    # ----------------------------------------------------------------- values

    @property
    def eps(self) -> float:
        """Machine epsilon, ``2^(1 - p)``: the distance from 1 to the next value."""
        return math.ldexp(1.0, 1 - self.precision)

    @property
    def unit_roundoff(self) -> float:
        """Unit roundoff ``u = 2^-p``: the relative error bound of round-to-nearest.

        For ``x`` in the normal range, ``round(x) = x (1 + d)`` with
        ``|d| <= u`` (Higham 2002, Theorem 2.2).
        """
        return math.ldexp(1.0, -self.precision)

    @property
    def max(self) -> float:
        """Largest finite value: ``(2 - 2^(1-p)) 2^emax``, or ``(2 - 2^(2-p)) 2^emax`` for "fn"."""
        top = 2 if self.nan == "fn" else 1
        significand = (1 << self.precision) - top
        return math.ldexp(float(significand), self.emax - self.precision + 1)

    @property
    def min_normal(self) -> float:
        """Smallest positive normal value, ``2^emin`` (numpy's ``smallest_normal``)."""
        return math.ldexp(1.0, self.emin)

    @property
    def min_subnormal(self) -> float:
        """Smallest positive value: ``2^(emin - p + 1)``, or ``2^emin`` without subnormals."""
        if not self.subnormals:
            return self.min_normal
        return math.ldexp(1.0, self.emin - self.precision + 1)

    @property
    def has_negative_zero(self) -> bool:
        """Whether ``-0`` is a value (all but the "fnuz" formats)."""
        return self.nan != "fnuz"

    def ulp(self, x):
        """Unit in the last place: the spacing of the format's values at ``x``.

        Parameters
        ----------
        x : array_like of real numbers

        Returns
        -------
        numpy.float64 or numpy.ndarray of float64
            ``2^(e - p + 1)`` where ``e = floor(log2 |x|)`` clamped to
            ``[emin, emax]``; below ``2^emin`` without subnormals the spacing
            is ``2^emin``. NaN for infinite or NaN ``x``.

        Notes
        -----
        The Goldberg/Overton definition: for ``2^e <= |x| < 2^(e+1)`` in the
        normal range, ``ulp(x) = 2^(e - p + 1)`` (Overton, *Numerical Computing
        with IEEE Floating Point Arithmetic*, SIAM 2001, ch. 4). It equals
        :func:`numpy.spacing` on a numpy float type's own finite values except
        at the largest one, where numpy gives the distance to infinity. For
        ``|x| >= 2^(emax + 1)`` the spacing of the top binade is returned.

        Examples
        --------
        >>> from mathkit.precision import FLOAT16
        >>> float(FLOAT16.ulp(1.0)), float(FLOAT16.ulp(1000.0)), float(FLOAT16.ulp(0.0))
        (0.0009765625, 0.5, 5.960464477539063e-08)
        """
        array = _real_array(x, "x")
        magnitude = np.abs(array)
        finite = np.isfinite(magnitude)
        _, exponent = np.frexp(np.where(finite & (magnitude > 0), magnitude, 1.0))
        exponent = np.where(magnitude > 0, exponent.astype(np.int64) - 1, self.emin)
        exponent = np.clip(exponent, self.emin, self.emax)
        quantum = exponent - self.precision + 1
        if not self.subnormals:
            below = finite & (magnitude < self.min_normal)
            quantum = np.where(below, self.emin, quantum)
        out = np.where(finite, np.ldexp(1.0, quantum), np.nan)
        return out[()] if out.ndim == 0 else out

    def next_up(self, x):
        """The smallest value of the format greater than ``x``.

        Parameters
        ----------
        x : array_like of float
            Any float64 values (not only the format's).

        Returns
        -------
        numpy.float64 or numpy.ndarray of float64
            Past :attr:`max`: ``inf`` where the format has infinities, NaN
            where it has none. ``next_up(inf) = inf``, ``next_up(nan) = nan``.

        Notes
        -----
        IEEE 754 ``nextUp`` (IEEE Std 754-2019, §5.3.1), computed as
        ``round(nextafter(x, inf), mode="up")`` in float64: every value of the
        format is a float64 value, so no format value lies strictly between
        ``x`` and float64's successor of ``x``.

        Examples
        --------
        >>> from mathkit.precision import FLOAT16, FLOAT8_E4M3FN
        >>> float(FLOAT16.next_up(1.0)), float(FLOAT16.next_up(-0.0))
        (1.0009765625, 5.960464477539063e-08)
        >>> float(FLOAT16.next_up(65504.0)), float(FLOAT8_E4M3FN.next_up(448.0))
        (inf, nan)
        """
        from mathkit.precision.rounding import round as round_to

        array = _real_array(x, "x")
        with np.errstate(over="ignore"):  # nextafter(max float64) = inf: wanted
            after = np.nextafter(array, np.inf)
        return round_to(after, self, mode="up", backend="numpy")

    def next_down(self, x):
        """The largest value of the format less than ``x`` (IEEE 754 ``nextDown``).

        As :meth:`next_up`, mirrored: ``round(nextafter(x, -inf), mode="down")``.

        Examples
        --------
        >>> from mathkit.precision import FLOAT16
        >>> float(FLOAT16.next_down(1.0)), float(FLOAT16.next_down(-65504.0))
        (0.99951171875, -inf)
        """
        from mathkit.precision.rounding import round as round_to

        array = _real_array(x, "x")
        with np.errstate(over="ignore"):  # nextafter(max float64) = inf: wanted
            after = np.nextafter(array, -np.inf)
        return round_to(after, self, mode="down", backend="numpy")

    def is_representable(self, x):
        """Whether each ``x`` is a value of the format.

        Parameters
        ----------
        x : array_like of real numbers

        Returns
        -------
        bool or numpy.ndarray of bool
            True for the format's finite values (``-0.0`` counts as zero, even
            in "fnuz" formats, where it is stored as ``+0``), for ``+-inf``
            where the format has infinities, and for NaN (every format here
            has a NaN).

        Examples
        --------
        >>> from mathkit.precision import FLOAT16
        >>> FLOAT16.is_representable([1.0, 0.1, 65504.0, 65505.0, float("inf")]).tolist()
        [True, False, True, False, True]
        """
        from mathkit.precision.rounding import round as round_to

        array = _real_array(x, "x")
        finite = np.isfinite(array)
        rounded = round_to(np.where(finite, array, 0.0), self, mode="toward_zero",
                           backend="numpy")
        out = np.where(finite, rounded == array, np.isnan(array) | self.infinities)
        return out[()] if out.ndim == 0 else out

    def values(self) -> np.ndarray:
        """All finite values of the format, ascending, zero once (as ``+0.0``).

        Returns
        -------
        numpy.ndarray of float64
            ``2 n + 1`` values, ``n`` the count of positive ones.

        Raises
        ------
        ValueError
            If the format has more than 16 bits (float32 has four billion values).

        Examples
        --------
        >>> from mathkit.precision import FLOAT8_E4M3FN
        >>> v = FLOAT8_E4M3FN.values()
        >>> v.size, float(v[0]), float(v[-1]), float(v[v > 0][0])
        (253, -448.0, 448.0, 0.001953125)
        """
        if self.bits > 16:
            msg = f"values() needs a format of at most 16 bits, got {self.bits} bits ({self})"
            raise ValueError(msg)
        from mathkit.precision.bits import decode

        codes = np.arange(1 << (self.bits - 1), dtype=np.uint64)
        positive = decode(codes, self)
        positive = positive[np.isfinite(positive)]
        return np.concatenate([-positive[:0:-1], positive])


def _real_array(x, name: str) -> np.ndarray:
    """``x`` as a float64 array, for functions where a real value is all that matters."""
    try:
        array = np.asarray(x)
    except (TypeError, ValueError) as error:
        msg = f"{name} must be an array of real numbers, got {type(x).__name__}: {error}"
        raise TypeError(msg) from None
    if array.dtype.kind not in "iuf":
        msg = f"{name} must be real numbers, got dtype {array.dtype}"
        raise TypeError(msg)
    _refuse_wide_floats(array.dtype, name)
    return array.astype(np.float64, copy=False)


def _refuse_wide_floats(dtype: np.dtype, name: str) -> None:
    """Floats wider than float64 (long double) would be rounded to float64 first: refused."""
    if dtype.kind == "f" and dtype.itemsize > 8:
        msg = (f"{name} must have dtype float16, float32 or float64, got {dtype} "
               "(it does not convert to float64 exactly)")
        raise TypeError(msg)


def _finite_real_array(x, name: str) -> np.ndarray:
    """``x`` as a float64 array of finite real numbers (:func:`check_finite_array`), refusing
    also, as :func:`mathkit.precision.round` does, bools, floats wider than float64 and
    integers that float64 would round (a second rounding, to a format, could then be wrong)."""
    try:
        given = np.asarray(x)
    except (TypeError, ValueError):
        given = None  # check_finite_array says what is wrong
    if given is not None:
        if given.dtype.kind == "b":
            msg = f"{name} must be real numbers (float or int), got dtype bool"
            raise TypeError(msg)
        _refuse_wide_floats(given.dtype, name)
        if given.dtype.kind in "iu":
            from mathkit.precision.rounding import _exact_integers

            given = _exact_integers(given, name)
    return check_finite_array(x if given is None else given, name)


FLOAT64 = Format(53, -1022, 1023, name="float64")
FLOAT32 = Format(24, -126, 127, name="float32")
TF32 = Format(11, -126, 127, name="tf32")
FLOAT16 = Format(11, -14, 15, name="float16")
BFLOAT16 = Format(8, -126, 127, name="bfloat16")
FLOAT8_E4M3FN = Format(4, -6, 8, infinities=False, nan="fn", name="float8_e4m3fn")
FLOAT8_E4M3FNUZ = Format(4, -7, 7, infinities=False, nan="fnuz", name="float8_e4m3fnuz")
FLOAT8_E5M2 = Format(3, -14, 15, name="float8_e5m2")
FLOAT8_E5M2FNUZ = Format(3, -15, 15, infinities=False, nan="fnuz", name="float8_e5m2fnuz")

#: The predefined formats by name (the names of numpy and ml_dtypes).
FORMATS: Mapping[str, Format] = {
    f.name: f
    for f in (FLOAT64, FLOAT32, TF32, FLOAT16, BFLOAT16, FLOAT8_E4M3FN, FLOAT8_E4M3FNUZ,
              FLOAT8_E5M2, FLOAT8_E5M2FNUZ)
}

_ALIASES = {
    "fp64": "float64", "binary64": "float64", "double": "float64",
    "fp32": "float32", "binary32": "float32", "single": "float32",
    "fp16": "float16", "binary16": "float16", "half": "float16",
    "bf16": "bfloat16",
    "e4m3fn": "float8_e4m3fn", "e4m3": "float8_e4m3fn", "fp8_e4m3": "float8_e4m3fn",
    "e4m3fnuz": "float8_e4m3fnuz",
    "e5m2": "float8_e5m2", "fp8_e5m2": "float8_e5m2",
    "e5m2fnuz": "float8_e5m2fnuz",
}


def as_format(fmt) -> Format:
    """A :class:`Format` from itself or from its name.

    Parameters
    ----------
    fmt : Format or str
        A format, or a name (case-insensitive): a key of :data:`FORMATS`
        (``"float16"``, ``"bfloat16"``, ``"float8_e4m3fn"``, ...) or a short
        alias (``"fp16"``, ``"half"``, ``"bf16"``, ``"tf32"``, ``"e4m3fn"``,
        ``"e4m3"`` = E4M3FN, ``"e5m2"``, ``"e4m3fnuz"``, ``"e5m2fnuz"``,
        ``"fp32"``, ``"fp64"``).

    Returns
    -------
    Format

    Raises
    ------
    TypeError
        If ``fmt`` is neither a Format nor a string.
    ValueError
        If the name is unknown.

    Examples
    --------
    >>> as_format("bf16").name
    'bfloat16'
    >>> as_format("fp12")
    Traceback (most recent call last):
    ...
    ValueError: fmt must be a Format or one of 'float64', 'float32', 'tf32', 'float16', \
'bfloat16', 'float8_e4m3fn', 'float8_e4m3fnuz', 'float8_e5m2', 'float8_e5m2fnuz' (or an \
alias such as 'fp16', 'bf16', 'e4m3'), got 'fp12'
    """
    if isinstance(fmt, Format):
        return fmt
    if not isinstance(fmt, str):
        msg = f"fmt must be a Format or a format name, got {type(fmt).__name__} {_describe(fmt)}"
        raise TypeError(msg)
    key = fmt.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in FORMATS:
        names = ", ".join(map(repr, FORMATS))
        msg = (
            f"fmt must be a Format or one of {names} (or an alias such as 'fp16', 'bf16', "
            f"'e4m3'), got {fmt!r}"
        )
        raise ValueError(msg)
    return FORMATS[key]
