"""Simulated histograms against exact laws: chi-square with pooling, the DKW band."""

import math

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
