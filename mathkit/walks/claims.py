"""Claims of the walks area: the position S_n, passage and return, path facts, three ways.

Each claim pairs an exact side (sympy or Fractions) with the numeric code of
:mod:`mathkit.walks` and, where chance is involved, with a Monte Carlo
estimate (``rvs`` or :func:`~mathkit.walks.simulate`; Philox, fixed seed).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from mathkit.claims import Claim, Estimate, register
from mathkit.walks import SimpleWalk

AREA = "walks"
SIMULATION_SEED = 20261129
SIMULATION_SAMPLES = 200_000


# ---------------------------------------------------------------- mean and variance


def _moments_from_pgf():
    import sympy

    z, p, n = sympy.symbols("z p n", positive=True)
    pgf = (p * z + (1 - p) / z) ** n
    first = sympy.diff(pgf, z).subs(z, 1)
    second = sympy.diff(pgf, z, 2).subs(z, 1)
    mean = sympy.simplify(first)
    var = sympy.simplify(second + first - first**2)
    values = {p: sympy.Rational(3, 10), n: 1000}
    return mean.subs(values), var.subs(values)


def _moments_numeric():
    law = SimpleWalk(0.3).position(1000)
    return float(law.mean()), float(law.var())


register(Claim(
    name="position-mean-variance",
    area=AREA,
    statement="E[S_n] = n(p - q) and Var S_n = 4npq: sympy derivatives of (pz + q/z)^n at "
              "z = 1 vs the numeric law (p = 0.3, n = 1000)",
    symbolic=_moments_from_pgf,
    numeric=_moments_numeric,
    rtol=1e-13,
))


# ---------------------------------------------------------------- pmf and the PGF


PGF_STEPS = 12


def _pgf_coefficients():
    import sympy

    z = sympy.Symbol("z")
    p = sympy.Rational(1, 4)
    polynomial = sympy.Poly(sympy.expand((p * z + (1 - p) / z) ** PGF_STEPS * z**PGF_STEPS), z)
    return tuple(polynomial.coeff_monomial(z**j) for j in range(0, 2 * PGF_STEPS + 1, 2))


def _pmf_values():
    law = SimpleWalk(0.25).position(PGF_STEPS)
    return tuple(float(v) for v in law.pmf(np.arange(-PGF_STEPS, PGF_STEPS + 1, 2)))


register(Claim(
    name="pmf-equals-pgf-coefficients",
    area=AREA,
    statement="P(S_n = k) is the coefficient of z^k in (pz + q/z)^n (sympy expansion vs "
              "numeric pmf, p = 1/4, n = 12)",
    symbolic=_pgf_coefficients,
    numeric=_pmf_values,
    rtol=1e-14,
))


# ---------------------------------------------------------------- total mass


def _exact_total():
    law = SimpleWalk(Fraction(3, 10)).position(500)
    return sum(law.probabilities, Fraction(0))


def _numeric_total():
    table = SimpleWalk(0.3).position(10**6).table()
    return math.fsum(table.probabilities)


register(Claim(
    name="pmf-sums-to-one",
    area=AREA,
    statement="sum_k P(S_n = k) = 1: exactly in Fractions (p = 3/10, n = 500), and to "
              "rounding for the numeric table (p = 0.3, n = 10^6)",
    symbolic=_exact_total,
    numeric=_numeric_total,
    rtol=1e-13,
))


# ---------------------------------------------------------------- returns to 0


RETURN_STEPS = (1, 10, 100, 1000, 10_000)


def _central_binomial():
    import sympy

    return tuple(sympy.binomial(2 * n, n) / sympy.Integer(4) ** n for n in RETURN_STEPS)


def _return_numeric():
    return tuple(float(np.exp(SimpleWalk(0.5).position(2 * n).logpmf(0))) for n in RETURN_STEPS)


register(Claim(
    name="return-to-zero-central-binomial",
    area=AREA,
    statement="P(S_2n = 0) = C(2n, n) / 4^n for p = 1/2 (sympy vs numeric logpmf, "
              "n = 1 ... 10^4)",
    symbolic=_central_binomial,
    numeric=_return_numeric,
    rtol=1e-13,
))


def _local_limit_symbolic():
    import sympy

    n = sympy.Symbol("n", positive=True)
    # sqrt(pi n) C(2n, n) / 4^n = Gamma(n + 1/2) / (sqrt(n) Gamma(n)), written with loggamma
    half = sympy.Rational(1, 2)
    ratio = sympy.exp(sympy.loggamma(n + half) - sympy.loggamma(n) - sympy.log(n) / 2)
    return sympy.limit(ratio, n, sympy.oo)


def _local_limit_numeric():
    n = 10**12
    return float(math.sqrt(math.pi * n) * np.exp(SimpleWalk(0.5).position(2 * n).logpmf(0)))


register(Claim(
    name="local-limit-return",
    area=AREA,
    statement="sqrt(pi n) P(S_2n = 0) -> 1 (sympy limit vs numeric at n = 10^12, where it "
              "is 1 - 1/(8n) + ...)",
    symbolic=_local_limit_symbolic,
    numeric=_local_limit_numeric,
    rtol=1e-12,
))


# ---------------------------------------------------------------- sampling


SAMPLED_STEPS = 100


def _exact_mean():
    p = Fraction(3, 10)
    return SAMPLED_STEPS * (2 * p - 1)


def _simulated_mean():
    samples = SimpleWalk(0.3).position(SAMPLED_STEPS).rvs(SIMULATION_SAMPLES, rng=SIMULATION_SEED)
    return Estimate.from_samples(samples)


def _numeric_mean():
    return float(SimpleWalk(0.3).position(SAMPLED_STEPS).mean())


register(Claim(
    name="sampled-position-mean",
    area=AREA,
    statement="the mean of rvs samples of S_100 (p = 0.3, 200,000 samples, fixed seed) "
              "agrees with n(p - q) = -40",
    symbolic=_exact_mean,
    numeric=_numeric_mean,
    simulated=_simulated_mean,
    rtol=1e-14,
))


# ---------------------------------------------------------------- simulated paths
#
# Each claim below is a path fact of the symmetric walk (n = 20 steps unless said): an exact
# probability from a classical formula, the same probability in floating point,
# and the frequency of the event among simulated walks (fixed seed).

PATH_STEPS = 20
PATH_WALKS = 400_000


def _binomial_point(n: int, k: int) -> Fraction:
    """P(S_n = k) of the symmetric walk, exactly."""
    if (n + k) % 2 or abs(k) > n:
        return Fraction(0)
    return Fraction(math.comb(n, (n + k) // 2), 2**n)


def _frequency(statistic: str, value: int, level: int | None = None, n_steps=PATH_STEPS):
    def simulate_frequency():
        from mathkit.walks import simulate

        counts = simulate(SimpleWalk(0.5), n_steps, PATH_WALKS, [statistic], level=level,
                          rng=SIMULATION_SEED)[statistic]
        hits = int(counts.counts[counts.values == value].sum())
        return Estimate.from_samples(np.repeat([1.0, 0.0], [hits, counts.total - hits]))

    return simulate_frequency


def _path_claim(name: str, statement: str, exact, statistic: str, value: int, level=None,
                n_steps=PATH_STEPS):
    register(Claim(
        name=name, area=AREA, statement=statement, symbolic=exact,
        numeric=lambda: float(exact()), simulated=_frequency(statistic, value, level, n_steps),
        rtol=1e-15,
    ))


_path_claim(
    "simulated-endpoint",
    "P(S_20 = 0) = C(20, 10)/2^20 for the symmetric walk; simulated endpoints agree",
    lambda: _binomial_point(PATH_STEPS, 0), "endpoint", 0,
)
_path_claim(
    "simulated-maximum-reflection",
    "reflection principle: P(M_n = r) = P(S_n = r) + P(S_n = r + 1) (symmetric walk); "
    "n = 19, r = 4; simulated maxima agree",
    lambda: _binomial_point(19, 4) + _binomial_point(19, 5), "maximum", 4, n_steps=19,
)
_path_claim(
    "simulated-hitting-time",
    "hitting-time theorem: P(T_4 = 12) = (4/12) P(S_12 = 4); simulated first passages agree",
    lambda: Fraction(4, 12) * _binomial_point(12, 4), "first_passage", 12, level=4,
)
_path_claim(
    "simulated-arcsine-time-positive",
    "discrete arcsine law: P(time positive = 2k in 2n steps) = u_2k u_{2n-2k}, u_2m = "
    "P(S_2m = 0); n = 10, k = 3; simulated times agree",
    lambda: _binomial_point(6, 0) * _binomial_point(14, 0), "time_positive", 6,
)
_path_claim(
    "simulated-first-return",
    "first return: P(T_0 = 2n) = u_2n / (2n - 1); n = 5; simulated first returns agree",
    lambda: _binomial_point(10, 0) / 9, "first_return", 10,
)


# ---------------------------------------------------------------- first passage and return
#
# The exact side is a closed form in Fractions; the numeric side sums the float tables of
# mathkit.walks.passage (default n_max: the finite mass left out is below 1e-15).

PASSAGE_P = Fraction(3, 10)


def _return_probability_exact():
    return SimpleWalk(PASSAGE_P).return_probability()


def _return_probability_numeric():
    return math.fsum(SimpleWalk(float(PASSAGE_P)).first_return().table().probabilities)


register(Claim(
    name="return-probability",
    area=AREA,
    statement="P(T_0 < inf) = 1 - |p - q| (p = 3/10: 3/5) vs the sum of the float "
              "first-return table P(T_0 = 2n) = C(2n, n)(pq)^n / (2n - 1)",
    symbolic=_return_probability_exact,
    numeric=_return_probability_numeric,
    rtol=1e-13,
))


def _passage_defect_exact():
    return PASSAGE_P / (1 - PASSAGE_P)


def _passage_defect_numeric():
    return math.fsum(SimpleWalk(float(PASSAGE_P)).first_passage(1).table().probabilities)


register(Claim(
    name="first-passage-probability",
    area=AREA,
    statement="P(T_1 < inf) = p/q for p < 1/2 (p = 3/10: 3/7) vs the sum of the float "
              "table P(T_1 = n) = (1/n) P(S_n = 1)",
    symbolic=_passage_defect_exact,
    numeric=_passage_defect_numeric,
    rtol=1e-13,
))

DRIFT_P = Fraction(7, 10)


def _passage_mean_exact():
    return 1 / (DRIFT_P - (1 - DRIFT_P))


def _passage_mean_numeric():
    table = SimpleWalk(float(DRIFT_P)).first_passage(1).table()
    return math.fsum(table.values * table.probabilities)


register(Claim(
    name="first-passage-mean",
    area=AREA,
    statement="E[T_1] = 1/(p - q) for p > 1/2 (p = 7/10: 5/2) vs sum n P(T_1 = n) over "
              "the float table",
    symbolic=_passage_mean_exact,
    numeric=_passage_mean_numeric,
    rtol=1e-12,
))


# ---------------------------------------------------------------- generating functions,
# ruin, limit laws and Z^d (issue 3, items 2, 5, 6, 7)

PGF_P = Fraction(3, 10)
PGF_TERMS = 41


def _first_return_coefficients():
    import sympy

    from mathkit.walks.pgf import first_return_pgf

    walk = SimpleWalk(sympy.Rational(PGF_P.numerator, PGF_P.denominator))
    return first_return_pgf(walk).coefficients(PGF_TERMS).values


def _first_return_pmf():
    return tuple(float(v) for v in SimpleWalk(float(PGF_P)).first_return().pmf(
        np.arange(PGF_TERMS)))


register(Claim(
    name="first-return-pgf-coefficients",
    area=AREA,
    statement="[s^n] F(s) = P(T_0 = n), F = 1 - sqrt(1 - 4pq s^2) = 1 - 1/U(s): the binomial "
              "series (exact, p = 3/10) vs the float first-return pmf, n <= 40",
    symbolic=_first_return_coefficients,
    numeric=_first_return_pmf,
    rtol=1e-13,
))


def _lagrange_coefficients():
    import sympy

    from mathkit.walks.pgf import first_passage_pgf

    p = sympy.Symbol("p")
    values = first_passage_pgf(SimpleWalk(p), 3).coefficients(PGF_TERMS).values
    return tuple(sympy.sympify(v).subs(p, sympy.Rational(2, 5)) for v in values)


def _fft_coefficients():
    from mathkit.walks.pgf import first_passage_pgf

    return tuple(first_passage_pgf(SimpleWalk(0.4), 3).coefficients(PGF_TERMS).values)


register(Claim(
    name="hitting-time-lagrange-inversion",
    area=AREA,
    statement="Lagrange inversion of w = s (p + q w^2): [s^n] Phi_3 = (3/n) C(n, (n+3)/2) "
              "p^((n+3)/2) q^((n-3)/2), symbolic p then p = 2/5, vs the FFT (Cauchy integral) "
              "coefficients of the float Phi_3",
    symbolic=_lagrange_coefficients,
    numeric=_fft_coefficients,
    atol=1e-12,
    rtol=0.0,
))

RUIN_P, RUIN_START, RUIN_TARGET = Fraction(9, 20), 4, 10
RUIN_WALKS, RUIN_STEPS = 20_000, 500


def _ruin_formula():
    r = (1 - RUIN_P) / RUIN_P
    return (r**RUIN_START - r**RUIN_TARGET) / (1 - r**RUIN_TARGET)


def _ruin_numeric():
    from mathkit.walks.pgf import ruin_time_pgf

    # E[s^T; ruin] at s = 1 from the polynomials B_k, not from the closed form
    return float(ruin_time_pgf(SimpleWalk(float(RUIN_P)), RUIN_START, RUIN_TARGET, "zero")(1.0))


def _ruin_paths():
    from mathkit.walks import sample_paths

    paths = RUIN_START + sample_paths(SimpleWalk(float(RUIN_P)), RUIN_STEPS, RUIN_WALKS,
                                      rng=SIMULATION_SEED)
    hit = (paths <= 0) | (paths >= RUIN_TARGET)
    first = np.argmax(hit, axis=1)
    return paths[np.arange(RUIN_WALKS), first], first


def _ruin_simulated():
    ends, _ = _ruin_paths()
    return Estimate.from_samples((ends <= 0).astype(np.float64))


register(Claim(
    name="ruin-probability",
    area=AREA,
    statement="gambler's ruin: P(ruin) = (r^a - r^N)/(1 - r^N), r = q/p (p = 9/20, a = 4, "
              "N = 10) vs E[s^T; ruin] at s = 1 from the PGF, vs 20,000 simulated games",
    symbolic=_ruin_formula,
    numeric=_ruin_numeric,
    simulated=_ruin_simulated,
    rtol=1e-13,
))


def _fair_duration_exact():
    return Fraction(RUIN_START * (RUIN_TARGET - RUIN_START))


def _fair_duration_numeric():
    table = SimpleWalk(0.5).ruin(RUIN_START, RUIN_TARGET).duration().table()
    return math.fsum(table.values * table.probabilities)


def _fair_duration_simulated():
    from mathkit.walks import sample_paths

    paths = RUIN_START + sample_paths(SimpleWalk(0.5), RUIN_STEPS, RUIN_WALKS,
                                      rng=SIMULATION_SEED)
    first = np.argmax((paths <= 0) | (paths >= RUIN_TARGET), axis=1)
    return Estimate.from_samples(first.astype(np.float64))


register(Claim(
    name="ruin-fair-duration",
    area=AREA,
    statement="fair game: E[T] = a (N - a) (a = 4, N = 10: 24) vs sum t P(T = t) over the "
              "float duration law (dynamic programme), vs 20,000 simulated games",
    symbolic=_fair_duration_exact,
    numeric=_fair_duration_numeric,
    simulated=_fair_duration_simulated,
    rtol=1e-13,
))


def _ruin_pgf_coefficients():
    from mathkit.walks.pgf import ruin_time_pgf

    return ruin_time_pgf(SimpleWalk(RUIN_P), RUIN_START, RUIN_TARGET).coefficients(60).values


def _duration_pmf():
    law = SimpleWalk(float(RUIN_P)).ruin(RUIN_START, RUIN_TARGET).duration()
    return tuple(float(v) for v in law.pmf(np.arange(60)))


register(Claim(
    name="ruin-time-pgf-coefficients",
    area=AREA,
    statement="[s^n] of the ruin-time PGF ((ps)^(N-a) B_a + (qs)^a B_(N-a)) / B_N (exact power "
              "series division) = P(T = n) from the float absorbing-chain programme, n < 60",
    symbolic=_ruin_pgf_coefficients,
    numeric=_duration_pmf,
    rtol=1e-13,
))

DIFFUSION_V, DIFFUSION_D, DIFFUSION_DT = Fraction(1), Fraction(1, 2), 1e-12


def _diffusion_symbolic():
    import sympy

    from mathkit.walks.limits import diffusion_limit

    derivation = diffusion_limit()
    names = derivation.symbols
    values = {names["v"]: sympy.Rational(DIFFUSION_V), names["D"]: sympy.Rational(DIFFUSION_D)}
    exponent = sympy.expand(derivation.exponent.subs(values))
    k = names["k"]
    # the third entry, the PDE residual of the Gaussian, must be the number 0
    return (sympy.im(exponent.coeff(k, 1)), -exponent.coeff(k, 2), derivation.residual)


def _diffusion_numeric():
    from mathkit.walks.limits import drift_diffusion

    dx = math.sqrt(2 * float(DIFFUSION_D) * DIFFUSION_DT)
    p = 0.5 * (1 + float(DIFFUSION_V) * DIFFUSION_DT / dx)
    result = drift_diffusion(SimpleWalk(p), dx, DIFFUSION_DT)
    return (float(result.drift), float(result.diffusion), 0.0)


register(Claim(
    name="diffusion-equation",
    area=AREA,
    statement="dP/dt = -v dP/dx + D d2P/dx2: sympy's limit of log(phi(k))/dt is i k v - D k^2 "
              "(and the Gaussian N(vt, 2Dt) solves the PDE: residual 0); v = 1, D = 1/2 vs "
              "drift_diffusion of the walk with p - q = v dt/dx, dx^2 = 2 D dt, dt = 1e-12",
    symbolic=_diffusion_symbolic,
    numeric=_diffusion_numeric,
    rtol=1e-9,
))


register(Claim(
    name="polya-d3-watson",
    area=AREA,
    statement="Polya, d = 3: 1 - 1/m(3), m(3) = int_0^inf e^-t I_0(t/3)^3 dt (mpmath quadrature, "
              "30 digits) = Watson's Gamma(1/24) Gamma(5/24) Gamma(7/24) Gamma(11/24) form "
              "= 0.3405373296",
    symbolic=lambda: _polya_watson(),
    numeric=lambda: _polya_quadrature(),
    rtol=1e-15,
))


def _polya_watson():
    from mathkit.walks.lattice import lattice_return_probability_watson

    return lattice_return_probability_watson(30)


def _polya_quadrature():
    from mathkit.walks.lattice import lattice_return_probability

    return lattice_return_probability(3)


def _local_limit_ratio():
    from mathkit.walks.limits import local_limit_error

    walk = SimpleWalk(0.5)
    return local_limit_error(walk, 1600).max_abs_error / local_limit_error(walk, 6400).max_abs_error


register(Claim(
    name="local-limit-error-rate",
    area=AREA,
    statement="local limit theorem, p = 1/2: max_k |P(S_n = k) - 2 phi(k/sqrt n)/sqrt n| is "
              "O(n^-3/2): the error at n = 1600 over the error at 6400 is 4^(3/2) = 8",
    symbolic=lambda: 8,
    numeric=_local_limit_ratio,
    rtol=2e-3,
))


def _range_exact():
    from mathkit.walks.lattice import expected_range

    return expected_range(SimpleWalk(Fraction(1, 2)), 400)


def _range_numeric():
    from mathkit.walks.lattice import expected_range

    return float(expected_range(SimpleWalk(0.5), 400))


def _range_simulated():
    from mathkit.walks import simulate

    counts = simulate(SimpleWalk(0.5), 400, SIMULATION_SAMPLES, ["range"],
                      rng=SIMULATION_SEED)["range"]
    return Estimate.from_samples(np.repeat(counts.values.astype(np.float64), counts.counts))


register(Claim(
    name="expected-range",
    area=AREA,
    statement="E R_n = sum_(k <= n) P(T_0 > k) (exact Fractions, p = 1/2, n = 400; "
              "~ sqrt(8n/pi) + 1/2) vs the float sum, vs 200,000 simulated ranges",
    symbolic=_range_exact,
    numeric=_range_numeric,
    simulated=_range_simulated,
    rtol=1e-13,
))


def _range_asymptotic_ratio():
    from mathkit.walks.lattice import expected_range, expected_range_asymptotic

    n = 10**6
    return float(expected_range(SimpleWalk(0.5), n) - 0.5) / float(expected_range_asymptotic(n))


register(Claim(
    name="expected-range-asymptotic",
    area=AREA,
    statement="(E R_n - 1/2) / sqrt(8n/pi) -> 1 for p = 1/2 (numeric at n = 10^6)",
    symbolic=lambda: 1,
    numeric=_range_asymptotic_ratio,
    rtol=1e-3,
))


# ---------------------------------------------------------------- arcsine laws, returns, ballots
#
# Issue 3, items 3-4: last zero, time positive, number of returns, ballot counts, general
# step laws. Exact sides in Fractions from classical formulas; numeric sides from the float
# laws of mathkit.walks.extremes and mathkit.walks.passage; simulated sides from simulate().

ARCSINE_STEPS = 20


def _arcsine_point(n: int, k: int) -> Fraction:
    """u_2k u_{2n-2k} for the symmetric walk, exactly (n, k in half-steps)."""
    return _binomial_point(2 * k, 0) * _binomial_point(2 * n - 2 * k, 0)


register(Claim(
    name="arcsine-last-zero",
    area=AREA,
    statement="discrete arcsine law: P(L_2n = 2k) = u_2k u_{2n-2k} for the last zero of the "
              "symmetric walk (n = 10, k = 3): exact vs SimpleWalk(0.5).last_zero(20) vs "
              "simulated last zeros",
    symbolic=lambda: _arcsine_point(ARCSINE_STEPS // 2, 3),
    numeric=lambda: float(SimpleWalk(0.5).last_zero(ARCSINE_STEPS).pmf(6)),
    simulated=_frequency("last_zero", 6),
    rtol=1e-13,
))


def _time_positive_law():
    return tuple(float(v) for v in SimpleWalk(0.5).time_positive(40).probabilities)


register(Claim(
    name="arcsine-time-positive",
    area=AREA,
    statement="Chung-Feller / Sparre Andersen: the time positive N_2n (Feller's count) has the "
              "law of the last zero, u_2k u_{2n-2k}; all k for n = 20 (exact vs float law)",
    symbolic=lambda: tuple(_arcsine_point(20, k) for k in range(21)),
    numeric=_time_positive_law,
    rtol=1e-13,
))


register(Claim(
    name="returns-law",
    area=AREA,
    statement="number of returns: P(R_2n = j) = P(S_{2n-j} = j) for the symmetric walk "
              "(Feller III.7; n = 10, j = 2): exact vs SimpleWalk(0.5).returns(20) vs "
              "simulated returns",
    symbolic=lambda: _binomial_point(ARCSINE_STEPS - 2, 2),
    numeric=lambda: float(SimpleWalk(0.5).returns(ARCSINE_STEPS).pmf(2)),
    simulated=_frequency("returns", 2),
    rtol=1e-13,
))

BALLOT_VOTES = (30, 12)


def _ballot_simulated():
    a, b = BALLOT_VOTES
    rng = np.random.default_rng(SIMULATION_SEED)
    votes = np.repeat([1, -1], [a, b])
    orders = rng.permuted(np.tile(votes, (SIMULATION_SAMPLES // 4, 1)), axis=1)
    ahead = (np.cumsum(orders, axis=1) > 0).all(axis=1)
    return Estimate.from_samples(ahead.astype(np.float64))


def _ballot_numeric():
    from mathkit.walks import ballot

    a, b = BALLOT_VOTES
    return ballot(a, b) / math.comb(a + b, a)


register(Claim(
    name="ballot-theorem",
    area=AREA,
    statement="ballot theorem: with a = 30 votes for A and b = 12 for B counted in random "
              "order, A leads throughout with probability (a - b)/(a + b) = 3/7: exact vs "
              "ballot(a, b) / C(a + b, a) vs 50,000 random orders",
    symbolic=lambda: Fraction(BALLOT_VOTES[0] - BALLOT_VOTES[1], sum(BALLOT_VOTES)),
    numeric=_ballot_numeric,
    simulated=_ballot_simulated,
    rtol=1e-14,
))

SKIP_FREE_LAW = {-2: Fraction(1, 4), 0: Fraction(1, 4), 1: Fraction(1, 2)}
SKIP_FREE_STEPS = 25


def _hitting_time_exact():
    from mathkit.walks import Walk

    walk = Walk(SKIP_FREE_LAW)
    return tuple(Fraction(3, n) * walk.position(n).pmf(3) for n in range(1, SKIP_FREE_STEPS + 1))


def _hitting_time_dynamic():
    from mathkit.walks import Walk

    walk = Walk({s: float(v) for s, v in SKIP_FREE_LAW.items()})
    return tuple(walk.first_passage(3, n_max=SKIP_FREE_STEPS).table().probabilities.tolist())


register(Claim(
    name="general-hitting-time",
    area=AREA,
    statement="hitting-time theorem for a general upward skip-free walk (steps -2, 0, 1 w.p. "
              "1/4, 1/4, 1/2): P(T_3 = n) = (3/n) P(S_n = 3) in Fractions vs the float dynamic "
              "program on the killed walk, n = 1..25",
    symbolic=_hitting_time_exact,
    numeric=_hitting_time_dynamic,
    rtol=1e-13,
    atol=1e-300,
))


def _lazy_return_probability():
    from mathkit.walks import Walk

    return float(Walk({-1: 0.5, 0: 0.1, 1: 0.4}).return_probability())


register(Claim(
    name="general-return-probability",
    area=AREA,
    statement="return probability of a lazy walk (-1, 0, +1 w.p. 0.5, 0.1, 0.4): "
              "h + (1 - h)(1 - |p' - q'|) = 9/10 vs 1 - 1/G(0), G(0) by the Fourier integral "
              "of Walk.return_probability()",
    symbolic=lambda: Fraction(9, 10),
    numeric=_lazy_return_probability,
    rtol=1e-13,
))


HALF_NORMAL_STEPS = 10**6


def _half_normal_exact():
    import sympy

    return sympy.erf(1 / sympy.sqrt(2))


def _half_normal_numeric():
    n = HALF_NORMAL_STEPS
    return float(SimpleWalk(0.5).maximum(n).cdf(math.isqrt(n)))


register(Claim(
    name="half-normal-maximum",
    area=AREA,
    statement="M_n / sqrt(n) -> |Z| for the symmetric walk: P(M_n <= sqrt(n)) at n = 10^6 "
              "(exact law, reflection) vs erf(1/sqrt 2); the gap is O(1/sqrt(n))",
    symbolic=_half_normal_exact,
    numeric=_half_normal_numeric,
    rtol=2e-3,
))


# ---------------------------------------------------------------- simulated path laws, biased walk
#
# Exact side: all 2^12 paths of the walk with p = 3/10 enumerated in Fractions; numeric side:
# the float laws SimpleWalk(0.3).returns / .time_positive / .last_zero; simulated side: the
# frequency among walks of mathkit.walks.simulate (fixed seed; one 53-bit uniform a step).

BIASED_STEPS = 12
BIASED_P = Fraction(3, 10)


def _enumerated_probability(statistic: str, value: int) -> Fraction:
    """P(statistic = value) over the 2^12 paths of the p = 3/10 walk, exactly."""
    import itertools

    total = Fraction(0)
    for bits in itertools.product((1, -1), repeat=BIASED_STEPS):
        path = list(itertools.accumulate(bits, initial=0))
        zeros = [k for k in range(1, BIASED_STEPS + 1) if path[k] == 0]
        observed = {
            "returns": len(zeros),
            "last_zero": zeros[-1] if zeros else 0,
            "time_positive": sum(path[k] > 0 or path[k - 1] > 0
                                 for k in range(1, BIASED_STEPS + 1)),
        }[statistic]
        if observed == value:
            total += BIASED_P ** bits.count(1) * (1 - BIASED_P) ** bits.count(-1)
    return total


def _biased_frequency(statistic: str, value: int):
    def simulate_frequency():
        from mathkit.walks import simulate

        counts = simulate(SimpleWalk(float(BIASED_P)), BIASED_STEPS, PATH_WALKS, [statistic],
                          rng=SIMULATION_SEED)[statistic]
        hits = int(counts.counts[counts.values == value].sum())
        return Estimate.from_samples(np.repeat([1.0, 0.0], [hits, counts.total - hits]))

    return simulate_frequency


def _biased_path_claim(name: str, statement: str, statistic: str, value: int) -> None:
    register(Claim(
        name=name, area=AREA, statement=statement,
        symbolic=lambda: _enumerated_probability(statistic, value),
        numeric=lambda: float(getattr(SimpleWalk(float(BIASED_P)), statistic)(
            BIASED_STEPS).pmf(value)),
        simulated=_biased_frequency(statistic, value), rtol=1e-12,
    ))


_biased_path_claim(
    "simulated-returns-biased",
    "returns to 0: P(R_12 = 2) for p = 3/10 by enumerating the 2^12 paths, the law of "
    "SimpleWalk.returns and simulated walks agree",
    "returns", 2,
)
_biased_path_claim(
    "simulated-time-positive-biased",
    "time positive (Feller): P(N_12 = 4) for p = 3/10 by enumerating the 2^12 paths, the law "
    "of SimpleWalk.time_positive and simulated walks agree",
    "time_positive", 4,
)
_biased_path_claim(
    "simulated-last-zero-biased",
    "last zero: P(L_12 = 6) for p = 3/10 by enumerating the 2^12 paths, the law of "
    "SimpleWalk.last_zero and simulated walks agree",
    "last_zero", 6,
)


# ---------------------------------------------------------------- walks as a diffusion solver

DIFFUSION_STEPS = 1000  # t = 1, v = 1/2, D = 1/2: dt = 1/1000


def _diffusion_variance_exact():
    import sympy

    v, diffusivity, t = sympy.Rational(1, 2), sympy.Rational(1, 2), sympy.Integer(1)
    dt = t / DIFFUSION_STEPS
    dx = sympy.sqrt(2 * diffusivity * dt)
    p = sympy.Rational(1, 2) + v * dt / (2 * dx)
    return sympy.nsimplify(sympy.expand(DIFFUSION_STEPS * 4 * p * (1 - p) * dx**2))


def _diffusion_variance_numeric():
    from mathkit.walks.diffusion import walk_scaling

    dx, p = walk_scaling(0.5, 0.5, 1 / DIFFUSION_STEPS)
    return float(SimpleWalk(p).position(DIFFUSION_STEPS).var()) * dx**2


def _diffusion_variance_simulated():
    from mathkit.walks import simulate
    from mathkit.walks.diffusion import walk_scaling

    dx, p = walk_scaling(0.5, 0.5, 1 / DIFFUSION_STEPS)
    endpoint = simulate(SimpleWalk(p), DIFFUSION_STEPS, PATH_WALKS, ["endpoint"],
                        rng=SIMULATION_SEED)["endpoint"]
    return Estimate.from_samples(np.repeat((endpoint.values * dx - 0.5) ** 2, endpoint.counts))


register(Claim(
    name="diffusion-walk-variance",
    area=AREA,
    statement="the walk scaled to dP/dt = -v P' + D P'' (dx^2 = 2 D dt, p = 1/2 + v dt/(2 dx); "
              "t = 1, v = D = 1/2, dt = 1/1000) has Var X_t = 2 D t - v^2 t dt = 0.99975: "
              "sympy, the position law, and the spread of simulated walks about v t",
    symbolic=_diffusion_variance_exact,
    numeric=_diffusion_variance_numeric,
    simulated=_diffusion_variance_simulated,
    rtol=1e-12,
))


# ---------------------------------------------------------------- passage of a general walk

JUMP_LAW = {-1: 0.5, 2: 0.5}  # mean 1/2; it can jump over the level 1
#: Steps simulated: P(400 < T_1 < inf) <= e^-theta M(theta)^401 / (1 - M(theta)) < 1e-8.
JUMP_STEPS = 400


def _jump_passage_exact():
    """By hand: eta = P(T_-1 < inf) solves eta = (1 + eta^3)/2, so eta = (sqrt 5 - 1)/2; from 2
    the walk (skip-free down) reaches 1 w.p. eta. h(x) = P(reach 1 from x) = A + B lambda^x,
    lambda = -(1 + sqrt 5)/2 (bounded as x -> -inf), h(1) = 1, h(2) = eta; P(T_1 < inf) = h(0).
    """
    import sympy

    root5 = sympy.sqrt(5)
    eta, lam = (root5 - 1) / 2, -(1 + root5) / 2
    a, b = sympy.symbols("a b")
    solution = sympy.solve([a + b * lam - 1, a + b * lam**2 - eta], [a, b])
    return sympy.radsimp(solution[a] + solution[b])


def _jump_passage_numeric():
    from mathkit.walks import Walk

    return float(Walk(JUMP_LAW).first_passage(1).prob_finite())


def _jump_passage_simulated():
    from mathkit.walks import Walk, simulate

    counts = simulate(Walk(JUMP_LAW), JUMP_STEPS, SIMULATION_SAMPLES, ["first_passage"],
                      level=1, rng=SIMULATION_SEED)["first_passage"]
    hits = int(counts.counts.sum())
    return Estimate.from_samples(np.repeat([1.0, 0.0], [hits, counts.total - hits]))


register(Claim(
    name="general-passage-probability",
    area=AREA,
    statement="P(T_1 < inf) for steps -1, +2 (probability 1/2 each; the walk can jump over 1): "
              "3 - sqrt 5 derived by hand (sympy), the Green's function ratio "
              "G(0, 1)/G(0, 0) (roots of z G(lambda) = 1), and simulated walks "
              f"({JUMP_STEPS} steps) agree",
    symbolic=_jump_passage_exact,
    numeric=_jump_passage_numeric,
    simulated=_jump_passage_simulated,
    rtol=1e-14,
))
