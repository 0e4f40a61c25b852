"""Registries of named claims and tour sections.

A **claim** is a mathematical fact that mathkit can check three ways: a
symbolic side (exact, usually sympy), a numeric side (floating point) and,
where chance is involved, a simulated side (a Monte Carlo estimate with its
standard error). :func:`run` evaluates claims and says, for each, whether the
sides agree: the numeric side within ``rtol``/``atol`` of the exact one, and
the simulated side within the two-sided normal interval of the claim's
``confidence``. ``mathkit check`` prints the result.

A **tour section** is a short demonstration that prints a few lines and may
save figures; ``mathkit tour`` runs them all.

Each area registers its claims in ``<area>/claims.py`` and its tour section in
``<area>/tour.py``; this module imports those only when asked to run them, so
``import mathkit`` stays light. An area lists its modules in :data:`AREAS`.
"""

from __future__ import annotations

import importlib
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from statistics import NormalDist

import numpy as np

from mathkit._validate import check_one_of

__all__ = [
    "AREAS",
    "Claim",
    "ClaimResult",
    "Estimate",
    "TourContext",
    "TourOutput",
    "TourSection",
    "claims",
    "register",
    "register_tour",
    "run",
    "tour_sections",
]

#: Area name -> (claims module, tour module). Imported only when needed.
AREAS: dict[str, tuple[str, str]] = {
    "core": ("mathkit._core_claims", "mathkit._core_tour"),
    "calculus": ("mathkit.calculus.claims", "mathkit.calculus.tour"),
    "precision": ("mathkit.precision.claims", "mathkit.precision.tour"),
    "quadratic": ("mathkit.quadratic.claims", "mathkit.quadratic.tour"),
    "walks": ("mathkit.walks.claims", "mathkit.walks.tour"),
}

_CLAIMS: dict[str, dict[str, Claim]] = {}
_TOUR: dict[str, dict[str, TourSection]] = {}


@dataclass(frozen=True)
class Estimate:
    """A Monte Carlo estimate: value, standard error and sample count."""

    value: float
    standard_error: float
    samples: int

    def interval(self, confidence: float) -> tuple[float, float]:
        """The two-sided normal interval ``value +- z * standard_error``."""
        z = NormalDist().inv_cdf(0.5 + confidence / 2)
        return self.value - z * self.standard_error, self.value + z * self.standard_error

    @classmethod
    def from_samples(cls, samples) -> Estimate:
        """The sample mean and its standard error.

        Examples
        --------
        >>> Estimate.from_samples([0.0, 1.0, 0.0, 1.0]).value
        0.5
        """
        values = np.asarray(samples, dtype=np.float64).ravel()
        if values.size < 2:
            msg = f"samples must hold at least 2 values, got {values.size}"
            raise ValueError(msg)
        return cls(float(values.mean()), float(values.std(ddof=1) / math.sqrt(values.size)),
                   int(values.size))


@dataclass(frozen=True)
class Claim:
    """A named fact with a symbolic, a numeric and (optionally) a simulated side.

    Parameters
    ----------
    name : str
        Short identifier, unique within its area (``"uniform53-mean"``).
    area : str
        The area that registers it (a key of :data:`AREAS`).
    statement : str
        The fact in words and symbols, as printed by ``mathkit check``.
    symbolic : callable, optional
        Returns the exact value: a sympy number, a Fraction, an int, or a
        tuple of them.
    numeric : callable, optional
        Returns the floating-point value (a number or a sequence).
    simulated : callable, optional
        Returns an :class:`Estimate`.
    rtol, atol : float
        Tolerance of the numeric side against the exact one.
    confidence : float
        Level of the interval the simulated side must cover the exact value with.
    """

    name: str
    area: str
    statement: str
    symbolic: Callable[[], object] | None = None
    numeric: Callable[[], object] | None = None
    simulated: Callable[[], Estimate] | None = None
    rtol: float = 1e-12
    atol: float = 0.0
    confidence: float = 0.999

    def __post_init__(self):
        sides = (self.symbolic, self.numeric, self.simulated)
        if sum(side is not None for side in sides) < 2:
            msg = f"claim {self.name!r} must have at least two of symbolic, numeric, simulated"
            raise ValueError(msg)
        if not 0 < self.confidence < 1:
            msg = f"confidence must be in (0, 1), got {self.confidence}"
            raise ValueError(msg)


@dataclass(frozen=True)
class ClaimResult:
    """The outcome of one claim: each side's value, the error and the verdict."""

    claim: Claim
    symbolic: object | None
    numeric: object | None
    simulated: Estimate | None
    interval: tuple[float, float] | None
    error: float
    passed: bool
    message: str
    seconds: float

    @property
    def verdict(self) -> str:
        """``"pass"``, ``"FAIL"`` or ``"ERROR"`` (a side raised)."""
        if self.passed:
            return "pass"
        return "ERROR" if self.message.startswith("error") else "FAIL"


def register(claim: Claim) -> Claim:
    """Add a claim to the registry of its area; returns it.

    Raises
    ------
    ValueError
        If a claim of that name is already registered in the area.
    """
    area = _CLAIMS.setdefault(claim.area, {})
    if claim.name in area:
        msg = f"claim {claim.name!r} is already registered in area {claim.area!r}"
        raise ValueError(msg)
    area[claim.name] = claim
    return claim


