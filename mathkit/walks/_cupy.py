"""CuPy kernels of :mod:`mathkit.walks.simulate`: one GPU thread per walk.

Thin ``__global__`` wrappers around ``mk_walk_wanted`` (every statistic of a
walk, or the symmetric walk's endpoint alone by popcount) and ``mk_walk_bin``
of ``walk.cuh``, which tests compile for the host and hold bit for bit to the
numpy reference. Philox runs in registers; no random number is written to
device memory. Histograms are reduced on the device: each block
counts into a shared-memory histogram (when it fits in the 48 KiB any block
may use; else straight into global memory) and adds it to the global one with
atomics, so only the histogram comes back to the host. Per-walk tables
(``per_walk=True``) come from a second kernel. CuPy is imported on first use,
only by code that chose ``"cupy"``.
"""

from __future__ import annotations

import functools
import importlib.resources

import numpy as np

from mathkit.walks.simulate import _MAY_CENSOR, STATISTICS

_THREADS_PER_BLOCK = 128
_HISTOGRAM_THREADS = 256
#: Shared memory every CUDA GPU grants a block without an opt-in.
_SHARED_BYTES = 48 * 1024
#: Resident blocks aimed at per multiprocessor: more only repeats the flush.
_BLOCKS_PER_SM = 8
#: Largest device histogram (in bins of 8 bytes); past it walks are tabled instead.
MAX_BINS = 1 << 25

_KERNEL = r"""
extern "C" __global__ void mk_walks_kernel(
    unsigned long long key, unsigned long long first, long long n_walks, long long n_steps,
    long long level, int symmetric, const long long* steps, const double* cdf, int n_law,
    int endpoint_only, const long long* wanted, int n_wanted, long long* out)
{
    const long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n_walks; i += stride) {
        int64_t every[MK_WALK_STATISTICS];
        mk_walk_wanted(key, first + (unsigned long long)i, n_steps, level, symmetric,
                       (const int64_t*)steps, cdf, n_law, endpoint_only, every);
        for (int c = 0; c < n_wanted; ++c) out[i * n_wanted + c] = every[wanted[c]];
    }
}

extern "C" __global__ void mk_walks_histogram_kernel(
    unsigned long long key, unsigned long long first, long long n_walks, long long n_steps,
    long long level, int symmetric, const long long* steps, const double* cdf, int n_law,
    int endpoint_only, const long long* layout, int n_wanted, long long n_bins, int in_shared,
    unsigned long long* histogram)
{
    extern __shared__ unsigned long long block_histogram[];
    if (in_shared) {
        for (long long b = threadIdx.x; b < n_bins; b += blockDim.x) block_histogram[b] = 0;
        __syncthreads();
    }
    const long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n_walks; i += stride) {
        int64_t every[MK_WALK_STATISTICS];
        mk_walk_wanted(key, first + (unsigned long long)i, n_steps, level, symmetric,
                       (const int64_t*)steps, cdf, n_law, endpoint_only, every);
        for (int c = 0; c < n_wanted; ++c) {
            const long long bin = mk_walk_bin(every, (const int64_t*)layout + c * MK_BIN_FIELDS);
            /* Two spelled-out adds (not one through a generic pointer) keep the
             * shared-memory atomic a shared one. */
            if (in_shared) atomicAdd(&block_histogram[bin], 1ull);
            else atomicAdd(&histogram[bin], 1ull);
        }
    }
    if (in_shared) {
        __syncthreads();
        for (long long b = threadIdx.x; b < n_bins; b += blockDim.x)
            if (block_histogram[b]) atomicAdd(&histogram[b], block_histogram[b]);
    }
}
"""


def kernel_source() -> str:
    """``philox.cuh``, ``walk.cuh`` and the kernels, pasted into one text.

    Pasting (rather than ``#include``) keys CuPy's kernel cache on the headers'
    text, so an edited header is never served from a stale cache.
    """
    package = importlib.resources.files("mathkit")
    philox = package.joinpath("philox.cuh").read_text()
    walk = package.joinpath("walks", "walk.cuh").read_text().replace('#include "philox.cuh"', "")
    return f"{philox}\n{walk}\n{_KERNEL}"


@functools.cache
def _module():
    import cupy

    return cupy.RawModule(code=kernel_source(), options=("-std=c++17",))


@functools.cache
def _multiprocessors() -> int:
    import cupy

    device = cupy.cuda.Device().id
    return int(cupy.cuda.runtime.getDeviceProperties(device)["multiProcessorCount"])


def _law_arguments(law, statistics) -> tuple:
    """symmetric, steps, cdf, n_law, endpoint_only: the kernels' common arguments."""
    import cupy

    return (np.int32(law.symmetric_simple), cupy.asarray(law.steps, dtype=cupy.int64),
            cupy.asarray(law.cdf, dtype=cupy.float64), np.int32(law.steps.size),
            np.int32(tuple(statistics) == ("endpoint",)))


