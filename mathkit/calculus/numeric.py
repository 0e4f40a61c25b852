"""Numeric derivatives: complex step, finite differences, Richardson extrapolation.

This module holds the numeric engine behind :mod:`mathkit.calculus.directional`
and the result type every derivative function returns with
``full_output=True``: :class:`DerivativeResult` (value, error estimate, method
and step). The engine differentiates along *unit* directions ``u``; the
public functions turn that into directional derivatives (``D_u f``), partial
derivatives (``u = e_i``), Jacobian-vector products (``J v = |v| D_u f``) and
Hessians.

Steps
-----
A step is never a fixed absolute number. Along the unit direction ``u`` at
``x`` the displacement is ``t = factor * scale`` with

.. math:: \\mathrm{scale}(x, u) = \\max\\Big(1, \\sum_i |x_i|\\,|u_i|\\Big),

which is ``max(1, |x_i|)`` for a coordinate direction ``e_i`` (the classical
per-coordinate rule) and at most ``max(1, ||x||)`` for any unit ``u``. In the
units of a raw direction ``v`` the step is ``h = t / ||v||``, proportional to
``max(1, ||x||) / ||v||``. The factors (:data:`STEP_FACTORS`) balance
truncation against rounding: ``eps**(1/2)`` for forward differences (error
``O(eps**(1/2))``), ``eps**(1/3)`` for central ones (``O(eps**(2/3))``),
``1e-20`` for the complex step (no subtraction, so no rounding penalty), and
a largest step of ``2**-3`` for Richardson extrapolation, which then halves the
step :data:`RICHARDSON_LEVELS` times.

Error estimates out of the asymptotic regime
--------------------------------------------
Every error estimate assumes that the steps resolve ``f``. Two checks look
for ``f`` that varies on a scale below the step. The complex step's
analyticity check (central differences at ``1e-3 s``) looks again at steps
16 and 256 times smaller before it refuses a disagreement: an oscillating
analytic ``f`` agrees once the step resolves it, while ``abs`` or ``conj``
disagree at every step. Richardson's table is *settled* when its finest
differences shrink by at least :data:`RICHARDSON_SETTLED_RATIO` per halving
(4 for central differences in the asymptotic regime) or are at the level of
rounding; an unsettled table is extended by ``RICHARDSON_LEVELS - 1`` further
halvings, at most :data:`RICHARDSON_EXTENSIONS` times, and an estimate from
a table that is still unsettled is widened to ``RICHARDSON_SAFETY`` times the
distance of the value from the three finest quotients. That covers ``f``
resolved to within a few radians of phase at the finest step (about
``1e-9 s``); an ``f`` oscillating faster still gets an estimate, not a bound.
Hessians (second differences, entry by entry) share this logic
(:func:`_settled_richardson`); a settled Hessian entry must also agree with
the quotient at a step off the table's grid (:func:`_unaliased`), since an
even difference quotient can alias at every level of the table at once.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from mathkit._validate import _describe

__all__ = [
    "EXTRAPOLATION_ORDERS",
    "HESSIAN_STEP_FACTORS",
    "METHODS",
    "NUMERIC_METHODS",
    "RICHARDSON_EXTENSIONS",
    "RICHARDSON_LEVELS",
    "RICHARDSON_NOISE",
    "RICHARDSON_SAFETY",
    "RICHARDSON_SETTLED_RATIO",
    "STEP_FACTORS",
    "DerivativeResult",
    "NotAnalyticError",
    "_vector_norm",
]

EPS = float(np.finfo(np.float64).eps)

#: Every method the derivative functions accept.
METHODS = ("auto", "symbolic", "complex_step", "central", "forward", "richardson")
#: The methods that work on any callable (no sympy needed).
NUMERIC_METHODS = ("complex_step", "central", "forward", "richardson")

#: First derivatives: step along a unit direction = factor * max(1, |x|.|u|).
#: For "richardson" this is the largest step of the extrapolation table.
STEP_FACTORS = {
    "forward": EPS ** (1 / 2),
    "central": EPS ** (1 / 3),
    "complex_step": 1e-20,
    "richardson": 2.0**-3,
}
#: Second derivatives: the real step of each coordinate = factor * max(1, |x_i|).
#: "complex_step" differentiates a complex-step gradient by central differences.
HESSIAN_STEP_FACTORS = {
    "forward": EPS ** (1 / 3),
    "central": EPS ** (1 / 4),
    "complex_step": EPS ** (1 / 3),
    "richardson": 2.0**-3,
}
#: Central differences at steps t, t/2, ..., t/2**(RICHARDSON_LEVELS - 1).
RICHARDSON_LEVELS = 10
#: Richardson extrapolation removes the error terms up to h**(2 * this).
EXTRAPOLATION_ORDERS = 3
#: The Richardson error estimate is this many times the spread of the winning
#: entry's neighbours (plus rounding): measured on smooth functions, the spread
#: alone fell short of the true error in about 1% of cases, by up to 2.7 times.
RICHARDSON_SAFETY = 4.0
#: Where the finest levels of the table are not settled (f varies on a scale
#: below the smallest step), the table is extended by RICHARDSON_LEVELS - 1
#: further halvings, at most this many times.
RICHARDSON_EXTENSIONS = 2
#: Settled: each of the finest three differences of the table shrinks at least
#: this many times per halving (4 in the asymptotic regime of central differences) ...
RICHARDSON_SETTLED_RATIO = 2.5
#: ... or the finest one is within this many times the rounding bound.
RICHARDSON_NOISE = 16.0

#: A settled Richardson Hessian must agree with the quotient at this many times its
#: second-finest step: irrational, so (up to high multiples) no multiple of a period of f
#: near twice the table's steps is near twice this step. The second-finest, not the finest:
#: where f is noisier than a few ulps the finest step can be at the edge of that noise.
_ALIAS_PROBE = (5**0.5 - 1) / 2

#: Relative disagreement with central differences (beyond their own error
#: estimate) above which a complex-step result is refused as non-analytic.
_ANALYTIC_FLOOR = 1e-8
_CHECK_STEP_FACTOR = 1e-3
_SMALLEST_SUBNORMAL = 2.0**-1074
_CHECK_NOISE_FACTOR = 1e4
#: Where the check disagrees at T, it looks again at T / 16 and T / 256.
_CHECK_REFINEMENTS = (16.0, 256.0)
#: The second complex step, for the error estimate: t * _COMPLEX_RATIO (not a
#: power of 2, so it rounds differently).
_COMPLEX_RATIO = 1.5


@dataclass(frozen=True)
class DerivativeResult:
    """A derivative with its error estimate, the method used and the step.

    Every derivative function of :mod:`mathkit.calculus` returns one of
    these when called with ``full_output=True`` (and the bare ``value``
    otherwise).

    Attributes
    ----------
    value : float, numpy.ndarray or sympy expression
        The derivative: a numpy scalar or array for floating-point input, a
        sympy number (or an object array of them) for exact input.
    error_estimate : float or numpy.ndarray
        An estimate of ``|value - exact|``, of the same shape as ``value``:
        0 for exact results; for numeric methods, the truncation error
        estimated from a second step plus a bound on rounding (see the
        method's notes in :func:`~mathkit.calculus.directional_derivative`).
        It is an estimate, not a guarantee.
    method : str
        The method that produced ``value``: ``"symbolic"``,
        ``"complex_step"``, ``"central"``, ``"forward"`` or ``"richardson"``
        (``"auto"`` is resolved).
    step : float, numpy.ndarray or None
        The step ``h`` of the evaluation points ``x + h w``, where ``w`` is
        the direction as the function takes it (the unit vector ``v/|v|``,
        a coordinate vector, or the raw ``v`` of :func:`jvp`). For
        ``"richardson"``, the smallest step the chosen extrapolation used;
        for a Hessian, the step of each coordinate. None for symbolic
        results.

    Examples
    --------
    >>> import numpy as np
    >>> from mathkit.calculus import directional_derivative
    >>> result = directional_derivative(lambda p: p[0] ** 2 + p[1] ** 2, [1.0, 2.0], [3.0, 4.0],
    ...                                 method="central", full_output=True)
    >>> result.method, bool(abs(result.value - 4.4) < 1e-9), bool(result.error_estimate < 1e-8)
    ('central', True, True)
    """

    value: object
    error_estimate: object
    method: str
    step: object = None


class NotAnalyticError(ValueError):
    """The complex-step method cannot be used: ``f`` is not complex-analytic as coded.

    Raised by ``method="complex_step"`` when ``f`` raises on complex input,
    returns real values for it (``abs``, ``.real``, casting to float), or
    gives a complex-step derivative that disagrees with central differences
    at every step that resolves the disagreement (``abs`` or ``conj``
    inside, a branch cut). ``method="auto"`` catches it
    and uses Richardson extrapolation instead.

    Examples
    --------
    >>> import numpy as np
    >>> from mathkit.calculus import directional_derivative
    >>> directional_derivative(lambda p: np.abs(p[0]) * p[1], [1.0, 2.0], [1.0, 0.0],
    ...                        method="complex_step")
    Traceback (most recent call last):
    ...
    mathkit.calculus.numeric.NotAnalyticError: f is not complex-analytic as coded, ...
    """


# --- calling f -----------------------------------------------------------------


class _Function:
    """Calls ``f`` on points ``(..., d)`` and checks what it returns.

    The output shape of one point (``()`` or ``(m,)``) is fixed by the first
    call and enforced after that.
    """

    def __init__(self, f, vectorized: bool, scalar_only: bool, name: str = "f"):
        self.f = f
        self.vectorized = vectorized
        self.scalar_only = scalar_only
        self.name = name
        self.out_shape: tuple[int, ...] | None = None

    def __call__(self, points: np.ndarray) -> np.ndarray:
        """f at real points; real float64 output of shape ``batch + out_shape``."""
        values = self._call(points, complex_input=False)
        if values.dtype.kind == "c":
            if np.any(values.imag != 0):
                msg = f"{self.name} must return real values for real input, got complex values"
                raise TypeError(msg)
            values = values.real
        return values.astype(np.float64, copy=False)

    def complex(self, points: np.ndarray) -> np.ndarray:
        """f at complex points; raises NotAnalyticError where it cannot be used so."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", np.exceptions.ComplexWarning)
                values = self._call(points, complex_input=True)
        except (TypeError, ValueError) as error:
            if isinstance(error, NotAnalyticError):
                raise
            msg = _not_analytic(f"it raised {type(error).__name__} on complex input: {error}")
            raise NotAnalyticError(msg) from error
        except Exception as error:  # any failure on complex input rules the method out
            msg = _not_analytic(f"it raised {type(error).__name__} on complex input: {error}")
            raise NotAnalyticError(msg) from error
        if values.dtype.kind != "c":
            msg = _not_analytic(
                f"it returned real values (dtype {values.dtype}) for complex input, so the "
                "imaginary part is lost (abs, .real, float(), math functions...)"
            )
            raise NotAnalyticError(msg)
        return values

    def _call(self, points: np.ndarray, complex_input: bool) -> np.ndarray:
        batch = points.shape[:-1]
        if self.vectorized:
            output = self._as_array(self.f(points.copy()), complex_input)
            return self._check_vectorized_shape(output, points.shape)
        flat = points.reshape(-1, points.shape[-1])
        outputs = []
        for point in flat:
            output = self._as_array(self.f(point.copy()), complex_input)
            self._check_point_shape(output.shape, point.shape)
            outputs.append(output)
        stacked = np.stack(outputs) if outputs else np.zeros((0, *self.out_shape))
        return stacked.reshape((*batch, *self.out_shape))

    def _as_array(self, output, complex_input: bool) -> np.ndarray:
        try:
            array = np.asarray(output)
        except Exception:
            array = np.asarray(output, dtype=object)
        if array.dtype.kind in "biuf" or (array.dtype.kind == "c"):
            return array
        if array.dtype.kind == "O":
            try:
                return array.astype(np.complex128 if complex_input else np.float64)
            except (TypeError, ValueError):
                pass
        msg = f"{self.name} must return numbers, got {type(output).__name__} {_describe(output)}"
        raise TypeError(msg)

    def _allowed(self, shape: tuple[int, ...]) -> bool:
        return shape == () or (not self.scalar_only and len(shape) == 1)

    def _check_point_shape(self, shape: tuple[int, ...], point_shape) -> None:
        if self.out_shape is None:
            if not self._allowed(shape):
                wanted = "a scalar" if self.scalar_only else "a scalar or a 1-D array"
                msg = (
                    f"{self.name} must return {wanted} for a point of shape {point_shape}, "
                    f"got shape {shape}"
                )
                raise ValueError(msg)
            self.out_shape = shape
        elif shape != self.out_shape:
            msg = (
                f"{self.name} must return the same shape at every point, got {shape} "
                f"after {self.out_shape}"
            )
            raise ValueError(msg)

    def _check_vectorized_shape(self, output: np.ndarray, points_shape) -> np.ndarray:
        batch = tuple(points_shape[:-1])
        shape = output.shape
        if self.out_shape is None:
            if shape[: len(batch)] == batch and self._allowed(shape[len(batch):]):
                self.out_shape = shape[len(batch):]
                return output
            wanted = f"{batch}" if self.scalar_only else f"{batch} or {(*batch, 'm')}"
            msg = (
                f"{self.name} (vectorized=True) must map points of shape {tuple(points_shape)} "
                f"to values of shape {wanted}, got shape {shape}"
            )
            raise ValueError(msg)
        if shape != batch + self.out_shape:
            msg = (
                f"{self.name} (vectorized=True) must map points of shape "
                f"{tuple(points_shape)} to shape {batch + self.out_shape}, got {shape}"
            )
            raise ValueError(msg)
        return output


