"""Area "walks": exact laws of the position S_n of a random walk.

Cases
-----
- the whole pmf of the simple walk's S_n (p = 0.3), n = 10^7 (10^5 with ``--quick``):
  ``SimpleWalk(p).position(n).table()`` (exact anchors every 32 values and the
  ratio recurrence between them) against ``scipy.stats.binom.pmf`` over the same
  support; goal: at least 20x faster. Accuracy: the largest relative error
  against mpmath (50 digits, ``loggamma``) at 80 sampled values with
  ``pmf >= 1e-300``, deep tails included;
- the law of S_n for the 3-point step law ``{-1: 1/2, 0: 1/4, 1: 1/4}``, n = 10^5
  (10^4 with ``--quick``): ``Walk(law).position(n)`` (one FFT of the centred
  characteristic function) against n repeated ``numpy.convolve`` calls and against
  powering by squaring with ``scipy.signal.fftconvolve``; goal: at least 100x faster
  than repeated convolution. Accuracy: the largest absolute error against exact
  integer arithmetic (the coefficients of ``(2 + z + z^2)^n / 4^n`` by their
  three-term recurrence) at sampled values.
"""

from __future__ import annotations

import math

import numpy as np
from harness import Case

P = 0.3
SEED = 20261129


# ---------------------------------------------------------------- (a) the binomial pmf


def _binomial_reference(n: int, p: float, points) -> dict[int, float]:
    import mpmath as mp

    mp.mp.dps = 50
    pm = mp.mpf(p)
    out = {}
    for x in points:
        log_pmf = (mp.loggamma(n + 1) - mp.loggamma(x + 1) - mp.loggamma(n - x + 1)
                   + x * mp.log(pm) + (n - x) * mp.log(1 - pm))
        out[x] = mp.exp(log_pmf)
    return out


def _pmf_points(n: int, p: float) -> list[int]:
    """Sampled numbers of up-steps: deep tails (pmf near 1e-300), the bulk, random."""
    sd = math.sqrt(n * p * (1 - p))
    rng = np.random.default_rng(SEED)
    grid = [math.floor(n * p + z * sd) for z in np.linspace(-37, 37, 60)]
    spread = rng.integers(max(0, int(n * p - 40 * sd)), min(n, int(n * p + 40 * sd)), size=20)
    return sorted({x for x in (*grid, *spread.tolist()) if 0 <= x <= n})


def _max_relative_error(reference: dict[int, object]):
    def judge(result):
        import mpmath as mp

        worst = 0.0
        for x, value in reference.items():
            if value < mp.mpf("1e-300"):
                continue
            worst = max(worst, float(abs((mp.mpf(float(result[x])) - value) / value)))
        return worst

    return judge


def _pmf_case(n: int, label: str) -> Case:
    from scipy import stats

    from mathkit.walks import SimpleWalk

    reference = _binomial_reference(n, P, _pmf_points(n, P))
    support = np.arange(n + 1)
    judge = _max_relative_error(reference)
    return Case(
        name=f"simple walk pmf on the support, n={label}",
        area="walks",
        mathkit=lambda: SimpleWalk(P).position(n).table().probabilities,
        mathkit_name="mathkit position(n).table()",
        peers={"scipy.stats.binom.pmf": lambda: stats.binom.pmf(support, n, P)},
        accuracy={"mathkit position(n).table()": judge, "scipy.stats.binom.pmf": judge},
        notes={
            "mathkit position(n).table()": "max rel. error vs mpmath at 80 points; goal 20x",
            "scipy.stats.binom.pmf": "Boost ibeta_derivative per point",
        },
    )


# ---------------------------------------------------------------- (b) a 3-point step law


STEP_LAW = {-1: 0.5, 0: 0.25, 1: 0.25}


def _trinomial_reference(n: int, points) -> dict[int, float]:
    """P(S_n = k - n) for the step law above: coefficients of (2 + z + z^2)^n / 4^n.

    (k + 1) 2 c_{k+1} = (n - k) c_k + (2n - k + 1) c_{k-1}, in exact integers.
    """
    wanted, top, scale = set(points), max(points), 4**n
    previous, current = 0, 2**n
    out = {0: current / scale} if 0 in wanted else {}
    for k in range(top):
        following = ((n - k) * current + (2 * n - k + 1) * previous) // (2 * (k + 1))
        previous, current = current, following
        if k + 1 in wanted:
            out[k + 1] = current / scale
    return out


def _repeated_convolution(n: int) -> np.ndarray:
    step = np.array([STEP_LAW[-1], STEP_LAW[0], STEP_LAW[1]])
    result = np.ones(1)
    for _ in range(n):
        result = np.convolve(result, step)
    return result


def _squaring_fftconvolve(n: int) -> np.ndarray:
    from scipy.signal import fftconvolve

    base = np.array([STEP_LAW[-1], STEP_LAW[0], STEP_LAW[1]])
    result = np.ones(1)
    while n:
        if n & 1:
            result = np.maximum(fftconvolve(result, base), 0.0)
        n >>= 1
        if n:
            base = np.maximum(fftconvolve(base, base), 0.0)
    return result


def _convolution_case(n: int, label: str) -> Case:
    from mathkit.walks import Walk

    mode = round(0.75 * n)
    sd = math.sqrt(0.6875 * n)
    points = sorted({max(0, min(2 * n, round(mode + z * sd))) for z in np.linspace(-12, 12, 97)})
    reference = _trinomial_reference(n, points)
    shifted = np.array(points)

    def law_error(law):
        got = law.pmf(shifted - n)
        return float(np.max(np.abs(got - np.array([reference[k] for k in points]))))

    def array_error(values):
        return float(np.max(np.abs(values[shifted] - np.array([reference[k] for k in points]))))

    return Case(
        name=f"3-point step law, law of S_n, n={label}",
        area="walks",
        mathkit=lambda: Walk(STEP_LAW).position(n),
        mathkit_name="mathkit Walk(law).position(n)",
        peers={
            "numpy.convolve, n times": lambda: _repeated_convolution(n),
            "scipy fftconvolve, by squaring": lambda: _squaring_fftconvolve(n),
        },
        accuracy={
            "mathkit Walk(law).position(n)": law_error,
            "numpy.convolve, n times": array_error,
            "scipy fftconvolve, by squaring": array_error,
        },
        notes={
            "mathkit Walk(law).position(n)": "max abs. error vs exact integers; goal 100x",
            "numpy.convolve, n times": "the direct way",
            "scipy fftconvolve, by squaring": "clipped at 0 after each product",
        },
    )


def cases(quick: bool) -> list[Case]:
    """The walks cases; ``quick`` uses n = 10^5 and 10^4 instead of 10^7 and 10^5."""
    if quick:
        return [_pmf_case(10**5, "10^5"), _convolution_case(10**4, "10^4")]
    return [_pmf_case(10**7, "10^7"), _convolution_case(10**5, "10^5")]
