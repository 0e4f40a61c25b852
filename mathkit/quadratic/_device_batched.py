r"""The array-namespace engine of :func:`mathkit.quadratic.minimize_batch` (CuPy on a GPU).

Written once over :func:`array_api_compat.array_namespace`, so the same code
runs on CuPy arrays (the ``"cupy"`` engine) and, for the tests on machines
without a GPU, on numpy and JAX arrays. It mirrors the numpy reference
(:func:`mathkit.quadratic.batched._cholesky_numpy` and ``_eigen_fallback``),
with the same thresholds:

1. ``S = A/2 + A^T/2``; matrices with a diagonal entry ``<= 0`` are replaced by
   the identity before factoring (they are not positive definite).
2. :func:`cholesky` factors the stack. Libraries signal a matrix that is not
   positive definite differently (numpy raises for the whole stack, JAX returns
   NaN, cuSOLVER leaves a partial factor), so a factor is accepted only when
   every pivot ``L_jj`` is finite with ``L_jj^2 > n eps max_i S_ii`` (the
   reference's test) and it reproduces ``S``: ``|L L^T - S|_ij <= 4 (n + 1)
   eps sqrt(S_ii S_jj)`` (plus subnormal rounding), twice the rounding bound
   of a correct factor (Higham, *Accuracy and Stability of Numerical
   Algorithms*, 2nd ed., 2002, Thm 10.3). The statuses agree with the
   reference except within rounding of a tolerance (other libraries round
   the factorization differently).
3. Two triangular solves, vectorized over the stack (one step per row), and
   ``f = c + b^T x / 2``.
4. The problems not accepted are gathered and finished by ``eigh`` on that
   subset with the tolerance of :func:`~mathkit.quadratic.classify`.
"""

from __future__ import annotations

import math

import numpy as np

EPS = float(np.finfo(np.float64).eps)
OPTIMAL, OPTIMAL_SET, UNBOUNDED = 0, 1, 2
#: The spacing of float64 numbers at 0: an absolute floor for rounding errors.
RESOLUTION = float(np.finfo(np.float64).smallest_subnormal)


def _namespace(*arrays):
    from array_api_compat import array_namespace

    return array_namespace(*arrays)


def _describe_shape(array) -> tuple:
    return tuple(int(size) for size in array.shape)


def _real_float64(array, name: str, xp):
    try:
        array = xp.asarray(array)
    except (TypeError, ValueError):
        msg = f"{name} must be an array of real numbers, got {type(array).__name__}"
        raise TypeError(msg) from None
    if np.dtype(str(array.dtype)).kind not in "biuf":
        msg = f"{name} must be an array of float64 numbers, got dtype {array.dtype}"
        raise TypeError(msg)
    array = xp.asarray(array, dtype=xp.float64)
    if str(array.dtype) != "float64":
        msg = f"{name} must be float64 on the device, got {array.dtype} (JAX: enable x64)"
        raise TypeError(msg)
    return array


def _check_finite(array, name: str, xp) -> None:
    bad = ~xp.isfinite(array)
    if bool(xp.any(bad)):
        flat = int(xp.argmax(xp.astype(xp.reshape(bad, (-1,)), xp.int8)))
        where = tuple(int(i) for i in np.unravel_index(flat, _describe_shape(array)))
        msg = f"{name} must be finite, got {float(array[where])} at index {where}"
        raise ValueError(msg)


def device_inputs(A, b, c):
    """``(A, b, c)`` as finite float64 arrays of the namespace of ``A``; ``c`` of shape (B,).

    Raises the errors of :func:`mathkit.quadratic.minimize_batch`, with the same messages.
    """
    xp = _namespace(A)
    A = _real_float64(A, "A", xp)
    shape = _describe_shape(A)
    if len(shape) != 3 or shape[1] != shape[2]:
        msg = f"A must be a stack of square matrices of shape (B, n, n), got shape {shape}"
        raise ValueError(msg)
    count, n = shape[0], shape[1]
    if n == 0:
        msg = f"A must hold matrices of at least 1 x 1, got shape {shape}"
        raise ValueError(msg)
    b = _real_float64(b, "b", xp)
    if _describe_shape(b) != (count, n):
        msg = f"b must have shape ({count}, {n}), got {_describe_shape(b)}"
        raise ValueError(msg)
    c = xp.zeros(count, dtype=xp.float64) if c is None else _real_float64(c, "c", xp)
    if c.ndim == 0:
        c = c * xp.ones(count, dtype=xp.float64)
    elif _describe_shape(c) != (count,):
        msg = f"c must have shape ({count},), got {_describe_shape(c)}"
        raise ValueError(msg)
    for value, name in ((A, "A"), (b, "b"), (c, "c")):
        _check_finite(value, name, xp)
    return A, b, c


def _transpose(stack, xp):
    return xp.permute_dims(stack, (0, 2, 1))


def cholesky(S, xp):
    """Lower Cholesky factors of the stack; a matrix that has none gets NaN or a wrong factor.

    numpy raises for the whole stack when one matrix fails: the stack is then
    split in halves until the failures are isolated (``O(k log B)`` calls).
    """
    try:
        return xp.linalg.cholesky(S)
    except np.linalg.LinAlgError:
        count = S.shape[0]
        if count == 1:
            return xp.full(S.shape, math.nan, dtype=S.dtype)
        middle = count // 2
        return xp.concat([cholesky(S[:middle], xp), cholesky(S[middle:], xp)], axis=0)


