"""The ``mathkit derivative`` command: exact and numeric derivatives of a typed formula.

.. code-block:: console

   $ mathkit derivative "x**2 + y**2" --at 1,2 --along 3,4

prints the directional derivative along ``v/|v|`` (exact and numeric, with
the numeric method's error estimate), the Jacobian-vector product ``J v``
for the raw ``v``, the gradient, and the direction and rate of steepest
ascent. The formula is parsed by :func:`mathkit.calculus.parse.parse_expression`
(a whitelist: nothing in it is executed as Python).

This module imports nothing heavy: sympy, numpy and rich are imported by
the handler when the command runs, so ``mathkit --help`` stays fast.
"""

from __future__ import annotations

__all__ = ["add_command"]

_METHODS = ("auto", "complex_step", "central", "forward", "richardson", "symbolic")
#: Exact evaluation is skipped when a power at the point would have more bits.
_MAX_EXACT_BITS = 100_000


def add_command(commands) -> None:
    """Add the ``derivative`` subcommand to the ``mathkit`` subparsers.

    Parameters
    ----------
    commands : argparse._SubParsersAction
        What ``ArgumentParser.add_subparsers`` returned.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="mathkit")
    >>> add_command(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["derivative", "x**2 + y**2", "--at", "1,2", "--along", "3,4"])
    >>> args.expression, args.at, args.along, args.method
    ('x**2 + y**2', '1,2', '3,4', 'auto')
    """
    parser = commands.add_parser(
        "derivative",
        help="directional derivative, jvp, gradient and steepest ascent of a formula",
        description=(
            "Exact (sympy) and numeric derivatives of a formula at a point: the directional "
            "derivative along the unit vector v/|v| (textbook definition), the "
            "Jacobian-vector product J v for the raw v (JAX/PyTorch meaning), the gradient, "
            "and the direction and rate of steepest ascent. The formula is parsed safely: "
            "numbers, variables, + - * / ** ^ and functions such as sin, cos, exp, log, sqrt, "
            "abs; nothing else."
        ),
        epilog=(
            'example: mathkit derivative "x**2 + y**2" --at 1,2 --along 3,4   '
            "(a negative first coordinate needs '=': --at=-1,2)"
        ),
    )
    parser.add_argument("expression", metavar="EXPR", help='the formula, e.g. "x**2 + y**2"')
    parser.add_argument(
        "--at", required=True, metavar="X",
        help="the point, comma-separated; exact numbers allowed: 1,2 or 1/3,sqrt(2)",
    )
    parser.add_argument(
        "--along", metavar="V", default=None,
        help="the direction, comma-separated (need not be a unit vector): 3,4",
    )
    parser.add_argument(
        "--variables", metavar="NAMES", default=None,
        help="the variables in the order of the coordinates, comma-separated "
        "(default: the formula's variables sorted by name)",
    )
    parser.add_argument(
        "--method", choices=_METHODS, default="auto",
        help="method of the numeric column (default auto: complex step where it applies, "
        "else Richardson extrapolation)",
    )
    parser.set_defaults(handler=run)


def run(args, console) -> int:
    """Run ``mathkit derivative`` with parsed ``args``, printing to a rich ``console``.

    Parameters
    ----------
    args : argparse.Namespace
        With ``expression``, ``at``, ``along``, ``variables`` and ``method``.
    console : rich.console.Console
        Where to print.

    Returns
    -------
    int
        0 on success, 2 for bad input (the message says what is wrong).
    """
    from rich.markup import escape

    try:
        report = _compute(args)
    except (ValueError, TypeError) as error:
        console.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
        return 2
    _print(report, console)
    return 0


