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


def _harmonic_and_updates(context: TourContext) -> TourOutput:
    from mathkit.precision.claims import UPDATE_STEPS, _updates, harmonic_stall_numeric
    from mathkit.precision.formats import BFLOAT16, FLOAT16, FLOAT32
    from mathkit.precision.ops import sum as emulated_sum

    lines = ["harmonic series 1 + 1/2 + 1/3 + ..., every addition rounded to nearest even:"]
    for fmt in (FLOAT16, BFLOAT16):
        n, value = harmonic_stall_numeric(fmt)
        exact = math.fsum(1.0 / np.arange(1, n + 1))
        lines.append(f"  {fmt.name:9s} stops at n = {n}: s = {value} (exact H_{n} = {exact:.4f})")
    terms = 1.0 / np.arange(1, 2001)
    for algorithm in ("recursive", "pairwise", "kahan"):
        result = emulated_sum(terms, FLOAT16, algorithm)
        lines.append(f"  float16 {algorithm:9s} sum of 2000 terms: {result.value:.4f} "
                     f"(exact {result.exact:.4f}, relative error {result.error:.1e})")
    lines.append(f"w = 1; w += 1e-4, {UPDATE_STEPS} times:")
    for label, fmt, mode in (("float16, nearest", FLOAT16, "nearest_even"),
                             ("float32, nearest", FLOAT32, "nearest_even"),
                             ("float16, stochastic, mean of 400", FLOAT16, "stochastic")):
        values = _updates(fmt, mode, 400 if mode == "stochastic" else 1)
        lines.append(f"  {label:33s} w = {values.mean():.5f} (exact 1.1)")
    lines.append("  float16 stagnates: 1e-4 is below half the spacing 2^-10 of its values at 1")
    return TourOutput(lines)


def _walk_and_bounds(context: TourContext) -> TourOutput:
    from mathkit.precision.claims import WALK_COUNT, WALK_STEPS, float16_walk
    from mathkit.precision.formats import FLOAT16
    from mathkit.precision.ops import sum as emulated_sum

    lines = [f"{WALK_COUNT} walks 12 + 0.01 S_k, p = 0.75, {WALK_STEPS} steps, "
             "accumulated in float16:"]
    errors = {}
    for mode in ("nearest_even", "stochastic"):
        computed, exact = float16_walk(mode)
        errors[mode] = computed - exact
        lines.append(f"  {mode:12s} mean error {errors[mode].mean():+.4f}, "
                     f"spread (std) {errors[mode].std():.4f}")
    lines.append("  nearest: each 0.01 step becomes one spacing 2^-7 = 0.0078, a 22% loss; "
                 "stochastic: no bias")
    x = np.random.default_rng(SEED).uniform(0, 1, (20, 4096))
    result = emulated_sum(x, FLOAT16, mode="stochastic", rng=SEED)
    nearest = emulated_sum(x, FLOAT16)
    lines += [
        "20 sums of 4096 uniform(0, 1) terms in float16 (relative errors, maxima):",
        f"  nearest: error {nearest.error.max():.1e}; deterministic bound: none (n u = 2); "
        f"probabilistic {nearest.probabilistic_bound.max():.1e}",
        f"  stochastic: error {result.error.max():.1e}; probabilistic bound "
        f"{result.probabilistic_bound.max():.1e} (lam = 6)",
    ]
    figures = []
    if context.plotting:
        plt = context.pyplot()
        figure, axis = plt.subplots(figsize=(6.5, 4))
        bins = np.linspace(-0.4, 0.1, 60)
        for mode, color in (("nearest_even", "tab:blue"), ("stochastic", "tab:orange")):
            axis.hist(errors[mode], bins=bins, color=color, alpha=0.6, label=mode)
        axis.set(title="float16 walk: final error, nearest vs stochastic",
                 xlabel="computed - exact", ylabel="walks")
        axis.legend()
        figures.append(context.save(figure, "precision_walk.png"))
    return TourOutput(lines, figures)


register_tour(TourSection(
    "float16-harmonic-and-updates", "precision",
    "The harmonic series and small updates stagnate in float16", _harmonic_and_updates))
register_tour(TourSection(
    "float16-walk-and-bounds", "precision",
    "A random walk accumulated in float16, and error bounds", _walk_and_bounds))


def _gradient_range_lines() -> list[str]:
    from mathkit.precision.formats import FLOAT16
    from mathkit.precision.training import range_report, recommend_loss_scale

    gradients = np.random.default_rng(SEED).standard_normal(100_000) * 1e-8
    plain = range_report(gradients, FLOAT16)
    rec = recommend_loss_scale(gradients, FLOAT16)
    return [
        "100,000 gradients, normal with standard deviation 1e-8, stored in float16:",
        f"  unscaled: {plain.underflow:.1%} underflow to 0, {plain.subnormal:.1%} subnormal",
        f"  recommend_loss_scale: S = 2^{rec.exponent} (max|g| S <= 65504/16): "
        f"{rec.report.underflow:.1%} underflow, {rec.report.subnormal:.1%} subnormal, "
        f"{rec.report.overflow:.1%} overflow",
    ]


def _refinement(context: TourContext) -> TourOutput:
    from mathkit.precision.refinement import refine

    lines = _gradient_range_lines()
    lines.append("iterative refinement, float16 LU, float32 solves, float64 residuals (n = 50):")
    generator = np.random.default_rng(SEED)
    histories = {}
    for kappa in (1e1, 1e3, 1e4, 1e8):
        q1, _ = np.linalg.qr(generator.standard_normal((50, 50)))
        q2, _ = np.linalg.qr(generator.standard_normal((50, 50)))
        A = (q1 * kappa ** -np.linspace(0.0, 1.0, 50)) @ q2.T
        result = refine(A, generator.standard_normal(50), method="lu")
        histories[kappa] = result.forward_errors
        lines.append(f"  kappa {kappa:5.0e}: {result.status:10s} after {result.iterations:2d} "
                     f"steps, forward error {result.forward_errors[0]:.1e} -> "
                     f"{result.forward_errors[-1]:.1e}")
    lines.append("  converges while kappa u_f < 1 (u_f = 2^-11), to float32's u = 6e-8")
    figures = []
    if context.plotting:
        plt = context.pyplot()
        figure, axis = plt.subplots(figsize=(6.5, 4))
        for kappa, errors in histories.items():
            axis.semilogy(np.arange(errors.size), errors, marker="o", label=f"kappa = {kappa:.0e}")
        axis.axhline(2.0**-24, color="gray", linestyle="--", label="float32 u")
        axis.set(title="Refinement with float16 factors", xlabel="step",
                 ylabel="forward error")
        axis.legend()
        figures.append(context.save(figure, "precision_refinement.png"))
    return TourOutput(lines, figures)


register_tour(TourSection(
    "mixed-precision-training-and-refinement", "precision",
    "Loss scaling for float16 gradients, and refinement with float16 factors", _refinement))
