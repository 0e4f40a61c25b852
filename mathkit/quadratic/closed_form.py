r"""Direct minimization: the stationarity equation ``2 A x = -b`` solved in closed form.

- ``cholesky``: ``A = R^T R`` (:func:`scipy.linalg.cho_factor`), then
  ``x^* = -\tfrac12 A^{-1} b`` by two triangular solves; ``A`` must be
  positive definite.
- ``lstsq``: the eigendecomposition ``A = V \Lambda V^T`` gives the
  minimum-norm stationary point ``x = -\tfrac12 A^+ b`` and tells the status:
  a negative eigenvalue or a component of ``b`` in the nullspace makes ``f``
  unbounded below; otherwise the minimizers are ``x + N t`` (``N`` the
  nullspace basis).
- ``newton``: one exact Newton step ``x_1 = x_0 - (2A)^+ (2 A x_0 + b)``
  from ``x_0``: the minimizer when ``A`` is positive definite, the minimizer
  nearest ``x_0`` when ``A`` is semidefinite and ``b`` in its range.

Exact (sympy) forms are solved exactly: ``LDL^T`` for positive definite
``A``, the Moore-Penrose pseudo-inverse otherwise.
"""

from __future__ import annotations

import math

import numpy as np

from mathkit.quadratic.classify import EPS, exact_inertia, spectrum
from mathkit.quadratic.form import QuadraticForm, safe_norm, value_at
from mathkit.quadratic.result import IterationHistory, MinimizeResult

OPTIMAL, OPTIMAL_SET, UNBOUNDED, MAXITER = "optimal", "optimal_set", "unbounded", "maxiter"


def readonly(array: np.ndarray) -> np.ndarray:
    array = np.array(array, dtype=np.float64) + 0.0  # no negative zeros
    array.setflags(write=False)
    return array


def check_representable(x: np.ndarray, method: str) -> np.ndarray:
    """``x`` unchanged if finite; else a ValueError: the answer overflows float64."""
    if not np.isfinite(x).all():
        index = int(np.argmin(np.isfinite(x)))
        msg = (f"the {method} result overflows float64: x has {x[index]} at index "
               f"({index},); b is too large for this A (|x| ~ ||b|| / (2 lambda_min)): "
               "rescale A or b")
        raise ValueError(msg)
    return x


def numeric_result(form: QuadraticForm, x, *, status: str, method: str, message: str,
                   iterations: int = 0, gradient_norms=None, values=None, nullspace=None,
                   direction=None, recursive_gradient_norm=None) -> MinimizeResult:
    """Assemble a MinimizeResult, recomputing the gradient at ``x``."""
    x = check_representable(readonly(x), method)
    gradient_norm = safe_norm(form.gradient(x))
    value_at_x = value_at(form, x, "x", f"the {method} result is too large for float64 "
                          "arithmetic; rescale A, b or c")
    if gradient_norms is None:
        gradient_norms, values = [gradient_norm], [value_at_x]
    return MinimizeResult(
        x=x,
        value=-math.inf if status == UNBOUNDED else value_at_x,
        gradient_norm=gradient_norm,
        iterations=iterations,
        converged=status in (OPTIMAL, OPTIMAL_SET),
        status=status,
        message=message,
        history=IterationHistory.build(gradient_norms, values),
        nullspace=None if nullspace is None else readonly(nullspace),
        direction=None if direction is None else readonly(direction),
        method=method,
        recursive_gradient_norm=recursive_gradient_norm,
    )


def cholesky_factor(form: QuadraticForm):
    """``((factor, lower), rcond)`` of the dense ``A``, or None if it is not positive definite.

    ``rcond`` is LAPACK's estimate of ``1 / cond_1(A)`` from the factor
    (``dpocon``); cached on the form.
    """
    if "cholesky" not in form._cache:
        from scipy.linalg import LinAlgError, cho_factor
        from scipy.linalg.lapack import dpocon

        A = form.dense()
        try:
            factor = cho_factor(A, lower=False, check_finite=False)
        except LinAlgError:
            form._cache["cholesky"] = None
        else:
            anorm = float(np.abs(A).sum(axis=0).max())
            rcond, _ = dpocon(factor[0], anorm)
            form._cache["cholesky"] = (factor, float(rcond))
    return form._cache["cholesky"]


def well_conditioned_cholesky(form: QuadraticForm):
    """The Cholesky factor when ``A`` is positive definite beyond ``rcond > n eps``, else None."""
    found = cholesky_factor(form)
    if found is None or found[1] <= form.n * EPS:
        return None
    return found[0]


