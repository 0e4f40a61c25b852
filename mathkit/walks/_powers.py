"""Powers of a step law: the law of a sum of n i.i.d. integer steps (private).

Both functions take the step law reduced to its lattice: probabilities
``c[0..m]`` of the steps ``0..m`` (the caller shifts by the smallest step and
divides by the span), and return the probabilities of ``0..n m``.

- :func:`float_power`: characteristic-function inversion with one FFT.
- :func:`exact_power`: integer polynomial powering (Kronecker substitution).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

#: Mass beyond the FFT window is below exp(-HOEFFDING_LOG_MASS) (Hoeffding's bound).
HOEFFDING_LOG_MASS = 745.0


def _sin_minus_identity(x):
    """``sin(x) - x`` without cancellation (series below |x| = 0.1)."""
    x2 = x * x
    series = -x * x2 / 6 * (1 - x2 / 20 * (1 - x2 / 42 * (1 - x2 / 72 * (1 - x2 / 110))))
    return np.where(np.abs(x) < 0.1, series, np.sin(x) - x)


def float_power(probabilities, n: int) -> tuple[int, np.ndarray]:
    """Law of ``X_1 + ... + X_n`` for i.i.d. steps on ``0..m`` with float probabilities.

    Parameters
    ----------
    probabilities : numpy.ndarray
        ``P(X = s)``, ``s = 0..m``.
    n : int
        Number of steps, ``n >= 1``.

    Returns
    -------
    (first, values)
        ``values[i] = P(S_n = first + i)``; outside the window the mass is
        below ``exp(-745)`` (it is 0.0 in double precision).

    Notes
    -----
    ``P(S_n = k) = (1/N) sum_j phi(theta_j)^n e^(-i k theta_j)``,
    ``theta_j = 2 pi j / N``, ``phi(theta) = sum_s P(X = s) e^(i s theta)``,
    evaluated by one FFT of length ``N``. ``N`` covers the window
    ``n mu +- m sqrt(n (745 + log 2) / 2)`` (Hoeffding's inequality puts less
    than ``e^-745`` outside; aliasing is below that) or the whole support
    ``0..n m`` if smaller.

    Accuracy. ``phi^n`` is formed as ``exp(n log(phi e^(-i mu theta)))``
    with the phase centred on the mean ``mu``, ``phi - 1`` from
    ``-2 sin^2(x/2) + i (sin x - x)`` (no cancellation) and the integer part of
    ``k theta`` reduced exactly modulo ``2 pi``: the error of ``phi^n`` is a
    few ``eps`` relative wherever ``|phi|^n`` is not negligible, instead of the
    ``n eps`` of a plain power or of repeated squaring by FFT convolution.
    The result then has an **absolute** error of at most a few tens of
    ``eps`` times ``max P(S_n = k)`` (measured: up to ``11 eps max`` over
    random laws with ``n <= 400``, and ``4e-19 = 1.3 eps max`` for a 3-point
    law at ``n = 10**5``, against exact integer arithmetic). Values below that level
    are round-off: negative ones are clipped to 0, and no relative accuracy is
    promised in the far tails (use exact probabilities for those). The step
    probabilities are taken as summing to 1 exactly (``phi(0) = 1``). Laws that
    are nearly periodic (a lattice of span > 1 up to a tiny probability) have
    ``|phi| ~ 1`` away from ``theta = 0`` and lose accuracy in proportion to
    ``n``.
    """
    from scipy import fft

    probabilities = np.asarray(probabilities, dtype=np.float64)
    m = probabilities.size - 1
    length = n * m + 1
    steps = np.arange(m + 1, dtype=np.float64)
    mean = float(np.dot(steps, probabilities))
    # the exact residual sum_s p_s (s - mean) of the rounded mean, in rationals
    exact = [Fraction(float(p)) for p in probabilities]
    residual = float(sum(c * s for s, c in enumerate(exact)) - Fraction(mean) * sum(exact))
    reach = m * math.sqrt(n * (HOEFFDING_LOG_MASS + math.log(2)) / 2)
    size = fft.next_fast_len(min(length, 2 * math.ceil(reach) + 1))
    center = round(n * mean)
    first = 0 if size >= length else min(max(0, center - size // 2), length - size)
    j = np.arange(size, dtype=np.int64)
    frequency = np.where(j < (size + 1) // 2, j, j - size)  # symmetric: theta in (-pi, pi]
    theta = 2 * np.pi * frequency / size
    real = np.zeros(size)
    imag = np.zeros(size)
    for s, p in zip(steps, probabilities, strict=True):
        if p == 0:
            continue
        x = (s - mean) * theta
        real -= p * 2.0 * np.sin(x / 2) ** 2
        imag += p * _sin_minus_identity(x)
    imag += residual * theta
    with np.errstate(divide="ignore"):  # phi = 0 exactly: its power is 0
        log_modulus = 0.5 * np.log1p(2.0 * real + real * real + imag * imag)
    argument = np.arctan2(imag, 1.0 + real)
    # e^(i (n mean - first) theta) = e^(i (center - first) theta) e^(i (n mean - center) theta)
    whole_turns = 2 * np.pi * (((center - first) * frequency) % size) / size
    phase = n * argument + (n * mean - center) * theta + whole_turns
    spectrum = np.exp(n * log_modulus) * np.exp(1j * phase)
    values = fft.fft(spectrum).real / size
    values = np.maximum(values[: length - first], 0.0)
    return first, values


def exact_power(coefficients, n: int) -> list[int]:
    """Coefficients of ``(sum_s c_s z^s)^n`` for non-negative integers ``c_s``.

    Kronecker substitution: pack the polynomial into one integer with slots of
    ``W`` bits, wide enough for every coefficient of the result
    (``2^W > (sum_s c_s)^n``), raise it to the ``n``-th power with Python's
    big integers (repeated squaring, Karatsuba), and unpack.

    Examples
    --------
    >>> exact_power([1, 1], 4)
    [1, 4, 6, 4, 1]
    """
    coefficients = [int(c) for c in coefficients]
    if n == 0:
        return [1]
    bound = sum(coefficients) ** n
    width = -(-(bound.bit_length() + 1) // 8) * 8  # whole bytes
    packed = 0
    for c in reversed(coefficients):
        packed = (packed << width) | c
    result = packed**n
    degree = n * (len(coefficients) - 1)
    size = width // 8
    data = result.to_bytes(size * (degree + 1), "little")
    return [int.from_bytes(data[i * size:(i + 1) * size], "little") for i in range(degree + 1)]
