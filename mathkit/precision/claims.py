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


# --- emulated arithmetic: stagnation of sums and updates, a walk accumulated in float16 ---

HARMONIC_STALLS = {"float16": (513, 907, 128), "bfloat16": (65, 81, 16)}
UPDATE = 1e-4
UPDATE_STEPS = 1000
UPDATE_REPLICATES = 400
WALK_START, WALK_STEP, WALK_P = 12.0, 0.01, 0.75
WALK_STEPS, WALK_COUNT = 200, 2000


def _nearest_even_fraction(value, fmt):
    """``value`` (a Fraction) rounded to nearest even in ``fmt``, by integer arithmetic.

    Written apart from :mod:`mathkit.precision.rounding` (no overflow handling: the
    claims stay far inside the range).
    """
    from fractions import Fraction

    if value == 0:
        return Fraction(0)
    magnitude = abs(value)
    e = magnitude.numerator.bit_length() - magnitude.denominator.bit_length()
    if Fraction(2) ** e > magnitude:
        e -= 1
    quantum = Fraction(2) ** (max(e, fmt.emin) - fmt.precision + 1)
    count, rest = divmod(magnitude, quantum)
    if rest > quantum / 2 or (rest == quantum / 2 and count % 2):
        count += 1
    return (count * quantum) if value > 0 else -(count * quantum)


def harmonic_stall_exact(fmt):
    """The first ``n`` with ``fl(s + fl(1/n)) = s`` for the harmonic partial sums in ``fmt``,
    and that ``s``, in exact rational arithmetic."""
    from fractions import Fraction

    total, n = Fraction(0), 0
    while True:
        n += 1
        updated = _nearest_even_fraction(total + _nearest_even_fraction(Fraction(1, n), fmt),
                                         fmt)
        if updated == total:
            return n, total
        total = updated


def harmonic_stall_numeric(fmt):
    """The same, with mathkit's rounding on float64: ``n`` from the running sum, and the
    value from :func:`mathkit.precision.ops.sum` of twice as many terms.

    ``fl(1/n)`` from the float64 ``1/n`` is correctly rounded: ``1/n`` is no dyadic
    rational, so it lies more than ``2^-12 / n`` (relatively) from any midpoint of a
    format of at most 11 bits, far more than float64's ``2^-53``.
    """
    from mathkit.precision.ops import sum as emulated_sum

    total, n = 0.0, 0
    while True:
        n += 1
        updated = float(round_to(total + float(round_to(1.0 / n, fmt)), fmt))
        if updated == total:
            break
        total = updated
    terms = 1.0 / np.arange(1, 2 * n + 1)
    return n, emulated_sum(terms, fmt).value


for _name, (_n, _numerator, _denominator) in HARMONIC_STALLS.items():
    register(Claim(
        name=f"{_name}-harmonic-series-stalls",
        area=AREA,
        statement=(
            f"the harmonic series summed in {_name} (round to nearest even) stops growing at "
            f"n = {_n}: s + fl(1/{_n}) rounds back to s = {_numerator}/{_denominator} = "
            f"{_numerator / _denominator} (exact: Fractions; numeric: float64 emulation)"
        ),
        symbolic=(lambda fmt=FORMATS[_name]: harmonic_stall_exact(fmt)),
        numeric=(lambda fmt=FORMATS[_name]: harmonic_stall_numeric(fmt)),
        rtol=0.0,
    ))


def _sum_of_ones_stalls():
    from mathkit.precision.ops import sum as emulated_sum

    names = ("float16", "bfloat16", "float8_e4m3fn", "float8_e5m2")
    return tuple(emulated_sum(np.ones(2**FORMATS[name].precision + 50), FORMATS[name]).value
                 for name in names)


register(Claim(
    name="sum-of-ones-stalls-at-2^p",
    area=AREA,
    statement=(
        "a running sum of ones with p significand bits stalls at 2^p (2^p + 1 ties to the "
        "even 2^p): 2048, 256, 16, 8 in float16, bfloat16, E4M3FN, E5M2 (numeric: "
        "mathkit.precision.sum of 2^p + 50 ones)"
    ),
    symbolic=lambda: (2**11, 2**8, 2**4, 2**3),
    numeric=_sum_of_ones_stalls,
    rtol=0.0,
))


