"""The calculus tour section: error against step size."""

import numpy as np
import pytest

from mathkit import claims
from mathkit.calculus.tour import METHODS, STEPS, step_errors


@pytest.fixture(autouse=True)
def calculus_area(monkeypatch):
    monkeypatch.setitem(claims.AREAS, "calculus", ("mathkit.calculus.claims",
                                                   "mathkit.calculus.tour"))


def test_section_prints_and_plots(tmp_path):
    (section,) = claims.tour_sections("calculus")
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
