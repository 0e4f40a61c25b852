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
from mathkit.walks.passage import MAX_GENERAL_STEPS, general_passage_probability

F = Fraction


def _chernoff_tail(law: dict, level: int, n_max: int) -> float:
    """A bound on P(n_max < T < inf) for the passage to ``level`` (0: the return).

    P(T = n) <= P(S_n = level) <= e^(-theta level) M(theta)^n for every theta, M the step
    moment generating function; theta minimizes M (M < 1 there when the mean is not 0).
    """
    from scipy.optimize import minimize_scalar

    steps = np.array(list(law), dtype=float)
    weights = np.array([float(v) for v in law.values()])

    def log_mgf(theta):
        return math.log(float(weights @ np.exp(theta * steps)))

    theta = minimize_scalar(log_mgf, bounds=(-20, 20), method="bounded",
                            options={"xatol": 1e-12}).x
    rho = math.exp(log_mgf(theta))
    if rho >= 1:
        return math.inf
    return math.exp(-theta * level + (n_max + 1) * math.log(rho)) / (1 - rho)


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
    # drifts up and can jump over -3: the Green's function ratio, inside the DP enclosure
    jumper = Walk({-2: 0.3, 1: 0.7})
    value = float(jumper.first_passage(-3).prob_finite())
    mass = math.fsum(jumper.first_passage(-3, n_max=8000).table().probabilities)
    assert mass - 1e-12 <= value <= mass + _chernoff_tail({-2: 0.3, 1: 0.7}, -3, 8000) + 1e-12


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
    jumper = Walk({-2: 0.3, 1: 0.7}).first_passage(-3)
    assert float(jumper.sf(5)) == pytest.approx(float(jumper.prob_finite() - jumper.cdf(5)))
    # Phi_2 = Phi_1^2 for the upward skip-free walk, Phi_1(z) = 1 / lambda, z G(lambda) = 1
    root = float(law.pgf(0.5)) ** -0.5
    assert 0.5 * (0.25 / root + 0.25 + 0.5 * root) == pytest.approx(1.0, rel=1e-14)
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


# ---------------------------------------------------------------- Green's functions


def _fourier_green(law: dict, x: int, z) -> complex:
    """G_z(0, x) = (1 / 2 pi) int_{-pi}^{pi} e^(-ixt) / (1 - z phi(t)) dt by quadrature, |z| < 1."""
    from scipy.integrate import quad

    steps = np.array(list(law), dtype=float)
    weights = np.array([float(v) for v in law.values()])
    z = complex(z)

    def integrand(t):
        return np.exp(-1j * x * t) / (1 - z * (weights @ np.exp(1j * steps * t)))

    real = quad(lambda t: integrand(t).real, -np.pi, np.pi, limit=400, epsabs=1e-14)[0]
    if z.imag == 0:  # the integrand at -t is the conjugate of that at t
        return real / (2 * np.pi)
    imag = quad(lambda t: integrand(t).imag, -np.pi, np.pi, limit=400, epsabs=1e-14)[0]
    return (real + 1j * imag) / (2 * np.pi)


def _mpmath_ratio(law: dict, level: int) -> float:
    """P(T_level < inf) at 40 digits: the residue sums with mpmath's roots (level != 0)."""
    import mpmath

    with mpmath.workdps(40):
        steps = list(law)
        a, b = max(0, -min(steps)), max(0, max(steps))
        coefficients = [mpmath.mpf(0)] * (a + b + 1)  # increasing powers
        coefficients[a] += 1
        for s, v in law.items():
            coefficients[s + a] -= mpmath.mpf(v.numerator) / v.denominator
        roots = mpmath.polyroots(coefficients[::-1], maxsteps=200, extraprec=200)
        mean = sum(s * v for s, v in law.items())
        # the root 1 sits on the circle: it belongs outside iff the drift is up
        outside = [r for r in roots if abs(r) > 1 + mpmath.mpf(10) ** -30
                   or (abs(r - 1) < mpmath.mpf(10) ** -30 and mean > 0)]

        def derivative(r):
            return sum(k * c * r ** (k - 1) for k, c in enumerate(coefficients) if k)

        inside = [r for r in roots if all(r is not o for o in outside)]

        def green(x):  # bounded at +inf from the roots outside, at -inf from those inside
            if x > 0 or (x == 0 and b > 0):
                return -sum(r ** (a - x - 1) / derivative(r) for r in outside)
            return sum(r ** (a - x - 1) / derivative(r) for r in inside)

        assert len(inside) == a
        return float(mpmath.re(green(level) / green(0)))


