r"""Momentum and polynomial methods with parameters from eigenvalue bounds.

Each needs bounds ``0 < lambda_min <= lambda_max`` on the eigenvalues of
``A`` (``bounds=`` of :func:`~mathkit.quadratic.minimize`), or computes them:
the eigenvalues of ``A`` for dense forms and forms with ``n <= 2000`` (the
smallest non-zero one for a semidefinite ``A``), two Lanczos runs
(:func:`scipy.sparse.linalg.eigsh`) otherwise. With ``L = 2 lambda_max`` and
``mu = 2 lambda_min`` the extreme eigenvalues of the Hessian ``H = 2A``,
``kappa = L / mu`` and ``g_k = H x_k + b``:

- **heavy ball** (Polyak, 1964): ``x_{k+1} = x_k - alpha g_k + beta (x_k -
  x_{k-1})``, ``x_{-1} = x_0``, with ``alpha = 4 / (sqrt L + sqrt mu)^2`` and
  ``beta = rho^2``, ``rho = (sqrt kappa - 1)/(sqrt kappa + 1)``;
- **Nesterov** (constant-step scheme for strongly convex functions, Nesterov,
  *Lectures on Convex Optimization*, 2nd ed., 2018, (2.2.22)): ``x_{k+1} =
  y_k - g(y_k) / L``, ``y_{k+1} = x_{k+1} + rho (x_{k+1} - x_k)``, ``y_0 =
  x_0``;
- **Chebyshev semi-iteration** (Golub and Varga, 1961; Saad, *Iterative
  Methods for Sparse Linear Systems*, 2nd ed., 2003, Algorithm 12.1): with
  ``theta = (L + mu)/2``, ``delta = (L - mu)/2``, ``sigma = theta / delta``,
  ``d_0 = r_0 / theta``, ``x_{k+1} = x_k + d_k``,
  ``rho_{k+1} = 1 / (2 sigma - rho_k)``, ``rho_0 = 1 / sigma``,
  ``d_{k+1} = rho_{k+1} rho_k d_k + (2 rho_{k+1} / delta) r_{k+1}``, where
  ``r = -g``. Its error is ``T_k((L + mu - 2 H)/(L - mu)) / T_k((L + mu)/(L -
  mu)) e_0``, the smallest possible polynomial bound on ``[mu, L]``.

One product ``A v`` per iteration; the gradient is recomputed from the iterate
(no recursive drift). The bounds of each error are in
:func:`~mathkit.quadratic.convergence_bound`. If the given bounds do not
enclose the spectrum of ``A`` the iteration may diverge: it is stopped when
the gradient grows by more than ``1e8 kappa`` and a ValueError says so.
"""

from __future__ import annotations

import math

import numpy as np

from mathkit._validate import _describe, _is_real_number
from mathkit.quadratic.classify import EPS, extreme_eigenvalues, spectrum
from mathkit.quadratic.closed_form import (
    MAXITER,
    UNBOUNDED,
    numeric_result,
    readonly,
    spectral_status,
)
from mathkit.quadratic.form import QuadraticForm
from mathkit.quadratic.iterative import CONVERGED, _checkable, finish, scaled_start, unscaled

__all__ = ["ACCELERATED"]

#: Methods of this module.
ACCELERATED = ("heavy_ball", "nesterov", "chebyshev")
#: The gradient may grow by this factor times kappa before the iteration counts as diverged.
DIVERGENCE = 1e8


def check_bounds(bounds):
    """``(lambda_min, lambda_max)`` as floats with ``0 < lambda_min <= lambda_max``, or None."""
    if bounds is None:
        return None
    if isinstance(bounds, str) or not hasattr(bounds, "__len__") or len(bounds) != 2:
        msg = f"bounds must be a pair (lambda_min, lambda_max), got {_describe(bounds)}"
        raise TypeError(msg)
    if not all(_is_real_number(v) for v in bounds):
        msg = f"bounds must hold two real numbers, got {_describe(bounds)}"
        raise TypeError(msg)
    low, high = (float(v) for v in bounds)
    if not (math.isfinite(low) and math.isfinite(high) and 0.0 < low <= high):
        msg = f"bounds must satisfy 0 < lambda_min <= lambda_max < inf, got {(low, high)}"
        raise ValueError(msg)
    return low, high


def eigenvalue_bounds(form: QuadraticForm, method: str, x0):
    """``((lambda_min, lambda_max), None)``, or ``(None, early result)`` if f is unbounded."""
    if _checkable(form):
        status, _, direction, reason = spectral_status(form)
        if status == UNBOUNDED:
            return None, numeric_result(form, x0, status=UNBOUNDED, method=method,
                                        message=f"no step taken: {reason}", direction=direction)
        spec = spectrum(form)
        if not math.isfinite(spec.smallest_nonzero):  # A = 0 and b = 0: x0 is optimal
            return (1.0, 1.0), None
        return (spec.smallest_nonzero, float(spec.eigenvalues[-1])), None
    smallest, largest = extreme_eigenvalues(form)
    if smallest <= form.n * EPS * abs(largest):
        msg = (f"method={method!r} needs a positive definite A, got smallest eigenvalue "
               f"estimate {smallest:.3g} (Lanczos); pass bounds= or use 'conjugate_gradient'")
        raise ValueError(msg)
    return (smallest, largest), None


