"""calculus.compile: engines agree, match mpmath, obey D_v f = grad f . v/|v|, reject bad input.

The numba kernels are compiled once for the module (fixture ``numba_f``), about
three seconds in all.
"""

import dataclasses

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mathkit._backend import BackendUnavailableError
from mathkit.calculus import CompiledFunction, compile
from mathkit.calculus.compiled import NotCompilableError

from .functions import SMOOTH, X, Y

x, y, z = sympy.symbols("x y z")
#: exp, sin and polynomial terms, a log1p and a quotient: smooth on [-1, 1]^3
F = sympy.exp(x * y) * sympy.sin(z) + x**3 * y - 2 * y * z**2 + sympy.log(1 + x**2 + z**2) \
    + x / (2 + sympy.cos(y))
VARIABLES = (x, y, z)
#: Relative tolerance against the exact value (mpmath, 30 digits), on top of an absolute
#: one of the same size times the largest exact entry (which covers entries near zero).
EXACT_RTOL = 1e-13
#: numba vs numpy: at most this many ulps of the largest magnitude in the result.
ENGINE_ULPS = 8


@pytest.fixture(scope="module")
def numba_f():
    f = compile(F, VARIABLES, backend="numba")
    warm = np.zeros((2, 3))
    f.value(warm), f.gradient(warm), f.hessian(warm)
    f.jvp(warm, [1.0, 0.0, 0.0]), f.directional(warm, [1.0, 0.0, 0.0])
    return f


@pytest.fixture(scope="module")
def numpy_f():
    return compile(F, VARIABLES, backend="numpy")


def _points(n, d=3, seed=0, low=-1.0, high=1.0):
    return np.random.default_rng(seed).uniform(low, high, (n, d))


def _exact(expr, symbols, point, dps=30):
    """expr at a float64 point, exactly (the floats as rationals), to ``dps`` digits."""
    subs = {s: sympy.Rational(c) for s, c in zip(symbols, point, strict=True)}
    return mpmath.mpf(str(sympy.N(expr.subs(subs), dps)))


def _assert_exact(computed, exact):
    exact = np.asarray(exact, dtype=float)
    atol = EXACT_RTOL * np.max(np.abs(exact))
    np.testing.assert_allclose(computed, exact, rtol=EXACT_RTOL, atol=atol)


def _assert_engines_agree(a, b):
    scale = np.max(np.abs(b))
    assert np.all(np.abs(a - b) <= ENGINE_ULPS * np.spacing(scale)), np.max(np.abs(a - b))


# --- engines and exactness --------------------------------------------------------------


@pytest.mark.parametrize("method", ["value", "gradient", "hessian"])
def test_numba_matches_numpy(numba_f, numpy_f, method):
    points = _points(500)
    _assert_engines_agree(getattr(numba_f, method)(points), getattr(numpy_f, method)(points))


@pytest.mark.parametrize("method", ["jvp", "directional"])
@pytest.mark.parametrize("shared", [False, True])
def test_numba_matches_numpy_along_directions(numba_f, numpy_f, method, shared):
    points = _points(500)
    directions = np.array([3.0, -4.0, 0.5]) if shared else _points(500, seed=1, low=-5, high=5)
    a = getattr(numba_f, method)(points, directions)
    b = getattr(numpy_f, method)(points, directions)
    _assert_engines_agree(a, b)


def test_numba_on_several_threads_matches_numpy(numba_f, numpy_f):
    import numba

    from mathkit.calculus.compiled import ROWS_PER_THREAD

    threads = numba.get_num_threads()
    points = _points(2 * ROWS_PER_THREAD + 7, seed=5)
    directions = _points(len(points), seed=6)
    _assert_engines_agree(numba_f.directional(points, directions),
                          numpy_f.directional(points, directions))
    _assert_engines_agree(numba_f.value(points[:100]), numpy_f.value(points[:100]))
    assert numba.get_num_threads() == threads  # a small batch ran on fewer, then restored


