"""Chapter 8, Regularization: penalised polynomial fits, weight decay and AdamW, L1's zeros,
noise on the inputs and augmented digits; its figures, explorable and checks.

The polynomial data are chapter 7's: eleven points of ``y = x + noise`` (:func:`nblib.data.polynomial_task`).
The penalised losses, written with the chapter's symbols (``n`` points, design matrix ``X`` whose
column j holds ``x**j``, coefficients ``w``, the intercept ``w_0`` never penalised):

- L2: ``J(w) = (1/n) ||y - X w||^2 + (lam / 2) * sum_{j >= 1} w_j^2``
- L1: ``J(w) = (1/n) ||y - X w||^2 + lam * sum_{j >= 1} |w_j|``

which is how ``nblib.nn.MLP.loss_and_grads`` writes its ``l2`` and ``l1`` penalties (weights, not
biases). ``*_figure`` functions return closed figures, ``*_numbers`` the numbers the prose quotes.
"""

import functools

import matplotlib.pyplot as plt
import numpy as np
from numpy.polynomial import polynomial as P

from nblib import optim
from nblib.chapters.text import figure, numbers, shown
from nblib.data import POLY_NOISE, polynomial_task, polynomial_task_fresh
from nblib.exercises import ChoiceCheck, FunctionCheck, NumberCheck
from nblib.explorable import freeze_background
from nblib.nn import MLP
from nblib.polynomial import GRID, YLIM, mse, powers
from nblib.theme import COLORS, CYCLE, set_axes
from nblib.training import fit

DEGREE = 10
#: The explorable's and the sweep's penalty strengths: 0, then 101 values from 1e-8 to 10.
LAMBDAS = np.concatenate([[0.0], np.logspace(-8, 1, 101)])


# --- Penalised polynomial fits ------------------------------------------------------------------

def ridge_fit(x, y, lam, degree=DEGREE):
    """Coefficients ``(degree + 1,)`` that minimise the L2-penalised MSE (closed form).

    Setting the gradient ``-(2/n) X^T (y - X w) + lam * D w`` to zero, where ``D`` is the
    identity with ``D[0, 0] = 0`` (the intercept is not penalised), gives
    ``((2/n) X^T X + lam D) w = (2/n) X^T y``. With ``lam = 0`` this is least squares.
    """
    X, n = powers(x, degree), len(x)
    D = np.eye(degree + 1)
    D[0, 0] = 0.0
    if lam == 0:
        return np.linalg.lstsq(X, y, rcond=None)[0]
    return np.linalg.solve(2 / n * X.T @ X + lam * D, 2 / n * X.T @ y)


def soft_threshold(z, t):
    """``sign(z) * max(|z| - t, 0)``: shrink ``z`` towards 0 by ``t``, and to exactly 0 within ``t``."""
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


def lasso_fit(x, y, lam, degree=DEGREE, sweeps=2000):
    """Coefficients ``(degree + 1,)`` that minimise the L1-penalised MSE, by coordinate descent.

    One coefficient at a time is set to its exact minimiser with the others held: for
    ``j >= 1``, ``w_j = soft_threshold((2/n) X_j^T r_j, lam) / ((2/n) ||X_j||^2)``, where
    ``r_j`` is the residual without coefficient j's contribution (the intercept is not
    thresholded). ``sweeps`` passes over all coefficients.
    """
    X, n = powers(x, degree), len(x)
    w = np.zeros(degree + 1)
    r = y.astype(float).copy()
    curvature = 2 / n * np.sum(X ** 2, axis=0)
    for _ in range(sweeps):
        for j in range(degree + 1):
            rho = 2 / n * X[:, j] @ (r + X[:, j] * w[j])
            new = rho / curvature[j] if j == 0 else soft_threshold(rho, lam) / curvature[j]
            r += X[:, j] * (w[j] - new)
            w[j] = new
    return w


_X, _Y, _ = polynomial_task()
_X_NEW, _Y_NEW = polynomial_task_fresh(200, seed=1)
_RIDGE = [ridge_fit(_X, _Y, lam) for lam in LAMBDAS]
_TRAIN = np.array([mse(c, _X, _Y) for c in _RIDGE])
_NEW = np.array([mse(c, _X_NEW, _Y_NEW) for c in _RIDGE])


def sweep_numbers():
    """Errors and weight sizes along the sweep of lambda, as text."""
    best = int(np.argmin(_NEW))
    size = [float(np.sqrt(np.sum(c[1:] ** 2))) for c in _RIDGE]
    return numbers(source_new=shown(float(np.mean((_Y_NEW - _X_NEW) ** 2)), ".4f"),
                   noise_var=shown(POLY_NOISE ** 2, ".2f"),
                   best_lam=shown(LAMBDAS[best], ".1e"), best_new=shown(_NEW[best], ".3f"),
                   best_train=shown(_TRAIN[best], ".3f"), best_size=shown(size[best], ".2f"),
                   free_new=shown(_NEW[0], ".3f"), free_size=shown(size[0], ",.0f"),
                   big_lam=shown(LAMBDAS[-1], ".0f"), big_new=shown(_NEW[-1], ".3f"),
                   big_size=shown(size[-1], ".2f"))


