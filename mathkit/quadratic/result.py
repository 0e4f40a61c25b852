"""Results of minimizing a quadratic form."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["IterationHistory", "MinimizeResult"]


@dataclass(frozen=True)
class IterationHistory:
    """Per-iteration record of a minimization (entry ``k`` after ``k`` iterations).

    Attributes
    ----------
    gradient_norm : numpy.ndarray
        ``||2 A x_k + b||`` for ``k = 0 .. iterations`` (conjugate gradients:
        the recursively updated residual, as the method sees it). Read-only
        float64; object dtype of sympy numbers for exact forms.
    value : numpy.ndarray
        ``f(x_k)``, same length and dtype.
    """

    gradient_norm: np.ndarray
    value: np.ndarray

    @classmethod
    def build(cls, gradient_norms, values, exact: bool = False) -> IterationHistory:
        """Read-only arrays from two sequences."""
        dtype = object if exact else np.float64
        arrays = []
        for sequence in (gradient_norms, values):
            array = np.array(list(sequence), dtype=dtype)
            array.setflags(write=False)
            arrays.append(array)
        return cls(*arrays)

    def __len__(self) -> int:
        return len(self.gradient_norm)


@dataclass(frozen=True)
class MinimizeResult:
    """What :func:`~mathkit.quadratic.minimize` found.

    Attributes
    ----------
    x : numpy.ndarray of shape (n,), sympy.ImmutableMatrix of shape (n, 1), or a CuPy array
        for a device form
        ``"optimal"``: the minimizer. ``"optimal_set"``: a minimizer (of
        least norm for ``lstsq``, ``auto`` and the unpreconditioned
        iterative methods started at 0; the one nearest ``x0`` for
        ``newton``; preconditioned CG leaves the range of ``A``, so its
        minimizer need not be the least-norm one). ``"unbounded"``: a base
        point for ``direction``. ``"maxiter"``: the last iterate.
    value : float or sympy number
        The minimum ``f(x)``; ``-inf`` when ``"unbounded"`` (the infimum);
        ``f`` at the last iterate for ``"maxiter"``. Never NaN.
    gradient_norm : float or sympy number
        ``||2 A x + b||``, recomputed from ``x`` (for conjugate gradients this
        is the true residual, next to :attr:`recursive_gradient_norm`).
    iterations : int
        Iterations done (0 for the direct methods, 1 for ``newton``).
    converged : bool
        True when ``status`` is ``"optimal"`` or ``"optimal_set"``.
    status : str
        ``"optimal"`` (the unique minimizer), ``"optimal_set"`` (``A``
        positive semidefinite, ``b`` in its range: every ``x + N t`` is a
        minimizer), ``"unbounded"`` (``f(x + t d) -> -inf`` as ``t -> inf``),
        ``"maxiter"`` (stopped before convergence) or, with constraints,
        ``"infeasible"``.
    message : str
        What happened, in words.
    history : IterationHistory
        Gradient norms and values per iteration.
    nullspace : numpy.ndarray of shape (n, k) or sympy matrix, optional
        With ``"optimal_set"``: an orthonormal basis ``N`` of the nullspace
        of ``A``; the minimizers are exactly ``x + N t``.
    direction : numpy.ndarray of shape (n,) or sympy matrix, optional
        With ``"unbounded"``: a unit vector ``d`` with ``f(x + t d) -> -inf``
        as ``t -> inf`` (negative curvature ``d^T A d < 0``, or ``A d = 0``
        with ``b^T d < 0``).
    method : str
        The method that ran (what ``"auto"`` chose).
    recursive_gradient_norm : float, optional
        The iterative methods: the recursively updated gradient norm at the
        end (conjugate gradients), which rounding lets drift from the true
        one (:attr:`gradient_norm`); the last recorded one for the others.
    multipliers : numpy.ndarray of shape (m,) or sympy matrix, optional
        With ``constraints=(C, d)`` and a converged status: Lagrange
        multipliers ``lambda`` with ``2 A x + b + C^T lambda = 0`` (the
        least-squares ones of least norm when ``C`` has dependent rows).
    constraint_violation : float or sympy number, optional
        With constraints: ``||C x - d||``.

    Notes
    -----
    With constraints, :attr:`gradient_norm` is the norm of the gradient
    projected onto the nullspace of ``C`` (``||Z^T (2 A x + b)||`` for an
    orthonormal nullspace basis ``Z``), which vanishes at a constrained
    minimizer, the status may also be ``"infeasible"`` (``C x = d`` has no
    solution; ``value`` is ``+inf``), and ``nullspace`` and ``direction``
    lie in the nullspace of ``C``.
    """

    x: object
    value: object
    gradient_norm: object
    iterations: int
    converged: bool
    status: str
    message: str
    history: IterationHistory
    nullspace: object = None
    direction: object = None
    method: str = ""
    recursive_gradient_norm: float | None = None
    multipliers: object = None
    constraint_violation: object = None
