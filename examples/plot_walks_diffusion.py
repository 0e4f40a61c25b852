"""
Random walks as a PDE solver
============================

The drift-diffusion equation :math:`\\partial_t P = -v\\,\\partial_x P + D\\,\\partial_x^2 P`
with :math:`P(x, 0) = \\delta(x)` is solved by the Gaussian kernel
:math:`P(x, t) = e^{-(x - vt)^2 / 4Dt} / \\sqrt{4\\pi D t}`, and it is the scaling
limit of the simple walk: time step :math:`\\Delta t`, space step
:math:`\\Delta x = \\sqrt{2D\\Delta t}`, up-probability
:math:`p = 1/2 + v\\Delta t / 2\\Delta x`. So a histogram of many scaled walk
endpoints estimates :math:`P(\\cdot, t)`, with the Monte Carlo error
:math:`O(1/\\sqrt N)` on top of the walk's own (lattice and :math:`\\Delta t`)
error, which is :math:`O(\\Delta t)`.
"""

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

from mathkit.walks import error_convergence, solve_drift_diffusion

time, velocity, diffusivity = 1.0, 1.0, 0.25
estimate = solve_drift_diffusion(time, velocity, diffusivity, 200_000, n_steps=400,
                                 cells_per_bin=4, rng=7)
grid = np.linspace(-1.0, 3.0, 400)
kernel = np.exp(-(grid - velocity * time) ** 2 / (4 * diffusivity * time)) / math.sqrt(
    4 * math.pi * diffusivity * time)

figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
left.stairs(estimate.density, estimate.edges, fill=True, alpha=0.5, label="200,000 walks")
left.plot(grid, kernel, "k-", linewidth=1, label="Gaussian kernel")
left.set(xlim=(-1, 3), xlabel="$x$", ylabel="$P(x, 1)$",
         title=f"$v = {velocity}$, $D = {diffusivity}$, $p = {estimate.p:.4f}$")
left.legend()

# %%
# The L1 error against the kernel for growing numbers of walks, and its fitted power.
study = error_convergence(time, velocity, diffusivity, 500 * 4 ** np.arange(6), n_steps=400,
                          rng=7)
right.loglog(study.n_walks, study.errors, "o", label="L1 error")
right.loglog(study.n_walks, study.errors[0] * np.sqrt(study.n_walks[0] / study.n_walks), "k--",
             linewidth=1, label=r"$\propto 1/\sqrt{N}$")
right.axhline(study.floor, color="gray", linestyle=":", label="exact walk law")
right.set(xlabel="walks $N$", ylabel="L1 error", title=f"fitted slope {study.slope:.2f}")
right.legend()
figure.tight_layout()
print(f"L1 errors {np.array2string(study.errors, precision=4)}; slope {study.slope:.3f}; "
      f"floor {study.floor:.1e}")
