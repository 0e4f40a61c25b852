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


def test_passage_and_ruin(tmp_path):
    (section,) = [s for s in claims.tour_sections("walks") if s.name == "passage-and-ruin"]
    output = section.run(claims.TourContext(tmp_path, plotting=False))
    assert output.figures == []
    assert any(line.strip().startswith("first_passage") and "-> agree" in line
               for line in output.lines)
    # the Green's function ratio and the dynamic program agree to 12 digits
    (jumper,) = [line for line in output.lines if "jump over 2" in line]
    green, mass = (float(part.split()[-1]) for part in jumper.split(";"))
    assert abs(green - mass) < 1e-12
    # fair game: P(ruin) = 1 - a/10
    (fair,) = [line for line in output.lines if line.startswith("  p = 0.5 ")]
    assert [float(v) for v in fair.split()[3:]] == pytest.approx([1 - a / 10 for a in range(11)],
                                                                abs=5e-4)
    output = section.run(claims.TourContext(tmp_path, plotting=True))
    assert output.figures and output.figures[0].exists()
