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
- ``"cupy"``: CUDA C printed by sympy from the same cse'd expressions
  (:mod:`mathkit.calculus._cuda_codegen`): a ``__host__ __device__`` row
  function and a ``__global__`` kernel, one thread per row, compiled by
  :class:`cupy.RawModule` on first use and cached in the object. CuPy in, CuPy
  out; numpy in, numpy out (the points travel to the device and back);
- ``"auto"``: :func:`mathkit._backend.resolve_backend` with size ``N * d``
  and the points: CuPy for CuPy points (or large input when a GPU works),
  numpy for small input, numba otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy

from mathkit._backend import BACKENDS, is_cupy_array, resolve_backend
from mathkit._validate import check_finite_array, check_one_of
from mathkit.calculus._cuda_codegen import cuda_source, cupy_kernel, launch
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
        With ``backend="numba"`` or ``"cupy"``, if ``expr`` holds a function
        that engine cannot run (a Bessel function, say); numpy can.
    BackendUnavailableError
        For an engine asked for by name that cannot run here (CuPy without a
        GPU, say); the message names the extra to install.

    Notes
    -----
    The gradient :math:`\nabla f` and Hessian :math:`\nabla^2 f` are exact
    sympy derivatives; each method evaluates its expressions after common
    subexpression elimination. The directional derivative is the textbook
    one, :math:`D_{\hat v} f(x) = \nabla f(x) \cdot v / |v|`, and
    :meth:`~CompiledFunction.jvp` is :math:`\nabla f(x) \cdot v`. Dot
    products are summed in the order of the variables on both engines.

    Accuracy: the engines evaluate the same floating-point expressions in
    the same order, so they differ only where their ``exp``, ``sin``, ...
    round differently (and where CUDA fuses a multiply and an add): a few
    ulps of the result's magnitude. The tests hold numba and the CUDA C code
    (compiled for the host) to 8 ulps of the largest entry of the numpy
    result, and the CuPy engine on a GPU, whose ``exp``, ``sin``... are
    within 2 ulps, to 16. Against the exact value (mpmath at 30 digits) the
    error is that of evaluating the formula in float64: for smooth functions
    away from cancellation a relative error of about ``1e-15``; the tests
    hold it to ``1e-13``.

    With ``backend="auto"``, each call picks CuPy for CuPy points, numpy
    below :data:`mathkit._backend.NUMBA_THRESHOLD` elements (``N * d``) and
    numba above (CuPy from :data:`mathkit._backend.GPU_THRESHOLD` elements
    when a GPU works). The first numba or CuPy call of each kind (value,
    gradient, J v, D_v, Hessian) compiles its kernel, about a second; later
    calls reuse it.

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
    if backend != "auto":
        resolve_backend(backend)  # names the extra to install when an engine is missing
    compiled = CompiledFunction(expression, symbols, backend, gradient, hessian)
    for engine, printer in _PRINTERS.items():  # print now: report what an engine cannot run
        for kind in ("value", "gradient", "hessian"):
            try:
                printer(compiled._kernel_expressions(kind), symbols)
            except NotCompilableError as error:
                if backend == engine and kind != "hessian":
                    raise
                compiled._kernels["not-compilable", engine, kind] = error  # "auto": numpy
    return compiled


_PRINTERS = {"numba": kernel_source, "cupy": cuda_source}