@pytest.mark.parametrize("engine", ["numba", "numpy"])
def test_matches_mpmath(numba_f, numpy_f, engine):
    f = numba_f if engine == "numba" else numpy_f
    points = _points(20, seed=2)
    directions = _points(20, seed=3, low=-3, high=3)
    grad = [F.diff(s) for s in VARIABLES]
    exact_value = [_exact(F, VARIABLES, p) for p in points]
    exact_grad = [[_exact(g, VARIABLES, p) for g in grad] for p in points]
    exact_hess = [[[_exact(F.diff(a, b), VARIABLES, p) for b in VARIABLES] for a in VARIABLES]
                  for p in points]
    exact_jvp = [mpmath.fsum(g * mpmath.mpf(float(c)) for g, c in zip(row, v, strict=True))
                 for row, v in zip(exact_grad, directions, strict=True)]
    norms = [mpmath.norm([mpmath.mpf(float(c)) for c in v]) for v in directions]
    exact_dir = [j / n for j, n in zip(exact_jvp, norms, strict=True)]
    _assert_exact(f.value(points), exact_value)
    _assert_exact(f.gradient(points), exact_grad)
    _assert_exact(f.hessian(points), exact_hess)
    _assert_exact(f.jvp(points, directions), exact_jvp)
    _assert_exact(f.directional(points, directions), exact_dir)


@pytest.mark.parametrize(("name", "expr", "function"), SMOOTH, ids=[s[0] for s in SMOOTH])
def test_smooth_functions_match_mpmath(name, expr, function):
    f = compile(expr, (X, Y), backend="numpy")
    points = _points(10, d=2, seed=4)
    np.testing.assert_allclose(f.value(points), function(points), rtol=4e-16 * 8, atol=1e-15)
    _assert_exact(f.value(points), [_exact(expr, (X, Y), p) for p in points])
    _assert_exact(f.gradient(points), [[_exact(expr.diff(s), (X, Y), p) for s in (X, Y)]
                                       for p in points])


def test_agrees_with_directional_derivative():
    from mathkit.calculus import directional_derivative

    f = compile(F, VARIABLES, backend="numpy")
    point, direction = np.array([0.3, -0.7, 0.2]), np.array([1.0, 2.0, -2.0])
    expected = directional_derivative(F, point, direction, variables=VARIABLES)
    assert f.directional(point, direction) == pytest.approx(float(expected), rel=1e-14)


# --- properties -------------------------------------------------------------------------

_coordinates = st.floats(-2, 2, allow_nan=False, allow_infinity=False)
_components = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (4, 3), elements=_coordinates),
       arrays(np.float64, (4, 3), elements=_components), st.sampled_from(["numba", "numpy"]))
def test_directional_is_gradient_dot_unit_vector(numba_f, numpy_f, points, directions, engine):
    f = numba_f if engine == "numba" else numpy_f
    directions[~np.any(directions != 0, axis=1)] = 1.0  # zero rows are errors, tested below
    scaled = directions / np.abs(directions).max(axis=1, keepdims=True)  # tiny v: no underflow
    units = scaled / np.linalg.norm(scaled, axis=1, keepdims=True)
    gradient = f.gradient(points)
    expected = np.einsum("ij,ij->i", gradient, units)
    bound = 8 * np.finfo(float).eps * np.einsum("ij,ij->i", np.abs(gradient), np.abs(units))
    assert np.all(np.abs(f.directional(points, directions) - expected) <= bound + 1e-300)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (4, 3), elements=_coordinates),
       arrays(np.float64, (4, 3), elements=_components),
       arrays(np.float64, (4, 3), elements=_components),
       _components, _components, st.sampled_from(["numba", "numpy"]))
def test_jvp_is_linear(numba_f, numpy_f, points, v, w, a, b, engine):
    f = numba_f if engine == "numba" else numpy_f
    combined = f.jvp(points, a * v + b * w)
    separate = a * f.jvp(points, v) + b * f.jvp(points, w)
    size = np.abs(f.gradient(points)) @ np.ones(3) * (abs(a) * np.abs(v).max() +
                                                      abs(b) * np.abs(w).max())
    assert np.all(np.abs(combined - separate) <= 1e-13 * size + 1e-300)


# --- shapes, engines, caching -----------------------------------------------------------


def test_single_point_shapes(numpy_f):
    point = np.array([0.1, 0.2, 0.3])
    assert np.ndim(numpy_f.value(point)) == 0
    assert numpy_f.gradient(point).shape == (3,)
    assert numpy_f.hessian(point).shape == (3, 3)
    assert np.ndim(numpy_f.directional(point, [1, 0, 0])) == 0
    assert numpy_f.jvp(point, [1, 0, 0]) == pytest.approx(numpy_f.gradient(point)[0])
    batch = numpy_f.hessian(_points(5))
    assert batch.shape == (5, 3, 3) and np.array_equal(batch, batch.transpose(0, 2, 1))


def test_numba_kernels_are_cached(numba_f):
    before = dict(numba_f._kernels)
    numba_f.gradient(_points(3))
    assert numba_f._kernels[("numba", "gradient")] is before[("numba", "gradient")]


