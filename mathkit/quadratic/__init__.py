"""Quadratic forms ``f(x) = x^T A x + b^T x + c``: classification and minimization.

``A`` is symmetric (a non-symmetric one is replaced by ``(A + A^T)/2``, which
leaves ``f`` unchanged); it may be a dense array, a scipy.sparse matrix, a
scipy LinearOperator, a CuPy array or cupyx.scipy.sparse matrix (kept on the
GPU) or, for exact answers, a sympy Matrix. Equality constraints ``C x = d``
go through ``minimize(constraints=(C, d))``.

>>> from mathkit.quadratic import QuadraticForm
>>> q = QuadraticForm([[2.0, 0.0], [0.0, 1.0]], b=[-4.0, 2.0], c=1.0)
>>> q.classify().kind
'positive_definite'
>>> result = q.minimize()
>>> result.status, result.x.round(12).tolist(), float(result.value)
('optimal', [1.0, -1.0], -2.0)
"""

from mathkit.quadratic.batched import BatchResult, minimize_batch
from mathkit.quadratic.classify import KINDS, Classification, classify
from mathkit.quadratic.form import QuadraticForm
from mathkit.quadratic.minimize import METHODS, STATUSES, maximize, minimize
from mathkit.quadratic.problems import (
    hilbert,
    poisson_2d,
    random_indefinite,
    random_psd,
    random_spd,
)
from mathkit.quadratic.result import IterationHistory, MinimizeResult
from mathkit.quadratic.theory import BOUND_METHODS, convergence_bound

__all__ = [
    "BOUND_METHODS",
    "KINDS",
    "METHODS",
    "STATUSES",
    "BatchResult",
    "Classification",
    "IterationHistory",
    "MinimizeResult",
    "QuadraticForm",
    "classify",
    "convergence_bound",
    "hilbert",
    "maximize",
    "minimize",
    "minimize_batch",
    "poisson_2d",
    "random_indefinite",
    "random_psd",
    "random_spd",
]