def _updates(fmt, mode: str = "nearest_even", replicates: int = 1):
    """``w = 1``, then ``w = fl(w + fl(1e-4))`` UPDATE_STEPS times, in ``fmt`` (one row each)."""
    from mathkit.precision.ops import sum as emulated_sum

    terms = np.tile(np.r_[1.0, np.full(UPDATE_STEPS, UPDATE)], (replicates, 1))
    return emulated_sum(terms, fmt, mode=mode, rng=SIMULATION_SEED).value


def _updates_exact(fmt):
    """The same with Fractions, rounding every step to nearest even."""
    from fractions import Fraction

    step = _nearest_even_fraction(Fraction(UPDATE), fmt)
    total = Fraction(1)
    for _ in range(UPDATE_STEPS):
        total = _nearest_even_fraction(total + step, fmt)
    return total


register(Claim(
    name="float16-update-stagnates",
    area=AREA,
    statement=(
        f"w = 1, then w += 1e-4 {UPDATE_STEPS} times: in float16 w never moves (1e-4 is below "
        "half the spacing 2^-10 at 1), in float32 it reaches about 1.1 (exact: Fractions; "
        "numeric: mathkit.precision.sum)"
    ),
    symbolic=lambda: (_updates_exact(FLOAT16), _updates_exact(FORMATS["float32"])),
    numeric=lambda: (_updates(FLOAT16)[0], _updates(FORMATS["float32"])[0]),
    rtol=0.0,
))


def _updates_stochastic_exact():
    from fractions import Fraction

    return 1 + UPDATE_STEPS * Fraction(float(round_to(UPDATE, FLOAT16)))


register(Claim(
    name="float16-update-stochastic",
    area=AREA,
    statement=(
        f"with stochastic rounding, w += 1e-4 in float16 does not stagnate on average: "
        f"E(w_n) = 1 + n fl16(1e-4) exactly (n = {UPDATE_STEPS}; simulated: "
        f"{UPDATE_REPLICATES} runs)"
    ),
    symbolic=_updates_stochastic_exact,
    simulated=lambda: Estimate.from_samples(_updates(FLOAT16, "stochastic", UPDATE_REPLICATES)),
))


def float16_walk(mode: str, seed: int = SIMULATION_SEED):
    """Walks ``12 + 0.01 S_k`` (``S`` a simple walk, p = 0.75) accumulated in float16.

    Returns ``(computed, exact)`` final positions of WALK_COUNT walks of WALK_STEPS steps,
    the steps from :func:`mathkit.walks.sample_paths` and the sums from
    :func:`mathkit.precision.ops.sum`.
    """
    from mathkit.precision.ops import sum as emulated_sum
    from mathkit.walks import SimpleWalk, sample_paths

    steps = np.diff(sample_paths(SimpleWalk(WALK_P), WALK_STEPS, WALK_COUNT, rng=seed), axis=1)
    terms = np.column_stack([np.full(WALK_COUNT, WALK_START), WALK_STEP * steps])
    result = emulated_sum(terms, FLOAT16, mode=mode, rng=seed)
    return result.value, result.exact


def _walk_bias_exact():
    """In [8, 16) float16 values are 2^-7 apart and fl16(0.01) is 1.28 of them: each
    step becomes exactly one spacing, so the error is (2^-7 - fl16(0.01)) S_n."""
    from fractions import Fraction

    step = Fraction(float(round_to(WALK_STEP, FLOAT16)))
    return (Fraction(1, 2**7) - step) * (2 * Fraction(WALK_P) - 1) * WALK_STEPS


def _walk_errors(mode: str) -> Estimate:
    computed, exact = float16_walk(mode)
    return Estimate.from_samples(computed - exact)


