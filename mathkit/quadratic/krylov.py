r"""Preconditioned conjugate gradients, written once over an array namespace.

The iteration uses only ``+``, ``*``, ``@`` on 1-D arrays, ``copy`` and the
products ``A @ v`` and ``M @ r`` it is given, through the namespace of its
input (:func:`array_api_compat.array_namespace`): the same code runs on numpy
arrays (scipy.sparse and LinearOperator products) and on CuPy arrays
(cupyx.scipy.sparse products); on float64 numpy vectors the same operations
go through scipy's BLAS (``ddot``, ``daxpy``, ``dscal``). Scalars cross to
the host once per inner product (two per iteration, three with a
preconditioner), as in :func:`scipy.sparse.linalg.cg` and
:func:`cupyx.scipy.sparse.linalg.cg`.

With ``H = 2A`` the Hessian, ``r_k = -(H x_k + b)``, ``z_k = M r_k`` and
``p_0 = z_0``:

.. math::

    \alpha_k = \frac{r_k^T z_k}{p_k^T H p_k}, \quad
    x_{k+1} = x_k + \alpha_k p_k, \quad
    r_{k+1} = r_k - \alpha_k H p_k, \quad
    \beta_k = \frac{z_{k+1}^T (r_{k+1} - r_k)}{r_k^T z_k}, \quad
    p_{k+1} = z_{k+1} + \beta_k p_k .

``beta`` is the Polak-Ribiere ("flexible") form: equal to Fletcher-Reeves'
``r_{k+1}^T z_{k+1} / r_k^T z_k`` for a symmetric ``M`` (then ``z_{k+1}^T
r_k = 0``), and robust when ``M`` is only nearly symmetric, as an incomplete
LU factor is (Golub and Ye, SIAM J. Sci. Comput. 21, 1999; Notay, SIAM J.
Sci. Comput. 22, 2000). With no preconditioner (``M = I``) this is plain
conjugate gradients, ``minimize(method="conjugate_gradient")``: the one CG
loop of mathkit. Stopping, negative-curvature detection, the scaling of the
problem and the statuses are described in :mod:`mathkit.quadratic.iterative`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["KrylovOutcome", "pcg"]

#: Outcomes of the kernel before they are turned into statuses.
CONVERGED, MAXITER, CURVATURE, OVERFLOW = "converged", "maxiter", "negative_curvature", "overflow"
#: A squared residual this small (the first is about 1 after scaling) counts as 0.
UNDERFLOW = 1e-280
EPS = 2.0**-52


@dataclass(frozen=True)
class KrylovOutcome:
    """What the kernel returns: the scaled iterate, the raw outcome and the history."""

    y: object
    raw: str
    direction: object
    iterations: int
    residual_norms: list
    value_changes: list

    def values(self, value0: float, scale: float = 1.0) -> list:
        """``f(x_k)`` for ``x = scale * y``, from ``f(x_0) = value0``."""
        # summed in scaled units (about 1) and scaled once: no k roundings among subnormals
        total, values = 0.0, [value0]
        for change in self.value_changes:
            total += change
            values.append(value0 + scale * (scale * total))
        return values


def _preconditioned(precondition, r, xp):
    z = precondition(r)
    return xp.reshape(xp.asarray(z, dtype=r.dtype), r.shape)


class _NamespaceVectors:
    """Vector operations through the array namespace: in place through one
    scratch vector for numpy and CuPy arrays, rebuilt for JAX's immutable ones."""

    def __init__(self, y, xp):
        from array_api_compat import is_cupy_array, is_numpy_array

        self.xp = xp
        self.scratch = xp.empty_like(y) if is_numpy_array(y) or is_cupy_array(y) else None

    @staticmethod
    def dot(u, v) -> float:
        with np.errstate(over="ignore", invalid="ignore"):  # the loop reports "overflow" itself
            return float(u @ v)

    def add_scaled(self, x, alpha: float, v):
        """``x + alpha v``."""
        if self.scratch is None:
            return x + alpha * v
        x += self.xp.multiply(v, alpha, out=self.scratch)
        return x

    def next_direction(self, p, beta: float, z):
        """``z + beta p``."""
        if self.scratch is None:
            return z + beta * p
        p *= beta
        p += z
        return p


