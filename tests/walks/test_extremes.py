"""The maximum M_n of the simple walk: brute force, reflection, exact vs float."""

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from mathkit.walks import SimpleWalk
from mathkit.walks.extremes import MAX_EXACT_STEPS, MaximumLaw


def _brute_maximum(p: Fraction, n: int) -> list[Fraction]:
    q = 1 - p
    law = [Fraction(0)] * (n + 1)
    for steps in itertools.product((1, -1), repeat=n):
        ups = steps.count(1)
        path = itertools.accumulate(steps, initial=0)
        law[max(path)] += p**ups * q ** (n - ups)
    return law


@pytest.mark.parametrize("p", [Fraction(1, 2), Fraction(3, 10), Fraction(2, 3), Fraction(1, 9),
                               Fraction(0), Fraction(1)])
@pytest.mark.parametrize("n", [0, 1, 2, 5, 8, 11, 12])
def test_brute_force(p, n):
    law = SimpleWalk(p).maximum(n)
    assert isinstance(law, MaximumLaw)
    assert list(law.probabilities) == _brute_maximum(p, n)
    numeric = SimpleWalk(float(p)).maximum(n)
    expected = np.array([float(v) for v in law.probabilities])
    np.testing.assert_allclose(numeric.pmf(np.arange(n + 1)), expected, rtol=1e-13, atol=0)


@pytest.mark.parametrize("n", [1, 10, 101, 1000])
def test_reflection_principle(n):
    walk = SimpleWalk(0.5)
    law, position = walk.maximum(n), walk.position(n)
    r = np.arange(n + 1)
    np.testing.assert_allclose(law.pmf(r), position.pmf(r) + position.pmf(r + 1), rtol=1e-14)
    assert math.isclose(math.fsum(law.probabilities), 1.0, rel_tol=1e-13)


def _log(value: Fraction) -> float:
    """log of a Fraction, accurate for huge numerators and denominators."""
    if value == 0:
        return -math.inf
    shift = value.numerator.bit_length() - value.denominator.bit_length()
    return math.log(float(value / Fraction(2) ** shift)) + shift * math.log(2)


@pytest.mark.parametrize("p", [0.3, 0.5, 0.77, 0.02, 0.98])
def test_float_matches_exact_large_n(p):
    n = 400
    exact = SimpleWalk(Fraction(p)).maximum(n)
    numeric = SimpleWalk(p).maximum(n)
    r = np.arange(n + 1)
    logs = np.array([_log(v) for v in exact.probabilities])
    finite = np.isfinite(logs)
    got = numeric.logpmf(r)
    # relative error of the pmf, in log space (deep tails included, where pmf underflows)
    assert np.all(np.abs(got[finite] - logs[finite])
                  <= 1e-14 * np.maximum(1, np.abs(logs[finite])))
    assert np.all(got[~finite] == -np.inf)
    big = logs > math.log(1e-250)
    values = np.array([float(v) for v in exact.probabilities])
    np.testing.assert_allclose(numeric.pmf(r)[big], values[big], rtol=1e-13, atol=0)
    assert math.isclose(math.fsum(numeric.probabilities), 1.0, rel_tol=1e-13)


def test_mean_by_tail_sum():
    # E[M_n] = sum_{r >= 1} P(M_n >= r); and M_n >= S_n^+ pathwise
    law = SimpleWalk(Fraction(2, 5)).maximum(30)
    tail = sum(law.sf(r - 1) for r in range(1, 31))
    assert law.mean() == tail
    assert law.mean() >= SimpleWalk(Fraction(2, 5)).position(30).mean()


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 19).map(lambda k: Fraction(k, 20)), st.integers(0, 40))
def test_parity_identity_and_total(p, n):
    """P(M_n = r) = (q/p) P(M_n = r + 1) when r and n differ in parity; pmf sums to 1."""
    law = SimpleWalk(p).maximum(n)
    values = law.probabilities
    assert sum(values) == 1
    for r in range(n):
        if (n - r) % 2:
            assert values[r] == (1 - p) / p * values[r + 1]


def test_sympy_rational():
    law = SimpleWalk(sympy.Rational(1, 3)).maximum(2)
    assert law.probabilities == (sympy.Rational(2, 3), sympy.Rational(2, 9), sympy.Rational(1, 9))


def test_bad_input():
    walk = SimpleWalk(0.4)
    with pytest.raises(ValueError, match="n must be a non-negative integer"):
        walk.maximum(-1)
    with pytest.raises(TypeError, match="n must be"):
        walk.maximum(2.5)
    with pytest.raises(ValueError, match="at most"):
        SimpleWalk(Fraction(1, 3)).maximum(MAX_EXACT_STEPS + 1)
    with pytest.raises(TypeError, match="symbolic"):
        SimpleWalk(sympy.Symbol("p")).maximum(3)
