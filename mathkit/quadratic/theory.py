r"""Convergence bounds for minimizing a positive definite quadratic form.

With ``kappa = lambda_max / lambda_min`` the condition number of ``A`` (the
same as that of the Hessian ``2A``) and ``e_k = x_k - x^*``, the error in the
A-norm ``||e||_A = sqrt(e^T A e) = sqrt(f(x) - f^*)`` satisfies

- gradient descent, exact line search or the fixed step ``2 / (L + mu)``:
  ``||e_k||_A <= ((kappa - 1)/(kappa + 1))^k ||e_0||_A``;
- conjugate gradients (and preconditioned CG, with ``kappa`` the condition
  number of ``M^{1/2} A M^{1/2}``):
  ``||e_k||_A <= 2 rho^k ||e_0||_A``, ``rho = (sqrt(kappa) - 1)/(sqrt(kappa) + 1)``;
- Chebyshev semi-iteration with the exact extreme eigenvalues:
  ``||e_k||_A <= 2 rho^k / (1 + rho^{2k}) ||e_0||_A`` (``= 1 / T_k((kappa + 1)/(kappa - 1))``,
  attained);
- heavy ball with Polyak's parameters, started with ``x_{-1} = x_0``:
  ``||e_k||_A <= (1 + (1 + rho) k) rho^k ||e_0||_A``, attained when ``e_0`` is
  an eigenvector of ``lambda_max``;
- Nesterov's constant-step scheme:
  ``||e_k||_A <= sqrt(2) (1 - 1/sqrt(kappa))^{k/2} ||e_0||_A``.

**Heavy ball and the constant 2.** The heavy-ball method is often quoted with
the bound ``2 rho^k`` of conjugate gradients. That is its *asymptotic rate*,
not a bound: with Polyak's optimal parameters the iteration matrix has the
double eigenvalue ``-rho`` at ``lambda_max`` (and ``rho`` at ``lambda_min``), a
Jordan block, so an error along the top eigenvector is multiplied by exactly
``(-1)^k (1 + (1 + rho) k) rho^k``, above ``2 rho^k`` from the first step on
(``k = 1``: ``(2 + rho) rho``). ``convergence_bound("heavy_ball", ...)``
returns the true, attained bound; its ``k``-th root tends to ``rho``.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from mathkit._validate import _describe, _is_real_number, check_one_of

__all__ = ["BOUND_METHODS", "convergence_bound"]

#: Methods with a bound.
BOUND_METHODS = ("gradient_descent", "conjugate_gradient", "preconditioned_cg", "chebyshev",
                 "heavy_ball", "nesterov")


def _check_iterations(k) -> np.ndarray:
    if isinstance(k, bool) or (isinstance(k, np.ndarray) and k.dtype == bool):
        msg = f"k must be a non-negative integer or an array of them, got {_describe(k)}"
        raise TypeError(msg)
    try:
        array = np.asarray(k)
    except (TypeError, ValueError):  # ragged nested lists
        array = None
    if array is None or (array.dtype.kind not in "iu" and not (
        array.dtype == object and all(isinstance(v, numbers.Integral) for v in array.ravel())
    )):
        msg = f"k must be a non-negative integer or an array of them, got {_describe(k)}"
        raise TypeError(msg)
    # float64, not int64: Python ints beyond 2**63 are iteration counts too (the bound
    # only needs k as a float), and uint64 must not wrap to negative
    steps = array.astype(np.float64)
    if (steps < 0).any():
        msg = f"k must be >= 0, got {array.ravel()[int(np.argmin(steps.ravel()))]}"
        raise ValueError(msg)
    return steps


def convergence_bound(method: str, k, condition_number: float):
    r"""Upper bound on the A-norm error ratio ``||x_k - x^*||_A / ||x_0 - x^*||_A``.

    Parameters
    ----------
    method : str
        One of :data:`BOUND_METHODS`: ``"gradient_descent"``,
        ``"conjugate_gradient"``, ``"preconditioned_cg"``, ``"chebyshev"``,
        ``"heavy_ball"``, ``"nesterov"``.
    k : int or array_like of int
        Iteration counts (>= 0).
    condition_number : float
        ``kappa = lambda_max(A) / lambda_min(A) >= 1``; ``inf`` is allowed
        (the bound is then no progress).

    Returns
    -------
    float or numpy.ndarray
        With ``rho = (sqrt(kappa) - 1)/(sqrt(kappa) + 1)``:
        ``((kappa - 1)/(kappa + 1))^k`` for gradient descent,
        ``2 rho^k`` for (preconditioned) conjugate gradients,
        ``2 rho^k / (1 + rho^{2k})`` for Chebyshev,
        ``(1 + (1 + rho) k) rho^k`` for heavy ball,
        ``sqrt(2) (1 - 1/sqrt(kappa))^{k/2}`` for Nesterov;
        an array of the shape of ``k`` for array input.

    Raises
    ------
    TypeError
        If ``k`` is not an integer (or integer array), or
        ``condition_number`` is not a real number.
    ValueError
        If ``method`` is unknown, ``k < 0``, or ``condition_number`` is
        below 1 or NaN.

    Notes
    -----
    Gradient descent with exact line search: Kantorovich's inequality gives
    ``f(x_{k+1}) - f^* <= ((kappa - 1)/(kappa + 1))^2 (f(x_k) - f^*)``
    (Luenberger and Ye, *Linear and Nonlinear Programming*, 4th ed., 2016,
    section 8.6); the bound is attained in two dimensions when the first
    gradient has equal components in the eigenvector basis. With the fixed
    step ``2/(L + mu)`` the iteration matrix ``I - 2A/(lambda_max +
    lambda_min)`` has norm ``(kappa - 1)/(kappa + 1)`` in every A-norm.
    Conjugate gradients: ``||e_k||_A = min_p ||p(A) e_0||_A`` over
    polynomials with ``p(0) = 1`` and degree ``k``, and the scaled Chebyshev
    polynomial gives ``2 rho^k / (1 + rho^{2k}) <= 2 rho^k`` (Saad,
    *Iterative Methods for Sparse Linear Systems*, 2nd ed., 2003, section
    6.11.3). In floating point CG can lag behind the bound once its
    directions lose conjugacy; the measured ratio then stalls near
    ``kappa * eps``. Chebyshev: its error polynomial is that scaled
    Chebyshev polynomial itself, so the bound ``1 / T_k((kappa+1)/(kappa-1))
    = 2 rho^k / (1 + rho^{2k})`` is attained at the extreme eigenvalues
    (Golub and Varga, Numer. Math. 3, 1961). Heavy ball: per eigenvalue
    ``lambda = 2 lambda_A`` of the Hessian the error obeys ``e_{k+1} = (1 +
    beta - alpha lambda) e_k - beta e_{k-1}``, whose characteristic roots
    are ``rho e^{+-i theta}``; with ``e_{-1} = e_0`` this gives ``e_k / e_0 =
    rho^k (cos k theta + (cos theta - rho) sin(k theta) / sin theta)``, at
    most ``rho^k (1 + (1 + rho) k)`` in size, with equality at ``theta =
    pi`` (``lambda = L``) (Polyak, *Introduction to Optimization*, 1987,
    section 3.2.1). Nesterov: ``f(x_k) - f^* <= (1 - 1/sqrt(kappa))^k (f(x_0)
    - f^* + mu/2 ||x_0 - x^*||^2)`` (Nesterov, *Lectures on Convex
    Optimization*, 2nd ed., 2018, Theorem 2.2.3), and ``f - f^* =
    ||e||_A^2 >= mu/2 ||e||^2``.

    Examples
    --------
    >>> round(convergence_bound("gradient_descent", 1, 3.0), 12)
    0.5
    >>> convergence_bound("conjugate_gradient", [0, 1, 2], 9.0).tolist()
    [2.0, 1.0, 0.5]
    >>> convergence_bound("heavy_ball", [0, 1, 2], 9.0).tolist()
    [1.0, 1.25, 1.0]
    >>> convergence_bound("chebyshev", [0, 1, 2], 9.0).tolist()
    [1.0, 0.8, 0.47058823529411764]
    """
    check_one_of(method, "method", BOUND_METHODS)
    steps = _check_iterations(k)
    if not _is_real_number(condition_number):
        msg = (f"condition_number must be a real number >= 1, got "
               f"{type(condition_number).__name__} {_describe(condition_number)}")
        raise TypeError(msg)
    kappa = float(condition_number)
    if math.isnan(kappa) or kappa < 1:
        msg = f"condition_number must be >= 1, got {kappa}"
        raise ValueError(msg)
    return _bound(method, steps, kappa)


def _bound(method: str, k: np.ndarray, kappa: float):
    if math.isinf(kappa):
        bound = np.ones_like(k) * (2.0 if method in ("conjugate_gradient",
                                                     "preconditioned_cg") else 1.0)
        if method == "heavy_ball":
            bound = 1.0 + 2.0 * k
        elif method == "nesterov":
            bound = np.full_like(k, math.sqrt(2.0))
        return float(bound) if bound.ndim == 0 else bound
    root = math.sqrt(kappa)
    rho = (root - 1.0) / (root + 1.0)
    if method == "gradient_descent":
        bound = np.power((kappa - 1.0) / (kappa + 1.0), k)
    elif method == "chebyshev":
        bound = 2.0 * np.power(rho, k) / (1.0 + np.power(rho, 2.0 * k))
    elif method == "heavy_ball":
        bound = (1.0 + (1.0 + rho) * k) * np.power(rho, k)
    elif method == "nesterov":
        bound = math.sqrt(2.0) * np.power(1.0 - 1.0 / root, 0.5 * k)
    else:
        bound = 2.0 * np.power(rho, k)
    return float(bound) if bound.ndim == 0 else bound
