"""Emulated sums, dot products and matrix products against exact rational arithmetic.

The oracle repeats each algorithm with :class:`fractions.Fraction` values and the
independent rounding oracle of ``tests/precision/oracle.py``: every operation is the
exact rational result, rounded once. mathkit's float64 emulation must give the same bits.
"""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from mathkit.precision import (
    BFLOAT16,
    FLOAT8_E4M3FN,
    FLOAT16,
    FLOAT32,
    FLOAT64,
    MODES,
    TF32,
    Format,
    dot,
    matmul,
)
from mathkit.precision import sum as emulated_sum
from mathkit.precision.ops import EmulationResult
from mathkit.testing import format_values, formats
from tests.precision.oracle import fraction_round

DETERMINISTIC = [mode for mode in MODES if mode != "stochastic"]
NO_SUBNORMALS = Format(6, -8, 9, subnormals=False, name="p6-ftz")


# ---------------------------------------------------------------------------- the oracle


def _rounder(fmt, mode):
    def rounded(value: Fraction) -> Fraction:
        out = fraction_round(value, fmt, mode)
        assert math.isfinite(out), "the oracle overflowed: the test drew too large values"
        return Fraction(out)

    return rounded


def _stored(values, fmt):
    return [Fraction(fraction_round(float(v), fmt, "nearest_even")) for v in values]


def oracle_sum(values, fmt, algorithm, accumulator, mode):
    terms = _stored(values, fmt)
    rounded = _rounder(accumulator, mode)
    if algorithm == "recursive":
        total = terms[0]
        for term in terms[1:]:
            total = rounded(total + term)
        return total
    if algorithm == "pairwise":
        level = terms
        while len(level) > 1:
            pairs = len(level) // 2
            level = [rounded(level[2 * i] + level[2 * i + 1]) for i in range(pairs)] + \
                level[2 * pairs:]
        return level[0]
    total, correction = terms[0], Fraction(0)
    for term in terms[1:]:
        previous = total
        y = rounded(term + correction)
        total = rounded(previous + y)
        correction = rounded(rounded(previous - total) + y)
    return total


def oracle_dot(x, y, fmt, accumulator, mode):
    rounded = _rounder(accumulator, mode)
    a, b = _stored(x, fmt), _stored(y, fmt)
    total = rounded(a[0] * b[0])
    for p, q in zip(a[1:], b[1:], strict=True):
        total = rounded(total + rounded(p * q))
    return total


# ---------------------------------------------------------------------------- strategies


def _holds(accumulator, fmt) -> bool:
    if accumulator is None:
        return True
    corners = [fmt.min_subnormal, fmt.min_normal, fmt.max, fmt.min_normal * (2 - fmt.eps)]
    return accumulator.precision >= fmt.precision and bool(
        np.all(accumulator.is_representable(corners)))


@st.composite
def sum_cases(draw, max_terms=10, products=False):
    fmt = draw(formats().filter(lambda f: f.precision <= (24 if products else 53)))
    accumulator = draw(st.sampled_from([None, FLOAT32, TF32, FLOAT64]))
    mode = draw(st.sampled_from(DETERMINISTIC))
    assume(_holds(accumulator, fmt))
    effective = accumulator or fmt
    assume(effective.precision <= 51 or (effective == FLOAT64 and mode == "nearest_even"))
    limit = fmt.max / (4 * max_terms)
    if products:
        limit = math.sqrt(limit)
    value = st.one_of(
        st.floats(-limit, limit, allow_nan=False),
        format_values(fmt).filter(lambda v: abs(v) <= limit),
    )
    n = draw(st.integers(1, max_terms))
    x = draw(st.lists(value, min_size=n, max_size=n))
    y = draw(st.lists(value, min_size=n, max_size=n)) if products else None
    return fmt, accumulator, mode, x, y


# ---------------------------------------------------------------------------- exactness