@settings(max_examples=50, deadline=None)
@given(st.floats(0.01, 0.99), st.integers(-8, 8).filter(bool))
@example(0.5, 3)
@example(0.45, -5)
@example(0.9, 7)
def test_passage_probability_of_the_simple_walk(p, level):
    """G(0, r) / G(0, 0) = min(1, (p/q)^r) (or (q/p)^|r|) with the error estimate holding."""
    result = general_passage_probability(Walk({-1: 1 - p, 1: p}), level)
    want = float(SimpleWalk(p).first_passage(level).prob_finite())
    assert type(result.value) is float and type(result.error) is float  # real z, real answer
    assert abs(result.value - want) <= result.error + 1e-16
    if abs(2 * p - 1) > 0.05:
        assert result.error < 1e-11
    # the same walk made lazy and scaled by 3 has the same passage probabilities at 3 r
    lazy = general_passage_probability(Walk({-3: 0.5 * (1 - p), 0: 0.5, 3: 0.5 * p}), 3 * level)
    assert float(lazy) == pytest.approx(want, rel=1e-12, abs=1e-15)
    assert general_passage_probability(Walk({-3: 1 - p, 3: p}), 3 * level + 1).value == 0


def test_passage_probability_closed_form():
    """Steps +2, -1 (1/2 each), r = 1, derived by hand.

    eta = P(T_-1 < inf) solves eta = (1 + eta^3) / 2: eta = (sqrt 5 - 1) / 2, and from 2 the
    walk (skip-free down) reaches 1 w.p. eta. h(x) = P(reach 1 from x) solves
    h(x) = (h(x + 2) + h(x - 1)) / 2 for x <= 0, bounded as x -> -inf: h = A + B lambda^x,
    lambda = -(1 + sqrt 5) / 2, with h(1) = 1, h(2) = eta; P(T_1 < inf) = h(0) = A + B.
    """
    root5 = sympy.sqrt(5)
    eta, lam = (root5 - 1) / 2, -(1 + root5) / 2
    a, b = sympy.symbols("a b")
    solution = sympy.solve([a + b * lam - 1, a + b * lam**2 - eta], [a, b])
    exact = sympy.nsimplify(solution[a] + solution[b])
    law = {-1: F(1, 2), 2: F(1, 2)}
    got = Walk(law).first_passage(1)
    assert float(got.prob_finite()) == pytest.approx(float(exact), rel=2e-15)
    assert float(Walk({-1: 0.5, 2: 0.5}).first_passage(1).prob_finite()) == pytest.approx(
        float(exact), rel=2e-15)
    # the exact dynamic program encloses it: mass up to 150 <= P <= mass + tail bound
    mass = float(sum(Walk(law).first_passage(1, n_max=150).table().probabilities))
    assert mass <= float(exact) <= mass + _chernoff_tail(law, 1, 150)
    assert _mpmath_ratio(law, 1) == pytest.approx(float(exact), rel=1e-15)


