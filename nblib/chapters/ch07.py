"""Chapter 7, Overfitting and honest evaluation: its data, figures, explorable and checks.

The running example is a *source* of noisy points: ``y = x + noise`` on ``[-1, 1]``, noise
Gaussian with standard deviation :data:`nblib.data.POLY_NOISE`. The chapter's eleven training
points are :func:`nblib.data.polynomial_task`; unseen points come from the same source through
:func:`nblib.data.polynomial_task_fresh`. Polynomials are fitted by least squares
(:func:`nblib.polynomial.fit`). ``*_figure`` functions return closed figures, ``*_numbers`` functions the
numbers the prose quotes as :class:`~nblib.chapters.text.Shown` values, ``check_7_k`` the
exercises' checks.
"""

import functools

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from numpy.polynomial import polynomial as P

from nblib import optim, polynomial
from nblib.chapters.text import figure, numbers, shown
from nblib.data import POLY_NOISE, polynomial_task, polynomial_task_fresh
from nblib.polynomial import GRID, YLIM
from nblib.exercises import ChoiceCheck, NumberCheck
from nblib.explorable import freeze_background
from nblib.nn import MLP
from nblib.theme import COLORS, set_axes
from nblib.training import fit, kfold_indices

#: The polynomial degrees the chapter compares: 0 (a constant) to 10 (through all eleven points).
DEGREES = np.arange(11)


_X, _Y, _COEF = polynomial_task()


def degree_errors(x, y, x_new, y_new, degrees=DEGREES):
    """Training and unseen-point MSE of the least-squares polynomial of each degree.

    Returns ``(train, new)``, two arrays of shape ``(len(degrees),)``.
    """
    fits = [polynomial.fit(x, y, d) for d in degrees]
    return (np.array([polynomial.mse(c, x, y) for c in fits]), np.array([polynomial.mse(c, x_new, y_new) for c in fits]))


def fit_numbers(x, y, x_new, y_new):
    """Training and unseen-point MSE of the line and of the degree-10 curve, as text."""
    train, new = degree_errors(x, y, x_new, y_new)
    best = int(np.argmin(new))
    return numbers(line_train=shown(train[1], ".3f"), line_new=shown(new[1], ".3f"),
                   wiggle_train=shown(train[10], ".1e"), wiggle_new=shown(new[10], ".3f"),
                   ratio=shown(new[10] / new[1], ".0f"), noise_var=shown(POLY_NOISE ** 2, ".2f"),
                   best_degree=shown(best, "d"), n_new=shown(len(x_new), ",d"),
                   const_train=shown(train[0], ".3f"), const_new=shown(new[0], ".3f"),
                   source_new=shown(float(np.mean((y_new - x_new) ** 2)), ".4f"),
                   near_high=shown(float(new[1:9].max()), ".3f"), chase=shown(1 + int(np.argmax(new[1:] > 2 * POLY_NOISE ** 2)), "d"))


def _short(mse):
    """An MSE in two significant digits, or 0 when it is zero up to rounding."""
    return "0" if mse < 1e-12 else f"{mse:.2g}"


def _points(ax, x, y, x_new=None, y_new=None):
    if x_new is not None:
        ax.plot(x_new, y_new, "o", color=COLORS["residual"], markersize=2.5, alpha=0.35, label="unseen points")
    ax.plot(x, y, "o", color=COLORS["data"], markersize=6, label="training points", zorder=3)


def two_fits_figure(x, y, x_new, y_new):
    """The straight line and the degree-10 curve through the eleven points, over unseen points."""
    fig, axes = plt.subplots(1, 2, figsize=(8.4, 3.4), sharey=True)
    for ax, degree in zip(axes, (1, 10)):
        coef = polynomial.fit(x, y, degree)
        _points(ax, x, y, x_new, y_new)
        ax.plot(GRID, P.polyval(GRID, coef), color=COLORS["model"], label=f"degree {degree}")
        title = (f"degree {degree}: training MSE {_short(polynomial.mse(coef, x, y))}, "
                 f"unseen {_short(polynomial.mse(coef, x_new, y_new))}")
        set_axes(ax, xlabel="$x$", ylabel="$y$" if degree == 1 else None, title=title, xlim=(-1.05, 1.05),
                 ylim=YLIM)
    axes[0].legend(loc="upper left", fontsize=9)
    return figure(fig)


def degree_figure(train, new):
    """Training and unseen-point MSE against the degree (log scale), the noise level dashed."""
    fig, ax = plt.subplots(figsize=(5.6, 3.4))
    _error_curves(ax, train, new)
    ax.legend(fontsize=9)
    return figure(fig)


