"""Chapter 13, Putting it together: a digit classifier trained end to end, its figures, its explorable and its checks.

The data are scikit-learn's 8x8 digits (:func:`nblib.data.digits`), split once with
:func:`nblib.data.train_val_test_split`. :data:`RECIPE` is the training recipe of the chapter;
:func:`train` runs it for one seed and :func:`sklearn_run` trains scikit-learn's
``MLPClassifier`` on the same split. Both are timed in CPU seconds on one core. Each
``*_figure`` function returns a closed figure; each ``*_numbers`` function returns the numbers
the prose quotes. ``check_13_1`` ... ``check_13_4`` are the exercises' checks.
"""

import functools
import math
import os
import time
import warnings
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
from threadpoolctl import threadpool_limits

from nblib import optim, schedules
from nblib.chapters.text import figure, numbers, shown
from nblib.data import digits, train_val_test_split
from nblib.exercises import ChoiceCheck, FunctionCheck, NumberCheck
from nblib.explorable import PRINT_ENV, freeze_background
from nblib.nn import MLP
from nblib.theme import COLORS, set_axes
from nblib.training import fit

#: The chapter's recipe: network, optimizer, schedule, regularization and stopping rule.
RECIPE = dict(sizes=[64, 128, 10], activation="relu", lr=0.005, epochs=30, batch_size=64, l2=1e-3,
              patience=8)


# --- The data ------------------------------------------------------------------------------------

def split(seed=0):
    """The digits split 70 / 15 / 15 into training, validation and test sets, keeping each digit's share.

    Returns a namespace with ``X_train, X_val, X_test`` (pixels in [0, 1], 64 per image) and
    ``y_train, y_val, y_test``.
    """
    X, y = digits()
    parts = train_val_test_split(X, y, val=0.15, test=0.15, seed=seed)
    return SimpleNamespace(**dict(zip(["X_train", "X_val", "X_test", "y_train", "y_val", "y_test"], parts)))


def standardizer(X_train):
    """The mean and spread of each input over the training set: ``(mean, std)``, each ``(d,)``.

    A pixel that never changes in the training set (std 0) gets std 1, so that it stays 0
    after scaling instead of becoming NaN.
    """
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return mean, np.where(std > 0, std, 1.0)


def scaled(data):
    """``data`` with every input standardized by the training set's mean and std (a new namespace)."""
    mean, std = standardizer(data.X_train)
    return SimpleNamespace(**{name: (value - mean) / std if name.startswith("X") else value
                              for name, value in vars(data).items()})


