"""Claims of the calculus area: exact directional derivatives against numeric ones.

Registered into :mod:`mathkit.claims` under the area ``"calculus"``;
``mathkit check calculus`` runs them.
"""

from __future__ import annotations

import math

import numpy as np

from mathkit import _random
from mathkit.claims import Claim, Estimate, register

AREA = "calculus"
EPS = float(np.finfo(np.float64).eps)
SIMULATION_SEED = 20261201
SIMULATION_DIRECTIONS = 20_000

# A smooth function of three variables used by several claims, with its point.
_POINT = ("1/2", "1/3", "-3/4")


def _example():
    import sympy

    x, y, z = sympy.symbols("x y z")
    expr = sympy.exp(x) * sympy.sin(y) + x * y**3 - sympy.log(1 + x**2) + x * z**2
    point = tuple(sympy.Rational(p) for p in _POINT)
    return expr, (x, y, z), point


def _exact_gradient():
    import sympy

    expr, symbols, point = _example()
    values = dict(zip(symbols, point, strict=True))
    return [sympy.diff(expr, s).subs(values) for s in symbols]


def _float_point():
    return np.array([float(p) for p in _example()[2]])


def _numpy_example(points):
    """The example function coded with numpy, for batches of points (..., 3)."""
    x, y, z = np.moveaxis(points, -1, 0)
    return np.exp(x) * np.sin(y) + x * y**3 - np.log(1 + x**2) + x * z**2


# --- 1. the seed example ------------------------------------------------------------------


def _seed_exact():
    import sympy

    from mathkit.calculus import directional_derivative

    x, y = sympy.symbols("x y")
    f = x**2 + y**2
    return (directional_derivative(f, (1, 2), (3, 4)), directional_derivative(f, (1, 2), (1, 0)))


def _seed_numeric():
    from mathkit.calculus import directional_derivative

    def f(p):
        return p[0] ** 2 + p[1] ** 2

    values = directional_derivative(f, [1.0, 2.0], [[3.0, 4.0], [1.0, 0.0]])
    return tuple(float(v) for v in values)


register(Claim(
    name="seed-example",
    area=AREA,
    statement=(
        "f = x^2 + y^2 at (1, 2): D_w f = 22/5 along w = (3, 4) and D_u f = 2 along u = (1, 0) "
        "(rate along the unit vector w/|w|; numeric: complex step)"
    ),
    symbolic=_seed_exact,
    numeric=_seed_numeric,
    rtol=2 * EPS,
))


# --- 2. D_v f = grad f . v/|v| --------------------------------------------------------------

_DIRECTION = (1, -2, 2)


def _gradient_dot_unit():
    import sympy

    gradient = _exact_gradient()
    norm = sympy.sqrt(sum(c * c for c in _DIRECTION))
    return sympy.nsimplify(sum(g * c for g, c in zip(gradient, _DIRECTION, strict=True))) / norm


def _complex_step_directional():
    from mathkit.calculus import directional_derivative

    expr, symbols, _ = _example()
    return float(directional_derivative(expr, _float_point(), np.array(_DIRECTION, float),
                                        method="complex_step", variables=symbols))


register(Claim(
    name="directional-is-gradient-dot-unit",
    area=AREA,
    statement=(
        "D_v f = grad f . v/|v| for f = e^x sin y + x y^3 - log(1 + x^2) + x z^2 at "
        "(1/2, 1/3, -3/4), v = (1, -2, 2) (exact sympy gradient vs complex step)"
    ),
    symbolic=_gradient_dot_unit,
    numeric=_complex_step_directional,
    rtol=8 * EPS,
))


# --- 3. complex step to about one ulp -----------------------------------------------------

_SQUIRE_TRAPP_X = 1.5


def _squire_trapp_reference():
    import mpmath
    import sympy

    context = mpmath.MPContext()
    context.dps = 50

    def f(x):
        return context.exp(x) / context.sqrt(context.sin(x) ** 3 + context.cos(x) ** 3)

    return sympy.Float(context.diff(f, context.mpf(_SQUIRE_TRAPP_X)), 30)


