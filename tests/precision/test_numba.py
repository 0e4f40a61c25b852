"""The numba engine gives the numpy reference's bits, in every mode, format and overflow policy.

Compiling costs about a second per (mode, input dtype): every mode is checked on float64
input, and float32 input (which the kernel reads without converting) on two modes.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mathkit.precision import (
    BFLOAT16,
    FLOAT8_E4M3FN,
    FLOAT16,
    FORMATS,
    MODES,
    OVERFLOWS,
    Format,
    round,
)
from mathkit.precision import _numba as numba_engine
from mathkit.testing import formats

CUSTOM = [
    Format(5, -20, 20, subnormals=False, name="no-subnormals"),
    Format(2, -3, 4, name="p2"),
    Format(3, -5, 6, infinities=False, nan="fnuz", name="fnuz-unused-fields"),
    Format(53, -1022, 1023, subnormals=False, name="float64-ftz"),
]
ALL_FORMATS = [*FORMATS.values(), *CUSTOM]


def _bits(x):
    return np.asarray(x, dtype=np.float64).view(np.uint64)


def _edge_inputs():
    """Random bit patterns, values at every scale, and the special ones."""
    rng = np.random.default_rng(20261129)
    patterns = rng.integers(0, 2**64, size=40_000, dtype=np.uint64).view(np.float64)
    scaled = rng.standard_normal(40_000) * 2.0 ** rng.integers(-1074, 1024, 40_000)
    with np.errstate(over="ignore"):
        scaled = np.where(np.isfinite(scaled), scaled, 1.0)
    specials = np.array([
        np.nan, np.inf, -np.inf, 0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308,
        2.225073858507201e-308, 1.7976931348623157e308, 65504.0, 65519.99, 65520.0, 448.0,
        464.0, 465.0, 1 + 2.0**-8 + 2.0**-30, 1 + 2.0**-11, 2.0**-25, 2.0**-24 * 1.5,
    ])
    return np.concatenate([patterns, scaled, specials, -specials])


EDGES = _edge_inputs()


def _check_same(x, fmt, mode, overflow, seed=7, offset=0):
    reference = round(x, fmt, mode, overflow, rng=seed, backend="numpy", index_offset=offset)
    compiled = round(x, fmt, mode, overflow, rng=seed, backend="numba", index_offset=offset)
    differ = _bits(reference) != _bits(compiled)
    assert not differ.any(), (fmt, mode, overflow, np.asarray(x).ravel()[differ.ravel()][:5])


@pytest.mark.parametrize("mode", MODES)
def test_numba_matches_numpy_bit_for_bit(mode):
    for fmt in ALL_FORMATS:
        for overflow in OVERFLOWS:
            _check_same(EDGES, fmt, mode, overflow)


@pytest.mark.parametrize("mode", ["nearest_even", "stochastic"])
def test_numba_reads_float32_input_exactly(mode):
    with np.errstate(over="ignore", invalid="ignore"):
        x32 = EDGES.astype(np.float32)
    for fmt in ALL_FORMATS:
        for overflow in OVERFLOWS:
            _check_same(x32, fmt, mode, overflow)


@given(st.data())
def test_numba_matches_numpy_property(data):
    fmt = data.draw(st.one_of(st.sampled_from(ALL_FORMATS), formats()))
    patterns = data.draw(st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=50))
    x = np.array(patterns, dtype=np.uint64).view(np.float64)
    mode = data.draw(st.sampled_from(MODES))
    overflow = data.draw(st.sampled_from(OVERFLOWS))
    seed = data.draw(st.integers(0, 2**64 - 1))
    offset = data.draw(st.sampled_from([0, 1, 2**32 - 1, 2**63]))
    _check_same(x, fmt, mode, overflow, seed=seed, offset=offset)


def test_auto_uses_numba_for_large_input_with_the_same_result():
    x = np.random.default_rng(1).standard_normal((300, 300))
    auto = round(x, BFLOAT16, "stochastic", rng=5)
    assert auto.shape == (300, 300)
    assert (_bits(auto) == _bits(round(x, BFLOAT16, "stochastic", rng=5, backend="numpy"))).all()
    chunk = round(x.ravel()[1000:5000], BFLOAT16, "stochastic", rng=5, backend="numba",
                  index_offset=1000)
    assert (_bits(chunk) == _bits(auto.ravel()[1000:5000])).all()


def test_numba_kernel_helpers():
    for q in (-1074, -1073, -1023, -1022, 0, 1023):
        assert numba_engine.power_of_two(q) == 2.0**q
    assert round(np.full(3000, 70000.0), FLOAT16, backend="numba")[0] == np.inf
    assert np.isnan(round(np.full(3000, 500.0), FLOAT8_E4M3FN, backend="numba")).all()
    assert (round(np.full(3000, 70000.0), FLOAT16, overflow="saturate") == 65504).all()
    assert round(np.zeros(0), FLOAT16, backend="numba").shape == (0,)
    assert round(np.full(3000, np.float16(0.5)), FLOAT16, backend="numba")[0] == 0.5