register(Claim(
    name="float16-walk-nearest-bias",
    area=AREA,
    statement=(
        f"a walk 12 + 0.01 S_k with drift (p = {WALK_P}) accumulated in float16 rounds every "
        f"step to one spacing 2^-7: E(error after n steps) = (2^-7 - fl16(0.01)) (2p - 1) n "
        f"(n = {WALK_STEPS}; simulated: {WALK_COUNT} walks of mathkit.walks)"
    ),
    symbolic=_walk_bias_exact,
    simulated=lambda: _walk_errors("nearest_even"),
))

register(Claim(
    name="float16-walk-stochastic-unbiased",
    area=AREA,
    statement=(
        "the same float16 walk with stochastic rounding has no bias: E(error) = 0 "
        f"(simulated: {WALK_COUNT} walks)"
    ),
    symbolic=lambda: 0,
    simulated=lambda: _walk_errors("stochastic"),
    atol=0.0,
))


# --- mixed-precision training and iterative refinement ---

SCALER_STEPS, SCALER_INF_RATE, SCALER_INTERVAL, SCALER_CHECKPOINTS = 20_000, 0.004, 100, 10
REFINE_SIZE, REFINE_KAPPA = 50, 1e3


def _found_infs() -> np.ndarray:
    return np.random.default_rng(SIMULATION_SEED).random(SCALER_STEPS) < SCALER_INF_RATE


