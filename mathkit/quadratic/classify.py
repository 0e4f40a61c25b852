r"""Classification of a quadratic form by the signs of the eigenvalues of ``A``.

``A`` is positive definite when every eigenvalue is positive, positive
semidefinite when none is negative, and so on; ``f`` is bounded below exactly
when ``A`` is positive semidefinite and ``b`` lies in the range of ``A``
(then ``f`` has a minimizer; otherwise it decreases without bound).

Numerically an eigenvalue counts as zero when ``|lambda| <= tol``, with the
default ``tol = n * eps * max|lambda|`` (``eps`` the float64 machine
epsilon), the convention of :func:`numpy.linalg.matrix_rank` and
:func:`scipy.linalg.pinvh`. The computed eigenvalues of a symmetric matrix are
within about ``n * eps * ||A||_2`` of the exact ones (Golub and Van Loan,
*Matrix Computations*, 4th ed., 2013, section 8.1), so a positive
semidefinite matrix whose computed eigenvalues include ``-1e-16`` stays
positive semidefinite. Exact (sympy) forms are classified exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mathkit._validate import _describe, _is_real_number
from mathkit.quadratic.form import DENSE_LIMIT, QuadraticForm, safe_norm

__all__ = ["KINDS", "Classification", "classify"]

#: The kinds of symmetric matrices, as :attr:`Classification.kind` names them.
KINDS = (
    "positive_definite",
    "positive_semidefinite",
    "negative_definite",
    "negative_semidefinite",
    "indefinite",
    "zero",
)

EPS = float(np.finfo(np.float64).eps)


@dataclass(frozen=True)
class Classification:
    """What :func:`classify` found.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`: ``"positive_definite"``,
        ``"positive_semidefinite"`` (singular, none negative),
        ``"negative_definite"``, ``"negative_semidefinite"``, ``"indefinite"``
        or ``"zero"`` (every eigenvalue counts as zero).
    eigenvalue_min, eigenvalue_max : float or sympy number
        The smallest and largest eigenvalue of ``A`` (exact for exact forms).
    condition_number : float or sympy number
        ``max|lambda| / min|lambda|``, the 2-norm condition number of ``A``;
        ``inf`` (sympy ``oo`` for exact forms) when ``A`` is singular.
    rank : int or None
        The number of eigenvalues that do not count as zero. None only for
        large sparse or operator forms that are not definite (not computed).
    bounded_below : bool or None
        Whether ``f`` is bounded below: ``A`` positive semidefinite and ``b``
        in the range of ``A``. None only for large sparse or operator forms
        that are semidefinite (undetermined).
    unique_minimizer : bool
        Whether ``f`` has exactly one minimizer (``A`` positive definite).
    tol : float
        The absolute threshold used: ``|lambda| <= tol`` counts as zero (0
        for exact forms).
    inertia : tuple of int or None
        ``(n_positive, n_negative, n_zero)``; None where ``rank`` is None.
    """

    kind: str
    eigenvalue_min: object
    eigenvalue_max: object
    condition_number: object
    rank: int | None
    bounded_below: bool | None
    unique_minimizer: bool
    tol: float
    inertia: tuple[int, int, int] | None = None


def check_tolerance(tol, name: str = "tol", allow_none: bool = False) -> float | None:
    """Check that ``tol`` is a finite real number >= 0 (or None when allowed)."""
    if tol is None and allow_none:
        return None
    if not _is_real_number(tol):
        expected = "None or a real number >= 0" if allow_none else "a real number >= 0"
        msg = f"{name} must be {expected}, got {type(tol).__name__} {_describe(tol)}"
        raise TypeError(msg)
    value = float(tol)
    if math.isnan(value) or value < 0 or math.isinf(value):
        msg = f"{name} must be a finite number >= 0, got {value}"
        raise ValueError(msg)
    return value


def _kind(positive: int, negative: int, zero: int) -> str:
    n = positive + negative + zero
    if zero == n:
        return "zero"
    if negative == 0:
        return "positive_definite" if zero == 0 else "positive_semidefinite"
    if positive == 0:
        return "negative_definite" if zero == 0 else "negative_semidefinite"
    return "indefinite"


@dataclass(frozen=True)
class Spectrum:
    """Eigen-decomposition of a dense symmetric ``A`` and the split by sign."""

    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    threshold: float
    positive: np.ndarray
    negative: np.ndarray
    zero: np.ndarray

    @property
    def smallest_nonzero(self) -> float:
        """The smallest ``|lambda|`` above the threshold (inf if none)."""
        nonzero = np.abs(self.eigenvalues[~self.zero])
        return float(nonzero.min()) if nonzero.size else math.inf

    def nullspace(self) -> np.ndarray:
        """Orthonormal basis of the numerical nullspace (columns, largest entry positive)."""
        basis = self.eigenvectors[:, self.zero]
        if basis.shape[1]:
            rows = np.argmax(np.abs(basis), axis=0)
            basis = basis * np.where(basis[rows, np.arange(basis.shape[1])] < 0, -1.0, 1.0)
        return basis

    def range_consistent(self, b: np.ndarray) -> tuple[bool, np.ndarray]:
        """Whether ``b`` lies in the range of ``A``; also ``N N^T b``.

        ``b`` counts as in the range when ``||N^T b|| <= (tol / lambda_+) ||b||``,
        ``lambda_+`` the smallest non-zero ``|lambda|``: the computed nullspace
        basis is accurate to about ``tol / lambda_+`` in angle, so ``b = A y``
        passes and a nullspace component larger than that does not.
        """
        N = self.nullspace()
        if N.shape[1] == 0:
            return True, np.zeros_like(b)
        coefficients = N.T @ b
        projection = N @ coefficients
        norm_b = safe_norm(b)
        if not np.isfinite(self.smallest_nonzero):  # zero matrix: the range is {0}
            return norm_b == 0.0, projection
        # plus the absolute resolution of float64, for a b in the subnormal range
        resolution = 10 * len(b) * float(np.finfo(np.float64).smallest_subnormal)
        allowed = self.threshold / self.smallest_nonzero * norm_b + resolution
        return safe_norm(coefficients) <= allowed, projection


def spectrum(form: QuadraticForm, tol: float | None = None) -> Spectrum:
    """The eigen-decomposition of ``A`` (made dense) with the zero threshold; cached."""
    key = ("spectrum", tol)
    if key not in form._cache:
        from scipy.linalg import eigh

        with np.errstate(over="ignore", invalid="ignore"):  # checked below
            eigenvalues, eigenvectors = eigh(form.dense(), driver="evd", check_finite=False)
        if not (np.isfinite(eigenvalues).all() and np.isfinite(eigenvectors).all()):
            msg = (f"A is too large: its eigenvalues overflow float64 (largest |A_ij| = "
                   f"{float(np.abs(form.dense()).max()):.3g}); rescale A and b")
            raise ValueError(msg)
        scale = float(np.abs(eigenvalues).max())
        threshold = form.n * EPS * scale if tol is None else tol
        positive = eigenvalues > threshold
        negative = eigenvalues < -threshold
        form._cache[key] = Spectrum(eigenvalues, eigenvectors, threshold, positive, negative,
                                    ~(positive | negative))
    return form._cache[key]


def classify(form: QuadraticForm, tol: float | None = None, constraints=None) -> Classification:
    r"""Classify the symmetric matrix ``A`` of a quadratic form, and say if ``f`` is bounded below.

    Parameters
    ----------
    form : QuadraticForm
    tol : float, optional
        Absolute threshold: eigenvalues with ``|lambda| <= tol`` count as
        zero. Default ``n * eps * max|lambda|``. Ignored for exact forms,
        which are classified exactly.
    constraints : (C, d), optional
        Classify ``f`` on ``{x : C x = d}``: the Hessian reduced to the
        nullspace of ``C``, ``Z^T A Z``, and whether ``f`` is bounded below
        on the feasible set (see
        :func:`mathkit.quadratic.constrained.reduced_problem`).

    Returns
    -------
    Classification

    Raises
    ------
    TypeError
        If ``form`` is not a QuadraticForm or ``tol`` is not a number.
    ValueError
        If ``tol`` is negative or not finite, or an exact form has symbolic
        entries; if ``constraints`` have the wrong shape, ``C x = d`` has no
        solution, or ``C`` has rank ``n`` (one feasible point).

    Notes
    -----
    Numeric forms: the eigenvalues of ``A`` (:func:`scipy.linalg.eigh`; for
    sparse and operator forms with ``n`` above 2000 only the two extreme ones,
    by :func:`scipy.sparse.linalg.eigsh`). ``f`` is bounded below iff ``A``
    is positive semidefinite and ``b`` is in the range of ``A``: write
    ``b = b_R + b_N`` with ``b_N`` in the nullspace; then along ``d = -b_N``,
    ``f(x + t d) = f(x) - t ||b_N||^2``. Numerically ``b`` counts as in the
    range when ``||N^T b|| <= (tol / lambda_+) ||b||`` (``N`` an orthonormal
    nullspace basis, ``lambda_+`` the smallest eigenvalue above ``tol``), the
    accuracy of the computed nullspace (Golub and Van Loan, 2013, 8.1).

    Exact forms: the inertia by symmetric Gaussian elimination with rational
    arithmetic (``L D L^T`` with 1x1 and 2x2 pivots, Sylvester's law of
    inertia), the extreme eigenvalues as exact roots of the characteristic
    polynomial, and ``b`` in the range by an exact nullspace.

    Examples
    --------
    >>> q = QuadraticForm([[1.0, 1.0], [1.0, 1.0]], b=[1.0, 1.0])
    >>> c = q.classify()
    >>> c.kind, c.rank, c.bounded_below, c.unique_minimizer
    ('positive_semidefinite', 1, True, False)
    >>> QuadraticForm([[1.0, 1.0], [1.0, 1.0]], b=[1.0, -1.0]).classify().bounded_below
    False
    >>> QuadraticForm([[1.0, 0.0], [0.0, -1e-17]]).classify().kind
    'positive_semidefinite'

    Exactly:

    >>> import sympy
    >>> c = QuadraticForm(sympy.Matrix([[2, 1], [1, 2]])).classify()
    >>> c.kind, c.eigenvalue_min, c.eigenvalue_max, c.condition_number
    ('positive_definite', 1, 3, 3)

    On a subspace: ``x^2 - y^2`` is indefinite, but positive definite on
    ``y = 0``:

    >>> q = QuadraticForm([[1.0, 0.0], [0.0, -1.0]])
    >>> q.classify().kind, q.classify(constraints=([[0.0, 1.0]], [0.0])).kind
    ('indefinite', 'positive_definite')
    """
    if not isinstance(form, QuadraticForm):
        msg = f"form must be a QuadraticForm, got {type(form).__name__}"
        raise TypeError(msg)
    tol = check_tolerance(tol, allow_none=True)
    if constraints is not None:
        from mathkit.quadratic.constrained import reduced_problem

        return classify(reduced_problem(form, constraints), tol)
    if form.exact:
        return _classify_exact(form)
    if form.kind == "device" and form.n > DENSE_LIMIT:
        msg = (f"classify needs a host copy of a device (CuPy) A, and n = {form.n} > "
               f"{DENSE_LIMIT} is too large for one; use cupyx.scipy.sparse.linalg.eigsh")
        raise ValueError(msg)
    if form.kind in ("sparse", "operator") and form.n > DENSE_LIMIT:
        return _classify_large(form, tol)
    spec = spectrum(form, tol)
    positive, negative, zero = (int(spec.positive.sum()), int(spec.negative.sum()),
                                int(spec.zero.sum()))
    kind = _kind(positive, negative, zero)
    magnitudes = np.abs(spec.eigenvalues)
    condition = math.inf if zero else float(magnitudes.max() / magnitudes.min())
    if negative:
        bounded = False
    elif zero == 0:
        bounded = True
    else:
        bounded = spec.range_consistent(form.b)[0]
    return Classification(
        kind=kind,
        eigenvalue_min=float(spec.eigenvalues[0]),
        eigenvalue_max=float(spec.eigenvalues[-1]),
        condition_number=condition,
        rank=positive + negative,
        bounded_below=bool(bounded),
        unique_minimizer=kind == "positive_definite",
        tol=float(spec.threshold),
        inertia=(positive, negative, zero),
    )


def extreme_eigenvalues(form: QuadraticForm) -> tuple[float, float]:
    """``(lambda_min, lambda_max)`` of a sparse or operator ``A`` by Lanczos (ARPACK); cached.

    ARPACK keeps its starting vector in the range of the operator, so it never
    sees an exact nullspace: on ``diag(0, 1, ..., 1)`` ``eigsh(which="SA")``
    answers 1. The extremes are therefore computed for the shifted operators
    ``A + M I`` and ``A - M I`` with ``M`` above the spectral radius, which
    are definite, and shifted back.
    """
    if "extremes" not in form._cache:
        from scipy.sparse.linalg import LinearOperator, eigsh

        n = form.n
        if form.norm_estimate() == 0.0:  # the zero matrix (ARPACK fails on it)
            form._cache["extremes"] = (0.0, 0.0)
            return form._cache["extremes"]
        radius = abs(float(eigsh(form.A, k=1, which="LM", return_eigenvectors=False)[0]))
        if radius == 0.0:
            form._cache["extremes"] = (0.0, 0.0)
            return form._cache["extremes"]
        shift = 1.01 * radius

        def shifted(sign: float):
            return LinearOperator((n, n), dtype=np.float64,
                                  matvec=lambda v: form.matvec(np.ravel(v)) + sign * shift
                                  * np.ravel(v))

        smallest = float(eigsh(shifted(1.0), k=1, which="SA",
                               return_eigenvectors=False)[0]) - shift
        largest = float(eigsh(shifted(-1.0), k=1, which="LA",
                              return_eigenvectors=False)[0]) + shift
        form._cache["extremes"] = (smallest, largest)
    return form._cache["extremes"]


def _classify_large(form: QuadraticForm, tol: float | None) -> Classification:
    smallest, largest = extreme_eigenvalues(form)
    scale = max(abs(largest), abs(smallest))
    threshold = form.n * EPS * scale if tol is None else tol
    if smallest > threshold:
        kind, rank, bounded = "positive_definite", form.n, True
    elif largest < -threshold:
        kind, rank, bounded = "negative_definite", form.n, False
    elif smallest < -threshold and largest > threshold:
        kind, rank, bounded = "indefinite", None, False
    elif smallest < -threshold:
        kind, rank, bounded = "negative_semidefinite", None, False
    elif largest > threshold:
        kind, rank, bounded = "positive_semidefinite", None, None
    else:
        kind, rank, bounded = "zero", 0, not np.any(form.b)
    definite = kind in ("positive_definite", "negative_definite")
    condition = scale / min(abs(largest), abs(smallest)) if definite else math.inf
    return Classification(
        kind=kind,
        eigenvalue_min=smallest,
        eigenvalue_max=largest,
        condition_number=float(condition),
        rank=rank,
        bounded_below=bounded,
        unique_minimizer=kind == "positive_definite",
        tol=float(threshold),
        inertia=(form.n, 0, 0) if kind == "positive_definite"
        else (0, form.n, 0) if kind == "negative_definite"
        else (0, 0, form.n) if kind == "zero" else None,
    )


def exact_inertia(form: QuadraticForm):
    """Cached exact ``(n_positive, n_negative, n_zero, negative_direction)``."""
    from mathkit.quadratic import _exact

    if "inertia" not in form._cache:
        _exact.require_numbers(form)
        form._cache["inertia"] = _exact.inertia(form.A)
    return form._cache["inertia"]


def _classify_exact(form: QuadraticForm) -> Classification:
    import sympy

    from mathkit.quadratic import _exact

    positive, negative, zero, _ = exact_inertia(form)
    kind = _kind(positive, negative, zero)
    values = _exact.eigenvalues(form.A)
    if zero:
        condition = sympy.oo
    else:
        # ascending eigenvalues: the first `negative` are < 0, the rest > 0 (inertia)
        largest = max(-values[0], values[-1])
        closest = [v for v in (values[negative] if positive else None,
                               -values[negative - 1] if negative else None) if v is not None]
        condition = largest / min(closest)
    if negative:
        bounded = False
    elif zero == 0:
        bounded = True
    else:
        projection = _exact.nullspace_projection(form.A, form.b)
        bounded = all(_exact.sign(v, "a nullspace component of b") == 0 for v in projection)
    return Classification(
        kind=kind,
        eigenvalue_min=values[0],
        eigenvalue_max=values[-1],
        condition_number=condition,
        rank=positive + negative,
        bounded_below=bool(bounded),
        unique_minimizer=kind == "positive_definite",
        tol=0.0,
        inertia=(positive, negative, zero),
    )
