"""Random walks on the integers: exact laws, generating functions, passage and
return, extremes, ruin, limits, Z^d, and simulation that agrees with them.

>>> from mathkit.walks import SimpleWalk, Walk
>>> SimpleWalk(0.5).position(4).pmf([-4, -2, 0, 2, 4])
array([0.0625, 0.25  , 0.375 , 0.25  , 0.0625])

``import mathkit.walks`` loads numpy only; scipy loads on the first numeric
tail or quantile, sympy only when a symbolic or sympy-exact ``p`` is used.
"""

from mathkit.walks.diffusion import (
    ConvergenceStudy,
    DiffusionEstimate,
    error_convergence,
    solve_drift_diffusion,
    walk_scaling,
)
from mathkit.walks.extremes import (
    PathLaw,
    arcsine_cdf,
    arcsine_distance,
    arcsine_pdf,
    half_normal_cdf,
    half_normal_distance,
)
from mathkit.walks.lattice import (
    expected_range,
    expected_range_asymptotic,
    lattice_return_counts,
    lattice_return_probability,
    lattice_return_probability_watson,
)
from mathkit.walks.laws import IntegerLaw, LawTable, TabulatedLaw, moments_from_pgf
from mathkit.walks.limits import (
    ApproximationError,
    DiffusionLimit,
    DriftDiffusion,
    NormalApproximation,
    diffusion_limit,
    drift_diffusion,
    levy_cdf,
    levy_error,
    lil_envelope,
    lil_exceedance,
    local_limit_error,
    local_limit_pmf,
    normal_approximation,
    normal_approximation_error,
    return_asymptotic,
    return_asymptotic_error,
)
from mathkit.walks.passage import (
    HorizonPassageLaw,
    PassageProbability,
    ReturnProbability,
    ballot,
    general_passage_probability,
)
from mathkit.walks.pgf import (
    GeneratingFunction,
    SeriesCoefficients,
    coefficients,
    first_passage_pgf,
    first_return_pgf,
    position_pgf,
    return_pgf,
    ruin_roots,
    ruin_time_pgf,
    step_pgf,
)
from mathkit.walks.ruin import DurationLaw, Ruin
from mathkit.walks.simulate import SimulationResult, StatisticCounts, sample_paths, simulate
from mathkit.walks.steps import SimpleWalk, Walk

__all__ = [
    "ApproximationError", "ConvergenceStudy", "DiffusionEstimate", "DiffusionLimit",
    "DriftDiffusion", "DurationLaw", "GeneratingFunction", "HorizonPassageLaw", "IntegerLaw",
    "LawTable", "NormalApproximation", "PassageProbability", "PathLaw", "ReturnProbability",
    "Ruin", "SeriesCoefficients", "SimpleWalk", "SimulationResult", "StatisticCounts",
    "TabulatedLaw", "Walk", "arcsine_cdf", "arcsine_distance", "arcsine_pdf", "ballot",
    "coefficients", "diffusion_limit", "drift_diffusion", "error_convergence", "expected_range",
    "expected_range_asymptotic", "first_passage_pgf", "first_return_pgf",
    "general_passage_probability", "half_normal_cdf", "half_normal_distance",
    "lattice_return_counts", "lattice_return_probability", "lattice_return_probability_watson",
    "levy_cdf", "levy_error", "lil_envelope", "lil_exceedance", "local_limit_error",
    "local_limit_pmf", "moments_from_pgf", "normal_approximation", "normal_approximation_error",
    "position_pgf", "return_asymptotic", "return_asymptotic_error", "return_pgf", "ruin_roots",
    "ruin_time_pgf", "sample_paths", "simulate", "solve_drift_diffusion", "step_pgf",
    "walk_scaling",
]
