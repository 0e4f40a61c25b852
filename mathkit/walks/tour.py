"""Tour of the walks area: S_n and its normal limit, simulation, arcsine laws, diffusion,
first passage and gambler's ruin."""

from __future__ import annotations

import math

import numpy as np

from mathkit.claims import TourContext, TourOutput, TourSection, register_tour
from mathkit.walks import SimpleWalk

STEPS = (10, 100, 1000, 10**4, 10**6, 10**9)


def _distance_to_normal(p: float, n: int) -> tuple[float, float]:
    """Largest gaps to the normal law on the lattice within 6 standard deviations.

    Returns (cdf gap, pmf gap): ``max |P(S_n <= k) - Phi((k + 1 - mu) / sigma)|``
    (continuity correction: the lattice has span 2) and the largest relative gap
    between ``P(S_n = k)`` and ``(2 / sigma) phi((k - mu) / sigma)`` within 2 sigma.
    """
    from scipy.special import ndtr

    law = SimpleWalk(p).position(n)
    mu, sigma = float(law.mean()), float(law.std())
    if n <= 10**4:
        lattice = np.arange(-n, n + 1, 2)
    else:  # every lattice point near the mean, a sample of them further out
        first = 2 * math.floor((mu - 6 * sigma + n) / 2) - n
        lattice = np.unique(np.concatenate([
            first + 2 * np.round(np.linspace(0, 6 * sigma, 4001)),
            2 * np.round((mu + n) / 2 + np.arange(-200, 201)) - n,
        ]))
    lattice = lattice[np.abs(lattice - mu) <= 6 * sigma + 2]
    cdf_gap = float(np.max(np.abs(law.cdf(lattice) - ndtr((lattice + 1 - mu) / sigma))))
    near = lattice[np.abs(lattice - mu) <= 2 * sigma]
    density = 2 / sigma * np.exp(-0.5 * ((near - mu) / sigma) ** 2) / math.sqrt(2 * math.pi)
    pmf_gap = float(np.max(np.abs(law.pmf(near) / density - 1)))
    return cdf_gap, pmf_gap


def _normal_limit(context: TourContext) -> TourOutput:
    lines = ["S_n of the simple walk against N(n(p - q), 4npq) (de Moivre-Laplace):",
             "              n   p=0.5: sup|F - Phi|  pmf/density - 1"
             "   p=0.3: sup|F - Phi|  pmf/density - 1"]
    for n in STEPS:
        half = _distance_to_normal(0.5, n)
        skewed = _distance_to_normal(0.3, n)
        lines.append(f"  {n:>13,}   {half[0]:9.2e}        {half[1]:9.2e}"
                     f"          {skewed[0]:9.2e}        {skewed[1]:9.2e}")
    lines.append("  symmetric: the cdf gap falls like 1/n; skewed (p = 0.3): like 1/sqrt(n)")
    figures = []
    if context.plotting:
        plt = context.pyplot()

        figure, axes = plt.subplots(1, 2, figsize=(9, 3.5))
        for axis, n in zip(axes, (20, 400), strict=True):
            law = SimpleWalk(0.3).position(n)
            table = law.table()
            mu, sigma = float(law.mean()), float(law.std())
            keep = np.abs(table.values - mu) <= 4.5 * sigma
            axis.bar(table.values[keep], table.probabilities[keep], width=1.6, alpha=0.6,
                     color="tab:blue", label="P(S_n = k)")
            grid = np.linspace(mu - 4.5 * sigma, mu + 4.5 * sigma, 400)
            normal = 2 / sigma * np.exp(-0.5 * ((grid - mu) / sigma) ** 2) / math.sqrt(2 * math.pi)
            axis.plot(grid, normal, color="black", linewidth=1, label="2 phi((k - mu)/sigma)/sigma")
            axis.set(title=f"p = 0.3, n = {n}", xlabel="k")
        axes[0].legend(fontsize=8)
        figures.append(context.save(figure, "walks_position_normal_limit.png"))
    return TourOutput(lines, figures)


