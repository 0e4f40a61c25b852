r"""Iterative minimization: gradient descent and conjugate gradients, with matrix products only.

Both work for dense, scipy.sparse and LinearOperator ``A`` (one product
``A v`` per iteration) and stop when ``||2 A x_k + b|| <= tol * ||b||``
(``tol * ||2 A x_0 + b||`` when ``b = 0``), when they meet a direction of
non-positive curvature (a certificate that ``f`` is unbounded below), or
after ``maxiter`` iterations.

**Gradient descent** ``x_{k+1} = x_k - alpha_k g_k`` with ``g_k = 2 A x_k + b``:

- ``step="exact"``: exact line search, ``alpha_k = g^T g / (2 g^T A g)``
  (the minimizer of ``f(x_k - alpha g_k)``);
- ``step="optimal"``: the fixed step ``2 / (L + mu) = 1 / (lambda_max +
  lambda_min)``, ``L = 2 lambda_max`` and ``mu = 2 lambda_min`` the extreme
  eigenvalues of the Hessian ``2A``.

Both contract the A-norm error by ``(kappa - 1)/(kappa + 1)`` per step
(:func:`~mathkit.quadratic.convergence_bound`).

**Conjugate gradients** (Hestenes and Stiefel, 1952) on ``2 A x = -b``: with
``r_k = -g_k``, ``p_0 = r_0``,

.. math::

    \alpha_k = \frac{r_k^T r_k}{p_k^T (2A) p_k}, \quad
    x_{k+1} = x_k + \alpha_k p_k, \quad
    r_{k+1} = r_k - \alpha_k (2A) p_k, \quad
    p_{k+1} = r_{k+1} + \frac{r_{k+1}^T r_{k+1}}{r_k^T r_k} p_k .

The residual ``r_k`` is updated recursively; at the end the true residual
``||2 A x + b||`` is recomputed and reported beside it (rounding makes them
drift apart on ill-conditioned problems). If ``p_k^T A p_k <= 0`` (up to
rounding: ``<= n eps lambda_est ||p_k||^2``, ``lambda_est`` the larger of an
estimate of ``||2A||`` (:meth:`QuadraticForm.norm_estimate`) and the largest
Rayleigh quotient seen), ``f(x_k + t p_k) -> -inf`` since
``g_k^T p_k = -r_k^T r_k < 0``: status ``"unbounded"`` with direction ``p_k``.
The loop is that of :func:`mathkit.quadratic.krylov.pcg` without a
preconditioner: one kernel serves conjugate gradients, preconditioned CG and
device forms; ``krylov_minimize`` scales the problem for it and turns its
outcome into a status.

A recursive residual, or one that underflowed, can claim convergence where
the true gradient disagrees (an ``x0`` so far away that ``eps ||x0||``
swamps the minimizer): ``"converged"`` is accepted only if the recomputed
``||2 A x + b||`` is within ``tol`` or within rounding, ``1000 n (eps
(||2A|| ||x|| + ||b||) + tiny (1 + ||2A||))`` (``tiny`` the smallest
subnormal); otherwise the status is ``"maxiter"``.

When an iteration stops at a stationary point, the status is checked against
``A`` itself where that is affordable (dense ``A``, or ``n <= 2000``): a
Cholesky factorization, or the eigenvalues when that fails. So an indefinite
``A`` whose negative eigenvectors ``b`` does not excite (CG never sees them)
still gives ``"unbounded"``. Larger sparse and operator forms are not
checked: there ``"optimal"`` means a stationary point at which every search
direction had positive curvature.
"""

from __future__ import annotations

import math

import numpy as np

from mathkit.quadratic import krylov
from mathkit.quadratic.classify import EPS, extreme_eigenvalues, spectrum
from mathkit.quadratic.closed_form import (
    MAXITER,
    OPTIMAL,
    OPTIMAL_SET,
    UNBOUNDED,
    check_representable,
    exact_result,
    exact_status,
    numeric_result,
    readonly,
    spectral_status,
    well_conditioned_cholesky,
)
from mathkit.quadratic.form import DENSE_LIMIT, QuadraticForm, safe_norm, value_at
from mathkit.quadratic.krylov import CONVERGED, CURVATURE, OVERFLOW, UNDERFLOW

