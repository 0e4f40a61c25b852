"""Exact derivatives of sympy expressions, evaluated exactly or in floating point.

The functions of :mod:`mathkit.calculus.directional` accept a sympy
expression in place of a Python callable. This module is where such an
expression is checked, differentiated (``sympy.diff``) and evaluated: exactly,
at a point whose coordinates are exact numbers (ints, :class:`fractions.Fraction`,
sympy ``Rational`` or other exact real sympy numbers such as ``sqrt(2)``), or
in float64 through :func:`sympy.lambdify` (numpy, with common subexpressions
eliminated) at a floating-point point.

sympy is imported here, at the top; the rest of :mod:`mathkit.calculus`
imports this module only when it is given a sympy expression or asked for
``method="symbolic"``.
"""

from __future__ import annotations

import functools
import math
import numbers
import sys
from fractions import Fraction

import mpmath
import numpy as np
import sympy

__all__ = [
    "exact_array",
    "exact_power_bits",
    "is_exact_number",
    "is_sympy_input",
    "lambdify_vectorized",
]


def is_sympy_input(f) -> bool:
    """True when ``f`` is a sympy expression, matrix, or a list/tuple of expressions.

    Parameters
    ----------
    f : object
        Anything.

    Returns
    -------
    bool

    Notes
    -----
    Recognised without importing sympy (a sympy object can exist only once
    sympy is imported), as :mod:`mathkit._validate` does for sympy numbers.

    Examples
    --------
    >>> import sympy
    >>> is_sympy_input(sympy.Symbol("x") ** 2), is_sympy_input(abs)
    (True, False)
    """
    module = sys.modules.get("sympy")
    if module is None:
        return False
    if isinstance(f, module.Expr | module.MatrixBase):
        return True
    return (
        isinstance(f, list | tuple)
        and len(f) > 0
        and all(isinstance(item, module.Expr) for item in f)
    )


def is_exact_number(value) -> bool:
    """True for an exact real number: int, Fraction, or a real sympy number without floats.

    Parameters
    ----------
    value : object
        Anything.

    Returns
    -------
    bool
        False for bools, floats, sympy ``Float`` (or expressions holding
        one), infinities, non-real and symbolic values.

    Notes
    -----
    Exact numbers give exact derivatives: the functions of
    :mod:`mathkit.calculus.directional` take the exact path when the point
    and direction hold only such numbers.

    Examples
    --------
    >>> import sympy
    >>> from fractions import Fraction
    >>> [is_exact_number(v) for v in (2, Fraction(1, 3), sympy.sqrt(2), 0.5, True)]
    [True, True, True, False, False]
    """
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, numbers.Integral | Fraction):
        return True
    if isinstance(value, sympy.Basic):
        return bool(
            value.is_number
            and value.is_extended_real
            and value.is_finite
            and not value.has(sympy.Float)
        )
    return False


def exact_array(values) -> np.ndarray | None:
    """``values`` as an object array of exact sympy numbers, or None if any entry is inexact.

    Parameters
    ----------
    values : array_like
        Numbers, nested like an array.

    Returns
    -------
    numpy.ndarray of object, or None
        Fractions become sympy ``Rational``, ints sympy ``Integer``; None when
        an entry is not exact (see :func:`is_exact_number`) or there are none.

    Notes
    -----
    Integer numpy arrays count as exact; float arrays and Python floats do not.

    Examples
    --------
    >>> exact_array([1, 2])
    array([1, 2], dtype=object)
    >>> exact_array([1, 0.5]) is None
    True
    """
    if isinstance(values, np.ndarray) and values.dtype.kind in "fc":
        return None
    try:
        array = np.asarray(values, dtype=object)
    except (TypeError, ValueError):
        return None
    if array.size == 0 or not all(is_exact_number(entry) for entry in array.flat):
        return None
    return np.vectorize(_to_sympy, otypes=[object])(array)


def _to_sympy(value):
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    return sympy.sympify(int(value) if isinstance(value, numbers.Integral) else value)