def _coef_bars(ax, coef, color, width=0.8, offset=0.0, label=None):
    return ax.bar(np.arange(len(coef)) + offset, np.abs(coef), width=width, color=color, label=label)


def sweep_figure(lams=(0.0, 1e-4, 1e-1)):
    """Top: the fit for a few lambdas. Bottom: the sizes |w_j| of their coefficients (log scale)."""
    fig, axes = plt.subplots(2, len(lams), figsize=(8.4, 5.2), sharey="row")
    for k, lam in enumerate(lams):
        coef = ridge_fit(_X, _Y, lam)
        top, bottom = axes[0, k], axes[1, k]
        top.plot(_X_NEW, _Y_NEW, "o", color=COLORS["residual"], markersize=2.5, alpha=0.35)
        top.plot(_X, _Y, "o", color=COLORS["data"], markersize=5)
        top.plot(GRID, P.polyval(GRID, coef), color=COLORS["model"])
        set_axes(top, title=f"λ = {lam:g}: unseen MSE {mse(coef, _X_NEW, _Y_NEW):.3f}", xlim=(-1.05, 1.05),
                 ylim=YLIM, xlabel="$x$")
        _coef_bars(bottom, coef, COLORS["model"])
        set_axes(bottom, xlabel="power $j$", ylabel="$|w_j|$ (log scale)" if k == 0 else None, yscale="log",
                 ylim=(1e-3, 1e3))
        bottom.set_xticks(range(0, DEGREE + 1, 2))
    return figure(fig)


def lambda_errors_figure():
    """Training and unseen-point MSE against lambda (log axes), lambda = 0 drawn at the left edge."""
    fig, ax = plt.subplots(figsize=(5.8, 3.4))
    _lambda_curves(ax)
    ax.legend(fontsize=9, loc="upper left")
    return figure(fig)


def _lambda_curves(ax):
    lams = LAMBDAS[1:]
    ax.plot(lams, _TRAIN[1:], color=COLORS["data"], label="training points")
    ax.plot(lams, _NEW[1:], color=COLORS["model"], label="unseen points")
    ax.axhline(POLY_NOISE ** 2, color=COLORS["ink"], linestyle=":", linewidth=1.2, label="noise variance")
    set_axes(ax, xlabel="penalty strength λ (log scale)", ylabel="MSE (log scale)", xscale="log", yscale="log",
             ylim=(3e-3, 1.0))


# --- L1 and its zeros ---------------------------------------------------------------------------

def sparsity_numbers(lam_l2, lam_l1):
    """Errors and the number of zero coefficients of the L2 and L1 fits, as text."""
    l2, l1 = ridge_fit(_X, _Y, lam_l2), lasso_fit(_X, _Y, lam_l1)
    return numbers(lam_l2=shown(lam_l2, "g"), lam_l1=shown(lam_l1, "g"),
                   l2_new=shown(mse(l2, _X_NEW, _Y_NEW), ".3f"), l1_new=shown(mse(l1, _X_NEW, _Y_NEW), ".3f"),
                   l2_zeros=shown(int(np.sum(l2[1:] == 0)), "d"), l1_zeros=shown(int(np.sum(l1[1:] == 0)), "d"),
                   l1_slope=shown(l1[1], ".3f"), l2_smallest=shown(float(np.min(np.abs(l2[1:]))), ".0e"),
                   n_penalised=shown(DEGREE, "d"))


def sparsity_figure(lam_l2, lam_l1):
    """The coefficients of the L2 and L1 fits side by side, signed, zeros marked."""
    l2, l1 = ridge_fit(_X, _Y, lam_l2), lasso_fit(_X, _Y, lam_l1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.4, 3.3), width_ratios=[1, 1.2])
    left.plot(_X_NEW, _Y_NEW, "o", color=COLORS["residual"], markersize=2.5, alpha=0.35)
    left.plot(_X, _Y, "o", color=COLORS["data"], markersize=5)
    left.plot(GRID, P.polyval(GRID, l2), color=COLORS["model"], label=f"L2, λ = {lam_l2:g}")
    left.plot(GRID, P.polyval(GRID, l1), color=COLORS["good"], linestyle="--", label=f"L1, λ = {lam_l1:g}")
    set_axes(left, xlabel="$x$", ylabel="$y$", xlim=(-1.05, 1.05), ylim=(-1.6, 1.6), legend=True)
    powers = np.arange(DEGREE + 1)
    right.bar(powers - 0.2, l2, width=0.4, color=COLORS["model"], label="L2")
    right.bar(powers + 0.2, l1, width=0.4, color=COLORS["good"], label="L1")
    for j in powers[l1 == 0]:
        right.text(j + 0.2, 0.05, "0", ha="center", va="bottom", fontsize=8, color=COLORS["good"])
    right.axhline(0, color=COLORS["ink"], linewidth=0.8)
    set_axes(right, xlabel="power $j$", ylabel="coefficient $w_j$", legend=True)
    right.set_xticks(powers)
    return figure(fig)


