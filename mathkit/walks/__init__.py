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
