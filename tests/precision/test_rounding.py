"""round(): IEEE cases, single rounding (vs ml_dtypes' double rounding), the Fraction oracle,
properties (idempotent, monotone, within half an ulp, sign symmetry), stochastic rounding,
input handling and bad input. The numpy engine is tested here; numba in test_numba.py."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from mathkit._random import key_from_rng, uniform53
from mathkit.precision import (
    BFLOAT16,
    FLOAT8_E4M3FN,
    FLOAT8_E4M3FNUZ,
    FLOAT8_E5M2,
    FLOAT8_E5M2FNUZ,
    FLOAT16,
    FLOAT32,
    FLOAT64,
    FORMATS,
    MODES,
    TF32,
    Format,
    round,
)
from mathkit.testing import format_values, formats
from tests.precision.oracle import fraction_round

DETERMINISTIC = [m for m in MODES if m != "stochastic"]
SYMMETRIC = ("nearest_even", "nearest_away", "toward_zero", "odd")
OVERFLOW_CHOICES = ("ieee", "saturate")


def _bits(x):
    return np.asarray(x, dtype=np.float64).view(np.uint64)


def _same(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return bool(np.all((_bits(a) == _bits(b)) | (np.isnan(a) & np.isnan(b))))


def _round_numpy(x, fmt, mode="nearest_even", overflow="ieee", rng=None):
    return round(x, fmt, mode, overflow, rng=rng, backend="numpy")


# ------------------------------------------------------------------ IEEE cases


def test_float16_overflow_threshold_under_nearest():
    x = [65504.0, 65519.99, 65519.999999, 65520.0, 65535.0, 1e300, -65520.0]
    np.testing.assert_array_equal(
        _round_numpy(x, FLOAT16), [65504, 65504, 65504, np.inf, np.inf, np.inf, -np.inf])
    np.testing.assert_array_equal(
        _round_numpy(x, FLOAT16, "nearest_away"),
        [65504, 65504, 65504, np.inf, np.inf, np.inf, -np.inf])


@pytest.mark.parametrize(
    ("mode", "positive", "negative"),
    [
        ("nearest_even", np.inf, -np.inf),
        ("nearest_away", np.inf, -np.inf),
        ("toward_zero", 65504.0, -65504.0),
        ("up", np.inf, -65504.0),
        ("down", 65504.0, -np.inf),
        ("odd", 65504.0, -65504.0),
        ("stochastic", np.inf, -np.inf),
    ],
)
def test_overflow_per_mode(mode, positive, negative):
    """IEEE 754-2019 §7.4: what an overflow becomes in each rounding direction."""
    got = _round_numpy([1e5, -1e5, 65536.0, -65536.0], FLOAT16, mode, rng=0)
    np.testing.assert_array_equal(got, [positive, negative, positive, negative])
    saturated = _round_numpy([1e5, -1e5, np.inf, -np.inf], FLOAT16, mode, "saturate", rng=0)
    np.testing.assert_array_equal(saturated, [65504, -65504, 65504, -65504])


def test_e4m3fn_overflow_gives_nan_or_saturates():
    x = [448.0, 463.99, 464.0, 464.01, 480.0, 1e4, np.inf, -500.0]
    got = _round_numpy(x, FLOAT8_E4M3FN)
    assert _same(got, [448, 448, 448, np.nan, np.nan, np.nan, np.nan, np.nan])
    saturated = _round_numpy(x, FLOAT8_E4M3FN, overflow="saturate")
    np.testing.assert_array_equal(saturated, [448, 448, 448, 448, 448, 448, 448, -448])
    # directed modes: toward zero never overflows; up overflows to NaN (no inf here)
    assert _same(_round_numpy([1e4, -1e4], FLOAT8_E4M3FN, "toward_zero"), [448, -448])
    assert _same(_round_numpy([1e4, -1e4], FLOAT8_E4M3FN, "up"), [np.nan, -448])


def test_fnuz_formats():
    assert _same(_round_numpy([-0.0, -1e-9, np.inf, 241.0], FLOAT8_E4M3FNUZ),
                 [0.0, 0.0, np.nan, 240.0])
    assert _round_numpy(1e9, FLOAT8_E5M2FNUZ, overflow="saturate") == 57344


def test_nan_passes_through_and_zeros_keep_their_sign():
    got = _round_numpy([np.nan, -np.nan, 0.0, -0.0, -1e-300, 1e-300], FLOAT16)
    assert np.isnan(got[:2]).all()
    assert _bits(got[2:]).tolist() == _bits([0.0, -0.0, -0.0, 0.0]).tolist()


def test_subnormals_and_ties():
    tiny = FLOAT16.min_subnormal
    got = _round_numpy([tiny / 2, tiny * 0.50001, tiny * 1.5, tiny * 2.5, tiny / 4], FLOAT16)
    np.testing.assert_array_equal(got, [0.0, tiny, 2 * tiny, 2 * tiny, 0.0])
    away = _round_numpy([tiny / 2, tiny * 2.5], FLOAT16, "nearest_away")
    np.testing.assert_array_equal(away, [tiny, 3 * tiny])
    # ties to even in the normal range: 1 + 2^-11 is halfway between 1 and 1 + 2^-10
    np.testing.assert_array_equal(
        _round_numpy([1 + 2.0**-11, 1 + 3 * 2.0**-11], FLOAT16), [1.0, 1 + 2.0**-9])
    # the largest subnormal rounds up into the normal range
    assert _round_numpy(FLOAT16.min_normal - tiny / 4, FLOAT16) == FLOAT16.min_normal
    # a float64 subnormal input
    assert _round_numpy(5e-324, FLOAT64) == 5e-324
    assert _round_numpy(5e-324, FLOAT16, "up") == tiny


def test_without_subnormals_the_gap_is_rounded_into():
    flushed = Format(11, -14, 15, subnormals=False)
    m = flushed.min_normal
    np.testing.assert_array_equal(_round_numpy([m * 0.4, m * 0.5, m * 0.6], flushed),
                                  [0.0, 0.0, m])
    assert _round_numpy(m * 0.1, flushed, "up") == m


def test_round_to_odd_then_nearest_is_correct_rounding():
    """Boldo and Melquiond 2008: odd with p + 2 bits, then nearest even with p bits."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal(20_000) * 2.0 ** rng.integers(-10, 10, 20_000)
    wide = Format(13, -14, 15)
    via_odd = _round_numpy(_round_numpy(x, wide, "odd"), FLOAT16)
    np.testing.assert_array_equal(via_odd, _round_numpy(x, FLOAT16))


