"""
Six iterative methods against their bounds
==========================================

On an ill-conditioned positive definite quadratic ``f(x) = x^T A x + b^T x``
(condition number ``kappa = 10^4``) we run gradient descent, conjugate
gradients, Jacobi-preconditioned CG, the heavy-ball method, Nesterov's method
and the Chebyshev semi-iteration, and plot the error in the A-norm,
``||x_k - x*||_A / ||x_0 - x*||_A``, beside the bound of each method from
:func:`mathkit.quadratic.convergence_bound`.

What to look for:

- gradient descent crawls at ``((kappa-1)/(kappa+1))^k``;
- heavy ball, Nesterov and Chebyshev all converge at the rate
  ``rho = (sqrt(kappa)-1)/(sqrt(kappa)+1)`` or close to it, with parameters
  taken from the extreme eigenvalues; heavy ball's true bound is
  ``(1 + (1+rho) k) rho^k``, *not* ``2 rho^k``: on the right, started along
  the top eigenvector, it sits exactly on that bound and above ``2 rho^k``;
- conjugate gradients need no eigenvalue bounds and beat them all, because
  their error polynomial adapts to the whole spectrum, not only its ends;
- a diagonal scaling ruins plain CG and leaves Jacobi-preconditioned CG
  untouched.
"""

import matplotlib.pyplot as plt
import numpy as np

from mathkit.quadratic import QuadraticForm, convergence_bound, random_spd

kappa = 1e4
n = 200
A = random_spd(n, kappa, rng=1)
minimizer = np.sin(np.arange(n))
q = QuadraticForm(A, b=-2.0 * A @ minimizer)
x0 = np.zeros(n)


def run(form, method, steps, start, solution, **options):
    """The result and the A-norm error ratios of ``steps`` iterations from ``start``."""
    iterates = [start]
    result = form.minimize(method=method, x0=start, tol=0.0, maxiter=steps,
                           callback=iterates.append, **options)
    errors = np.array(iterates) - solution
    norms = np.sqrt(np.einsum("ij,jk,ik->i", errors, form.dense(), errors))
    return result, norms / norms[0]


steps = 600
curves = {}
for method in ("gradient_descent", "conjugate_gradient", "heavy_ball", "nesterov",
               "chebyshev"):
    curves[method] = run(q, method, steps, x0, minimizer)[1]
    print(f"{method:>20}: error after {len(curves[method]) - 1} steps "
          f"{curves[method][-1]:.2e}")

# %%
# A badly scaled copy: ``D A D`` with ``D`` spanning three decades. The
# minimizer of the scaled problem is ``D^{-1} x*``; Jacobi preconditioning
# undoes the scaling, plain CG suffers from it.

D = np.diag(np.logspace(-1.5, 1.5, n))
scaled = QuadraticForm(D @ A @ D, b=-2.0 * D @ A @ minimizer)
plain = scaled.minimize(method="conjugate_gradient", tol=1e-10, maxiter=20 * n)
jacobi = scaled.minimize(method="preconditioned_cg", tol=1e-10)
print(f"scaled problem: CG {plain.iterations} iterations ({plain.status}), "
      f"Jacobi PCG {jacobi.iterations} iterations ({jacobi.status})")

# %%
# The plot. Dashed: the bound of each method at ``kappa = 10^4``.

colors = {"gradient_descent": "tab:red", "conjugate_gradient": "tab:blue",
          "heavy_ball": "tab:green", "nesterov": "tab:purple", "chebyshev": "tab:orange"}
figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
for method, errors in curves.items():
    k = np.arange(len(errors))
    left.semilogy(k, errors, color=colors[method], label=method.replace("_", " "))
    left.semilogy(k, convergence_bound(method, k, kappa), "--", color=colors[method],
                  linewidth=0.8)
left.set(xlabel="iteration k", ylabel=r"$\|x_k - x^*\|_A / \|x_0 - x^*\|_A$",
         title=r"Measured error (solid) and bound (dashed), $\kappa = 10^4$",
         ylim=(1e-14, 100))
left.legend(fontsize="small")

# heavy ball along the top eigenvector of diag(1, 100): the bound is attained
small_kappa = 100.0
top = QuadraticForm(np.diag([1.0, small_kappa]))
_, heavy = run(top, "heavy_ball", 60, np.array([0.0, 1.0]), np.zeros(2))
k = np.arange(len(heavy))
rho = (np.sqrt(small_kappa) - 1) / (np.sqrt(small_kappa) + 1)
right.semilogy(k, heavy, "o", color="tab:green", markersize=3, label="heavy ball, measured")
right.semilogy(k, convergence_bound("heavy_ball", k, small_kappa), color="tab:green",
               label=r"$(1 + (1+\rho)k)\,\rho^k$")
right.semilogy(k, 2 * rho**k, "--", color="k", label=r"$2\rho^k$ (not a bound)")
right.set(xlabel="iteration k", title=r"Heavy ball from the top eigenvector, $\kappa = 100$")
right.legend(fontsize="small")
figure.tight_layout()
plt.show()
