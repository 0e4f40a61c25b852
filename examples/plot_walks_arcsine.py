"""
The arcsine laws
================

In a fair game of :math:`2n` tosses, when was the last tie, and how long was
the first player ahead? Both have the same discrete law,
:math:`P = u_{2k} u_{2n-2k}` with :math:`u_{2m} = P(S_{2m} = 0)`, and it
piles up at the ends: a long lead is far likelier than an even split. As
:math:`n` grows, :math:`L_{2n}/2n` and :math:`N_{2n}/2n` tend to the arcsine
law with density :math:`1/(\\pi\\sqrt{x(1-x)})`.

Here the exact laws (``SimpleWalk.last_zero`` and ``SimpleWalk.time_positive``,
the time positive counted as Feller does) are set beside their continuous
limit and beside 200,000 simulated walks.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from mathkit.walks import SimpleWalk, arcsine_cdf, arcsine_distance, arcsine_pdf, simulate

n = 40
walk = SimpleWalk(0.5)
result = simulate(walk, n_steps=n, n_walks=200_000,
                  statistics=["last_zero", "time_positive"], rng=2026, backend="numpy")

figure, axes = plt.subplots(1, 2, figsize=(10, 3.5), sharey=True)
grid = np.linspace(0.01, 0.99, 300)
for axis, name in zip(axes, ["last_zero", "time_positive"], strict=True):
    law = getattr(walk, name)(n)
    counts = result[name]
    # on the scale of a density: probabilities over the spacing 2/n of the lattice
    axis.bar(counts.values / n, counts.frequencies() * n / 2, width=0.03, alpha=0.5,
             label="simulated")
    axis.plot(law.values / n, law.probabilities * n / 2, "k.", label="exact")
    axis.plot(grid, arcsine_pdf(grid), "r-", linewidth=1, label="arcsine density")
    axis.set(title=f"{name}, n = {n}", xlabel="x = value / n", ylim=(0, 3.5))
axes[0].legend()

# %%
# How fast does the discrete law approach its limit? The Kolmogorov distance
# ``sup |P(L_n / n <= x) - (2/pi) arcsin sqrt(x)|`` falls like
# :math:`1/\sqrt{n}`: it is the jump :math:`P(L_n = 0) = u_n` at the origin.
for steps in (10, 100, 1000, 10_000, 100_000):
    distance = arcsine_distance(steps).max_abs_error
    print(f"n = {steps:>7,}: distance {distance:.2e}, u_n = "
          f"{float(walk.position(steps).pmf(0)):.2e}")

# %%
# Away from the ends the cdf is much closer: at x = 1/2 the exact cdf of
# the last zero is within 1e-3 of 1/2 already at n = 1000.
law = walk.last_zero(1000)
print(float(law.cdf(500)), float(arcsine_cdf(0.5)))
