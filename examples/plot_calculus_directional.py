"""
The rate of change as a function of direction, and over the plane
=================================================================

At a point, the directional derivative along the unit vector
``u = (cos t, sin t)`` is ``D_u f = grad f . u = |grad f| cos(t - t_grad)``: a
cosine in the angle, largest (``|grad f|``) along the gradient, smallest
(``-|grad f|``) against it, and zero along the two level directions. For the
seed example ``f = x^2 + y^2`` at ``(1, 2)``, ``grad f = (2, 4)``, so the
maximum is ``2 sqrt 5``. The first figure draws ``D_u f`` against ``t``,
exactly (sympy) and with the complex step for 360 directions in one call.

Then the other way round: one direction ``w = (3, 4)`` and every point. A
compiled function (:func:`mathkit.calculus.compile`, here its numpy engine)
evaluates ``D_w f`` on a grid of 40,000 points in one batched call; the rate
is zero on the line where ``grad f`` is orthogonal to ``w``, and ``22/5`` at
``(1, 2)``.
"""

import matplotlib.pyplot as plt
import numpy as np
import sympy

import mathkit.calculus as calc

x, y = sympy.symbols("x y")
f = x**2 + y**2
point = (1, 2)

# %%
# The rate against the angle, at (1, 2)
# -------------------------------------

angles = np.linspace(0, 2 * np.pi, 361)[:-1]
directions = np.column_stack([np.cos(angles), np.sin(angles)])
rates = calc.directional_derivative(f, np.array(point, float), directions,
                                    method="complex_step")
ascent = calc.steepest_ascent(f, point)
level = calc.level_directions(f, point).directions[0]
gradient_angle = float(sympy.atan2(ascent.direction[1], ascent.direction[0]))
print("max over the 360 directions:", rates.max(), " |grad f| =", ascent.rate, "=",
      float(ascent.rate))
print("angle of the best direction:", angles[np.argmax(rates)], " gradient angle:",
      gradient_angle)
print("rate along the level direction", tuple(level), ":",
      calc.directional_derivative(f, point, tuple(level)))

t = sympy.Symbol("t")
grad = calc.gradient(f, point)  # exact: (2, 4)
exact = grad[0] * sympy.cos(t) + grad[1] * sympy.sin(t)  # grad f . u, |u| = 1
print("exact: D_u f =", exact)

figure, axis = plt.subplots(figsize=(6.5, 3.8))
axis.plot(angles, rates, label="complex step, 360 directions")
axis.plot(angles[::15], sympy.lambdify(t, exact)(angles[::15]), "o", ms=4,
          label="exact (sympy)")
axis.axhline(float(ascent.rate), color="C1", ls="--", label="|grad f| = 2 sqrt 5")
axis.axvline(gradient_angle, color="C1", ls=":")
axis.axhline(0, color="0.5", lw=0.8)
axis.set(xlabel="angle t of u = (cos t, sin t)", ylabel="D_u f at (1, 2)",
         title="Largest along the gradient, zero along the level curve")
axis.legend(fontsize=8)
plt.show()

# %%
# One direction, every point
# --------------------------

compiled = calc.compile(f, [x, y], backend="numpy")  # "auto" would pick numba here
grid = np.linspace(-3, 3, 200)
gx, gy = np.meshgrid(grid, grid)
points = np.column_stack([gx.ravel(), gy.ravel()])
along_w = compiled.directional(points, [3.0, 4.0]).reshape(gx.shape)
print("engine:", compiled.engine(points), "; D_w f at (1, 2):",
      compiled.directional([1.0, 2.0], [3.0, 4.0]))

figure, axis = plt.subplots(figsize=(5.5, 5))
image = axis.pcolormesh(gx, gy, along_w, cmap="RdBu_r", shading="auto",
                        vmin=-np.abs(along_w).max(), vmax=np.abs(along_w).max())
figure.colorbar(image, label="D_w f, w = (3, 4)")
axis.contour(gx, gy, along_w, levels=[0], colors="k", linewidths=1)
axis.annotate("", (1 + 0.6, 2 + 0.8), (1, 2), arrowprops={"arrowstyle": "->", "lw": 2})
axis.plot(1, 2, "ko")
axis.set(xlabel="x", ylabel="y", aspect="equal",
         title="D_w f = (6x + 8y)/5: zero on 3x + 4y = 0")
plt.show()
