"""Limit laws: their errors shrink at the known rates; the diffusion equation, derived."""

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from mathkit.walks import SimpleWalk, Walk
from mathkit.walks.limits import (
    diffusion_limit,
    drift_diffusion,
    levy_cdf,
    levy_error,
    lil_envelope,
    lil_exceedance,
    local_limit_error,
    local_limit_pmf,
    normal_approximation,
    normal_approximation_error,
    return_asymptotic,
    return_asymptotic_error,
)

THREE_POINT = Walk({-1: 0.25, 0: 0.5, 1: 0.25})
SKEWED = Walk({-1: 0.5, 0: 0.25, 2: 0.25})  # third cumulant 3/2
SPAN_THREE = Walk({-1: 0.5, 2: 0.5})


def _ratio(error, walk, n):
    return error(walk, n).max_abs_error / error(walk, 4 * n).max_abs_error


@pytest.mark.parametrize(("walk", "rate"), [
    (SimpleWalk(0.5), 4.0), (SimpleWalk(0.3), 2.0), (THREE_POINT, 4.0), (SKEWED, 2.0)])
def test_normal_approximation_rate(walk, rate):
    # Kolmogorov distance with continuity correction: O(1/n) symmetric, O(n^-1/2) skewed
    assert _ratio(normal_approximation_error, walk, 400) == pytest.approx(rate, rel=0.03)


@pytest.mark.parametrize(("walk", "rate"), [
    (SimpleWalk(0.5), 8.0), (SimpleWalk(0.3), 4.0), (THREE_POINT, 8.0), (SKEWED, 4.0)])
def test_local_limit_rate(walk, rate):
    # O(n^-3/2) symmetric, O(1/n) skewed
    assert _ratio(local_limit_error, walk, 400) == pytest.approx(rate, rel=0.05)


def test_local_limit_respects_parity_and_span():
    values = local_limit_pmf(SimpleWalk(0.5), 10, np.arange(-10, 11))
    assert np.all(values[1::2] == 0)
    assert np.all(values[::2] > 0)
    # span 3 for steps {-1, 2}: S_n lies on -n + 3Z
    values = local_limit_pmf(SPAN_THREE, 6, np.arange(-6, 13))
    assert np.count_nonzero(values) == 7
    # on its lattice the approximation sums to ~1 (a Riemann sum of the density)
    assert local_limit_pmf(SimpleWalk(0.3), 1000, np.arange(-1000, 1001)).sum() == (
        pytest.approx(1.0, abs=1e-12))


def test_normal_approximation_values():
    approx = normal_approximation(SimpleWalk(0.5), 100)
    # continuity correction: P(S_100 <= 0) ~ Phi(1/10), also for k = 0.5 and 1 (same lattice point)
    expected = 0.5 * math.erfc(-0.1 / math.sqrt(2))
    np.testing.assert_allclose(approx.cdf([0, 0.5, 1]), expected, rtol=1e-15)
    assert approx.pmf(1) == 0
    assert approx.pmf(0) == pytest.approx(float(SimpleWalk(0.5).position(100).pmf(0)), rel=2e-3)


@settings(max_examples=20, deadline=None)
@given(p=st.floats(0.05, 0.95), n=st.integers(20, 400))
def test_normal_error_is_kolmogorov_distance(p, n):
    walk = SimpleWalk(p)
    error = normal_approximation_error(walk, n)
    approx = normal_approximation(walk, n)
    k = error.at
    assert error.max_abs_error == pytest.approx(
        abs(float(walk.position(n).cdf(k)) - float(approx.cdf(k))), rel=1e-12)
    assert error.max_abs_error < 1.0 / math.sqrt(n * p * (1 - p))  # Berry-Esseen scale


def test_return_asymptotic():
    for n in (10, 100, 1000, 10_000):
        exact = math.comb(2 * n, n) / 4**n
        assert return_asymptotic(n) == pytest.approx(exact / (1 - 1 / (8 * n)), rel=1 / n**2)
        assert return_asymptotic_error(SimpleWalk(0.5), n).max_abs_error * 8 * n == (
            pytest.approx(1.0, rel=1 / n))
    exact = math.comb(40, 20) * 0.3**20 * 0.7**20
    assert return_asymptotic(20, 0.3) == pytest.approx(exact, rel=1 / 120)


@pytest.mark.parametrize("n", [0, -3, 2.5, float("nan"), float("inf"), [3, 1.5]])
def test_return_asymptotic_needs_whole_half_steps(n):
    with pytest.raises(ValueError, match="n must be integers >= 1, got"):
        return_asymptotic(n)


def test_levy():
    assert levy_cdf(10, 100) == pytest.approx(2 * (1 - 0.8413447460685429), rel=1e-12)
    errors = [levy_error(r).max_abs_error for r in (10, 20, 40)]
    # O(r^-2)
    assert errors[0] / errors[1] == pytest.approx(4.0, rel=0.05)
    assert errors[1] / errors[2] == pytest.approx(4.0, rel=0.05)
    # the exact side by reflection: P(T_r <= n) = 2 P(S_n > r) + P(S_n = r)
    r, n = 5, 41
    position = SimpleWalk(Fraction(1, 2)).position(n)
    exact = 2 * position.sf(r) + position.pmf(r)
    assert SimpleWalk(Fraction(1, 2)).first_passage(r).cdf(n) == exact


