"""The claims registry: verdicts for agreeing, disagreeing and crashing claims."""

from fractions import Fraction

import pytest

from mathkit import claims
from mathkit.claims import Claim, Estimate


@pytest.fixture
def scratch_area(monkeypatch):
    """An empty throw-away area, so tests do not touch the real registries."""
    monkeypatch.setitem(claims.AREAS, "scratch", ("mathkit.claims", "mathkit.claims"))
    monkeypatch.setitem(claims._CLAIMS, "scratch", {})
    monkeypatch.setitem(claims._TOUR, "scratch", {})
    return "scratch"


def claim(name, **sides):
    return Claim(name=name, area="scratch", statement=name, **sides)


def test_core_claims_all_pass():
    results = claims.run("core")
    assert {r.claim.name for r in results} >= {"philox-known-answers", "uniform53-mean"}
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]


def test_verdicts(scratch_area):
    claims.register(claim("exact", symbolic=lambda: Fraction(1, 3), numeric=lambda: 1 / 3))
    claims.register(claim("off", symbolic=lambda: Fraction(1, 3), numeric=lambda: 0.3334))
    claims.register(claim("crash", symbolic=lambda: 1, numeric=lambda: 1 / 0))
    claims.register(claim("shape", symbolic=lambda: (1, 2), numeric=lambda: (1.0,)))
    results = {r.claim.name: r for r in claims.run(scratch_area)}
    assert results["exact"].verdict == "pass"
    assert results["off"].verdict == "FAIL"
    assert results["off"].error == pytest.approx(0.3334 - 1 / 3)
    assert "numeric off by" in results["off"].message
    assert results["crash"].verdict == "ERROR"
    assert "ZeroDivisionError" in results["crash"].message
    assert results["shape"].verdict == "FAIL" and "shape" in results["shape"].message


def test_simulated_side_must_cover_the_exact_value(scratch_area):
    near = Estimate(0.5005, 0.001, 10_000)
    far = Estimate(0.51, 0.001, 10_000)
    claims.register(claim("covered", symbolic=lambda: Fraction(1, 2), simulated=lambda: near))
    claims.register(claim("missed", symbolic=lambda: Fraction(1, 2), simulated=lambda: far,
                          confidence=0.999))
    results = {r.claim.name: r for r in claims.run(scratch_area)}
    assert results["covered"].passed
    low, high = results["covered"].interval
    assert low < 0.5 < high and high - low == pytest.approx(2 * 3.2905267 * 0.001)
    assert not results["missed"].passed and "interval misses" in results["missed"].message


def test_run_selected_names_and_callback(scratch_area):
    claims.register(claim("a", symbolic=lambda: 1, numeric=lambda: 1.0))
    claims.register(claim("b", symbolic=lambda: 2, numeric=lambda: 2.0))
    seen = []
    results = claims.run(scratch_area, names=["b"], on_result=seen.append)
    assert [r.claim.name for r in results] == ["b"] and seen == results
    with pytest.raises(ValueError, match=r"names must be registered claims, got unknown \['c'\]"):
        claims.run(scratch_area, names=["c"])


def test_registration_errors(scratch_area):
    claims.register(claim("once", symbolic=lambda: 1, numeric=lambda: 1.0))
    with pytest.raises(ValueError, match="'once' is already registered in area 'scratch'"):
        claims.register(claim("once", symbolic=lambda: 1, numeric=lambda: 1.0))
    with pytest.raises(ValueError, match="at least two of symbolic, numeric, simulated"):
        claim("lonely", numeric=lambda: 1.0)
    with pytest.raises(ValueError, match=r"confidence must be in \(0, 1\), got 1.5"):
        claim("sure", symbolic=lambda: 1, numeric=lambda: 1.0, confidence=1.5)
    with pytest.raises(ValueError, match="area must be one of"):
        claims.run("nowhere")


def test_estimate_from_samples():
    estimate = Estimate.from_samples([1.0, 2.0, 3.0, 4.0])
    assert estimate.value == 2.5 and estimate.samples == 4
    assert estimate.standard_error == pytest.approx((5 / 3) ** 0.5 / 2)
    with pytest.raises(ValueError, match="samples must hold at least 2 values, got 1"):
        Estimate.from_samples([1.0])


def test_tour_sections_register_and_run(scratch_area, tmp_path):
    section = claims.TourSection("demo", scratch_area, "Demo",
                                 lambda context: claims.TourOutput(["hello"]))
    claims.register_tour(section)
    assert claims.tour_sections(scratch_area) == [section]
    with pytest.raises(ValueError, match="'demo' is already registered"):
        claims.register_tour(section)
    context = claims.TourContext(tmp_path / "figures", plotting=False)
    assert section.run(context).lines == ["hello"]
    assert context.figure_path("a.png") == tmp_path / "figures" / "a.png"
    assert (tmp_path / "figures").is_dir()


def test_tour_context_saves_and_closes_figures(tmp_path):
    context = claims.TourContext(tmp_path / "out", plotting=True)
    plt = context.pyplot()
    figure, axis = plt.subplots()
    axis.plot([0, 1], [1, 0])
    path = context.save(figure, "line.png")
    assert path == tmp_path / "out" / "line.png" and path.stat().st_size > 500
    assert figure.number not in plt.get_fignums()
