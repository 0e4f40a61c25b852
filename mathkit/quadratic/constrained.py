r"""Equality constraints: minimize ``f(x) = x^T A x + b^T x + c`` subject to ``C x = d``.

A minimizer ``x`` with Lagrange multipliers ``lambda`` solves the KKT system

.. math::

    \begin{pmatrix} 2A & C^T \\ C & 0 \end{pmatrix}
    \begin{pmatrix} x \\ \lambda \end{pmatrix} =
    \begin{pmatrix} -b \\ d \end{pmatrix} .

Everything follows from the null-space form of the problem (Nocedal and
Wright, *Numerical Optimization*, 2nd ed., 2006, section 16.1). Let ``x_p``
be the minimum-norm solution of ``C x = d`` and ``Z`` a basis of the
nullspace of ``C``: the feasible points are ``x_p + Z y``, and

.. math::

    f(x_p + Z y) = y^T (Z^T A Z) y + (Z^T \nabla f(x_p))^T y + f(x_p),

a quadratic form in ``y``, the *reduced* form. Its Hessian ``2 Z^T A Z`` is
the Hessian of ``f`` reduced to the nullspace of ``C``, and its status is the
status of the constrained problem:

- ``"infeasible"``: ``C x = d`` has no solution (``d`` not in the range of
  ``C``); ``x`` is the least-squares point ``C^+ d`` and ``value`` is
  ``+inf``, the infimum over the empty set;
- ``"optimal"``: ``Z^T A Z`` positive definite (or ``C`` of rank ``n``: one
  feasible point). The KKT matrix is then nonsingular when ``C`` has full row
  rank, and ``method="auto"`` solves it (``scipy.linalg.solve`` with
  ``assume_a="sym"``, LDL^T; exactly by ``LUsolve`` for exact forms);
- ``"optimal_set"``: ``Z^T A Z`` positive semidefinite with the reduced
  linear part in its range: the minimizers are ``x + N t``, ``N`` an
  orthonormal basis of ``Z ker(Z^T A Z)``, and ``x`` is the one of least norm;
- ``"unbounded"``: a feasible direction ``d = Z u`` (``C d = 0``) along which
  ``f`` decreases without bound.

Numerically, the rank of ``C`` and the basis ``Z`` come from its SVD (rank
tolerance ``max(m, n) eps s_max``, as :func:`numpy.linalg.matrix_rank`),
the reduced form is written in the eigenbasis of ``Z^T A Z`` with the
parts below their rounding error set to 0 (see :func:`reduced_form`), and
``C x = d`` counts as solvable when ``||C x_p - d|| <= 10 max(m, n) eps
(s_max ||x_p|| + ||d||)``. Other methods than ``"auto"`` run on the reduced
form, so every method of :func:`~mathkit.quadratic.minimize` works with
constraints. Exact forms use rational arithmetic throughout (a rational
nullspace basis; the inertia of ``B^T A B`` does not depend on the basis, by
Sylvester's law of inertia).
"""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np

from mathkit._validate import _describe
from mathkit.quadratic.classify import EPS
from mathkit.quadratic.form import DENSE_LIMIT, QuadraticForm, float_array, safe_norm, value_at

__all__ = ["reduced_problem"]

INFEASIBLE = "infeasible"


def check_constraints(form: QuadraticForm, constraints):
    """``(C, d)`` as float arrays (sympy matrices for exact forms) of shapes (m, n), (m,)."""
    if not isinstance(constraints, tuple | list) or len(constraints) != 2:
        msg = f"constraints must be a pair (C, d) for C x = d, got {_describe(constraints)}"
        raise TypeError(msg)
    C, d = constraints
    if form.kind == "device":
        msg = "constraints are not available for a device (CuPy) form; copy A to the host"
        raise ValueError(msg)
    if form.exact:
        return _exact_constraints(form, C, d)
    C = float_array(C, "constraints C")
    d = float_array(d, "constraints d")
    if C.ndim != 2 or C.shape[1] != form.n or C.shape[0] == 0:
        msg = f"constraints C must have shape (m, {form.n}) with m >= 1, got {C.shape}"
        raise ValueError(msg)
    if d.shape != (C.shape[0],):
        msg = f"constraints d must have shape ({C.shape[0]},), got {d.shape}"
        raise ValueError(msg)
    if form.kind != "dense" and form.n > DENSE_LIMIT:
        msg = (f"constraints need the reduced matrix Z^T A Z; a {form.kind} A with n = {form.n} "
               f"> {DENSE_LIMIT} is too large")
        raise ValueError(msg)
    return C, d


