"""Area "quadratic": conjugate gradients on the 2-D Poisson problem, against scipy.

Case
----
- ``f(x) = x^T A x + b^T x`` with ``A`` the 5-point Laplacian on an ``m x m`` grid
  (:func:`mathkit.quadratic.poisson_2d`, CSR) and ``b`` = ones, minimized by
  mathkit's conjugate gradients (``QuadraticForm(A, b).minimize(method=
  "conjugate_gradient")``), against :func:`scipy.sparse.linalg.cg` on the same
  stationarity equation ``A x = -b/2`` at the same relative tolerance
  (``||2 A x + b|| <= tol ||b||`` is scipy's ``||A x - r|| <= rtol ||r||``). 10^6
  unknowns (m = 1000), 10^4 with ``--quick``; the variant passes ``A`` as a
  matrix-free ``LinearOperator``.
- accuracy: the true relative residual ``||2 A x + b|| / ||b||`` recomputed from each
  result; the notes give the iteration counts.
"""

from __future__ import annotations

import numpy as np
from harness import Case

TOL = 1e-8


def _poisson_case(m: int, label: str) -> Case:
    from scipy.sparse.linalg import aslinearoperator, cg

    from mathkit.quadratic import QuadraticForm, poisson_2d

    A = poisson_2d(m)
    b = np.ones(A.shape[0])
    form = QuadraticForm(A, b)
    operator_form = QuadraticForm(aslinearoperator(A), b)
    maxiter = 20 * m

    def mathkit_cg():
        return form.minimize(method="conjugate_gradient", tol=TOL, maxiter=maxiter).x

    def mathkit_operator_cg():
        return operator_form.minimize(method="conjugate_gradient", tol=TOL, maxiter=maxiter).x

    def scipy_cg():
        x, info = cg(A, -0.5 * b, rtol=TOL, atol=0.0, maxiter=maxiter)
        if info != 0:
            msg = f"scipy cg did not converge (info={info})"
            raise RuntimeError(msg)
        return x

    def residual(x):
        return float(np.linalg.norm(2.0 * (A @ x) + b) / np.linalg.norm(b))

    ours = form.minimize(method="conjugate_gradient", tol=TOL, maxiter=maxiter).iterations
    counted: list = []
    cg(A, -0.5 * b, rtol=TOL, atol=0.0, maxiter=maxiter, callback=counted.append)
    return Case(
        name=f"CG, 2-D Poisson, {label} unknowns, tol {TOL:g}",
        area="quadratic",
        mathkit=mathkit_cg,
        mathkit_name="mathkit minimize(conjugate_gradient)",
        variants={"mathkit, LinearOperator A": mathkit_operator_cg},
        peers={"scipy.sparse.linalg.cg": scipy_cg},
        accuracy=residual,
        notes={
            "mathkit minimize(conjugate_gradient)": f"{ours} iterations",
            "mathkit, LinearOperator A": f"{ours} iterations, matrix-free",
            "scipy.sparse.linalg.cg": f"{len(counted)} iterations",
        },
    )


def cases(quick: bool) -> list[Case]:
    """CG on Poisson: 10^6 unknowns, or 10^4 with ``quick``."""
    m, label = (100, "10^4") if quick else (1000, "10^6")
    return [_poisson_case(m, label)]
