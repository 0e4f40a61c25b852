"""Range reports, loss scaling (PyTorch GradScaler's recurrence) and stagnation."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from mathkit.precision import BFLOAT16, FLOAT8_E4M3FN, FLOAT16, FLOAT32, Format, round
from mathkit.precision.training import (
    LossScaler,
    range_report,
    recommend_loss_scale,
    stagnation,
)
from mathkit.testing import format_values
from tests.precision.oracle import fraction_round

# ------------------------------------------------------------------ LossScaler


def grad_scaler_reference(found_infs, init_scale, growth_factor, backoff_factor,
                          growth_interval):
    """PyTorch's ``_amp_update_scale_`` as documented, in numpy float32 / float64 / int32."""
    scale = np.float32(init_scale)
    tracker = np.int32(0)
    trace = []
    with np.errstate(over="ignore"):
        for found in found_infs:
            if found:
                scale = np.float32(np.float64(scale) * np.float64(backoff_factor))
                tracker = np.int32(0)
            else:
                tracker = np.int32(tracker + 1)
                if tracker == growth_interval:
                    grown = np.float32(np.float64(scale) * np.float64(growth_factor))
                    if np.isfinite(grown):
                        scale = grown
                    tracker = np.int32(0)
            trace.append(float(scale))
    return trace


@settings(max_examples=25, deadline=None)
@given(
    pattern=st.lists(st.booleans(), min_size=1, max_size=500),
    inf_rate=st.sampled_from([0.0, 0.001, 0.01, 0.3]),
    init_scale=st.sampled_from([2.0**16, 1.0, 3.0e38, 1e-30, 12345.678]),
    growth_factor=st.sampled_from([2.0, 1.1, 1.0000001, 3.7]),
    backoff_factor=st.sampled_from([0.5, 0.9, 1 / 3, 1e-3]),
    growth_interval=st.integers(1, 50),
    seed=st.integers(0, 2**32 - 1),
)
def test_loss_scaler_is_grad_scaler(pattern, inf_rate, init_scale, growth_factor,
                                    backoff_factor, growth_interval, seed):
    # a long random inf pattern at a given rate, plus Hypothesis' own (shrinkable) one
    random = np.random.default_rng(seed).random(2000) < inf_rate
    found = [bool(v) for v in random] + pattern
    scaler = LossScaler(init_scale, growth_factor, backoff_factor, growth_interval)
    trace = [scaler.update(f) for f in found]
    expected = grad_scaler_reference(found, init_scale, growth_factor, backoff_factor,
                                     growth_interval)
    assert trace == expected
    assert scaler.scale == expected[-1]


def test_default_grad_scaler_trace():
    scaler = LossScaler()
    assert scaler.scale == 65536.0 and scaler.growth_tracker == 0
    for _ in range(1999):
        scaler.update(False)
    assert scaler.scale == 65536.0 and scaler.growth_tracker == 1999
    assert scaler.update(False) == 131072.0 and scaler.growth_tracker == 0
    assert scaler.update(np.bool_(True)) == 65536.0 and scaler.growth_tracker == 0


def test_scale_never_grows_to_inf_and_backs_off_to_zero():
    top = float(np.finfo(np.float32).max)
    scaler = LossScaler(init_scale=top, growth_interval=1)
    assert scaler.update(False) == top  # float32(2 max) is inf: kept
    small = LossScaler(init_scale=1.0)
    scales = [small.update(True) for _ in range(160)]
    assert scales[148] == 2.0**-149  # the smallest float32 subnormal
    assert scales[149] == 0.0  # 2^-150 ties to the even 0


def test_non_power_of_two_factor_rounds_in_float32():
    scaler = LossScaler(init_scale=1.0, growth_factor=1.1, growth_interval=1)
    assert scaler.update(False) == float(np.float32(1.1))
    assert scaler.update(False) == float(np.float32(np.float64(np.float32(1.1)) * 1.1))
    assert LossScaler(init_scale=0.1).scale == float(np.float32(0.1))


def test_unscale():
    scaler = LossScaler(init_scale=1024.0)
    unscaled = scaler.unscale(np.array([2048.0, -1.0, 3.0]))
    assert unscaled.gradients.tolist() == [2.0, -1 / 1024, 3 / 1024]
    assert not unscaled.found_inf
    assert scaler.unscale([1.0, np.inf]).found_inf
    assert scaler.unscale([[np.nan]]).found_inf
    # a non-power-of-two scale: multiply by float32(1/s), round to the format
    odd = LossScaler(init_scale=3.0).unscale([3.0], FLOAT16).gradients
    assert odd.tolist() == [float(np.float16(3.0 * float(np.float32(1 / 3))))]


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"init_scale": 0.0}, ValueError, "init_scale must be a finite positive"),
    ({"init_scale": 1e39}, ValueError, "init_scale must be a positive finite float32"),
    ({"init_scale": 1e-50}, ValueError, "init_scale must be a positive finite float32"),
    ({"init_scale": "big"}, TypeError, "init_scale"),
    ({"growth_factor": 1.0}, ValueError, "growth_factor must be greater than 1"),
    ({"backoff_factor": 1.0}, ValueError, r"backoff_factor must be in \(0, 1\)"),
    ({"backoff_factor": -0.5}, ValueError, "backoff_factor"),
    ({"growth_interval": 0}, ValueError, "growth_interval"),
    ({"growth_interval": 2.5}, TypeError, "growth_interval"),
    ({"growth_interval": 2**31}, ValueError, "int32"),
])
def test_loss_scaler_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        LossScaler(**kwargs)


