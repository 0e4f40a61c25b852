"""Test matrices for quadratic forms: Poisson, Hilbert, random with a given spectrum.

Random ones take ``rng=None | int | SeedSequence | Generator`` and draw with
:func:`numpy.random.default_rng` (never the global state): the same seed
gives the same matrix.
"""

from __future__ import annotations

import math

import numpy as np

from mathkit._validate import _describe, _is_real_number, check_nonnegative_integer
from mathkit._validate import check_positive_integer as _positive

__all__ = ["hilbert", "poisson_2d", "random_indefinite", "random_psd", "random_spd"]


def poisson_2d(m: int):
    r"""The 5-point finite-difference Laplacian on an ``m x m`` grid (Dirichlet), sparse.

    Parameters
    ----------
    m : int
        Interior grid points per side; the matrix has ``m * m`` unknowns.

    Returns
    -------
    scipy.sparse.csr_array of shape (m*m, m*m)
        ``T (x) I + I (x) T`` with ``T = tridiag(-1, 2, -1)``: 4 on the
        diagonal, -1 for each grid neighbour (not scaled by ``1/h^2``).

    Raises
    ------
    TypeError
        If ``m`` is not an integer.
    ValueError
        If ``m < 1``.

    Notes
    -----
    The eigenvalues are ``4 sin^2(i pi / (2(m+1))) + 4 sin^2(j pi / (2(m+1)))``
    for ``i, j = 1..m``, so the matrix is positive definite with condition
    number ``cot^2(pi / (2(m+1)))``, about ``(2(m+1)/pi)^2`` (LeVeque,
    *Finite Difference Methods for Ordinary and Partial Differential
    Equations*, SIAM 2007, section 3.4).

    Examples
    --------
    >>> poisson_2d(2).toarray().astype(int).tolist()
    [[4, -1, -1, 0], [-1, 4, 0, -1], [-1, 0, 4, -1], [0, -1, -1, 4]]
    """
    import scipy.sparse as sp

    m = _positive(m, "m")
    tridiagonal = sp.diags_array([-np.ones(m - 1), 2 * np.ones(m), -np.ones(m - 1)],
                                 offsets=[-1, 0, 1], format="csr")
    identity = sp.eye_array(m, format="csr")
    laplacian = sp.csr_array(sp.kron(tridiagonal, identity) + sp.kron(identity, tridiagonal))
    laplacian.eliminate_zeros()
    laplacian.sort_indices()
    return laplacian


def hilbert(n: int, exact: bool = False):
    """The Hilbert matrix ``H[i, j] = 1 / (i + j + 1)``: positive definite, very ill-conditioned.

    Parameters
    ----------
    n : int
        The size (>= 1).
    exact : bool, default False
        Return a sympy Matrix of Rationals instead of a float64 array.

    Returns
    -------
    numpy.ndarray or sympy.Matrix of shape (n, n)

    Raises
    ------
    TypeError
        If ``n`` is not an integer or ``exact`` not a bool.
    ValueError
        If ``n < 1``.

    Notes
    -----
    The condition number grows like ``e^{3.5 n}`` (about 1.5e10 for n = 8;
    Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., 2002,
    section 28.1), which makes it the standard test of how methods lose
    accuracy.

    Examples
    --------
    >>> hilbert(3, exact=True)
    Matrix([
    [  1, 1/2, 1/3],
    [1/2, 1/3, 1/4],
    [1/3, 1/4, 1/5]])
    """
    n = _positive(n, "n")
    if not isinstance(exact, bool):
        msg = f"exact must be True or False, got {_describe(exact)}"
        raise TypeError(msg)
    if exact:
        import sympy

        return sympy.Matrix(n, n, lambda i, j: sympy.Rational(1, i + j + 1))
    index = np.arange(n)
    return 1.0 / (index[:, None] + index[None, :] + 1.0)


def _orthogonal(n: int, generator: np.random.Generator) -> np.ndarray:
    """A Haar-random orthogonal matrix (QR of a Gaussian matrix, signs fixed)."""
    q, r = np.linalg.qr(generator.standard_normal((n, n)))
    return q * np.sign(np.where(np.diag(r) == 0, 1.0, np.diag(r)))


def _with_eigenvalues(eigenvalues: np.ndarray, generator: np.random.Generator) -> np.ndarray:
    q = _orthogonal(eigenvalues.size, generator)
    matrix = (q * eigenvalues) @ q.T
    return 0.5 * matrix + 0.5 * matrix.T


