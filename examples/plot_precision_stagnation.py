"""
A float16 sum that stops growing, and stochastic rounding that keeps it going
=============================================================================

Add 1 to a float16 accumulator 4096 times. Each addition is exact in real
arithmetic and then rounded to float16:

.. math::

    s_k = \\mathrm{fl}(s_{k-1} + 1), \\qquad s_0 = 0.

float16 has ``p = 11`` significand bits, so from 2048 = 2^11 on its values are
2 apart. Then 2048 + 1 lies exactly halfway between 2048 and 2050, and
round-to-nearest-even sends the tie to 2048 (whose last significand bit is 0):
the sum **stagnates** at 2048, whatever is added after.

Stochastic rounding rounds 2049 up or down with probability 1/2 each, so
``E[fl(x)] = x`` and the expected sum stays exact, ``E[s_k] = k``, at every
step. mathkit emulates both on float64 arrays with
:func:`mathkit.precision.round`, rounded once from the exact value.
"""

import matplotlib.pyplot as plt
import numpy as np

from mathkit.precision import FLOAT16, round

STEPS = 4096
RUNS = 200

# %%
# Round to nearest even
# ---------------------
#
# One running sum; the loop is the emulated float16 accumulator.

nearest = np.empty(STEPS)
total = 0.0
for step in range(STEPS):
    total = round(total + 1.0, FLOAT16)
    nearest[step] = total
first_stall = int(np.argmax(nearest == nearest[-1])) + 1
print(f"after {STEPS} additions of 1: {nearest[-1]:.0f} (stuck since step {first_stall})")

# %%
# Stochastic rounding
# -------------------
#
# ``RUNS`` independent sums at once, one per array element. With a fixed seed,
# element ``i`` at step ``k`` uses the Philox counter ``k * RUNS + i``
# (``index_offset``), so every step draws fresh numbers and the whole
# experiment is reproducible, on any engine.

sums = np.empty((STEPS, RUNS))
total = np.zeros(RUNS)
for step in range(STEPS):
    total = round(total + 1.0, FLOAT16, mode="stochastic", rng=2026,
                  index_offset=step * RUNS)
    sums[step] = total
final = sums[-1]
print(f"stochastic rounding, {RUNS} runs: mean {final.mean():.1f} "
      f"+- {final.std(ddof=1) / np.sqrt(RUNS):.1f} (exact {STEPS}), "
      f"spread {final.min():.0f} to {final.max():.0f}")

# %%
# The picture
# -----------
#
# Left: the sums. Right: their error ``s_k - k``. Round to nearest is exact up
# to 2048 and then loses every addition; stochastic rounding wanders around
# the exact sum, its mean error staying within a few standard errors of 0,
# while each run's error grows like the square root of the number of steps
# past 2048 (each rounding there adds an error of +-1).

k = np.arange(1, STEPS + 1)
figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
left.plot(k, k, color="black", linewidth=1, label="exact")
left.plot(k, sums[:, :5], color="tab:orange", alpha=0.5, linewidth=0.8)
left.plot(k, sums.mean(axis=1), color="tab:red", label=f"stochastic, mean of {RUNS}")
left.plot(k, nearest, color="tab:blue", label="round to nearest even")
left.set(xlabel="k", ylabel="$s_k$", title="Running sum of ones in float16")
left.legend()

error = sums - k[:, None]
standard_error = error.std(axis=1, ddof=1) / np.sqrt(RUNS)
right.plot(k, nearest - k, color="tab:blue", label="round to nearest even")
right.plot(k, error[:, :5], color="tab:orange", alpha=0.5, linewidth=0.8)
right.plot(k, error.mean(axis=1), color="tab:red", label="stochastic, mean")
right.fill_between(k, -3 * standard_error, 3 * standard_error, color="tab:red", alpha=0.15,
                   label="0 +- 3 standard errors")
right.set(xlabel="k", ylabel="$s_k - k$", title="Error (nearest: down to -2048)", ylim=(-250, 150))
right.legend(loc="lower left")
figure.tight_layout()
plt.show()
