"""Tour of the quadratic area: the zig-zag of gradient descent against conjugate gradients."""

from __future__ import annotations

import numpy as np

from mathkit.claims import TourContext, TourOutput, TourSection, register_tour
from mathkit.quadratic.form import QuadraticForm
from mathkit.quadratic.problems import random_spd
from mathkit.quadratic.theory import convergence_bound

KAPPA_2D = 20.0
KAPPA_LARGE = 1e3
SIZE_LARGE = 200


def zigzag_problem(kappa: float = KAPPA_2D):
    """A 2-D form with condition number ``kappa`` (axes rotated by 30 degrees) and a start."""
    angle = np.pi / 6
    Q = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    A = Q @ np.diag([1.0, kappa]) @ Q.T
    minimizer = np.array([1.0, 0.5])
    form = QuadraticForm(A, -2.0 * A @ minimizer, 0.0)
    start = minimizer + Q @ np.array([-2.0, 2.0 / kappa])  # the worst case of steepest descent
    return form, start


def iterates_of(form: QuadraticForm, method: str, x0, maxiter: int, tol: float = 1e-12):
    """The result and the iterates ``x_0, x_1, ...`` of an iterative method."""
    iterates = [np.array(x0, dtype=float)]
    result = form.minimize(method=method, x0=x0, tol=tol, maxiter=maxiter,
                           callback=iterates.append)
    return result, np.array(iterates)


def a_norm_ratios(form: QuadraticForm, iterates: np.ndarray, minimizer: np.ndarray):
    """``||x_k - x*||_A / ||x_0 - x*||_A`` for each iterate."""
    errors = iterates - minimizer
    norms = np.sqrt(np.einsum("ij,ij->i", errors, form._rows_times_A(errors)))
    return norms / norms[0]


def _zigzag(context: TourContext) -> TourOutput:
    form, start = zigzag_problem()
    minimizer = form.minimize(method="cholesky").x
    gd, gd_path = iterates_of(form, "gradient_descent", start, 400, tol=1e-8)
    cg, cg_path = iterates_of(form, "conjugate_gradient", start, 10, tol=1e-8)
    ratio_10 = a_norm_ratios(form, gd_path[:11], minimizer)[10]
    bound_10 = convergence_bound("gradient_descent", 10, KAPPA_2D)

    large = QuadraticForm(random_spd(SIZE_LARGE, KAPPA_LARGE, rng=7), np.ones(SIZE_LARGE))
    large_minimizer = large.minimize(method="cholesky").x
    _, gd_large = iterates_of(large, "gradient_descent", np.zeros(SIZE_LARGE), 300, tol=0.0)
    _, cg_large = iterates_of(large, "conjugate_gradient", np.zeros(SIZE_LARGE), 300)
    gd_ratios = a_norm_ratios(large, gd_large, large_minimizer)
    cg_ratios = a_norm_ratios(large, cg_large, large_minimizer)
    gd_bound = convergence_bound("gradient_descent", np.arange(len(gd_ratios)), KAPPA_LARGE)
    cg_bound = convergence_bound("conjugate_gradient", np.arange(len(cg_ratios)), KAPPA_LARGE)
    below = bool(np.all(gd_ratios <= gd_bound) and np.all(cg_ratios <= cg_bound + 1e-12))
    lines = [
        f"2-D form with kappa = {KAPPA_2D:g}: gradient descent zig-zags for {gd.iterations} "
        f"iterations to a gradient of 1e-8 relative; conjugate gradients take {cg.iterations}",
        f"  A-norm error after 10 steepest-descent steps: {ratio_10:.4e} "
        f"(bound ((kappa-1)/(kappa+1))^10 = {bound_10:.4e}: attained from this start)",
        f"{SIZE_LARGE}x{SIZE_LARGE} SPD form with kappa = {KAPPA_LARGE:g}: A-norm error after "
        f"60 steps: gradient descent {gd_ratios[60]:.2e} (bound {gd_bound[60]:.2e}), conjugate "
        f"gradients {cg_ratios[min(60, len(cg_ratios) - 1)]:.2e} "
        f"(bound {cg_bound[min(60, len(cg_bound) - 1)]:.2e})",
        f"  every measured error below its bound: {below}",
    ]
    figures = []
    if context.plotting:
        figures.append(_plot(context, form, gd_path, cg_path, gd_ratios, cg_ratios, gd_bound,
                             cg_bound))
    return TourOutput(lines, figures)


def _plot(context, form, gd_path, cg_path, gd_ratios, cg_ratios, gd_bound, cg_bound):
    figure, (left, right) = context.pyplot().subplots(1, 2, figsize=(11, 4.5))
    plot_contours(left, form, gd_path, cg_path)
    plot_error_curves(right, gd_ratios, cg_ratios, gd_bound, cg_bound)
    figure.tight_layout()
    return context.save(figure, "quadratic_zigzag.png")


