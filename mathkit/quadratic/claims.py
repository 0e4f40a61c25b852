"""Claims of the quadratic area: closed form = iterative = exact, and the convergence bounds."""

from __future__ import annotations

import numpy as np
import sympy

from mathkit.claims import Claim, register
from mathkit.quadratic.classify import KINDS
from mathkit.quadratic.form import QuadraticForm
from mathkit.quadratic.problems import hilbert
from mathkit.quadratic.theory import convergence_bound

AREA = "quadratic"

#: A rational positive definite example (eigenvalues 3 - sqrt 3, 3, 3 + sqrt 3).
EXAMPLE_A = ((4, 1, 0), (1, 3, 1), (0, 1, 2))
EXAMPLE_B = (1, -2, 3)
EXAMPLE_C = 5
#: A rational indefinite matrix; its eigenvalues are the roots of l^3 - l^2 - 5 l - 1.
INDEFINITE_A = ((2, 1, 1), (1, 0, 1), (1, 1, -1))
#: Size of the Hilbert matrix for exact conjugate gradients.
HILBERT_SIZE = 6
#: Condition number and steps of the zig-zag (worst case of steepest descent).
ZIGZAG_KAPPA = 10
ZIGZAG_STEPS = 12


def _exact_example() -> QuadraticForm:
    return QuadraticForm(sympy.Matrix(EXAMPLE_A), list(EXAMPLE_B), EXAMPLE_C)


def _numeric_example() -> QuadraticForm:
    return QuadraticForm(np.array(EXAMPLE_A, dtype=float), np.array(EXAMPLE_B, dtype=float),
                         float(EXAMPLE_C))


def _exact_minimizer() -> tuple:
    A, b = sympy.Matrix(EXAMPLE_A), sympy.Matrix(EXAMPLE_B)
    return tuple(-A.inv() * b / 2)


def _numeric_minimizer(method: str):
    def minimizer():
        result = _numeric_example().minimize(method=method, tol=1e-14)
        if result.status != "optimal":
            msg = f"{method} gave status {result.status!r}, expected 'optimal'"
            raise AssertionError(msg)
        return tuple(float(v) for v in result.x)

    return minimizer


for _method, _rtol in (("cholesky", 1e-14), ("conjugate_gradient", 1e-12),
                       ("gradient_descent", 1e-12)):
    register(Claim(
        name=f"minimizer-{_method.replace('_', '-')}",
        area=AREA,
        statement=(
            f"x* = -A^-1 b / 2 (exact, sympy) = {_method.replace('_', ' ')} (float64) for "
            "A = [[4,1,0],[1,3,1],[0,1,2]], b = (1,-2,3)"
        ),
        symbolic=_exact_minimizer,
        numeric=_numeric_minimizer(_method),
        rtol=_rtol,
    ))


def _exact_gradient_at_minimizer() -> tuple:
    form = _exact_example()
    return tuple(form.gradient(form.minimize().x))


def _numeric_gradient_at_minimizer() -> tuple:
    form = _numeric_example()
    return tuple(float(v) for v in form.gradient(form.minimize().x))


register(Claim(
    name="minimizer-zero-gradient",
    area=AREA,
    statement="grad f(x*) = 2 A x* + b = 0: exactly at the exact minimizer, to rounding at the "
              "float64 one",
    symbolic=_exact_gradient_at_minimizer,
    numeric=_numeric_gradient_at_minimizer,
    atol=1e-13,
))


def _minimum_formula():
    A, b = sympy.Matrix(EXAMPLE_A), sympy.Matrix(EXAMPLE_B)
    return EXAMPLE_C - (b.T * A.inv() * b)[0, 0] / 4


register(Claim(
    name="minimum-value",
    area=AREA,
    statement="f* = c - b^T A^-1 b / 4 (exact formula) = f at the float64 minimizer",
    symbolic=_minimum_formula,
    numeric=lambda: float(_numeric_example().minimize().value),
    rtol=1e-14,
))


def _hilbert_solution() -> tuple:
    A = hilbert(HILBERT_SIZE, exact=True)
    b = sympy.Matrix([1] * HILBERT_SIZE)
    return (*tuple(A.LDLsolve(-b / 2)), sympy.Integer(0))


def _hilbert_conjugate_gradient() -> tuple:
    form = QuadraticForm(hilbert(HILBERT_SIZE, exact=True), [1] * HILBERT_SIZE)
    result = form.minimize(method="conjugate_gradient", maxiter=HILBERT_SIZE)
    return (*tuple(result.x), result.history.gradient_norm[-1])


register(Claim(
    name="cg-finite-termination",
    area=AREA,
    statement=(
        f"conjugate gradients in exact rational arithmetic reach the minimizer of the "
        f"{HILBERT_SIZE}x{HILBERT_SIZE} Hilbert form in at most {HILBERT_SIZE} steps "
        "(residual exactly 0)"
    ),
    symbolic=_hilbert_solution,
    numeric=_hilbert_conjugate_gradient,
    rtol=0.0,
))


