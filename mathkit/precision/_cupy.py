"""Rounding on the GPU through CuPy: thin kernels around ``rounding.cuh``.

One thread per element (grid-stride loop) calls ``mk_round`` of
``mathkit/precision/rounding.cuh``, which transcribes the algorithm of
:mod:`mathkit.precision.rounding` (whose numpy code is the reference); the
results are bit-identical to it, stochastic rounding included (the same
Philox4x32-10 numbers, from ``mathkit/philox.cuh``).

CuPy is imported on first use, not with this module. Inputs may be numpy or
CuPy arrays of float32 or float64 (float16 is converted to float64 first);
results are CuPy float64 arrays on the current device.
"""

from __future__ import annotations

import functools
import importlib.resources

import numpy as np

from mathkit.precision.formats import Format

__all__ = ["kernel_source", "round_array"]

_THREADS_PER_BLOCK = 256
_MAX_GRID = 2**31 - 1

_KERNELS = r"""
#define MK_ROUND_KERNEL(NAME, TYPE)                                                   \
extern "C" __global__ void NAME(                                                      \
    const TYPE* x, double* out, long long n, int precision, int emin, double largest,  \
    int subnormals, int infinities, int negative_zero, int mode, int overflow,         \
    unsigned long long key, unsigned long long offset)                                 \
{                                                                                     \
    const mk_float_format f = {precision, emin, largest, subnormals, infinities,       \
                               negative_zero};                                        \
    const long long stride = (long long)gridDim.x * blockDim.x;                       \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;        \
         i += stride) {                                                               \
        out[i] = mk_round((double)x[i], f, mode, overflow, key,                        \
                          offset + (unsigned long long)i);                            \
    }                                                                                 \
}

MK_ROUND_KERNEL(mk_round_f64_kernel, double)
MK_ROUND_KERNEL(mk_round_f32_kernel, float)
"""


def kernel_source() -> str:
    """The CUDA source: ``philox.cuh``, ``rounding.cuh`` and the ``__global__`` wrappers.

    The headers are pasted in rather than ``#include``d so that CuPy's kernel
    cache, keyed by the source text, sees any change to them.
    """
    philox = importlib.resources.files("mathkit").joinpath("philox.cuh").read_text()
    rounding = importlib.resources.files("mathkit.precision").joinpath("rounding.cuh").read_text()
    return f"{philox}\n{rounding}\n{_KERNELS}"


@functools.cache
def _module():
    import cupy

    return cupy.RawModule(code=kernel_source(), options=("-std=c++17",))


def round_array(x, fmt: Format, mode: int, overflow: int, key: int, index_offset: int):
    """Round a 1-D array (numpy or CuPy) on the GPU; a CuPy float64 array out.

    ``mode`` and ``overflow`` are the integer codes of
    :data:`mathkit.precision.rounding.MODES` and ``OVERFLOWS``; ``key`` the
    64-bit Philox key; element ``i`` uses counter ``index_offset + i``.
    """
    import cupy

    x = cupy.asarray(x)
    if x.dtype not in (cupy.float32, cupy.float64):
        x = x.astype(cupy.float64)
    x = cupy.ascontiguousarray(x).ravel()
    n = x.size
    out = cupy.empty(n, dtype=cupy.float64)
    if n:
        name = "mk_round_f64_kernel" if x.dtype == cupy.float64 else "mk_round_f32_kernel"
        kernel = _module().get_function(name)
        grid = min(-(-n // _THREADS_PER_BLOCK), _MAX_GRID)
        arguments = (
            x, out, np.int64(n), np.int32(fmt.precision), np.int32(fmt.emin),
            np.float64(fmt.max), np.int32(fmt.subnormals), np.int32(fmt.infinities),
            np.int32(fmt.has_negative_zero), np.int32(mode), np.int32(overflow),
            np.uint64(key), np.uint64(index_offset),
        )
        kernel((grid,), (_THREADS_PER_BLOCK,), arguments)
    return out