def plot_contours(axis, form, gd_path, cg_path):
    """Level sets of a 2-D form with the gradient-descent and CG iterates."""
    points = np.vstack([gd_path, cg_path])
    low, high = points.min(axis=0), points.max(axis=0)
    pad = 0.15 * (high - low).max()
    xs = np.linspace(low[0] - pad, high[0] + pad, 200)
    ys = np.linspace(low[1] - pad, high[1] + pad, 200)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)
    values = form(grid)
    levels = np.quantile(values, np.linspace(0.0, 0.9, 15) ** 2)
    axis.contour(xs, ys, values, levels=levels, colors="0.7", linewidths=0.8,
                 linestyles="solid")
    axis.plot(*gd_path.T, "o-", color="tab:red", markersize=3, linewidth=1,
              label=f"gradient descent ({len(gd_path) - 1} steps)")
    axis.plot(*cg_path.T, "s-", color="tab:blue", markersize=5, linewidth=2,
              label=f"conjugate gradients ({len(cg_path) - 1} steps)")
    axis.set(aspect="equal", xlabel="$x_1$", ylabel="$x_2$",
             title="Zig-zag of steepest descent")
    axis.legend(loc="lower right", fontsize="small")


def plot_error_curves(axis, gd_ratios, cg_ratios, gd_bound, cg_bound):
    """Measured A-norm error ratios with their bounds, on a log scale."""
    axis.semilogy(gd_ratios, color="tab:red", label="gradient descent (measured)")
    axis.semilogy(gd_bound, "--", color="tab:red", label=r"$((\kappa-1)/(\kappa+1))^k$")
    axis.semilogy(cg_ratios, color="tab:blue", label="conjugate gradients (measured)")
    axis.semilogy(cg_bound, "--", color="tab:blue",
                  label=r"$2((\sqrt{\kappa}-1)/(\sqrt{\kappa}+1))^k$")
    axis.set(xlabel="iteration k", ylabel=r"$\|x_k - x^*\|_A / \|x_0 - x^*\|_A$",
             title=r"Error and bound, $\kappa = 10^3$", ylim=(1e-13, 3))
    axis.legend(fontsize="small")


register_tour(TourSection(
    "gradient-descent-zigzag", "quadratic",
    "Quadratic forms: the zig-zag of gradient descent, and conjugate gradients",
    _zigzag,
))


#: Methods of the second section, with their plot colours.
BOUNDED_COLORS = {"heavy_ball": "tab:green", "nesterov": "tab:purple",
                  "chebyshev": "tab:orange", "conjugate_gradient": "tab:blue"}
STEPS_BOUNDED = 400


def _accelerated(context: TourContext) -> TourOutput:
    form = QuadraticForm(random_spd(SIZE_LARGE, KAPPA_LARGE, rng=7), np.ones(SIZE_LARGE))
    minimizer = form.minimize(method="cholesky").x
    ratios, bounds = {}, {}
    for method in BOUNDED_COLORS:
        _, path = iterates_of(form, method, np.zeros(SIZE_LARGE), STEPS_BOUNDED, tol=0.0)
        ratios[method] = a_norm_ratios(form, path, minimizer)
        bounds[method] = convergence_bound(method, np.arange(len(ratios[method])), KAPPA_LARGE)
    floor = 1e-12  # below it the iterates sit at the rounding level of x*
    below = all(bool(np.all(ratios[m] <= bounds[m] * (1 + 1e-9) + floor)) for m in ratios)
    rho = (np.sqrt(KAPPA_LARGE) - 1) / (np.sqrt(KAPPA_LARGE) + 1)
    lines = [
        f"{SIZE_LARGE}x{SIZE_LARGE} SPD form, kappa = {KAPPA_LARGE:g}, rho = "
        f"(sqrt(kappa)-1)/(sqrt(kappa)+1) = {rho:.4f}; A-norm error after 100 steps:",
        *(f"  {m:<19} {ratios[m][100]:.2e} (bound {bounds[m][100]:.2e})" for m in ratios),
        "  heavy ball's bound is (1 + (1+rho) k) rho^k: above 2 rho^k, attained along the top "
        "eigenvector",
        f"  every measured error below its bound: {below}",
    ]
    figures = []
    if context.plotting:
        figure, axis = context.pyplot().subplots(figsize=(6.5, 4.5))
        for method, values in ratios.items():
            steps = np.arange(len(values))
            axis.semilogy(steps, values, color=BOUNDED_COLORS[method],
                          label=method.replace("_", " "))
            axis.semilogy(steps, bounds[method], "--", linewidth=0.8,
                          color=BOUNDED_COLORS[method])
        axis.set(xlabel="iteration k", ylabel=r"$\|x_k - x^*\|_A / \|x_0 - x^*\|_A$",
                 title=r"Measured (solid) and bound (dashed), $\kappa = 10^3$",
                 ylim=(1e-13, 30))
        axis.legend(fontsize="small")
        figures.append(context.save(figure, "quadratic_accelerated.png"))
    return TourOutput(lines, figures)


register_tour(TourSection(
    "accelerated-methods", "quadratic",
    "Quadratic forms: heavy ball, Nesterov and Chebyshev against their bounds, and CG",
    _accelerated,
))