# --- Weight decay and Adam ----------------------------------------------------------------------

#: Gradient scales of the Adam experiment: the typical size of each weight's data gradient.
SCALES = (0.001, 0.01, 0.1, 1.0, 10.0)


def decay_experiment(method, lr=0.01, lam=0.1, steps=1000, n=1000, seed=0):
    """Mean of ``n`` weights per gradient scale after ``steps`` steps, each weight starting at 1.

    Each weight's data gradient is pure noise, ``scale * Normal(0, 1)``, so on average the data
    pull it nowhere and only the penalty moves it. method: ``"adam_l2"`` adds ``lam * w`` to the
    gradient and steps with Adam; ``"adamw"`` steps with :class:`nblib.optim.AdamW`, which first
    multiplies ``w`` by ``1 - lr * lam`` (as PyTorch's AdamW does), then takes Adam's step on the
    data gradient alone.

    Returns an array ``(len(SCALES),)``; the intended decay is ``(1 - lr * lam) ** steps``.
    """
    rng = np.random.default_rng(seed)
    scale = np.array(SCALES)[:, None]
    w = np.ones((len(SCALES), n))
    adam = optim.Adam(lr) if method == "adam_l2" else optim.AdamW(lr, weight_decay=lam)
    for _ in range(steps):
        g = scale * rng.normal(size=w.shape)
        if method == "adam_l2":
            g += lam * w
        adam.step([w], [g])
    return w.mean(axis=1)


def decay_numbers(adam_l2, adamw, lr=0.01, lam=0.1, steps=1000):
    """The intended decay and what Adam + L2 and AdamW do at the smallest and largest scales."""
    return numbers(intended=shown((1 - lr * lam) ** steps, ".3f"), lr=shown(lr, "g"), lam=shown(lam, "g"),
                   steps=shown(steps, ",d"),
                   l2_small=shown(abs(adam_l2[0]), ".3f"), l2_large=shown(adam_l2[-1], ".3f"),
                   w_small=shown(adamw[0], ".3f"), w_large=shown(adamw[-1], ".3f"),
                   scale_small=shown(SCALES[0], "g"), scale_large=shown(SCALES[-1], "g"))


def decay_figure(adam_l2, adamw, lr=0.01, lam=0.1, steps=1000):
    """Mean weight after the run against the gradient scale, for Adam + L2 and AdamW."""
    fig, ax = plt.subplots(figsize=(5.8, 3.4))
    ax.axhline((1 - lr * lam) ** steps, color=COLORS["ink"], linestyle=":", label="intended: $(1 - αλ)^t$")
    ax.plot(SCALES, adam_l2, "o-", color=COLORS["bad"], label="Adam with L2 in the gradient")
    ax.plot(SCALES, adamw, "s-", color=COLORS["good"], label="AdamW (decoupled decay)")
    set_axes(ax, xlabel="size of the weight's data gradient (log scale)", ylabel="mean weight after the run",
             xscale="log", ylim=(-0.05, 1.05), legend=True)
    return figure(fig)


# --- L2 through momentum -----------------------------------------------------------------------

def momentum_decay(beta, lr=0.1, lam=1e-3, steps=3000):
    """A weight starting at 1 with no data gradient, under heavy-ball momentum (chapter 5's
    ``z = beta z + g; w = w - lr z``) with the penalty in two forms.

    ``"l2"``: ``g = lam * w`` goes through the velocity (PyTorch's ``SGD(weight_decay=lam)``);
    ``"decay"``: ``w`` is multiplied by ``1 - lr * lam`` outside the velocity, which carries only
    the data gradient (here 0). Returns ``{"l2": (steps + 1,), "decay": (steps + 1,)}``, the
    weight after each step, starting with 1.
    """
    paths = {}
    for form in ("l2", "decay"):
        w, z, path = 1.0, 0.0, [1.0]
        for _ in range(steps):
            if form == "l2":
                z = beta * z + lam * w
                w -= lr * z
            else:
                w *= 1 - lr * lam
            path.append(w)
        paths[form] = np.array(path)
    return paths


