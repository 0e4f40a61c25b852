"""Simulated histograms against exact laws: chi-square with pooling, the DKW band."""

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest

from mathkit.walks import SimpleWalk, TabulatedLaw, simulate
from mathkit.walks.agreement import compare_counts


@pytest.mark.parametrize("p", [0.5, 0.2])
def test_right_law_agrees_and_wrong_law_does_not(p):
    walk = SimpleWalk(p)
    result = simulate(walk, 40, 100_000, ["endpoint"], rng=12)
    assert result.compare()["endpoint"].agrees
    endpoint = result["endpoint"]
    wrong = compare_counts("endpoint", endpoint.values, endpoint.counts,
                           SimpleWalk(p + 0.02).position(40))
    assert not wrong.agrees and wrong.p_value < 1e-6


def test_dkw_bound_is_massarts():
    law = TabulatedLaw(0, [0.5, 0.5])
    agreement = compare_counts("coin", [0, 1], [500, 500], law, confidence=0.99)
    assert agreement.dkw_bound == pytest.approx(math.sqrt(math.log(2 / 0.01) / 2000))
    assert agreement.agrees and agreement.max_cdf_gap == pytest.approx(0.0, abs=1e-15)


def test_a_value_the_law_forbids_is_a_disagreement():
    law = TabulatedLaw(0, [0.5, 0.0, 0.5])
    agreement = compare_counts("x", [0, 1, 2], [50, 1, 50], law)
    assert not agreement.agrees and agreement.chi_square == math.inf


def test_censored_walks_are_compared_with_the_tail_beyond_the_horizon():
    law = TabulatedLaw(1, [0.4, 0.3, 0.2, 0.1])  # times 1..4; horizon 2 censors 3 and 4
    good = compare_counts("T", [1, 2], [4000, 3000], law, censored=3000, horizon=2)
    bad = compare_counts("T", [1, 2], [4000, 3000], law, censored=0, horizon=2)
    assert good.agrees
    assert not bad.agrees


def test_tiny_expected_counts_are_pooled():
    law = TabulatedLaw(0, [1e-9, 0.5 - 1e-9, 0.5 - 2e-9, 1e-9, 1e-9])
    agreement = compare_counts("x", [1, 2], [500, 500], law)
    assert agreement.degrees_of_freedom == 1 and agreement.agrees


def test_bad_confidence_and_empty_counts():
    law = TabulatedLaw(0, [1.0])
    with pytest.raises(ValueError, match=r"confidence must be in \(0, 1\), got 1"):
        compare_counts("x", [0], [1], law, confidence=1)
    with pytest.raises(ValueError, match="counts must hold at least one walk"):
        compare_counts("x", np.array([], dtype=int), np.array([], dtype=int), law)


# ---------------------------------------------------------------- compare() with the path laws

PATH_STATISTICS = ("returns", "last_zero", "time_positive")


def enumerated_laws(n: int, p: Fraction) -> dict[str, TabulatedLaw]:
    """Exact laws of the path statistics, by enumerating all 2^n paths (S_0 = 0)."""
    masses = {name: [Fraction(0)] * (n + 1) for name in PATH_STATISTICS}
    for bits in itertools.product((1, -1), repeat=n):
        path = list(itertools.accumulate(bits, initial=0))
        weight = p ** bits.count(1) * (1 - p) ** bits.count(-1)
        zeros = [k for k in range(1, n + 1) if path[k] == 0]
        masses["returns"][len(zeros)] += weight
        masses["last_zero"][zeros[-1] if zeros else 0] += weight
        masses["time_positive"][sum(path[k] > 0 or path[k - 1] > 0
                                    for k in range(1, n + 1))] += weight
    return {name: TabulatedLaw(0, [float(m) for m in mass]) for name, mass in masses.items()}


@pytest.fixture(scope="module")
def path_run():
    n, p = 10, Fraction(3, 10)
    result = simulate(SimpleWalk(float(p)), n, 100_000, PATH_STATISTICS, rng=2026)
    return result, enumerated_laws(n, p)


@pytest.mark.parametrize("statistic", PATH_STATISTICS)
def test_compare_uses_the_exact_path_law(path_run, statistic):
    result, laws = path_run
    agreement = result.compare()[statistic]
    counts = result[statistic]
    by_enumeration = compare_counts(statistic, counts.values, counts.counts, laws[statistic])
    assert agreement.agrees and by_enumeration.agrees
    assert agreement.chi_square == pytest.approx(by_enumeration.chi_square, rel=1e-9)
    assert agreement.max_cdf_gap == pytest.approx(by_enumeration.max_cdf_gap, abs=1e-12)


@pytest.mark.parametrize("statistic", PATH_STATISTICS)
def test_compare_calls_the_walk_method(path_run, monkeypatch, statistic):
    result, _ = path_run
    wrong = enumerated_laws(10, Fraction(1, 2))[statistic]
    monkeypatch.setattr(SimpleWalk, statistic, lambda self, n: wrong)
    assert not result.compare()[statistic].agrees


def test_compare_skips_statistics_without_an_exact_law():
    result = simulate(SimpleWalk(0.5), 20, 1000, ["minimum", "range", "returns"], rng=1)
    assert set(result.compare()) == {"returns"}
