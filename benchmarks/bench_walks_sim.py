"""Walk simulation: mathkit's numba kernels against the numpy idioms, in steps per second.

Endpoints: the numpy idiom draws a (walks, steps) int8 array of coin flips and
sums it; mathkit takes one Philox bit per step and a popcount per 64 steps,
and histograms in the kernel. The "Philox bound" variant only generates the
same number of random bits (XOR-folded so nothing is optimised away): the rate
no bit-per-step simulation can beat with this generator. Path statistics (each
statistic alone, then all nine together) compare with the numpy cumsum idiom
(a cumulative sum of int8 coin flips and its maximum), the yardstick the issue
sets for every path statistic.

Run directly (``python benchmarks/bench_walks_sim.py [--quick]``) to also get
the summary: Gsteps/s of every contender and mathkit's ratio to the numpy idiom
and to the Philox bound.
"""

import sys

import numba
import numpy as np
from harness import Case, run_cases

from mathkit._random import key_from_rng, split_key
from mathkit._random_numba import random_words
from mathkit.walks import SimpleWalk, simulate
from mathkit.walks.simulate import STATISTICS

SEED = 2026
N_STEPS = 1000
BOUND = "Philox bound (bits only)"
NUMPY_ENDPOINT = "numpy int8 coin flips + sum"
NUMPY_PATH = "numpy cumsum idiom (maximum)"


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


def _walks(quick: bool) -> tuple[int, int]:
    """Walks of the endpoint case and of the path cases."""
    return (10_000, 2_000) if quick else (100_000, 20_000)


def _label(statistics, walks: int) -> str:
    name = "all nine statistics" if len(statistics) > 1 else statistics[0]
    return f"{name}, {walks:.0e} walks x {N_STEPS} steps"


def _path_cases(walk, walks: int) -> list[Case]:
    selections = [[name] for name in STATISTICS if name != "endpoint"] + [list(STATISTICS)]
    return [
        Case(
            name=_label(statistics, walks),
            area="walks_sim",
            mathkit=lambda statistics=statistics: simulate(
                walk, N_STEPS, walks, statistics, level=10, rng=SEED, backend="numba"),
            mathkit_name="mathkit numba (lanes + tables)",
            variants={"mathkit numpy reference": lambda statistics=statistics: simulate(
                walk, N_STEPS, walks, statistics, level=10, rng=SEED, backend="numpy")},
            peers={NUMPY_PATH: _numpy_maximum(walks, N_STEPS)},
            jitted={"mathkit numba (lanes + tables)"},
        )
        for statistics in selections
    ]


def cases(quick: bool) -> list[Case]:
    walk = SimpleWalk(0.5)
    endpoint_walks, path_walks = _walks(quick)
    k0, k1 = split_key(key_from_rng(SEED))
    return [
        Case(
            name=_label(["endpoint"], endpoint_walks),
            area="walks_sim",
            mathkit=lambda: simulate(walk, N_STEPS, endpoint_walks, ["endpoint"], rng=SEED,
                                     backend="numba"),
            mathkit_name="mathkit numba (popcount)",
            variants={BOUND: lambda: philox_bound(k0, k1, endpoint_walks, -(-N_STEPS // 128))},
            peers={NUMPY_ENDPOINT: _numpy_endpoints(endpoint_walks, N_STEPS)},
            jitted={"mathkit numba (popcount)"},
        ),
        *_path_cases(walk, path_walks),
    ]


def summary(rows, quick: bool) -> str:
    """Gsteps/s per contender; mathkit's ratio to the numpy idiom (and to the Philox bound)."""
    endpoint_walks, path_walks = _walks(quick)
    lines = [f"{'case':<46} {'contender':<32} {'Gsteps/s':>9}  vs numpy  of bound"]
    bound = next(row.median_s for row in rows if row.contender == BOUND)
    for case in dict.fromkeys(row.case for row in rows):
        steps = N_STEPS * (endpoint_walks if case.startswith("endpoint") else path_walks)
        mine = [row for row in rows if row.case == case]
        numpy_time = next(row.median_s for row in mine if row.contender in (NUMPY_ENDPOINT,
                                                                             NUMPY_PATH))
        for row in mine:
            versus = f"{numpy_time / row.median_s:7.1f}x" if row.is_mathkit else ""
            of_bound = (f"{bound / row.median_s:7.0%}"
                        if row.is_mathkit and case.startswith("endpoint") else "")
            lines.append(f"{case:<46} {row.contender:<32} "
                         f"{steps / row.median_s / 1e9:9.3f}  {versus:>8}  {of_bound:>8}")
    return "\n".join(lines)


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    print(summary(run_cases(cases(quick), quick), quick))