register_tour(TourSection(
    "position-normal-limit", "walks", "The position S_n and its normal limit", _normal_limit))


def _simulated_walks(context: TourContext) -> TourOutput:
    from mathkit.walks import simulate

    walk, n_steps, n_walks = SimpleWalk(0.5), 200, 1_000_000
    result = simulate(walk, n_steps, n_walks, ["endpoint", "maximum", "first_passage"],
                      level=5, rng=2026)
    passage = result["first_passage"]
    lines = [f"{n_walks:,} symmetric walks of {n_steps} steps (numba, one random bit a step):"]
    lines += [f"  {agreement}" for agreement in result.compare().values()]
    lines.append(f"  first passage to 5: {passage.censored:,} walks not there by step {n_steps}")
    figures = []
    if context.plotting:
        plt = context.pyplot()

        from mathkit.walks import sample_paths

        position = walk.position(n_steps)
        figure, (paths_axis, left, right) = plt.subplots(1, 3, figsize=(15, 3.5))
        paths_axis.plot(sample_paths(walk, n_steps, 20, rng=2026).T, linewidth=0.7)
        paths_axis.axhline(5, color="black", linestyle=":", linewidth=1)
        paths_axis.set(title="20 of the walks (walks 0-19)", xlabel="n", ylabel="S_n")
        endpoint = result["endpoint"]
        left.bar(endpoint.values, endpoint.frequencies(), width=1.6, alpha=0.6,
                 label="simulated")
        left.plot(endpoint.values, position.pmf(endpoint.values), "k.", markersize=3,
                  label="exact")
        left.set(title=f"endpoint S_{n_steps}", xlabel="k")
        left.legend(fontsize=8)
        times = passage.values
        # Hitting-time theorem: P(T_r = n) = (r / n) P(S_n = r).
        exact = 5 / times * np.array([walk.position(int(t)).pmf(5) for t in times])
        right.plot(times, passage.frequencies(), ".", markersize=3, alpha=0.6,
                   label="simulated")
        right.plot(times, exact, "k-", linewidth=1, label="(r/n) P(S_n = r)")
        right.set(title="first passage to 5", xlabel="n", yscale="log")
        right.legend(fontsize=8)
        figures.append(context.save(figure, "walks_simulated.png"))
    return TourOutput(lines, figures)


register_tour(TourSection(
    "simulated-walks", "walks", "Simulated walks against the exact laws", _simulated_walks))


