"""Python source for numba row kernels, printed from common-subexpression-eliminated sympy.

sympy's :func:`~sympy.lambdify` has no numba printer, so the kernels of
:mod:`mathkit.calculus.compiled` are written here: the expressions go through
:func:`sympy.cse`, each assignment is printed with sympy's
:class:`~sympy.printing.pycode.PythonCodePrinter` (``math.exp``, ``math.sin``,
conditional expressions for ``Piecewise``: all scalar code that numba
compiles), and the lines are placed in a ``prange`` loop over the rows of the
points. The source is executed in a namespace holding only ``math`` and
``prange``, then compiled with ``numba.njit(parallel=True)``.

Kernels (``X`` is ``(N, d)``, ``V`` is ``(M, d)`` with ``M`` 1 or ``N``):

- ``kernel(X, out)`` writes ``out[i, k]`` for each expression ``k``;
- ``kernel(X, V, out)`` (``dot="raw"``) writes ``out[i] = sum_k e_k(X[i]) V[i, k]``,
  summed in order ``k = 0, 1, ...`` (the numpy engine sums in the same order);
  ``dot="unit"`` first scales the row of ``V`` to ``v/|v|`` (see :func:`kernel_source`).
"""

from __future__ import annotations

import itertools
import linecache
import math

import sympy
from sympy.printing.pycode import PythonCodePrinter

__all__ = ["NotCompilableError", "kernel_source", "numba_kernel", "reduced_expressions"]

_counter = itertools.count()


class NotCompilableError(ValueError):
    """An expression uses a function that has no numba-compilable Python equivalent."""


def _printer() -> PythonCodePrinter:
    return PythonCodePrinter({"standard": "python3", "strict": True})


def reduced_expressions(expressions, symbols) -> tuple[list, list]:
    """``sympy.cse`` of ``expressions`` with ``symbols`` renamed ``x_0, x_1, ...``.

    Returns the ``(t_k, value)`` assignments and the reduced expressions; every
    engine prints these same assignments, in this order.
    """
    inputs = [sympy.Symbol(f"x_{k}") for k in range(len(symbols))]
    renamed = [sympy.sympify(e).xreplace(dict(zip(symbols, inputs, strict=True)))
               for e in expressions]
    return sympy.cse(renamed, symbols=sympy.numbered_symbols("t_"))


def kernel_source(expressions, symbols, *, dot: str | None = None,
                  name: str = "kernel") -> str:
    """Source of a row kernel evaluating ``expressions`` of ``symbols``.

    Parameters
    ----------
    expressions : sequence of sympy.Expr
        What to evaluate at each row.
    symbols : sequence of sympy.Symbol
        The variables, in the column order of ``X``.
    dot : {None, "raw", "unit"}
        Write the dot product of the expressions with the row ``v`` of ``V``
        (``"raw"``) or with ``v/|v|`` (``"unit"``: ``u = v/s`` with ``s =
        max|v_k|``, then ``u/sqrt(u . u)``, so that ``|v|`` neither overflows
        nor underflows; a zero ``v`` gives NaN) instead of the expressions.
    name : str
        Name of the generated function.

    Returns
    -------
    str

    Raises
    ------
    NotCompilableError
        If an expression holds a function the printer cannot write as scalar code.

    Examples
    --------
    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> print(kernel_source([sympy.exp(x) * y, sympy.exp(x)], (x, y)))
    def kernel(X, out):
        for i in prange(X.shape[0]):
            x_0 = X[i, 0]
            x_1 = X[i, 1]
            t_0 = math.exp(x_0)
            out[i, 0] = t_0*x_1
            out[i, 1] = t_0
    """
    d = len(symbols)
    replacements, reduced = reduced_expressions(expressions, symbols)
    printer = _printer()

    def show(expr) -> str:
        try:
            return printer.doprint(expr)
        except Exception as error:  # PrintMethodNotImplementedError and kin
            msg = f"cannot compile {expr} for numba: {error}".splitlines()[0]
            raise NotCompilableError(msg) from None

    arguments = "X, V, out" if dot else "X, out"
    lines = [f"def {name}({arguments}):"]
    if dot:
        lines.append("    one = V.shape[0] == 1")
    lines.append("    for i in prange(X.shape[0]):")
    lines.extend(f"        x_{k} = X[i, {k}]" for k in range(d))
    if dot:  # two index forms: a conditional index would be typed as a float by numba
        lines.append("        if one:")
        lines.extend(f"            v_{k} = V[0, {k}]" for k in range(d))
        lines.append("        else:")
        lines.extend(f"            v_{k} = V[i, {k}]" for k in range(d))
    if dot == "unit":
        lines.append("        s = abs(v_0)")
        lines.extend(f"        s = max(s, abs(v_{k}))" for k in range(1, d))
        lines.extend(f"        v_{k} = v_{k} / s" for k in range(d))
        lines.append("        q = v_0 * v_0")
        lines.extend(f"        q = q + v_{k} * v_{k}" for k in range(1, d))
        lines.append("        q = math.sqrt(q)")
        lines.extend(f"        v_{k} = v_{k} / q" for k in range(d))
    lines.extend(f"        {symbol} = {show(value)}" for symbol, value in replacements)
    if dot:
        terms = [f"({show(e)})*v_{k}" for k, e in enumerate(reduced)]
        lines.append(f"        acc = {terms[0]}")
        lines.extend(f"        acc = acc + {term}" for term in terms[1:])
        lines.append("        out[i] = acc")
    else:
        lines.extend(f"        out[i, {k}] = {show(e)}" for k, e in enumerate(reduced))
    return "\n".join(lines)


def numba_kernel(expressions, symbols, *, dot: str | None = None):
    """A ``numba.njit(parallel=True)`` row kernel for ``expressions`` (see :func:`kernel_source`).

    The source is registered with :mod:`linecache` under a
    ``<mathkit-compiled-N>`` file name, so tracebacks and numba's error
    messages show the generated lines.
    """
    import numba

    source = kernel_source(expressions, symbols, dot=dot)
    filename = f"<mathkit-compiled-{next(_counter)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"math": math, "prange": numba.prange, "abs": abs, "max": max, "min": min,
                 "__builtins__": {}}
    # The source is printed by sympy from an expression tree, not taken from user text.
    exec(compile(source, filename, "exec"), namespace)
    # error_model="numpy": x/0 gives inf or NaN (as in the numpy engine), which the
    # caller reports, instead of raising ZeroDivisionError from inside a thread
    return numba.njit(parallel=True, error_model="numpy")(namespace["kernel"])
