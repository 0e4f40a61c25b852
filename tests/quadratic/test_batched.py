"""Tests for mathkit.quadratic.batched: minimize_batch on numpy (reference) and numba."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mathkit._backend import BackendUnavailableError, engine_status
from mathkit.quadratic import BatchResult, QuadraticForm, minimize_batch, random_psd
from mathkit.quadratic import _numba as kernels
from mathkit.testing import spd_matrices

EPS = np.finfo(np.float64).eps
ENGINES = ("numpy", "numba")


def spd_stack(count, n, rng, shift=None):
    M = rng.standard_normal((count, n, n))
    return M @ np.swapaxes(M, 1, 2) + (n if shift is None else shift) * np.eye(n)


def relative_error(x, reference):
    return np.linalg.norm(x - reference, axis=-1) / np.linalg.norm(reference, axis=-1)


def bound(A):
    """The stated accuracy: 10 n eps kappa(A), per problem."""
    return 10 * A.shape[-1] * EPS * np.linalg.cond(A)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("n", [1, 2, 3, 8, 9])  # few sizes: each compiles a kernel
def test_matches_numpy_solve_within_the_stated_bound(engine, n):
    rng = np.random.default_rng(n)
    A = spd_stack(37, n, rng, shift=0.1)
    b, c = rng.standard_normal((37, n)), rng.standard_normal(37)
    result = minimize_batch(A, b, c, backend=engine)
    reference = np.linalg.solve(A, -0.5 * b[..., None])[..., 0]
    assert result.backend == engine and isinstance(result, BatchResult)
    assert (result.status == 0).all() and len(result) == 37
    assert (relative_error(result.x, reference) <= bound(A)).all()
    expected_value = c + 0.5 * np.einsum("kj,kj->k", b, reference)
    scale = np.abs(c) + np.abs(0.5 * np.einsum("kj,kj->k", b, reference))
    assert (np.abs(result.value - expected_value) <= bound(A) * scale).all()


@pytest.mark.parametrize("n", [1, 3, 8, 11])
def test_numba_agrees_with_the_numpy_reference(n):
    rng = np.random.default_rng(100 + n)
    A = spd_stack(200, n, rng, shift=1e-3)
    A[::3] = A[::3] + rng.standard_normal((len(A[::3]), n, n))  # non-symmetric: symmetrized
    A[1::7] = -A[1::7]  # some negative definite ones: fallback
    b = rng.standard_normal((200, n))
    fast = minimize_batch(A, b, backend="numba")
    slow = minimize_batch(A, b, backend="numpy")
    assert np.array_equal(fast.status, slow.status)
    S = 0.5 * (A + np.swapaxes(A, 1, 2))
    solved = fast.status == 0
    close = relative_error(fast.x[solved], slow.x[solved]) <= bound(S[solved])
    assert close.all()
    assert np.array_equal(fast.x[~solved], slow.x[~solved])  # the same numpy fallback


@pytest.mark.parametrize("n", [2, 3, 8])
def test_unrolled_kernel_gives_the_bits_of_the_loop_kernel(n):
    rng = np.random.default_rng(7)
    A = spd_stack(103, n, rng)  # not a multiple of the lanes: the tail runs too
    A[5] = -A[5]
    b, c = rng.standard_normal((103, n)), rng.standard_normal(103)
    outputs = []
    for kernel in (kernels.kernel_for(n), kernels.cholesky_solve):
        x, value, ok = np.empty((103, n)), np.empty(103), np.empty(103, np.int8)
        kernel(A, b, c, 1, x, value, ok, 5)
        outputs.append((x, value, ok))
    for first, second in zip(*outputs, strict=True):
        assert np.array_equal(first, second)
    assert outputs[0][2][5] == kernels.FALLBACK and (np.delete(outputs[0][2], 5) == 0).all()


def exact_solution(A, b):
    """``-A^{-1} b / 2`` by Gauss-Jordan elimination in Fractions."""
    n = len(b)
    rows = [[Fraction(v) for v in A[i]] + [Fraction(-b[i]) / 2] for i in range(n)]
    for j in range(n):
        pivot = next(i for i in range(j, n) if rows[i][j] != 0)
        rows[j], rows[pivot] = rows[pivot], rows[j]
        rows[j] = [v / rows[j][j] for v in rows[j]]
        for i in range(n):
            if i != j and rows[i][j] != 0:
                rows[i] = [u - rows[i][j] * v for u, v in zip(rows[i], rows[j], strict=True)]
    return [row[-1] for row in rows]


@pytest.mark.parametrize("engine", ENGINES)
def test_against_exact_rational_solutions(engine):
    rng = np.random.default_rng(3)
    problems = []
    for n in (2, 3, 4):
        for _ in range(5):
            M = rng.integers(-4, 5, (n, n))
            A = M @ M.T + np.eye(n, dtype=np.int64)  # integer, positive definite
            b = rng.integers(-9, 10, n)
            problems.append((A, b))
    for n in (2, 3, 4):
        stack = [p for p in problems if len(p[1]) == n]
        A = np.array([p[0] for p in stack], dtype=float)
        b = np.array([p[1] for p in stack], dtype=float)
        result = minimize_batch(A, b, backend=engine)
        for k, (Ak, bk) in enumerate(stack):
            exact = exact_solution(Ak.tolist(), bk.tolist())
            x_exact = np.array([float(v) for v in exact])
            value_exact = float(sum(Fraction(int(bk[i])) * exact[i] for i in range(n)) / 2)
            tolerance = bound(A[k])
            assert relative_error(result.x[k], x_exact) <= tolerance
            assert abs(result.value[k] - value_exact) <= tolerance * max(abs(value_exact), 1)


@pytest.mark.parametrize("engine", ENGINES)
@given(A=spd_matrices(st.sampled_from([1, 2, 3, 8, 10]), condition_number=(1, 1e8)), data=st.data())
def test_gradient_vanishes_at_the_minimizer(engine, A, data):
    n = A.shape[0]
    count = data.draw(st.integers(1, 6), label="count")
    seeds = data.draw(st.integers(0, 2**32 - 1), label="seed")
    rng = np.random.default_rng(seeds)
    stack = np.broadcast_to(A, (count, n, n)).copy()
    b = rng.standard_normal((count, n)) * 10.0 ** rng.uniform(-3, 3, (count, 1))
    result = minimize_batch(stack, b, backend=engine)
    assert (result.status == 0).all()
    gradient = 2 * np.einsum("kij,kj->ki", stack, result.x) + b
    scale = 2 * np.linalg.norm(A, 2) * np.linalg.norm(result.x, axis=1) + np.linalg.norm(b, axis=1)
    assert (np.linalg.norm(gradient, axis=1) <= 20 * n * EPS * scale).all()


@pytest.mark.parametrize("engine", ENGINES)
def test_semidefinite_and_indefinite_problems_match_minimize(engine):
    rng = np.random.default_rng(11)
    n = 3
    A = np.array([
        random_psd(n, 2, rng=1),  # b in the range: optimal_set
        random_psd(n, 2, rng=2),  # b with a nullspace part: unbounded
        np.diag([1.0, -2.0, 3.0]),  # indefinite: unbounded
        np.zeros((n, n)),  # zero matrix, b = 0: optimal_set at 0
        np.zeros((n, n)),  # zero matrix, b != 0: unbounded
        np.eye(n),
    ])
    b = np.array([A[0] @ rng.standard_normal(n), rng.standard_normal(n),
                  rng.standard_normal(n), np.zeros(n), np.ones(n), np.ones(n)])
    c = np.arange(6.0)
    result = minimize_batch(A, b, c, backend=engine)
    assert result.status_names.tolist() == ["optimal_set", "unbounded", "unbounded",
                                            "optimal_set", "unbounded", "optimal"]
    assert np.isfinite(result.x).all()
    for k in range(6):
        single = QuadraticForm(A[k], b[k], c[k]).minimize(method="lstsq")
        assert single.status == result.status_names[k]
        assert np.allclose(result.x[k], single.x, rtol=1e-12, atol=1e-12)
        if single.status == "unbounded":
            assert result.value[k] == -np.inf
        else:
            assert result.value[k] == pytest.approx(single.value, rel=1e-12, abs=1e-12)


def test_symmetrizes_a():
    A = np.array([[[2.0, 2.0], [0.0, 2.0]]])
    b = np.array([[1.0, 1.0]])
    for engine in ENGINES:
        x = minimize_batch(A, b, backend=engine).x[0]
        assert np.allclose(x, -0.5 * np.linalg.solve([[2.0, 1.0], [1.0, 2.0]], b[0]))


def test_result_is_frozen_and_read_only():
    result = minimize_batch(np.eye(2)[None], np.ones((1, 2)), backend="numpy")
    with pytest.raises(AttributeError):
        result.backend = "numba"
    with pytest.raises(ValueError, match="read-only"):
        result.x[0, 0] = 1.0
    assert result.status.dtype == np.int8
    assert BatchResult.STATUSES == ("optimal", "optimal_set", "unbounded")


def test_c_defaults_to_zero_and_broadcasts_a_number():
    A, b = np.stack([np.eye(2)] * 3), np.ones((3, 2))
    assert minimize_batch(A, b).value.tolist() == [-0.5] * 3
    assert minimize_batch(A, b, c=2.0).value.tolist() == [1.5] * 3


@pytest.mark.parametrize("engine", ENGINES)
def test_empty_stack(engine):
    result = minimize_batch(np.zeros((0, 3, 3)), np.zeros((0, 3)), backend=engine)
    assert result.x.shape == (0, 3) and result.value.shape == (0,) and result.status.shape == (0,)


def test_auto_uses_resolve_backend_size():
    small = minimize_batch(np.eye(2)[None], np.ones((1, 2)))
    assert small.backend == "numpy"
    large = minimize_batch(np.stack([np.eye(3)] * 300), np.ones((300, 3)))
    expected = "numba" if engine_status("numba").available else "numpy"
    assert large.backend == expected


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("A", "b", "c", "error", "match"),
    [
        (np.eye(3), np.ones((1, 3)), None, ValueError, r"A must be a stack .* got shape \(3, 3\)"),
        (np.ones((2, 3, 2)), np.ones((2, 3)), None, ValueError, r"shape \(B, n, n\)"),
        (np.ones((2, 0, 0)), np.ones((2, 0)), None, ValueError, "at least 1 x 1"),
        (np.ones((2, 3, 3)), np.ones((3, 3)), None, ValueError, r"b must have shape \(2, 3\)"),
        (np.ones((2, 3, 3)), np.ones((2, 2)), None, ValueError, r"b must have shape \(2, 3\)"),
        (np.ones((2, 3, 3)), np.ones((2, 3)), np.ones(3), ValueError,
         r"c must have shape \(2,\)"),
        (np.ones((2, 3, 3)), np.ones((2, 3)), [np.inf, 0], ValueError, "c must be finite"),
        (np.ones((2, 3, 3)), [[1, 2, np.nan]] * 2, None, ValueError, "b must be finite"),
        ([[["a"]]], [[1.0]], None, TypeError, "A must be an array of float64"),
        (np.ones((2, 1, 1)), [["x"], ["y"]], None, TypeError, "b must be an array"),
    ],
)
def test_bad_input(engine, A, b, c, error, match):
    with pytest.raises(error, match=match):
        minimize_batch(A, b, c, backend=engine)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_a_is_named(engine, bad):
    A = np.stack([np.eye(3)] * 10)
    A[7, 0, 2] = bad
    with pytest.raises(ValueError, match=r"A must be finite, got .* at index \(7, 0, 2\)"):
        minimize_batch(A, np.ones((10, 3)), backend=engine)


def test_unknown_backend():
    with pytest.raises(ValueError, match="backend must be one of"):
        minimize_batch(np.eye(2)[None], np.ones((1, 2)), backend="fast")
    with pytest.raises(TypeError, match="backend must be a string"):
        minimize_batch(np.eye(2)[None], np.ones((1, 2)), backend=None)


def test_cupy_by_name_without_a_gpu_names_the_extra():
    if engine_status("cupy").available:
        pytest.skip("CuPy works here: tests/quadratic/test_batched_device.py covers it")
    with pytest.raises(BackendUnavailableError, match=r"backend='cupy' is not available.*mathkit"):
        minimize_batch(np.eye(2)[None], np.ones((1, 2)), backend="cupy")


def test_not_positive_definite_beyond_tolerance_goes_to_the_fallback():
    # positive definite in exact arithmetic, pivot below n eps max diag: eigen path
    A = np.array([[[1.0, 1.0], [1.0, 1.0 + 1e-17]], [[1.0, 0.0], [0.0, 1e-20]]])
    b = np.array([[1.0, 1.0], [1.0, 0.0]])
    for engine in ENGINES:
        result = minimize_batch(A, b, backend=engine)
        assert result.status_names.tolist() == ["optimal_set", "optimal_set"]
        assert np.allclose(result.x, [[-0.25, -0.25], [-0.5, 0.0]])


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("scale", [1e-160, 1e150, 1e300])
def test_extreme_scales_keep_the_status_and_no_nan(engine, scale):
    semidefinite = np.diag([1.0, 1.0, 0.0])
    A = scale * np.stack([np.eye(3), -np.eye(3), semidefinite, semidefinite])
    b = scale * np.array([[1.0, 1.0, 1.0]] * 3 + [[1.0, 1.0, 0.0]])
    result = minimize_batch(A, b, backend=engine)
    assert result.status_names.tolist() == ["optimal", "unbounded", "unbounded", "optimal_set"]
    assert not np.isnan(result.x).any() and not np.isnan(result.value).any()
    assert np.allclose(result.x[[0, 3]], [[-0.5, -0.5, -0.5], [-0.5, -0.5, 0.0]], rtol=1e-14)