def spectral_status(form: QuadraticForm):
    """``(status, nullspace, direction, reason)`` from the eigenvalues of ``A``."""
    spec = spectrum(form)
    if spec.negative.any():
        index = int(np.argmin(spec.eigenvalues))
        reason = (f"A has the negative eigenvalue {spec.eigenvalues[index]:.3g}: f decreases "
                  "without bound along its eigenvector")
        return UNBOUNDED, None, orient(spec.eigenvectors[:, index], form), reason
    if spec.zero.any():
        consistent, projection = spec.range_consistent(form.b)
        if consistent:
            reason = (f"A is positive semidefinite with a nullspace of dimension "
                      f"{int(spec.zero.sum())} and b in its range: every x + N t is a minimizer")
            return OPTIMAL_SET, spec.nullspace(), None, reason
        direction = -projection / safe_norm(projection)
        reason = ("A is positive semidefinite but b has a component in its nullspace: f "
                  "decreases linearly without bound along it")
        return UNBOUNDED, None, direction, reason
    return OPTIMAL, None, None, "A is positive definite: unique minimizer"


def orient(direction: np.ndarray, form: QuadraticForm) -> np.ndarray:
    """``direction`` or its negative: the one along which ``b`` decreases ``f`` (``b^T d <= 0``),
    ties broken by making the largest entry positive. Either sign works as ``t -> inf``
    when the curvature is negative; this makes the choice reproducible."""
    d = np.array(direction, dtype=np.float64)
    slope = float(form.b @ d)
    scale = np.finfo(np.float64).eps * safe_norm(form.b)
    if slope > scale or (abs(slope) <= scale and d[np.argmax(np.abs(d))] < 0):
        d = -d
    return d + 0.0  # no negative zeros


def cholesky(form: QuadraticForm) -> MinimizeResult:
    """The unique minimizer ``-A^{-1} b / 2`` by a Cholesky factorization."""
    from scipy.linalg import cho_solve

    found = cholesky_factor(form)
    if found is None:
        msg = (
            "method='cholesky' needs a positive definite A, and the Cholesky factorization "
            "failed (A is not positive definite); use method='lstsq' or 'auto'"
        )
        raise ValueError(msg)
    factor, rcond = found
    x = cho_solve(factor, -0.5 * form.b, check_finite=False)
    message = f"unique minimizer from the Cholesky factorization (rcond estimate {rcond:.2e})"
    if rcond <= form.n * EPS:
        message += "; A is numerically singular, so x is ill-determined"
    return numeric_result(form, x, status=OPTIMAL, method="cholesky", message=message)


def _pseudo_solve(form: QuadraticForm, rhs: np.ndarray) -> np.ndarray:
    """``A^+ rhs`` from the eigendecomposition, eigenvalues below the threshold dropped."""
    spec = spectrum(form)
    keep = ~spec.zero
    V = spec.eigenvectors[:, keep]
    with np.errstate(over="ignore", invalid="ignore"):  # callers check x is finite
        return V @ ((V.T @ rhs) / spec.eigenvalues[keep])


def lstsq(form: QuadraticForm) -> MinimizeResult:
    """The minimum-norm stationary point ``-A^+ b / 2`` and the status, from ``eigh``."""
    x = -0.5 * _pseudo_solve(form, form.b)
    status, nullspace, direction, reason = spectral_status(form)
    if status == UNBOUNDED:
        reason += "; x is the least-squares stationary point -A^+ b / 2"
    elif status == OPTIMAL_SET:
        reason += "; x is the one of least norm"
    return numeric_result(form, x, status=status, method="lstsq", message=reason,
                          nullspace=nullspace, direction=direction)