def test_update_needs_a_bool():
    with pytest.raises(TypeError, match="found_inf must be True or False"):
        LossScaler().update(1)


# ------------------------------------------------------------------ range_report


def oracle_class(given: float, x: float, fmt: Format) -> str:
    if not math.isfinite(given):
        return "nonfinite"
    if math.isinf(x):
        return "overflow"
    if x == 0:
        return "zero"
    r = abs(fraction_round(x, fmt))
    if not math.isfinite(r):
        return "overflow"
    if r == 0:
        return "underflow"
    return "subnormal" if r < fmt.min_normal else "normal"


@settings(max_examples=50, deadline=None)
@given(
    values=st.lists(st.floats(allow_subnormal=True, width=64), min_size=0, max_size=40),
    exponent=st.integers(-20, 20),
    fmt=st.sampled_from([FLOAT16, BFLOAT16, FLOAT8_E4M3FN]),
)
@example(values=[2.0**-25, 2.0**-25 * 1.5, 65520.0, 65519.0], exponent=0, fmt=FLOAT16)
@example(values=[1e300, -1e-320, np.nan], exponent=20, fmt=BFLOAT16)  # float64 over/underflow
def test_range_report_against_fraction_oracle(values, exponent, fmt):
    scale = 2.0**exponent
    with np.errstate(over="ignore"):
        scaled = np.array(values, dtype=np.float64) * scale
    report = range_report(values, fmt, scale)
    classes = [oracle_class(g, float(v), fmt) for g, v in zip(values, scaled, strict=True)]
    for name in ("zero", "nonfinite", "underflow", "subnormal", "normal", "overflow"):
        expected = classes.count(name) / len(values) if values else 0.0
        assert getattr(report, name) == expected, name
    if values:
        assert math.isclose(report.zero + report.nonfinite + report.underflow + report.subnormal
                            + report.normal + report.overflow, 1.0)
    finite = scaled[np.isfinite(scaled) & (scaled != 0)]  # the histogram's values
    assert int(report.counts.sum()) == finite.size
    binned = np.repeat(report.exponents, report.counts)
    exact = sorted(math.frexp(abs(float(v)))[1] - 1 for v in finite)
    assert binned.tolist() == exact
    if finite.size:
        assert report.min_abs == np.abs(finite).min() and report.max_abs == np.abs(finite).max()
        assert report.exponents[0] == math.frexp(report.min_abs)[1] - 1
        assert report.exponents[-1] == math.frexp(report.max_abs)[1] - 1


def test_range_report_text():
    report = range_report([1e-9, 1e-6, 0.5, 1e5, 0.0, np.inf], FLOAT16)
    text = str(report)
    assert "underflow 16.67%" in text and "overflow 16.67%" in text
    assert "non-finite 16.67%" in text
    lines = report.table().splitlines()
    assert len(lines) == 1 + 4
    assert lines[1].split()[0] == "-30" and lines[1].endswith("underflow")
    assert lines[-1].split()[0] == "16" and lines[-1].endswith("overflow")
    assert report.region(-25) == "underflow or rounds up"
    assert report.region(-20) == "subnormal" and report.region(15) == "normal"


def test_range_report_bad_input():
    with pytest.raises(ValueError, match="scale must be a finite positive"):
        range_report([1.0], FLOAT16, scale=0)
    with pytest.raises(TypeError, match="scale must be a positive real"):
        range_report([1.0], FLOAT16, scale="2")
    with pytest.raises(TypeError, match="values must be real"):
        range_report([1 + 2j], FLOAT16)
    with pytest.raises(ValueError, match="fmt must be"):
        range_report([1.0], "fp12")
    empty = range_report([], FLOAT16)
    assert empty.size == 0 and empty.counts.size == 0 and math.isnan(empty.max_abs)


# ------------------------------------------------------------------ recommend_loss_scale


