"""
Gambler's ruin: exact laws against simulated games
==================================================

A gambler starts with ``a`` units and bets one unit at a time, winning each
bet with probability ``p``, until she has nothing or reaches ``N = 20``.
:meth:`~mathkit.walks.SimpleWalk.ruin` gives the ruin probability
``(r^a - r^N) / (1 - r^N)``, ``r = q/p`` (``1 - a/N`` for a fair game), the
expected duration and the whole law of the duration, exactly. Simulated games
(:func:`~mathkit.walks.sample_paths`: walk ``i`` depends only on the seed and
``i``) agree with them.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from mathkit.walks import SimpleWalk, sample_paths

TARGET, GAMES, STEPS = 20, 2_000, 1_000


def simulate_games(p, start):
    """Outcome (ruined?) and duration of each simulated game."""
    paths = start + sample_paths(SimpleWalk(p), STEPS, GAMES, rng=2026)
    hit = (paths <= 0) | (paths >= TARGET)
    first = np.argmax(hit, axis=1)
    ruined = paths[np.arange(GAMES), first] <= 0
    return ruined[hit.any(axis=1)], first[hit.any(axis=1)]


starts = np.arange(2, TARGET, 3)
figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
for p, colour in ((0.5, "C0"), (0.47, "C1")):
    exact = [float(SimpleWalk(p).ruin(a, TARGET).ruin_probability()) for a in range(TARGET + 1)]
    left.plot(range(TARGET + 1), exact, color=colour, label=f"exact, p = {p}")
    simulated = [simulate_games(p, a)[0].mean() for a in starts]
    left.plot(starts, simulated, "o", color=colour, mfc="none", label=f"simulated, p = {p}")
left.set(xlabel="starting fortune a", ylabel="P(ruin)", title=f"Ruin before reaching {TARGET}")
left.legend(fontsize=8)

# %%
# The law of the duration for a fair game started at 10, exact (dynamic
# programme over the absorbing chain), against the simulated durations.
game = SimpleWalk(0.5).ruin(10, TARGET)
law = game.duration()
table = law.table(max_terms=400)
_, durations = simulate_games(0.5, 10)
right.hist(durations, bins=np.arange(0, 802, 2) - 1, density=True, alpha=0.5,
           label="simulated")
right.plot(table.values, table.probabilities / 2, "k-", lw=1,
           label="exact $P(T = t)/2$ (even times only)")
right.set(xlabel="duration t", ylabel="density", xlim=(0, 800),
          title=f"Duration from 10: E[T] = {float(game.expected_duration()):.0f}")
right.legend(fontsize=8)
figure.tight_layout()
print(f"E[T] exact = {float(law.mean()):.1f}, simulated = {durations.mean():.1f}")
print(f"P(T > 800) = {float(law.sf(800)):.2e} (exact, from the mass left in the chain)")