@settings(max_examples=60, deadline=None)
@given(sum_cases(), st.sampled_from(["recursive", "pairwise", "kahan"]))
@example((FLOAT16, None, "nearest_even", [1.0, 2.0**-11, 2.0**-11], None), "recursive")
@example((BFLOAT16, FLOAT32, "toward_zero", [1.0, -(2.0**-30), 3.0], None), "kahan")
@example((NO_SUBNORMALS, None, "up", [2.0**-8, -(2.0**-8) * 1.5, 2.0**-9], None), "pairwise")
def test_sum_matches_the_rational_oracle(case, algorithm):
    fmt, accumulator, mode, x, _ = case
    result = emulated_sum(x, fmt, algorithm, accumulator, mode=mode)
    expected = oracle_sum(x, fmt, algorithm, accumulator or fmt, mode)
    assert Fraction(result.value) == expected
    exact = sum(_stored(x, fmt), Fraction(0))
    assert result.exact == float(exact)  # fsum is correctly rounded


@settings(max_examples=40, deadline=None)
@given(sum_cases(products=True))
@example((FLOAT16, FLOAT32, "nearest_even", [1.0, 2.0**-11, 2.0**-11], [1.0, 1.0, 1.0]))
@example((FLOAT8_E4M3FN, None, "odd", [0.015625, 3.0], [0.001953125, 0.5]))
def test_dot_matches_the_rational_oracle(case):
    fmt, accumulator, mode, x, y = case
    result = dot(x, y, fmt, accumulator, mode=mode)
    assert Fraction(result.value) == oracle_dot(x, y, fmt, accumulator or fmt, mode)


def test_matmul_entries_are_dot_products():
    rng = np.random.default_rng(3)
    A, B = rng.standard_normal((4, 7)), rng.standard_normal((7, 5))
    for mode in ("nearest_even", "toward_zero"):
        result = matmul(A, B, BFLOAT16, mode=mode)
        for i in range(4):
            for j in range(5):
                expected = oracle_dot(A[i], B[:, j], BFLOAT16, BFLOAT16, mode)
                assert Fraction(result.value[i, j]) == expected
        stored_A = _stored(A.ravel(), BFLOAT16)
        stored_B = _stored(B.ravel(), BFLOAT16)
        exact = [[sum((stored_A[7 * i + k] * stored_B[5 * k + j] for k in range(7)),
                              Fraction(0)) for j in range(5)] for i in range(4)]
        assert result.exact.tolist() == [[float(v) for v in row] for row in exact]


def test_rows_are_summed_independently():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((6, 50))
    batch = emulated_sum(x, FLOAT16, "kahan")
    for row, value in zip(x, batch.value, strict=True):
        assert emulated_sum(row, FLOAT16, "kahan").value == value
    assert batch.value.shape == batch.error.shape == batch.bound.shape == (6,)
    text = batch.report()
    assert "6 results (maxima shown)" in text and "2u + 2nu^2" in text
    assert "probabilistic" not in text  # no such bound for Kahan's method


def test_float64_accumulator_is_native_arithmetic():
    rng = np.random.default_rng(9)
    x = rng.standard_normal(200).astype(np.float32).astype(np.float64)
    total = 0.0
    for value in x:
        total += value
    assert emulated_sum(x, FLOAT32, accumulator=FLOAT64).value == total


# ---------------------------------------------------------------------------- known values


def test_fp16_running_sum_of_ones():
    ones = np.ones(2100)
    assert emulated_sum(ones, FLOAT16).value == 2048  # 2048 + 1 ties to even
    assert emulated_sum(ones, FLOAT16, "pairwise").value == 2100  # partial sums stay exact
    assert emulated_sum(ones, FLOAT16, "kahan").value == 2100  # the correction carries the 1s
    assert emulated_sum(ones, FLOAT16, accumulator=FLOAT32).value == 2100


