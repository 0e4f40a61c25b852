"""Mixed-precision training: value ranges, loss scaling and stagnating updates.

Training in float16 meets three effects of its narrow format:

- **gradient underflow**: gradients below float16's smallest subnormal,
  ``2^-24 ~ 6e-8``, become 0, and those below ``2^-14`` lose bits as
  subnormals. :func:`range_report` counts how many values of an array
  underflow, become subnormal or overflow in a format, with a histogram of
  their exponents against the format's range;
- **loss scaling** multiplies the loss, hence every gradient, by a power of
  two ``S`` before the low-precision backward pass and divides it out after
  (Micikevicius et al., "Mixed precision training", ICLR 2018).
  :func:`recommend_loss_scale` picks a static ``S`` from sample gradients;
  :class:`LossScaler` adapts ``S`` as PyTorch's ``GradScaler`` does, step for
  step and bit for bit;
- **stagnation**: an update ``u`` smaller than half a unit in the last place
  of the weight ``w`` is lost, ``fl(w + u) = w`` (:func:`stagnation`), which is
  why the weights are kept ("master weights") in float32.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from mathkit._validate import _describe, check_finite_array, check_positive_integer
from mathkit.precision.formats import FLOAT32, Format, _finite_real_array, as_format
from mathkit.precision.rounding import round as round_to

__all__ = [
    "LossScaleRecommendation",
    "LossScaler",
    "RangeReport",
    "StagnationReport",
    "UnscaledGradients",
    "range_report",
    "recommend_loss_scale",
    "stagnation",
]


def _real_values(values, name: str) -> np.ndarray:
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as error:
        msg = f"{name} must be an array of real numbers, got {type(values).__name__}: {error}"
        raise TypeError(msg) from None
    if array.dtype.kind not in "iuf" or array.dtype.itemsize > 8:
        msg = f"{name} must be real numbers (float or int), got dtype {array.dtype}"
        raise TypeError(msg)
    return array.astype(np.float64).ravel()


def _positive_scale(scale, name: str = "scale") -> float:
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real):
        msg = f"{name} must be a positive real number, got {_describe(scale)}"
        raise TypeError(msg)
    value = float(scale)
    if not (math.isfinite(value) and value > 0):
        msg = f"{name} must be a finite positive number, got {value}"
        raise ValueError(msg)
    return value


def _exponents(magnitudes: np.ndarray) -> np.ndarray:
    """``floor(log2 m)`` of positive finite float64 values, exactly (from :func:`numpy.frexp`)."""
    return np.frexp(magnitudes)[1].astype(np.int64) - 1


# ------------------------------------------------------------------ range report


@dataclass(frozen=True)
class RangeReport:
    """Where the values of an array fall in a format, after scaling.

    Every value lands in exactly one class, so the six fractions sum to 1:
    ``zero`` (exactly 0 already), ``nonfinite`` (inf or NaN already),
    ``underflow`` (nonzero, rounds to 0), ``subnormal`` (rounds to a nonzero
    value below ``fmt.min_normal``), ``normal`` and ``overflow`` (finite, rounds
    to ``+-inf``, or NaN in formats without infinities).

    Attributes
    ----------
    fmt : Format
    scale : float
    size : int
        Number of values.
    zero, nonfinite, underflow, subnormal, normal, overflow : float
        Fractions of all values.
    exponents, counts : numpy.ndarray of int
        ``floor(log2 |scale x|)`` of the nonzero finite scaled values, from
        the smallest to the largest seen, and how many have each.
    min_abs, max_abs : float
        Smallest and largest nonzero finite ``|scale x|`` (NaN if none).
    """

    fmt: Format
    scale: float
    size: int
    zero: float
    nonfinite: float
    underflow: float
    subnormal: float
    normal: float
    overflow: float
    exponents: np.ndarray
    counts: np.ndarray
    min_abs: float
    max_abs: float

    def region(self, exponent: int) -> str:
        """The part of the format's range that binade ``[2^e, 2^(e+1))`` lies in.

        "underflow" below ``min_subnormal / 2`` (those round to 0),
        "underflow or rounds up" in the binade just below ``min_subnormal``
        (its values round to 0 or to ``min_subnormal``), "subnormal" below
        ``2^emin``, "normal" up to the binade of ``2^emax`` (whose top may
        still round up to overflow), "overflow" above.
        """
        fmt = self.fmt
        smallest = fmt.emin - fmt.precision + 1 if fmt.subnormals else fmt.emin
        if exponent < smallest - 1:
            return "underflow"
        if exponent == smallest - 1:
            return "underflow or rounds up"
        if exponent < fmt.emin:
            return "subnormal"
        return "normal" if exponent <= fmt.emax else "overflow"

    def table(self) -> str:
        """The exponent histogram as text: exponent, count, share and region, one line each."""
        total = max(int(self.counts.sum()), 1)
        lines = [f"{'2^e':>6}  {'count':>9}  {'share':>7}  region"]
        for exponent, count in zip(self.exponents.tolist(), self.counts.tolist(), strict=True):
            if count:
                lines.append(f"{exponent:>6}  {count:>9}  {count / total:>7.2%}  "
                             f"{self.region(exponent)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        fmt = self.fmt
        head = (
            f"{self.size} values scaled by {self.scale:g} in {fmt} "
            f"(normal 2^{fmt.emin} to {fmt.max:g}, smallest {fmt.min_subnormal:g}):\n"
            f"  underflow {self.underflow:.2%}, subnormal {self.subnormal:.2%}, "
            f"normal {self.normal:.2%}, overflow {self.overflow:.2%}, "
            f"zero {self.zero:.2%}, non-finite {self.nonfinite:.2%}"
        )
        return head + "\n" + self.table()


def range_report(values, fmt, scale: float = 1) -> RangeReport:
    """Count the values that underflow, become subnormal or overflow in ``fmt``.

    Parameters
    ----------
    values : array_like of real numbers
        Any shape (flattened); inf and NaN are counted as non-finite.
    fmt : Format or str
        The format the values are to be stored in.
    scale : float, default 1
        A positive factor applied first (a loss scale), multiplied in
        float64: exact for a power of two unless float64 itself over- or
        underflows: a finite value that overflows float64 counts as overflow,
        one that float64 flushes to 0 as ``zero``.

    Returns
    -------
    RangeReport
        Its ``__str__`` prints the fractions and the exponent histogram.

    Raises
    ------
    TypeError
        If ``values`` is not real or ``scale`` not a real number.
    ValueError
        If ``scale`` is not finite and positive, or ``fmt`` is unknown.

    Notes
    -----
    The classes come from rounding ``scale * x`` to ``fmt`` once, to nearest
    even (:func:`mathkit.precision.round`), so they are exact: a value in the
    binade just below the smallest subnormal ``2^(emin - p + 1)`` rounds up
    to it when above its half, and is then counted as subnormal. The histogram
    bins ``floor(log2 |scale x|)`` of the unrounded values (see
    :meth:`RangeReport.region`).

    Examples
    --------
    >>> from mathkit.precision import FLOAT16
    >>> report = range_report([1e-9, 1e-6, 0.5, 1e5, 0.0], FLOAT16)
    >>> report.underflow, report.subnormal, report.normal, report.overflow, report.zero
    (0.2, 0.2, 0.2, 0.2, 0.2)
    >>> range_report([1e-9, 1e-6], FLOAT16, scale=2**10).normal
    0.5
    """
    fmt = as_format(fmt)
    scale = _positive_scale(scale)
    given = _real_values(values, "values")
    with np.errstate(over="ignore"):  # beyond float64 is beyond every format: overflow
        flat = given * scale
    size = flat.size
    finite = np.isfinite(given)
    zero = flat == 0
    rounded = np.abs(round_to(np.where(finite, flat, 0.0), fmt))
    nonzero = finite & ~zero
    counted = {
        "zero": zero,
        "nonfinite": ~finite,
        "underflow": nonzero & (rounded == 0),
        "subnormal": nonzero & (rounded > 0) & (rounded < fmt.min_normal),
        "normal": nonzero & (rounded >= fmt.min_normal) & (rounded <= fmt.max),
        "overflow": nonzero & ~(rounded <= fmt.max),
    }
    fractions = {name: float(mask.sum()) / size if size else 0.0 for name, mask in counted.items()}
    magnitudes = np.abs(flat[nonzero & np.isfinite(flat)])
    if magnitudes.size:
        exponent = _exponents(magnitudes)
        low = int(exponent.min())
        counts = np.bincount(exponent - low)
        exponents = np.arange(low, low + counts.size)
        extremes = float(magnitudes.min()), float(magnitudes.max())
    else:
        exponents = counts = np.zeros(0, dtype=np.int64)
        extremes = math.nan, math.nan
    return RangeReport(fmt, scale, size, exponents=exponents, counts=counts,
                       min_abs=extremes[0], max_abs=extremes[1], **fractions)


# ------------------------------------------------------------------ static loss scale

_FLOAT64_MAX_EXPONENT = 1023
_FLOAT64_MIN_EXPONENT = -1074


@dataclass(frozen=True)
class LossScaleRecommendation:
    """A power-of-two loss scale and what it does to the samples.

    Attributes
    ----------
    scale : float
        ``2^exponent``.
    exponent : int
    headroom : int
        Binades kept free above the largest scaled sample.
    fits : bool
        Whether the smallest nonzero sample, scaled, is a normal number too:
        the samples' whole range then fits inside the normal range.
    report : RangeReport
        The samples' :func:`range_report` at ``scale``.
    """

    scale: float
    exponent: int
    headroom: int
    fits: bool
    report: RangeReport


def recommend_loss_scale(gradient_samples, fmt, headroom: int = 4) -> LossScaleRecommendation:
    """The largest power-of-two loss scale that keeps ``headroom`` binades free at the top.

    Parameters
    ----------
    gradient_samples : array_like of real numbers
        Gradients observed in a higher precision (finite; at least one nonzero).
    fmt : Format or str
        The format of the backward pass (float16, typically).
    headroom : int, default 4
        Free binades above the largest scaled gradient: ``max|g| S`` is at
        most ``fmt.max / 2^headroom``, so gradients up to ``2^headroom``
        times larger than the samples still do not overflow.

    Returns
    -------
    LossScaleRecommendation

    Raises
    ------
    TypeError
        If the samples are not real numbers or ``headroom`` not an integer.
    ValueError
        If a sample is not finite, all are zero (or there are none),
        ``headroom`` is negative or so large that the scale would be below
        float64's smallest value ``2^-1074``, or the scale would exceed float64
        (samples below about ``2^-1000``).

    Notes
    -----
    The rule: ``S = 2^k`` with ``k`` the largest integer such that
    ``max|g| 2^k <= fmt.max 2^-headroom``. Gradients shrink during training
    and underflow is the usual failure, so the scale is pushed as high as the
    headroom allows; multiplying by a power of two is exact, and unscaling
    too. ``k`` is found exactly from the binary exponents: with
    ``max|g| = m 2^E`` and ``fmt.max = M 2^F`` (``m, M`` in ``[1/2, 1)``),
    ``k = F - E - headroom``, less 1 if ``m > M``. When
    ``min|g| 2^k >= 2^emin`` as well, every sample is a normal number at this
    scale (``fits``); otherwise the samples span more binades than the format
    has normal ones below the headroom, and the smallest still underflow
    (see ``report``). Dynamic scaling (:class:`LossScaler`) adapts ``S``
    during training instead (Micikevicius et al., "Mixed precision training",
    ICLR 2018, §3.2).

    Examples
    --------
    >>> from mathkit.precision import FLOAT16
    >>> rec = recommend_loss_scale([3e-7, 1e-4, 2e-3], FLOAT16)
    >>> rec.exponent, rec.fits, 2e-3 * rec.scale <= 65504 / 16
    (20, True, True)
    """
    fmt = as_format(fmt)
    samples = check_finite_array(_real_values(gradient_samples, "gradient_samples"),
                                 "gradient_samples")
    if isinstance(headroom, bool) or not isinstance(headroom, numbers.Integral):
        msg = f"headroom must be a non-negative integer, got {_describe(headroom)}"
        raise TypeError(msg)
    if headroom < 0:
        msg = f"headroom must be a non-negative integer, got {headroom}"
        raise ValueError(msg)
    magnitudes = np.abs(samples[samples != 0])
    if magnitudes.size == 0:
        given = "all zeros" if samples.size else "an empty array"
        msg = f"gradient_samples must hold at least one nonzero value, got {given}"
        raise ValueError(msg)
    largest = float(magnitudes.max())
    top_fraction, top_exponent = math.frexp(largest)
    max_fraction, max_exponent = math.frexp(fmt.max)
    exponent = max_exponent - top_exponent - int(headroom) - (top_fraction > max_fraction)
    if exponent > _FLOAT64_MAX_EXPONENT:
        msg = (f"gradient_samples are too small to scale into {fmt}: the scale 2^{exponent} "
               f"exceeds float64 (largest |sample| {largest!r})")
        raise ValueError(msg)
    if exponent < _FLOAT64_MIN_EXPONENT:
        msg = (f"headroom must leave a scale float64 holds (at least 2^-1074), got {headroom}, "
               f"which asks for 2^{exponent}")
        raise ValueError(msg)
    scale = math.ldexp(1.0, exponent)
    fits = math.ldexp(float(magnitudes.min()), exponent) >= fmt.min_normal
    return LossScaleRecommendation(scale, exponent, int(headroom), fits,
                                   range_report(samples, fmt, scale))


# ------------------------------------------------------------------ dynamic loss scale

_INT32_MAX = 2**31 - 1


@dataclass(frozen=True)
class UnscaledGradients:
    """Gradients divided by the loss scale, and whether any was inf or NaN.

    Attributes
    ----------
    gradients : numpy.ndarray of float64
        Values of the format they were unscaled into.
    found_inf : bool
        True if any scaled gradient was not finite (the step is to be skipped).
    """

    gradients: np.ndarray
    found_inf: bool


class LossScaler:
    """Dynamic loss scaling, step for step and bit for bit PyTorch's ``GradScaler``.

    Parameters
    ----------
    init_scale : float, default 2**16
        The first scale, stored (as PyTorch stores it) in float32.
    growth_factor : float, default 2.0
        Multiplies the scale after ``growth_interval`` steps in a row without
        inf or NaN; must be above 1.
    backoff_factor : float, default 0.5
        Multiplies the scale after a step with inf or NaN; in ``(0, 1)``.
    growth_interval : int, default 2000
        Number of consecutive finite steps before the scale grows
        (``1 <= growth_interval < 2^31``, PyTorch's tracker is an int32).

    Attributes
    ----------
    scale : float
        The current scale (a float32 value).
    growth_tracker : int
        Finite steps since the last growth or backoff.

    Raises
    ------
    TypeError
        If an argument is not a number (``growth_interval``: an integer).
    ValueError
        If ``init_scale`` is not positive and finite in float32,
        ``growth_factor <= 1``, ``backoff_factor`` not in ``(0, 1)``, or
        ``growth_interval`` out of range.

    Notes
    -----
    :meth:`update` is ``_amp_update_scale_`` of PyTorch (the CPU kernel in
    ``aten/src/ATen/native/cpu/AmpGradScalerKernels.cpp``; the CUDA kernel in
    ``aten/src/ATen/native/cuda/AmpKernels.cu`` is the same), with the scale a
    float32 ``s``, the tracker an integer ``t`` and the factors doubles:

    - inf or NaN found: ``s <- float32(double(s) * backoff_factor)``, ``t <- 0``;
    - otherwise ``t <- t + 1``, and if now ``t = growth_interval``:
      ``s' = float32(double(s) * growth_factor)``; ``s <- s'`` **only if**
      ``s'`` is finite (the scale never grows past float32's range to inf);
      ``t <- 0``.

    Each product is a double product rounded once to float32, to nearest even
    (:func:`mathkit.precision.round` rounds the float64 product once, as the
    C++ conversion does). Nothing stops the backoff: after about 150 steps
    with inf in a row the scale is a float32 subnormal, then 0. With the
    default factors every scale is a power of two and nothing is rounded;
    with others (a growth factor of 1.1, say) the float32 rounding shows.

    Examples
    --------
    >>> scaler = LossScaler(init_scale=1024.0, growth_interval=2)
    >>> [scaler.update(found) for found in (False, False, True, False, False)]
    [1024.0, 2048.0, 1024.0, 1024.0, 2048.0]
    >>> scaler.scale, scaler.growth_tracker
    (2048.0, 0)
    """

    def __init__(self, init_scale: float = 2.0**16, growth_factor: float = 2.0,
                 backoff_factor: float = 0.5, growth_interval: int = 2000):
        init = float(round_to(_positive_scale(init_scale, "init_scale"), FLOAT32))
        if not math.isfinite(init) or init == 0:
            msg = f"init_scale must be a positive finite float32 value, got {init_scale}"
            raise ValueError(msg)
        growth = _positive_scale(growth_factor, "growth_factor")
        if growth <= 1:
            msg = f"growth_factor must be greater than 1, got {growth}"
            raise ValueError(msg)
        backoff = _positive_scale(backoff_factor, "backoff_factor")
        if backoff >= 1:
            msg = f"backoff_factor must be in (0, 1), got {backoff}"
            raise ValueError(msg)
        interval = check_positive_integer(growth_interval, "growth_interval")
        if interval > _INT32_MAX:
            msg = f"growth_interval must be below 2**31 (an int32), got {interval}"
            raise ValueError(msg)
        self.growth_factor = growth
        self.backoff_factor = backoff
        self.growth_interval = interval
        self._scale = init
        self._tracker = 0

    def __repr__(self) -> str:
        return (f"LossScaler(scale={self._scale!r}, growth_tracker={self._tracker}, "
                f"growth_factor={self.growth_factor}, backoff_factor={self.backoff_factor}, "
                f"growth_interval={self.growth_interval})")

    @property
    def scale(self) -> float:
        """The current loss scale (a float32 value)."""
        return self._scale

    @property
    def growth_tracker(self) -> int:
        """Finite steps since the last growth or backoff."""
        return self._tracker

    def update(self, found_inf: bool) -> float:
        """Advance one step: back off after inf or NaN, grow after a run of finite steps.

        Parameters
        ----------
        found_inf : bool
            Whether this step's scaled gradients held an inf or NaN.

        Returns
        -------
        float
            The new scale (also :attr:`scale`).

        Raises
        ------
        TypeError
            If ``found_inf`` is not a bool (Python or numpy).
        """
        if not isinstance(found_inf, bool | np.bool_):
            msg = f"found_inf must be True or False, got {_describe(found_inf)}"
            raise TypeError(msg)
        if found_inf:
            self._scale = float(round_to(self._scale * self.backoff_factor, FLOAT32))
            self._tracker = 0
            return self._scale
        self._tracker += 1
        if self._tracker == self.growth_interval:
            grown = float(round_to(self._scale * self.growth_factor, FLOAT32))
            if math.isfinite(grown):
                self._scale = grown
            self._tracker = 0
        return self._scale

    def unscale(self, scaled_gradients, fmt=FLOAT32) -> UnscaledGradients:
        """Divide gradients by the scale, as ``GradScaler.unscale_`` does, and look for inf/NaN.

        Parameters
        ----------
        scaled_gradients : array_like of real numbers
            Gradients of the scaled loss (inf and NaN allowed).
        fmt : Format or str, default FLOAT32
            The format of the result (of the master gradients).

        Returns
        -------
        UnscaledGradients

        Raises
        ------
        TypeError
            If the gradients are not real numbers or ``fmt`` not a format.
        ValueError
            If the scale is ``2^-128`` or less, after a long run of backoffs:
            PyTorch would multiply by an infinite ``float32(1 / s)`` and return
            inf and NaN gradients.

        Notes
        -----
        As PyTorch, the gradients are multiplied by ``inv = float32(1 / s)``
        (PyTorch takes the reciprocal in double and rounds it to float32).
        The product, exact in float64 for gradients of at most 29
        significant bits (float16, bfloat16, float8), is rounded once to
        ``fmt``; PyTorch rounds float16 gradients' products to float32 first,
        which can differ in the last place. For a power-of-two scale the
        product is exact and so is the unscaling, barring underflow.
        """
        gradients = _real_values(scaled_gradients, "scaled_gradients").reshape(
            np.shape(scaled_gradients))
        inverse = float(round_to(1.0 / self._scale, FLOAT32)) if self._scale else math.inf
        if math.isinf(inverse):
            msg = (f"scale must be above 2^-128 to unscale by (its float32 reciprocal must be "
                   f"finite), got {self._scale!r}")
            raise ValueError(msg)
        unscaled = round_to(gradients * inverse, fmt)
        return UnscaledGradients(np.asarray(unscaled), bool(not np.isfinite(gradients).all()))


# ------------------------------------------------------------------ stagnation


@dataclass(frozen=True)
class StagnationReport:
    """Which updates ``w + u`` leave ``w`` unchanged in a format.

    Attributes
    ----------
    fmt : Format
    stagnant : numpy.ndarray of bool
        ``fl(w + u) == w`` (round to nearest even), elementwise.
    threshold : numpy.ndarray of float64
        Half the gap from ``w`` to its neighbour in the direction of ``u``:
        ``|u|`` below it is lost, above it is not; at it (a tie) ``w`` is kept
        when its last significand bit is 0.
    fraction : float
        Fraction of elements that stagnate (of the nonzero updates; 0 when
        every update is 0).
    """

    fmt: Format
    stagnant: np.ndarray
    threshold: np.ndarray
    fraction: float


def _last_bit_even(w: np.ndarray, fmt: Format) -> np.ndarray:
    """Whether ``w / ulp(w)``, the integer significand of each ``w``, is even."""
    return np.fmod(np.abs(w) / fmt.ulp(w), 2.0) == 0


def stagnation(w, update, fmt) -> StagnationReport:
    """Where adding ``update`` to ``w`` in ``fmt`` leaves ``w`` unchanged.

    Parameters
    ----------
    w : array_like of float
        Weights, finite values of ``fmt`` (round them first with
        :func:`mathkit.precision.round`).
    update : array_like of float
        The exact updates, finite float64 values; broadcast against ``w``.
    fmt : Format or str

    Returns
    -------
    StagnationReport

    Raises
    ------
    TypeError
        If ``w`` or ``update`` is not real (bools and floats wider than
        float64 included: they would be rounded to float64 first).
    ValueError
        If either is not finite or holds an integer float64 cannot hold
        exactly, a ``w`` is not a value of ``fmt``, or the shapes do not
        broadcast.

    Notes
    -----
    Under round to nearest even, ``fl(w + u) = w`` exactly when
    ``|u| < g/2``, or ``|u| = g/2`` and ``w`` has an even significand, where
    ``g`` is the gap from ``w`` to its neighbour on ``u``'s side: ``ulp(w)``
    moving away from zero, and also toward zero except from a power of two
    above ``2^emin``, where the gap below is ``ulp(w)/2`` (the binade below is
    finer). From ``w = 0``, ``g`` is the smallest subnormal (0 is even). The
    test compares ``|u|`` with ``g/2``, both exact float64 values, so it is
    exact, with no rounding of ``w + u``. So ``|u| < ulp(w)/2`` always
    stagnates: in float16, ``1 + 2^-12`` is 1, and a learning-rate-sized
    update ``1e-4`` to a weight of 1 is lost (``ulp(1) = 2^-10``), while in
    float32 (``ulp(1) = 2^-23``) it is not (Higham, *Accuracy and Stability of
    Numerical Algorithms*, 2002, §2.1; Micikevicius et al., ICLR 2018, §3.1).

    Examples
    --------
    >>> from mathkit.precision import FLOAT16, FLOAT32
    >>> report = stagnation(1.0, [1e-4, 2**-11, -2**-12, -3 * 2**-13], FLOAT16)
    >>> report.stagnant.tolist(), report.threshold.tolist()
    ([True, True, True, False], [0.00048828125, 0.00048828125, 0.000244140625, 0.000244140625])
    >>> bool(stagnation(1.0, 1e-4, FLOAT32).stagnant)
    False
    """
    fmt = as_format(fmt)
    weights = _finite_real_array(w, "w")
    updates = _finite_real_array(update, "update")
    try:
        weights, updates = np.broadcast_arrays(weights, updates)
    except ValueError:
        msg = f"w and update must broadcast, got shapes {weights.shape} and {updates.shape}"
        raise ValueError(msg) from None
    representable = fmt.is_representable(weights)
    if not np.all(representable):
        bad = weights[~np.asarray(representable)].ravel()[0]
        msg = f"w must hold values of {fmt} (round it first), got {bad!r}"
        raise ValueError(msg)
    gap = np.asarray(fmt.ulp(weights), dtype=np.float64)
    magnitude = np.abs(weights)
    toward_zero = np.signbit(updates) != np.signbit(weights)
    down = toward_zero & (weights != 0)
    binade_bottom = (np.frexp(magnitude)[0] == 0.5) & (magnitude > fmt.min_normal)
    gap = np.where(down & binade_bottom, gap / 2, gap)
    if not fmt.subnormals:  # from 2^emin down, the next value is 0
        gap = np.where(down & (magnitude == fmt.min_normal), fmt.min_normal, gap)
    threshold = gap / 2
    size = np.abs(updates)
    tie_kept = (size == threshold) & _last_bit_even(weights, fmt)
    stagnant = (size < threshold) | tie_kept
    moving = updates != 0
    fraction = float(stagnant[moving].mean()) if moving.any() else 0.0
    return StagnationReport(fmt, stagnant, threshold, fraction)