def _accepted(L, S, tol, xp):
    """Where ``L`` is a Cholesky factor of ``S`` that passes the reference's pivot test."""
    n = S.shape[-1]
    pivots = xp.linalg.diagonal(L)
    good = xp.all(pivots > 0.0, axis=1) & xp.all(pivots * pivots > tol[:, None], axis=1)
    roots = xp.sqrt(xp.linalg.diagonal(S))
    limit = 4 * (n + 1) * (EPS * (roots[:, :, None] * roots[:, None, :]) + RESOLUTION)
    residual = xp.abs(L @ _transpose(L, xp) - S)
    return good & xp.all(xp.reshape(residual <= limit, (S.shape[0], n * n)), axis=1)


def _unit(i: int, n: int, xp):
    return xp.astype(xp.arange(n) == i, xp.float64)


def _substitute(L, rhs, xp):
    """``x`` with ``L^T x = y``, ``L y = rhs``: one row at a time, vectorized over the stack."""
    n = rhs.shape[1]
    y = xp.zeros_like(rhs)
    for i in range(n):  # the unknowns not yet found are 0, so the full row product is exact
        value = (rhs[:, i] - xp.vecdot(L[:, i, :], y)) / L[:, i, i]
        y = y + value[:, None] * _unit(i, n, xp)  # JAX arrays cannot be assigned to
    x = xp.zeros_like(rhs)
    for i in range(n - 1, -1, -1):
        value = (y[:, i] - xp.vecdot(L[:, :, i], x)) / L[:, i, i]
        x = x + value[:, None] * _unit(i, n, xp)
    return x


def _cholesky_path(S, b, c, xp):
    """``(x, value, ok)`` for the problems the Cholesky factorization accepts (0 elsewhere)."""
    n = b.shape[1]
    diagonal = xp.linalg.diagonal(S)
    tol = n * EPS * xp.maximum(xp.max(diagonal, axis=1), 0.0)
    identity = xp.eye(n, dtype=xp.float64)
    candidate = xp.all(diagonal > 0.0, axis=1)
    S_tried = xp.where(candidate[:, None, None], S, identity)
    L = xp.tril(cholesky(S_tried, xp))
    ok = candidate & _accepted(L, S_tried, tol, xp)
    L = xp.where(ok[:, None, None], L, identity)  # no NaN or zero pivots in the solves
    x = _substitute(L, xp.where(ok[:, None], -0.5 * b, 0.0), xp)
    value = c + 0.5 * xp.vecdot(b, x)
    ok = ok & xp.isfinite(value) & xp.all(xp.isfinite(x), axis=1)
    return xp.where(ok[:, None], x + 0.0, 0.0), xp.where(ok, value + 0.0, 0.0), ok


def _row_norms(rows, xp):
    """2-norms of the rows without overflow or underflow (scaled by the largest entry)."""
    largest = xp.max(xp.abs(rows), axis=1)
    scale = xp.where(largest > 0.0, largest, 1.0)
    return largest * xp.linalg.vector_norm(rows / scale[:, None], axis=1)


def eigen_path(S, b, c, xp):
    """``(x, value, status)`` from eigendecompositions: the reference's ``_eigen_fallback``."""
    n = b.shape[1]
    eigenvalues, V = xp.linalg.eigh(S)
    threshold = n * EPS * xp.max(xp.abs(eigenvalues), axis=1)
    positive = eigenvalues > threshold[:, None]
    negative = eigenvalues < -threshold[:, None]
    zero = ~(positive | negative)
    coefficients = xp.vecdot(_transpose(V, xp), b[:, None, :])  # V^T b
    scaled = xp.where(zero, 0.0, coefficients / xp.where(zero, 1.0, eigenvalues))
    x = -0.5 * xp.vecdot(V, scaled[:, None, :]) + 0.0
    norm_b = _row_norms(b, xp)
    nullspace_part = _row_norms(xp.where(zero, coefficients, 0.0), xp)
    smallest = xp.min(xp.where(zero, math.inf, xp.abs(eigenvalues)), axis=1)
    none_positive = xp.isinf(smallest)
    allowed = threshold / xp.where(none_positive, 1.0, smallest) * norm_b + 10 * n * RESOLUTION
    consistent = xp.where(none_positive, norm_b == 0.0, nullspace_part <= allowed)
    singular = xp.any(zero, axis=1)
    unbounded = xp.any(negative, axis=1) | (singular & ~consistent)
    status = xp.where(unbounded, UNBOUNDED, xp.where(singular, OPTIMAL_SET, OPTIMAL))
    value = xp.where(unbounded, -math.inf, c + 0.5 * xp.vecdot(b, x) + 0.0)
    return x, value, xp.astype(status, xp.int8)


def solve_stack(A, b, c):
    """``(x, value, status)`` for validated inputs (see :func:`device_inputs`), in their namespace.

    ``status`` holds the int8 codes of :class:`~mathkit.quadratic.BatchResult`.
    """
    xp = _namespace(A, b, c)
    count = b.shape[0]
    S = 0.5 * A + 0.5 * _transpose(A, xp)
    x, value, ok = _cholesky_path(S, b, c, xp)
    status = xp.zeros(count, dtype=xp.int8)
    failed = xp.nonzero(~ok)[0]
    if failed.shape[0] == 0:
        return x, value, status
    parts = eigen_path(xp.take(S, failed, axis=0), xp.take(b, failed, axis=0),
                       xp.take(c, failed, axis=0), xp)
    # solved problems keep their place; the k-th failure is read from row count + k
    rank = xp.cumulative_sum(xp.astype(~ok, xp.int64)) - 1
    where = xp.where(ok, xp.arange(count, dtype=xp.int64), count + rank)
    return tuple(xp.take(xp.concat([full, part], axis=0), where, axis=0)
                 for full, part in zip((x, value, status), parts, strict=True))