def _error_curves(ax, train, new):
    """Draw the two error curves against degree on ``ax``; returns nothing."""
    ax.plot(DEGREES, train, "o-", color=COLORS["data"], label="training points")
    ax.plot(DEGREES, new, "s-", color=COLORS["model"], label="unseen points")
    ax.axhline(POLY_NOISE ** 2, color=COLORS["ink"], linestyle=":", linewidth=1.2, label="noise variance")
    if train[-1] < 1e-6:
        ax.annotate("0, off the chart", (DEGREES[-1], 1e-6), xytext=(-4, 8), textcoords="offset points",
                    ha="right", fontsize=8, color=COLORS["data"])
    set_axes(ax, xlabel="polynomial degree", ylabel="MSE (log scale)", yscale="log", ylim=(1e-6, 3))
    ax.set_xticks(DEGREES)


# --- A network that overfits --------------------------------------------------------------------

#: The network of the epochs figure: 200 training digits, one hidden layer of 128 ReLUs.
N_SMALL = 200
EPOCHS = 150


def overfit_run(X_train, y_train, X_val, y_val, seed=0):
    """Train a 64-128-10 network with Adam on the first :data:`N_SMALL` training digits.

    Returns the ``History`` of :data:`EPOCHS` epochs (cross-entropy, mini-batches of 32).
    """
    net = MLP([64, 128, 10], seed=seed)
    return fit(net, X_train[:N_SMALL], y_train[:N_SMALL], optim.Adam(0.003), epochs=EPOCHS, batch_size=32,
               X_val=X_val, y_val=y_val, seed=seed, progress=False)


def epochs_numbers(history):
    """The turn of the validation loss and the losses at the turn and at the end, as text."""
    best = history.best_epoch
    upticks = int(np.sum(np.diff(history.train_loss) > 0))
    return numbers(best=shown(best, "d"), epochs=shown(EPOCHS, "d"), n_small=shown(N_SMALL, "d"),
                   upticks=shown(upticks, "d"), acc_change=shown(100 * abs(history.val_acc[-1] - history.val_acc[best]), ".1f"),
                   val_best=shown(history.val_loss[best], ".3f"), val_end=shown(history.val_loss[-1], ".3f"),
                   train_best=shown(history.train_loss[best], ".3f"),
                   train_end=shown(history.train_loss[-1], ".4f"),
                   acc_best=shown(100 * history.val_acc[best], ".1f"),
                   acc_end=shown(100 * history.val_acc[-1], ".1f"))


def loss_rise_numbers(history, X_train, y_train, X_val, y_val, seed=0):
    """Where the rise of the validation loss after the turn comes from, as text.

    history: :func:`overfit_run`'s History on the same data and seed. Trains its network again,
    to the turn and to the end (the same seed repeats the run), and splits the rise of the summed validation cross-entropy between the
    digits the final network reads wrong and those it reads right. ``wrong_share`` is the percentage
    of the rise from the wrong ones, ``wrong_count`` how many they are.
    """
    nets = []
    for epochs in (history.best_epoch + 1, EPOCHS):
        net = MLP([64, 128, 10], seed=seed)
        fit(net, X_train[:N_SMALL], y_train[:N_SMALL], optim.Adam(0.003), epochs=epochs, batch_size=32, seed=seed,
            progress=False)
        nets.append(net)
    turn, end = nets
    wrong = end.predict(X_val) != y_val

    def summed(net, mask):
        return net.loss(X_val[mask], y_val[mask], loss="cross_entropy") * mask.sum() if mask.any() else 0.0

    rise = {key: summed(end, mask) - summed(turn, mask) for key, mask in (("wrong", wrong), ("right", ~wrong))}
    total = rise["wrong"] + rise["right"]
    check = (end.loss(X_val, y_val, loss="cross_entropy") - history.val_loss[-1],
             turn.loss(X_val, y_val, loss="cross_entropy") - history.val_loss[history.best_epoch])
    return numbers(wrong_share=shown(100 * rise["wrong"] / total, ".0f"), wrong_count=shown(int(wrong.sum()), "d"),
                   n_val=shown(len(y_val), "d"), replay_gap=shown(max(abs(c) for c in check), ".1e"))