def test_auto_picks_engine_by_size():
    f = compile(x**2 + y, "x, y")
    assert f.backend == "auto" and f.variables == (x, y)
    assert f.engine(np.zeros((10, 2))) == "numpy"
    assert f.engine(np.zeros((10**4, 2))) == "numba"
    np.testing.assert_array_equal(f.value([[1.0, 2.0], [3.0, 4.0]]), [3.0, 13.0])


def test_string_expression_and_default_variables():
    f = compile("x^2 * y + sin(y)", backend="numpy")
    assert [s.name for s in f.variables] == ["x", "y"]
    assert f.gradient([1.0, 0.0]).tolist() == [0.0, 2.0]


def test_frozen():
    f = compile(x * y, backend="numpy")
    assert isinstance(f, CompiledFunction)
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.backend = "numba"


def test_piecewise_functions_compile_for_numba():
    f = compile(sympy.Abs(x) + sympy.Max(x, y) * y, (x, y), backend="numba")
    points = np.array([[-1.0, 2.0], [3.0, -1.0], [0.5, 0.25]])
    reference = compile(sympy.Abs(x) + sympy.Max(x, y) * y, (x, y), backend="numpy")
    np.testing.assert_array_equal(f.gradient(points), reference.gradient(points))
    with pytest.raises(NotCompilableError, match="DiracDelta"):  # in the Hessian of Max
        f.hessian(points)


# --- errors -----------------------------------------------------------------------------


def test_zero_direction_raises(numba_f, numpy_f):
    points = _points(3)
    directions = np.array([[1.0, 0, 0], [0, 0, 0], [0, 1.0, 0]])
    for f in (numba_f, numpy_f):
        with pytest.raises(ValueError, match=r"V must be non-zero vectors.*at row 1"):
            f.directional(points, directions)
        with pytest.raises(ValueError, match="V must be a non-zero vector"):
            f.directional(points, [0.0, 0.0, 0.0])
        assert f.jvp(points, [0.0, 0.0, 0.0]).tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(("X", "V", "error", "match"), [
    (np.zeros((4, 2)), None, ValueError, r"X must have shape \(N, 3\) or \(3,\)"),
    (np.zeros((2, 2, 3)), None, ValueError, "X must have shape"),
    ([[0.0, np.nan, 1.0]], None, ValueError, "X must be finite"),
    ([[0.0, np.inf, 1.0]], None, ValueError, "X must be finite"),
    ([["a", "b", "c"]], None, TypeError, "X must be an array of float64"),
    (np.zeros((4, 3)), np.ones((3, 3)), ValueError, r"V must have shape \(4, 3\) or \(3,\)"),
    (np.zeros(3), np.ones((1, 3)), ValueError, r"V must have shape \(3,\)"),
    (np.zeros((4, 3)), [1.0, np.nan, 0.0], ValueError, "V must be finite"),
])
def test_bad_input(numpy_f, X, V, error, match):
    with pytest.raises(error, match=match):
        if V is None:
            numpy_f.gradient(X)
        else:
            numpy_f.directional(X, V)


def test_non_finite_result_raises(numba_f):
    f = compile(sympy.log(x) + y, (x, y), backend="numpy")
    with pytest.raises(ValueError, match=r"f\(x\) must be finite.*X\[1\] = \[0.0, 1.0\]"):
        f.value([[1.0, 1.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="the gradient must be finite"):
        f.gradient([[0.0, 1.0]])


def test_free_symbols_not_in_variables():
    with pytest.raises(ValueError, match=r"free symbols not among variables \(x, y\): z"):
        compile(x * y * z, (x, y))


@pytest.mark.parametrize(("expr", "error"), [
    (sympy.Matrix([x, y]), TypeError), ([x, y], TypeError), (3.0, TypeError),
    (sympy.Integer(3), ValueError),  # no free symbols and no variables
])
def test_not_a_scalar_expression(expr, error):
    with pytest.raises(error, match="expr"):
        compile(expr)


def test_backend_errors():
    with pytest.raises(ValueError, match="backend must be one of"):
        compile(x, backend="fast")
    with pytest.raises(BackendUnavailableError, match="cupy"):
        compile(x, backend="cupy")


def test_numba_cannot_compile_bessel_but_auto_falls_back():
    with pytest.raises(NotCompilableError, match="besselj"):
        compile(sympy.besselj(0, x), backend="numba")
    f = compile(sympy.besselj(0, x))
    assert f.engine(np.zeros((10**4, 1))) == "numpy"
    assert f.value([0.0]) == 1.0
