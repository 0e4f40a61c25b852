"""Iterative refinement in three precisions and the emulated low-precision factorizations."""

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from mathkit.precision import BFLOAT16, FLOAT16, FLOAT32, FLOAT64, Format, round
from mathkit.precision.refinement import (
    STATUSES,
    Factorization,
    factorize,
    refine,
    solve_factored,
)
from mathkit.quadratic import random_spd
from tests.precision.oracle import fraction_round

N = 40


def random_matrix(n: int, condition_number: float, seed: int) -> np.ndarray:
    """``Q1 diag(s) Q2^T`` with Haar-random ``Q1, Q2`` and ``s`` geometric from 1 to 1/kappa."""
    generator = np.random.default_rng(seed)
    q1, _ = np.linalg.qr(generator.standard_normal((n, n)))
    q2, _ = np.linalg.qr(generator.standard_normal((n, n)))
    return (q1 * condition_number ** -np.linspace(0.0, 1.0, n)) @ q2.T


def rhs(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed + 1000).standard_normal(n)


# ------------------------------------------------------------------ the factorization, exactly


def fraction_lu(A: np.ndarray, fmt: Format):
    """Partial-pivoting LU in exact rationals, each operation rounded by the Fraction oracle."""
    n = A.shape[0]
    rnd = lambda value: Fraction(fraction_round(value, fmt))  # noqa: E731
    work = [[rnd(Fraction(float(v))) for v in row] for row in A]
    order = list(range(n))
    for k in range(n):
        pivot = max(range(k, n), key=lambda i: (abs(work[i][k]), -i))
        work[k], work[pivot] = work[pivot], work[k]
        order[k], order[pivot] = order[pivot], order[k]
        for i in range(k + 1, n):
            work[i][k] = rnd(work[i][k] / work[k][k])
            for j in range(k + 1, n):
                work[i][j] = rnd(work[i][j] - rnd(work[i][k] * work[k][j]))
    return order, np.array([[float(v) for v in row] for row in work])


def fraction_sqrt(a: Fraction, fmt: Format) -> Fraction:
    """The value of ``fmt`` nearest to ``sqrt(a)``: the one whose rounding interval holds it.

    ``c`` is the nearest when ``m_-^2 < a < m_+^2`` for the midpoints ``m_-+`` to its
    neighbours (compared exactly; a midpoint has p + 1 bits, so its square is never
    a p-bit ``a``: no ties).
    """
    guess = float(round(float(np.sqrt(float(a))), fmt))
    for candidate in (float(fmt.next_down(guess)), guess, float(fmt.next_up(guess))):
        c = Fraction(candidate)
        low = (c + Fraction(float(fmt.next_down(candidate)))) / 2
        high = (c + Fraction(float(fmt.next_up(candidate)))) / 2
        if low * low < a < high * high:
            return c
    raise AssertionError(a)


def fraction_cholesky(A: np.ndarray, fmt: Format) -> np.ndarray:
    """Upper Cholesky factor in exact rationals, each operation rounded by the Fraction oracle."""
    n = A.shape[0]
    rnd = lambda value: Fraction(fraction_round(value, fmt))  # noqa: E731
    work = [[rnd(Fraction(float(v))) for v in row] for row in A]
    for k in range(n):
        root = fraction_sqrt(work[k][k], fmt)
        work[k][k] = root
        for j in range(k + 1, n):
            work[k][j] = rnd(work[k][j] / root)
        for i in range(k + 1, n):
            for j in range(k + 1, n):
                work[i][j] = rnd(work[i][j] - rnd(work[k][i] * work[k][j]))
    return np.triu(np.array([[float(v) for v in row] for row in work]))


@pytest.mark.parametrize("fmt", [FLOAT16, BFLOAT16, FLOAT32])
@pytest.mark.parametrize("seed", range(4))
def test_lu_matches_fraction_reference(fmt, seed):
    generator = np.random.default_rng(seed)
    A = generator.standard_normal((5, 5)) * 10.0 ** generator.uniform(-2, 2, (5, 5))
    order, packed = fraction_lu(A, fmt)
    f = factorize(A, fmt)
    assert f.ok and f.permutation.tolist() == order
    np.testing.assert_array_equal(f.upper, np.triu(packed))
    np.testing.assert_array_equal(f.lower, np.tril(packed, -1) + np.eye(5))


