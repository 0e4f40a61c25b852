"""Quadratic forms ``f(x) = x^T A x + b^T x + c`` with a symmetric ``A``.

:class:`QuadraticForm` holds ``(A, b, c)`` in one of four representations:

- ``"dense"``: a numpy array (anything :func:`numpy.asarray` turns into a
  real square matrix);
- ``"sparse"``: a :mod:`scipy.sparse` matrix or array (kept in CSR format);
- ``"operator"``: a :class:`scipy.sparse.linalg.LinearOperator`, used only
  through products ``A @ v`` (matrix-free);
- ``"exact"``: a sympy ``Matrix``; then ``b``, ``c`` and every result are
  exact sympy objects;
- ``"device"``: a CuPy array or ``cupyx.scipy.sparse`` matrix (JAX arrays
  too), kept in its library; see :mod:`mathkit.quadratic.device`.

A non-symmetric ``A`` is replaced by its symmetric part ``(A + A^T) / 2``.
This does not change ``f``: ``x^T A x`` is a scalar, so it equals its
transpose ``x^T A^T x`` and hence ``x^T (A + A^T)/2 x``. With the symmetric
``A``, the gradient is ``2 A x + b`` and the Hessian ``2 A``.
"""

from __future__ import annotations

import numbers
import sys
from collections.abc import Sequence

import numpy as np

from mathkit._validate import _describe, _is_real_number, check_finite_array

__all__ = ["QuadraticForm"]

#: Largest ``n`` for which sparse and operator forms are made dense when a
#: method needs the whole matrix (eigenvalues, a factorization).
DENSE_LIMIT = 2000

_KINDS = ("dense", "sparse", "operator", "exact")


def _sympy():
    import sympy

    return sympy


def _is_sympy_matrix(value) -> bool:
    sympy = sys.modules.get("sympy")
    return sympy is not None and isinstance(value, sympy.MatrixBase)


def _is_sympy_object(value) -> bool:
    sympy = sys.modules.get("sympy")
    return sympy is not None and isinstance(value, sympy.Basic)


def _is_sparse(value) -> bool:
    sparse = sys.modules.get("scipy.sparse")
    return sparse is not None and sparse.issparse(value)


def _is_operator(value) -> bool:
    linalg = sys.modules.get("scipy.sparse.linalg")
    return linalg is not None and isinstance(value, linalg.LinearOperator)


def _wants_exact(A) -> bool:
    """A sympy Matrix, or nested lists / object arrays of exact numbers, some not ints."""
    if _is_sympy_matrix(A):
        return True
    if _is_sparse(A) or _is_operator(A) or (isinstance(A, np.ndarray) and A.dtype != object):
        return False
    try:
        entries = np.asarray(A, dtype=object).ravel()
    except (TypeError, ValueError):
        return False
    seen_exact = False
    for entry in entries:
        if _is_sympy_object(entry):
            seen_exact = True
        elif isinstance(entry, numbers.Rational) and not isinstance(entry, bool):
            seen_exact = seen_exact or not isinstance(entry, numbers.Integral)
        else:
            return False
    return seen_exact


def safe_norm(vector: np.ndarray) -> float:
    """The 2-norm without underflow or overflow (scaled by the largest entry)."""
    vector = np.asarray(vector, dtype=np.float64)
    largest = float(np.abs(vector).max()) if vector.size else 0.0
    if largest == 0.0 or not np.isfinite(largest):
        return largest
    return largest * float(np.linalg.norm(vector / largest))


def value_at(form: QuadraticForm, x: np.ndarray, name: str, hint: str) -> float:
    """``f(x)`` at one float point of a numeric form (see ``QuadraticForm._values``)."""
    return float(form._values(np.reshape(x, (1, form.n)), name, hint)[0])


def float_array(x, name: str) -> np.ndarray:
    """``x`` as a finite float64 array; sympy numbers and Fractions are converted."""
    try:
        return check_finite_array(x, name)
    except TypeError:
        try:
            array = np.asarray(x, dtype=object)
        except (TypeError, ValueError):
            raise
        if array.dtype != object or not all(_is_real_number(v) for v in array.ravel()):
            raise
        return check_finite_array(np.vectorize(float, otypes=[np.float64])(array), name)


def _check_exact_entry(value, name: str, where: str):
    sympy = _sympy()
    try:
        entry = sympy.sympify(value, strict=True)
    except (sympy.SympifyError, TypeError):
        msg = f"{name} must have numeric or symbolic sympy entries, got {_describe(value)}{where}"
        raise TypeError(msg) from None
    if isinstance(entry, sympy.MatrixBase) or not isinstance(entry, sympy.Expr):
        msg = f"{name} must have scalar entries, got {_describe(value)}{where}"
        raise TypeError(msg)
    if entry.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        msg = f"{name} must be finite, got {entry}{where}"
        raise ValueError(msg)
    if entry.is_extended_real is False:
        msg = f"{name} must have real entries, got {entry}{where}"
        raise TypeError(msg)
    return entry


