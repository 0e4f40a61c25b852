"""Tour of the foundation: counter-based streams and exact-vs-numeric agreement."""

import math

import numpy as np

from mathkit import _random
from mathkit.claims import TourContext, TourOutput, TourSection, register_tour


def _counter_based_randomness(context: TourContext) -> TourOutput:
    from mathkit import _random_numba

    key = _random.key_from_rng(2026)
    k0, k1 = _random.split_key(key)
    items = np.arange(1_000_000, dtype=np.uint64)
    whole = _random.random_words(key, items)
    chunked = np.concatenate([_random.random_words(key, part) for part in np.array_split(items, 7)])
    compiled = _random_numba.random_words_array(k0, k1, items, 0)
    uniforms = _random.uniform53(key, items[:200_000]).ravel()
    lines = [
        f"1,000,000 items: one block == 7 chunks: {bool((whole == chunked).all())}; "
        f"numpy == numba: {bool((whole == compiled).all())}",
        f"mean of {uniforms.size:,} uniforms = {uniforms.mean():.5f} "
        f"(1/2 +- {3 / math.sqrt(12 * uniforms.size):.5f} at 3 sigma)",
    ]
    figures = []
    if context.plotting:
        plt = context.pyplot()

        figure, axis = plt.subplots(figsize=(6, 3.5))
        axis.hist(uniforms, bins=50, density=True, color="tab:blue", alpha=0.7)
        axis.axhline(1.0, color="black", linewidth=1)
        axis.set(title="Philox4x32-10 uniforms (53-bit)", xlabel="u", ylabel="density")
        figures.append(context.save(figure, "core_uniforms.png"))
    return TourOutput(lines, figures)


def _exact_versus_numeric(context: TourContext) -> TourOutput:
    import sympy

    from mathkit.verify import agree

    x = sympy.Symbol("x")
    expr = (1 - sympy.cos(x)) / x**2
    naive = agree(expr, lambda t: (1 - math.cos(t)) / t**2, x, domain=(1e-6, 1e-3), rng=0)
    stable = agree(expr, lambda t: 2 * math.sin(t / 2) ** 2 / t**2, x, domain=(1e-6, 1e-3), rng=0)
    return TourOutput([
        "(1 - cos x)/x^2 near 0, against sympy at 50 digits:",
        f"  naive formula:  max relative error {naive.max_rel_error:.2e} -> "
        f"{'agrees' if naive.passed else 'disagrees'}",
        f"  2 sin(x/2)^2/x^2: max relative error {stable.max_rel_error:.2e} -> "
        f"{'agrees' if stable.passed else 'disagrees'}",
    ])


register_tour(TourSection(
    "counter-based-randomness", "core", "Counter-based randomness", _counter_based_randomness))
register_tour(TourSection(
    "exact-versus-numeric", "core", "Exact versus numeric", _exact_versus_numeric))
