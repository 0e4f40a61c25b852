"""Mixed-precision iterative refinement: factor in float16, refine to float32 accuracy.

Iterative refinement in three precisions (Carson and Higham, "Accelerating the
solution of linear systems by iterative refinement in three precisions", SIAM
J. Sci. Comput. 40(2), 2018, Algorithm 1.1), with each precision emulated
exactly by :func:`mathkit.precision.round`:

1. factor ``P A = L U`` (or ``A = R^T R``) in the **factor** precision
   ``u_f``: :func:`factorize`;
2. solve ``A x_0 = b`` with the factors in the **working** precision ``u``;
3. repeat: ``r_i = b - A x_i`` in the **residual** precision ``u_r``, rounded to
   ``u``; solve ``A d_i = r_i`` with the factors in ``u``;
   ``x_(i+1) = fl_u(x_i + d_i)``.

The factors are only as good as ``kappa(A) u_f`` allows, but each step
multiplies the error by about ``kappa(A) u_f``, so while that is below 1 the
iteration converges, to a forward error of order ``u`` when
``kappa(A) u_r <= u`` (Carson and Higham 2018, §3;
Higham, *Accuracy and Stability of Numerical Algorithms*, 2002, ch. 12). With
float16 factors (``u_f = 2^-11``) that is up to ``kappa ~ 10^3``, and in
practice up to about ``10^4``; beyond, the corrections stop shrinking and
:func:`refine` says so. ``refine(..., solver="gmres")`` solves the correction
equations by GMRES preconditioned with the same factors instead (GMRES-IR,
Carson and Higham 2017, 2018), which converges well beyond ``10^4``.

Every operation is rounded once to its format: the float64 operation followed
by a rounding to a format of ``p <= 25`` bits is correctly rounded, as
double rounding is innocuous for ``+, -, *, /`` and the square root when
``53 >= 2p + 2`` (Figueroa, "When is double rounding innocuous?", SIGNUM
Newsletter 30(3), 1995; Roux, "Innocuous double rounding of basic arithmetic
operations", J. Formalized Reasoning 7(1), 2014). So formats of 26 to 52 bits
are refused, and float64 is float64's own arithmetic.

The factorizations are written here rather than taken from
:mod:`mathkit.quadratic` (whose Cholesky is LAPACK's, in float64, on a
:class:`~mathkit.quadratic.QuadraticForm`): emulating a low precision needs
each rank-one update rounded, which LAPACK cannot do.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from mathkit._validate import _describe, check_finite_array, check_one_of, check_positive_integer
from mathkit.precision.formats import FLOAT16, FLOAT32, FLOAT64, Format, as_format
from mathkit.precision.rounding import round as round_to

__all__ = [
    "FACTOR_METHODS",
    "SOLVERS",
    "STATUSES",
    "Factorization",
    "RefinementResult",
    "factorize",
    "refine",
    "solve_factored",
]

#: Methods of :func:`factorize`; :func:`refine` also takes "auto".
FACTOR_METHODS = ("lu", "cholesky")
#: Correction solvers of :func:`refine`: triangular solves (LU-IR) or GMRES (GMRES-IR).
SOLVERS = ("direct", "gmres")
#: Outcomes of :func:`refine`.
STATUSES = ("converged", "stagnated", "diverged", "maxiter", "overflow", "singular", "breakdown")
#: Largest precision whose float64 operations round innocuously (53 >= 2p + 2).
_MAX_EMULATED_PRECISION = 25
#: A correction that shrinks by less than this factor counts as not contracting.
_CONTRACTION = 0.5
#: Scaling (``scale=True``) leaves this fraction of the range free for growth of the entries.
_SCALE_TARGET = 2.0**-3


def _emulable(fmt, name: str) -> Format:
    try:
        fmt = as_format(fmt)
    except (TypeError, ValueError) as error:
        raise type(error)(str(error).replace("fmt", name, 1)) from None
    if fmt.precision > _MAX_EMULATED_PRECISION and fmt != FLOAT64:
        msg = (
            f"{name} must be float64 or a format of at most {_MAX_EMULATED_PRECISION} bits of "
            f"precision (emulated exactly through float64), got {fmt} with precision "
            f"{fmt.precision}"
        )
        raise ValueError(msg)
    return fmt


def _fl(x, fmt: Format):
    """Round float64 results to ``fmt`` (float32 by numpy's correctly rounded cast).

    The numpy engine: on the blocks of a factorization (up to ``n^2`` values, one
    call per step) it is as fast as the threaded one and steadier on a busy machine.
    """
    if fmt == FLOAT64:
        return x
    if fmt == FLOAT32:
        return np.asarray(x).astype(np.float32).astype(np.float64)
    return round_to(x, fmt, backend="numpy")


@dataclass(frozen=True)
class Factorization:
    """Triangular factors computed in an emulated precision.

    ``A[permutation] * scale = lower @ upper`` up to the rounding errors of
    ``fmt`` (for Cholesky ``lower = upper.T`` and the permutation is the
    identity).

    Attributes
    ----------
    method : {"lu", "cholesky"}
    fmt : Format
    lower, upper : numpy.ndarray of float64
        Values of ``fmt``; ``lower`` has a unit diagonal for LU.
    permutation : numpy.ndarray of int
        The row order of the partial pivoting.
    scale : float
        The power of two ``A`` was multiplied by before rounding (1 unless asked).
    status : {"ok", "overflow", "singular", "breakdown"}
    message : str
    """

    method: str
    fmt: Format
    lower: np.ndarray
    upper: np.ndarray
    permutation: np.ndarray
    scale: float
    status: str
    message: str

    @property
    def ok(self) -> bool:
        """Whether the factorization ran to the end with finite, nonzero pivots."""
        return self.status == "ok"


def _square(A) -> np.ndarray:
    array = check_finite_array(A, "A")
    if array.ndim != 2 or array.shape[0] != array.shape[1] or array.shape[0] == 0:
        msg = f"A must be a non-empty square matrix, got shape {array.shape}"
        raise ValueError(msg)
    return array


def _power_of_two_scale(A: np.ndarray, fmt: Format) -> float:
    """The largest ``2^k`` with ``max|A| 2^k <= fmt.max / 8`` (Higham, Pranesh and Zounon 2019)."""
    largest = float(np.abs(A).max())
    if largest == 0:
        return 1.0
    fraction, exponent = math.frexp(largest)
    top_fraction, top_exponent = math.frexp(fmt.max * _SCALE_TARGET)
    return math.ldexp(1.0, top_exponent - exponent - (fraction > top_fraction))


def _failed(method, fmt, work, permutation, scale, status, message) -> Factorization:
    n = work.shape[0]
    nan = np.full((n, n), np.nan)
    return Factorization(method, fmt, nan, nan, permutation, scale, status, message)


def _overflow_message(fmt: Format, where: str) -> str:
    return (
        f"an entry overflowed {fmt} (largest value {fmt.max:g}) {where}; scale A down "
        "first, e.g. refine(..., scale=True) multiplies it by a power of two so that "
        f"max|A| <= {fmt.max:g}/8 (Higham, Pranesh and Zounon, SIAM J. Sci. Comput. 41(4), 2019)"
    )


def _lu(work: np.ndarray, fmt: Format, scale: float) -> Factorization:
    n = work.shape[0]
    permutation = np.arange(n)
    for k in range(n):
        pivot = k + int(np.argmax(np.abs(work[k:, k])))
        if work[pivot, k] == 0:
            message = f"zero pivot in column {k}: A rounded to {fmt} is singular at this step"
            return _failed("lu", fmt, work, permutation, scale, "singular", message)
        work[[k, pivot]] = work[[pivot, k]]
        permutation[[k, pivot]] = permutation[[pivot, k]]
        work[k + 1:, k] = _fl(work[k + 1:, k] / work[k, k], fmt)
        update = _fl(np.outer(work[k + 1:, k], work[k, k + 1:]), fmt)
        work[k + 1:, k + 1:] = _fl(work[k + 1:, k + 1:] - update, fmt)
        if not np.isfinite(work[k:, k:]).all():
            message = _overflow_message(fmt, f"in step {k} of the LU factorization")
            return _failed("lu", fmt, work, permutation, scale, "overflow", message)
    lower = np.tril(work, -1) + np.eye(n)
    return Factorization("lu", fmt, lower, np.triu(work), permutation, scale, "ok",
                         f"LU with partial pivoting in {fmt}")


def _cholesky(work: np.ndarray, fmt: Format, scale: float) -> Factorization:
    n = work.shape[0]
    identity = np.arange(n)
    for k in range(n):
        if not work[k, k] > 0:
            message = (f"pivot {k} is {work[k, k]:g} <= 0: A rounded to {fmt} is not "
                       "positive definite to this precision")
            return _failed("cholesky", fmt, work, identity, scale, "breakdown", message)
        work[k, k] = _fl(np.sqrt(work[k, k]), fmt)
        work[k, k + 1:] = _fl(work[k, k + 1:] / work[k, k], fmt)
        update = _fl(np.outer(work[k, k + 1:], work[k, k + 1:]), fmt)
        work[k + 1:, k + 1:] = _fl(work[k + 1:, k + 1:] - update, fmt)
        if not np.isfinite(work[k:, k:]).all():
            message = _overflow_message(fmt, f"in step {k} of the Cholesky factorization")
            return _failed("cholesky", fmt, work, identity, scale, "overflow", message)
    upper = np.triu(work)
    return Factorization("cholesky", fmt, upper.T.copy(), upper, identity, scale, "ok",
                         f"Cholesky in {fmt}")


def factorize(A, fmt=FLOAT16, method: str = "lu", scale: bool = False) -> Factorization:
    """LU with partial pivoting, or Cholesky, with every operation rounded to ``fmt``.

    Parameters
    ----------
    A : array_like, shape (n, n)
        A finite square matrix (float64 values, rounded to ``fmt`` first).
    fmt : Format or str, default FLOAT16
        The precision of the factorization: float64 or a format of at most 25
        bits of precision.
    method : {"lu", "cholesky"}
        Cholesky uses the upper triangle of ``A`` (for a symmetric ``A``).
    scale : bool, default False
        Multiply ``A`` first by the power of two that brings ``max|A|`` to at
        most ``fmt.max / 8``, against overflow (and underflow of small entries).

    Returns
    -------
    Factorization
        With ``status`` "ok", or "overflow" (an entry became inf), "singular"
        (a zero pivot) or "breakdown" (a Cholesky pivot <= 0), and NaN factors.

    Raises
    ------
    TypeError
        If ``A`` is not numeric, ``fmt`` not a format.
    ValueError
        If ``A`` is not square or not finite, ``method`` unknown, or ``fmt``
        has between 26 and 52 bits of precision.

    Notes
    -----
    LU step ``k`` (Golub and Van Loan, *Matrix Computations*, 4th ed., 2013,
    Algorithm 3.4.1), on whole trailing blocks at once: swap the row of the
    largest ``|a_ik|``, ``i >= k``, into row ``k``; ``l_ik = fl(a_ik / a_kk)``;
    ``a_ij <- fl(a_ij - fl(l_ik a_kj))`` for ``i, j > k``. Cholesky:
    ``r_kk = fl(sqrt(a_kk))``, ``r_kj = fl(a_kj / r_kk)``,
    ``a_ij <- fl(a_ij - fl(r_ki r_kj))``. No fused multiply-add. The computed
    factors satisfy ``|P fl(A) - L U| <= gamma_n |L| |U|`` with
    ``gamma_n = n u / (1 - n u)`` (Higham 2002, Theorems 9.3 and 10.3).

    Examples
    --------
    >>> import numpy as np
    >>> from mathkit.precision import FLOAT16
    >>> f = factorize([[1.0, 2.0], [3.0, 4.0]], FLOAT16)
    >>> f.permutation.tolist(), f.lower.tolist(), f.upper.tolist()
    ([1, 0], [[1.0, 0.0], [0.333251953125, 1.0]], [[3.0, 4.0], [0.0, 0.6669921875]])
    >>> factorize([[1e6, 1.0], [1.0, 1.0]], FLOAT16).status
    'overflow'
    """
    fmt = _emulable(fmt, "fmt")
    check_one_of(method, "method", FACTOR_METHODS)
    matrix = _square(A)
    if not isinstance(scale, bool | np.bool_):
        msg = f"scale must be True or False, got {_describe(scale)}"
        raise TypeError(msg)
    factor = _power_of_two_scale(matrix, fmt) if scale else 1.0
    work = np.array(_fl(matrix * factor, fmt), dtype=np.float64)
    if not np.isfinite(work).all():
        identity = np.arange(matrix.shape[0])
        return _failed(method, fmt, work, identity, factor, "overflow",
                       _overflow_message(fmt, "when A was rounded to it"))
    if method == "cholesky":
        return _cholesky(work, fmt, factor)
    return _lu(work, fmt, factor)


def solve_factored(factorization: Factorization, rhs, fmt=FLOAT32) -> np.ndarray:
    """Solve ``A x = rhs`` with the factors, every operation rounded to ``fmt``.

    Parameters
    ----------
    factorization : Factorization
        From :func:`factorize`, with status "ok".
    rhs : array_like, shape (n,)
    fmt : Format or str, default FLOAT32

    Returns
    -------
    numpy.ndarray of float64
        Values of ``fmt``.

    Raises
    ------
    ValueError
        If the factorization failed, ``rhs`` has the wrong shape or is not
        finite, or ``fmt`` cannot be emulated.

    Notes
    -----
    Column-oriented substitution (Higham 2002, §8.1):
    ``y = fl(scale * rhs[permutation])``, then for ``j = 0, 1, ...``:
    ``y_j = fl(y_j / l_jj)`` (not for LU's unit diagonal),
    ``y_i <- fl(y_i - fl(l_ij y_j))`` for ``i > j``; the same backward with
    ``U``. Rounded to ``fmt``, the result satisfies
    ``(L + dL)(U + dU) x = rhs`` with ``|dL| <= gamma_n |L|``,
    ``|dU| <= gamma_n |U|`` (Higham 2002, Theorem 8.5).

    Examples
    --------
    >>> from mathkit.precision import FLOAT16, FLOAT32
    >>> f = factorize([[4.0, 1.0], [1.0, 3.0]], FLOAT16)
    >>> solve_factored(f, [1.0, 2.0], FLOAT32).tolist()
    [0.09090909361839294, 0.6363636255264282]
    """
    fmt = _emulable(fmt, "fmt")
    if not isinstance(factorization, Factorization):
        msg = f"factorization must be a Factorization, got {type(factorization).__name__}"
        raise TypeError(msg)
    if not factorization.ok:
        msg = f"factorization failed ({factorization.status}): {factorization.message}"
        raise ValueError(msg)
    n = factorization.upper.shape[0]
    vector = check_finite_array(rhs, "rhs")
    if vector.shape != (n,):
        msg = f"rhs must have shape ({n},), got {vector.shape}"
        raise ValueError(msg)
    y = np.array(_fl(vector[factorization.permutation] * factorization.scale, fmt))
    lower, upper = factorization.lower, factorization.upper
    unit = factorization.method == "lu"
    for j in range(n):
        if not unit:
            y[j] = _fl(y[j] / lower[j, j], fmt)
        y[j + 1:] = _fl(y[j + 1:] - _fl(lower[j + 1:, j] * y[j], fmt), fmt)
    for j in range(n - 1, -1, -1):
        y[j] = _fl(y[j] / upper[j, j], fmt)
        y[:j] = _fl(y[:j] - _fl(upper[:j, j] * y[j], fmt), fmt)
    return y


def _residual(A: np.ndarray, A_rounded: np.ndarray, b: np.ndarray, x: np.ndarray,
              fmt: Format) -> np.ndarray:
    """``b - A x`` in ``fmt``: float64 BLAS, or column by column with each operation rounded."""
    if fmt == FLOAT64:
        return b - A @ x
    r = np.array(_fl(b, fmt))
    for j in range(x.size):
        r = _fl(r - _fl(A_rounded[:, j] * x[j], fmt), fmt)
    return r


@dataclass(frozen=True)
class RefinementResult:
    """The outcome of :func:`refine`.

    Attributes
    ----------
    x : numpy.ndarray of float64
        The last iterate (values of the working format); NaN when the
        factorization failed.
    status : str
        One of :data:`STATUSES`: "converged" (the last correction was at most
        ``tol`` relative to ``x``, or the corrections stopped shrinking below
        ``n u``, the rounding noise of the solves), "stagnated" (the corrections stopped
        shrinking by half each step), "diverged" (they grew, or ``x`` stopped
        being finite), "maxiter", or the factorization's failure: "overflow",
        "singular", "breakdown".
    converged : bool
    iterations : int
        Refinement steps taken (0: only the first solve).
    forward_errors : numpy.ndarray
        ``||x_i - x_ref||_inf / ||x_ref||_inf`` for ``x_0, x_1, ...``, against
        ``x_true`` when given, else :func:`numpy.linalg.solve` in float64;
        empty when the factorization failed (as are the next two).
    backward_errors : numpy.ndarray
        Normwise backward errors ``||b - A x_i||_inf / (||A||_inf ||x_i||_inf
        + ||b||_inf)`` (Rigal and Gaches; Higham 2002, Theorem 7.1), in float64.
    corrections : numpy.ndarray
        ``||d_i||_inf / ||x_(i+1)||_inf`` of each step.
    factorization : Factorization
    message : str
    condition : float
        Skeel's condition number ``cond(A) = || |A^-1| |A| ||_inf``, from
        :func:`numpy.linalg.inv` in float64 (only its order of magnitude is
        meaningful once it nears ``10^16``; ``inf`` if float64 finds ``A``
        singular). It is at most ``kappa_inf(A)`` and is not fooled by
        badly scaled rows.
    limiting_accuracy : float
        ``u + cond(A) u_r``: the forward error refinement can reach at best
        with these precisions (Carson and Higham 2018, §3, without their
        dimension factor ``4n``, rarely attained). Where it exceeds ``10 u``
        the message says that ``x`` is accurate only to about it.
    gmres_iterations : tuple of int
        GMRES iterations of each refinement step (``solver="gmres"``; empty
        for the direct solver).
    """

    x: np.ndarray
    status: str
    converged: bool
    iterations: int
    forward_errors: np.ndarray
    backward_errors: np.ndarray
    corrections: np.ndarray
    factorization: Factorization
    message: str
    condition: float
    limiting_accuracy: float
    gmres_iterations: tuple[int, ...] = ()


def _norm(v: np.ndarray) -> float:
    return float(np.abs(v).max()) if v.size else 0.0


class _History:
    """Forward and backward errors of each iterate, in float64, and the limit they can reach."""

    def __init__(self, A: np.ndarray, b: np.ndarray, reference: np.ndarray, working: Format,
                 residual: Format):
        self.A, self.b, self.reference = A, b, reference
        self.working = working
        self.condition = _skeel_condition(A)
        self.limiting_accuracy = working.unit_roundoff + self.condition * residual.unit_roundoff
        self.norm_A = float(np.abs(A).sum(axis=1).max())
        self.norm_reference = _norm(reference)
        self.forward: list[float] = []
        self.backward: list[float] = []
        self.corrections: list[float] = []
        self.inner: list[int] = []

    def record(self, x: np.ndarray) -> None:
        if not np.isfinite(x).all():
            self.forward.append(math.inf)
            self.backward.append(math.inf)
            return
        scale = self.norm_reference if self.norm_reference > 0 else 1.0
        self.forward.append(_norm(x - self.reference) / scale)
        denominator = self.norm_A * _norm(x) + _norm(self.b)
        residual = _norm(self.b - self.A @ x)
        self.backward.append(residual / denominator if denominator > 0 else 0.0)


def _skeel_condition(A: np.ndarray) -> float:
    """``|| |A^-1| |A| ||_inf`` in float64; ``inf`` where float64 finds ``A`` singular."""
    try:
        inverse = np.linalg.inv(A)
    except np.linalg.LinAlgError:
        return math.inf
    with np.errstate(over="ignore", invalid="ignore"):
        condition = float((np.abs(inverse) @ np.abs(A)).sum(axis=1).max())
    return condition if math.isfinite(condition) else math.inf


def _choose_method(method: str, A: np.ndarray) -> str:
    if method != "auto":
        return method
    symmetric = np.array_equal(A, A.T) and bool((np.diag(A) > 0).all())
    return "cholesky" if symmetric else "lu"


def _check_inputs(A, b, x_true):
    matrix = _square(A)
    n = matrix.shape[0]
    vector = check_finite_array(b, "b")
    if vector.shape != (n,):
        msg = f"b must have shape ({n},) to match A of shape {matrix.shape}, got {vector.shape}"
        raise ValueError(msg)
    if x_true is None:
        try:
            reference = np.linalg.solve(matrix, vector)
        except np.linalg.LinAlgError:
            msg = "A must be nonsingular, and numpy.linalg.solve finds it singular in float64"
            raise ValueError(msg) from None
    else:
        reference = check_finite_array(x_true, "x_true")
        if reference.shape != (n,):
            msg = f"x_true must have shape ({n},), got {reference.shape}"
            raise ValueError(msg)
    return matrix, vector, reference


def _check_tolerance(tol, working: Format) -> float:
    if tol is None:
        return working.unit_roundoff
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real):
        msg = f"tol must be a positive real number, got {_describe(tol)}"
        raise TypeError(msg)
    value = float(tol)
    if not (math.isfinite(value) and value > 0):
        msg = f"tol must be a finite positive number, got {value}"
        raise ValueError(msg)
    return value


def refine(A, b, factor=FLOAT16, working=FLOAT32, residual=FLOAT64, maxiter: int = 20,
           tol: float | None = None, method: str = "auto", scale: bool = False,
           x_true=None, solver: str = "direct",
           gmres_maxiter: int | None = None) -> RefinementResult:
    """Solve ``A x = b`` by iterative refinement in three emulated precisions.

    Parameters
    ----------
    A : array_like, shape (n, n)
        A finite nonsingular matrix (float64).
    b : array_like, shape (n,)
    factor : Format or str, default FLOAT16
        Precision ``u_f`` of the factorization.
    working : Format or str, default FLOAT32
        Precision ``u`` of the iterates and of the triangular solves.
    residual : Format or str, default FLOAT64
        Precision ``u_r`` of the residuals ``b - A x``.
    maxiter : int, default 20
        Most refinement steps.
    tol : float, optional
        Stop when ``||d_i||_inf <= tol ||x_(i+1)||_inf``; default the working
        unit roundoff ``u``.
    method : {"auto", "lu", "cholesky"}
        "auto": Cholesky when ``A`` is exactly symmetric with a positive
        diagonal, falling back to LU if it breaks down in ``factor``; else LU
        with partial pivoting.
    scale : bool, default False
        Scale ``A`` by a power of two before factoring (see :func:`factorize`);
        without it, an overflow in ``factor`` ends the run with status
        "overflow" and a message saying so.
    x_true : array_like, shape (n,), optional
        The exact solution, for the forward errors (default: the float64
        solution of :func:`numpy.linalg.solve`, good to about
        ``kappa(A) 10^-16``).
    solver : {"direct", "gmres"}, default "direct"
        How each correction equation ``A d_i = r_i`` is solved: "direct",
        triangular solves with the factors in the working precision (LU-IR);
        "gmres", GMRES preconditioned by the factors (GMRES-IR, see Notes).
    gmres_maxiter : int, optional
        Most GMRES iterations per refinement step (no restarts); default ``n``.

    Returns
    -------
    RefinementResult

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``A`` is not square, finite or (in float64) nonsingular, ``b`` or
        ``x_true`` has the wrong shape or is not finite, a format is unknown or
        has 26 to 52 bits, ``method`` or ``solver`` is unknown, or ``tol``,
        ``maxiter`` or ``gmres_maxiter`` is not positive.

    Notes
    -----
    Carson and Higham (2018), Algorithm 1.1 (module docstring), with the
    correction solves in the working precision. While
    ``kappa_inf(A) u_f`` is well below 1 each step shrinks the error by about
    that factor, down to a forward error of order
    ``u + 4 n kappa_inf(A) u_r`` (their §3, with
    ``u_s = u``); for float16/float32/float64 and ``kappa`` up to about
    ``10^3`` to ``10^4`` that is a float32-level forward error, about ``10^-7``.
    For larger ``kappa`` the factors carry no information and the iteration
    stagnates or diverges: a step whose correction did not shrink by at least
    half ends the run with "stagnated" (or "diverged" if it grew), unless
    that correction is below ``n u`` relative to ``x``, the rounding noise of
    the working-precision solves (Higham 2002, Theorem 8.5): then ``x`` has
    reached the limiting accuracy of the precisions, which is what happens
    when ``u_r = u`` (limit about ``kappa u``), and the run is "converged".

    GMRES-IR (``solver="gmres"``; Carson and Higham 2018, introduced in Carson
    and Higham, SIAM J. Sci. Comput. 39(6), 2017) solves each correction
    equation by GMRES on the left-preconditioned system ``U^-1 L^-1 P A d =
    U^-1 L^-1 P r`` with the same low-precision factors, which need not be
    accurate, only make the preconditioned matrix well-conditioned enough for
    GMRES to converge in few iterations. Here GMRES (Arnoldi with modified
    Gram-Schmidt, Saad and Schultz 1986) runs entirely in float64, the
    preconditioned products included: at least as precise as the paper's
    working precision ``u`` for GMRES and ``u^2`` for the products. It starts
    from ``d = 0``, never restarts, and stops when the preconditioned residual
    is at most ``sqrt(u)`` relative to the preconditioned ``r`` (our choice,
    not the paper's); the correction is rounded to ``u`` before ``x + d`` is.
    With float16 factors this converges for ``kappa`` well beyond ``10^4``,
    where LU-IR stagnates. If GMRES misses its tolerance in ``gmres_maxiter``
    iterations the run ends "stagnated" and says so: the factors no longer
    precondition ``A``. The iteration counts are in ``gmres_iterations``; with
    ``gmres_maxiter = n`` GMRES is in exact arithmetic a direct solver, so
    counts near ``n`` mean that the preconditioner did little, and a run
    can "converge" even at ``kappa ~ 10^16``, to its limiting accuracy.

    Whatever the solver, no refinement gets below about
    ``u + cond(A) u_r``, which the result holds as ``limiting_accuracy``
    (with Skeel's ``cond(A) <= kappa_inf(A)`` as ``condition``); where that
    exceeds ``10 u`` the message says how accurate ``x`` can be.

    Examples
    --------
    >>> import numpy as np
    >>> from mathkit.quadratic import random_spd
    >>> A = random_spd(20, 100.0, rng=1)
    >>> result = refine(A, np.ones(20))
    >>> result.status, result.factorization.method, bool(result.forward_errors[-1] < 1e-6)
    ('converged', 'cholesky', True)
    >>> bool(result.forward_errors[0] > 1e-4)    # the float16 solve alone
    True

    GMRES-IR at ``kappa = 10^5``, where LU-IR with float16 factors stagnates:

    >>> A = random_spd(20, 1e5, rng=1)
    >>> refine(A, np.ones(20), method="lu").converged
    False
    >>> result = refine(A, np.ones(20), method="lu", solver="gmres")
    >>> result.status, bool(result.forward_errors[-1] < 1e-7), result.gmres_iterations
    ('converged', True, (3, 7, 7, 6))
    """
    factor = _emulable(factor, "factor")
    working = _emulable(working, "working")
    residual = _emulable(residual, "residual")
    maxiter = check_positive_integer(maxiter, "maxiter")
    check_one_of(method, "method", ("auto", *FACTOR_METHODS))
    check_one_of(solver, "solver", SOLVERS)
    tolerance = _check_tolerance(tol, working)
    matrix, vector, reference = _check_inputs(A, b, x_true)
    inner = vector.size if gmres_maxiter is None else check_positive_integer(
        gmres_maxiter, "gmres_maxiter")
    chosen = _choose_method(method, matrix)
    factors = factorize(matrix, factor, chosen, scale)
    if method == "auto" and factors.status == "breakdown":
        factors = factorize(matrix, factor, "lu", scale)
    history = _History(matrix, vector, reference, working, residual)
    if not factors.ok:
        return _finish(np.full(vector.size, np.nan), factors.status, 0, history, factors,
                       factors.message)
    correct = (_gmres_corrector(matrix, factors, working, inner) if solver == "gmres"
               else lambda r: (solve_factored(factors, r, working), None, True))
    return _iterate(matrix, vector, factors, working, residual, maxiter, tolerance, history,
                    correct)


def _gmres(apply, rhs: np.ndarray, tol: float, maxiter: int) -> tuple[np.ndarray, int, bool]:
    """GMRES from 0 without restarts: (solution, iterations, whether ``tol`` was met)."""
    beta = float(np.linalg.norm(rhs))
    if beta == 0:
        return np.zeros_like(rhs), 0, True
    basis = np.zeros((maxiter + 1, rhs.size))
    hessenberg = np.zeros((maxiter + 1, maxiter))
    basis[0] = rhs / beta
    for k in range(1, maxiter + 1):
        w = apply(basis[k - 1])
        for j in range(k):  # modified Gram-Schmidt
            hessenberg[j, k - 1] = basis[j] @ w
            w = w - hessenberg[j, k - 1] * basis[j]
        hessenberg[k, k - 1] = np.linalg.norm(w)
        target = np.zeros(k + 1)
        target[0] = beta
        y = np.linalg.lstsq(hessenberg[:k + 1, :k], target, rcond=None)[0]
        met = np.linalg.norm(hessenberg[:k + 1, :k] @ y - target) <= tol * beta
        if met or hessenberg[k, k - 1] == 0:  # a zero means the Krylov space holds d exactly
            return basis[:k].T @ y, k, True
        basis[k] = w / hessenberg[k, k - 1]
    return basis[:maxiter].T @ y, maxiter, False


def _gmres_corrector(A, factors, working, maxiter):
    """``r -> (fl_u(d), iterations, met)``: float64 GMRES on ``U^-1 L^-1 P A d = U^-1 L^-1 P r``."""
    tol = math.sqrt(working.unit_roundoff)

    def correct(r):
        preconditioned = solve_factored(factors, r, FLOAT64)
        d, iterations, met = _gmres(lambda v: solve_factored(factors, A @ v, FLOAT64),
                                    preconditioned, tol, maxiter)
        return np.asarray(_fl(d, working)), iterations, met

    return correct


def _iterate(A, b, factors, working, residual, maxiter, tolerance, history,
             correct) -> RefinementResult:
    A_residual = _fl(A, residual)
    x = solve_factored(factors, _fl(b, working), working)
    history.record(x)
    previous = math.inf
    for step in range(1, maxiter + 1):
        r = _fl(_residual(A, A_residual, b, x, residual), working)
        d = _correction(correct, r, history)
        if d is None:
            return _finish(x, "stagnated", step - 1, history, factors,
                           f"GMRES missed its tolerance in {history.inner[-1]} iterations at "
                           f"step {step}: the factors in {factors.fmt} no longer precondition "
                           "A (kappa(A) u_f far above 1)")
        x = np.asarray(_fl(x + d, working))
        history.record(x)
        size = _norm(d)
        history.corrections.append(size / _norm(x) if _norm(x) > 0 else size)
        if not np.isfinite(x).all():
            return _finish(x, "diverged", step, history, factors,
                           f"the iterate overflowed {working} at step {step}")
        if history.corrections[-1] <= tolerance:
            return _finish(x, "converged", step, history, factors,
                           f"converged in {step} steps: the last correction was "
                           f"{history.corrections[-1]:.2g} relative to x (tol {tolerance:.2g})")
        if size > _CONTRACTION * previous:
            if history.corrections[-1] <= x.size * working.unit_roundoff:
                return _finish(x, "converged", step, history, factors,
                               f"converged to the limiting accuracy in {step} steps: the "
                               f"corrections stopped shrinking at {history.corrections[-1]:.2g} "
                               f"relative to x, below n u = {x.size * working.unit_roundoff:.2g}, "
                               "the rounding noise of the solves")
            status = "diverged" if size > previous else "stagnated"
            return _finish(x, status, step, history, factors,
                           f"{status} at step {step}: the correction went from {previous:.3g} "
                           f"to {size:.3g}; kappa(A) u_f is probably not below 1 "
                           f"(u_f = {factors.fmt.unit_roundoff:.3g} for {factors.fmt}), or x "
                           f"reached its limiting accuracy, about kappa(A) u_r (u_r = "
                           f"{residual.unit_roundoff:.3g} for {residual})")
        previous = size
    return _finish(x, "maxiter", maxiter, history, factors,
                   f"no convergence in {maxiter} steps (last correction "
                   f"{history.corrections[-1]:.2g} relative to x, tol {tolerance:.2g})")


def _correction(correct, r, history):
    """The correction for ``r``; None when GMRES missed its tolerance."""
    if not np.isfinite(r).all():
        return r  # makes x non-finite: "diverged"
    d, iterations, met = correct(r)
    if iterations is not None:
        history.inner.append(iterations)
    return d if met else None


def _finish(x, status, iterations, history, factors, message) -> RefinementResult:
    limit = history.limiting_accuracy
    if limit > 10 * history.working.unit_roundoff:
        reach = ("x may have no correct digit" if limit >= 1 else
                 f"x is accurate to about {limit:.2g}, not to the working precision's "
                 f"{history.working.unit_roundoff:.2g}")
        message += (f"; note: cond(A) = {history.condition:.2g}, so with residuals in the "
                    f"residual precision {reach}")
    return RefinementResult(
        x=x, status=status, converged=status == "converged", iterations=iterations,
        forward_errors=np.array(history.forward), backward_errors=np.array(history.backward),
        corrections=np.array(history.corrections), factorization=factors, message=message,
        condition=history.condition, limiting_accuracy=history.limiting_accuracy,
        gmres_iterations=tuple(history.inner))
