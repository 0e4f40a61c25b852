"""Tour of the precision area: a float16 running sum of ones, nearest versus stochastic."""

from __future__ import annotations

import math

import numpy as np

from mathkit.claims import TourContext, TourOutput, TourSection, register_tour

STEPS = 4096
REPLICATES = 100
SEED = 2026


def _running_sums(mode: str, replicates: int) -> np.ndarray:
    """The partial sums s_1..s_STEPS of each replicate, in float16 (steps x replicates)."""
    from mathkit.precision.formats import FLOAT16
    from mathkit.precision.rounding import round as round_to

    path = np.empty((STEPS, replicates))
    total = np.zeros(replicates)
    for step in range(STEPS):
        total = round_to(total + 1.0, FLOAT16, mode, rng=SEED, backend="numpy",
                         index_offset=step * replicates)
        path[step] = total
    return path


def _stagnation(context: TourContext) -> TourOutput:
    nearest = _running_sums("nearest_even", 1)[:, 0]
    stochastic = _running_sums("stochastic", REPLICATES)
    stall = int(np.argmax(nearest == nearest[-1])) + 1
    finals = stochastic[-1]
    mean, error = finals.mean(), finals.std(ddof=1) / math.sqrt(REPLICATES)
    lines = [
        f"s_k = fl16(s_(k-1) + 1), {STEPS} steps, exact answer {STEPS}:",
        f"  round to nearest even: stalls at {nearest[-1]:.0f} from step {stall} on "
        "(2048 + 1 is a tie, and ties go to the even 2048)",
        f"  stochastic rounding, {REPLICATES} runs: mean {mean:.1f} +- {error:.1f} "
        f"(one standard error), range {finals.min():.0f} to {finals.max():.0f}",
        "  stochastic rounding is unbiased, E(fl(x)) = x, so E(s_k) = k at every step",
    ]
    figures = []
    if context.plotting:
        plt = context.pyplot()

        steps = np.arange(1, STEPS + 1)
        figure, axis = plt.subplots(figsize=(6.5, 4))
        axis.plot(steps, steps, color="black", linewidth=1, label="exact")
        for replicate in range(5):
            axis.plot(steps, stochastic[:, replicate], color="tab:orange", alpha=0.4,
                      linewidth=0.8, label="stochastic (5 runs)" if replicate == 0 else None)
        axis.plot(steps, stochastic.mean(axis=1), color="tab:red",
                  label=f"stochastic, mean of {REPLICATES}")
        axis.plot(steps, nearest, color="tab:blue", label="round to nearest even")
        axis.set(title="Running sum of ones in float16", xlabel="k", ylabel="s_k")
        axis.legend()
        figures.append(context.save(figure, "precision_stagnation.png"))
    return TourOutput(lines, figures)


register_tour(TourSection(
    "float16-stagnation", "precision", "Stagnation of float16 sums, and stochastic rounding",
    _stagnation))
