"""Tests for mathkit.quadratic.result: the result records."""

import dataclasses

import numpy as np
import pytest
import sympy

from mathkit.quadratic import IterationHistory, MinimizeResult


def test_history_is_read_only():
    history = IterationHistory.build([3.0, 1.0, 0.5], [2.0, 1.0, 0.0])
    assert len(history) == 3 and history.gradient_norm.dtype == np.float64
    with pytest.raises(ValueError, match="read-only"):
        history.value[0] = 5.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        history.value = np.zeros(3)


def test_exact_history_keeps_sympy_numbers():
    history = IterationHistory.build([sympy.sqrt(2), 0], [sympy.Rational(1, 3), 0], exact=True)
    assert history.gradient_norm.dtype == object and history.gradient_norm[0] == sympy.sqrt(2)
    assert history.value[0] == sympy.Rational(1, 3)


def test_result_defaults():
    history = IterationHistory.build([0.0], [1.0])
    result = MinimizeResult(x=np.zeros(2), value=1.0, gradient_norm=0.0, iterations=0,
                            converged=True, status="optimal", message="", history=history)
    assert result.nullspace is None and result.direction is None
    assert result.method == "" and result.recursive_gradient_norm is None
