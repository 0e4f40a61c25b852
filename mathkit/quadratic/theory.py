r"""Convergence bounds for minimizing a positive definite quadratic form.

With ``kappa = lambda_max / lambda_min`` the condition number of ``A`` (the
same as that of the Hessian ``2A``) and ``e_k = x_k - x^*``, the error in the
A-norm ``||e||_A = sqrt(e^T A e) = sqrt(f(x) - f^*)`` satisfies

- gradient descent, exact line search or the fixed step ``2 / (L + mu)``:
  ``||e_k||_A <= ((kappa - 1)/(kappa + 1))^k ||e_0||_A``;
- conjugate gradients:
  ``||e_k||_A <= 2 ((sqrt(kappa) - 1)/(sqrt(kappa) + 1))^k ||e_0||_A``.

The heavy-ball method is left out on purpose: with Polyak's optimal fixed
parameters its iteration matrix has the double eigenvalue
``(sqrt(kappa) - 1)/(sqrt(kappa) + 1)`` at the extreme eigenvalues of ``A``,
so its error behaves like ``(1 + c k) rho^k`` and exceeds ``2 rho^k`` for
large ``k``: ``rho`` is its asymptotic rate, not a bound with constant 2.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from mathkit._validate import _describe, _is_real_number, check_one_of

__all__ = ["BOUND_METHODS", "convergence_bound"]

#: Methods with a bound.
BOUND_METHODS = ("gradient_descent", "conjugate_gradient")


def _check_iterations(k) -> np.ndarray:
    if isinstance(k, bool) or (isinstance(k, np.ndarray) and k.dtype == bool):
        msg = f"k must be a non-negative integer or an array of them, got {_describe(k)}"
        raise TypeError(msg)
    array = np.asarray(k)
    if array.dtype.kind not in "iu" and not (
        array.dtype == object and all(isinstance(v, numbers.Integral) for v in array.ravel())
    ):
        msg = f"k must be a non-negative integer or an array of them, got {_describe(k)}"
        raise TypeError(msg)
    array = array.astype(np.int64)
    if (array < 0).any():
        msg = f"k must be >= 0, got {array.min()}"
        raise ValueError(msg)
    return array


def convergence_bound(method: str, k, condition_number: float):
    r"""Upper bound on the A-norm error ratio ``||x_k - x^*||_A / ||x_0 - x^*||_A``.

    Parameters
    ----------
    method : {"gradient_descent", "conjugate_gradient"}
    k : int or array_like of int
        Iteration counts (>= 0).
    condition_number : float
        ``kappa = lambda_max(A) / lambda_min(A) >= 1``; ``inf`` is allowed
        (the bound is then 1 or 2: no guaranteed progress).

    Returns
    -------
    float or numpy.ndarray
        ``((kappa - 1)/(kappa + 1))^k`` for gradient descent,
        ``2 ((sqrt(kappa) - 1)/(sqrt(kappa) + 1))^k`` for conjugate
        gradients; an array of the shape of ``k`` for array input.

    Raises
    ------
    TypeError
        If ``k`` is not an integer (or integer array), or
        ``condition_number`` is not a real number.
    ValueError
        If ``method`` is unknown (``"heavy_ball"`` included: see the module
        notes), ``k < 0``, or ``condition_number`` is below 1 or NaN.

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
    ``kappa * eps``.

    Examples
    --------
    >>> round(convergence_bound("gradient_descent", 1, 3.0), 12)
    0.5
    >>> convergence_bound("conjugate_gradient", [0, 1, 2], 9.0).tolist()
    [2.0, 1.0, 0.5]
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
    if method == "gradient_descent":
        rate = 1.0 if math.isinf(kappa) else (kappa - 1.0) / (kappa + 1.0)
        factor = 1.0
    else:
        root = math.sqrt(kappa)
        rate = 1.0 if math.isinf(kappa) else (root - 1.0) / (root + 1.0)
        factor = 2.0
    bound = factor * np.power(rate, steps.astype(np.float64))
    return float(bound) if bound.ndim == 0 else bound
