r"""Minimize (or maximize) a quadratic form: one entry point, several methods.

``f(x) = x^T A x + b^T x + c`` has gradient ``2 A x + b``. Its stationary
points solve ``2 A x = -b``; it has a minimizer exactly when ``A`` is
positive semidefinite and ``b`` is in the range of ``A``. The result says
which case holds through its ``status``:

========================  ==============================================================
``"optimal"``             ``A`` positive definite: ``x = -A^{-1} b / 2`` is the unique
                          minimizer, ``f^* = c - b^T A^{-1} b / 4``
``"optimal_set"``         ``A`` semidefinite, ``b`` in its range: ``x`` is a minimizer
                          and so is every ``x + N t`` (``N``: ``result.nullspace``)
``"unbounded"``           ``f(x + t d) -> -inf`` as ``t -> inf`` (``d``:
                          ``result.direction``); ``result.value`` is ``-inf``
``"maxiter"``             an iterative method stopped before converging (also when its
                          own residual met ``tol`` but the true ``||2 A x + b||`` does not)
``"infeasible"``          with ``constraints=(C, d)``: ``C x = d`` has no solution
========================  ==============================================================
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from mathkit._validate import _describe, check_one_of, check_positive_integer
from mathkit.quadratic.classify import check_tolerance
from mathkit.quadratic.form import QuadraticForm, float_array, value_at

__all__ = ["METHODS", "STATUSES", "maximize", "minimize"]

#: The methods :func:`minimize` accepts.
METHODS = ("auto", "cholesky", "lstsq", "newton", "gradient_descent", "conjugate_gradient",
           "preconditioned_cg", "heavy_ball", "nesterov", "chebyshev")
#: The statuses a result can have.
STATUSES = ("optimal", "optimal_set", "unbounded", "maxiter", "infeasible")
#: Methods that need eigenvalue bounds (given or computed).
BOUNDED_METHODS = ("heavy_ball", "nesterov", "chebyshev")
#: Methods that do not terminate in exact arithmetic, or need irrational parameters.
FLOAT_ONLY = ("gradient_descent", "preconditioned_cg", *BOUNDED_METHODS)
#: Steps of gradient descent.
STEPS = ("exact", "optimal")
#: Default iteration limit of gradient descent (conjugate gradients: ``10 n``).
GRADIENT_DESCENT_MAXITER = 10_000


def _check_x0(form: QuadraticForm, x0):
    if form.exact:
        import sympy

        if x0 is None:
            return sympy.ImmutableMatrix.zeros(form.n, 1)
        return form._exact_point(x0, "x0")
    if x0 is None:
        return np.zeros(form.n)
    point = float_array(x0, "x0")
    if point.shape != (form.n,):
        msg = f"x0 must have shape ({form.n},), got {point.shape}"
        raise ValueError(msg)
    value_at(form, point, "x0", "rescale x0")  # the history starts there
    form._gradients(point, "x0")  # and the iterations
    return point.copy()


def minimize(form: QuadraticForm, method: str = "auto", x0=None, tol: float = 1e-10,
             maxiter: int | None = None, callback=None, step: str = "exact", *,
             preconditioner=None, bounds=None, constraints=None):
    r"""Minimize ``f(x) = x^T A x + b^T x + c``, or show that it is unbounded below.

    Parameters
    ----------
    form : QuadraticForm
    method : str, default "auto"
        ``"cholesky"`` (closed form; ``A`` must be positive definite),
        ``"lstsq"`` (minimum-norm closed form from the eigendecomposition;
        any symmetric ``A``), ``"newton"`` (one exact step from ``x0``),
        ``"gradient_descent"``, ``"conjugate_gradient"``,
        ``"preconditioned_cg"``, ``"heavy_ball"``, ``"nesterov"``,
        ``"chebyshev"`` (the last three with parameters from eigenvalue
        bounds, :mod:`mathkit.quadratic.accelerated`). ``"auto"``:
        Cholesky for a dense positive definite ``A`` (factorization succeeds
        with reciprocal condition estimate above ``n eps``), ``lstsq``
        for other dense ``A``, conjugate gradients for sparse and operator
        ``A``, the exact closed form for exact forms.
    x0 : array_like of shape (n,), optional
        Starting point of ``newton`` and the iterative methods (default 0);
        the direct methods ignore it.
    tol : float, default 1e-10
        Iterative methods stop when ``||2 A x + b|| <= tol * ||b||`` (relative
        to the initial gradient when ``b = 0``). The direct methods ignore it.
    maxiter : int, optional
        Iteration limit: default ``10 n`` for (preconditioned) conjugate
        gradients (``n`` for exact forms), 10000 for gradient descent, heavy
        ball, Nesterov and Chebyshev.
    callback : callable, optional
        Called as ``callback(x_k)`` after each iteration of ``newton`` and
        the iterative methods, with a read-only copy of the iterate.
    step : {"exact", "optimal"}, default "exact"
        Gradient descent only: exact line search, or the fixed step
        ``2 / (L + mu)`` from the extreme eigenvalues of the Hessian.
    preconditioner : str, LinearOperator, matrix or callable, optional
        ``method="preconditioned_cg"`` only: ``"jacobi"`` (the default),
        ``"ilu"`` (:func:`scipy.sparse.linalg.spilu`), ``"none"``, or your
        symmetric positive definite ``M`` approximating ``A^{-1}``; see
        :mod:`mathkit.quadratic.preconditioned`.
    bounds : (float, float), optional
        ``"heavy_ball"``, ``"nesterov"``, ``"chebyshev"`` only: bounds
        ``0 < lambda_min <= lambda_max`` on the eigenvalues of ``A``.
        Computed when omitted.
    constraints : (C, d), optional
        Minimize on ``{x : C x = d}``, ``C`` of shape ``(m, n)``, ``d`` of
        shape ``(m,)``; see :mod:`mathkit.quadratic.constrained`. The result
        then carries ``multipliers`` and ``constraint_violation``, and may be
        ``"infeasible"``.

    Returns
    -------
    MinimizeResult
        See :class:`~mathkit.quadratic.MinimizeResult` for the statuses.

    Raises
    ------
    TypeError
        If ``form`` is not a QuadraticForm, or ``method``, ``tol``,
        ``maxiter``, ``x0`` or ``callback`` has the wrong type.
    ValueError
        If ``method``, ``step`` or ``preconditioner`` is unknown, ``tol < 0``,
        ``maxiter < 1``, ``bounds`` or ``constraints`` have the wrong shape or
        values, an option is given to a method it does not apply to,
        ``x0`` has the wrong shape or is not finite; if ``method="cholesky"``
        and ``A`` is not positive definite; if a method that needs floating
        point (gradient descent, preconditioned CG, heavy ball, Nesterov,
        Chebyshev) is asked of an exact form; if the given ``bounds`` do not
        enclose the spectrum and the iteration diverges; if a
        direct method is asked of a sparse or operator form with ``n > 2000``;
        if ``f(x0)``, its gradient, the minimizer or the minimum overflows
        float64 (a huge ``b`` for a nearly singular ``A``: rescale the
        problem), or an iterative method is asked of an ``A`` whose Hessian
        ``2A`` overflows.

    Notes
    -----
    The minimizer of a positive definite form solves ``2 A x = -b``:
    ``x^* = -\tfrac12 A^{-1} b`` and ``f^* = c - \tfrac14 b^T A^{-1} b``.
    For semidefinite ``A`` with ``b`` in its range the minimizers form the
    affine set ``-\tfrac12 A^+ b + \ker A``; when ``b`` has a component
    ``b_N`` in ``\ker A``, ``f(x - t b_N) = f(x) - t ||b_N||^2``, and a
    negative eigenvalue with eigenvector ``v`` gives
    ``f(x + t v) = f(x) + t g^T v + t^2 \lambda \to -\infty``.
    See Nocedal and Wright, *Numerical Optimization*, 2nd ed. (2006),
    chapters 2, 3 (steepest descent) and 5 (conjugate gradients), and the
    module notes of :mod:`mathkit.quadratic.iterative`.

    Accuracy: the direct methods give ``x`` with relative error about
    ``kappa * eps``; the iterative ones stop at a relative gradient of
    ``tol``, so ``||x - x^*|| / ||x^*|| <= kappa * tol`` roughly.

    Examples
    --------
    >>> q = QuadraticForm([[2.0, 1.0], [1.0, 2.0]], b=[-6.0, 0.0], c=1.0)
    >>> r = q.minimize()
    >>> r.status, r.method, r.x.round(12).tolist(), round(float(r.value), 12)
    ('optimal', 'cholesky', [2.0, -1.0], -5.0)
    >>> r = q.minimize(method="conjugate_gradient")
    >>> r.iterations, bool(r.gradient_norm < 1e-9)
    (2, True)

    An unbounded one, and a flat valley:

    >>> r = QuadraticForm([[1.0, 0.0], [0.0, -1.0]]).minimize()
    >>> r.status, r.value, r.direction.tolist()
    ('unbounded', -inf, [0.0, 1.0])
    >>> r = QuadraticForm([[1.0, 0.0], [0.0, 0.0]], b=[-2.0, 0.0]).minimize()
    >>> r.status, r.x.tolist(), r.nullspace.ravel().tolist()
    ('optimal_set', [1.0, 0.0], [0.0, 1.0])

    Exactly:

    >>> import sympy
    >>> r = QuadraticForm(sympy.Matrix([[2, 1], [1, 2]]), [-6, 0], 1).minimize()
    >>> r.x.T, r.value
    (Matrix([[2, -1]]), -5)

    Momentum with eigenvalue bounds, and the constraint ``x2 = 0``:

    >>> r = q.minimize(method="chebyshev", bounds=(1.0, 3.0), tol=1e-12)
    >>> r.status, r.x.round(10).tolist()
    ('optimal', [2.0, -1.0])
    >>> r = q.minimize(constraints=([[0.0, 1.0]], [0.0]))
    >>> r.status, r.method, r.x.round(12).tolist(), r.multipliers.round(12).tolist()
    ('optimal', 'kkt', [1.5, 0.0], [-3.0])
    """
    if not isinstance(form, QuadraticForm):
        msg = f"form must be a QuadraticForm, got {type(form).__name__}"
        raise TypeError(msg)
    check_one_of(method, "method", METHODS)
    tol = check_tolerance(tol)
    if maxiter is not None:
        maxiter = check_positive_integer(maxiter, "maxiter")
    if callback is not None and not callable(callback):
        msg = f"callback must be callable or None, got {_describe(callback)}"
        raise TypeError(msg)
    check_one_of(step, "step", STEPS)
    if step != "exact" and method != "gradient_descent":
        msg = f"step applies only to method='gradient_descent', got method={method!r}"
        raise ValueError(msg)
    preconditioner, bounds = _check_options(method, preconditioner, bounds)
    if constraints is not None:
        return _constrained(form, constraints, method, x0, tol, maxiter, callback,
                            dict(step=step, preconditioner=preconditioner, bounds=bounds))
    if form.kind == "device":
        from mathkit.quadratic.device import minimize_device

        return minimize_device(form, method, x0, tol, maxiter, callback, preconditioner)
    x0 = _check_x0(form, x0)
    if form.exact:
        return _minimize_exact(form, method, x0, maxiter, callback)
    from mathkit.quadratic import closed_form, iterative

    if method == "auto":
        if form.kind in ("sparse", "operator"):
            method = "conjugate_gradient"
        elif closed_form.well_conditioned_cholesky(form) is not None:
            method = "cholesky"
        else:
            method = "lstsq"
    if method == "cholesky":
        return closed_form.cholesky(form)
    if method == "lstsq":
        return closed_form.lstsq(form)
    if method == "newton":
        return closed_form.newton(form, x0, callback)
    _check_hessian(form, method)
    if method == "conjugate_gradient":
        return iterative.conjugate_gradient(form, x0, tol, maxiter or 10 * form.n, callback)
    if method == "preconditioned_cg":
        from mathkit.quadratic.preconditioned import preconditioned_cg

        return preconditioned_cg(form, x0, tol, maxiter or 10 * form.n, callback,
                                 "jacobi" if preconditioner is None else preconditioner)
    if method in BOUNDED_METHODS:
        from mathkit.quadratic.accelerated import minimize_accelerated

        return minimize_accelerated(form, method, x0, tol, maxiter or GRADIENT_DESCENT_MAXITER,
                                    callback, bounds)
    return iterative.gradient_descent(form, x0, tol, maxiter or GRADIENT_DESCENT_MAXITER,
                                      callback, step)


def _check_hessian(form: QuadraticForm, method: str) -> None:
    """The iterative methods multiply by the Hessian ``2A``: it must not overflow."""
    norm = form.norm_estimate()
    if not math.isfinite(2.0 * norm):
        msg = (f"A is too large for method={method!r}: the Hessian 2A overflows float64 "
               f"(||A|| estimate {norm:.3g}); rescale A and b, or use method='cholesky' or "
               "'lstsq'")
        raise ValueError(msg)


def _check_options(method: str, preconditioner, bounds):
    from mathkit.quadratic.accelerated import check_bounds
    from mathkit.quadratic.preconditioned import check_preconditioner

    if preconditioner is not None:
        preconditioner = check_preconditioner(preconditioner)
        if method != "preconditioned_cg":
            msg = f"preconditioner applies only to method='preconditioned_cg', got {method!r}"
            raise ValueError(msg)
    if bounds is not None:
        bounds = check_bounds(bounds)
        if method not in BOUNDED_METHODS:
            msg = f"bounds apply only to methods {BOUNDED_METHODS}, got method={method!r}"
            raise ValueError(msg)
    return preconditioner, bounds


def _constrained(form, constraints, method, x0, tol, maxiter, callback, options):
    from mathkit.quadratic.constrained import minimize_constrained

    if options["preconditioner"] is not None and not isinstance(options["preconditioner"], str):
        msg = ("with constraints, preconditioner must be a name (the problem is reduced to the "
               "nullspace of C, where your M does not apply)")
        raise ValueError(msg)
    if x0 is not None and form.kind in ("dense", "sparse", "operator"):  # exact: direct methods
        x0 = _check_x0(form, x0)
    return minimize_constrained(form, constraints, method, x0, tol, maxiter, callback,
                                {k: v for k, v in options.items() if v is not None})


def _minimize_exact(form: QuadraticForm, method: str, x0, maxiter, callback):
    from mathkit.quadratic import _exact, closed_form, iterative

    _exact.require_numbers(form)
    if method in FLOAT_ONLY:
        msg = (
            f"method={method!r} needs floating point (it does not terminate in exact "
            f"arithmetic, or its parameters are irrational); use "
            f"q.to_numeric().minimize(method={method!r}) or method='conjugate_gradient'"
        )
        raise ValueError(msg)
    if method == "conjugate_gradient":
        return iterative.exact_conjugate_gradient(form, x0, maxiter or form.n, callback)
    chosen = "cholesky" if method == "auto" else method
    if method == "auto" and closed_form.exact_status(form)[0] != closed_form.OPTIMAL:
        chosen = "lstsq"
    return closed_form.exact_direct(form, chosen, x0, callback)


def maximize(form: QuadraticForm, method: str = "auto", x0=None, tol: float = 1e-10,
             maxiter: int | None = None, callback=None, step: str = "exact", *,
             preconditioner=None, bounds=None, constraints=None):
    """Maximize ``f`` by minimizing ``-f``.

    Parameters
    ----------
    form : QuadraticForm
    method, x0, tol, maxiter, callback, step, preconditioner, bounds, constraints
        As for :func:`minimize` (``bounds`` then bound the eigenvalues of
        ``-A``).

    Returns
    -------
    MinimizeResult
        For ``f`` itself: ``value`` and ``history.value`` are values of
        ``f``; ``"optimal"`` means the unique maximizer (``A`` negative
        definite), ``"optimal_set"`` a set of maximizers ``x + N t``, and
        ``"unbounded"`` that ``f(x + t d) -> +inf`` (``value`` is ``+inf``;
        ``-inf`` for ``"infeasible"``, the supremum over the empty set).
        With constraints, ``multipliers`` are those of ``-f``.
        The gradient norm is the same for ``f`` and ``-f``.

    Raises
    ------
    TypeError, ValueError
        As for :func:`minimize`.

    Notes
    -----
    ``max f = -min(-f)``, and ``-f`` has matrix ``-A``, linear part ``-b``
    and constant ``-c``.

    Examples
    --------
    >>> r = QuadraticForm([[-1.0, 0.0], [0.0, -2.0]], b=[2.0, 0.0]).maximize()
    >>> r.status, r.x.tolist(), float(r.value)
    ('optimal', [1.0, 0.0], 1.0)
    """
    if not isinstance(form, QuadraticForm):
        msg = f"form must be a QuadraticForm, got {type(form).__name__}"
        raise TypeError(msg)
    result = minimize(-form, method=method, x0=x0, tol=tol, maxiter=maxiter,
                      callback=callback, step=step, preconditioner=preconditioner,
                      bounds=bounds, constraints=constraints)
    history = dataclasses.replace(result.history, value=_negated(result.history.value))
    return dataclasses.replace(
        result,
        value=-result.value,
        history=history,
        message=f"maximizing f as minimizing -f: {result.message}",
    )


def _negated(array: np.ndarray) -> np.ndarray:
    negated = -array
    negated.setflags(write=False)
    return negated
