"""Bad input and non-finite results across the public API of mathkit.quadratic.

Two parts. First the audit's findings: each case failed before its fix (a bare
ZeroDivisionError / OverflowError / FloatingPointError, a message naming an
argument the caller never passed, a silent inf or NaN, or "converged" with a
wrong x). Then one case per class of bad input (non-finite entries, shapes,
dtypes, step counts, tolerances, names), each checked for its exception type
and message, and the honest statuses of singular and indefinite forms.

Expected minimizers are closed forms: for ``A = [[2, 1], [1, 2]]`` (eigenvalues
1 and 3), ``A^{-1} = [[2, -1], [-1, 2]] / 3``, so ``b = (1, -1)`` gives
``x^* = -A^{-1} b / 2 = (-1/2, 1/2)`` and ``f^* = -1/2``.
"""

import math

import numpy as np
import pytest
import scipy.sparse as sp
import sympy
from scipy.sparse.linalg import LinearOperator

from mathkit.quadratic import (
    QuadraticForm,
    classify,
    convergence_bound,
    hilbert,
    minimize,
    minimize_batch,
    poisson_2d,
    random_indefinite,
    random_psd,
    random_spd,
)

SPD = np.array([[2.0, 1.0], [1.0, 2.0]])
B = np.array([1.0, -1.0])
X_STAR = np.array([-0.5, 0.5])  # -A^{-1} B / 2 for A = SPD, worked out by hand above
INDEFINITE = np.diag([1.0, -1.0])
SINGULAR = np.diag([1.0, 0.0])
NAN, INF = math.nan, math.inf
ITERATIVE = ("gradient_descent", "conjugate_gradient", "preconditioned_cg", "heavy_ball",
             "nesterov", "chebyshev")
ALL_METHODS = ("auto", "cholesky", "lstsq", "newton", *ITERATIVE)


# --- findings: each failed before its fix ------------------------------------------------


@pytest.mark.parametrize("scale", [1e300, 1e-300])
def test_preconditioned_cg_on_a_badly_scaled_A(scale):
    # before: ZeroDivisionError (z^T z underflowed) for 1e300; "maxiter" after 0 steps for 1e-300
    result = QuadraticForm(SPD * scale, B).minimize(method="preconditioned_cg")
    assert result.status == "optimal" and result.converged
    np.testing.assert_allclose(result.x, X_STAR / scale, rtol=1e-12)


def test_preconditioned_cg_when_rounding_cancels_the_direction():
    # before: ZeroDivisionError (Polak-Ribiere beta made p exactly 0)
    result = QuadraticForm(SPD, B).minimize(method="preconditioned_cg", x0=[1e150, 1e150])
    assert result.status == "maxiter" and not result.converged
    assert "true gradient norm" in result.message


@pytest.mark.parametrize("method", ITERATIVE)
@pytest.mark.parametrize("x0", [[1e150, -1e150], [1e150, 1e150]])
def test_far_start_is_not_reported_as_converged(method, x0):
    # the first step leaves an error of about eps |x0| ~ 1e134, which no tol allows; before:
    # status "optimal" at such an x (its residual underflowed in scaled units, or drifted)
    result = QuadraticForm(SPD, B).minimize(method=method, x0=x0)
    assert result.status == "maxiter" and not result.converged, result.message
    assert "true gradient norm" in result.message
    assert result.gradient_norm > 1e-10 * np.linalg.norm(B)


@pytest.mark.parametrize("method", ["gradient_descent", "conjugate_gradient",
                                    "preconditioned_cg"])
@pytest.mark.parametrize("x0", [[1e20, 3e20], [3e40, -1e40]])
def test_a_converged_result_is_a_minimizer(method, x0):
    # before: "optimal" at x ~ (16190, -3238) and the like: the recursive residual had drifted
    result = QuadraticForm(SPD, B).minimize(method=method, x0=x0)
    if result.converged:
        np.testing.assert_allclose(result.x, X_STAR, atol=1e-8)
    else:
        assert result.status == "maxiter"


@pytest.mark.parametrize(("A", "b", "x0", "expected"), [
    (SPD, B, [1e150, -3e150], X_STAR),
    # semidefinite: the minimizer nearest x0 keeps x0's nullspace component (x2 = 5)
    (SINGULAR, [1.0, 0.0], [1e150, 5.0], [-0.5, 5.0]),
])
def test_newton_from_a_far_start(A, b, x0, expected):
    # before: x0 - A^+ A x0 cancelled, leaving an error of eps * 1e150 ~ 1e134
    result = QuadraticForm(A, b).minimize(method="newton", x0=x0)
    assert result.converged
    np.testing.assert_allclose(result.x, expected, rtol=1e-14)


