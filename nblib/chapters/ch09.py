"""Chapter 9, Dropout: a thinned network, the inverted-dropout scaling measured, training curves
with and without dropout over seeds, dropout on a linear model as a penalty, and the checks.

Conventions: ``p`` is the probability of *dropping* a hidden neuron (as ``nblib.nn.MLP(dropout=p)``
and PyTorch's ``nn.Dropout(p)``); a kept neuron's activation is multiplied by ``1 / (1 - p)``
during training (inverted dropout) and nothing is dropped or scaled at test time.
"""

import matplotlib.pyplot as plt
import numpy as np
from numpy.polynomial import polynomial as P

from nblib import optim
from nblib.chapters.text import figure, numbers, shown
from nblib.data import POLY_NOISE, polynomial_task, polynomial_task_fresh
from nblib.exercises import ChoiceCheck, NumberCheck
from nblib.explorable import freeze_background
from nblib.nn import MLP
from nblib.polynomial import GRID, YLIM, mse, powers
from nblib.plots.network import network_diagram
from nblib.theme import COLORS, set_axes
from nblib.training import fit


# --- A thinned network --------------------------------------------------------------------------

def thinned_figure(sizes=(5, 7, 7, 3), p=0.5, seed=3):
    """Left: a full network. Right: the same network with a random set of hidden neurons dropped."""
    rng = np.random.default_rng(seed)
    fig, axes = plt.subplots(1, 2, figsize=(8.4, 3.6))
    for ax, thin in zip(axes, (False, True)):
        art = network_diagram(list(sizes), ax=ax, labels=["input"] + ["hidden"] * (len(sizes) - 2) + ["output"])
        dropped = set()
        if thin:
            dropped = {(layer, i) for layer in range(1, len(sizes) - 1) for i in range(sizes[layer])
                       if rng.random() < p}
        for key, circle in art["neurons"].items():
            if key in dropped:
                circle.set_facecolor("#eeeeee")
                circle.set_edgecolor(COLORS["residual"])
                ax.plot(*circle.center, marker="x", color=COLORS["bad"], markersize=9, markeredgewidth=2, zorder=10)
        for (a, b), line in art["connections"].items():
            if a in dropped or b in dropped:
                line.set_alpha(0.06)
        ax.set_title("the full network" if not thin else f"one thinned network ({len(dropped)} dropped)")
    return figure(fig)


# --- Inverted dropout ---------------------------------------------------------------------------

def scaling_check(X, p=0.5, passes=4000, seed=0):
    """Average outputs of many training-mode passes against the test-mode output.

    The network (``MLP([64, 128, 10], dropout=p)``) has one hidden layer, so its output is
    linear in the masked activations and the average over masks must equal the test-mode
    output. ``plain`` repeats the average with masks of 0 and 1, without the ``1 / (1 - p)``.

    Returns ``(test, inverted, plain)``, each of shape ``(len(X), 10)``.
    """
    net = MLP([64, 128, 10], dropout=p, seed=seed)
    test = net.forward(X)
    inverted = np.mean([net.forward(X, train=True) for _ in range(passes)], axis=0)
    W1, b1, W2, b2 = net.params
    hidden = np.maximum(X @ W1 + b1, 0.0)
    rng = np.random.default_rng(seed)
    plain = np.mean([(hidden * (rng.random(hidden.shape) >= p)) @ W2 + b2 for _ in range(passes)], axis=0)
    return test, inverted, plain


def scaling_numbers(test, inverted, plain, p=0.5):
    """How the averaged outputs compare with the test-mode output, as text.

    ``inverted_slope`` and ``plain_slope`` are the least-squares factors ``s`` that best match
    ``average = s * test``: 1 when the average is right, ``1 - p`` when it is shrunk.
    """
    def slope(average):
        return float(np.sum(average * test) / np.sum(test * test))

    return numbers(inverted_slope=shown(slope(inverted), ".3f"), plain_slope=shown(slope(plain), ".3f"),
                   p=shown(p, "g"), keep=shown(1 - p, "g"), factor=shown(1 / (1 - p), "g"))


def scaling_figure(test, inverted, plain):
    """Averaged training-mode outputs against test-mode outputs, with and without the scaling."""
    fig, ax = plt.subplots(figsize=(5.0, 3.8))
    low, high = float(test.min()) * 1.1, float(test.max()) * 1.1
    ax.plot([low, high], [low, high], color=COLORS["ink"], linestyle=":", linewidth=1, label="equal")
    ax.plot(test.ravel(), inverted.ravel(), "o", color=COLORS["good"], markersize=3.5, alpha=0.7,
            label="inverted: masks 0 or 1/(1 - p)")
    ax.plot(test.ravel(), plain.ravel(), "s", color=COLORS["bad"], markersize=3, alpha=0.7,
            label="plain: masks 0 or 1")
    set_axes(ax, xlabel="test-mode output (no dropout)", ylabel="average of training-mode outputs",
             legend=True)
    return figure(fig)


