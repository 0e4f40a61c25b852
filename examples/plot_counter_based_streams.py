"""
Counter-based random streams do not depend on the chunking
==========================================================

mathkit draws its random numbers from Philox4x32-10, a counter-based generator:
the numbers of item ``i`` are a pure function of ``(key, i, block)``. So it
does not matter how the items are split into chunks (across threads, GPU
blocks or Dask tasks): item ``i`` always gets the same numbers.

This example computes 53-bit uniforms for ``N`` items in one go and in chunks
of several sizes, checks that the results are identical bit for bit, and then
looks at the numbers: a flat histogram, and a running mean that converges to
1/2 within its ±3σ/√n band.
"""

import matplotlib.pyplot as plt
import numpy as np

from mathkit._random import key_from_rng, uniform53

# %%
# One block of items, and the same items in chunks
# -------------------------------------------------
#
# :func:`~mathkit._random.key_from_rng` turns a seed into the 64-bit key;
# :func:`~mathkit._random.uniform53` gives two uniforms in [0, 1) per item.
# We take the first of the two for items ``0 .. N-1``.

N = 200_000
key = key_from_rng(2026)
items = np.arange(N, dtype=np.uint64)
all_at_once = uniform53(key, items)[:, 0]


def in_chunks(chunk_size):
    """The same uniforms, computed chunk by chunk, as parallel workers would."""
    chunks = [
        uniform53(key, items[start : start + chunk_size])[:, 0]
        for start in range(0, N, chunk_size)
    ]
    return np.concatenate(chunks)


for chunk_size in (1, 7, 1_000, 65_536, N):
    if chunk_size == 1:
        # one item at a time is slow in pure numpy: check a prefix
        prefix = 500
        chunked = np.array([uniform53(key, item)[0] for item in range(prefix)])
        assert np.array_equal(chunked, all_at_once[:prefix])
    else:
        assert np.array_equal(in_chunks(chunk_size), all_at_once)
    print(f"chunks of {chunk_size:>7,}: identical bit for bit")

# %%
# The order of the chunks does not matter either: computing them backwards
# (as a scheduler might) gives the same array.

chunk_size = 12_345
starts = range(0, N, chunk_size)
backwards = np.empty(N)
for start in reversed(starts):
    stop = min(start + chunk_size, N)
    backwards[start:stop] = uniform53(key, items[start:stop])[:, 0]
assert np.array_equal(backwards, all_at_once)
print("chunks computed in reverse order: identical bit for bit")

# %%
# The uniforms look uniform
# -------------------------
#
# A histogram of the ``N`` values in 50 bins: each bin expects ``N/50``
# values, give or take about ``sqrt(N/50)``. The vertical axis is zoomed on
# that scale, so the fluctuations show.

bins = 50
counts, edges = np.histogram(all_at_once, bins=bins, range=(0, 1))
expected = N / bins
spread = np.sqrt(expected)
assert np.all(np.abs(counts - expected) < 6 * spread)

fig, ax = plt.subplots(figsize=(7, 3.5))
ax.stairs(counts, edges, baseline=None, color="C0", lw=1.5, label="count per bin")
ax.axhline(expected, color="k", lw=1, label="expected count N/50")
ax.axhspan(
    expected - 3 * spread, expected + 3 * spread,
    color="k", alpha=0.1, label="±3 standard deviations",
)
ax.set_ylim(expected - 6 * spread, expected + 6 * spread)
ax.set_xlabel("u")
ax.set_ylabel("count")
ax.set_title(f"{N:,} uniforms from Philox4x32-10")
ax.legend(loc="upper center", ncols=3, fontsize="small")
fig.tight_layout()

# %%
# The running mean converges to 1/2
# ---------------------------------
#
# The mean of the first ``n`` uniforms has standard deviation
# :math:`\sigma/\sqrt{n}` with :math:`\sigma = 1/\sqrt{12}`, the standard
# deviation of a uniform on [0, 1). At any given ``n`` the running mean lies
# outside the :math:`\pm 3\sigma/\sqrt{n}` band around 1/2 with probability
# about 0.3%.

n = np.arange(1, N + 1)
running_mean = np.cumsum(all_at_once) / n
sigma = 1 / np.sqrt(12)
band = 3 * sigma / np.sqrt(n)

fig, ax = plt.subplots(figsize=(7, 3.5))
ax.fill_between(n, 0.5 - band, 0.5 + band, color="C1", alpha=0.25, label="1/2 ± 3σ/√n")
ax.plot(n, running_mean, color="C0", lw=1, label="running mean")
ax.axhline(0.5, color="k", lw=0.8)
ax.set_xscale("log")
ax.set_ylim(0.2, 0.8)
ax.set_xlabel("n (number of uniforms)")
ax.set_ylabel("mean of the first n")
ax.legend(loc="upper right")
fig.tight_layout()

outside = np.mean(np.abs(running_mean - 0.5) > band)
print(f"final mean {running_mean[-1]:.5f}; fraction of n outside the band: {outside:.4f}")

plt.show()
