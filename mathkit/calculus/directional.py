"""Directional derivatives, Jacobian-vector products, gradients, Jacobians and Hessians.

Two definitions, two names:

- :func:`directional_derivative` is the **textbook** directional derivative:
  the rate of change of ``f`` at ``x`` along the *unit* vector ``v/|v|``,
  ``D_v f(x) = grad f(x) . v / |v|``. It does not depend on the length of
  ``v`` (only on its direction), and ``v = 0`` is an error.
- :func:`jvp` is the Jacobian-vector product ``J(x) v`` for the *raw* ``v``,
  the meaning of ``jax.jvp`` and ``torch.func.jvp``: linear in ``v``, so
  ``jvp(f, x, 2 v) = 2 jvp(f, x, v)`` and ``jvp(f, x, 0) = 0``.

For ``f = x**2 + y**2`` at ``(1, 2)`` along ``w = (3, 4)``: ``D_w f = 22/5``
but ``J w = 22``. Peers differ silently: numdifftools' ``directionaldiff``
normalizes ``v``; ``jax.jvp`` and sympy.vector's ``directional_derivative``
do not.

``f`` is a Python callable on numpy arrays (``f(x)`` for a point ``x`` of
shape ``(d,)``; with ``vectorized=True``, ``f(X)`` for points ``(..., d)``)
or a sympy expression (its variables are ``variables=``, by default its free
symbols sorted by name). With a sympy expression and an exact point and
direction (ints, Fractions, sympy Rationals), results are exact.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import sys
from dataclasses import dataclass

import numpy as np

from mathkit._validate import _describe, check_finite_array, check_one_of
from mathkit.calculus import numeric
from mathkit.calculus.numeric import METHODS, DerivativeResult, _Function

__all__ = [
    "LevelDirections",
    "SteepestAscent",
    "directional_derivative",
    "gradient",
    "hessian",
    "jacobian",
    "jvp",
    "level_directions",
    "partial",
    "steepest_ascent",
]


# --- the problem: f, the points, the directions ------------------------------------


@dataclass
class _Problem:
    """f (callable or sympy) with its points flattened to (B, d) and the batch shape."""

    function: object  # _Function for numeric methods (callables, lambdified sympy)
    matrix: object  # sympy column matrix of the components, or None
    symbols: tuple
    scalar: bool | None  # f returns a scalar (None until known for callables)
    exact: bool
    points: np.ndarray  # (B, d), float64 or object (exact)
    batch: tuple
    d: int
    method: str  # "symbolic", a numeric method, or "auto" (numeric, for callables)
    step: float | None
    full_output: bool


def _sympy_loaded_input(f) -> bool:
    """Whether ``f`` is sympy input; imports nothing unless sympy is already loaded."""
    if "sympy" not in sys.modules:  # then f cannot be a sympy object
        return False
    from mathkit.calculus import symbolic

    return symbolic.is_sympy_input(f)


def _check_step(step) -> float | None:
    if step is None:
        return None
    if isinstance(step, bool) or not isinstance(step, numbers.Real):
        msg = f"step must be a positive number or None, got {type(step).__name__} {_describe(step)}"
        raise TypeError(msg)
    step = float(step)
    if not np.isfinite(step) or step <= 0:
        msg = f"step must be a positive finite number, got {step}"
        raise ValueError(msg)
    return step


def _check_flag(value, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        msg = f"{name} must be True or False, got {_describe(value)}"
        raise TypeError(msg)
    return bool(value)


def _as_points(values, name: str, exact: bool, d: int | None) -> np.ndarray:
    if exact:
        from mathkit.calculus import symbolic

        array = symbolic.exact_array(values)
    else:
        try:
            raw = np.asarray(values)
        except (TypeError, ValueError):
            raw = None  # check_finite_array says what is wrong
        if raw is not None and raw.dtype == object:  # Fractions, sympy numbers: as floats
            with contextlib.suppress(TypeError, ValueError):
                values = raw.astype(np.float64)
        array = check_finite_array(values, name)
    if array.ndim == 0:
        msg = (
            f"{name} must have shape (d,) or (..., d), got a scalar; for a function of one "
            f"variable pass [{name}]"
        )
        raise ValueError(msg)
    if array.shape[-1] == 0:
        msg = f"{name} must have at least one coordinate, got shape {array.shape}"
        raise ValueError(msg)
    if d is not None and array.shape[-1] != d:
        msg = f"{name} must have {d} coordinates (last axis), got shape {array.shape}"
        raise ValueError(msg)
    return array


def _prepare(f, x, v, *, method, variables, vectorized, step, full_output, scalar_only,
             allow_zero_direction=True):
    """Check every argument; return the problem and the directions (B, d) or None."""
    check_one_of(method, "method", METHODS)
    vectorized = _check_flag(vectorized, "vectorized")
    full_output = _check_flag(full_output, "full_output")
    step = _check_step(step)
    if _sympy_loaded_input(f):
        from mathkit.calculus import symbolic

        matrix, symbols, scalar = symbolic._expression_and_symbols(f, variables)
        if scalar_only and not scalar:
            msg = f"f must be a scalar expression here, got {len(matrix)} components"
            raise ValueError(msg)
        d = len(symbols)
        exact = (
            method in ("auto", "symbolic")
            and symbolic.exact_array(x) is not None
            and (v is None or symbolic.exact_array(v) is not None)
        )
        resolved = "symbolic" if method == "auto" else method
        out_shape = () if scalar else (len(matrix),)

        def lambdified(points, matrix=matrix, symbols=symbols, out_shape=out_shape):
            evaluate = symbolic.lambdify_vectorized(matrix, symbols)  # cached
            return evaluate(points).reshape((*points.shape[:-1], *out_shape))

        function = _Function(lambdified, vectorized=True, scalar_only=scalar_only)
    else:
        if not callable(f):
            msg = (
                f"f must be a callable or a sympy expression, got {type(f).__name__} "
                f"{_describe(f)}"
            )
            raise TypeError(msg)
        if variables is not None:
            msg = "variables applies only when f is a sympy expression, got a callable f"
            raise TypeError(msg)
        if method == "symbolic":
            msg = (
                "method='symbolic' needs f as a sympy expression (use mathkit.calculus.parse "
                "to turn text into one), got a callable"
            )
            raise ValueError(msg)
        matrix, symbols, scalar, d, exact, resolved = None, (), None, None, False, method
        function = _Function(f, vectorized=vectorized, scalar_only=scalar_only)
    points = _as_points(x, "x", exact, d)
    d = points.shape[-1]
    directions = None
    batch = points.shape[:-1]
    if v is not None:
        directions = _as_points(v, "v", exact, d)
        try:
            batch = np.broadcast_shapes(points.shape[:-1], directions.shape[:-1])
        except ValueError:
            msg = (
                f"x and v must broadcast: got shapes {points.shape} and {directions.shape} "
                "(points (..., d) with directions (..., d) or (d,))"
            )
            raise ValueError(msg) from None
        directions = np.broadcast_to(directions, (*batch, d)).reshape(-1, d)
        if not allow_zero_direction:
            _check_nonzero_rows(directions, batch)
    points = np.broadcast_to(points, (*batch, d)).reshape(-1, d)
    problem = _Problem(function, matrix, symbols, scalar, exact, points, tuple(batch), d,
                       resolved, step, full_output)
    return problem, directions


def _check_nonzero_rows(directions: np.ndarray, batch: tuple) -> None:
    zero = ~np.any(directions != 0, axis=-1)
    if zero.any():
        d = directions.shape[-1]
        if not batch:
            msg = f"v must be a non-zero vector, got all zeros of length {d}"
        else:
            where = np.unravel_index(int(np.argmax(zero)), batch)
            msg = (
                f"v must be non-zero vectors, got all zeros of length {d} at index "
                f"{tuple(int(i) for i in where)}"
            )
        raise ValueError(msg)


# --- computing ----------------------------------------------------------------------


def _base_values(problem: _Problem) -> np.ndarray:
    """f at the points (B, *out), checked finite; fixes the output shape of callables."""
    values = problem.function(problem.points)
    bad = ~np.isfinite(values)
    if bad.any():
        index = int(np.argwhere(bad.reshape(len(values), -1).any(axis=1))[0][0])
        point = ", ".join(f"{c!r}" for c in problem.points[index].tolist())
        msg = f"f(x) must be finite, got {values[index]} at x=[{point}]"
        raise ValueError(msg)
    if problem.scalar is None:
        problem.scalar = values.ndim == 1
    return values


def _symbolic_jacobian(problem: _Problem) -> np.ndarray:
    """The exact or float Jacobian (B, m, d) of the sympy problem at its points."""
    from mathkit.calculus import symbolic

    jacobian_matrix = symbolic._jacobian_matrix(problem.matrix, problem.symbols)
    what = "derivative of f"
    if problem.exact:
        return symbolic._evaluate_exact(jacobian_matrix, problem.symbols, problem.points, what)
    return symbolic._evaluate_float(jacobian_matrix, problem.symbols, problem.points, what)


def _along(problem: _Problem, directions: np.ndarray, unit: bool):
    """Derivatives along the rows of ``directions`` (B, K, d).

    ``unit=True``: along ``v/|v|`` (directional derivative); ``unit=False``:
    ``J v`` for the raw ``v``. Returns ``(value, error, step, method)`` with
    value and error of shape (B, K, *out) and step (B, K) or None.
    """
    if problem.method == "symbolic":
        jac = _symbolic_jacobian(problem)  # (B, m, d)
        value = np.einsum("bmd,bkd->bkm", jac, directions) if not problem.exact else (
            (jac[:, None, :, :] * directions[:, :, None, :]).sum(axis=-1)
        )
        if unit:
            value = value / _expand(_norms(directions, problem.exact), value.ndim)
        if problem.scalar:
            value = value[..., 0]
        error = np.zeros(value.shape)
        return value, error, None, "symbolic"
    norms = _norms(directions, exact=False)
    nonzero = norms > 0
    units = np.where(nonzero[..., None], directions / np.where(nonzero, norms, 1)[..., None], 0)
    f0 = _base_values(problem)
    if not unit and not nonzero.all():
        # J 0 = 0: differentiate along a placeholder direction, then zero those entries.
        units = np.where(nonzero[..., None], units, np.eye(problem.d)[0])
    value, error, step, method = numeric._first_derivatives(
        problem.function, problem.points, units, f0, problem.method, problem.step,
        want_error=problem.full_output,
    )
    if error is None:
        error = np.zeros(value.shape)
    if not unit:
        scale = _expand(norms, value.ndim)
        value, error = value * scale, error * scale
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(nonzero, step / np.where(nonzero, norms, 1), 0.0)
    return value, error, step, method


def _norms(directions: np.ndarray, exact: bool) -> np.ndarray:
    if exact:
        import sympy

        squares = (directions * directions).sum(axis=-1)
        return np.vectorize(sympy.sqrt, otypes=[object])(squares)
    return numeric._vector_norm(directions)


def _expand(array, ndim: int):
    array = np.asarray(array)
    return array.reshape(array.shape + (1,) * (ndim - array.ndim))


def _finish(problem: _Problem, value, error, step, method):
    """Reshape (B, ...) results to the batch shape; scalars for a single point."""
    value = np.asarray(value)
    rest = value.shape[1:]
    value = value.reshape((*problem.batch, *rest))
    error = np.asarray(error, dtype=np.float64).reshape((*problem.batch, *rest))
    if step is not None:
        step = np.asarray(step, dtype=np.float64)
        step = step.reshape((*problem.batch, *step.shape[1:]))
        step = step[()] if step.ndim == 0 else step
    if value.ndim == 0:
        value = value[()] if problem.exact else np.float64(value)
        error = np.float64(error)
    if not problem.full_output:
        return value
    return DerivativeResult(value, error, method, step)


# --- public functions --------------------------------------------------------------------


def directional_derivative(f, x, v, *, method: str = "auto", variables=None,
                           vectorized: bool = False, step: float | None = None,
                           full_output: bool = False):
    r"""The directional derivative of ``f`` at ``x`` along the unit vector ``v/|v|``.

    This is the textbook definition: the rate of change of ``f`` per unit of
    distance travelled in the direction of ``v``; the length of ``v`` does
    not matter. For ``J v`` with the raw ``v`` use :func:`jvp`.

    Parameters
    ----------
    f : callable or sympy expression
        A function of a point: ``f(x)`` with ``x`` of shape ``(d,)``
        returning a scalar (or a 1-D array: then each component is
        differentiated). With ``vectorized=True``, ``f(X)`` maps points
        ``(..., d)`` to values ``(...)`` (or ``(..., m)``). Or a sympy
        expression (a ``Matrix`` or list of them for several components).
    x : array_like, shape (d,) or (..., d)
        The point, or several points.
    v : array_like, shape (d,) or (..., d)
        The direction (not necessarily of length 1; must not be 0),
        broadcast against ``x``: ``(N, d)`` points with ``(N, d)`` or
        ``(d,)`` directions, or one point with ``(N, d)`` directions.
    method : {"auto", "symbolic", "complex_step", "central", "forward", "richardson"}
        ``"auto"``: symbolic for a sympy expression, else the complex step
        when ``f`` is complex-analytic as coded, else Richardson
        extrapolation. See Notes.
    variables : sequence of sympy Symbols or names, optional
        The variables of a sympy ``f``, in the order of the coordinates of
        ``x`` (default: its free symbols sorted by name). Only for sympy.
    vectorized : bool, default False
        Whether a callable ``f`` takes a whole batch of points at once.
    step : float, optional
        The step ``h`` of the evaluation points ``x + h v/|v|`` (for
        ``"richardson"``, the largest step). Default: see Notes.
    full_output : bool, default False
        Return a :class:`~mathkit.calculus.DerivativeResult` with the error
        estimate, the method used and the step, instead of the value.

    Returns
    -------
    numpy.float64, numpy.ndarray, sympy number or DerivativeResult
        Shape: the broadcast batch shape of ``x`` and ``v`` (plus ``(m,)``
        for an ``f`` with ``m`` components). Exact (a sympy number, or an
        object array of them) for a sympy ``f`` with exact ``x`` and ``v``
        and ``method`` "auto" or "symbolic".

    Raises
    ------
    TypeError
        If ``f`` is neither callable nor a sympy expression, ``x`` or ``v``
        is not numeric, ``f`` returns something that is not a number, or
        ``variables`` is given with a callable.
    ValueError
        If ``v`` is zero, ``x`` or ``v`` is not finite, their shapes do not
        fit, ``method`` is unknown, ``f`` returns the wrong shape or a
        non-finite value, or the method cannot be used (``"symbolic"`` with a
        callable; :class:`~mathkit.calculus.NotAnalyticError` for a complex
        step on a non-analytic ``f``).

    See Also
    --------
    jvp : ``J v`` for the raw ``v``.
    gradient, steepest_ascent, level_directions

    Notes
    -----
    .. math:: D_v f(x) = \lim_{t \to 0} \frac{f(x + t u) - f(x)}{t}
              = \nabla f(x) \cdot u, \qquad u = v / \lVert v \rVert .

    Methods, with ``t`` the step along ``u`` and ``s = max(1, sum_i |x_i||u_i|)``:

    - ``"symbolic"``: ``sympy.diff``, then ``grad f . v / |v|`` evaluated
      exactly (exact input) or in float64 (float input).
    - ``"complex_step"``: ``Im f(x + i t u) / t`` with ``t = 1e-20 s``
      [1]_. No subtraction, so no cancellation: accurate to a few ulps of
      ``sum_i |df/dx_i| |u_i|`` for real-analytic ``f`` coded with
      complex-capable operations (median relative error 1.4e-16 on smooth
      test functions). ``f`` is refused
      (:class:`~mathkit.calculus.NotAnalyticError`) when it raises on complex
      input, returns real values for it, or when its result disagrees with
      central differences beyond their own error (``abs``, ``conj``); the
      cross-check costs four real evaluations per direction, and where it
      disagrees it looks again at steps 16 and 256 times smaller (an ``f``
      that oscillates faster than the check's step is not refused).
    - ``"central"``: ``(f(x + t u) - f(x - t u)) / 2t``, ``t = eps**(1/3) s``:
      error ``O(eps**(2/3))`` (median 4e-11 relative).
    - ``"forward"``: ``(f(x + t u) - f(x)) / t``, ``t = eps**(1/2) s``:
      error ``O(eps**(1/2))`` (median 3e-8).
    - ``"richardson"``: central differences at ``t = s/8, s/16, ...``
      (10 steps), extrapolated towards ``t = 0`` (Richardson, up to order
      ``t**8``); each entry's error is estimated from its neighbours, as in
      Ridders' method [2]_ (median 8e-15 relative). Where the finest
      differences of the table do not shrink as ``t**2`` (``f`` varies on a
      scale below ``s/4096``), the table goes on halving (9 more steps, at
      most twice); where even that does not settle it, the error estimate
      is widened to 4 times the spread of the finest quotients.

    The error estimates (``full_output=True``) come from a second step
    (``2t``; ``1.5t`` for the complex step) plus a bound on rounding; for
    Richardson, from the spread of the table (with a safety factor of 4:
    on smooth test functions it bounded the true error every time). They
    are estimates: none sees the ill-conditioning of ``f`` itself (``cos``
    of a large argument), and none bounds the error of an ``f`` that
    oscillates faster than the smallest step (``sin(1e10 x)``). The
    accuracies quoted are medians over 12 smooth functions at 40 random
    points each.

    References
    ----------
    .. [1] J. R. R. A. Martins, P. Sturdza, J. J. Alonso, "The complex-step
       derivative approximation", ACM TOMS 29(3), 245-262 (2003).
    .. [2] C. J. F. Ridders, "Accurate computation of F'(x) and F'(x)F''(x)",
       Advances in Engineering Software 4(2), 75-76 (1982).

    Examples
    --------
    The textbook example: ``f = x**2 + y**2`` at ``(1, 2)`` along ``(3, 4)``
    and along ``(1, 0)``, exactly:

    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> directional_derivative(x**2 + y**2, (1, 2), (3, 4))
    22/5
    >>> directional_derivative(x**2 + y**2, (1, 2), (1, 0))
    2

    The same with a Python function (complex step, exact to rounding):

    >>> def f(p):
    ...     return p[0] ** 2 + p[1] ** 2
    >>> float(directional_derivative(f, [1.0, 2.0], [3.0, 4.0]))
    4.4

    Several directions at once:

    >>> directional_derivative(f, [1.0, 2.0], [[3.0, 4.0], [1.0, 0.0], [0.0, -2.0]])
    array([ 4.4,  2. , -4. ])
    """
    problem, directions = _prepare(f, x, v, method=method, variables=variables,
                                   vectorized=vectorized, step=step, full_output=full_output,
                                   scalar_only=False, allow_zero_direction=False)
    value, error, steps, used = _along(problem, directions[:, None, :], unit=True)
    return _finish(problem, value[:, 0], error[:, 0], None if steps is None else steps[:, 0],
                   used)


def jvp(f, x, v, *, method: str = "auto", variables=None, vectorized: bool = False,
        step: float | None = None, full_output: bool = False):
    r"""The Jacobian-vector product ``J(x) v`` for the raw ``v`` (the JAX/PyTorch meaning).

    Linear in ``v``: ``jvp(f, x, c v) = c jvp(f, x, v)``, and ``v = 0`` gives
    0. It equals ``|v|`` times :func:`directional_derivative`.

    Parameters
    ----------
    f, x, method, variables, vectorized, full_output
        As for :func:`directional_derivative`.
    v : array_like, shape (d,) or (..., d)
        The tangent vector, any length (0 allowed), broadcast against ``x``.
    step : float, optional
        The step ``h`` of the evaluation points ``x + h v`` (in units of the
        raw ``v``). Default ``t / |v|`` with ``t`` the step of
        :func:`directional_derivative`: proportional to ``max(1, |x|)/|v|``.

    Returns
    -------
    numpy.float64, numpy.ndarray, sympy number or DerivativeResult
        ``J v``: the batch shape, plus ``(m,)`` for ``m`` components.

    Raises
    ------
    TypeError, ValueError
        As for :func:`directional_derivative`, except that ``v = 0`` is allowed.

    Notes
    -----
    .. math:: J(x)\,v = \frac{d}{dt} f(x + t v) \Big|_{t=0}
              = \lVert v \rVert \, D_{v} f(x).

    Numerically it is computed along ``u = v/|v|`` with the steps of
    :func:`directional_derivative` and multiplied by ``|v|``, so scaling ``v``
    does not change which points ``f`` is evaluated at. Reference: A.
    Griewank, A. Walther, *Evaluating Derivatives*, 2nd ed., SIAM (2008),
    ch. 3 (tangent mode).

    Examples
    --------
    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> jvp(x**2 + y**2, (1, 2), (3, 4))
    22
    >>> import numpy as np
    >>> jvp(lambda p: np.array([p[0] * p[1], p[0] + p[1]]), [1.0, 2.0], [1.0, 1.0])
    array([3., 2.])
    """
    problem, directions = _prepare(f, x, v, method=method, variables=variables,
                                   vectorized=vectorized, step=step, full_output=full_output,
                                   scalar_only=False)
    if problem.step is not None and problem.method != "symbolic":
        # The engine's step is along the unit direction: t = h |v|.
        norms = numeric._vector_norm(directions.astype(np.float64))
        if np.ptp(norms) > 0:
            msg = "step with several directions of different lengths is ambiguous for jvp"
            raise ValueError(msg)
        problem.step = problem.step * float(norms[0]) if norms[0] > 0 else problem.step
    value, error, steps, used = _along(problem, directions[:, None, :], unit=False)
    return _finish(problem, value[:, 0], error[:, 0], None if steps is None else steps[:, 0],
                   used)


def partial(f, x, i, *, method: str = "auto", variables=None, vectorized: bool = False,
            step: float | None = None, full_output: bool = False):
    r"""The partial derivative ``df/dx_i`` at ``x``.

    Parameters
    ----------
    f, x, method, variables, vectorized, step, full_output
        As for :func:`directional_derivative`.
    i : int, or sympy Symbol or name (sympy ``f``)
        The coordinate, counted from 0 (negative counts from the end), or
        the variable.

    Returns
    -------
    numpy.float64, numpy.ndarray, sympy number or DerivativeResult
        Shape: the batch shape of ``x`` (plus ``(m,)`` for ``m`` components).

    Raises
    ------
    TypeError
        If ``i`` is not an integer (or a variable of a sympy ``f``).
    ValueError
        If ``i`` is out of range, and as for :func:`directional_derivative`.

    Notes
    -----
    The directional derivative along the coordinate vector ``e_i``:
    ``df/dx_i = D_{e_i} f = grad f . e_i``; numerically the step is
    ``factor * max(1, |x_i|)``, the classical per-coordinate rule (J. E.
    Dennis, R. B. Schnabel, *Numerical Methods for Unconstrained
    Optimization*, SIAM (1996), sec. 5.4).

    Examples
    --------
    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> partial(x**2 * y, (3, 2), 0), partial(x**2 * y, (3, 2), y)
    (12, 9)
    """
    problem, _ = _prepare(f, x, None, method=method, variables=variables,
                          vectorized=vectorized, step=step, full_output=full_output,
                          scalar_only=False)
    index = _coordinate(i, problem)
    directions = np.zeros((len(problem.points), 1, problem.d),
                          dtype=object if problem.exact else np.float64)
    directions[:, 0, :] = 0
    directions[:, 0, index] = 1
    value, error, steps, used = _along(problem, directions, unit=True)
    return _finish(problem, value[:, 0], error[:, 0], None if steps is None else steps[:, 0],
                   used)


def _coordinate(i, problem: _Problem) -> int:
    if problem.matrix is not None and not isinstance(i, numbers.Integral | np.integer):
        import sympy

        names = [s.name for s in problem.symbols]
        if isinstance(i, sympy.Symbol) and i in problem.symbols:
            return problem.symbols.index(i)
        if isinstance(i, str) and i in names:
            return names.index(i)
        msg = f"i must be a coordinate index or one of the variables {names}, got {i!r}"
        raise ValueError(msg)
    if isinstance(i, bool) or not isinstance(i, numbers.Integral | np.integer):
        msg = f"i must be an integer coordinate index, got {type(i).__name__} {_describe(i)}"
        raise TypeError(msg)
    if not -problem.d <= int(i) < problem.d:
        msg = f"i must be in [-{problem.d}, {problem.d}) for {problem.d} coordinates, got {i}"
        raise ValueError(msg)
    return int(i) % problem.d


def _coordinate_directions(problem: _Problem) -> np.ndarray:
    dtype = object if problem.exact else np.float64
    eye = np.eye(problem.d, dtype=np.int64).astype(dtype)
    return np.broadcast_to(eye, (len(problem.points), problem.d, problem.d))


def gradient(f, x, *, method: str = "auto", variables=None, vectorized: bool = False,
             step: float | None = None, full_output: bool = False):
    r"""The gradient ``grad f(x) = (df/dx_1, ..., df/dx_d)`` of a scalar ``f``.

    Parameters
    ----------
    f : callable or sympy expression
        A scalar function (see :func:`directional_derivative`).
    x, method, variables, vectorized, step, full_output
        As for :func:`directional_derivative` (``step`` is the step along
        each coordinate).

    Returns
    -------
    numpy.ndarray, object array of sympy numbers, or DerivativeResult
        Shape ``(..., d)``.

    Raises
    ------
    ValueError
        If ``f`` does not return a scalar, and as for
        :func:`directional_derivative`.

    Notes
    -----
    .. math:: \nabla f(x)_i = \frac{\partial f}{\partial x_i}(x) = D_{e_i} f(x).

    Each component is a derivative along a coordinate vector, with the
    per-coordinate step ``factor * max(1, |x_i|)`` (see :func:`partial`).
    Reference: J. Nocedal, S. J. Wright, *Numerical Optimization*, 2nd ed.,
    Springer (2006), sec. 8.1.

    Examples
    --------
    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> gradient(x**2 + y**2, (1, 2))
    array([2, 4], dtype=object)
    >>> gradient(lambda p: p[0] ** 2 + p[1] ** 2, [1.0, 2.0])
    array([2., 4.])
    """
    problem, _ = _prepare(f, x, None, method=method, variables=variables,
                          vectorized=vectorized, step=step, full_output=full_output,
                          scalar_only=True)
    value, error, steps, used = _along(problem, _coordinate_directions(problem), unit=True)
    return _finish(problem, value, error, steps, used)


def jacobian(f, x, *, method: str = "auto", variables=None, vectorized: bool = False,
             step: float | None = None, full_output: bool = False):
    r"""The Jacobian ``J_ij = df_i/dx_j`` of ``f`` at ``x``.

    Parameters
    ----------
    f : callable or sympy expression
        Returning ``m`` components (a 1-D array, a sympy ``Matrix`` or list
        of expressions), or a scalar.
    x, method, variables, vectorized, step, full_output
        As for :func:`directional_derivative`.

    Returns
    -------
    numpy.ndarray, object array of sympy numbers, or DerivativeResult
        Shape ``(..., m, d)``; ``(..., d)`` (the gradient) for a scalar ``f``.

    Raises
    ------
    TypeError, ValueError
        As for :func:`directional_derivative`.

    Notes
    -----
    .. math:: J(x)_{ij} = \frac{\partial f_i}{\partial x_j}(x),
              \qquad J(x)\, e_j = D_{e_j} f(x).

    Column ``j`` is the derivative along the coordinate vector ``e_j``
    (see :func:`partial` for the steps). Reference: Nocedal & Wright,
    *Numerical Optimization*, 2nd ed. (2006), sec. 8.1.

    Examples
    --------
    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> jacobian([x * y, x + y**2], (2, 3))
    array([[3, 2],
           [1, 6]], dtype=object)
    """
    problem, _ = _prepare(f, x, None, method=method, variables=variables,
                          vectorized=vectorized, step=step, full_output=full_output,
                          scalar_only=False)
    value, error, steps, used = _along(problem, _coordinate_directions(problem), unit=True)
    if value.ndim == 3:  # (B, d, m) -> (B, m, d)
        value, error = np.swapaxes(value, 1, 2), np.swapaxes(error, 1, 2)
    return _finish(problem, value, error, steps, used)


def hessian(f, x, *, method: str = "auto", variables=None, vectorized: bool = False,
            step: float | None = None, full_output: bool = False):
    r"""The Hessian ``H_ij = d^2 f / dx_i dx_j`` of a scalar ``f`` at ``x``.

    Parameters
    ----------
    f : callable or sympy expression
        A scalar function.
    x, method, variables, vectorized, full_output
        As for :func:`directional_derivative`.
    step : float, optional
        The step of each coordinate (for ``"richardson"`` the largest).
        Default ``factor * max(1, |x_i|)``, with the factors of
        :data:`~mathkit.calculus.numeric.HESSIAN_STEP_FACTORS`.

    Returns
    -------
    numpy.ndarray, object array of sympy numbers, or DerivativeResult
        Shape ``(..., d, d)``, symmetric.

    Raises
    ------
    ValueError
        If ``f`` does not return a scalar, and as for
        :func:`directional_derivative`.

    Notes
    -----
    .. math:: H_{ij} \approx \frac{f(x + t_i e_i + t_j e_j) - f(x + t_i e_i - t_j e_j)
              - f(x - t_i e_i + t_j e_j) + f(x - t_i e_i - t_j e_j)}{4 t_i t_j}

    (``"central"``, ``t = eps**(1/4) max(1, |x_i|)``, relative error
    ~3e-8); ``"forward"`` uses ``f(x + t_i e_i + t_j e_j) - f(x + t_i e_i)
    - f(x + t_j e_j) + f(x)`` over ``t_i t_j`` (``t = eps**(1/3)``, ~2e-5);
    ``"complex_step"`` takes central differences of complex-step gradients,
    ``Im[f(x + i h e_i + t e_j) - f(x + i h e_i - t e_j)] / 2ht`` (~5e-11)
    [1]_; ``"richardson"`` extrapolates the central formula over 10 halvings
    of the step (~5e-13; this is what ``"auto"`` uses for a callable). The
    figures are medians measured on smooth test functions. Reference for
    the finite-difference formulas: Nocedal & Wright, *Numerical
    Optimization*, 2nd ed. (2006), sec. 8.1.

    Where the finest levels of a Richardson table are not in their
    asymptotic regime (``f`` varies on a scale below the step), that entry's
    table is extended by 9 further halvings, at most twice, and if it is
    still unsettled its error estimate is widened to 4 times the spread of
    the finest quotients, as for first derivatives. A settled entry must
    also agree with the quotient at 0.618 times the second-finest step, since
    second differences can alias at every level at once. The estimate then
    bounds the error wherever the phase of ``f`` turns by at most a few
    radians over the finest extended step (about ``1e-9 max(1, |x_i|)``):
    ``sin(3000 x y)`` at ``(0.5, 1)`` has relative error about ``3e-13``
    with an estimate of about ``1e-11``. An ``f`` that is noisy as coded
    (``sin`` of a large argument) can still get an estimate rather than a
    bound.

    .. [1] R. Abreu, D. Stich, J. Morales, "On the generalization of the
       complex step method", J. Comput. Appl. Math. 241, 84-102 (2013).

    Examples
    --------
    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> hessian(x**2 * y, (1, 2))
    array([[4, 2],
           [2, 0]], dtype=object)
    >>> import numpy as np
    >>> np.round(hessian(lambda p: p[0] ** 2 * p[1], [1.0, 2.0]), 8)
    array([[4., 2.],
           [2., 0.]])
    """
    problem, _ = _prepare(f, x, None, method=method, variables=variables,
                          vectorized=vectorized, step=step, full_output=full_output,
                          scalar_only=True)
    if problem.method == "symbolic":
        from mathkit.calculus import symbolic

        matrix = symbolic._hessian_matrix(problem.matrix[0], problem.symbols)
        evaluate = symbolic._evaluate_exact if problem.exact else symbolic._evaluate_float
        value = evaluate(matrix, problem.symbols, problem.points, "Hessian of f")
        return _finish(problem, value, np.zeros(value.shape), None, "symbolic")
    f0 = _base_values(problem)
    value, error, steps, used = numeric._second_derivatives(
        problem.function, problem.points, f0, problem.method, problem.step,
        want_error=problem.full_output,
    )
    if error is None:
        error = np.zeros(value.shape)
    return _finish(problem, value, error, steps, used)


# --- geometry: steepest ascent and level directions ---------------------------------------


@dataclass(frozen=True)
class SteepestAscent:
    """The direction of steepest ascent of ``f`` at ``x`` and the rate along it.

    Attributes
    ----------
    direction : numpy.ndarray or object array, shape (..., d)
        The unit vector ``grad f / |grad f|``; the zero vector at a critical
        point (see ``critical``).
    rate : numpy.float64, numpy.ndarray or sympy number, shape (...)
        ``|grad f|``, the largest directional derivative over all unit
        directions (and ``-rate`` the smallest, along ``-direction``).
    critical : bool or numpy.ndarray of bool, shape (...)
        True where the gradient is zero (exactly, for exact input), or
        numerically indistinguishable from zero (``|grad f|`` not larger
        than the norm of its error estimate): every direction is then level
        to first order and there is no steepest one.
    gradient : DerivativeResult
        The gradient it was computed from, with its error estimate.
    """

    direction: object
    rate: object
    critical: object
    gradient: DerivativeResult


def steepest_ascent(f, x, *, method: str = "auto", variables=None, vectorized: bool = False,
                    step: float | None = None) -> SteepestAscent:
    r"""The unit direction of steepest ascent of a scalar ``f`` at ``x``, and its rate.

    Parameters
    ----------
    f, x, method, variables, vectorized, step
        As for :func:`gradient`.

    Returns
    -------
    SteepestAscent
        ``direction`` (unit, or zero at a critical point), ``rate`` (``|grad
        f|``), ``critical`` and ``gradient`` (a :class:`DerivativeResult`
        with its error estimate). Exact for exact input.

    Raises
    ------
    TypeError, ValueError
        As for :func:`gradient`.

    Notes
    -----
    By Cauchy-Schwarz, for every unit ``u``,

    .. math:: D_u f(x) = \nabla f(x) \cdot u \le \lVert \nabla f(x) \rVert,

    with equality exactly for ``u = \nabla f / \lVert \nabla f \rVert``
    (when the gradient is not zero). Reference: J. Stewart, *Calculus*,
    8th ed. (2015), sec. 14.6, Theorem 15.

    Examples
    --------
    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> ascent = steepest_ascent(x**2 + y**2, (1, 2))
    >>> ascent.direction, ascent.rate
    (array([sqrt(5)/5, 2*sqrt(5)/5], dtype=object), 2*sqrt(5))
    >>> steepest_ascent(x**2 + y**2, (0, 0)).critical
    True
    """
    problem, grad, result = _gradient_problem(f, x, method, variables, vectorized, step)
    critical = _critical(problem, grad, result.error_estimate)
    if problem.exact:
        import sympy

        squares = (grad * grad).sum(axis=-1)
        rate = np.vectorize(sympy.sqrt, otypes=[object])(squares)
        safe = np.where(critical, 1, rate)
        direction = np.where(critical[..., None], 0, grad / safe[..., None])
    else:
        rate = numeric._vector_norm(grad)
        safe = np.where(critical | (rate == 0), 1.0, rate)
        direction = np.where(critical[..., None], 0.0, grad / safe[..., None])
    batch = problem.batch
    direction = direction.reshape((*batch, problem.d))
    rate = rate.reshape(batch)
    critical = critical.reshape(batch)
    if not batch:
        rate = rate[()] if problem.exact else np.float64(rate)
        critical = bool(critical)
    return SteepestAscent(direction, rate, critical, result)


def _gradient_problem(f, x, method, variables, vectorized, step):
    problem, _ = _prepare(f, x, None, method=method, variables=variables,
                          vectorized=vectorized, step=step, full_output=True, scalar_only=True)
    value, error, steps, used = _along(problem, _coordinate_directions(problem), unit=True)
    result = _finish(problem, value, error, steps, used)
    return problem, value, result


def _critical(problem: _Problem, grad: np.ndarray, error) -> np.ndarray:
    if problem.exact:
        return np.array([all(g == 0 for g in row) for row in grad], dtype=bool)
    error = np.asarray(error, dtype=np.float64).reshape(grad.shape)
    norms = numeric._vector_norm(grad)
    return (norms == 0) | (norms <= numeric._vector_norm(error))


@dataclass(frozen=True)
class LevelDirections:
    """Unit directions along which ``f`` does not change, to first order.

    Attributes
    ----------
    directions : numpy.ndarray or object array, shape (..., d - 1, d)
        Orthonormal rows, each orthogonal to the gradient: a basis of the
        tangent space of the level set ``{f = f(x)}`` at ``x``. In 2-D the
        single row is the unit tangent of the level curve, the gradient
        turned a quarter turn counterclockwise: ``(-f_y, f_x) / |grad f|``.
    gradient : DerivativeResult
        The gradient they were computed from, with its error estimate.
    """

    directions: object
    gradient: DerivativeResult


def level_directions(f, x, *, method: str = "auto", variables=None, vectorized: bool = False,
                     step: float | None = None) -> LevelDirections:
    r"""An orthonormal basis of the directions of zero directional derivative of ``f`` at ``x``.

    Parameters
    ----------
    f, x, method, variables, vectorized, step
        As for :func:`gradient`.

    Returns
    -------
    LevelDirections
        ``directions`` of shape ``(..., d - 1, d)`` and the ``gradient``.
        Exact for exact input.

    Raises
    ------
    ValueError
        At a critical point (zero gradient, or numerically indistinguishable
        from zero): every direction has zero derivative there and the level
        set need not be a smooth curve or surface, so there is no basis of
        ``d - 1`` directions to give. Also as for :func:`gradient`.

    Notes
    -----
    ``D_u f = grad f . u = 0`` exactly for ``u`` orthogonal to the gradient,
    so the level directions are the orthogonal complement of ``grad f``,
    the tangent space of the level set (implicit function theorem). In 2-D
    it is spanned by ``(-f_y, f_x) / |grad f|``. In ``d`` dimensions, with
    ``g = grad f`` and ``p`` the index of its largest component, the vectors
    ``g_p e_k - g_k e_p`` (``k != p``) span it and are well conditioned (Gram
    matrix condition number at most ``d``); Gram-Schmidt makes them
    orthonormal (G. H. Golub, C. F. Van Loan, *Matrix Computations*, 4th ed.
    (2013), sec. 5.2.7). The same construction runs exactly (sympy) and in
    floats, so the exact and numeric bases agree.

    Examples
    --------
    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> level_directions(x**2 + y**2, (3, 4)).directions
    array([[-4/5, 3/5]], dtype=object)
    >>> directional_derivative(x**2 + y**2, (3, 4), (-4, 3))
    0
    """
    problem, grad, result = _gradient_problem(f, x, method, variables, vectorized, step)
    critical = _critical(problem, grad, result.error_estimate)
    if critical.any():
        index = int(np.argmax(critical))
        point = ", ".join(str(c) for c in problem.points[index].tolist())
        msg = (
            f"the gradient of f is zero at x=({point}) (a critical point): every direction has "
            "zero derivative there, so there is no basis of level directions"
        )
        raise ValueError(msg)
    d = problem.d
    rows = [_level_basis(list(g), problem.exact) for g in grad]
    directions = np.array(rows, dtype=object if problem.exact else np.float64)
    return LevelDirections(directions.reshape((*problem.batch, d - 1, d)), result)


def _level_basis(g: list, exact: bool) -> list:
    """An orthonormal basis (d - 1 rows) of the complement of the non-zero vector ``g``.

    In 2-D, ``(-g_2, g_1) / |g|``. In general, with ``p`` the index of the
    largest ``|g_p|``, the vectors ``w_k = g_p e_k - g_k e_p`` (``k != p``) are
    orthogonal to ``g`` and their Gram matrix ``g_p^2 I + g' g'^T`` has a
    condition number at most ``d``; Gram-Schmidt (twice, in floats) turns them
    into an orthonormal basis. For exact ``g`` every step is exact and, for a
    rational ``g``, every row is a rational vector over a square root.
    """
    d = len(g)
    if exact:
        import sympy

        norm = sympy.sqrt
        magnitudes = [abs(float(sympy.N(c, 20))) for c in g]
    else:
        norm = None
        magnitudes = [abs(c) for c in g]
    if d == 2:
        length = norm(g[0] * g[0] + g[1] * g[1]) if exact else math.hypot(*g)
        return [[-g[1] / length, g[0] / length]]
    p = magnitudes.index(max(magnitudes))
    basis = []
    for k in range(d):
        if k == p:
            continue
        w = [0] * d
        w[k], w[p] = g[p], -g[k]
        for _ in range(1 if exact else 2):  # classical Gram-Schmidt; twice is enough in floats
            for q in basis:
                projection = sum(a * b for a, b in zip(w, q, strict=True))
                w = [a - projection * b for a, b in zip(w, q, strict=True)]
        length = norm(sum(a * a for a in w)) if exact else math.hypot(*w)
        basis.append([a / length for a in w])
    if exact:
        basis = [[sympy.radsimp(a) for a in row] for row in basis]
    return basis
