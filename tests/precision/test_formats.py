"""Formats: the constants against numpy.finfo and ml_dtypes.finfo, properties, bad input."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

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
    TF32,
    Format,
    as_format,
)
from mathkit.testing import format_values, formats

NUMPY_TYPES = {"float16": np.float16, "float32": np.float32, "float64": np.float64}
ML_DTYPES_NAMES = ("bfloat16", "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2",
                   "float8_e5m2fnuz")


def _check_against_finfo(fmt, info):
    assert fmt.bits == info.bits
    assert fmt.mantissa_bits == info.nmant
    assert fmt.exponent_bits == info.nexp
    assert fmt.emin == info.minexp
    assert fmt.emax == info.maxexp - 1
    assert fmt.eps == float(info.eps)
    assert fmt.max == float(info.max)
    assert fmt.min_normal == float(info.smallest_normal)
    assert fmt.min_subnormal == float(info.smallest_subnormal)
    assert fmt.unit_roundoff == float(info.epsneg) or fmt.unit_roundoff == float(info.eps) / 2


@pytest.mark.parametrize("name", sorted(NUMPY_TYPES))
def test_ieee_formats_match_numpy_finfo(name):
    _check_against_finfo(FORMATS[name], np.finfo(NUMPY_TYPES[name]))


@pytest.mark.parametrize("name", ML_DTYPES_NAMES)
def test_ml_formats_match_ml_dtypes_finfo(name):
    ml_dtypes = pytest.importorskip("ml_dtypes")
    _check_against_finfo(FORMATS[name], ml_dtypes.finfo(getattr(ml_dtypes, name)))


@pytest.mark.parametrize("name", ["float16", *ML_DTYPES_NAMES])
def test_values_are_every_finite_value_of_the_reference_type(name):
    """values() == every finite value of the numpy / ml_dtypes type, from all its codes."""
    if name == "float16":
        dtype, codes = np.float16, np.arange(2**16, dtype=np.uint32).astype(np.uint16)
    else:
        ml_dtypes = pytest.importorskip("ml_dtypes")
        dtype = getattr(ml_dtypes, name)
        width = np.uint8 if FORMATS[name].bits == 8 else np.uint16
        codes = np.arange(2 ** FORMATS[name].bits, dtype=np.uint32).astype(width)
    with np.errstate(invalid="ignore"):  # ml_dtypes' NaN codes
        reference = codes.view(dtype).astype(np.float64)
    reference = np.unique(reference[np.isfinite(reference)])  # -0 and +0 merge
    np.testing.assert_array_equal(FORMATS[name].values(), reference)


def test_published_constants():
    assert FLOAT16.max == 65504 == (2 - 2**-10) * 2**15
    assert FLOAT8_E4M3FN.max == 448 == (2 - 2**-2) * 2**8
    assert FLOAT8_E4M3FNUZ.max == 240
    assert FLOAT8_E5M2.max == FLOAT8_E5M2FNUZ.max == 57344
    assert BFLOAT16.max == (2 - 2**-7) * 2.0**127
    assert (TF32.bits, TF32.precision, TF32.max) == (19, 11, (2 - 2**-10) * 2.0**127)
    assert FLOAT8_E4M3FNUZ.bias == 8 and FLOAT8_E4M3FN.bias == 7
    assert FLOAT8_E5M2FNUZ.bias == 16 and FLOAT8_E5M2.bias == 15
    assert FLOAT32.unit_roundoff == 2.0**-24 and FLOAT64.unit_roundoff == 2.0**-53
    assert not FLOAT8_E4M3FNUZ.has_negative_zero and FLOAT8_E4M3FN.has_negative_zero


@pytest.mark.parametrize("fmt", list(FORMATS.values()), ids=list(FORMATS))
def test_derived_properties_are_consistent(fmt):
    p = fmt.precision
    assert fmt.eps == 2 * fmt.unit_roundoff == 2.0 ** (1 - p)
    assert fmt.bits == 1 + fmt.exponent_bits + fmt.mantissa_bits
    assert fmt.bias == 1 - fmt.emin
    assert fmt.min_subnormal == fmt.min_normal * fmt.eps
    assert Fraction(fmt.max) < 2 ** (fmt.emax + 1)
    past_max = Fraction(fmt.max) + Fraction(fmt.ulp(fmt.max))  # the NaN code for "fn"
    assert past_max == (2 ** (fmt.emax + 1) if fmt.nan != "fn" else
                        (2 - Fraction(2) ** (1 - p)) * Fraction(2) ** fmt.emax)
    assert str(fmt) == fmt.name
    assert as_format(fmt.name) is fmt


def test_equality_ignores_the_name_and_formats_are_frozen():
    assert Format(11, -14, 15) == FLOAT16
    assert hash(Format(11, -14, 15, name="half")) == hash(FLOAT16)
    assert Format(4, -6, 8, infinities=False) == FLOAT8_E4M3FN
    with pytest.raises(AttributeError):
        FLOAT16.precision = 12
    assert "precision=11" in str(Format(11, -14, 15))


def test_as_format_names_and_aliases():
    assert as_format("fp16") is FLOAT16
    assert as_format(" BF16 ") is BFLOAT16
    assert as_format("e4m3") is FLOAT8_E4M3FN
    assert as_format("tf32") is TF32
    with pytest.raises(ValueError, match="fmt must be a Format or one of 'float64'"):
        as_format("fp12")
    with pytest.raises(TypeError, match="fmt must be a Format or a format name, got int"):
        as_format(16)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"precision": 1, "emin": -6, "emax": 8}, ValueError, "precision must be at least 2"),
        ({"precision": 54, "emin": -6, "emax": 8}, ValueError, "precision must be at most 53"),
        ({"precision": 4, "emin": 8, "emax": 8}, ValueError,
         "emin must be less than emax, got emin=8, emax=8"),
        ({"precision": 4, "emin": 9, "emax": 8}, ValueError, "emin must be less than emax"),
        ({"precision": 4, "emin": -1023, "emax": 8}, ValueError, r"must lie in \[-1022, 1023\]"),
        ({"precision": 4, "emin": -6, "emax": 1024}, ValueError, r"must lie in \[-1022, 1023\]"),
        ({"precision": 60, "emin": -1022, "emax": 1023}, ValueError, "at most 53"),
        ({"precision": 54, "emin": -1022, "emax": 1023, "subnormals": False}, ValueError,
         "at most 53"),
        ({"precision": 30, "emin": -1050, "emax": 8}, ValueError, r"\[-1022, 1023\]"),
        ({"precision": 4.0, "emin": -6, "emax": 8}, TypeError, "precision must be an integer"),
        ({"precision": True, "emin": -6, "emax": 8}, TypeError, "precision must be an integer"),
        ({"precision": 4, "emin": "-6", "emax": 8}, TypeError, "emin must be an integer"),
        ({"precision": 4, "emin": -6, "emax": 8, "subnormals": 1}, TypeError,
         "subnormals must be True or False"),
        ({"precision": 4, "emin": -6, "emax": 8, "infinities": None}, TypeError,
         "infinities must be True or False"),
        ({"precision": 4, "emin": -6, "emax": 8, "nan": "quiet"}, ValueError,
         "nan must be one of 'ieee', 'fn', 'fnuz'"),
        ({"precision": 4, "emin": -6, "emax": 8, "nan": "fn"}, ValueError,
         "nan='fn' does not fit infinities=True"),
        ({"precision": 4, "emin": -6, "emax": 8, "infinities": False, "nan": "ieee"},
         ValueError, "nan='ieee' does not fit infinities=False"),
        ({"precision": 4, "emin": -6, "emax": 7, "infinities": False}, ValueError,
         "emax - emin \\+ 2 must be a power of two, got 15"),
        ({"precision": 4, "emin": -6, "emax": 8, "name": 3}, TypeError, "name must be a string"),
    ],
)
def test_bad_formats(kwargs, error, match):
    with pytest.raises(error, match=match):
        Format(**kwargs)


def test_float64_limits_are_accepted():
    assert Format(53, -1022, 1023) == FLOAT64
    tiny = Format(53, -1022, 1023, subnormals=False)
    assert tiny.min_subnormal == tiny.min_normal == 2.0**-1022


def test_ulp_matches_numpy_spacing():
    for dtype, fmt in ((np.float16, FLOAT16), (np.float32, FLOAT32), (np.float64, FLOAT64)):
        rng = np.random.default_rng(0)
        bits = rng.integers(0, 2 ** (8 * np.dtype(dtype).itemsize - 1), size=5000,
                            dtype=np.uint64)
        values = bits.astype({2: np.uint16, 4: np.uint32, 8: np.uint64}[np.dtype(dtype).itemsize])
        values = values.view(dtype)
        values = values[np.isfinite(values) & (values < np.finfo(dtype).max)]
        np.testing.assert_array_equal(fmt.ulp(values), np.spacing(values).astype(np.float64))


def test_ulp_special_values_and_no_subnormals():
    assert FLOAT16.ulp(0.0) == FLOAT16.min_subnormal
    assert FLOAT16.ulp(1e10) == FLOAT16.ulp(65504.0) == 32
    assert np.isnan(FLOAT16.ulp([np.inf, np.nan])).all()
    assert FLOAT16.ulp(np.float32(-1.5)) == FLOAT16.eps
    flushed = Format(11, -14, 15, subnormals=False)
    assert flushed.ulp(2.0**-20) == flushed.ulp(0.0) == 2.0**-14
    assert flushed.ulp(2.0**-14) == 2.0**-24
    with pytest.raises(TypeError, match="x must be real numbers, got dtype complex128"):
        FLOAT16.ulp(1j)


@given(formats(max_bits=16))
def test_values_are_sorted_symmetric_and_representable(fmt):
    values = fmt.values()
    assert np.all(np.diff(values) > 0)
    np.testing.assert_array_equal(values, -values[::-1])
    assert values[-1] == fmt.max and values[values > 0][0] == fmt.min_subnormal
    assert fmt.is_representable(values).all()
    middles = (values[:-1] + values[1:]) / 2
    assert not fmt.is_representable(middles).any()


@given(st.data())
def test_next_up_and_next_down_step_through_the_values(data):
    fmt = data.draw(formats(max_bits=16))
    values = fmt.values()
    index = data.draw(st.integers(0, values.size - 1))
    x = values[index]
    top = np.inf if fmt.infinities else np.nan
    expected_up = values[index + 1] if index + 1 < values.size else top
    expected_down = values[index - 1] if index > 0 else -top
    np.testing.assert_array_equal(fmt.next_up(x), expected_up)
    np.testing.assert_array_equal(fmt.next_down(x), expected_down)
    if index + 1 < values.size:  # from a point strictly between: the neighbours
        middle = (values[index] + values[index + 1]) / 2
        assert fmt.next_up(middle) == values[index + 1]
        assert fmt.next_down(middle) == values[index]


def test_next_up_at_the_edges():
    assert FLOAT16.next_up(-np.inf) == -65504
    assert FLOAT16.next_up(np.inf) == np.inf
    assert np.isnan(FLOAT16.next_up(np.nan))
    assert math.copysign(1, FLOAT16.next_up(-FLOAT16.min_subnormal)) == -1  # -0, as IEEE
    assert math.copysign(1, FLOAT8_E4M3FNUZ.next_up(-FLOAT8_E4M3FNUZ.min_subnormal)) == 1
    assert FLOAT16.next_up(0.0) == FLOAT16.next_up(-0.0) == FLOAT16.min_subnormal
    assert FLOAT64.next_up(1.0) == np.nextafter(1.0, 2.0)
    assert FLOAT64.next_up(FLOAT64.max) == np.inf
    assert FLOAT32.next_down(1.0) == 1 - 2.0**-24
    assert np.isnan(FLOAT8_E4M3FN.next_down(-448.0))
    np.testing.assert_array_equal(TF32.next_up([1.0, 2.0]), [1 + 2.0**-10, 2 + 2.0**-9])


def test_is_representable_specials():
    assert FLOAT16.is_representable(np.inf) and not FLOAT8_E4M3FN.is_representable(np.inf)
    assert FLOAT8_E4M3FN.is_representable(np.nan)
    assert FLOAT8_E4M3FNUZ.is_representable(-0.0)
    assert not FLOAT8_E4M3FN.is_representable(480.0)  # on the grid, but the NaN code
    assert FLOAT16.is_representable(np.array([[1.0, 3.0]])).shape == (1, 2)


def test_values_of_wide_formats_is_an_error():
    with pytest.raises(ValueError, match="values\\(\\) needs a format of at most 16 bits, got 19"):
        TF32.values()


@given(st.data())
def test_format_values_strategy_draws_representable_values(data):
    fmt = data.draw(formats())
    x = data.draw(format_values(fmt, allow_nan=True, allow_infinity=True))
    assert fmt.is_representable(x)
    if fmt.bits <= 16 and math.isfinite(x):
        assert x in set(fmt.values().tolist())


@pytest.mark.parametrize("fmt", [Format(2, 1, 2, subnormals=False), Format(3, -6, -1)])
@given(data=st.data())
def test_format_values_never_draws_a_one_the_format_lacks(fmt, data):
    # found: 1 was always among the extremes, but emin >= 1 without subnormals (or
    # emax < 0) has no 1
    x = data.draw(format_values(fmt))
    assert fmt.is_representable(x)


def test_format_values_strategy_arguments():
    with pytest.raises(TypeError, match="allow_nan must be True or False"):
        format_values(FLOAT16, allow_nan=1)
    with pytest.raises(ValueError, match="max_bits must be at least 4"):
        formats(max_bits=3)
    with pytest.raises(TypeError, match="custom must be True or False"):
        formats(custom="yes")
