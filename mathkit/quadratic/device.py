"""Quadratic forms whose ``A`` lives in another array library: CuPy on a GPU.

A :class:`~mathkit.quadratic.QuadraticForm` made from a CuPy array or a
``cupyx.scipy.sparse`` matrix has ``kind == "device"``: ``A`` and ``b`` stay
in that library (float64), values and gradients are computed there, and
``minimize`` runs conjugate gradients or preconditioned CG (``"jacobi"``,
``"none"`` or your callable ``M``) through the array-namespace kernel
:func:`mathkit.quadratic.krylov.pcg`; the minimizer comes back as an array of
the same library (CuPy in, CuPy out). JAX arrays take the same path, which is
how this code is tested on machines without a GPU.

What a device form cannot do: the direct methods, gradient descent and the
methods that need eigenvalue bounds (copy ``A`` to the host first:
``QuadraticForm(cupy.asnumpy(A), ...)``), constraints, and classifying an
``A`` with ``n > 2000`` (small ones are classified on a host copy). For
``n <= 2000`` the final status of CG is checked on a host copy of ``A``, as
for sparse forms.
"""

from __future__ import annotations

import dataclasses
import math
import sys

import numpy as np

from mathkit._validate import _describe

__all__ = ["DEVICE_METHODS", "is_device"]

#: Methods a device form supports.
DEVICE_METHODS = ("auto", "conjugate_gradient", "preconditioned_cg")


def _is_device_sparse(value) -> bool:
    return type(value).__module__.startswith("cupyx.scipy.sparse")


def is_device(value) -> bool:
    """True for a CuPy (or JAX) array or a cupyx.scipy.sparse matrix; imports neither.

    Parameters
    ----------
    value : object

    Returns
    -------
    bool

    Examples
    --------
    >>> import numpy as np
    >>> is_device(np.eye(2))
    False
    """
    if isinstance(value, np.ndarray) or not hasattr(value, "shape"):
        return False
    if _is_device_sparse(value):
        return True
    if "cupy" not in sys.modules and "jax" not in sys.modules:
        return False
    from array_api_compat import is_cupy_array, is_jax_array

    return is_cupy_array(value) or is_jax_array(value)


def namespace(A):
    """The array namespace of ``A`` (CuPy's for a cupyx.scipy.sparse matrix)."""
    from array_api_compat import array_namespace

    if _is_device_sparse(A):
        import cupy

        return array_namespace(cupy.empty(0))
    return array_namespace(A)


def to_host(array) -> np.ndarray:
    """A numpy copy of a device array (a dense one of a sparse matrix)."""
    if _is_device_sparse(array):
        return array.get().toarray()
    if hasattr(array, "get") and type(array).__module__.startswith("cupy"):
        return array.get()
    return np.asarray(array)


def _finite(A) -> bool:
    data = A.data if _is_device_sparse(A) else A
    xp = namespace(A)
    return bool(xp.all(xp.isfinite(data)))


def device_matrix(A):
    """``(A as float64 symmetric, symmetrized, namespace)``."""
    shape = tuple(A.shape)
    if len(shape) != 2 or shape[0] != shape[1] or shape[0] == 0:
        msg = f"A must be a non-empty square matrix, got shape {shape}"
        raise ValueError(msg)
    xp = namespace(A)
    if np.dtype(str(A.dtype)).kind not in "biuf":
        msg = f"A must have real entries, got dtype {A.dtype}"
        raise TypeError(msg)
    if _is_device_sparse(A):
        A = A.tocsr().astype(xp.float64)
        difference = (A - A.T).tocsr()
        difference.eliminate_zeros()
        symmetrized = difference.nnz > 0
    else:
        A = xp.asarray(A, dtype=xp.float64)
        symmetrized = not bool(xp.all(A == A.T))
    if str(A.dtype) != "float64":
        msg = f"A must be float64 on the device, got {A.dtype} (JAX: enable x64)"
        raise TypeError(msg)
    if not _finite(A):
        msg = "A must be finite, got NaN or inf entries"
        raise ValueError(msg)
    if symmetrized:
        A = 0.5 * A + 0.5 * A.T
    return A, symmetrized, xp


