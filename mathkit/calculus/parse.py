"""Safe parsing of formulas typed on the command line into sympy expressions.

``sympy.sympify`` and ``parse_expr`` run ``eval`` on the text, which makes
``sympify("__import__('os').system('ls')")`` run a shell command. Text from
a command line must never get there unchecked. :func:`parse_expression`
therefore works in two stages:

1. **A whitelist check of the Python syntax tree** (:mod:`ast`), before
   anything is evaluated. Allowed: numbers (int and decimal literals),
   variable names (letters, digits and ``_``, not starting with ``_``), the
   operators ``+ - * / **`` (and ``^`` for power), unary ``+``/``-``, and
   calls of the functions in :data:`FUNCTIONS` by name with positional
   arguments. Everything else is refused with a message naming it:
   attribute access (``x.__class__``), subscripts, lambdas, comprehensions,
   strings, comparisons, keyword arguments, unknown functions. Limits on
   the length, the nesting depth and the number of nodes refuse very long
   or deeply nested input, and constant powers are bounded (below) so that
   ``9**9**9**9`` is refused at once instead of computed forever.
2. **sympy's parser** (:func:`sympy.parsing.sympy_parser.parse_expr`) with
   restricted namespaces: no builtins, only the whitelisted functions and
   constants, and each variable bound to a sympy ``Symbol``.

Decimal literals are read exactly: ``0.1`` is the rational ``1/10``.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Sequence

from mathkit._validate import _describe

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "MAX_NODES",
    "UnsafeExpressionError",
    "parse_expression",
    "parse_vector",
]

#: Longest accepted text, in characters.
MAX_LENGTH = 1000
#: Deepest accepted nesting of operations and calls.
MAX_DEPTH = 50
#: Most accepted syntax-tree nodes.
MAX_NODES = 400
#: Largest accepted constant exponent, in absolute value; also the bound on
#: the product of constant exponents of nested powers (``(x**100)**100``).
MAX_EXPONENT = 10_000

#: Function name -> (sympy name, allowed numbers of arguments).
FUNCTIONS: dict[str, tuple[str, tuple[int, ...] | None]] = {
    "sin": ("sin", (1,)), "cos": ("cos", (1,)), "tan": ("tan", (1,)),
    "cot": ("cot", (1,)), "sec": ("sec", (1,)), "csc": ("csc", (1,)),
    "asin": ("asin", (1,)), "acos": ("acos", (1,)), "atan": ("atan", (1,)),
    "atan2": ("atan2", (2,)),
    "sinh": ("sinh", (1,)), "cosh": ("cosh", (1,)), "tanh": ("tanh", (1,)),
    "asinh": ("asinh", (1,)), "acosh": ("acosh", (1,)), "atanh": ("atanh", (1,)),
    "exp": ("exp", (1,)), "log": ("log", (1, 2)), "ln": ("log", (1,)),
    "sqrt": ("sqrt", (1,)), "cbrt": ("cbrt", (1,)),
    "abs": ("Abs", (1,)), "Abs": ("Abs", (1,)), "sign": ("sign", (1,)),
    "erf": ("erf", (1,)), "erfc": ("erfc", (1,)),
    "min": ("Min", None), "max": ("Max", None),
}
#: Constant name -> sympy name.
CONSTANTS: dict[str, str] = {"pi": "pi", "E": "E"}

# Names the code that parse_expr generates refers to: no variable may shadow them.
_RESERVED = frozenset({"Integer", "Float", "Rational", "Symbol", "Function", "Lambda"})
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**",
              ast.BitXor: "^"}
_UNARY = {ast.UAdd: "+", ast.USub: "-"}
_REFUSED = {
    ast.Attribute: "attribute access is",
    ast.Subscript: "subscripts are",
    ast.Lambda: "lambda is",
    ast.ListComp: "comprehensions are", ast.SetComp: "comprehensions are",
    ast.DictComp: "comprehensions are", ast.GeneratorExp: "comprehensions are",
    ast.List: "lists are", ast.Tuple: "tuples are", ast.Set: "sets are", ast.Dict: "dicts are",
    ast.Compare: "comparisons are", ast.BoolOp: "and/or are", ast.IfExp: "if-else is",
    ast.JoinedStr: "strings are", ast.NamedExpr: "assignments are",
    ast.Starred: "* unpacking is", ast.Await: "await is", ast.Yield: "yield is",
    ast.YieldFrom: "yield is",
}
# Float versions of the functions, to bound constant subexpressions (magnitudes).
_FLOAT_FUNCTIONS = {
    "sin": math.sin, "cos": math.cos, "tan": math.tan,
    "cot": lambda a: 1 / math.tan(a), "sec": lambda a: 1 / math.cos(a),
    "csc": lambda a: 1 / math.sin(a),
    "asin": math.asin, "acos": math.acos, "atan": math.atan, "atan2": math.atan2,
    "sinh": math.sinh, "cosh": math.cosh, "tanh": math.tanh,
    "asinh": math.asinh, "acosh": math.acosh, "atanh": math.atanh,
    "exp": math.exp, "log": lambda a, b=math.e: math.log(abs(a)) / math.log(abs(b)),
    "ln": lambda a: math.log(abs(a)), "sqrt": lambda a: math.sqrt(abs(a)),
    "cbrt": lambda a: abs(a) ** (1 / 3), "abs": abs, "Abs": abs,
    "sign": lambda a: float((a > 0) - (a < 0)), "erf": math.erf, "erfc": math.erfc,
    "min": min, "max": max,
}


class UnsafeExpressionError(ValueError):
    """Text refused by :func:`parse_expression`: not a plain formula, or too big.

    Examples
    --------
    >>> parse_expression("().__class__")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mathkit.calculus.parse.UnsafeExpressionError: expression refused: attribute access is ...
    """


def _refusal(reason: str) -> str:
    """The message of an :class:`UnsafeExpressionError`."""
    return (
        f"expression refused: {reason} (allowed: numbers, variables, + - * / ** ^, and "
        "calls of sin, cos, exp, log, sqrt, abs, ... by name)"
    )


def parse_expression(text: str, variables: Sequence[str] | None = None, *,
                     max_length: int = MAX_LENGTH):
    r"""Parse a formula safely into a sympy expression.

    Parameters
    ----------
    text : str
        The formula, in Python syntax: ``"x**2 + y**2"``, ``"exp(-x^2/2)"``,
        ``"sin(x) * cos(y)"``. ``^`` means power. Decimal literals are
        exact (``0.1`` is ``1/10``).
    variables : sequence of str, optional
        The only names allowed as variables (default: any name that is not
        a function or a constant).
    max_length : int, default 1000
        Longest accepted text.

    Returns
    -------
    sympy.Expr
        Variables are plain ``sympy.Symbol`` objects.

    Raises
    ------
    TypeError
        If ``text`` is not a string.
    UnsafeExpressionError
        (a ``ValueError``) If the text is not a plain formula (see the
        module notes), names an unknown function or variable, is too long or
        too deeply nested, or raises a constant to a power beyond
        :data:`MAX_EXPONENT` or the float range.
    ValueError
        If the text is not valid syntax.

    Notes
    -----
    Nothing is evaluated before the whole syntax tree has passed the
    whitelist. The check is: every node is a number, a name, a
    ``+ - * / ** ^`` operation, a unary ``+``/``-`` or a call of a
    whitelisted function by name; names do not start with ``_``; the tree
    is at most :data:`MAX_DEPTH` deep with at most :data:`MAX_NODES` nodes;
    every constant subexpression is finite as a float; every constant
    exponent, and the product of the constant exponents of nested powers,
    is at most :data:`MAX_EXPONENT` in absolute value. Then sympy's
    ``parse_expr`` runs with ``{"__builtins__": {}}`` and only the
    whitelisted names as its namespace. See the Python documentation of
    :func:`ast.literal_eval` and :func:`sympy.parsing.sympy_parser.parse_expr`
    (which warns that it uses ``eval``) for why both stages are needed.

    Examples
    --------
    >>> parse_expression("x**2 + y**2")
    x**2 + y**2
    >>> parse_expression("0.5 * exp(-x^2)")
    exp(-x**2)/2
    >>> parse_expression("__import__('os').system('ls')")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mathkit.calculus.parse.UnsafeExpressionError: expression refused: only functions called ...
    >>> parse_expression("9**9**9**9")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mathkit.calculus.parse.UnsafeExpressionError: expression refused: the constant 9 ** 9 ...
    """
    if not isinstance(text, str):
        msg = f"text must be a string, got {type(text).__name__} {_describe(text)}"
        raise TypeError(msg)
    if len(text) > max_length:
        msg = _refusal(f"the text has {len(text)} characters, more than the limit {max_length}")
        raise UnsafeExpressionError(msg)
    if not text.strip():
        msg = "text must hold a formula, got an empty string"
        raise ValueError(msg)
    allowed = None
    if variables is not None:
        allowed = [variables] if isinstance(variables, str) else list(variables)
        for name in allowed:
            if not isinstance(name, str) or not _NAME.match(name):
                msg = f"variables must be names (letters, digits, _), got {name!r}"
                raise ValueError(msg)
    tree = _syntax_tree(text)
    names = _check_tree(tree, allowed)
    return _sympy_parse(text, names)


def _syntax_tree(text: str) -> ast.Expression:
    try:
        return ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        detail = error.msg if error.msg else "invalid syntax"
        msg = f"text is not a valid formula: {detail} (write products as 2*x, powers as x**2)"
        raise ValueError(msg) from None
    except (ValueError, RecursionError, MemoryError) as error:
        msg = _refusal(f"the text cannot be parsed safely ({type(error).__name__})")
        raise UnsafeExpressionError(msg) from None


def _check_tree(tree: ast.Expression, allowed: list[str] | None) -> set[str]:
    """Walk the tree without recursion; return the variable names it uses."""
    names: set[str] = set()
    # (node, depth, product of the constant exponents of the powers above it)
    stack: list[tuple[ast.AST, int, float]] = [(tree.body, 1, 1.0)]
    count = 0
    while stack:
        node, depth, power = stack.pop()
        count += 1
        if count > MAX_NODES:
            msg = _refusal(f"more than {MAX_NODES} syntax nodes")
            raise UnsafeExpressionError(msg)
        if depth > MAX_DEPTH:
            msg = _refusal(f"nesting deeper than {MAX_DEPTH}")
            raise UnsafeExpressionError(msg)
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _OPERATORS:
                msg = _refusal(f"the operator {type(node.op).__name__} is not allowed")
                raise UnsafeExpressionError(msg)
            if not _has_variable(node):
                _constant(node)  # refuses constants beyond the float range
            if type(node.op) in (ast.Pow, ast.BitXor):
                exponent = _constant(node.right)
                if exponent is not None:
                    if abs(exponent) > MAX_EXPONENT:
                        msg = _refusal(
                            f"the exponent in {_source(node)} is above {MAX_EXPONENT}"
                        )
                        raise UnsafeExpressionError(msg)
                    base_power = power * max(1.0, abs(exponent))
                    if base_power > MAX_EXPONENT:
                        msg = _refusal(
                            f"nested powers multiply to an exponent above {MAX_EXPONENT} in "
                            f"{_source(node)}"
                        )
                        raise UnsafeExpressionError(msg)
                    stack.append((node.left, depth + 1, base_power))
                    stack.append((node.right, depth + 1, 1.0))
                    continue
            stack.append((node.left, depth + 1, power))
            stack.append((node.right, depth + 1, power))
        elif isinstance(node, ast.UnaryOp):
            if type(node.op) not in _UNARY:
                msg = _refusal(f"the operator {type(node.op).__name__} is not allowed")
                raise UnsafeExpressionError(msg)
            stack.append((node.operand, depth + 1, power))
        elif isinstance(node, ast.Constant):
            _check_literal(node)
        elif isinstance(node, ast.Name):
            names.add(_check_name(node.id, allowed))
        elif isinstance(node, ast.Call):
            _check_call(node)
            if not _has_variable(node):
                _constant(node)  # sqrt(10**300)**..., exp(exp(exp(10))): refused here
            stack.extend((argument, depth + 1, power) for argument in node.args)
        else:
            what = _REFUSED.get(type(node), f"{type(node).__name__} nodes")
            msg = _refusal(f"{what} not allowed")
            raise UnsafeExpressionError(msg)
    names.discard("")
    return names


def _source(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 40 else text[:37] + "..."


def _check_literal(node: ast.Constant) -> None:
    value = node.value
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = "strings" if isinstance(value, str | bytes) else f"{type(value).__name__} literals"
        msg = _refusal(f"{kind} are not allowed")
        raise UnsafeExpressionError(msg)
    try:
        if not math.isfinite(float(value)):
            msg = _refusal(f"the number {_source(node)} is outside the float range")
            raise UnsafeExpressionError(msg)
    except OverflowError:
        msg = _refusal(f"the number {_source(node)[:20]}... is outside the float range")
        raise UnsafeExpressionError(msg) from None


def _check_name(name: str, allowed: list[str] | None) -> str:
    if name.startswith("_") or not _NAME.match(name):
        msg = _refusal(f"name {name!r}: names must not start with '_'")
        raise UnsafeExpressionError(msg)
    if name in FUNCTIONS:
        msg = _refusal(f"{name} is a function: call it, as {name}(x)")
        raise UnsafeExpressionError(msg)
    if name in CONSTANTS:
        return ""
    if name in _RESERVED:
        msg = _refusal(f"the name {name!r} is reserved")
        raise UnsafeExpressionError(msg)
    if allowed is not None and name not in allowed:
        msg = f"unknown variable {name!r} (variables: {', '.join(allowed)})"
        raise UnsafeExpressionError(msg)
    return name


def _check_call(node: ast.Call) -> None:
    if not isinstance(node.func, ast.Name):
        msg = _refusal(f"only functions called by name are allowed, got {_source(node.func)}(...)")
        raise UnsafeExpressionError(msg)
    name = node.func.id
    if name.startswith("_"):
        msg = _refusal(f"name {name!r}: names must not start with '_'")
        raise UnsafeExpressionError(msg)
    if name not in FUNCTIONS:
        known = ", ".join(sorted(FUNCTIONS))
        msg = _refusal(f"unknown function {name!r}; known: {known}")
        raise UnsafeExpressionError(msg)
    if node.keywords:
        msg = _refusal(f"keyword arguments are not allowed in {name}(...)")
        raise UnsafeExpressionError(msg)
    counts = FUNCTIONS[name][1]
    if counts is None:
        if len(node.args) < 2:
            msg = _refusal(f"{name} needs at least 2 arguments, got {len(node.args)}")
            raise UnsafeExpressionError(msg)
    elif len(node.args) not in counts:
        wanted = " or ".join(map(str, counts))
        msg = _refusal(f"{name} takes {wanted} argument(s), got {len(node.args)}")
        raise UnsafeExpressionError(msg)


def _has_variable(node: ast.AST) -> bool:
    """Whether a subtree mentions a variable (a name that is no constant, no called function)."""
    functions = {id(child.func) for child in ast.walk(node) if isinstance(child, ast.Call)}
    return any(
        isinstance(child, ast.Name) and child.id not in CONSTANTS and id(child) not in functions
        for child in ast.walk(node)
    )


def _constant(node: ast.AST) -> float | None:
    """A float estimate of a constant subtree (None if it has variables).

    Refuses constants beyond the float range, so nothing huge reaches sympy.
    """
    if _has_variable(node):
        return None
    try:
        value = _float_value(node)
    except (OverflowError, ZeroDivisionError) as error:
        reason = "divides by zero" if isinstance(error, ZeroDivisionError) else "is too large"
        msg = _refusal(f"the constant {_source(node)} {reason}")
        raise UnsafeExpressionError(msg) from None
    if not math.isfinite(value):
        msg = _refusal(f"the constant {_source(node)} is too large")
        raise UnsafeExpressionError(msg)
    return value


def _float_value(node: ast.AST) -> float:
    """Evaluate a variable-free tree in floats: bounded and instant.

    Where the real value does not exist (``log(-1)``, ``acos(2)``) a rough
    magnitude stands in: it only has to say whether the constant is huge.
    """
    if isinstance(node, ast.Constant):
        _check_literal(node)
        return float(node.value)
    if isinstance(node, ast.Name) and node.id in CONSTANTS:
        return math.pi if node.id == "pi" else math.e
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        value = _float_value(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        _check_call(node)
        arguments = [_float_value(argument) for argument in node.args]
        try:
            return float(_FLOAT_FUNCTIONS[node.func.id](*arguments))
        except (ValueError, ZeroDivisionError):  # outside the real domain, or a pole
            return max(abs(a) for a in arguments) + 4.0
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _float_value(node.left), _float_value(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            return left / right
        if abs(right) > MAX_EXPONENT:
            raise OverflowError
        if left == 0:
            if right < 0:
                raise ZeroDivisionError
            return 0.0
        return math.pow(abs(left), right)  # the magnitude; sign and branch are sympy's
    what = _REFUSED.get(type(node), f"{type(node).__name__} nodes are")
    msg = _refusal(f"{what} not allowed")
    raise UnsafeExpressionError(msg)


def _sympy_parse(text: str, names: set[str]):
    import sympy
    from sympy.parsing.sympy_parser import (
        auto_number,
        auto_symbol,
        convert_xor,
        parse_expr,
        rationalize,
    )

    global_dict = {"__builtins__": {}}
    for helper in ("Integer", "Float", "Rational", "Symbol"):
        global_dict[helper] = getattr(sympy, helper)
    for name, (sympy_name, _) in FUNCTIONS.items():
        global_dict[name] = getattr(sympy, sympy_name)
    for name, sympy_name in CONSTANTS.items():
        global_dict[name] = getattr(sympy, sympy_name)
    local_dict = {name: sympy.Symbol(name) for name in names}
    transformations = (auto_symbol, auto_number, rationalize, convert_xor)
    try:
        expr = parse_expr(text.strip(), local_dict=local_dict, global_dict=global_dict,
                          transformations=transformations)
    except (SyntaxError, TypeError, ValueError, ArithmeticError) as error:
        msg = f"text is not a valid formula: {type(error).__name__}: {error}"
        raise ValueError(msg) from None
    if not isinstance(expr, sympy.Expr):
        msg = f"text must be a formula with a value, got {type(expr).__name__}"
        raise ValueError(msg)
    return expr


def parse_vector(text: str, *, name: str = "vector") -> tuple:
    """Parse comma-separated exact real numbers: ``"1, 2"``, ``"1/3, sqrt(2), -0.5"``.

    Parameters
    ----------
    text : str
        The coordinates, separated by commas; each is a constant formula
        (no variables) parsed by :func:`parse_expression`.
    name : str, default "vector"
        What the vector is, for error messages (``"--at"``).

    Returns
    -------
    tuple of sympy numbers
        Exact where the text is (``0.5`` is ``1/2``).

    Raises
    ------
    TypeError
        If ``text`` is not a string.
    ValueError
        If a coordinate is empty, has a variable, or is not a finite real
        number (:class:`UnsafeExpressionError` for refused text).

    Notes
    -----
    The same whitelist as :func:`parse_expression` applies to every
    coordinate.

    Examples
    --------
    >>> parse_vector("1, 2")
    (1, 2)
    >>> parse_vector("1/3, sqrt(2), -0.5")
    (1/3, sqrt(2), -1/2)
    """
    if not isinstance(text, str):
        msg = f"{name} must be a string, got {type(text).__name__} {_describe(text)}"
        raise TypeError(msg)
    if len(text) > MAX_LENGTH:
        msg = _refusal(f"{name} has {len(text)} characters, more than the limit {MAX_LENGTH}")
        raise UnsafeExpressionError(msg)
    parts = [part.strip() for part in text.split(",")]
    if not parts or any(not part for part in parts):
        msg = f"{name} must be comma-separated numbers such as 1,2 or 1/3,-0.5, got {text!r}"
        raise ValueError(msg)
    values = []
    for part in parts:
        value = parse_expression(part)
        if value.free_symbols:
            msg = f"{name} must hold numbers, got {part!r} (a variable)"
            raise ValueError(msg)
        if not (value.is_extended_real and value.is_finite):
            msg = f"{name} must hold finite real numbers, got {part!r} = {value}"
            raise ValueError(msg)
        values.append(value)
    return tuple(values)