@pytest.mark.parametrize("fmt", list(FORMATS.values()), ids=list(FORMATS))
def test_values_of_the_format_are_fixed_points(fmt):
    values = fmt.values() if fmt.bits <= 16 else np.array([1.0, fmt.max, fmt.min_subnormal])
    for mode in MODES:
        np.testing.assert_array_equal(_round_numpy(values, fmt, mode, rng=1), values)


def test_float64_format_is_the_identity():
    rng = np.random.default_rng(6)
    x = rng.integers(0, 2**64, size=10_000, dtype=np.uint64).view(np.float64)
    assert _same(_round_numpy(x, FLOAT64), x)


# ----------------------------------------------------- single versus double rounding


DOUBLE_ROUNDING_CASES = [
    # just above a bfloat16 midpoint: float32 rounds it onto the midpoint, then ties-to-even
    # goes down; rounding once goes up.
    ("bfloat16", 1 + 2.0**-8 + 2.0**-30, 1 + 2.0**-7),
    ("bfloat16", -(1 + 2.0**-8 + 2.0**-30), -(1 + 2.0**-7)),
    ("float8_e4m3fn", 1 + 2.0**-4 + 2.0**-30, 1 + 2.0**-3),
    ("float8_e5m2", 1 + 2.0**-3 + 2.0**-40, 1 + 2.0**-2),
]


