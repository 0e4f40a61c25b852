"""Philox4x32-10 compiled with numba, for use inside ``njit``/``prange`` kernels.

The same :func:`mathkit._random.philox_rounds` that numpy runs vectorized is
compiled here for ``uint64`` scalars; the mapping of (key, item, block) to
words and uniforms is the one documented in :mod:`mathkit._random`. Import
this module only from code that already needs numba.
"""

import numba
import numpy as np

from mathkit._random import MASK32, SHIFT32, philox_rounds

_rounds = numba.njit(inline="always")(philox_rounds)
_SHIFT5, _SHIFT6, _SHIFT8, _SHIFT26 = np.uint64(5), np.uint64(6), np.uint64(8), np.uint64(26)


@numba.njit(inline="always")
def philox4x32(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10 of one counter (c0..c3) under key (k0, k1); four uint64 words."""
    return _rounds(
        np.uint64(c0), np.uint64(c1), np.uint64(c2), np.uint64(c3), np.uint64(k0), np.uint64(k1)
    )


@numba.njit(inline="always")
def random_words(k0, k1, item, block):
    """The four words of (key, item, block) as uint64 values below 2**32."""
    item, block = np.uint64(item), np.uint64(block)
    return _rounds(
        item & MASK32, item >> SHIFT32, block & MASK32, block >> SHIFT32,
        np.uint64(k0), np.uint64(k1),
    )


@numba.njit(inline="always")
def uniform24(k0, k1, item, block):
    """Four uniforms of 24-bit resolution, as :func:`mathkit._random.uniform24`."""
    w0, w1, w2, w3 = random_words(k0, k1, item, block)
    scale = 2.0**-24
    return (
        (w0 >> _SHIFT8) * scale, (w1 >> _SHIFT8) * scale,
        (w2 >> _SHIFT8) * scale, (w3 >> _SHIFT8) * scale,
    )


@numba.njit(inline="always")
def uniform53(k0, k1, item, block):
    """Two uniforms of 53-bit resolution, as :func:`mathkit._random.uniform53`."""
    w0, w1, w2, w3 = random_words(k0, k1, item, block)
    scale = 2.0**-53
    return (
        (((w0 >> _SHIFT5) << _SHIFT26) + (w1 >> _SHIFT6)) * scale,
        (((w2 >> _SHIFT5) << _SHIFT26) + (w3 >> _SHIFT6)) * scale,
    )


@numba.njit(parallel=True)
def random_words_array(k0, k1, items, block):
    """Words for many items (``prange`` over items); shape (len(items), 4), uint32."""
    out = np.empty((items.size, 4), dtype=np.uint32)
    for index in numba.prange(items.size):
        words = random_words(k0, k1, items[index], block)
        for lane in range(4):
            out[index, lane] = words[lane]
    return out
