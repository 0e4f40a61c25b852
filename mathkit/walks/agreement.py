"""Do simulated counts agree with an exact law? Chi-square and a DKW band.

For a statistic whose exact law is known, :func:`compare_counts` runs two
checks on the histogram of ``N`` simulated walks:

- Pearson's chi-square test, after pooling the bins from each end until every
  expected count is at least 5 (so the chi-square approximation holds);
- the largest gap ``D = max_k |F_N(k) - F(k)|`` between the empirical and the
  exact cdf, against the Dvoretzky-Kiefer-Wolfowitz band
  ``epsilon = sqrt(log(2 / alpha) / (2 N))`` (Massart's constant):
  ``P(D > epsilon) <= alpha`` whatever the law.

Both are tested at level ``alpha = 1 - confidence``; the verdict is "agree"
when neither rejects.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Agreement", "compare_counts"]

_MIN_EXPECTED = 5.0


@dataclass(frozen=True)
class Agreement:
    """The outcome of :func:`compare_counts` for one statistic."""

    statistic: str
    n_walks: int
    chi_square: float
    degrees_of_freedom: int
    p_value: float
    max_cdf_gap: float
    dkw_bound: float
    confidence: float

    @property
    def agrees(self) -> bool:
        """Neither the chi-square test nor the DKW band rejects at ``confidence``."""
        alpha = 1 - self.confidence
        return self.p_value > alpha and self.max_cdf_gap <= self.dkw_bound

    def __str__(self) -> str:
        verdict = "agree" if self.agrees else "DISAGREE"
        return (f"{self.statistic}: chi2 = {self.chi_square:.2f} on {self.degrees_of_freedom} dof "
                f"(p = {self.p_value:.3g}), max |F_N - F| = {self.max_cdf_gap:.2e} "
                f"<= {self.dkw_bound:.2e}? -> {verdict}")


def _pooled(observed: np.ndarray, expected: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge bins from both ends inwards until each expected count is >= 5."""
    cut_low = np.searchsorted(np.cumsum(expected), _MIN_EXPECTED)
    cut_high = expected.size - 1 - np.searchsorted(np.cumsum(expected[::-1]), _MIN_EXPECTED)
    if cut_low >= cut_high:
        return np.array([observed.sum()]), np.array([expected.sum()])

    def merge(part):
        return np.concatenate(([part[: cut_low + 1].sum()], part[cut_low + 1:cut_high],
                               [part[cut_high:].sum()]))

    return merge(observed), merge(expected)


def compare_counts(statistic: str, values, counts, law, *, censored: int = 0,
                   horizon: int | None = None, confidence: float = 0.999) -> Agreement:
    """Compare a histogram of simulated values with an exact law.

    Parameters
    ----------
    statistic : str
        Name shown in the result.
    values, counts : array_like of int
        The simulated histogram: ``counts[i]`` walks took ``values[i]``.
    law : IntegerLaw
        The exact law (``pmf`` and ``cdf`` over the integers).
    censored : int
        Walks in which the event did not happen within ``horizon`` steps.
    horizon : int, optional
        The number of steps simulated, for a time that may be censored: the
        censored walks are compared with ``1 - F(horizon)`` (which includes
        the mass at infinity of a defective law).
    confidence : float
        Level of both tests, in (0, 1).

    Returns
    -------
    Agreement

    Examples
    --------
    >>> from mathkit.walks import SimpleWalk, simulate
    >>> walk = SimpleWalk(0.5)
    >>> endpoint = simulate(walk, 20, 10_000, rng=1)["endpoint"]
    >>> compare_counts("endpoint", endpoint.values, endpoint.counts, walk.position(20)).agrees
    True
    """
    if not 0 < confidence < 1:
        msg = f"confidence must be in (0, 1), got {confidence}"
        raise ValueError(msg)
    values = np.asarray(values, dtype=np.int64)
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum()) + censored
    if total < 1:
        msg = "counts must hold at least one walk, got none"
        raise ValueError(msg)
    low, high = int(values.min(initial=0)), int(values.max(initial=0))
    support = np.arange(low, high + 1)
    # Expected counts over the observed range, plus what the law puts outside it.
    probabilities = np.asarray(law.pmf(support), dtype=np.float64)
    below = float(law.cdf(low - 1))
    beyond = 0.0 if horizon is None else 1.0 - float(law.cdf(horizon))
    above = max(0.0, 1.0 - below - probabilities.sum() - beyond)
    observed = np.zeros(support.size, dtype=np.int64)
    observed[values - low] = counts
    observed = np.concatenate(([0], observed, [0, censored]))
    expected = total * np.concatenate(([below], probabilities, [above, beyond]))
    keep = expected > 0
    if np.any(observed[~keep] > 0):  # a value the exact law says is impossible
        return Agreement(statistic, total, math.inf, 0, 0.0, 1.0,
                         _dkw(total, confidence), confidence)
    pooled_observed, pooled_expected = _pooled(observed[keep], expected[keep])
    chi_square = float(np.sum((pooled_observed - pooled_expected) ** 2 / pooled_expected))
    dof = max(pooled_observed.size - 1, 1)
    from scipy import stats

    p_value = float(stats.chi2.sf(chi_square, dof)) if pooled_observed.size > 1 else 1.0
    empirical = np.cumsum(observed[1:-2]) / total
    exact = below + np.cumsum(probabilities)
    gap = float(np.max(np.abs(empirical - exact), initial=0.0))
    return Agreement(statistic, total, chi_square, dof, p_value, gap, _dkw(total, confidence),
                     confidence)


def _dkw(total: int, confidence: float) -> float:
    return math.sqrt(math.log(2 / (1 - confidence)) / (2 * total))
