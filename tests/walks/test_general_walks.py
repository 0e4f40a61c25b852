"""General step laws: first passage, first return, return probability and maximum."""

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mathkit.testing import step_laws
from mathkit.walks import HorizonPassageLaw, SimpleWalk, Walk
from mathkit.walks.passage import MAX_GENERAL_STEPS

F = Fraction


def _brute(law: dict, n: int, level: int | None):
    """Over all |steps|^n paths: P(T = t), t = 1..n (T the first time at level, or at 0 after
    time 0 when level is None) and the law of max(S_0..S_n)."""
    first = [F(0)] * (n + 1)
    maximum: dict[int, Fraction] = {}
    target = 0 if level is None else level
    for steps in itertools.product(list(law), repeat=n):
        weight = math.prod((law[s] for s in steps), start=F(1))
        path = list(itertools.accumulate(steps, initial=0))
        hit = next((t for t in range(1, n + 1) if path[t] == target), None)
        if hit is not None:
            first[hit] += weight
        top = max(path)
        maximum[top] = maximum.get(top, 0) + weight
    return first[1:], maximum


LAWS = [
    {-1: F(1, 4), 0: F(1, 4), 1: F(1, 2)},
    {-2: F(1, 2), 1: F(1, 3), 3: F(1, 6)},
    {-1: F(2, 3), 2: F(1, 3)},
    {1: F(1, 2), 2: F(1, 2)},
    {-3: F(1, 5), 0: F(3, 5), 2: F(1, 5)},
]


@pytest.mark.parametrize("law", LAWS)
@pytest.mark.parametrize("level", [None, 1, 2, -1, -3])
def test_brute_force(law, level):
    n = 7
    first, maximum = _brute(law, n, level)
    walk = Walk(law)
    passage = walk.first_return(n_max=n) if level is None else walk.first_passage(level, n_max=n)
    assert isinstance(passage, HorizonPassageLaw)
    assert [passage.pmf(t) for t in range(1, n + 1)] == first
    table = passage.table()
    assert list(table.probabilities) == first and table.omitted_mass == 1 - sum(first)
    top = walk.maximum(n)
    assert [top.pmf(m) for m in range(0, n * max(law) + 1)] == [
        maximum.get(m, 0) for m in range(0, n * max(law) + 1)]
    # floats agree with the exact laws
    floats = Walk({s: float(v) for s, v in law.items()})
    numeric = floats.first_return(n_max=n) if level is None else floats.first_passage(level,
                                                                                     n_max=n)
    np.testing.assert_allclose(numeric.table().probabilities, [float(v) for v in first],
                               rtol=1e-14, atol=0)
    np.testing.assert_allclose(floats.maximum(n).probabilities,
                               [float(v) for v in top.probabilities], rtol=1e-14, atol=0)


@settings(max_examples=25, deadline=None)
@given(step_laws(exact=True, min_step=-2, max_step=2, max_size=3), st.integers(1, 5),
       st.sampled_from([None, 1, -2]))
@example({0: F(1)}, 3, None)
def test_brute_force_property(law, n, level):
    first, maximum = _brute(law, n, level)
    walk = Walk(law)
    passage = walk.first_return(n_max=n) if level is None else walk.first_passage(level, n_max=n)
    table = passage.table()
    assert list(table.probabilities) == first
    assert sum(table.probabilities) + table.omitted_mass == 1
    assert all(a <= b for a, b in itertools.pairwise(passage.cdf(range(1, n + 1))))
    top = walk.maximum(n)
    assert sum(top.probabilities) == 1
    assert all(top.pmf(m) == maximum.get(m, 0) for m in maximum)


@pytest.mark.parametrize("p", [F(1, 2), F(3, 10), F(4, 5)])
@pytest.mark.parametrize("level", [0, 1, -2, 3])
def test_simple_walk_as_a_general_walk(p, level):
    n = 40
    general = Walk({-1: 1 - p, 1: p})
    simple = SimpleWalk(p)
    got = general.first_return(n) if level == 0 else general.first_passage(level, n)
    want = simple.first_return() if level == 0 else simple.first_passage(level)
    assert [got.pmf(t) for t in range(1, n + 1)] == [want.pmf(t) for t in range(1, n + 1)]
    assert general.maximum(n).probabilities == simple.maximum(n).probabilities


@pytest.mark.parametrize("law", [
    {-1: F(1, 4), 0: F(1, 4), 1: F(1, 2)},
    {-3: F(1, 2), 1: F(1, 2)},
    {-1: F(1, 6), 1: F(1, 3), -2: F(1, 2)},
])
def test_hitting_time_theorem(law):
    """Upward skip-free walks: the dynamic program equals (r/n) P(S_n = r), r > 0."""
    walk, n_max = Walk(law), 30
    for r in (1, 2, 5):
        law_r = walk.first_passage(r, n_max=n_max)
        for n in range(1, n_max + 1):
            assert law_r.pmf(n) == F(r, n) * walk.position(n).pmf(r)
        # past the horizon the theorem answers
        assert law_r.pmf(n_max + 7) == F(r, n_max + 7) * walk.position(n_max + 7).pmf(r)


def test_past_the_horizon():
    law = Walk({-2: 0.5, 1: 0.5}).first_passage(-1, n_max=10)  # can jump over -1
    with pytest.raises(ValueError, match="beyond the horizon n_max = 10"):
        law.pmf(11)
    with pytest.raises(ValueError, match="beyond the horizon"):
        law.cdf(20)
    assert float(law.cdf(10)) == pytest.approx(float(law.table().probabilities.sum()))


