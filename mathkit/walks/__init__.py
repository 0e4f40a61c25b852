"""Random walks on the integers: step laws and the exact law of the position.

>>> from mathkit.walks import SimpleWalk, Walk
>>> SimpleWalk(0.5).position(4).pmf([-4, -2, 0, 2, 4])
array([0.0625, 0.25  , 0.375 , 0.25  , 0.0625])

``import mathkit.walks`` loads numpy only; scipy loads on the first numeric
tail or quantile, sympy only when a symbolic or sympy-exact ``p`` is used.
"""

from mathkit.walks.laws import IntegerLaw, LawTable, TabulatedLaw, moments_from_pgf
from mathkit.walks.simulate import SimulationResult, StatisticCounts, sample_paths, simulate
from mathkit.walks.steps import SimpleWalk, Walk

__all__ = [
    "IntegerLaw", "LawTable", "SimpleWalk", "SimulationResult", "StatisticCounts",
    "TabulatedLaw", "Walk", "moments_from_pgf", "sample_paths", "simulate",
]

# passage, returns, extremes and their limits (issue 3, items 3-4)
from mathkit.walks.extremes import (
    PathLaw,
    arcsine_cdf,
    arcsine_distance,
    arcsine_pdf,
    half_normal_cdf,
    half_normal_distance,
)
from mathkit.walks.passage import HorizonPassageLaw, ReturnProbability, ballot

__all__ += [
    "HorizonPassageLaw", "PathLaw", "ReturnProbability", "arcsine_cdf",
    "arcsine_distance", "arcsine_pdf", "ballot", "half_normal_cdf", "half_normal_distance",
]

# generating functions, ruin, limit laws, Z^d (issue 3, items 2, 5, 6, 7)
from mathkit.walks.lattice import (  # noqa: E402
    expected_range,
    expected_range_asymptotic,
    lattice_return_counts,
    lattice_return_probability,
    lattice_return_probability_watson,
)
from mathkit.walks.limits import (  # noqa: E402
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
from mathkit.walks.pgf import (  # noqa: E402
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
from mathkit.walks.ruin import DurationLaw, Ruin  # noqa: E402

__all__ += [
    "ApproximationError", "DiffusionLimit", "DriftDiffusion", "DurationLaw",
    "GeneratingFunction", "NormalApproximation", "Ruin", "SeriesCoefficients", "coefficients",
    "diffusion_limit", "drift_diffusion", "expected_range", "expected_range_asymptotic",
    "first_passage_pgf", "first_return_pgf", "lattice_return_counts",
    "lattice_return_probability", "lattice_return_probability_watson", "levy_cdf",
    "levy_error", "lil_envelope", "lil_exceedance", "local_limit_error", "local_limit_pmf",
    "normal_approximation", "normal_approximation_error", "position_pgf", "return_asymptotic",
    "return_asymptotic_error", "return_pgf", "ruin_roots", "ruin_time_pgf", "step_pgf",
]

# walks as a drift-diffusion solver (issue 4, item 7)
from mathkit.walks.diffusion import (  # noqa: E402
    ConvergenceStudy,
    DiffusionEstimate,
    error_convergence,
    solve_drift_diffusion,
    walk_scaling,
)

__all__ += [
    "ConvergenceStudy", "DiffusionEstimate", "error_convergence", "solve_drift_diffusion",
    "walk_scaling",
]
