"""Claims of the precision area: format constants, stagnation of fp16 sums, stochastic rounding.

Each claim states a fact exactly (sympy or integers) and checks it against mathkit's
rounding engine and, where chance is involved, against a simulation with a fixed seed.
"""

from __future__ import annotations

import numpy as np

from mathkit.claims import Claim, Estimate, register
from mathkit.precision.bits import decode
from mathkit.precision.formats import FLOAT8_E4M3FN, FLOAT16, FORMATS
from mathkit.precision.rounding import round as round_to

AREA = "precision"
SIMULATION_SEED = 20261129
STOCHASTIC_SAMPLES = 200_000
SUM_STEPS = 4096
SUM_REPLICATES = 64


def running_sum_of_ones(steps: int, fmt, mode: str, replicates: int = 1,
                        seed: int = SIMULATION_SEED) -> np.ndarray:
    """``s_k = round(s_{k-1} + 1)`` from ``s_0 = 0``, emulated in ``fmt``; the final ``s``.

    Each replicate is one running sum; with stochastic rounding, step ``k`` of
    replicate ``r`` uses the counter ``k * replicates + r`` under the one key of
    ``seed``, so every step draws fresh, reproducible numbers.
    """
    total = np.zeros(replicates)
    for step in range(steps):
        total = round_to(total + 1.0, fmt, mode, rng=seed, backend="numpy",
                         index_offset=step * replicates)
    return total


def _unit_roundoffs_exact():
    import sympy

    return tuple(sympy.Rational(1, 2**fmt.precision) for fmt in FORMATS.values())


def _unit_roundoffs_measured():
    """Half the gap from 1 to the next value, found by the rounding engine."""
    return tuple((float(fmt.next_up(1.0)) - 1.0) / 2 for fmt in FORMATS.values())


register(Claim(
    name="unit-roundoff",
    area=AREA,
    statement=(
        "the unit roundoff of each format is u = 2^-p: half the gap from 1 to the next value "
        f"({', '.join(FORMATS)})"
    ),
    symbolic=_unit_roundoffs_exact,
    numeric=_unit_roundoffs_measured,
    rtol=0.0,
))


def _largest(significand_bits: int, emax: int):
    def exact():
        import sympy

        return (2 - sympy.Rational(1, 2**significand_bits)) * 2**emax

    return exact


register(Claim(
    name="float16-max",
    area=AREA,
    statement="the largest float16 is (2 - 2^-10) 2^15 = 65504 "
              "(numeric: 70000 rounded toward zero; numpy's finfo)",
    symbolic=lambda: (_largest(10, 15)(),) * 2,
    numeric=lambda: (float(round_to(70000.0, FLOAT16, "toward_zero")),
                     float(np.finfo(np.float16).max)),
    rtol=0.0,
))

register(Claim(
    name="e4m3fn-max",
    area=AREA,
    statement="the largest OCP E4M3 (float8_e4m3fn) value is (2 - 2^-2) 2^8 = 448, as its top "
              "code S.1111.111 is NaN (numeric: 1000 saturated; code 0x7E)",
    symbolic=lambda: (_largest(2, 8)(),) * 2,
    numeric=lambda: (float(round_to(1000.0, FLOAT8_E4M3FN, overflow="saturate")),
                     float(decode(0x7E, FLOAT8_E4M3FN))),
    rtol=0.0,
))

register(Claim(
    name="float16-sum-of-ones-stalls",
    area=AREA,
    statement=(
        "adding 1 at a time in float16 with round-to-nearest stalls at 2^11 = 2048: "
        "2048 + 1 is a tie between 2048 and 2050 and goes to the even 2048 "
        f"(numeric: {SUM_STEPS} emulated steps)"
    ),
    symbolic=lambda: 2**FLOAT16.precision,
    numeric=lambda: float(running_sum_of_ones(SUM_STEPS, FLOAT16, "nearest_even")[0]),
    rtol=0.0,
))


def _stochastic_expectation_exact():
    from fractions import Fraction

    return Fraction(0.1)


def _stochastic_expectation_numeric():
    """lo + P(up) (hi - lo) for the two float16 neighbours of 0.1, P(up) = (x - lo)/(hi - lo)."""
    x = 0.1
    lo, hi = float(FLOAT16.next_down(x)), float(FLOAT16.next_up(x))
    return lo + (x - lo) / (hi - lo) * (hi - lo)


def _stochastic_expectation_simulated():
    samples = round_to(np.full(STOCHASTIC_SAMPLES, 0.1), FLOAT16, "stochastic",
                       rng=SIMULATION_SEED, backend="numpy")
    return Estimate.from_samples(samples)


register(Claim(
    name="stochastic-rounding-unbiased",
    area=AREA,
    statement=(
        "stochastic rounding is unbiased: E(round(0.1)) = 0.1 exactly in float16 "
        f"(simulated: {STOCHASTIC_SAMPLES:,} roundings of 0.1)"
    ),
    symbolic=_stochastic_expectation_exact,
    numeric=_stochastic_expectation_numeric,
    simulated=_stochastic_expectation_simulated,
    rtol=1e-15,
))


def _stochastic_sum_simulated():
    finals = running_sum_of_ones(SUM_STEPS, FLOAT16, "stochastic", SUM_REPLICATES)
    return Estimate.from_samples(finals)


register(Claim(
    name="float16-sum-of-ones-stochastic",
    area=AREA,
    statement=(
        f"with stochastic rounding the float16 running sum of {SUM_STEPS} ones does not stall: "
        f"E(s_n) = n (simulated: {SUM_REPLICATES} sums)"
    ),
    symbolic=lambda: SUM_STEPS,
    simulated=_stochastic_sum_simulated,
))