@pytest.mark.parametrize("fmt", [FLOAT16, BFLOAT16])
@pytest.mark.parametrize("seed", range(3))
def test_cholesky_matches_fraction_reference(fmt, seed):
    A = random_spd(5, 50.0, rng=seed) * 3.0
    R = fraction_cholesky(A, fmt)
    f = factorize(A, fmt, "cholesky")
    assert f.ok
    np.testing.assert_array_equal(f.upper, R)
    np.testing.assert_array_equal(f.lower, R.T)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 12), seed=st.integers(0, 2**32 - 1),
       fmt=st.sampled_from([FLOAT16, BFLOAT16]))
def test_lu_factors_representable_and_within_gamma_bound(n, seed, fmt):
    A = np.random.default_rng(seed).standard_normal((n, n))
    f = factorize(A, fmt)
    assert f.ok
    assert fmt.is_representable(f.lower).all() and fmt.is_representable(f.upper).all()
    assert np.all(np.abs(f.lower) <= 1)  # partial pivoting
    u = fmt.unit_roundoff
    gamma = n * u / (1 - n * u)
    # Higham (2002), Theorem 9.3: |P fl(A) - L U| <= gamma_n |L||U|, products exact in float64
    # (entries of p <= 11 bits), the sums within float64's own tiny error.
    residual = np.abs(round(A, fmt)[f.permutation] - f.lower @ f.upper)
    bound = gamma * (np.abs(f.lower) @ np.abs(f.upper))
    assert np.all(residual <= bound * (1 + 1e-12) + 1e-300)


def test_factorization_in_float64_is_lapack_grade():
    A = random_matrix(8, 10.0, 3)
    f = factorize(A, FLOAT64)
    np.testing.assert_allclose(f.lower @ f.upper, A[f.permutation], atol=1e-14)


def test_solve_factored_matches_float32_substitution():
    A = random_matrix(6, 10.0, 5)
    b = rhs(6, 5)
    f = factorize(A, FLOAT16)
    y = b[f.permutation].astype(np.float32)
    L, U = f.lower.astype(np.float32), f.upper.astype(np.float32)
    for j in range(6):  # float32 arithmetic, column by column
        y[j + 1:] = y[j + 1:] - L[j + 1:, j] * y[j]
    for j in range(5, -1, -1):
        y[j] = y[j] / U[j, j]
        y[:j] = y[:j] - U[:j, j] * y[j]
    np.testing.assert_array_equal(solve_factored(f, b, FLOAT32), y.astype(np.float64))


# ------------------------------------------------------------------ convergence


@pytest.mark.parametrize("kappa", [10.0, 1e2, 1e3])
@pytest.mark.parametrize("seed", range(2))
def test_lu_refinement_reaches_float32_accuracy(kappa, seed):
    A = random_matrix(N, kappa, seed)
    result = refine(A, rhs(N, seed), method="lu")
    assert result.status == "converged" and result.converged, result.message
    assert result.factorization.method == "lu"
    # forward error of float32 level: a few units of u = 2^-24 ~ 6e-8
    assert result.forward_errors[-1] <= 2 * FLOAT32.unit_roundoff
    assert result.forward_errors[0] > 10 * result.forward_errors[-1]  # refinement did the work
    assert result.backward_errors[-1] <= FLOAT32.unit_roundoff
    assert FLOAT32.is_representable(result.x).all()
    assert result.forward_errors.size == result.iterations + 1 == result.corrections.size + 1


@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 16), kappa=st.floats(1.0, 100.0), seed=st.integers(0, 2**32 - 1))
def test_well_conditioned_systems_converge(n, kappa, seed):
    A = random_matrix(n, kappa, seed)
    result = refine(A, rhs(n, seed))
    assert result.converged, result.message
    assert result.forward_errors[-1] <= 2 * FLOAT32.unit_roundoff


def test_residual_in_working_precision_limits_accuracy():
    # two precisions (u_r = u): the limiting forward error grows to about kappa u
    A = random_matrix(N, 1e3, 9)
    b = rhs(N, 9)
    three = refine(A, b, method="lu")
    two = refine(A, b, residual=FLOAT32, method="lu", maxiter=10)
    assert three.forward_errors[-1] <= 2 * FLOAT32.unit_roundoff
    assert two.forward_errors.min() <= 1e3 * N * FLOAT32.unit_roundoff
    assert two.forward_errors.min() > three.forward_errors[-1]


def test_float64_working_converges_at_its_limiting_accuracy():
    # corrections stall at the noise level of float64 solves, below n u: converged
    A = random_matrix(30, 10.0, 0)
    result = refine(A, rhs(30, 0), working=FLOAT64)
    assert result.converged and "limiting accuracy" in result.message
    assert result.forward_errors[-1] < 1e-14
    assert result.corrections[-1] <= 30 * FLOAT64.unit_roundoff


