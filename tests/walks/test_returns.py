"""Returns to 0 of the simple walk: brute force, Feller's law, expectations, ballots."""

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mathkit.testing import simple_walks
from mathkit.walks import SimpleWalk, ballot, simulate
from mathkit.walks.agreement import compare_counts
from mathkit.walks.passage import MAX_EXACT_RETURNS_STEPS

PS = [Fraction(1, 2), Fraction(3, 10), Fraction(2, 3), Fraction(1, 9), Fraction(0), Fraction(1)]


def _brute_returns(p: Fraction, n: int) -> dict[int, Fraction]:
    q = 1 - p
    law: dict[int, Fraction] = {}
    for steps in itertools.product((1, -1), repeat=n):
        weight = p ** steps.count(1) * q ** steps.count(-1)
        zeros = sum(1 for s in itertools.accumulate(steps) if s == 0)
        law[zeros] = law.get(zeros, 0) + weight
    return law


@pytest.mark.parametrize("p", PS)
@pytest.mark.parametrize("n", [0, 1, 2, 5, 8, 11, 12])
def test_brute_force(p, n):
    brute = _brute_returns(p, n)
    law = SimpleWalk(p).returns(n)
    assert law.statistic == "returns"
    assert [law.pmf(j) for j in range(n + 1)] == [brute.get(j, 0) for j in range(n + 1)]
    numeric = SimpleWalk(float(p)).returns(n)
    np.testing.assert_allclose(numeric.pmf(np.arange(n + 1)),
                               [float(brute.get(j, 0)) for j in range(n + 1)], rtol=1e-13, atol=0)
    assert SimpleWalk(p).expected_returns(n) == sum(j * v for j, v in brute.items())


