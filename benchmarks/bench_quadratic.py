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
- Preconditioned CG on the same problem, 9x10^4 unknowns (m = 300; 10^4 with
  ``--quick``): ``preconditioner="ilu"`` (factorization by
  :func:`scipy.sparse.linalg.spilu` included in the time), ``"jacobi"`` and
  ``"none"``, against scipy's ``cg`` with the same ILU as ``M``; the notes give
  the iteration counts (PCG's against CG's). The ILU grid is smaller than CG's:
  SuperLU's ILUTP on 10^6 unknowns takes tens of seconds and gigabytes.
- accuracy: the true relative residual ``||2 A x + b|| / ||b||`` recomputed from each
  result; the notes give the iteration counts.
- Batched: :func:`mathkit.quadratic.minimize_batch` (numba engine; the numpy
  reference as a variant) on 10^6 SPD 3x3 problems and 10^5 SPD 8x8 problems
  (10^4 and 10^3 with ``--quick``), against :func:`numpy.linalg.solve` on the same
  stack (``A x = -b/2``). Goals: numpy.linalg.solve takes 10x (3x3) and 6x (8x8)
  mathkit's time. accuracy: the largest relative error ``||x - x_ref|| / ||x_ref||``
  over a sample of 10^4 problems, ``x_ref`` the float64 solution refined once with
  residuals in extended precision (``numpy.longdouble``). With a working GPU, a
  CuPy variant: ``minimize_batch`` on CuPy copies of the stack (made once, outside
  the timing), synchronized, ``x`` copied back.
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


def _pcg_case(m: int, label: str) -> Case:
    """Preconditioned CG on Poisson: iteration counts against plain CG, and scipy with ILU."""
    from scipy.sparse.linalg import LinearOperator, cg, spilu

    from mathkit.quadratic import QuadraticForm, poisson_2d
    from mathkit.quadratic.preconditioned import ILU_DROP_TOL, ILU_FILL_FACTOR

    A = poisson_2d(m)
    n = A.shape[0]
    b = np.ones(n)
    form = QuadraticForm(A, b)
    maxiter = 20 * m

    def run(preconditioner):
        return form.minimize(method="preconditioned_cg", preconditioner=preconditioner,
                             tol=TOL, maxiter=maxiter)

    def scipy_ilu_cg():
        import scipy.sparse as sp

        factor = spilu(sp.csc_matrix(A), drop_tol=ILU_DROP_TOL, fill_factor=ILU_FILL_FACTOR,
                       permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                       options={"SymmetricMode": True})
        M = LinearOperator((n, n), matvec=factor.solve)
        x, info = cg(A, -0.5 * b, rtol=TOL, atol=0.0, maxiter=maxiter, M=M)
        if info != 0:
            msg = f"scipy cg with ILU did not converge (info={info})"
            raise RuntimeError(msg)
        return x

    def residual(x):
        x = x.x if hasattr(x, "x") else x
        return float(np.linalg.norm(2.0 * (A @ x) + b) / np.linalg.norm(b))

    counts = {name: run(name).iterations for name in ("none", "jacobi", "ilu")}
    return Case(
        name=f"PCG, 2-D Poisson, {label} unknowns, tol {TOL:g} (ILU factorization included)",
        area="quadratic",
        mathkit=lambda: run("ilu"),
        mathkit_name="mathkit preconditioned_cg, ILU",
        variants={"mathkit preconditioned_cg, Jacobi": lambda: run("jacobi"),
                  "mathkit preconditioned_cg, none": lambda: run("none")},
        peers={"scipy cg + spilu (same ILU)": scipy_ilu_cg},
        accuracy=residual,
        notes={
            "mathkit preconditioned_cg, ILU": f"{counts['ilu']} iterations",
            "mathkit preconditioned_cg, Jacobi": f"{counts['jacobi']} iterations "
                                                 "(constant diagonal: = CG)",
            "mathkit preconditioned_cg, none": f"{counts['none']} iterations",
        },
    )


def _refined_reference(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``-A^{-1} b / 2``: float64 solve plus one refinement step with a longdouble residual."""
    rhs = -0.5 * b
    x = np.linalg.solve(A, rhs[..., None])[..., 0]
    residual = rhs.astype(np.longdouble) - np.einsum(
        "kij,kj->ki", A.astype(np.longdouble), x.astype(np.longdouble))
    correction = np.linalg.solve(A, residual.astype(np.float64)[..., None])[..., 0]
    return x + correction


def _batched_case(count: int, n: int, label: str, goal_ratio: float) -> Case:
    from mathkit.quadratic import minimize_batch

    rng = np.random.default_rng(2024 + n)
    M = rng.standard_normal((count, n, n))
    A = M @ np.swapaxes(M, 1, 2) + n * np.eye(n)  # SPD, modest condition numbers
    b = rng.standard_normal((count, n))
    sample = rng.choice(count, size=min(count, 10_000), replace=False)
    reference = _refined_reference(A[sample], b[sample])

    def error(x):
        difference = np.linalg.norm(x[sample] - reference, axis=1)
        return float((difference / np.linalg.norm(reference, axis=1)).max())

    def mathkit_numba():
        return minimize_batch(A, b, backend="numba").x

    def mathkit_numpy():
        return minimize_batch(A, b, backend="numpy").x

    def numpy_solve():
        return np.linalg.solve(A, -0.5 * b[..., None])[..., 0]

    name = "mathkit minimize_batch (numba)"
    variants = {"mathkit minimize_batch (numpy)": mathkit_numpy}
    jitted = {name}
    notes = {"numpy.linalg.solve": f"goal: ratio >= {goal_ratio:g}"}
    from mathkit._backend import engine_status

    if engine_status("cupy").available:
        cupy_name = "mathkit minimize_batch (cupy)"
        variants[cupy_name] = _cupy_batched(A, b)
        jitted.add(cupy_name)
        notes[cupy_name] = ("GPU; A, b copied to the device once, outside the timing; x copied "
                            "back after a synchronize")
    return Case(
        name=f"batched minimize, {label} SPD {n}x{n}",
        area="quadratic",
        mathkit=mathkit_numba,
        mathkit_name=name,
        variants=variants,
        peers={"numpy.linalg.solve": numpy_solve},
        accuracy=error,
        jitted=jitted,
        notes=notes,
    )


def _cupy_batched(A: np.ndarray, b: np.ndarray):
    """``minimize_batch`` on CuPy copies of the stack, synchronized, ``x`` back on the host."""
    import cupy

    from mathkit.quadratic import minimize_batch

    device_A, device_b = cupy.asarray(A), cupy.asarray(b)

    def run():
        x = minimize_batch(device_A, device_b, backend="cupy").x
        cupy.cuda.get_current_stream().synchronize()
        return cupy.asnumpy(x)

    return run


def cases(quick: bool) -> list[Case]:
    """CG on Poisson: 10^6 unknowns, or 10^4 with ``quick``; PCG (none, Jacobi, ILU) on 9x10^4
    (10^4 with ``quick``); batched 3x3 and 8x8 solves."""
    m, label = (100, "10^4") if quick else (1000, "10^6")
    small, large = ((10**4, "10^4"), (10**3, "10^3")) if quick else (
        (10**6, "10^6"), (10**5, "10^5"))
    pcg_m, pcg_label = (100, "10^4") if quick else (300, "9x10^4")
    return [
        _poisson_case(m, label),
        _pcg_case(pcg_m, pcg_label),
        _batched_case(small[0], 3, small[1], 10),
        _batched_case(large[0], 8, large[1], 6),
    ]
