"""Chapter 13, Putting it together: a digit classifier trained end to end, checked before training,
measured against baselines over several splits, its figures, its explorable and its checks.

The data are scikit-learn's 8x8 digits (:func:`nblib.data.digits`), split 70 / 15 / 15 with
:func:`nblib.data.train_val_test_split`, one stratified split per seed in :data:`SPLIT_SEEDS`.
:data:`RECIPE` is the training recipe of the chapter (AdamW, a cosine schedule, early stopping);
:func:`train` runs it for one split and seed. :func:`split_runs` trains, on every split, the
recipe, a softmax-regression baseline, the recipe's Adam + L2 twin and scikit-learn's
``MLPClassifier`` twice (at the same budget and at its defaults), each timed in CPU seconds on one
core; it is cached, so the notebook trains each model once. Epochs are counted from 0, as in
:class:`nblib.training.History` and chapter 7. Each ``*_figure`` function returns a closed figure;
each ``*_numbers`` function returns the numbers the prose quotes. ``check_13_1`` ...
``check_13_5`` are the exercises' checks.
"""

import functools
import math
import os
import time
import warnings
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
from scipy import stats
from threadpoolctl import threadpool_limits

from nblib import optim, schedules
from nblib.chapters.text import Shown, figure, numbers, scientific_text, shown
from nblib.data import digits, train_val_test_split
from nblib.exercises import ChoiceCheck, FunctionCheck, NumberCheck
from nblib.explorable import PRINT_ENV, freeze_background
from nblib.nn import MLP
from nblib.theme import COLORS, set_axes
from nblib.training import fit

#: The chapter's recipe: network, optimizer (AdamW), schedule, weight decay and stopping rule.
RECIPE = dict(sizes=[64, 128, 10], activation="relu", lr=0.01, weight_decay=0.5, epochs=30, batch_size=64,
              patience=8)
#: The weight decays the recipe's was chosen from, by the lowest mean validation loss over the splits.
WEIGHT_DECAYS = (0.01, 0.1, 0.3, 0.5, 1.0, 2.0)
#: The baseline: the same recipe without a hidden layer, i.e. softmax (multinomial logistic) regression.
BASELINE = dict(RECIPE, sizes=[64, 10])
#: The recipe's twin for the comparison at the same budget: what scikit-learn can also do
#: (Adam with an L2 term in the gradient, a constant rate, every epoch run).
TWIN = dict(sizes=[64, 128, 10], lr=0.01, l2=1e-3, epochs=30, batch_size=64)
#: The writers of scikit-learn's digits: the 13 who wrote the UCI test set (Alpaydin & Kaynak 1998).
WRITERS = 13
#: The epoch from which the text compares the fall of the training and validation losses.
TURN = 5
#: One stratified split (and one initialization) per seed.
SPLIT_SEEDS = (0, 1, 2, 3, 4)
#: The models of :func:`split_runs`, in the order the figure and the table show them.
MODELS = ("softmax", "recipe", "twin", "sklearn_twin", "sklearn_default")
LABELS = {"softmax": "softmax\nregression", "recipe": "recipe\n(AdamW)", "twin": "Adam + L2\ntwin",
          "sklearn_twin": "sklearn\nsame budget", "sklearn_default": "sklearn\ndefaults"}


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


def data_numbers():
    """What the text says about the data set: its size and its writers."""
    _, y = digits()
    return numbers(n=shown(len(y), ",d"), writers=WRITERS, per_writer=shown(len(y) / WRITERS, ".0f"))


