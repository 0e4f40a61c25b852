"""The ``mathkit`` command line: ``info``, ``check``, ``tour``.

Run ``mathkit --help`` or ``mathkit COMMAND --help``. Progress bars show on a
terminal and are off when output is piped, or with ``--no-progress``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import platform
import sys
from importlib import metadata
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from mathkit import __version__

#: Modules of the areas that add commands: each has ``add_command(commands)``,
#: which adds a subparser whose ``handler(args, console) -> int`` runs it.
#: They must import lightly; heavy imports belong inside the handler.
AREA_COMMANDS: tuple[str, ...] = ("mathkit.calculus.command", "mathkit.precision.command")

_PACKAGES = (
    "numpy", "scipy", "sympy", "numba", "llvmlite", "array-api-compat", "rich",
    "mpmath", "cupy-cuda12x", "cupy-cuda13x", "dask", "distributed", "matplotlib", "hypothesis",
)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _info(args, console: Console) -> int:
    from mathkit._backend import engine_status

    console.print(f"mathkit {__version__}  (Python {platform.python_version()}, "
                  f"{platform.system()} {platform.machine()})")
    versions = Table(title="packages", show_header=False, box=None)
    for package in _PACKAGES:
        versions.add_row(package, _version(package))
    console.print(versions)
    engines = Table(title="engines")
    for column in ("engine", "works", "version", "notes"):
        engines.add_column(column)
    for name in ("numpy", "numba", "cupy"):
        status = engine_status(name)
        notes = status.reason
        if status.details:
            notes += " (" + ", ".join(f"{k}={v}" for k, v in status.details.items()) + ")"
        engines.add_row(name, "yes" if status.available else "no", status.version or "-", notes)
    console.print(engines)
    return 0


def _progress(args, console: Console):
    enabled = not args.no_progress and console.is_terminal
    return Progress(console=console, transient=True, disable=not enabled)


def _check(args, console: Console) -> int:
    from mathkit import claims

    selected = claims.claims(args.area)
    table = Table(title=f"claims ({args.area or 'all areas'})")
    table.add_column("claim", ratio=3)
    for column in ("symbolic", "numeric", "simulated +- interval", "error", "verdict"):
        table.add_column(column, overflow="fold", ratio=1)
    with _progress(args, console) as progress:
        task = progress.add_task("checking claims", total=len(selected))
        results = claims.run(args.area, on_result=lambda _: progress.advance(task))
    for result in results:
        table.add_row(
            f"{result.claim.area}/{result.claim.name}\n[dim]{result.claim.statement}[/dim]",
            _short(result.symbolic), _short(result.numeric), _simulated(result),
            "-" if result.error != result.error else f"{result.error:.2e}",
            result.verdict if result.passed else f"{result.verdict}: {result.message}",
        )
    console.print(table)
    failed = [r for r in results if not r.passed]
    console.print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def _short(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, tuple | list) and len(value) > 2:
        return f"{len(value)} values"
    text = str(value)
    return text if len(text) <= 24 else text[:21] + "..."


def _simulated(result) -> str:
    if result.simulated is None:
        return "-"
    low, high = result.interval
    return f"{result.simulated.value:.6g} +- {(high - low) / 2:.2g}"


def _tour(args, console: Console) -> int:
    from mathkit import claims

    plotting = importlib.util.find_spec("matplotlib") is not None
    context = claims.TourContext(Path(args.out), plotting)
    sections = claims.tour_sections(args.area)
    figures, failed = [], []
    with _progress(args, console) as progress:
        task = progress.add_task("tour", total=len(sections))
        for section in sections:
            console.rule(f"[bold]{section.title}[/bold] ({section.area})")
            try:
                output = section.run(context)
            except Exception as error:  # one broken section must not hide the others
                console.print(f"[red]section failed: {type(error).__name__}: {error}[/red]")
                failed.append(section.name)
            else:
                for line in output.lines:
                    console.print(line, highlight=False)
                figures.extend(output.figures)
            progress.advance(task)
    console.rule()
    where = f"figures in {context.out}/" if figures else "no figures"
    if not plotting:
        where += " (install mathkit[plot] for figures)"
    console.print(f"tour: {len(sections)} sections, {len(figures)} figures; {where}")
    if failed:
        console.print(f"[red]failed sections: {', '.join(failed)}[/red]")
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``mathkit`` (documented in the CLI page)."""
    parser = argparse.ArgumentParser(
        prog="mathkit",
        description="mathkit: exact, numeric and simulated math that agree.",
    )
    parser.add_argument("--version", action="version", version=f"mathkit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    info = commands.add_parser("info", help="versions, engines (numpy/numba/CuPy) and the GPU")
    info.set_defaults(handler=_info)

    check = commands.add_parser("check", help="verify the registered claims (exit 1 on failure)")
    check.add_argument("area", nargs="?", default=None, help="only this area's claims")
    check.add_argument("--no-progress", action="store_true", help="no progress bar")
    check.set_defaults(handler=_check)

    tour = commands.add_parser("tour", help="run every tour section, saving figures")
    tour.add_argument("--out", default="mathkit-tour", help="folder for figures (%(default)s)")
    tour.add_argument("--area", default=None, help="only this area's sections")
    tour.add_argument("--no-progress", action="store_true", help="no progress bar")
    tour.set_defaults(handler=_tour)

    for module in AREA_COMMANDS:
        importlib.import_module(module).add_command(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    # Piped output (CI logs) gets a fixed width rather than rich's default of 80.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
    area = getattr(args, "area", None)
    if area is not None:
        from mathkit.claims import AREAS

        if area not in AREAS:
            parser.error(f"unknown area {area!r}; known: {', '.join(AREAS)}")
    with contextlib.suppress(BrokenPipeError):
        return args.handler(args, console)
    return 1

