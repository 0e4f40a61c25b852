"""Bad input across the public API of mathkit.precision: a clear TypeError / ValueError that
names the argument, never a bare numpy or Python error from deep inside, a silent NaN or a
wrong answer. And the non-finite inputs that are *not* bad: rounding NaN and inf as IEEE 754
and the OCP 8-bit specification say.
"""

import math
import re

import numpy as np
import pytest

import mathkit.precision as mp
from mathkit import cli
from mathkit.precision import (
    FLOAT8_E4M3FN,
    FLOAT8_E4M3FNUZ,
    FLOAT8_E5M2,
    FLOAT8_E5M2FNUZ,
    FLOAT16,
    FLOAT32,
    FLOAT64,
    MODES,
    Format,
    LossScaler,
)
from mathkit.precision import sum as emulated_sum

U16 = 2.0**-11
RAGGED = [[1.0, 2.0], [3.0]]
#: 1 + 2^-60 in long double: float64 would round it to 1 before anything else sees it.
LONG = np.longdouble(1) + np.longdouble(2) ** -60


def _raises(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---------------------------------------------------------------------------- formats


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: Format(0, -6, 8), ValueError, "precision must be at least 2.*got 0"),
    (lambda: Format(-3, -6, 8), ValueError, "precision must be at least 2.*got -3"),
    (lambda: Format(54, -6, 8), ValueError, "precision must be at most 53.*got 54"),
    (lambda: Format(True, -6, 8), TypeError, "precision must be an integer, got bool"),
    (lambda: Format(4.0, -6, 8), TypeError, "precision must be an integer, got float"),
    (lambda: Format(4, 8, 8), ValueError, "emin must be less than emax"),
    (lambda: Format(4, -2000, 8), ValueError, "emin and emax must lie in"),
    (lambda: Format(4, -6, 2000), ValueError, "emin and emax must lie in"),
    (lambda: Format(4, None, 8), TypeError, "emin must be an integer, got NoneType"),
    (lambda: Format(4, -6, 8, subnormals=1), TypeError, "subnormals must be True or False"),
    (lambda: Format(4, -6, 8, nan="IEEE"), ValueError, "nan must be one of"),
    (lambda: Format(4, -6, 9, infinities=False), ValueError, "must be a power of two"),
    (lambda: mp.as_format(None), TypeError, "fmt must be a Format or a format name"),
    (lambda: mp.as_format("fp12"), ValueError, "fmt must be a Format or one of"),
    (lambda: FLOAT16.ulp("a"), TypeError, "x must be real numbers, got dtype <U1"),
    (lambda: FLOAT16.ulp(True), TypeError, "x must be real numbers, got dtype bool"),
    (lambda: FLOAT32.values(), ValueError, "at most 16 bits"),
])
def test_format_bad_input(call, error, message):
    _raises(call, error, message)


def test_format_nan_of_the_wrong_type_is_a_type_error():
    _raises(lambda: Format(4, -6, 8, nan=3), TypeError, "nan must be a string.*got 3")


@pytest.mark.parametrize("method", ["ulp", "next_up", "next_down", "is_representable"])
def test_format_methods_refuse_long_double(method):
    # float64 would see 1 + 2^-60 as 1.0, a value of float32: is_representable said True
    _raises(lambda: getattr(FLOAT32, method)(LONG), TypeError,
            "x must have dtype float16, float32 or float64, got float128")


# ---------------------------------------------------------------------------- round, bits


@pytest.mark.parametrize(("x", "error", "message"), [
    ("a", TypeError, "x must be real numbers.*got dtype <U1"),
    (None, TypeError, "x must be real numbers.*got dtype object"),
    (1j, TypeError, "x must be real numbers, got complex"),
    ([True, False], TypeError, "x must be real numbers.*got dtype bool"),
    (np.array([1, None], dtype=object), TypeError, "got dtype object"),
    (np.longdouble(1), TypeError, "x must have dtype float16, float32 or float64"),
    (2**64 + 1, ValueError, "x must be exactly representable in float64"),
])
def test_round_refuses_what_is_not_a_real_float64(x, error, message):
    _raises(lambda: mp.round(x, FLOAT16), error, message)


