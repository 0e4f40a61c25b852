"""Check a numeric function against a sympy expression, point by point.

:func:`agree` evaluates a sympy expression *exactly* (the floating-point point
is turned into exact rationals and the result is computed by sympy's adaptive
``evalf``, which raises its working precision until the requested number of
digits is right, cancellation included) and compares it with a numeric
function at sampled and given points. :func:`assert_agree` does the same and
raises :class:`AssertionError` when they disagree, for use in tests.

The numeric side is the code under test; the symbolic side is the reference.
A point passes when ``|numeric - reference| <= atol + rtol * |reference|``.

Examples
--------
>>> import math, sympy
>>> x = sympy.Symbol("x")
>>> agree(sympy.exp(x) - 1, math.expm1, x, domain=(-1e-3, 1e-3), rng=0).passed
True
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy
from sympy.core.evalf import PrecisionExhausted
from sympy.core.function import AppliedUndef

from mathkit._validate import (
    _describe,
    _is_real_number,
    check_finite_array,
    check_nonnegative_integer,
)

__all__ = ["AgreementReport", "agree", "assert_agree"]

#: Extra digits evalf may use, in turn, to resolve cancellation before it gives up.
#: The last rung covers ``1 - cos(x)`` at the smallest subnormal (about 650 digits).
_EXTRA_DIGITS = (100, 1500)
_MIN_PRECISION = 16
_FLOAT64_BITS = 53
_MAX_DETAILS = 5


@dataclass(frozen=True)
class AgreementReport:
    """What :func:`agree` found.

    Attributes
    ----------
    passed : bool
        True when every point is within tolerance. The report is also truthy
        exactly when it passed, so ``assert agree(...)`` works.
    n_points : int
        Points compared (given points first, then sampled ones).
    failures : int
        Points outside tolerance, non-finite mismatches included.
    max_abs_error : float
        Largest ``|numeric - reference|`` (``inf`` where one side is non-finite
        and they do not match).
    max_rel_error : float
        Largest ``|numeric - reference| / |reference|`` (``inf`` where the
        reference is 0 and the error is not; 0 where both are 0).
    worst_point : tuple of float
        The point with the largest error relative to its tolerance
        ``atol + rtol * |reference|``.
    worst_expected, worst_got : float or complex
        The reference (rounded to the nearest float) and the numeric value at
        ``worst_point``. A reference that is complex infinity (sympy ``zoo``)
        reads ``inf``; an undefined one (sympy ``nan``) reads ``nan``.
    rtol, atol : float
        The tolerances used.
    n_nonfinite : int
        Points where the reference is infinite or undefined (poles, ``0/0``).
    n_complex : int
        Points where the reference is finite but not real (``sqrt(-1)``).
    n_unresolved : int
        Points where sympy could not resolve the reference, or its real or
        imaginary part, to float64 accuracy even with ~1500 extra digits: a
        cancellation to (typically exactly) 0, such as ``sin(x)**2 +
        cos(x)**2 - 1``. That part is taken to be 0.
    variables : tuple of str
        Names of the variables, in argument order.
    worst_reason : str
        Why ``worst_point`` failed when the error alone does not say it (a
        complex or undefined reference, an exception from ``func``, a
        reference beyond the float64 range); empty otherwise.
    details : tuple of str
        One line for each of the worst (at most 5) failing points.
    message : str
        One-line summary.
    """

    passed: bool
    n_points: int
    failures: int
    max_abs_error: float
    max_rel_error: float
    worst_point: tuple[float, ...]
    worst_expected: float | complex
    worst_got: float | complex
    rtol: float
    atol: float
    n_nonfinite: int = 0
    n_complex: int = 0
    n_unresolved: int = 0
    variables: tuple[str, ...] = ()
    worst_reason: str = ""
    details: tuple[str, ...] = ()
    message: str = ""

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        verdict = "PASSED" if self.passed else "FAILED"
        points = "point" if self.n_points == 1 else "points"
        if self.passed:
            summary = f"all {self.n_points} {points} within tolerance"
        else:
            summary = f"{self.failures} of {self.n_points} {points} outside tolerance"
        lines = [
            f"agree: {verdict} ({summary}; rtol={self.rtol:g}, atol={self.atol:g})",
            f"  max abs error: {self.max_abs_error:.3g}",
            f"  max rel error: {self.max_rel_error:.3g}",
            f"  worst point:   {_format_point(self.variables, self.worst_point)}",
            f"    expected:    {_format_value(self.worst_expected)}",
            f"    got:         {_format_value(self.worst_got)}",
        ]
        if self.worst_reason:
            lines.append(f"    why:         {self.worst_reason}")
        special = [
            f"{count} {what}"
            for count, what in (
                (self.n_nonfinite, "non-finite"),
                (self.n_complex, "complex"),
                (self.n_unresolved, "with a part indistinguishable from 0 (taken as 0)"),
            )
            if count
        ]
        if special:
            lines.append(f"  reference:     {', '.join(special)}")
        if self.details:
            lines.append("  failing points (worst first):")
            lines.extend(f"    {line}" for line in self.details)
        return "\n".join(lines)


@dataclass
class _Outcome:
    """Comparison at one point (internal)."""

    ok: bool
    abs_error: float
    rel_error: float
    ratio: float  # error / tolerance
    expected: float | complex
    got: float | complex
    reason: str = ""


def agree(
    expr,
    func: Callable,
    variables,
    *,
    domain=(-1.0, 1.0),
    samples: int = 64,
    points=None,
    rtol: float = 1e-12,
    atol: float = 0.0,
    rng=None,
    precision: int = 50,
    vectorized: bool = False,
) -> AgreementReport:
    """Compare a numeric function with a sympy expression at many points.

    The reference value at each point is exact up to ``precision`` digits:
    the float coordinates are converted to sympy ``Rational`` (exactly; every
    float is a rational number), substituted into ``expr`` and evaluated with
    ``evalf(precision)``, which raises its working precision as needed, so
    cancellation in ``expr`` does not spoil the reference. Errors are
    computed in ``mpmath`` at that precision, not in floating point.

    Parameters
    ----------
    expr : sympy.Expr
        The reference expression.
    func : callable
        The numeric implementation: ``func(*floats) -> number``, one float per
        variable. With ``vectorized=True``, called once as ``func(*arrays)``
        with one 1-D float64 array per variable, returning an array of one
        value per point (or a scalar, broadcast). A complex result is compared
        as a complex number.
    variables : sympy.Symbol or sequence of sympy.Symbol
        The variables of ``expr``, in the order ``func`` takes them. Every
        free symbol of ``expr`` must be among them.
    domain : (float, float) or dict, default (-1.0, 1.0)
        Where points are sampled: one ``(low, high)`` pair for all variables,
        or ``{symbol: (low, high)}`` covering every variable. Bounds must be
        finite with ``low < high``.
    samples : int, default 64
        Number of points drawn uniformly from ``domain`` (each coordinate
        independently), in addition to ``points``.
    points : sequence, optional
        Points always checked, before the sampled ones: a sequence of tuples
        with one coordinate per variable (an ``(n, k)`` array works), or of
        scalars when there is one variable. They need not lie in ``domain``.
    rtol, atol : float, default 1e-12 and 0.0
        A point passes when ``|numeric - reference| <= atol + rtol * |reference|``.
        Where the reference may be 0, give an ``atol``.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed for the sampled points, as for :func:`numpy.random.default_rng`
        (an int gives the same points every time; ``None`` fresh ones).
    precision : int, default 50
        Decimal digits of the reference (at least 16).
    vectorized : bool, default False
        Call ``func`` once on arrays instead of once per point.

    Returns
    -------
    AgreementReport
        Verdict, error statistics, the worst point with the expected and the
        computed value, and counts of special reference values.

    Raises
    ------
    TypeError
        If ``expr`` is not a sympy expression, ``func`` is not callable,
        ``variables`` are not Symbols, an argument has the wrong type, or
        ``func`` returns something that is not a number.
    ValueError
        If ``expr`` has free symbols not in ``variables`` or undefined
        functions, ``domain`` is empty, infinite or misses a variable,
        ``points`` have the wrong shape or are not finite, a tolerance is
        negative, or there is nothing to check (``samples=0`` and no points).

    Notes
    -----
    Special reference values. Where the reference is ``oo`` or ``-oo``, the
    point passes only if ``func`` returns the same infinity; where it is
    ``zoo`` (complex infinity, a pole such as ``1/x`` at 0) any infinity
    passes. An undefined reference (sympy ``nan``, e.g. ``sin(x)/x`` at 0)
    always fails, even against a NaN: nan agreeing with nan proves nothing.
    A finite complex reference (``sqrt(x)`` at ``x < 0``) is compared with
    the numeric value as a complex number, so a real result, NaN included,
    fails unless the imaginary part is within tolerance. Where ``func`` raises
    ``ArithmeticError`` or ``ValueError`` at a point (``math.log(0)``), the
    point fails with that reason; other exceptions, and any exception with
    ``vectorized=True``, propagate.

    Where sympy cannot resolve the reference (or its real or imaginary part)
    to float64 accuracy, even with ~1500 extra digits, it is taken as 0 and
    counted in ``n_unresolved``: this happens for expressions that are
    exactly 0 at the point (identities), where an ``atol`` is needed anyway.

    The sign of a zero coordinate is kept for ``func`` but not for the exact
    side (``Rational(-0.0) == 0``).

    With ``rtol=atol=0`` a point passes only when ``func`` returns the exact
    value; use ``rtol=2**-53`` to ask for a correctly rounded result.

    Examples
    --------
    >>> import math, sympy
    >>> x, y = sympy.symbols("x y")
    >>> agree(sympy.sin(x), math.sin, x, rng=0).passed
    True
    >>> agree(x**2 + y**2, lambda a, b: a * a + b * b, (x, y), rng=0).passed
    True

    A wrong implementation fails, and the report says where:

    >>> report = agree(sympy.sin(x), lambda t: t - t**3 / 6, x,
    ...                samples=0, points=[0.5, 1.0])
    >>> report.passed, report.worst_point
    (False, (1.0,))
    >>> print(report)
    agree: FAILED (2 of 2 points outside tolerance; rtol=1e-12, atol=0)
      max abs error: 0.00814
      max rel error: 0.00967
      worst point:   x=1.0
        expected:    0.8414709848078965
        got:         0.8333333333333334
      failing points (worst first):
        x=1.0: expected 0.8414709848078965, got 0.8333333333333334 (rel error 0.00967)
        x=0.5: expected 0.479425538604203, got 0.4791666666666667 (rel error 0.00054)
    """
    expr = _check_expr(expr)
    symbols = _check_variables(variables, expr)
    if not callable(func):
        msg = f"func must be callable, got {type(func).__name__} {_describe(func)}"
        raise TypeError(msg)
    bounds = _check_domain(domain, symbols)
    samples = check_nonnegative_integer(samples, "samples")
    given = _check_points(points, len(symbols))
    rtol = _check_tolerance(rtol, "rtol")
    atol = _check_tolerance(atol, "atol")
    generator = _check_rng(rng)
    precision = _check_precision(precision)
    if not isinstance(vectorized, bool | np.bool_):
        msg = f"vectorized must be True or False, got {_describe(vectorized)}"
        raise TypeError(msg)
    if samples == 0 and len(given) == 0:
        msg = "nothing to check: samples=0 and no points given"
        raise ValueError(msg)

    all_points = np.concatenate([given, _sample(bounds, samples, generator)])
    got = (_evaluate_vectorized if vectorized else _evaluate_pointwise)(func, all_points)

    outcomes: list[_Outcome] = []
    n_nonfinite = n_complex = n_unresolved = 0
    # A private mpmath context: exact conversions at the reference's precision,
    # without touching mpmath's global one.
    context = mpmath.MPContext()
    context.dps = precision + 5
    for point, value in zip(all_points, got, strict=True):
        reference, unresolved = _reference(expr, symbols, point, precision, context)
        n_unresolved += unresolved
        if isinstance(reference, sympy.Basic):
            n_nonfinite += 1
            outcomes.append(_compare_special(reference, value))
        else:
            n_complex += reference.imag != 0
            outcomes.append(_compare_finite(context, reference, value, rtol, atol))
    return _report(outcomes, all_points, symbols, rtol, atol, n_nonfinite, n_complex, n_unresolved)


def assert_agree(expr, func: Callable, variables, **options) -> AgreementReport:
    """Like :func:`agree`, but raise :class:`AssertionError` when it fails.

    Takes the same arguments and returns the report when it passes; the
    assertion message is the report's multi-line text.

    Raises
    ------
    AssertionError
        If any point is outside tolerance.

    Examples
    --------
    >>> import math, sympy
    >>> x = sympy.Symbol("x")
    >>> assert_agree(sympy.log(x), math.log, x, domain=(0.1, 10.0), rng=1).n_points
    64
    >>> assert_agree(sympy.cos(x), math.sin, x, samples=0, points=[0.0])
    Traceback (most recent call last):
    ...
    AssertionError: agree: FAILED (1 of 1 point outside tolerance; rtol=1e-12, atol=0)
    ...
    """
    report = agree(expr, func, variables, **options)
    if not report.passed:
        raise AssertionError(str(report))
    return report


# --- argument checks -------------------------------------------------------


def _check_expr(expr) -> sympy.Expr:
    if isinstance(expr, numbers.Number) and not isinstance(expr, bool):
        expr = sympy.sympify(expr)
    if not isinstance(expr, sympy.Expr):
        msg = f"expr must be a sympy expression, got {type(expr).__name__} {_describe(expr)}"
        raise TypeError(msg)
    undefined = expr.atoms(AppliedUndef)
    if undefined:
        names = ", ".join(sorted(str(f) for f in undefined))
        msg = f"expr must not contain undefined functions, got {names}"
        raise ValueError(msg)
    return expr


def _check_variables(variables, expr: sympy.Expr) -> tuple[sympy.Symbol, ...]:
    if isinstance(variables, sympy.Symbol):
        symbols = (variables,)
    elif isinstance(variables, Sequence | sympy.Tuple) and not isinstance(variables, str):
        symbols = tuple(variables)
        bad = [v for v in symbols if not isinstance(v, sympy.Symbol)]
        if bad:
            got = f"{type(bad[0]).__name__} {_describe(bad[0])}"
            msg = f"variables must be sympy Symbols, got {got}"
            raise TypeError(msg)
    else:
        msg = (
            "variables must be a sympy Symbol or a sequence of Symbols, "
            f"got {type(variables).__name__} {_describe(variables)}"
        )
        raise TypeError(msg)
    if not symbols:
        msg = "variables must contain at least one sympy Symbol, got an empty sequence"
        raise ValueError(msg)
    if len(set(symbols)) != len(symbols):
        msg = f"variables must be distinct, got {symbols}"
        raise ValueError(msg)
    missing = expr.free_symbols - set(symbols)
    if missing:
        names = ", ".join(sorted(str(s) for s in missing))
        msg = f"expr has free symbols not in variables: {names} (variables are {symbols})"
        raise ValueError(msg)
    return symbols


def _check_pair(pair, name: str) -> tuple[float, float]:
    if isinstance(pair, str | bytes) or not (
        isinstance(pair, Sequence | np.ndarray) and len(pair) == 2
    ):
        msg = f"{name} must be a (low, high) pair of numbers, got {_describe(pair)}"
        raise TypeError(msg)
    if not all(_is_real_number(bound) for bound in pair):
        msg = f"{name} must be a (low, high) pair of real numbers, got {_describe(pair)}"
        raise TypeError(msg)
    low, high = float(pair[0]), float(pair[1])
    if not (math.isfinite(low) and math.isfinite(high)):
        msg = f"{name} must have finite bounds, got ({low}, {high})"
        raise ValueError(msg)
    if not low < high:
        msg = f"{name} must have low < high, got ({low}, {high})"
        raise ValueError(msg)
    return low, high


def _check_domain(domain, symbols) -> np.ndarray:
    """Return the bounds as an array of shape (n_variables, 2)."""
    if isinstance(domain, Mapping):
        unknown = [key for key in domain if key not in symbols]
        if unknown:
            msg = f"domain has keys that are not variables: {unknown} (variables are {symbols})"
            raise ValueError(msg)
        missing = [s for s in symbols if s not in domain]
        if missing:
            msg = f"domain must give (low, high) for every variable, missing {missing}"
            raise ValueError(msg)
        pairs = [_check_pair(domain[s], f"domain[{s}]") for s in symbols]
    else:
        pairs = [_check_pair(domain, "domain")] * len(symbols)
    return np.array(pairs, dtype=np.float64).reshape(len(symbols), 2)


def _check_points(points, n_variables: int) -> np.ndarray:
    """Return the given points as an array of shape (n, n_variables)."""
    if points is None:
        return np.empty((0, n_variables))
    if isinstance(points, str | bytes):
        msg = f"points must be a sequence of points, got {_describe(points)}"
        raise TypeError(msg)
    array = check_finite_array(points, "points")
    if n_variables == 1 and array.ndim <= 1:
        return array.reshape(-1, 1)
    if array.ndim == 2 and array.shape[1] == n_variables:
        return array
    if array.size == 0:
        return np.empty((0, n_variables))
    msg = (
        f"points must be a sequence of points with {n_variables} coordinates each "
        f"(shape (n, {n_variables})), got shape {array.shape}"
    )
    if array.ndim == 1 and array.shape[0] == n_variables:
        msg += "; wrap a single point in a list: [(x, y, ...)]"
    raise ValueError(msg)


def _check_tolerance(value, name: str) -> float:
    if not _is_real_number(value):
        msg = f"{name} must be a non-negative number, got {type(value).__name__} {_describe(value)}"
        raise TypeError(msg)
    value = float(value)
    if not (math.isfinite(value) and value >= 0):
        msg = f"{name} must be a finite non-negative number, got {value}"
        raise ValueError(msg)
    return value


def _check_rng(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, np.random.SeedSequence):
        return np.random.default_rng(rng)
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool | np.bool_):
        if rng < 0:
            msg = f"rng must be a non-negative integer seed, got {rng}"
            raise ValueError(msg)
        return np.random.default_rng(int(rng))
    msg = (
        "rng must be None, an int, a numpy SeedSequence or a numpy Generator, "
        f"got {type(rng).__name__} {_describe(rng)}"
    )
    raise TypeError(msg)


def _check_precision(precision) -> int:
    if isinstance(precision, bool) or not isinstance(precision, numbers.Integral):
        msg = f"precision must be an integer number of digits, got {_describe(precision)}"
        raise TypeError(msg)
    if precision < _MIN_PRECISION:
        msg = (
            f"precision must be at least {_MIN_PRECISION} digits "
            f"(more than a float64 holds), got {precision}"
        )
        raise ValueError(msg)
    return int(precision)


# --- the two sides ---------------------------------------------------------


def _sample(bounds: np.ndarray, samples: int, generator: np.random.Generator) -> np.ndarray:
    """``samples`` points uniform in the box; ``low + u (high - low)`` without overflow."""
    u = generator.random((samples, bounds.shape[0]))
    low, high = bounds[:, 0], bounds[:, 1]
    return np.clip(low * (1.0 - u) + high * u, low, high)


def _as_number(value, point) -> float | complex:
    if isinstance(value, np.ndarray) and value.ndim > 0:
        msg = (
            f"func must return a number, got an array of shape {value.shape} at point "
            f"{tuple(point)}; pass vectorized=True for a function of arrays"
        )
        raise TypeError(msg)
    try:
        number = complex(value)
    except (TypeError, ValueError, OverflowError):
        msg = (
            f"func must return a real or complex number, got {type(value).__name__} "
            f"{_describe(value)} at point {tuple(point)}"
        )
        raise TypeError(msg) from None
    is_complex = isinstance(value, complex | np.complexfloating | mpmath.mpc)
    return number if is_complex or number.imag != 0 else number.real


def _evaluate_pointwise(func: Callable, points: np.ndarray) -> list:
    """One value per point: a number, or the exception that ``func`` raised."""
    values = []
    with np.errstate(all="ignore"):
        for point in points:
            coordinates = [float(c) for c in point]
            try:
                value = func(*coordinates)
            except (ArithmeticError, ValueError) as error:
                values.append(error)
                continue
            values.append(_as_number(value, coordinates))
    return values


def _evaluate_vectorized(func: Callable, points: np.ndarray) -> list:
    with np.errstate(all="ignore"):
        result = func(*(np.array(points[:, k]) for k in range(points.shape[1])))
    try:
        array = np.asarray(result)
    except (TypeError, ValueError):
        array = np.asarray(result, dtype=object)
    if array.dtype.kind not in "biufc":
        msg = (
            f"func must return an array of numbers with vectorized=True, got "
            f"{type(result).__name__} of dtype {array.dtype}"
        )
        raise TypeError(msg)
    try:
        array = np.broadcast_to(array, (len(points),))
    except ValueError:
        msg = (
            f"func must return one value per point with vectorized=True (shape "
            f"({len(points)},)), got shape {array.shape}"
        )
        raise ValueError(msg) from None
    if array.dtype.kind == "c":
        return [complex(v) for v in array]
    return [float(v) for v in array]


def _reference(expr, symbols, point, precision: int, context):
    """``expr`` at the exact point: a sympy infinity or nan, or an mpmath ``mpc``.

    Also returns whether some part of it could not be resolved (and was taken as 0).
    """
    exact_point = {s: sympy.Rational(float(c)) for s, c in zip(symbols, point, strict=True)}
    exact = expr.xreplace(exact_point)
    where = _format_point([str(s) for s in symbols], point)
    unresolved = False
    try:
        for extra in _EXTRA_DIGITS:
            try:
                value = exact.evalf(precision, strict=True, maxn=precision + extra)
                break
            except PrecisionExhausted:
                continue
        else:
            # Cancellation beyond the last rung: typically an exact 0.
            value = exact.evalf(precision, maxn=precision + _EXTRA_DIGITS[-1])
            unresolved = True
    except Exception as error:
        msg = f"expr could not be evaluated at {where}: {error}"
        raise ValueError(msg) from error
    if value in (sympy.oo, -sympy.oo, sympy.zoo, sympy.nan):
        return value, unresolved
    parts = []
    for part in value.as_real_imag():
        if isinstance(part, sympy.Float) and part._prec < _FLOAT64_BITS:
            # evalf gives a Float the precision it is accurate to: no digit is
            # known to float64 accuracy, so this part is 0 up to cancellation.
            unresolved = True
            parts.append(context.zero)
            continue
        try:
            parts.append(context.mpf(sympy.Float(part, precision)._mpf_))
        except (TypeError, ValueError, AttributeError):
            msg = f"expr has no numeric value at {where}: got {value}"
            raise ValueError(msg) from None
    return context.mpc(*parts), unresolved


# --- comparison -----------------------------------------------------------


def _describe_special(reference) -> str:
    return {
        sympy.oo: "oo",
        -sympy.oo: "-oo",
        sympy.zoo: "zoo (complex infinity)",
        sympy.nan: "nan (undefined)",
    }[reference]


def _compare_special(reference, value) -> _Outcome:
    expected = {sympy.oo: math.inf, -sympy.oo: -math.inf, sympy.zoo: math.inf}.get(
        reference, math.nan
    )
    if isinstance(value, BaseException):
        return _failed(expected, math.nan, f"func raised {type(value).__name__}: {value}")
    if reference == sympy.nan:
        reason = "reference is undefined (sympy nan): no value to agree with"
        return _failed(expected, value, reason)
    if reference == sympy.zoo:
        ok = _is_infinite(complex(value))
    else:
        ok = isinstance(value, float) and value == expected
    if ok:
        return _Outcome(True, 0.0, 0.0, 0.0, expected, value)
    return _failed(expected, value, f"reference is {_describe_special(reference)}")


def _is_infinite(value: complex) -> bool:
    return math.isinf(value.real) or math.isinf(value.imag)


def _failed(expected, got, reason: str) -> _Outcome:
    return _Outcome(False, math.inf, math.inf, math.inf, expected, got, reason)


def _to_float(value: mpmath.mpf) -> float:
    return float(value) if mpmath.isfinite(value) else math.inf


def _compare_finite(context, reference, value, rtol: float, atol: float) -> _Outcome:
    real, imag = float(reference.real), float(reference.imag)
    expected = complex(real, imag) if imag != 0 else real
    if isinstance(value, BaseException):
        return _failed(expected, math.nan, f"func raised {type(value).__name__}: {value}")
    got = complex(value)
    if not (math.isfinite(got.real) and math.isfinite(got.imag)):
        if imag != 0:
            reason = "reference is complex"
        elif math.isinf(real):
            reason = f"reference {mpmath.nstr(reference.real, 17)} is beyond the float64 range"
        else:
            reason = "numeric value is not finite"
        return _failed(expected, value, reason)
    error = abs(context.mpc(got.real, got.imag) - reference)
    magnitude = abs(reference)
    tolerance = context.mpf(atol) + context.mpf(rtol) * magnitude
    ok = error <= tolerance
    if error == 0:
        relative = ratio = context.zero
    else:
        relative = error / magnitude if magnitude else context.inf
        ratio = error / tolerance if tolerance else context.inf
    outcome = _Outcome(
        bool(ok), _to_float(error), _to_float(relative), _to_float(ratio), expected, value
    )
    if not ok and imag != 0 and not isinstance(value, complex):
        outcome.reason = "reference is complex"
    elif not ok and math.isinf(real):
        outcome.reason = f"reference {mpmath.nstr(reference.real, 17)} is beyond the float64 range"
    return outcome


def _report(outcomes, points, symbols, rtol, atol, n_nonfinite, n_complex, n_unresolved):
    names = tuple(str(s) for s in symbols)
    order = sorted(range(len(outcomes)), key=lambda i: (outcomes[i].ratio, outcomes[i].abs_error),
                   reverse=True)
    worst = order[0]
    failing = [i for i in order if not outcomes[i].ok]
    details = tuple(_detail(names, points[i], outcomes[i]) for i in failing[:_MAX_DETAILS])
    worst_outcome = outcomes[worst]
    passed = not failing
    max_abs = max(o.abs_error for o in outcomes)
    max_rel = max(o.rel_error for o in outcomes)
    count = f"{len(outcomes)} {'point' if len(outcomes) == 1 else 'points'}"
    if passed:
        message = (
            f"agree passed at {count} (max rel error {max_rel:.3g}, "
            f"max abs error {max_abs:.3g})"
        )
    else:
        message = (
            f"agree failed at {len(failing)} of {count}; worst at "
            f"{_detail(names, points[worst], worst_outcome)}"
        )
    return AgreementReport(
        passed=passed,
        n_points=len(outcomes),
        failures=len(failing),
        max_abs_error=max_abs,
        max_rel_error=max_rel,
        worst_point=tuple(float(c) for c in points[worst]),
        worst_expected=worst_outcome.expected,
        worst_got=worst_outcome.got,
        rtol=rtol,
        atol=atol,
        n_nonfinite=n_nonfinite,
        n_complex=n_complex,
        n_unresolved=n_unresolved,
        variables=names,
        worst_reason=worst_outcome.reason,
        details=details,
        message=message,
    )


def _detail(names, point, outcome: _Outcome) -> str:
    text = (
        f"{_format_point(names, point)}: expected {_format_value(outcome.expected)}, "
        f"got {_format_value(outcome.got)}"
    )
    if outcome.reason:
        return f"{text} ({outcome.reason})"
    return f"{text} (rel error {outcome.rel_error:.3g})"


def _format_point(names, point) -> str:
    return ", ".join(f"{name}={float(c)!r}" for name, c in zip(names, point, strict=True))


def _format_value(value) -> str:
    return repr(value)