def _symmetric_point(n: int, k: int) -> Fraction:
    """P(S_n = k) for p = 1/2."""
    if (n + k) % 2 or abs(k) > n:
        return Fraction(0)
    return Fraction(math.comb(n, (n + k) // 2), 2**n)


@pytest.mark.parametrize("m", [1, 4, 15, 40])
def test_feller_law_of_returns(m):
    """p = 1/2: P(R_2m = j) = P(S_{2m-j} = j) (Feller, ch. III.7); R_{2m+1} = R_2m."""
    walk = SimpleWalk(Fraction(1, 2))
    expected = [_symmetric_point(2 * m - j, j) for j in range(m + 1)]
    assert list(walk.returns(2 * m).probabilities) == expected
    assert list(walk.returns(2 * m + 1).probabilities) == expected


@settings(max_examples=25, deadline=None)
@given(simple_walks(exact=True), st.integers(0, 40))
@example(SimpleWalk(Fraction(3, 10)), 20)
def test_symmetry_p_q(walk, n):
    mirror = SimpleWalk(1 - walk.p)
    assert walk.returns(n).probabilities == mirror.returns(n).probabilities


@settings(max_examples=30, deadline=None)
@given(simple_walks(exact=True, allow_degenerate=True), st.integers(0, 40))
@example(SimpleWalk(Fraction(1, 2)), 0)
def test_exact_law_is_a_law(walk, n):
    law = walk.returns(n)
    assert sum(law.probabilities) == 1 and all(v >= 0 for v in law.probabilities)
    ks = np.arange(-1, n // 2 + 2)
    cdf, sf = law.cdf(ks), law.sf(ks)
    assert all(a <= b for a, b in itertools.pairwise(cdf))
    assert all(c + s == 1 for c, s in zip(cdf, sf, strict=True))
    assert law.mean() == walk.expected_returns(n)


@settings(max_examples=20, deadline=None)
@given(simple_walks(), st.integers(0, 300))
@example(SimpleWalk(2.225073858507203e-309), 2)
def test_float_law_is_a_law(walk, n):
    law = walk.returns(n)
    assert math.isclose(math.fsum(law.probabilities), 1.0, rel_tol=1e-12)
    ks = np.arange(n // 2 + 1)
    np.testing.assert_allclose(law.cdf(ks) + law.sf(ks), 1.0, rtol=1e-13)
    assert math.isclose(float(law.mean()), float(walk.expected_returns(n)), rel_tol=1e-11,
                        abs_tol=1e-15)


def _log(value: Fraction) -> float:
    if value == 0:
        return -math.inf
    shift = value.numerator.bit_length() - value.denominator.bit_length()
    return math.log(float(value / Fraction(2) ** shift)) + shift * math.log(2)


@pytest.mark.parametrize("p", [0.3, 0.5, 0.9, 0.49])
def test_float_matches_exact(p):
    """Log-space float law: relative error below 1e-12 against Fractions (n = 300)."""
    n = 300
    exact = SimpleWalk(Fraction(p)).returns(n)
    logs = np.array([_log(v) for v in exact.probabilities])
    got = SimpleWalk(p).returns(n).logpmf(exact.values)
    assert np.all(np.abs(got - logs) <= 1e-12 * np.maximum(1, np.abs(logs)))


def test_expected_returns():
    half = SimpleWalk(Fraction(1, 2))
    for m in (1, 5, 30):  # E R_2m = (2m + 1) u_2m - 1
        assert half.expected_returns(2 * m) == (2 * m + 1) * _symmetric_point(2 * m, 0) - 1
    assert math.isinf(half.expected_returns())
    assert math.isinf(SimpleWalk(0.5).expected_returns())
    p = Fraction(3, 10)  # 1/|p - q| - 1 = 3/2, the limit of E R_n
    assert SimpleWalk(p).expected_returns() == Fraction(3, 2)
    assert math.isclose(float(SimpleWalk(0.3).expected_returns(4000)), 1.5, rel_tol=1e-13)
    assert SimpleWalk(Fraction(1)).expected_returns() == 0
    symbol = sympy.Symbol("p")
    expression = SimpleWalk(symbol).expected_returns(6)
    assert expression.subs(symbol, sympy.Rational(3, 10)) == sympy.Rational(
        *SimpleWalk(p).expected_returns(6).as_integer_ratio())
    total = SimpleWalk(symbol).expected_returns()
    assert total.subs(symbol, sympy.Rational(3, 10)) == sympy.Rational(3, 2)


def test_simulation_agrees():
    walk, n = SimpleWalk(0.5), 30
    counts = simulate(walk, n, 50_000, ["returns"], rng=11, backend="numpy")["returns"]
    assert compare_counts("returns", counts.values, counts.counts, walk.returns(n)).agrees


def _brute_ballot(a: int, b: int) -> int:
    count = 0
    for ups in itertools.combinations(range(a + b), a):
        steps = [1 if i in ups else -1 for i in range(a + b)]
        if all(s > 0 for s in itertools.accumulate(steps)):
            count += 1
    return count


@pytest.mark.parametrize(("a", "b"), [(a, b) for a in range(8) for b in range(8)])
def test_ballot_brute_force(a, b):
    assert ballot(a, b) == _brute_ballot(a, b)


@given(st.integers(1, 300), st.integers(0, 300))
def test_ballot_theorem(a, b):
    """P(A leads throughout) = (a - b)/(a + b) for a > b."""
    if a > b:
        assert Fraction(ballot(a, b), math.comb(a + b, a)) == Fraction(a - b, a + b)
    else:
        assert ballot(a, b) == 0


def test_bad_input():
    walk = SimpleWalk(0.4)
    with pytest.raises(ValueError, match="n must be a non-negative integer"):
        walk.returns(-1)
    with pytest.raises(TypeError, match="n must be"):
        walk.returns(2.0)
    with pytest.raises(ValueError, match="at most"):
        SimpleWalk(Fraction(1, 3)).returns(MAX_EXACT_RETURNS_STEPS + 1)
    with pytest.raises(TypeError, match="symbolic"):
        SimpleWalk(sympy.Symbol("p")).returns(3)
    with pytest.raises(ValueError, match="n must be a non-negative integer"):
        walk.expected_returns(-2)
    with pytest.raises(ValueError, match="b must be a non-negative integer"):
        ballot(3, -1)
    with pytest.raises(TypeError, match="a must be"):
        ballot(1.5, 1)