def test_tensor_core_dot():
    # fp16 inputs, fp32 products and sums: 1 + 2^-11 + 2^-11 is exact in fp32.
    x = [1.0, 2.0**-11, 2.0**-11]
    assert dot(x, [1, 1, 1], FLOAT16, FLOAT32).value == 1 + 2.0**-10
    assert dot(x, [1, 1, 1], FLOAT16).value == 1.0  # each 1 + 2^-11 ties to 1


def test_inputs_are_rounded_once_to_fmt():
    # 1 + 2^-8 + 2^-30 rounds up to bfloat16 directly; through float32 it would tie to 1.
    result = emulated_sum([1 + 2.0**-8 + 2.0**-30], BFLOAT16)
    assert result.value == result.exact == 1 + 2.0**-7


def test_result_fields_and_report():
    result = emulated_sum(np.full(100, 0.1), FLOAT16)
    assert isinstance(result, EmulationResult)
    stored = Fraction(fraction_round(0.1, FLOAT16))
    exact = 100 * stored
    assert result.exact == float(exact)
    assert result.absolute_error == abs(float(Fraction(result.value) - exact))
    assert result.error == pytest.approx(float(abs(Fraction(result.value) - exact) / exact),
                                         rel=1e-15)
    assert result.bound == pytest.approx(result.bounds.deterministic / float(exact), rel=1e-15)
    text = result.report()
    assert "relative error" in text and "deterministic bound" in text
    assert "probabilistic bound" in text and "gamma_99" in text
    with pytest.raises(AttributeError):
        result.value = 0.0


def test_zero_exact_sum():
    result = emulated_sum([1.0, -1.0], FLOAT16)
    assert result.value == 0 and result.error == 0
    # the absolute bound gamma_1 (|1| + |-1|) is finite; relative to 0 it is infinite
    assert result.bound == math.inf and 0 < result.bounds.deterministic < 1e-3
    assert emulated_sum([0.0, 0.0], FLOAT16).bound == 0


# ---------------------------------------------------------------------------- stochastic


def test_stochastic_addition_is_unbiased():
    # 1 + 2^-13 lies a quarter of the way from 1 to the next fp16 value: E = exact.
    rows = 20_000
    x = np.tile([1.0, 2.0**-13], (rows, 1))
    values = emulated_sum(x, FLOAT16, mode="stochastic", rng=11).value
    assert set(np.unique(values)) == {1.0, 1 + 2.0**-10}
    mean, error = values.mean(), values.std(ddof=1) / math.sqrt(rows)
    assert abs(mean - (1 + 2.0**-13)) < 4 * error


def test_stochastic_is_reproducible_and_seeded():
    x = np.random.default_rng(2).standard_normal((50, 40))
    first = emulated_sum(x, BFLOAT16, "pairwise", mode="stochastic", rng=4).value
    again = emulated_sum(x, BFLOAT16, "pairwise", mode="stochastic", rng=4).value
    other = emulated_sum(x, BFLOAT16, "pairwise", mode="stochastic", rng=5).value
    assert np.array_equal(first, again) and not np.array_equal(first, other)
    A = np.random.default_rng(3).standard_normal((5, 30))
    one = matmul(A, A.T, FLOAT16, mode="stochastic", rng=1).value
    assert np.array_equal(one, matmul(A, A.T, FLOAT16, mode="stochastic", rng=1).value)


def test_stochastic_sum_of_ones_does_not_stall():
    values = emulated_sum(np.ones((64, 4096)), FLOAT16, mode="stochastic", rng=7).value
    mean, error = values.mean(), values.std(ddof=1) / 8
    assert abs(mean - 4096) < 4 * error and values.min() > 2048


