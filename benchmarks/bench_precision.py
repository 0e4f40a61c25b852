"""Area "precision": rounding float64 arrays to narrower formats.

Cases (n = 10^6 values, 10^5 with ``--quick``; standard normal times 100, plus values at
every scale, so subnormals, overflow and ties all occur):

- float64 -> float16, round to nearest even: mathkit's numba kernel (the numpy reference
  as a variant) against numpy's ``astype(float16).astype(float64)`` and, for scale, a plain
  array copy. Goal: 3x faster than numpy;
- float64 -> bfloat16 and float64 -> float8_e4m3fn, nearest even, against ml_dtypes'
  ``astype``. Goal: within 1.5x of ml_dtypes. ml_dtypes converts float64 through float32,
  so it rounds twice: the accuracy column counts the values it gets wrong, on the same
  input plus values built to sit just past a midpoint (where double rounding fails);
- float32 -> bfloat16 (ml_dtypes rounds once from float32: both bit-exact);
- float64 -> bfloat16 with stochastic rounding (no peer: neither numpy nor ml_dtypes has it);
- a custom format (p = 10, 6 exponent bits: emin = -30, emax = 31), round to nearest even and
  stochastic rounding, against pychop's ``Chop(exp_bits=6, sig_bits=9, rmode=1 or 5)``. Goals:
  100x (nearest) and 20x (stochastic) faster than pychop. Its nearest results are judged
  bit for bit; stochastic ones by whether each is one of the two neighbours of its input
  (the only deterministic property; both are also unbiased);
- emulated arithmetic (``mathkit.precision.sum`` and ``matmul``, every operation rounded
  once): the compiled kernels against the numpy reference (no peer emulates each operation:
  pychop's ``sum``/``matmul`` round only the inputs and the result).

Accuracy is judged against mathkit's numpy reference, which the test suite checks against
exact rational arithmetic and, for float32 inputs, exhaustively.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
from harness import Case

SEED = 20261129


def _inputs(n: int) -> np.ndarray:
    rng = np.random.default_rng(SEED)
    bulk = rng.standard_normal(n) * 100
    scales = rng.standard_normal(n // 10) * 2.0 ** rng.integers(-40, 40, n // 10)
    x = np.concatenate([bulk, scales])[:n]
    # 1% just past a bfloat16 (p = 8) or E4M3 (p = 4) midpoint, at random scales: there
    # rounding through float32 lands on the midpoint and the tie then goes the wrong way.
    start = 0
    for precision in (8, 4):
        count = n // 200
        odd = 2 * rng.integers(0, 2 ** (precision - 1), count) + 1
        scale = 2.0 ** rng.integers(-6, 8, count) * rng.choice([-1.0, 1.0], count)
        x[start:start + count] = scale * (1 + odd * 2.0**-precision + 2.0**-30)
        start += count
    rng.shuffle(x)
    return x


def _median_seconds(function, repeats: int = 5) -> float:
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _judge(reference: np.ndarray):
    bits = reference.view(np.uint64)

    def judge(result) -> str:
        result = np.asarray(result, dtype=np.float64)
        if result.shape != reference.shape:
            return "MISMATCH (shape)"
        same = (result.view(np.uint64) == bits) | (np.isnan(result) & np.isnan(reference))
        wrong = int(np.count_nonzero(~same))
        return "bit-exact" if wrong == 0 else f"{wrong} wrong"

    return judge


def _ml_dtypes():
    try:
        import ml_dtypes
    except ImportError:
        return None
    return ml_dtypes


def _float16_case(x: np.ndarray, label: str) -> Case:
    from mathkit.precision import FLOAT16
    from mathkit.precision import round as round_to

    reference = round_to(x, FLOAT16, backend="numpy")
    judge = _judge(reference)

    def numpy_astype():
        with np.errstate(over="ignore"):
            return x.astype(np.float16).astype(np.float64)

    goal = _median_seconds(numpy_astype) / 3
    return Case(
        name=f"f64 -> float16 nearest even, n={label}",
        area="precision",
        mathkit=lambda: round_to(x, FLOAT16, backend="numba"),
        mathkit_name="mathkit round (numba)",
        variants={"mathkit round (numpy ref)": lambda: round_to(x, FLOAT16, backend="numpy")},
        peers={"numpy astype(float16).astype(float64)": numpy_astype,
               "plain copy (x.copy())": x.copy},
        accuracy={"mathkit round (numba)": judge, "mathkit round (numpy ref)": judge,
                  "numpy astype(float16).astype(float64)": judge},
        jitted={"mathkit round (numba)"},
        notes={"mathkit round (numba)": "goal: 3x faster than numpy astype",
               "plain copy (x.copy())": "memory bandwidth, for scale"},
        goal=goal,
    )


def _ml_case(x: np.ndarray, label: str, name: str, fmt_name: str) -> Case:
    from mathkit.precision import FORMATS
    from mathkit.precision import round as round_to

    fmt = FORMATS[fmt_name]
    reference = round_to(x, fmt, backend="numpy")
    judge = _judge(reference)
    peers, accuracy, notes = {}, {"mathkit round (numba)": judge}, {}
    goal = None
    ml_dtypes = _ml_dtypes()
    if ml_dtypes is not None:
        dtype = getattr(ml_dtypes, fmt_name)

        def ml_astype():
            with np.errstate(over="ignore", invalid="ignore"):
                return x.astype(dtype).astype(np.float64)

        peer = f"ml_dtypes astype({fmt_name}).astype(float64)"
        peers[peer] = ml_astype
        accuracy[peer] = judge
        notes[peer] = "rounds through float32 when given float64 (double rounding)"
        goal = 1.5 * _median_seconds(ml_astype)
        notes["mathkit round (numba)"] = "goal: within 1.5x of ml_dtypes"
    return Case(
        name=f"{name}, n={label}",
        area="precision",
        mathkit=lambda: round_to(x, fmt, backend="numba"),
        mathkit_name="mathkit round (numba)",
        peers=peers,
        accuracy=accuracy,
        jitted={"mathkit round (numba)"},
        notes=notes,
        goal=goal,
    )


def _float32_case(x: np.ndarray, label: str) -> Case:
    from mathkit.precision import BFLOAT16
    from mathkit.precision import round as round_to

    x32 = x.astype(np.float32)
    reference = round_to(x32, BFLOAT16, backend="numpy")
    judge = _judge(reference)
    peers, accuracy = {}, {"mathkit round (numba)": judge}
    ml_dtypes = _ml_dtypes()
    if ml_dtypes is not None:
        peer = "ml_dtypes astype(bfloat16).astype(float64)"
        peers[peer] = lambda: x32.astype(ml_dtypes.bfloat16).astype(np.float64)
        accuracy[peer] = judge
    return Case(
        name=f"f32 -> bfloat16 nearest even, n={label}",
        area="precision",
        mathkit=lambda: round_to(x32, BFLOAT16, backend="numba"),
        mathkit_name="mathkit round (numba)",
        peers=peers,
        accuracy=accuracy,
        jitted={"mathkit round (numba)"},
        notes={"mathkit round (numba)": "reads float32 without converting"},
    )


def _stochastic_case(x: np.ndarray, label: str) -> Case:
    from mathkit.precision import BFLOAT16
    from mathkit.precision import round as round_to

    reference = round_to(x, BFLOAT16, "stochastic", rng=SEED, backend="numpy")
    judge = _judge(reference)
    return Case(
        name=f"f64 -> bfloat16 stochastic, n={label}",
        area="precision",
        mathkit=lambda: round_to(x, BFLOAT16, "stochastic", rng=SEED, backend="numba"),
        mathkit_name="mathkit round (numba)",
        variants={"mathkit round (numpy ref)":
                  lambda: round_to(x, BFLOAT16, "stochastic", rng=SEED, backend="numpy")},
        accuracy={"mathkit round (numba)": judge, "mathkit round (numpy ref)": judge},
        jitted={"mathkit round (numba)"},
        notes={"mathkit round (numba)": "Philox4x32-10 per element, same bits as numpy"},
    )


def _pychop():
    try:
        import pychop
    except ImportError:
        return None
    return pychop


#: The custom format of the pychop cases: pychop's exp_bits=6, sig_bits=9 (IEEE-style range).
CUSTOM_PRECISION, CUSTOM_EXPONENT_BITS = 10, 6


def _custom_format():
    from mathkit.precision import Format

    emax = 2 ** (CUSTOM_EXPONENT_BITS - 1) - 1
    return Format(CUSTOM_PRECISION, 1 - emax, emax, name="p10-e6")


def _neighbours_judge(x: np.ndarray, fmt):
    """Whether each result is round-down or round-up of its input (NaN and inf as IEEE)."""
    from mathkit.precision import round as round_to

    down = round_to(x, fmt, "down", backend="numpy")
    up = round_to(x, fmt, "up", backend="numpy")

    def judge(result) -> str:
        result = np.asarray(result, dtype=np.float64)
        with np.errstate(over="ignore"):
            outside = ~((result == down) | (result == up) | (np.isinf(result) & (
                np.isinf(down) | np.isinf(up) | (np.abs(x) > fmt.max))))
        wrong = int(np.count_nonzero(outside))
        return "neighbours" if wrong == 0 else f"{wrong} not neighbours"

    return judge


def _pychop_case(x: np.ndarray, label: str, mode: str) -> Case:
    from mathkit.precision import round as round_to

    fmt = _custom_format()
    stochastic = mode == "stochastic"
    judge = (_neighbours_judge(x, fmt) if stochastic
             else _judge(round_to(x, fmt, backend="numpy")))
    peers, accuracy, notes, goal = {}, {"mathkit round (numba)": judge}, {}, None
    pychop = _pychop()
    if pychop is not None:
        chop = pychop.Chop(exp_bits=CUSTOM_EXPONENT_BITS, sig_bits=CUSTOM_PRECISION - 1,
                           rmode=5 if stochastic else 1, subnormal=True, random_state=SEED)
        peer = f"pychop Chop(6, 9, rmode={5 if stochastic else 1})"

        def chopped():
            with np.errstate(over="ignore", invalid="ignore"):
                return np.asarray(chop(x))

        peers[peer] = chopped
        accuracy[peer] = judge
        speedup = 20 if stochastic else 100
        goal = _median_seconds(chopped, repeats=3) / speedup
        notes["mathkit round (numba)"] = f"goal: {speedup}x faster than pychop"
    return Case(
        name=f"f64 -> custom p=10 e6 {mode}, n={label}",
        area="precision",
        mathkit=lambda: round_to(x, fmt, mode, rng=SEED, backend="numba"),
        mathkit_name="mathkit round (numba)",
        peers=peers,
        accuracy=accuracy,
        jitted={"mathkit round (numba)"},
        notes=notes,
        goal=goal,
    )


def _emulation_cases(quick: bool) -> list[Case]:
    from mathkit.precision import FLOAT16, FLOAT32, matmul
    from mathkit.precision import sum as emulated_sum

    rng = np.random.default_rng(SEED)
    rows, terms, size = (100, 1000, 64) if quick else (1000, 1000, 128)
    x = rng.uniform(0, 1, (rows, terms))
    A, B = rng.standard_normal((size, size)), rng.standard_normal((size, size))

    def same_as(reference):
        return lambda result: "bit-exact" if np.array_equal(result.value, reference.value) \
            else "MISMATCH"

    cases = []
    for algorithm in ("recursive", "kahan"):
        reference = emulated_sum(x, FLOAT16, algorithm, backend="numpy")
        judge = same_as(reference)
        cases.append(Case(
            name=f"emulated fp16 {algorithm} sums, {rows} x {terms} terms",
            area="precision",
            mathkit=lambda a=algorithm: emulated_sum(x, FLOAT16, a, backend="numba"),
            mathkit_name="mathkit sum (numba)",
            variants={"mathkit sum (numpy ref)":
                      lambda a=algorithm: emulated_sum(x, FLOAT16, a, backend="numpy")},
            accuracy={"mathkit sum (numba)": judge, "mathkit sum (numpy ref)": judge},
            jitted={"mathkit sum (numba)"},
            notes={"mathkit sum (numba)": "each addition rounded once; rows in parallel"},
        ))
    reference = matmul(A, B, FLOAT16, FLOAT32, backend="numpy")
    judge = same_as(reference)
    cases.append(Case(
        name=f"emulated matmul fp16 x fp16 -> fp32 accumulate, {size}^3",
        area="precision",
        mathkit=lambda: matmul(A, B, FLOAT16, FLOAT32, backend="numba"),
        mathkit_name="mathkit matmul (numba)",
        variants={"mathkit matmul (numpy ref)":
                  lambda: matmul(A, B, FLOAT16, FLOAT32, backend="numpy")},
        accuracy={"mathkit matmul (numba)": judge, "mathkit matmul (numpy ref)": judge},
        jitted={"mathkit matmul (numba)"},
        notes={"mathkit matmul (numba)": "includes the exact reference and the bounds"},
    ))
    return cases


def cases(quick: bool) -> list[Case]:
    """The precision cases; ``quick`` uses 10^5 values instead of 10^6."""
    n, label = (10**5, "10^5") if quick else (10**6, "10^6")
    x = _inputs(n)
    return [
        _float16_case(x, label),
        _ml_case(x, label, "f64 -> bfloat16 nearest even", "bfloat16"),
        _ml_case(x, label, "f64 -> float8_e4m3fn nearest even", "float8_e4m3fn"),
        _float32_case(x, label),
        _stochastic_case(x, label),
        _pychop_case(x, label, "nearest_even"),
        _pychop_case(x, label, "stochastic"),
        *_emulation_cases(quick),
    ]