@pytest.mark.parametrize(("name", "x", "correct"), DOUBLE_ROUNDING_CASES)
def test_rounded_once_where_ml_dtypes_rounds_twice(name, x, correct):
    fmt = FORMATS[name]
    assert fraction_round(x, fmt) == correct  # the exact oracle agrees
    assert _round_numpy(x, fmt) == correct
    assert round(np.full(5000, x), fmt, backend="numba")[0] == correct
    ml_dtypes = pytest.importorskip("ml_dtypes")
    theirs = float(np.array([x]).astype(getattr(ml_dtypes, name)).astype(np.float64)[0])
    via_float32 = float(_round_numpy(np.float32(x), fmt))
    assert theirs == via_float32 != correct  # ml_dtypes goes through float32


def test_agrees_with_ml_dtypes_on_float32_input():
    """From float32 ml_dtypes rounds once: then it must agree with us bit for bit."""
    ml_dtypes = pytest.importorskip("ml_dtypes")
    rng = np.random.default_rng(7)
    x = rng.integers(0, 2**32, size=300_000, dtype=np.uint64).astype(np.uint32).view(np.float32)
    for name in ("bfloat16", "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2",
                 "float8_e5m2fnuz"):
        with np.errstate(invalid="ignore"):  # signalling NaN patterns
            scaled = (x.astype(np.float64) * 2.0**-100).astype(np.float32)
        for values in (x, scaled):
            with np.errstate(invalid="ignore", over="ignore"):
                theirs = values.astype(getattr(ml_dtypes, name)).astype(np.float64)
            assert _same(_round_numpy(values, FORMATS[name]), theirs), name


def test_agrees_with_numpy_float16_on_float64_input():
    rng = np.random.default_rng(8)
    x = rng.integers(0, 2**64, size=200_000, dtype=np.uint64).view(np.float64)
    x = np.concatenate([x, rng.standard_normal(200_000) * 2.0 ** rng.integers(-30, 18, 200_000)])
    with np.errstate(over="ignore", invalid="ignore"):
        expected = x.astype(np.float16).astype(np.float64)
    assert _same(_round_numpy(x, FLOAT16), expected)
    with np.errstate(over="ignore", invalid="ignore"):
        expected32 = x.astype(np.float32).astype(np.float64)
    assert _same(_round_numpy(x, FLOAT32), expected32)


# ------------------------------------------------------------ the Fraction oracle


@st.composite
def inputs(draw, fmt):
    """float64 inputs that hit the format's interesting places: its values, the midpoints
    between them (ties), a few float64 ulps either side, overflow and underflow, and any
    float64 at all."""
    kind = draw(st.sampled_from(["value", "midpoint", "any", "any"]))
    if kind == "any":
        return draw(st.floats(allow_nan=True, allow_infinity=True))
    value = draw(format_values(fmt))
    if kind == "midpoint" and fmt.precision < 53:
        upper = float(fmt.next_up(value))
        value = (value + upper) / 2 if math.isfinite(upper) else value + fmt.ulp(value) / 2
    steps = draw(st.integers(-2, 2))
    for _ in range(abs(steps)):
        value = math.nextafter(value, math.copysign(math.inf, steps))
    return value


@given(st.data())
def test_matches_the_fraction_oracle_in_every_mode(data):
    fmt = data.draw(st.one_of(st.sampled_from(list(FORMATS.values())), formats()), label="fmt")
    x = data.draw(st.lists(inputs(fmt), min_size=1, max_size=12), label="x")
    overflow = data.draw(st.sampled_from(["ieee", "saturate"]), label="overflow")
    x = np.array(x, dtype=np.float64)
    for mode in DETERMINISTIC:
        got = _round_numpy(x, fmt, mode, overflow)
        expected = [fraction_round(float(v), fmt, mode, overflow) for v in x]
        assert _same(got, expected), (mode, x, got, expected)
    seed = data.draw(st.integers(0, 2**64 - 1), label="seed")
    got = _round_numpy(x, fmt, "stochastic", overflow, rng=seed)
    u = uniform53(key_from_rng(seed), np.arange(x.size))[:, 0]
    expected = [fraction_round(float(v), fmt, "stochastic", overflow, u=float(w))
                for v, w in zip(x, u, strict=True)]
    assert _same(got, expected), (x, got, expected)


