"""A small timing harness: mathkit against its peers, in the same process, on the same input.

A :class:`Case` names one task and gives the callables that perform it: mathkit's
(the baseline of the ratios), optionally other mathkit engines (``variants``), and
the peers a user would otherwise pick. :func:`run_cases` times each contender and
prints one table row per contender:

- one warm-up call first; its time is reported as **compile** time for contenders
  whose first call compiles (numba dispatchers, or names listed in ``Case.jitted``),
  and its result is the one the accuracy function judges;
- then repeats, their number adapted so each contender takes about
  :data:`TARGET_SECONDS` in all (at least :data:`MIN_REPEATS`; at most 3 with
  ``quick``); the table shows the **median**;
- **ratio** is the contender's median over mathkit's median: above 1 means mathkit
  is faster;
- **accuracy** is what ``Case.accuracy`` says of the contender's result (an error
  against a reference, or a word such as ``bit-exact``); ``n/a`` where it does not
  apply.

A callable may time itself (a subprocess measuring its own import, say) by
returning :class:`Timed`; the harness then uses the seconds it reports instead of
the wall-clock time of the call.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MIN_REPEATS", "TARGET_SECONDS", "Case", "Row", "Timed", "format_table", "run_cases"]

#: Seconds of repeated calls aimed at per contender (after the warm-up).
TARGET_SECONDS = 0.5
#: Repeats at least (full runs) and at most (``quick`` runs; and any run's cap).
MIN_REPEATS = 3
QUICK_MAX_REPEATS = 3
MAX_REPEATS = 10_000


@dataclass(frozen=True)
class Timed:
    """What a self-timing callable returns: the seconds to record, and its result."""

    seconds: float
    value: Any = None


Accuracy = Callable[[Any], "float | str | None"]


@dataclass
class Case:
    """One benchmark task and its contenders.

    Parameters
    ----------
    name : str
        What is computed, with its size (``"Philox words, n=10^6"``).
    area : str
        The mathkit area (``"core"``, ``"walks"``, ...).
    mathkit : callable
        mathkit's way, called with no arguments; the baseline of every ratio.
    peers : dict of str to callable
        The other libraries' ways, by display name.
    accuracy : callable or dict of str to callable, optional
        Applied to a contender's result, returns its error against a reference
        (a float), or a word (``"bit-exact"``), or None for ``n/a``. A dict maps
        contender names to such functions; contenders it lacks show ``n/a``.
    mathkit_name : str
        Display name of the mathkit contender.
    variants : dict of str to callable
        Other mathkit engines for the same task (the numpy reference, say); timed
        and compared with ``mathkit`` like peers.
    jitted : collection of str
        Contenders whose first call compiles (numba dispatchers are detected
        without being listed); their warm-up time is reported as compile time.
    notes : dict of str to str
        A note per contender for the table (``"same family, not the same stream"``).
    goal : float, optional
        Target time in seconds for mathkit; the note says whether it is met.
    """

    name: str
    area: str
    mathkit: Callable[[], Any]
    peers: Mapping[str, Callable[[], Any]] = field(default_factory=dict)
    accuracy: Accuracy | Mapping[str, Accuracy] | None = None
    mathkit_name: str = "mathkit"
    variants: Mapping[str, Callable[[], Any]] = field(default_factory=dict)
    jitted: frozenset[str] | set[str] | tuple[str, ...] = ()
    notes: Mapping[str, str] = field(default_factory=dict)
    goal: float | None = None

    def contenders(self) -> list[tuple[str, Callable[[], Any]]]:
        """mathkit first, then its variants, then the peers."""
        return [(self.mathkit_name, self.mathkit), *self.variants.items(), *self.peers.items()]


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    area: str
    case: str
    contender: str
    is_mathkit: bool
    median_s: float
    repeats: int
    ratio: float
    accuracy: str
    compile_s: float | None
    note: str


def _is_numba_dispatcher(function) -> bool:
    try:
        from numba.core.dispatcher import Dispatcher
    except Exception:  # numba missing or broken: nothing is jitted then
        return False
    return isinstance(function, Dispatcher)


def _call(function) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function()
    wall = time.perf_counter() - start
    if isinstance(result, Timed):
        return result.seconds, result.value
    return wall, result


def _repeat_count(seconds_per_call: float, quick: bool) -> int:
    wanted = math.ceil(TARGET_SECONDS / max(seconds_per_call, 1e-9))
    if quick:
        return max(1, min(QUICK_MAX_REPEATS, wanted))
    return max(MIN_REPEATS, min(MAX_REPEATS, wanted))


def _judge(case: Case, name: str, result) -> str:
    judge = case.accuracy
    if isinstance(judge, Mapping):
        judge = judge.get(name)
    if judge is None:
        return "n/a"
    verdict = judge(result)
    if verdict is None:
        return "n/a"
    if isinstance(verdict, str):
        return verdict
    return f"{verdict:.1e}"


def time_contender(function, quick: bool = False) -> tuple[float, float, int, Any]:
    """Warm up, then repeat; return (first call s, median s, repeats, first result)."""
    first, result = _call(function)
    # Size the repeats on a warm call (the first one may include compilation), by its
    # wall-clock time: that is what the repeats will cost, whatever a Timed reports.
    wall_start = time.perf_counter()
    times = [_call(function)[0]]
    per_call = time.perf_counter() - wall_start
    repeats = _repeat_count(per_call, quick)
    times.extend(_call(function)[0] for _ in range(repeats - 1))
    return first, statistics.median(times), len(times), result


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.0f} us"


def run_cases(cases, quick: bool = False, *, echo: bool = True) -> list[Row]:
    """Time every contender of every case; print the table; return its rows.

    Parameters
    ----------
    cases : iterable of Case
    quick : bool
        At most 3 repeats per contender (for CI, which only checks the scripts run).
    echo : bool
        Print each case's rows as it finishes, then nothing else.

    Returns
    -------
    list of Row
    """
    rows: list[Row] = []
    for case in cases:
        case_rows: list[Row] = []
        baseline = None
        for name, function in case.contenders():
            first, median, repeats, result = time_contender(function, quick)
            if baseline is None:
                baseline = median
            jitted = name in case.jitted or _is_numba_dispatcher(function)
            note = case.notes.get(name, "")
            is_mathkit = name == case.mathkit_name
            if is_mathkit and case.goal is not None:
                verdict = "met" if median <= case.goal else "MISSED"
                goal_note = f"goal {case.goal:g} s: {verdict}"
                note = f"{goal_note}; {note}" if note else goal_note
            case_rows.append(
                Row(
                    area=case.area,
                    case=case.name,
                    contender=name,
                    is_mathkit=is_mathkit,
                    median_s=median,
                    repeats=repeats,
                    ratio=median / baseline if baseline > 0 else math.nan,
                    accuracy=_judge(case, name, result),
                    compile_s=first if jitted else None,
                    note=note,
                )
            )
            del result
        if echo:
            print(format_table(case_rows, header=not rows), flush=True)
        rows.extend(case_rows)
    return rows


COLUMNS = ("case", "contender", "median", "n", "ratio", "accuracy", "compile", "note")
#: Minimum column widths, so that tables printed case by case line up.
MIN_WIDTHS = (38, 34, 9, 4, 6, 10, 9, 0)


def _cells(row: Row, previous_case: str | None) -> list[str]:
    return [
        row.case if row.case != previous_case else "",
        row.contender,
        _seconds(row.median_s),
        str(row.repeats),
        f"{row.ratio:.2f}",
        row.accuracy,
        _seconds(row.compile_s),
        row.note,
    ]


def format_table(rows, header: bool = True) -> str:
    """The rows as a plain-text table (ratio = contender time / mathkit time)."""
    lines, previous = [], None
    for row in rows:
        lines.append(_cells(row, previous))
        previous = row.case
    widths = [
        max([minimum, len(column), *(len(line[i]) for line in lines)])
        for i, (column, minimum) in enumerate(zip(COLUMNS, MIN_WIDTHS, strict=True))
    ]

    def render(cells):
        padded = (cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
        return "  ".join(padded).rstrip()

    out = []
    if header:
        out.append(render(COLUMNS))
        out.append(render(["-" * width for width in widths]))
    out.extend(render(line) for line in lines)
    return "\n".join(out)
