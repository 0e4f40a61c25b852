"""Tour of the calculus area: the seed example drawn; each method's error against its step."""

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


#: The seed example: f = x^2 + y^2 at (1, 2), along w = (3, 4).
SEED_POINT = (1, 2)
SEED_DIRECTION = (3, 4)


def seed_rates() -> dict:
    """Exact quantities of the seed example ``f = x^2 + y^2`` at ``(1, 2)``.

    Returns
    -------
    dict
        ``"gradient"`` (2, 4); ``"along_w"``, the rate along ``w/|w|`` for
        ``w = (3, 4)`` (22/5); ``"jvp_w"``, ``J w`` for the raw ``w`` (22);
        ``"steepest"``, the steepest-ascent direction and rate (``2 sqrt 5``);
        ``"level"``, the unit tangent of the level circle.

    Examples
    --------
    >>> rates = seed_rates()
    >>> rates["along_w"], rates["jvp_w"], rates["steepest"].rate
    (22/5, 22, 2*sqrt(5))
    """
    import sympy

    from mathkit.calculus import (
        directional_derivative,
        gradient,
        jvp,
        level_directions,
        steepest_ascent,
    )

    x, y = sympy.symbols("x y")
    f = x**2 + y**2
    return {
        "gradient": gradient(f, SEED_POINT),
        "along_w": directional_derivative(f, SEED_POINT, SEED_DIRECTION),
        "jvp_w": jvp(f, SEED_POINT, SEED_DIRECTION),
        "steepest": steepest_ascent(f, SEED_POINT),
        "level": level_directions(f, SEED_POINT).directions[0],
    }


def _seed_picture(context: TourContext) -> TourOutput:
    rates = seed_rates()
    steepest = rates["steepest"]
    lines = [
        "f = x^2 + y^2 at (1, 2):",
        f"  grad f = ({', '.join(map(str, rates['gradient']))})",
        f"  along w = (3, 4): D_w f = {rates['along_w']} (rate per unit length along w/|w|); "
        f"J w = {rates['jvp_w']} (raw w)",
        f"  steepest ascent: direction ({', '.join(map(str, steepest.direction))}), "
        f"rate |grad f| = {steepest.rate} = {float(steepest.rate):.6f}",
        f"  level direction (tangent of the circle): ({', '.join(map(str, rates['level']))}), "
        "rate 0",
    ]
    figures = []
    if context.plotting:
        figures.append(_draw_seed(context, rates))
    return TourOutput(lines, figures)


def _draw_seed(context: TourContext, rates: dict):
    """Contours of f, its gradient field, and at (1, 2) the direction w with its rate."""
    plt = context.pyplot()
    grid = np.linspace(-3, 3, 121)
    gx, gy = np.meshgrid(grid, grid)
    figure, axis = plt.subplots(figsize=(5.5, 5.5))
    contours = axis.contour(gx, gy, gx**2 + gy**2, levels=[1, 2, 5, 8, 12, 16], cmap="viridis")
    axis.clabel(contours, fontsize=8)
    coarse = np.linspace(-2.5, 2.5, 11)
    qx, qy = np.meshgrid(coarse, coarse)
    axis.quiver(qx, qy, 2 * qx, 2 * qy, color="0.6", angles="xy", label="grad f = (2x, 2y)")
    point = np.array(SEED_POINT, dtype=float)
    unit_w = np.array(SEED_DIRECTION, dtype=float) / 5
    ascent = np.array([float(c) for c in rates["steepest"].direction])
    level = np.array([float(c) for c in rates["level"]])
    for vector, color, label in (
        (unit_w, "C3", f"w/|w|: D_w f = {rates['along_w']}"),
        (ascent, "C1", f"steepest: |grad f| = {rates['steepest'].rate}"),
        (level, "C2", "level tangent: rate 0"),
    ):
        axis.annotate("", point + vector, point, arrowprops={"arrowstyle": "->", "color": color,
                                                              "lw": 2})
        axis.plot([], [], color=color, lw=2, label=label)
    axis.plot(*point, "ko")
    axis.set(xlabel="x", ylabel="y", aspect="equal", title="f = x^2 + y^2 at (1, 2)")
    axis.legend(loc="lower left", fontsize=8)
    return context.save(figure, "calculus_seed_example.png")


register_tour(TourSection(
    "seed-example-picture", "calculus", "Directional derivatives: the seed example drawn",
    _seed_picture,
))

register_tour(TourSection(
    "derivative-step-sizes", "calculus", "Derivatives: error against step size",
    _error_versus_step,
))
