"""Walk simulation: mathkit's numba kernels against the numpy idioms, in steps per second.

Endpoints: the numpy idiom draws a (walks, steps) int8 array of coin flips and
sums it; mathkit takes one Philox bit per step and a popcount per 32 steps.
The "Philox bound" variant only generates the same number of random bits
(XOR-folded so nothing is optimised away): the rate no bit-per-step
simulation can beat with this generator. Path statistics (maximum, first
passage, all nine statistics) compare with the numpy cumsum idiom.
"""

import numba
import numpy as np
from harness import Case

from mathkit._random import key_from_rng, split_key
from mathkit._random_numba import random_words
from mathkit.walks import SimpleWalk, simulate
from mathkit.walks.simulate import STATISTICS

SEED = 2026


@numba.njit(parallel=True)
def philox_bound(k0, k1, n_walks, n_blocks):
    """Generate n_blocks * 128 random bits per walk and fold them: the generator's rate."""
    out = np.zeros(n_walks, dtype=np.uint64)
    for walk in numba.prange(n_walks):
        folded = np.uint64(0)
        for block in range(n_blocks):
            words = random_words(k0, k1, np.uint64(walk), block)
            folded ^= words[0] ^ words[1] ^ words[2] ^ words[3]
        out[walk] = folded
    return out


def _numpy_endpoints(n_walks, n_steps):
    rng = np.random.default_rng(SEED)
    return lambda: 2 * rng.integers(0, 2, (n_walks, n_steps), dtype=np.int8).sum(
        axis=1, dtype=np.int64) - n_steps


def _numpy_maximum(n_walks, n_steps):
    rng = np.random.default_rng(SEED)

    def run():
        steps = 2 * rng.integers(0, 2, (n_walks, n_steps), dtype=np.int8) - 1
        return np.maximum(np.cumsum(steps, axis=1, dtype=np.int16).max(axis=1), 0)

    return run


def cases(quick: bool) -> list[Case]:
    walk = SimpleWalk(0.5)
    n_steps = 1000
    endpoint_walks = 10_000 if quick else 100_000
    path_walks = 2_000 if quick else 20_000
    k0, k1 = split_key(key_from_rng(SEED))
    def label(walks):
        return f"{walks:.0e} walks x {n_steps} steps = {walks * n_steps:.0e} steps"
    return [
        Case(
            name=f"endpoint, {label(endpoint_walks)}",
            area="walks_sim",
            mathkit=lambda: simulate(walk, n_steps, endpoint_walks, ["endpoint"], rng=SEED,
                                     backend="numba"),
            mathkit_name="mathkit numba (popcount)",
            variants={"Philox bound (bits only)": lambda: philox_bound(
                k0, k1, endpoint_walks, -(-n_steps // 128))},
            peers={"numpy int8 coin flips + sum": _numpy_endpoints(endpoint_walks, n_steps)},
            jitted={"mathkit numba (popcount)"},
        ),
        *[
            Case(
                name=f"{', '.join(statistics)}, {label(path_walks)}",
                area="walks_sim",
                mathkit=lambda statistics=statistics: simulate(
                    walk, n_steps, path_walks, statistics, level=10, rng=SEED, backend="numba"),
                mathkit_name="mathkit numba (byte tables)",
                variants={"mathkit numpy reference": lambda statistics=statistics: simulate(
                    walk, n_steps, path_walks, statistics, level=10, rng=SEED,
                    backend="numpy")},
                peers={"numpy cumsum idiom (maximum only)": _numpy_maximum(path_walks, n_steps)},
                jitted={"mathkit numba (byte tables)"},
            )
            for statistics in (["maximum"], ["first_passage"], list(STATISTICS))
        ],
    ]