class _BlasVectors:
    """The same operations on float64 numpy vectors through scipy's BLAS, in place.

    ``daxpy`` makes one pass over memory where the ufuncs make two, and the
    dots, updates and directions all run on one OpenBLAS thread pool: numpy's
    ``@`` would wake a second one (numpy and scipy ship separate OpenBLAS
    builds), whose spinning threads compete with the first for the cores.
    """

    def __init__(self):
        from scipy.linalg import blas

        self.blas = blas

    def dot(self, u, v) -> float:
        return float(self.blas.ddot(u, v))

    def add_scaled(self, x, alpha: float, v):
        return self.blas.daxpy(v, x, a=alpha)

    def next_direction(self, p, beta: float, z):
        return self.blas.daxpy(z, self.blas.dscal(beta, p))


def _vectors(y, xp):
    if isinstance(y, np.ndarray) and y.dtype == np.float64:
        return _BlasVectors()
    return _NamespaceVectors(y, xp)


def _finite(v, xp) -> bool:
    return bool(xp.all(xp.isfinite(v)))


def _check_product(p, Ap, xp, label: str) -> None:
    """Raise if ``A @ p`` has non-finite entries although ``p`` is finite: a broken ``A``."""
    if _finite(p, xp) and not _finite(Ap, xp):
        msg = f"A @ v must be finite, but the {label} gave non-finite values"
        raise ValueError(msg)


def _balanced(precondition, r, z, xp):
    """``M`` times the power of two that makes ``M r_0`` about as large as ``r_0``.

    CG is invariant to positive multiples of ``M``, and a power of two rounds
    nothing; it keeps ``z^T z`` from underflowing (``M ~ A^{-1}`` for a huge
    ``A``) or overflowing (a tiny one). Returns the new ``M`` and ``z_0``.
    """
    largest_r, largest_z = float(xp.max(xp.abs(r))), float(xp.max(xp.abs(z)))
    if not (largest_r > 0.0 and 0.0 < largest_z < math.inf):
        return precondition, z
    shift = math.frexp(largest_r)[1] - math.frexp(largest_z)[1]
    if shift == 0:
        return precondition, z
    scale = math.ldexp(1.0, max(-1000, min(1000, shift)))

    def scaled(v):
        return scale * _preconditioned(precondition, v, xp)

    return scaled, scale * z