#: Gradient descent recomputes ``A x`` from ``x`` every this many iterations.
REFRESH_EVERY = 50


#: How messages name the iterative methods.
METHOD_NAMES = {
    "conjugate_gradient": "conjugate gradients",
    "gradient_descent": "gradient descent",
    "preconditioned_cg": "preconditioned conjugate gradients",
    "heavy_ball": "the heavy-ball method",
    "nesterov": "Nesterov's method",
    "chebyshev": "the Chebyshev iteration",
}


def _checkable(form: QuadraticForm) -> bool:
    return form.kind == "dense" or form.n <= DENSE_LIMIT


#: Methods that never look at the curvature ``p^T A p`` of a direction.
NO_CURVATURE_TEST = ("heavy_ball", "nesterov", "chebyshev")
#: A converged iterate must have ``||2 A x + b||`` within the tolerance, or within this
#: many ``n (eps (||2A|| ||x|| + ||b||) + tiny (1 + ||2A||))`` (what rounding allows;
#: recursive residuals drift; ``tiny`` the smallest subnormal, the resolution of x).
ROUNDING_SLACK = 1e3
SUBNORMAL = float(np.finfo(np.float64).smallest_subnormal)


def _inaccurate(form: QuadraticForm, x, threshold: float | None) -> str:
    """Why a "converged" ``x`` is not a solution (true gradient above tol and rounding), or ""."""
    if threshold is None:
        return ""
    return inaccuracy(safe_norm(form.gradient(x)), safe_norm(x), safe_norm(form.b),
                      2.0 * form.norm_estimate(), form.n, threshold)


def inaccuracy(true: float, x_norm: float, b_norm: float, scale: float, n: int,
               threshold: float) -> str:
    """:func:`_inaccurate` from the norms: the true gradient ``true``, ``||x||``, ``||b||``,
    ``scale`` (an estimate of ``||2A||``) and ``n``; also for device forms."""
    floor = ROUNDING_SLACK * n * (EPS * (scale * x_norm + b_norm) + SUBNORMAL * (1.0 + scale))
    if true <= max(threshold, floor):
        return ""
    return (f"the iteration's own residual met tol, but the true gradient norm at x is "
            f"{true:.3g}, above tol * reference = {threshold:.3g} and the rounding level "
            f"{floor:.3g} (x0 so far away that eps |x0| swamps the minimizer, or the "
            "recursive residual drifted): not converged")


def _certified(form: QuadraticForm, direction, met: str):
    """``(status, direction, message)`` for a kernel's direction of non-positive curvature.

    The kernels count a curvature below rounding (``n eps ||2A||``) as zero; a direction
    whose curvature is in fact positive is no certificate (``f`` turns up again along it).
    Then, where ``A`` can be checked, its spectrum decides: its direction, or "maxiter".
    """
    d = np.asarray(direction, dtype=np.float64)
    if not _checkable(form) or float(d @ form.matvec(d)) <= 0.0:
        return UNBOUNDED, d, f"{met}: f decreases without bound along it"
    checked, _, spectral_direction, reason = spectral_status(form)
    if checked == UNBOUNDED:
        return UNBOUNDED, spectral_direction, f"{met} (curvature at rounding level); {reason}"
    return MAXITER, None, (f"{met} (curvature at rounding level), but {reason}: stopped "
                           "before converging")