@dataclass(frozen=True, eq=False)
class CompiledFunction:
    """A scalar function of ``d`` variables with its exact gradient and Hessian, compiled.

    Made by :func:`compile`. Every method takes points ``X`` of shape
    ``(N, d)`` (or ``(d,)``: one point, results without the batch axis),
    converted to float64 and checked finite: numpy (or anything numpy
    converts) or CuPy arrays, which give CuPy results (directions ``V`` are
    then moved to the device too).

    Attributes
    ----------
    expression : sympy.Expr
        ``f``.
    variables : tuple of sympy.Symbol
        Its variables, in the column order of ``X``.
    backend : str
        The engine asked for: "auto", "numpy", "numba" or "cupy".
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
        """The engine a call on points ``X`` would use: "numpy", "numba" or "cupy".

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
        return self._engine(_size(X), "gradient", X)

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
        xp = _namespace(upper)
        rows, cols = (xp.asarray(index) for index in np.triu_indices(self.d))
        values = xp.empty((points.shape[0], self.d, self.d))
        values[:, rows, cols] = upper
        values[:, cols, rows] = upper
        self._check_finite(values, points, "the Hessian")
        return values[0] if single else values

    # --- internals -------------------------------------------------------------------

    def _engine(self, size: int, kind: str = "value", points=None) -> str:
        engine = resolve_backend(self.backend, size=size, array=points)
        if engine != "cupy" and points is not None and is_cupy_array(points):
            msg = f"X is a CuPy array: backend must be 'auto' or 'cupy', got {self.backend!r}"
            raise ValueError(msg)
        key = ("not-compilable", engine, "gradient" if kind in _DOTS else kind)
        error = self._kernels.get(key)
        if error is not None:
            if self.backend == engine:
                raise error
            engine = "numpy"  # "auto" with a function the engine cannot run
        return engine

    def _points(self, X) -> tuple[np.ndarray, bool]:
        points = _device_array(X, "X") if is_cupy_array(X) else check_finite_array(X, "X")
        single = points.ndim == 1
        if single:
            points = points[None, :]
        if points.ndim != 2 or points.shape[1] != self.d:
            msg = f"X must have shape (N, {self.d}) or ({self.d},), got {np.shape(X)}"
            raise ValueError(msg)
        return _namespace(points).ascontiguousarray(points), single

    def _directions(self, V, points: np.ndarray, single: bool) -> np.ndarray:
        if is_cupy_array(V):
            if not is_cupy_array(points):
                msg = "V is a CuPy array but X is not: pass X on the device too"
                raise TypeError(msg)
            directions = _device_array(V, "V")
        else:
            directions = check_finite_array(V, "V")
        xp = _namespace(points)
        n = points.shape[0]
        if directions.ndim == 1 and directions.shape == (self.d,):
            return xp.ascontiguousarray(xp.asarray(directions)[None, :])
        if not single and directions.shape == (n, self.d):
            return xp.ascontiguousarray(xp.asarray(directions))
        wanted = f"({self.d},)" if single else f"({n}, {self.d}) or ({self.d},)"
        msg = f"V must have shape {wanted}, got {directions.shape}"
        raise ValueError(msg)

    def _check_finite(self, values: np.ndarray, points: np.ndarray, what: str) -> None:
        if is_cupy_array(values):
            if bool(_namespace(values).isfinite(values).all()):
                return
            values, points = _host(values), _host(points)  # build the message on the host
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
            dot = kind if kind in _DOTS else None
            if engine == "numba":
                kernel = numba_kernel(expressions, self.variables, dot=dot)
            elif engine == "cupy":
                kernel = cupy_kernel(cuda_source(expressions, self.variables, dot=dot))
            else:
                kernel = sympy.lambdify(self.variables, list(expressions),
                                        modules=["scipy", "numpy"], cse=True)
            self._kernels[key] = kernel
        return kernel

    def _evaluate(self, kind: str, points: np.ndarray) -> np.ndarray:
        """The kernel expressions of ``kind`` at every row: ``(N, K)``."""
        n = points.shape[0]
        engine = self._engine(points.size, kind, points)
        kernel = self._kernel(engine, kind)
        count = len(self._kernel_expressions(kind))
        if engine == "cupy":
            return _run_cupy(kernel, (points,), (n, count))
        host = _host(points)  # CuPy points here: "auto" fell back to numpy
        out = np.empty((n, count))
        with np.errstate(all="ignore"):
            if engine == "numba":
                _run_numba(kernel, host, out)
            else:
                entries = kernel(*host.T)
                for k, entry in enumerate(entries):
                    out[:, k] = entry
        return _like(out, points)

    def _dot(self, points: np.ndarray, directions: np.ndarray, single: bool, kind: str,
             what: str):
        """grad f . v (``kind="raw"``) or grad f . v/|v| (``"unit"``) at every row."""
        engine = self._engine(points.size, kind, points)
        if engine == "cupy":
            out = _run_cupy(self._kernel("cupy", kind), (points, directions), (points.shape[0],))
        else:
            out = self._dot_on_host(engine, _host(points), _host(directions), kind)
            out = _like(out, points)
        if not bool(_namespace(out).isfinite(out).all()):
            self._dot_errors(_host(out), _host(points), _host(directions), kind, what)
        return out[0] if single else out

    def _dot_on_host(self, engine: str, points: np.ndarray, directions: np.ndarray,
                     kind: str) -> np.ndarray:
        with np.errstate(all="ignore"):
            if engine == "numba":
                out = np.empty(points.shape[0])
                _run_numba(self._kernel("numba", kind), points, directions, out)
                return out
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
        return out

    def _dot_errors(self, out: np.ndarray, points: np.ndarray, directions: np.ndarray,
                    kind: str, what: str) -> None:
        """Raise for a non-finite ``out``: a zero direction, else the first bad point."""
        zero = ~np.any(directions != 0, axis=1)
        if kind == "unit" and zero.any():
            if directions.shape[0] == 1:
                msg = f"V must be a non-zero vector, got all zeros of length {self.d}"
            else:
                index = int(np.argmax(zero))
                msg = (f"V must be non-zero vectors, got all zeros of length {self.d} "
                       f"at row {index}")
            raise ValueError(msg)
        self._check_finite(out, points, what)


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


def _run_cupy(kernel, arrays: tuple, shape: tuple):
    """Launch a CuPy kernel on ``arrays`` (points, and directions for a dot product).

    numpy arrays travel to the device and the result back: numpy in, numpy out.
    """
    import cupy

    points, *directions = (cupy.ascontiguousarray(cupy.asarray(a)) for a in arrays)
    n = shape[0]
    out = cupy.empty(shape, dtype=cupy.float64)
    if directions:
        step = 0 if directions[0].shape[0] == 1 else directions[0].shape[1]
        arguments = (points, directions[0], np.int64(step), out, np.int64(n))
    else:
        arguments = (points, out, np.int64(n))
    launch(kernel, n, arguments)
    return out if is_cupy_array(arrays[0]) else cupy.asnumpy(out)


def _device_array(array, name: str):
    """A CuPy array as float64, checked finite on the device (messages built on the host)."""
    import cupy

    if array.dtype.kind not in "biuf":
        msg = f"{name} must be an array of float64 numbers, got dtype {array.dtype}"
        raise TypeError(msg)
    array = array.astype(cupy.float64, copy=False)
    if not bool(cupy.isfinite(array).all()):
        check_finite_array(cupy.asnumpy(array), name)  # raises, naming the first bad entry
    return array


def _namespace(array):
    """cupy for a CuPy array, else numpy."""
    if is_cupy_array(array):
        import cupy

        return cupy
    return np


def _host(array):
    return array.get() if is_cupy_array(array) else array


def _like(out: np.ndarray, points):
    """``out`` on the device of ``points``."""
    return _namespace(points).asarray(out)


def _size(X) -> int:
    return int(X.size) if is_cupy_array(X) else int(np.size(X))
