"""mathkit: numerical math and probability, exact, numeric and simulated.

Subpackages load on first use (``mathkit.verify``, ``mathkit.claims``, ...), so
``import mathkit`` stays light: it imports none of numba, sympy, scipy or CuPy.
"""

import importlib

__version__ = "0.1.0"

_SUBMODULES = ("calculus", "claims", "precision", "quadratic", "testing", "verify", "walks")
__all__ = ["__version__", *_SUBMODULES]


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"mathkit.{name}")
    msg = f"module 'mathkit' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__():
    return sorted(__all__)
