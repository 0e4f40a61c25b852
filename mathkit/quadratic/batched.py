r"""Many small quadratic forms minimized at once: :func:`minimize_batch`.

For a stack of problems ``f_k(x) = x^T A_k x + b_k^T x + c_k`` (``k < B``, each
``A_k`` of size ``n x n``, replaced by its symmetric part ``(A_k + A_k^T)/2``),
:func:`minimize_batch` returns every minimizer, minimum and status in arrays.

Each problem is first factored by Cholesky, ``S_k = L_k L_k^T``; it is
accepted as ``"optimal"`` when every pivot ``L_jj^2`` exceeds
``tol_k = n eps max_i (S_k)_ii``, and then ``x_k = -\tfrac12 S_k^{-1} b_k`` by
two triangular solves. The others (indefinite, semidefinite or nearly so) go to
an eigendecomposition ``S_k = V \Lambda V^T`` with the tolerance of
:func:`~mathkit.quadratic.classify` (``|lambda| <= n eps max|lambda|`` counts as
zero), which gives the minimum-norm stationary point ``x_k = -\tfrac12 S_k^+ b_k``
and the status. The engines:

- ``"numpy"`` (the reference): :func:`numpy.linalg.cholesky` on the stack and
  triangular solves vectorized over the stack;
- ``"numba"``: one compiled loop over the problems (``prange``), a Cholesky
  factorization and two triangular solves per problem in registers; the
  problems it flags are finished by the same numpy eigen-fallback;
- ``"cupy"``: the same steps on the GPU, written once over an array namespace
  in :mod:`mathkit.quadratic._device_batched` (batched ``cholesky``, factors
  verified per problem, triangular solves vectorized over the stack, ``eigh``
  on the problems that fail). CuPy in, CuPy out; numpy input sent to the GPU
  comes back as numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from mathkit._backend import is_cupy_array, resolve_backend
from mathkit._validate import check_finite_array, check_shape

__all__ = ["BatchResult", "minimize_batch"]

EPS = float(np.finfo(np.float64).eps)
#: Status codes of :attr:`BatchResult.status`: ``BatchResult.STATUSES[code]`` is the name.
OPTIMAL, OPTIMAL_SET, UNBOUNDED = 0, 1, 2


@dataclass(frozen=True)
class BatchResult:
    """What :func:`minimize_batch` found, one entry per problem.

    Attributes
    ----------
    x : numpy.ndarray or cupy.ndarray of shape (B, n)
        Arrays of the input's library (CuPy in, CuPy out), as are ``value``
        and ``status``.
        ``"optimal"``: the unique minimizer ``-A^{-1} b / 2``.
        ``"optimal_set"``: the minimizer of least norm ``-A^+ b / 2``.
        ``"unbounded"``: the least-squares stationary point ``-A^+ b / 2``
        (the same formula; :func:`~mathkit.quadratic.minimize` with
        ``method="lstsq"`` returns the same point). Never NaN.
    value : array of shape (B,)
        The minimum ``f(x) = c + b^T x / 2`` (``f`` at a stationary point);
        ``-inf`` for ``"unbounded"`` (the infimum).
    status : array of shape (B,) and dtype int8
        Status codes: ``0`` = ``"optimal"``, ``1`` = ``"optimal_set"``,
        ``2`` = ``"unbounded"``; ``BatchResult.STATUSES[code]`` is the name,
        :attr:`status_names` the names of all.
    backend : str
        The engine that ran: ``"numpy"``, ``"numba"`` or ``"cupy"``.

    Examples
    --------
    >>> import numpy as np
    >>> from mathkit.quadratic import minimize_batch
    >>> A = np.array([np.eye(2), np.diag([1.0, -1.0])])
    >>> result = minimize_batch(A, np.ones((2, 2)), backend="numpy")
    >>> result.status.tolist(), result.status_names.tolist()
    ([0, 2], ['optimal', 'unbounded'])
    >>> BatchResult.STATUSES
    ('optimal', 'optimal_set', 'unbounded')
    """

    x: np.ndarray
    value: np.ndarray
    status: np.ndarray
    backend: str

    STATUSES: ClassVar[tuple[str, str, str]] = ("optimal", "optimal_set", "unbounded")

    @property
    def status_names(self) -> np.ndarray:
        """The statuses as strings, shape (B,) (a numpy array, also for CuPy results)."""
        from mathkit.quadratic.device import to_host

        return np.array(self.STATUSES)[to_host(self.status)]

    def __len__(self) -> int:
        return len(self.value)


def _readonly(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def _float_stack(A) -> np.ndarray:
    """``A`` as float64 without the finiteness pass (the numba kernel checks that)."""
    try:
        array = np.asarray(A)
    except (TypeError, ValueError):
        array = None
    if array is None or array.dtype.kind not in "biuf":
        return check_finite_array(A, "A")  # raises the TypeError
    return array.astype(np.float64, copy=False)


def _check_inputs(A, b, c, check_A: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs as C-contiguous float64 of matching shapes; ``check_A=False`` leaves
    the finiteness of ``A`` to the numba kernel."""
    A = check_finite_array(A, "A") if check_A else _float_stack(A)
    if A.ndim != 3 or A.shape[1] != A.shape[2]:
        msg = f"A must be a stack of square matrices of shape (B, n, n), got shape {A.shape}"
        raise ValueError(msg)
    count, n = A.shape[0], A.shape[1]
    if n == 0:
        msg = f"A must hold matrices of at least 1 x 1, got shape {A.shape}"
        raise ValueError(msg)
    b = check_shape(check_finite_array(b, "b"), "b", (count, n))
    if c is None:
        c = np.zeros(1)
    elif isinstance(c, bool | np.bool_):  # as for QuadraticForm's c
        msg = f"c must be a real number or an array of them, got bool {c}"
        raise TypeError(msg)
    else:
        c = check_finite_array(c, "c")
        c = c.reshape(1) if c.ndim == 0 else check_shape(c, "c", (count,))
    # c has shape (B,), or (1,) when one constant serves every problem
    return np.ascontiguousarray(A), np.ascontiguousarray(b), np.ascontiguousarray(c)