# --- With and without dropout -------------------------------------------------------------------

#: The experiment's network, training set size, epochs and seeds.
N_SMALL, EPOCHS, SEEDS = 200, 80, (0, 1, 2)
BATCH = 50


def dropout_runs(X_train, y_train, X_val, y_val, rates=(0.0, 0.5), seeds=SEEDS):
    """Train a 64-128-10 network on :data:`N_SMALL` digits for each dropout rate and seed.

    Returns ``{rate: [History, ...]}``, one History per seed (Adam, learning rate 0.003,
    mini-batches of :data:`BATCH`, :data:`EPOCHS` epochs).
    """
    runs = {}
    for rate in rates:
        runs[rate] = [fit(MLP([64, 128, 10], dropout=rate, seed=seed), X_train[:N_SMALL], y_train[:N_SMALL],
                          optim.Adam(0.003), epochs=EPOCHS, batch_size=BATCH, X_val=X_val, y_val=y_val, seed=seed,
                          progress=False) for seed in seeds]
    return runs


def curves_figure(runs):
    """Training and validation loss against epochs for each rate: the mean over seeds and its range."""
    fig, axes = plt.subplots(1, 2, figsize=(8.4, 3.5), sharey=True)
    colors = [COLORS["data"], COLORS["model"], COLORS["good"]]
    for ax, name in zip(axes, ("train_loss", "val_loss")):
        for color, (rate, histories) in zip(colors, runs.items()):
            curves = np.array([getattr(h, name) for h in histories])
            epochs = np.arange(curves.shape[1])
            ax.fill_between(epochs, curves.min(axis=0), curves.max(axis=0), color=color, alpha=0.25, linewidth=0)
            ax.plot(epochs, curves.mean(axis=0), color=color, label=f"dropout p = {rate:g}")
        set_axes(ax, xlabel="epoch", title="training loss" if name == "train_loss" else "validation loss",
                 yscale="log", ylabel="cross-entropy (log scale)" if name == "train_loss" else None)
    axes[1].legend()
    return figure(fig)


def curves_numbers(runs):
    """Final and lowest validation losses, best epochs and accuracies per rate (mean over seeds)."""
    values = {}
    for key, histories in zip(("off", "on"), runs.values()):
        values[f"{key}_val_end"] = shown(np.mean([h.val_loss[-1] for h in histories]), ".3f")
        values[f"{key}_val_min"] = shown(np.mean([min(h.val_loss) for h in histories]), ".3f")
        values[f"{key}_train_end"] = shown(np.mean([h.train_loss[-1] for h in histories]), ".4f")
        values[f"{key}_best"] = shown(float(np.mean([h.best_epoch for h in histories])), ".0f")
        values[f"{key}_acc"] = shown(100 * np.mean([h.val_acc[-1] for h in histories]), ".1f")
        values[f"{key}_acc_low"] = shown(100 * min(h.val_acc[-1] for h in histories), ".1f")
        values[f"{key}_acc_high"] = shown(100 * max(h.val_acc[-1] for h in histories), ".1f")
    values["seeds"] = shown(len(next(iter(runs.values()))), "d")
    values["epochs"] = shown(EPOCHS, "d")
    return numbers(**values)


# --- Dropout on a linear model ------------------------------------------------------------------

def dropout_penalty_fit(x, y, p, degree=10):
    """Coefficients ``(degree + 1,)`` minimising the *expected* MSE under inverted dropout of the
    features ``x**1 ... x**degree`` (the constant feature is never dropped).

    Each dropped feature is 0 and each kept one is divided by ``1 - p``, so a feature keeps its
    mean and gains variance ``x_j^2 p / (1 - p)``. Averaged over the masks,
    ``E[J] = MSE + p / (1 - p) * sum_j c_j w_j^2`` with ``c_j`` the mean of ``x_j^2`` over the
    points: an L2 penalty scaled per feature. Setting its gradient to zero gives
    ``(X^T X / n + p / (1 - p) * diag(c)) w = X^T y / n``.
    """
    X, n = powers(x, degree), len(x)
    c = np.mean(X ** 2, axis=0)
    c[0] = 0.0
    if p == 0:
        return np.linalg.lstsq(X, y, rcond=None)[0]
    return np.linalg.solve(X.T @ X / n + p / (1 - p) * np.diag(c), X.T @ y / n)