def _squire_trapp_complex_step():
    from mathkit.calculus import directional_derivative

    def f(p):
        return np.exp(p[0]) / np.sqrt(np.sin(p[0]) ** 3 + np.cos(p[0]) ** 3)

    return float(directional_derivative(f, [_SQUIRE_TRAPP_X], [1.0], method="complex_step"))


register(Claim(
    name="complex-step-ulp",
    area=AREA,
    statement=(
        "The complex step Im f(x + ih)/h is accurate to about an ulp: "
        "f = e^x / sqrt(sin^3 x + cos^3 x) at x = 1.5 (Squire & Trapp 1998) vs mpmath.diff "
        "at 50 digits"
    ),
    symbolic=_squire_trapp_reference,
    numeric=_squire_trapp_complex_step,
    rtol=2 * EPS,
))


# --- 4. the largest directional derivative is |grad f| ---------------------------------------


def _gradient_norm():
    import sympy

    return sympy.sqrt(sum(g * g for g in _exact_gradient()))


def _unit_from_angles(angles):
    polar, azimuth = angles
    return np.array([
        math.sin(polar) * math.cos(azimuth), math.sin(polar) * math.sin(azimuth),
        math.cos(polar),
    ])


def _maximum_over_directions():
    from scipy.optimize import minimize

    from mathkit.calculus import directional_derivative

    point = _float_point()

    def negative_rate(angles):
        return -float(directional_derivative(_numpy_example, point, _unit_from_angles(angles),
                                             vectorized=True))

    best = None
    for start in ((1.0, 0.5), (2.0, -2.5)):
        found = minimize(negative_rate, start, method="Nelder-Mead",
                         options={"xatol": 1e-9, "fatol": 1e-15, "maxiter": 2000})
        if best is None or found.fun < best.fun:
            best = found
    return -float(best.fun)


register(Claim(
    name="max-directional-is-gradient-norm",
    area=AREA,
    statement=(
        "max over unit u of D_u f = |grad f| (Cauchy-Schwarz), for the e^x sin y + ... example: "
        "numeric maximum over the sphere (Nelder-Mead on angles, complex-step D_u f) vs the "
        "exact norm"
    ),
    symbolic=_gradient_norm,
    numeric=_maximum_over_directions,
    rtol=1e-12,
))


# --- 5. mean square of D_u f over random directions -------------------------------------------


def _gradient_norm_squared():
    return sum(g * g for g in _exact_gradient())


def _numeric_gradient_norm_squared():
    from mathkit.calculus import gradient

    values = gradient(_numpy_example, _float_point(), vectorized=True)
    return float(np.sum(values**2))


def _random_unit_vectors(count: int, seed: int) -> np.ndarray:
    """``count`` unit vectors uniform on the sphere in 3-D, from Philox (Box-Muller).

    Parameters
    ----------
    count : int
        How many.
    seed : int
        The seed, hashed to the Philox key by :func:`mathkit._random.key_from_rng`.

    Returns
    -------
    numpy.ndarray, shape (count, 3)
    """
    key = _random.key_from_rng(seed)
    items = np.arange(count, dtype=np.uint64)
    uniforms = np.concatenate(
        [_random.uniform53(key, items, block=0), _random.uniform53(key, items, block=1)], axis=1
    )
    radius = np.sqrt(-2 * np.log1p(-uniforms[:, [0, 2]]))
    angle = 2 * np.pi * uniforms[:, [1, 3]]
    normals = np.concatenate([radius * np.cos(angle), radius * np.sin(angle)], axis=1)[:, :3]
    return normals / np.linalg.norm(normals, axis=1, keepdims=True)


def _simulated_mean_square():
    from mathkit.calculus import directional_derivative

    directions = _random_unit_vectors(SIMULATION_DIRECTIONS, SIMULATION_SEED)
    rates = directional_derivative(_numpy_example, _float_point(), directions, vectorized=True)
    # Cauchy-Schwarz on the sample: no sampled rate beats |grad f|, and the best comes close
    norm = math.sqrt(_numeric_gradient_norm_squared())
    if not norm * (1 - 1e-3) <= rates.max() <= norm * (1 + 1e-14):
        msg = f"max sampled D_u f = {rates.max()!r} is not just below |grad f| = {norm!r}"
        raise AssertionError(msg)
    return Estimate.from_samples(3 * rates**2)


