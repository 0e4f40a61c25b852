"""The claims of the quadratic area: every one passes."""

import pytest

from mathkit import claims

MODULES = ("mathkit.quadratic.claims", "mathkit.quadratic.tour")


@pytest.fixture
def area(monkeypatch):
    monkeypatch.setitem(claims.AREAS, "quadratic", MODULES)
    return "quadratic"


def test_every_claim_passes(area):
    results = claims.run(area)
    assert len(results) >= 5
    failing = [(r.claim.name, r.message) for r in results if not r.passed]
    assert not failing
    names = {r.claim.name for r in results}
    assert {"minimizer-cholesky", "minimizer-conjugate-gradient", "minimizer-gradient-descent",
            "minimizer-zero-gradient", "minimum-value", "cg-finite-termination",
            "classification-exact-vs-numeric", "gradient-descent-bound-attained"} <= names
    for result in results:
        assert result.claim.symbolic is not None and result.claim.numeric is not None