def _classification_summary(classification) -> tuple:
    return (KINDS.index(classification.kind), classification.rank,
            classification.eigenvalue_min, classification.eigenvalue_max)


register(Claim(
    name="classification-exact-vs-numeric",
    area=AREA,
    statement=(
        "A = [[2,1,1],[1,0,1],[1,1,-1]] is indefinite of rank 3 with extreme eigenvalues the "
        "extreme roots of l^3 - l^2 - 5l - 1: exact LDL^T and roots = float64 eigh"
    ),
    symbolic=lambda: _classification_summary(
        QuadraticForm(sympy.Matrix(INDEFINITE_A)).classify()),
    numeric=lambda: tuple(float(v) for v in _classification_summary(
        QuadraticForm(np.array(INDEFINITE_A, dtype=float)).classify())),
    rtol=1e-13,
))


def _zigzag_form():
    """f = x^T A x with A = Q diag(1, kappa) Q^T, Q the rational rotation (3/5, 4/5)."""
    Q = np.array([[3.0, -4.0], [4.0, 3.0]]) / 5.0
    A = Q @ np.diag([1.0, float(ZIGZAG_KAPPA)]) @ Q.T
    x0 = Q @ np.array([1.0, 1.0 / ZIGZAG_KAPPA])  # first gradient (1, 1) in the eigenbasis
    return QuadraticForm(A), x0


def _measured_zigzag() -> tuple:
    form, x0 = _zigzag_form()
    iterates = []
    form.minimize(method="gradient_descent", x0=x0, tol=0.0, maxiter=ZIGZAG_STEPS,
                  callback=iterates.append)
    A = form.dense()
    start = float(np.sqrt(x0 @ A @ x0))
    return tuple(float(np.sqrt(x @ A @ x)) / start for x in iterates)


def _bound_zigzag() -> tuple:
    rate = sympy.Rational(ZIGZAG_KAPPA - 1, ZIGZAG_KAPPA + 1)
    return tuple(rate**k for k in range(1, ZIGZAG_STEPS + 1))


register(Claim(
    name="gradient-descent-bound-attained",
    area=AREA,
    statement=(
        f"steepest descent with exact line search on a 2-D form with kappa = {ZIGZAG_KAPPA}, "
        "started where the gradient has equal eigen-components, attains the bound "
        "||x_k - x*||_A / ||x_0 - x*||_A = ((kappa-1)/(kappa+1))^k, k = 1..12"
    ),
    symbolic=_bound_zigzag,
    numeric=_measured_zigzag,
    rtol=1e-12,
))


def _bound_holds() -> tuple:
    from mathkit.quadratic.problems import random_spd

    kappa = 1e3
    form = QuadraticForm(random_spd(50, kappa, rng=2026), np.ones(50))
    solution = form.minimize(method="cholesky").x
    A = form.dense()
    iterates = []
    form.minimize(method="gradient_descent", tol=0.0, maxiter=200, callback=iterates.append)
    error = np.array([np.sqrt((x - solution) @ A @ (x - solution)) for x in iterates])
    start = np.sqrt(solution @ A @ solution)
    steps = np.arange(1, len(iterates) + 1)
    return float(np.all(error / start <= convergence_bound("gradient_descent", steps, kappa)))


register(Claim(
    name="gradient-descent-bound-holds",
    area=AREA,
    statement=(
        "steepest descent on a random 50x50 SPD form with kappa = 1e3: the measured A-norm error "
        "ratio stays below ((kappa-1)/(kappa+1))^k for k = 1..200 (1 = holds at every k)"
    ),
    symbolic=lambda: sympy.Integer(1),
    numeric=_bound_holds,
    rtol=0.0,
))


for _method, _rtol in (("preconditioned_cg", 1e-12), ("heavy_ball", 1e-12), ("nesterov", 1e-12),
                       ("chebyshev", 1e-12)):
    register(Claim(
        name=f"minimizer-{_method.replace('_', '-')}",
        area=AREA,
        statement=(
            f"x* = -A^-1 b / 2 (exact, sympy) = {_method.replace('_', ' ')} (float64, "
            "parameters from computed eigenvalue bounds) for A = [[4,1,0],[1,3,1],[0,1,2]], "
            "b = (1,-2,3)"
        ),
        symbolic=_exact_minimizer,
        numeric=_numeric_minimizer(_method),
        rtol=_rtol,
    ))

#: Equality constraint of the KKT claims: x1 + x2 + x3 = 1 and x1 - x3 = 0.
CONSTRAINT_C = ((1, 1, 1), (1, 0, -1))
CONSTRAINT_D = (1, 0)