def _exact_constraints(form: QuadraticForm, C, d):
    import sympy

    from mathkit.quadratic.form import _exact_vector

    array = np.asarray(C.tolist() if isinstance(C, sympy.MatrixBase) else C, dtype=object)
    if array.ndim != 2 or array.shape[1] != form.n or array.shape[0] == 0:
        msg = f"constraints C must have shape (m, {form.n}) with m >= 1, got {array.shape}"
        raise ValueError(msg)
    m = array.shape[0]
    rows = [list(_exact_vector(list(row), form.n, "constraints C")) for row in array]
    return sympy.ImmutableMatrix(rows), _exact_vector(d, m, "constraints d")


# -- numeric ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Reduction:
    """The feasible set ``x_p + Z y`` and whether it is empty."""

    particular: np.ndarray
    basis: np.ndarray
    rank: int
    feasible: bool
    violation: float


def reduce(C: np.ndarray, d: np.ndarray) -> Reduction:
    """Minimum-norm ``x_p`` with ``C x_p = d`` and an orthonormal nullspace basis ``Z``, by SVD.

    The rows of ``(C, d)`` are first scaled by powers of two (exactly) so that each
    row of ``C`` has largest entry in ``[1/2, 1)``: the rank decision is then the
    same whatever the units of each equation (found: a row of ``1e-300`` beside one
    of ``1e300`` was dropped as rounding, and its equation ignored). ``x_p`` is the
    minimum-norm solution of the scaled rows; ``violation`` is ``||C x_p - d||``.
    """
    m, n = C.shape
    exponents = np.frexp(np.max(np.abs(C), axis=1))[1]
    with np.errstate(over="ignore"):
        rows, right = np.ldexp(C, -exponents[:, None]), np.ldexp(d, -exponents)
    if not np.isfinite(right).all():
        row = int(np.flatnonzero(~np.isfinite(right))[0])
        msg = (f"constraints C x = d need x beyond float64: row {row} has d = {d[row]:.3g} "
               f"and largest |C| = {np.max(np.abs(C[row])):.3g}; rescale C and d")
        raise ValueError(msg)
    U, s, Vt = np.linalg.svd(rows)
    largest = float(s[0]) if s.size else 0.0
    rank = int(np.sum(s > max(m, n) * EPS * largest)) if largest > 0 else 0
    particular = Vt[:rank].T @ ((U[:, :rank].T @ right) / s[:rank])
    scaled_violation = safe_norm(rows @ particular - right)
    allowed = 10 * max(m, n) * EPS * (largest * safe_norm(particular) + safe_norm(right))
    with np.errstate(over="ignore"):
        violation = safe_norm(C @ particular - d)
    return Reduction(particular, Vt[rank:].T.copy(), rank, scaled_violation <= allowed,
                     violation)


def reduced_form(form: QuadraticForm, reduction: Reduction):
    """``y -> f(x_p + W y)`` as a quadratic form in ``y``, and the basis ``W``.

    ``W = Z V`` with ``Z^T A Z = V diag(w) V^T``: in this orthonormal basis of
    the nullspace of ``C`` the reduced matrix is the diagonal ``diag(w)``, so
    its classification has no rounding of its own. Eigenvalues ``|w_i| <= 10
    n eps ||A||`` and, along them, components of the reduced linear part at
    most ``10 n eps (2 ||A|| ||x_p|| + ||b||)`` are within the rounding errors
    of the products and are set to 0: otherwise, on a subspace where ``A``
    vanishes, the reduced form would be rounding noise and its status
    arbitrary.
    """
    Z, x_p = reduction.basis, reduction.particular
    AZ = form._rows_times_A(Z.T).T
    matrix = Z.T @ AZ
    eigenvalues, V = np.linalg.eigh(0.5 * matrix + 0.5 * matrix.T)
    scale = form.norm_estimate()
    flat = np.abs(eigenvalues) <= 10 * form.n * EPS * scale
    eigenvalues[flat] = 0.0
    basis = Z @ V
    linear = basis.T @ form.gradient(x_p)
    noise = 10 * form.n * EPS * (2 * scale * safe_norm(x_p) + safe_norm(form.b))
    linear[flat & (np.abs(linear) <= noise)] = 0.0
    return QuadraticForm(np.diag(eigenvalues), linear, _value(form, x_p)), basis