def _arcsine_laws(context: TourContext) -> TourOutput:
    from mathkit.walks import (
        arcsine_cdf,
        arcsine_distance,
        arcsine_pdf,
        half_normal_distance,
        simulate,
    )

    lines = ["Arcsine laws of the symmetric walk: Kolmogorov distance to (2/pi) arcsin sqrt(x),",
             "and of M_n / sqrt(n) to the half-normal law (exact laws, float):",
             "              n   last zero L_n/n   time positive N_n/n   maximum M_n/sqrt(n)"]
    for n in (10, 100, 1000, 10**4, 10**5):
        lines.append(f"  {n:>13,}   {arcsine_distance(n).max_abs_error:13.2e}"
                     f"   {arcsine_distance(n, 'time_positive').max_abs_error:17.2e}"
                     f"   {half_normal_distance(n).max_abs_error:19.2e}")
    lines.append("  all fall like 1/sqrt(n): the jump P(L_n = 0) = u_n ~ sqrt(2/(pi n)) dominates")
    walk, n_steps, n_walks = SimpleWalk(0.5), 100, 200_000
    # the numpy reference: half a second here, and the same counts as the compiled engines
    result = simulate(walk, n_steps, n_walks, ["last_zero", "time_positive", "returns"], rng=3,
                      backend="numpy")
    lines.append(f"{n_walks:,} simulated walks of {n_steps} steps against the exact laws:")
    from mathkit.walks.agreement import compare_counts

    exact = {"last_zero": walk.last_zero(n_steps), "time_positive": walk.time_positive(n_steps),
             "returns": walk.returns(n_steps)}
    for name, law in exact.items():
        counts = result[name]
        lines.append(f"  {compare_counts(name, counts.values, counts.counts, law)}")
    figures = []
    if context.plotting:
        plt = context.pyplot()

        figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
        law = exact["last_zero"]
        counts = result["last_zero"]
        left.bar(counts.values / n_steps, counts.frequencies() * n_steps / 2, width=0.015,
                 alpha=0.5, label="simulated")
        left.plot(law.values / n_steps, law.probabilities * n_steps / 2, "k.", markersize=4,
                  label="exact u_2k u_{n-2k}")
        grid = np.linspace(0.005, 0.995, 300)
        left.plot(grid, arcsine_pdf(grid), "r-", linewidth=1, label="1/(pi sqrt(x(1-x)))")
        left.set(title=f"last zero L_{n_steps} / {n_steps} (density scale)", xlabel="x",
                 ylim=(0, 4))
        left.legend(fontsize=8)
        for p, style in ((0.5, "k-"), (0.52, "b--"), (0.6, "g:")):
            positive = SimpleWalk(p).time_positive(1000)
            right.step(positive.values / 1000, np.cumsum(positive.probabilities), style,
                       where="post", label=f"p = {p}")
        right.plot(grid, arcsine_cdf(grid), "r-", linewidth=0.8, label="arcsine cdf")
        right.set(title="time positive N_1000 / 1000: cdf", xlabel="x")
        right.legend(fontsize=8)
        figures.append(context.save(figure, "walks_arcsine.png"))
    return TourOutput(lines, figures)


register_tour(TourSection(
    "arcsine-laws", "walks", "Arcsine laws: last zero, time positive, maximum", _arcsine_laws))


def _diffusion_solver(context: TourContext) -> TourOutput:
    from mathkit.walks.diffusion import error_convergence, solve_drift_diffusion

    time, velocity, diffusivity, n_steps = 1.0, 0.5, 0.5, 1000
    sizes = 1000 * 4 ** np.arange(6)
    study = error_convergence(time, velocity, diffusivity, sizes, n_steps=n_steps, rng=2026)
    lines = [f"dP/dt = -v P' + D P'' (v = {velocity}, D = {diffusivity}, t = {time}) from "
             f"walks of {n_steps} steps (dx^2 = 2 D dt, p = 1/2 + v dt/(2 dx)):",
             "           N   L1 error vs the Gaussian kernel"]
    lines += [f"  {n:>10,}   {error:.2e}" for n, error in zip(study.n_walks, study.errors,
                                                            strict=True)]
    lines.append(f"  fitted error ~ N^{study.slope:.3f} (Monte Carlo: N^-0.5); the walk's own "
                 f"law is {study.floor:.1e} from the kernel (lattice and dt)")
    figures = []
    if context.plotting:
        plt = context.pyplot()

        estimate = solve_drift_diffusion(time, velocity, diffusivity, 100_000, n_steps=n_steps,
                                         cells_per_bin=4, rng=2026)
        figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
        left.stairs(estimate.density, estimate.edges, fill=True, alpha=0.5,
                    label="100,000 walks")
        grid = np.linspace(-3.5, 4.5, 400)
        kernel = np.exp(-(grid - velocity * time) ** 2 / (4 * diffusivity * time)) / math.sqrt(
            4 * math.pi * diffusivity * time)
        left.plot(grid, kernel, "k-", linewidth=1, label="Gaussian kernel")
        left.set(xlim=(-3.5, 4.5), xlabel="x", ylabel="P(x, t = 1)",
                 title="walks as a drift-diffusion solver")
        left.legend(fontsize=8)
        right.loglog(study.n_walks, study.errors, "o", label="L1 error")
        right.loglog(study.n_walks, 10**study.intercept * study.n_walks**study.slope, "k-",
                     linewidth=1, label=f"fit: N^{study.slope:.2f}")
        right.axhline(study.floor, color="gray", linestyle=":", label="error of the exact walk law")
        right.set(xlabel="walks N", ylabel="L1 error", title="error against N")
        right.legend(fontsize=8)
        figures.append(context.save(figure, "walks_diffusion.png"))
    return TourOutput(lines, figures)