def expected_loss_check(x, y, w, p, draws=20000, seed=0):
    """The MSE of ``w`` averaged over ``draws`` random dropout masks, and the formula's value.

    Returns ``(sampled, formula)``: sampled averages ``mean_i (y_i - x~_i . w)^2`` over masks
    of the features 1..degree (:func:`masked_losses`); formula is
    ``MSE + p / (1 - p) * sum_j c_j w_j^2``.
    """
    X = powers(x, len(w) - 1)
    c = np.mean(X ** 2, axis=0)
    formula = float(np.mean((y - X @ w) ** 2) + p / (1 - p) * np.sum(c[1:] * w[1:] ** 2))
    return float(np.mean(masked_losses(x, y, w, p, draws, seed))), formula


def masked_losses(x, y, w, p, draws=20000, seed=0):
    """The MSE of ``w`` under each of ``draws`` random dropout masks of the features: ``(draws,)``."""
    X = powers(x, len(w) - 1)
    rng = np.random.default_rng(seed)
    keep = rng.random((draws,) + X.shape) >= p
    keep[:, :, 0] = True
    scale = np.where(np.arange(X.shape[1]) == 0, 1.0, 1 / (1 - p))
    return np.mean((y - np.einsum("dnj,j->dn", keep * X * scale, w)) ** 2, axis=1)


def masked_losses_figure(losses, formula):
    """A histogram of the loss under single masks, with their mean and the formula's value marked."""
    fig, ax = plt.subplots(figsize=(5.6, 3.2))
    ax.hist(losses, bins=60, color=COLORS["neutral"], alpha=0.8)
    ax.axvline(losses.mean(), color=COLORS["model"], linewidth=2, label=f"mean over masks {losses.mean():.4f}")
    ax.axvline(formula, color=COLORS["ink"], linestyle="--", linewidth=1.5, label=f"formula {formula:.4f}")
    set_axes(ax, xlabel="MSE of the fit under one dropout mask", ylabel="number of masks", legend=True)
    return figure(fig)


#: The explorable's dropout rates: 0, then ten stops a decade from 1e-10 to 10**-0.1 (every power
#: of ten among them), then 0.9, so that the calming of the wild curve, between about 1e-9 and
#: 1e-5, is seen.
RATES = np.concatenate([[0.0], 10.0 ** (np.arange(-100, 0) / 10), [0.9]])
#: How a rate is written, by the slider's readout and by the frame's status line alike.
RATE_FMT = "{:.2g}"
#: An unseen MSE below this counts as calm in the things to try (the wild curve's is about 0.36).
CALM = 0.1

_X, _Y, _ = polynomial_task()
_X_NEW, _Y_NEW = polynomial_task_fresh(200, seed=1)
_FITS = [dropout_penalty_fit(_X, _Y, p) for p in RATES]
_TRAIN = np.array([mse(c, _X, _Y) for c in _FITS])
_NEW = np.array([mse(c, _X_NEW, _Y_NEW) for c in _FITS])


def rate_frame(p):
    """What the explorable shows at the stop nearest ``p``: a dict with the ``rate``, the ``train``
    and ``new`` (unseen) MSE, the fit's ``coef`` and its ``height``, the range of the curve
    over [-1, 1] (the source's is 2)."""
    k = int(np.argmin(np.abs(RATES - p)))
    curve = P.polyval(GRID, _FITS[k])
    return dict(rate=RATES[k], train=_TRAIN[k], new=_NEW[k], coef=_FITS[k],
                height=float(curve.max() - curve.min()))


def rate_numbers():
    """The explorable's numbers, as text: the wild fit at p = 0, the last wild stop and the first
    calm one, the best rate on the unseen points, the source's own score there, the last stop."""
    best = int(np.argmin(_NEW))
    calm = int(np.argmax(_NEW < CALM))                    # first stop below CALM
    wild = int(np.flatnonzero(_NEW[:calm] > 0.9 * _NEW[0])[-1])  # last stop within 10% of p = 0
    source = float(np.mean((_Y_NEW - _X_NEW) ** 2))
    last = rate_frame(RATES[-1])
    return numbers(best_rate=shown(RATES[best], ".2f"), best_new=shown(_NEW[best], ".3f"),
                   best_train=shown(_TRAIN[best], ".3f"),
                   free_new=shown(_NEW[0], ".3f"), last_rate=shown(RATES[-1], "g"), last_new=shown(_NEW[-1], ".3f"),
                   last_train=shown(_TRAIN[-1], ".3f"), last_height=shown(last["height"], ".2f"),
                   calm=shown(CALM, "g"), calm_rate=shown(RATES[calm], ".1e"), calm_new=shown(_NEW[calm], ".3f"),
                   wild_rate=shown(RATES[wild], ".0e"), source_new=shown(source, ".4f"),
                   noise_var=shown(POLY_NOISE ** 2, ".2f"))


