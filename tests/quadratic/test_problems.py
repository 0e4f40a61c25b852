"""Tests for mathkit.quadratic.problems: the test matrices are what they say."""

import math

import numpy as np
import pytest
import scipy.sparse as sp
import sympy

from mathkit.quadratic import hilbert, poisson_2d, random_indefinite, random_psd, random_spd


@pytest.mark.parametrize("m", [1, 2, 5, 12])
def test_poisson_2d(m):
    P = poisson_2d(m)
    assert sp.issparse(P) and P.shape == (m * m, m * m) and P.format == "csr"
    dense = P.toarray()
    assert np.array_equal(dense, dense.T) and np.all(np.diag(dense) == 4.0)
    assert P.nnz == 5 * m * m - 4 * m
    i = np.arange(1, m + 1)
    t = 4 * np.sin(i * np.pi / (2 * (m + 1))) ** 2
    expected = np.sort((t[:, None] + t[None, :]).ravel())
    assert np.allclose(np.linalg.eigvalsh(dense), expected, rtol=1e-12, atol=1e-12)
    kappa = expected[-1] / expected[0]
    assert kappa == pytest.approx(1 / math.tan(math.pi / (2 * (m + 1))) ** 2, rel=1e-10)


def test_hilbert():
    H = hilbert(4)
    assert H[2, 3] == 1 / 6 and np.array_equal(H, H.T)
    exact = hilbert(4, exact=True)
    assert isinstance(exact, sympy.Matrix) and exact[2, 3] == sympy.Rational(1, 6)
    assert exact.det() == sympy.Rational(1, 6048000)
    assert np.allclose(H, np.array(exact.tolist(), dtype=float), rtol=1e-16)


@pytest.mark.parametrize("kappa", [1.0, 10.0, 1e6])
def test_random_spd(kappa):
    A = random_spd(6, kappa, rng=11)
    assert np.array_equal(A, A.T)
    w = np.linalg.eigvalsh(A)
    assert w[0] == pytest.approx(1.0, rel=1e-8 * kappa)
    assert w[-1] / w[0] == pytest.approx(kappa, rel=1e-8 * kappa)
    assert random_spd(1, 1.0).shape == (1, 1)


@pytest.mark.parametrize(("n", "rank"), [(1, 0), (1, 1), (5, 0), (5, 2), (5, 5)])
def test_random_psd(n, rank):
    A = random_psd(n, rank, rng=12)
    assert np.array_equal(A, A.T)
    w = np.linalg.eigvalsh(A)
    assert np.sum(w > 1e-10) == rank and w[0] > -1e-14
    if rank:
        assert 1 - 1e-12 <= w[-1] <= 10 + 1e-12


def test_random_indefinite():
    for n in (2, 3, 7):
        w = np.linalg.eigvalsh(random_indefinite(n, rng=n))
        assert w[0] < 0 < w[-1] and np.all(np.abs(w) >= 1 - 1e-12)


def test_seeds_reproduce():
    for make in (lambda rng: random_spd(4, 10.0, rng=rng), lambda rng: random_psd(4, 2, rng=rng),
                 lambda rng: random_indefinite(4, rng=rng)):
        assert np.array_equal(make(5), make(5))
        assert np.array_equal(make(np.random.SeedSequence(5)), make(np.random.SeedSequence(5)))
        assert np.array_equal(make(np.random.default_rng(5)), make(np.random.default_rng(5)))
        assert not np.array_equal(make(5), make(6))


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: poisson_2d(0), ValueError, "m must be a positive integer, got 0"),
    (lambda: poisson_2d(2.0), TypeError, "m must be a positive integer"),
    (lambda: hilbert(0), ValueError, "n must be a positive integer"),
    (lambda: hilbert(3, exact="yes"), TypeError, "exact must be True or False"),
    (lambda: random_spd(3, 0.5), ValueError, "condition_number must be a finite number >= 1"),
    (lambda: random_spd(3, math.inf), ValueError, "condition_number must be a finite number"),
    (lambda: random_spd(3, "big"), TypeError, "condition_number must be a real number"),
    (lambda: random_spd(1, 10.0), ValueError, "condition_number must be 1 when n = 1"),
    (lambda: random_psd(3, 4), ValueError, r"rank must be in \[0, n\] = \[0, 3\], got 4"),
    (lambda: random_psd(3, -1), ValueError, "rank must be a non-negative integer"),
    (lambda: random_indefinite(1), ValueError, "n must be >= 2"),
])
def test_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()