def samples_figure(X, y, per_digit=6):
    """``per_digit`` examples of each digit, one row per digit."""
    fig, axes = plt.subplots(per_digit, 10, figsize=(6.4, 0.68 * per_digit))
    for digit in range(10):
        for row, index in enumerate(np.flatnonzero(y == digit)[:per_digit]):
            axes[row, digit].imshow(X[index].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    for ax in axes.ravel():
        ax.set_axis_off()
    return figure(fig)


# --- Training --------------------------------------------------------------------------------------

def train(data, seed=0, progress=False, recipe=RECIPE):
    """Train a network on ``data`` (already scaled) with ``recipe``; time it in CPU seconds on one core.

    The seed sets the initial weights and the order of the mini-batches. ``progress`` shows a
    bar in Jupyter; the PDF edition (``NBLIB_PRINT=1``) has no use for a bar frozen at 0%.
    Returns ``(net, history, seconds)``.
    """
    progress = progress and os.environ.get(PRINT_ENV) != "1"
    net = MLP(recipe["sizes"], activation=recipe["activation"], seed=seed)
    optimizer = optim.Adam(lr=recipe["lr"])
    with threadpool_limits(1):
        start = time.process_time()
        history = fit(net, data.X_train, data.y_train, optimizer, epochs=recipe["epochs"],
                      batch_size=recipe["batch_size"], X_val=data.X_val, y_val=data.y_val,
                      schedule=schedules.cosine(recipe["lr"], recipe["epochs"]), l2=recipe["l2"],
                      patience=recipe["patience"], seed=seed, progress=progress)
        seconds = time.process_time() - start
    return net, history, seconds


def sklearn_run(data, seed=0):
    """scikit-learn's ``MLPClassifier`` with its default settings, trained on the same training set.

    Its defaults: one hidden layer of 100 ReLU units, Adam with rate 0.001, batches of 200, an L2
    penalty of 0.0001, at most 200 epochs, stopping when the training loss stops improving.
    Returns ``(test accuracy, CPU seconds on one core, epochs run)``.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(random_state=seed)
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.process_time()
        model.fit(data.X_train, data.y_train)
        seconds = time.process_time() - start
    return float(model.score(data.X_test, data.y_test)), seconds, int(model.n_iter_)


def seed_runs(data, seeds):
    """Train with each seed; returns a dict of arrays: ``accuracy`` (test), ``seconds``, ``epochs``."""
    runs = [train(data, seed) for seed in seeds]
    return {"accuracy": np.array([net.accuracy(data.X_test, data.y_test) for net, _, _ in runs]),
            "seconds": np.array([seconds for _, _, seconds in runs]),
            "epochs": np.array([len(history.train_loss) for _, history, _ in runs])}


def sklearn_runs(data, seeds):
    """:func:`sklearn_run` with each seed; a dict of arrays ``accuracy``, ``seconds``, ``epochs``."""
    runs = np.array([sklearn_run(data, seed) for seed in seeds])
    return {"accuracy": runs[:, 0], "seconds": runs[:, 1], "epochs": runs[:, 2].astype(int)}


def run_numbers(net, history, seconds, data):
    """What the text says about the main run."""
    best = history.best_epoch
    return numbers(epochs=len(history.train_loss), best=best + 1, seconds=shown(seconds, ".2f"),
                   per_epoch=shown(1e3 * seconds / len(history.train_loss), ".0f"),
                   val_acc=shown(100 * history.val_acc[best], ".1f"),
                   train_acc=shown(100 * history.train_acc[best], ".1f"),
                   test_acc=shown(100 * net.accuracy(data.X_test, data.y_test), ".1f"),
                   errors=int(np.sum(net.predict(data.X_test) != data.y_test)), n_test=len(data.y_test),
                   n_train=len(data.y_train), n_val=len(data.y_val),
                   steps=math.ceil(len(data.y_train) / RECIPE["batch_size"]),
                   params=shown(net.n_params, ",d"),
                   total_steps=shown(len(history.train_loss) * math.ceil(len(data.y_train) / RECIPE["batch_size"]), ",d"))


def comparison_numbers(ours, theirs):
    """Accuracy and time of the seeds of both, as text (percentages and seconds)."""
    def pct(values):
        return shown(100 * float(values), ".1f")

    return numbers(n_ours=len(ours["accuracy"]), n_theirs=len(theirs["accuracy"]),
                   ours_min=pct(ours["accuracy"].min()), ours_mean=pct(ours["accuracy"].mean()),
                   ours_max=pct(ours["accuracy"].max()), ours_time=shown(ours["seconds"].mean(), ".1f"),
                   theirs_min=pct(theirs["accuracy"].min()), theirs_mean=pct(theirs["accuracy"].mean()),
                   theirs_max=pct(theirs["accuracy"].max()), theirs_time=shown(theirs["seconds"].mean(), ".1f"),
                   theirs_epochs=shown(theirs["epochs"].mean(), ".0f"), ours_epochs=shown(ours["epochs"].mean(), ".1f"),
                   speedup=shown(theirs["seconds"].mean() / ours["seconds"].mean(), ".1f"))


# --- Figures of the run --------------------------------------------------------------------------

def curves_figure(history):
    """Loss and accuracy on the training and validation sets per epoch, and the learning rate."""
    epochs = np.arange(1, len(history.train_loss) + 1)
    best = history.best_epoch + 1
    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(8.6, 3.0), width_ratios=[1.2, 1.2, 0.9])
    left.plot(epochs, history.train_loss, color=COLORS["data"], label="training")
    left.plot(epochs, history.val_loss, color=COLORS["model"], label="validation")
    set_axes(left, xlabel="epoch", ylabel="cross-entropy", title="loss", yscale="log", legend=True)
    middle.plot(epochs, 100 * np.array(history.train_acc), color=COLORS["data"], label="training")
    middle.plot(epochs, 100 * np.array(history.val_acc), color=COLORS["model"], label="validation")
    set_axes(middle, xlabel="epoch", ylabel="accuracy (%)", title="accuracy", ylim=(90, 100.5))
    right.plot(epochs, history.lr, color=COLORS["good"])
    set_axes(right, xlabel="epoch", ylabel="learning rate", title="cosine schedule", ylim=(0, None))
    for ax in (left, middle, right):
        ax.axvline(best, color=COLORS["residual"], ls="--", lw=1.2)
    middle.text(best, 90.5, " best\n epoch", fontsize=8, color=COLORS["ink"])
    return figure(fig)


def confusion(y_true, y_pred, k=10):
    """The confusion matrix ``(k, k)``: entry ``[i, j]`` counts the examples of class i predicted as j."""
    matrix = np.zeros((k, k), dtype=int)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix


def confusion_figure(matrix):
    """The confusion matrix as a grid of counts; the diagonal (right answers) in a light colour."""
    fig, ax = plt.subplots(figsize=(4.6, 4.0))
    off = np.where(np.eye(len(matrix), dtype=bool), 0, matrix)
    ax.imshow(off, cmap="Oranges", vmin=0, vmax=max(3, off.max()))
    for (i, j), count in np.ndenumerate(matrix):
        if count:
            ax.text(j, i, str(count), ha="center", va="center", fontsize=9,
                    color=COLORS["data"] if i == j else COLORS["ink"], fontweight="bold" if i != j else None)
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.grid(False)
    set_axes(ax, xlabel="predicted digit", ylabel="true digit")
    return figure(fig)


def mistakes_figure(net, X_raw, X, y):
    """Every misclassified test image, with its true digit, the prediction and its probability."""
    logits = net.forward(X)
    probability = np.exp(logits - logits.max(axis=1, keepdims=True))
    probability /= probability.sum(axis=1, keepdims=True)
    wrong = np.flatnonzero(logits.argmax(axis=1) != y)
    fig, axes = plt.subplots(1, max(len(wrong), 1), figsize=(1.25 * max(len(wrong), 4), 1.75), squeeze=False)
    for ax, index in zip(axes[0], wrong):
        guess = probability[index].argmax()
        ax.imshow(X_raw[index].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"true {y[index]}\nsaid {guess} ({100 * probability[index, guess]:.0f}%)", fontsize=9)
    for ax in axes[0]:
        ax.set_axis_off()
    return figure(fig)


def comparison_figure(ours, theirs):
    """Test accuracy against CPU seconds for every seed of both models."""
    fig, ax = plt.subplots(figsize=(5.6, 3.2))
    for runs, label, color, marker in ((ours, "this chapter's network", COLORS["good"], "o"),
                                       (theirs, "scikit-learn MLPClassifier", COLORS["data"], "s")):
        ax.plot(runs["seconds"], 100 * runs["accuracy"], marker, ms=8, color=color, alpha=0.8, label=label,
                linestyle="none")
    ax.axhline(97, color=COLORS["residual"], ls="--", lw=1.2, label="97%")
    slowest = max(ours["seconds"].max(), theirs["seconds"].max())
    lowest = min(ours["accuracy"].min(), theirs["accuracy"].min())
    set_axes(ax, xlabel="CPU seconds on one core", ylabel="test accuracy (%)", xlim=(0, 1.2 * slowest),
             ylim=(min(96.5, 100 * lowest - 0.5), 100.2))
    ax.legend(fontsize=8, loc="center")
    return figure(fig)


# --- Explorable: the learning rate ---------------------------------------------------------------

#: The explorable's learning rates (41, log-spaced) and epochs; the network of its runs.
LR_VALUES = tuple(float(v) for v in np.geomspace(1e-4, 1.0, 41))
SWEEP_EPOCHS = 20
SWEEP_SIZES = [64, 32, 10]


@functools.lru_cache(maxsize=1)
def lr_sweep(seed=0):
    """Train the small network once per learning rate in :data:`LR_VALUES` (Adam, batches of 256).

    Every run starts from the same weights and sees the batches in the same order. Returns a
    dict of arrays ``(len(LR_VALUES), SWEEP_EPOCHS)``: ``train_loss``, ``val_loss``, ``val_acc``
    (NaN after a run that stopped because its loss was no longer finite).
    """
    data = scaled(split())
    out = {name: np.full((len(LR_VALUES), SWEEP_EPOCHS), np.nan) for name in ("train_loss", "val_loss", "val_acc")}
    with threadpool_limits(1):
        for k, lr in enumerate(LR_VALUES):
            net = MLP(SWEEP_SIZES, seed=seed)
            history = fit(net, data.X_train, data.y_train, optim.Adam(lr=lr), epochs=SWEEP_EPOCHS,
                          batch_size=256, X_val=data.X_val, y_val=data.y_val, seed=seed, progress=False)
            for name in out:
                values = getattr(history, name)
                out[name][k, :len(values)] = values
    return out


def lr_view(fig):
    """The explorable's view: learning curves at one learning rate, and accuracy over all rates.

    Returns ``update(lr, epoch)``: the left panel draws the training and validation loss of the
    run with rate ``lr`` up to ``epoch``; the right panel the validation accuracy after ``epoch``
    for every rate, with the chosen one marked.
    """
    sweep = lr_sweep()
    epochs = np.arange(1, SWEEP_EPOCHS + 1)
    left, right = fig.subplots(1, 2)
    train_line, = left.plot([], [], "o-", ms=3, color=COLORS["data"])
    val_line, = left.plot([], [], "o-", ms=3, color=COLORS["model"])
    set_axes(left, xlabel="epoch", ylabel="cross-entropy (log scale)", yscale="log", xlim=(0.5, SWEEP_EPOCHS + 0.5),
             ylim=(1e-5, 300), title="loss: training (blue), validation (orange)")
    left.set_xticks([1, 5, 10, 15, 20])
    note = left.text(0.97, 0.96, "", transform=left.transAxes, fontsize=9.5, ha="right", va="top",
                     color=COLORS["ink"])
    acc_line, = right.plot(LR_VALUES, np.full(len(LR_VALUES), np.nan), color=COLORS["model"])
    marker, = right.plot([], [], "o", ms=8, color=COLORS["highlight"])
    set_axes(right, xlabel="learning rate (log scale)", ylabel="validation accuracy (%)", xscale="log",
             xlim=(LR_VALUES[0] / 1.5, LR_VALUES[-1] * 1.5), ylim=(0, 100), title=" ")  # room for the line below
    title = right.text(0.5, 1.02, "", transform=right.transAxes, ha="center", va="bottom", fontsize=11,
                       color=COLORS["ink"])
    freeze_background(fig, [train_line, val_line, note, acc_line, marker, title])

    def update(lr, epoch):
        k = LR_VALUES.index(lr)
        train_line.set_data(epochs[:epoch], sweep["train_loss"][k, :epoch])
        val_line.set_data(epochs[:epoch], sweep["val_loss"][k, :epoch])
        accuracy = 100 * sweep["val_acc"][:, epoch - 1]
        acc_line.set_ydata(accuracy)
        marker.set_data([lr], [accuracy[k]])
        val = sweep["val_loss"][k, epoch - 1]
        gap = val / sweep["train_loss"][k, epoch - 1]
        note.set_text(f"validation loss {val:.3g}" + (" (off the chart)" if val > 300 else "")
                      + f", {gap:.1f}× training")
        title.set_text(f"validation accuracy after epoch {epoch}: {accuracy[k]:.1f}% here")
        return (f"Learning rate {lr:.2g}, epoch {epoch}: validation loss {val:.3g}, "
                f"validation accuracy {accuracy[k]:.1f}%.")

    return update


def sweep_numbers(sweep):
    """What the text says about the learning-rate sweep: the best rates by loss and by accuracy."""
    final_loss, final_acc = sweep["val_loss"][:, -1], sweep["val_acc"][:, -1]
    k_loss, k_acc = int(np.nanargmin(final_loss)), int(np.nanargmax(final_acc))
    first_acc = sweep["val_acc"][:, 0]
    k_first = int(np.nanargmax(first_acc))
    k_01 = LR_VALUES.index(min(LR_VALUES, key=lambda lr: abs(math.log(lr / 0.01))))
    reached = np.flatnonzero(sweep["val_acc"][k_01] >= 0.9)
    jumpy = [k for k in range(len(LR_VALUES)) if np.any(np.diff(sweep["train_loss"][k]) > 0)]
    return numbers(n_rates=len(LR_VALUES), epochs=SWEEP_EPOCHS,
                   lowest=shown(LR_VALUES[0], "g"), highest=shown(LR_VALUES[-1], "g"),
                   acc_lowest=shown(100 * final_acc[0], ".0f"), best_loss_lr=shown(LR_VALUES[k_loss], ".2g"),
                   best_loss=shown(final_loss[k_loss], ".2f"), best_loss_acc=shown(100 * final_acc[k_loss], ".1f"),
                   best_acc_lr=shown(LR_VALUES[k_acc], ".2g"), best_acc=shown(100 * final_acc[k_acc], ".1f"),
                   best_acc_loss=shown(final_loss[k_acc], ".2f"), loss_highest=shown(final_loss[-1], ".0f"),
                   acc_highest=shown(100 * final_acc[-1], ".1f"),
                   lr_01=shown(LR_VALUES[k_01], ".2g"),
                   epoch_90=int(reached[0]) + 1 if len(reached) else "never",
                   jumpy_lr=shown(LR_VALUES[jumpy[0]], ".2g") if jumpy else "no rate",
                   first_lr=shown(LR_VALUES[k_first], ".2g"), first_acc=shown(100 * first_acc[k_first], ".0f"))


# --- Exercises --------------------------------------------------------------------------------------

def _majority_accuracy(y_test):
    return float(np.mean(y_test == np.bincount(y_test).argmax()))


_DATA = split()
check_13_1 = NumberCheck(_majority_accuracy(_DATA.y_test), rtol=1e-3, hints=[
    (float(np.bincount(_DATA.y_test).min() / len(_DATA.y_test)),
     "That is the share of the least common digit; the lazy classifier answers the most common one."),
    (float(np.bincount(_DATA.y_test).max()), "That is a count of images: divide by the size of the test set."),
    (float(np.bincount(_DATA.y_train).max() / len(_DATA.y_train)),
     "That is the share in the training set; the question is about the test set."),
], hint="A model that always answers the same digit is right exactly on the images of that digit.")


def _recall(matrix, k):
    matrix = np.asarray(matrix)
    return matrix[k, k] / matrix[k].sum()


_M = np.array([[50, 2, 0], [5, 40, 5], [0, 10, 30]])
check_13_2 = FunctionCheck(_recall, [(_M, 1), (_M, 2), (np.array([[3, 1], [0, 4]]), 0)], hints=[
    (lambda f: np.isclose(f(_M, 1), 40 / 52), "That divides by the column: the images *predicted* as k "
                                              "(that is the precision). Recall divides by the row."),
    (lambda f: np.isclose(f(_M, 1), 40 / 137), "That divides by every image; divide by the images of class k."),
    (lambda f: np.isclose(f(_M, 1), 40), "That is the count of right answers for class k: divide it by "
                                         "the number of images of class k."),
], hint="Row k holds every image of class k; the diagonal entry counts those classified correctly.")

_SOURCES = ["the training set", "the whole data set", "the test set"]
check_13_3 = ChoiceCheck(_SOURCES[0], _SOURCES, explanations={
    _SOURCES[1]: "The whole data set includes the test images: their statistics would leak into "
                 "training, and the test score would no longer be an honest estimate.",
    _SOURCES[2]: "The test set must stay unseen until the very end; and the network trains on inputs "
                 "scaled with the training set's numbers.",
}, hint="Which set is the model allowed to learn from?")

_N_TRAIN = len(_DATA.y_train)
check_13_4 = NumberCheck(math.ceil(_N_TRAIN / 64) * 30, rtol=0, atol=0.5, hints=[
    (_N_TRAIN // 64 * 30, "The last batch of each epoch is smaller but still a step: round up."),
    (math.ceil(_N_TRAIN / 64), "That is one epoch: the run has 30."),
    (_N_TRAIN * 30, "That counts images, not steps: a step uses a whole batch of 64."),
], hint="Steps per epoch = batches per epoch, the training set cut into pieces of 64.")
