"""Z^d: closed-path counts by brute force, Polya's constants, the expected range."""

import itertools
import math
from fractions import Fraction

import mpmath
import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mathkit.walks import SimpleWalk, Walk
from mathkit.walks.lattice import (
    expected_range,
    expected_range_asymptotic,
    lattice_return_counts,
    lattice_return_probability,
    lattice_return_probability_watson,
)


def _brute_closed_paths(d: int, n: int) -> int:
    """Closed paths of length 2n on Z^d, by moving path counts one step at a time."""
    moves = [tuple(s if i == axis else 0 for i in range(d)) for axis in range(d) for s in (1, -1)]
    counts = {(0,) * d: 1}
    for _ in range(2 * n):
        new = {}
        for site, count in counts.items():
            for move in moves:
                target = tuple(a + b for a, b in zip(site, move, strict=True))
                new[target] = new.get(target, 0) + count
        counts = new
    return counts.get((0,) * d, 0)


@settings(max_examples=20, deadline=None)
@given(d=st.integers(1, 4), n=st.integers(0, 4))
@example(d=3, n=4)
def test_counts_by_brute_force(d, n):
    if d == 4:
        n = min(n, 3)
    assert lattice_return_counts(d, n)[n] == _brute_closed_paths(d, n)


def test_counts_closed_forms():
    n_max = 30
    one, two, three = (lattice_return_counts(d, n_max) for d in (1, 2, 3))
    for n in range(n_max + 1):
        central = math.comb(2 * n, n)
        assert one[n] == central
        assert two[n] == central**2
        trinomial = sum((math.factorial(n) // (math.factorial(j) * math.factorial(k)
                                                * math.factorial(n - j - k))) ** 2
                        for j in range(n + 1) for k in range(n + 1 - j))
        assert three[n] == central * trinomial


def test_polya_constants():
    assert lattice_return_probability(1) == 1.0
    assert lattice_return_probability(2) == 1.0
    with mpmath.workdps(50):
        quad = lattice_return_probability(3, digits=40)
        watson = lattice_return_probability_watson(45)
        assert abs(quad - watson) < mpmath.mpf(10) ** -40
        assert abs(watson - mpmath.mpf("0.34053732955099914282627318443290289671")) < 1e-37
    assert lattice_return_probability(3) == pytest.approx(float(watson), rel=1e-15)
    # Montroll (1956) to six digits (his d = 4 value, 0.193206, is off in the 6th digit:
    # see test_d4_by_extrapolated_partial_sums)
    assert lattice_return_probability(5) == pytest.approx(0.135178, abs=1e-6)
    assert lattice_return_probability(8) == pytest.approx(0.072913, abs=1e-6)
    values = [lattice_return_probability(d) for d in range(3, 9)]
    assert values == sorted(values, reverse=True)


def test_return_probability_from_the_counts():
    # m(3) = sum_n u_2n; the partial sums approach it from below with tail ~ c / sqrt(N)
    counts = lattice_return_counts(3, 400)
    partial = [Fraction(0)]
    for n, count in enumerate(counts):
        partial.append(partial[-1] + Fraction(count, 36**n))
    m3 = 1 / (1 - lattice_return_probability(3))
    tail_200, tail_400 = m3 - float(partial[201]), m3 - float(partial[401])
    assert 0 < tail_400 < tail_200
    assert tail_200 / tail_400 == pytest.approx(math.sqrt(2), rel=0.01)


def test_d4_by_extrapolated_partial_sums():
    # S(N) = sum_(n <= N) u_2n(4) = m(4) - c_1/N - c_2/N^2 - ...: solve for m(4) from 7 values
    counts = lattice_return_counts(4, 300)
    with mpmath.workdps(40):
        partial, total = [], mpmath.mpf(0)
        for n, count in enumerate(counts):
            total += mpmath.mpf(count) / mpmath.mpf(64) ** n
            partial.append(total)
        sizes = [120, 150, 180, 210, 240, 270, 300]
        system = mpmath.matrix([[1] + [-mpmath.mpf(1) / size**j for j in range(1, 7)]
                                for size in sizes])
        m4 = mpmath.lu_solve(system, mpmath.matrix([partial[size] for size in sizes]))[0]
        assert abs(lattice_return_probability(4, digits=20) - (1 - 1 / m4)) < 1e-13


def _brute_range(p: Fraction, n: int) -> Fraction:
    total = Fraction(0)
    for steps in itertools.product((1, -1), repeat=n):
        ups = steps.count(1)
        sites = set(itertools.accumulate(steps, initial=0))
        total += len(sites) * p**ups * (1 - p) ** (n - ups)
    return total


@settings(max_examples=20, deadline=None)
@given(p=st.fractions(min_value=0, max_value=1, max_denominator=12), n=st.integers(0, 10))
@example(p=Fraction(1, 2), n=10)
def test_expected_range_by_enumeration(p, n):
    assert expected_range(SimpleWalk(p), n) == _brute_range(p, n)


def test_expected_range_kinds():
    p = sympy.Symbol("p", positive=True)
    symbolic = expected_range(SimpleWalk(p), 9)
    exact = expected_range(SimpleWalk(Fraction(2, 7)), 9)
    assert symbolic.subs(p, sympy.Rational(2, 7)) == sympy.Rational(exact.numerator,
                                                                    exact.denominator)
    assert isinstance(expected_range(SimpleWalk(sympy.Rational(1, 3)), 5), sympy.Rational)
    for value in (0.5, 0.3):
        got = expected_range(SimpleWalk(value), 300)
        assert got == pytest.approx(float(expected_range(SimpleWalk(Fraction(value)), 300)),
                                    rel=1e-14)


def test_expected_range_asymptotics():
    differences = []
    for n in (10**2, 10**4, 10**6):
        got = float(expected_range(SimpleWalk(0.5), n))
        differences.append(got - float(expected_range_asymptotic(n)))
    # E R_n = sqrt(8n/pi) + O(1): the difference settles (to ~ 1/2 + o(1))
    assert all(0 < d < 1 for d in differences)
    assert abs(differences[2] - differences[1]) < abs(differences[1] - differences[0])
    drift = float(expected_range(SimpleWalk(0.7), 10**5)) / 10**5
    assert drift == pytest.approx(0.4, rel=1e-3)
    assert expected_range_asymptotic(10**5, 0.7) == pytest.approx(0.4e5)


def test_bad_input():
    with pytest.raises(ValueError, match="d must be a positive integer"):
        lattice_return_probability(0)
    with pytest.raises(TypeError, match="d must be a positive integer"):
        lattice_return_counts(2.0, 3)
    with pytest.raises(ValueError, match="n_max must be at most"):
        lattice_return_counts(3, 10**6)
    with pytest.raises(ValueError, match="digits must be at most 200"):
        lattice_return_probability(3, digits=500)
    with pytest.raises(ValueError, match="digits must be a positive integer"):
        lattice_return_probability(3, digits=0)
    with pytest.raises(TypeError, match="needs a SimpleWalk"):
        expected_range(Walk({-1: 0.5, 1: 0.5}), 3)
    with pytest.raises(ValueError, match="n must be a non-negative integer"):
        expected_range(SimpleWalk(0.5), -1)
    with pytest.raises(ValueError, match="p must be in"):
        expected_range_asymptotic(10, -0.1)