def newton(form: QuadraticForm, x0: np.ndarray, callback=None) -> MinimizeResult:
    """One Newton step ``x_1 = x_0 - (2A)^+ (2 A x_0 + b)``.

    Evaluated as ``x_1 = (I - A^+ A) x_0 - A^+ b / 2`` (the same in exact
    arithmetic): ``x_0 - A^+ A x_0`` would cancel, losing ``eps ||x_0||``, which
    swamps ``x_1`` when ``x_0`` is far away. ``I - A^+ A = N N^T`` projects on
    the nullspace; it is zero for positive definite ``A``.
    """
    from scipy.linalg import cho_solve

    g0 = form.gradient(x0)
    factor = well_conditioned_cholesky(form)
    if factor is not None:
        x1 = cho_solve(factor, -0.5 * form.b, check_finite=False)
        status, nullspace, direction = OPTIMAL, None, None
        reason = "A is positive definite: one Newton step reaches the unique minimizer"
    else:
        N = spectrum(form).nullspace()
        x1 = N @ (N.T @ x0) - 0.5 * _pseudo_solve(form, form.b)
        status, nullspace, direction, reason = spectral_status(form)
        if status == OPTIMAL_SET:
            reason += "; x is the minimizer nearest x0"
        elif status == OPTIMAL:
            reason = "A is positive definite: one Newton step reaches the unique minimizer"
    x1 = check_representable(x1, "newton")
    if callback is not None:
        callback(readonly(x1))
    g1 = form.gradient(x1)
    return numeric_result(
        form, x1, status=status, method="newton", message=reason, iterations=1,
        gradient_norms=[safe_norm(g0), safe_norm(g1)],
        values=[value_at(form, x0, "x0", "rescale x0"), value_at(form, x1, "x", "rescale A or b")],
        nullspace=nullspace, direction=direction,
    )


# -- exact ----------------------------------------------------------------------------


def exact_status(form: QuadraticForm):
    """``(status, nullspace, direction, reason)`` of an exact form, exactly."""
    from mathkit.quadratic import _exact

    _, negative, zero, negative_direction = exact_inertia(form)
    if negative:
        return (UNBOUNDED, None, _unit(negative_direction),
                "A has a negative eigenvalue (exact LDL^T pivot < 0): f is unbounded below")
    if zero:
        projection = _exact.nullspace_projection(form.A, form.b)
        if all(_exact.sign(v, "a nullspace component of b") == 0 for v in projection):
            return (OPTIMAL_SET, _exact.nullspace(form.A), None,
                    "A is positive semidefinite and b is in its range: every x + N t is a "
                    "minimizer")
        return (UNBOUNDED, None, _unit(-projection),
                "A is positive semidefinite but b has a component in its nullspace")
    return OPTIMAL, None, None, "A is positive definite: unique minimizer"


def _unit(vector):
    import sympy

    norm = sympy.sqrt((vector.T * vector)[0, 0])
    return sympy.ImmutableMatrix(vector / norm).applyfunc(sympy.radsimp)


def exact_result(form: QuadraticForm, x, *, status: str, method: str, message: str,
                 iterations: int = 0, gradient_norms=None, values=None, nullspace=None,
                 direction=None) -> MinimizeResult:
    """Assemble a MinimizeResult for an exact form (all entries sympy)."""
    import sympy

    x = sympy.ImmutableMatrix(x)
    gradient = form.gradient(x)
    gradient_norm = sympy.sqrt((gradient.T * gradient)[0, 0])
    value_at_x = form(x)
    if gradient_norms is None:
        gradient_norms, values = [gradient_norm], [value_at_x]
    return MinimizeResult(
        x=x,
        value=-sympy.oo if status == UNBOUNDED else value_at_x,
        gradient_norm=gradient_norm,
        iterations=iterations,
        converged=status in (OPTIMAL, OPTIMAL_SET),
        status=status,
        message=message,
        history=IterationHistory.build(gradient_norms, values, exact=True),
        nullspace=nullspace,
        direction=direction,
        method=method,
    )


def exact_direct(form: QuadraticForm, method: str, x0=None, callback=None) -> MinimizeResult:
    """Exact minimization by ``LDL^T`` (positive definite) or the pseudo-inverse."""
    from mathkit.quadratic import _exact

    status, nullspace, direction, reason = exact_status(form)
    positive_definite = status == OPTIMAL
    if method == "cholesky" and not positive_definite:
        msg = (
            "method='cholesky' needs a positive definite A, and A is not (exact LDL^T); use "
            "method='lstsq' or 'auto'"
        )
        raise ValueError(msg)
    A, b = form.A, form.b
    if method == "newton":
        g0 = form.gradient(x0)
        step = A.LDLsolve(g0) if positive_definite else _exact.minimum_norm_solution(A, g0)
        x = x0 - step / 2
        if callback is not None:
            callback(x)
        g1 = form.gradient(x)
        norms = [_norm(g0), _norm(g1)]
        return exact_result(form, x, status=status, method=method, message=reason,
                            iterations=1, gradient_norms=norms, values=[form(x0), form(x)],
                            nullspace=nullspace, direction=direction)
    x = A.LDLsolve(-b / 2) if positive_definite else _exact.minimum_norm_solution(A, -b / 2)
    return exact_result(form, x, status=status, method=method, message=reason,
                        nullspace=nullspace, direction=direction)


def _norm(vector):
    import sympy

    return sympy.sqrt((vector.T * vector)[0, 0])