def _exact_kkt_minimizer() -> tuple:
    A, b = sympy.Matrix(EXAMPLE_A), sympy.Matrix(EXAMPLE_B)
    C, d = sympy.Matrix(CONSTRAINT_C), sympy.Matrix(CONSTRAINT_D)
    K = sympy.Matrix.vstack(sympy.Matrix.hstack(2 * A, C.T),
                            sympy.Matrix.hstack(C, sympy.zeros(2, 2)))
    return tuple(K.LUsolve(sympy.Matrix.vstack(-b, d)))


def _numeric_kkt(method: str):
    def solve():
        C = np.array(CONSTRAINT_C, dtype=float)
        d = np.array(CONSTRAINT_D, dtype=float)
        result = _numeric_example().minimize(method=method, constraints=(C, d), tol=1e-14)
        if result.status != "optimal":
            msg = f"{method} with constraints gave status {result.status!r}, expected 'optimal'"
            raise AssertionError(msg)
        return (*(float(v) for v in result.x), *(float(v) for v in result.multipliers))

    return solve


for _method in ("auto", "conjugate_gradient", "chebyshev"):
    register(Claim(
        name=f"kkt-{_method.replace('_', '-')}",
        area=AREA,
        statement=(
            "min f subject to x1 + x2 + x3 = 1, x1 = x3 (the example form): the exact KKT "
            f"solution (x, lambda) (sympy LUsolve) = float64 {_method.replace('_', ' ')} "
            "(auto: the KKT system; others: on the reduced form Z^T A Z)"
        ),
        symbolic=_exact_kkt_minimizer,
        numeric=_numeric_kkt(_method),
        rtol=1e-12,
        atol=1e-14,
    ))

register(Claim(
    name="kkt-exact-path",
    area=AREA,
    statement="the exact constrained path of minimize (rational null-space reduction, exact "
              "KKT solve) gives the same (x, lambda) as the KKT system solved by hand",
    symbolic=_exact_kkt_minimizer,
    numeric=lambda: (lambda r: (*r.x, *r.multipliers))(_exact_example().minimize(
        constraints=(sympy.Matrix(CONSTRAINT_C), list(CONSTRAINT_D)))),
    rtol=0.0,
))

#: Condition number of the attained-bound claims: sqrt(9) = 3 makes rho = 1/2 rational.
ATTAINED_KAPPA = 9
ATTAINED_STEPS = 15


def _top_eigenvector_run(method: str) -> tuple:
    """A-norm error ratios from an error along the top eigenvector of diag(1, kappa)."""
    A = np.diag([1.0, float(ATTAINED_KAPPA)])
    minimizer = np.array([1.0, -1.0])
    form = QuadraticForm(A, -2.0 * A @ minimizer)
    iterates = []
    form.minimize(method=method, x0=minimizer + np.array([0.0, 1.0]), tol=0.0,
                  maxiter=ATTAINED_STEPS, callback=iterates.append)
    errors = np.array(iterates) - minimizer
    norms = np.sqrt(np.einsum("ij,jk,ik->i", errors, A, errors))
    return tuple(float(v) for v in norms / np.sqrt(ATTAINED_KAPPA))


def _heavy_ball_attained() -> tuple:
    rho = sympy.Rational(1, 2)
    return tuple((1 + (1 + rho) * k) * rho**k for k in range(1, ATTAINED_STEPS + 1))


def _chebyshev_attained() -> tuple:
    argument = sympy.Rational(ATTAINED_KAPPA + 1, ATTAINED_KAPPA - 1)
    return tuple(1 / sympy.chebyshevt(k, argument) for k in range(1, ATTAINED_STEPS + 1))


register(Claim(
    name="heavy-ball-bound-attained",
    area=AREA,
    statement=(
        f"heavy ball with Polyak's parameters on diag(1, {ATTAINED_KAPPA}), error along the top "
        "eigenvector: ||e_k||_A / ||e_0||_A = (1 + (1 + rho) k) rho^k exactly (rho = 1/2), "
        "above the 2 rho^k of CG for every k >= 1: rho is a rate, not a bound with constant 2"
    ),
    symbolic=_heavy_ball_attained,
    numeric=lambda: _top_eigenvector_run("heavy_ball"),
    rtol=1e-12,
))

register(Claim(
    name="chebyshev-bound-attained",
    area=AREA,
    statement=(
        f"Chebyshev semi-iteration on diag(1, {ATTAINED_KAPPA}), error along the top "
        "eigenvector: ||e_k||_A / ||e_0||_A = 1 / T_k((kappa + 1)/(kappa - 1)) = "
        "2 rho^k / (1 + rho^{2k}), k = 1..15"
    ),
    symbolic=_chebyshev_attained,
    numeric=lambda: _top_eigenvector_run("chebyshev"),
    rtol=1e-12,
))
