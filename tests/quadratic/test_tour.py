"""The tour sections of the quadratic area: their lines and their figures."""

import pytest

from mathkit import claims

MODULES = ("mathkit.quadratic.claims", "mathkit.quadratic.tour")


@pytest.fixture
def area(monkeypatch):
    monkeypatch.setitem(claims.AREAS, "quadratic", MODULES)
    return "quadratic"


def section_named(area, name):
    sections = {section.name: section for section in claims.tour_sections(area)}
    assert set(sections) == {"gradient-descent-zigzag", "accelerated-methods"}
    return sections[name]


def test_tour_section_without_plotting(area, tmp_path):
    section = section_named(area, "gradient-descent-zigzag")
    output = section.run(claims.TourContext(tmp_path, plotting=False))
    assert output.figures == [] and len(output.lines) >= 3
    assert "conjugate gradients take 2" in output.lines[0]
    assert output.lines[-1].endswith("True")


def test_accelerated_section_without_plotting(area, tmp_path):
    section = section_named(area, "accelerated-methods")
    output = section.run(claims.TourContext(tmp_path, plotting=False))
    assert output.figures == []
    text = "\n".join(output.lines)
    for method in ("heavy_ball", "nesterov", "chebyshev", "conjugate_gradient"):
        assert method in text
    assert output.lines[-1].endswith("True")


@pytest.mark.parametrize("name", ["gradient-descent-zigzag", "accelerated-methods"])
def test_tour_section_with_a_figure(area, tmp_path, name):
    pytest.importorskip("matplotlib")
    output = section_named(area, name).run(claims.TourContext(tmp_path, plotting=True))
    (figure,) = output.figures
    assert figure.exists() and figure.stat().st_size > 10_000