def epochs_figure(history):
    """Training and validation loss against epochs (log scale), the lowest validation loss marked."""
    fig, ax = plt.subplots(figsize=(6.0, 3.5))
    epochs = np.arange(len(history.train_loss))
    ax.plot(epochs, history.train_loss, color=COLORS["data"], label="training loss")
    ax.plot(epochs, history.val_loss, color=COLORS["model"], label="validation loss")
    best = history.best_epoch
    ax.axvline(best, color=COLORS["ink"], linestyle=":", linewidth=1.2)
    ax.plot([best], [history.val_loss[best]], "o", color=COLORS["model"], markersize=8)
    ax.annotate(f"lowest validation loss\n(epoch {best})", (best, history.val_loss[best]), xytext=(12, 28),
                textcoords="offset points", fontsize=9, arrowprops=dict(arrowstyle="-", color=COLORS["ink"]))
    set_axes(ax, xlabel="epoch", ylabel="cross-entropy (log scale)", yscale="log", legend=True)
    return figure(fig)


# --- Splits and folds ---------------------------------------------------------------------------

_SET_COLORS = {"training": COLORS["data"], "validation": COLORS["highlight"], "test": COLORS["bad"]}
#: Label colours with WCAG contrast of at least 4.5:1 on each set's colour (white on orange is 2.3:1).
_SET_TEXT = {"training": "white", "validation": COLORS["ink"], "test": COLORS["ink"]}


def split_numbers(splits):
    """Sizes of the three sets of :func:`nblib.data.digit_splits` and their shares, as text."""
    sizes = [len(part) for part in splits[:3]]
    total = sum(sizes)
    return numbers(n=shown(total, ",d"), n_train=shown(sizes[0], ",d"), n_val=shown(sizes[1], ",d"),
                   n_test=shown(sizes[2], ",d"), share_train=shown(100 * sizes[0] / total, ".0f"))


def split_figure(splits):
    """One bar cut into the training, validation and test sets, each labelled with its size."""
    sizes = [len(part) for part in splits[:3]]
    fig, ax = plt.subplots(figsize=(7.0, 1.3))
    start = 0
    for (name, color), size in zip(_SET_COLORS.items(), sizes):
        ax.add_patch(Rectangle((start, 0), size, 1, facecolor=color, edgecolor="white", linewidth=2))
        ax.text(start + size / 2, 0.5, f"{name}\n{size} digits", ha="center", va="center", color=_SET_TEXT[name],
                fontsize=10, fontweight="bold")
        start += size
    ax.set_xlim(0, start)
    ax.set_ylim(0, 1)
    ax.axis("off")
    return figure(fig)


def kfold_figure(n=20, k=5, seed=0):
    """k rows, one per round of k-fold cross-validation: each example is a square, coloured by its role."""
    rounds = kfold_indices(n, k, seed=seed)
    order = np.concatenate([held_out for _, held_out in rounds])     # draw each fold as a block
    position = np.empty(n, dtype=int)
    position[order] = np.arange(n)
    fig, ax = plt.subplots(figsize=(7.0, 0.42 * k + 0.8))
    for row, (train_idx, val_idx) in enumerate(rounds):
        for idx, role in ((train_idx, "training"), (val_idx, "validation")):
            for i in position[idx]:
                ax.add_patch(Rectangle((i + 0.08, k - 1 - row + 0.1), 0.84, 0.8, facecolor=_SET_COLORS[role]))
        ax.text(-0.4, k - 1 - row + 0.5, f"round {row + 1}", ha="right", va="center", fontsize=9)
    for role in ("training", "validation"):
        ax.add_patch(Rectangle((0, 0), 0, 0, facecolor=_SET_COLORS[role], label=f"{role} in this round"))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2, fontsize=9)
    ax.set_xlim(-3.2, n)
    ax.set_ylim(0, k)
    ax.axis("off")
    return figure(fig)


# --- Choosing the degree by cross-validation ----------------------------------------------------

def cv_scores(x, y, k=5, seed=0, degrees=DEGREES):
    """k-fold validation MSE of each degree: an array ``(len(degrees), k)``, one column per fold."""
    rounds = kfold_indices(len(x), k, seed=seed)
    return np.array([[polynomial.mse(polynomial.fit(x[tr], y[tr], d), x[va], y[va]) for tr, va in rounds] for d in degrees])


def search_numbers(scores, test):
    """The winner of the cross-validated search and its test score, as text.

    scores: ``(n_degrees, k)`` from :func:`cv_scores`; test: the test MSE of each degree
    refitted on all the development points, shape ``(n_degrees,)``.
    """
    winner = int(np.argmin(scores.mean(axis=1)))
    on_test = int(np.argmin(test))
    return numbers(winner=shown(winner, "d"), winner_cv=shown(scores[winner].mean(), ".3f"),
                   winner_test=shown(test[winner], ".3f"), on_test=shown(on_test, "d"),
                   on_test_score=shown(test[on_test], ".3f"), k=shown(scores.shape[1], "d"))