def test_fraction_oracle_on_ieee_examples():
    assert fraction_round(65520.0, FLOAT16) == math.inf
    assert fraction_round(65519.99, FLOAT16) == 65504
    assert math.copysign(1, fraction_round(-0.0, FLOAT16)) < 0
    assert math.isnan(fraction_round(1e4, FLOAT8_E4M3FN))
    assert fraction_round(2.0**-25, FLOAT16) == 0 and fraction_round(2.0**-25, FLOAT16, "up") > 0


# ------------------------------------------------------------------ properties


@given(st.data())
def test_idempotent(data):
    fmt = data.draw(formats())
    x = np.array(data.draw(st.lists(inputs(fmt), min_size=1, max_size=20)))
    mode = data.draw(st.sampled_from(MODES))
    once = _round_numpy(x, fmt, mode, rng=3)
    assert _same(_round_numpy(once, fmt, mode, rng=4), once)


@given(st.data())
def test_monotone(data):
    fmt = data.draw(formats())
    x = np.sort(np.array(data.draw(st.lists(inputs(fmt).filter(math.isfinite),
                                            min_size=2, max_size=20))))
    mode = data.draw(st.sampled_from(DETERMINISTIC))
    overflow = "saturate" if not fmt.infinities else data.draw(st.sampled_from(OVERFLOW_CHOICES))
    got = _round_numpy(x, fmt, mode, overflow)
    assert np.all(got[1:] >= got[:-1]), (x, got)



@given(st.data())
def test_error_within_half_an_ulp_or_one_ulp(data):
    fmt = data.draw(formats())
    x = data.draw(inputs(fmt))
    assume(math.isfinite(x) and abs(x) <= fmt.max)
    ulp = Fraction(float(fmt.ulp(x)))
    for mode in MODES:
        got = float(_round_numpy(x, fmt, mode, rng=5))
        assert math.isfinite(got), (mode, x, got)
        error = abs(Fraction(got) - Fraction(x))
        bound = ulp / 2 if mode.startswith("nearest") else ulp
        assert error <= bound if mode.startswith("nearest") else error < bound, (mode, x, got)
        if mode.startswith("nearest") and abs(x) >= fmt.min_normal:
            assert error <= Fraction(fmt.unit_roundoff) * abs(Fraction(x))
        if mode == "up":
            assert got >= x
        if mode == "down":
            assert got <= x
        if mode == "toward_zero":
            assert abs(got) <= abs(x)


@given(st.data())
def test_sign_symmetry(data):
    fmt = data.draw(formats())
    x = np.array(data.draw(st.lists(inputs(fmt), min_size=1, max_size=20)))
    negated = np.where(np.isnan(x), x, -x)
    overflow = data.draw(st.sampled_from(OVERFLOW_CHOICES))
    # stochastic: the same uniform for the same element, so symmetric too
    mode = data.draw(st.sampled_from([*SYMMETRIC, "stochastic"]))
    assert _same(_round_numpy(negated, fmt, mode, overflow, rng=9),
                 _negate(_round_numpy(x, fmt, mode, overflow, rng=9), fmt))
    assert _same(_round_numpy(negated, fmt, "up", overflow),
                 _negate(_round_numpy(x, fmt, "down", overflow), fmt))


def _negate(values, fmt):
    out = np.where(np.isnan(values), values, -values)
    if not fmt.has_negative_zero:
        out = np.where(out == 0, 0.0, out)
    return out


@given(st.data())
def test_result_is_a_value_of_the_format(data):
    fmt = data.draw(formats())
    x = np.array(data.draw(st.lists(inputs(fmt), min_size=1, max_size=20)))
    mode = data.draw(st.sampled_from(MODES))
    overflow = data.draw(st.sampled_from(OVERFLOW_CHOICES))
    assert fmt.is_representable(_round_numpy(x, fmt, mode, overflow, rng=2)).all()