def decay_rate(path):
    """The weight's shrinkage per step over the second half of ``path``: ``1 - (w_T / w_{T/2})^(2/T)``."""
    half = len(path) // 2
    return 1 - (path[-1] / path[half]) ** (1 / (len(path) - 1 - half))


def momentum_factor(beta, lr=0.1, lam=1e-3):
    """The exact amplification of L2 through momentum: the slow root ``r`` of the velocity's
    recursion ``r^2 - (1 + beta - lr lam) r + beta = 0`` shrinks the weight by ``1 - r`` a step,
    against ``lr lam`` for decoupled decay. Tends to ``1 / (1 - beta)`` as ``lr lam`` goes to 0
    (and holds while ``lr lam`` is below ``(1 - sqrt(beta))^2``; beyond, the weight oscillates)."""
    b = 1 + beta - lr * lam
    r = (b + np.sqrt(b * b - 4 * beta)) / 2
    return (1 - r) / (lr * lam)


#: The momentum coefficients of the L2-through-momentum measurement.
MOMENTA = (0.0, 0.5, 0.9)


def momentum_numbers(lr=0.1, lam=1e-3, steps=3000):
    """Measured per-step shrinkage of L2 through momentum over decoupled decay, for each beta of
    :data:`MOMENTA`, with ``1 / (1 - beta)``, as text (``factor_09`` is beta = 0.9's)."""
    values = dict(lr=shown(lr, "g"), lam=shown(lam, "g"), steps=shown(steps, ",d"))
    for beta in MOMENTA:
        paths = momentum_decay(beta, lr, lam, steps)
        key = f"{beta:.1f}".replace(".", "")
        values[f"factor_{key}"] = shown(decay_rate(paths["l2"]) / decay_rate(paths["decay"]), ".2f")
        values[f"theory_{key}"] = shown(1 / (1 - beta), "g")
        values[f"l2_end_{key}"] = shown(paths["l2"][-1], ".2g")
    values["decay_end"] = shown(momentum_decay(0.9, lr, lam, steps)["decay"][-1], ".3f")
    return numbers(**values)


# --- Adam + L2 against AdamW on the digits ------------------------------------------------------

#: The digit experiment: chapter 7's 64-128-10 network on 200 training digits, Adam's rate,
#: epochs, seeds, and each method's penalty strengths (0 is shared: the two are then the same run).
ADAMW_DIGITS, ADAMW_LR, ADAMW_EPOCHS, ADAMW_SEEDS = 200, 0.003, 20, (0, 1, 2)
L2_STRENGTHS = (0.0, 1e-3, 1e-2, 1e-1)
DECAY_STRENGTHS = (0.0, 0.1, 1.0, 10.0)


@functools.cache
def _digits_run(method, lam, seed):
    from nblib.data import digit_splits

    X_train, X_val, _, y_train, y_val, _ = digit_splits(seed=0)
    net = MLP([64, 128, 10], seed=seed)
    if method == "adam_l2":
        opt = optim.Adam(ADAMW_LR)
        fit(net, X_train[:ADAMW_DIGITS], y_train[:ADAMW_DIGITS], opt, epochs=ADAMW_EPOCHS, batch_size=32,
            l2=lam, seed=seed, progress=False)
    else:
        opt = optim.AdamW(ADAMW_LR, weight_decay=lam)
        fit(net, X_train[:ADAMW_DIGITS], y_train[:ADAMW_DIGITS], opt, epochs=ADAMW_EPOCHS, batch_size=32,
            seed=seed, progress=False)
    # each weight's shrinkage per step from its penalty, at the end of the run (weight matrices only)
    t = opt.state["t"]
    per_weight = []
    for W, v in zip(net.params[::2], opt.state["v"][::2]):
        if method == "adam_l2":
            per_weight.append(ADAMW_LR * lam / (np.sqrt(v / (1 - opt.beta2 ** t)) + opt.eps))
        else:
            per_weight.append(np.full(W.shape, ADAMW_LR * lam))
    return dict(val_acc=net.accuracy(X_val, y_val), val_loss=net.loss(X_val, y_val, loss="cross_entropy"),
                shrink=np.concatenate([a.ravel() for a in per_weight]))


def adamw_digits():
    """Adam + L2 and AdamW on the digits: ``{method: {lam: [run, ...]}}``, one run per seed, each a
    dict with the validation accuracy and loss and each weight's shrinkage per step (``shrink``)."""
    return {method: {lam: [_digits_run(method if lam else "adam_l2", lam, seed) for seed in ADAMW_SEEDS]
                     for lam in lams}
            for method, lams in (("adam_l2", L2_STRENGTHS), ("adamw", DECAY_STRENGTHS))}


def _spread(shrink):
    """The 90th over the 10th percentile of the weights' shrinkage per step."""
    low, high = np.percentile(shrink, [10, 90])
    return float(high / low)


