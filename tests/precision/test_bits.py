"""Codes: decode against numpy/ml_dtypes on every code, encode(decode(c)) == c, describe."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mathkit.precision import (
    BFLOAT16,
    FLOAT8_E4M3FN,
    FLOAT8_E4M3FNUZ,
    FLOAT8_E5M2,
    FLOAT16,
    FLOAT32,
    FLOAT64,
    FORMATS,
    TF32,
    Format,
    code_dtype,
    decode,
    describe,
    encode,
    nan_code,
)
from mathkit.testing import format_values, formats

SMALL_FORMATS = [f for f in FORMATS.values() if f.bits <= 16]
#: Custom formats whose encodings have unused codes (no subnormals; a range that
#: leaves exponent fields empty) or few bits.
CUSTOM_FORMATS = [
    Format(11, -14, 15, subnormals=False, name="fp16-no-subnormals"),
    Format(5, -10, 12, name="ieee-with-unused-fields"),
    Format(3, -5, 6, infinities=False, nan="fnuz", name="fnuz-with-unused-fields"),
    Format(2, 0, 2, infinities=False, nan="fn", name="e2m1-like-fn"),
    Format(2, -2, 3, subnormals=False, name="tiny-ieee"),
]


def _reference_values(fmt):
    """Every code of fmt viewed as the numpy / ml_dtypes type, as float64 (or None)."""
    if fmt == FLOAT16:
        codes = np.arange(2**16, dtype=np.uint32).astype(np.uint16)
        return codes.view(np.float16).astype(np.float64)
    ml_dtypes = pytest.importorskip("ml_dtypes")
    dtype = getattr(ml_dtypes, fmt.name)
    codes = np.arange(2**fmt.bits, dtype=np.uint32).astype(code_dtype(fmt))
    with np.errstate(invalid="ignore"):
        return codes.view(dtype).astype(np.float64)


def _same(a, b):
    """Equal bit for bit, NaN matching any NaN."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return (a.view(np.uint64) == b.view(np.uint64)) | (np.isnan(a) & np.isnan(b))


@pytest.mark.parametrize("fmt", SMALL_FORMATS,
                         ids=lambda f: f.name)
def test_decode_matches_reference_on_every_code(fmt):
    codes = np.arange(2**fmt.bits, dtype=np.uint64)
    assert _same(decode(codes, fmt), _reference_values(fmt)).all()


@pytest.mark.parametrize("fmt", SMALL_FORMATS + CUSTOM_FORMATS, ids=lambda f: f.name)
def test_encode_decode_round_trip_on_every_code(fmt):
    """encode(decode(c)) == c for every code of a number; NaN codes give the canonical one."""
    codes = np.arange(2**fmt.bits, dtype=np.uint64)
    values = decode(codes, fmt)
    again = encode(values, fmt)
    assert again.dtype == code_dtype(fmt)
    numbers = ~np.isnan(values)
    np.testing.assert_array_equal(again[numbers], codes[numbers])
    assert (again[~numbers] == nan_code(fmt)).all()
    assert np.isnan(decode(nan_code(fmt), fmt))
    # decode(encode(v)) == v for the values, both zeros included.
    assert _same(decode(again, fmt), values).all()


def test_nan_codes_count():
    counts = {f.name: int(np.isnan(decode(np.arange(2**f.bits), f)).sum()) for f in SMALL_FORMATS}
    assert counts == {
        "float16": 2 * 1023, "bfloat16": 2 * 127, "float8_e4m3fn": 2, "float8_e4m3fnuz": 1,
        "float8_e5m2": 6, "float8_e5m2fnuz": 1,
    }


def test_encode_matches_numpy_float16_bits():
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.standard_normal(20_000) * 2.0 ** rng.integers(-30, 20, 20_000),
                        [0.0, -0.0, np.inf, -np.inf, 65519.99, 65520.0, 2.0**-25, -2.0**-25]])
    with np.errstate(over="ignore"):
        expected = x.astype(np.float16).view(np.uint16)
    np.testing.assert_array_equal(encode(x, FLOAT16), expected)


def test_encode_matches_numpy_float32_bits():
    rng = np.random.default_rng(4)
    x = rng.standard_normal(20_000) * 2.0 ** rng.integers(-160, 130, 20_000)
    with np.errstate(over="ignore"):
        expected = x.astype(np.float32).view(np.uint32)
    np.testing.assert_array_equal(encode(x, FLOAT32), expected)


def test_float64_and_tf32_codes():
    x = np.array([1.0, -2.5, 5e-324, np.inf, np.finfo(np.float64).max, -0.0])
    np.testing.assert_array_equal(encode(x, FLOAT64), x.view(np.uint64))
    np.testing.assert_array_equal(decode(x.view(np.uint64), FLOAT64), x)
    assert encode(np.nan, FLOAT64) == 0x7FF8000000000000
    # TF32: the top 19 bits of the float32 code
    assert encode(1.0, TF32) == 0x3F800000 >> 13
    assert code_dtype(TF32) == np.uint32 and code_dtype(FLOAT64) == np.uint64


