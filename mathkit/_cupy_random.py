"""Philox4x32-10 on the GPU through CuPy: the kernels of ``philox.cuh``.

Thin ``__global__`` wrappers, one thread per (item, block) element, around the
``__host__ __device__`` functions of ``mathkit/philox.cuh``, which transcribes
the specification of :mod:`mathkit._random` (whose numpy code is the
reference). Results are bit-identical to :func:`mathkit._random.random_words`,
:func:`~mathkit._random.uniform24` and :func:`~mathkit._random.uniform53`.

CuPy is imported on first use, not with this module; only code that chose the
``"cupy"`` backend calls these functions. Inputs may be numpy or CuPy arrays;
results are CuPy arrays on the current device.
"""

from __future__ import annotations

import functools
import importlib.resources

import numpy as np

from mathkit._random import split_key

__all__ = ["kernel_source", "random_words", "uniform24", "uniform53"]

_THREADS_PER_BLOCK = 256
_MAX_GRID = 2**31 - 1

_KERNELS = r"""
extern "C" __global__ void mk_random_words_kernel(
    unsigned long long key, const unsigned long long* items,
    const unsigned long long* blocks, unsigned int* out, long long n)
{
    const long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        uint32_t w[4];
        mk_random_words(key, items[i], blocks[i], w);
        out[4 * i + 0] = w[0];
        out[4 * i + 1] = w[1];
        out[4 * i + 2] = w[2];
        out[4 * i + 3] = w[3];
    }
}

extern "C" __global__ void mk_uniform24_kernel(
    unsigned long long key, const unsigned long long* items,
    const unsigned long long* blocks, double* out, long long n)
{
    const long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        double u[4];
        mk_uniform24(key, items[i], blocks[i], u);
        out[4 * i + 0] = u[0];
        out[4 * i + 1] = u[1];
        out[4 * i + 2] = u[2];
        out[4 * i + 3] = u[3];
    }
}

extern "C" __global__ void mk_uniform53_kernel(
    unsigned long long key, const unsigned long long* items,
    const unsigned long long* blocks, double* out, long long n)
{
    const long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        double u[2];
        mk_uniform53(key, items[i], blocks[i], u);
        out[2 * i + 0] = u[0];
        out[2 * i + 1] = u[1];
    }
}
"""


def kernel_source() -> str:
    """The CUDA source of the kernels: ``philox.cuh``'s text followed by the wrappers.

    The header is pasted in rather than ``#include``d so that CuPy's kernel
    cache, keyed by the source text, sees any change to it.
    """
    header = importlib.resources.files("mathkit").joinpath("philox.cuh").read_text()
    return f"{header}\n{_KERNELS}"


@functools.cache
def _module():
    import cupy

    return cupy.RawModule(code=kernel_source(), options=("-std=c++17",))


def random_words(key: int, items, block=0):
    """The four 32-bit words of (key, item, block), computed on the GPU.

    As :func:`mathkit._random.random_words`: ``items`` and ``block`` are
    non-negative integers below 2**64 and broadcast against each other.

    Returns
    -------
    cupy.ndarray of uint32, shape ``broadcast(items, block).shape + (4,)``
    """
    return _launch("mk_random_words_kernel", key, items, block, 4, np.uint32)


def uniform24(key: int, items, block=0):
    """Four uniforms of 24-bit resolution per (item, block), as float64 on the GPU.

    As :func:`mathkit._random.uniform24`; shape ``broadcast(items, block).shape + (4,)``.
    """
    return _launch("mk_uniform24_kernel", key, items, block, 4, np.float64)


def uniform53(key: int, items, block=0):
    """Two uniforms of 53-bit resolution per (item, block), as float64 on the GPU.

    As :func:`mathkit._random.uniform53`; shape ``broadcast(items, block).shape + (2,)``.
    """
    return _launch("mk_uniform53_kernel", key, items, block, 2, np.float64)


def _launch(kernel_name: str, key: int, items, block, width: int, dtype):
    import cupy

    k0, k1 = split_key(key)
    items, block = cupy.broadcast_arrays(_index(items, "items"), _index(block, "block"))
    shape = items.shape
    items = cupy.ascontiguousarray(items).ravel()
    block = cupy.ascontiguousarray(block).ravel()
    n = items.size
    out = cupy.empty((*shape, width), dtype=dtype)
    if n:
        grid = min(-(-n // _THREADS_PER_BLOCK), _MAX_GRID)
        kernel = _module().get_function(kernel_name)
        arguments = (np.uint64(k0 | (k1 << 32)), items, block, out, np.int64(n))
        kernel((grid,), (_THREADS_PER_BLOCK,), arguments)
    return out


def _index(value, name: str):
    """``value`` as a CuPy uint64 array, after checking it holds non-negative integers."""
    import cupy

    array = value if isinstance(value, cupy.ndarray) else np.asarray(value)
    if array.dtype.kind not in "ui":
        msg = f"{name} must be integers, got dtype {array.dtype}"
        raise TypeError(msg)
    if array.dtype.kind == "i" and array.size and int(array.min()) < 0:
        msg = f"{name} must be non-negative, got {int(array.min())}"
        raise ValueError(msg)
    return cupy.asarray(array).astype(cupy.uint64, copy=False)