def _load(area: str | None, which: int) -> list[str]:
    if area is not None:
        check_one_of(area, "area", list(AREAS))
    names = list(AREAS) if area is None else [area]
    for name in names:
        importlib.import_module(AREAS[name][which])
    return names


def claims(area: str | None = None) -> list[Claim]:
    """The registered claims of one area, or of all, in registration order.

    Examples
    --------
    >>> any(c.name == "philox-known-answers" for c in claims("core"))
    True
    """
    return [c for name in _load(area, 0) for c in _CLAIMS.get(name, {}).values()]


def run(area: str | None = None, *, names: Iterable[str] | None = None,
        on_result: Callable[[ClaimResult], None] | None = None) -> list[ClaimResult]:
    """Check claims: every registered one, one area's, or those named.

    Parameters
    ----------
    area : str, optional
        Only this area's claims.
    names : iterable of str, optional
        Only claims with these names.
    on_result : callable, optional
        Called with each :class:`ClaimResult` as it is ready (progress bars).

    Returns
    -------
    list of ClaimResult

    Examples
    --------
    >>> results = run("core", names=["uniform53-mean"])
    >>> [(r.claim.name, r.verdict) for r in results]
    [('uniform53-mean', 'pass')]
    """
    selected = claims(area)
    if names is not None:
        wanted = set(names)
        unknown = wanted - {c.name for c in selected}
        if unknown:
            msg = f"names must be registered claims, got unknown {sorted(unknown)}"
            raise ValueError(msg)
        selected = [c for c in selected if c.name in wanted]
    results = []
    for claim in selected:
        result = _check(claim)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def _check(claim: Claim) -> ClaimResult:
    start = time.perf_counter()
    try:
        exact = claim.symbolic() if claim.symbolic else None
        numeric = claim.numeric() if claim.numeric else None
        simulated = claim.simulated() if claim.simulated else None
    except Exception as error:  # a claim that crashes is reported, not propagated
        message = f"error: {type(error).__name__}: {error}"
        return ClaimResult(claim, None, None, None, None, math.nan, False, message,
                           time.perf_counter() - start)
    reference = _as_floats(exact if exact is not None else numeric)
    error, problems = 0.0, []
    if exact is not None and numeric is not None:
        got = _as_floats(numeric)
        if got.shape != reference.shape:
            problems.append(f"numeric shape {got.shape} != symbolic shape {reference.shape}")
        else:
            error = float(np.max(np.abs(got - reference), initial=0.0))
            bound = claim.atol + claim.rtol * np.abs(reference)
            if not np.all(np.abs(got - reference) <= bound):
                problems.append(f"numeric off by {error:.3g} (rtol={claim.rtol:g})")
    interval = None
    if simulated is not None:
        interval = simulated.interval(claim.confidence)
        target = float(reference.ravel()[0]) if reference.size == 1 else math.nan
        if not interval[0] <= target <= interval[1]:
            problems.append(f"simulated {claim.confidence:.1%} interval misses {target:.6g}")
    passed = not problems
    message = "agree" if passed else "; ".join(problems)
    return ClaimResult(claim, exact, numeric, simulated, interval, error, passed, message,
                       time.perf_counter() - start)


def _as_floats(value) -> np.ndarray:
    """Exact or float values (numbers, sympy numbers, tuples of them) as float64."""
    if isinstance(value, tuple | list):
        return np.array([float(v) for v in value], dtype=np.float64)
    if isinstance(value, np.ndarray):
        return value.astype(np.float64)
    return np.array([float(value)], dtype=np.float64)


@dataclass(frozen=True)
class TourContext:
    """Where a tour section writes figures, and whether matplotlib is there."""

    out: Path
    plotting: bool

    def figure_path(self, name: str) -> Path:
        """The path for a figure file of this name (the folder is made)."""
        self.out.mkdir(parents=True, exist_ok=True)
        return self.out / name

    @staticmethod
    def pyplot():
        """``matplotlib.pyplot`` on the Agg backend (files only, no window)."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        return plt

    def save(self, figure, name: str) -> Path:
        """Save ``figure`` as ``out/name`` (100 dpi, tight), close it, return the path."""
        path = self.figure_path(name)
        figure.savefig(path, dpi=100, bbox_inches="tight")
        self.pyplot().close(figure)
        return path


@dataclass(frozen=True)
class TourOutput:
    """What a tour section reports: lines to print and the figures it saved."""

    lines: list[str]
    figures: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class TourSection:
    """A named demonstration: ``run(context) -> TourOutput``."""

    name: str
    area: str
    title: str
    run: Callable[[TourContext], TourOutput]


def register_tour(section: TourSection) -> TourSection:
    """Add a tour section to its area's registry; returns it."""
    area = _TOUR.setdefault(section.area, {})
    if section.name in area:
        msg = f"tour section {section.name!r} is already registered in area {section.area!r}"
        raise ValueError(msg)
    area[section.name] = section
    return section


def tour_sections(area: str | None = None) -> list[TourSection]:
    """The registered tour sections of one area, or of all.

    Examples
    --------
    >>> [s.name for s in tour_sections("core")][:1]
    ['counter-based-randomness']
    """
    return [s for name in _load(area, 1) for s in _TOUR.get(name, {}).values()]
