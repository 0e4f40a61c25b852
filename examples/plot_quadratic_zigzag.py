"""
The zig-zag of gradient descent, and conjugate gradients
========================================================

Steepest descent on an ill-conditioned quadratic walks down the valley in a
zig-zag: each exact line search ends where the new gradient is orthogonal to
the old one. On ``f(x) = x^T A x + b^T x`` with condition number ``kappa``,
every step shrinks the error in the A-norm by at most
``(kappa - 1)/(kappa + 1)``, and from the worst start by exactly that much.
Conjugate gradients choose A-conjugate directions instead and finish a 2-D
problem in two steps; on larger problems their error follows the much
faster bound ``2 ((sqrt(kappa) - 1)/(sqrt(kappa) + 1))^k``.
"""

import matplotlib.pyplot as plt
import numpy as np

from mathkit.quadratic import QuadraticForm, convergence_bound, random_spd

# %%
# An ill-conditioned 2-D form
# ---------------------------
#
# ``A = Q diag(1, kappa) Q^T`` with the axes turned by 30 degrees, and ``b``
# chosen so that the minimizer is ``(1, 0.5)``. The start is the worst case
# for steepest descent: its gradient has equal components along the two
# eigenvectors.

kappa = 20.0
angle = np.pi / 6
Q = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
A = Q @ np.diag([1.0, kappa]) @ Q.T
minimizer = np.array([1.0, 0.5])
q = QuadraticForm(A, b=-2.0 * A @ minimizer)
start = minimizer + Q @ np.array([-2.0, 2.0 / kappa])

print(q.classify())


def run(form, method, x0, **options):
    """The result of a method and all its iterates, starting point included."""
    iterates = [np.asarray(x0, dtype=float)]
    result = form.minimize(method=method, x0=x0, callback=iterates.append, **options)
    return result, np.array(iterates)


gd, gd_path = run(q, "gradient_descent", start, tol=1e-8)
cg, cg_path = run(q, "conjugate_gradient", start, tol=1e-8)
print(f"gradient descent:   {gd.status}, {gd.iterations} iterations")
print(f"conjugate gradients: {cg.status}, {cg.iterations} iterations")

# %%
# The error shrinks by exactly the bound at every step of the zig-zag:

errors = gd_path - minimizer
a_norms = np.sqrt(np.einsum("ij,jk,ik->i", errors, A, errors))
ratios = a_norms / a_norms[0]
bound = convergence_bound("gradient_descent", np.arange(len(ratios)), kappa)
steps = [1, 5, 10]
print("measured / bound after 1, 5, 10 steps:", np.round(ratios[steps] / bound[steps], 12))

fig, ax = plt.subplots(figsize=(6.5, 4.5))
xs = np.linspace(-1.0, 1.4, 200)
ys = np.linspace(-0.7, 0.8, 200)
values = q(np.stack(np.meshgrid(xs, ys), axis=-1))
ax.contour(xs, ys, values, levels=np.quantile(values, np.linspace(0, 0.9, 15) ** 2),
           colors="0.7", linewidths=0.8, linestyles="solid")
ax.plot(*gd_path.T, "o-", color="C3", markersize=3, linewidth=1,
        label=f"gradient descent ({gd.iterations} steps)")
ax.plot(*cg_path.T, "s-", color="C0", markersize=6, linewidth=2,
        label=f"conjugate gradients ({cg.iterations} steps)")
ax.set(aspect="equal", xlabel="$x_1$", ylabel="$x_2$", title=rf"$\kappa = {kappa:g}$")
ax.legend(loc="lower right")
fig.tight_layout()

# %%
# Error curves against their bounds
# ---------------------------------
#
# A random 200 x 200 symmetric positive definite form with ``kappa = 1000``:
# the measured A-norm errors of both methods stay below their bounds. Gradient
# descent barely moves in 300 steps; conjugate gradients gain twelve digits.

n, kappa = 200, 1e3
big = QuadraticForm(random_spd(n, kappa, rng=7), np.ones(n))
exact = big.minimize(method="cholesky").x
_, gd_big = run(big, "gradient_descent", np.zeros(n), tol=0.0, maxiter=300)
_, cg_big = run(big, "conjugate_gradient", np.zeros(n), tol=1e-13, maxiter=300)


def a_norm_ratios(path):
    errors = path - exact
    norms = np.sqrt(np.einsum("ij,jk,ik->i", errors, big.A, errors))
    return norms / norms[0]


fig, ax = plt.subplots(figsize=(6.5, 4.5))
for path, method, color in ((gd_big, "gradient_descent", "C3"),
                            (cg_big, "conjugate_gradient", "C0")):
    measured = a_norm_ratios(path)
    steps = np.arange(len(measured))
    bound = convergence_bound(method, steps, kappa)
    assert np.all(measured <= bound + 1e-12)
    ax.semilogy(steps, measured, color=color, label=f"{method.replace('_', ' ')} (measured)")
    ax.semilogy(steps, bound, "--", color=color, label="its bound")
ax.set(xlabel="iteration k", ylabel=r"$\|x_k - x^*\|_A / \|x_0 - x^*\|_A$",
       ylim=(1e-13, 3), title=r"$n = 200$, $\kappa = 10^3$")
ax.legend()
fig.tight_layout()

plt.show()