def _compute(args) -> dict:
    import numpy as np
    import sympy

    from mathkit.calculus import directional, symbolic
    from mathkit.calculus.parse import parse_expression, parse_vector

    names = None
    if args.variables is not None:
        names = [name.strip() for name in args.variables.split(",") if name.strip()]
    expr = parse_expression(args.expression, names)
    matrix, symbols, _ = symbolic._expression_and_symbols(expr, names, name="EXPR")
    point = parse_vector(args.at, name="--at")
    if len(point) != len(symbols):
        given = ", ".join(map(str, symbols))
        msg = f"--at must have one coordinate per variable ({given}), got {len(point)}"
        raise ValueError(msg)
    along = None
    if args.along is not None:
        along = parse_vector(args.along, name="--along")
        if len(along) != len(symbols):
            msg = f"--along must have {len(symbols)} coordinates, got {len(along)}"
            raise ValueError(msg)
        if all(value == 0 for value in along):
            msg = "--along must be a non-zero vector, got all zeros"
            raise ValueError(msg)
    float_point = np.array([float(value) for value in point])
    float_along = None if along is None else np.array([float(value) for value in along])
    if not np.all(np.isfinite(float_point)):
        msg = f"--at must be finite in floating point, got {args.at}"
        raise ValueError(msg)

    derivatives = [expr, *symbolic._jacobian_matrix(matrix, symbols)]
    bits = max(symbolic.exact_power_bits(e, symbols, point) for e in derivatives)
    exact_ok = bits <= _MAX_EXACT_BITS

    evaluate = symbolic.lambdify_vectorized(matrix, symbols)

    def function(points):
        return evaluate(points).reshape(points.shape[:-1])

    if args.method == "symbolic":
        numeric_f, options = expr, {"method": "symbolic", "variables": symbols}
    else:
        numeric_f, options = function, {"method": args.method, "vectorized": True}

    rows = []
    value = None
    if exact_ok:
        value = expr.xreplace(dict(zip(symbols, point, strict=True)))
        if value.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan) or value.is_finite is False:
            msg = f"f is undefined at the point: f = {value}"
            raise ValueError(msg)
    numeric_value = function(float_point)
    rows.append(("f(x)", value, float(numeric_value), None, None))
    headline = None
    if along is not None:
        exact = (directional.directional_derivative(expr, point, along, variables=symbols)
                 if exact_ok else None)
        numeric = directional.directional_derivative(numeric_f, float_point, float_along,
                                                     full_output=True, **options)
        rows.append(("D_v f = grad f . v/|v|  (directional derivative)", exact, numeric.value,
                     numeric.error_estimate, numeric.method))
        headline = (exact, numeric)
        exact = directional.jvp(expr, point, along, variables=symbols) if exact_ok else None
        numeric = directional.jvp(numeric_f, float_point, float_along, full_output=True,
                                  **options)
        rows.append(("J v  (jvp, raw v)", exact, numeric.value, numeric.error_estimate,
                     numeric.method))
    exact_grad = directional.gradient(expr, point, variables=symbols) if exact_ok else None
    numeric = directional.gradient(numeric_f, float_point, full_output=True, **options)
    rows.append(("grad f", exact_grad, numeric.value, numeric.error_estimate, numeric.method))
    exact_ascent = directional.steepest_ascent(expr, point, variables=symbols) if exact_ok else None
    numeric_ascent = directional.steepest_ascent(numeric_f, float_point, **options)
    critical = exact_ascent.critical if exact_ascent is not None else numeric_ascent.critical
    if critical:
        rows.append(("steepest ascent direction", "none: grad f = 0 (critical point)", None,
                     None, None))
    else:
        rows.append(("steepest ascent direction grad f/|grad f|",
                     None if exact_ascent is None else exact_ascent.direction,
                     numeric_ascent.direction, None, numeric_ascent.gradient.method))
    rows.append(("steepest ascent rate |grad f|",
                 None if exact_ascent is None else exact_ascent.rate, numeric_ascent.rate,
                 float(np.linalg.norm(numeric_ascent.gradient.error_estimate)),
                 numeric_ascent.gradient.method))
    return {
        "expr": expr, "symbols": symbols, "point": point, "along": along, "rows": rows,
        "headline": headline, "exact_ok": exact_ok, "critical": bool(critical),
    }


def _exact_text(value) -> str:
    import numpy as np

    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray):
        return "(" + ", ".join(str(v) for v in value.tolist()) + ")"
    return str(value)


def _float_text(value) -> str:
    import numpy as np

    if value is None:
        return "-"
    array = np.asarray(value)
    if array.dtype == object:
        array = np.array([complex(v.evalf(30)).real for v in array.ravel()]).reshape(array.shape)
    if array.ndim == 0:
        return f"{float(array):.15g}"
    return "(" + ", ".join(f"{float(v):.15g}" for v in array.ravel()) + ")"


def _error_text(value) -> str:
    import numpy as np

    if value is None:
        return "-"
    return f"{float(np.max(np.abs(value))):.1e}"


def _print(report: dict, console) -> None:
    from rich.table import Table

    symbols = ", ".join(map(str, report["symbols"]))
    point = ", ".join(map(str, report["point"]))
    console.print(f"f({symbols}) = {report['expr']}", highlight=False)
    where = f"at ({symbols}) = ({point})"
    if report["along"] is not None:
        where += f", along v = ({', '.join(map(str, report['along']))})"
    console.print(where, highlight=False)
    if report["headline"] is not None:
        exact, numeric = report["headline"]
        if exact is not None:
            console.print(
                f"directional derivative along v/|v|: [bold]{exact} = {_float_text(exact)}[/bold]",
                highlight=False,
            )
        console.print(
            f"numeric ({numeric.method}): {_float_text(numeric.value)} "
            f"(error estimate {_error_text(numeric.error_estimate)})",
            highlight=False,
        )
    if not report["exact_ok"]:
        console.print("exact values skipped: a power at this point is too large to compute "
                      "exactly", highlight=False)
    table = Table(show_lines=False)
    for column in ("quantity", "exact", "= (float)", "numeric", "error estimate", "method"):
        table.add_column(column, overflow="fold")
    for label, exact, numeric, error, method in report["rows"]:
        known = exact is not None and not isinstance(exact, str)
        exact_float = _float_text(exact) if known else "-"
        table.add_row(label, _exact_text(exact), exact_float, _float_text(numeric),
                      _error_text(error), method or "-")
    console.print(table)
    if report["critical"]:
        console.print("grad f = 0 here: a critical point, with no direction of steepest ascent",
                      highlight=False)
