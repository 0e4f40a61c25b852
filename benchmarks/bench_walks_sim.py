"""Walk simulation: mathkit's numba kernels against the numpy idioms, in steps per second.

Endpoints: the numpy idiom draws a (walks, steps) int8 array of coin flips and
sums it; mathkit takes one Philox bit per step and a popcount per 64 steps,
and histograms in the kernel. The "Philox bound" variant only generates the
same number of random bits (XOR-folded so nothing is optimised away): the rate
no bit-per-step simulation can beat with this generator. Path statistics (each
statistic alone, then all nine together) compare with the numpy cumsum idiom
(a cumulative sum of int8 coin flips and its maximum), the yardstick the issue
sets for every path statistic.

Where CuPy works (a GPU is present), the same statistics run with the CuPy
kernels (histograms reduced on the device) against the GPU's Philox bound: a
bare kernel generating the same number of random bits per walk, XOR-folded.

Run directly (``python benchmarks/bench_walks_sim.py [--quick] [--gpu]``) to
also get the summary: Gsteps/s of every contender and mathkit's ratio to the
numpy idiom and to the Philox bound (``--gpu``: the GPU cases alone, as
``tests/gpu/check.sh`` runs them).
"""

import importlib.resources
import sys

import numba
import numpy as np
from harness import Case, run_cases

from mathkit._backend import engine_status
from mathkit._random import key_from_rng, split_key
from mathkit._random_numba import random_words
from mathkit.walks import SimpleWalk, simulate
from mathkit.walks.simulate import STATISTICS

SEED = 2026
N_STEPS = 1000
BOUND = "Philox bound (bits only)"
NUMPY_ENDPOINT = "numpy int8 coin flips + sum"
NUMPY_PATH = "numpy cumsum idiom (maximum)"
GPU = "GPU "
GPU_BOUND = "GPU Philox bound (bits only)"
GPU_THREADS = 256
GPU_BOUND_KERNEL = r"""
extern "C" __global__ void philox_bound(unsigned long long key, long long n_walks,
                                        long long n_blocks, unsigned int* out)
{
    const long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n_walks; i += stride) {
        uint32_t folded = 0, words[4];
        for (long long block = 0; block < n_blocks; ++block) {
            mk_random_words(key, (uint64_t)i, (uint64_t)block, words);
            folded ^= words[0] ^ words[1] ^ words[2] ^ words[3];
        }
        out[i] = folded;
    }
}
"""


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


def _gpu_walks(quick: bool) -> int:
    return 100_000 if quick else 10_000_000


def _gpu_philox_bound(n_walks: int, n_steps: int):
    """The GPU's rate of generating n_steps random bits per walk (Philox in registers)."""
    import cupy

    philox = importlib.resources.files("mathkit").joinpath("philox.cuh").read_text()
    kernel = cupy.RawModule(code=philox + GPU_BOUND_KERNEL,
                            options=("-std=c++17",)).get_function("philox_bound")
    out = cupy.empty(n_walks, dtype=cupy.uint32)
    arguments = (np.uint64(key_from_rng(SEED)), np.int64(n_walks),
                 np.int64(-(-n_steps // 128)), out)

    def run():
        kernel((-(-n_walks // GPU_THREADS),), (GPU_THREADS,), arguments)
        cupy.cuda.Device().synchronize()

    return run


def _gpu_cases(walk, quick: bool) -> list[Case]:
    """Every statistic with the CuPy kernels, where CuPy works; else none."""
    if not engine_status("cupy").available:
        return []
    walks = _gpu_walks(quick)
    bound = _gpu_philox_bound(walks, N_STEPS)
    selections = [[name] for name in STATISTICS] + [list(STATISTICS)]
    return [
        Case(
            name=GPU + _label(statistics, walks),
            area="walks_sim",
            mathkit=lambda statistics=statistics: simulate(
                walk, N_STEPS, walks, statistics, level=10, rng=SEED, backend="cupy",
                block_walks=walks),
            mathkit_name="mathkit CuPy (device histograms)",
            variants={GPU_BOUND: bound},
            jitted={"mathkit CuPy (device histograms)", GPU_BOUND},
        )
        for statistics in selections
    ]


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
        *_gpu_cases(walk, quick),
    ]


def _steps(case: str, quick: bool) -> int:
    endpoint_walks, path_walks = _walks(quick)
    if case.startswith(GPU):
        return N_STEPS * _gpu_walks(quick)
    return N_STEPS * (endpoint_walks if case.startswith("endpoint") else path_walks)


def summary(rows, quick: bool) -> str:
    """Gsteps/s per contender; mathkit's ratio to the numpy idiom (and to the Philox bound).

    The CPU bound applies to the CPU endpoint case; each GPU case carries its
    own GPU bound (the same bits per walk), so every GPU row gets a share of it.
    """
    lines = [f"{'case':<50} {'contender':<32} {'Gsteps/s':>9}  vs numpy  of bound"]
    cpu_bound = next((row.median_s for row in rows if row.contender == BOUND), None)
    for case in dict.fromkeys(row.case for row in rows):
        mine = [row for row in rows if row.case == case]
        numpy_time = next((row.median_s for row in mine
                           if row.contender in (NUMPY_ENDPOINT, NUMPY_PATH)), None)
        bound = (next(row.median_s for row in mine if row.contender == GPU_BOUND)
                 if case.startswith(GPU) else cpu_bound if case.startswith("endpoint") else None)
        for row in mine:
            versus = (f"{numpy_time / row.median_s:7.1f}x"
                      if row.is_mathkit and numpy_time is not None else "")
            of_bound = f"{bound / row.median_s:7.0%}" if row.is_mathkit and bound else ""
            lines.append(f"{case:<50} {row.contender:<32} "
                         f"{_steps(case, quick) / row.median_s / 1e9:9.3f}  {versus:>8}  "
                         f"{of_bound:>8}")
    return "\n".join(lines)


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    chosen = _gpu_cases(SimpleWalk(0.5), quick) if "--gpu" in sys.argv else cases(quick)
    if not chosen:
        sys.exit("no case to run (--gpu needs CuPy and a GPU)")
    print(summary(run_cases(chosen, quick), quick))
