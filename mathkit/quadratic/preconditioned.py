r"""Preconditioned conjugate gradients for numpy, scipy.sparse and LinearOperator forms.

Preconditioners (``preconditioner=`` of :func:`~mathkit.quadratic.minimize`):

- ``"jacobi"`` (default): ``M = diag(A)^{-1}``, symmetric positive definite
  when the diagonal is positive; entries ``A_ii <= 0`` are left unscaled
  (``A`` is then not positive definite, and CG finds that out by itself).
  Needs the diagonal, so not for a LinearOperator.
- ``"ilu"``: an incomplete LU factorization by SuperLU's ILUTP,
  :func:`scipy.sparse.linalg.spilu` (threshold dropping ``drop_tol=1e-4``,
  ``fill_factor=10``, symmetric mode, diagonal pivoting). No maintained
  incomplete *Cholesky* is available to mathkit's dependencies (scipy has
  none; PyAMG and ilupp are not dependencies), so ILU stands in for it: for
  symmetric positive definite ``A`` it is close to ``L D L^T`` but not
  exactly symmetric, which the flexible ``beta`` of
  :mod:`mathkit.quadratic.krylov` tolerates. Sparse and dense ``A`` only.
- ``"none"``: plain conjugate gradients through the same kernel.
- a :class:`scipy.sparse.linalg.LinearOperator`, a matrix or a callable
  ``r -> M r``: your own ``M``, symmetric positive definite, approximating
  ``A^{-1}`` (any positive multiple works: CG is invariant to it).
"""

from __future__ import annotations

import numpy as np

from mathkit._validate import _describe
from mathkit.quadratic.form import QuadraticForm
from mathkit.quadratic.iterative import krylov_minimize

__all__ = ["PRECONDITIONERS"]

#: Named preconditioners.
PRECONDITIONERS = ("jacobi", "ilu", "none")
#: Drop tolerance and fill factor of the incomplete LU factorization.
ILU_DROP_TOL, ILU_FILL_FACTOR = 1e-4, 10.0


def _diagonal(form: QuadraticForm) -> np.ndarray:
    if form.kind == "sparse":
        return np.asarray(form.A.diagonal(), dtype=np.float64)
    if form.kind == "operator":
        msg = ("preconditioner='jacobi' needs the diagonal of A, which a LinearOperator does not "
               "give; pass preconditioner=<your M> or 'none'")
        raise ValueError(msg)
    return np.diag(form.dense()).copy()


def jacobi(form: QuadraticForm):
    """``r -> r / diag(A)`` (non-positive diagonal entries left unscaled)."""
    diagonal = _diagonal(form)
    inverse = np.where(diagonal > 0.0, 1.0 / np.where(diagonal > 0.0, diagonal, 1.0), 1.0)
    return lambda r: inverse * r


def ilu(form: QuadraticForm):
    """``r -> U^{-1} L^{-1} r`` from :func:`scipy.sparse.linalg.spilu` of ``A``."""
    import scipy.sparse as sp
    from scipy.sparse.linalg import spilu

    if form.kind == "operator":
        msg = ("preconditioner='ilu' needs the entries of A, which a LinearOperator does not "
               "give; pass preconditioner=<your M> or 'none'")
        raise ValueError(msg)
    matrix = form.A if form.kind == "sparse" else sp.csc_array(form.dense())
    try:
        factor = spilu(sp.csc_matrix(matrix), drop_tol=ILU_DROP_TOL, fill_factor=ILU_FILL_FACTOR,
                       permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                       options={"SymmetricMode": True})
    except RuntimeError as error:  # SuperLU: "Factor is exactly singular"
        msg = f"preconditioner='ilu': the incomplete LU factorization of A failed ({error})"
        raise ValueError(msg) from None
    return factor.solve


def _custom(form: QuadraticForm, preconditioner):
    from scipy.sparse.linalg import aslinearoperator

    if callable(preconditioner) and not hasattr(preconditioner, "shape"):
        return preconditioner
    try:
        operator = aslinearoperator(preconditioner)
    except (TypeError, ValueError):
        msg = (f"preconditioner must be one of {PRECONDITIONERS}, a LinearOperator, a matrix or "
               f"a callable, got {_describe(preconditioner)}")
        raise TypeError(msg) from None
    if operator.shape != (form.n, form.n):
        msg = f"preconditioner must have shape {(form.n, form.n)}, got {operator.shape}"
        raise ValueError(msg)
    return operator.matvec


def check_preconditioner(preconditioner):
    """Validate the ``preconditioner`` argument early (names and types only)."""
    if isinstance(preconditioner, str):
        if preconditioner not in PRECONDITIONERS:
            msg = (f"preconditioner must be one of {PRECONDITIONERS}, a LinearOperator, a "
                   f"matrix or a callable, got {preconditioner!r}")
            raise ValueError(msg)
        return preconditioner
    if preconditioner is None:
        return "none"
    if not (callable(preconditioner) or hasattr(preconditioner, "shape")):
        msg = (f"preconditioner must be one of {PRECONDITIONERS}, a LinearOperator, a matrix "
               f"or a callable, got {_describe(preconditioner)}")
        raise TypeError(msg)
    return preconditioner


def build(form: QuadraticForm, preconditioner):
    """The callable ``r -> M r`` (None for ``"none"``)."""
    if isinstance(preconditioner, str):
        return {"jacobi": jacobi, "ilu": ilu, "none": lambda _form: None}[preconditioner](form)
    return _custom(form, preconditioner)


def _checked(apply):
    def precondition(r):
        z = np.asarray(apply(r))
        if z.dtype.kind not in "biuf":
            msg = f"the preconditioner must give real numbers, got dtype {z.dtype}"
            raise TypeError(msg)
        z = z.astype(np.float64, copy=False).reshape(-1)
        if z.shape != r.shape or not np.isfinite(z).all():
            msg = (f"the preconditioner must map a vector of shape {r.shape} to a finite one, "
                   f"got {_describe(z)}")
            raise ValueError(msg)
        return z

    return precondition


def preconditioned_cg(form: QuadraticForm, x0: np.ndarray, tol: float, maxiter: int,
                      callback=None, preconditioner="jacobi"):
    """Minimize by preconditioned conjugate gradients (see the module notes)."""
    apply = build(form, preconditioner)
    precondition = None if apply is None else _checked(apply)
    return krylov_minimize(form, x0, tol, maxiter, callback, precondition, "preconditioned_cg")