def _not_analytic(reason: str) -> str:
    """The message of a :class:`NotAnalyticError`."""
    return (
        f"f is not complex-analytic as coded, so the complex step does not apply: {reason}. "
        "Use method='richardson' or 'central' (method='auto' does so by itself)"
    )


def _expand(array: np.ndarray, ndim: int) -> np.ndarray:
    """Append axes to ``array`` until it has ``ndim`` dimensions (for broadcasting)."""
    return array.reshape(array.shape + (1,) * (ndim - array.ndim))


def _require_finite(values: np.ndarray, what: str, hint: str) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        msg = f"{what} is not finite (got {values[index]} at index {index}); {hint}"
        raise ValueError(msg)


_STEP_HINT = (
    "x may be near a singularity or the edge of f's domain: try a smaller step= or "
    "method='richardson'"
)


def _vector_norm(vectors: np.ndarray) -> np.ndarray:
    """Euclidean norms along the last axis, without underflow or overflow.

    ``numpy.linalg.norm`` squares the entries, so ``[1e-200, 0]`` has norm 0
    and ``[1e200, 0]`` norm ``inf``; here the entries are first divided by
    the largest one.

    Parameters
    ----------
    vectors : numpy.ndarray, shape (..., d)

    Returns
    -------
    numpy.ndarray, shape (...)

    Examples
    --------
    >>> import numpy as np
    >>> _vector_norm(np.array([[3e-200, 4e-200], [3e200, 4e200]]))
    array([5.e-200, 5.e+200])
    """
    vectors = np.asarray(vectors, dtype=np.float64)
    largest = np.max(np.abs(vectors), axis=-1, keepdims=True)
    safe = np.where(largest > 0, largest, 1.0)
    return (largest * np.sqrt(np.sum((vectors / safe) ** 2, axis=-1, keepdims=True)))[..., 0]


