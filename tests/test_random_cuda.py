"""The CUDA C Philox (mathkit/philox.cuh) against the numpy reference, bit for bit.

Without a GPU: ``tests/cuda/philox_host.cu`` includes the header and is
compiled for the host with nvcc (as CUDA, and as plain C++); it reads
(counter, key) or (key, item, block) lines on stdin and prints the words in
hex and the uniforms with ``%a``, so every comparison is exact. The kernels of
``mathkit._cupy_random`` are compile-checked for sm_90. With a GPU and CuPy:
those kernels run and are compared with numpy on a million items.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mathkit import _random
from mathkit._backend import engine_status
from tests.nvcc import compile_device_code, compile_host_program, requires_nvcc

HOST_SOURCE = Path(__file__).parent / "cuda" / "philox_host.cu"
U64_MAX = 2**64 - 1

#: Index values where carries and word splits happen.
EDGE_INDICES = (
    0, 1, 2, 0xFFFFFFFE, 0xFFFFFFFF, 2**32, 2**32 + 1, 2**33 - 1,
    2**63 - 1, 2**63, U64_MAX - 1, U64_MAX,
)
EDGE_KEYS = (0, 1, 0xFFFFFFFF, 2**32, 2**63, U64_MAX - 1, U64_MAX)


@pytest.fixture(scope="module", params=["cu", "c++"])
def philox_host(request):
    """Run the host driver (compiled once per session and cached) on a list of command lines."""
    program = compile_host_program(
        HOST_SOURCE.read_text(), f"philox_host_{request.param.replace('+', 'p')}",
        language=request.param,
    )

    def run(lines: list[str]) -> list[list[str]]:
        result = subprocess.run(
            [str(program)], input="\n".join(lines) + "\n",
            capture_output=True, text=True, check=False, timeout=120,
        )
        assert result.returncode == 0, result.stderr
        rows = [line.split() for line in result.stdout.splitlines()]
        assert len(rows) == len(lines)
        return rows

    return run


def _host_streams(run, keys, items, blocks):
    """Words, uniform24 (double and float) and uniform53 of the host driver, as numpy arrays."""
    lines = [f"R {k:x} {i:x} {b:x}" for k, i, b in zip(keys, items, blocks, strict=True)]
    rows = np.array(run(lines), dtype=object).reshape(len(lines), 14)
    words = np.array([[int(w, 16) for w in row] for row in rows[:, :4]], dtype=np.uint32)
    as_float = np.vectorize(float.fromhex, otypes=[np.float64])
    return words, as_float(rows[:, 4:8]), as_float(rows[:, 8:12]), as_float(rows[:, 12:14])


def _reference_streams(keys, items, blocks):
    """The numpy reference for the same triples (one vectorized call per distinct key)."""
    keys = np.asarray(keys, dtype=np.uint64)
    items = np.asarray(items, dtype=np.uint64)
    blocks = np.asarray(blocks, dtype=np.uint64)
    words = np.empty((keys.size, 4), np.uint32)
    u24 = np.empty((keys.size, 4))
    u53 = np.empty((keys.size, 2))
    for key in np.unique(keys):
        rows = keys == key
        words[rows] = _random.random_words(int(key), items[rows], blocks[rows])
        u24[rows] = _random.uniform24(int(key), items[rows], blocks[rows])
        u53[rows] = _random.uniform53(int(key), items[rows], blocks[rows])
    return words, u24, u53


def _assert_same_streams(run, keys, items, blocks):
    words, u24, u24f, u53 = _host_streams(run, keys, items, blocks)
    ref_words, ref_u24, ref_u53 = _reference_streams(keys, items, blocks)
    np.testing.assert_array_equal(words, ref_words)
    # Exact float equality is the point: the same bits, not close values.
    np.testing.assert_array_equal(u24, ref_u24)
    np.testing.assert_array_equal(u24f, ref_u24)
    np.testing.assert_array_equal(u53, ref_u53)


@requires_nvcc
@pytest.mark.nvcc
def test_known_answers(philox_host):
    lines = [
        "P " + " ".join(f"{w:x}" for w in (*counter, *key))
        for counter, key, _ in _random.PHILOX_KNOWN_ANSWERS
    ]
    got = [tuple(int(w, 16) for w in row) for row in philox_host(lines)]
    assert got == [expected for _, _, expected in _random.PHILOX_KNOWN_ANSWERS]


@requires_nvcc
@pytest.mark.nvcc
def test_raw_rounds_match_numpy(philox_host):
    rng = np.random.default_rng(20261129)
    counters = rng.integers(0, 2**32, size=(500, 4), dtype=np.uint32)
    keys = rng.integers(0, 2**32, size=(500, 2), dtype=np.uint32)
    counters[:4] = [[0] * 4, [0xFFFFFFFF] * 4, [0, 0xFFFFFFFF, 0, 0xFFFFFFFF], [1, 0, 0, 0]]
    keys[:4] = [[0, 0], [0xFFFFFFFF] * 2, [0xFFFFFFFF, 0], [0, 1]]
    lines = [
        "P " + " ".join(f"{int(w):x}" for w in (*c, *k))
        for c, k in zip(counters, keys, strict=True)
    ]
    got = np.array([[int(w, 16) for w in row] for row in philox_host(lines)], dtype=np.uint32)
    np.testing.assert_array_equal(got, _random.philox4x32(counters, keys))


@requires_nvcc
@pytest.mark.nvcc
def test_streams_match_numpy_at_edges_and_at_random(philox_host):
    rng = np.random.default_rng(7)
    keys = [*EDGE_KEYS, _random.key_from_rng(0), _random.key_from_rng(12345)]
    keys += [int(k) for k in rng.integers(0, 2**64, size=3, dtype=np.uint64)]
    triples = []
    for key in keys:
        # Every pair of edge indices, item against block...
        triples += [(key, item, block) for item in EDGE_INDICES for block in EDGE_INDICES]
        # ...and random 64-bit and small indices.
        random_items = rng.integers(0, 2**64, size=150, dtype=np.uint64)
        random_blocks = rng.integers(0, 2**64, size=150, dtype=np.uint64)
        triples += [(key, int(i), int(b)) for i, b in zip(random_items, random_blocks, strict=True)]
        triples += [(key, item, block) for item in range(10) for block in range(5)]
    assert len(triples) > 3000
    _assert_same_streams(philox_host, *zip(*triples, strict=True))


@requires_nvcc
@pytest.mark.nvcc
@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, U64_MAX),
            st.one_of(st.sampled_from(EDGE_INDICES), st.integers(0, U64_MAX)),
            st.one_of(st.sampled_from(EDGE_INDICES), st.integers(0, U64_MAX)),
        ),
        min_size=1, max_size=40,
    )
)
def test_streams_match_numpy_property(philox_host, triples):
    _assert_same_streams(philox_host, *zip(*triples, strict=True))


@requires_nvcc
@pytest.mark.nvcc
def test_device_code_compiles_for_sm90():
    """The GPU side (``__umulhi`` branch) and the CuPy kernels compile for a Hopper GPU."""
    from mathkit import _cupy_random  # imports no CuPy until a kernel runs

    ptx = compile_device_code(_cupy_random.kernel_source(), "cupy_random_kernels").read_text()
    for name in ("mk_random_words_kernel", "mk_uniform24_kernel", "mk_uniform53_kernel"):
        assert f".entry {name}(" in ptx
    assert "mul.hi.u32" in ptx  # __umulhi, not a 64-bit product, on the device


# --------------------------------------------------------------------------- GPU


def _require_gpu():
    status = engine_status("cupy")
    if not status.available:
        pytest.skip(f"CuPy GPU backend unavailable: {status.reason}")
    import cupy

    from mathkit import _cupy_random

    return cupy, _cupy_random


GPU_ITEMS = 1_000_000


@pytest.mark.gpu
@pytest.mark.parametrize("key", [0, U64_MAX, _random.key_from_rng(2026)])
def test_gpu_random_words_match_numpy(key):
    cupy, _cupy_random = _require_gpu()
    items = np.arange(GPU_ITEMS, dtype=np.uint64)
    for block in (0, 3, 2**32, U64_MAX):
        got = _cupy_random.random_words(key, cupy.asarray(items), block)
        assert isinstance(got, cupy.ndarray)
        assert got.dtype == np.uint32
        assert got.shape == (GPU_ITEMS, 4)
        np.testing.assert_array_equal(cupy.asnumpy(got), _random.random_words(key, items, block))


@pytest.mark.gpu
def test_gpu_uniforms_match_numpy():
    cupy, _cupy_random = _require_gpu()
    key = _random.key_from_rng(99)
    rng = np.random.default_rng(99)
    items = rng.integers(0, 2**64, size=GPU_ITEMS, dtype=np.uint64)
    blocks = rng.integers(0, 2**64, size=GPU_ITEMS, dtype=np.uint64)
    u53 = _cupy_random.uniform53(key, cupy.asarray(items), cupy.asarray(blocks))
    u24 = _cupy_random.uniform24(key, items, blocks)  # numpy in works too
    assert u53.dtype == np.float64
    assert u53.shape == (GPU_ITEMS, 2)
    np.testing.assert_array_equal(cupy.asnumpy(u53), _random.uniform53(key, items, blocks))
    np.testing.assert_array_equal(cupy.asnumpy(u24), _random.uniform24(key, items, blocks))


@pytest.mark.gpu
def test_gpu_edges_broadcasting_and_errors():
    cupy, _cupy_random = _require_gpu()
    items = np.array(EDGE_INDICES, dtype=np.uint64)
    blocks = items[:, None]
    got = _cupy_random.random_words(U64_MAX, items, blocks)
    assert got.shape == (len(EDGE_INDICES), len(EDGE_INDICES), 4)
    np.testing.assert_array_equal(cupy.asnumpy(got), _random.random_words(U64_MAX, items, blocks))
    assert _cupy_random.uniform53(1, np.zeros(0, dtype=np.int64)).shape == (0, 2)
    with pytest.raises(ValueError, match="items must be non-negative"):
        _cupy_random.random_words(1, cupy.asarray([-1]))
    with pytest.raises(TypeError, match="items must be integers"):
        _cupy_random.random_words(1, [0.5])
    with pytest.raises(ValueError, match="key must be in"):
        _cupy_random.random_words(2**64, [0])