@pytest.mark.parametrize("method", ALL_METHODS)
def test_a_minimizer_beyond_float64_raises(method):
    # x* = -A^{-1} b / 2 ~ 1e600; before: "x must be finite" (x was never an argument)
    # or a RuntimeWarning from deep inside
    form = QuadraticForm(SPD * 1e-300, [1e300, 1e300])
    with pytest.raises(ValueError, match="overflows float64"):
        form.minimize(method=method)


@pytest.mark.parametrize("method", ["auto", "lstsq", "newton"])
@pytest.mark.parametrize("A", [INDEFINITE, SINGULAR])
def test_a_value_beyond_float64_raises(method, A):
    # f(x) = inf - inf at the stationary point; before: FloatingPointError
    with pytest.raises(ValueError, match=r"f\(x\) overflows float64"):
        QuadraticForm(A, [1e300, 1e300]).minimize(method=method)


@pytest.mark.parametrize(("A", "point"), [(INDEFINITE, [1e300, 1e300]),
                                          (SPD, [1e300, 1e300])])
def test_evaluating_f_where_it_overflows_raises(A, point):
    # before: FloatingPointError (inf - inf), or a silent inf with a RuntimeWarning
    with pytest.raises(ValueError, match=r"f\(x\) overflows float64 .*rescale x"):
        QuadraticForm(A)(point)


@pytest.mark.parametrize("method", ["newton", "conjugate_gradient", "heavy_ball"])
@pytest.mark.parametrize("A", [INDEFINITE, SPD])
def test_an_overflowing_x0_is_named(method, A):
    # f(x0) = inf - inf (indefinite) or inf; before: FloatingPointError naming "x",
    # or a RuntimeWarning
    with pytest.raises(ValueError, match=r"f\(x0\) overflows float64 .*rescale x0"):
        QuadraticForm(A, [1.0, 1.0]).minimize(method=method, x0=[1e300, 1e300])


def test_an_unbounded_certificate_has_non_positive_curvature():
    # found by Hypothesis: gradient descent took -g as a direction of "zero" curvature, but
    # d^T A d = 1.8e-16 > 0 and the slope is -1e-38, so f turns up again along it
    A = np.array([[2.99926899e-16, -1.0], [-1.0, 1.79380389e-16]])
    result = QuadraticForm(A, [0.0, 1.1754943508222875e-38]).minimize(method="gradient_descent")
    assert result.status == "unbounded"
    d = result.direction
    assert d @ A @ d < 0


@pytest.mark.parametrize("method", ITERATIVE)
def test_a_hessian_beyond_float64_is_refused_by_the_iterative_methods(method):
    # 2A = 3e308 overflows; before: "unbounded" (gradient descent, preconditioned CG) for
    # this positive definite A, "maxiter", or "the computed bounds do not enclose the spectrum"
    with pytest.raises(ValueError, match=f"A is too large for method='{method}': the Hessian"):
        QuadraticForm([[1.5e308]], [1.0]).minimize(method=method)


def test_the_direct_methods_still_solve_it():
    # x* = -b / (2 A) = -1 / 3e308, subnormal but representable
    result = QuadraticForm([[1.5e308]], [1.0]).minimize(method="cholesky")
    assert result.status == "optimal"
    assert result.x[0] == pytest.approx(-1.0 / 3e308, rel=1e-12)


@pytest.mark.parametrize("call", ["classify", "lstsq", "newton"])
def test_eigenvalues_beyond_float64_raise(call):
    # A = 1e308 [[1, 1], [1, 1]] has the eigenvalue 2e308; before: "unbounded" for this
    # positive semidefinite A (eigh gave inf), with warnings
    form = QuadraticForm([[1e308, 1e308], [1e308, 1e308]], [1.0, 1.0])
    with pytest.raises(ValueError, match="A is too large: its eigenvalues overflow float64"):
        form.classify() if call == "classify" else form.minimize(method=call)


def test_a_gradient_beyond_float64_raises():
    # before: [inf] with a RuntimeWarning
    with pytest.raises(ValueError, match=r"the gradient 2 A x \+ b overflows float64"):
        QuadraticForm([[1.5e308]]).gradient([1.0])
    with pytest.raises(ValueError, match=r"the gradient 2 A x0 \+ b overflows float64"):
        QuadraticForm([[1.5e308]], [1.0]).minimize(method="conjugate_gradient", x0=[1.0])