def _unit_scale(x: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """``max(1, sum_i |x_i| |u_i|)`` for points ``(B, d)`` and unit directions ``(B, K, d)``.

    Parameters
    ----------
    x : numpy.ndarray, shape (B, d)
    directions : numpy.ndarray, shape (B, K, d)

    Returns
    -------
    numpy.ndarray, shape (B, K)

    Examples
    --------
    >>> import numpy as np
    >>> _unit_scale(np.array([[1e6, 1.0]]), np.array([[[0.0, 1.0], [1.0, 0.0]]]))
    array([[1.e+00, 1.e+06]])
    """
    return np.maximum(1.0, np.einsum("bi,bki->bk", np.abs(x), np.abs(directions)))


# --- first derivatives ------------------------------------------------------------


def _central_quotients(function, x, directions, steps):
    """Central quotients at several step arrays at once.

    ``steps`` has shape (L, B, K); returns the quotients (L, B, K, *out), a
    rounding bound of the same shape, and the effective steps (L, B, K).
    """
    displacement = steps[..., None] * directions[None]
    plus = x[None, :, None, :] + displacement
    minus = x[None, :, None, :] - displacement
    effective = np.einsum("lbkd,lbkd->lbk", plus - minus, np.broadcast_to(directions, plus.shape))
    effective = effective / 2
    values = function(np.stack([plus, minus]))
    ndim = values.ndim - 1
    with np.errstate(all="ignore"):
        quotient = (values[0] - values[1]) / _expand(2 * effective, ndim)
        rounding = EPS * (np.abs(values[0]) + np.abs(values[1])) / _expand(2 * effective, ndim)
    return quotient, rounding, effective


def _forward_quotients(function, x, directions, steps, f0):
    displacement = steps[..., None] * directions[None]
    plus = x[None, :, None, :] + displacement
    effective = np.einsum(
        "lbkd,lbkd->lbk", plus - x[None, :, None, :], np.broadcast_to(directions, plus.shape)
    )
    values = function(plus)
    ndim = values.ndim
    base = f0[None, :, None]
    with np.errstate(all="ignore"):
        quotient = (values - base) / _expand(effective, ndim)
        rounding = EPS * (np.abs(values) + np.abs(base)) / _expand(effective, ndim)
    return quotient, rounding, effective


def _complex_quotients(function, x, directions, steps):
    points = x[None, :, None, :] + 1j * (steps[..., None] * directions[None])
    effective = np.einsum(
        "lbkd,lbkd->lbk", points.imag, np.broadcast_to(directions, points.shape)
    )
    values = function.complex(points)
    with np.errstate(all="ignore"):
        quotient = values.imag / _expand(effective, values.ndim)
    return quotient, effective


def _check_steps(effective: np.ndarray) -> None:
    if np.any(effective <= 0):
        msg = (
            "step is too small for x: x + step*u rounds back to x (the step must exceed the "
            "spacing of floats near x)"
        )
        raise ValueError(msg)


def _first_derivatives(function, x, directions, f0, method, step, want_error):
    """Derivatives of ``function`` along unit ``directions`` (B, K, d) at ``x`` (B, d).

    Returns ``(value, error, step, method)``: value and error of shape
    ``(B, K, *out)`` (error None unless ``want_error`` or the method gives
    one for free), steps of shape (B, K), and the method actually used.
    """
    if method == "auto":
        try:
            return _first_derivatives(function, x, directions, f0, "complex_step", step,
                                      want_error)
        except NotAnalyticError:
            return _first_derivatives(function, x, directions, f0, "richardson", step,
                                      want_error)
    scale = _unit_scale(x, directions)
    base = STEP_FACTORS[method] * scale if step is None else np.full_like(scale, step)
    if method == "richardson":
        value, error, used = _richardson_first(function, x, directions, base)
        return value, error, used, method
    if method == "complex_step":
        steps = base[None] if not want_error else np.stack([base, base * _COMPLEX_RATIO])
        quotients, effective = _complex_quotients(function, x, directions, steps)
        _check_steps(effective)
        if not np.all(np.isfinite(quotients)):
            msg = _not_analytic("f(x + i h u) is not finite")
            raise NotAnalyticError(msg)
        value = quotients[0]
        # the resolution of Im f / h where Im f is subnormal (|D| below ~1e-288)
        resolution = _expand(_SMALLEST_SUBNORMAL / effective[0], value.ndim)
        checked, checked_step = value, effective[0]
        if step is not None:  # check analyticity at the default step: no truncation there
            default = (STEP_FACTORS["complex_step"] * scale)[None]
            checked_quotients, checked_steps = _complex_quotients(function, x, directions, default)
            checked, checked_step = checked_quotients[0], checked_steps[0]
        floor = 16 * _expand(_SMALLEST_SUBNORMAL / checked_step, value.ndim)
        _check_analytic(function, x, directions, checked, scale, floor)
        error = None
        if want_error:
            error = np.abs(quotients[1] - value) + 2 * EPS * np.abs(value) + 4 * resolution
        return value, error, effective[0], method
    steps = base[None] if not want_error else np.stack([base, 2 * base])
    if method == "central":
        quotients, rounding, effective = _central_quotients(function, x, directions, steps)
        truncation_factor = 1.0  # error ~ c h^2, D(2h) - D(h) ~ 3 c h^2: a 3x margin
    else:
        quotients, rounding, effective = _forward_quotients(function, x, directions, steps, f0)
        truncation_factor = 1.0  # error ~ c h: D(2h) - D(h) ~ c h
    _check_steps(effective)
    _require_finite(quotients, f"f(x + h u) for method={method!r}", _STEP_HINT)
    value = quotients[0]
    error = None
    if want_error:
        error = (
            truncation_factor * np.abs(quotients[1] - value) + rounding[0] + EPS * np.abs(value)
        )
    return value, error, effective[0], method


def _check_analytic(function, x, directions, value, scale, floor) -> None:
    """Refuse a complex-step value that central differences contradict.

    Central differences at ``T = 1e-3 s`` and ``2T`` (a step larger than the
    usual one: the check needs to see the derivative above the rounding noise
    of ``f``, not to be accurate). A complex-step value disagrees with them
    when it differs by more than their truncation (from the two steps),
    ``1e4`` times the rounding bound ``eps |f| / T`` (the noise of ``f`` can
    be far above ``eps |f|``: ``log(1 + x**2)`` near 0), 1e-8 relative, and
    ``floor`` (the complex step's own resolution where ``Im f`` underflows).
    Where central differences cannot tell, the check passes.

    At ``T`` an ``f`` that oscillates on a shorter scale gives two central
    quotients that are wrong in the same way (they agree with each other, not
    with the derivative), so a disagreement is re-examined at ``T/16`` and
    ``T/256``: the verdict is that of the finest
    level whose noise term is below a quarter of the disagreement at ``T``
    (a finer level whose noise could swallow the disagreement says nothing).
    Non-analytic code (``abs``, ``conj``) disagrees at every level, by about
    the same amount; an analytic ``f`` agrees once the step resolves it.
    """
    base = _CHECK_STEP_FACTOR * scale
    central, disagrees, _ = _check_level(function, x, directions, value, base, floor)
    resolvable = np.abs(value - central) / 4
    for refinement in _CHECK_REFINEMENTS:
        if not disagrees.any():
            return
        finer, finer_disagrees, noise = _check_level(function, x, directions, value,
                                                     base / refinement, floor)
        tells = np.isfinite(finer) & (noise <= resolvable)
        central = np.where(tells, finer, central)
        disagrees = np.where(tells, finer_disagrees, disagrees)
    if disagrees.any():
        index = tuple(int(i) for i in np.argwhere(disagrees)[0])
        point = ", ".join(f"{c:.6g}" for c in x[index[0]])
        msg = _not_analytic(
            f"at x=({point}) the complex step gives {value[index]:.17g} but central "
            f"differences give {central[index]:.17g} at every step that resolves the "
            "difference (abs, conj, max, a branch cut...?)"
        )
        raise NotAnalyticError(msg)


def _check_level(function, x, directions, value, step, floor):
    """One level of :func:`_check_analytic`: central differences at ``step`` and ``2 step``.

    Returns the central quotient at ``step``, whether ``value`` disagrees with
    it beyond the tolerance (False where the quotients are not finite), and
    the tolerance's noise term.
    """
    quotients, rounding, _ = _central_quotients(
        function, x, directions, np.stack([step, 2 * step])
    )
    with np.errstate(all="ignore"):
        noise = _CHECK_NOISE_FACTOR * rounding[0]
        tolerance = (
            4 * np.abs(quotients[0] - quotients[1])
            + noise
            + _ANALYTIC_FLOOR * np.maximum(np.abs(value), np.abs(quotients[0]))
            + floor
        )
        disagrees = np.abs(value - quotients[0]) > tolerance
    disagrees &= np.isfinite(quotients[0]) & np.isfinite(quotients[1])
    return quotients[0], disagrees, noise


def _richardson_first(function, x, directions, base):
    """Richardson extrapolation along unit ``directions``: ``(value, error, step)``.

    The table of central quotients at ``base / 2**k`` is extended where its
    finest levels are not settled, and its estimate widened where the longest
    table still is not (:func:`_settled_richardson`): there ``f`` varies on a
    scale below the smallest step, so no entry of the table can be trusted.
    """
    rough = None
    if np.any(np.count_nonzero(directions, axis=-1) > 1):
        rough = _rough_gradient(function, x)

    def levels(first, last):
        return _richardson_table(function, x, directions, base, first, last, rough)

    table = levels(0, RICHARDSON_LEVELS)
    if np.all(table[2] <= 0):
        _check_steps(table[2])  # levels whose step rounds away are merely left out
    value, error, step = _settled_richardson(table, levels, "the directional derivative")
    if rough is not None:
        # D = sum_i g_i u_i can cancel: rounding u (and f) moves it by ~eps sum_i |g_i u_i|
        error = error + 4 * EPS * np.einsum("bki,bi...->bk...", np.abs(directions),
                                            np.abs(rough))
    return value, error, step


def _settled_richardson(table, levels, what: str, confirm=None):
    """Richardson extrapolation, extended where the table is not settled: (value, error, step).

    ``table`` is ``(estimates, rounding, steps)`` of central differences at
    steps halving from level 0 on; ``levels(first, last)`` computes levels
    ``first <= k < last`` of the same table. Where the finest levels are not
    settled (:func:`_settled`), ``RICHARDSON_LEVELS - 1`` further halvings
    are appended (at most ``RICHARDSON_EXTENSIONS`` times) and those elements
    take the longer table's extrapolation; where the longest table is still
    unsettled, the error estimate is widened (:func:`_widen`). Element by
    element: a settled element keeps the result of the shortest settled table.
    ``confirm(table, value, error)``, where given, must also hold for an
    element to count as settled.
    """

    def settles(table, value, error):
        settled = _settled(*table[:2])
        return settled if confirm is None else settled & confirm(table, value, error)

    value, error, step = _extrapolate(*table, what=what)
    settled = settles(table, value, error)
    for _ in range(RICHARDSON_EXTENSIONS):
        if settled.all():
            break
        count = table[0].shape[0]
        finer = levels(count, count + RICHARDSON_LEVELS - 1)
        table = tuple(np.concatenate(pair) for pair in zip(table, finer, strict=True))
        longer_value, longer_error, longer_step = _extrapolate(*table, what=what)
        value = np.where(settled, value, longer_value)
        error = np.where(settled, error, longer_error)
        step = np.where(_reduce_out(settled, step.ndim, np.all), step, longer_step)
        settled = settled | settles(table, longer_value, longer_error)
    return value, np.where(settled, error, _widen(value, error, table[0])), step


def _richardson_table(function, x, directions, base, first: int, last: int, rough):
    """Central quotients at ``base / 2**k`` for ``first <= k < last``: (estimates, rounding, steps).

    With a ``rough`` gradient (directions that are not coordinate vectors)
    the quotients carry the correction of :func:`_perpendicular_correction`.
    """
    levels = 2.0 ** -np.arange(first, last)
    steps = levels[:, None, None] * base[None]
    quotients, rounding, effective = _central_quotients(function, x, directions, steps)
    if rough is not None:
        quotients = quotients - _perpendicular_correction(x, directions, steps, effective,
                                                          rough, quotients.ndim)
    return quotients, rounding, effective


def _rough_gradient(function, x):
    """Central-difference gradients (B, d, *out), relative error ~1e-10; 0 where not finite."""
    d = x.shape[1]
    identity = np.broadcast_to(np.eye(d), (x.shape[0], d, d))
    coordinate_steps = (STEP_FACTORS["central"] * _unit_scale(x, identity))[None]
    rough, _, _ = _central_quotients(function, x, identity, coordinate_steps)
    return np.where(np.isfinite(rough[0]), rough[0], 0.0)


def _settled(estimates, rounding):
    """Whether the finest levels of a central-difference table are in their asymptotic regime.

    There the differences ``d_k = |D(h_k) - D(h_(k-1))|`` of the plain
    quotients shrink by ``4`` per halving (``16`` where the ``h^2`` term
    vanishes): each of the finest three must be ``RICHARDSON_SETTLED_RATIO``
    times smaller than the one before. A table is also settled where its
    finest difference is at the level of rounding (within
    ``RICHARDSON_NOISE`` times the rounding bound: smaller steps would only
    add noise) or not finite.
    """
    with np.errstate(all="ignore"):
        d = np.abs(np.diff(estimates[-4:], axis=0))
        noisy = d[-1] <= RICHARDSON_NOISE * (rounding[-1] + rounding[-2])
        converging = (d[0] >= RICHARDSON_SETTLED_RATIO * d[1]) & (
            d[1] >= RICHARDSON_SETTLED_RATIO * d[2])
    return noisy | converging | ~np.all(np.isfinite(d), axis=0)


def _widen(value, error, estimates):
    """An error estimate that covers the spread of the finest levels of an unsettled table.

    ``RICHARDSON_SAFETY`` times the largest distance of ``value`` from the
    three finest plain quotients: out of the asymptotic regime neither the
    spread of the extrapolated entries nor their agreement measures the
    error, but the plain quotients still vary by about as much as they are
    wrong.
    """
    with np.errstate(all="ignore"):
        spread = np.max(np.abs(estimates[-3:] - value), axis=0)
    return np.maximum(error, RICHARDSON_SAFETY * np.where(np.isfinite(spread), spread, np.inf))


def _reduce_out(mask, ndim: int, reduce):
    """``mask`` (B, K, *out) reduced over the output axes, to (B, K)."""
    return reduce(mask, axis=tuple(range(ndim, mask.ndim))) if mask.ndim > ndim else mask


def _perpendicular_correction(x, directions, steps, effective, rough, ndim):
    """The part of each central quotient due to rounding of the points off the line.

    ``x + t u`` rounds to ``x + t u + r``; the quotient then measures
    ``grad f . (u + r_perp / t)``. The displacement ``r_perp`` is known exactly
    (it is a difference of floats), so a rough gradient (central differences,
    relative error ~1e-10) removes the ``grad f . r_perp / t`` term, which
    otherwise limits Richardson to ~1e-12 along directions that are not
    coordinate vectors. Coordinate directions have no such term.

    Returns the correction (L, B, K, *out).
    """
    displacement = steps[..., None] * directions[None]
    plus = x[None, :, None, :] + displacement
    minus = x[None, :, None, :] - displacement
    residual = (plus - minus) - 2 * effective[..., None] * directions[None]  # (L, B, K, d)
    with np.errstate(all="ignore"):
        correction = np.einsum("lbki,bi...->lbk...", residual, rough)
        return correction / _expand(2 * effective, ndim)


def _extrapolate(estimates, rounding, steps, what: str):
    """Richardson extrapolation of estimates with an even error expansion in the step.

    ``estimates[k]`` was computed with step ``steps[k] = steps[0] / 2**k``; its
    error is ``c_1 h^2 + c_2 h^4 + ...`` plus rounding (bounded by
    ``rounding[k]``). Column ``j`` of the table removes the terms up to
    ``h^(2j)``: ``T[k][j] = T[k][j-1] + (T[k][j-1] - T[k-1][j-1]) / (4^j - 1)``.

    The error of an entry is estimated as its largest difference from its two
    neighbours in the same column (the entries with twice and half its step)
    plus the rounding it inherits; so an entry wins only where three
    successive estimates of the same order agree (two agree by coincidence far
    more often: oscillating ``f`` at large steps). An entry must also agree
    with the finest plain estimate within that estimate's own error (four times
    its difference from the next finest, plus rounding): entries built from
    steps beyond the scale on which ``f`` varies can agree with each other, but
    not with it. The entry with the smallest estimate wins, element by element,
    over the columns ``j = 0 .. EXTRAPOLATION_ORDERS``. Non-finite entries
    never win. The reported error is ``RICHARDSON_SAFETY`` times the winner's
    estimate.

    Returns ``(value, error, step)``, where ``step`` is the smallest step the
    winning entry used.
    """
    levels = estimates.shape[0]
    extra = estimates.ndim - steps.ndim
    steps = _expand(steps, estimates.ndim)
    orders = min(EXTRAPOLATION_ORDERS, levels - 3)
    candidates, errors, used = [], [], []
    column, column_rounding = estimates, rounding
    with np.errstate(all="ignore"):
        for j in range(orders + 1):
            if j > 0:
                column, column_rounding = _next_column(column, column_rounding, j)
            # rows 1 .. n-2 of this column have both neighbours
            middle = column[1:-1]
            difference = np.maximum(np.abs(middle - column[:-2]), np.abs(middle - column[2:]))
            candidates.append(middle)
            errors.append(difference + column_rounding[1:-1])
            used.append(np.broadcast_to(steps[j + 1: levels - 1], middle.shape))
    candidates = np.concatenate(candidates)
    errors = np.concatenate(errors)
    used = np.concatenate(used)
    with np.errstate(all="ignore"):
        # The anchor: the finest plain estimate, within its own error. Entries built
        # from steps beyond the scale on which f varies can agree with each other
        # by chance, but not with it.
        anchor = estimates[-1]
        anchor_error = 4 * (np.abs(estimates[-1] - estimates[-2]) + rounding[-1])
        consistent = np.abs(candidates - anchor) <= anchor_error + errors
        anchored = np.isfinite(anchor) & np.isfinite(anchor_error)
    keep = np.isfinite(errors) & np.isfinite(candidates) & (consistent | ~anchored)
    errors = np.where(keep, errors, np.inf)
    best = np.argmin(errors, axis=0)[None]
    value = np.take_along_axis(candidates, best, axis=0)[0]
    error = np.take_along_axis(errors, best, axis=0)[0]
    _require_finite(error, f"every Richardson estimate of {what}", _STEP_HINT)
    # never "exact": at least a few quanta of the result
    error = RICHARDSON_SAFETY * error + EPS * np.abs(value) + 4 * _SMALLEST_SUBNORMAL
    step = np.take_along_axis(used, best, axis=0)[0]
    if extra:
        step = step.max(axis=tuple(range(-extra, 0)))
    return value, error, step


def _next_column(column, rounding, j: int):
    factor = 4.0**j - 1
    new = column[1:] + (column[1:] - column[:-1]) / factor
    new_rounding = rounding[1:] * (1 + 1 / factor) + rounding[:-1] / factor
    return new, new_rounding


# --- second derivatives ------------------------------------------------------------


def _coordinate_steps(x: np.ndarray, factor: float, step) -> np.ndarray:
    """Per-coordinate steps ``factor * max(1, |x_i|)``, made exact: ``(x + t) - x``."""
    base = factor * np.maximum(1.0, np.abs(x)) if step is None else np.full_like(x, step)
    exact = (x + base) - x
    _check_steps(exact)
    return exact


def _second_derivatives(function, x, f0, method, step, want_error):
    """Hessians of scalar ``function`` at points ``x`` (B, d): ``(H, error, step, method)``."""
    if method == "auto":  # measured: ~100x more accurate than the complex-step Hessian
        return _second_derivatives(function, x, f0, "richardson", step, want_error)
    d = x.shape[1]
    factor = HESSIAN_STEP_FACTORS[method]
    if method == "complex_step":
        identity = np.broadcast_to(np.eye(d), (x.shape[0], d, d))
        value, _, _, _ = _first_derivatives(function, x, identity, f0, "complex_step", None,
                                            False)  # probes analyticity, with its cross-check
        steps = _coordinate_steps(x, factor, step)
        levels = [steps] if not want_error else [steps, 2 * steps]
        hessians = [_complex_hessian(function, x, t) for t in levels]
        value, rounding = hessians[0]
        error = None
        if want_error:
            error = np.abs(hessians[1][0] - value) / 3 + rounding + EPS * np.abs(value)
        return value, error, steps, method
    if method == "richardson":
        base = _coordinate_steps(x, factor, step)
        value, error, smallest = _richardson_hessian(function, x, f0, base)
        return value, error, base * smallest[:, None], method
    steps = _coordinate_steps(x, factor, step)
    value, rounding = _difference_hessian(function, x, f0, steps, method)
    _require_finite(value, f"the {method} Hessian quotient", _STEP_HINT)
    error = None
    if want_error:
        coarse, _ = _difference_hessian(function, x, f0, 2 * steps, method)
        factor_truncation = 1.0  # central: |H(2h) - H(h)| ~ 3 |error|, a 3x margin
        with np.errstate(all="ignore"):
            error = factor_truncation * np.abs(coarse - value) + rounding + EPS * np.abs(value)
        error = np.where(np.isfinite(error), error, np.inf)
    return value, error, steps, method


def _richardson_hessian(function, x, f0, base):
    """Richardson extrapolation of central second differences: ``(H, error, relative step)``.

    The table holds the four-point Hessians at steps ``base / 2**k``; it is
    extended and its estimate widened entry by entry where its finest levels
    are not settled, as for first derivatives (:func:`_settled_richardson`).
    A settled entry must also agree with the quotient at
    :data:`_ALIAS_PROBE` times the table's second-finest step
    (:func:`_unaliased`).
    The step returned is relative to ``base``.
    """

    def quotients(scales):
        hessians = [_difference_hessian(function, x, f0, base * scale, "central")
                    for scale in scales]
        return np.stack([h for h, _ in hessians]), np.stack([r for _, r in hessians])

    def levels(first, last):
        scales = 2.0 ** -np.arange(first, last)
        relative = np.broadcast_to(scales[:, None], (len(scales), x.shape[0]))
        return (*quotients(scales), relative)

    def confirm(table, value, error):
        second_finest = table[0].shape[0] - 2
        return _unaliased(table, value, error, quotients([_ALIAS_PROBE * 2.0**-second_finest]))

    value, error, smallest = _settled_richardson(levels(0, RICHARDSON_LEVELS), levels,
                                                 "the Hessian", confirm)
    value = (value + np.swapaxes(value, -1, -2)) / 2
    return value, np.maximum(error, np.swapaxes(error, -1, -2)), smallest


def _unaliased(table, value, error, probe):
    """Whether ``value`` agrees with ``probe``, the quotient at a step off the table's grid.

    A second difference is even in the step: where ``f`` oscillates with a
    period ``T`` and twice the finest step is near a multiple of ``T``, every
    coarser step is too, so each level of the table sees the same slow alias
    and the differences shrink 4 times per halving as if ``f`` were resolved
    (first differences change sign instead, and look unsettled). A step
    :data:`_ALIAS_PROBE` times the second-finest is near no such multiple.
    Where the table is right, the probe's truncation is
    ``(2 * 0.618)**2 / 3 ~ 0.5`` times the finest difference ``d`` of the
    table (truncation ~ ``c h**2``), so it matches ``value`` within the
    error, ``2 d`` and 16 times its own rounding.
    """
    with np.errstate(all="ignore"):
        finest = np.abs(table[0][-1] - table[0][-2])
        tolerance = error + 2 * finest + RICHARDSON_NOISE * probe[1][0]
        return ~(np.abs(probe[0][0] - value) > tolerance)


def _pairs(d: int):
    rows, cols = np.triu_indices(d)
    eye = np.eye(d)
    return rows, cols, eye[rows], eye[cols]


def _difference_hessian(function, x, f0, steps, method):
    """Four-point central or forward-forward second differences, symmetric.

    Returns the Hessians (B, d, d) and a bound on their rounding error.
    """
    batch, d = x.shape
    rows, cols, e_row, e_col = _pairs(d)
    t_row = steps[:, rows]  # (B, P)
    t_col = steps[:, cols]
    shift_row = t_row[..., None] * e_row[None]  # (B, P, d)
    shift_col = t_col[..., None] * e_col[None]
    base = x[:, None, :]
    if method == "central":
        points = np.stack([
            base + shift_row + shift_col, base + shift_row - shift_col,
            base - shift_row + shift_col, base - shift_row - shift_col,
        ])
        values = function(points)  # (4, B, P)
        with np.errstate(all="ignore"):
            pair = (values[0] - values[1] - values[2] + values[3]) / (4 * t_row * t_col)
            rounding = EPS * np.abs(values).sum(axis=0) / (4 * t_row * t_col)
    else:
        points = np.stack([base + shift_row + shift_col, base + shift_row, base + shift_col])
        values = function(points)  # (3, B, P)
        with np.errstate(all="ignore"):
            pair = (values[0] - values[1] - values[2] + f0[:, None]) / (t_row * t_col)
            rounding = (
                EPS * (np.abs(values).sum(axis=0) + np.abs(f0[:, None])) / (t_row * t_col)
            )
    hessian = np.empty((batch, d, d))
    bound = np.empty((batch, d, d))
    hessian[:, rows, cols] = pair
    hessian[:, cols, rows] = pair
    bound[:, rows, cols] = rounding
    bound[:, cols, rows] = rounding
    return hessian, bound


def _complex_hessian(function, x, steps):
    """H_ij = Im[f(x + i h e_i + t_j e_j) - f(x + i h e_i - t_j e_j)] / (2 h t_j), symmetrized."""
    d = x.shape[1]
    imaginary = STEP_FACTORS["complex_step"] * np.maximum(1.0, np.abs(x))  # (B, d)
    eye = np.eye(d)
    shift_i = 1j * imaginary[:, :, None, None] * eye[None, :, None, :]  # (B, i, 1, d)
    shift_j = steps[:, None, :, None] * eye[None, None, :, :]  # (B, 1, j, d)
    base = x[:, None, None, :]
    points = np.stack([base + shift_i + shift_j, base + shift_i - shift_j])  # (2, B, i, j, d)
    values = function.complex(points)
    denominator = 2 * imaginary[:, :, None] * steps[:, None, :]
    with np.errstate(all="ignore"):
        hessian = (values[0].imag - values[1].imag) / denominator
        rounding = EPS * (np.abs(values[0].imag) + np.abs(values[1].imag)) / denominator
    _require_finite(hessian, "the complex-step Hessian quotient", _STEP_HINT)
    hessian = (hessian + np.swapaxes(hessian, -1, -2)) / 2
    return hessian, np.maximum(rounding, np.swapaxes(rounding, -1, -2))