def finish(form: QuadraticForm, raw: str, x, direction, *, method: str, iterations: int,
           norms, values, recursive: float, threshold: float | None = None):
    """Turn a kernel's raw outcome into a status, checked against ``A`` where affordable.

    ``threshold`` (``tol`` times the reference gradient norm): a ``"converged"``
    outcome whose true gradient is above it and above rounding becomes ``"maxiter"``.
    """
    nullspace = None
    what = METHOD_NAMES[method]
    x = check_representable(np.asarray(x, dtype=np.float64), method)
    inaccurate = _inaccurate(form, x, threshold) if raw == CONVERGED else ""
    if inaccurate:
        raw = MAXITER
    stopped = {
        CONVERGED: f"{what} converged in {iterations} iterations",
        MAXITER: f"{what} stopped after {iterations} iterations: {inaccurate}" if inaccurate
        else f"{what} stopped after maxiter = {iterations} iterations",
        OVERFLOW: f"{what} stopped after {iterations} iterations: the next step overflows "
                  "(a step of near-zero curvature)",
    }.get(raw, "")
    if raw == CURVATURE:
        status, direction, message = _certified(
            form, direction, f"{what} met a direction of non-positive curvature after "
            f"{iterations} iterations")
    elif not _checkable(form):
        if raw == OVERFLOW:
            msg = (f"{stopped}; A ({form.kind}, n = {form.n}) is too large to check whether f "
                   "is unbounded below")
            raise FloatingPointError(msg)
        status = OPTIMAL if raw == CONVERGED else MAXITER
        message = stopped
        if raw == CONVERGED:
            unverified = (f"definiteness of A not verified for a {form.kind} form with "
                          f"n > {DENSE_LIMIT}")
            message += (f" to a stationary point ({unverified}; this method tests no "
                        "curvature but trusts the eigenvalue bounds, so a saddle point of an "
                        "indefinite A passes)" if method in NO_CURVATURE_TEST else
                        " to a stationary point with positive curvature along every search "
                        f"direction ({unverified})")
    elif well_conditioned_cholesky(form) is not None:
        status = OPTIMAL if raw == CONVERGED else MAXITER
        message = (f"{stopped}; A is positive definite (Cholesky): unique minimizer"
                   if raw == CONVERGED else stopped)
    else:
        checked, nullspace, spectral_direction, reason = spectral_status(form)
        if checked == UNBOUNDED:
            status, direction = UNBOUNDED, spectral_direction
            message = f"{stopped}, but {reason}"
        elif raw == CONVERGED:
            status, message = checked, f"{stopped}; {reason}"
        else:
            status, message = MAXITER, stopped
    if status != OPTIMAL_SET:
        nullspace = None
    return numeric_result(
        form, x, status=status, method=method, message=message, iterations=iterations,
        gradient_norms=norms, values=values, nullspace=nullspace,
        direction=direction if status == UNBOUNDED else None,
        recursive_gradient_norm=recursive,
    )


def _negative_pair(previous, current, margin: float):
    """A unit direction of negative curvature in the span of two gradients, or None.

    Steepest descent with exact line search makes consecutive gradients
    ``u = g_{k-1}`` and ``v = g_k`` orthogonal; with ``A u`` and ``A v`` at
    hand, ``A`` restricted to their span is a 2x2 matrix in the orthonormal
    basis ``(u, w)``, ``w`` the part of ``v`` orthogonal to ``u``. For positive
    definite ``A`` it is positive definite; an eigenvalue below ``-margin``
    certifies negative curvature along its eigenvector. Nearly parallel
    gradients (not from an exact line search) are skipped: the difference
    would amplify rounding.
    """
    (u, Au), (v, Av) = previous, current
    u_norm = math.sqrt(float(u @ u))
    coefficient = float(u @ v) / u_norm**2
    w = v - coefficient * u
    w_norm = math.sqrt(float(w @ w))
    if w_norm < 0.5 * math.sqrt(float(v @ v)):
        return None
    Aw = (Av - coefficient * Au) / w_norm
    u_hat, Au_hat, w_hat = u / u_norm, Au / u_norm, w / w_norm
    m12 = float(u_hat @ Aw)
    matrix = np.array([[float(u_hat @ Au_hat), m12], [m12, float(w_hat @ Aw)]])
    eigenvalues, eigenvectors = np.linalg.eigh(matrix)
    if eigenvalues[0] > -margin:
        return None
    d = eigenvectors[0, 0] * u_hat + eigenvectors[1, 0] * w_hat
    d /= math.sqrt(float(d @ d))
    return d if float(v @ d) <= 0.0 else -d