@pytest.mark.parametrize("call", [
    lambda: mp.round(RAGGED, FLOAT16),
    lambda: mp.describe(RAGGED, FLOAT16),
    lambda: mp.encode(RAGGED, FLOAT16),
])
def test_ragged_input_names_x(call):
    _raises(call, TypeError, "x must be an array of real numbers, got list")


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"mode": "NEAREST_EVEN"}, ValueError, "mode must be one of"),
    ({"mode": None}, TypeError, "mode must be a string"),
    ({"overflow": "clamp"}, ValueError, "overflow must be one of"),
    ({"backend": "fast"}, ValueError, "backend must be one of"),
    ({"mode": "stochastic", "rng": -1}, ValueError, "rng must be a non-negative integer"),
    ({"mode": "stochastic", "rng": 1.5}, TypeError, "rng must be None, an int"),
    ({"mode": "stochastic", "rng": np.random.RandomState(0)}, TypeError, "got RandomState"),
    ({"mode": "stochastic", "rng": 1, "index_offset": -1}, ValueError, "index_offset must be"),
    ({"mode": "stochastic", "rng": 1, "index_offset": 1.0}, TypeError, "index_offset must be"),
])
def test_round_bad_options(kwargs, error, message):
    _raises(lambda: mp.round(1.1, FLOAT16, **kwargs), error, message)


@pytest.mark.parametrize(("rng", "error", "message"), [
    ("seed", TypeError, "rng must be None, an int.*got str"),
    (-1, ValueError, "rng must be a non-negative integer seed, got -1"),
])
@pytest.mark.parametrize("call", [
    lambda rng: mp.round(1.0, FLOAT16, rng=rng),
    lambda rng: mp.encode(1.0, FLOAT16, rng=rng),
    lambda rng: emulated_sum([1.0, 2.0], FLOAT16, rng=rng),
    lambda rng: mp.dot([1.0], [2.0], FLOAT16, rng=rng, backend="numba"),
])
def test_an_rng_that_is_no_seed_is_refused_in_every_mode(call, rng, error, message):
    _raises(lambda: call(rng), error, message)


def test_an_unused_generator_is_not_advanced():
    generator = np.random.default_rng(5)
    state = generator.bit_generator.state
    mp.round(1.1, FLOAT16, rng=generator)
    assert generator.bit_generator.state == state


@pytest.mark.parametrize(("codes", "error", "message"), [
    (None, TypeError, "codes must be integers, got None"),
    (np.array([1, None], dtype=object), TypeError, "codes must be integers, got array"),
    (np.array([2**70], dtype=object), ValueError, r"codes must be integers in \[0, 2\*\*16\)"),
    ([1.0], TypeError, "codes must be integers, got dtype float64"),
    (-1, ValueError, r"got values in \[-1, -1\]"),
])
def test_decode_bad_codes(codes, error, message):
    _raises(lambda: mp.decode(codes, FLOAT16), error, message)


# ---------------------------------------------------------------------------- rounding NaN, inf

#: (format, its largest value, whether it has -0, whether it has inf)
EIGHT_BIT = [
    (FLOAT8_E4M3FN, 448.0, True, False),
    (FLOAT8_E4M3FNUZ, 240.0, False, False),
    (FLOAT8_E5M2, 57344.0, True, True),
    (FLOAT8_E5M2FNUZ, 57344.0, False, False),
]
SPECIALS = np.array([np.nan, np.inf, -np.inf, 1e6, -1e6, -0.0])


@pytest.mark.parametrize("backend", ["numpy", "numba"])
@pytest.mark.parametrize(("fmt", "largest", "negative_zero", "infinities"), EIGHT_BIT)
def test_nan_and_inf_round_as_ieee_and_ocp_say(fmt, largest, negative_zero, infinities,
                                              backend):
    beyond = math.inf if infinities else math.nan  # OCP 8-bit spec: no inf, so NaN
    nearest = mp.round(SPECIALS, fmt, backend=backend)
    expected = [math.nan, beyond, -beyond, beyond, -beyond, -0.0 if negative_zero else 0.0]
    np.testing.assert_array_equal(nearest, expected)
    assert np.signbit(nearest[5]) == negative_zero
    saturated = mp.round(SPECIALS, fmt, overflow="saturate", backend=backend)
    np.testing.assert_array_equal(saturated[:5], [math.nan, largest, -largest, largest, -largest])
    toward_zero = mp.round(SPECIALS[3:5], fmt, mode="toward_zero", backend=backend)
    np.testing.assert_array_equal(toward_zero, [largest, -largest])  # IEEE 754 §7.4


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fmt", [FLOAT16, FLOAT8_E4M3FN, FLOAT8_E4M3FNUZ])
def test_nan_stays_nan_in_every_mode(fmt, mode):
    # the numba engine gives the same bits on NaN in every mode: test_numba.py
    assert math.isnan(mp.round(math.nan, fmt, mode=mode, rng=3, backend="numpy"))