def pcg(matvec, precondition, b, y0, threshold: float, maxiter: int, norm_estimate: float,
        callback=None, *, label: str = "A") -> KrylovOutcome:
    """Minimize ``y^T A y + b^T y`` from ``y0`` by preconditioned CG (see the module notes).

    Parameters
    ----------
    matvec : callable
        ``v -> A v`` on arrays of the namespace of ``b``.
    precondition : callable or None
        ``r -> M r`` with ``M`` symmetric positive definite (about ``(2A)^-1``
        up to a factor); None for plain conjugate gradients.
    b, y0 : arrays of shape (n,)
        Linear part and start, already scaled to entries of size about 1.
    threshold : float
        Stop when ``||2 A y + b|| <= threshold``.
    maxiter : int
    norm_estimate : float
        An estimate of ``||A||``: the scale of "zero curvature".
    callback : callable, optional
        Called with the scaled iterate after each iteration (numpy and CuPy:
        the kernel's own array, updated in place later; copy it to keep it).
    label : str, default "A"
        How error messages name ``A``.

    Returns
    -------
    KrylovOutcome
        ``raw`` is ``"converged"``, ``"maxiter"``, ``"negative_curvature"``
        (``direction`` a unit vector with ``d^T A d <= 0``) or
        ``"overflow"``; ``residual_norms[k] = ||r_k||`` (recursive);
        ``value_changes[k]`` is ``f(y_{k+1}) - f(y_k)``.

    Raises
    ------
    ValueError
        If ``r^T M r <= 0`` (or NaN): the preconditioner is not positive
        definite; if ``A @ v`` is not finite for a finite ``v``.

    Notes
    -----
    Polak-Ribiere PCG as in the module notes (Saad, *Iterative Methods for
    Sparse Linear Systems*, 2nd ed., 2003, Algorithm 9.1, with the flexible
    ``beta`` of Notay, 2000). Without a preconditioner ``z = r``, ``beta``
    is Fletcher-Reeves' ``r_{k+1}^T r_{k+1} / r_k^T r_k`` and ``||p||^2`` is
    updated recursively (``p_{k+1}^T p_{k+1} = r_{k+1}^T r_{k+1} + beta^2
    p_k^T p_k`` since ``r_{k+1}`` is orthogonal to ``p_k``): one product
    ``A p``, two inner products and three vector updates per iteration, as
    in :func:`scipy.sparse.linalg.cg`. float64 numpy vectors are updated in
    place by scipy's BLAS (``ddot``, ``daxpy``, ``dscal``: one thread pool,
    one pass per update), other numpy and CuPy vectors in place by ufuncs
    through one scratch vector (no temporaries); JAX's immutable ones are
    rebuilt. Accuracy:
    stops at ``||r|| <= threshold`` for the recursive residual; the true one
    drifts from it by about ``kappa eps ||b||``.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[4.0, 1.0], [1.0, 3.0]])
    >>> out = pcg(lambda v: A @ v, lambda r: r / np.diag(A), np.array([1.0, 2.0]),
    ...           np.zeros(2), 1e-12, 10, 5.0)
    >>> out.raw, out.iterations, np.allclose(2 * A @ out.y, [-1.0, -2.0])
    ('converged', 2, True)
    """
    from array_api_compat import array_namespace

    xp = array_namespace(b, y0)
    n = b.shape[0]
    y = xp.asarray(y0, copy=True)
    vectors = _vectors(y, xp)
    r = -(2.0 * matvec(y) + b)
    z = r if precondition is None else _preconditioned(precondition, r, xp)
    if precondition is not None:
        precondition, z = _balanced(precondition, r, z, xp)
    rz = vectors.dot(r, z)
    p = xp.asarray(z, copy=True)
    rr = vectors.dot(r, r)
    pp = vectors.dot(p, p)
    norms, changes = [math.sqrt(rr)], []
    curvature_scale = 2.0 * norm_estimate
    iterations, raw, direction = 0, MAXITER, None
    while True:
        if math.sqrt(rr) <= threshold or rr <= UNDERFLOW:
            raw = CONVERGED
            break
        if iterations >= maxiter:
            break
        if precondition is not None and not rz > 0.0:
            msg = (f"the preconditioner must be positive definite, got r^T M r = {rz:.3g} "
                   f"at iteration {iterations}")
            raise ValueError(msg)
        if precondition is not None:
            pp = vectors.dot(p, p)
            if pp == 0.0:  # rounding left z parallel to the last p, and beta cancelled it
                p = xp.asarray(z, copy=True)
                pp = vectors.dot(p, p)
        Ap = matvec(p)
        curvature = 2.0 * vectors.dot(p, Ap)
        if not math.isfinite(curvature):
            _check_product(p, Ap, xp, label)
            raw = OVERFLOW
            break
        if not math.isfinite(pp):
            raw = OVERFLOW
            break
        curvature_scale = max(curvature_scale, curvature / pp)
        if curvature <= n * EPS * curvature_scale * pp:
            raw, direction = CURVATURE, p / math.sqrt(vectors.dot(p, p))
            break
        alpha = rz / curvature
        if alpha * math.sqrt(pp) > 1e300:
            raw = OVERFLOW
            break
        y = vectors.add_scaled(y, alpha, p)
        r_old = r if precondition is None else xp.asarray(r, copy=True)
        r = vectors.add_scaled(r, -2.0 * alpha, Ap)
        rr = vectors.dot(r, r)
        if precondition is None:
            z, rz_new, r_z_old = r, rr, 0.0  # r_{k+1} is orthogonal to r_k
        else:
            z = _preconditioned(precondition, r, xp)
            rz_new, r_z_old = vectors.dot(r, z), vectors.dot(z, r_old)
        if not math.isfinite(rr) or not math.isfinite(rz_new):
            raw = OVERFLOW
            break
        beta = (rz_new - r_z_old) / rz
        p = vectors.next_direction(p, beta, z)
        if precondition is None:
            pp = rr + beta * beta * pp  # p_k^T p_k, as r_{k+1} is orthogonal to p_k
        changes.append(-0.5 * alpha * rz)
        rz = rz_new
        iterations += 1
        norms.append(math.sqrt(rr))
        if callback is not None:
            callback(y)
    return KrylovOutcome(y, raw, direction, iterations, norms, changes)