def samples_figure(X, y, per_digit=6):
    """``per_digit`` examples of each digit, one row per digit."""
    fig, axes = plt.subplots(per_digit, 10, figsize=(6.4, 0.68 * per_digit))
    for digit in range(10):
        for row, index in enumerate(np.flatnonzero(y == digit)[:per_digit]):
            axes[row, digit].imshow(X[index].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    for ax in axes.ravel():
        ax.set_axis_off()
    return figure(fig)


# --- Sanity checks before training ---------------------------------------------------------------

def init_numbers(data, seed=0):
    """The loss at initialization beside ln 10, and what makes the difference.

    ``loss`` is the cross-entropy of the freshly initialized network on the training set;
    ``equal`` the loss of the same network with its output weights set to 0 (all ten outputs
    equal), which is ln 10 exactly; ``spread`` the standard deviation of the initial outputs;
    ``constant`` the lowest loss of a network that ignores its input (the entropy of the labels).
    """
    net = MLP(RECIPE["sizes"], activation=RECIPE["activation"], seed=seed)
    loss = float(net.loss(data.X_train, data.y_train, "cross_entropy"))
    spread = float(net.forward(data.X_train).std())
    net.params[-2][:] = 0
    equal = float(net.loss(data.X_train, data.y_train, "cross_entropy"))
    share = np.bincount(data.y_train, minlength=10) / len(data.y_train)
    return numbers(loss=shown(loss, ".2f"), ln10=shown(math.log(10), ".4f"), equal=shown(equal, ".4f"),
                   spread=shown(spread, ".1f"), constant=shown(float(-np.sum(share * np.log(share))), ".4f"),
                   excess=shown(loss - math.log(10), ".2f"))


#: The one small batch the sanity check drives to zero loss: its size and the steps it takes.
ONE_BATCH = dict(size=32, steps=100, lr=0.01)


def one_batch_run(data, seed=0):
    """Train the recipe's network on the first ``ONE_BATCH["size"]`` training images alone.

    Adam without weight decay, the whole batch in every step, ``ONE_BATCH["steps"]`` steps
    (one step per epoch). Returns the ``History``; its ``train_loss`` is the loss on the batch.
    """
    n = ONE_BATCH["size"]
    net = MLP(RECIPE["sizes"], activation=RECIPE["activation"], seed=seed)
    return fit(net, data.X_train[:n], data.y_train[:n], optim.Adam(lr=ONE_BATCH["lr"]),
               epochs=ONE_BATCH["steps"], batch_size=n, seed=seed, progress=False)


def one_batch_numbers(history):
    """What the text says about the one-batch run."""
    return numbers(size=ONE_BATCH["size"], steps=ONE_BATCH["steps"], start=shown(history.train_loss[0], ".2f"),
                   end=scientific_text(history.train_loss[-1]), accuracy=shown(100 * history.train_acc[-1], ".0f"))


# --- Training --------------------------------------------------------------------------------------

def baseline_numbers(history, data):
    """The baseline's validation accuracy at its kept epoch, and the lazy classifier's (most common digit)."""
    lazy = np.mean(data.y_val == np.bincount(data.y_train).argmax())
    return numbers(val_acc=shown(100 * history.val_acc[history.best_epoch], ".1f"), lazy=shown(100 * lazy, ".0f"),
                   best=history.best_epoch)


def network(recipe=RECIPE, seed=0):
    """A new network of the recipe's shape (He initialization for ReLU, biases 0)."""
    return MLP(recipe["sizes"], activation=recipe.get("activation", "relu"), seed=seed)


def train(data, seed=0, progress=False, recipe=RECIPE):
    """Train a network on ``data`` (already scaled) with ``recipe``; time it in CPU seconds on one core.

    AdamW (decoupled weight decay) with a cosine schedule and early stopping on the validation
    loss, keeping the weights of the best epoch. The seed sets the initial weights and the order
    of the mini-batches. ``progress`` shows a bar in Jupyter; the PDF edition
    (``NBLIB_PRINT=1``) has no use for a bar frozen at 0%. Returns ``(net, history, seconds)``.
    """
    progress = progress and os.environ.get(PRINT_ENV) != "1"
    net = network(recipe, seed)
    optimizer = optim.AdamW(lr=recipe["lr"], weight_decay=recipe["weight_decay"])
    with threadpool_limits(1):
        start = time.process_time()
        history = fit(net, data.X_train, data.y_train, optimizer, epochs=recipe["epochs"],
                      batch_size=recipe["batch_size"], X_val=data.X_val, y_val=data.y_val,
                      schedule=schedules.cosine(recipe["lr"], recipe["epochs"]),
                      patience=recipe["patience"], seed=seed, progress=progress)
        seconds = time.process_time() - start
    return net, history, seconds


def twin_run(data, seed=0):
    """The recipe's twin in nblib: Adam with an L2 term, constant rate, every epoch (no validation).

    Returns ``(test accuracy, CPU seconds on one core, epochs run)``.
    """
    net = network(TWIN, seed)
    with threadpool_limits(1):
        start = time.process_time()
        history = fit(net, data.X_train, data.y_train, optim.Adam(lr=TWIN["lr"]), epochs=TWIN["epochs"],
                      batch_size=TWIN["batch_size"], l2=TWIN["l2"], seed=seed, progress=False)
        seconds = time.process_time() - start
    return net.accuracy(data.X_test, data.y_test), seconds, len(history.train_loss)


def sklearn_alpha(l2, batch_size):
    """scikit-learn's ``alpha`` that pulls a weight as nblib's ``l2`` does, with batches of ``batch_size``.

    scikit-learn adds ``alpha * W`` to the gradient summed over a batch and then divides by the
    batch's size (``_compute_loss_grad``), so its pull is ``alpha / batch_size * W``; nblib's is
    ``l2 * W``. (Exact for every full batch; the last, smaller batch of an epoch is pulled harder.)
    """
    return l2 * batch_size


#: MLPClassifier at the twin's budget: hidden size, rate, batch size, epochs and penalty; no early end.
SKLEARN_TWIN = dict(hidden_layer_sizes=(TWIN["sizes"][1],), learning_rate_init=TWIN["lr"],
                    batch_size=TWIN["batch_size"], max_iter=TWIN["epochs"],
                    alpha=sklearn_alpha(TWIN["l2"], TWIN["batch_size"]), n_iter_no_change=TWIN["epochs"], tol=0.0)


def sklearn_run(data, seed=0, **settings):
    """scikit-learn's ``MLPClassifier`` (its defaults, changed by ``settings``) on the same training set.

    Its defaults: one hidden layer of 100 ReLU units, Adam with rate 0.001, batches of 200,
    ``alpha = 0.0001``, at most 200 epochs, stopping once the training loss has not improved by
    ``tol = 0.0001`` for 10 epochs. Returns ``(test accuracy, CPU seconds on one core, epochs run)``.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(random_state=seed, **settings)
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.process_time()
        model.fit(data.X_train, data.y_train)
        seconds = time.process_time() - start
    return float(model.score(data.X_test, data.y_test)), seconds, int(model.n_iter_)


def _recipe_run(data, seed, recipe):
    net, history, seconds = train(data, seed, recipe=recipe)
    return net.accuracy(data.X_test, data.y_test), seconds, len(history.train_loss)


_RUNNERS = {"softmax": lambda data, seed: _recipe_run(data, seed, BASELINE),
            "recipe": lambda data, seed: _recipe_run(data, seed, RECIPE),
            "twin": twin_run,
            "sklearn_twin": lambda data, seed: sklearn_run(data, seed, **SKLEARN_TWIN),
            "sklearn_default": sklearn_run}


@functools.cache
def split_runs(seeds=SPLIT_SEEDS):
    """Every model of :data:`MODELS` on every split (split ``seed``, initialized with ``seed``).

    Returns a dict ``model -> {"accuracy", "seconds", "epochs"}`` of arrays ``(len(seeds),)``:
    the test accuracy, the CPU seconds of training on one core and the epochs run. Cached.
    """
    runs = {name: [] for name in MODELS}
    for seed in seeds:
        data = scaled(split(seed))
        for name in MODELS:
            runs[name].append(_RUNNERS[name](data, seed))
    return {name: {key: np.array([run[k] for run in values]) for k, key in
                   enumerate(("accuracy", "seconds", "epochs"))} for name, values in runs.items()}


def _half_width(values, n_train, n_test, level=0.95):
    """Half the width of the corrected t interval of :func:`interval` (without clipping)."""
    values = np.asarray(values, dtype=float)
    J = len(values)
    return float(stats.t.ppf(0.5 + level / 2, J - 1) * math.sqrt((1 / J + n_test / n_train) * values.var(ddof=1)))


def interval(accuracies, n_train, n_test, level=0.95):
    """A ``level`` interval for the mean accuracy over random splits: ``(mean, low, high)``.

    The t interval of the mean, with the variance corrected for splits that share images
    (Nadeau & Bengio 2003): ``(1/J + n_test/n_train) * s**2`` instead of ``s**2 / J`` for J
    splits, since the J test scores are not independent. The ends are clipped to [0, 1]
    (an accuracy cannot leave it, and near 100% the t interval would).
    """
    half = _half_width(accuracies, n_train, n_test, level)
    mean = float(np.mean(accuracies))
    return mean, max(mean - half, 0.0), min(mean + half, 1.0)


def wilson(correct, n, level=0.95):
    """Wilson's interval for a proportion ``correct / n`` (one test set): ``(low, high)``."""
    z = stats.norm.ppf(0.5 + level / 2)
    p = correct / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def evaluation_numbers(runs, n_train, n_test):
    """What the text says about the split runs: per model ``<name>_mean``, ``_sd``, ``_min``,
    ``_max``, ``_low``, ``_high`` (percent), ``_time`` (s), ``_epochs`` and ``_per_epoch`` (ms);
    and the ratios the comparison rests on."""
    def pct(value, spec=".1f"):
        return shown(100 * float(value), spec)

    values = dict(n_splits=len(runs["recipe"]["accuracy"]), n_test=n_test)
    for name, run in runs.items():
        mean, low, high = interval(run["accuracy"], n_train, n_test)
        per_epoch = run["seconds"] / run["epochs"]
        values.update({f"{name}_mean": pct(mean), f"{name}_sd": pct(run["accuracy"].std(ddof=1)),
                       f"{name}_min": pct(run["accuracy"].min()), f"{name}_max": pct(run["accuracy"].max()),
                       f"{name}_low": pct(low), f"{name}_high": pct(high),
                       f"{name}_time": shown(float(run["seconds"].mean()), ".2f"),
                       f"{name}_epochs": shown(float(run["epochs"].mean()), ".0f"),
                       f"{name}_per_epoch": shown(1e3 * float(per_epoch.mean()), ".1f")})
    recipe, default = runs["recipe"], runs["sklearn_default"]
    gap = recipe["accuracy"] - default["accuracy"]
    values.update(
        speedup=shown(float(default["seconds"].mean() / recipe["seconds"].mean()), ".1f"),
        epoch_ratio=shown(float(default["epochs"].mean() / recipe["epochs"].mean()), ".1f"),
        twin_ratio=shown(float(runs["sklearn_twin"]["seconds"].mean() / runs["twin"]["seconds"].mean()), ".1f"),
        gap_mean=shown(100 * float(gap.mean()), ".1f"), gap_min=shown(100 * float(gap.min()), ".1f"),
        gap_max=shown(100 * float(gap.max()), ".1f"),
        gap_wins=int(np.sum(gap > 0)), gap_losses=int(np.sum(gap < 0)), one_image=shown(100 / n_test, ".2f"),
        gap_low=shown(100 * (gap.mean() - _half_width(gap, n_train, n_test)), ".1f"),
        gap_high=shown(100 * (gap.mean() + _half_width(gap, n_train, n_test)), ".1f"),
        twin_gap=shown(100 * float(np.mean(runs["twin"]["accuracy"] - runs["sklearn_twin"]["accuracy"])), ".1f"),
        gain_min=shown(100 * float(np.min(recipe["accuracy"] - runs["softmax"]["accuracy"])), ".1f"),
        gain_max=shown(100 * float(np.max(recipe["accuracy"] - runs["softmax"]["accuracy"])), ".1f"),
        recipe_half=shown(100 * _half_width(recipe["accuracy"], n_train, n_test), ".1f"),
        easiest=int(np.argmax(recipe["accuracy"])),
        min_corr=shown(math.floor(100 * float(np.min(np.corrcoef([runs[name]["accuracy"] for name in runs])))) / 100,
                       ".2f"))
    return numbers(**values)


def split_zero_numbers(correct, n):
    """One split's accuracy with Wilson's 95% interval, in percent."""
    low, high = wilson(correct, n)
    return numbers(acc=shown(100 * correct / n, ".1f"), low=shown(100 * low, ".1f"), high=shown(100 * high, ".1f"))


def recipe_numbers():
    """The recipe's settings as the text quotes them."""
    return numbers(lr=shown(RECIPE["lr"], "g"), weight_decay=shown(RECIPE["weight_decay"], "g"),
                   epochs=RECIPE["epochs"], batch_size=RECIPE["batch_size"], patience=RECIPE["patience"],
                   hidden=RECIPE["sizes"][1],
                   decays=Shown(WEIGHT_DECAYS, ", ".join(f"{w:g}" for w in WEIGHT_DECAYS[:-1])
                                + f" and {WEIGHT_DECAYS[-1]:g}"),
                   shrink=shown(1 - RECIPE["lr"] * RECIPE["weight_decay"], "g"),
                   twin_l2=shown(TWIN["l2"], "g"), twin_alpha=shown(SKLEARN_TWIN["alpha"], "g"),
                   n_splits=len(SPLIT_SEEDS))


def run_numbers(net, history, seconds, data):
    """What the text says about the main run (epochs counted from 0)."""
    best = history.best_epoch
    steps = math.ceil(len(data.y_train) / RECIPE["batch_size"])
    return numbers(epochs=len(history.train_loss), best=best, last=len(history.train_loss) - 1,
                   seconds=shown(seconds, ".2f"), per_epoch=shown(1e3 * seconds / len(history.train_loss), ".0f"),
                   val_acc=shown(100 * history.val_acc[best], ".1f"),
                   train_acc=shown(100 * history.train_acc[best], ".1f"),
                   test_acc=shown(100 * net.accuracy(data.X_test, data.y_test), ".1f"),
                   errors=int(np.sum(net.predict(data.X_test) != data.y_test)), n_test=len(data.y_test),
                   n_train=len(data.y_train), n_val=len(data.y_val), steps=steps,
                   params=shown(net.n_params, ",d"), total_steps=shown(len(history.train_loss) * steps, ",d"),
                   one_image=shown(100 / len(data.y_test), ".2f"), turn=TURN,
                   train_fall=shown(history.train_loss[TURN] / history.train_loss[-1], ".1f"),
                   val_fall=shown(100 * (1 - history.val_loss[-1] / history.val_loss[TURN]), ".0f"),
                   train_first=shown(history.train_loss[0], ".2f"))


# --- Figures of the run --------------------------------------------------------------------------

def curves_figure(history):
    """Loss and accuracy on the training and validation sets per epoch (from 0), and the learning rate."""
    epochs = np.arange(len(history.train_loss))
    best = history.best_epoch
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
    middle.text(best, 90.5, f" best\n epoch {best}", fontsize=8, color=COLORS["ink"], ha="right")
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


def probabilities(net, X):
    """The softmax of the network's outputs, ``(n, 10)``."""
    logits = net.forward(X)
    probability = np.exp(logits - logits.max(axis=1, keepdims=True))
    return probability / probability.sum(axis=1, keepdims=True)


def mistakes_figure(net, X_raw, X, y):
    """Every misclassified test image, with its true digit, the prediction and its probability."""
    probability = probabilities(net, X)
    wrong = np.flatnonzero(probability.argmax(axis=1) != y)
    fig, axes = plt.subplots(1, max(len(wrong), 1), figsize=(1.25 * max(len(wrong), 4), 1.75), squeeze=False)
    for ax, index in zip(axes[0], wrong):
        guess = probability[index].argmax()
        ax.imshow(X_raw[index].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"true {y[index]}\nsaid {guess} ({100 * probability[index, guess]:.0f}%)", fontsize=9)
    for ax in axes[0]:
        ax.set_axis_off()
    return figure(fig)


def mistakes_numbers(net, X, y):
    """How sure the network was of its wrong answers and of its right ones (median probability, %)."""
    probability = probabilities(net, X)
    said = probability.argmax(axis=1)
    sure = probability.max(axis=1)
    return numbers(wrong_median=shown(100 * float(np.median(sure[said != y])), ".0f"),
                   right_median=shown(100 * float(np.median(sure[said == y])), ".1f"),
                   wrong_max=shown(100 * float(sure[said != y].max()), ".0f"))


def splits_figure(runs, n_train, n_test):
    """Left: test accuracy of every model on every split, the splits joined by lines, the mean and its
    95% interval; right: mean CPU seconds of training per run, with the epochs run."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.6, 3.4), width_ratios=[1.5, 1.0])
    names = [name for name in MODELS if name in runs]
    x = np.arange(len(names))
    accuracy = np.array([100 * runs[name]["accuracy"] for name in names])     # (models, splits)
    for split_values in accuracy.T:
        left.plot(x, split_values, "o-", color=COLORS["neutral"], ms=4, lw=0.8, alpha=0.8)
    lowest = accuracy.min()
    for k, name in enumerate(names):
        mean, low, high = interval(runs[name]["accuracy"], n_train, n_test)
        lowest = min(lowest, 100 * low)
        left.errorbar(k + 0.18, 100 * mean, yerr=[[100 * (mean - low)], [100 * (high - mean)]], fmt="D",
                      color=COLORS["model"], ms=6, capsize=3, lw=1.5)
    left.axhline(98, color=COLORS["residual"], ls="--", lw=1)
    left.text(len(names) - 0.45, 98.05, "98%", ha="right", va="bottom", fontsize=8, color=COLORS["ink"])
    left.set_xticks(x, [LABELS[name] for name in names], fontsize=8)
    set_axes(left, ylabel="test accuracy (%)", title="each split (dots), mean and 95% interval (diamonds)",
             ylim=(math.floor(lowest - 0.3), 100.2), xlim=(-0.5, len(names) - 0.4))
    seconds = [runs[name]["seconds"].mean() for name in names]
    right.barh(x, seconds, color=COLORS["data"], alpha=0.85)
    for k, name in enumerate(names):
        right.text(seconds[k], k, f" {runs[name]['epochs'].mean():.0f} epochs", va="center", fontsize=8,
                   color=COLORS["ink"])
    right.set_yticks(x, [LABELS[name].replace("\n", " ") for name in names], fontsize=8)
    right.invert_yaxis()
    set_axes(right, xlabel="CPU seconds per run (one core)", title="training time, mean over splits",
             xlim=(0, 1.45 * max(seconds)))
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
    (NaN after a run that stopped because its loss was no longer finite); and, after the last
    epoch, ``miss_loss`` and ``right_loss`` ``(len(LR_VALUES),)``: the mean cross-entropy of the
    validation images the network gets wrong and of those it gets right.
    """
    data = scaled(split())
    out = {name: np.full((len(LR_VALUES), SWEEP_EPOCHS), np.nan) for name in ("train_loss", "val_loss", "val_acc")}
    out.update(miss_loss=np.full(len(LR_VALUES), np.nan), right_loss=np.full(len(LR_VALUES), np.nan))
    with threadpool_limits(1):
        for k, lr in enumerate(LR_VALUES):
            net = MLP(SWEEP_SIZES, seed=seed)
            history = fit(net, data.X_train, data.y_train, optim.Adam(lr=lr), epochs=SWEEP_EPOCHS,
                          batch_size=256, X_val=data.X_val, y_val=data.y_val, seed=seed, progress=False)
            for name in ("train_loss", "val_loss", "val_acc"):
                values = getattr(history, name)
                out[name][k, :len(values)] = values
            out["miss_loss"][k], out["right_loss"][k] = _losses_by_outcome(net, data.X_val, data.y_val)
    return out


def _losses_by_outcome(net, X, y):
    """Mean cross-entropy over the images ``net`` misclassifies, and over those it gets right."""
    with np.errstate(all="ignore"):
        logits = net.forward(X)
        shifted = logits - logits.max(axis=1, keepdims=True)
        loss = np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(len(y)), y]
    right = logits.argmax(axis=1) == y
    return (float(loss[~right].mean()) if np.any(~right) else np.nan,
            float(loss[right].mean()) if np.any(right) else np.nan)


