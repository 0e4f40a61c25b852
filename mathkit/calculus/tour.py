"""Tour of the calculus area: the error of each derivative method against its step."""

from __future__ import annotations

import numpy as np

from mathkit.claims import TourContext, TourOutput, TourSection, register_tour

#: The Squire-Trapp test function and point.
POINT = 1.5
STEPS = np.logspace(-16, -1, 46)
METHODS = ("forward", "central", "complex_step", "richardson")


def _squire_trapp(p):
    """``e^x / sqrt(sin^3 x + cos^3 x)`` at ``p[..., 0]`` (numpy, complex-capable)."""
    x = p[..., 0]
    return np.exp(x) / np.sqrt(np.sin(x) ** 3 + np.cos(x) ** 3)


def _reference_derivative() -> float:
    """The derivative at :data:`POINT`, from mpmath at 50 digits."""
    import mpmath

    context = mpmath.MPContext()
    context.dps = 50

    def f(x):
        return context.exp(x) / context.sqrt(context.sin(x) ** 3 + context.cos(x) ** 3)

    return float(context.diff(f, context.mpf(POINT)))


def step_errors(steps=STEPS) -> dict[str, np.ndarray]:
    """Relative error of each method at each step (for Richardson: its largest step).

    Parameters
    ----------
    steps : array_like
        Steps ``h`` (the displacement along the unit direction).

    Returns
    -------
    dict
        Method name -> relative errors, one per step (NaN where the step is
        too small for ``x``); also ``"default"`` -> ``{method: (default
        step, relative error)}``.

    Notes
    -----
    The function is ``e^x / sqrt(sin^3 x + cos^3 x)`` at ``x = 1.5``, the
    test case of W. Squire and G. Trapp, "Using complex variables to
    estimate derivatives of real functions", SIAM Review 40(1), 110-112
    (1998); the reference derivative is ``mpmath.diff`` at 50 digits.

    Examples
    --------
    >>> errors = step_errors([1e-8, 1e-12])
    >>> bool(errors["complex_step"].max() < 1e-14 < errors["forward"].min())
    True
    """
    from mathkit.calculus import directional_derivative

    exact = _reference_derivative()
    errors: dict = {}
    for method in METHODS:
        values = []
        for step in steps:
            try:
                value = directional_derivative(_squire_trapp, [POINT], [1.0], method=method,
                                               step=float(step), vectorized=True)
            except ValueError:  # a step too small for x, or non-finite quotients
                values.append(np.nan)
            else:
                values.append(abs(float(value) - exact) / abs(exact))
        errors[method] = np.array(values)
    defaults = {}
    for method in METHODS:
        result = directional_derivative(_squire_trapp, [POINT], [1.0], method=method,
                                        vectorized=True, full_output=True)
        defaults[method] = (float(result.step), abs(float(result.value) - exact) / abs(exact))
    errors["default"] = defaults
    return errors


def _error_versus_step(context: TourContext) -> TourOutput:
    errors = step_errors()
    lines = [
        "d/dx of e^x / sqrt(sin^3 x + cos^3 x) at x = 1.5, relative error against mpmath:",
        f"  {'method':<13} {'best error':>10} {'at step':>9}   {'default step':>12} "
        f"{'its error':>9}",
    ]
    for method in METHODS:
        curve = errors[method]
        best = int(np.nanargmin(curve))
        step, error = errors["default"][method]
        lines.append(
            f"  {method:<13} {curve[best]:>10.1e} {STEPS[best]:>9.0e}   {step:>12.1e} "
            f"{error:>9.1e}"
        )
    lines.append("  forward and central: truncation falls, rounding (eps/h) rises: a V; the "
                 "complex step has no subtraction, so no rounding wall.")
    figures = []
    if context.plotting:
        plt = context.pyplot()

        figure, axis = plt.subplots(figsize=(6.5, 4))
        floor = np.finfo(np.float64).eps / 4
        for method in METHODS:
            axis.loglog(STEPS, np.maximum(errors[method], floor), marker=".", label=method)
        axis.set(xlabel="step h (Richardson: largest step)", ylabel="relative error",
                 title="Derivative error against step size")
        axis.legend()
        axis.grid(True, which="major", alpha=0.3)
        figures.append(context.save(figure, "calculus_step_errors.png"))
    return TourOutput(lines, figures)


register_tour(TourSection(
    "derivative-step-sizes", "calculus", "Derivatives: error against step size",
    _error_versus_step,
))
