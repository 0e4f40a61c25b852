"""
Loss scaling: float16 gradients that underflow, and how scaling brings them back
==================================================================================

A least-squares regression, ``min_w L(w) = ||X w - y||^2 / (2 n)``, trained by
gradient descent with the backward pass emulated in float16: the residual, the
upstream gradient ``r / n`` and every product ``x_ij r_i / n`` are rounded to
float16 with :func:`mathkit.precision.round`, as a float16 GPU kernel would
round them. The weights are float32 "master weights".

With ``n = 4096`` examples the per-example contributions ``x_ij r_i / n`` are
soon below float16's smallest subnormal, ``2^-24 ~ 6e-8``, and become 0: the
gradient loses most of its terms and training stalls well above the optimum.

Loss scaling multiplies the loss by ``S`` (so every gradient term by ``S``)
before the float16 backward pass and divides the float32 gradient by ``S``
after (Micikevicius et al., "Mixed precision training", ICLR 2018).
:class:`mathkit.precision.LossScaler` adapts ``S`` exactly as PyTorch's
``GradScaler`` does: halve it and skip the step when a gradient overflows to
inf, double it after ``growth_interval`` clean steps. It starts too high here,
at ``2^24``, overflows, backs off, and then trains as well as float32.
"""

import matplotlib.pyplot as plt
import numpy as np

from mathkit.precision import (
    FLOAT16,
    FLOAT32,
    LossScaler,
    range_report,
    recommend_loss_scale,
    round,
)

N_EXAMPLES, N_FEATURES, STEPS, LEARNING_RATE = 4096, 16, 200, 0.2

generator = np.random.default_rng(7)
X = round(generator.standard_normal((N_EXAMPLES, N_FEATURES)), FLOAT16)
w_true = 0.005 * generator.standard_normal(N_FEATURES)
y = round(X @ w_true + 1e-5 * generator.standard_normal(N_EXAMPLES), FLOAT16)


def loss(w):
    """The loss in float64, to judge every run on the same footing."""
    return float(np.sum((X @ w - y) ** 2) / (2 * N_EXAMPLES))


def float16_gradient(w, scale):
    """The gradient of ``scale * L`` by a float16 backward pass; also the share of lost terms.

    A term is lost when its exact value ``x_ij r_i scale / n`` is not 0 but the
    float16 one is.
    """
    residual = round(round(X @ w, FLOAT16) - y, FLOAT16)
    exact_terms = X * (residual * (scale / N_EXAMPLES))[:, None]
    upstream = round(residual * (scale / N_EXAMPLES), FLOAT16)
    terms = round(X * upstream[:, None], FLOAT16)
    lost = np.count_nonzero((terms == 0) & (exact_terms != 0)) / max(
        np.count_nonzero(exact_terms), 1)
    return round(terms.sum(axis=0), FLOAT16), lost


def train(mode):
    w = np.zeros(N_FEATURES)
    scaler = LossScaler(init_scale=2.0**24, growth_interval=50) if mode == "scaled" else None
    losses, lost_shares, scales = [], [], []
    for _ in range(STEPS):
        if mode == "float32":
            gradient = round(X.T @ (X @ w - y) / N_EXAMPLES, FLOAT32)
            lost = 0.0
        else:
            scale = scaler.scale if scaler else 1.0
            scaled_gradient, lost = float16_gradient(w, scale)
            if scaler:
                unscaled = scaler.unscale(scaled_gradient)
                scaler.update(unscaled.found_inf)
                scales.append(scaler.scale)
                if unscaled.found_inf:  # skip the step, as GradScaler.step does
                    losses.append(loss(w))
                    lost_shares.append(lost)
                    continue
                gradient = unscaled.gradients
            else:
                gradient = scaled_gradient
        w = round(w - round(LEARNING_RATE * gradient, FLOAT32), FLOAT32)
        losses.append(loss(w))
        lost_shares.append(lost)
    return np.array(losses), np.array(lost_shares), np.array(scales), w


runs = {mode: train(mode) for mode in ("float32", "float16", "scaled")}
optimum = loss(np.linalg.lstsq(X, y, rcond=None)[0])
for mode, (losses, lost, _, _) in runs.items():
    print(f"{mode:>8}: final loss {losses[-1]:.3e} (optimum {optimum:.3e}), "
          f"gradient terms lost in the last step {lost[-1]:.0%}")
print("loss scale: start 2^24, after the backoffs", runs["scaled"][2][10],
      "final", runs["scaled"][2][-1])

# %%
# Where the gradient terms of the unscaled run fall in float16 at the end, and
# at the scale mathkit's :func:`~mathkit.precision.recommend_loss_scale`
# picks from them:

w_stalled = runs["float16"][3]
residual = X @ w_stalled - y
terms = (X * (residual / N_EXAMPLES)[:, None]).ravel()
print(range_report(terms, FLOAT16))
recommended = recommend_loss_scale(terms, FLOAT16)
print(f"recommended scale 2^{recommended.exponent}: underflow "
      f"{recommended.report.underflow:.2%}, overflow {recommended.report.overflow:.2%}")

# %%
# The picture: the loss (left), the share of gradient terms lost to underflow
# (middle) and the loss scale (right).

steps = np.arange(1, STEPS + 1)
figure, (left, middle, right) = plt.subplots(1, 3, figsize=(13, 3.8))
labels = {"float32": "float32", "float16": "float16, no scaling",
          "scaled": "float16, LossScaler"}
for mode, (losses, lost, _, _) in runs.items():
    left.semilogy(steps, losses - optimum + 1e-12, label=labels[mode])
    middle.plot(steps, lost, label=labels[mode])
left.set(xlabel="step", ylabel="loss - optimum (+ 1e-12)", title="Training loss")
left.legend()
middle.set(xlabel="step", ylabel="share of terms flushed to 0",
           title="Gradient underflow in float16")
right.semilogy(steps, runs["scaled"][2], color="tab:green")
right.set(xlabel="step", ylabel="S", title="LossScaler's scale")
figure.tight_layout()
plt.show()
