"""Shared input checks.

Each check takes the value and the argument's ``name`` and either returns the
value in a normal form or raises ``TypeError`` (wrong kind of thing) or
``ValueError`` (right kind, impossible value) with a message that names the
argument, what was expected and what was given: ``p must be in [0, 1], got 1.2``.

This module imports only numpy; sympy values are recognised without importing
sympy (a sympy object can exist only once sympy has been imported).
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Sequence

import numpy as np

__all__ = [
    "check_dtype",
    "check_finite_array",
    "check_nonnegative_integer",
    "check_nonzero_vector",
    "check_one_of",
    "check_positive_integer",
    "check_probability",
    "check_shape",
    "check_square_matrix",
]


def _describe(value) -> str:
    """A short rendering of a bad value for an error message."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _sympy_number(value) -> bool:
    sympy = sys.modules.get("sympy")
    return sympy is not None and isinstance(value, sympy.Basic) and bool(value.is_number)


def _is_real_number(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, numbers.Real):
        return True
    return _sympy_number(value) and bool(value.is_real)


def check_probability(p, name: str = "p"):
    """Check that ``p`` is a real number in [0, 1]; return it unchanged.

    Accepts int, float, numpy scalars, :class:`fractions.Fraction` and sympy
    numbers (exactness is kept). Symbols are the caller's business.

    Examples
    --------
    >>> check_probability(0.25)
    0.25
    >>> check_probability(1.2)
    Traceback (most recent call last):
    ...
    ValueError: p must be in [0, 1], got 1.2
    """
    if not _is_real_number(p):
        msg = f"{name} must be a real number in [0, 1], got {type(p).__name__} {_describe(p)}"
        raise TypeError(msg)
    if isinstance(p, float | np.floating) and math.isnan(p):
        msg = f"{name} must be in [0, 1], got nan"
        raise ValueError(msg)
    if not 0 <= p <= 1:
        msg = f"{name} must be in [0, 1], got {p}"
        raise ValueError(msg)
    return p


def _integer(n, name: str, expected: str) -> int:
    if isinstance(n, bool) or not (
        isinstance(n, numbers.Integral) or (_sympy_number(n) and n.is_integer)
    ):
        msg = f"{name} must be {expected}, got {type(n).__name__} {_describe(n)}"
        raise TypeError(msg)
    return int(n)


def check_nonnegative_integer(n, name: str = "n") -> int:
    """Check that ``n`` is an integer >= 0 (not a bool, not a float); return it as int.

    Examples
    --------
    >>> check_nonnegative_integer(3)
    3
    >>> check_nonnegative_integer(-1)
    Traceback (most recent call last):
    ...
    ValueError: n must be a non-negative integer, got -1
    """
    value = _integer(n, name, "a non-negative integer")
    if value < 0:
        msg = f"{name} must be a non-negative integer, got {value}"
        raise ValueError(msg)
    return value


def check_positive_integer(n, name: str = "n") -> int:
    """Check that ``n`` is an integer >= 1; return it as int.

    Examples
    --------
    >>> check_positive_integer(0, "n_walks")
    Traceback (most recent call last):
    ...
    ValueError: n_walks must be a positive integer, got 0
    """
    value = _integer(n, name, "a positive integer")
    if value < 1:
        msg = f"{name} must be a positive integer, got {value}"
        raise ValueError(msg)
    return value


def check_finite_array(x, name: str = "x", dtype=np.float64) -> np.ndarray:
    """Convert ``x`` to a numpy array of ``dtype`` and check every entry is finite.

    Raises ``TypeError`` for non-numeric input (strings, objects, complex when
    ``dtype`` is real) and ``ValueError`` naming the first non-finite entry.

    Examples
    --------
    >>> check_finite_array([1, 2.5])
    array([1. , 2.5])
    >>> check_finite_array([1.0, float("nan")])
    Traceback (most recent call last):
    ...
    ValueError: x must be finite, got nan at index (1,)
    """
    target = np.dtype(dtype)
    try:
        array = np.asarray(x)
    except (TypeError, ValueError) as error:
        msg = f"{name} must be an array of numbers, got {type(x).__name__}: {error}"
        raise TypeError(msg) from None
    allowed = "biuf" + ("c" if target.kind == "c" else "")
    if array.dtype.kind not in allowed:
        msg = f"{name} must be an array of {target.name} numbers, got dtype {array.dtype}"
        raise TypeError(msg)
    array = array.astype(target, copy=False)
    bad = ~np.isfinite(array)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        msg = f"{name} must be finite, got {array[where]} at index {where}"
        raise ValueError(msg)
    return array