def test_return_probability():
    for p in (0.1, 0.3, 0.7, 0.95):
        result = Walk({-1: 1 - p, 1: p}).return_probability()
        assert abs(float(result) - (1 - abs(2 * p - 1))) <= max(result.error, 1e-15)
        assert result.error < 1e-13
    # a lazy walk: hold with probability h, else a simple walk: h + (1 - h)(1 - |p' - q'|)
    result = Walk({-1: 0.5, 0: 0.1, 1: 0.4}).return_probability()
    assert float(result) == pytest.approx(0.1 + 0.9 * (1 - 1 / 9), abs=1e-14)
    # mean zero: recurrent, exactly
    exact = Walk({-2: F(1, 4), 0: F(1, 4), 1: F(1, 2)}).return_probability()
    assert exact.value == 1 and exact.error == 0 and math.isinf(exact.mean_return_visits)
    # steps on 3Z: the same as the walk divided by 3
    scaled = Walk({-3: 0.3, 3: 0.7}).return_probability()
    assert float(scaled) == pytest.approx(0.6, abs=1e-14)


def test_return_probability_against_the_series():
    """Strong drift: the first-return table converges fast; its sum is P(T_0 < inf)."""
    walk = Walk({-2: 0.3, 1: 0.2, 3: 0.5})  # mean 1.1
    result = walk.return_probability()
    table = walk.first_return(n_max=3000).table()
    assert abs(math.fsum(table.probabilities) - float(result)) < 1e-12
    assert result.error < 1e-12


def test_prob_finite():
    # p/q for the lazy walk drifting down, (3/7)^2 for the simple walk
    assert float(Walk({-1: 0.5, 0: 0.2, 1: 0.3}).first_passage(1).prob_finite()) == pytest.approx(
        0.6, rel=1e-13)
    assert float(Walk({-1: 0.7, 1: 0.3}).first_passage(2).prob_finite()) == pytest.approx(
        (3 / 7) ** 2, rel=1e-13)
    # skip-free upward, drifting down with jumps of -2: the root of G(1/eta) = 1
    walk = Walk({-2: 0.6, 1: 0.4})
    eta = float(walk.first_passage(1).prob_finite())
    assert 0.6 * eta**3 + 0.4 == pytest.approx(eta, rel=1e-13)
    table_mass = math.fsum(walk.first_passage(1, n_max=2000).table().probabilities)
    assert table_mass == pytest.approx(eta, rel=1e-12)
    # toward the drift, skip-free: 1 exactly; mean 0: 1; off the lattice: 0
    assert Walk({-1: F(1, 4), 1: F(3, 4)}).first_passage(3).prob_finite() == 1
    assert Walk({-2: F(1, 3), 1: F(2, 3)}).first_passage(-5).prob_finite() == 1
    assert Walk({-2: F(1, 2), 2: F(1, 2)}).first_passage(3).prob_finite() == 0
    # skip-free downward (steps >= -1), drifting up: eta = P(T_-1 < inf) solves G(eta) = 1
    down = float(Walk({-1: 0.3, 2: 0.7}).first_passage(-3).prob_finite())
    eta = down ** (1 / 3)
    assert 0.3 / eta + 0.7 * eta**2 == pytest.approx(1.0, rel=1e-13)
    with pytest.raises(ValueError, match="not computed"):
        Walk({-2: 0.3, 1: 0.7}).first_passage(-3).prob_finite()  # drifts up, jumps over -3


def test_mean_var_and_symbolic_exact_entries():
    law = Walk({-1: F(1, 4), 0: F(1, 4), 1: F(1, 2)}).first_passage(2)
    assert law.mean() == 8  # Wald: r / E X = 2 / (1/4)
    # Var T_2 = 2 Var X / (E X)^3, Var X = 3/4 - 1/16 = 11/16; and against the long table
    assert law.var() == 2 * F(11, 16) / F(1, 4) ** 3
    numeric = Walk({-1: 0.25, 0: 0.25, 1: 0.5}).first_passage(2, n_max=3000).table()
    mean = math.fsum(numeric.values * numeric.probabilities)
    assert mean == pytest.approx(8, rel=1e-12)
    assert math.fsum((numeric.values - mean) ** 2 * numeric.probabilities) == pytest.approx(
        88, rel=1e-10)
    with pytest.raises(ValueError, match="not computed"):
        Walk({-2: 0.3, 1: 0.7}).first_passage(-3).sf(5)
    with pytest.raises(ValueError, match="use table"):
        law.pgf(0.5)
    assert math.isinf(Walk({-1: F(1, 2), 1: F(1, 2)}).first_return(10).mean())
    sym = Walk({-1: sympy.Rational(1, 2), 1: sympy.Rational(1, 2)}).first_passage(1, n_max=3)
    assert sym.pmf(3) == sympy.Rational(1, 8)


def test_bad_input():
    walk = Walk({-1: 0.5, 1: 0.5})
    with pytest.raises(ValueError, match="r must be a non-zero integer, got 0"):
        walk.first_passage(0)
    with pytest.raises(TypeError, match="r must be a non-zero integer"):
        walk.first_passage(1.5)
    with pytest.raises(ValueError, match="n_max must be a positive integer"):
        walk.first_return(n_max=0)
    with pytest.raises(ValueError, match="n_max must be at most"):
        walk.first_passage(1, n_max=MAX_GENERAL_STEPS + 1)
    with pytest.raises(ValueError, match="n must be a non-negative integer"):
        walk.maximum(-1)
    with pytest.raises(TypeError, match="n must be"):
        walk.maximum(1.0)