@pytest.mark.parametrize("backend", ["numpy", "numba"])
@pytest.mark.parametrize(("A1", "b1", "c"), [
    (SPD * 1e-300, [1e300, 1e300], None),  # x = -inf
    (SINGULAR * 1e-300, [1e300, 0.0], None),  # x = (-inf, nan), value nan
    (SPD, [1e300, 1e300], [0.0, 1e308]),  # value -inf for an "optimal" problem
])
def test_batch_results_beyond_float64_raise(backend, A1, b1, c):
    # before: status "optimal" / "optimal_set" with inf or NaN in x and value
    A = np.array([SPD, A1])
    b = np.array([B, b1])
    with pytest.raises(ValueError, match=r"problem 1 overflows float64"):
        minimize_batch(A, b, c, backend=backend)


@pytest.mark.parametrize(("method", "k", "kappa", "expected"), [
    ("gradient_descent", 10**30, 2.0, 0.0),  # before: OverflowError
    ("heavy_ball", 10**30, INF, 1.0 + 2.0e30),  # 1 + (1 + rho) k with rho = 1
    ("gradient_descent", np.uint64(2**64 - 1), 2.0, 0.0),  # before: "k must be >= 0, got -1"
])
def test_convergence_bound_of_huge_iteration_counts(method, k, kappa, expected):
    assert convergence_bound(method, k, kappa) == expected


def test_convergence_bound_of_ragged_k():
    # before: numpy's "setting an array element with a sequence", not naming k
    with pytest.raises(TypeError, match="k must be a non-negative integer"):
        convergence_bound("gradient_descent", [[1, 2], [3]], 2.0)


def test_operator_giving_the_wrong_shape_is_named():
    # before: scipy's "cannot reshape array of size 1 into shape (2,)"
    operator = LinearOperator((2, 2), matvec=lambda v: v[:1], dtype=np.float64)
    with pytest.raises(ValueError, match=r"A @ v must give a finite vector of shape \(2,\)"):
        QuadraticForm(operator)


x, y = sympy.symbols("x y")


@pytest.mark.parametrize(("expr", "error", "match"), [
    (x**2 + sympy.oo * x, ValueError, "expr must be finite, got oo as the coefficient of x"),
    (x**2 + sympy.zoo, ValueError, "expr must be finite, got zoo as the coefficient of 1"),
    (x**2 + math.inf, ValueError, "expr must be finite, got oo as the coefficient of 1"),
    (x**2 + sympy.I * x * y, TypeError, "expr must have real entries, got I as the coefficient"),
])
def test_from_polynomial_names_expr_for_bad_coefficients(expr, error, match):
    # before: "b must be finite" / "c must be finite": b and c were never arguments
    with pytest.raises(error, match=match):
        QuadraticForm.from_polynomial(expr)


def test_complex_preconditioner_is_refused():
    # before: a ComplexWarning, then "must be positive definite, got r^T M r = 0"
    with pytest.raises(TypeError, match="preconditioner must give real numbers, got dtype complex"):
        QuadraticForm(SPD, B).minimize(method="preconditioned_cg",
                                       preconditioner=np.eye(2) * 1j)


def test_momentum_on_a_large_unchecked_saddle_says_it_tested_no_curvature():
    # indefinite, n > 2000 (not checked), b blind to the negative eigenvector: heavy ball
    # with trusted bounds stops at a saddle; before, the message claimed positive curvature
    n = 2100
    diagonal = np.linspace(1.0, 3.0, n)
    diagonal[0] = -1.0
    b = np.ones(n)
    b[0] = 0.0
    result = QuadraticForm(sp.diags_array(diagonal).tocsr(), b).minimize(
        method="heavy_ball", bounds=(1.0, 3.0))
    assert "tests no curvature" in result.message
    assert "positive curvature along every search direction" not in result.message


@pytest.mark.parametrize("scale", [1e-300, 1e300])
def test_constraints_far_from_the_scale_of_A(scale):
    # x1 + x2 = 1 scaled by 1e-300 or 1e300: on x2 = 1 - x1, f = 2 x1^2 + 1, so x = (0, 1);
    # before: the KKT solve gave NaN ("x must be finite") or an ill-conditioning warning
    result = QuadraticForm(SPD, B).minimize(constraints=([[scale, scale]], [scale]))
    assert result.status == "optimal"
    np.testing.assert_allclose(result.x, [0.0, 1.0], atol=1e-15)
    assert result.value == pytest.approx(1.0, rel=1e-15)


