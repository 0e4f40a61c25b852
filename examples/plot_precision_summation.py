"""
Summing in float16: three algorithms against their error bounds
===============================================================

Sum ``n`` random numbers from ``[0, 1)`` in float16, with every addition
rounded once to float16 (:func:`mathkit.precision.sum`), in three ways:

- **recursive**: ``s = fl(s + x_i)``, left to right. Higham's worst-case bound
  on the relative error is :math:`\\gamma_{n-1} = (n-1)u / (1 - (n-1)u)`, with
  ``u = 2^-11``: it grows like ``n u`` and says nothing once ``n u >= 1``
  (``n >= 2048``);
- **pairwise**: add neighbours level by level; bound
  :math:`\\gamma_{\\lceil \\log_2 n \\rceil}`;
- **Kahan's compensated summation**: bound about ``2u``, whatever ``n``.

Rounding errors are rarely all of one sign, so the recursive sum usually does
much better than its worst case. Higham and Mary (2019) make this precise: if
the errors are independent with mean zero, the error is at most
:math:`\\tilde\\gamma_{n-1}(\\lambda) \\approx \\lambda \\sqrt{n}\\, u` with
probability at least :math:`1 - 2n\\exp(-\\lambda^2 (1 - u)^2 / 2)`. For
positive terms the relative error of the sum is the bound's coefficient
itself (the condition number is 1).

Round to nearest is deterministic, so the model is only a model, and here it
breaks down from ``n = 8192`` on: once the recursive partial sum passes 2048, its
float16 spacing is 2, every term below 1 is rounded away, and the sum
**stagnates** near 2048 (the failure mode of the harmonic series). Pairwise and
Kahan summation never add a small term to a large partial sum that way.
Stochastic rounding makes the errors mean-zero for real: its recursive sum
keeps growing like ``sqrt(n) u``.
"""

import matplotlib.pyplot as plt
import numpy as np

from mathkit.precision import FLOAT16, probabilistic_gamma
from mathkit.precision import sum as emulated_sum

SIZES = 2 ** np.arange(4, 14)
ROWS = 32
#: Pairwise sums take log2(n) vectorized steps: the numpy reference is quick. The
#: others take n sequential steps: one compiled call each (a few seconds to compile).
BACKENDS = {"recursive": "numba", "pairwise": "numpy", "kahan": "numba"}
rng = np.random.default_rng(2019)

# %%
# The measurements
# ----------------
#
# For each ``n``, ``ROWS`` independent sums at once (one per row); the median
# relative error of each algorithm, against the exact sum of the float16 terms.

errors = {"recursive": [], "pairwise": [], "kahan": [], "recursive, stochastic": []}
bounds = {"recursive": [], "pairwise": [], "kahan": []}
for n in SIZES:
    x = rng.uniform(0, 1, (ROWS, n))
    for algorithm in ("recursive", "pairwise", "kahan"):
        result = emulated_sum(x, FLOAT16, algorithm, backend=BACKENDS[algorithm])
        errors[algorithm].append(np.median(result.error))
        bounds[algorithm].append(np.median(result.bound))
    stochastic = emulated_sum(x, FLOAT16, mode="stochastic", rng=int(n), backend="numba")
    errors["recursive, stochastic"].append(np.median(stochastic.error))

u = FLOAT16.unit_roundoff
probabilistic = [probabilistic_gamma(int(n) - 1, u, lam=1.0) for n in SIZES]
print(" n      recursive  pairwise  kahan    stochastic")
for i, n in enumerate(SIZES):
    print(f"{n:6d}  " + "  ".join(f"{errors[k][i]:.1e}" for k in errors))

# %%
# The picture
# -----------
#
# Solid lines: median measured errors. Dashed: the deterministic bounds
# (the recursive one leaves the plot at ``n = 2048``, where it becomes
# infinite). Dotted: the probabilistic bound with ``lam = 1`` (about
# ``sqrt(n) u``).

figure, axis = plt.subplots(figsize=(7, 4.5))
colors = {"recursive": "tab:blue", "pairwise": "tab:green", "kahan": "tab:purple",
          "recursive, stochastic": "tab:orange"}
for name, values in errors.items():
    axis.loglog(SIZES, values, "o-", color=colors[name], label=f"{name} (measured)")
for name, values in bounds.items():
    finite = np.isfinite(values)
    axis.loglog(SIZES[finite], np.asarray(values)[finite], "--", color=colors[name],
                label=f"{name}: deterministic bound")
axis.loglog(SIZES, probabilistic, ":", color="black", label="probabilistic, sqrt(n) u")
axis.set(xlabel="n (terms)", ylabel="relative error",
         title="float16 sums of uniform(0, 1) terms", ylim=(1e-5, 2))
axis.legend(fontsize=7, loc="upper left")
figure.tight_layout()
plt.show()
