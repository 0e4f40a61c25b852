"""Walks as a drift-diffusion solver: the scaling, the Gaussian kernel, the 1/sqrt(N) error."""

import math

import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from mathkit.walks import SimpleWalk
from mathkit.walks.diffusion import error_convergence, solve_drift_diffusion, walk_scaling
from mathkit.walks.limits import drift_diffusion

T, V, D = 1.0, 0.5, 0.5


@given(velocity=st.floats(-5, 5), diffusivity=st.floats(0.01, 10), n_steps=st.integers(50, 5000))
@example(velocity=0.0, diffusivity=1.0, n_steps=50)
def test_scaled_walk_has_the_equation_moments(velocity, diffusivity, n_steps):
    dt = T / n_steps
    assume(velocity**2 * dt < 1.9 * diffusivity)  # p in [0, 1]; the rest is refused (below)
    dx, p = walk_scaling(velocity, diffusivity, dt)
    law = SimpleWalk(p).position(n_steps)
    # Mean v t exactly, variance 2 D t - v^2 t dt (the O(dt) defect of the lattice).
    assert float(law.mean()) * dx == pytest.approx(velocity * T, rel=1e-9, abs=1e-12)
    assert float(law.var()) * dx**2 == pytest.approx(2 * diffusivity * T - velocity**2 * T * dt,
                                                     rel=1e-9)


@pytest.mark.parametrize(("velocity", "dt"), [(0.5, 1e-3), (-2.0, 0.1), (0.0, 0.25)])
def test_scaling_inverts_drift_diffusion_of_limits(velocity, dt):
    dx, p = walk_scaling(velocity, D, dt)
    limit = drift_diffusion(SimpleWalk(p), dx, dt)
    assert float(limit.drift) == pytest.approx(velocity, rel=1e-12, abs=1e-15)
    assert float(limit.diffusion) == pytest.approx(D - velocity**2 * dt / 2, rel=1e-12)


def test_density_matches_the_gaussian_kernel():
    estimate = solve_drift_diffusion(T, V, D, 200_000, n_steps=500, rng=7)
    spread = math.sqrt(2 * D * T)
    centres = estimate.centres
    kernel = np.exp(-((centres - V * T) ** 2) / (4 * D * T)) / math.sqrt(4 * math.pi * D * T)
    # Bin averages of a smooth kernel: within (h^2 / 24) max|P''| of its mid-point values.
    width = np.diff(estimate.edges).max()
    assert np.max(np.abs(estimate.exact - kernel)) <= width**2 / 24 / spread**3
    assert estimate.floor < 2e-3 < estimate.error < 2e-2
    assert np.sum(estimate.density * np.diff(estimate.edges)) == pytest.approx(1.0, abs=1e-12)


def test_error_falls_like_one_over_root_n():
    study = error_convergence(T, V, D, (500, 2_000, 8_000, 32_000, 128_000), n_steps=400, rng=3)
    assert study.floor < study.errors.min() / 5
    assert study.slope == pytest.approx(-0.5, abs=0.12)


def test_mean_slope_over_seeds_is_one_half():
    slopes = [error_convergence(T, V, D, (400, 4_000, 40_000), n_steps=100, rng=seed).slope
              for seed in range(8)]
    # Each slope scatters by about 0.07; their mean by about 0.025.
    assert np.mean(slopes) == pytest.approx(-0.5, abs=0.08)


def test_floor_falls_like_one_over_steps():
    floors = [solve_drift_diffusion(T, V, D, 10, n_steps=n, rng=0).floor for n in (200, 800)]
    assert floors[0] / floors[1] == pytest.approx(4, rel=0.15)


def test_engines_give_the_same_estimate():
    numpy = solve_drift_diffusion(T, V, D, 3000, n_steps=64, rng=5, backend="numpy")
    numba = solve_drift_diffusion(T, V, D, 3000, n_steps=64, rng=5, backend="numba")
    np.testing.assert_array_equal(numpy.density, numba.density)
    assert numpy.error == numba.error


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: walk_scaling(1.0, 0.0, 0.1), ValueError, "diffusivity must be positive, got 0.0"),
        (lambda: walk_scaling(1.0, 1.0, -1), ValueError, "dt must be positive, got -1.0"),
        (lambda: walk_scaling(10.0, 0.5, 0.1), ValueError, r"dt must be at most 2 D / v\^2 = 0.01"),
        (lambda: walk_scaling(math.nan, 1.0, 0.1), ValueError, "velocity must be finite, got nan"),
        (lambda: walk_scaling("1", 1.0, 0.1), TypeError, "velocity must be a real number, got str"),
        (lambda: solve_drift_diffusion(0.0, V, D, 10), ValueError, "time must be positive"),
        (lambda: solve_drift_diffusion(T, V, D, 0), ValueError, "n_walks must be a positive"),
        (lambda: solve_drift_diffusion(T, V, D, 10, cells_per_bin=0), ValueError,
         "cells_per_bin must be a positive integer"),
        (lambda: error_convergence(T, V, D, (100, 100)), ValueError,
         r"n_walks must hold at least two distinct sizes, got \[100, 100\]"),
    ],
)
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_tour_section_shows_the_rate(tmp_path):
    import mathkit.claims as claims

    (section,) = [s for s in claims.tour_sections("walks") if s.name == "diffusion-solver"]
    output = section.run(claims.TourContext(tmp_path, plotting=True))
    (fit,) = [line for line in output.lines if "fitted error ~ N^" in line]
    assert -0.6 < float(fit.split("N^")[1].split()[0]) < -0.4
    assert output.figures and output.figures[0].exists()