def lr_view(fig):
    """The explorable's view: learning curves at one learning rate, and accuracy over all rates.

    Returns ``update(lr, epoch)`` (epochs counted from 0): the left panel draws the training and
    validation loss of the run with rate ``lr`` up to ``epoch``; the right panel the validation
    accuracy after ``epoch`` for every rate, with the chosen one marked.
    """
    sweep = lr_sweep()
    epochs = np.arange(SWEEP_EPOCHS)
    left, right = fig.subplots(1, 2)
    train_line, = left.plot([], [], "o-", ms=3, color=COLORS["data"])
    val_line, = left.plot([], [], "o-", ms=3, color=COLORS["model"])
    set_axes(left, xlabel="epoch", ylabel="cross-entropy (log scale)", yscale="log", xlim=(-0.5, SWEEP_EPOCHS - 0.5),
             ylim=(1e-5, 300), title="loss: training (blue), validation (orange)")
    left.set_xticks([0, 5, 10, 15, SWEEP_EPOCHS - 1])
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
        train_line.set_data(epochs[:epoch + 1], sweep["train_loss"][k, :epoch + 1])
        val_line.set_data(epochs[:epoch + 1], sweep["val_loss"][k, :epoch + 1])
        accuracy = 100 * sweep["val_acc"][:, epoch]
        acc_line.set_ydata(accuracy)
        marker.set_data([lr], [accuracy[k]])
        val = sweep["val_loss"][k, epoch]
        gap = val / sweep["train_loss"][k, epoch]
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
    tens = np.flatnonzero(final_loss > 10)
    return numbers(n_rates=len(LR_VALUES), epochs=SWEEP_EPOCHS,
                   lowest=shown(LR_VALUES[0], "g"), highest=shown(LR_VALUES[-1], "g"),
                   acc_lowest=shown(100 * final_acc[0], ".0f"), best_loss_lr=shown(LR_VALUES[k_loss], ".2g"),
                   best_loss=shown(final_loss[k_loss], ".2f"), best_loss_acc=shown(100 * final_acc[k_loss], ".1f"),
                   best_acc_lr=shown(LR_VALUES[k_acc], ".2g"), best_acc=shown(100 * final_acc[k_acc], ".1f"),
                   best_acc_loss=shown(final_loss[k_acc], ".2f"), loss_highest=shown(final_loss[-1], ".0f"),
                   acc_highest=shown(100 * final_acc[-1], ".1f"),
                   lr_01=shown(LR_VALUES[k_01], ".2g"),
                   epoch_90=int(reached[0]) if len(reached) else "never",
                   last=SWEEP_EPOCHS - 1,
                   jumpy_lr=shown(LR_VALUES[jumpy[0]], ".2g") if jumpy else "no rate",
                   tens_lr=shown(LR_VALUES[tens[0]], ".2g") if len(tens) else "no rate", n_tens=len(tens),
                   tens_drop=shown(100 * (np.nanmax(final_acc) - np.nanmin(final_acc[tens])), ".1f")
                   if len(tens) else "no",
                   miss_cost=shown(math.floor(np.min(sweep["miss_loss"][tens])), "d") if len(tens) else "no",
                   right_cost=shown(float(np.max(sweep["right_loss"][tens])), ".3f") if len(tens) else "no",
                   first_lr=shown(LR_VALUES[k_first], ".2g"), first_acc=shown(100 * first_acc[k_first], ".0f"))


