"""Floating-point formats, their bit patterns, and rounding to them.

Formats from float64 down to the 8-bit formats of machine learning
(:mod:`~mathkit.precision.formats`), their codes
(:mod:`~mathkit.precision.bits`) and correctly rounded conversion to them in
seven rounding modes, stochastic rounding included
(:mod:`~mathkit.precision.rounding`), on numpy, numba or a GPU.

Names load on first use, so ``import mathkit.precision`` (and the ``mathkit``
command line, which imports :mod:`mathkit.precision.command`) stays light.

>>> import mathkit.precision as mp
>>> float(mp.round(0.1, mp.FLOAT16))
0.0999755859375
"""

from mathkit._lazy import attach

_EXPORTS = {
    "Format": "formats",
    "FORMATS": "formats",
    "NAN_ENCODINGS": "formats",
    "FLOAT64": "formats",
    "FLOAT32": "formats",
    "TF32": "formats",
    "FLOAT16": "formats",
    "BFLOAT16": "formats",
    "FLOAT8_E4M3FN": "formats",
    "FLOAT8_E4M3FNUZ": "formats",
    "FLOAT8_E5M2": "formats",
    "FLOAT8_E5M2FNUZ": "formats",
    "as_format": "formats",
    "encode": "bits",
    "decode": "bits",
    "describe": "bits",
    "FloatDescription": "bits",
    "code_dtype": "bits",
    "nan_code": "bits",
    "round": "rounding",
    "MODES": "rounding",
    "OVERFLOWS": "rounding",
}
_SUBMODULES = ("formats", "bits", "rounding", "command", "claims", "tour")

# emulated arithmetic and its error bounds
_EXPORTS.update({
    "sum": "ops", "dot": "ops", "matmul": "ops", "EmulationResult": "ops",
    "ALGORITHMS": "bounds", "ErrorBounds": "bounds", "gamma": "bounds",
    "probabilistic_gamma": "bounds", "success_probability": "bounds",
    "sum_bounds": "bounds", "dot_bounds": "bounds", "matmul_bounds": "bounds",
})
_SUBMODULES = (*_SUBMODULES, "ops", "bounds")

# mixed-precision training and iterative refinement
_EXPORTS.update({
    "range_report": "training", "RangeReport": "training",
    "recommend_loss_scale": "training", "LossScaleRecommendation": "training",
    "LossScaler": "training", "UnscaledGradients": "training",
    "stagnation": "training", "StagnationReport": "training",
    "refine": "refinement", "RefinementResult": "refinement", "factorize": "refinement",
    "Factorization": "refinement", "solve_factored": "refinement",
})
_SUBMODULES = (*_SUBMODULES, "training", "refinement")

__getattr__, __dir__, __all__ = attach(__name__, _EXPORTS, _SUBMODULES)