# ------------------------------------------------------------- stochastic rounding


def test_stochastic_uses_uniform53_of_the_element_index():
    x = np.full(1000, 1 + 2.0**-12)  # a quarter of the way from 1 to 1 + 2^-10
    key = key_from_rng(11)
    u = uniform53(key, np.arange(1000))[:, 0]
    expected = np.where(u < 0.25, 1 + 2.0**-10, 1.0)
    np.testing.assert_array_equal(_round_numpy(x, FLOAT16, "stochastic", rng=11), expected)


def test_stochastic_is_unbiased_and_proportional():
    n = 200_000
    for x, fmt in ((0.1, FLOAT16), (1 + 2.0**-9 / 3, BFLOAT16), (3.3, FLOAT8_E4M3FN),
                   (FLOAT16.min_subnormal / 3, FLOAT16), (-0.7, FLOAT8_E5M2)):
        got = _round_numpy(np.full(n, x), fmt, "stochastic", rng=2026)
        lo, hi = float(fmt.next_down(x)), float(fmt.next_up(x))
        assert set(np.unique(got).tolist()) == {lo, hi}
        p_hi = (x - lo) / (hi - lo)
        frequency = np.mean(got == hi)
        assert abs(frequency - p_hi) < 5 * math.sqrt(p_hi * (1 - p_hi) / n)
        standard_error = got.std() / math.sqrt(n)
        assert abs(got.mean() - x) < 5 * standard_error


def test_stochastic_is_reproducible_and_chunk_invariant():
    rng = np.random.default_rng(12)
    x = rng.standard_normal(10_000)
    whole = _round_numpy(x, BFLOAT16, "stochastic", rng=99)
    assert _same(whole, _round_numpy(x, BFLOAT16, "stochastic", rng=99))
    assert not _same(whole, _round_numpy(x, BFLOAT16, "stochastic", rng=100))
    chunks = [round(x[a:a + 3000], BFLOAT16, "stochastic", rng=99, backend="numpy",
                    index_offset=a) for a in range(0, x.size, 3000)]
    assert _same(np.concatenate(chunks), whole)
    # a 2-D array uses the C-order flat index
    assert _same(_round_numpy(x.reshape(100, 100), BFLOAT16, "stochastic", rng=99).ravel(),
                 whole)


def test_stochastic_with_a_generator_advances_it_and_other_modes_do_not():
    generator = np.random.default_rng(13)
    state = generator.bit_generator.state
    _round_numpy(np.ones(3) / 3, FLOAT16, "nearest_even", rng=generator)
    assert generator.bit_generator.state == state
    first = _round_numpy(np.ones(100) / 3, FLOAT16, "stochastic", rng=generator)
    second = _round_numpy(np.ones(100) / 3, FLOAT16, "stochastic", rng=generator)
    assert not _same(first, second)


def test_stochastic_far_below_the_quantum():
    """|x| 2^60 times smaller than the quantum: rounds up with probability ~2^-53 only."""
    x = FLOAT16.min_subnormal * 2.0**-60
    got = _round_numpy(np.full(10_000, x), FLOAT16, "stochastic", rng=1)
    assert (got == 0).all()
    assert fraction_round(x, FLOAT16, "stochastic", u=0.0) == FLOAT16.min_subnormal
    assert fraction_round(x, FLOAT16, "stochastic", u=2.0**-53) == 0


# ----------------------------------------------------------------- input handling


