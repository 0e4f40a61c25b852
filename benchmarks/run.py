"""Run mathkit's benchmarks: ``python benchmarks/run.py [area] [--quick]``.

Each ``benchmarks/bench_<area>.py`` exposes ``cases(quick: bool) -> list[Case]``
(see ``benchmarks/harness.py``). With no area, every area runs, in name order.
The exit status is 1 if a contender's result disagrees with its reference.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for path in (HERE, ROOT):  # the harness, and mathkit itself when it is not installed
    if str(path) not in sys.path:
        sys.path.insert(0 if path == HERE else len(sys.path), str(path))

from harness import format_table, run_cases  # noqa: E402


def known_areas() -> dict[str, Path]:
    """Area name -> its ``bench_<area>.py``."""
    return {path.stem.removeprefix("bench_"): path for path in sorted(HERE.glob("bench_*.py"))}


def load_area(name: str, path: Path):
    """Import ``bench_<name>.py`` as a module."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, "cases", None)):
        msg = f"{path.name} must define cases(quick: bool) -> list[Case]"
        raise TypeError(msg)
    return module


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_header(quick: bool) -> str:
    """CPU count, versions and date, printed above the tables."""
    import numpy

    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    lines = [
        f"date:     {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"machine:  {platform.platform()}, {os.cpu_count()} CPUs ({usable} usable)",
        f"cpu:      {_cpu_model()}",
        f"python:   {platform.python_version()} ({sys.executable})",
        f"numpy:    {numpy.__version__}",
    ]
    try:
        import numba

        lines.append(
            f"numba:    {numba.__version__} ({numba.config.NUMBA_NUM_THREADS} threads)"
        )
    except Exception as error:  # numba is core, but report rather than crash
        lines.append(f"numba:    unavailable ({error})")
    try:
        import mathkit

        lines.append(f"mathkit:  {mathkit.__version__} ({Path(mathkit.__file__).parent})")
    except Exception as error:
        lines.append(f"mathkit:  import failed ({error})")
    lines.append(
        f"mode:     {'quick (at most 3 repeats)' if quick else 'full'}; "
        "ratio = contender time / mathkit time (> 1: mathkit faster)"
    )
    return "\n".join(lines)


def main(argv=None) -> int:
    areas = known_areas()
    parser = argparse.ArgumentParser(
        prog="python benchmarks/run.py",
        description="Time mathkit against its peers; print ratios and accuracy.",
    )
    parser.add_argument("area", nargs="?", help=f"one of: {', '.join(areas)} (default: all)")
    parser.add_argument("--quick", action="store_true", help="small sizes, at most 3 repeats")
    args = parser.parse_args(argv)
    if args.area is not None and args.area not in areas:
        parser.error(f"unknown area {args.area!r}; known areas: {', '.join(areas) or 'none'}")
    selected = {args.area: areas[args.area]} if args.area else areas

    print(machine_header(args.quick), flush=True)
    rows = []
    for name, path in selected.items():
        print(f"\n== {name} ==", flush=True)
        module = load_area(name, path)
        rows.extend(run_cases(module.cases(args.quick), quick=args.quick))
    bad = [row for row in rows if row.accuracy.startswith("MISMATCH")]
    if bad:
        print("\nresults that disagree with their reference:", file=sys.stderr)
        print(format_table(bad), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
