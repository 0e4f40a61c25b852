"""Philox4x32-10: known answers, numpy == numba, the rng -> key contract, uniforms."""

import numba
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from mathkit import _random, _random_numba

UINT64 = st.integers(0, 2**64 - 1)


@pytest.mark.parametrize(("counter", "key", "expected"), _random.PHILOX_KNOWN_ANSWERS)
def test_known_answers_numpy(counter, key, expected):
    assert tuple(int(w) for w in _random.philox4x32(counter, key)) == expected


@pytest.mark.parametrize(("counter", "key", "expected"), _random.PHILOX_KNOWN_ANSWERS)
def test_known_answers_numba(counter, key, expected):
    assert tuple(int(w) for w in _random_numba.philox4x32(*counter, *key)) == expected


def test_known_answers_vectorized_over_a_batch():
    counters = np.array([c for c, _, _ in _random.PHILOX_KNOWN_ANSWERS], dtype=np.uint32)
    keys = np.array([k for _, k, _ in _random.PHILOX_KNOWN_ANSWERS], dtype=np.uint32)
    expected = np.array([e for _, _, e in _random.PHILOX_KNOWN_ANSWERS], dtype=np.uint32)
    out = _random.philox4x32(counters, keys)
    assert out.dtype == np.uint32
    np.testing.assert_array_equal(out, expected)


@given(key=UINT64, item=UINT64, block=UINT64)
@example(key=0, item=0, block=0)
@example(key=2**64 - 1, item=2**64 - 1, block=2**64 - 1)
@example(key=2**32, item=2**32 - 1, block=2**32)
def test_numba_words_equal_numpy(key, item, block):
    k0, k1 = _random.split_key(key)
    compiled = tuple(
        int(w) for w in _random_numba.random_words(k0, k1, np.uint64(item), np.uint64(block)))
    reference = tuple(int(w) for w in _random.random_words(key, np.uint64(item), np.uint64(block)))
    assert compiled == reference


@given(key=UINT64, item=UINT64, block=st.integers(0, 2**40))
def test_numba_uniforms_equal_numpy(key, item, block):
    k0, k1 = _random.split_key(key)
    item64 = np.uint64(item)
    assert _random_numba.uniform53(k0, k1, item64, block) == tuple(
        _random.uniform53(key, item64, block))
    assert _random_numba.uniform24(k0, k1, item64, block) == tuple(
        _random.uniform24(key, item64, block))


@given(key=UINT64, item=UINT64, block=UINT64)
def test_counter_layout_is_item_then_block(key, item, block):
    """The documented contract: counter = (item lo, item hi, block lo, block hi)."""
    counter = [item & 0xFFFFFFFF, item >> 32, block & 0xFFFFFFFF, block >> 32]
    expected = _random.philox4x32(np.array(counter, dtype=np.uint64),
                                  np.array(_random.split_key(key), dtype=np.uint64))
    words = _random.random_words(key, np.uint64(item), np.uint64(block))
    np.testing.assert_array_equal(words, expected)


@given(key=UINT64, cuts=st.lists(st.integers(0, 300), max_size=5))
def test_words_do_not_depend_on_chunking(key, cuts):
    items = np.arange(300)
    whole = _random.random_words(key, items, 5)
    parts = np.split(items, sorted(set(cuts)))
    chunked = np.concatenate([_random.random_words(key, part, 5) for part in parts])
    np.testing.assert_array_equal(whole, chunked)


@pytest.mark.parametrize("threads", [1, 2])
def test_parallel_numba_words_equal_numpy_for_any_thread_count(threads):
    key = _random.key_from_rng(7)
    k0, k1 = _random.split_key(key)
    items = np.arange(10_000, dtype=np.uint64) * np.uint64(2**33 + 1)
    previous = numba.get_num_threads()
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    try:
        compiled = _random_numba.random_words_array(k0, k1, items, 3)
    finally:
        numba.set_num_threads(previous)
    np.testing.assert_array_equal(compiled, _random.random_words(key, items, 3))


@given(key=UINT64)
def test_uniforms_lie_on_their_grids_in_unit_interval(key):
    u24 = _random.uniform24(key, np.arange(64))
    u53 = _random.uniform53(key, np.arange(64))
    for u, bits in ((u24, 24), (u53, 53)):
        assert ((u >= 0) & (u < 1)).all()
        np.testing.assert_array_equal(np.ldexp(u, bits), np.floor(np.ldexp(u, bits)))
    np.testing.assert_array_equal(u24.astype(np.float32), u24)


@given(key=UINT64, item=st.integers(0, 2**63))
def test_uniforms_follow_the_documented_word_mapping(key, item):
    w0, w1, w2, w3 = (int(w) for w in _random.random_words(key, item))
    expected53 = [((w0 >> 5) * 2**26 + (w1 >> 6)) / 2**53, ((w2 >> 5) * 2**26 + (w3 >> 6)) / 2**53]
    assert _random.uniform53(key, item).tolist() == expected53
    assert _random.uniform24(key, item).tolist() == [(w >> 8) / 2**24 for w in (w0, w1, w2, w3)]


def test_key_from_int_follows_the_documented_seed_sequence_mapping():
    k0, k1 = np.random.SeedSequence(12345).generate_state(2, dtype=np.uint32)
    assert _random.key_from_rng(12345) == int(k0) | (int(k1) << 32)
    assert _random.key_from_rng(np.random.SeedSequence(12345)) == _random.key_from_rng(12345)
    assert _random.key_from_rng(np.int64(12345)) == _random.key_from_rng(12345)


def test_key_from_generator_takes_one_draw():
    generator = np.random.default_rng(3)
    expected = int(np.random.default_rng(3).integers(0, 2**64, dtype=np.uint64))
    assert _random.key_from_rng(generator) == expected
    assert _random.key_from_rng(generator) != expected  # the generator advanced


def test_key_from_none_is_fresh_entropy():
    keys = {_random.key_from_rng(None) for _ in range(4)}
    assert len(keys) == 4
    assert all(0 <= key < 2**64 for key in keys)


@given(seed=st.integers(0, 2**128))
def test_keys_are_64_bit(seed):
    assert 0 <= _random.key_from_rng(seed) < 2**64


@pytest.mark.parametrize(
    ("rng", "error", "match"),
    [
        (1.5, TypeError, "rng must be None, an int.*got float"),
        (True, TypeError, "got bool"),
        ("42", TypeError, "got str"),
        (-1, ValueError, "rng must be a non-negative integer seed, got -1"),
    ],
)
def test_key_from_rng_rejects_bad_input(rng, error, match):
    with pytest.raises(error, match=match):
        _random.key_from_rng(rng)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: _random.split_key(-1), ValueError, r"key must be in \[0, 2\*\*64\), got -1"),
        (lambda: _random.split_key(2**64), ValueError, "key must be in"),
        (lambda: _random.split_key(1.0), TypeError, "key must be an integer, got float"),
        (lambda: _random.philox4x32([0, 0, 0], [0, 0]), ValueError, r"counter must be .*\(3,\)"),
        (lambda: _random.philox4x32([0, 0, 0, 0], [0, 2**32]), ValueError, "key words must be"),
        (lambda: _random.philox4x32([0.5] * 4, [0, 0]), ValueError, "counter must be integers"),
        (lambda: _random.random_words(0, [-1]), ValueError, "item must be non-negative, got -1"),
        (lambda: _random.random_words(0, [0.5]), TypeError, "item must be integers"),
        (lambda: _random.random_words(0, 0, -2), ValueError, "block must be non-negative"),
    ],
)
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