def test_input_types_shapes_and_scalars():
    assert isinstance(round(0.1, FLOAT16), np.float64)
    assert isinstance(round(np.float32(0.1), FLOAT16), np.float64)
    assert isinstance(round(np.array(0.1), FLOAT16), np.float64)
    assert round(np.ones((2, 3, 4)), FLOAT16).shape == (2, 3, 4)
    assert round([], FLOAT16).shape == (0,)
    assert round(np.ones((0, 3)), FLOAT16, backend="numba").shape == (0, 3)
    # float32 input is used exactly, not converted through anything else
    assert round(np.float32(0.1), FLOAT16) == round(float(np.float32(0.1)), FLOAT16)
    assert round(np.float16(0.1), FLOAT16) == float(np.float16(0.1))
    assert round([1, 2, 70000], FLOAT16).tolist() == [1.0, 2.0, np.inf]
    assert round(2**60, "fp16") == np.inf
    assert round(np.array([2**62], dtype=np.int64), FLOAT32) == 2.0**62
    assert round(np.array([2**64 - 2**11], dtype=np.uint64), TF32) == 2.0**64
    assert round(2**80, FLOAT32) == 2.0**80
    assert round(0.1, "bf16") == round(0.1, BFLOAT16)


@pytest.mark.parametrize(
    ("x", "error", "match"),
    [
        (1 + 2j, TypeError, "x must be real numbers, got complex dtype complex128"),
        (np.array([1j], dtype=np.complex64), TypeError, "complex dtype complex64"),
        (True, TypeError, "x must be real numbers \\(float or int\\), got bool"),
        (np.array([True]), TypeError, "got dtype bool"),
        ("0.1", TypeError, "got dtype <U3"),
        ([None], TypeError, "got dtype object"),
        (2**53 + 1, ValueError, "x must be exactly representable in float64 .* 9007199254740993"),
        (10**400, ValueError, "exactly representable in float64"),
        (np.array([1, 2**63 - 1], dtype=np.int64), ValueError, "at index \\(1,\\)"),
        (np.array([2**64 - 1], dtype=np.uint64), ValueError, "18446744073709551615"),
        ([1, 2**70 + 1], ValueError, "exactly representable"),
    ],
)
def test_bad_input(x, error, match):
    with pytest.raises(error, match=match):
        round(x, FLOAT16)


def test_long_double_input_is_refused():
    if np.dtype(np.longdouble).itemsize <= 8:
        pytest.skip("long double is double here")
    with pytest.raises(TypeError, match="x must have dtype float16, float32 or float64"):
        round(np.ones(2, dtype=np.longdouble), FLOAT16)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"mode": "nearest"}, ValueError, "mode must be one of 'nearest_even', 'nearest_away'"),
        ({"mode": 0}, TypeError, "mode must be a string"),
        ({"overflow": "clip"}, ValueError, "overflow must be one of 'ieee', 'saturate'"),
        ({"backend": "jax"}, ValueError, "backend must be one of 'auto', 'numpy'"),
        ({"fmt": "fp12"}, ValueError, "fmt must be a Format or one of"),
        ({"fmt": None}, TypeError, "fmt must be a Format or a format name"),
        ({"mode": "stochastic", "rng": 1.5}, TypeError, "rng must be None, an int"),
        ({"mode": "stochastic", "rng": -1}, ValueError, "rng must be a non-negative"),
        ({"index_offset": -1}, ValueError, "index_offset must be in"),
        ({"index_offset": 1.0}, TypeError, "index_offset must be a non-negative integer"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    arguments = {"fmt": FLOAT16, **kwargs}
    with pytest.raises(error, match=match):
        round(np.ones(3), **arguments)


def test_cupy_backend_by_name_without_a_gpu():
    from mathkit._backend import BackendUnavailableError, engine_status

    if engine_status("cupy").available:
        pytest.skip("a GPU is present")
    with pytest.raises(BackendUnavailableError, match="backend='cupy' is not available"):
        round(np.ones(3), FLOAT16, backend="cupy")


def test_e5m2_and_tf32_spot_values():
    assert round(57344.0 + 4095, FLOAT8_E5M2) == 57344
    assert round(57344.0 + 4096, FLOAT8_E5M2) == np.inf  # the tie with 2^16: even wins
    assert round(61440.0, FLOAT8_E5M2) == np.inf  # the midpoint to 2^16: ties to even = inf
    assert round(1 + 2.0**-11, TF32) == 1.0 and round(1 + 3 * 2.0**-11, TF32) == 1 + 2.0**-9