def _symmetric_part(A: np.ndarray) -> np.ndarray:
    return 0.5 * A + 0.5 * np.swapaxes(A, 1, 2)


def _stack_cholesky(S: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower Cholesky factors of the stack and where they exist.

    :func:`numpy.linalg.cholesky` raises for the whole stack when one matrix is
    not positive definite, so a failing block is split in halves until the
    failures are isolated (``O(k log B)`` calls for ``k`` failures). Matrices
    with a diagonal entry ``<= 0`` are not tried.
    """
    L = np.zeros_like(S)
    diagonal = np.diagonal(S, axis1=1, axis2=2)
    exists = (diagonal > 0).all(axis=1)
    candidates = np.flatnonzero(exists)
    pending = [(0, candidates.size)]
    while pending:
        lo, hi = pending.pop()
        if lo == hi:
            continue
        chosen = candidates[lo:hi]
        try:
            L[chosen] = np.linalg.cholesky(S[chosen])
        except np.linalg.LinAlgError:
            if hi - lo == 1:
                exists[chosen] = False
            else:
                middle = (lo + hi) // 2
                pending.extend([(lo, middle), (middle, hi)])
    return L, exists


def _triangular_solves(L: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``x`` with ``L L^T x = -b/2`` for the stacks ``L`` (B, n, n) and ``b`` (B, n)."""
    count, n = b.shape
    y = np.empty((count, n))
    for i in range(n):  # L y = -b/2
        known = np.einsum("kj,kj->k", L[:, i, :i], y[:, :i])
        y[:, i] = (-0.5 * b[:, i] - known) / L[:, i, i]
    x = np.empty((count, n))
    for i in range(n - 1, -1, -1):  # L^T x = y
        known = np.einsum("kj,kj->k", L[:, i + 1:, i], x[:, i + 1:])
        x[:, i] = (y[:, i] - known) / L[:, i, i]
    return x


def _cholesky_numpy(A: np.ndarray, b: np.ndarray, c: np.ndarray):
    """``(x, value, ok)``: the numpy reference of the numba kernel (``ok`` False -> fallback)."""
    count, n = b.shape
    S = _symmetric_part(A)
    L, ok = _stack_cholesky(S)
    diagonal = np.diagonal(S, axis1=1, axis2=2)
    tol = n * EPS * diagonal.max(axis=1, initial=0.0)
    pivots = np.diagonal(L, axis1=1, axis2=2) ** 2
    ok &= (pivots > tol[:, None]).all(axis=1)
    x = np.zeros((count, n))
    value = np.zeros(count)
    index = np.flatnonzero(ok)
    if index.size:
        Lk, bk = L[index], b[index]
        with np.errstate(over="ignore", invalid="ignore"):  # overflow: `finite` below
            xk = _triangular_solves(Lk, bk)
            fk = c[index] + 0.5 * np.einsum("kj,kj->k", bk, xk)
        finite = np.isfinite(fk) & np.isfinite(xk).all(axis=1)
        x[index[finite]] = xk[finite] + 0.0
        value[index[finite]] = fk[finite] + 0.0
        ok[index[~finite]] = False
    return x, value, ok


def _row_norms(rows: np.ndarray) -> np.ndarray:
    """2-norms of the rows without overflow or underflow (scaled by the largest entry)."""
    largest = np.abs(rows).max(axis=1, initial=0.0)
    scale = np.where(largest > 0, largest, 1.0)
    return largest * np.linalg.norm(rows / scale[:, None], axis=1)


def _eigen_fallback(A: np.ndarray, b: np.ndarray, c: np.ndarray, index: np.ndarray,
                    x: np.ndarray, value: np.ndarray, status: np.ndarray) -> None:
    """Fill ``x``, ``value``, ``status`` at ``index`` from eigendecompositions (in place).

    The thresholds are those of :mod:`mathkit.quadratic.classify`: an eigenvalue
    counts as zero when ``|lambda| <= n eps max|lambda|``, and ``b`` lies in the
    range when its nullspace component is at most ``tol / lambda_+ ||b||``.
    """
    if index.size == 0:
        return
    n = b.shape[1]
    S, bk = _symmetric_part(A[index]), b[index]
    eigenvalues, V = np.linalg.eigh(S)
    threshold = n * EPS * np.abs(eigenvalues).max(axis=1)
    positive = eigenvalues > threshold[:, None]
    negative = eigenvalues < -threshold[:, None]
    zero = ~(positive | negative)
    coefficients = np.einsum("kji,kj->ki", V, bk)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow: _check_representable
        scaled = np.where(zero, 0.0, coefficients / np.where(zero, 1.0, eigenvalues))
        xk = -0.5 * np.einsum("kij,kj->ki", V, scaled) + 0.0
    norm_b = _row_norms(bk)
    nullspace_part = _row_norms(np.where(zero, coefficients, 0.0))
    smallest = np.where(zero, np.inf, np.abs(eigenvalues)).min(axis=1)
    resolution = 10 * n * float(np.finfo(np.float64).smallest_subnormal)
    with np.errstate(divide="ignore", invalid="ignore"):
        allowed = np.where(np.isinf(smallest), 0.0, threshold / smallest * norm_b + resolution)
    consistent = np.where(np.isinf(smallest), norm_b == 0.0, nullspace_part <= allowed)
    codes = np.full(index.size, OPTIMAL, dtype=np.int8)
    codes[zero.any(axis=1)] = OPTIMAL_SET
    codes[negative.any(axis=1) | (zero.any(axis=1) & ~consistent)] = UNBOUNDED
    with np.errstate(over="ignore", invalid="ignore"):
        fk = c[index] + 0.5 * np.einsum("kj,kj->k", bk, xk)
    x[index] = xk
    value[index] = np.where(codes == UNBOUNDED, -math.inf, fk + 0.0)
    status[index] = codes


def _check_representable(x: np.ndarray, value: np.ndarray, status: np.ndarray) -> None:
    """Raise if a minimizer or a finite minimum overflowed float64 (never return inf or NaN)."""
    bad = ~np.isfinite(x).all(axis=1) | ~(np.isfinite(value) | (status == UNBOUNDED))
    if bad.any():
        k = int(np.argmax(bad))
        msg = (f"problem {k} overflows float64: its minimizer or minimum is beyond 1.8e308 "
               f"(got x = {x[k].tolist()}, value = {value[k]}); b[{k}] is too large for A[{k}] "
               f"(|x| ~ ||b|| / (2 lambda_min)) or c[{k}]: rescale them")
        raise ValueError(msg)


def minimize_batch(A, b, c=None, backend: str = "auto") -> BatchResult:
    r"""Minimize a stack of quadratic forms ``f_k(x) = x^T A_k x + b_k^T x + c_k`` at once.

    Parameters
    ----------
    A : array_like or cupy.ndarray of shape (B, n, n)
        The matrices; each is replaced by its symmetric part
        ``(A_k + A_k^T)/2`` (which leaves ``f_k`` unchanged).
    b : array_like of shape (B, n)
        The linear parts (a CuPy array when ``A`` is one).
    c : array_like of shape (B,) or a real number, optional
        The constants; zeros by default (a number applies to every problem).
    backend : {"auto", "numpy", "numba", "cupy"}
        The engine (see :mod:`mathkit._backend`). ``"auto"`` asks
        ``resolve_backend(size=B * n * n, array=A)``: CuPy for CuPy input or a
        large stack when a GPU works, numpy for small stacks, numba otherwise.
        A CuPy ``A`` with ``"numpy"`` or ``"numba"`` is solved on a host copy.

    Returns
    -------
    BatchResult
        ``x`` (B, n), ``value`` (B,), ``status`` (B,) int8 codes
        (``BatchResult.STATUSES[code]``: 0 ``"optimal"``, 1 ``"optimal_set"``,
        2 ``"unbounded"``) and the engine that ran; CuPy arrays for CuPy
        ``A``, else numpy.

    Raises
    ------
    TypeError
        If ``A``, ``b`` or ``c`` is not numeric, or ``backend`` not a string.
    ValueError
        If ``A`` is not of shape (B, n, n) with ``n >= 1``, ``b`` not (B, n),
        ``c`` not (B,), an entry is NaN or infinite, or ``backend`` unknown;
        if a minimizer or a finite minimum overflows float64 (``b_k`` huge
        for a nearly singular ``A_k``: rescale the problem).
    BackendUnavailableError
        If the engine asked for by name cannot run here (``"cupy"`` without
        CuPy or a GPU).

    Notes
    -----
    With ``S = (A + A^T)/2`` positive definite the unique minimizer is
    ``x^* = -\tfrac12 S^{-1} b`` and the minimum ``f^* = c + \tfrac12 b^T x^*``
    (Nocedal and Wright, *Numerical Optimization*, 2nd ed., 2006, ch. 2).

    A problem is ``"optimal"`` when its Cholesky factorization ``S = L L^T``
    has every pivot ``L_jj^2 > n eps max_i S_ii``; its ``x`` then has the
    accuracy of a backward-stable solve: ``||x - x^*|| <= c_n eps kappa(S)
    ||x^*||``, and ``||2 S x + b|| <= c_n eps (||S|| ||x|| + ||b||)`` (Higham,
    *Accuracy and Stability of Numerical Algorithms*, 2nd ed., 2002, ch. 10).
    The numpy and numba engines factor in different orders, so their ``x``
    agree to that bound, not bit for bit (the tests hold them to
    ``10 n eps kappa(S)``). The pivot test is necessary, not sufficient, for
    :func:`~mathkit.quadratic.classify` to call ``A`` positive definite: a
    matrix with ``kappa(S)`` beyond about ``1 / (n eps)`` whose pivots pass is
    reported ``"optimal"`` (its ``x`` solves the rounded problem), where
    :func:`~mathkit.quadratic.minimize` would use the minimum-norm solution.

    Every other problem is classified by its eigenvalues with the tolerance of
    :func:`~mathkit.quadratic.classify` (``|lambda| <= n eps max|lambda|``
    counts as zero): ``"optimal_set"`` when ``S`` is positive semidefinite and
    ``b`` in its range, else ``"unbounded"``; ``x = -\tfrac12 S^+ b`` in both
    cases, as :func:`~mathkit.quadratic.minimize` with ``method="lstsq"``.
    This path is numpy for both CPU engines, and slow (a Python loop per
    failing block) only when most of a large stack is not positive definite.

    The ``"cupy"`` engine does the same on the GPU: a batched Cholesky
    factorization, accepted per problem by the same pivot test (and a check
    that the factor reproduces ``S``, since a failed factorization on the GPU
    gives NaN or a partial factor instead of an error), and ``eigh`` with the
    same tolerance on the problems that fail. Its statuses are those of the
    numpy engine (problems within rounding of a tolerance aside: cuSOLVER
    rounds differently from LAPACK), and its ``x`` agrees to the bound above
    (the tests run the same code on numpy and JAX arrays on the CPU, and
    CuPy against numba on a GPU).

    Examples
    --------
    >>> import numpy as np
    >>> from mathkit.quadratic import minimize_batch
    >>> A = np.array([[[2.0, 0.0], [0.0, 1.0]],
    ...               [[1.0, 0.0], [0.0, 0.0]],
    ...               [[1.0, 0.0], [0.0, 0.0]]])
    >>> b = np.array([[-4.0, 2.0], [2.0, 0.0], [2.0, 1.0]])
    >>> result = minimize_batch(A, b, c=[1.0, 0.0, 0.0], backend="numpy")
    >>> result.x.round(12).tolist()
    [[1.0, -1.0], [-1.0, 0.0], [-1.0, 0.0]]
    >>> result.value.round(12).tolist()
    [-2.0, -1.0, -inf]
    >>> result.status_names.tolist()
    ['optimal', 'optimal_set', 'unbounded']

    The numba engine gives the same answers:

    >>> fast = minimize_batch(A, b, c=[1.0, 0.0, 0.0], backend="numba")
    >>> bool(np.allclose(fast.x, result.x)), fast.status.tolist(), fast.backend
    (True, [0, 1, 2], 'numba')

    With CuPy arrays (on a GPU) the work stays there and so do the results:

    >>> import cupy  # doctest: +SKIP
    >>> gpu = minimize_batch(cupy.asarray(A), cupy.asarray(b))  # doctest: +SKIP
    >>> type(gpu.x).__name__, gpu.backend, gpu.status_names.tolist()  # doctest: +SKIP
    ('ndarray', 'cupy', ['optimal', 'optimal_set', 'unbounded'])
    """
    if is_cupy_array(A):
        return _cupy_input(A, b, c, backend)
    A, b, c = _check_inputs(A, b, c, check_A=False)
    count, n = b.shape
    shared_c = c.shape[0] == 1 and count != 1
    engine = resolve_backend(backend, size=count * n * n)
    if engine == "cupy":
        check_finite_array(A, "A")
        return _numpy_on_gpu(A, b, np.broadcast_to(c, (count,)))
    if engine == "numba":
        import numba

        from mathkit.quadratic import _numba

        x, value = np.empty((count, n)), np.empty(count)
        codes = np.empty(count, dtype=np.int8)
        if count:
            blocks = min(count, 16 * numba.get_num_threads())
            _numba.kernel_for(n)(A, b, c, 0 if shared_c else 1, x, value, codes, blocks)
        if (codes == _numba.BAD_INPUT).any():
            check_finite_array(A, "A")  # raises, naming the first non-finite entry
        ok = codes == _numba.SOLVED
        c = np.broadcast_to(c, (count,))
    else:
        check_finite_array(A, "A")
        c = np.broadcast_to(c, (count,))
        x, value, ok = _cholesky_numpy(A, b, c)
    status = np.zeros(count, dtype=np.int8)
    _eigen_fallback(A, b, c, np.flatnonzero(~ok), x, value, status)
    _check_representable(x, value, status)
    return BatchResult(_readonly(x), _readonly(value), _readonly(status), engine)


def _cupy_input(A, b, c, backend: str) -> BatchResult:
    """CuPy in, CuPy out: the GPU engine, or a host engine asked for by name on a copy."""
    from mathkit.quadratic import _device_batched
    from mathkit.quadratic.device import namespace, to_host

    engine = resolve_backend(backend, array=A)
    if engine == "cupy":
        return BatchResult(*_device_batched.solve_stack(*_device_batched.device_inputs(A, b, c)),
                           backend="cupy")
    host = minimize_batch(to_host(A), to_host(b), None if c is None else to_host(c), engine)
    xp = namespace(A)
    return BatchResult(xp.asarray(host.x), xp.asarray(host.value), xp.asarray(host.status),
                       engine)


def _numpy_on_gpu(A: np.ndarray, b: np.ndarray, c: np.ndarray) -> BatchResult:
    """numpy in, numpy out, solved on the GPU."""
    import cupy

    from mathkit.quadratic import _device_batched

    x, value, status = (cupy.asnumpy(part) for part in _device_batched.solve_stack(
        cupy.asarray(A), cupy.asarray(b), cupy.asarray(c)))
    _check_representable(x, value, status)
    return BatchResult(*(_readonly(part) for part in (x, value, status)), backend="cupy")