def scaled_start(form: QuadraticForm, x0: np.ndarray, tol: float):
    """Scale the problem so that the first gradient and ``b`` have entries of size <= 1.

    The minimizer is linear in ``(x0, b)``: with ``x = sigma y`` and ``b = sigma b_s``,
    ``2 A y + b_s = g / sigma``. Iterating on ``y`` keeps every inner product near 1
    whatever the scale of ``b``, so nothing underflows or overflows. Returns
    ``(sigma, y0, b_s, threshold)`` with the stopping threshold in scaled units.
    """
    g0 = form.gradient(x0)
    sigma = max(float(np.abs(g0).max()), float(np.abs(form.b).max()))
    if sigma == 0.0:
        sigma = 1.0
    b_scaled = form.b / sigma
    g_scaled = g0 / sigma
    reference = safe_norm(b_scaled) or safe_norm(g_scaled)
    return sigma, x0 / sigma, b_scaled, tol * reference


def unscaled(sigma: float, y: np.ndarray) -> np.ndarray:
    """``sigma * y``; an overflow to inf is left to :func:`finish`, which reports it."""
    with np.errstate(over="ignore"):
        return sigma * y


def _value(sigma: float, y: np.ndarray, g: np.ndarray, b: np.ndarray, c: float) -> float:
    """``f(sigma y) = sigma^2 (y.A y + b.y) + c`` from the scaled gradient ``g = 2 A y + b``."""
    return float(sigma * (sigma * (0.5 * float(y @ g + b @ y)))) + c


def _product_failed(form: QuadraticForm, v: np.ndarray, product: np.ndarray) -> None:
    """Raise if ``A @ v`` has non-finite entries although ``v`` is finite."""
    if np.isfinite(v).all() and not np.isfinite(product).all():
        msg = f"A @ v must be finite, but the {form.kind} A gave non-finite values"
        raise ValueError(msg)


def krylov_minimize(form: QuadraticForm, x0: np.ndarray, tol: float, maxiter: int, callback,
                    precondition, method: str):
    """Run :func:`~mathkit.quadratic.krylov.pcg` on the scaled problem; its result as a status.

    The one conjugate-gradient loop of mathkit: ``precondition=None`` is plain
    conjugate gradients, a callable ``r -> M r`` preconditioned CG.
    """
    sigma, y0, b, threshold = scaled_start(form, np.array(x0, dtype=np.float64), tol)

    def scaled_callback(y):
        callback(readonly(sigma * y))

    out = krylov.pcg(form.matvec, precondition, b, y0, threshold, maxiter, form.norm_estimate(),
                     None if callback is None else scaled_callback, label=f"{form.kind} A")
    norms = [sigma * v for v in out.residual_norms]
    return finish(form, out.raw, unscaled(sigma, out.y), out.direction, method=method,
                  iterations=out.iterations, norms=norms,
                  values=out.values(value_at(form, x0, "x0", "rescale x0"), sigma),
                  recursive=norms[-1],
                  threshold=sigma * threshold)


def conjugate_gradient(form: QuadraticForm, x0: np.ndarray, tol: float, maxiter: int,
                       callback=None):
    """Minimize by conjugate gradients (see the module notes): the unpreconditioned kernel."""
    return krylov_minimize(form, x0, tol, maxiter, callback, None, "conjugate_gradient")


def optimal_step(form: QuadraticForm, x0: np.ndarray):
    """The fixed step ``1 / (lambda_max + lambda_min)``, or an early result if unbounded."""
    if _checkable(form):
        spec = spectrum(form)
        status, _, direction, reason = spectral_status(form)
        if status == UNBOUNDED:
            return None, numeric_result(form, x0, status=UNBOUNDED, method="gradient_descent",
                                        message=f"no step taken: {reason}",
                                        direction=direction)
        largest = float(spec.eigenvalues[-1])
        smallest = spec.smallest_nonzero
        return 1.0 / (largest + smallest), None
    smallest, largest = extreme_eigenvalues(form)
    if smallest <= form.n * EPS * abs(largest):
        msg = (
            f"step='optimal' needs a positive definite A, got smallest eigenvalue estimate "
            f"{smallest:.3g}; use step='exact'"
        )
        raise ValueError(msg)
    return 1.0 / (largest + smallest), None