def test_constraint_rows_of_wildly_different_scale_all_count():
    # x1 = 1 (in units of 1e300) and x2 = 1 (in units of 1e-300): one point, (1, 1); before,
    # the rank decision dropped the small row as rounding and returned (1, 0) as "optimal"
    result = QuadraticForm(np.eye(2), np.zeros(2)).minimize(
        constraints=([[1e300, 0.0], [0.0, 1e-300]], [1e300, 1e-300]))
    assert result.status == "optimal"
    np.testing.assert_array_equal(result.x, [1.0, 1.0])


def test_constraints_whose_solutions_lie_beyond_float64_are_refused():
    with pytest.raises(ValueError, match="constraints C x = d need x beyond float64: row 0"):
        QuadraticForm(np.eye(2), np.zeros(2)).minimize(constraints=([[1e-300, 0.0]], [1e10]))


def test_a_constrained_minimizer_beyond_float64_raises():
    # x1 + x2 = 1e300 puts the minimizer near (5e299, 5e299), where f overflows;
    # before: value inf with a RuntimeWarning
    with pytest.raises(ValueError, match="the constrained minimizer is too large for float64"):
        QuadraticForm(SPD, B).minimize(constraints=([[1.0, 1.0]], [1e300]))


GENERATORS = {
    "random_spd": lambda rng: random_spd(2, 2.0, rng=rng),
    "random_psd": lambda rng: random_psd(3, 1, rng=rng),
    "random_indefinite": lambda rng: random_indefinite(3, rng=rng),
}


@pytest.mark.parametrize("name", GENERATORS)
@pytest.mark.parametrize(("rng", "error", "match"), [
    ("x", TypeError, "rng must be None, an int, a SeedSequence or a Generator, got str 'x'"),
    (1.5, TypeError, "rng must be None, an int, .* got float 1.5"),
    (True, TypeError, "rng must be None, an int, .* got bool True"),  # before: seed 1
    (-1, ValueError, "rng must be a non-negative integer seed, got -1"),
])
def test_test_matrices_name_a_bad_rng(name, rng, error, match):
    # before: numpy's "SeedSequence expects int or sequence of ints for entropy not x"
    with pytest.raises(error, match=match):
        GENERATORS[name](rng)


# --- classes of bad input ----------------------------------------------------------------