# ---------------------------------------------------------------------------- bounds


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: mp.gamma(0.5, U16), TypeError, "n must be a non-negative integer, got float"),
    (lambda: mp.gamma(True, U16), TypeError, "n must be a non-negative integer, got bool"),
    (lambda: mp.gamma(-1, U16), ValueError, "n must be a non-negative integer, got -1"),
    (lambda: mp.gamma(3, 0.0), ValueError, r"u must be a real number in \(0, 1\), got 0.0"),
    (lambda: mp.gamma(3, 1.0), ValueError, r"u must be a real number in \(0, 1\), got 1.0"),
    (lambda: mp.gamma(3, -0.1), ValueError, "u must be a real number in"),
    (lambda: mp.gamma(3, math.nan), ValueError, "u must be a real number in.*got nan"),
    (lambda: mp.probabilistic_gamma(3, U16, -1.0), ValueError, "lam must be a positive"),
    (lambda: mp.probabilistic_gamma(3, U16, math.nan), ValueError, "lam must be a positive"),
    (lambda: mp.probabilistic_gamma(3, U16, True), TypeError, "lam must be a positive"),
    (lambda: mp.success_probability(6.0, U16, 1.5), TypeError, "terms must be"),
])
def test_bounds_bad_numbers(call, error, message):
    _raises(call, error, message)


@pytest.mark.parametrize("u", ["0.1", None, True])
@pytest.mark.parametrize("function", [
    lambda u: mp.gamma(3, u),
    lambda u: mp.probabilistic_gamma(3, u),
    lambda u: mp.success_probability(6.0, u),
])
def test_a_unit_roundoff_of_the_wrong_type_is_a_type_error(function, u):
    _raises(lambda: function(u), TypeError, r"u must be a real number in \(0, 1\)")


def test_gamma_of_an_integer_beyond_float64():
    # n u = 2^1030 2^-1032 = 1/4 exactly: gamma = (1/4) / (3/4); float(n) overflows
    assert mp.gamma(2**1030, 2.0**-1032) == 1 / 3
    assert mp.gamma(10**400, U16) == math.inf


def test_probabilistic_gamma_past_float64_is_inf_not_an_overflow_error():
    assert mp.probabilistic_gamma(10**20, 0.5) == math.inf
    assert mp.probabilistic_gamma(10**6, 0.5, 1e300) == math.inf
    # lam sqrt(n) u = 6 2^515 2^-1032, and n u^2 below float64's range: expm1 of that
    assert mp.probabilistic_gamma(2**1030, 2.0**-1032) == pytest.approx(6 * 2.0**-517)


def test_success_probability_of_more_terms_than_float64_holds():
    assert mp.success_probability(6.0, U16, 10**400) == 0.0


def test_success_probability_of_a_huge_lam_is_one_not_an_overflow_error():
    assert mp.success_probability(1e300, U16) == 1.0  # lam^2 overflows; exp(-lam^2/2) is 0
    assert emulated_sum([1.0, 2.0], FLOAT16, lam=1e300).bounds.success_probability == 1.0


def test_a_long_sum_in_an_eight_bit_format_has_an_infinite_probabilistic_bound():
    # directed rounding: u = 2 2^-3, and n u^2 / (1 - u) = 9000 / 16 / 0.75 > 709: exp
    # overflows float64, and the bound is no bound (round to nearest: from 40,000 terms)
    result = emulated_sum(np.ones(9000), FLOAT8_E5M2, mode="up", backend="numpy")
    assert result.bounds.probabilistic == math.inf and result.probabilistic_bound == math.inf
    assert mp.sum_bounds(np.ones(40_000), FLOAT8_E5M2).probabilistic == math.inf


