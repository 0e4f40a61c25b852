"""Error bounds: closed forms, and measured errors of emulated computations never above them."""

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from mathkit.precision import (
    BFLOAT16,
    FLOAT16,
    FLOAT32,
    Format,
    dot,
    dot_bounds,
    gamma,
    matmul,
    matmul_bounds,
    probabilistic_gamma,
    success_probability,
    sum_bounds,
)
from mathkit.precision import sum as emulated_sum
from tests.precision.test_ops import NO_SUBNORMALS, sum_cases

U16 = 2.0**-11
ALGORITHMS = ["recursive", "pairwise", "kahan"]


# ---------------------------------------------------------------------------- closed forms


@given(st.integers(0, 10**6), st.integers(2, 53))
def test_gamma_is_n_u_over_one_minus_n_u(n, p):
    u = Fraction(1, 2**p)
    value = gamma(n, float(u))
    if n * u >= 1:
        assert value == math.inf
    else:
        assert value == pytest.approx(float(n * u / (1 - n * u)), rel=2.0**-50)


def test_gamma_limits():
    assert gamma(0, U16) == 0
    assert gamma(2047, U16) == 2047 / (2048 - 2047)
    assert gamma(2048, U16) == math.inf


@given(st.integers(0, 10**8), st.integers(3, 53), st.floats(0.1, 20))
def test_probabilistic_gamma_against_mpmath(n, p, lam):
    u = 2.0**-p
    assume(lam * math.sqrt(n) * u <= 2)  # where the bound says something (below 6.4)
    with mpmath.workdps(50):
        expected = mpmath.expm1(lam * mpmath.sqrt(n) * u + n * mpmath.mpf(u) ** 2 / (1 - u))
    assert probabilistic_gamma(n, u, lam) == pytest.approx(float(expected), rel=1e-13)


def test_probabilistic_gamma_is_lambda_sqrt_n_u_to_first_order():
    u = 2.0**-24
    first_order = 6 * math.sqrt(10**6) * u
    assert probabilistic_gamma(10**6, u, 6.0) == pytest.approx(first_order, rel=3e-4)
    # sqrt(n) against n: far below gamma_n once n is large
    assert probabilistic_gamma(10**6, u, 6.0) < gamma(10**6, u) / 10


@given(st.floats(0.01, 40), st.integers(1, 10**9))
def test_success_probability_against_mpmath(lam, terms):
    u = 2.0**-11
    with mpmath.workdps(50):
        expected = 1 - terms * 2 * mpmath.exp(-(lam * (1 - mpmath.mpf(u))) ** 2 / 2)
    expected = max(0.0, float(expected))
    assert success_probability(lam, u, terms) == pytest.approx(expected, abs=1e-15)


def test_sum_bounds_formulas():
    x = np.linspace(-1, 2, 101)
    magnitude = math.fsum(abs(v) for v in x)
    u = FLOAT16.unit_roundoff
    cases = {"recursive": gamma(100, u), "pairwise": gamma(7, u),
             "kahan": 2 * u + 2 * 101 * u * u}
    for algorithm, factor in cases.items():
        bounds = sum_bounds(x, FLOAT16, algorithm)
        assert bounds.deterministic == pytest.approx(factor * magnitude, rel=1e-13)
        assert bounds.deterministic >= factor * magnitude
    directed = sum_bounds(x, FLOAT16, "recursive", mode="toward_zero")
    assert directed.unit_roundoff == 2 * u
    assert directed.deterministic == pytest.approx(gamma(100, 2 * u) * magnitude, rel=1e-13)
    assert sum_bounds(x, FLOAT16, "kahan").probabilistic is None
    assert sum_bounds([3.0], FLOAT16, "pairwise").deterministic == 0


def test_sum_bounds_without_subnormals_add_the_underflow():
    bounds = sum_bounds([1.0, 1.0, 1.0], NO_SUBNORMALS)
    model = gamma(2, NO_SUBNORMALS.unit_roundoff)
    assert bounds.deterministic == pytest.approx(
        model * 3 + 2 * NO_SUBNORMALS.min_normal * (1 + model), rel=1e-13)


def test_dot_and_matmul_bounds_formulas():
    rng = np.random.default_rng(1)
    A, B = rng.standard_normal((3, 20)), rng.standard_normal((20, 4))
    entrywise = matmul_bounds(A, B, BFLOAT16)
    u = BFLOAT16.unit_roundoff
    bottom = 20 * BFLOAT16.min_subnormal * (1 + gamma(20, u))
    for i in range(3):
        for j in range(4):
            single = dot_bounds(A[i], B[:, j], BFLOAT16)
            magnitude = math.fsum(abs(A[i] * B[:, j]))
            assert single.deterministic == pytest.approx(gamma(20, u) * magnitude + bottom,
                                                         rel=1e-13)
            assert entrywise.deterministic[i, j] == pytest.approx(single.deterministic,
                                                                  rel=1e-13)
    assert entrywise.success_probability == success_probability(6.0, u, 20)