def _scaler_closed_form():
    """``2^(16 + G - B)`` at each checkpoint: ``B`` infs so far, ``G`` the completed blocks of
    SCALER_INTERVAL finite steps within the runs between them (no recurrence)."""
    import sympy

    found = _found_infs()
    values = []
    for end in np.linspace(0, SCALER_STEPS, SCALER_CHECKPOINTS + 1)[1:].astype(int):
        prefix = found[:end]
        boundaries = np.flatnonzero(np.r_[True, prefix, True])
        runs = np.diff(boundaries) - 1  # finite steps between consecutive infs
        growths = int((runs // SCALER_INTERVAL).sum())
        values.append(sympy.Integer(2) ** (16 + growths - int(prefix.sum())))
    return tuple(values)


def _scaler_trace():
    from mathkit.precision.training import LossScaler

    scaler = LossScaler(growth_interval=SCALER_INTERVAL)
    trace = [scaler.update(bool(found)) for found in _found_infs()]
    step = SCALER_STEPS // SCALER_CHECKPOINTS
    return tuple(trace[step - 1::step])


register(Claim(
    name="loss-scaler-grad-scaler-recurrence",
    area=AREA,
    statement=(
        "LossScaler follows PyTorch GradScaler's recurrence (halve on inf and reset, double "
        f"after {SCALER_INTERVAL} finite steps in a row): after any pattern the scale is "
        "2^(16 + G - B), B the infs and G the completed runs of finite steps "
        f"(numeric: {SCALER_STEPS:,} steps, infs at rate {SCALER_INF_RATE})"
    ),
    symbolic=_scaler_closed_form,
    numeric=_scaler_trace,
    rtol=0.0,
))


def _stagnation_grid_disagreements() -> int:
    """How often stagnation() disagrees with rounding w + u, over a grid of exact sums."""
    from mathkit.precision.training import stagnation

    w = np.array([1.0, 1.0, 1024.0, 0.0, -2.0, 65504.0])
    units = np.array([2.0**-10, 2.0**-10, 1.0, 2.0**-24, 2.0**-9, 32.0])
    signs = np.array([1.0, -1.0, 1.0, 1.0, 1.0, 1.0])
    fractions = np.arange(0, 65) / 64  # u from 0 to one spacing, through the tie at 1/2
    u = signs[:, None] * units[:, None] * fractions[None, :]
    stuck = round_to(w[:, None] + u, FLOAT16) == w[:, None]
    return int(np.count_nonzero(stagnation(w[:, None], u, FLOAT16).stagnant != stuck))


def _stagnation_thresholds():
    from mathkit.precision.training import stagnation

    report = stagnation([1.0, 1.0, 1024.0, 0.0], [1e-9, -1e-9, 1e-9, 1e-30], FLOAT16)
    return (*report.threshold.tolist(), _stagnation_grid_disagreements())


register(Claim(
    name="float16-stagnation-threshold",
    area=AREA,
    statement=(
        "in float16, fl(w + u) = w exactly when |u| < g/2 (or = g/2 with w even), g the gap "
        "to w's neighbour on u's side: 2^-11 above 1, 2^-12 below it, 1/2 above 1024, 2^-25 "
        "at 0 (numeric: mathkit.precision.stagnation, and 0 disagreements with rounding "
        "w + u on a grid through the ties)"
    ),
    symbolic=lambda: (*(__import__("sympy").Rational(1, 2**k) for k in (11, 12, 1, 25)), 0),
    numeric=_stagnation_thresholds,
    rtol=0.0,
))


def _refinement_outcome():
    """(converged, forward error <= 2u, first solve's error > 100 u) as 1/0, for kappa = 1e3."""
    from mathkit.precision.formats import FLOAT32
    from mathkit.precision.refinement import refine
    from mathkit.quadratic import random_spd

    A = random_spd(REFINE_SIZE, REFINE_KAPPA, rng=SIMULATION_SEED)
    b = np.random.default_rng(SIMULATION_SEED).standard_normal(REFINE_SIZE)
    result = refine(A, b, method="lu")
    u = FLOAT32.unit_roundoff
    return (int(result.converged), int(result.forward_errors[-1] <= 2 * u),
            int(result.forward_errors[0] > 100 * u))


register(Claim(
    name="refinement-float16-factors-float32-accuracy",
    area=AREA,
    statement=(
        f"iterative refinement with float16 LU factors, float32 solves and float64 residuals "
        f"converges for a {REFINE_SIZE}x{REFINE_SIZE} matrix with kappa_2 = {REFINE_KAPPA:g} "
        "(kappa u_f < 1, Carson & Higham 2018) to a forward error of at most 2u = 2^-23, "
        "while the float16 solve alone is more than 100u off (1 = true)"
    ),
    symbolic=lambda: (1, 1, 1),
    numeric=_refinement_outcome,
    rtol=0.0,
))


GMRES_IR_SIZE, GMRES_IR_KAPPA = 40, 1e4


def _gmres_refinement_outcome():
    """(LU-IR converged, GMRES-IR converged, GMRES-IR forward error <= 2u) as 1/0."""
    from mathkit.precision.formats import FLOAT32
    from mathkit.precision.refinement import refine

    generator = np.random.default_rng(SIMULATION_SEED)
    q1, _ = np.linalg.qr(generator.standard_normal((GMRES_IR_SIZE, GMRES_IR_SIZE)))
    q2, _ = np.linalg.qr(generator.standard_normal((GMRES_IR_SIZE, GMRES_IR_SIZE)))
    singular_values = GMRES_IR_KAPPA ** -np.linspace(0.0, 1.0, GMRES_IR_SIZE)
    A = (q1 * singular_values) @ q2.T
    b = generator.standard_normal(GMRES_IR_SIZE)
    lu = refine(A, b, method="lu")
    gmres = refine(A, b, method="lu", solver="gmres")
    return (int(lu.converged), int(gmres.converged),
            int(gmres.forward_errors[-1] <= 2 * FLOAT32.unit_roundoff))


register(Claim(
    name="gmres-refinement-float16-factors-kappa-1e4",
    area=AREA,
    statement=(
        f"GMRES-IR (Carson & Higham 2018) with float16 LU factors as the "
        f"preconditioner, float32 iterates and float64 residuals reaches a forward error of "
        f"at most 2u = 2^-23 for a {GMRES_IR_SIZE}x{GMRES_IR_SIZE} matrix with kappa_2 = "
        f"{GMRES_IR_KAPPA:g} (Haar-random singular vectors, geometric singular values), where "
        "LU-IR with the same factors stagnates: (LU-IR converged, GMRES-IR converged, "
        "forward error <= 2u) = (0, 1, 1)"
    ),
    symbolic=lambda: (0, 1, 1),
    numeric=_gmres_refinement_outcome,
    rtol=0.0,
))
