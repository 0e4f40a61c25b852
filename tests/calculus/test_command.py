"""The `mathkit derivative` command."""

import subprocess
import sys

import pytest

from mathkit import cli


@pytest.fixture(autouse=True)
def derivative_command(monkeypatch):
    monkeypatch.setattr(cli, "AREA_COMMANDS", ("mathkit.calculus.command",))


def run(capsys, *argv):
    status = cli.main(["derivative", *argv])
    return status, capsys.readouterr().out


def test_seed_example(capsys):
    status, out = run(capsys, "x**2 + y**2", "--at", "1,2", "--along", "3,4")
    assert status == 0
    assert "22/5 = 4.4" in out
    for word in ("D_v f", "J v", "22", "grad f", "(2, 4)", "steepest ascent",
                 "2*sqrt(5)", "4.47213595499958", "complex_step"):
        assert word in out, word


def test_methods_variables_and_exact_points(capsys):
    status, out = run(capsys, "x*y^2", "--at", "1/2,sqrt(2)", "--along", "0,1",
                      "--variables", "y,x", "--method", "richardson")
    assert status == 0 and "richardson" in out
    # variables (y, x) = (1/2, sqrt(2)): d/dx (x y^2) along x = y^2 = 1/4
    assert "1/4 = 0.25" in out
    status, out = run(capsys, "x**2 + y**2", "--at", "1,2", "--along", "3,4", "--method",
                      "symbolic")
    assert status == 0 and "symbolic" in out


def test_without_a_direction(capsys):
    status, out = run(capsys, "exp(x)*sin(y)", "--at", "0,0")
    assert status == 0 and "grad f" in out and "D_v f" not in out


def test_critical_point(capsys):
    status, out = run(capsys, "x**2 + y**2", "--at", "0,0", "--along", "1,1")
    assert status == 0 and "critical point" in out


def test_non_analytic_formula_falls_back(capsys):
    status, out = run(capsys, "x*abs(y)", "--at", "1,2", "--along", "0,1")
    assert status == 0 and "richardson" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["__import__('os').system('ls')", "--at", "1"], "expression refused"),
    (["x**2", "--at", "1,2"], "one coordinate per variable"),
    (["x*y", "--at", "1,2", "--along", "0,0"], "non-zero"),
    (["x*y", "--at", "1,2", "--along", "1"], "--along must have 2 coordinates"),
    (["x*y", "--at", "1,a"], "must hold numbers"),
    (["x*z", "--at", "1,2", "--variables", "x,y"], "unknown variable 'z'"),
    (["log(x)", "--at", "0"], "f is undefined at the point"),
    (["x**y", "--at", "1e300,1e300"], "f(x) must be finite"),
    (["2x", "--at", "1"], "not a valid formula"),
])
def test_bad_input_exits_2_with_a_message(capsys, argv, message):
    status, out = run(capsys, *argv)
    assert status == 2
    assert message in " ".join(out.split()), out


def test_huge_exact_powers_are_skipped(capsys):
    status, out = run(capsys, "x**y", "--at", "2,3000000")
    assert "exact values skipped" in out or status == 2


def test_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["derivative", "--help"])
    assert exit_info.value.code == 0
    assert "--along" in capsys.readouterr().out


def test_the_command_module_imports_nothing_heavy():
    code = (
        "import sys, argparse\n"
        "import mathkit.calculus.command as c\n"
        "parser = argparse.ArgumentParser()\n"
        "c.add_command(parser.add_subparsers())\n"
        "heavy = [m for m in ('sympy', 'numpy', 'scipy', 'rich') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == "[]"