def test_vacuous_deterministic_bound_beside_a_useful_probabilistic_one():
    bounds = sum_bounds(np.ones(4096), FLOAT16)
    assert bounds.deterministic == math.inf  # n u = 2
    assert bounds.probabilistic < 4096 * 0.25


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: gamma(-1, 0.1), ValueError, "n must be a non-negative integer"),
    (lambda: gamma(1.5, 0.1), TypeError, "n must be a non-negative integer"),
    (lambda: gamma(1, 1.0), ValueError, "u must be a real number in"),
    (lambda: probabilistic_gamma(1, 0.1, -1.0), ValueError, "lam must be a positive"),
    (lambda: probabilistic_gamma(1, 0.1, math.inf), ValueError, "lam must be a positive"),
    (lambda: probabilistic_gamma(1, 0.1, "6"), TypeError, "lam must be a positive"),
    (lambda: success_probability(1.0, 0.1, -2), ValueError, "terms must be"),
    (lambda: sum_bounds([], FLOAT16), ValueError, "at least one term"),
    (lambda: sum_bounds([1.0], FLOAT16, "fast"), ValueError, "algorithm must be one of"),
    (lambda: sum_bounds([np.nan], FLOAT16), ValueError, "x must be finite"),
    (lambda: sum_bounds([1.0], FLOAT16, mode="fast"), ValueError, "mode must be one of"),
    (lambda: dot_bounds([1.0], [1.0, 2.0], FLOAT16), ValueError, "same positive length"),
    (lambda: matmul_bounds(np.ones((2, 2)), np.ones((3, 2)), FLOAT16), ValueError,
     r"shapes \(m, n\)"),
])
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---------------------------------------------------------------------------- the law


def _within(result, exact: Fraction) -> bool:
    """``|value - exact| <= bound``, exactly; an infinite bound (n u >= 1) holds trivially."""
    bound = result.bounds.deterministic
    return bound == math.inf or abs(Fraction(result.value) - exact) <= Fraction(bound)


def _stored(values, fmt):
    from mathkit.precision import round as round_to

    return [Fraction(v) for v in np.atleast_1d(round_to(np.asarray(values, float), fmt))]


@settings(max_examples=60, deadline=None)
@given(sum_cases(max_terms=40), st.sampled_from(ALGORITHMS), st.booleans(),
       st.integers(0, 2**32))
@example((FLOAT16, None, "nearest_even", [1.0] * 40, None), "recursive", False, 0)
@example((FLOAT16, None, "nearest_even", [2048.0] + [1.0] * 39, None), "kahan", True, 1)
def test_error_never_exceeds_the_deterministic_bound(case, algorithm, stochastic, seed):
    fmt, accumulator, mode, x, _ = case
    if stochastic and (accumulator or fmt).precision <= 51:
        mode = "stochastic"
    result = emulated_sum(x, fmt, algorithm, accumulator, mode=mode, rng=seed)
    exact = sum(_stored(x, fmt), Fraction(0))
    assert _within(result, exact)


@settings(max_examples=40, deadline=None)
@given(sum_cases(max_terms=20, products=True), st.booleans(), st.integers(0, 2**32))
def test_dot_error_never_exceeds_the_deterministic_bound(case, stochastic, seed):
    fmt, accumulator, mode, x, y = case
    if stochastic and (accumulator or fmt).precision <= 51:
        mode = "stochastic"
    result = dot(x, y, fmt, accumulator, mode=mode, rng=seed)
    exact = sum((a * b for a, b in zip(_stored(x, fmt), _stored(y, fmt), strict=True)),
                Fraction(0))
    assert _within(result, exact)


def test_matmul_errors_within_bounds_and_sqrt_n_growth():
    rng = np.random.default_rng(4)
    A, B = rng.uniform(0, 1, (8, 512)), rng.uniform(0, 1, (512, 8))
    result = matmul(A, B, FLOAT16, FLOAT32)
    assert (result.error <= result.bound).all()
    low = matmul(A, B, FLOAT16)
    assert (low.error <= low.bound).all() and (low.error > result.error).all()


def test_stochastic_sums_within_the_probabilistic_bound():
    """Under stochastic rounding Higham and Mary's bound is a theorem: with 200 sums of
    1000 terms each and failure probability below 3.1e-5 per sum, none should fail."""
    x = np.random.default_rng(8).uniform(0, 1, (200, 1000))
    result = emulated_sum(x, FLOAT16, mode="stochastic", rng=3)
    assert (result.error <= result.probabilistic_bound).all()
    # u = 2^-10 for stochastic rounding: gamma_999 = 40, the probabilistic bound 0.2
    assert (result.probabilistic_bound < result.bound / 100).all()


def test_no_kahan_bound_outside_round_to_nearest():
    # Under round-to-odd the compensation is not exact: this sum errs by 2.2 eps sum|x|,
    # beyond 2u' + O(n u'^2) with u' = eps (found by a random search).
    fmt = Format(8, -20, 20)
    x = [0.40234375, 0.1826171875, 8.0, 0.0030975341796875, -0.55859375]
    result = emulated_sum(x, fmt, "kahan", mode="odd")
    exact = sum((Fraction(v) for v in x), Fraction(0))
    error = abs(Fraction(result.value) - exact) / sum(abs(Fraction(v)) for v in x)
    assert error > 2 * fmt.eps
    assert result.bounds.deterministic == math.inf
    assert sum_bounds(x, fmt, "kahan", mode="up").deterministic == math.inf
    assert sum_bounds(x, fmt, "kahan", mode="nearest_away").deterministic < math.inf