def search_figure(scores, test):
    """Each degree's validation MSE per fold (dots) and on average (line), its test MSE, the winner."""
    fig, ax = plt.subplots(figsize=(6.0, 3.5))
    for fold in scores.T:
        ax.plot(DEGREES, fold, "o", color=COLORS["highlight"], markersize=3, alpha=0.6)
    ax.plot(DEGREES, scores.mean(axis=1), "o-", color=COLORS["highlight"], label="mean over the folds")
    ax.plot(DEGREES, test, "s--", color=COLORS["bad"], markersize=4, label="test set (look, don't pick)")
    winner = int(np.argmin(scores.mean(axis=1)))
    ax.plot([winner], [scores[winner].mean()], "*", color=COLORS["ink"], markersize=15, label="the winner")
    ax.plot([], [], "o", color=COLORS["highlight"], markersize=3, alpha=0.6, label="one fold")
    set_axes(ax, xlabel="polynomial degree", ylabel="validation MSE (log scale)", yscale="log", legend=True)
    ax.set_xticks(DEGREES)
    return figure(fig)


def honesty_trials(n_trials=200, n_dev=20, n_test=10, k=5, n_truth=2000, seed=0):
    """Repeat the search on many data sets and compare what each way of picking reports with the truth.

    Each trial draws ``n_dev`` development and ``n_test`` test points from the source. Two ways
    of choosing the degree: by k-fold cross-validation on the development points (*honest*), or
    by the lowest test MSE (*peeking*). Either winner is refitted on the development points; we
    keep its test MSE (what it reports) and its MSE on ``n_truth`` fresh points (the truth).

    Returns a dict of arrays ``(n_trials,)``: ``"honest_reported"``, ``"honest_true"``,
    ``"peek_reported"``, ``"peek_true"``.
    """
    x_truth, y_truth = polynomial_task_fresh(n_truth, seed=10 ** 6 + seed)
    results = {name: [] for name in ("honest_reported", "honest_true", "peek_reported", "peek_true")}
    for trial in range(n_trials):
        x, y = polynomial_task_fresh(n_dev + n_test, seed=seed * 10 ** 4 + trial)
        x_dev, y_dev, x_test, y_test = x[:n_dev], y[:n_dev], x[n_dev:], y[n_dev:]
        fits = [polynomial.fit(x_dev, y_dev, d) for d in DEGREES]
        test = [polynomial.mse(c, x_test, y_test) for c in fits]
        for name, pick in (("honest", int(np.argmin(cv_scores(x_dev, y_dev, k, seed=trial).mean(axis=1)))),
                           ("peek", int(np.argmin(test)))):
            results[f"{name}_reported"].append(test[pick])
            results[f"{name}_true"].append(polynomial.mse(fits[pick], x_truth, y_truth))
    return {name: np.array(values) for name, values in results.items()}


def honesty_numbers(trials):
    """Medians of what each way of picking reports and of its true error, and how often it flatters."""
    med = {name: np.median(values) for name, values in trials.items()}
    return numbers(n=shown(len(trials["peek_true"]), "d"),
                   honest_reported=shown(med["honest_reported"], ".4f"), honest_true=shown(med["honest_true"], ".4f"),
                   peek_reported=shown(med["peek_reported"], ".4f"), peek_true=shown(med["peek_true"], ".4f"),
                   peek_flatters=shown(100 * np.mean(trials["peek_reported"] < trials["peek_true"]), ".0f"),
                   honest_flatters=shown(100 * np.mean(trials["honest_reported"] < trials["honest_true"]), ".0f"),
                   optimism=shown(100 * (1 - med["peek_reported"] / med["peek_true"]), ".0f"))


def honesty_figure(trials):
    """For each way of picking, the reported test MSE against the true MSE, one dot per trial."""
    fig, axes = plt.subplots(1, 2, figsize=(8.4, 3.8), sharex=True, sharey=True)
    low = min(v.min() for v in trials.values()) * 0.8
    high = max(v.max() for v in trials.values()) * 1.25
    titles = {"honest": "picked by cross-validation", "peek": "picked on the test set"}
    for ax, (name, title) in zip(axes, titles.items()):
        reported, true = trials[f"{name}_reported"], trials[f"{name}_true"]
        ax.plot([low, high], [low, high], color=COLORS["ink"], linewidth=1, linestyle=":")
        ax.plot(reported, true, "o", color=COLORS["good"] if name == "honest" else COLORS["bad"], markersize=3.5,
                alpha=0.6)
        ax.plot([np.median(reported)], [np.median(true)], "X", color=COLORS["ink"], markersize=11,
                label="medians")
        above = 100 * np.mean(true > reported)
        set_axes(ax, xlabel="test MSE it reports", ylabel="its true MSE" if name == "honest" else None,
                 title=f"{title}: {above:.0f}% above the diagonal", xscale="log", yscale="log",
                 xlim=(low, high), ylim=(low, high))
    axes[0].legend(loc="upper left", fontsize=9)
    return figure(fig)