def _expression_and_symbols(f, variables, name: str = "f"):
    """Check a sympy input and its variables: ``(matrix, symbols, scalar)``.

    ``matrix`` is a column :class:`sympy.Matrix` of the components (one row
    for a scalar expression); ``scalar`` says whether ``f`` was a single
    expression. ``variables`` defaults to the free symbols sorted by name.
    """
    scalar = isinstance(f, sympy.Expr)
    if scalar:
        components = [f]
    elif isinstance(f, sympy.MatrixBase):
        if 1 not in f.shape:
            msg = f"{name} must be a scalar expression or a vector of them, got a {f.shape} matrix"
            raise ValueError(msg)
        components = list(f)
    else:
        components = list(f)
    for component in components:
        if not isinstance(component, sympy.Expr):
            msg = f"{name} must hold sympy expressions, got {type(component).__name__}"
            raise TypeError(msg)
        if component.atoms(sympy.core.function.AppliedUndef):
            msg = f"{name} must not contain undefined functions, got {component}"
            raise ValueError(msg)
    matrix = sympy.ImmutableMatrix(components)
    free = set().union(*(c.free_symbols for c in components))
    symbols = _symbols(variables, free, name)
    extra = free - set(symbols)
    if extra:
        names = ", ".join(sorted(str(s) for s in extra))
        given = ", ".join(str(s) for s in symbols)
        msg = f"{name} has free symbols not among variables ({given}): {names}"
        raise ValueError(msg)
    return matrix, symbols, scalar


def _symbols(variables, free, name: str) -> tuple:
    if variables is None:
        if not free:
            msg = f"{name} has no free symbols: pass variables= to say what it depends on"
            raise ValueError(msg)
        return tuple(sorted(free, key=lambda s: (s.name, str(s.assumptions0))))
    if isinstance(variables, str):
        variables = [part.strip() for part in variables.split(",") if part.strip()]
    elif isinstance(variables, sympy.Symbol):
        variables = [variables]
    by_name = {s.name: s for s in free}
    symbols = []
    for item in variables:
        if isinstance(item, str):
            symbols.append(by_name.get(item, sympy.Symbol(item)))
        elif isinstance(item, sympy.Symbol):
            symbols.append(item)
        else:
            msg = f"variables must be sympy Symbols or names, got {type(item).__name__} {item!r}"
            raise TypeError(msg)
    if not symbols:
        msg = "variables must name at least one variable, got none"
        raise ValueError(msg)
    if len(set(symbols)) != len(symbols):
        msg = f"variables must be distinct, got {', '.join(map(str, symbols))}"
        raise ValueError(msg)
    return tuple(symbols)


def _as_real(symbols: tuple) -> tuple[dict, dict]:
    """Substitutions to real dummy symbols and back.

    The coordinates of a point are real, so derivatives are taken with real
    variables: ``d|y|/dy`` is then ``sign(y)``, not an expression in
    ``re(y)``, ``im(y)`` and their derivatives.
    """
    reals = tuple(sympy.Dummy(s.name, real=True) for s in symbols)
    return dict(zip(symbols, reals, strict=True)), dict(zip(reals, symbols, strict=True))


@functools.lru_cache(maxsize=256)
def _jacobian_matrix(matrix, symbols: tuple):
    """The Jacobian (components x variables) of a column matrix, cached."""
    forward, back = _as_real(symbols)
    reals = sympy.Matrix([forward[s] for s in symbols])
    return sympy.ImmutableMatrix(matrix.xreplace(forward).jacobian(reals).xreplace(back))


@functools.lru_cache(maxsize=256)
def _hessian_matrix(expr, symbols: tuple):
    """The Hessian of a scalar expression, cached."""
    forward, back = _as_real(symbols)
    reals = [forward[s] for s in symbols]
    return sympy.ImmutableMatrix(sympy.hessian(expr.xreplace(forward), reals).xreplace(back))


@functools.lru_cache(maxsize=256)
def _lambdified(matrix, symbols: tuple):
    return sympy.lambdify(symbols, list(matrix), modules="numpy", cse=True)


def lambdify_vectorized(matrix, symbols: tuple):
    """A numpy function of points ``(..., d)`` returning ``(..., *shape)`` for ``matrix``.

    Parameters
    ----------
    matrix : sympy.Matrix
        The expressions.
    symbols : sequence of sympy.Symbol
        The variables, in the order of the last axis of the points.

    Returns
    -------
    callable
        ``evaluate(points) -> numpy.ndarray`` of shape
        ``points.shape[:-1] + matrix.shape``.

    Notes
    -----
    Built with :func:`sympy.lambdify` (numpy module, common subexpressions
    eliminated) and cached per expression. Complex points give complex
    results, which the complex-step method needs; floating-point warnings
    are silenced (non-finite values are the caller's to report).

    Examples
    --------
    >>> import numpy as np, sympy
    >>> x, y = sympy.symbols("x y")
    >>> fn = lambdify_vectorized(sympy.Matrix([x * y, x + 1]), (x, y))
    >>> values = fn(np.array([[1.0, 2.0], [3.0, 4.0]]))  # points (2, 2) -> (2, *matrix.shape)
    >>> values.shape, values[:, :, 0]
    ((2, 2, 1), array([[ 2.,  2.],
           [12.,  4.]]))
    """
    matrix = sympy.ImmutableMatrix(matrix)
    function = _lambdified(matrix, tuple(symbols))
    shape = matrix.shape

    def evaluate(points):
        points = np.asarray(points)
        batch = points.shape[:-1]
        with np.errstate(all="ignore"):
            entries = function(*np.moveaxis(points, -1, 0))
        dtype = np.result_type(points.dtype, *[np.asarray(e).dtype for e in entries])
        if dtype.kind not in "fc":
            dtype = np.float64
        stacked = np.stack([np.broadcast_to(e, batch).astype(dtype) for e in entries], axis=-1)
        return stacked.reshape((*batch, *shape))

    return evaluate