def device_vector(b, n: int, xp, name: str = "b"):
    """``b`` as a finite float64 array of shape ``(n,)`` in namespace ``xp``."""
    if b is None:
        return xp.zeros(n, dtype=xp.float64)
    try:
        vector = xp.asarray(b, dtype=xp.float64)
    except (TypeError, ValueError):
        msg = f"{name} must be an array of real numbers, got {_describe(b)}"
        raise TypeError(msg) from None
    if tuple(vector.shape) != (n,):
        msg = f"{name} must have shape ({n},), got {tuple(vector.shape)}"
        raise ValueError(msg)
    if not bool(xp.all(xp.isfinite(vector))):
        msg = f"{name} must be finite"
        raise ValueError(msg)
    return vector


def rows_times_A(form, X):
    """Rows ``A x_i`` for the rows of the device array ``X``."""
    return (form.A @ X.T).T


def points(form, x):
    """``x`` as a device array of shape ``(..., n)``."""
    xp = form.namespace
    array = device_vector(x, form.n, xp, "x") if getattr(x, "ndim", 1) == 1 else \
        xp.asarray(x, dtype=xp.float64)
    if array.ndim == 0 or array.shape[-1] != form.n:
        msg = f"x must have shape (..., {form.n}), got {tuple(array.shape)}"
        raise ValueError(msg)
    return array


def norm(vector) -> float:
    """The 2-norm of a device vector, scaled against overflow."""
    xp = namespace(vector)
    largest = float(xp.max(xp.abs(vector))) if vector.shape[0] else 0.0
    if largest == 0.0 or not math.isfinite(largest):
        return largest
    scaled = vector / largest
    return largest * math.sqrt(float(scaled @ scaled))


def norm_estimate(form) -> float:
    """``max_i sum_j |A_ij|`` on the device."""
    if _is_device_sparse(form.A):
        return float(abs(form.A).sum(axis=1).max())
    xp = form.namespace
    return float(xp.max(xp.sum(xp.abs(form.A), axis=1)))


def host_form(form):
    """A numpy copy of the form (``n <= 2000``), cached, for status checks."""
    from mathkit.quadratic.form import QuadraticForm

    if "host" not in form._cache:
        form._cache["host"] = QuadraticForm(form.dense(), to_host(form.b), form.c)
    return form._cache["host"]


def _jacobi(form):
    xp = form.namespace
    diagonal = form.A.diagonal() if _is_device_sparse(form.A) else xp.linalg.diagonal(form.A)
    positive = diagonal > 0.0
    inverse = xp.where(positive, 1.0 / xp.where(positive, diagonal, 1.0), 1.0)
    return lambda r: inverse * r


def _preconditioner(form, preconditioner):
    if preconditioner in (None, "jacobi"):
        return _jacobi(form)
    if preconditioner == "none":
        return None
    if isinstance(preconditioner, str) or not callable(preconditioner):
        msg = (f"preconditioner for a device form must be 'jacobi', 'none' or a callable "
               f"r -> M r on device arrays, got {_describe(preconditioner)}")
        raise ValueError(msg)
    return preconditioner


