"""Limit laws of random walks, each with a function that measures its error.

For ``S_n`` with step mean ``mu``, variance ``sigma^2`` and lattice span ``h``
(``S_n`` lives on ``n s_0 + h Z``; ``h = 2`` for the simple walk):

- **normal approximation** with continuity correction:
  ``P(S_n <= k) ~ Phi((k + h/2 - n mu) / (sigma sqrt(n)))`` at lattice points
  ``k``. Error (Kolmogorov distance at the lattice points) ``O(n^-1/2)``, and
  ``O(1/n)`` when the third cumulant vanishes (``p = 1/2``): Esseen's
  lattice expansion (Feller 1971, vol. 2, ch. XVI.4; Petrov 1975, ch. VI).
- **local limit theorem**: ``P(S_n = k) ~ h phi((k - n mu)/(sigma sqrt n)) /
  (sigma sqrt n)`` on the lattice, 0 off it. For the simple walk
  ``2 phi(...) / sqrt(4 n p q)`` on ``k = n (mod 2)``. Max absolute error over
  the support ``O(1/n)``, ``O(n^-3/2)`` for ``p = 1/2`` (Petrov 1975, ch. VII).
- **returns**: ``u_2n = P(S_2n = 0) ~ (4pq)^n / sqrt(pi n)``, relative error
  ``1/(8n) + O(n^-2)``.
- **drift-diffusion** (:func:`drift_diffusion`, :func:`diffusion_limit`): with
  step ``dx`` and time step ``dt``, ``v = E[X] dx / dt``, ``D = Var X dx^2 / (2 dt)``;
  the density of the walk tends to the solution of
  ``dP/dt = -v dP/dx + D d^2P/dx^2`` as ``dt -> 0`` with ``v``, ``D`` fixed.
- **Levy limit** of first passage (``p = 1/2``): ``P(T_r <= n) ->
  2 (1 - Phi(r / sqrt(n))) = erfc(r / sqrt(2n))`` when ``n / r^2`` is fixed; the
  error is ``O(r^-2)`` uniformly in ``n`` (measured ``~0.35 / r^2``).
- **law of the iterated logarithm**: ``limsup (S_n - n mu) / sqrt(2 sigma^2 n
  log log n) = 1`` a.s.; :func:`lil_envelope`, and :func:`lil_exceedance`, the
  exact single-time probability of exceeding ``c`` envelopes, which tends to 0
  like ``(log n)^(-c^2) / (c sqrt(4 pi log log n))``.

References: W. Feller, *An Introduction to Probability Theory and Its
Applications*, vols. 1 (3rd ed., 1968) and 2 (2nd ed., 1971); V. V. Petrov,
*Sums of Independent Random Variables*, 1975.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mathkit._validate import check_positive_integer

__all__ = [
    "ApproximationError", "DiffusionLimit", "DriftDiffusion", "NormalApproximation",
    "diffusion_limit", "drift_diffusion", "levy_cdf", "levy_error", "lil_envelope",
    "lil_exceedance", "local_limit_error", "local_limit_pmf", "normal_approximation",
    "normal_approximation_error", "return_asymptotic", "return_asymptotic_error",
]


@dataclass(frozen=True)
class ApproximationError:
    """The error of an approximation against the exact law.

    Attributes
    ----------
    n : int
        The number of steps (or the level ``r`` for :func:`levy_error`).
    max_abs_error : float
        The largest absolute error over the points compared (for the
        continuous limits of rescaled laws, the Kolmogorov distance
        ``sup_x |P(X_n / scale <= x) - F(x)|`` over both sides of every jump).
    at : int or float
        Where it is reached (a value of ``S_n``, a time, ``2n``, or a point
        of the rescaled law).
    """

    n: int
    max_abs_error: float
    at: int | float


def _float_walk(walk):
    """The walk with float probabilities (exact laws grow too fast for large ``n``)."""
    from mathkit.walks.steps import SimpleWalk, Walk

    if not isinstance(walk, Walk):
        msg = f"walk must be a Walk, got {type(walk).__name__}"
        raise TypeError(msg)
    if isinstance(walk, SimpleWalk) and walk.is_symbolic:
        msg = f"walk must have a numeric p for a numeric approximation, got p = {walk.p}"
        raise TypeError(msg)
    if not walk.is_exact:
        return walk
    if isinstance(walk, SimpleWalk):
        return SimpleWalk(float(walk.p))
    law = {s: float(v) for s, v in walk.law.items()}
    return Walk(law)


@dataclass(frozen=True)
class NormalApproximation:
    """The normal approximation of ``S_n`` with continuity correction.

    Attributes
    ----------
    mean, std : float
        ``n mu`` and ``sigma sqrt(n)``.
    span : int
        The lattice span ``h``.
    origin : int
        A lattice point (``n`` times the smallest step).

    Examples
    --------
    >>> from mathkit.walks import SimpleWalk
    >>> approx = normal_approximation(SimpleWalk(0.5), 100)
    >>> round(float(approx.cdf(0)), 4)  # Phi(1/10); exact P(S_100 <= 0) = 0.5398
    0.5398
    """

    mean: float
    std: float
    span: int
    origin: int

    def _lattice(self, k):
        k = np.asarray(k, dtype=np.float64)
        return self.origin + self.span * np.floor((k - self.origin) / self.span)

    def cdf(self, k):
        """``Phi((k' + h/2 - mean) / std)``, ``k'`` the largest lattice point ``<= k``."""
        from scipy.special import ndtr

        return ndtr((self._lattice(k) + self.span / 2 - self.mean) / self.std)[()]

    def pmf(self, k):
        """``Phi((k + h/2 - mean)/std) - Phi((k - h/2 - mean)/std)`` on the lattice, 0 off it."""
        k = np.asarray(k, dtype=np.float64)
        on = self._lattice(k) == k
        upper = self.cdf(k)
        lower = self.cdf(k - self.span)
        return np.where(on, upper - lower, 0.0)[()]


def normal_approximation(walk, n) -> NormalApproximation:
    """The continuity-corrected normal approximation of ``S_n`` for any numeric :class:`Walk`.

    Parameters
    ----------
    walk : Walk
        Numeric step law (exact probabilities are converted to floats).
    n : int
        Number of steps, ``>= 1``.

    Returns
    -------
    NormalApproximation

    Raises
    ------
    TypeError, ValueError
        For a symbolic walk, a walk with one step (``sigma = 0``), or bad ``n``.

    Notes
    -----
    ``P(S_n <= k) ~ Phi((k + h/2 - n mu) / (sigma sqrt(n)))``; error
    :func:`normal_approximation_error`.

    Examples
    --------
    >>> from mathkit.walks import Walk
    >>> normal_approximation(Walk({-1: 0.25, 0: 0.5, 1: 0.25}), 8).span
    1
    """
    n = check_positive_integer(n, "n")
    walk = _float_walk(walk)
    if walk.span == 0:
        msg = "walk must have at least two steps of positive probability (sigma > 0)"
        raise ValueError(msg)
    return NormalApproximation(float(n * walk.mean), math.sqrt(n * float(walk.var)),
                               walk.span, n * walk.steps[0])


def _support(walk, n):
    steps = walk.steps
    return np.arange(n * steps[0], n * steps[-1] + 1, walk.span, dtype=np.int64)


def normal_approximation_error(walk, n) -> ApproximationError:
    """``max_k |P(S_n <= k) - Phi((k + h/2 - n mu)/(sigma sqrt n))|`` over the support.

    Parameters
    ----------
    walk : Walk
        Numeric step law.
    n : int
        Number of steps, ``1 <= n <= 10^6``.

    Returns
    -------
    ApproximationError

    Notes
    -----
    ``O(n^-1/2)`` in general, ``O(1/n)`` for a symmetric law (Esseen; Petrov 1975, ch. VI).

    Examples
    --------
    >>> from mathkit.walks import SimpleWalk
    >>> e1 = normal_approximation_error(SimpleWalk(0.5), 100).max_abs_error
    >>> e4 = normal_approximation_error(SimpleWalk(0.5), 400).max_abs_error
    >>> round(e1 / e4, 1)  # O(1/n)
    4.0
    """
    approx = normal_approximation(walk, n)
    walk = _float_walk(walk)
    k = _support(walk, n)
    errors = np.abs(walk.position(n).cdf(k) - approx.cdf(k))
    worst = int(np.argmax(errors))
    return ApproximationError(n, float(errors[worst]), int(k[worst]))


def local_limit_pmf(walk, n, k):
    """``h phi((k - n mu) / (sigma sqrt n)) / (sigma sqrt n)`` on the lattice of ``S_n``, 0 off it.

    Parameters
    ----------
    walk : Walk
        Numeric step law with ``sigma > 0``.
    n : int
        Number of steps, ``>= 1``.
    k : array_like
        Values.

    Returns
    -------
    numpy.float64 or numpy.ndarray

    Notes
    -----
    Local limit theorem for lattice laws of span ``h`` (Petrov 1975, ch.
    VII.1); the simple walk: ``2 phi(...) / sqrt(4npq)`` on ``k = n (mod 2)``.

    Examples
    --------
    >>> from mathkit.walks import SimpleWalk
    >>> local_limit_pmf(SimpleWalk(0.5), 100, [0, 1])  # exact P(S_100 = 0) = 0.0796
    array([0.07978846, 0.        ])
    """
    approx = normal_approximation(walk, n)
    k = np.asarray(k, dtype=np.float64)
    on = approx._lattice(k) == k
    z = (k - approx.mean) / approx.std
    density = np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    return np.where(on, approx.span * density / approx.std, 0.0)[()]


def local_limit_error(walk, n) -> ApproximationError:
    """``max_k |P(S_n = k) - local_limit_pmf(walk, n, k)|`` over the support.

    Notes
    -----
    ``O(1/n)``, and ``O(n^-3/2)`` when the third cumulant vanishes (``p = 1/2``).

    Examples
    --------
    >>> from mathkit.walks import SimpleWalk
    >>> e = [local_limit_error(SimpleWalk(0.3), n).max_abs_error for n in (400, 1600)]
    >>> round(e[0] / e[1], 1)  # O(1/n)
    4.0
    """
    walk_float = _float_walk(walk)
    k = _support(walk_float, check_positive_integer(n, "n"))
    errors = np.abs(walk_float.position(n).pmf(k) - local_limit_pmf(walk_float, n, k))
    worst = int(np.argmax(errors))
    return ApproximationError(n, float(errors[worst]), int(k[worst]))


def return_asymptotic(n, p=0.5):
    """``u_2n = P(S_2n = 0) ~ (4pq)^n / sqrt(pi n)`` for the simple walk.

    Parameters
    ----------
    n : int or array_like
        Half the number of steps, ``>= 1``.
    p : float
        Probability of a step up.

    Returns
    -------
    numpy.float64 or numpy.ndarray

    Notes
    -----
    Stirling: ``C(2n, n) / 4^n = (1 - 1/(8n) + O(n^-2)) / sqrt(pi n)`` (Feller 1968, ch. III.2).

    Examples
    --------
    >>> round(float(return_asymptotic(10)), 6)  # exact C(20, 10)/2^20 = 0.176197
    0.178412
    """
    from mathkit._validate import check_probability

    p = float(check_probability(p, "p"))
    n = np.asarray(n, dtype=np.float64)
    wrong = ~(np.isfinite(n) & (n >= 1) & (n == np.floor(n)))
    if wrong.any():
        msg = f"n must be integers >= 1, got {n[wrong].flat[0]}"
        raise ValueError(msg)
    with np.errstate(divide="ignore"):
        return np.exp(n * np.log(4 * p * (1 - p)) - 0.5 * np.log(np.pi * n))[()]


def return_asymptotic_error(walk, n) -> ApproximationError:
    """Relative error ``|u_asym / u_2n - 1|`` of :func:`return_asymptotic` (``~ 1/(8n)``).

    Examples
    --------
    >>> from mathkit.walks import SimpleWalk
    >>> round(return_asymptotic_error(SimpleWalk(0.5), 1000).max_abs_error * 8000, 3)
    1.0
    """
    walk = _float_walk(walk)
    n = check_positive_integer(n, "n")
    log_exact = float(walk.position(2 * n).logpmf(0))
    log_approx = n * math.log(4 * walk.p * walk.q) - 0.5 * math.log(math.pi * n)
    return ApproximationError(n, abs(math.expm1(log_approx - log_exact)), 2 * n)


# ---------------------------------------------------------------- drift and diffusion


@dataclass(frozen=True)
class DriftDiffusion:
    """Drift ``v`` and diffusion coefficient ``D`` of a walk with step ``dx`` every ``dt``.

    Attributes
    ----------
    drift : float or sympy expression
        ``v = E[X] dx / dt``.
    diffusion : float or sympy expression
        ``D = Var X dx^2 / (2 dt)``.
    """

    drift: object
    diffusion: object


def drift_diffusion(walk, dx, dt) -> DriftDiffusion:
    """The drift and diffusion coefficient of a walk rescaled to steps ``dx`` every ``dt``.

    Parameters
    ----------
    walk : Walk
        Any walk (symbolic ``p`` gives sympy expressions).
    dx, dt : float or sympy expression
        Space and time steps, positive.

    Returns
    -------
    DriftDiffusion

    Raises
    ------
    ValueError
        If a numeric ``dx`` or ``dt`` is not positive and finite.

    Notes
    -----
    Position ``x = dx S_(t/dt)``: mean ``t E[X] dx / dt = v t``, variance
    ``t Var X dx^2 / dt = 2 D t`` (Feller 1968, ch. XIV.6).

    Examples
    --------
    >>> from mathkit.walks import SimpleWalk
    >>> drift_diffusion(SimpleWalk(0.75), 0.5, 0.25)
    DriftDiffusion(drift=np.float64(1.0), diffusion=np.float64(0.375))
    """
    from mathkit.walks.steps import _is_sympy

    for name, value in (("dx", dx), ("dt", dt)):
        if not _is_sympy(value):
            value = float(value)
            if not (math.isfinite(value) and value > 0):
                msg = f"{name} must be positive and finite, got {value}"
                raise ValueError(msg)
    if _is_sympy(dx) or _is_sympy(dt) or getattr(walk, "is_symbolic", False):
        import sympy

        return DriftDiffusion(sympy.simplify(walk.mean * dx / dt),
                              sympy.simplify(walk.var * dx**2 / (2 * dt)))
    return DriftDiffusion(np.float64(float(walk.mean) * dx / dt),
                          np.float64(float(walk.var) * dx * dx / (2 * dt)))


@dataclass(frozen=True)
class DiffusionLimit:
    """The sympy derivation of the drift-diffusion equation (see :func:`diffusion_limit`).

    Attributes
    ----------
    symbols : dict
        ``x``, ``t``, ``v``, ``D``, ``k``, ``dt`` and the function ``P``.
    master_equation : sympy.Eq
        ``P(x, t + dt) = p P(x - dx, t) + q P(x + dx, t)`` with
        ``dx = sqrt(2 D dt)`` and ``p = (1 + v dt/dx) / 2``.
    limit_of_master_equation : sympy expression
        ``lim_(dt -> 0) (rhs - lhs) / dt`` from the Taylor expansion.
    pde : sympy.Eq
        ``dP/dt = -v dP/dx + D d^2P/dx^2``.
    exponent : sympy expression
        ``lim_(dt -> 0) log(phi(k)) / dt = i k v - D k^2``, ``phi`` the
        characteristic function of one step ``+-dx``: the Fourier symbol of
        the right-hand side of ``pde``.
    density : sympy expression
        The Gaussian ``N(v t, 2 D t)`` density, the limit law of the walk at time ``t``.
    residual : sympy expression
        ``pde`` with ``density`` put in, simplified: 0.
    """

    symbols: dict
    master_equation: object
    limit_of_master_equation: object
    pde: object
    exponent: object
    density: object
    residual: object


def diffusion_limit() -> DiffusionLimit:
    """Derive ``dP/dt = -v dP/dx + D d^2P/dx^2`` from the simple walk, in sympy.

    Returns
    -------
    DiffusionLimit

    Notes
    -----
    Two derivations. (1) Taylor-expand the master equation
    ``P(x, t + dt) = p P(x - dx, t) + q P(x + dx, t)`` with ``p - q = v dt / dx``,
    ``dx^2 = 2 D dt`` in ``h = sqrt(dt)`` and divide by ``dt``: the ``O(1)``
    term is ``-P_t - v P_x + D P_xx``. (2) The characteristic function of
    ``t / dt`` steps is ``phi(k)^(t/dt)``, ``phi(k) = p e^(ik dx) + q e^(-ik dx)``;
    ``log(phi(k)) / dt -> i k v - D k^2``, the Fourier symbol of
    ``-v d/dx + D d^2/dx^2``. The Gaussian ``N(v t, 2 D t)`` solves the PDE
    (Feller 1968, ch. XIV.6; Gardiner, *Stochastic Methods*, 4th ed., 2009, ch. 3).

    Examples
    --------
    >>> result = diffusion_limit()
    >>> result.exponent
    -D*k**2 + I*k*v
    >>> result.residual
    0
    """
    import sympy

    x, k, v = sympy.symbols("x k v", real=True)
    t = sympy.Symbol("t", positive=True)
    diffusion, h = sympy.symbols("D h", positive=True)
    dt = sympy.Symbol("dt", positive=True)
    density_function = sympy.Function("P")
    dx = sympy.sqrt(2 * diffusion * dt)
    p = (1 + v * dt / dx) / 2
    q = 1 - p
    master = sympy.Eq(density_function(x, t + dt),
                      p * density_function(x - dx, t) + q * density_function(x + dx, t))
    difference = ((master.rhs - master.lhs) / dt).subs(dt, h**2)
    limit = sympy.expand(sympy.series(difference, h, 0, 1).removeO().doit())
    derivative = sympy.Derivative
    pde = sympy.Eq(derivative(density_function(x, t), t),
                   -v * derivative(density_function(x, t), x)
                   + diffusion * derivative(density_function(x, t), x, 2))
    step = p * sympy.exp(sympy.I * k * dx) + q * sympy.exp(-sympy.I * k * dx)
    exponent = sympy.expand(sympy.limit(sympy.log(step) / dt, dt, 0))
    density = (sympy.exp(-(x - v * t) ** 2 / (4 * diffusion * t))
               / sympy.sqrt(4 * sympy.pi * diffusion * t))
    residual = sympy.simplify((pde.lhs - pde.rhs).subs(density_function(x, t), density).doit())
    symbols = {"x": x, "t": t, "v": v, "D": diffusion, "k": k, "dt": dt, "P": density_function}
    return DiffusionLimit(symbols, master, limit, pde, exponent, density, residual)


# ---------------------------------------------------------------- first passage: Levy


def levy_cdf(r, n):
    """The Levy limit ``P(T_r <= n) ~ 2 (1 - Phi(|r| / sqrt(n))) = erfc(|r| / sqrt(2n))``.

    Parameters
    ----------
    r : int
        The level, non-zero.
    n : array_like
        Times, positive.

    Returns
    -------
    numpy.float64 or numpy.ndarray

    Notes
    -----
    Reflection: ``P(T_r <= n) = P(M_n >= r) = 2 P(S_n > r) + P(S_n = r)`` for
    ``p = 1/2``, and the central limit theorem (Feller 1968, ch. III.7).
    ``T_r / r^2`` tends to the Levy law (stable, index 1/2).

    Examples
    --------
    >>> round(float(levy_cdf(10, 100)), 4)  # 2 (1 - Phi(1))
    0.3173
    """
    from scipy.special import erfc

    from mathkit.walks.passage import check_level

    r = abs(check_level(r))
    n = np.asarray(n, dtype=np.float64)
    return erfc(r / np.sqrt(2 * n))[()]


def levy_error(r, n_max=None) -> ApproximationError:
    """``max_(n <= n_max) |P(T_r <= n) - levy_cdf(r, n)|`` for the symmetric simple walk.

    Parameters
    ----------
    r : int
        The level, non-zero.
    n_max : int, optional
        Largest time compared; default ``50 r^2``.

    Returns
    -------
    ApproximationError
        ``n`` holds ``|r|``; ``at`` the worst time. The error is ``O(r^-2)``
        (measured ``~0.35 / r^2``, worst near ``n = r^2 / 2``).

    Examples
    --------
    >>> e = [levy_error(r).max_abs_error for r in (20, 40)]
    >>> round(e[0] / e[1], 1)
    4.0
    """
    from mathkit.walks.steps import SimpleWalk

    level = abs(int(r))
    n_max = 50 * level * level if n_max is None else check_positive_integer(n_max, "n_max")
    times = np.arange(1, n_max + 1)
    exact = SimpleWalk(0.5).first_passage(level).cdf(times)
    errors = np.abs(exact - levy_cdf(level, times))
    worst = int(np.argmax(errors))
    return ApproximationError(level, float(errors[worst]), int(times[worst]))


# ---------------------------------------------------------------- iterated logarithm


def lil_envelope(n, variance=1.0):
    """``sqrt(2 sigma^2 n log log n)``, the law-of-the-iterated-logarithm envelope.

    Parameters
    ----------
    n : array_like
        Times, ``> e`` (so that ``log log n > 0``).
    variance : float
        ``sigma^2``, the step variance (``4pq`` for the simple walk).

    Returns
    -------
    numpy.float64 or numpy.ndarray

    Raises
    ------
    ValueError
        If some ``n <= e`` or ``variance <= 0``.

    Notes
    -----
    Khinchin: ``limsup (S_n - n mu) / sqrt(2 sigma^2 n log log n) = 1`` almost
    surely (Feller 1968, ch. VIII.5).

    Examples
    --------
    >>> round(float(lil_envelope(10**6)), 2)
    2291.63
    """
    n = np.asarray(n, dtype=np.float64)
    if (n <= math.e).any():
        msg = f"n must be greater than e (log log n > 0), got {n.min()}"
        raise ValueError(msg)
    if not variance > 0:
        msg = f"variance must be positive, got {variance}"
        raise ValueError(msg)
    return np.sqrt(2 * variance * n * np.log(np.log(n)))[()]


def lil_exceedance(walk, n, factor=1.0):
    """Exact ``P(S_n - n mu > factor * lil_envelope(n, sigma^2))`` at one time ``n``.

    Parameters
    ----------
    walk : Walk
        Numeric step law.
    n : int
        Time, ``> e``.
    factor : float
        Multiple ``c`` of the envelope.

    Returns
    -------
    numpy.float64

    Notes
    -----
    By the normal tail, ``~ (log n)^(-c^2) / (c sqrt(4 pi log log n))``: it
    tends to 0, slowly; the envelope is crossed infinitely often only along
    the path (``c < 1``), which a single time cannot show.

    Examples
    --------
    >>> from mathkit.walks import SimpleWalk
    >>> round(float(lil_exceedance(SimpleWalk(0.5), 10**6)), 4)
    0.011
    """
    walk = _float_walk(walk)
    n = check_positive_integer(n, "n")
    variance = float(walk.var)
    threshold = float(n * walk.mean) + factor * float(lil_envelope(n, variance))
    return np.float64(walk.position(n).sf(math.floor(threshold)))