def check_shape(x: np.ndarray, name: str, expected: Sequence[int | None]) -> np.ndarray:
    """Check ``x.shape`` against ``expected``, where ``None`` matches any length.

    Examples
    --------
    >>> import numpy as np
    >>> check_shape(np.zeros((2, 3)), "A", (None, 2))
    Traceback (most recent call last):
    ...
    ValueError: A must have shape (*, 2), got (2, 3)
    """
    shape = np.shape(x)
    if len(shape) != len(expected) or any(
        want is not None and want != got for want, got in zip(expected, shape, strict=False)
    ):
        wanted = ", ".join("*" if want is None else str(want) for want in expected)
        trailing = "," if len(expected) == 1 else ""
        msg = f"{name} must have shape ({wanted}{trailing}), got {shape}"
        raise ValueError(msg)
    return x


def check_square_matrix(A, name: str = "A") -> np.ndarray:
    """Check that ``A`` is a finite 2-D square matrix; return it as float64.

    Examples
    --------
    >>> check_square_matrix([[1, 2, 3]])
    Traceback (most recent call last):
    ...
    ValueError: A must be a square matrix, got shape (1, 3)
    """
    array = check_finite_array(A, name)
    if array.ndim != 2 or array.shape[0] != array.shape[1]:
        msg = f"{name} must be a square matrix, got shape {array.shape}"
        raise ValueError(msg)
    return array


def check_nonzero_vector(v, name: str = "v") -> np.ndarray:
    """Check that ``v`` is a finite 1-D vector that is not all zeros.

    Examples
    --------
    >>> check_nonzero_vector([0, 0])
    Traceback (most recent call last):
    ...
    ValueError: v must be a non-zero vector, got all zeros of length 2
    """
    array = check_finite_array(v, name)
    if array.ndim != 1:
        msg = f"{name} must be a 1-D vector, got shape {array.shape}"
        raise ValueError(msg)
    if not array.any():
        msg = f"{name} must be a non-zero vector, got all zeros of length {array.size}"
        raise ValueError(msg)
    return array


def check_dtype(x, name: str, allowed: Sequence) -> np.dtype:
    """Check that ``x`` has one of the ``allowed`` dtypes; return its dtype.

    Examples
    --------
    >>> import numpy as np
    >>> check_dtype(np.zeros(2, np.int8), "x", [np.float32, np.float64])
    Traceback (most recent call last):
    ...
    TypeError: x must have dtype float32 or float64, got int8
    """
    dtype = np.asarray(x).dtype if not hasattr(x, "dtype") else np.dtype(x.dtype)
    names = [np.dtype(kind) for kind in allowed]
    if dtype not in names:
        wanted = " or ".join(", ".join(str(d) for d in names).rsplit(", ", 1))
        msg = f"{name} must have dtype {wanted}, got {dtype}"
        raise TypeError(msg)
    return dtype


def check_one_of(value, name: str, choices: Sequence[str]) -> str:
    """Check that ``value`` is one of the strings in ``choices``.

    Examples
    --------
    >>> check_one_of("fast", "backend", ["auto", "numpy"])
    Traceback (most recent call last):
    ...
    ValueError: backend must be one of 'auto', 'numpy', got 'fast'
    """
    if not isinstance(value, str):
        options = ", ".join(map(repr, choices))
        msg = f"{name} must be a string, one of {options}, got {_describe(value)}"
        raise TypeError(msg)
    if value not in choices:
        msg = f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}"
        raise ValueError(msg)
    return value