@pytest.mark.parametrize(("x", "error", "message"), [
    ("a", TypeError, "x must be an array of float64 numbers, got dtype <U1"),
    ([1j], TypeError, "x must be an array of float64 numbers, got dtype complex128"),
    (None, TypeError, "x must be an array of float64 numbers, got dtype object"),
    ([True, False], TypeError, "x must be real numbers.*got dtype bool"),
    (RAGGED, TypeError, "x must be an array of numbers, got list"),
    (np.array([LONG]), TypeError, "x must have dtype float16, float32 or float64"),
])
@pytest.mark.parametrize("call", [
    lambda x: mp.sum_bounds(x, FLOAT16),
    lambda x: mp.dot_bounds(x, [1.0], FLOAT16),
    lambda x: emulated_sum(x, FLOAT16),
    lambda x: mp.dot(x, [1.0], FLOAT16),
])
def test_sums_and_dots_refuse_what_is_not_real(call, x, error, message):
    _raises(lambda: call(x), error, message)


@pytest.mark.parametrize("call", [
    lambda a: mp.matmul_bounds(a, [[1.0]], FLOAT16),
    lambda a: mp.matmul(a, [[1.0]], FLOAT16),
])
@pytest.mark.parametrize(("a", "error", "message"), [
    ([["a"]], TypeError, "A must be an array of float64 numbers"),
    ([[True]], TypeError, "A must be real numbers.*got dtype bool"),
    ([[math.nan]], ValueError, r"A must be finite, got nan at index \(0, 0\)"),
])
def test_matrix_products_refuse_what_is_not_real(call, a, error, message):
    _raises(lambda: call(a), error, message)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: mp.sum_bounds([], FLOAT16), ValueError, "at least one term"),
    (lambda: mp.sum_bounds(np.zeros((2, 0)), FLOAT16), ValueError, "at least one term"),
    (lambda: mp.sum_bounds([math.inf], FLOAT16), ValueError, "x must be finite, got inf"),
    (lambda: mp.sum_bounds([1.0], FLOAT16, "fast"), ValueError, "algorithm must be one of"),
    (lambda: mp.sum_bounds([1.0], FLOAT16, "kahan", "up", -1.0), ValueError, "lam must be"),
    (lambda: mp.dot_bounds([], [], FLOAT16), ValueError, "same positive length"),
    (lambda: mp.dot_bounds([1.0], [math.nan], FLOAT16), ValueError, "y must be finite"),
    (lambda: mp.matmul_bounds(np.ones((2, 0)), np.ones((0, 3)), FLOAT16), ValueError,
     r"with n >= 1, got \(2, 0\) and \(0, 3\)"),
    (lambda: mp.matmul_bounds(np.ones((2, 2, 2)), np.ones((2, 2)), FLOAT16), ValueError,
     r"shapes \(m, n\) and \(n, p\)"),
])
def test_bounds_bad_shapes_and_options(call, error, message):
    _raises(call, error, message)


@pytest.mark.parametrize("call", [
    lambda: mp.sum_bounds([1e308, 1e308], FLOAT64).deterministic,
    lambda: mp.sum_bounds([1e308, 1e308], FLOAT64).probabilistic,
    lambda: mp.dot_bounds([1e200, 1e200], [1e200, 1.0], FLOAT64).deterministic,
    lambda: mp.dot_bounds([1e308, 1e308], [1.0, 1.0], FLOAT64).deterministic,
    lambda: mp.matmul_bounds([[1e200]], [[1e200]], FLOAT64).deterministic[0, 0],
])
def test_a_bound_past_float64_is_inf_without_a_warning(call):
    assert call() == math.inf  # the filterwarnings setting turns a RuntimeWarning into an error


# ---------------------------------------------------------------------------- sum, dot, matmul

#: 2^60 + 2^36 + 1 rounds up in float32 (above the midpoint 2^60 + 2^36), but float64 sees the
#: midpoint, and float32 rounds that to even, down to 2^60: the sum of this one term was 2^60.
TWICE_ROUNDED = 2**60 + 2**36 + 1


@pytest.mark.parametrize(("call", "name"), [
    (lambda: emulated_sum(np.array([TWICE_ROUNDED]), FLOAT32), "x"),
    (lambda: mp.dot([1.0], np.array([TWICE_ROUNDED]), FLOAT16), "y"),
    (lambda: mp.matmul(np.array([[TWICE_ROUNDED]]), [[1.0]], FLOAT32), "A"),
    (lambda: mp.sum_bounds(np.array([TWICE_ROUNDED]), FLOAT32), "x"),
])
def test_integers_float64_would_round_are_refused_as_round_refuses_them(call, name):
    _raises(call, ValueError, f"{name} must be exactly representable in float64.*"
            f"got the integer {TWICE_ROUNDED} at index")
    _raises(lambda: mp.round(TWICE_ROUNDED, FLOAT32), ValueError,
            "x must be exactly representable in float64")



