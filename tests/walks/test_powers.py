"""Powers of step laws: exact polynomial powering and the FFT inversion."""

import math
from fractions import Fraction

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from mathkit.walks import _powers

coefficients = st.lists(st.integers(0, 9), min_size=1, max_size=6).filter(lambda c: any(c))
# float_power wants the reduced lattice: step 0 possible and the steps' gcd 1 (aperiodic)
aperiodic = st.lists(st.integers(0, 9), min_size=2, max_size=6).filter(
    lambda c: c[0] > 0 and math.gcd(*(i for i, v in enumerate(c) if v)) == 1)


@given(c=coefficients, n=st.integers(0, 12))
def test_exact_power_matches_repeated_convolution(c, n):
    expected = [1]
    for _ in range(n):
        expected = [int(v) for v in np.convolve(np.array(expected, dtype=object), c)]
    assert _powers.exact_power(c, n) == expected


@given(c=aperiodic, n=st.integers(1, 150))
def test_float_power_matches_exact_power(c, n):
    total = sum(c)
    probabilities = np.array(c, dtype=float) / total
    exact = [Fraction(v, total**n) for v in _powers.exact_power(c, n)]
    first, values = _powers.float_power(probabilities, n)
    full = np.zeros(len(exact))
    full[first:first + values.size] = values
    error = max(abs(float(e) - v) for e, v in zip(exact, full, strict=True))
    assert error <= 32 * np.finfo(float).eps * max(full)  # measured up to ~11 eps * max
    assert np.all(values >= 0)


def test_float_power_window_is_much_smaller_than_the_support():
    first, values = _powers.float_power(np.array([0.5, 0.25, 0.25]), 10**6)
    assert values.size < 2 * 10**6 // 10
    assert first < 750_000 < first + values.size  # the window holds the mean
    assert abs(values.sum() - 1) < 1e-13