def _diverged(method: str, bounds, given: bool, iterations: int):
    origin = "given" if given else "computed"
    msg = (f"method={method!r} diverged after {iterations} iterations: the {origin} eigenvalue "
           f"bounds {bounds} do not enclose the spectrum of A")
    return ValueError(msg)


class _Run:
    """The bookkeeping every method shares: scaling, history, stopping, divergence."""

    def __init__(self, form, x0, tol, maxiter, callback, method, bounds, given):
        self.form, self.maxiter, self.callback, self.method = form, maxiter, callback, method
        self.bounds, self.given = bounds, given
        self.sigma, self.y, self.b, self.threshold = scaled_start(form, x0, tol)
        self.Ay = form.matvec(self.y)
        self.g = 2.0 * self.Ay + self.b
        self.gg0 = float(self.g @ self.g)
        self.limit = (DIVERGENCE * bounds[1] / bounds[0]) ** 2 * max(self.gg0, 1e-300)
        self.norms, self.values = [], []
        self.iterations = 0
        self._record()

    def _record(self):
        gg = float(self.g @ self.g)
        self.norms.append(self.sigma * math.sqrt(gg))
        value = 0.5 * float(self.y @ self.g + self.b @ self.y)
        self.values.append(self.sigma * (self.sigma * value) + self.form.c)
        return gg

    def done(self) -> str | None:
        gg = (self.norms[-1] / self.sigma) ** 2
        if math.sqrt(gg) <= self.threshold or gg <= 1e-280:
            return CONVERGED
        if self.iterations >= self.maxiter:
            return MAXITER
        return None

    def step_to(self, y):
        """Move to ``y``, recompute ``A y`` and the gradient, record, check divergence."""
        self.y = y
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging run: checked below
            self.Ay = self.form.matvec(y)
            self.g = 2.0 * self.Ay + self.b
            self.iterations += 1
            gg = self._record()
        if not math.isfinite(gg) or gg > self.limit:
            raise _diverged(self.method, self.bounds, self.given, self.iterations)
        if self.callback is not None:
            self.callback(readonly(self.sigma * y))

    def result(self, raw: str):
        return finish(self.form, raw, unscaled(self.sigma, self.y), None, method=self.method,
                      iterations=self.iterations, norms=self.norms, values=self.values,
                      recursive=self.norms[-1], threshold=self.sigma * self.threshold)


def _hessian_bounds(bounds):
    return 2.0 * bounds[0], 2.0 * bounds[1]


def heavy_ball(run: _Run):
    mu, L = _hessian_bounds(run.bounds)
    alpha = 4.0 / (math.sqrt(L) + math.sqrt(mu)) ** 2
    root = math.sqrt(L / mu)
    beta = ((root - 1.0) / (root + 1.0)) ** 2
    previous = run.y
    while (raw := run.done()) is None:
        y = run.y - alpha * run.g + beta * (run.y - previous)
        previous = run.y
        run.step_to(y)
    return run.result(raw)


def nesterov(run: _Run):
    mu, L = _hessian_bounds(run.bounds)
    root = math.sqrt(L / mu)
    momentum = (root - 1.0) / (root + 1.0)
    previous, previous_Ay = run.y, run.Ay
    while (raw := run.done()) is None:
        # A y_k from A x_k and A x_{k-1}: one product per iteration
        extrapolated = run.y + momentum * (run.y - previous)
        A_extrapolated = run.Ay + momentum * (run.Ay - previous_Ay)
        gradient = 2.0 * A_extrapolated + run.b
        previous, previous_Ay = run.y, run.Ay
        run.step_to(extrapolated - gradient / L)
    return run.result(raw)


def chebyshev(run: _Run):
    mu, L = _hessian_bounds(run.bounds)
    theta, delta = 0.5 * (L + mu), 0.5 * (L - mu)
    if delta == 0.0:  # one eigenvalue: the first step is exact
        rho, sigma1 = 0.0, math.inf
    else:
        sigma1 = theta / delta
        rho = 1.0 / sigma1
    d = -run.g / theta
    while (raw := run.done()) is None:
        run.step_to(run.y + d)
        rho_next = 0.0 if delta == 0.0 else 1.0 / (2.0 * sigma1 - rho)
        d = rho_next * rho * d - (2.0 * rho_next / delta if delta else 1.0 / theta) * run.g
        rho = rho_next
    return run.result(raw)


def minimize_accelerated(form: QuadraticForm, method: str, x0: np.ndarray, tol: float,
                         maxiter: int, callback=None, bounds=None):
    """Run ``heavy_ball``, ``nesterov`` or ``chebyshev`` (see the module notes)."""
    given = bounds is not None
    if not given:
        bounds, early = eigenvalue_bounds(form, method, x0)
        if early is not None:
            return early
    run = _Run(form, np.array(x0, dtype=np.float64), tol, maxiter, callback, method, bounds,
               given)
    return {"heavy_ball": heavy_ball, "nesterov": nesterov, "chebyshev": chebyshev}[method](run)