register_tour(TourSection(
    "diffusion-solver", "walks", "Walks as a drift-diffusion solver: the 1/sqrt(N) error",
    _diffusion_solver))


def _passage_and_ruin(context: TourContext) -> TourOutput:
    from mathkit.walks import Walk, simulate

    walk, level, n_steps, n_walks = SimpleWalk(0.45), 3, 400, 200_000
    law = walk.first_passage(level)
    result = simulate(walk, n_steps, n_walks, statistics=("first_passage",), level=level,
                      rng=2027)
    passage = result["first_passage"]
    lines = [f"first passage to {level} of the simple walk, p = 0.45: hitting-time theorem "
             f"P(T_r = n) = (r/n) P(S_n = r) against {n_walks:,} simulated walks:",
             "      n   (r/n) P(S_n = r)   simulated"]
    for n in (3, 5, 9, 15, 25):
        simulated = passage.counts[passage.values == n].sum() / passage.total
        lines.append(f"  {n:>5}   {float(law.pmf(n)):16.6f}   {simulated:9.6f}")
    lines.append(f"  {result.compare()['first_passage']}")
    lines.append(f"  P(T_3 < inf) = (p/q)^3 = {float(law.prob_finite()):.6f}; "
                 f"{passage.censored:,} walks not there by step {n_steps}")
    jumper = Walk({-2: 0.3, 1: 0.2, 3: 0.5})  # can jump over 2
    green = float(jumper.first_passage(2).prob_finite())
    mass = float(np.sum(jumper.first_passage(2, n_max=2000).table().probabilities))
    lines.append(f"a walk with steps -2, 1, 3 (it can jump over 2): P(T_2 < inf) = "
                 f"G(0, 2)/G(0, 0) = {green:.15f}; dynamic program to n = 2000: {mass:.15f}")
    target, starts = 10, np.arange(11)
    lines.append(f"gambler's ruin between 0 and {target}: P(ruin) from start a = 0..{target}")
    ruin = {}
    for p in (0.45, 0.5, 0.55):
        ruin[p] = [float(SimpleWalk(p).ruin(int(a), target).ruin_probability()) for a in starts]
        lines.append(f"  p = {p:<4}  " + " ".join(f"{v + 0.0:.3f}" for v in ruin[p]))  # no -0
    figures = []
    if context.plotting:
        plt = context.pyplot()

        figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
        times = np.arange(level, 120, 2)
        left.plot(passage.values, passage.counts / passage.total, ".", markersize=4, alpha=0.6,
                  label="simulated")
        left.plot(times, law.pmf(times), "k-", linewidth=1, label="(r/n) P(S_n = r)")
        left.set(title=f"first passage to {level}, p = 0.45", xlabel="n", xlim=(0, 120),
                 yscale="log")
        left.legend(fontsize=8)
        for p, values in ruin.items():
            right.plot(starts, values, "o-", markersize=3, label=f"p = {p}")
        right.set(title=f"gambler's ruin, target {target}", xlabel="start a",
                  ylabel="P(ruin)")
        right.legend(fontsize=8)
        figures.append(context.save(figure, "walks_passage_ruin.png"))
    return TourOutput(lines, figures)


register_tour(TourSection(
    "passage-and-ruin", "walks", "First passage (hitting-time theorem) and gambler's ruin",
    _passage_and_ruin))
