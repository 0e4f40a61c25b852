"""
Directional derivatives: two definitions, and the error of each method against its step
=======================================================================================

The directional derivative of ``f = x^2 + y^2`` at ``(1, 2)`` along ``w = (3, 4)``
is the rate of change along the *unit* vector ``w/|w|``: ``22/5``. The
Jacobian-vector product ``J w`` (JAX's and PyTorch's ``jvp``) uses the raw
``w``: ``22``. mathkit offers both, under different names.

Then: how accurate is each numeric method, as a function of its step? Forward
and central differences trade truncation (large steps) against rounding
(small steps): their error curves are V-shaped. The complex step has no
subtraction and so no rounding wall. Richardson extrapolation gets close to
full precision from large steps.
"""

import matplotlib.pyplot as plt
import numpy as np
import sympy

import mathkit.calculus as calc

# %%
# Two definitions, exactly
# ------------------------

x, y = sympy.symbols("x y")
f = x**2 + y**2
print("D_w f =", calc.directional_derivative(f, (1, 2), (3, 4)))  # along w/|w|
print("J w   =", calc.jvp(f, (1, 2), (3, 4)))  # along the raw w
print("D_u f =", calc.directional_derivative(f, (1, 2), (1, 0)))

# %%
# Error against step size
# -----------------------
#
# The test function of Squire and Trapp (1998), ``e^x / sqrt(sin^3 x + cos^3 x)``
# at ``x = 1.5``, against its exact derivative from sympy.

t = sympy.Symbol("t")
expr = sympy.exp(t) / sympy.sqrt(sympy.sin(t) ** 3 + sympy.cos(t) ** 3)
exact = float(sympy.diff(expr, t).subs(t, sympy.Rational(3, 2)).evalf(30))


def squire_trapp(p):
    return np.exp(p[..., 0]) / np.sqrt(np.sin(p[..., 0]) ** 3 + np.cos(p[..., 0]) ** 3)


steps = np.logspace(-16, -1, 31)
methods = ["forward", "central", "complex_step", "richardson"]


def relative_error(method, step):
    try:
        value = calc.directional_derivative(squire_trapp, [1.5], [1.0], method=method,
                                            step=step, vectorized=True)
    except ValueError:  # the step is too small for x: x + step == x
        return np.nan
    return abs(value - exact) / abs(exact)


errors = {method: np.array([relative_error(method, h) for h in steps]) for method in methods}

figure, axis = plt.subplots(figsize=(6.5, 4))
for method in methods:
    axis.loglog(steps, np.maximum(errors[method], 1e-17), marker=".", label=method)
axis.set(xlabel="step h (Richardson: its largest step)", ylabel="relative error",
         title="Derivative of e^x / sqrt(sin^3 x + cos^3 x) at x = 1.5")
axis.legend()
axis.grid(True, alpha=0.3)
plt.show()

# %%
# The default steps
# -----------------
#
# Without ``step=``, each method picks its step from ``x`` (see the Steps
# section of the calculus page), and ``full_output=True`` says how accurate
# the result is.

for method in methods:
    result = calc.directional_derivative(squire_trapp, [1.5], [1.0], method=method,
                                         vectorized=True, full_output=True)
    print(f"{method:>13}: step {float(result.step):.1e}, error "
          f"{abs(result.value - exact) / abs(exact):.1e} (estimated "
          f"{result.error_estimate / abs(exact):.1e})")
