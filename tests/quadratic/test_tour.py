"""The tour section of the quadratic area: its lines and its figure."""

import pytest

from mathkit import claims

MODULES = ("mathkit.quadratic.claims", "mathkit.quadratic.tour")


@pytest.fixture
def area(monkeypatch):
    monkeypatch.setitem(claims.AREAS, "quadratic", MODULES)
    return "quadratic"


def test_tour_section_without_plotting(area, tmp_path):
    (section,) = claims.tour_sections(area)
    output = section.run(claims.TourContext(tmp_path, plotting=False))
    assert output.figures == [] and len(output.lines) >= 3
    assert "conjugate gradients take 2" in output.lines[0]
    assert output.lines[-1].endswith("True")


def test_tour_section_with_a_figure(area, tmp_path):
    pytest.importorskip("matplotlib")
    (section,) = claims.tour_sections(area)
    output = section.run(claims.TourContext(tmp_path, plotting=True))
    (figure,) = output.figures
    assert figure.exists() and figure.stat().st_size > 10_000