def _evaluate_exact(matrix, symbols: tuple, points: np.ndarray, what: str) -> np.ndarray:
    """Evaluate every entry of ``matrix`` exactly at object points ``(..., d)``.

    Returns an object array of shape ``(..., *matrix.shape)``. Raises
    ``ValueError`` where a value is undefined or infinite (a pole).
    """
    batch = points.shape[:-1]
    out = np.empty((*batch, *matrix.shape), dtype=object)
    for index in np.ndindex(*batch):
        point = points[index]
        replacement = dict(zip(symbols, point, strict=True))
        where = ", ".join(f"{s}={p}" for s, p in zip(symbols, point, strict=True))
        try:
            values = matrix.xreplace(replacement)
        except (ValueError, TypeError, ArithmeticError) as error:
            msg = f"the {what} cannot be evaluated at ({where}): {error}".strip()
            raise ValueError(msg) from None
        for entry_index in np.ndindex(*matrix.shape):
            value = values[entry_index]
            if value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo) or value.is_finite is False:
                msg = f"the {what} is undefined at ({where}): got {value}"
                raise ValueError(msg)
            if value.free_symbols or value.has(sympy.Derivative):
                msg = f"the {what} has no value at ({where}): got {value}"
                raise ValueError(msg)
            if value.is_extended_real is False:
                msg = f"the {what} is not real at ({where}): got {value}"
                raise ValueError(msg)
            out[(*index, *entry_index)] = value
    return out


def _evaluate_float(matrix, symbols: tuple, points: np.ndarray, what: str) -> np.ndarray:
    """Evaluate every entry of ``matrix`` in float64 at points ``(..., d)``.

    Raises ``ValueError`` where a value is not finite or not real.
    """
    with np.errstate(all="ignore"):
        values = lambdify_vectorized(matrix, symbols)(points.astype(np.float64))
    if values.dtype.kind == "c":
        if np.any(values.imag != 0):
            msg = f"the {what} is not real at some point (complex value from the formula)"
            raise ValueError(msg)
        values = values.real
    values = np.asarray(values, dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        point = points[index[: points.ndim - 1]]
        where = ", ".join(f"{s}={float(p)!r}" for s, p in zip(symbols, point, strict=True))
        msg = f"the {what} is not finite at ({where}): got {values[index]}"
        raise ValueError(msg)
    return values


def exact_power_bits(expr, symbols: tuple, point) -> float:
    """An estimate of the bit size of the largest power in ``expr`` at an exact ``point``.

    Parameters
    ----------
    expr : sympy.Expr
        The expression.
    symbols : sequence of sympy.Symbol
        Its variables.
    point : sequence
        Exact coordinates, one per variable.

    Returns
    -------
    float
        ``max |e| log2 |b|`` over the powers ``b**e`` of ``expr`` at the
        point (``inf`` when a base or exponent is itself beyond ``1e300``).

    Notes
    -----
    Each base and exponent is evaluated with ``evalf`` (mpmath floats, whose
    exponents do not overflow), never the power itself. The command line
    uses it to skip exact evaluations that would build astronomically large
    integers (``x**y`` at ``x = y = 10**300`` has about ``10**303`` bits).

    Examples
    --------
    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> exact_power_bits(x**y, (x, y), (2, 10)) == 10.0
    True
    """
    replacement = dict(zip(symbols, (sympy.sympify(p) for p in point), strict=True))
    largest = 0.0
    for power in expr.atoms(sympy.Pow):
        base = _magnitude(power.base, replacement)
        exponent = _magnitude(power.exp, replacement)
        if base is None or exponent is None:
            return math.inf
        if base == 0:
            continue
        largest = max(largest, float(exponent * abs(mpmath.log(base, 2))))
    return largest


def _magnitude(expr, replacement):
    """``|expr|`` at the point as an mpmath number (no exact arithmetic), or None."""
    try:
        value = sympy.Abs(expr.evalf(15, subs=replacement)).evalf(15)
        return mpmath.mpf(value) if value.is_number and value.is_finite else None
    except (TypeError, ValueError, OverflowError):
        return None