@pytest.mark.parametrize("kappa", [10.0, 1e3])
def test_cholesky_refinement_converges(kappa):
    A = random_spd(N, kappa, rng=7)
    result = refine(A, rhs(N, 7))
    assert result.factorization.method == "cholesky"
    assert result.converged and result.forward_errors[-1] <= 2 * FLOAT32.unit_roundoff


def test_exact_solution_as_reference():
    A = np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 2.0]])
    x = np.array([1.0, -2.0, 0.5])
    result = refine(A, A @ x, x_true=x)  # A @ x is exact here (small integers and halves)
    assert result.converged and result.forward_errors[-1] <= FLOAT32.unit_roundoff


def test_ill_conditioned_is_reported_not_converged():
    A = random_matrix(N, 1e8, 0)
    result = refine(A, rhs(N, 0), method="lu")
    assert not result.converged
    assert result.status in ("stagnated", "diverged")
    assert "kappa(A) u_f" in result.message
    assert result.forward_errors.min() > 1e-3


def test_spd_overflow_in_float16_is_reported_and_scaling_fixes_it():
    A = random_spd(10, 1e2, rng=2) * 1e4  # eigenvalues 1e4 to 1e6, some diagonal > 65504
    b = rhs(10, 2)
    result = refine(A, b)
    assert result.status == "overflow" and not result.converged
    assert "scale=True" in result.message and np.isnan(result.x).all()
    scaled = refine(A, b, scale=True)
    scale = scaled.factorization.scale
    assert scaled.converged and np.log2(scale) == int(np.log2(scale)) < 0
    assert np.abs(A).max() * scale <= 65504 / 8 < 2 * np.abs(A).max() * scale
    assert scaled.forward_errors[-1] <= 2 * FLOAT32.unit_roundoff


def test_overflow_during_lu_steps():
    A = np.array([[1.0, -60000.0], [1.0, 60000.0]])  # 60000 + 60000 overflows
    f = factorize(A, FLOAT16)
    assert f.status == "overflow" and "step 0" in f.message


def test_singular_in_factor_precision():
    A = np.array([[1.0, 1.0], [1.0, 1.0 + 2**-13]])  # rounds to a singular float16 matrix
    result = refine(A, [1.0, 2.0], method="lu")
    assert result.status == "singular" and "zero pivot" in result.message


def test_cholesky_breakdown_and_auto_fallback():
    A = np.array([[1.0, 2.0], [2.0, 1.0]])  # symmetric, positive diagonal, indefinite
    assert factorize(A, FLOAT16, "cholesky").status == "breakdown"
    assert refine(A, [1.0, 0.0], method="cholesky").status == "breakdown"
    result = refine(A, [1.0, 0.0])
    assert result.factorization.method == "lu" and result.converged


def test_statuses_are_listed():
    assert set(STATUSES) >= {"converged", "stagnated", "diverged", "overflow"}
    assert isinstance(factorize(np.eye(2)), Factorization)


def test_bfloat16_factors_with_float64_working():
    A = random_matrix(20, 10.0, 4)
    result = refine(A, rhs(20, 4), factor=BFLOAT16, working=FLOAT64, residual=FLOAT64,
                    tol=1e-14)
    assert result.converged and result.forward_errors[-1] < 1e-13


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"A": np.ones((2, 3))}, ValueError, "square"),
    ({"A": np.ones(3)}, ValueError, "square"),
    ({"b": np.ones(3)}, ValueError, "b must have shape"),
    ({"A": [[1.0, np.nan], [0.0, 1.0]]}, ValueError, "A must be finite"),
    ({"b": [np.inf, 1.0]}, ValueError, "b must be finite"),
    ({"A": [["a", "b"], ["c", "d"]]}, TypeError, "A must be"),
    ({"factor": "fp12"}, ValueError, "factor must be a Format"),
    ({"working": Format(40, -100, 100)}, ValueError, "working must be float64 or"),
    ({"method": "qr"}, ValueError, "method must be one of"),
    ({"maxiter": 0}, ValueError, "maxiter"),
    ({"tol": -1.0}, ValueError, "tol"),
    ({"tol": "small"}, TypeError, "tol"),
    ({"A": np.zeros((2, 2))}, ValueError, "nonsingular"),
    ({"x_true": np.ones(3)}, ValueError, "x_true must have shape"),
])
def test_bad_input(kwargs, error, match):
    arguments = {"A": np.eye(2), "b": np.ones(2), **kwargs}
    with pytest.raises(error, match=match):
        refine(**arguments)


