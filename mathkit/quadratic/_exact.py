"""Exact linear algebra for symmetric sympy matrices: no floating point anywhere.

- :func:`inertia`: the numbers of positive, negative and zero eigenvalues, by
  symmetric Gaussian elimination (``A = L D L^T`` with 1x1 and 2x2 pivots,
  Lagrange's reduction to a sum of squares) and Sylvester's law of inertia,
  with an exact direction of negative curvature when there is one;
- :func:`eigenvalues`: all eigenvalues, as exact roots of the characteristic
  polynomial;
- :func:`nullspace`, :func:`minimum_norm_solution`: for the semidefinite case;
- :func:`conjugate_gradient`: CG in exact arithmetic (rationals stay rational).
"""

from __future__ import annotations

import sympy


def symbols_of(*objects) -> set:
    """The free symbols of sympy objects."""
    found: set = set()
    for item in objects:
        found |= item.free_symbols
    return found


def require_numbers(form) -> None:
    """Raise ValueError when an exact form has symbolic entries."""
    symbols = symbols_of(form.A, form.b, form.c)
    if symbols:
        names = ", ".join(sorted(map(str, symbols)))
        msg = f"the form has symbolic entries ({names}): substitute numbers to classify or minimize"
        raise ValueError(msg)


def sign(value, what: str = "a pivot") -> int:
    """The exact sign of a real sympy number (-1, 0 or 1)."""
    value = sympy.sympify(value)
    if not value.is_Rational:
        value = sympy.simplify(value)
    if value.is_zero:
        return 0
    if value.is_positive:
        return 1
    if value.is_negative:
        return -1
    msg = f"cannot decide the sign of {what} {value} exactly"
    raise ValueError(msg)


def _lift(steps, values: dict, n: int):
    """Extend values of the variables still active to all n variables (back-substitution)."""
    x = dict(values)
    for _, maps in reversed(steps):
        for eliminated, coefficients in maps.items():
            x[eliminated] = sum(
                (coefficient * x.get(j, 0) for j, coefficient in coefficients.items()),
                sympy.Integer(0),
            )
    return sympy.ImmutableMatrix(n, 1, [x.get(i, sympy.Integer(0)) for i in range(n)])


def inertia(A) -> tuple[int, int, int, object]:
    """``(n_positive, n_negative, n_zero, direction)`` of a symmetric sympy matrix.

    ``direction`` is an exact vector ``z`` with ``z^T A z < 0`` when
    ``n_negative > 0``, else None.

    Each step either eliminates one variable with a non-zero diagonal pivot
    ``p`` (completing the square: ``p (x_k + m.y/p)^2 + y^T S y``) or, when
    every remaining diagonal entry is 0, two variables ``i, j`` with
    ``a = A[i, j] != 0`` (the block ``[[0, a], [a, 0]]`` has one positive and
    one negative eigenvalue). By Sylvester's law of inertia the signs of the
    pivots count the signs of the eigenvalues. Choosing the eliminated
    variables as in completing the square makes ``z^T A z`` of a lifted
    vector equal to the reduced form's value, so a negative pivot gives an
    exact direction of negative curvature.
    """
    n = A.rows
    M = sympy.Matrix(A)
    active = list(range(n))
    steps: list = []
    positive = negative = 0
    direction = None
    while active:
        k = next((i for i in active if sign(M[i, i]) != 0), None)
        if k is not None:
            pivot = M[k, k]
            rest = [j for j in active if j != k]
            if sign(pivot) > 0:
                positive += 1
            else:
                negative += 1
                if direction is None:
                    direction = _lift(steps, {k: sympy.Integer(1)}, n)
            steps.append(((k,), {k: {j: -M[k, j] / pivot for j in rest}}))
            for i in rest:
                for j in rest:
                    M[i, j] = M[i, j] - M[i, k] * M[k, j] / pivot
            active = rest
            continue
        pair = next(
            ((i, j) for i in active for j in active if i < j and sign(M[i, j]) != 0), None
        )
        if pair is None:
            break
        i, j = pair
        a = M[i, j]
        positive += 1
        negative += 1
        if direction is None:
            direction = _lift(steps, {i: sympy.Integer(1), j: sympy.Integer(-sign(a))}, n)
        rest = [r for r in active if r not in pair]
        steps.append(((i, j), {i: {s: -M[j, s] / a for s in rest},
                               j: {s: -M[i, s] / a for s in rest}}))
        for r in rest:
            for s in rest:
                M[r, s] = M[r, s] - (M[r, i] * M[j, s] + M[r, j] * M[i, s]) / a
        active = rest
    return positive, negative, n - positive - negative, direction