def minimize_device(form, method: str, x0, tol: float, maxiter: int | None, callback,
                    preconditioner):
    """Conjugate gradients (plain or preconditioned) on the device; see the module notes."""
    from mathkit.quadratic import krylov

    if method not in DEVICE_METHODS:
        msg = (f"method={method!r} is not available for a device (CuPy) form; use one of "
               f"{DEVICE_METHODS}, or copy A to the host")
        raise ValueError(msg)
    xp = form.namespace
    x0 = xp.zeros(form.n, dtype=xp.float64) if x0 is None else device_vector(x0, form.n, xp,
                                                                            "x0")
    precondition = _preconditioner(form, preconditioner) if method == "preconditioned_cg" \
        else None
    g0 = form.gradient(x0)
    sigma = max(float(xp.max(xp.abs(g0))), float(xp.max(xp.abs(form.b)))) or 1.0
    if sigma < np.finfo(np.float64).tiny:  # libraries that flush subnormals would give 0/0
        sigma = 1.0
    b_scaled = form.b / sigma
    threshold = tol * (norm(b_scaled) or norm(g0 / sigma))
    scaled_callback = None if callback is None else (lambda y: callback(sigma * y))
    out = krylov.pcg(form.matvec, precondition, b_scaled, x0 / sigma, threshold,
                     maxiter or 10 * form.n, norm_estimate(form), scaled_callback,
                     label="device A")
    norms = [sigma * v for v in out.residual_norms]
    chosen = "conjugate_gradient" if method == "auto" else method
    return _result(form, out.raw, sigma * out.y, out.direction, chosen, out.iterations,
                   norms, out.values(float(form(x0)), sigma), sigma * threshold)


def _result(form, raw, x, direction, method, iterations, norms, values, threshold):
    from mathkit.quadratic.form import DENSE_LIMIT
    from mathkit.quadratic.iterative import finish

    xp = form.namespace
    if form.n <= DENSE_LIMIT:
        result = finish(host_form(form), raw, to_host(x),
                        None if direction is None else to_host(direction), method=method,
                        iterations=iterations, norms=norms, values=values,
                        recursive=norms[-1], threshold=threshold)
        return dataclasses.replace(
            result, x=x,
            direction=None if result.direction is None else xp.asarray(result.direction),
            nullspace=None if result.nullspace is None else xp.asarray(result.nullspace))
    return _unchecked_result(form, raw, x, direction, method, iterations, norms, values,
                             threshold)


def _unchecked_result(form, raw, x, direction, method, iterations, norms, values, threshold):
    from mathkit.quadratic.closed_form import MAXITER, OPTIMAL, UNBOUNDED
    from mathkit.quadratic.iterative import CONVERGED, CURVATURE, METHOD_NAMES, inaccuracy
    from mathkit.quadratic.result import IterationHistory, MinimizeResult

    what = METHOD_NAMES[method]
    gradient_norm = norm(form.gradient(x))
    inaccurate = "" if raw != CONVERGED else inaccuracy(
        gradient_norm, norm(x), norm(form.b), 2.0 * norm_estimate(form), form.n, threshold)
    if inaccurate:
        status, message = MAXITER, f"{what} stopped after {iterations} iterations: {inaccurate}"
    elif raw == CURVATURE:
        status = UNBOUNDED
        message = (f"{what} met a direction of non-positive curvature after {iterations} "
                   "iterations: f decreases without bound along it")
    elif raw == CONVERGED:
        status = OPTIMAL
        message = (f"{what} converged in {iterations} iterations to a stationary point with "
                   "positive curvature along every search direction (definiteness of A not "
                   f"verified for a device form with n = {form.n})")
    elif raw == MAXITER:
        status, message = MAXITER, f"{what} stopped after maxiter = {iterations} iterations"
    else:
        msg = (f"{what} stopped after {iterations} iterations: the next step overflows, and a "
               f"device form with n = {form.n} is too large to check whether f is unbounded")
        raise FloatingPointError(msg)
    return MinimizeResult(
        x=x, value=-math.inf if status == UNBOUNDED else float(form(x)),
        gradient_norm=gradient_norm, iterations=iterations,
        converged=status == OPTIMAL, status=status, message=message,
        history=IterationHistory.build(norms, values),
        direction=direction if status == UNBOUNDED else None, method=method,
        recursive_gradient_norm=norms[-1],
    )
