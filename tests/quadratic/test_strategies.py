"""Tests for the matrix strategies of mathkit.testing: spd_matrices, psd_matrices,
indefinite_matrices."""

import numpy as np
import pytest
from hypothesis import find, given
from hypothesis import strategies as st

from mathkit.testing import indefinite_matrices, psd_matrices, spd_matrices

REL = 1e-8


@given(spd_matrices(4, condition_number=(10.0, 1e3), scale=(1e-2, 1e2)))
def test_spd_matrices_have_the_promised_spectrum(A):
    assert A.shape == (4, 4) and A.dtype == np.float64 and np.array_equal(A, A.T)
    w = np.linalg.eigvalsh(A)
    assert 1e-2 * (1 - REL) <= w[0] <= 1e2 * (1 + REL)
    assert 10.0 * (1 - REL) <= w[-1] / w[0] <= 1e3 * (1 + REL)


@given(spd_matrices(st.integers(1, 6), condition_number=100.0, scale=1.0))
def test_spd_matrices_with_a_fixed_condition_number(A):
    w = np.linalg.eigvalsh(A)
    expected = 1.0 if len(A) == 1 else 100.0
    assert w[-1] / w[0] == pytest.approx(expected, rel=1e-10)
    assert w[0] == pytest.approx(1.0, rel=1e-10)


@given(st.data())
def test_psd_matrices_have_the_given_rank(data):
    n = data.draw(st.integers(1, 6))
    rank = data.draw(st.integers(0, n))
    A = data.draw(psd_matrices(n, rank=rank))
    w = np.linalg.eigvalsh(A)
    scale = max(np.abs(w).max(), 1e-300)
    assert np.sum(w > 1e-10 * scale) == rank and w[0] >= -1e-13 * scale


@given(psd_matrices(st.integers(1, 6)))
def test_psd_matrices_are_singular_by_default(A):
    w = np.linalg.eigvalsh(A)
    assert np.sum(np.abs(w) > 1e-10 * max(np.abs(w).max(), 1e-300)) < len(A)


@given(psd_matrices(5, rank=st.integers(2, 3)))
def test_psd_matrices_rank_strategy(A):
    w = np.linalg.eigvalsh(A)
    assert np.sum(w > 1e-10 * np.abs(w).max()) in (2, 3)


@given(indefinite_matrices(st.integers(2, 6), condition_number=(1, 50), scale=(0.5, 2)))
def test_indefinite_matrices_have_both_signs(A):
    assert np.array_equal(A, A.T)
    w = np.linalg.eigvalsh(A)
    assert w[0] < 0 < w[-1]
    magnitudes = np.abs(w)
    assert magnitudes.min() >= 0.5 * (1 - REL)
    assert magnitudes.max() / magnitudes.min() <= 50 * (1 + REL)


def test_shrinking_gives_diagonal_matrices():
    A = find(spd_matrices(3), lambda matrix: True)
    assert np.array_equal(A, np.diag(np.diag(A)))


@pytest.mark.parametrize(("build", "error", "match"), [
    (lambda: spd_matrices(0), ValueError, "n must be >= 1, got 0"),
    (lambda: spd_matrices("3"), TypeError, "n must be an integer or a strategy"),
    (lambda: spd_matrices(3, condition_number=0.5), ValueError, "condition_number must satisfy"),
    (lambda: spd_matrices(3, condition_number=(10, 2)), ValueError, "condition_number must"),
    (lambda: spd_matrices(3, condition_number="big"), TypeError, "condition_number must be"),
    (lambda: spd_matrices(3, condition_number=(1, float("inf"))), ValueError, "condition_number"),
    (lambda: spd_matrices(3, scale=0.0), ValueError, "scale must satisfy"),
    (lambda: spd_matrices(3, scale=(1, 2, 3)), TypeError, "scale must be a number or a"),
    (lambda: psd_matrices(3, rank=4), ValueError, r"rank must be in \[0, n\]"),
    (lambda: psd_matrices(3, rank=-1), ValueError, r"rank must be in \[0, n\]"),
    (lambda: psd_matrices(3, rank=True), TypeError, "rank must be an integer"),
    (lambda: indefinite_matrices(1), ValueError, "n must be >= 2, got 1"),
])
def test_bad_arguments(build, error, match):
    with pytest.raises(error, match=match):
        build()
