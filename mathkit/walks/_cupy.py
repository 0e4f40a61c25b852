"""CuPy kernel of :mod:`mathkit.walks.simulate`: one GPU thread per walk.

A thin ``__global__`` wrapper around ``mk_walk_statistics`` of ``walk.cuh``
(which tests compile for the host and hold bit for bit to the numpy
reference). Philox runs in registers; no random number is written to device
memory. CuPy is imported on first use, only by code that chose ``"cupy"``.
"""

from __future__ import annotations

import functools
import importlib.resources

import numpy as np

from mathkit.walks.simulate import STATISTICS

_THREADS_PER_BLOCK = 128

_KERNEL = r"""
extern "C" __global__ void mk_walks_kernel(
    unsigned long long key, unsigned long long first, long long n_walks, long long n_steps,
    long long level, int symmetric, const long long* steps, const double* cdf, int n_law,
    const long long* wanted, int n_wanted, long long* out)
{
    const long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n_walks; i += stride) {
        int64_t every[MK_WALK_STATISTICS];
        mk_walk_statistics(key, first + (unsigned long long)i, n_steps, level, symmetric,
                           (const int64_t*)steps, cdf, n_law, every);
        for (int c = 0; c < n_wanted; ++c) out[i * n_wanted + c] = every[wanted[c]];
    }
}
"""


def kernel_source() -> str:
    """``philox.cuh``, ``walk.cuh`` and the kernel, pasted into one text.

    Pasting (rather than ``#include``) keys CuPy's kernel cache on the headers'
    text, so an edited header is never served from a stale cache.
    """
    package = importlib.resources.files("mathkit")
    philox = package.joinpath("philox.cuh").read_text()
    walk = package.joinpath("walks", "walk.cuh").read_text().replace('#include "philox.cuh"', "")
    return f"{philox}\n{walk}\n{_KERNEL}"


@functools.cache
def _kernel():
    import cupy

    return cupy.RawModule(code=kernel_source(), options=("-std=c++17",)).get_function(
        "mk_walks_kernel")


def path_statistics(law, key: int, first: int, n_walks: int, n_steps: int, level: int,
                    statistics) -> np.ndarray:
    """Per-walk statistics of walks ``first .. first + n_walks - 1``, as a numpy table."""
    import cupy

    wanted = cupy.asarray([STATISTICS.index(name) for name in statistics], dtype=cupy.int64)
    out = cupy.empty((n_walks, wanted.size), dtype=cupy.int64)
    blocks = min(-(-n_walks // _THREADS_PER_BLOCK), 65_535 * 32)
    _kernel()(
        (blocks,), (_THREADS_PER_BLOCK,),
        (np.uint64(key), np.uint64(first), np.int64(n_walks), np.int64(n_steps),
         np.int64(level), np.int32(law.symmetric_simple),
         cupy.asarray(law.steps, dtype=cupy.int64), cupy.asarray(law.cdf, dtype=cupy.float64),
         np.int32(law.steps.size), wanted, np.int32(wanted.size), out),
    )
    return cupy.asnumpy(out)
