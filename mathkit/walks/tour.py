"""Tour of the walks area: the law of S_n against its normal limit."""

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
