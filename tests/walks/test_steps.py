"""Step laws: validation, exactness, moments, span, immutability."""

import math
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from mathkit.walks import SimpleWalk, Walk


def test_import_does_not_load_sympy():
    code = "import sys, mathkit.walks; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_float_walk_properties():
    w = Walk({-1: 0.2, 0: 0.3, 2: 0.5})
    assert not w.is_exact
    assert w.law == {-1: 0.2, 0: 0.3, 2: 0.5}
    assert w.mean == pytest.approx(0.8)
    assert w.var == pytest.approx(0.2 * 1.8**2 + 0.3 * 0.8**2 + 0.5 * 1.2**2)
    assert w.span == 1
    assert w.steps == (-1, 0, 2)
    assert isinstance(w.mean, np.float64)


def test_exact_walk_properties():
    w = Walk({-2: Fraction(1, 3), 4: Fraction(2, 3)})
    assert w.is_exact
    assert w.mean == 2 and isinstance(w.mean, Fraction)
    assert w.var == Fraction(1, 3) * 16 + Fraction(2, 3) * 4
    assert w.span == 6


def test_sympy_rational_walk():
    w = Walk({-1: sympy.Rational(1, 4), 1: sympy.Rational(3, 4)})
    assert w.is_exact and w.mean == sympy.Rational(1, 2)


def test_integer_probabilities_are_exact():
    w = Walk({3: 1})
    assert w.is_exact and w.span == 0 and w.mean == 3 and w.var == 0


def test_zero_probability_steps_do_not_count():
    w = Walk({-1: 0.5, 0: 0.0, 1: 0.5})
    assert w.steps == (-1, 1) and w.span == 2


@given(st.dictionaries(st.integers(-50, 50), st.integers(1, 9), min_size=1, max_size=6))
def test_span_divides_every_difference(weights):
    total = sum(weights.values())
    w = Walk({s: Fraction(v, total) for s, v in weights.items()})
    steps = sorted(weights)
    if len(steps) == 1:
        assert w.span == 0
    else:
        assert all((s - steps[0]) % w.span == 0 for s in steps)
        assert math.gcd(*(s - steps[0] for s in steps)) == w.span


def test_walks_are_immutable_values():
    w = SimpleWalk(0.3)
    with pytest.raises(AttributeError, match="immutable"):
        w.p = 0.4
    with pytest.raises(AttributeError, match="immutable"):
        del w._law
    law = w.law
    law[1] = 0.9
    assert w.law[1] == 0.3
    assert SimpleWalk(0.3) == SimpleWalk(0.3)
    assert hash(SimpleWalk(0.3)) == hash(SimpleWalk(0.3))
    assert SimpleWalk(0.3) != SimpleWalk(0.4)
    assert Walk({1: 0.5, -1: 0.5}) == Walk({-1: 0.5, 1: 0.5})
    assert repr(Walk({1: 0.5, -1: 0.5})) == "Walk({-1: 0.5, 1: 0.5})"
    assert repr(SimpleWalk(Fraction(1, 3))) == "SimpleWalk(p=1/3)"


def test_simple_walk():
    w = SimpleWalk()
    assert w.p == 0.5 and w.q == 0.5 and w.span == 2 and w.mean == 0 and w.var == 1
    exact = SimpleWalk(Fraction(1, 4))
    assert exact.is_exact and exact.q == Fraction(3, 4) and exact.mean == Fraction(-1, 2)
    assert exact.var == Fraction(3, 4)
    assert SimpleWalk(1).is_exact and SimpleWalk(1).span == 0


def test_symbolic_simple_walk():
    p = sympy.Symbol("p")
    w = SimpleWalk(p)
    assert w.is_exact and w.is_symbolic and w.span == 2
    assert sympy.expand(w.mean - (2 * p - 1)) == 0
    assert sympy.expand(w.var - 4 * p * (1 - p)) == 0
    z = sympy.Symbol("z")
    assert sympy.expand(w.pgf(z) - (p * z + (1 - p) / z)) == 0


def test_step_pgf_numeric():
    w = Walk({-1: 0.25, 0: 0.5, 1: 0.25})
    assert w.pgf(1.0) == pytest.approx(1.0)
    np.testing.assert_allclose(w.pgf([1.0, 2.0]), [1.0, 0.25 / 2 + 0.5 + 0.5])
    with pytest.raises(ValueError, match="z must be non-zero"):
        w.pgf(0.0)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("p, error, message", [
    (1.2, ValueError, r"p must be in \[0, 1\], got 1.2"),
    (-0.1, ValueError, r"p must be in \[0, 1\], got -0.1"),
    (float("nan"), ValueError, r"p must be in \[0, 1\], got nan"),
    ("0.5", TypeError, "p must be a real number"),
    (None, TypeError, "p must be a real number"),
    (Fraction(3, 2), ValueError, r"p must be in \[0, 1\], got 3/2"),
])
def test_bad_p(p, error, message):
    with pytest.raises(error, match=message):
        SimpleWalk(p)


@pytest.mark.parametrize("law, error, message", [
    ({}, ValueError, "law must have at least one step"),
    ([0.5, 0.5], TypeError, "law must be a mapping"),
    ({3: -0.1, 1: 1.1}, ValueError, r"law\[3\] must be non-negative, got -0.1"),
    ({-1: 0.3, 1: 0.6}, ValueError, "law probabilities must sum to 1, got 0.8999"),
    ({-1: Fraction(1, 3), 1: Fraction(1, 3)}, ValueError, "must sum to 1, got 2/3"),
    ({0.5: 1.0}, TypeError, "law steps must be integers, got float 0.5"),
    ({1.0: 1.0}, TypeError, "law steps must be integers, got float 1.0"),
    ({True: 1.0}, TypeError, "law steps must be integers, got bool"),
    ({1: float("nan")}, ValueError, r"law\[1\] must be finite, got nan"),
    ({1: "1"}, TypeError, r"law\[1\] must be a real number"),
    ({1: 1.5, 2: -0.5}, ValueError, r"law\[1\] must be at most 1, got 1.5"),
])
def test_bad_law(law, error, message):
    with pytest.raises(error, match=message):
        Walk(law)


def test_float_sum_tolerance():
    Walk({-1: 0.5, 1: 0.5 + 1e-13})
    with pytest.raises(ValueError, match="must sum to 1"):
        Walk({-1: 0.5, 1: 0.5 + 1e-11})