def test_bad_input_to_factorize_and_solve():
    with pytest.raises(TypeError, match="scale must be True or False"):
        factorize(np.eye(2), scale=1)
    with pytest.raises(ValueError, match="rhs must have shape"):
        solve_factored(factorize(np.eye(2)), np.ones(3))
    with pytest.raises(ValueError, match="factorization failed"):
        solve_factored(factorize([[1.0, 1.0], [1.0, 1.0]]), np.ones(2))
    with pytest.raises(TypeError, match="factorization must be a Factorization"):
        solve_factored(np.eye(2), np.ones(2))


# ------------------------------------------------------------------ claims and tour


def test_training_and_refinement_claims_pass(monkeypatch):
    from mathkit import claims

    monkeypatch.setitem(claims.AREAS, "precision",
                        ("mathkit.precision.claims", "mathkit.precision.tour"))
    names = ["loss-scaler-grad-scaler-recurrence", "float16-stagnation-threshold",
             "refinement-float16-factors-float32-accuracy",
             "gmres-refinement-float16-factors-kappa-1e4"]
    results = claims.run("precision", names=names)
    assert sorted(r.claim.name for r in results) == sorted(names)
    assert all(r.passed for r in results), [(r.claim.name, r.message) for r in results]


@pytest.mark.parametrize("plotting", [False, True])
def test_tour_section(tmp_path, plotting):
    from mathkit import claims

    section = next(s for s in claims.tour_sections("precision")
                   if s.name == "mixed-precision-training-and-refinement")
    output = section.run(claims.TourContext(tmp_path, plotting=plotting))
    text = "\n".join(output.lines)
    assert "recommend_loss_scale: S = 2^" in text and "0.0% overflow" in text
    assert "kappa 1e+01: converged" in text and "kappa 1e+08: converged" not in text
    if plotting:
        assert output.figures and output.figures[0].stat().st_size > 1000
    else:
        assert output.figures == []


# ------------------------------------------------------------------ GMRES-IR


@pytest.mark.parametrize("kappa", [1e4, 1e5])
@pytest.mark.parametrize("seed", range(2))
def test_gmres_refinement_converges_where_lu_refinement_does_not(kappa, seed):
    A = random_matrix(N, kappa, seed)
    b = rhs(N, seed)
    lu = refine(A, b, method="lu")
    assert not lu.converged and lu.status in ("stagnated", "diverged"), lu.message
    gmres = refine(A, b, method="lu", solver="gmres")
    assert gmres.status == "converged" and gmres.converged, gmres.message
    # float32-level forward error (u = 2^-24); the float64 reference is good to ~kappa 1e-16
    assert gmres.forward_errors[-1] <= 2 * FLOAT32.unit_roundoff
    assert gmres.backward_errors[-1] <= FLOAT32.unit_roundoff
    assert lu.forward_errors.min() > 1e3 * gmres.forward_errors[-1]
    assert FLOAT32.is_representable(gmres.x).all()
    # one GMRES solve per refinement step, each well short of n: the preconditioner works
    assert len(gmres.gmres_iterations) == gmres.iterations == gmres.corrections.size
    assert 0 < max(gmres.gmres_iterations) < N // 2
    assert lu.gmres_iterations == ()


@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 16), kappa=st.floats(1.0, 1e4), seed=st.integers(0, 2**32 - 1))
def test_gmres_refinement_converges_with_at_most_n_iterations_per_step(n, kappa, seed):
    A = random_matrix(n, kappa, seed)
    result = refine(A, rhs(n, seed), method="lu", solver="gmres")
    # kappa u_f can reach 5 here: the float16 factorization itself may meet a zero pivot,
    # which is reported (test below); GMRES-IR needs factors to precondition with
    assume(result.status != "singular")
    assert result.converged, result.message
    assert result.forward_errors[-1] <= 2 * FLOAT32.unit_roundoff
    assert all(0 <= k <= n for k in result.gmres_iterations)


def test_gmres_refinement_reports_a_zero_float16_pivot():
    # found by the CI profile: kappa 3010 at n = 2 is singular once factored in float16
    result = refine(random_matrix(2, 3010.0, 4423), rhs(2, 4423), method="lu", solver="gmres")
    assert result.status == "singular" and not result.converged
    assert "zero pivot" in result.message and result.iterations == 0


def test_gmres_refinement_with_cholesky_factors():
    A = random_spd(N, 1e4, rng=3)  # at 1e5 Cholesky breaks down in float16 ("auto" takes LU)
    b = rhs(N, 3)
    assert not refine(A, b).converged
    result = refine(A, b, solver="gmres")
    assert result.factorization.method == "cholesky"
    assert result.converged and result.forward_errors[-1] <= 2 * FLOAT32.unit_roundoff