@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: emulated_sum([], FLOAT16), ValueError, r"at least one term.*got shape \(0,\)"),
    (lambda: emulated_sum(2.0, FLOAT16), ValueError, r"at least one term.*got shape \(\)"),
    (lambda: emulated_sum([1.0], FLOAT16, accumulator="fp12"), ValueError, "fmt must be a"),
    (lambda: emulated_sum([1.0], FLOAT16, accumulator=FLOAT8_E4M3FN), ValueError,
     "accumulator must hold every value of fmt"),
    (lambda: emulated_sum([1.0], FLOAT16, backend="cupy"), ValueError, "backend must be one of"),
    (lambda: emulated_sum([1.0], FLOAT16, lam="6"), TypeError, "lam must be a positive"),
    (lambda: emulated_sum([1e6], FLOAT16), ValueError, "x must lie within the range"),
    (lambda: mp.dot([1.0], [1.0, 2.0], FLOAT16), ValueError, r"got shapes \(1,\), \(2,\)"),
    (lambda: mp.dot(1.0, 2.0, FLOAT16), ValueError, "1-D of the same positive length"),
    (lambda: mp.dot([1.0], [1.0], FLOAT64), ValueError, "at most 26 significand bits"),
    (lambda: mp.matmul(np.ones((2, 0)), np.ones((0, 3)), FLOAT16), ValueError, "n >= 1"),
    (lambda: mp.matmul(np.ones((2, 2, 2)), np.ones((2, 2)), FLOAT16), ValueError,
     r"\(m, n\) and \(n, p\)"),
])
def test_emulation_bad_shapes_and_options(call, error, message):
    _raises(call, error, message)


@pytest.mark.parametrize("fmt", [FLOAT16, FLOAT32])  # the integer and the fsum exact products
@pytest.mark.parametrize(("m", "n", "p"), [(0, 2, 3), (2, 2, 0), (0, 1, 0)])
def test_matmul_with_no_rows_or_columns_is_empty(m, n, p, fmt):
    # the exact product (the same for both engines) lost its shape
    result = mp.matmul(np.ones((m, n)), np.ones((n, p)), fmt, backend="numpy")
    for entry in (result.value, result.exact, result.error, result.bound):
        assert entry.shape == (m, p)


# ---------------------------------------------------------------------------- training


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"init_scale": 0}, ValueError, "init_scale must be a finite positive number, got 0.0"),
    ({"init_scale": -1.0}, ValueError, "init_scale must be a finite positive number"),
    ({"init_scale": math.nan}, ValueError, "init_scale must be a finite positive number"),
    ({"init_scale": 1e39}, ValueError, "init_scale must be a positive finite float32 value"),
    ({"init_scale": True}, TypeError, "init_scale must be a positive real number"),
    ({"growth_factor": 1.0}, ValueError, "growth_factor must be greater than 1, got 1.0"),
    ({"growth_factor": math.inf}, ValueError, "growth_factor must be a finite positive"),
    ({"backoff_factor": 1.0}, ValueError, r"backoff_factor must be in \(0, 1\), got 1.0"),
    ({"backoff_factor": 0.0}, ValueError, "backoff_factor must be a finite positive number"),
    ({"backoff_factor": -0.5}, ValueError, "backoff_factor must be a finite positive number"),
    ({"growth_interval": 0}, ValueError, "growth_interval must be a positive integer, got 0"),
    ({"growth_interval": 2.0}, TypeError, "growth_interval must be a positive integer"),
    ({"growth_interval": True}, TypeError, "growth_interval must be a positive integer"),
    ({"growth_interval": 2**31}, ValueError, "growth_interval must be below 2"),
])
def test_loss_scaler_bad_parameters(kwargs, error, message):
    _raises(lambda: LossScaler(**kwargs), error, message)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: LossScaler().update(1), TypeError, "found_inf must be True or False, got 1"),
    (lambda: LossScaler().unscale(["a"]), TypeError, "scaled_gradients must be real"),
    (lambda: LossScaler().unscale([True]), TypeError, "scaled_gradients must be real"),
    (lambda: LossScaler().unscale(RAGGED), TypeError, "scaled_gradients must be an array"),
    (lambda: LossScaler().unscale([1.0], "fp12"), ValueError, "fmt must be a Format"),
    (lambda: mp.range_report([1j], FLOAT16), TypeError, "values must be real numbers"),
    (lambda: mp.range_report([1.0], FLOAT16, 0), ValueError, "scale must be a finite positive"),
    (lambda: mp.range_report([1.0], FLOAT16, math.nan), ValueError, "scale must be a finite"),
    (lambda: mp.recommend_loss_scale([math.nan], FLOAT16), ValueError,
     "gradient_samples must be finite"),
    (lambda: mp.recommend_loss_scale([0.0], FLOAT16), ValueError, "got all zeros"),
    (lambda: mp.recommend_loss_scale([1e-3], FLOAT16, headroom=-1), ValueError,
     "headroom must be a non-negative integer, got -1"),
    (lambda: mp.recommend_loss_scale([1e-3], FLOAT16, headroom=1.5), TypeError,
     "headroom must be a non-negative integer"),
    (lambda: mp.stagnation([1.0, 2.0], [1.0, 2.0, 3.0], FLOAT16), ValueError,
     r"w and update must broadcast, got shapes \(2,\) and \(3,\)"),
    (lambda: mp.stagnation(0.1, 1.0, FLOAT16), ValueError, "w must hold values of float16"),
    (lambda: mp.stagnation(1.0, math.inf, FLOAT16), ValueError, "update must be finite"),
    (lambda: mp.stagnation(1.0, 1.0, "fp12"), ValueError, "fmt must be a Format"),
])
def test_training_bad_input(call, error, message):
    _raises(call, error, message)