def adamw_digits_numbers(runs):
    """The tuning curves' best non-zero strengths, the seed spread without a penalty, and how
    unevenly each method decays (``*_spread``: 90th over 10th percentile of the weights' shrinkage
    per step at the third strength), as text."""
    values = dict(n=shown(ADAMW_DIGITS, "d"), epochs=shown(ADAMW_EPOCHS, "d"), seeds=shown(len(ADAMW_SEEDS), "d"),
                  lr=shown(ADAMW_LR, "g"))
    for method, key in (("adam_l2", "l2"), ("adamw", "w")):
        curves = runs[method]
        means = {lam: 100 * np.mean([r["val_acc"] for r in rs]) for lam, rs in curves.items() if lam}
        best = max(means, key=means.get)                      # the best non-zero strength
        accs = [100 * r["val_acc"] for r in curves[best]]
        values[f"{key}_best_lam"] = shown(best, "g")
        values[f"{key}_best_acc"] = shown(means[best], ".1f")
        values[f"{key}_best_low"] = shown(min(accs), ".1f")
        values[f"{key}_best_high"] = shown(max(accs), ".1f")
        values[f"{key}_big_lam"] = shown(max(curves), "g")
        values[f"{key}_big_acc"] = shown(means[max(curves)], ".1f")
        middle = sorted(curves)[2]
        values[f"{key}_mid_lam"] = shown(middle, "g")
        values[f"{key}_spread"] = shown(np.mean([_spread(r["shrink"]) for r in curves[middle]]), ".0f")
    none = [100 * r["val_acc"] for r in runs["adam_l2"][0.0]]
    values["none_acc"] = shown(np.mean(none), ".1f")
    values["none_low"] = shown(min(none), ".1f")
    values["none_high"] = shown(max(none), ".1f")
    return numbers(**values)


def adamw_digits_figure(runs):
    """Left: validation accuracy against each method's penalty strength (mean over seeds, range
    shaded; 0 drawn at the left). Right: each weight's shrinkage per step at the middle strengths."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.6, 3.4))
    styles = {"adam_l2": (COLORS["bad"], "Adam + L2 (λ)"), "adamw": (COLORS["good"], "AdamW (weight_decay)")}
    for method, curves in runs.items():
        color, label = styles[method]
        lams = sorted(curves)
        where = np.arange(len(lams))
        accs = np.array([[100 * r["val_acc"] for r in curves[lam]] for lam in lams])
        left.fill_between(where, accs.min(axis=1), accs.max(axis=1), color=color, alpha=0.2, linewidth=0)
        left.plot(where, accs.mean(axis=1), "o-", color=color, label=label)
    left.set_xticks(range(len(L2_STRENGTHS)))
    left.set_xticklabels([f"0\n0" if a == 0 else f"{a:g}\n{b:g}" for a, b in zip(L2_STRENGTHS, DECAY_STRENGTHS)],
                         fontsize=8)
    set_axes(left, xlabel="strength: λ (top) or weight_decay (bottom)", ylabel="validation accuracy (%)",
             legend=True)
    bins = np.logspace(-8, 0, 49)
    for method, curves in runs.items():
        color, label = styles[method]
        middle = sorted(curves)[2]
        shrink = np.concatenate([r["shrink"] for r in curves[middle]])
        right.hist(np.clip(shrink, bins[0], bins[-1]), bins=bins, color=color, alpha=0.6,
                   label=f"{label.split(' (')[0]}, {middle:g}")
    set_axes(right, xlabel="a weight's shrinkage per step (log scale)", ylabel="number of weights",
             xscale="log", legend=True)
    return figure(fig)


# --- Noise on the inputs ------------------------------------------------------------------------

def noise_experiment(sigma=0.3, copies=2000, n=30, d=5, seed=0):
    """Least squares on many noisy copies of the inputs, against L2 with ``lam = 2 sigma^2``.

    A linear model ``y = X w + b`` on ``n`` examples with ``d`` inputs. Averaged over the
    noise ``e ~ Normal(0, sigma^2)`` on every input, the MSE of ``(X + e) w + b`` is the
    plain MSE plus ``sigma^2 ||w||^2``: the L2 penalty with ``lam / 2 = sigma^2``.

    Returns ``(w_noisy, w_ridge)``, the weights (bias first) of the two fits, each ``(d + 1,)``.
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + 0.5 + rng.normal(0, 0.5, n)
    X_noisy = np.tile(X, (copies, 1)) + rng.normal(0, sigma, (copies * n, d))
    ones = np.ones((copies * n, 1))
    w_noisy = np.linalg.lstsq(np.hstack([ones, X_noisy]), np.tile(y, copies), rcond=None)[0]
    A = np.hstack([np.ones((n, 1)), X])
    D = np.eye(d + 1)
    D[0, 0] = 0.0
    w_ridge = np.linalg.solve(2 / n * A.T @ A + 2 * sigma ** 2 * D, 2 / n * A.T @ y)
    return w_noisy, w_ridge


