"""``mathkit float``: how a number is stored in a floating-point format.

::

    $ mathkit float 0.1 --format fp16
    $ mathkit float 65520 --format float16 --mode toward_zero
    $ mathkit float 0x1.8p3 --format e4m3fn
    $ mathkit float -1e-5 --format bf16

The module imports only the standard library; the handler imports
:mod:`mathkit.precision` when the command runs.
"""

from __future__ import annotations

import argparse
import re

#: As :data:`mathkit.precision.rounding.MODES` and ``OVERFLOWS`` (repeated here so that
#: building the parser imports nothing; a test keeps them equal).
MODES = ("nearest_even", "nearest_away", "toward_zero", "up", "down", "odd", "stochastic")
OVERFLOWS = ("ieee", "saturate")

_EPILOG = """\
formats: float64, float32, tf32, float16 (fp16, half), bfloat16 (bf16), float8_e4m3fn
(e4m3fn, e4m3), float8_e4m3fnuz, float8_e5m2 (e5m2), float8_e5m2fnuz.
VALUE is read as a float64 first (decimal, 'inf', 'nan' or hexadecimal such as 0x1.8p3)."""


def add_command(commands) -> argparse.ArgumentParser:
    """Add the ``float`` subcommand to the ``mathkit`` command line.

    Parameters
    ----------
    commands : argparse._SubParsersAction
        The subparsers of ``mathkit`` (what ``add_subparsers`` returned).

    Returns
    -------
    argparse.ArgumentParser
        The new subparser; its ``handler(args, console) -> int`` runs the command.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="mathkit")
    >>> parser = add_command(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["0.1", "--format", "bf16"])
    >>> args.value, args.format, args.mode
    ('0.1', 'bf16', 'nearest_even')
    """
    parser = commands.add_parser(
        "float",
        help="how a number is stored in a floating-point format (fields, value, error)",
        description="Round VALUE to a floating-point format and show its bits, its stored "
                    "value and the rounding error.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("value", help="the number: 0.1, -2.5, 1e-8, inf, nan, 0x1.8p3")
    parser.add_argument("--format", "-f", default="float16",
                        help="the format or its alias (default: %(default)s)")
    parser.add_argument("--mode", "-m", default="nearest_even", choices=MODES,
                        help="rounding mode (default: %(default)s)")
    parser.add_argument("--overflow", default="ieee", choices=OVERFLOWS,
                        help="what values past the largest become (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed of stochastic rounding (default: fresh entropy)")
    parser.set_defaults(handler=run)
    if hasattr(parser, "_negative_number_matcher"):
        # argparse takes "-1e-5" or "-inf" for an option; this parser has no option that
        # looks like a number, so let every negative number through ("--" works anyway).
        parser._negative_number_matcher = re.compile(r"^-(\d|\.\d|inf|nan|0x)", re.IGNORECASE)
    return parser


def parse_value(text: str) -> float:
    """The float64 of ``text``: a decimal (correctly rounded), ``inf``, ``nan`` or hex float.

    Raises
    ------
    ValueError
        If ``text`` is none of these.

    Examples
    --------
    >>> parse_value("0x1.8p3"), parse_value("-0.5"), parse_value("1e-3")
    (12.0, -0.5, 0.001)
    """
    stripped = text.strip()
    try:
        return float(stripped)
    except ValueError:
        pass
    if "0x" in stripped.lower():
        try:
            return float.fromhex(stripped)
        except ValueError:
            pass
    msg = f"value must be a number (0.1, 1e-8, inf, nan, 0x1.8p3), got {text!r}"
    raise ValueError(msg)


def run(args, console) -> int:
    """Print the description of ``args.value`` in ``args.format``; return the exit status."""
    from decimal import Decimal

    from mathkit.precision.bits import describe
    from mathkit.precision.formats import FORMATS, as_format

    try:
        fmt = as_format(args.format)
    except ValueError:
        known = ", ".join(FORMATS)
        console.print(f"[red]error: unknown format {args.format!r}; known: {known} "
                      "(and aliases fp16, half, bf16, e4m3, e5m2, ...)[/red]")
        return 2
    if args.seed is not None and args.seed < 0:
        console.print(f"[red]error: --seed must be a non-negative integer, got {args.seed}[/red]")
        return 2
    try:
        value = parse_value(args.value)
        seed = args.seed if args.mode == "stochastic" else None
        d = describe(value, fmt, mode=args.mode, overflow=args.overflow, rng=seed)
    except (TypeError, ValueError) as error:
        console.print(f"[red]error: {error}[/red]")
        return 2
    name = fmt.name or "custom format"
    features = [f"p={fmt.precision}", f"emin={fmt.emin}", f"emax={fmt.emax}", f"{fmt.bits} bits",
                f"max={fmt.max:.6g}"]
    if not fmt.infinities:
        features.append("no inf")
    if fmt.nan != "ieee":
        features.append(f"NaN: {fmt.nan}")
    lines = [
        ("format", f"{name}  ({', '.join(features)})"),
        ("input", _with_exact(args.value, value, Decimal)),
        ("mode", f"{args.mode}, overflow {args.overflow}"),
        ("stored", _with_exact(None, d.value, Decimal)),
        ("bits", f"{d.bits}  ({d.hex})"),
        ("fields", _fields(d)),
        ("category", d.category),
        ("error", _error(d, fmt)),
        ("ulp", f"{d.ulp!r} (spacing at the stored value)" if d.ulp == d.ulp else "-"),
    ]
    for label, text in lines:
        console.print(f"{label:<9} {text}", highlight=False)
    return 0


def _with_exact(text, value: float, decimal_type) -> str:
    shown = repr(value)
    if value == value and abs(value) != float("inf"):
        exact = str(decimal_type(value))
        if exact not in (shown, text) and decimal_type(shown) != decimal_type(exact):
            shown += f"  (exactly {exact})"
    if text is not None and text.strip() not in (shown, repr(value)):
        shown = f"{text.strip()} -> float64 {shown}"
    return shown


def _fields(d) -> str:
    fmt = d.format
    if d.unbiased_exponent is None:
        exponent = f"exponent {d.exponent}"
    else:
        exponent = f"exponent {d.exponent} (2^{d.unbiased_exponent}, bias {fmt.bias})"
    return f"sign {d.sign}, {exponent}, mantissa {d.mantissa}"


def _error(d, fmt) -> str:
    if d.relative_error == d.relative_error:  # not NaN
        return (f"{d.error!r}  (relative {d.relative_error:.3g}; unit roundoff "
                f"{fmt.unit_roundoff:.3g})")
    return repr(d.error)