def _rate_curves(ax):
    ax.plot(RATES[1:], _TRAIN[1:], color=COLORS["data"], label="training points")
    ax.plot(RATES[1:], _NEW[1:], color=COLORS["model"], label="unseen points")
    ax.axhline(POLY_NOISE ** 2, color=COLORS["ink"], linestyle=":", linewidth=1.2, label="noise variance")
    set_axes(ax, xlabel="dropout rate $p$ (log scale)", ylabel="MSE (log scale)", xscale="log", yscale="log",
             ylim=(1e-3, 1.0), xlim=(RATES[1], 1.0))


def rate_view(fig):
    """The explorable's view. Left: the degree-10 fit under dropout of its features, rate p.
    Right: training and unseen-point MSE against p, the chosen rate marked. Returns ``update(p)``.
    """
    left, right = fig.subplots(1, 2, width_ratios=[1.1, 1])
    left.plot(_X_NEW, _Y_NEW, "o", color=COLORS["residual"], markersize=2.5, alpha=0.35, label="unseen points")
    left.plot(_X, _Y, "o", color=COLORS["data"], markersize=5, label="training points")
    curve, = left.plot(GRID, P.polyval(GRID, _FITS[0]), color=COLORS["model"], label="fit")
    set_axes(left, xlabel="$x$", ylabel="$y$", xlim=(-1.05, 1.05), ylim=YLIM)
    left.legend(loc="lower right", fontsize=8)
    text = left.text(0.03, 0.97, "", transform=left.transAxes, va="top", fontsize=10,
                     bbox=dict(facecolor="white", edgecolor="none", alpha=0.85))
    _rate_curves(right)
    right.legend(loc="upper right", fontsize=8)
    marks, = right.plot([], [], "o", color=COLORS["ink"], fillstyle="none", markersize=9, markeredgewidth=2)
    freeze_background(fig, [curve, text, marks])

    def update(p):
        k = int(np.argmin(np.abs(RATES - p)))
        curve.set_ydata(P.polyval(GRID, _FITS[k]))
        marks.set_data([max(RATES[k], RATES[1])] * 2, [max(_TRAIN[k], 1e-3), _NEW[k]])
        train = "0" if _TRAIN[k] < 1e-12 else f"{_TRAIN[k]:.3f}"
        edge = "\n(p = 0: marks at the left edge)" if k == 0 else ""
        text.set_text(f"training MSE {train}\nunseen MSE {_NEW[k]:.3f}{edge}")
        return f"Dropout rate {RATE_FMT.format(RATES[k])}: training MSE {train}, unseen MSE {_NEW[k]:.3f}."

    return update


# --- Exercises ----------------------------------------------------------------------------------

#: Exercise 9.1's dropout rate: 1 / (1 - p) and the classic 1 + p differ at two digits (1.7 and 1.4).
P_91 = 0.4
check_9_1 = NumberCheck(1 / (1 - P_91), rtol=1e-3, hints=[
    (1 - P_91, "That is the probability of keeping a neuron; the kept activations are divided by it."),
    (P_91, "That is the probability of dropping; the kept activations are divided by the probability of keeping."),
    (1 / P_91, "That divides by the probability of dropping; divide by the probability of keeping."),
    (1 + P_91, "Adding p is only roughly right for a small p: what factor keeps the expected activation "
               "exactly the same when only a share 1 - p of the neurons is kept?"),
    (1 / (1 + P_91), "The kept share is 1 - p, not 1 + p."),
    (P_91 / (1 - P_91), "That is the strength of the penalty dropout adds to a linear model, not the mask's value."),
], hint="The expected value of mask * a must be a: mask is 0 or s, and is s with probability 1 - p.")

check_9_2 = NumberCheck(128 * (1 - 0.3), rtol=1e-3, hints=[
    (128 * 0.3, "That is how many are dropped on average; the question asks for the kept ones."),
    (128, "Each neuron is dropped with probability 0.3, so fewer than all are kept on average."),
    (128 / (1 - 0.3), "That divides by the probability of keeping (the activations' scaling); "
                      "the number kept is a share of the 128."),
    (89, "An average number of neurons need not be a whole number: do not round it down."),
], hint="Each of the 128 neurons is kept with probability 1 - p.")

_TEST_CHOICES = ["drop neurons at the same rate", "multiply activations by 1 - p",
                 "use every neuron unchanged"]
check_9_3 = ChoiceCheck(_TEST_CHOICES[2], _TEST_CHOICES, explanations={
    _TEST_CHOICES[0]: "Then every prediction would be random; at test time we want the average network.",
    _TEST_CHOICES[1]: "That is what the original dropout does at test time, whose training does not scale. "
                      "Inverted dropout already divided by 1 - p during training.",
}, hint="Inverted dropout does its scaling during training. What is left to do at test time?")