@pytest.mark.parametrize(("make", "error", "match"), [
    (lambda: random_spd(2, NAN), ValueError, "condition_number must be a finite number >= 1"),
    (lambda: random_spd(2, 0.5), ValueError, "condition_number must be a finite number >= 1"),
    (lambda: random_spd(1, 2.0), ValueError, "condition_number must be 1 when n = 1"),
    (lambda: random_spd(0, 2.0), ValueError, "n must be a positive integer, got 0"),
    (lambda: random_spd(2.5, 2.0), TypeError, "n must be a positive integer, got float"),
    (lambda: random_psd(3, 5), ValueError, r"rank must be in \[0, n\] = \[0, 3\], got 5"),
    (lambda: random_psd(3, -1), ValueError, "rank must be a non-negative integer, got -1"),
    (lambda: random_psd(3, True), TypeError, "rank must be a non-negative integer, got bool"),
    (lambda: random_indefinite(1), ValueError, "n must be >= 2 for an indefinite matrix"),
    (lambda: hilbert(0), ValueError, "n must be a positive integer, got 0"),
    (lambda: hilbert(True), TypeError, "n must be a positive integer, got bool"),
    (lambda: poisson_2d(-2), ValueError, "m must be a positive integer, got -2"),
    (lambda: poisson_2d(1.5), TypeError, "m must be a positive integer, got float"),
])
def test_test_matrix_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize(("A", "b", "c", "error", "match"), [
    ([[NAN, 0.0], [0.0, 1.0]], None, 0, ValueError, r"A must be finite, got nan at index \(0, 0\)"),
    ([[INF, 0.0], [0.0, 1.0]], None, 0, ValueError, r"A must be finite, got inf"),
    (SPD, [NAN, 0.0], 0, ValueError, r"b must be finite, got nan at index \(0,\)"),
    (SPD, [0.0, -INF], 0, ValueError, r"b must be finite, got -inf"),
    (SPD, None, NAN, ValueError, "c must be finite, got nan"),
    (SPD, None, INF, ValueError, "c must be finite, got inf"),
    ([[1.0, 2.0, 3.0]], None, 0, ValueError, r"A must be a square matrix, got shape \(1, 3\)"),
    (np.ones((2, 2, 2)), None, 0, ValueError, r"A must be a square matrix, got shape \(2, 2, 2\)"),
    (np.zeros((0, 0)), None, 0, ValueError, r"A must be at least 1 x 1, got shape \(0, 0\)"),
    ([1.0, 2.0], None, 0, ValueError, r"A must be a square matrix, got shape \(2,\)"),
    (SPD, [1.0], 0, ValueError, r"b must have shape \(2,\), got \(1,\)"),
    (SPD, [[1.0, 0.0]], 0, ValueError, r"b must have shape \(2,\), got \(1, 2\)"),
    (SPD * 1j, None, 0, TypeError, "A must be an array of float64 numbers, got dtype complex"),
    ([["a", "b"], ["c", "d"]], None, 0, TypeError, "A must be an array of float64 numbers"),
    (np.array([[object(), 1], [1, 1]], dtype=object), None, 0, TypeError, "A must be an array"),
    ([[1.0, 2.0], [3.0]], None, 0, TypeError, "A must be an array of numbers"),
    (SPD, [1j, 0.0], 0, TypeError, "b must be an array of float64 numbers, got dtype complex"),
    (SPD, None, "1", TypeError, "c must be a real number, got str"),
    (SPD, None, True, TypeError, "c must be a real number, got bool"),
    (SPD, None, [1.0], TypeError, "c must be a real number, got list"),
    (sympy.Matrix([[sympy.nan, 0], [0, 1]]), None, 0, ValueError, "A must be finite, got nan"),
    (sympy.Matrix([[sympy.I, 0], [0, 1]]), None, 0, TypeError, "A must have real entries"),
    (sympy.Matrix([[1, 2]]), None, 0, ValueError, r"A must be a square matrix, got shape \(1, 2\)"),
    (sp.csr_array(np.array([[NAN, 0.0], [0.0, 1.0]])), None, 0, ValueError, "A must be finite"),
    (sp.csr_array(SPD * 1j), None, 0, TypeError, "A must be a sparse matrix of real numbers"),
])
def test_form_construction(A, b, c, error, match):
    with pytest.raises(error, match=match):
        QuadraticForm(A, b, c)


@pytest.mark.parametrize("evaluate", ["__call__", "gradient"])
@pytest.mark.parametrize(("point", "error", "match"), [
    ([NAN, 0.0], ValueError, r"x must be finite, got nan"),
    ([INF, 0.0], ValueError, r"x must be finite, got inf"),
    ([1.0], ValueError, r"x must have shape \(\.\.\., 2\), got \(1,\)"),
    (1.0, ValueError, r"x must have shape \(\.\.\., 2\), got \(\)"),
    ([1j, 0.0], TypeError, "x must be an array of float64 numbers, got dtype complex"),
    (["a", "b"], TypeError, "x must be an array of float64 numbers"),
])
def test_evaluation_points(evaluate, point, error, match):
    form = QuadraticForm(SPD, B)
    with pytest.raises(error, match=match):
        getattr(form, evaluate)(point)


@pytest.mark.parametrize("method", ALL_METHODS)
@pytest.mark.parametrize(("options", "error", "match"), [
    ({"x0": [NAN, 0.0]}, ValueError, r"x0 must be finite, got nan at index \(0,\)"),
    ({"x0": [INF, 0.0]}, ValueError, "x0 must be finite, got inf"),
    ({"x0": [1.0]}, ValueError, r"x0 must have shape \(2,\), got \(1,\)"),
    ({"x0": ["a", "b"]}, TypeError, "x0 must be an array of float64 numbers"),
    ({"x0": [1j, 0.0]}, TypeError, "x0 must be an array of float64 numbers, got dtype complex"),
    ({"maxiter": 0}, ValueError, "maxiter must be a positive integer, got 0"),
    ({"maxiter": -1}, ValueError, "maxiter must be a positive integer, got -1"),
    ({"maxiter": 1.5}, TypeError, "maxiter must be a positive integer, got float 1.5"),
    ({"maxiter": True}, TypeError, "maxiter must be a positive integer, got bool True"),
    ({"tol": NAN}, ValueError, "tol must be a finite number >= 0, got nan"),
    ({"tol": -1.0}, ValueError, "tol must be a finite number >= 0, got -1.0"),
    ({"tol": INF}, ValueError, "tol must be a finite number >= 0, got inf"),
    ({"tol": "1"}, TypeError, "tol must be a real number >= 0, got str"),
    ({"tol": True}, TypeError, "tol must be a real number >= 0, got bool"),
])
def test_minimize_options(method, options, error, match):
    with pytest.raises(error, match=match):
        QuadraticForm(SPD, B).minimize(method=method, **options)


