"""Check a hand-written gradient against a numeric one, component by component.

:func:`check_gradient` is what :func:`scipy.optimize.check_grad` does, with
two differences that matter in practice:

- the reference gradient is computed with a step that scales with ``x``
  (and, by default, with the complex step or Richardson extrapolation),
  where ``check_grad`` uses forward differences with the fixed absolute
  step ``1.49e-8``: at ``|x| ~ 1e8`` that step is below the spacing of the
  floats near ``x`` and the "numeric gradient" is noise;
- the answer is a per-component report with a verdict and a tolerance that
  includes the reference's own error estimate, not a single norm that the
  reader must interpret.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from mathkit._validate import _describe, check_finite_array
from mathkit.calculus.directional import gradient

__all__ = ["GradientCheck", "check_gradient"]


@dataclass(frozen=True)
class GradientCheck:
    """What :func:`check_gradient` found, component by component.

    The report is truthy exactly when every component passed, so
    ``assert check_gradient(...)`` works; ``print`` it for a table.

    Attributes
    ----------
    point : numpy.ndarray, shape (d,)
        Where the gradients were compared.
    analytic : numpy.ndarray, shape (d,)
        The gradient under test, ``grad(point)``.
    numeric : numpy.ndarray, shape (d,)
        The reference gradient of ``f``.
    error_estimate : numpy.ndarray, shape (d,)
        The reference's error estimate.
    abs_error : numpy.ndarray, shape (d,)
        ``|analytic - numeric|``.
    rel_error : numpy.ndarray, shape (d,)
        ``abs_error / |numeric|`` (0 where both are 0, ``inf`` where only
        the reference is 0).
    tolerance : numpy.ndarray, shape (d,)
        ``atol + rtol * |numeric| + 4 * error_estimate``.
    passed : numpy.ndarray of bool, shape (d,)
        ``abs_error <= tolerance``.
    method : str
        The method of the reference gradient.
    rtol, atol : float
        The tolerances asked for.
    """

    point: np.ndarray
    analytic: np.ndarray
    numeric: np.ndarray
    error_estimate: np.ndarray
    abs_error: np.ndarray
    rel_error: np.ndarray
    tolerance: np.ndarray
    passed: np.ndarray
    method: str
    rtol: float
    atol: float

    @property
    def ok(self) -> bool:
        """True when every component passed."""
        return bool(np.all(self.passed))

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        n = len(self.passed)
        agree = int(np.sum(self.passed))
        verdict = "PASSED" if self.ok else "FAILED"
        lines = [
            f"check_gradient: {verdict} ({agree} of {n} components agree)",
            f"  reference: {self.method}; tolerance = {self.atol:g} + {self.rtol:g} |numeric| "
            "+ 4 error estimates",
            f"  {'i':>2} {'analytic':>22} {'numeric':>22} {'abs err':>8} {'rel err':>8} "
            f"{'tol':>8}  verdict",
        ]
        for i in range(n):
            lines.append(
                f"  {i:>2} {self.analytic[i]:>22.16g} {self.numeric[i]:>22.16g} "
                f"{self.abs_error[i]:>8.1e} {self.rel_error[i]:>8.1e} "
                f"{self.tolerance[i]:>8.1e}  {'ok' if self.passed[i] else 'WRONG'}"
            )
        return "\n".join(lines)


def _tolerance(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        msg = f"{name} must be a non-negative number, got {type(value).__name__} {_describe(value)}"
        raise TypeError(msg)
    value = float(value)
    if not value >= 0 or not np.isfinite(value):
        msg = f"{name} must be a non-negative finite number, got {value}"
        raise ValueError(msg)
    return value


def check_gradient(f, grad, x, *, method: str = "auto", rtol: float = 1e-6, atol: float = 0.0,
                   variables=None, step: float | None = None) -> GradientCheck:
    r"""Compare ``grad(x)`` with a numeric gradient of ``f`` at ``x``, per component.

    Parameters
    ----------
    f : callable or sympy expression
        The scalar function, ``f(x)`` for ``x`` of shape ``(d,)``.
    grad : callable
        The gradient under test: ``grad(x)`` returns ``d`` numbers.
    x : array_like, shape (d,)
        The point.
    method : str, default "auto"
        Method of the reference gradient (see
        :func:`~mathkit.calculus.directional_derivative`): the complex step
        when ``f`` allows it, else Richardson extrapolation.
    rtol, atol : float, default 1e-6 and 0
        A component passes when ``|analytic - numeric| <= atol + rtol *
        |numeric| + 4 * error_estimate``.
    variables : sequence, optional
        Variables of a sympy ``f``.
    step : float, optional
        Step of the reference (default: scaled with ``x``, see Notes).

    Returns
    -------
    GradientCheck
        Per-component values, errors, tolerances and verdicts; truthy when
        all pass.

    Raises
    ------
    TypeError
        If ``grad`` is not callable or returns something that is not numbers,
        or a tolerance is not a number.
    ValueError
        If ``x`` is not a finite vector, ``grad`` returns the wrong number
        of components or non-finite ones, a tolerance is negative, and as
        for :func:`~mathkit.calculus.gradient`.

    Notes
    -----
    The reference is :func:`~mathkit.calculus.gradient` with
    ``full_output=True``: component ``i`` uses the step ``factor * max(1,
    |x_i|)`` (``eps**(1/2)`` for forward differences, ``eps**(1/3)`` for
    central ones), so it stays meaningful at any scale of ``x``, where a
    fixed absolute step does not (:func:`scipy.optimize.check_grad` uses
    ``sqrt(eps) ~ 1.49e-8`` whatever ``x`` is). The allowance of four error
    estimates keeps an honest reference error from failing a correct
    gradient. Reference: J. Nocedal, S. J. Wright, *Numerical Optimization*,
    2nd ed., Springer (2006), sec. 8.1 ("gradient checking").

    Examples
    --------
    >>> import numpy as np
    >>> def f(p):
    ...     return p[0] ** 2 * p[1] + np.sin(p[1])
    >>> def grad(p):
    ...     return np.array([2 * p[0] * p[1], p[0] ** 2 + np.cos(p[1])])
    >>> bool(check_gradient(f, grad, [1.0, 2.0]))
    True

    A gradient with a mistake in its second component:

    >>> def f(p):
    ...     return p[0] ** 2 * p[1] + p[1] ** 3
    >>> def wrong(p):
    ...     return np.array([2 * p[0] * p[1], p[0] ** 2 + 2 * p[1] ** 2])
    >>> report = check_gradient(f, wrong, [1.0, 2.0])
    >>> report.passed
    array([ True, False])
    >>> print(report)
    check_gradient: FAILED (1 of 2 components agree)
      reference: complex_step; tolerance = 0 + 1e-06 |numeric| + 4 error estimates
       i               analytic                numeric  abs err  rel err      tol  verdict
       0                      4                      4  0.0e+00  0.0e+00  4.0e-06  ok
       1                      9                     13  4.0e+00  3.1e-01  1.3e-05  WRONG
    """
    if not callable(grad):
        msg = f"grad must be callable, got {type(grad).__name__} {_describe(grad)}"
        raise TypeError(msg)
    point = check_finite_array(x, "x")
    if point.ndim != 1:
        msg = f"x must be a point of shape (d,), got shape {point.shape}"
        raise ValueError(msg)
    rtol = _tolerance(rtol, "rtol")
    atol = _tolerance(atol, "atol")
    reference = gradient(f, point, method=method, variables=variables, step=step,
                         full_output=True)
    numeric = np.asarray(reference.value, dtype=np.float64)
    error_estimate = np.asarray(reference.error_estimate, dtype=np.float64)
    try:
        analytic = np.asarray(grad(point.copy()), dtype=np.float64)
    except (TypeError, ValueError) as error:
        msg = f"grad must return {point.size} numbers, got an error converting its output: {error}"
        raise TypeError(msg) from None
    if analytic.shape != point.shape:
        msg = f"grad must return one value per coordinate {point.shape}, got {analytic.shape}"
        raise ValueError(msg)
    if not np.all(np.isfinite(analytic)):
        msg = f"grad(x) must be finite, got {analytic}"
        raise ValueError(msg)
    abs_error = np.abs(analytic - numeric)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel_error = np.where(abs_error == 0, 0.0, abs_error / np.abs(numeric))
    tolerance = atol + rtol * np.abs(numeric) + 4 * error_estimate
    return GradientCheck(
        point=point, analytic=analytic, numeric=numeric, error_estimate=error_estimate,
        abs_error=abs_error, rel_error=rel_error, tolerance=tolerance,
        passed=abs_error <= tolerance, method=reference.method, rtol=rtol, atol=atol,
    )