def _exact_matrix(A, name: str = "A"):
    sympy = _sympy()
    if not _is_sympy_matrix(A):
        array = np.asarray(A, dtype=object)
        if array.ndim != 2:
            msg = f"{name} must be a square matrix, got shape {array.shape}"
            raise ValueError(msg)
        A = sympy.Matrix(array.tolist())
    rows, cols = A.shape
    if rows != cols:
        msg = f"{name} must be a square matrix, got shape {(rows, cols)}"
        raise ValueError(msg)
    if rows == 0:
        msg = f"{name} must be at least 1 x 1, got shape (0, 0)"
        raise ValueError(msg)
    entries = [
        [_check_exact_entry(A[i, j], name, f" at index {(i, j)}") for j in range(cols)]
        for i in range(rows)
    ]
    matrix = sympy.Matrix(entries)
    symmetrized = matrix != matrix.T
    if symmetrized:
        matrix = (matrix + matrix.T) / 2
    return sympy.ImmutableMatrix(matrix), symmetrized


def _exact_vector(b, n: int, name: str = "b"):
    sympy = _sympy()
    if b is None:
        return sympy.ImmutableMatrix.zeros(n, 1)
    if _is_sympy_matrix(b):
        if 1 not in b.shape or len(b) != n:
            msg = f"{name} must have shape ({n},), got {b.shape}"
            raise ValueError(msg)
        entries = list(b)
    else:
        array = np.asarray(b, dtype=object)
        if array.shape != (n,):
            msg = f"{name} must have shape ({n},), got {array.shape}"
            raise ValueError(msg)
        entries = list(array)
    values = [_check_exact_entry(v, name, f" at index ({i},)") for i, v in enumerate(entries)]
    return sympy.ImmutableMatrix(n, 1, values)


def _check_scalar(c, exact: bool):
    if exact:
        if isinstance(c, bool):
            msg = f"c must be a number, got {_describe(c)}"
            raise TypeError(msg)
        return _check_exact_entry(c, "c", "")
    if not _is_real_number(c):
        msg = f"c must be a real number, got {type(c).__name__} {_describe(c)}"
        raise TypeError(msg)
    value = float(c)
    if not np.isfinite(value):
        msg = f"c must be finite, got {value}"
        raise ValueError(msg)
    return value


def _dense_matrix(A):
    array = check_finite_array(A, "A")
    if array.ndim != 2 or array.shape[0] != array.shape[1]:
        msg = f"A must be a square matrix, got shape {array.shape}"
        raise ValueError(msg)
    if array.shape[0] == 0:
        msg = "A must be at least 1 x 1, got shape (0, 0)"
        raise ValueError(msg)
    symmetrized = not np.array_equal(array, array.T)
    array = 0.5 * array + 0.5 * array.T if symmetrized else array.copy()
    array.setflags(write=False)
    return array, symmetrized


def _sparse_matrix(A):
    shape = A.shape
    if len(shape) != 2 or shape[0] != shape[1]:
        msg = f"A must be a square matrix, got shape {shape}"
        raise ValueError(msg)
    if shape[0] == 0:
        msg = "A must be at least 1 x 1, got shape (0, 0)"
        raise ValueError(msg)
    if np.dtype(A.dtype).kind not in "biuf":
        msg = f"A must be a sparse matrix of real numbers, got dtype {A.dtype}"
        raise TypeError(msg)
    matrix = A.tocsr().astype(np.float64, copy=True)
    matrix.sum_duplicates()
    bad = ~np.isfinite(matrix.data)
    if bad.any():
        coo = matrix.tocoo()
        first = int(np.argmax(~np.isfinite(coo.data)))
        where = (int(coo.row[first]), int(coo.col[first]))
        msg = f"A must be finite, got {coo.data[first]} at index {where}"
        raise ValueError(msg)
    difference = matrix - matrix.T
    symmetrized = difference.count_nonzero() > 0
    if symmetrized:
        matrix = (0.5 * matrix + 0.5 * matrix.T).tocsr()
    matrix.eliminate_zeros()
    matrix.sort_indices()
    return matrix, symmetrized


