"""The walks claims all agree (symbolic, numeric and simulated sides)."""

import pytest

import mathkit.claims as claims


@pytest.fixture
def walks_area(monkeypatch):
    monkeypatch.setitem(claims.AREAS, "walks", ("mathkit.walks.claims", "mathkit.walks.tour"))


def test_walks_claims_pass(walks_area):
    results = claims.run("walks")
    assert len(results) >= 5
    failures = [(r.claim.name, r.message) for r in results if not r.passed]
    assert not failures
    assert any(r.simulated is not None for r in results)