def random_spd(n: int, condition_number: float, rng=None) -> np.ndarray:
    """A random symmetric positive definite matrix with a given condition number.

    Parameters
    ----------
    n : int
        The size (>= 1).
    condition_number : float
        ``lambda_max / lambda_min`` (>= 1; must be 1 when ``n = 1``).
    rng : None, int, SeedSequence or Generator
        Seed or generator.

    Returns
    -------
    numpy.ndarray of shape (n, n)
        ``Q diag(lambda) Q^T`` with ``Q`` Haar-random orthogonal,
        ``lambda_min = 1``, ``lambda_max = condition_number`` and the other
        eigenvalues log-uniform between them. The computed matrix has this
        condition number to a relative error of about ``n * kappa * eps``.

    Raises
    ------
    TypeError
        If ``n`` is not an integer, ``condition_number`` not a number, or
        ``rng`` not a seed or generator.
    ValueError
        If ``n < 1`` or ``condition_number`` is below 1 or not finite, or
        ``n = 1`` with ``condition_number != 1``, or ``rng`` is negative.

    Examples
    --------
    >>> import numpy as np
    >>> A = random_spd(4, 100.0, rng=0)
    >>> w = np.linalg.eigvalsh(A)
    >>> round(float(w[-1] / w[0]), 6)
    100.0
    """
    n = _positive(n, "n")
    kappa = _condition(condition_number)
    if n == 1 and kappa != 1:
        msg = f"condition_number must be 1 when n = 1, got {kappa}"
        raise ValueError(msg)
    generator = _generator(rng)
    exponents = np.sort(generator.uniform(0.0, 1.0, n))
    if n > 1:
        exponents[0], exponents[-1] = 0.0, 1.0
    return _with_eigenvalues(kappa**exponents, generator)


def _generator(rng) -> np.random.Generator:
    """``numpy.random.default_rng(rng)``, with errors that name ``rng``."""
    if isinstance(rng, bool):  # default_rng would take True as the seed 1
        msg = f"rng must be None, an int, a SeedSequence or a Generator, got bool {rng}"
        raise TypeError(msg)
    try:
        return np.random.default_rng(rng)
    except TypeError:
        msg = (f"rng must be None, an int, a SeedSequence or a Generator, got "
               f"{type(rng).__name__} {_describe(rng)}")
        raise TypeError(msg) from None
    except ValueError:
        msg = f"rng must be a non-negative integer seed, got {_describe(rng)}"
        raise ValueError(msg) from None


def _condition(value) -> float:
    if not _is_real_number(value):
        msg = f"condition_number must be a real number >= 1, got {_describe(value)}"
        raise TypeError(msg)
    kappa = float(value)
    if not math.isfinite(kappa) or kappa < 1:
        msg = f"condition_number must be a finite number >= 1, got {kappa}"
        raise ValueError(msg)
    return kappa


def random_psd(n: int, rank: int, rng=None) -> np.ndarray:
    """A random symmetric positive semidefinite matrix of a given rank.

    Parameters
    ----------
    n : int
        The size (>= 1).
    rank : int
        ``0 <= rank <= n``; the non-zero eigenvalues are log-uniform in
        [1, 10].
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    numpy.ndarray of shape (n, n)
        Its ``n - rank`` zero eigenvalues are computed as ``O(n eps)``, within
        the default threshold of :func:`~mathkit.quadratic.classify`.

    Raises
    ------
    TypeError
        If ``n`` or ``rank`` is not an integer, or ``rng`` not a seed or
        generator.
    ValueError
        If ``n < 1``, ``rank`` is not in ``[0, n]``, or ``rng`` is negative.

    Examples
    --------
    >>> import numpy as np
    >>> int(np.linalg.matrix_rank(random_psd(5, 2, rng=1)))
    2
    """
    n = _positive(n, "n")
    rank = check_nonnegative_integer(rank, "rank")
    if rank > n:
        msg = f"rank must be in [0, n] = [0, {n}], got {rank}"
        raise ValueError(msg)
    generator = _generator(rng)
    eigenvalues = np.zeros(n)
    eigenvalues[:rank] = 10.0 ** generator.uniform(0.0, 1.0, rank)
    return _with_eigenvalues(eigenvalues, generator)


def random_indefinite(n: int, rng=None) -> np.ndarray:
    """A random symmetric indefinite (and invertible) matrix.

    Parameters
    ----------
    n : int
        The size (>= 2).
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    numpy.ndarray of shape (n, n)
        Eigenvalues of magnitude log-uniform in [1, 10], at least one
        positive and one negative.

    Raises
    ------
    TypeError
        If ``n`` is not an integer, or ``rng`` not a seed or generator.
    ValueError
        If ``n < 2``, or ``rng`` is negative.

    Examples
    --------
    >>> import numpy as np
    >>> w = np.linalg.eigvalsh(random_indefinite(3, rng=2))
    >>> bool(w[0] < 0 < w[-1])
    True
    """
    n = _positive(n, "n")
    if n < 2:
        msg = f"n must be >= 2 for an indefinite matrix, got {n}"
        raise ValueError(msg)
    generator = _generator(rng)
    magnitudes = 10.0 ** generator.uniform(0.0, 1.0, n)
    signs = generator.choice([-1.0, 1.0], size=n)
    signs[0], signs[1] = -1.0, 1.0
    return _with_eigenvalues(magnitudes * signs, generator)