register(Claim(
    name="mean-square-directional",
    area=AREA,
    statement=(
        "d E[(D_u f)^2] = |grad f|^2 for u uniform on the unit sphere (d = 3, the e^x sin y + ... "
        f"example; {SIMULATION_DIRECTIONS:,} Philox directions; their largest D_u f is checked "
        "to be <= |grad f| and within 0.1% of it)"
    ),
    symbolic=_gradient_norm_squared,
    numeric=_numeric_gradient_norm_squared,
    simulated=_simulated_mean_square,
    rtol=8 * EPS,
))


# --- 6. level directions have zero derivative --------------------------------------------------


def _polynomial():
    import sympy

    x, y, z = sympy.symbols("x y z")
    return x * y**2 + y * z**3 - x**2 * z, (x, y, z)


def _exact_level_rates():
    from mathkit.calculus import directional_derivative, level_directions

    expr, symbols = _polynomial()
    point = tuple(_rational(p) for p in _POINT)
    basis = level_directions(expr, point, variables=symbols).directions
    return tuple(directional_derivative(expr, point, row, variables=symbols) for row in basis)


def _rational(text: str):
    """``sympy.Rational(text)`` (sympy imported on use)."""
    import sympy

    return sympy.Rational(text)


def _numeric_level_rates():
    from mathkit.calculus import directional_derivative, level_directions

    def f(points):
        x, y, z = np.moveaxis(points, -1, 0)
        return x * y**2 + y * z**3 - x**2 * z

    point = _float_point()
    basis = level_directions(f, point, vectorized=True).directions
    rates = directional_derivative(f, point, basis, vectorized=True)
    return tuple(float(r) for r in rates)


register(Claim(
    name="level-directions-zero-derivative",
    area=AREA,
    statement=(
        "D_u f = 0 along the level directions (orthonormal basis of the complement of grad f) "
        "of f = x y^2 + y z^3 - x^2 z at (1/2, 1/3, -3/4): exact basis (0 exactly) vs float "
        "basis and complex step"
    ),
    symbolic=_exact_level_rates,
    numeric=_numeric_level_rates,
    rtol=0.0,
    atol=1e-14,
))


# --- 7. Richardson extrapolation of a Hessian -------------------------------------------------


def _exact_hessian():
    import sympy

    expr, symbols, point = _example()
    values = dict(zip(symbols, point, strict=True))
    return tuple(sympy.diff(expr, a, b).subs(values) for a in symbols for b in symbols)


def _richardson_hessian():
    from mathkit.calculus import hessian

    values = hessian(_numpy_example, _float_point(), method="richardson", vectorized=True)
    return tuple(float(v) for v in values.ravel())


register(Claim(
    name="hessian-richardson",
    area=AREA,
    statement=(
        "Hessian of the e^x sin y + ... example by Richardson-extrapolated central differences "
        "(no derivative code) vs sympy"
    ),
    symbolic=_exact_hessian,
    numeric=_richardson_hessian,
    rtol=1e-9,
    atol=1e-9,
))


# --- 8. jvp is linear in v ----------------------------------------------------------------------

_V, _W, _A, _B = (1, -2, 2), (3, 0, -1), "5/2", "-3"


def _exact_jvp_of_combination():
    from mathkit.calculus import jvp

    expr, symbols, point = _example()
    a, b = _rational(_A), _rational(_B)
    combined = tuple(a * v + b * w for v, w in zip(_V, _W, strict=True))
    return jvp(expr, point, combined, variables=symbols)


def _combination_of_numeric_jvps():
    from mathkit.calculus import jvp

    point = _float_point()
    along_v, along_w = (float(jvp(_numpy_example, point, np.array(u, float), vectorized=True,
                                  method="complex_step")) for u in (_V, _W))
    return float(_rational(_A)) * along_v + float(_rational(_B)) * along_w


