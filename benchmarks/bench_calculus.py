"""Area "calculus": directional derivatives of a compiled sympy function at many points.

Case
----
- f(x1..x6) = exp(-(x1^2 + x2^2)/4) sin(x3 + 2 x4) + x1 x5^3 - 3 x2^2 x6 + sin(x5 x6)
  + x3 x4 x5 x6, its directional derivative grad f(x) . v/|v| at N points of [-1, 1]^6
  along N random directions (N = 10^6, 10^4 with ``--quick``):

  - mathkit ``compile(f, backend="numba")`` (the baseline): exact sympy gradient,
    common subexpressions eliminated, a numba ``prange`` kernel (compile time shown
    separately);
  - mathkit ``compile(f, backend="numpy")``: the same expressions lambdified to numpy;
  - ``numdifftools.directionaldiff`` (adaptive finite differences with Richardson
    extrapolation, one Python call per point): timed on the first 1000 points (100 with
    ``--quick``) and its per-point time scaled to N (the note says so);
  - JAX (``jax.jvp`` under ``jit``/``vmap``) is not measured yet: it is not in the
    ``bench`` extra.

Accuracy: the largest error over 20 sampled points (all among the points numdifftools
sees), divided by the largest exact value there; exact = the sympy gradient evaluated
in mpmath at 30 digits at the float64 points, dotted with v/|v| in mpmath.
"""

from __future__ import annotations

import time

import mpmath
import numpy as np
import sympy
from harness import Case, Timed

SEED = 20261129
SAMPLES = 20
SYMBOLS = sympy.symbols("x1:7")


def expression():
    """The benchmark function of 6 variables: exp, sin and polynomial terms."""
    x1, x2, x3, x4, x5, x6 = SYMBOLS
    return (sympy.exp(-(x1**2 + x2**2) / 4) * sympy.sin(x3 + 2 * x4) + x1 * x5**3
            - 3 * x2**2 * x6 + sympy.sin(x5 * x6) + x3 * x4 * x5 * x6)


def exact_directional(expr, points, directions, dps: int = 30) -> np.ndarray:
    """grad f(x) . v/|v| at each row, in mpmath at ``dps`` digits, rounded to float64."""
    gradient = [expr.diff(s) for s in SYMBOLS]
    out = []
    with mpmath.workdps(dps):
        for point, direction in zip(points, directions, strict=True):
            subs = {s: sympy.Rational(float(c)) for s, c in zip(SYMBOLS, point, strict=True)}
            v = [mpmath.mpf(float(c)) for c in direction]
            g = [mpmath.mpf(str(sympy.N(component.subs(subs), dps))) for component in gradient]
            dot = mpmath.fsum(a * b for a, b in zip(g, v, strict=True))
            out.append(float(dot / mpmath.norm(v)))
    return np.array(out)


def _relative_error(samples, exact):
    def judge(result):
        values = np.asarray(result)[samples]
        return float(np.max(np.abs(values - exact)) / np.max(np.abs(exact)))

    return judge


def _numdifftools_peer(expr, points, directions, subset: int, n: int):
    import numdifftools

    function = sympy.lambdify(SYMBOLS, expr, modules="numpy")

    def f(p):
        return function(*p)

    def run():
        start = time.perf_counter()
        values = np.array([numdifftools.directionaldiff(f, points[i], directions[i])
                           for i in range(subset)])
        return Timed((time.perf_counter() - start) * n / subset, values)

    return run


def _directional_case(n: int, label: str, subset: int) -> Case:
    from mathkit.calculus import compile

    expr = expression()
    rng = np.random.default_rng(SEED)
    points = rng.uniform(-1.0, 1.0, (n, 6))
    directions = rng.normal(size=(n, 6))
    samples = np.sort(rng.choice(subset, SAMPLES, replace=False))
    judge = _relative_error(samples, exact_directional(expr, points[samples],
                                                       directions[samples]))
    compiled_numba = compile(expr, SYMBOLS, backend="numba")
    compiled_numpy = compile(expr, SYMBOLS, backend="numpy")
    peers = {}
    notes = {
        "mathkit compile numba .directional": "prange kernel; exact gradient, cse",
        "mathkit compile numpy .directional": "lambdify(numpy, cse)",
    }
    try:
        import numdifftools  # noqa: F401 - only whether it is installed
    except ImportError:
        notes["mathkit compile numba .directional"] += "; numdifftools not installed"
    else:
        name = "numdifftools.directionaldiff"
        peers[name] = _numdifftools_peer(expr, points, directions, subset, n)
        notes[name] = (f"timed on {subset} points, scaled to {label}; Python loop, "
                       "adaptive Richardson differences")
    notes["mathkit compile numba .directional"] += "; JAX not measured yet (not in bench extra)"
    return Case(
        name=f"D_v f, f of 6 vars (exp/sin/poly), {label} pts",
        area="calculus",
        mathkit=lambda: compiled_numba.directional(points, directions),
        mathkit_name="mathkit compile numba .directional",
        variants={
            "mathkit compile numpy .directional":
                lambda: compiled_numpy.directional(points, directions),
        },
        peers=peers,
        accuracy=judge,
        jitted={"mathkit compile numba .directional"},
        notes=notes,
    )


def cases(quick: bool) -> list[Case]:
    """The calculus cases; ``quick`` uses 10^4 points (numdifftools: 100) instead of 10^6."""
    if quick:
        return [_directional_case(10**4, "10^4", 100)]
    return [_directional_case(10**6, "10^6", 1000)]