# --- Past the interpolation threshold: double descent -------------------------------------------

#: The degrees of the double-descent experiment: 0 to 40, past the interpolation threshold at 10.
WIDE_DEGREES = np.arange(41)
#: Data sets of the double-descent experiment (the chapter's own eleven points are the first).
DD_SETS = 50


def legendre_features(x, degree):
    """The Legendre polynomials ``P_0(x) ... P_degree(x)`` of ``x: (n,)``: ``(n, degree + 1)``.

    The same polynomials as the powers ``x**0 ... x**degree``, in a basis that stays well
    conditioned at high degree (each ``|P_k| <= 1`` on [-1, 1]).
    """
    return np.polynomial.legendre.legvander(np.asarray(x, dtype=float), degree)


def min_norm_fit(x, y, degree, basis="legendre"):
    """Least-squares coefficients of degree ``degree``; past ``len(x) - 1`` the fit through every
    point whose coefficients have the smallest length (what :func:`numpy.linalg.lstsq` returns).

    basis: ``"legendre"`` (:func:`legendre_features`) or ``"powers"`` (``x**j``). Below the
    threshold the two give the same polynomial; past it, "smallest" depends on the basis.
    """
    features = legendre_features(x, degree) if basis == "legendre" else polynomial.powers(x, degree)
    return np.linalg.lstsq(features, y, rcond=None)[0]


def _min_norm_mse(coef, x, y, basis):
    features = legendre_features(x, len(coef) - 1) if basis == "legendre" else polynomial.powers(x, len(coef) - 1)
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.mean((features @ coef - y) ** 2))


@functools.cache
def double_descent(n_sets=DD_SETS, n_fresh=2000, basis="legendre"):
    """Unseen MSE of the minimum-norm fit of every degree in :data:`WIDE_DEGREES`.

    Returns ``(book, sets)``: ``book`` ``(41,)`` for the chapter's eleven points on its 200 unseen
    points; ``sets`` ``(n_sets, 41)`` for ``n_sets`` draws of eleven points (evenly spaced x, the
    same source; the first is the chapter's), each scored on ``n_fresh`` fresh points.
    """
    book = np.array([_min_norm_mse(min_norm_fit(_X, _Y, d, basis), _X_NEW, _Y_NEW, basis) for d in WIDE_DEGREES])
    sets = []
    for k in range(n_sets):
        if k == 0:
            x, y = _X, _Y
        else:
            x = _X
            y = x + np.random.default_rng(5000 + k).normal(0.0, POLY_NOISE, len(x))
        x_fresh, y_fresh = polynomial_task_fresh(n_fresh, seed=7000 + k)
        sets.append([_min_norm_mse(min_norm_fit(x, y, d, basis), x_fresh, y_fresh, basis) for d in WIDE_DEGREES])
    return book, np.array(sets)


def double_descent_numbers():
    """The peak at the threshold, the second descent and how it compares with degree 1, as text."""
    book, sets = double_descent()
    _, powers_sets = double_descent(basis="powers")
    med = np.median(sets, axis=0)
    second = 11 + int(np.argmin(med[11:]))
    threshold = len(_X) - 1
    return numbers(threshold=shown(threshold, "d"), n_sets=shown(len(sets), "d"),
                   peak=shown(med[threshold], ".3f"), second=shown(second, "d"), second_new=shown(med[second], ".3f"),
                   line=shown(med[1], ".3f"), last=shown(WIDE_DEGREES[-1], "d"), last_new=shown(med[-1], ".3f"),
                   falls=shown(100 * np.mean(sets[:, 20] < sets[:, threshold]), ".0f"),
                   beats_line=shown(100 * np.mean(sets[:, threshold + 1:].min(axis=1) < sets[:, 1]), ".0f"),
                   book_peak=shown(book[threshold], ".3f"), book_20=shown(book[20], ".3f"),
                   powers_20=shown(np.median(powers_sets[:, 20]), ".1f"))