def gradient_descent(form: QuadraticForm, x0: np.ndarray, tol: float, maxiter: int,
                     callback=None, step: str = "exact"):
    """Minimize by steepest descent (see the module notes)."""
    fixed = None
    if step == "optimal":
        fixed, early = optimal_step(form, x0)
        if early is not None:
            return early
    n, c = form.n, form.c
    sigma, y, b, threshold = scaled_start(form, np.array(x0, dtype=np.float64), tol)
    Ay = form.matvec(y)
    g = 2.0 * Ay + b
    gg = float(g @ g)
    norms = [sigma * math.sqrt(gg)]
    values = [_value(sigma, y, g, b, c)]
    rayleigh_max = 2.0 * form.norm_estimate()  # curvature scale of the Hessian 2A
    iterations, raw, direction, previous = 0, MAXITER, None, None
    while True:
        if math.sqrt(gg) <= threshold or gg <= UNDERFLOW:
            raw = CONVERGED
            break
        if iterations >= maxiter:
            break
        Ag = form.matvec(g)
        curvature = float(g @ Ag)
        if not math.isfinite(curvature):
            _product_failed(form, g, Ag)
            raw = OVERFLOW
            break
        rayleigh_max = max(rayleigh_max, 2.0 * curvature / gg)
        if 2.0 * curvature <= n * EPS * rayleigh_max * gg:
            raw, direction = CURVATURE, -g / math.sqrt(gg)
            break
        if previous is not None and fixed is None:
            direction = _negative_pair(previous, (g, Ag), 10 * n * EPS * rayleigh_max / 2.0)
            if direction is not None:
                raw = CURVATURE
                break
        previous = (g, Ag)
        alpha = gg / (2.0 * curvature) if fixed is None else fixed
        y_new = y - alpha * g
        if not np.isfinite(y_new).all():
            raw = OVERFLOW
            break
        y = y_new
        iterations += 1
        Ay = form.matvec(y) if iterations % REFRESH_EVERY == 0 else Ay - alpha * Ag
        g = 2.0 * Ay + b
        gg = float(g @ g)
        norms.append(sigma * math.sqrt(gg))
        values.append(_value(sigma, y, g, b, c))
        if callback is not None:
            callback(readonly(sigma * y))
    return finish(form, raw, unscaled(sigma, y), direction, method="gradient_descent",
                  iterations=iterations, norms=norms, values=values, recursive=norms[-1],
                  threshold=sigma * threshold)


def exact_conjugate_gradient(form: QuadraticForm, x0, maxiter: int, callback=None):
    """Conjugate gradients in exact arithmetic; terminates in at most n steps for SPD ``A``."""
    from mathkit.quadratic import _exact
    from mathkit.quadratic.closed_form import _unit

    values = [form(x0)]

    def record(x):
        values.append(form(x))
        if callback is not None:
            callback(x)

    out = _exact.conjugate_gradient(form.A, form.b, x0, maxiter, record)
    iterations = out["iterations"]
    nullspace = direction = None
    if out["status"] == "negative_curvature":
        status, direction = UNBOUNDED, _unit(out["direction"])
        message = (f"conjugate gradients met a direction of non-positive curvature after "
                   f"{iterations} iterations (exact)")
    else:
        checked, nullspace, checked_direction, reason = exact_status(form)
        done = (f"conjugate gradients reached residual 0 in {iterations} iterations (exact)"
                if out["status"] == "converged"
                else f"conjugate gradients stopped after maxiter = {iterations} iterations")
        if checked == UNBOUNDED:
            status, direction, message = UNBOUNDED, checked_direction, f"{done}, but {reason}"
        elif out["status"] == "converged":
            status, message = checked, f"{done}; {reason}"
        else:
            status, message = MAXITER, done
        if status != OPTIMAL_SET:
            nullspace = None
    return exact_result(form, out["x"], status=status, method="conjugate_gradient",
                        message=message, iterations=iterations,
                        gradient_norms=out["residual_norms"], values=values,
                        nullspace=nullspace, direction=direction)