def _operator(A):
    from scipy.sparse.linalg import LinearOperator

    shape = A.shape
    if len(shape) != 2 or shape[0] != shape[1]:
        msg = f"A must be a square operator, got shape {shape}"
        raise ValueError(msg)
    n = shape[0]
    if n == 0:
        msg = "A must be at least 1 x 1, got shape (0, 0)"
        raise ValueError(msg)
    dtype = np.dtype(A.dtype) if A.dtype is not None else np.dtype(np.float64)
    if dtype.kind not in "biuf":
        msg = f"A must be a real operator, got dtype {dtype}"
        raise TypeError(msg)
    # Symmetry probe: u^T (A v) = v^T (A u) for a symmetric A, up to rounding.
    probe = np.random.default_rng(0x5EED).standard_normal((2, n))
    u, v = probe
    Au, Av = _operator_product(A, u), _operator_product(A, v)
    scale = np.linalg.norm(u) * np.linalg.norm(Av) + np.linalg.norm(v) * np.linalg.norm(Au)
    if abs(u @ Av - v @ Au) <= 1e3 * n * np.finfo(np.float64).eps * scale:
        return A, False
    try:
        _operator_product(A, u, adjoint=True)
    except NotImplementedError:
        msg = (
            "A must be symmetric: the LinearOperator gives u^T A v != v^T A u, and it has no "
            "rmatvec to form (A + A^T)/2 with"
        )
        raise ValueError(msg) from None

    def symmetric_part(x):
        return 0.5 * A.matvec(x) + 0.5 * A.rmatvec(x)

    return LinearOperator((n, n), matvec=symmetric_part, rmatvec=symmetric_part,
                          dtype=np.float64), True


def _operator_product(A, v, adjoint: bool = False) -> np.ndarray:
    try:
        result = A.rmatvec(v) if adjoint else A.matvec(v)
    except ValueError as error:  # scipy's reshape of a wrongly shaped result
        msg = f"A @ v must give a finite vector of shape {v.shape}, but it failed: {error}"
        raise ValueError(msg) from None
    result = np.asarray(result, dtype=np.float64).reshape(-1)
    if result.shape != v.shape or not np.isfinite(result).all():
        msg = (
            f"A @ v must give a finite vector of shape {v.shape}, got "
            f"{_describe(result)} (non-finite values or the wrong shape)"
        )
        raise ValueError(msg)
    return result