def double_descent_figure():
    """Unseen MSE against the degree 0 to 40: the median over data sets with its middle half, the
    chapter's own points, and the same minimum-norm fits in raw powers; the threshold marked."""
    book, sets = double_descent()
    _, powers_sets = double_descent(basis="powers")
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    low, high = np.percentile(sets, [25, 75], axis=0)
    ax.fill_between(WIDE_DEGREES, low, high, color=COLORS["model"], alpha=0.2, linewidth=0,
                    label="middle half of the data sets")
    ax.plot(WIDE_DEGREES, np.median(sets, axis=0), "o-", color=COLORS["model"], markersize=3,
            label=f"median over {len(sets)} data sets (Legendre)")
    ax.plot(WIDE_DEGREES, book, color=COLORS["data"], linewidth=1.2, label="the chapter's eleven points")
    ax.plot(WIDE_DEGREES, np.median(powers_sets, axis=0), "--", color=COLORS["residual"],
            label="median, minimum norm in raw powers")
    threshold = len(_X) - 1
    ax.axvline(threshold, color=COLORS["ink"], linestyle=":", linewidth=1.2)
    ax.annotate("interpolation\nthreshold", (threshold, 2.0), xytext=(5, 0), textcoords="offset points",
                fontsize=8, va="top")
    ax.axhline(POLY_NOISE ** 2, color=COLORS["ink"], linestyle=":", linewidth=0.8)
    set_axes(ax, xlabel="polynomial degree (number of coefficients minus 1)",
             ylabel="unseen MSE (log scale)", yscale="log", ylim=(0.02, 3.0), xlim=(-0.5, WIDE_DEGREES[-1] + 0.5))
    ax.legend(fontsize=8, loc="upper right")
    return figure(fig)


# --- How sure is a test score? ------------------------------------------------------------------

#: Splits of the repeated-split experiment, and the patience of its early stopping.
SPLIT_SEEDS = (0, 1, 2, 3, 4)
PATIENCE = 10


def wilson_interval(correct, n, z=1.959963984540054):
    """The Wilson score interval ``(low, high)`` for an accuracy of ``correct`` out of ``n`` (95% by default)."""
    p = correct / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def bootstrap_interval(hits, draws=2000, seed=0):
    """The 95% percentile-bootstrap interval of the accuracy of ``hits: (n,)`` (1 right, 0 wrong)."""
    rng = np.random.default_rng(seed)
    hits = np.asarray(hits, dtype=float)
    means = hits[rng.integers(0, len(hits), (draws, len(hits)))].mean(axis=1)
    return tuple(np.percentile(means, [2.5, 97.5]))


@functools.cache
def split_run(split_seed):
    """The chapter's network trained on one split's first :data:`N_SMALL` training digits with early
    stopping (patience :data:`PATIENCE` on the validation set); returns its test hits ``(n_test,)``,
    1 where a test digit is read right."""
    from nblib.data import digit_splits

    X_train, X_val, X_test, y_train, y_val, y_test = digit_splits(seed=split_seed)
    net = MLP([64, 128, 10], seed=split_seed)
    fit(net, X_train[:N_SMALL], y_train[:N_SMALL], optim.Adam(0.003), epochs=EPOCHS, batch_size=32,
        X_val=X_val, y_val=y_val, patience=PATIENCE, seed=split_seed, progress=False)
    return (net.predict(X_test) == y_test).astype(int)


def uncertainty_numbers(split_seeds=SPLIT_SEEDS):
    """One split's test accuracy with its Wilson and bootstrap intervals, and the spread over
    repeated splits, as text (accuracies in percent)."""
    hits = split_run(split_seeds[0])
    n, k = len(hits), int(hits.sum())
    wilson = wilson_interval(k, n)
    boot = bootstrap_interval(hits)
    accs = np.array([100 * split_run(s).mean() for s in split_seeds])
    return numbers(n_test=shown(n, "d"), correct=shown(k, "d"), acc=shown(100 * k / n, ".1f"),
                   wilson_low=shown(100 * wilson[0], ".1f"), wilson_high=shown(100 * wilson[1], ".1f"),
                   boot_low=shown(100 * boot[0], ".1f"), boot_high=shown(100 * boot[1], ".1f"),
                   half_width=shown(50 * (wilson[1] - wilson[0]), ".1f"),
                   splits=shown(len(split_seeds), "d"), split_mean=shown(accs.mean(), ".1f"),
                   split_sd=shown(accs.std(ddof=1), ".1f"), split_low=shown(accs.min(), ".1f"),
                   split_high=shown(accs.max(), ".1f"), patience=shown(PATIENCE, "d"),
                   binomial_sd=shown(100 * np.sqrt(accs.mean() / 100 * (1 - accs.mean() / 100) / n), ".1f"))


