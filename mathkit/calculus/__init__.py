"""Directional derivatives, gradients, Jacobians and Hessians: exact (sympy) and numeric.

- :func:`directional_derivative` (textbook: along the unit vector ``v/|v|``)
  and :func:`jvp` (``J v`` for the raw ``v``, as in JAX and PyTorch);
- :func:`partial`, :func:`gradient`, :func:`jacobian`, :func:`hessian`;
- :func:`steepest_ascent` and :func:`level_directions`;
- :func:`check_gradient`, a per-component check of a hand-written gradient;
- :func:`parse_expression`, a safe parser of formulas typed on the command line;
- :func:`compile`, a sympy expression compiled (numpy, numba or CuPy) for its value,
  gradient, directional derivatives and Hessian at many points.

``f`` is a Python callable on numpy arrays or a sympy expression. Methods:
``"symbolic"``, ``"complex_step"``, ``"central"``, ``"forward"``,
``"richardson"`` and ``"auto"``. With ``full_output=True`` every derivative
function returns a :class:`DerivativeResult` with an error estimate.

The submodules load on first use, so importing this package (as the command
line does) imports neither sympy nor scipy.
"""

from mathkit._lazy import attach

_EXPORTS = {
    "directional_derivative": "directional",
    "jvp": "directional",
    "partial": "directional",
    "gradient": "directional",
    "jacobian": "directional",
    "hessian": "directional",
    "steepest_ascent": "directional",
    "level_directions": "directional",
    "SteepestAscent": "directional",
    "LevelDirections": "directional",
    "DerivativeResult": "numeric",
    "NotAnalyticError": "numeric",
    "check_gradient": "check",
    "GradientCheck": "check",
    "parse_expression": "parse",
    "parse_vector": "parse",
    "UnsafeExpressionError": "parse",
    "compile": "compiled",
    "CompiledFunction": "compiled",
}
_SUBMODULES = ("check", "compiled", "directional", "numeric", "parse", "symbolic")

__getattr__, __dir__, __all__ = attach(__name__, _EXPORTS, _SUBMODULES)