@pytest.mark.parametrize(("options", "error", "match"), [
    ({"method": "bogus"}, ValueError, "method must be one of 'auto', .*, got 'bogus'"),
    ({"method": None}, TypeError, "method must be a string"),
    ({"method": "gradient_descent", "step": "long"}, ValueError, "step must be one of"),
    ({"method": "cholesky", "step": "optimal"}, ValueError, "step applies only to"),
    ({"method": "heavy_ball", "bounds": (NAN, 1.0)}, ValueError,
     r"bounds must satisfy 0 < lambda_min <= lambda_max < inf, got \(nan, 1.0\)"),
    ({"method": "nesterov", "bounds": (3.0, 1.0)}, ValueError, "bounds must satisfy"),
    ({"method": "chebyshev", "bounds": (0.0, 1.0)}, ValueError, "bounds must satisfy"),
    ({"method": "chebyshev", "bounds": (1.0, INF)}, ValueError, "bounds must satisfy"),
    ({"method": "heavy_ball", "bounds": "ab"}, TypeError, "bounds must be a pair"),
    ({"method": "heavy_ball", "bounds": (1, 2, 3)}, TypeError, "bounds must be a pair"),
    ({"method": "heavy_ball", "bounds": (True, True)}, TypeError, "bounds must hold two real"),
    ({"method": "heavy_ball", "bounds": (1j, 1)}, TypeError, "bounds must hold two real"),
    ({"method": "cholesky", "bounds": (1.0, 3.0)}, ValueError, "bounds apply only to"),
    ({"method": "preconditioned_cg", "preconditioner": "bogus"}, ValueError,
     "preconditioner must be one of"),
    ({"method": "preconditioned_cg", "preconditioner": 3}, TypeError,
     "preconditioner must be one of"),
    ({"method": "preconditioned_cg", "preconditioner": np.eye(3)}, ValueError,
     r"preconditioner must have shape \(2, 2\), got \(3, 3\)"),
    ({"method": "preconditioned_cg", "preconditioner": np.full((2, 2), NAN)}, ValueError,
     "the preconditioner must map a vector of shape .* to a finite one"),
    ({"method": "preconditioned_cg", "preconditioner": -np.eye(2)}, ValueError,
     "the preconditioner must be positive definite"),
    ({"method": "lstsq", "preconditioner": "jacobi"}, ValueError,
     "preconditioner applies only to"),
    ({"constraints": ([[NAN, 0.0]], [0.0])}, ValueError,
     r"constraints C must be finite, got nan at index \(0, 0\)"),
    ({"constraints": ([[1.0, 0.0]], [INF])}, ValueError, "constraints d must be finite"),
    ({"constraints": ([[1.0]], [0.0])}, ValueError,
     r"constraints C must have shape \(m, 2\) with m >= 1, got \(1, 1\)"),
    ({"constraints": (np.zeros((0, 2)), np.zeros(0))}, ValueError,
     r"constraints C must have shape \(m, 2\) with m >= 1, got \(0, 2\)"),
    ({"constraints": ([[1.0, 0.0]], [0.0, 1.0])}, ValueError,
     r"constraints d must have shape \(1,\), got \(2,\)"),
    ({"constraints": 3}, TypeError, "constraints must be a pair"),
    ({"constraints": ([["a", "b"]], [0.0])}, TypeError, "constraints C must be an array"),
    ({"constraints": ([[1j, 0.0]], [0.0])}, TypeError, "constraints C must be an array"),
])
def test_minimize_arguments(options, error, match):
    with pytest.raises(error, match=match):
        QuadraticForm(SPD, B).minimize(**options)


def test_minimize_needs_a_form():
    with pytest.raises(TypeError, match="form must be a QuadraticForm, got ndarray"):
        minimize(SPD)
    with pytest.raises(TypeError, match="form must be a QuadraticForm, got NoneType"):
        classify(None)