def multipliers(form: QuadraticForm, C: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Least-squares ``lambda`` with ``2 A x + b + C^T lambda = 0`` (minimum norm)."""
    return np.linalg.lstsq(C.T, -form.gradient(x), rcond=None)[0]


def _value(form: QuadraticForm, x: np.ndarray) -> float:
    return value_at(form, x, "x", "the constrained minimizer is too large for float64 "
                    "arithmetic; rescale d (or C, A, b)")


def _kkt_solve(form: QuadraticForm, C: np.ndarray, d: np.ndarray, full_rank: bool):
    from scipy.linalg import LinAlgError, LinAlgWarning, lstsq, solve

    m, n = C.shape
    K = np.zeros((n + m, n + m))
    K[:n, :n] = 2.0 * form.dense()
    K[:n, n:] = C.T
    K[n:, :n] = C
    rhs = np.concatenate([-form.b, d])
    if full_rank:
        try:
            with warnings.catch_warnings():  # K singular to working precision: checked by
                warnings.simplefilter("ignore", LinAlgWarning)  # _kkt_or_reduced
                solution = solve(K, rhs, assume_a="sym", check_finite=False)
        except LinAlgError:
            solution = lstsq(K, rhs)[0]
    else:
        solution = lstsq(K, rhs)[0]
    return solution[:n], solution[n:]


def _kkt_or_reduced(form: QuadraticForm, C: np.ndarray, d: np.ndarray, x: np.ndarray,
                    full_rank: bool) -> tuple[np.ndarray, bool]:
    """The KKT solution unless it is not finite or clearly infeasible, else the reduced ``x``.

    With ``C`` far smaller or larger than ``A`` the KKT matrix is singular to working
    precision and its solution may be NaN or leave ``C x != d``; the null-space one stands.
    A violation at the level of rounding times the condition of ``K`` is no reason to
    fall back (found: ``C x = 4e-15`` with kappa(A) = 1e3, and ``1e-22`` for
    ``b = 1e-5``), so the KKT solution is kept up to ``sqrt(eps)`` relative, or as
    feasible as ``x``.
    """
    candidate, _ = _kkt_solve(form, C, d, full_rank)
    if not np.isfinite(candidate).all():
        return x, False
    # x's natural size includes |b| / |2A|, where the feasible minimizer is 0 (d = 0)
    size = max(safe_norm(x), safe_norm(candidate),
               safe_norm(form.b) / max(2.0 * form.norm_estimate(), math.ulp(0.0)))
    allowed = math.sqrt(EPS) * (safe_norm(C) * size + safe_norm(d))
    usable = safe_norm(C @ candidate - d) <= max(2.0 * safe_norm(C @ x - d), allowed)
    return (candidate, True) if usable else (x, False)


def minimize_constrained(form: QuadraticForm, constraints, method: str, x0, tol: float,
                         maxiter, callback, options: dict):
    """Minimize ``f`` on ``{x : C x = d}`` (see the module notes)."""
    from mathkit.quadratic.minimize import minimize

    C, d = check_constraints(form, constraints)
    if form.exact:
        return _minimize_exact(form, C, d, method)
    reduction = reduce(C, d)
    if not reduction.feasible:
        return _infeasible(form, C, reduction)
    if reduction.basis.shape[1] == 0:
        return _single_point(form, C, reduction)
    reduced, Z = reduced_form(form, reduction)
    x_p = reduction.particular
    start = None if x0 is None else Z.T @ (x0 - x_p)
    inner_callback = None if callback is None else (
        lambda y: callback(_readonly(x_p + Z @ y)))
    inner = minimize(reduced, method=method, x0=start, tol=tol, maxiter=maxiter,
                     callback=inner_callback, **options)
    x = x_p + Z @ inner.x
    chosen = inner.method
    if method == "auto" and inner.status == "optimal":
        x, used = _kkt_or_reduced(form, C, d, x, reduction.rank == C.shape[0])
        chosen = "kkt" if used else chosen
    return _lift(form, C, d, inner, x, Z, chosen)


def _readonly(array):
    array = np.array(array, dtype=np.float64)
    array.setflags(write=False)
    return array


def _lift(form, C, d, inner, x, Z, method):
    converged = inner.status in ("optimal", "optimal_set")
    nullspace = None if inner.nullspace is None else Z @ inner.nullspace
    direction = None if inner.direction is None else Z @ inner.direction
    reduced_gradient = safe_norm(Z.T @ form.gradient(x))
    return dataclasses.replace(
        inner,
        x=_readonly(x),
        value=-math.inf if inner.status == "unbounded" else _value(form, x),
        gradient_norm=reduced_gradient,
        message=f"on C x = d (null-space dimension {Z.shape[1]}): {inner.message}",
        nullspace=None if nullspace is None else _readonly(nullspace),
        direction=None if direction is None else _readonly(direction),
        method=method,
        multipliers=_readonly(multipliers(form, C, x)) if converged else None,
        constraint_violation=safe_norm(C @ x - d),
    )


def _plain_result(form, C, x, *, status, message, value, violation, with_multipliers):
    from mathkit.quadratic.result import IterationHistory, MinimizeResult

    x = _readonly(x)
    # one feasible point: the projected gradient is 0; none: the plain gradient
    gradient_norm = 0.0 if status == "optimal" else safe_norm(form.gradient(x))
    return MinimizeResult(
        x=x, value=value, gradient_norm=gradient_norm,
        iterations=0, converged=status == "optimal", status=status, message=message,
        history=IterationHistory.build([gradient_norm], [_value(form, x)]), method="kkt",
        multipliers=_readonly(multipliers(form, C, x)) if with_multipliers else None,
        constraint_violation=violation,
    )


def _infeasible(form, C, reduction):
    message = (f"C x = d has no solution: the least-squares point x = C^+ d leaves "
               f"||C x - d|| = {reduction.violation:.3g}")
    return _plain_result(form, C, reduction.particular, status=INFEASIBLE, message=message,
                         value=math.inf, violation=reduction.violation, with_multipliers=False)


def _single_point(form, C, reduction):
    message = "C has rank n: x = C^+ d is the only feasible point"
    return _plain_result(form, C, reduction.particular, status="optimal", message=message,
                         value=_value(form, reduction.particular),
                         violation=reduction.violation, with_multipliers=True)


# -- exact ---------------------------------------------------------------------------


def _minimize_exact(form: QuadraticForm, C, d, method: str):
    import sympy

    from mathkit.quadratic import _exact
    from mathkit.quadratic.closed_form import _unit, exact_status
    from mathkit.quadratic.result import IterationHistory, MinimizeResult

    _exact.require_numbers(form)
    if method not in ("auto", "cholesky", "lstsq"):
        msg = (f"exact constrained minimization supports method 'auto', 'cholesky' or 'lstsq', "
               f"got {method!r}")
        raise ValueError(msg)
    particular = sympy.ImmutableMatrix(C.pinv() * d).applyfunc(sympy.nsimplify)
    basis_vectors = C.nullspace()
    base = dict(iterations=0, method="kkt")
    if C * particular != d:
        residual = C * particular - d
        gradient = form.gradient(particular)
        return MinimizeResult(
            x=particular, value=sympy.oo,
            gradient_norm=sympy.sqrt((gradient.T * gradient)[0, 0]), converged=False,
            status=INFEASIBLE, message="C x = d has no solution (exact)",
            history=IterationHistory.build([sympy.sqrt((gradient.T * gradient)[0, 0])],
                                           [form(particular)], exact=True),
            constraint_violation=sympy.sqrt((residual.T * residual)[0, 0]), **base)
    if not basis_vectors:
        return _exact_finish(form, C, d, particular, "optimal", None, None,
                             "C has rank n: x = C^+ d is the only feasible point (exact)")
    B = sympy.Matrix.hstack(*basis_vectors)
    reduced = QuadraticForm(sympy.ImmutableMatrix(B.T * form.A * B),
                            sympy.ImmutableMatrix(B.T * form.gradient(particular)),
                            form(particular))
    status, _, direction, reason = exact_status(reduced)
    if method == "cholesky" and status != "optimal":
        msg = ("method='cholesky' needs a positive definite reduced Hessian Z^T A Z, and it is "
               "not (exact LDL^T); use method='lstsq' or 'auto'")
        raise ValueError(msg)
    if status == "unbounded":
        return _exact_finish(form, C, d, particular, status, None, _unit(B * direction),
                             f"on C x = d, reduced: {reason}")
    if status == "optimal":
        return _exact_finish(form, C, d, _exact_kkt(form, C, d), status, None, None,
                             f"on C x = d: {reason} (reduced Hessian; KKT system solved exactly)")
    x = particular + B * _exact.minimum_norm_solution(reduced.A, -reduced.b / 2)
    W = B * sympy.Matrix.hstack(*reduced.A.nullspace())
    x = x - W * (W.T * W).LUsolve(W.T * x)  # least norm on the optimal set
    nullspace = sympy.ImmutableMatrix.hstack(*sympy.GramSchmidt(
        [W[:, j] for j in range(W.cols)], orthonormal=True)).applyfunc(sympy.radsimp)
    return _exact_finish(form, C, d, x, status, nullspace, None,
                         f"on C x = d, reduced: {reason}; x is the one of least norm")


def _exact_kkt(form: QuadraticForm, C, d):
    import sympy

    _, pivots = C.T.rref()
    rows = C.extract(list(pivots), list(range(C.cols)))
    target = d.extract(list(pivots), [0])
    m, n = rows.rows, form.n
    K = sympy.Matrix.vstack(sympy.Matrix.hstack(2 * form.A, rows.T),
                            sympy.Matrix.hstack(rows, sympy.zeros(m, m)))
    solution = K.LUsolve(sympy.Matrix.vstack(-form.b, target))
    return sympy.ImmutableMatrix(solution[:n, 0])


def _exact_finish(form, C, d, x, status, nullspace, direction, message):
    import sympy

    from mathkit.quadratic.result import IterationHistory, MinimizeResult

    x = sympy.ImmutableMatrix(x).applyfunc(sympy.simplify)
    gradient = form.gradient(x)
    converged = status in ("optimal", "optimal_set")
    lam = sympy.ImmutableMatrix(-(C.T).pinv() * gradient).applyfunc(sympy.simplify)
    projected = (gradient + C.T * lam).applyfunc(sympy.simplify)
    gradient_norm = sympy.sqrt((projected.T * projected)[0, 0])
    residual = C * x - d
    return MinimizeResult(
        x=x, value=-sympy.oo if status == "unbounded" else form(x),
        gradient_norm=gradient_norm, iterations=0, converged=converged, status=status,
        message=message, history=IterationHistory.build([gradient_norm], [form(x)], exact=True),
        nullspace=nullspace, direction=direction, method="kkt",
        multipliers=lam if converged else None,
        constraint_violation=sympy.sqrt((residual.T * residual)[0, 0]),
    )


def reduced_problem(form: QuadraticForm, constraints) -> QuadraticForm:
    """The reduced form ``y -> f(x_p + Z y)`` of ``f`` on ``{x : C x = d}``.

    Parameters
    ----------
    form : QuadraticForm
        Dense, sparse or operator with ``n <= 2000``, or exact.
    constraints : (C, d)
        ``C`` of shape ``(m, n)``, ``d`` of shape ``(m,)``.

    Returns
    -------
    QuadraticForm
        With matrix ``Z^T A Z``, linear part ``Z^T (2 A x_p + b)`` and
        constant ``f(x_p)``, ``x_p = C^+ d``.

    Raises
    ------
    TypeError, ValueError
        For constraints of the wrong type or shape (as :func:`minimize`);
        ValueError if ``C x = d`` has no solution or ``C`` has rank ``n``
        (the feasible set is one point).

    Notes
    -----
    Numeric forms: ``Z`` is orthonormal (from the SVD of ``C``), so the
    eigenvalues of ``Z^T A Z`` are those of ``A`` restricted to the
    nullspace of ``C`` (Nocedal and Wright, 2006, 16.2). Exact forms: ``Z``
    is sympy's rational nullspace basis, so kind, rank, inertia and
    boundedness are exact and do not depend on the basis (Sylvester's law of
    inertia), while the eigenvalues are those of ``Z^T A Z`` for that basis.

    Examples
    --------
    >>> q = QuadraticForm([[1.0, 0.0], [0.0, -1.0]], b=[0.0, 2.0])
    >>> r = reduced_problem(q, ([[0.0, 1.0]], [3.0]))
    >>> r.A.tolist(), r.b.tolist(), float(r.c)
    ([[1.0]], [0.0], -3.0)
    """
    import sympy

    C, d = check_constraints(form, constraints)
    if form.exact:
        from mathkit.quadratic import _exact

        _exact.require_numbers(form)
        particular = sympy.ImmutableMatrix(C.pinv() * d).applyfunc(sympy.nsimplify)
        if C * particular != d:
            raise _empty()
        vectors = C.nullspace()
        if not vectors:
            raise _one_point()
        B = sympy.Matrix.hstack(*vectors)
        return QuadraticForm(sympy.ImmutableMatrix(B.T * form.A * B),
                             sympy.ImmutableMatrix(B.T * form.gradient(particular)),
                             form(particular))
    reduction = reduce(C, d)
    if not reduction.feasible:
        raise _empty()
    if reduction.basis.shape[1] == 0:
        raise _one_point()
    return reduced_form(form, reduction)[0]


def _empty() -> ValueError:
    return ValueError("constraints: C x = d has no solution, so there is no feasible set to "
                      "classify f on")


def _one_point() -> ValueError:
    return ValueError("constraints: C has rank n, so the feasible set is a single point and the "
                      "reduced Hessian is 0 x 0")
