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
