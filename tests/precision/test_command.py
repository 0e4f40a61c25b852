"""``mathkit float``: output, options, errors, and a light import."""

import subprocess
import sys

import pytest

from mathkit import cli
from mathkit.precision import command, rounding


@pytest.fixture
def precision_cli(monkeypatch):
    monkeypatch.setattr(cli, "AREA_COMMANDS", ("mathkit.precision.command",))


def test_float_command_prints_fields_value_and_error(precision_cli, capsys):
    assert cli.main(["float", "0.1", "--format", "fp16"]) == 0
    out = capsys.readouterr().out
    for text in ("float16", "0 01011 1001100110", "0x2e66", "0.0999755859375", "normal",
                 "-2.441406250000555e-05", "exactly 0.1000000000000000055511151231257827",
                 "exponent 11 (2^-4, bias 15)", "mantissa 614"):
        assert text in out, text


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["float", "65520"], ["inf", "0x7c00"]),
        (["float", "65519.99"], ["65504.0", "0x7bff"]),
        (["float", "70000", "--mode", "toward_zero"], ["65504.0"]),
        (["float", "1000", "-f", "e4m3fn"], ["nan", "0x7f", "no inf"]),
        (["float", "1000", "-f", "e4m3fn", "--overflow", "saturate"], ["448.0", "0x7e"]),
        (["float", "-1e-5", "-f", "bf16"], ["sign 1", "normal"]),
        (["float", "-0.0"], ["zero", "0x8000"]),
        (["float", "0x1.8p3", "-f", "e5m2"], ["12.0", "0x4a"]),
        (["float", "1e-7"], ["subnormal", "1.1920928955078125e-07"]),
        (["float", "-inf", "-f", "e4m3fnuz"], ["nan", "0x80"]),
        (["float", "0.3", "--mode", "stochastic", "--seed", "1"], ["stochastic"]),
    ],
)
def test_float_command_cases(precision_cli, capsys, argv, expected):
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    for text in expected:
        assert text in out, (text, out)


def test_stochastic_seed_is_reproducible(precision_cli, capsys):
    outputs = []
    for _ in range(2):
        cli.main(["float", "0.3", "--mode", "stochastic", "--seed", "7"])
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["float", "abc"], "value must be a number"),
        (["float", "1", "--format", "fp12"], "unknown format 'fp12'"),
    ],
)
def test_float_command_errors(precision_cli, capsys, argv, message):
    assert cli.main(argv) == 2
    assert message in capsys.readouterr().out


def test_bad_mode_is_an_argparse_error(precision_cli, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["float", "1", "--mode", "nearest"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'nearest'" in capsys.readouterr().err


def test_help(precision_cli, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["float", "--help"])
    assert exit_info.value.code == 0
    assert "float8_e4m3fnuz" in capsys.readouterr().out


def test_choices_match_the_library():
    assert command.MODES == rounding.MODES
    assert command.OVERFLOWS == rounding.OVERFLOWS


def test_parse_value():
    assert command.parse_value(" 0x1p-3 ") == 0.125
    assert command.parse_value("-inf") == float("-inf")
    with pytest.raises(ValueError, match="value must be a number"):
        command.parse_value("abc")  # not hexadecimal without 0x


def test_command_module_imports_lightly():
    code = (
        "import sys, mathkit.precision.command; "
        "print(','.join(m for m in ('numpy', 'numba', 'sympy', 'scipy', 'cupy') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