# --- Exercises --------------------------------------------------------------------------------------

_DATA = split()
_N_TEST = len(_DATA.y_test)

#: Exercise 13.1: the cross-entropy of a network whose ten outputs are all equal.
check_13_1 = NumberCheck(math.log(10), hints=[
    (1.0, "That is the logarithm to base 10; the cross-entropy uses the natural logarithm."),
    (math.log2(10), "That is the logarithm to base 2 (the loss in bits); the cross-entropy here uses "
                    "the natural logarithm."),
    (-math.log(10), "A loss is minus the logarithm of a probability below 1: it is positive."),
    (0.1, "That is the probability each digit gets; the loss is minus its logarithm."),
    (0.9, "That is the chance of a wrong answer; the loss is about the probability of the right one."),
    (_N_TEST * math.log(10), "That is the sum over the test images; the cross-entropy is their mean."),
    (10 * math.log(10), "Each image contributes the log-probability of its own label only, not of all "
                        "ten digits."),
], hint="Every image gives its right digit the same probability; the loss is the mean of minus its log.")


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
    (lambda f: np.isclose(f(_M, 1), 40 / 10), "That divides the right answers by the wrong ones; divide "
                                              "by every image of class k."),
    (lambda f: np.isclose(f(_M, 1), 10 / 50), "That is the share of class k's images it got wrong; recall "
                                              "is the share it got right."),
    (lambda f: np.isclose(f(_M, 1), 50 / 52) or np.isclose(f(_M, 1), 30 / 40),
     "That is another class's recall: rows and columns count from 0, so class k is row k."),
], hint="Row k holds every image of class k; the diagonal entry counts those classified correctly.",
    proxy=("What does your `recall(M, 1)` return for `M = [[50, 2, 0], [5, 40, 5], [0, 10, 30]]`?", (_M, 1), [
        (40 / 52, "That divides by the column: the images *predicted* as 1 (the precision). Recall "
                  "divides by the row."),
        (40 / 137, "That divides by every image; divide by the images of class 1."),
        (40, "That is the count of right answers: divide it by the number of images of class 1."),
        (4.0, "That divides the right answers by the wrong ones; divide by every image of class 1."),
        (0.2, "That is the share it got wrong; recall is the share it got right."),
        (50 / 52, "That is class 0's recall: rows count from 0, so class 1 is the second row."),
        (0.75, "That is class 2's recall: rows count from 0, so class 1 is the second row."),
    ]))