class QuadraticForm:
    r"""The quadratic function ``f(x) = x^T A x + b^T x + c`` with ``A`` symmetric.

    Parameters
    ----------
    A : array_like, scipy.sparse matrix, scipy LinearOperator or sympy Matrix
        The ``n x n`` matrix of the quadratic part. Dense input (lists,
        numpy arrays; integer and bool entries too) is stored as float64. A
        sparse matrix is stored in CSR format. A LinearOperator is used only
        through ``A @ v`` (matrix-free); it must be symmetric, or provide
        ``rmatvec`` so that its symmetric part can be formed. A sympy
        ``Matrix`` (or a nested list of sympy numbers and Fractions) makes
        the form **exact**: ``b``, ``c`` and all results are then sympy
        objects; entries may be symbols, but classifying and minimizing need
        numbers. A CuPy array or cupyx.scipy.sparse matrix stays on the GPU
        (``b`` is moved there too): conjugate gradients only, see
        :mod:`mathkit.quadratic.device`.
    b : array_like of shape (n,), optional
        The linear part; zeros by default.
    c : real number, default 0
        The constant.

    Attributes
    ----------
    A : numpy.ndarray, scipy.sparse matrix, LinearOperator, sympy.ImmutableMatrix or CuPy array
        The symmetric matrix (read-only array for dense forms).
    b : numpy.ndarray of shape (n,) or sympy.ImmutableMatrix of shape (n, 1)
    c : float or sympy.Expr
    n : int
        The number of variables.
    kind : {"dense", "sparse", "operator", "exact", "device"}
    exact : bool
        Whether the form is exact (sympy).
    symmetrized : bool
        Whether the given ``A`` was not symmetric and was replaced by
        ``(A + A^T) / 2``.
    variables : tuple of sympy.Symbol or None
        The variables of the polynomial the form was made from, if any.

    Raises
    ------
    TypeError
        If ``A``, ``b`` or ``c`` is not numeric (strings, complex numbers,
        objects).
    ValueError
        If ``A`` is not square, ``b`` does not have shape ``(n,)``, or an
        entry is NaN or infinite.

    Notes
    -----
    Replacing ``A`` by ``(A + A^T)/2`` leaves ``f`` unchanged, since
    ``x^T A x = x^T A^T x``. With symmetric ``A``,

    .. math::

        \nabla f(x) = 2 A x + b, \qquad \nabla^2 f = 2 A,

    and when ``A`` is positive definite the unique minimizer and minimum are
    ``x^* = -\tfrac12 A^{-1} b`` and ``f^* = c - \tfrac14 b^T A^{-1} b``
    (Nocedal and Wright, *Numerical Optimization*, 2nd ed., 2006, ch. 2 and 5;
    note their convention ``\tfrac12 x^T A x - b^T x``).

    Examples
    --------
    >>> import numpy as np
    >>> q = QuadraticForm([[2, 1], [1, 2]], b=[1, -1], c=3)
    >>> float(q([1.0, 1.0]))
    9.0
    >>> q(np.zeros((4, 2))).shape
    (4,)
    >>> q.gradient([1.0, 1.0]).tolist()
    [7.0, 5.0]
    >>> QuadraticForm([[0, 2], [0, 0]]).A.tolist()
    [[0.0, 1.0], [1.0, 0.0]]

    Exact forms keep rationals:

    >>> import sympy
    >>> q = QuadraticForm(sympy.Matrix([[2, 1], [1, 2]]), [1, -1], 3)
    >>> q([sympy.Rational(1, 2), 0])
    4
    """

    def __init__(self, A, b=None, c=0):
        self._cache: dict = {}
        self._variables = None
        self.namespace = None
        from mathkit.quadratic import device

        if device.is_device(A):
            self.kind = "device"
            self.A, self.symmetrized, self.namespace = device.device_matrix(A)
            self.n = int(self.A.shape[0])
            self.b = device.device_vector(b, self.n, self.namespace)
            self.c = _check_scalar(c, exact=False)
            return
        if _wants_exact(A):
            self.kind = "exact"
            self.A, self.symmetrized = _exact_matrix(A)
            self.n = self.A.shape[0]
            self.b = _exact_vector(b, self.n)
            self.c = _check_scalar(c, exact=True)
            return
        if _is_sparse(A):
            self.kind = "sparse"
            self.A, self.symmetrized = _sparse_matrix(A)
        elif _is_operator(A):
            self.kind = "operator"
            self.A, self.symmetrized = _operator(A)
        else:
            self.kind = "dense"
            self.A, self.symmetrized = _dense_matrix(A)
        self.n = int(self.A.shape[0])
        if b is None:
            vector = np.zeros(self.n)
        else:
            vector = float_array(b, "b")
            if vector.shape != (self.n,):
                msg = f"b must have shape ({self.n},), got {vector.shape}"
                raise ValueError(msg)
            vector = vector.copy()
        vector.setflags(write=False)
        self.b = vector
        self.c = _check_scalar(c, exact=False)

    # -- basic properties -------------------------------------------------------

    @property
    def exact(self) -> bool:
        """Whether the form is exact (sympy)."""
        return self.kind == "exact"

    @property
    def variables(self):
        """The variables of the polynomial the form came from, or None."""
        return self._variables

    def __repr__(self) -> str:
        return f"QuadraticForm(n={self.n}, kind={self.kind!r})"

    def __neg__(self) -> QuadraticForm:
        """The form ``-f``: ``(-A, -b, -c)``, in the same representation."""
        form = QuadraticForm.__new__(QuadraticForm)
        form._cache = {}
        form._variables = self._variables
        form.kind, form.n, form.symmetrized = self.kind, self.n, False
        form.namespace = self.namespace
        if self.kind == "dense":
            matrix = -self.A
            matrix.setflags(write=False)
            form.A = matrix
        else:
            form.A = -self.A
        if self.exact or self.kind == "device":
            form.b = -self.b
        else:
            vector = -self.b
            vector.setflags(write=False)
            form.b = vector
        form.c = -self.c
        return form

    # -- products ---------------------------------------------------------------

    def matvec(self, v: np.ndarray) -> np.ndarray:
        """``A @ v`` for a float vector of shape ``(n,)`` (numeric forms)."""
        if self.kind == "operator":
            return np.asarray(self.A.matvec(v), dtype=np.float64).reshape(-1)
        if self.kind == "exact":
            return self._float_matrix() @ v
        return self.A @ v  # dense, sparse, and device arrays of their own library

    def norm_estimate(self) -> float:
        """An estimate of ``||A||_2``, cheap for every representation; cached.

        Dense and sparse: the infinity norm ``max_i sum_j |A_ij|`` (an upper
        bound, within a factor ``sqrt(n)``). Operators: ``||A v||`` after four
        steps of power iteration from a fixed random unit vector (a lower
        bound). Used as the scale of "zero curvature" in the iterative methods.

        Returns
        -------
        float

        Examples
        --------
        >>> QuadraticForm([[2.0, -1.0], [-1.0, 2.0]]).norm_estimate()
        3.0
        """
        if "norm" not in self._cache:
            if self.kind == "device":
                from mathkit.quadratic.device import norm_estimate

                self._cache["norm"] = norm_estimate(self)
                return self._cache["norm"]
            if self.kind == "operator":
                v = np.random.default_rng(0x5EED).standard_normal(self.n)
                v /= np.linalg.norm(v)
                estimate = 0.0
                for _ in range(4):
                    w = _operator_product(self.A, v)
                    estimate = safe_norm(w)
                    if estimate == 0.0:
                        break
                    v = w / estimate
            elif self.kind == "sparse":
                with np.errstate(over="ignore"):  # inf: the iterative methods refuse it
                    estimate = float(abs(self.A).sum(axis=1).max())
            else:
                matrix = self.A if self.kind == "dense" else self._float_matrix()
                with np.errstate(over="ignore"):
                    estimate = float(np.abs(matrix).sum(axis=1).max())
            self._cache["norm"] = estimate
        return self._cache["norm"]

    def _rows_times_A(self, X: np.ndarray) -> np.ndarray:
        """Rows ``A x_i`` for the rows ``x_i`` of the 2-D array ``X``."""
        if self.kind == "dense":
            return X @ self.A
        if self.kind == "sparse":
            return np.asarray(self.A @ X.T).T
        if self.kind == "operator":
            product = np.asarray(self.A.matmat(X.T), dtype=np.float64)
            if product.shape != X.T.shape or not np.isfinite(product).all():
                msg = f"A @ X must give a finite array of shape {X.T.shape}"
                raise ValueError(msg)
            return product.T
        return X @ self._float_matrix()

    def _float_matrix(self) -> np.ndarray:
        if "float" not in self._cache:
            self._cache["float"] = np.asarray(self.to_numeric().A)
        return self._cache["float"]

    def dense(self) -> np.ndarray:
        """The symmetric matrix as a float64 numpy array (made dense if needed).

        Returns
        -------
        numpy.ndarray of shape (n, n)

        Raises
        ------
        ValueError
            If the form is sparse or an operator with ``n`` above
            :data:`DENSE_LIMIT` (2000).
        TypeError
            If an exact form has symbolic entries.

        Examples
        --------
        >>> import scipy.sparse
        >>> QuadraticForm(scipy.sparse.eye(2)).dense().tolist()
        [[1.0, 0.0], [0.0, 1.0]]
        """
        if "dense" not in self._cache:
            if self.kind == "dense":
                matrix = self.A
            elif self.kind == "exact":
                matrix = self._float_matrix()
            else:
                if self.n > DENSE_LIMIT:
                    msg = (
                        f"A is a {self.kind} matrix with n = {self.n} > {DENSE_LIMIT}: too large "
                        "to make dense; use method='conjugate_gradient'"
                    )
                    raise ValueError(msg)
                if self.kind == "sparse":
                    matrix = self.A.toarray()
                elif self.kind == "device":
                    from mathkit.quadratic.device import to_host

                    matrix = to_host(self.A)
                else:
                    matrix = self._rows_times_A(np.eye(self.n))
                matrix = 0.5 * matrix + 0.5 * matrix.T
            matrix = np.array(matrix, dtype=np.float64)
            matrix.setflags(write=False)
            self._cache["dense"] = matrix
        return self._cache["dense"]

    # -- evaluation -------------------------------------------------------------

    def _point(self, x, name: str = "x") -> np.ndarray:
        array = float_array(x, name)
        if array.ndim == 0 or array.shape[-1] != self.n:
            msg = f"{name} must have shape (..., {self.n}), got {array.shape}"
            raise ValueError(msg)
        return array

    def _exact_point(self, x, name: str = "x"):
        if x is None:
            msg = f"{name} must be a point of shape ({self.n},), got None"
            raise TypeError(msg)
        if (isinstance(x, np.ndarray) and x.ndim > 1) or (
            _is_sympy_matrix(x) and 1 not in x.shape
        ):
            msg = (
                f"{name} must be one point of shape ({self.n},) for an exact form, got shape "
                f"{x.shape}; use q.to_numeric() to evaluate batches"
            )
            raise ValueError(msg)
        return _exact_vector(x, self.n, name)

    def __call__(self, x):
        """The value ``f(x) = x^T A x + b^T x + c``, batched over leading axes.

        Parameters
        ----------
        x : array_like of shape (..., n)
            One point or a batch of points. For an exact form: one point
            (numbers or symbols).

        Returns
        -------
        numpy.float64, numpy.ndarray of shape (...) or sympy.Expr

        Raises
        ------
        ValueError
            If the last axis of ``x`` is not of length ``n``, an entry is
            not finite, or ``f(x)`` overflows float64.
        TypeError
            If ``x`` is not numeric.
        """
        if self.exact:
            point = self._exact_point(x)
            value = (point.T * self.A * point)[0, 0] + (self.b.T * point)[0, 0] + self.c
            return _sympy().expand(value) if value.free_symbols else value
        if self.kind == "device":
            return self._device_value(x)
        array = self._point(x)
        values = self._values(array.reshape(-1, self.n), "x", "rescale x").reshape(
            array.shape[:-1])
        return values[()] if array.ndim == 1 else values

    def _values(self, rows: np.ndarray, name: str, hint: str) -> np.ndarray:
        """``f`` at the rows of ``rows``; ValueError naming ``name`` if it overflows."""
        with np.errstate(over="ignore", invalid="ignore"):  # checked below
            values = (np.einsum("ij,ij->i", rows, self._rows_times_A(rows)) + rows @ self.b
                      + self.c)
        if not np.isfinite(values).all():
            largest = float(np.abs(rows).max())
            msg = (f"f({name}) overflows float64 (|{name}_i| up to {largest:.3g}, "
                   f"f = {values[~np.isfinite(values)][0]}): {hint}")
            raise ValueError(msg)
        return values

    def gradient(self, x):
        """The gradient ``2 A x + b``, batched over leading axes.

        Parameters
        ----------
        x : array_like of shape (..., n)

        Returns
        -------
        numpy.ndarray of shape (..., n), or sympy.ImmutableMatrix of shape (n, 1)

        Raises
        ------
        ValueError, TypeError
            As for calling the form (``ValueError`` also when the gradient
            overflows float64).

        Examples
        --------
        >>> QuadraticForm([[1, 0], [0, 3]], b=[1, 1]).gradient([[0.0, 0.0], [1.0, 1.0]]).tolist()
        [[1.0, 1.0], [3.0, 7.0]]
        """
        if self.exact:
            point = self._exact_point(x)
            return _sympy().ImmutableMatrix(2 * self.A * point + self.b).applyfunc(
                _sympy().expand
            )
        if self.kind == "device":
            from mathkit.quadratic import device

            array = device.points(self, x)
            rows = self.namespace.reshape(array, (-1, self.n))
            return self.namespace.reshape(2.0 * device.rows_times_A(self, rows) + self.b,
                                          array.shape)
        return self._gradients(self._point(x), "x")

    def _gradients(self, array: np.ndarray, name: str) -> np.ndarray:
        """``2 A x + b`` for the points ``array``; ValueError naming ``name`` on overflow."""
        with np.errstate(over="ignore", invalid="ignore"):  # checked below
            gradient = 2.0 * self._rows_times_A(array.reshape(-1, self.n)) + self.b
        if not np.isfinite(gradient).all():
            msg = (f"the gradient 2 A {name} + b overflows float64 (|{name}_i| up to "
                   f"{float(np.abs(array).max()):.3g}): rescale {name}, or A and b")
            raise ValueError(msg)
        return gradient.reshape(array.shape)

    def _device_value(self, x):
        from mathkit.quadratic import device

        xp = self.namespace
        array = device.points(self, x)
        rows = xp.reshape(array, (-1, self.n))
        values = xp.sum(rows * device.rows_times_A(self, rows), axis=1) + rows @ self.b + self.c
        return xp.reshape(values, array.shape[:-1])

    def hessian(self):
        """The Hessian ``2 A`` (same representation as ``A``).

        Returns
        -------
        numpy.ndarray, scipy.sparse matrix, LinearOperator or sympy.ImmutableMatrix

        Examples
        --------
        >>> QuadraticForm([[1, 2], [0, 1]]).hessian().tolist()
        [[2.0, 2.0], [2.0, 2.0]]
        """
        if self.kind == "dense":
            return 2.0 * self.A
        return 2 * self.A

    # -- conversions -------------------------------------------------------------

    def to_numeric(self) -> QuadraticForm:
        """A float64 form: an exact form with its entries rounded, others unchanged.

        Returns
        -------
        QuadraticForm

        Raises
        ------
        TypeError
            If an exact form has symbolic (non-numeric) entries.

        Examples
        --------
        >>> import sympy
        >>> q = QuadraticForm(sympy.Matrix([[sympy.Rational(1, 4)]]), [1], 2)
        >>> q.to_numeric().A.tolist()
        [[0.25]]
        """
        if not self.exact:
            return self
        symbols = set().union(self.A.free_symbols, self.b.free_symbols, self.c.free_symbols)
        if symbols:
            names = ", ".join(sorted(map(str, symbols)))
            msg = f"the form has symbolic entries ({names}): substitute numbers first"
            raise TypeError(msg)
        matrix = np.array([[float(v) for v in row] for row in self.A.tolist()])
        form = QuadraticForm(matrix, [float(v) for v in self.b], float(self.c))
        form._variables = self._variables
        return form

    def to_exact(self) -> QuadraticForm:
        """An exact form whose entries equal the float entries exactly (binary rationals).

        Returns
        -------
        QuadraticForm

        Raises
        ------
        ValueError
            If a sparse or operator form is larger than :data:`DENSE_LIMIT`.

        Examples
        --------
        >>> QuadraticForm([[0.5]], [0.25]).to_exact().A
        Matrix([[1/2]])
        """
        if self.exact:
            return self
        sympy = _sympy()
        rational = np.vectorize(lambda v: sympy.Rational(float(v)), otypes=[object])
        b = np.asarray(self.b.tolist(), dtype=np.float64)  # a host copy of a device b
        form = QuadraticForm(sympy.Matrix(rational(self.dense()).tolist()),
                             list(rational(b)), sympy.Rational(self.c))
        form._variables = self._variables
        return form

    def _sympy_parts(self):
        """(A, b, c) as sympy objects (floats become sympy Floats)."""
        sympy = _sympy()
        if self.exact:
            return self.A, self.b, self.c
        matrix = sympy.Matrix(self.dense().tolist())
        return matrix, sympy.Matrix(self.b.tolist()), sympy.Float(self.c)

    @classmethod
    def from_polynomial(cls, expr, variables: Sequence | None = None) -> QuadraticForm:
        """The exact form of a multivariate polynomial of total degree at most 2.

        Parameters
        ----------
        expr : sympy.Expr or sympy.Poly
            A polynomial in ``variables``; other symbols are coefficients.
        variables : sequence of sympy.Symbol, optional
            The variables, in order. By default the free symbols of ``expr``
            (the generators of a ``Poly``) in sympy's canonical order.

        Returns
        -------
        QuadraticForm
            An exact form with ``A`` symmetric: the coefficient of
            ``x_i x_j`` (``i != j``) is split evenly between ``A[i, j]`` and
            ``A[j, i]``; ``variables`` is recorded on the form.

        Raises
        ------
        TypeError
            If ``expr`` is not a sympy expression or number (strings are not
            parsed), has a non-real coefficient (``I``), or a variable is not
            a sympy Symbol.
        ValueError
            If ``expr`` is not a polynomial in the variables (``sin(x)``,
            ``1/x``, ``sqrt(x)``), has degree above 2, a coefficient is
            infinite or NaN (``oo``, ``zoo``, ``nan``), or there are no (or
            repeated) variables.

        Notes
        -----
        For ``f = sum_{i<=j} a_ij x_i x_j + sum_i b_i x_i + c``:
        ``A[i, i] = a_ii``, ``A[i, j] = A[j, i] = a_ij / 2``; then
        ``f = x^T A x + b^T x + c`` exactly.

        Examples
        --------
        >>> import sympy
        >>> x, y = sympy.symbols("x y")
        >>> q = QuadraticForm.from_polynomial(x**2 + 3*x*y - y + 5)
        >>> q.A, q.b.T, q.c
        (Matrix([
        [  1, 3/2],
        [3/2,   0]]), Matrix([[0, -1]]), 5)
        >>> q.to_polynomial()
        x**2 + 3*x*y - y + 5
        """
        sympy = _sympy()
        if isinstance(expr, sympy.Poly):
            if variables is None:
                variables = expr.gens
            expr = expr.as_expr()
        if isinstance(expr, str) or not (
            isinstance(expr, sympy.Basic)
            or (isinstance(expr, numbers.Number) and not isinstance(expr, bool))
        ):
            msg = f"expr must be a sympy expression, got {type(expr).__name__} {_describe(expr)}"
            raise TypeError(msg)
        expr = sympy.sympify(expr)
        if not isinstance(expr, sympy.Expr):
            msg = f"expr must be a sympy expression, got {type(expr).__name__} {_describe(expr)}"
            raise TypeError(msg)
        if variables is None:
            variables = sorted(expr.free_symbols, key=sympy.default_sort_key)
            if not variables:
                msg = f"expr must contain a variable, got the constant {expr}"
                raise ValueError(msg)
        variables = _check_variables(variables, None)
        try:
            poly = sympy.Poly(expr, *variables)
        except sympy.PolynomialError as error:
            names = ", ".join(map(str, variables))
            msg = f"expr must be a polynomial in {names}, got {expr} ({error})"
            raise ValueError(msg) from None
        degree = poly.total_degree()
        if degree > 2:
            names = ", ".join(map(str, variables))
            msg = f"expr must have degree at most 2 in {names}, got degree {degree}: {expr}"
            raise ValueError(msg)
        n = len(variables)
        A = sympy.zeros(n, n)
        b = sympy.zeros(n, 1)
        c = sympy.Integer(0)
        for monomial, coefficient in poly.terms():
            term = sympy.Mul(*(v**power for v, power in zip(variables, monomial, strict=True)))
            _check_exact_entry(coefficient, "expr", f" as the coefficient of {term}")
            indices = [i for i, power in enumerate(monomial) for _ in range(power)]
            if not indices:
                c = coefficient
            elif len(indices) == 1:
                b[indices[0]] = coefficient
            elif indices[0] == indices[1]:
                A[indices[0], indices[0]] = coefficient
            else:
                i, j = indices
                A[i, j] = A[j, i] = coefficient / 2
        form = cls(sympy.ImmutableMatrix(A), sympy.ImmutableMatrix(b), c)
        form._variables = tuple(variables)
        return form

    def to_polynomial(self, variables: Sequence | None = None):
        """The polynomial ``x^T A x + b^T x + c`` as an expanded sympy expression.

        Parameters
        ----------
        variables : sequence of n sympy.Symbol, optional
            Default: the form's :attr:`variables`, else ``x0, ..., x{n-1}``.

        Returns
        -------
        sympy.Expr
            Exact for exact forms; float entries become sympy Floats.

        Raises
        ------
        TypeError
            If a variable is not a sympy Symbol.
        ValueError
            If there are not ``n`` distinct variables, or a sparse or operator
            form is larger than :data:`DENSE_LIMIT`.

        Examples
        --------
        >>> import sympy
        >>> QuadraticForm(sympy.Matrix([[1, 1], [1, 0]]), [0, 2], 1).to_polynomial()
        x0**2 + 2*x0*x1 + 2*x1 + 1
        """
        sympy = _sympy()
        if variables is None:
            variables = self._variables or sympy.symbols(f"x0:{self.n}")
        variables = _check_variables(variables, self.n)
        A, b, c = self._sympy_parts()
        n = self.n
        terms = [A[i, i] * variables[i] ** 2 for i in range(n)]
        terms += [2 * A[i, j] * variables[i] * variables[j]
                  for i in range(n) for j in range(i + 1, n)]
        terms += [b[i] * variables[i] for i in range(n)]
        polynomial = sympy.Add(*terms, c)
        numeric = all(not entry.free_symbols for entry in (*A, *b, c))
        return polynomial if numeric else sympy.expand(polynomial)

    # -- analysis (implemented in classify.py and minimize.py) --------------------

    def classify(self, tol: float | None = None, constraints=None):
        """Classify ``A`` (definite, semidefinite, indefinite, zero); see :func:`classify`."""
        from mathkit.quadratic.classify import classify

        return classify(self, tol=tol, constraints=constraints)

    def minimize(self, method: str = "auto", x0=None, tol: float = 1e-10,
                 maxiter: int | None = None, callback=None, step: str = "exact", *,
                 preconditioner=None, bounds=None, constraints=None):
        """Minimize ``f``; see :func:`mathkit.quadratic.minimize`."""
        from mathkit.quadratic.minimize import minimize

        return minimize(self, method=method, x0=x0, tol=tol, maxiter=maxiter,
                        callback=callback, step=step, preconditioner=preconditioner,
                        bounds=bounds, constraints=constraints)

    def maximize(self, method: str = "auto", x0=None, tol: float = 1e-10,
                 maxiter: int | None = None, callback=None, step: str = "exact", *,
                 preconditioner=None, bounds=None, constraints=None):
        """Maximize ``f`` (minimize ``-f``); see :func:`mathkit.quadratic.maximize`."""
        from mathkit.quadratic.minimize import maximize

        return maximize(self, method=method, x0=x0, tol=tol, maxiter=maxiter,
                        callback=callback, step=step, preconditioner=preconditioner,
                        bounds=bounds, constraints=constraints)


def _check_variables(variables, n: int | None) -> tuple:
    sympy = _sympy()
    if isinstance(variables, sympy.Symbol):
        variables = (variables,)
    if isinstance(variables, str) or not isinstance(variables, Sequence | sympy.MatrixBase):
        msg = f"variables must be a sequence of sympy Symbols, got {_describe(variables)}"
        raise TypeError(msg)
    variables = tuple(variables)
    for variable in variables:
        if not isinstance(variable, sympy.Symbol):
            msg = f"variables must be sympy Symbols, got {type(variable).__name__} {variable!r}"
            raise TypeError(msg)
    if not variables:
        msg = "variables must not be empty"
        raise ValueError(msg)
    if len(set(variables)) != len(variables):
        msg = f"variables must be distinct, got {variables}"
        raise ValueError(msg)
    if n is not None and len(variables) != n:
        msg = f"variables must hold n = {n} symbols, got {len(variables)}"
        raise ValueError(msg)
    return variables