# --- Augmented digits ---------------------------------------------------------------------------

AUGMENTATIONS = {
    "none": dict(shift=0, noise=0.0, brightness=0.0),
    "noise and brightness": dict(shift=0, noise=0.1, brightness=0.3),
    "shifts, noise and brightness": dict(shift=1, noise=0.1, brightness=0.3),
}


def augment(X, rng, shift=1, noise=0.1, brightness=0.3):
    """Randomly changed copies of 8x8 digit images ``X: (n, 64)``, values in [0, 1].

    shift: each image moves by up to this many pixels in x and in y (uniform integers),
        pixels moved in from outside are 0; brightness: each image is multiplied by a factor
        uniform in ``[1 - brightness, 1 + brightness]``; noise: Gaussian noise of this standard
        deviation is added to every pixel. The result is clipped to [0, 1]. Returns ``(n, 64)``.
    """
    images = X.reshape(-1, 8, 8)
    n = len(images)
    out = np.zeros_like(images)
    dy, dx = rng.integers(-shift, shift + 1, (2, n))
    for i in range(n):
        rows = slice(max(dy[i], 0), 8 + min(dy[i], 0))
        cols = slice(max(dx[i], 0), 8 + min(dx[i], 0))
        src_rows = slice(max(-dy[i], 0), 8 + min(-dy[i], 0))
        src_cols = slice(max(-dx[i], 0), 8 + min(-dx[i], 0))
        out[i, rows, cols] = images[i, src_rows, src_cols]
    out *= rng.uniform(1 - brightness, 1 + brightness, (n, 1, 1))
    out += rng.normal(0.0, noise, out.shape)
    return np.clip(out, 0.0, 1.0).reshape(n, 64)


def augmented_figure(X, n_images=4, n_copies=5, seed=0):
    """Rows of digits: the original on the left, then random augmented copies."""
    rng = np.random.default_rng(seed)
    fig, axes = plt.subplots(n_images, n_copies + 1, figsize=(6.0, 4.4))
    for row in range(n_images):
        copies = [X[row]] + [augment(X[row:row + 1], rng)[0] for _ in range(n_copies)]
        for col, image in enumerate(copies):
            ax = axes[row, col]
            ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            ax.axis("off")
            if row == 0:
                ax.set_title("original" if col == 0 else f"copy {col}", fontsize=9)
    return figure(fig)


#: Training digits, copies per digit and epochs of the augmentation experiment.
N_DIGITS, N_COPIES, EPOCHS = 200, 3, 20


def augmentation_run(X_train, y_train, X_val, y_val, kind, seed):
    """Final validation accuracy of a 64-64-10 network trained on :data:`N_DIGITS` digits.

    kind: a key of :data:`AUGMENTATIONS`. The training set is the digits plus
    :data:`N_COPIES` augmented copies of each (for ``"none"``, the digits alone, trained for
    ``N_COPIES + 1`` times as many epochs, so that every run takes the same number of steps).
    """
    rng = np.random.default_rng(seed)
    X, y = X_train[:N_DIGITS], y_train[:N_DIGITS]
    epochs = EPOCHS
    if kind == "none":
        epochs = EPOCHS * (N_COPIES + 1)
    else:
        X = np.concatenate([X] + [augment(X, rng, **AUGMENTATIONS[kind]) for _ in range(N_COPIES)])
        y = np.tile(y, N_COPIES + 1)
    net = MLP([64, 64, 10], seed=seed)
    fit(net, X, y, optim.Adam(0.003), epochs=epochs, batch_size=32, seed=seed, progress=False)
    return net.accuracy(X_val, y_val)


def augmentation_figure(results):
    """Validation accuracy of each kind of augmentation, one dot per seed and their mean."""
    fig, ax = plt.subplots(figsize=(6.0, 2.8))
    for k, (kind, accs) in enumerate(results.items()):
        accs = 100 * np.asarray(accs)
        ax.plot(accs, [k] * len(accs), "o", color=CYCLE[k], alpha=0.7, markersize=7)
        ax.plot([accs.mean()] * 2, [k - 0.3, k + 0.3], color=CYCLE[k], linewidth=2.5)
    ax.set_yticks(range(len(results)))
    ax.set_yticklabels(list(results))
    ax.invert_yaxis()
    set_axes(ax, xlabel="validation accuracy (%)")
    return figure(fig)