_SOURCES = ["the training set", "the whole data set", "the test set"]
check_13_3 = ChoiceCheck(_SOURCES[0], _SOURCES, explanations={
    _SOURCES[1]: "The whole data set includes the test images: their statistics would leak into "
                 "training, and the test score would no longer be an honest estimate.",
    _SOURCES[2]: "The test set must stay unseen until the very end; and the network trains on inputs "
                 "scaled with the training set's numbers.",
}, hint="Which set is the model allowed to learn from?")

_N_TRAIN = len(_DATA.y_train)
_EPOCHS, _BATCH = RECIPE["epochs"], RECIPE["batch_size"]
check_13_4 = NumberCheck(math.ceil(_N_TRAIN / _BATCH) * _EPOCHS, integer=True, hints=[
    (_N_TRAIN // _BATCH * _EPOCHS, "The last batch of each epoch is smaller but still a step: round up."),
    (math.ceil(_N_TRAIN / _BATCH), "That is one epoch: the run has 30."),
    (math.ceil(_N_TRAIN / _BATCH) * (_EPOCHS - 1), "Epochs 0 to 29 are 30 epochs, not 29."),
    (_N_TRAIN * _EPOCHS, "That counts images, not steps: a step uses a whole batch of 64."),
    (math.ceil(1797 / _BATCH) * _EPOCHS, "That uses all 1,797 images; the steps go through the training "
                                          "set only."),
    (math.ceil((_N_TRAIN + len(_DATA.y_val)) / _BATCH) * _EPOCHS,
     "The validation images are only scored after each epoch, never trained on."),
], hint="Steps per epoch = batches per epoch, the training set cut into pieces of 64.")

check_13_5 = NumberCheck(sklearn_alpha(TWIN["l2"], TWIN["batch_size"]), hints=[
    (TWIN["l2"], "scikit-learn divides its alpha by the batch size; the same pull needs a larger alpha."),
    (TWIN["l2"] / TWIN["batch_size"], "That divides twice: scikit-learn already divides alpha by the "
                                       "batch size, so alpha must be larger than l2, not smaller."),
    (TWIN["l2"] * _N_TRAIN, "scikit-learn divides by the size of the batch, not of the training set."),
    (2 * TWIN["l2"] * TWIN["batch_size"], "Both penalties carry the same 1/2 in front of the sum of "
                                          "squares; no factor 2 is needed."),
    (TWIN["l2"] * TWIN["batch_size"] / 2, "Both penalties carry the same 1/2 in front of the sum of "
                                          "squares; no factor 1/2 is needed."),
], hint="Write both pulls on one weight w: nblib's l2 * w, scikit-learn's alpha * w / (batch size).")
