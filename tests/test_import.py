"""``import mathkit`` stays light; submodules load on first use."""

import subprocess
import sys

import pytest

import mathkit

HEAVY = ("numba", "sympy", "scipy", "cupy")


def test_import_loads_none_of_the_heavy_dependencies():
    code = f"import sys, mathkit; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_submodules_load_lazily():
    assert mathkit.claims.__name__ == "mathkit.claims"
    assert "claims" in dir(mathkit)
    with pytest.raises(AttributeError, match="no attribute 'walk'"):
        _ = mathkit.walk


def test_version_matches_metadata():
    from importlib.metadata import version

    assert mathkit.__version__ == version("mathkit")
