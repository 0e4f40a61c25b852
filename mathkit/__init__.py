"""mathkit: numerical math and probability, exact, numeric and simulated.

Subpackages load on first use (``mathkit.verify``, ``mathkit.claims``, ...), so
``import mathkit`` stays light: it imports none of numba, sympy, scipy or CuPy.
"""

from mathkit._lazy import attach

__version__ = "0.1.0"

__getattr__, __dir__, _SUBPACKAGES = attach(
    __name__,
    submodules=("calculus", "claims", "precision", "quadratic", "testing", "verify", "walks"),
)
__all__ = ["__version__", *_SUBPACKAGES]
