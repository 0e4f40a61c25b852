"""check_gradient: per-component verdicts, and where scipy's check_grad misleads."""

import numpy as np
import pytest
import sympy
from scipy.optimize import check_grad

from mathkit.calculus import GradientCheck, check_gradient


def f(p):
    return p @ p


def grad(p):
    return 2 * p


def slightly_wrong(p):
    return 2 * p * (1 + 1e-4)


def test_correct_gradient_passes():
    report = check_gradient(f, grad, [1.0, -2.0, 3.0])
    assert isinstance(report, GradientCheck) and report and report.ok
    assert report.passed.tolist() == [True, True, True]
    assert report.method == "complex_step"
    assert "PASSED (3 of 3 components agree)" in str(report)


def test_a_wrong_component_is_named():
    def wrong(p):
        return np.array([2 * p[0], 3 * p[1]])

    report = check_gradient(f, wrong, [1.0, 2.0])
    assert not report and report.passed.tolist() == [True, False]
    text = str(report)
    assert "FAILED (1 of 2 components agree)" in text and "WRONG" in text
    assert report.abs_error[1] == pytest.approx(2.0)
    assert report.rel_error[1] == pytest.approx(0.5)


def test_where_scipy_check_grad_misleads():
    # At |x| ~ 1e8 scipy's fixed step 1.49e-8 is below the spacing of the floats
    # near x: its finite-difference gradient is noise, and the error it reports
    # for the correct gradient is as large as for a gradient that is wrong by 1e-4.
    x = np.array([1e8, -3e8, 2e8])
    scipy_correct = check_grad(f, grad, x)
    scipy_wrong = check_grad(f, slightly_wrong, x)
    true_wrong = np.linalg.norm(slightly_wrong(x) - grad(x))
    assert scipy_correct > 1e3 * true_wrong * 1e-2  # "error" ~1e8 for a correct gradient
    assert abs(scipy_wrong - scipy_correct) < 0.01 * scipy_correct  # cannot tell them apart
    # ours: scaled steps, per-component verdicts
    assert check_gradient(f, grad, x).ok
    assert not check_gradient(f, slightly_wrong, x).passed.any()
    # even with forward differences, the method scipy uses, but with a scaled step
    assert check_gradient(f, grad, x, method="forward").ok
    assert not check_gradient(f, slightly_wrong, x, method="forward").passed.any()


def test_tolerances_and_zero_components():
    report = check_gradient(lambda p: p[0] ** 2, lambda p: np.array([0.0]), [0.0])
    assert report.ok and report.rel_error[0] == 0
    report = check_gradient(lambda p: p[0] ** 2, lambda p: np.array([1e-3]), [0.0])
    assert not report.ok and report.rel_error[0] == np.inf
    assert check_gradient(lambda p: p[0] ** 2, lambda p: np.array([1e-3]), [0.0], atol=1e-2).ok
    assert check_gradient(f, slightly_wrong, [1.0, 2.0], rtol=1e-3).ok


def test_sympy_f_and_richardson_reference():
    x, y = sympy.symbols("x y")
    report = check_gradient(x**2 * y, lambda p: np.array([2 * p[0] * p[1], p[0] ** 2]),
                            [1.5, -2.0])
    assert report.ok and report.method == "symbolic"
    report = check_gradient(lambda p: abs(p[0]) * p[1], lambda p: np.array([p[1], p[0]]),
                            [1.5, -2.0])
    assert report.ok and report.method == "richardson"


def test_bad_input():
    with pytest.raises(TypeError, match="grad must be callable"):
        check_gradient(f, [2.0], [1.0])
    with pytest.raises(ValueError, match="grad must return one value per coordinate"):
        check_gradient(f, lambda p: np.zeros(3), [1.0, 2.0])
    with pytest.raises(TypeError, match="grad must return 2 numbers"):
        check_gradient(f, lambda p: ["a", "b"], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"grad\(x\) must be finite"):
        check_gradient(f, lambda p: np.array([np.nan, 1.0]), [1.0, 2.0])
    with pytest.raises(ValueError, match="x must be a point of shape"):
        check_gradient(f, grad, [[1.0, 2.0]])
    with pytest.raises(ValueError, match="rtol must be a non-negative finite number"):
        check_gradient(f, grad, [1.0], rtol=-1)
    with pytest.raises(TypeError, match="atol must be a non-negative number"):
        check_gradient(f, grad, [1.0], atol="0")
