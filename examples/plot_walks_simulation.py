"""
Simulated walks against the exact law
=====================================

A million symmetric random walks of 100 steps, simulated with one random bit
per step, and the histogram of their endpoints beside the exact law of
:math:`S_{100}`. Walk ``i`` depends only on the seed and ``i``, so the numpy
reference and the numba kernel give the same counts, bit for bit.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from mathkit.walks import SimpleWalk, simulate

walk = SimpleWalk(0.5)
result = simulate(walk, n_steps=100, n_walks=1_000_000,
                  statistics=["endpoint", "maximum"], rng=2026)
endpoint = result["endpoint"]
exact = walk.position(100).pmf(endpoint.values)

figure, axis = plt.subplots(figsize=(7, 3.5))
axis.bar(endpoint.values, endpoint.frequencies(), width=1.6, alpha=0.6, label="simulated")
axis.plot(endpoint.values, exact, "k.", label="exact $P(S_{100}=k)$")
axis.set(xlabel="$k$", ylabel="probability", title="Endpoints of $10^6$ walks")
axis.legend()

# %%
# The engines agree exactly: the numpy reference on the first 20,000 walks.
reference = simulate(walk, 100, 20_000, ["endpoint"], rng=2026, backend="numpy",
                     per_walk=True)
compiled = simulate(walk, 100, 20_000, ["endpoint"], rng=2026, backend="numba",
                    per_walk=True)
print("numpy == numba:", np.array_equal(reference.per_walk["endpoint"],
                                         compiled.per_walk["endpoint"]))
largest_gap = np.max(np.abs(endpoint.frequencies() - exact))
print(f"largest |frequency - exact| = {largest_gap:.2e}")