def uncertainty_figure(split_seeds=SPLIT_SEEDS):
    """Each split's test accuracy with its 95% Wilson interval, and the mean over the splits."""
    fig, ax = plt.subplots(figsize=(6.0, 2.8))
    accs = []
    for row, seed in enumerate(split_seeds):
        hits = split_run(seed)
        low, high = wilson_interval(int(hits.sum()), len(hits))
        acc = 100 * hits.mean()
        accs.append(acc)
        ax.plot([100 * low, 100 * high], [row, row], color=COLORS["data"], linewidth=2)
        ax.plot([acc], [row], "o", color=COLORS["data"], markersize=7)
    ax.axvline(np.mean(accs), color=COLORS["model"], linestyle="--", label=f"mean over {len(accs)} splits")
    ax.set_yticks(range(len(split_seeds)))
    ax.set_yticklabels([f"split {seed}" for seed in split_seeds])
    ax.invert_yaxis()
    set_axes(ax, xlabel="test accuracy (%), with its 95% interval", legend=True)
    return figure(fig)


# --- Explore the degree -------------------------------------------------------------------------

_X_NEW, _Y_NEW = polynomial_task_fresh(200, seed=1)
_FITS = [polynomial.fit(_X, _Y, d) for d in DEGREES]
_TRAIN, _NEW = degree_errors(_X, _Y, _X_NEW, _Y_NEW)


def degree_frame(degree):
    """What the explorable shows at ``degree``: a dict with the ``train`` and ``new`` (unseen) MSE,
    the ``coef`` and ``dip``, the lowest point of the curve between the two leftmost training
    points (x = -1 and -0.8)."""
    degree = int(round(degree))
    left = GRID <= _X[1]
    return dict(train=_TRAIN[degree], new=_NEW[degree], coef=_FITS[degree],
                dip=float(P.polyval(GRID[left], _FITS[degree]).min()))


def degree_numbers():
    """The numbers of the explorable's things to try, as text."""
    return numbers(twice=shown(2 * POLY_NOISE ** 2, ".2f"), train_9=shown(_TRAIN[9], ".3f"),
                   dip_9=shown(degree_frame(9)["dip"], ".1f"), dip_10=shown(degree_frame(10)["dip"], ".1f"))


def degree_view(fig):
    """The explorable's view. Left: the training points, unseen points and the fitted polynomial.
    Right: training and unseen-point MSE against the degree, the chosen degree marked.
    Returns ``update(degree)``.
    """
    left, right = fig.subplots(1, 2, width_ratios=[1.1, 1])
    _points(left, _X, _Y, _X_NEW, _Y_NEW)
    curve, = left.plot(GRID, P.polyval(GRID, _FITS[1]), color=COLORS["model"], label="fitted polynomial")
    set_axes(left, xlabel="$x$", ylabel="$y$", xlim=(-1.05, 1.05), ylim=YLIM)
    left.legend(loc="lower right", fontsize=8)
    title = left.text(0.03, 0.97, "", transform=left.transAxes, va="top", fontsize=10,
                      bbox=dict(facecolor="white", edgecolor="none", alpha=0.85))
    _error_curves(right, _TRAIN, _NEW)
    right.legend(loc="lower left", fontsize=8)
    marks, = right.plot([1, 1], [_TRAIN[1], _NEW[1]], "o", color=COLORS["ink"], markersize=9, fillstyle="none",
                        markeredgewidth=2)
    freeze_background(fig, [curve, title, marks])

    def update(degree):
        degree = int(round(degree))
        curve.set_ydata(P.polyval(GRID, _FITS[degree]))
        marks.set_data([degree, degree], [max(_TRAIN[degree], 1e-6), _NEW[degree]])
        title.set_text(f"training MSE {_short(_TRAIN[degree])}\nunseen MSE {_short(_NEW[degree])}")
        return (f"Degree {degree}: training MSE {_short(_TRAIN[degree])}, "
                f"MSE on unseen points {_short(_NEW[degree])}.")

    return update


# --- Exercises ----------------------------------------------------------------------------------

_X_TEST, _Y_TEST = polynomial_task_fresh(200, seed=7)
_C3 = polynomial.fit(_X, _Y, 3)
_TEST_3 = polynomial.mse(_C3, _X_TEST, _Y_TEST)
_REVERSED = float(np.mean((P.polyval(_X_TEST, np.polyfit(_X, _Y, 3)) - _Y_TEST) ** 2))
check_7_1 = NumberCheck(_TEST_3, rtol=1e-3, hints=[
    (polynomial.mse(_C3, _X, _Y), "That is the error on the training points: evaluate the fit on the unseen points."),
    (float(np.sqrt(_TEST_3)), "That is the root of the MSE: leave out the square root."),
    (polynomial.mse(polynomial.fit(_X, _Y, 1), _X_TEST, _Y_TEST), "That is the straight line's test error: fit degree 3."),
    (polynomial.mse(polynomial.fit(_X, _Y, 10), _X_TEST, _Y_TEST), "That is the degree-10 curve's error: fit degree 3."),
    (polynomial.mse(polynomial.fit(_X_TEST, _Y_TEST, 3), _X_TEST, _Y_TEST),
     "You fitted the polynomial to the unseen points: fit it to the eleven training points."),
    (len(_X_TEST) * _TEST_3, "That is the sum of the squared errors: the mean divides it by the number of points."),
    (_REVERSED, "np.polyfit lists the highest power first, the order np.polyval reads; "
                "numpy.polynomial's polyval reads the lowest first."),
], hint="Fit the polynomial to the training points, evaluate it at the unseen x, and average the squared errors.")

