"""The precision area's claims and tour section."""

import pytest

from mathkit import claims, cli

AREA_MODULES = ("mathkit.precision.claims", "mathkit.precision.tour")


@pytest.fixture
def precision_area(monkeypatch):
    monkeypatch.setitem(claims.AREAS, "precision", AREA_MODULES)


def test_precision_claims_pass(precision_area):
    results = claims.run("precision")
    names = {r.claim.name for r in results}
    assert {"unit-roundoff", "float16-max", "e4m3fn-max", "float16-sum-of-ones-stalls",
            "stochastic-rounding-unbiased", "float16-sum-of-ones-stochastic"} <= names
    failed = [(r.claim.name, r.message) for r in results if not r.passed]
    assert not failed


def test_check_command(precision_area, capsys):
    assert cli.main(["check", "precision", "--no-progress"]) == 0
    assert "0 failed" in capsys.readouterr().out


def test_running_sum_helper(precision_area):
    from mathkit.precision.claims import running_sum_of_ones
    from mathkit.precision.formats import BFLOAT16

    assert running_sum_of_ones(300, BFLOAT16, "nearest_even")[0] == 256  # 2^8 for p = 8
    assert running_sum_of_ones(100, BFLOAT16, "toward_zero")[0] == 100


def test_tour_section_prints_and_plots(precision_area, tmp_path, capsys):
    assert cli.main(["tour", "--area", "precision", "--out", str(tmp_path), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "stalls at 2048" in out and "stochastic rounding, 100 runs" in out
    assert (tmp_path / "precision_stagnation.png").stat().st_size > 1000


def test_tour_section_without_matplotlib(precision_area, tmp_path):
    section = next(s for s in claims.tour_sections("precision") if s.area == "precision")
    output = section.run(claims.TourContext(tmp_path, plotting=False))
    assert output.figures == [] and len(output.lines) == 4
