"""The command line: info, check, tour, help and errors."""

import subprocess
import sys

import pytest

from mathkit import claims, cli
from mathkit.claims import Claim


def test_info_lists_engines_and_versions(capsys):
    assert cli.main(["info"]) == 0
    out = capsys.readouterr().out
    for word in ("numpy", "numba", "cupy", "threads=", "sympy"):
        assert word in out


def test_check_core_passes(capsys):
    assert cli.main(["check", "core", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "philox-known-answers" in out
    assert "0 failed" in out


def test_check_fails_with_nonzero_exit(monkeypatch, capsys):
    monkeypatch.setitem(claims.AREAS, "scratch", ("mathkit.claims", "mathkit.claims"))
    monkeypatch.setitem(claims._CLAIMS, "scratch", {})
    claims.register(Claim("wrong", "scratch", "1 = 2", symbolic=lambda: 1, numeric=lambda: 2.0))
    assert cli.main(["check", "scratch", "--no-progress"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_tour_writes_figures(tmp_path, capsys):
    assert cli.main(["tour", "--area", "core", "--out", str(tmp_path), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "numpy == numba: True" in out
    assert (tmp_path / "core_uniforms.png").stat().st_size > 1000


def test_tour_reports_a_broken_section_and_goes_on(monkeypatch, tmp_path, capsys):
    def broken(context):
        raise RuntimeError("boom")

    monkeypatch.setitem(claims.AREAS, "scratch", ("mathkit.claims", "mathkit.claims"))
    monkeypatch.setitem(claims._TOUR, "scratch", {})
    claims.register_tour(claims.TourSection("broken", "scratch", "Broken", broken))
    claims.register_tour(claims.TourSection(
        "fine", "scratch", "Fine", lambda c: claims.TourOutput(["still here"])))
    assert cli.main(["tour", "--area", "scratch", "--out", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "section failed: RuntimeError: boom" in out and "still here" in out


@pytest.mark.parametrize("argv", [["--help"], ["info", "--help"], ["check", "--help"],
                                  ["tour", "--help"]])
def test_help_everywhere(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 0
    assert "usage: mathkit" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["check", "nowhere"], ["tour", "--area", "nowhere"], [],
                                  ["frobnicate"]])
def test_bad_arguments_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    assert "error" in capsys.readouterr().err


def test_python_dash_m():
    out = subprocess.run([sys.executable, "-m", "mathkit", "--version"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip().startswith("mathkit ")