register(Claim(
    name="jvp-linear",
    area=AREA,
    statement=(
        f"J(a v + b w) = a J v + b J w (jvp is linear in the raw v; a = {_A}, b = {_B}, "
        f"v = {_V}, w = {_W}, the e^x sin y + ... example): exact jvp of the combination vs "
        "the combination of complex-step jvps"
    ),
    symbolic=_exact_jvp_of_combination,
    numeric=_combination_of_numeric_jvps,
    rtol=16 * EPS,
))


# --- 9. symbolic = complex step = richardson on a catalogue --------------------------------------


def _catalogue():
    """(expression, variables, exact point, direction): the seed example first."""
    import sympy

    x, y = sympy.symbols("x y")
    example, symbols, point = _example()
    half, third = sympy.Rational(1, 2), sympy.Rational(1, 3)
    return [
        (x**2 + y**2, (x, y), (1, 2), (3, 4)),
        (example, symbols, point, _DIRECTION),
        (sympy.exp(x) * sympy.sin(y) + x * y**3, (x, y), (half, -third), (2, 1)),
        (sympy.log(1 + x**2 + y**2), (x, y), (sympy.Rational(3, 4), sympy.Rational(1, 5)),
         (-1, 3)),
        (sympy.atan(x - 2 * y) * sympy.sqrt(2 + y**2), (x, y), (third, sympy.Rational(1, 4)),
         (1, 1)),
        (1 / (1 + x**2 + y**2) + sympy.cos(x * y), (x, y), (-half, 2), (0, -5)),
    ]


def _catalogue_exact():
    from mathkit.calculus import directional_derivative

    return tuple(directional_derivative(expr, point, v, variables=symbols)
                 for expr, symbols, point, v in _catalogue())


def _catalogue_numeric(method: str):
    from mathkit.calculus import directional_derivative

    def values():
        return tuple(
            float(directional_derivative(expr, np.array([float(c) for c in point]),
                                         np.array(v, float), variables=symbols, method=method))
            for expr, symbols, point, v in _catalogue())

    return values


_CATALOGUE = ("the seed example x^2 + y^2 at (1, 2) along (3, 4), exp/sin/polynomial in 3 and "
              "in 2 variables, log(1 + x^2 + y^2), atan*sqrt, a Lorentzian plus cos")

register(Claim(
    name="complex-step-catalogue",
    area=AREA,
    statement=f"symbolic = complex step for D_v f, to 4 ulps, on a catalogue: {_CATALOGUE}",
    symbolic=_catalogue_exact,
    numeric=_catalogue_numeric("complex_step"),
    rtol=4 * EPS,
))

register(Claim(
    name="richardson-catalogue",
    area=AREA,
    statement=(
        "symbolic = Richardson-extrapolated central differences for D_v f on the same "
        "catalogue, to 1e-13 (its error grows where the terms of grad f . v cancel)"
    ),
    symbolic=_catalogue_exact,
    numeric=_catalogue_numeric("richardson"),
    rtol=1e-13,
))


# --- 10. the Richardson Hessian of f oscillating below its default steps ------------------------

_OSCILLATING_POINT = ("1/2", "1")


def _exact_oscillating_hessian():
    import sympy

    x, y = sympy.symbols("x y")
    expr = sympy.sin(3000 * x * y)
    values = {x: _rational(_OSCILLATING_POINT[0]), y: _rational(_OSCILLATING_POINT[1])}
    return tuple(sympy.diff(expr, a, b).subs(values) for a in (x, y) for b in (x, y))


def _richardson_oscillating_hessian():
    from mathkit.calculus import hessian

    point = [float(_rational(c)) for c in _OSCILLATING_POINT]
    values = hessian(lambda p: np.sin(3000 * p[0] * p[1]), point, method="richardson")
    return tuple(float(v) for v in values.ravel())


register(Claim(
    name="hessian-richardson-oscillating",
    area=AREA,
    statement=(
        "Hessian of sin(3000 x y) at (1/2, 1), whose phase turns by ~1 rad over the finest "
        "default step of Richardson's table (s/4096): the table is extended to finer steps "
        "where it is out of its asymptotic regime, and agrees with sympy to 1e-11"
    ),
    symbolic=_exact_oscillating_hessian,
    numeric=_richardson_oscillating_hessian,
    rtol=1e-11,
))
