"""Counter-based randomness: Philox4x32-10 and the map from ``rng`` to a key.

Every simulation in mathkit draws its random numbers from Philox4x32-10
(Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3",
SC'11; the generator behind cuRAND's ``PHILOX4_32_10``). Philox is a keyed
bijection of a 128-bit counter, so the random words of any item can be computed
directly from (key, item, block) without generating those of other items. That
is what makes a result independent of the engine, the chunking and the number
of threads.

The mapping below is part of the public contract: changing it changes every
published result.

**Key.** A 64-bit integer ``key`` split into two 32-bit words
``k0 = key & 0xFFFFFFFF`` and ``k1 = key >> 32``. :func:`key_from_rng` makes it:

- ``int`` or :class:`numpy.random.SeedSequence` ``s``: the two words of
  ``SeedSequence(s).generate_state(2, dtype=uint32)``, as ``k0, k1``;
- :class:`numpy.random.Generator` ``g``: one draw,
  ``g.integers(0, 2**64, dtype=uint64)`` (the generator advances);
- ``None``: as a fresh ``SeedSequence()`` (OS entropy; not reproducible).

**Counter.** For item ``i`` (a walk, a sample, an array element) and block
``j`` (the j-th group of four words of that item), the counter words are
``(c0, c1, c2, c3) = (i & 0xFFFFFFFF, i >> 32, j & 0xFFFFFFFF, j >> 32)``.
Each (item, block) pair gives four 32-bit words ``w0..w3``.

**Uniforms.** 24-bit: ``u = (w >> 8) * 2**-24`` for each of the four words.
53-bit: ``u = ((w0 >> 5) * 2**26 + (w1 >> 6)) * 2**-53`` from ``(w0, w1)`` and
likewise from ``(w2, w3)``: two per block, as numpy's ``random()`` builds a
double from two 32-bit words. Both lie in [0, 1) and are exact multiples of
their resolution.

The round function below is written once, with operators that mean the same on
numpy ``uint64`` arrays and on numba ``uint64`` scalars: numpy runs it
vectorized (the reference) and :mod:`mathkit._random_numba` compiles the very
same function. ``philox.cuh`` is the CUDA C transcription of the same
specification; known-answer tests pin all three to the Random123 vectors.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "PHILOX_KNOWN_ANSWERS",
    "key_from_rng",
    "philox4x32",
    "random_words",
    "split_key",
    "uniform24",
    "uniform53",
]

# Philox4x32 multipliers and Weyl key increments (Salmon et al. 2011, Table 2).
MULTIPLIER_0 = np.uint64(0xD2511F53)
MULTIPLIER_1 = np.uint64(0xCD9E8D57)
WEYL_0 = np.uint64(0x9E3779B9)
WEYL_1 = np.uint64(0xBB67AE85)
MASK32 = np.uint64(0xFFFFFFFF)
SHIFT32 = np.uint64(32)
ROUNDS = 10

#: Random123 known-answer vectors for Philox4x32-10: (counter, key, output).
PHILOX_KNOWN_ANSWERS = (
    ((0x00000000, 0x00000000, 0x00000000, 0x00000000), (0x00000000, 0x00000000),
     (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF), (0xFFFFFFFF, 0xFFFFFFFF),
     (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
)


def philox_rounds(c0, c1, c2, c3, k0, k1):
    """Ten Philox4x32 rounds on ``uint64`` values that hold 32-bit words.

    Shared by numpy (arrays, vectorized) and numba (scalars, compiled): the
    caller must pass ``uint64`` values below 2**32. Products of two 32-bit
    words fit in 64 bits, so nothing overflows.
    """
    for _ in range(ROUNDS):
        product_0 = MULTIPLIER_0 * c0
        product_1 = MULTIPLIER_1 * c2
        c0, c1, c2, c3 = (
            (product_1 >> SHIFT32) ^ c1 ^ k0,
            product_1 & MASK32,
            (product_0 >> SHIFT32) ^ c3 ^ k1,
            product_0 & MASK32,
        )
        k0 = (k0 + WEYL_0) & MASK32
        k1 = (k1 + WEYL_1) & MASK32
    return c0, c1, c2, c3


def philox4x32(counter, key) -> np.ndarray:
    """Philox4x32-10 of a batch of counters under one or many keys.

    Parameters
    ----------
    counter : array_like of uint32, shape (..., 4)
        Counter words ``c0..c3``.
    key : array_like of uint32, shape (..., 2)
        Key words ``k0, k1``; broadcasts against ``counter``'s leading axes.

    Returns
    -------
    numpy.ndarray of uint32, shape (..., 4)
        The four output words.

    Examples
    --------
    >>> out = philox4x32([0, 0, 0, 0], [0, 0])
    >>> [f"{w:08x}" for w in out]
    ['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']
    """
    counter = _words(counter, "counter", 4)
    key = _words(key, "key", 2)
    words = philox_rounds(*np.moveaxis(counter, -1, 0), *np.moveaxis(key, -1, 0))
    return np.stack(np.broadcast_arrays(*words), axis=-1).astype(np.uint32)


def _words(value, name: str, count: int) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "ui" or array.shape[-1:] != (count,):
        msg = f"{name} must be integers of shape (..., {count}), got {array.dtype} {array.shape}"
        raise ValueError(msg)
    if array.size and (array.min() < 0 or array.max() > 0xFFFFFFFF):
        msg = f"{name} words must be in [0, 2**32), got values in [{array.min()}, {array.max()}]"
        raise ValueError(msg)
    return array.astype(np.uint64)


def split_key(key: int) -> tuple[int, int]:
    """Split a 64-bit key into its words ``(k0, k1) = (key & 0xFFFFFFFF, key >> 32)``.

    Examples
    --------
    >>> split_key(0x0123456789ABCDEF) == (0x89ABCDEF, 0x01234567)
    True
    """
    if isinstance(key, bool) or not isinstance(key, numbers.Integral):
        msg = f"key must be an integer, got {type(key).__name__}"
        raise TypeError(msg)
    key = int(key)
    if not 0 <= key < 2**64:
        msg = f"key must be in [0, 2**64), got {key}"
        raise ValueError(msg)
    return key & 0xFFFFFFFF, key >> 32


def key_from_rng(rng=None) -> int:
    """Turn ``rng`` (None, int, SeedSequence or Generator) into a 64-bit key.

    Parameters
    ----------
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        The seed, following SPEC 7. The mapping is given in the module
        docstring and never changes.

    Returns
    -------
    int
        The key, in [0, 2**64).

    Raises
    ------
    TypeError
        If ``rng`` is of another type (``bool`` and ``float`` included).
    ValueError
        If ``rng`` is a negative integer.

    Examples
    --------
    >>> key_from_rng(42) == key_from_rng(42)
    True
    >>> key_from_rng(42) != key_from_rng(43)
    True
    """
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**64, dtype=np.uint64))
    if rng is None or isinstance(rng, np.random.SeedSequence):
        sequence = np.random.SeedSequence() if rng is None else rng
    elif isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            msg = f"rng must be a non-negative integer seed, got {rng}"
            raise ValueError(msg)
        sequence = np.random.SeedSequence(int(rng))
    else:
        msg = (
            "rng must be None, an int, a numpy SeedSequence or a numpy Generator, "
            f"got {type(rng).__name__}"
        )
        raise TypeError(msg)
    k0, k1 = (int(word) for word in sequence.generate_state(2, dtype=np.uint32))
    return k0 | (k1 << 32)


def random_words(key: int, item, block=0) -> np.ndarray:
    """The four 32-bit words of (key, item, block).

    Parameters
    ----------
    key : int
        64-bit key from :func:`key_from_rng`.
    item, block : array_like of int
        Item index and block index, each in [0, 2**64); they broadcast.

    Returns
    -------
    numpy.ndarray of uint32, shape ``broadcast(item, block).shape + (4,)``

    Examples
    --------
    >>> random_words(key_from_rng(0), [0, 1]).shape
    (2, 4)
    """
    k0, k1 = split_key(key)
    item, block = np.broadcast_arrays(_index(item, "item"), _index(block, "block"))
    words = philox_rounds(
        item & MASK32, item >> SHIFT32, block & MASK32, block >> SHIFT32,
        np.uint64(k0), np.uint64(k1),
    )
    return np.stack(np.broadcast_arrays(*words), axis=-1).astype(np.uint32)


def _index(value, name: str) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind == "u":
        return array.astype(np.uint64)
    if array.dtype.kind != "i":
        msg = f"{name} must be integers, got dtype {array.dtype}"
        raise TypeError(msg)
    if array.size and array.min() < 0:
        msg = f"{name} must be non-negative, got {array.min()}"
        raise ValueError(msg)
    return array.astype(np.uint64)


def uniform24(key: int, item, block=0) -> np.ndarray:
    """Four uniforms in [0, 1) of 24-bit resolution per (item, block).

    ``u = (w >> 8) * 2**-24``: exactly representable in float32 too.

    Examples
    --------
    >>> u = uniform24(key_from_rng(1), range(1000))
    >>> u.shape, bool(((0 <= u) & (u < 1)).all())
    ((1000, 4), True)
    """
    words = random_words(key, item, block)
    return (words >> np.uint32(8)).astype(np.float64) * 2.0**-24


def uniform53(key: int, item, block=0) -> np.ndarray:
    """Two uniforms in [0, 1) of 53-bit resolution per (item, block).

    ``u = ((w0 >> 5) * 2**26 + (w1 >> 6)) * 2**-53``, then the same from
    ``(w2, w3)``.

    Examples
    --------
    >>> uniform53(key_from_rng(1), [0, 1, 2]).shape
    (3, 2)
    """
    words = random_words(key, item, block).astype(np.uint64)
    high, low = words[..., 0::2] >> np.uint64(5), words[..., 1::2] >> np.uint64(6)
    return ((high << np.uint64(26)) + low).astype(np.float64) * 2.0**-53