def augmentation_numbers(results):
    """Mean and range of the validation accuracy of each kind, as text: ``.none_mean``, ..."""
    values = {}
    for key, accs in zip(("none", "nb", "all"), results.values()):
        accs = 100 * np.asarray(accs)
        values[f"{key}_mean"] = shown(accs.mean(), ".1f")
        values[f"{key}_low"] = shown(accs.min(), ".1f")
        values[f"{key}_high"] = shown(accs.max(), ".1f")
    values["seeds"] = shown(len(next(iter(results.values()))), "d")
    means = [100 * np.mean(accs) for accs in results.values()]
    values["shift_cost"] = shown(means[0] - means[-1], ".1f")
    return numbers(**values)


# --- Explore lambda -----------------------------------------------------------------------------

def lambda_frame(lam):
    """What the explorable shows at the stop nearest ``lam``: a dict with the stop's ``lam``, the
    fit's ``coef``, its ``train`` and ``new`` (unseen) MSE, its ``largest`` penalised coefficient
    ``max_{j >= 1} |w_j|`` and ``stray``, how far the curve strays from the source ``y = x``
    on [-1, 1]."""
    k = int(np.argmin(np.abs(LAMBDAS - lam)))
    coef = _RIDGE[k]
    return dict(lam=LAMBDAS[k], coef=coef, train=_TRAIN[k], new=_NEW[k], largest=float(np.abs(coef[1:]).max()),
                stray=float(np.abs(P.polyval(GRID, coef) - GRID).max()))


def lambda_numbers():
    """The numbers of the explorable's things to try, as text: the first stop whose largest
    coefficient is below 10, the best stop's stray from the source, the last stop's coefficients."""
    largest = np.array([np.abs(c[1:]).max() for c in _RIDGE])
    tamed = int(np.argmax(largest < 10))
    best = lambda_frame(LAMBDAS[int(np.argmin(_NEW))])
    last = lambda_frame(LAMBDAS[-1])
    return numbers(free_largest=shown(largest[0], ".0f"), tamed_lam=shown(LAMBDAS[tamed], ".1e"),
                   best_stray=shown(best["stray"], ".2f"), free_stray=shown(lambda_frame(0.0)["stray"], ".1f"),
                   last_slope=shown(last["coef"][1], ".3f"), last_intercept=shown(last["coef"][0], ".3f"),
                   mean_y=shown(float(np.mean(_Y)), ".3f"))

def lambda_view(fig):
    """The explorable's view. Left: the penalised degree-10 fit. Middle: its coefficient sizes.
    Right: training and unseen-point MSE against lambda, the chosen lambda marked.
    Returns ``update(lam)``.
    """
    left, middle, right = fig.subplots(1, 3, width_ratios=[1.1, 0.9, 1.1])
    left.plot(_X_NEW, _Y_NEW, "o", color=COLORS["residual"], markersize=2.5, alpha=0.35)
    left.plot(_X, _Y, "o", color=COLORS["data"], markersize=5)
    curve, = left.plot(GRID, P.polyval(GRID, _RIDGE[0]), color=COLORS["model"])
    title = left.text(0.03, 0.97, "", transform=left.transAxes, va="top", fontsize=9,
                      bbox=dict(facecolor="white", edgecolor="none", alpha=0.85))
    set_axes(left, xlabel="$x$", ylabel="$y$", xlim=(-1.05, 1.05), ylim=YLIM)
    bars = _coef_bars(middle, _RIDGE[0], COLORS["model"])
    set_axes(middle, xlabel="power $j$", title="coefficient sizes $|w_j|$", yscale="log", ylim=(1e-4, 1e3))
    middle.set_xticks(range(0, DEGREE + 1, 2))
    _lambda_curves(right)
    right.legend(fontsize=7, loc="upper left")
    marks, = right.plot([], [], "o", color=COLORS["ink"], fillstyle="none", markersize=9, markeredgewidth=2)
    edge = right.text(0.02, 0.04, "", transform=right.transAxes, fontsize=8)
    freeze_background(fig, [curve, title, marks, edge, *bars])

    def update(lam):
        k = int(np.argmin(np.abs(LAMBDAS - lam)))
        coef = _RIDGE[k]
        curve.set_ydata(P.polyval(GRID, coef))
        for bar, value in zip(bars, np.abs(coef)):
            bar.set_height(max(value, 1e-4))
        shown_lam = max(LAMBDAS[k], LAMBDAS[1])
        marks.set_data([shown_lam, shown_lam], [max(_TRAIN[k], 3e-3), _NEW[k]])
        edge.set_text("λ = 0: marks at the left edge" if k == 0 else "")
        train = "0" if _TRAIN[k] < 1e-12 else f"{_TRAIN[k]:.3f}"
        title.set_text(f"training {train}\nunseen {_NEW[k]:.3f}")
        size = float(np.sqrt(np.sum(coef[1:] ** 2)))
        return f"lambda {LAMBDAS[k]:.1e}: training MSE {train}, unseen MSE {_NEW[k]:.3f}, weight size {size:.3g}."

    return update