_SETS = ["training set", "validation set", "test set"]
check_7_2 = ChoiceCheck(_SETS[1], _SETS, explanations={
    _SETS[0]: "The training error only falls as the degree grows: it would always pick the wiggliest curve.",
    _SETS[2]: "Then the test score is no longer a fair estimate: you chose the model because it did well there.",
}, hint="Which set is kept aside for choices, so that another one stays untouched?")

check_7_3 = NumberCheck(len(DEGREES) * 5 + 1, integer=True, hints=[
    (len(DEGREES) * 5, "Almost: after choosing the degree, the winner is fitted once more on all the points."),
    (len(DEGREES), "Each degree is fitted once per round of cross-validation, not once in all."),
    (5, "Each round fits every degree, not just one."),
    (6, "Each round fits every degree, not just one."),
    (len(DEGREES) * 6, "The refit is of the winner only, not of every degree."),
    (len(DEGREES) * 4 + 1, "There are as many rounds as folds, five: each fold is left out once."),
    ((len(DEGREES) - 1) * 5 + 1, "Count the degrees again: 0 to 10 is eleven of them."),
], hint="Count the fits per round of cross-validation, then the rounds, then what happens after the choice.")

#: Validation losses of an imaginary run, epoch 0 first, for exercise 7.4.
VAL_LOSSES = np.array([0.92, 0.61, 0.50, 0.45, 0.47, 0.44, 0.46, 0.48, 0.47, 0.52, 0.55])


def _early_stop(val_losses, patience):
    """``[stop epoch, kept epoch]`` of early stopping as ``nblib.training.fit`` does it."""
    best, waited = 0, 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] < val_losses[best]:
            best, waited = epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return [epoch, best]
    return [len(val_losses) - 1, best]


_STOP = _early_stop(VAL_LOSSES, 3)
check_7_4 = NumberCheck(_STOP, integer=True, hints=[
    ([None, len(VAL_LOSSES) - 1], "Early stopping keeps the weights of the best epoch, not of the last one."),
    ([None, 3], "Look again after epoch 3: one later epoch has an even lower validation loss."),
    ([len(VAL_LOSSES) - 1, None], "The run stops before the list ends: look for three epochs in a row "
                                  "without a new low."),
    ([6, None], "The count of epochs without improvement starts again whenever the loss reaches a new low."),
    ([_STOP[0] + 1, _STOP[1] + 1], "Epochs are counted from 0 here: the first loss in the list is epoch 0."),
    ([_STOP[0] - 1, None], "The epoch of the new low does not count as a wait: count the epochs after it."),
    ([_STOP[0] + 1, None], "With a patience of 3 the run stops at the end of the third epoch without "
                           "improvement, not one epoch later."),
], hint="Walk along the list, keeping the lowest loss so far and how many epochs have passed since it.")

#: Exercise 7.5: a test score of 326 right out of 359, and the normal approximation's 95% half-width.
RIGHT_75, N_75 = 326, 359
_P75 = RIGHT_75 / N_75
_SD75 = float(np.sqrt(_P75 * (1 - _P75) / N_75))
check_7_5 = NumberCheck(100 * 1.96 * _SD75, rtol=2e-3, hints=[
    (100 * _SD75, "That is one standard deviation; a 95% interval reaches about 1.96 of them to each side."),
    (1.96 * _SD75, "That is the half-width as a fraction; the question asks for percentage points."),
    (200 * 1.96 * _SD75, "That is the whole width of the interval; the question asks how far it reaches to one side."),
    (100 * 1.96 * float(np.sqrt(_P75 * (1 - _P75))) / N_75,
     "The spread of an average shrinks with the square root of the number of digits, not the number itself."),
    (100 * 1.96 * _P75 * (1 - _P75) / N_75, "Take the square root of the variance p (1 - p) / n."),
    (100 * 1.645 * _SD75, "1.645 standard deviations give a 90% interval; a 95% one needs about 1.96."),
], hint="The number right out of n is binomial: the accuracy's standard deviation is sqrt(p (1 - p) / n).")