@pytest.mark.parametrize("law", [
    {-2: F(3, 10), 1: F(7, 10)},
    {-3: F(1, 5), -1: F(1, 5), 2: F(3, 5)},
    {-1: F(1, 2), 1: F(1, 8), 3: F(3, 8)},
    {-2: F(1, 3), 0: F(1, 3), 3: F(1, 3)},
])
@pytest.mark.parametrize("level", [1, 2, -1, -4, 5])
def test_passage_probability_against_mpmath(law, level):
    result = general_passage_probability(Walk(law), level)
    want = _mpmath_ratio(law, level)
    assert abs(float(result) - want) <= result.error
    assert float(Walk(law).first_passage(level).prob_finite()) == pytest.approx(want, rel=1e-13)


@settings(max_examples=30, deadline=None)
@given(step_laws(exact=True, min_step=-4, max_step=4, max_size=4),
       st.integers(-6, 6).filter(bool))
@example({-2: F(1, 3), 1: F(2, 3)}, 3)  # mean 0: exactly 1 via the double root
@example({-3: F(19, 20), -2: F(1, 20)}, -1)  # every step <= -2: -1 is never hit
def test_error_estimate_against_mpmath(law, level):
    walk = Walk(law)
    result = general_passage_probability(walk, level)
    mean = sum(s * v for s, v in law.items())
    divisor = math.gcd(*law)
    if divisor == 0 or level % divisor:
        assert result.value == 0
    elif mean == 0:
        assert result.value == 1
    else:
        reduced = {s // divisor: v for s, v in law.items()}
        want = _mpmath_ratio(reduced, level // divisor)
        assert abs(float(result) - want) <= result.error + 1e-30  # the oracle: 40 digits
        assert abs(np.imag(result.value)) <= result.error


@pytest.mark.parametrize("drift", [1e-3, 1e-6, 1e-9])
def test_small_drift(drift):
    """The root 1 is divided out at z = 1: (p/q)^r stays accurate as the drift vanishes."""
    p = 0.5 - drift / 2
    walk = Walk({-1: 1 - p, 1: p})
    for level, want in ((3, (p / (1 - p)) ** 3), (0, 1 - abs(2 * p - 1)), (-3, 1.0)):
        result = general_passage_probability(walk, level)
        assert abs(float(result) - want) <= result.error
        assert abs(float(result) - want) <= 1e-15 / drift


@pytest.mark.parametrize("gap", [1e-4, 1e-8, 1e-12, 1e-15, 0.0])
def test_pgf_near_the_double_root(gap):
    """Mean 0, z -> 1: G_z diverges, the ratios stay accurate (simple walk: closed forms)."""
    z = 1.0 - gap
    walk = Walk({-1: 0.5, 1: 0.5})
    for level in (1, -3, 0):
        result = general_passage_probability(walk, level, z)
        simple = SimpleWalk(0.5).first_passage(level) if level else SimpleWalk(0.5).first_return()
        want = complex(simple.pgf(z))
        assert abs(result.value - want) <= result.error
        # roots while they are separated; within 64 eps the limit, off by ~ sqrt(gap)
        assert abs(result.value - want) <= (1e-9 if gap > 1e-13 else 10 * math.sqrt(gap) + 1e-15)


def _fast_drift(law: dict) -> bool:
    steps = np.array(list(law), dtype=float)
    weights = np.array([float(v) for v in law.values()])
    mean = float(weights @ steps)
    return abs(mean) > 0.3 * math.sqrt(float(weights @ steps**2))


@settings(max_examples=40, deadline=None)
@given(step_laws(), st.integers(-4, 4).filter(bool))
@example({-2: 0.3, 1: 0.2, 3: 0.5}, -1)
@example({-3: 0.5, 2: 0.5}, 2)
def test_prob_finite_against_the_horizon_law(law, level):
    """P(T_r < inf) lies in [DP mass to n_max, that + Chernoff tail] (up to the error)."""
    from hypothesis import assume

    assume(_fast_drift(law))
    walk, n_max = Walk(law), 600
    tail = _chernoff_tail(law, level, n_max)
    assume(tail < 1e-9)
    result = general_passage_probability(walk, level)
    mass = math.fsum(walk.first_passage(level, n_max=n_max).table().probabilities)
    slack = result.error + 1e-13  # the DP's own rounding: a sum of non-negative terms
    assert mass - slack <= float(result) <= mass + tail + slack
    assert float(walk.first_passage(level).prob_finite()) == pytest.approx(
        float(result), rel=1e-12, abs=1e-15)


@settings(max_examples=40, deadline=None)
@given(step_laws(), st.integers(-4, 4),
       st.complex_numbers(min_magnitude=0.5, max_magnitude=0.8, allow_nan=False,
                          allow_infinity=False) | st.complex_numbers(max_magnitude=0.5))
@example({-1: 0.5, 1: 0.5}, 0, 0j)
@example({0: 1.0}, 0, 0.5 + 0j)
@example({0: 1.0}, 1, 0.6 + 0j)
@example({-2: 0.5, 3: 0.5}, 0, 4.4e-224 + 0j)
def test_pgf_equals_the_truncated_series(law, level, z):
    """sum_{n <= 300} P(T = n) z^n: the rest is below 0.8^300 ~ 1e-29."""
    walk, n_max = Walk(law), 300
    passage = walk.first_return(n_max) if level == 0 else walk.first_passage(level, n_max)
    table = passage.table()
    series = np.sum(table.probabilities * z ** table.values.astype(float))
    got = passage.pgf(z)
    assert abs(got - series) <= 1e-12 * max(1.0, abs(series))
    if level:  # prob_finite = pgf(1); for the return see the Fourier test below
        assert float(passage.pgf(1.0)) == pytest.approx(float(passage.prob_finite()),
                                                        rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("law", [
    {-2: 0.3, 1: 0.2, 3: 0.5}, {-1: 0.25, 0: 0.25, 1: 0.5}, {-3: 0.4, 2: 0.6}])
@pytest.mark.parametrize("z", [0.5, -0.8, 0.6 + 0.6j, 0.95j, 0.97])
def test_pgf_against_the_fourier_integral(law, z):
    """Roots and residues against the quadrature of (1/2 pi) int e^(-ixt) / (1 - z phi(t)) dt."""
    walk = Walk(law)
    origin = _fourier_green(law, 0, z)
    assert walk.first_return(5).pgf(z) == pytest.approx(1 - 1 / origin, rel=1e-10, abs=1e-12)
    for level in (1, -2, 4):
        want = _fourier_green(law, level, z) / origin
        assert walk.first_passage(level, 5).pgf(z) == pytest.approx(want, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("law", [{-2: 0.3, 1: 0.2, 3: 0.5}, {-1: 0.5, 0: 0.1, 1: 0.4},
                                 {-3: 0.3, 3: 0.7}, {-2: 0.25, 0: 0.25, 1: 0.5}])
def test_first_return_pgf_at_one_is_the_fourier_return_probability(law):
    walk = Walk(law)
    fourier = walk.return_probability()
    assert float(walk.first_return(5).pgf(1.0)) == pytest.approx(
        float(fourier), abs=fourier.error + 1e-14)


@pytest.mark.parametrize("p", [0.5, 0.3, 0.8])
@pytest.mark.parametrize("level", [0, 1, -2, 3])
@pytest.mark.parametrize("z", [1.0, -1.0, 1j, np.exp(0.3j), 0.5, -0.99, 0.9 - 0.2j])
def test_pgf_against_the_simple_walk(p, level, z):
    """Closed forms (1 - sqrt(1 - 4pq z^2)) / (2qz) and 1 - sqrt(1 - 4pq z^2), on |z| = 1 too."""
    walk = Walk({-1: 1 - p, 1: p})
    general = walk.first_return(5) if level == 0 else walk.first_passage(level, 5)
    simple = SimpleWalk(p).first_return() if level == 0 else SimpleWalk(p).first_passage(level)
    assert general.pgf(z) == pytest.approx(complex(simple.pgf(z)), rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("law", [{-1: 0.25, 0: 0.25, 1: 0.5}, {-3: 0.5, 1: 0.5},
                                 {-2: 0.5, 0: 0.2, 1: 0.3}])
def test_pgf_of_skip_free_walks(law):
    """Steps <= 1: T_r is a sum of r copies of T_1, and Phi_1(z) = 1/lambda, z G(lambda) = 1."""
    walk = Walk(law)
    z = np.array([0.3, -0.7, 0.5 + 0.5j, 1.0, 1j])
    first = walk.first_passage(1, 5).pgf(z)
    np.testing.assert_allclose(z * walk.pgf(1 / first), 1.0, rtol=1e-13)
    for r in (2, 5):
        np.testing.assert_allclose(walk.first_passage(r, 5).pgf(z), first**r, rtol=1e-12,
                                   atol=1e-15)
        # the hitting-time theorem's series sum_n (r/n) P(S_n = r) z^n; 0.7^200 ~ 1e-31
        times = np.arange(1, 201)
        terms = np.array([r / n * float(walk.position(int(n)).pmf(r)) for n in times])
        assert walk.first_passage(r, 5).pgf(0.7) == pytest.approx(
            math.fsum(terms * 0.7**times), rel=1e-13)


def test_pgf_input():
    law = Walk({-2: F(1, 2), 1: F(1, 2)}).first_passage(3, n_max=5)
    out = law.pgf([[0.5, F(1, 2)], [1, -1]])
    assert out.shape == (2, 2) and out.dtype == np.float64 and out[0, 0] == out[0, 1]
    assert isinstance(law.pgf(0.5), np.float64) and isinstance(law.pgf(0.5j), np.complex128)
    assert law.pgf(0.0) == 0
    with pytest.raises(ValueError, match=r"\|z\| <= 1"):
        law.pgf(1.5)
    with pytest.raises(ValueError, match=r"\|z\| <= 1"):
        law.pgf([0.5, np.nan])
    with pytest.raises(TypeError, match="z must be a number"):
        law.pgf("a")
    with pytest.raises(TypeError, match="z must be a number"):
        law.pgf(sympy.Symbol("z"))
    with pytest.raises(TypeError, match="z must be a number"):
        general_passage_probability(Walk({-1: 0.5, 1: 0.5}), 1, "1")
    with pytest.raises(ValueError, match=r"\|z\| <= 1"):
        general_passage_probability(Walk({-1: 0.5, 1: 0.5}), 1, 2j)
    with pytest.raises(TypeError, match="r must be a non-zero integer"):
        general_passage_probability(Walk({-1: 0.5, 1: 0.5}), 1.5)


def test_recurrent_and_degenerate_walks():
    # mean 0: P(T_r < inf) = 1 on the lattice, via the double root at 1; span 3 at z = w^-1
    walk = Walk({-2: F(1, 3), 1: F(2, 3)})
    assert general_passage_probability(walk, 4).value == 1
    assert walk.first_passage(-5, 5).pgf(1.0) == 1.0
    spaced = Walk({-1: 0.5, 2: 0.5})  # mean 1/2, steps = 2 (mod 3): S_n = 2n (mod 3)
    symmetric = Walk({-3: 0.5, 3: 0.5})
    assert general_passage_probability(symmetric, 2).value == 0
    assert general_passage_probability(symmetric, 3).value == 1
    assert symmetric.first_return(5).pgf(-1.0) == pytest.approx(1.0)
    # a walk that never moves returns at time 1 and never reaches r
    still = Walk({0: 1.0})
    assert still.first_return(5).pgf(0.5) == 0.5 and still.first_passage(2, 5).pgf(0.5) == 0
    # z on the circle where a simple root touches it: the series still converges there
    table = spaced.first_passage(1, 400).table()
    omega = np.exp(2j * np.pi / 3)
    series = np.sum(table.probabilities * omega ** table.values)
    assert spaced.first_passage(1, 5).pgf(omega) == pytest.approx(series, abs=1e-9)