# --- Exercises ----------------------------------------------------------------------------------

#: Exercise 8.1's data gradient, weight and penalty strength. (With w = 2 the classic mistake of
#: adding the penalty itself, lambda w^2 / 2, gives lambda w too, so it would be judged right.)
_G, _W, _LAM = 0.4, 3.0, 0.05
check_8_1 = NumberCheck(_G + _LAM * _W, rtol=1e-6, atol=1e-9, hints=[
    (_G + _LAM * _W / 2, "The 1/2 in front of the penalty cancels the 2 from differentiating w squared: "
                         "nothing is left to halve."),
    (_G + _LAM * _W ** 2 / 2, "That is the penalty itself added to the gradient: differentiate it first."),
    (_G + _LAM * _W ** 2, "That adds lambda w squared: differentiate the penalty before adding it."),
    (_G + 2 * _LAM * _W, "The 1/2 in front of the penalty cancels the 2 from differentiating w squared."),
    (_G - _LAM * _W, "The penalty grows with |w|, so its gradient points the same way as w: add it."),
    (_LAM * _W, "Keep the gradient of the data loss too: the penalty's gradient is added to it."),
    (_G + _LAM, "The penalty's pull is proportional to the weight itself, not the same for every weight."),
], hint="Differentiate the penalty term with respect to w and add the result to the data gradient.")

_FACTOR = (1 - 0.1 * 0.01) ** 1000
check_8_2 = NumberCheck(_FACTOR, rtol=2e-3, atol=0.0, hints=[
    (1 - 1000 * 0.1 * 0.01, "Each step multiplies the weight by a factor: the factors compound, they do not add."),
    ((1 - 0.01) ** 1000, "The factor of one step is 1 - (learning rate) * lambda: you left out the learning rate."),
    (1 - 0.1 * 0.01, "That is the factor of one step; the weight is multiplied by it 1000 times."),
    ((1 - 0.1) ** 1000, "The factor of one step is 1 - (learning rate) * lambda: you left out lambda."),
    (1 - _FACTOR, "That is the share of the weight that is lost; the question asks for the factor that is left."),
], hint="With no data gradient, one step multiplies the weight by the same factor. Apply it 1000 times.")

_PENALTIES = ["L1", "L2", "both", "neither"]
check_8_3 = ChoiceCheck("L1", _PENALTIES, explanations={
    "L2": "L2's pull on a weight is lambda * w, which shrinks as w does: it makes weights small, rarely zero.",
    "both": "Look at the bars of the L2 fit: small, but none is exactly zero.",
    "neither": "Look at the bars of the L1 fit: several are exactly zero.",
}, hint="Which penalty pulls with the same strength however small the weight already is?")


def _soft(z, t):
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


_Z = np.array([-2.0, -0.3, 0.0, 0.1, 0.5, 3.0])
#: The web book's kernel-free question for exercise 8.4, and the outputs of the classic mistakes there.
_PROXY_Z, _PROXY_T = np.array([-1.0, 0.3, 2.5]), 0.5
check_8_4 = FunctionCheck(_soft, [(_Z, 0.4), (np.array([1.5, -1.5]), 1.0), (np.linspace(-1, 1, 9), 0.25)], hints=[
    (lambda f: np.allclose(f(np.array([-2.0]), 0.4), [1.6]), "Keep the sign: a negative weight stays negative."),
    (lambda f: np.allclose(f(np.array([-2.0, 0.1]), 0.4), [-2.4, -0.3]),
     "Shrink towards zero: subtract t from |z|, then put the sign back."),
    (lambda f: np.allclose(f(np.array([0.1, 0.5]), 0.4), [0.0, 0.5]),
     "Values beyond t shrink by t too, not only the small ones that become 0."),
    (lambda f: np.allclose(f(np.array([0.1, -0.1]), 0.4), [-0.3, 0.3]),
     "Small values must become exactly 0, not cross to the other side of zero."),
], hint="Move each entry towards zero by t, and stop at zero if it would cross it.",
    proxy=("What does your `soft_threshold(np.array([-1.0, 0.3, 2.5]), 0.5)` return? "
           "Give the three numbers.", (_PROXY_Z, _PROXY_T), [
        ([0.5, 0.0, 2.0], "Keep the sign: a negative weight stays negative."),
        ([-1.5, 0.0, 3.0], "Shrink towards zero: subtract t from |z|, then put the sign back."),
        ([-1.5, 0.8, 3.0], "Shrink towards zero: subtract t from |z|, then put the sign back."),
        ([-1.0, 0.0, 2.5], "Values beyond t shrink by t too, not only the small ones that become 0."),
        ([-0.5, -0.2, 2.0], "Small values must become exactly 0, not cross to the other side of zero."),
    ]))
