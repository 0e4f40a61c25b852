"""The calculus tour sections: the seed example drawn, and error against step size."""

import numpy as np
import pytest
import sympy

from mathkit import claims
from mathkit.calculus.tour import METHODS, STEPS, seed_rates, step_errors


@pytest.fixture(autouse=True)
def calculus_area(monkeypatch):
    monkeypatch.setitem(claims.AREAS, "calculus", ("mathkit.calculus.claims",
                                                   "mathkit.calculus.tour"))


def _section(name):
    (section,) = [s for s in claims.tour_sections("calculus") if s.name == name]
    return section


def test_section_prints_and_plots(tmp_path):
    section = _section("derivative-step-sizes")
    output = section.run(claims.TourContext(tmp_path, plotting=True))
    text = "\n".join(output.lines)
    for method in METHODS:
        assert method in text
    (figure,) = output.figures
    assert figure.stat().st_size > 1000
    assert not section.run(claims.TourContext(tmp_path / "none", plotting=False)).figures


def test_the_curves_have_the_expected_shapes():
    errors = step_errors(STEPS[::3])
    forward, central, complex_step = errors["forward"], errors["central"], errors["complex_step"]
    # V shapes: the best step is inside the range, near eps^(1/2) and eps^(1/3)
    steps = STEPS[::3]
    assert 1e-10 < steps[np.nanargmin(forward)] < 1e-6
    assert 1e-8 < steps[np.nanargmin(central)] < 1e-3
    # the complex step has no rounding wall: tiny steps are as good as it gets
    assert np.nanmax(complex_step[steps < 1e-8]) < 1e-15
    for method, (_, error) in errors["default"].items():
        assert error < {"forward": 1e-6, "central": 1e-8, "complex_step": 1e-15,
                        "richardson": 1e-13}[method]


def test_seed_section_prints_the_exact_rates_and_draws(tmp_path):
    section = _section("seed-example-picture")
    output = section.run(claims.TourContext(tmp_path, plotting=True))
    text = "\n".join(output.lines)
    assert "D_w f = 22/5" in text and "J w = 22 " in text and "2*sqrt(5)" in text
    (figure,) = output.figures
    assert figure.name == "calculus_seed_example.png" and figure.stat().st_size > 1000


def test_seed_rates_by_hand():
    rates = seed_rates()
    # grad f = (2x, 2y) = (2, 4); (2, 4) . (3, 4)/5 = 22/5; |(2, 4)| = 2 sqrt 5
    assert list(rates["gradient"]) == [2, 4]
    assert rates["along_w"] == sympy.Rational(22, 5) and rates["jvp_w"] == 22
    assert rates["steepest"].rate == 2 * sympy.sqrt(5)
    assert sympy.simplify(sum(g * t for g, t in zip(rates["gradient"], rates["level"],
                                                    strict=True))) == 0
