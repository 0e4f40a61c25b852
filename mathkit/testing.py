"""Hypothesis strategies for property-testing numerical code.

These are the strategies mathkit's own test suite uses, made public so that
you can property-test your own code the same way: draw inputs with them under
:func:`hypothesis.given` and assert what must hold for every input (a result
is finite, a probability stays in [0, 1], a seeded simulation repeats).

>>> import numpy as np
>>> from hypothesis import given
>>> from mathkit.testing import finite_arrays
>>> @given(finite_arrays(shape=(3,), min_value=-1e100, max_value=1e100))
... def test_abs_is_nonnegative(x):
...     assert (np.abs(x) >= 0).all()
>>> test_abs_is_nonnegative()

Every strategy checks its arguments when it is built and raises ``ValueError``
or ``TypeError`` naming the bad argument, rather than failing later inside a
test. This module needs Hypothesis (``pip install 'mathkit[test]'``); it is
imported only when asked for, never by ``import mathkit``.
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

import numpy as np

from mathkit._validate import _describe, check_positive_integer

try:
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
except ImportError as error:  # pragma: no cover - tested by hiding hypothesis
    msg = "mathkit.testing needs Hypothesis: pip install 'mathkit[test]'"
    raise ImportError(msg) from error

__all__ = [
    "finite_arrays",
    "finite_floats",
    "format_values",
    "formats",
    "indefinite_matrices",
    "nonzero_vectors",
    "probabilities",
    "psd_matrices",
    "seeds",
    "simple_walks",
    "spd_matrices",
    "step_laws",
]

_FLOAT_WIDTHS = {16: np.float16, 32: np.float32, 64: np.float64}


def _check_bound(value, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        msg = f"{name} must be a real number or None, got {type(value).__name__} {_describe(value)}"
        raise TypeError(msg)
    value = float(value)
    if not math.isfinite(value):
        msg = f"{name} must be finite, got {value}"
        raise ValueError(msg)
    return value


def _check_bounds(min_value, max_value) -> tuple[float | None, float | None]:
    low = _check_bound(min_value, "min_value")
    high = _check_bound(max_value, "max_value")
    if low is not None and high is not None and low > high:
        msg = f"min_value must be <= max_value, got min_value={low}, max_value={high}"
        raise ValueError(msg)
    return low, high


def _round_inward(low, high, dtype: np.dtype) -> tuple[float | None, float | None]:
    """Round bounds inward to values of ``dtype``; error if none lies between them."""
    largest = float(np.finfo(dtype).max)
    empty = (low is not None and low > largest) or (high is not None and high < -largest)
    if low is not None and not empty:
        rounded = float(dtype.type(max(low, -largest)))
        if rounded < low:
            rounded = float(np.nextafter(dtype.type(rounded), dtype.type(np.inf)))
        low = rounded
    if high is not None and not empty:
        rounded = float(dtype.type(min(high, largest)))
        if rounded > high:
            rounded = float(np.nextafter(dtype.type(rounded), dtype.type(-np.inf)))
        high = rounded
    if empty or (low is not None and high is not None and low > high):
        msg = f"no {dtype.name} value lies in [min_value, max_value] = [{low}, {high}]"
        raise ValueError(msg)
    return low, high


def _float_dtype(dtype, name: str = "dtype") -> np.dtype:
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        msg = f"{name} must be a numpy dtype, got {_describe(dtype)}"
        raise TypeError(msg) from None
    if dtype.kind != "f" or dtype.itemsize * 8 not in _FLOAT_WIDTHS:
        msg = f"{name} must be float16, float32 or float64, got {dtype}"
        raise TypeError(msg)
    return dtype


def finite_floats(
    min_value: float | None = None,
    max_value: float | None = None,
    width: int = 64,
    allow_subnormal: bool = True,
) -> st.SearchStrategy[float]:
    """Finite floats (no NaN, no infinity), optionally bounded.

    Parameters
    ----------
    min_value, max_value : float, optional
        Inclusive bounds. For ``width`` below 64 they are rounded inward to
        the nearest value of that width.
    width : {16, 32, 64}, default 64
        Draw values exactly representable in float16, float32 or float64
        (returned as Python floats).
    allow_subnormal : bool, default True
        Whether subnormal values may be drawn (where the bounds leave room
        for them). Both zeros, ``0.0`` and
        ``-0.0``, are drawn when in range.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of float

    Raises
    ------
    TypeError
        If a bound is not a real number.
    ValueError
        If a bound is not finite, ``min_value > max_value``, no value of that
        width lies between them, or ``width`` is not 16, 32 or 64.

    Examples
    --------
    >>> import math
    >>> from hypothesis import given
    >>> @given(finite_floats(width=32))
    ... def test_finite(x):
    ...     assert math.isfinite(x)
    >>> test_finite()
    """
    low, high = _check_bounds(min_value, max_value)
    if width not in _FLOAT_WIDTHS or isinstance(width, bool):
        msg = f"width must be 16, 32 or 64, got {_describe(width)}"
        raise ValueError(msg)
    if not isinstance(allow_subnormal, bool):
        msg = f"allow_subnormal must be True or False, got {_describe(allow_subnormal)}"
        raise TypeError(msg)
    low, high = _round_inward(low, high, np.dtype(_FLOAT_WIDTHS[width]))
    return st.floats(
        min_value=low,
        max_value=high,
        allow_nan=False,
        allow_infinity=False,
        width=width,
        # None: subnormals wherever the bounds leave room for them.
        allow_subnormal=None if allow_subnormal else False,
    )


def _elements(dtype: np.dtype, low, high, allow_subnormal: bool) -> st.SearchStrategy:
    if dtype.kind == "f":
        return finite_floats(low, high, width=dtype.itemsize * 8, allow_subnormal=allow_subnormal)
    info = np.iinfo(dtype)
    int_low = info.min if low is None else max(info.min, math.ceil(low))
    int_high = info.max if high is None else min(info.max, math.floor(high))
    if int_low > int_high:
        msg = f"no {dtype.name} value lies in [min_value, max_value] = [{low}, {high}]"
        raise ValueError(msg)
    return st.integers(int_low, int_high)


def _check_shape(shape) -> tuple[int, ...]:
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, tuple | list) or not all(
        isinstance(n, numbers.Integral) and not isinstance(n, bool) and n >= 0 for n in shape
    ):
        msg = f"shape must be None, an int or a tuple of non-negative ints, got {_describe(shape)}"
        raise TypeError(msg)
    return tuple(int(n) for n in shape)


def finite_arrays(
    shape=None,
    dtype=np.float64,
    min_value: float | None = None,
    max_value: float | None = None,
    min_dims: int = 1,
    max_dims: int = 2,
    min_side: int = 1,
    max_side: int = 8,
    *,
    allow_subnormal: bool = True,
    unique: bool = False,
) -> st.SearchStrategy[np.ndarray]:
    """Numpy arrays whose every entry is finite, of a given or drawn shape.

    Built on :func:`hypothesis.extra.numpy.arrays`.

    Parameters
    ----------
    shape : int, tuple of int or hypothesis strategy, optional
        The shape. ``None`` draws one with ``min_dims..max_dims`` axes of
        length ``min_side..max_side`` each.
    dtype : dtype, default float64
        A floating (float16, float32, float64) or integer dtype.
    min_value, max_value : float, optional
        Inclusive bounds on the entries (rounded inward to ``dtype``).
    min_dims, max_dims, min_side, max_side : int
        Limits for a drawn shape (used only when ``shape`` is None).
    allow_subnormal : bool, default True
        Whether subnormal entries may be drawn (floating dtypes).
    unique : bool, default False
        Whether the entries must all differ.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of numpy.ndarray

    Raises
    ------
    TypeError
        If ``dtype`` is neither floating nor integer, or ``shape`` is not a
        shape.
    ValueError
        If the bounds are impossible or the shape limits contradict each
        other (``min_dims > max_dims``, ``min_side > max_side``, negatives).

    Examples
    --------
    >>> import numpy as np
    >>> from hypothesis import given
    >>> @given(finite_arrays(dtype=np.float32, max_dims=3))
    ... def test_finite(a):
    ...     assert a.dtype == np.float32 and 1 <= a.ndim <= 3
    ...     assert np.isfinite(a).all()
    >>> test_finite()
    """
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        msg = f"dtype must be a numpy dtype, got {_describe(dtype)}"
        raise TypeError(msg) from None
    if dtype.kind not in "fiu" or (dtype.kind == "f" and dtype.itemsize * 8 not in _FLOAT_WIDTHS):
        msg = f"dtype must be float16, float32, float64 or an integer dtype, got {dtype}"
        raise TypeError(msg)
    low, high = _check_bounds(min_value, max_value)
    elements = _elements(dtype, low, high, allow_subnormal)
    if shape is None:
        for value, name in ((min_dims, "min_dims"), (min_side, "min_side")):
            _check_count(value, name, minimum=0)
        for value, name in ((max_dims, "max_dims"), (max_side, "max_side")):
            _check_count(value, name, minimum=1)
        if min_dims > max_dims:
            msg = f"min_dims must be <= max_dims, got min_dims={min_dims}, max_dims={max_dims}"
            raise ValueError(msg)
        if min_side > max_side:
            msg = f"min_side must be <= max_side, got min_side={min_side}, max_side={max_side}"
            raise ValueError(msg)
        shape = hnp.array_shapes(
            min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
        )
    elif not isinstance(shape, st.SearchStrategy):
        shape = _check_shape(shape)
    return hnp.arrays(dtype, shape, elements=elements, unique=unique)


def _check_count(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        msg = f"{name} must be an integer, got {_describe(value)}"
        raise TypeError(msg)
    if value < minimum:
        msg = f"{name} must be >= {minimum}, got {value}"
        raise ValueError(msg)
    return int(value)


def nonzero_vectors(
    dim: int,
    *,
    dtype=np.float64,
    min_value: float | None = None,
    max_value: float | None = None,
    allow_subnormal: bool = True,
) -> st.SearchStrategy[np.ndarray]:
    """Finite 1-D vectors of length ``dim`` with a finite, non-zero norm.

    Guaranteed: every entry is finite and ``0 < numpy.linalg.norm(v) < inf``
    computed in ``dtype``, so ``v / numpy.linalg.norm(v)`` is a finite unit
    vector (the directions of directional derivatives). To that end entries
    are kept within ``sqrt(max / dim) / 2`` in absolute value (``max`` the
    largest value of ``dtype``: no overflow in the sum of squares), and one
    entry, at a drawn position, is at least ``2 * sqrt(tiny)`` in absolute
    value (``tiny`` the smallest normal: no underflow to a zero norm). The
    other entries may be zero, tiny or subnormal.

    Parameters
    ----------
    dim : int
        Length of the vectors, at least 1.
    dtype : {float64, float32, float16}, default float64
    min_value, max_value : float, optional
        Inclusive bounds on the entries, intersected with the range above.
    allow_subnormal : bool, default True
        Whether subnormal entries may be drawn.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of numpy.ndarray

    Raises
    ------
    TypeError
        If ``dim`` is not an integer or ``dtype`` is not a float dtype.
    ValueError
        If ``dim < 1`` or the bounds leave no vector with a positive norm.

    Examples
    --------
    >>> import numpy as np
    >>> from hypothesis import given
    >>> @given(nonzero_vectors(3))
    ... def test_unit(v):
    ...     u = v / np.linalg.norm(v)
    ...     assert abs(np.linalg.norm(u) - 1) < 1e-12
    >>> test_unit()
    """
    dim = check_positive_integer(dim, "dim")
    dtype = _float_dtype(dtype)
    low, high = _check_bounds(min_value, max_value)
    info = np.finfo(dtype)
    # Computed in float64, then rounded inward to dtype.
    largest = math.sqrt(float(info.max) / dim) / 2
    smallest_pivot = 2 * math.sqrt(float(info.smallest_normal))
    low = -largest if low is None else max(low, -largest)
    high = largest if high is None else min(high, largest)
    if low > high:
        msg = (
            f"min_value and max_value leave no entries within +-{largest:.3g}, the range "
            f"where the norm of a {dtype.name} vector of length {dim} cannot overflow"
        )
        raise ValueError(msg)
    low, high = _round_inward(low, high, dtype)
    width = dtype.itemsize * 8
    pivots = []
    if high >= smallest_pivot:
        pivots.append(finite_floats(max(low, smallest_pivot), high, width=width))
    if low <= -smallest_pivot:
        pivots.append(finite_floats(low, min(high, -smallest_pivot), width=width))
    if not pivots:
        msg = (
            f"min_value and max_value must allow an entry of absolute value at least "
            f"{smallest_pivot:.3g} (so the norm does not underflow to 0), got [{low}, {high}]"
        )
        raise ValueError(msg)
    entries = hnp.arrays(
        dtype, dim, elements=finite_floats(low, high, width=width, allow_subnormal=allow_subnormal)
    )
    pivot = st.one_of(pivots)

    @st.composite
    def vectors(draw) -> np.ndarray:
        vector = draw(entries)
        vector[draw(st.integers(0, dim - 1))] = draw(pivot)
        return vector

    return vectors()


def probabilities(
    exact: bool = False,
    *,
    min_value: float = 0,
    max_value: float = 1,
    exclude_min: bool = False,
    exclude_max: bool = False,
    max_denominator: int | None = None,
) -> st.SearchStrategy:
    """Probabilities: floats in [0, 1], or exact :class:`fractions.Fraction` values.

    Parameters
    ----------
    exact : bool, default False
        Draw :class:`fractions.Fraction` instead of float.
    min_value, max_value : float or Fraction, default 0 and 1
        A sub-interval of [0, 1] to draw from.
    exclude_min, exclude_max : bool, default False
        Leave out the end points (e.g. ``exclude_min=True`` for ``p`` in (0, 1]).
    max_denominator : int, optional
        Largest denominator of the fractions (``exact=True`` only).

    Returns
    -------
    hypothesis.strategies.SearchStrategy of float or Fraction

    Raises
    ------
    ValueError
        If the bounds are not in [0, 1], are in the wrong order, leave an
        empty interval, or ``max_denominator`` is given with ``exact=False``.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from hypothesis import given
    >>> @given(probabilities(exact=True, exclude_min=True))
    ... def test_in_range(p):
    ...     assert isinstance(p, Fraction) and 0 < p <= 1
    >>> test_in_range()
    """
    for value, name in ((min_value, "min_value"), (max_value, "max_value")):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            msg = f"{name} must be a number in [0, 1], got {_describe(value)}"
            raise TypeError(msg)
        if not 0 <= value <= 1:
            msg = f"{name} must be in [0, 1], got {value}"
            raise ValueError(msg)
    if min_value > max_value:
        msg = f"min_value must be <= max_value, got min_value={min_value}, max_value={max_value}"
        raise ValueError(msg)
    if min_value == max_value and (exclude_min or exclude_max):
        msg = f"the interval is empty: min_value = max_value = {min_value} with an end excluded"
        raise ValueError(msg)
    if not exact:
        if max_denominator is not None:
            msg = "max_denominator applies only with exact=True"
            raise ValueError(msg)
        return st.floats(
            min_value=float(min_value),
            max_value=float(max_value),
            exclude_min=exclude_min,
            exclude_max=exclude_max,
            allow_nan=False,
        )
    if max_denominator is not None:
        max_denominator = check_positive_integer(max_denominator, "max_denominator")
    low, high = Fraction(min_value), Fraction(max_value)
    strategy = st.fractions(min_value=low, max_value=high, max_denominator=max_denominator)
    if exclude_min:
        strategy = strategy.filter(lambda p: p != low)
    if exclude_max:
        strategy = strategy.filter(lambda p: p != high)
    return strategy


def seeds(*, allow_generator: bool = False) -> st.SearchStrategy:
    """Values valid as an ``rng`` argument, other than ``None``.

    Draws ints in ``[0, 2**64)`` and :class:`numpy.random.SeedSequence`
    objects (and, with ``allow_generator=True``, seeded
    :class:`numpy.random.Generator` objects). Each drawn value is seeded,
    so a test that uses it is reproducible. Use it to check that a random
    function gives the same result for the same seed.

    Parameters
    ----------
    allow_generator : bool, default False
        Also draw Generators (stateful: each use advances them).

    Returns
    -------
    hypothesis.strategies.SearchStrategy

    Examples
    --------
    >>> import numpy as np
    >>> from hypothesis import given
    >>> @given(seeds())
    ... def test_repeatable(seed):
    ...     first = np.random.default_rng(seed).random()
    ...     assert first == np.random.default_rng(seed).random()
    >>> test_repeatable()
    """
    if not isinstance(allow_generator, bool):
        msg = f"allow_generator must be True or False, got {_describe(allow_generator)}"
        raise TypeError(msg)
    entropy = st.integers(min_value=0, max_value=2**64 - 1)
    choices = [entropy, st.builds(np.random.SeedSequence, entropy)]
    if allow_generator:
        choices.append(st.builds(np.random.default_rng, entropy))
    return st.one_of(choices)


# --- floating-point formats (mathkit.precision) --------------------------------


def format_values(
    fmt,
    *,
    allow_nan: bool = False,
    allow_infinity: bool = False,
    allow_subnormal: bool = True,
    allow_negative: bool = True,
) -> st.SearchStrategy[float]:
    """Values of a floating-point format (:class:`mathkit.precision.Format`), as floats.

    Every value drawn is exactly representable in ``fmt`` (and, as every
    value of a format is, in float64). The extremes are drawn often: both
    zeros (``-0.0`` where the format has it), the smallest subnormal and
    normal values, 1 and the largest value, with either sign.

    Parameters
    ----------
    fmt : Format or str
        The format, or its name (``"float16"``, ``"bf16"``, ``"e4m3fn"``, ...).
    allow_nan : bool, default False
        Also draw NaN.
    allow_infinity : bool, default False
        Also draw ``+-inf`` (only where the format has infinities).
    allow_subnormal : bool, default True
        Whether subnormal values may be drawn (where the format has them).
    allow_negative : bool, default True
        Whether negative values (and ``-0.0``) may be drawn.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of float

    Raises
    ------
    TypeError
        If ``fmt`` is not a Format or format name, or a flag is not a bool.
    ValueError
        If ``fmt`` is an unknown name.

    Notes
    -----
    A value is built from its fields, ``(2^(p-1) + mantissa) 2^(e - p + 1)``
    with ``emin <= e <= emax`` and ``0 <= mantissa < 2^(p-1)`` (subnormals:
    ``mantissa 2^(emin - p + 1)``), then checked against ``fmt.max`` (the
    "fn" formats lose their top code to NaN).

    Examples
    --------
    >>> from hypothesis import given
    >>> from mathkit.precision import FLOAT16
    >>> @given(format_values(FLOAT16))
    ... def test_representable(x):
    ...     assert FLOAT16.is_representable(x)
    >>> test_representable()
    """
    from mathkit.precision.formats import as_format

    fmt = as_format(fmt)
    for value, name in (
        (allow_nan, "allow_nan"), (allow_infinity, "allow_infinity"),
        (allow_subnormal, "allow_subnormal"), (allow_negative, "allow_negative"),
    ):
        if not isinstance(value, bool):
            msg = f"{name} must be True or False, got {_describe(value)}"
            raise TypeError(msg)
    p = fmt.precision
    subnormal = allow_subnormal and fmt.subnormals
    normals = st.builds(
        lambda e, mantissa: math.ldexp(float((1 << (p - 1)) + mantissa), e - p + 1),
        st.integers(fmt.emin, fmt.emax),
        st.integers(0, (1 << (p - 1)) - 1),
    ).filter(lambda value: value <= fmt.max)
    magnitudes = [normals]
    if subnormal:
        magnitudes.append(st.builds(
            lambda mantissa: math.ldexp(float(mantissa), fmt.emin - p + 1),
            st.integers(1, (1 << (p - 1)) - 1),
        ))
    extremes = [0.0, fmt.min_normal, fmt.max, 1.0]
    if subnormal:
        extremes.append(fmt.min_subnormal)
    # 1 is not a value of every format (emin >= 1 without subnormals, or emax < 0)
    magnitudes.append(st.sampled_from([v for v in extremes if fmt.is_representable(v)]))
    magnitude = st.one_of(magnitudes)
    if allow_negative:
        def signed(pair):
            value, negative = pair
            if negative and (value != 0 or fmt.has_negative_zero):
                return -value
            return value

        values = st.tuples(magnitude, st.booleans()).map(signed)
    else:
        values = magnitude
    specials = []
    if allow_infinity and fmt.infinities:
        specials.extend([math.inf, -math.inf] if allow_negative else [math.inf])
    if allow_nan:
        specials.append(math.nan)
    if specials:
        values = st.one_of(values, st.sampled_from(specials))
    return values


def formats(*, max_bits: int | None = None, custom: bool = True) -> st.SearchStrategy:
    """Floating-point formats: the predefined ones and random valid custom ones.

    Parameters
    ----------
    max_bits : int, optional
        Only formats of at most this many bits (16 for those whose
        :meth:`~mathkit.precision.Format.values` can be listed).
    custom : bool, default True
        Also draw custom formats: precision 2 to 24, an exponent field of 2
        to 8 bits with the IEEE range (``emin = 1 - emax``) or a random one,
        with or without subnormals, and each NaN encoding ("ieee", "fn",
        "fnuz").

    Returns
    -------
    hypothesis.strategies.SearchStrategy of mathkit.precision.Format

    Raises
    ------
    TypeError
        If ``max_bits`` is not an integer or ``custom`` not a bool.
    ValueError
        If ``max_bits`` is below 4 (the smallest format has 4 bits).

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(formats(max_bits=16))
    ... def test_listable(fmt):
    ...     assert fmt.bits <= 16 and fmt.values().size % 2 == 1
    >>> test_listable()
    """
    from mathkit.precision.formats import FORMATS, Format

    if not isinstance(custom, bool):
        msg = f"custom must be True or False, got {_describe(custom)}"
        raise TypeError(msg)
    if max_bits is not None:
        max_bits = check_positive_integer(max_bits, "max_bits")
        if max_bits < 4:
            msg = f"max_bits must be at least 4 (the smallest format has 4 bits), got {max_bits}"
            raise ValueError(msg)

    def fits(fmt) -> bool:
        return max_bits is None or fmt.bits <= max_bits

    choices = [st.sampled_from([f for f in FORMATS.values() if fits(f)] or [None])]

    @st.composite
    def custom_formats(draw):
        nan = draw(st.sampled_from(("ieee", "fn", "fnuz")))
        top_width = 8 if max_bits is None else max(2, min(8, max_bits - 2))
        width = draw(st.integers(2, top_width))
        top_precision = 24 if max_bits is None else max(2, min(24, max_bits - width))
        precision = draw(st.integers(2, top_precision))
        # Normal binades that fill the exponent field (field 0 is for zero and
        # subnormals, and "ieee" keeps the all-ones field for inf and NaN).
        full = (1 << width) - (2 if nan == "ieee" else 1)
        binades = full if nan == "fn" else draw(st.integers(2, full))
        # the IEEE-style range, emin = 1 - emax (or nearly), or another one
        ieee_style = draw(st.booleans())
        emin = 1 - binades // 2 if ieee_style else draw(st.integers(-binades, 1))
        return Format(precision, emin, emin + binades - 1, subnormals=draw(st.booleans()),
                      infinities=nan == "ieee", nan=nan)

    if custom:
        choices.append(custom_formats().filter(fits))
    return st.one_of(choices).filter(lambda fmt: fmt is not None)




# --- symmetric matrices with a controlled spectrum (quadratic forms) -----------------


def _size_strategy(n, name: str = "n", minimum: int = 1) -> st.SearchStrategy[int]:
    if isinstance(n, st.SearchStrategy):
        return n.filter(lambda size: size >= minimum)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        msg = f"{name} must be an integer or a strategy of integers, got {_describe(n)}"
        raise TypeError(msg)
    if n < minimum:
        msg = f"{name} must be >= {minimum}, got {n}"
        raise ValueError(msg)
    return st.just(int(n))


def _log_range(value, name: str, minimum: float) -> tuple[float, float]:
    """A number or a (low, high) pair, checked, as log10 bounds."""
    pair = value if isinstance(value, tuple | list) else (value, value)
    if len(pair) != 2 or not all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) for v in pair
    ):
        msg = f"{name} must be a number or a (low, high) pair of numbers, got {_describe(value)}"
        raise TypeError(msg)
    low, high = float(pair[0]), float(pair[1])
    if not (math.isfinite(low) and math.isfinite(high)) or low < minimum or low > high:
        msg = f"{name} must satisfy {minimum:g} <= low <= high < inf, got {_describe(value)}"
        raise ValueError(msg)
    return math.log10(low), math.log10(high)


def _log_uniform(log_range: tuple[float, float]) -> st.SearchStrategy[float]:
    low, high = log_range
    if low == high:
        return st.just(10.0**low)
    return st.floats(low, high).map(lambda e: 10.0**e)


@st.composite
def _orthogonal_matrices(draw, n: int) -> np.ndarray:
    """Q of the QR factorization of a drawn matrix: orthogonal to rounding (Householder)."""
    seed = draw(hnp.arrays(np.float64, (n, n), elements=st.floats(-1.0, 1.0)))
    q, _ = np.linalg.qr(seed)
    return q


def _symmetric(q: np.ndarray, eigenvalues: np.ndarray) -> np.ndarray:
    matrix = (q * eigenvalues) @ q.T
    return 0.5 * matrix + 0.5 * matrix.T


def spd_matrices(
    n,
    condition_number=None,
    *,
    scale=(1e-3, 1e3),
) -> st.SearchStrategy[np.ndarray]:
    """Symmetric positive definite matrices with a controlled condition number.

    Each matrix is ``Q diag(lambda) Q^T`` (symmetrized) with ``Q`` orthogonal
    (from the QR factorization of a drawn matrix) and eigenvalues
    ``lambda_min = s``, ``lambda_max = s * kappa`` and the others between
    them, ``kappa`` and ``s`` drawn log-uniformly. Hypothesis shrinks
    towards diagonal matrices.

    Parameters
    ----------
    n : int or hypothesis strategy of int
        The size (>= 1). For ``n = 1`` the condition number is 1.
    condition_number : float or (float, float), optional
        The condition number ``kappa``, or a range to draw it from
        (log-uniformly). Default ``(1, 1e6)``.
    scale : float or (float, float), default (1e-3, 1e3)
        The smallest eigenvalue ``s``, or a range to draw it from.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of numpy.ndarray
        Float64 arrays of shape ``(n, n)``, exactly symmetric, whose
        computed condition number is ``kappa`` to a relative error of about
        ``n * kappa * eps``.

    Raises
    ------
    TypeError
        If ``n`` is not an integer or a strategy, or a range is not numbers.
    ValueError
        If ``n < 1``, ``condition_number < 1``, ``scale <= 0``, a range has
        ``low > high``, or a bound is not finite.

    Examples
    --------
    >>> import numpy as np
    >>> from hypothesis import given
    >>> @given(spd_matrices(3, condition_number=(1, 100)))
    ... def test_positive_definite(A):
    ...     w = np.linalg.eigvalsh(A)
    ...     assert w[0] > 0 and w[-1] / w[0] <= 100 * (1 + 1e-10)
    >>> test_positive_definite()
    """
    sizes = _size_strategy(n)
    kappas = _log_uniform(_log_range((1.0, 1e6) if condition_number is None
                                     else condition_number, "condition_number", 1.0))
    scales = _log_uniform(_log_range(scale, "scale", math.ulp(0.0)))

    @st.composite
    def matrices(draw) -> np.ndarray:
        size = draw(sizes)
        kappa, smallest = draw(kappas), draw(scales)
        exponents = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=size, max_size=size)))
        exponents = np.sort(exponents)
        exponents[0] = 0.0
        if size > 1:
            exponents[-1] = 1.0
        return _symmetric(draw(_orthogonal_matrices(size)), smallest * kappa**exponents)

    return matrices()


def psd_matrices(
    n,
    rank=None,
    *,
    condition_number=(1.0, 1e3),
    scale=(1e-3, 1e3),
) -> st.SearchStrategy[np.ndarray]:
    """Symmetric positive semidefinite matrices of a given rank.

    ``Q diag(lambda) Q^T`` (symmetrized) with ``n - rank`` zero eigenvalues
    and ``rank`` positive ones in ``[s, s * kappa]``. The zero eigenvalues
    are computed as ``O(n eps max|lambda|)``: within the default threshold of
    :meth:`mathkit.quadratic.QuadraticForm.classify`.

    Parameters
    ----------
    n : int or hypothesis strategy of int
        The size (>= 1).
    rank : int or hypothesis strategy of int, optional
        The rank, ``0 <= rank <= n``. Default: drawn from ``[0, n - 1]``, so
        that the matrix is singular.
    condition_number : float or (float, float), default (1, 1e3)
        Ratio of the largest to the smallest non-zero eigenvalue, or a range.
    scale : float or (float, float), default (1e-3, 1e3)
        The smallest non-zero eigenvalue, or a range.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of numpy.ndarray

    Raises
    ------
    TypeError
        If ``n`` or ``rank`` is not an integer or a strategy.
    ValueError
        If ``n < 1``, ``rank`` is outside ``[0, n]`` (when both are
        integers), or a range is invalid.

    Examples
    --------
    >>> import numpy as np
    >>> from hypothesis import given
    >>> @given(psd_matrices(4, rank=2))
    ... def test_rank(A):
    ...     assert np.linalg.matrix_rank(A, hermitian=True) == 2
    >>> test_rank()
    """
    sizes = _size_strategy(n)
    if rank is not None and not isinstance(rank, st.SearchStrategy):
        if isinstance(rank, bool) or not isinstance(rank, numbers.Integral):
            msg = f"rank must be an integer, a strategy of integers or None, got {_describe(rank)}"
            raise TypeError(msg)
        if rank < 0 or (isinstance(n, numbers.Integral) and rank > n):
            msg = f"rank must be in [0, n], got rank={rank}, n={n}"
            raise ValueError(msg)
    kappas = _log_uniform(_log_range(condition_number, "condition_number", 1.0))
    scales = _log_uniform(_log_range(scale, "scale", math.ulp(0.0)))

    @st.composite
    def matrices(draw) -> np.ndarray:
        size = draw(sizes)
        if rank is None:
            r = draw(st.integers(0, size - 1))
        elif isinstance(rank, st.SearchStrategy):
            r = draw(rank.filter(lambda value: 0 <= value <= size))
        else:
            r = int(rank)
            if r > size:
                msg = f"rank must be in [0, n], got rank={r}, n={size}"
                raise ValueError(msg)
        kappa, smallest = draw(kappas), draw(scales)
        exponents = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=r, max_size=r)))
        eigenvalues = np.zeros(size)
        eigenvalues[:r] = smallest * kappa**exponents
        return _symmetric(draw(_orthogonal_matrices(size)), eigenvalues)

    return matrices()


def indefinite_matrices(
    n,
    *,
    condition_number=(1.0, 1e3),
    scale=(1e-3, 1e3),
) -> st.SearchStrategy[np.ndarray]:
    """Symmetric indefinite, invertible matrices: at least one eigenvalue of each sign.

    ``Q diag(lambda) Q^T`` (symmetrized) with ``|lambda|`` in
    ``[s, s * kappa]`` and random signs, at least one negative and one
    positive.

    Parameters
    ----------
    n : int or hypothesis strategy of int
        The size (>= 2).
    condition_number : float or (float, float), default (1, 1e3)
        Ratio of the largest to the smallest ``|lambda|``, or a range.
    scale : float or (float, float), default (1e-3, 1e3)
        The smallest ``|lambda|``, or a range.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of numpy.ndarray

    Raises
    ------
    TypeError
        If ``n`` is not an integer or a strategy.
    ValueError
        If ``n < 2`` or a range is invalid.

    Examples
    --------
    >>> import numpy as np
    >>> from hypothesis import given
    >>> @given(indefinite_matrices(3))
    ... def test_both_signs(A):
    ...     w = np.linalg.eigvalsh(A)
    ...     assert w[0] < 0 < w[-1]
    >>> test_both_signs()
    """
    sizes = _size_strategy(n, minimum=2)
    kappas = _log_uniform(_log_range(condition_number, "condition_number", 1.0))
    scales = _log_uniform(_log_range(scale, "scale", math.ulp(0.0)))

    @st.composite
    def matrices(draw) -> np.ndarray:
        size = draw(sizes)
        kappa, smallest = draw(kappas), draw(scales)
        exponents = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=size, max_size=size)))
        signs = np.array(draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=size,
                                       max_size=size)))
        signs[0], signs[1] = -1.0, 1.0
        return _symmetric(draw(_orthogonal_matrices(size)), signs * smallest * kappa**exponents)

    return matrices()




# --- random walks (mathkit.walks) ---------------------------------------------------


def step_laws(
    exact: bool = False,
    *,
    min_step: int = -3,
    max_step: int = 3,
    max_size: int = 4,
) -> st.SearchStrategy:
    """Finite integer step laws ``{step: probability}`` for :class:`mathkit.walks.Walk`.

    Parameters
    ----------
    exact : bool, default False
        Draw :class:`fractions.Fraction` probabilities (summing to exactly 1)
        instead of floats (summing to 1 within rounding).
    min_step, max_step : int, default -3 and 3
        The steps are distinct integers in ``[min_step, max_step]``.
    max_size : int, default 4
        Most steps in a law (at least 1 step is drawn).

    Returns
    -------
    hypothesis.strategies.SearchStrategy of dict
        Every probability is positive.

    Raises
    ------
    TypeError
        If a bound or ``max_size`` is not an integer.
    ValueError
        If ``min_step > max_step`` or ``max_size < 1``.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(step_laws(exact=True))
    ... def test_sums_to_one(law):
    ...     assert sum(law.values()) == 1 and min(law.values()) > 0
    >>> test_sums_to_one()
    """
    for value, name in ((min_step, "min_step"), (max_step, "max_step")):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            msg = f"{name} must be an integer, got {_describe(value)}"
            raise TypeError(msg)
    if min_step > max_step:
        msg = f"min_step must be <= max_step, got min_step={min_step}, max_step={max_step}"
        raise ValueError(msg)
    max_size = check_positive_integer(max_size, "max_size")
    max_size = min(max_size, max_step - min_step + 1)
    steps = st.lists(st.integers(min_step, max_step), min_size=1, max_size=max_size,
                     unique=True)

    @st.composite
    def laws(draw):
        chosen = sorted(draw(steps))
        weights = draw(st.lists(st.integers(1, 20), min_size=len(chosen),
                                max_size=len(chosen)))
        total = sum(weights)
        if exact:
            return {s: Fraction(w, total) for s, w in zip(chosen, weights, strict=True)}
        return {s: w / total for s, w in zip(chosen, weights, strict=True)}

    return laws()


def simple_walks(exact: bool = False, *, allow_degenerate: bool = False) -> st.SearchStrategy:
    """Simple random walks :class:`mathkit.walks.SimpleWalk` with a drawn ``p``.

    Parameters
    ----------
    exact : bool, default False
        Draw ``p`` as a :class:`fractions.Fraction` (denominator at most 20),
        else as a float.
    allow_degenerate : bool, default False
        Allow ``p = 0`` and ``p = 1``.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of SimpleWalk

    Raises
    ------
    TypeError
        If ``exact`` or ``allow_degenerate`` is not a bool.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(simple_walks(exact=True))
    ... def test_p_plus_q(walk):
    ...     assert walk.p + walk.q == 1 and 0 < walk.p < 1
    >>> test_p_plus_q()
    """
    from mathkit.walks import SimpleWalk

    for value, name in ((exact, "exact"), (allow_degenerate, "allow_degenerate")):
        if not isinstance(value, bool):
            msg = f"{name} must be True or False, got {_describe(value)}"
            raise TypeError(msg)
    inner = not allow_degenerate
    p = probabilities(exact=exact, exclude_min=inner, exclude_max=inner,
                      max_denominator=20 if exact else None)
    return p.map(SimpleWalk)