def test_canonical_nan_codes():
    assert [nan_code(f) for f in (FLOAT16, BFLOAT16, FLOAT8_E4M3FN, FLOAT8_E4M3FNUZ,
                                  FLOAT8_E5M2, FLOAT32)] == [
        0x7E00, 0x7FC0, 0x7F, 0x80, 0x7E, 0x7FC00000]
    assert encode([np.nan, -np.nan], FLOAT8_E4M3FN).tolist() == [0x7F, 0x7F]


def test_fnuz_has_no_negative_zero():
    assert encode(-0.0, FLOAT8_E4M3FNUZ) == 0
    assert encode(-1e-9, FLOAT8_E4M3FNUZ) == 0
    assert encode(-0.0, FLOAT8_E4M3FN) == 0x80


def test_encode_rounds_with_the_given_mode():
    assert encode(0.1, FLOAT16) == 0x2E66
    assert encode(0.1, FLOAT16, mode="toward_zero") == 0x2E66
    assert encode(0.1, FLOAT16, mode="up") == 0x2E67
    assert encode(1e6, FLOAT16, overflow="saturate") == 0x7BFF
    codes = encode(np.full(1000, 0.1), FLOAT16, mode="stochastic", rng=1)
    assert set(codes.tolist()) == {0x2E66, 0x2E67}


def test_shapes_and_scalars():
    assert isinstance(encode(1.0, FLOAT16), np.uint16)
    assert encode(np.ones((2, 3)), FLOAT16).shape == (2, 3)
    assert isinstance(decode(0x3C00, FLOAT16), np.float64)
    assert decode(np.array([[0x3C00]], dtype=np.uint16), "fp16").shape == (1, 1)
    assert decode([], FLOAT16).shape == (0,)


@pytest.mark.parametrize(
    ("codes", "error", "match"),
    [
        ([1.0], TypeError, "codes must be integers, got dtype float64"),
        ([True], TypeError, "codes must be integers, got dtype bool"),
        (["a"], TypeError, "codes must be integers"),
        ([-1], ValueError, r"codes must be integers in \[0, 2\*\*16\) for float16"),
        ([2**16], ValueError, r"in \[0, 2\*\*16\)"),
        ([2**70], ValueError, r"in \[0, 2\*\*16\)"),
    ],
)
def test_decode_bad_codes(codes, error, match):
    with pytest.raises(error, match=match):
        decode(codes, FLOAT16)


@given(st.data())
def test_round_trip_of_format_values(data):
    fmt = data.draw(formats())
    x = data.draw(format_values(fmt, allow_infinity=True))
    code = encode(x, fmt)
    assert _same(decode(code, fmt), x if (x != 0 or fmt.has_negative_zero) else 0.0)


# ------------------------------------------------------------------ describe


def test_describe_fields():
    d = describe(0.1, FLOAT16)
    assert (d.sign, d.exponent, d.mantissa) == (0, 11, 0b1001100110)
    assert (d.sign_bits, d.exponent_bits, d.mantissa_bits) == ("0", "01011", "1001100110")
    assert d.bits == "0 01011 1001100110" and d.hex == "0x2e66" and d.code == 0x2E66
    assert d.category == "normal" and d.unbiased_exponent == -4
    assert d.value == 0.0999755859375 and d.input == 0.1
    assert d.error == d.value - 0.1  # exact
    assert abs(d.relative_error) <= FLOAT16.unit_roundoff
    assert d.ulp == 2.0**-14 and d.mode == "nearest_even" and d.format is FLOAT16


@pytest.mark.parametrize(
    ("x", "fmt", "category", "value"),
    [
        (0.0, FLOAT16, "zero", 0.0),
        (-1e-30, FLOAT16, "zero", -0.0),
        (2.0**-20, FLOAT16, "subnormal", 2.0**-20),
        (1e6, FLOAT16, "inf", math.inf),
        (1e6, FLOAT8_E4M3FN, "nan", math.nan),
        (float("nan"), BFLOAT16, "nan", math.nan),
        (-448.0, FLOAT8_E4M3FN, "normal", -448.0),
    ],
)
def test_describe_categories(x, fmt, category, value):
    d = describe(x, fmt)
    assert d.category == category
    assert _same(d.value, value)
    if category in ("zero", "inf", "nan"):
        assert d.unbiased_exponent is None
    if category == "subnormal":
        assert d.exponent == 0 and d.unbiased_exponent == fmt.emin


def test_describe_errors_and_overflow():
    assert describe(1e6, FLOAT16).error == math.inf
    assert describe(1e6, FLOAT16, overflow="saturate").value == 65504
    assert describe(math.inf, FLOAT16).error == 0.0
    assert math.isnan(describe(math.inf, FLOAT8_E4M3FN).error)
    assert math.isnan(describe(0.0, FLOAT16).relative_error)
    exact = describe(1 / 3, BFLOAT16)
    assert exact.error == exact.value - 1 / 3
    assert describe(3, "fp16").value == 3.0
    assert describe(np.array([2.5]), FLOAT16).value == 2.5
    with pytest.raises(ValueError, match="x must be a single number, got 2 values"):
        describe([1.0, 2.0], FLOAT16)
    with pytest.raises(TypeError, match="x must be real numbers"):
        describe(1j, FLOAT16)