def histogram_layout(law, n_steps: int, statistics) -> np.ndarray | None:
    """Where each statistic's counts lie in the device histogram (the one definition).

    One row per statistic: (column in ``STATISTICS``, lowest value, number of
    values, censorable, first bin), the fields ``mk_walk_bin`` of
    ``walk.cuh`` reads. The value range holds every value the statistic can
    take in ``n_steps`` steps of ``law`` (steps ``a = min``, ``b = max``):
    endpoint ``[n a, n b]``; maximum ``[0, max(0, n b)]``; minimum
    ``[min(0, n a), 0]``; passage and return times ``[1, n]`` plus a censored
    bin; returns, time positive and last zero ``[0, n]``; range ``[1, max -
    min + 1]``. None when the bins would exceed :data:`MAX_BINS`.
    """
    low_step, high_step = int(law.steps[0]), int(law.steps[-1])
    lowest, highest = min(0, n_steps * low_step), max(0, n_steps * high_step)
    ranges = {
        "endpoint": (n_steps * low_step, n_steps * high_step), "maximum": (0, highest),
        "minimum": (lowest, 0), "first_passage": (1, n_steps), "first_return": (1, n_steps),
        "returns": (0, n_steps), "time_positive": (0, n_steps), "last_zero": (0, n_steps),
        "range": (1, highest - lowest + 1),
    }
    rows, start = [], 0
    for name in statistics:
        low, high = ranges[name]
        censorable = int(name in _MAY_CENSOR)
        rows.append((STATISTICS.index(name), low, high - low + 1, censorable, start))
        start += high - low + 1 + censorable
    return np.array(rows, dtype=np.int64) if start <= MAX_BINS else None


def histogram_bins(layout: np.ndarray) -> int:
    """Total bins of a :func:`histogram_layout`."""
    _, _, n_values, censorable, start = layout[-1].tolist()
    return start + n_values + censorable


def histogram_summary(histogram: np.ndarray, layout: np.ndarray, statistics) -> dict[str, tuple]:
    """A device histogram as ``simulate``'s block summary: name -> (values, counts, censored)."""
    summary = {}
    for name, (_, low, n_values, censorable, start) in zip(statistics, layout.tolist(),
                                                           strict=True):
        counts = histogram[start:start + n_values].astype(np.int64)
        present = np.flatnonzero(counts)
        censored = int(histogram[start + n_values]) if censorable else 0
        summary[name] = (present + low, counts[present], censored)
    return summary


def path_histograms(law, key: int, first: int, n_walks: int, n_steps: int, level: int,
                    statistics) -> dict[str, tuple] | None:
    """Histograms of walks ``first .. first + n_walks - 1``, counted on the device.

    Returns ``simulate``'s block summary, or None when the histogram would be
    too large (:func:`histogram_layout`); the caller then tables the walks.
    """
    layout = histogram_layout(law, n_steps, statistics)
    if layout is None:
        return None
    import cupy

    n_bins = histogram_bins(layout)
    histogram = cupy.zeros(n_bins, dtype=cupy.uint64)
    in_shared = 8 * n_bins <= _SHARED_BYTES
    blocks = min(-(-n_walks // _HISTOGRAM_THREADS), _BLOCKS_PER_SM * _multiprocessors())
    _module().get_function("mk_walks_histogram_kernel")(
        (blocks,), (_HISTOGRAM_THREADS,),
        (np.uint64(key), np.uint64(first), np.int64(n_walks), np.int64(n_steps),
         np.int64(level), *_law_arguments(law, statistics), cupy.asarray(layout),
         np.int32(len(layout)), np.int64(n_bins), np.int32(in_shared), histogram),
        shared_mem=8 * n_bins if in_shared else 0,
    )
    return histogram_summary(cupy.asnumpy(histogram), layout, statistics)


def path_statistics(law, key: int, first: int, n_walks: int, n_steps: int, level: int,
                    statistics) -> np.ndarray:
    """Per-walk statistics of walks ``first .. first + n_walks - 1``, as a numpy table."""
    import cupy

    wanted = cupy.asarray([STATISTICS.index(name) for name in statistics], dtype=cupy.int64)
    out = cupy.empty((n_walks, wanted.size), dtype=cupy.int64)
    blocks = min(-(-n_walks // _THREADS_PER_BLOCK), 65_535 * 32)
    _module().get_function("mk_walks_kernel")(
        (blocks,), (_THREADS_PER_BLOCK,),
        (np.uint64(key), np.uint64(first), np.int64(n_walks), np.int64(n_steps),
         np.int64(level), *_law_arguments(law, statistics), wanted, np.int32(wanted.size), out),
    )
    return cupy.asnumpy(out)
