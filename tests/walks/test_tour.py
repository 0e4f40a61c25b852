"""The walks tour sections run, with and without matplotlib figures."""

import pytest

import mathkit.claims as claims


@pytest.mark.parametrize("name", ["position-normal-limit", "simulated-walks"])
def test_walks_tour_runs(name, tmp_path):
    (section,) = [s for s in claims.tour_sections("walks") if s.name == name]
    output = section.run(claims.TourContext(tmp_path, plotting=False))
    assert any("1,000,000" in line for line in output.lines)
    assert output.figures == []
    output = section.run(claims.TourContext(tmp_path, plotting=True))
    assert output.figures and output.figures[0].exists()


def test_simulated_walks_agree_with_the_exact_laws(tmp_path):
    (section,) = [s for s in claims.tour_sections("walks") if s.name == "simulated-walks"]
    lines = section.run(claims.TourContext(tmp_path, plotting=False)).lines
    assert any("endpoint" in line and "-> agree" in line for line in lines)
