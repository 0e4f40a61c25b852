"""Random walks as a solver of the drift-diffusion equation, and its 1/sqrt(N) error.

The equation ``dP/dt = -v dP/dx + D d2P/dx2`` with ``P(x, 0) = delta(x)`` has
the Gaussian kernel as its solution,

    P(x, t) = exp(-(x - v t)^2 / (4 D t)) / sqrt(4 pi D t),

and it is the scaling limit of the simple walk: with time step ``dt``, space
step ``dx = sqrt(2 D dt)`` and ``p = 1/2 + v dt / (2 dx)``, the position
``X_t = dx S_n`` (``n = t / dt``) has mean ``v t`` exactly and variance
``2 D t - v^2 t dt``. :func:`solve_drift_diffusion` estimates ``P(., t)`` by
the histogram of ``N`` simulated ``X_t`` (:func:`mathkit.walks.simulate`, so
every engine gives the same counts), and :func:`error_convergence` shows the
Monte Carlo error falling like ``1 / sqrt(N)``.

:func:`mathkit.walks.limits.diffusion_limit` derives the equation from the
walk in sympy; :func:`mathkit.walks.limits.drift_diffusion` maps a walk and
``(dx, dt)`` to ``(v, D)``, the other way round from :func:`walk_scaling`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mathkit._validate import check_positive_integer

__all__ = ["ConvergenceStudy", "DiffusionEstimate", "error_convergence", "solve_drift_diffusion",
           "walk_scaling"]


@dataclass(frozen=True)
class DiffusionEstimate:
    """What :func:`solve_drift_diffusion` returns.

    ``edges`` are the bin edges in ``x``; ``density`` the simulated and
    ``exact`` the Gaussian kernel's mean density over each bin. ``error`` is
    the L1 distance between the simulated and the exact law (the bins, plus
    the kernel's mass outside them); ``floor`` the same distance for the
    exact law of the walk, i.e. the error left with infinitely many walks
    (the lattice and the finite ``dt``).
    """

    time: float
    velocity: float
    diffusivity: float
    n_steps: int
    n_walks: int
    dt: float
    dx: float
    p: float
    edges: np.ndarray
    density: np.ndarray
    exact: np.ndarray
    error: float
    floor: float

    @property
    def centres(self) -> np.ndarray:
        """Mid-points of the bins."""
        return (self.edges[:-1] + self.edges[1:]) / 2


@dataclass(frozen=True)
class ConvergenceStudy:
    """What :func:`error_convergence` returns: errors for growing ``N`` and their fitted power.

    ``slope`` and ``intercept`` fit ``log10(error) = intercept + slope
    log10(N)`` by least squares; Monte Carlo gives ``slope`` close to -1/2.
    """

    n_walks: np.ndarray
    errors: np.ndarray
    floor: float
    slope: float
    intercept: float


def walk_scaling(velocity: float, diffusivity: float, dt: float) -> tuple[float, float]:
    """Space step and up-probability of the walk whose limit is the drift-diffusion equation.

    Parameters
    ----------
    velocity : float
        Drift ``v``.
    diffusivity : float
        Diffusion coefficient ``D > 0``.
    dt : float
        Time step, ``> 0`` and at most ``2 D / v^2`` (so that ``p`` is a
        probability).

    Returns
    -------
    (dx, p) : tuple of float
        ``dx = sqrt(2 D dt)`` and ``p = 1/2 + v dt / (2 dx)``.

    Raises
    ------
    ValueError
        If an argument is not finite, ``D`` or ``dt`` is not positive, or
        ``dt > 2 D / v^2``.

    Notes
    -----
    One step moves ``+dx`` with probability ``p``, ``-dx`` otherwise: mean
    ``(2p - 1) dx = v dt`` and variance ``dx^2 (1 - (v dt / dx)^2) = 2 D dt -
    v^2 dt^2``, so ``n = t / dt`` steps give mean ``v t`` and variance ``2 D t``
    up to ``O(dt)`` (Feller 1968, ch. XIV.6).

    Examples
    --------
    >>> dx, p = walk_scaling(velocity=0.0, diffusivity=0.5, dt=0.01)
    >>> round(dx, 12), p
    (0.1, 0.5)
    """
    velocity, diffusivity, dt = (_finite(value, name) for value, name in (
        (velocity, "velocity"), (diffusivity, "diffusivity"), (dt, "dt")))
    for value, name in ((diffusivity, "diffusivity"), (dt, "dt")):
        if value <= 0:
            msg = f"{name} must be positive, got {value}"
            raise ValueError(msg)
    dx = math.sqrt(2 * diffusivity * dt)
    shift = velocity * dt / (2 * dx)
    if abs(shift) > 0.5:
        msg = (f"dt must be at most 2 D / v^2 = {2 * diffusivity / velocity**2:g} so that p is "
               f"a probability, got {dt:g}")
        raise ValueError(msg)
    return dx, 0.5 + shift


def solve_drift_diffusion(time: float, velocity: float, diffusivity: float, n_walks: int, *,
                          n_steps: int = 1000, cells_per_bin: int = 8, rng=None,
                          backend: str = "auto", client=None) -> DiffusionEstimate:
    """Estimate the solution of ``dP/dt = -v dP/dx + D d2P/dx2``, ``P(x, 0) = delta(x)``, by walks.

    Parameters
    ----------
    time : float
        ``t > 0``.
    velocity, diffusivity : float
        ``v`` and ``D > 0``.
    n_walks : int
        Number of walks ``N``.
    n_steps : int
        Steps per walk; ``dt = t / n_steps``.
    cells_per_bin : int
        Lattice points per histogram bin (the walk lives on ``dx (2k - n)``,
        each point owning a cell of width ``2 dx``).
    rng, backend, client
        As for :func:`mathkit.walks.simulate`.

    Returns
    -------
    DiffusionEstimate

    Raises
    ------
    ValueError, TypeError
        For a bad argument (named), or ``dt = t / n_steps`` above ``2 D / v^2``.

    Notes
    -----
    The exact side is the Gaussian kernel's mass over each bin,
    ``Phi((b - v t) / s) - Phi((a - v t) / s)`` with ``s = sqrt(2 D t)``; the
    bins are whole lattice cells, so the walk's law and the kernel are
    compared over the same intervals. The error is the L1 distance: it is
    ``floor + O(1 / sqrt(N))``, the floor (from the lattice and the finite
    ``dt``) being ``O(1 / n_steps)``.

    Examples
    --------
    >>> estimate = solve_drift_diffusion(1.0, 0.5, 0.5, 20_000, n_steps=400, rng=1)
    >>> estimate.floor < 0.01 < estimate.error < 0.1
    True
    """
    from mathkit.walks import SimpleWalk, simulate

    time = _finite(time, "time")
    if time <= 0:
        msg = f"time must be positive, got {time}"
        raise ValueError(msg)
    n_steps = check_positive_integer(n_steps, "n_steps")
    cells_per_bin = check_positive_integer(cells_per_bin, "cells_per_bin")
    dt = time / n_steps
    dx, p = walk_scaling(velocity, diffusivity, dt)
    walk = SimpleWalk(p)
    endpoint = simulate(walk, n_steps, n_walks, ["endpoint"], rng=rng, backend=backend,
                        client=client)["endpoint"]
    up_steps = (endpoint.values + n_steps) // 2
    simulated = np.bincount(up_steps // cells_per_bin, weights=endpoint.counts,
                            minlength=n_steps // cells_per_bin + 1) / n_walks
    edges = dx * (2 * np.append(np.arange(0, n_steps + 1, cells_per_bin), n_steps + 1)
                  - n_steps - 1)
    exact, outside = _kernel_mass(edges, velocity * time, math.sqrt(2 * diffusivity * time))
    walk_law = np.bincount(np.arange(n_steps + 1) // cells_per_bin,
                           weights=walk.position(n_steps).pmf(2 * np.arange(n_steps + 1)
                                                              - n_steps))
    widths = np.diff(edges)
    return DiffusionEstimate(
        time, float(velocity), float(diffusivity), n_steps, int(n_walks), dt, dx, p, edges,
        simulated / widths, exact / widths, float(np.abs(simulated - exact).sum() + outside),
        float(np.abs(walk_law - exact).sum() + outside))


def error_convergence(time: float, velocity: float, diffusivity: float,
                      n_walks=(1_000, 4_000, 16_000, 64_000), *, n_steps: int = 1000,
                      cells_per_bin: int = 8, rng=None, backend: str = "auto",
                      client=None) -> ConvergenceStudy:
    """L1 errors of :func:`solve_drift_diffusion` for growing ``N``, and their fitted power.

    Parameters
    ----------
    time, velocity, diffusivity
        As for :func:`solve_drift_diffusion`.
    n_walks : sequence of int
        The ``N`` to try (at least two distinct values).
    n_steps, cells_per_bin, rng, backend, client
        As for :func:`solve_drift_diffusion`; every ``N`` uses the same key,
        so the runs share their first walks.

    Returns
    -------
    ConvergenceStudy

    Raises
    ------
    ValueError
        If fewer than two distinct ``N`` are given, or for the reasons of
        :func:`solve_drift_diffusion`.

    Notes
    -----
    The histogram of ``N`` walks has mass ``m_b + O(sqrt(m_b / N))`` in bin
    ``b``, so the L1 error is ``floor + c / sqrt(N)``: with the floor well
    below the error (enough steps), ``log error`` against ``log N`` is a line
    of slope -1/2, the Monte Carlo rate (Glasserman 2003, sec. 1.1).

    Examples
    --------
    >>> study = error_convergence(1.0, 0.5, 0.5, (1_000, 10_000, 100_000), n_steps=200,
    ...                           rng=3)
    >>> bool(-0.65 < study.slope < -0.35)
    True
    """
    from mathkit import _random

    sizes = np.array([check_positive_integer(n, "n_walks") for n in n_walks], dtype=np.int64)
    if np.unique(sizes).size < 2:
        msg = f"n_walks must hold at least two distinct sizes, got {sizes.tolist()}"
        raise ValueError(msg)
    key = _random.key_from_rng(rng)
    estimates = [solve_drift_diffusion(time, velocity, diffusivity, int(n), n_steps=n_steps,
                                       cells_per_bin=cells_per_bin,
                                       rng=key, backend=backend,
                                       client=client)
                 for n in sizes]
    errors = np.array([estimate.error for estimate in estimates])
    slope, intercept = np.polyfit(np.log10(sizes), np.log10(errors), 1)
    return ConvergenceStudy(sizes, errors, estimates[0].floor, float(slope), float(intercept))


def _kernel_mass(edges: np.ndarray, mean: float, spread: float) -> tuple[np.ndarray, float]:
    """Gaussian mass between consecutive edges, and the mass outside them."""
    from scipy.special import ndtr

    cdf = ndtr((edges - mean) / spread)
    return np.diff(cdf), float(cdf[0] + 1 - cdf[-1])


def _finite(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        msg = f"{name} must be a real number, got {type(value).__name__} {value!r}"
        raise TypeError(msg)
    if not math.isfinite(value):
        msg = f"{name} must be finite, got {value}"
        raise ValueError(msg)
    return float(value)
