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
  - JAX ``jit(vmap(jvp))`` on the CPU, in float64 (``jax_enable_x64`` is switched on
    when the case is built, so both sides compute in the same precision): f lambdified
    from the same sympy expression to ``jax.numpy``, ``jvp`` along ``v/|v|``, the
    points and directions put on the JAX device once, before timing (compile time
    shown separately); imported only when the case is built;
  - with a working GPU, mathkit ``compile(f, backend="cupy")`` on CuPy arrays
    (synchronized after each call).

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


def _jax_peer(expr, points, directions):
    """JAX jit(vmap(jvp)) of f along v/|v|, in float64, on arrays already on the device."""
    import jax

    jax.config.update("jax_enable_x64", True)  # float64, as mathkit: a fair comparison
    import jax.numpy as jnp

    function = sympy.lambdify(SYMBOLS, expr, modules="jax")

    def f(p):
        return function(*p)

    def along(p, v):
        return jax.jvp(f, (p,), (v / jnp.linalg.norm(v),))[1]

    batched = jax.jit(jax.vmap(along))
    device_points, device_directions = jnp.asarray(points), jnp.asarray(directions)
    assert device_points.dtype == jnp.float64

    def run():
        return np.asarray(batched(device_points, device_directions).block_until_ready())

    return run


def _cupy_variant(compiled, points, directions):
    import cupy

    device_points, device_directions = cupy.asarray(points), cupy.asarray(directions)

    def run():
        result = compiled.directional(device_points, device_directions)
        cupy.cuda.get_current_stream().synchronize()
        return cupy.asnumpy(result)

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
    variants = {"mathkit compile numpy .directional":
                lambda: compiled_numpy.directional(points, directions)}
    jitted = {"mathkit compile numba .directional"}
    try:
        peers["jax jit(vmap(jvp)) float64"] = _jax_peer(expr, points, directions)
    except ImportError:
        notes["mathkit compile numba .directional"] += "; JAX not installed"
    else:
        jitted.add("jax jit(vmap(jvp)) float64")
        notes["jax jit(vmap(jvp)) float64"] = ("CPU, jax_enable_x64; jvp along v/|v|; goal: "
                                                "ratio >= 1 (numba at least as fast)")
    from mathkit._backend import engine_status

    if engine_status("cupy").available:
        name = "mathkit compile cupy .directional"
        variants[name] = _cupy_variant(compile(expr, SYMBOLS, backend="cupy"), points,
                                       directions)
        jitted.add(name)
        notes[name] = "GPU, CuPy arrays in and out (copied back for the accuracy check only)"
    return Case(
        name=f"D_v f, f of 6 vars (exp/sin/poly), {label} pts",
        area="calculus",
        mathkit=lambda: compiled_numba.directional(points, directions),
        mathkit_name="mathkit compile numba .directional",
        variants=variants,
        peers=peers,
        accuracy=judge,
        jitted=jitted,
        notes=notes,
    )


def cases(quick: bool) -> list[Case]:
    """The calculus cases; ``quick`` uses 10^4 points (numdifftools: 100) instead of 10^6."""
    if quick:
        return [_directional_case(10**4, "10^4", 100)]
    return [_directional_case(10**6, "10^6", 1000)]
