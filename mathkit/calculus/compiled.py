"""Compile a sympy expression once; evaluate it and its derivatives at many points fast.

:func:`compile` differentiates a scalar sympy expression exactly (gradient and
Hessian, with real variables as everywhere in :mod:`mathkit.calculus`),
eliminates common subexpressions (:func:`sympy.cse`) and returns a
:class:`CompiledFunction` whose methods evaluate, on ``(N, d)`` float64
points, the value, the gradient, the directional derivative along ``v/|v|``,
the Jacobian-vector product ``J v`` for the raw ``v``, and the Hessian.

Engines:

- ``"numpy"``: :func:`sympy.lambdify` of the cse'd expressions, vectorized
  over the rows (the reference);
- ``"numba"``: a row kernel printed from the same cse'd expressions
  (:mod:`mathkit.calculus._numba_codegen`), compiled with
  ``numba.njit(parallel=True)`` and a ``prange`` over the rows; compiled on
  first use and cached in the object, per kind of derivative;
- ``"auto"``: :func:`mathkit._backend.resolve_backend` with size ``N * d``
  (numpy for small input, numba otherwise). There is no CuPy engine yet:
  ``"auto"`` then uses numba, and ``backend="cupy"`` raises
  :class:`~mathkit._backend.BackendUnavailableError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy

from mathkit._backend import BACKENDS, BackendUnavailableError, resolve_backend
from mathkit._validate import check_finite_array, check_one_of
from mathkit.calculus._numba_codegen import NotCompilableError, kernel_source, numba_kernel
from mathkit.calculus.symbolic import (
    _expression_and_symbols,
    _hessian_matrix,
    _jacobian_matrix,
)

__all__ = ["CompiledFunction", "NotCompilableError", "compile"]


def compile(expr, variables=None, backend: str = "auto") -> CompiledFunction:
    r"""Compile a scalar sympy expression for fast batched values and derivatives.

    Parameters
    ----------
    expr : sympy.Expr or str
        A scalar expression; a string is read with
        :func:`~mathkit.calculus.parse.parse_expression` (safely, without
        executing it).
    variables : sequence of sympy.Symbol or str, or str, optional
        The variables, in the column order of the points; default: the free
        symbols sorted by name. ``"x, y"`` is read as two names.
    backend : {"auto", "numpy", "numba", "cupy"}
        Engine for every evaluation (see the Notes).

    Returns
    -------
    CompiledFunction
        Frozen; its methods take points ``X`` of shape ``(N, d)`` (or ``(d,)``
        for one point).

    Raises
    ------
    TypeError
        If ``expr`` is not a sympy expression or string, or ``variables`` are
        not symbols or names.
    ValueError
        If ``expr`` is not scalar, has free symbols not among ``variables``, or
        ``backend`` is unknown.
    NotCompilableError
        With ``backend="numba"``, if ``expr`` holds a function numba cannot
        run (a Bessel function, say); numpy can.
    BackendUnavailableError
        For ``backend="cupy"`` (no CuPy engine yet) or an engine that is not
        installed.

    Notes
    -----
    The gradient :math:`\nabla f` and Hessian :math:`\nabla^2 f` are exact
    sympy derivatives; each method evaluates its expressions after common
    subexpression elimination. The directional derivative is the textbook
    one, :math:`D_{\hat v} f(x) = \nabla f(x) \cdot v / |v|`, and
    :meth:`~CompiledFunction.jvp` is :math:`\nabla f(x) \cdot v`. Dot
    products are summed in the order of the variables on both engines.

    Accuracy: both engines evaluate the same floating-point expressions in
    the same order, so they differ only where their ``exp``, ``sin``, ...
    round differently: a few ulps of the result's magnitude (a test holds
    them to 8 ulps of the largest term). Against the exact value (mpmath at
    30 digits) the error is that of evaluating the formula in float64: for
    smooth functions away from cancellation a relative error of about
    ``1e-15``; the tests hold it to ``1e-13``.

    With ``backend="auto"``, each call picks numpy below
    :data:`mathkit._backend.NUMBA_THRESHOLD` elements (``N * d``) and numba
    above. The first numba call of each kind (value, gradient, J v, D_v, Hessian)
    compiles its kernel, about a second; later calls reuse it.

    Examples
    --------
    >>> import numpy as np, sympy
    >>> from mathkit.calculus import compile
    >>> x, y = sympy.symbols("x y")
    >>> f = compile(x**2 * y + sympy.sin(y), [x, y], backend="numpy")
    >>> X = np.array([[1.0, 0.0], [2.0, 1.0]])
    >>> f.value(X)
    array([0.        , 4.84147098])
    >>> f.gradient(X)
    array([[0.        , 2.        ],
           [4.        , 4.54030231]])
    >>> f.directional(X, [3.0, 4.0])            # along (3, 4)/5
    array([1.6       , 6.03224184])
    >>> f.jvp(X, [3.0, 4.0])                    # J v for the raw v
    array([ 8.        , 30.16120922])
    >>> f.hessian([0.5, 1.0])                   # one point: (d, d)
    array([[ 2.        ,  1.        ],
           [ 1.        , -0.84147098]])
    """
    from mathkit.calculus.parse import parse_expression

    check_one_of(backend, "backend", BACKENDS)
    if isinstance(expr, str):
        names = variables
        if isinstance(variables, str):
            names = [name.strip() for name in variables.split(",") if name.strip()]
        elif variables is not None:
            names = [str(name) for name in variables]
        expr = parse_expression(expr, names)
    if not isinstance(expr, sympy.Expr):
        msg = f"expr must be a scalar sympy expression or a string, got {type(expr).__name__}"
        raise TypeError(msg)
    matrix, symbols, _ = _expression_and_symbols(expr, variables, name="expr")
    expression = matrix[0]
    gradient = tuple(_jacobian_matrix(matrix, symbols))
    hessian_matrix = _hessian_matrix(expression, symbols)
    hessian = tuple(tuple(hessian_matrix[i, j] for j in range(len(symbols)))
                    for i in range(len(symbols)))
    if backend == "cupy":
        resolve_backend("cupy")  # names the extra to install when CuPy is missing
        msg = ("backend='cupy' is not available for compile(): it has no CuPy engine yet; "
               "use backend='numba' or 'numpy'")
        raise BackendUnavailableError(msg)
    if backend == "numba":
        resolve_backend("numba")
    compiled = CompiledFunction(expression, symbols, backend, gradient, hessian)
    for kind in ("value", "gradient", "hessian"):  # print now: report what numba cannot run
        try:
            kernel_source(compiled._kernel_expressions(kind), symbols)
        except NotCompilableError as error:
            if backend == "numba" and kind != "hessian":
                raise
            compiled._kernels["not-compilable", kind] = error  # "auto" uses numpy for these
    return compiled


@dataclass(frozen=True, eq=False)
class CompiledFunction:
    """A scalar function of ``d`` variables with its exact gradient and Hessian, compiled.

    Made by :func:`compile`. Every method takes points ``X`` of shape
    ``(N, d)`` (or ``(d,)``: one point, results without the batch axis),
    converted to float64 and checked finite.

    Attributes
    ----------
    expression : sympy.Expr
        ``f``.
    variables : tuple of sympy.Symbol
        Its variables, in the column order of ``X``.
    backend : str
        The engine asked for: "auto", "numpy" or "numba".
    gradient_expressions : tuple of sympy.Expr
        :math:`\\partial f / \\partial x_k` for each variable :math:`x_k`.
    hessian_expressions : tuple of tuple of sympy.Expr
        :math:`\\partial^2 f / \\partial x_j \\partial x_k`.
    """

    expression: sympy.Expr
    variables: tuple
    backend: str
    gradient_expressions: tuple
    hessian_expressions: tuple
    _kernels: dict = field(default_factory=dict, init=False, repr=False)

    @property
    def d(self) -> int:
        """The number of variables."""
        return len(self.variables)

    # --- public methods --------------------------------------------------------------

    def engine(self, X) -> str:
        """The engine a call on points ``X`` would use: "numpy" or "numba".

        (With ``backend="auto"``, the Hessian uses numpy where numba cannot run
        its expressions, such as the ``DiracDelta`` in the Hessian of ``Max``.)

        Examples
        --------
        >>> import numpy as np, sympy
        >>> x = sympy.Symbol("x")
        >>> f = compile(x**2)
        >>> f.engine(np.zeros((10, 1))), f.engine(np.zeros((10**4, 1)))
        ('numpy', 'numba')
        """
        return self._engine(int(np.size(X)), "gradient")

    def value(self, X) -> np.ndarray:
        """``f`` at the points: ``(N,)``, or a float64 scalar for one point ``(d,)``.

        Raises
        ------
        ValueError
            If ``X`` has the wrong shape or a non-finite entry, or ``f`` is not
            finite at a point.
        TypeError
            If ``X`` is not numeric.
        """
        points, single = self._points(X)
        values = self._evaluate("value", points)[:, 0]
        self._check_finite(values, points, "f(x)")
        return values[0] if single else values

    def gradient(self, X) -> np.ndarray:
        """The gradient at the points: ``(N, d)``, or ``(d,)`` for one point.

        Raises
        ------
        ValueError
            If ``X`` has the wrong shape or a non-finite entry, or the gradient
            is not finite at a point.
        """
        points, single = self._points(X)
        values = self._evaluate("gradient", points)
        self._check_finite(values, points, "the gradient")
        return values[0] if single else values

    def jvp(self, X, V) -> np.ndarray:
        """``J v``, the gradient dotted with the raw ``v``: ``(N,)``, or a scalar for one point.

        Parameters
        ----------
        X : array_like, shape (N, d) or (d,)
            Points.
        V : array_like, shape (N, d) or (d,)
            Directions: one per point, or one for all; zero is allowed.

        Raises
        ------
        ValueError
            If ``X`` or ``V`` has the wrong shape or a non-finite entry, or the
            result is not finite.
        """
        points, single = self._points(X)
        directions = self._directions(V, points, single)
        return self._dot(points, directions, single, "raw", "J v")

    def directional(self, X, V) -> np.ndarray:
        """The directional derivative along ``v/|v|``: ``(N,)``, or a scalar for one point.

        The textbook definition, as :func:`mathkit.calculus.directional_derivative`:
        ``grad f(x) . v / |v|``.

        Parameters
        ----------
        X : array_like, shape (N, d) or (d,)
            Points.
        V : array_like, shape (N, d) or (d,)
            Directions, one per point or one for all; must be non-zero.

        Raises
        ------
        ValueError
            If a direction is zero, ``X`` or ``V`` has the wrong shape or a
            non-finite entry, or the result is not finite.
        """
        points, single = self._points(X)
        directions = self._directions(V, points, single)
        return self._dot(points, directions, single, "unit", "the directional derivative")

    def hessian(self, X) -> np.ndarray:
        """The Hessian at the points: ``(N, d, d)``, or ``(d, d)`` for one point.

        Raises
        ------
        ValueError
            If ``X`` has the wrong shape or a non-finite entry, or the Hessian
            is not finite at a point.
        """
        points, single = self._points(X)
        upper = self._evaluate("hessian", points)
        rows, cols = np.triu_indices(self.d)
        values = np.empty((points.shape[0], self.d, self.d))
        values[:, rows, cols] = upper
        values[:, cols, rows] = upper
        self._check_finite(values, points, "the Hessian")
        return values[0] if single else values

    # --- internals -------------------------------------------------------------------

    def _engine(self, size: int, kind: str = "value") -> str:
        engine = resolve_backend(self.backend, size=size)
        if engine == "cupy":  # no CuPy engine: "auto" uses numba
            engine = "numba"
        error = self._kernels.get(("not-compilable", "gradient" if kind in _DOTS else kind))
        if engine == "numba" and error is not None:
            if self.backend == "numba":
                raise error
            engine = "numpy"  # "auto" with a function numba cannot run
        return engine  # no CuPy engine: "auto" uses numba

    def _points(self, X) -> tuple[np.ndarray, bool]:
        points = check_finite_array(X, "X")
        single = points.ndim == 1
        if single:
            points = points[None, :]
        if points.ndim != 2 or points.shape[1] != self.d:
            msg = f"X must have shape (N, {self.d}) or ({self.d},), got {np.shape(X)}"
            raise ValueError(msg)
        return np.ascontiguousarray(points), single

    def _directions(self, V, points: np.ndarray, single: bool) -> np.ndarray:
        directions = check_finite_array(V, "V")
        n = points.shape[0]
        if directions.ndim == 1 and directions.shape == (self.d,):
            return np.ascontiguousarray(directions[None, :])
        if not single and directions.shape == (n, self.d):
            return np.ascontiguousarray(directions)
        wanted = f"({self.d},)" if single else f"({n}, {self.d}) or ({self.d},)"
        msg = f"V must have shape {wanted}, got {directions.shape}"
        raise ValueError(msg)

    def _check_finite(self, values: np.ndarray, points: np.ndarray, what: str) -> None:
        bad = ~np.isfinite(values)
        if bad.any():
            index = int(np.argmax(bad.reshape(len(values), -1).any(axis=1)))
            point = ", ".join(repr(c) for c in points[index].tolist())
            msg = f"{what} must be finite, got a non-finite value at X[{index}] = [{point}]"
            raise ValueError(msg)

    def _kernel_expressions(self, kind: str) -> tuple:
        if kind == "value":
            return (self.expression,)
        if kind in ("gradient", *_DOTS):
            return self.gradient_expressions
        rows, cols = np.triu_indices(self.d)
        return tuple(self.hessian_expressions[i][j] for i, j in zip(rows, cols, strict=True))

    def _kernel(self, engine: str, kind: str):
        key = (engine, kind)
        kernel = self._kernels.get(key)
        if kernel is None:
            expressions = self._kernel_expressions(kind)
            if engine == "numba":
                kernel = numba_kernel(expressions, self.variables,
                                      dot=kind if kind in _DOTS else None)
            else:
                kernel = sympy.lambdify(self.variables, list(expressions),
                                        modules=["scipy", "numpy"], cse=True)
            self._kernels[key] = kernel
        return kernel

    def _evaluate(self, kind: str, points: np.ndarray) -> np.ndarray:
        """The kernel expressions of ``kind`` at every row: ``(N, K)``."""
        n = points.shape[0]
        engine = self._engine(points.size, kind)
        kernel = self._kernel(engine, kind)
        count = len(self._kernel_expressions(kind))
        out = np.empty((n, count))
        with np.errstate(all="ignore"):
            if engine == "numba":
                _run_numba(kernel, points, out)
            else:
                entries = kernel(*points.T)
                for k, entry in enumerate(entries):
                    out[:, k] = entry
        return out

    def _dot(self, points: np.ndarray, directions: np.ndarray, single: bool, kind: str,
             what: str):
        """grad f . v (``kind="raw"``) or grad f . v/|v| (``"unit"``) at every row."""
        n = points.shape[0]
        engine = self._engine(points.size, kind)
        with np.errstate(all="ignore"):
            if engine == "numba":
                out = np.empty(n)
                _run_numba(self._kernel("numba", kind), points, directions, out)
            else:
                gradient = self._evaluate("gradient", points)
                columns = list(directions.T)
                if kind == "unit":  # the operations of the numba kernel, in its order
                    scale = np.abs(columns[0])
                    for column in columns[1:]:
                        scale = np.maximum(scale, np.abs(column))
                    columns = [column / scale for column in columns]
                    norm = columns[0] * columns[0]
                    for column in columns[1:]:
                        norm = norm + column * column
                    norm = np.sqrt(norm)
                    columns = [column / norm for column in columns]
                out = gradient[:, 0] * columns[0]
                for k in range(1, self.d):
                    out = out + gradient[:, k] * columns[k]
        if kind == "unit" and not np.isfinite(out).all():
            zero = ~np.any(directions != 0, axis=1)
            if zero.any():
                if directions.shape[0] == 1:
                    msg = f"V must be a non-zero vector, got all zeros of length {self.d}"
                else:
                    index = int(np.argmax(zero))
                    msg = (f"V must be non-zero vectors, got all zeros of length {self.d} "
                           f"at row {index}")
                raise ValueError(msg)
        self._check_finite(out, points, what)
        return out[0] if single else out


_DOTS = ("raw", "unit")
#: Rows per numba thread at least: below this a kernel runs on fewer threads, since
#: waking a thread costs more than the rows it would take (milliseconds, on a busy machine).
ROWS_PER_THREAD = 65_536


def _run_numba(kernel, points: np.ndarray, *arguments) -> None:
    """Run a kernel on ``min(threads, rows / ROWS_PER_THREAD)`` threads (at least one)."""
    import numba

    threads = numba.get_num_threads()
    wanted = max(1, min(threads, points.shape[0] // ROWS_PER_THREAD))
    if wanted == threads:
        kernel(points, *arguments)
        return
    numba.set_num_threads(wanted)
    try:
        kernel(points, *arguments)
    finally:
        numba.set_num_threads(threads)