# ---------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: emulated_sum([1.0], FLOAT16, "fast"), ValueError, "algorithm must be one of"),
    (lambda: emulated_sum([1.0], FLOAT16, mode="fast"), ValueError, "mode must be one of"),
    (lambda: emulated_sum([1.0, np.nan], FLOAT16), ValueError, "x must be finite"),
    (lambda: emulated_sum([70000.0], FLOAT16), ValueError, "x must lie within the range"),
    (lambda: emulated_sum([], FLOAT16), ValueError, "at least one term"),
    (lambda: emulated_sum(1.0, FLOAT16), ValueError, "at least one term"),
    (lambda: emulated_sum([1j], FLOAT16), TypeError, "x must be an array of float64"),
    (lambda: emulated_sum(["a"], FLOAT16), TypeError, "x must be an array of float64"),
    (lambda: emulated_sum([1.0], "fp12"), ValueError, "fmt must be a Format"),
    (lambda: emulated_sum([1.0], FLOAT32, accumulator=FLOAT16), ValueError,
     "accumulator must hold every value of fmt"),
    (lambda: emulated_sum([1.0], BFLOAT16, accumulator=FLOAT16), ValueError,
     "accumulator must hold every value of fmt"),
    (lambda: emulated_sum([1.0], FLOAT32, accumulator=FLOAT64, mode="stochastic"), ValueError,
     "accumulator must have at most 51 significand bits"),
    (lambda: emulated_sum([1.0], FLOAT64, mode="up"), ValueError,
     "accumulator must have at most 51 significand bits"),
    (lambda: emulated_sum([1.0], FLOAT16, lam=0.0), ValueError, "lam must be a positive"),
    (lambda: emulated_sum([1.0], FLOAT16, mode="stochastic", rng=-1), ValueError, "rng"),
    (lambda: dot([1.0], [1.0], FLOAT64), ValueError, "at most 26 significand bits"),
    (lambda: dot([1.0, 2.0], [1.0], FLOAT16), ValueError, "same positive length"),
    (lambda: dot([[1.0]], [[1.0]], FLOAT16), ValueError, "same positive length"),
    (lambda: dot([1.0], [np.inf], FLOAT16), ValueError, "y must be finite"),
    (lambda: matmul(np.ones((2, 3)), np.ones((2, 3)), FLOAT16), ValueError,
     "shapes (m, n) and (n, p)"),
    (lambda: matmul(np.ones(3), np.ones((3, 1)), FLOAT16), ValueError, "shapes (m, n)"),
    (lambda: matmul(np.ones((2, 1)), [[1e6]], FLOAT16), ValueError, "B must lie within"),
])
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()


# ---------------------------------------------------------------------------- engines


@pytest.mark.parametrize(("algorithm", "mode", "fmt", "accumulator"), [
    ("kahan", "up", FLOAT16, None),
    ("pairwise", "nearest_even", BFLOAT16, None),
    ("pairwise", "nearest_even", FLOAT32, FLOAT64),  # native float64, same kernel
    ("recursive", "stochastic", FLOAT8_E4M3FN, TF32),
])
def test_compiled_sums_give_the_reference_bits(algorithm, mode, fmt, accumulator):
    rng = np.random.default_rng(12)
    x = rng.standard_normal((37, 129)) * 2.0 ** rng.integers(-12, 6, (37, 129))
    x = np.clip(x, -fmt.max / 200, fmt.max / 200)
    reference = emulated_sum(x, fmt, algorithm, accumulator, mode=mode, rng=6, backend="numpy")
    compiled = emulated_sum(x, fmt, algorithm, accumulator, mode=mode, rng=6, backend="numba")
    assert np.array_equal(reference.value.view(np.uint64), compiled.value.view(np.uint64))


def test_compiled_matmul_gives_the_reference_bits():
    rng = np.random.default_rng(13)
    A, B = rng.standard_normal((9, 40)), rng.standard_normal((40, 6))
    for accumulator in (None, FLOAT32):
        reference = matmul(A, B, FLOAT16, accumulator, mode="stochastic", rng=2,
                           backend="numpy")
        compiled = matmul(A, B, FLOAT16, accumulator, mode="stochastic", rng=2,
                          backend="numba")
        assert np.array_equal(reference.value, compiled.value)


def test_unknown_backend():
    with pytest.raises(ValueError, match="backend must be one of 'auto', 'numpy', 'numba'"):
        emulated_sum([1.0], FLOAT16, backend="cupy")