@pytest.mark.parametrize(("tol", "error", "match"), [
    (NAN, ValueError, "tol must be a finite number >= 0, got nan"),
    (-1, ValueError, "tol must be a finite number >= 0, got -1"),
    ("a", TypeError, "tol must be None or a real number >= 0, got str"),
    (True, TypeError, "tol must be None or a real number >= 0, got bool"),
])
def test_classify_tolerance(tol, error, match):
    with pytest.raises(error, match=match):
        QuadraticForm(SPD).classify(tol=tol)


@pytest.mark.parametrize("method", ["gradient_descent", "preconditioned_cg", "heavy_ball",
                                    "nesterov", "chebyshev"])
def test_float_only_methods_refuse_exact_forms(method):
    form = QuadraticForm(sympy.Matrix([[2, 1], [1, 2]]), [1, -1])
    with pytest.raises(ValueError, match=f"method='{method}' needs floating point"):
        form.minimize(method=method)


def test_symbolic_forms_cannot_be_minimized():
    form = QuadraticForm(sympy.Matrix([[sympy.Symbol("a"), 0], [0, 1]]))
    with pytest.raises(ValueError, match=r"the form has symbolic entries \(a\)"):
        form.minimize()


@pytest.mark.parametrize("backend", ["numpy", "numba"])
@pytest.mark.parametrize(("A", "b", "c", "error", "match"), [
    ([[[NAN, 0.0], [0.0, 1.0]]], [[1.0, 1.0]], None, ValueError,
     r"A must be finite, got nan at index \(0, 0, 0\)"),
    ([SPD], [[INF, 0.0]], None, ValueError, r"b must be finite, got inf at index \(0, 0\)"),
    ([SPD], [[1.0, 0.0]], [NAN], ValueError, r"c must be finite, got nan at index \(0,\)"),
    (SPD, [[1.0, 0.0]], None, ValueError,
     r"A must be a stack of square matrices of shape \(B, n, n\), got shape \(2, 2\)"),
    (np.ones((1, 2, 3)), [[1.0, 0.0]], None, ValueError, "A must be a stack of square matrices"),
    (np.zeros((1, 0, 0)), np.zeros((1, 0)), None, ValueError,
     "A must hold matrices of at least 1 x 1"),
    ([SPD], [[1.0, 0.0, 0.0]], None, ValueError, r"b must have shape \(1, 2\), got \(1, 3\)"),
    ([SPD], [[1.0, 0.0]], [1.0, 2.0], ValueError, r"c must have shape \(1,\), got \(2,\)"),
    ([SPD * 1j], [[1.0, 0.0]], None, TypeError, "A must be an array of float64 numbers"),
    ([[["a"]]], [["b"]], None, TypeError, "A must be an array of float64 numbers"),
    ([SPD], [[1.0, 0.0]], "a", TypeError, "c must be an array of float64 numbers"),
    ([SPD], [[1.0, 0.0]], 1j, TypeError, "c must be an array of float64 numbers"),
    ([SPD], [[1.0, 0.0]], True, TypeError, "c must be a real number or an array of them"),
])
def test_minimize_batch_input(backend, A, b, c, error, match):
    with pytest.raises(error, match=match):
        minimize_batch(A, b, c, backend=backend)


@pytest.mark.parametrize(("backend", "error", "match"), [
    ("bogus", ValueError, "backend must be one of 'auto', 'numpy', 'numba', 'cupy', got 'bogus'"),
    (None, TypeError, "backend must be a string"),
])
def test_minimize_batch_backend(backend, error, match):
    with pytest.raises(error, match=match):
        minimize_batch([SPD], [B], backend=backend)


@pytest.mark.parametrize(("args", "error", "match"), [
    (("gradient_descent", -1, 2.0), ValueError, "k must be >= 0, got -1"),
    (("gradient_descent", [3, -10**30], 2.0), ValueError, "k must be >= 0, got -1000"),
    (("gradient_descent", 1.5, 2.0), TypeError, "k must be a non-negative integer"),
    (("gradient_descent", True, 2.0), TypeError, "k must be a non-negative integer"),
    (("gradient_descent", None, 2.0), TypeError, "k must be a non-negative integer"),
    (("gradient_descent", np.array([1.0]), 2.0), TypeError, "k must be a non-negative integer"),
    (("gradient_descent", 1, NAN), ValueError, "condition_number must be >= 1, got nan"),
    (("gradient_descent", 1, 0.5), ValueError, "condition_number must be >= 1, got 0.5"),
    (("gradient_descent", 1, -INF), ValueError, "condition_number must be >= 1, got -inf"),
    (("gradient_descent", 1, "2"), TypeError, "condition_number must be a real number"),
    (("gradient_descent", 1, True), TypeError, "condition_number must be a real number"),
    (("bogus", 1, 2.0), ValueError, "method must be one of"),
])
def test_convergence_bound_arguments(args, error, match):
    with pytest.raises(error, match=match):
        convergence_bound(*args)