def eigenvalues(A) -> list:
    """All eigenvalues of a symmetric sympy matrix, with multiplicity, ascending, exact.

    Rational matrices give roots of the rational characteristic polynomial
    (``CRootOf`` objects where they are not rational); other numeric
    matrices use :meth:`sympy.Matrix.eigenvals`.
    """
    if all(entry.is_Rational for entry in A):
        return A.charpoly().real_roots()
    try:
        values = A.eigenvals()
    except (sympy.MatrixError, NotImplementedError) as error:
        msg = f"exact eigenvalues of A are not available: {error}"
        raise ValueError(msg) from None
    expanded = [value for value, count in values.items() for _ in range(count)]
    return sorted(expanded, key=lambda v: sympy.re(sympy.N(v, 50)))


def nullspace(A):
    """An orthonormal basis of the nullspace, as the columns of a sympy matrix (n x k)."""
    basis = A.nullspace()
    if not basis:
        return sympy.ImmutableMatrix.zeros(A.rows, 0)
    orthonormal = sympy.GramSchmidt(basis, orthonormal=True)
    return sympy.ImmutableMatrix.hstack(*orthonormal).applyfunc(sympy.radsimp)


def nullspace_projection(A, v):
    """The orthogonal projection of ``v`` onto the nullspace of symmetric ``A``, exactly."""
    basis = A.nullspace()
    if not basis:
        return sympy.ImmutableMatrix.zeros(A.rows, 1)
    B = sympy.Matrix.hstack(*basis)
    return sympy.ImmutableMatrix(B * (B.T * B).LUsolve(B.T * v))


def minimum_norm_solution(A, rhs):
    """The least-squares solution of ``A x = rhs`` of least norm (``A^+ rhs``), exactly."""
    return sympy.ImmutableMatrix(A.pinv() * rhs).applyfunc(_tidy)


def _tidy(value):
    return value if value.is_Rational else sympy.simplify(value)


def conjugate_gradient(A, b, x0, maxiter: int, callback=None) -> dict:
    """CG on ``2 A x = -b`` in exact arithmetic.

    Stops when the residual is exactly 0 (``status="converged"``), when a
    search direction has ``p^T A p <= 0`` (``"negative_curvature"``, with
    ``direction=p``), or after ``maxiter`` iterations (``"maxiter"``).
    Returns a dict with ``x``, ``iterations``, ``residual_norms`` (exact),
    ``status`` and ``direction``.
    """
    H = 2 * sympy.Matrix(A)
    x = sympy.Matrix(x0)
    r = -(H * x + b)
    p = sympy.Matrix(r)
    rr = (r.T * r)[0, 0]
    norms = [sympy.sqrt(rr)]
    status, direction, iterations = "maxiter", None, 0
    while True:
        if rr == 0:
            status = "converged"
            break
        if iterations >= maxiter:
            break
        Hp = H * p
        curvature = (p.T * Hp)[0, 0]
        if sign(curvature, "the curvature p^T A p") <= 0:
            status, direction = "negative_curvature", sympy.ImmutableMatrix(p)
            break
        alpha = rr / curvature
        x = x + alpha * p
        r = r - alpha * Hp
        rr_new = (r.T * r)[0, 0]
        p = r + (rr_new / rr) * p
        rr = rr_new
        iterations += 1
        norms.append(sympy.sqrt(rr))
        if callback is not None:
            callback(sympy.ImmutableMatrix(x))
    return {
        "x": sympy.ImmutableMatrix(x),
        "iterations": iterations,
        "residual_norms": norms,
        "status": status,
        "direction": direction,
    }