def test_lil():
    n = np.array([10, 10**3, 10**6, 10**9])
    np.testing.assert_allclose(lil_envelope(n, 0.84), np.sqrt(1.68 * n * np.log(np.log(n))),
                               rtol=1e-15)
    values = [float(lil_exceedance(SimpleWalk(0.5), int(m))) for m in n]
    assert values == sorted(values, reverse=True)
    for m, value in zip(n[2:], values[2:], strict=True):
        log_log = math.log(math.log(m))
        gaussian = 0.5 * math.erfc(math.sqrt(log_log))
        assert value == pytest.approx(gaussian, rel=0.02)


def test_drift_diffusion_values():
    result = drift_diffusion(SimpleWalk(0.6), 0.01, 1e-4)
    assert result.drift == pytest.approx(0.2 * 0.01 / 1e-4, rel=1e-14)
    assert result.diffusion == pytest.approx(0.96 * 1e-4 / 2e-4, rel=1e-14)
    p, dx, dt = sympy.symbols("p dx dt", positive=True)
    symbolic = drift_diffusion(SimpleWalk(p), dx, dt)
    assert sympy.simplify(symbolic.drift - (2 * p - 1) * dx / dt) == 0
    assert sympy.simplify(symbolic.diffusion - 2 * p * (1 - p) * dx**2 / dt) == 0
    general = drift_diffusion(THREE_POINT, 1.0, 1.0)
    assert general.drift == 0.0
    assert general.diffusion == 0.25


@pytest.fixture(scope="module")
def derivation():
    return diffusion_limit()


def test_diffusion_equation_derived(derivation):
    names = derivation.symbols
    x, t, v, diffusion, k = (names[key] for key in ("x", "t", "v", "D", "k"))
    density = names["P"](x, t)
    expected = (-sympy.Derivative(density, t) - v * sympy.Derivative(density, x)
                + diffusion * sympy.Derivative(density, x, 2))
    assert sympy.simplify(derivation.limit_of_master_equation - expected) == 0
    assert sympy.simplify(derivation.pde.rhs - derivation.pde.lhs
                          - derivation.limit_of_master_equation) == 0
    assert sympy.simplify(derivation.exponent - (sympy.I * k * v - diffusion * k**2)) == 0
    assert derivation.residual == 0
    # the density integrates to 1 and has mean v t, variance 2 D t
    moments = [sympy.simplify(sympy.integrate(x**j * derivation.density, (x, -sympy.oo, sympy.oo)))
               for j in range(3)]
    assert moments[0] == 1
    assert sympy.simplify(moments[1] - v * t) == 0
    assert sympy.simplify(moments[2] - moments[1] ** 2 - 2 * diffusion * t) == 0


def test_walk_converges_to_the_diffusion_density():
    # simple walk with v = 1, D = 1/2 at t = 1: x = dx S_n, n = 1/dt; the local limit
    # density of x converges to N(v t, 2 D t) with the lattice factor h dx
    v, diffusion = 1.0, 0.5
    errors = []
    for dt in (1e-2, 1e-3, 1e-4):
        dx = math.sqrt(2 * diffusion * dt)
        p = 0.5 * (1 + v * dt / dx)
        n = round(1 / dt)
        k = np.arange(-n, n + 1, 2)
        pmf = SimpleWalk(p).position(n).pmf(k)
        x = k * dx
        density = np.exp(-(x - v) ** 2 / (4 * diffusion)) / math.sqrt(4 * math.pi * diffusion)
        errors.append(np.max(np.abs(pmf / (2 * dx) - density)))
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 5e-3


def test_bad_input():
    with pytest.raises(TypeError, match="numeric p"):
        normal_approximation(SimpleWalk(sympy.Symbol("p")), 10)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        normal_approximation(SimpleWalk(0.5), 0)
    with pytest.raises(ValueError, match="sigma > 0"):
        normal_approximation(SimpleWalk(1.0), 10)
    with pytest.raises(TypeError, match="walk must be a Walk"):
        local_limit_error("walk", 10)
    with pytest.raises(ValueError, match="dx must be positive"):
        drift_diffusion(SimpleWalk(0.5), -1.0, 1.0)
    with pytest.raises(ValueError, match="dt must be positive"):
        drift_diffusion(SimpleWalk(0.5), 1.0, float("nan"))
    with pytest.raises(ValueError, match="r must be a non-zero integer"):
        levy_cdf(0, 10)
    with pytest.raises(ValueError, match="greater than e"):
        lil_envelope(2)
    with pytest.raises(ValueError, match="variance must be positive"):
        lil_envelope(10, 0.0)
    with pytest.raises(ValueError, match="p must be in"):
        return_asymptotic(3, 1.5)