@pytest.mark.parametrize(("args", "error", "match"), [
    (("x**2",), TypeError, "expr must be a sympy expression, got str"),
    ((None,), TypeError, "expr must be a sympy expression, got NoneType"),
    ((True,), TypeError, "expr must be a sympy expression, got bool"),
    ((x**3,), ValueError, "expr must have degree at most 2 in x, got degree 3"),
    ((sympy.sin(x),), ValueError, "expr must be a polynomial in x"),
    ((1 / x,), ValueError, "expr must be a polynomial in x"),
    ((sympy.Integer(3),), ValueError, "expr must contain a variable, got the constant 3"),
    ((x**2, "x"), TypeError, "variables must be a sequence of sympy Symbols"),
    ((x**2, [x, x]), ValueError, r"variables must be distinct, got \(x, x\)"),
    ((x**2, []), ValueError, "variables must not be empty"),
    ((x**2, [1]), TypeError, "variables must be sympy Symbols, got int 1"),
])
def test_from_polynomial_arguments(args, error, match):
    with pytest.raises(error, match=match):
        QuadraticForm.from_polynomial(*args)


def test_operator_giving_nan_is_refused():
    operator = LinearOperator((2, 2), matvec=lambda v: v * NAN, dtype=np.float64)
    with pytest.raises(ValueError, match=r"A @ v must give a finite vector of shape \(2,\)"):
        QuadraticForm(operator)


# --- singular and indefinite A: honest statuses, never a "converged" wrong answer ---------


@pytest.mark.parametrize("method", ALL_METHODS[2:])
@pytest.mark.parametrize(("A", "b", "status"), [
    (INDEFINITE, [1.0, 1.0], "unbounded"),
    (INDEFINITE, [0.0, 0.0], "unbounded"),
    (SINGULAR, [1.0, 1.0], "unbounded"),  # b has a component in the nullspace
    (np.zeros((2, 2)), [1.0, 1.0], "unbounded"),
    (SINGULAR, [1.0, 0.0], "optimal_set"),
])
def test_statuses_of_singular_and_indefinite_forms(method, A, b, status):
    result = QuadraticForm(A, b).minimize(method=method)
    assert result.status == status, result.message
    assert result.converged == (status == "optimal_set")
    if status == "unbounded":
        assert result.value == -math.inf
        d = result.direction  # f(x + t d) -> -inf: a descent direction of non-positive curvature
        assert d @ A @ d <= 1e-12 and (d @ A @ d < 0 or np.dot(b, d) < 0)
    else:
        np.testing.assert_allclose(2 * A @ result.x + b, 0.0, atol=1e-10)


@pytest.mark.parametrize("method", ["heavy_ball", "nesterov", "chebyshev"])
@pytest.mark.parametrize(("A", "b"), [(INDEFINITE, [1.0, 0.0]), (SINGULAR, [1.0, 1.0])])
def test_wrong_bounds_on_a_checkable_form_do_not_hide_the_status(method, A, b):
    # b is blind to the negative eigenvector, or the iterate drifts along the nullspace:
    # the iteration itself sees nothing wrong; the check against A does
    result = QuadraticForm(A, b).minimize(method=method, bounds=(1.0, 3.0))
    assert result.status == "unbounded" and not result.converged, result.message


def test_cholesky_refuses_an_indefinite_form():
    with pytest.raises(ValueError, match="method='cholesky' needs a positive definite A"):
        QuadraticForm(INDEFINITE, B).minimize(method="cholesky")


@pytest.mark.parametrize("method", ["heavy_ball", "nesterov"])
def test_bounds_that_miss_the_spectrum_raise(method):
    # eigenvalues 1e300 and 3e300, bounds (1, 3): the iteration blows up at once
    with pytest.raises(ValueError, match=f"method='{method}' diverged after 1 iterations"):
        QuadraticForm(SPD * 1e300, B).minimize(method=method, bounds=(1.0, 3.0))
