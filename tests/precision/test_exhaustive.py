"""float32 inputs against an independent oracle, for float16, bfloat16, E4M3FN and E5M2.

The oracle (tests/precision/oracle.py) rounds to nearest even by merging sorted inputs with
the sorted table of the format's values; it is itself checked against exact rational
arithmetic here. Then:

- by default, a strided subset of the 2^32 float32 bit patterns: every 4099th, plus every
  pattern within 2 of each value of the format, of each midpoint between two values (the
  ties), of each float32 binade boundary, and of the overflow threshold, each with both
  signs; production (numpy and numba engines) must equal the oracle bit for bit;
- with ``-m exhaustive`` (or ``MATHKIT_EXHAUSTIVE=1``): all 2^32 patterns, in parallel chunks
  with numba (about 20 s per format on 2 cores).
"""

import numpy as np
import pytest

from mathkit.precision import BFLOAT16, FLOAT8_E4M3FN, FLOAT8_E5M2, FLOAT16, round
from tests.precision.oracle import fraction_round, grid, oracle_nearest_even, sweep_float32

SWEPT = [FLOAT16, BFLOAT16, FLOAT8_E4M3FN, FLOAT8_E5M2]
STRIDE = 4099
POSITIVE_PATTERNS = 2**31


def _same(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return (a.view(np.uint64) == b.view(np.uint64)) | (np.isnan(a) & np.isnan(b))


def strided_patterns(fmt) -> np.ndarray:
    """The default subset of the positive float32 patterns (sorted, unique) for ``fmt``."""
    table, beyond = grid(fmt)
    with np.errstate(over="ignore"):
        points = np.concatenate([
            table, (table[:-1] + table[1:]) / 2, [beyond, (table[-1] + beyond) / 2],
        ]).astype(np.float32)
    centres = np.concatenate([
        points.view(np.uint32).astype(np.int64),
        np.arange(256, dtype=np.int64) << 23,  # float32 binade boundaries (and inf)
        [0x7FC00000, 0x7FFFFFFF],  # NaNs
    ])
    near = (centres[:, None] + np.arange(-2, 3)).ravel()
    every = np.arange(0, POSITIVE_PATTERNS, STRIDE, dtype=np.int64)
    patterns = np.concatenate([near, every])
    patterns = patterns[(patterns >= 0) & (patterns < POSITIVE_PATTERNS)]
    return np.unique(patterns).astype(np.uint32)


@pytest.mark.parametrize("fmt", SWEPT, ids=lambda f: f.name)
def test_oracle_agrees_with_exact_rational_arithmetic(fmt):
    rng = np.random.default_rng(31)
    patterns = strided_patterns(fmt)
    sample = np.concatenate([
        rng.choice(patterns, 2500, replace=False),
        rng.integers(0, 2**32, size=1500, dtype=np.uint64).astype(np.uint32),
    ])
    with np.errstate(invalid="ignore"):  # signalling NaN patterns
        x32 = sample.view(np.float32).astype(np.float64)
    x64 = rng.standard_normal(1000) * 2.0 ** rng.integers(-150, 130, 1000)  # float64 too
    for x in (x32, x64):
        expected = [fraction_round(float(v), fmt) for v in x]
        assert _same(oracle_nearest_even(x, fmt), expected).all()


@pytest.mark.parametrize("fmt", SWEPT, ids=lambda f: f.name)
def test_strided_float32_patterns_match_the_oracle(fmt):
    patterns = strided_patterns(fmt)
    assert patterns.size > 500_000
    positive = patterns.view(np.float32)
    x = np.concatenate([positive, -positive])
    with np.errstate(invalid="ignore"):
        expected = oracle_nearest_even(x.astype(np.float64), fmt)
    for backend in ("numba", "numpy"):
        got = round(x, fmt, backend=backend)
        bad = ~_same(got, expected)
        assert not bad.any(), (backend, x[bad][:5], got[bad][:5], expected[bad][:5])


@pytest.mark.exhaustive
def test_sweep_finds_a_planted_error():
    """The sweep really compares: a format whose max is off by one code must fail it."""
    start, stop = 0x43E00000, 0x43F80000  # float32 448.0 to 496.0
    mismatches, first = sweep_float32(FLOAT8_E4M3FN, start, stop)
    assert mismatches == 0 and first is None
    from mathkit.precision import Format

    class Shifted(Format):  # reports a larger max than its table: production overflows later
        @property
        def max(self):
            return 480.0

    shifted = Shifted(4, -6, 8, infinities=False, nan="fn")
    mismatches, first = sweep_float32(shifted, start, stop)
    assert mismatches > 0 and first == 0x43E80001  # just past 464, the tie with 480


@pytest.mark.exhaustive
@pytest.mark.parametrize("fmt", SWEPT, ids=lambda f: f.name)
def test_every_float32_matches_the_oracle(fmt):
    mismatches, first = sweep_float32(fmt)
    assert mismatches == 0, f"{mismatches} float32 patterns differ, first 0x{first:08x}"