@pytest.mark.parametrize("init_scale", [2.0**-128, 2.0**-140])
def test_unscale_by_an_infinite_reciprocal_is_refused(init_scale):
    # float32(1 / s) = inf: gradients would come back inf and, for 0, NaN
    scaler = LossScaler(init_scale=init_scale)
    _raises(lambda: scaler.unscale([1.0, 0.0]), ValueError,
            r"scale must be above 2\^-128 to unscale by.*got " + re.escape(repr(init_scale)))


def test_unscale_after_backing_off_to_zero_is_refused():
    scaler = LossScaler(init_scale=1.0)
    for _ in range(200):
        scaler.update(True)
    assert scaler.scale == 0.0  # as PyTorch: nothing stops the backoff
    _raises(lambda: scaler.unscale([1.0]), ValueError, "scale must be above 2\\^-128.*got 0.0")


def test_the_smallest_scale_with_a_finite_reciprocal_still_unscales():
    scale = 2.0**-128 + 2.0**-149  # the next float32 above 2^-128
    gradients = LossScaler(init_scale=scale).unscale([scale]).gradients
    assert np.isfinite(gradients).all() and gradients[0] == pytest.approx(1.0, rel=1e-6)


def test_a_headroom_past_float64_names_headroom():
    _raises(lambda: mp.recommend_loss_scale([1e-3], FLOAT16, headroom=10**6), ValueError,
            "headroom must leave a scale float64 holds.*got 1000000")


def test_no_gradient_samples_is_not_all_zeros():
    _raises(lambda: mp.recommend_loss_scale([], FLOAT16), ValueError,
            "at least one nonzero value, got an empty array")


@pytest.mark.parametrize(("w", "update", "message"), [
    ([True], [1.0], "w must be real numbers.*got dtype bool"),
    ([1.0], [True], "update must be real numbers.*got dtype bool"),
    # 2^-24 + 2^-80 moves 1 to its float32 successor; float64 would see the tie 2^-24,
    # which leaves 1 (even) in place: stagnation answered True
    (1.0, np.array([np.longdouble(2) ** -24 + np.longdouble(2) ** -80]),
     "update must have dtype float16, float32 or float64"),
])
def test_stagnation_refuses_bools_and_long_doubles(w, update, message):
    _raises(lambda: mp.stagnation(w, update, FLOAT32), TypeError, message)


# ---------------------------------------------------------------------------- command line


@pytest.mark.parametrize(("argv", "message"), [
    (["float", "0.1", "--mode", "stochastic", "--seed", "-3"],
     "--seed must be a non-negative integer, got -3"),
    (["float", "abc"], "value must be a number"),
    (["float", "1", "--format", "fp12"], "unknown format 'fp12'"),
])
def test_float_command_names_the_bad_argument(monkeypatch, capsys, argv, message):
    monkeypatch.setattr(cli, "AREA_COMMANDS", ("mathkit.precision.command",))
    assert cli.main(argv) == 2
    assert message in capsys.readouterr().out