@settings(max_examples=50, deadline=None)
@given(
    samples=st.lists(st.floats(-1e30, 1e30, allow_nan=False, allow_infinity=False),
                     min_size=1, max_size=20).filter(lambda v: any(v)),
    headroom=st.integers(0, 8),
    fmt=st.sampled_from([FLOAT16, BFLOAT16, FLOAT8_E4M3FN]),
)
@example(samples=[1e-300, -65504.0], headroom=0, fmt=FLOAT16)
@example(samples=[3.0, 2.0**-900], headroom=8, fmt=BFLOAT16)
@example(samples=[1.1125369292536007e-308], headroom=0, fmt=FLOAT16)
def test_recommended_scale_is_the_largest_with_headroom(samples, headroom, fmt):
    largest = Fraction(max(abs(v) for v in samples))
    limit = Fraction(fmt.max) / 2**headroom
    if largest * Fraction(2) ** 1024 <= limit:  # the scale would be 2^1024 or more
        with pytest.raises(ValueError, match="too small to scale into"):
            recommend_loss_scale(samples, fmt, headroom)
        return
    rec = recommend_loss_scale(samples, fmt, headroom)
    assert rec.scale == 2.0**rec.exponent
    assert largest * Fraction(2) ** rec.exponent <= limit < largest * Fraction(2) ** (
        rec.exponent + 1)
    smallest = min(abs(v) for v in samples if v)
    assert rec.fits == (Fraction(smallest) * Fraction(2) ** rec.exponent >= Fraction(
        fmt.min_normal))
    assert rec.report.overflow == 0


def test_recommended_scale_rescues_small_gradients():
    gradients = np.random.default_rng(3).standard_normal(10_000) * 1e-7
    assert range_report(gradients, FLOAT16).underflow > 0.1
    rec = recommend_loss_scale(gradients, FLOAT16)
    assert rec.fits is False or rec.report.underflow == 0
    assert rec.report.underflow < 1e-3 and rec.report.overflow == 0


def test_recommend_bad_input():
    with pytest.raises(ValueError, match="at least one nonzero"):
        recommend_loss_scale([0.0, 0.0], FLOAT16)
    with pytest.raises(ValueError, match="gradient_samples must be finite"):
        recommend_loss_scale([1.0, np.nan], FLOAT16)
    with pytest.raises(ValueError, match="headroom must be a non-negative"):
        recommend_loss_scale([1.0], FLOAT16, headroom=-1)
    with pytest.raises(TypeError, match="headroom"):
        recommend_loss_scale([1.0], FLOAT16, headroom=1.5)
    with pytest.raises(ValueError, match="too small to scale"):
        recommend_loss_scale([5e-324], FLOAT16)


# ------------------------------------------------------------------ stagnation


def exact_sum_or_none(w: float, u: float):
    total = w + u
    return total if Fraction(w) + Fraction(u) == Fraction(total) else None


@settings(max_examples=200, deadline=None)
@given(
    fmt=st.sampled_from([FLOAT16, BFLOAT16, FLOAT8_E4M3FN, Format(4, -3, 4, subnormals=False)]),
    data=st.data(),
    mantissa=st.integers(-(2**12), 2**12),
    shift=st.integers(-30, 6),
)
@example(fmt=FLOAT16, data=None, mantissa=1, shift=-11)  # 1 + 2^-11: a tie, 1 is even
@example(fmt=FLOAT16, data=None, mantissa=-1, shift=-12)  # 1 - 2^-12: tie below a power of 2
@example(fmt=FLOAT16, data=None, mantissa=-3, shift=-13)  # below 1 the gap is half: moves
def test_stagnation_matches_round(fmt, data, mantissa, shift):
    w = data.draw(format_values(fmt), label="w") if data is not None else 1.0
    u = math.ldexp(float(mantissa), shift) * (abs(w) if w else 2.0**fmt.emin)
    total = exact_sum_or_none(w, u)
    assume(total is not None and math.isfinite(total))
    report = stagnation(w, u, fmt)
    assert bool(report.stagnant) == (round(total, fmt) == w)
    if abs(u) != report.threshold:  # off a tie, the threshold alone decides
        assert bool(report.stagnant) == (abs(u) < report.threshold)


def test_stagnation_float16_versus_float32():
    w = round(np.linspace(0.5, 2.0, 101), FLOAT16)
    in_half = stagnation(w, 1e-4, FLOAT16)
    assert in_half.stagnant.all() and in_half.fraction == 1.0
    assert not stagnation(w, 1e-4, FLOAT32).stagnant.any()
    assert np.all(in_half.threshold == FLOAT16.ulp(w) / 2)  # moving up, away from zero


def test_stagnation_zero_update_and_broadcast():
    report = stagnation([[1.0], [2.0]], [0.0, 1.0], FLOAT16)
    assert report.stagnant.tolist() == [[True, False], [True, False]]
    assert report.fraction == 0.0
    assert stagnation(1.0, 0.0, FLOAT16).fraction == 0.0


def test_stagnation_bad_input():
    with pytest.raises(ValueError, match="w must hold values of float16"):
        stagnation(0.1, 1e-3, FLOAT16)
    with pytest.raises(ValueError, match="update must be finite"):
        stagnation(1.0, np.nan, FLOAT16)
    with pytest.raises(ValueError, match="must broadcast"):
        stagnation([1.0, 2.0], [1.0, 2.0, 3.0], FLOAT16)
    with pytest.raises(TypeError, match="w must be"):
        stagnation("one", 1.0, FLOAT16)
