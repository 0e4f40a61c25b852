"""The calculus claims and tour section, through mathkit.claims."""

import pytest

from mathkit import claims


@pytest.fixture(autouse=True)
def calculus_area(monkeypatch):
    monkeypatch.setitem(claims.AREAS, "calculus", ("mathkit.calculus.claims",
                                                   "mathkit.calculus.tour"))


def test_every_calculus_claim_passes():
    results = claims.run("calculus")
    names = {r.claim.name for r in results}
    assert len(results) >= 5
    assert {"seed-example", "directional-is-gradient-dot-unit", "complex-step-ulp",
            "max-directional-is-gradient-norm", "level-directions-zero-derivative",
            "jvp-linear", "complex-step-catalogue", "richardson-catalogue"} <= names
    failed = [(r.claim.name, r.message) for r in results if not r.passed]
    assert not failed


def test_seed_claim_is_exact():
    (result,) = claims.run("calculus", names=["seed-example"])
    assert str(result.symbolic[0]) == "22/5" and result.numeric == (4.4, 2.0)


def test_simulated_claim_has_an_estimate():
    (result,) = claims.run("calculus", names=["mean-square-directional"])
    assert result.simulated is not None and result.simulated.samples == 20_000
    low, high = result.interval
    assert low <= float(result.symbolic) <= high


def test_catalogue_starts_with_the_seed_example():
    (result,) = claims.run("calculus", names=["complex-step-catalogue"])
    assert str(result.symbolic[0]) == "22/5" and len(result.symbolic) == 6