def test_gmres_refinement_reports_a_useless_preconditioner():
    # kappa 1e10: the float16 factors carry no information about A; GMRES needs about n
    # iterations, so with a budget of n/2 it misses its tolerance and the run says so
    A = random_matrix(N, 1e10, 0)
    result = refine(A, rhs(N, 0), method="lu", solver="gmres", gmres_maxiter=N // 2)
    assert result.status == "stagnated" and not result.converged
    assert "GMRES missed its tolerance in 20 iterations" in result.message
    assert "kappa(A) u_f" in result.message
    assert result.gmres_iterations == (N // 2,)
    assert result.iterations == 0 and result.forward_errors.size == 1


def test_gmres_without_restart_solves_exactly_on_tiny_systems():
    # n = 2: GMRES finds d in the 2-dimensional Krylov space, whatever the factors
    A = np.array([[4.0, 1.0], [1.0, 3.0]])
    x = np.array([1.0, -2.0])
    result = refine(A, A @ x, solver="gmres", x_true=x)
    assert result.converged and result.forward_errors[-1] == 0.0
    assert all(k <= 2 for k in result.gmres_iterations)  # 0 once the residual is exactly 0


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"solver": "lu"}, ValueError, "solver must be one of"),
    ({"solver": None}, (TypeError, ValueError), "solver"),
    ({"solver": "gmres", "gmres_maxiter": 0}, ValueError, "gmres_maxiter"),
    ({"solver": "gmres", "gmres_maxiter": 2.5}, TypeError, "gmres_maxiter"),
])
def test_bad_solver_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        refine(np.eye(2), np.ones(2), **kwargs)


# ------------------------------------------------------------------ the limiting accuracy


def exact_forward_error(A: np.ndarray, b: np.ndarray, x: np.ndarray) -> float:
    """``||x - A^-1 b||_inf / ||A^-1 b||_inf`` with ``A^-1 b`` solved in 60-digit mpmath."""
    with mpmath.workdps(60):
        exact = mpmath.lu_solve(mpmath.matrix(A.tolist()), mpmath.matrix(b.tolist()))
        error = max(abs(mpmath.mpf(float(v)) - e) for v, e in zip(x, exact, strict=True))
        return float(error / max(abs(e) for e in exact))


def test_skeel_condition_ignores_bad_row_scaling():
    A = np.diag([1.0, 2.0**-20])  # kappa_inf = 2^20, but each row is solved exactly
    result = refine(A, np.ones(2), x_true=np.array([1.0, 2.0**20]))
    assert result.condition == 1.0
    assert result.limiting_accuracy == FLOAT32.unit_roundoff + FLOAT64.unit_roundoff
    assert result.converged and "note" not in result.message


@pytest.mark.parametrize("kappa", [1e14, 1e16])
def test_gmres_refinement_at_huge_kappa_states_its_limiting_accuracy(kappa):
    # unrestarted GMRES with n iterations is a direct solver: the run "converges", but only
    # to about cond(A) u_r, far from float32's u, and the result says so
    A, b = random_matrix(N, kappa, 1), rhs(N, 1)
    result = refine(A, b, solver="gmres")
    true_error = exact_forward_error(A, b, result.x)
    assert result.converged
    assert 0.1 * kappa <= result.condition <= 10 * kappa
    assert true_error <= result.limiting_accuracy <= 1000 * true_error  # 20x-160x here
    assert true_error > 100 * FLOAT32.unit_roundoff
    assert "note: cond(A)" in result.message
    assert ("no correct digit" in result.message) == (result.limiting_accuracy >= 1)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 10), log_kappa=st.floats(0.0, 16.0), seed=st.integers(0, 2**32 - 1),
       solver=st.sampled_from(["direct", "gmres"]))
@example(n=4, log_kappa=6.800171045131867, seed=729741457, solver="gmres")
def test_converged_runs_are_within_the_limiting_accuracy_bound(n, log_kappa, seed, solver):
    # Carson and Higham (2018), section 3: forward error ~ u + 4 n cond(A, x) u_r, to first
    # order; cond(A, x) <= cond(A), which the result holds. The u term gets a factor 2: x
    # is rounded to u, and the run stops on a last correction of up to tol = u (found:
    # 1.74 u at n = 4, kappa 6e6)
    A, b = random_matrix(n, 10.0**log_kappa, seed), rhs(n, seed)
    result = refine(A, b, solver=solver)
    assume(result.converged)
    bound = 2 * FLOAT32.unit_roundoff + 4 * n * result.condition * FLOAT64.unit_roundoff
    assert exact_forward_error(A, b, result.x) <= bound
    assert result.limiting_accuracy <= bound
