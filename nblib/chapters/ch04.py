"""Chapter 4, Neural networks are not convex; stochastic and mini-batch descent.

Its figures, its explorable's view and its exercise checks. Three data sets appear: a few
labelled points for a single sigmoid neuron (:func:`neuron_data`), the two moons for a small
network whose loss is sliced in two dimensions (:func:`landscape`), and a thousand noisy points
on a line for batch, stochastic and mini-batch descent (:func:`line_data`).
``check_4_1`` ... ``check_4_4`` are the exercises' checks.
"""

import functools

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter, NullFormatter

from nblib import optim, surfaces
from nblib.activations import sigmoid
from nblib.chapters.text import figure, numbers, shown
from nblib.data import two_moons
from nblib.exercises import ChoiceCheck, NumberCheck
from nblib.explorable import freeze_background
from nblib.nn import MLP
from nblib.plots import regression as rplots
from nblib.theme import COLORS, set_axes
from nblib.training import fit


# --- One sigmoid neuron -----------------------------------------------------------------------------

def neuron_data():
    """Six points ``(x, y)`` with labels 0 and 1 that a threshold near 0 almost separates."""
    x = np.array([-2.0, -1.2, -0.4, 0.3, 1.0, 2.2])
    y = np.array([0.0, 0.0, 1.0, 0.0, 1.0, 1.0])
    return x, y


def neuron_loss(x, y, w, b):
    """MSE of the neuron ``sigmoid(w x + b)``; ``w``, ``b`` broadcast together, result has their shape."""
    w, b = np.asarray(w, dtype=float), np.asarray(b, dtype=float)
    return np.mean((y - sigmoid(w[..., None] * x + b[..., None])) ** 2, axis=-1)


def neuron_grad(x, y, wb):
    """Gradient ``(dJ/dw, dJ/db)`` of :func:`neuron_loss` at ``wb = (w, b)``, shape (2,)."""
    p = sigmoid(wb[0] * x + wb[1])
    delta = -2 * (y - p) * p * (1 - p)
    return np.array([np.mean(delta * x), np.mean(delta)])


#: The window of the neuron's loss map, ``(w range, b range)``.
W_WINDOW, B_WINDOW = (-8.0, 8.0), (-8.0, 8.0)


def neuron_figure(x, y, chord):
    """Left: the neuron's loss over ``(w, b)``. Right: the loss along the segment ``chord =
    ((w0, b0), (w1, b1))``, drawn on the left, against the straight chord between its ends."""
    w = np.linspace(*W_WINDOW, 201)
    b = np.linspace(*B_WINDOW, 201)
    Wg, Bg = np.meshgrid(w, b)
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.8, 3.6), width_ratios=[1.1, 1])
    art = left.contourf(Wg, Bg, neuron_loss(x, y, Wg, Bg), levels=20, cmap="viridis")
    left.contour(Wg, Bg, neuron_loss(x, y, Wg, Bg), levels=20, colors="white", linewidths=0.4, alpha=0.6)
    fig.colorbar(art, ax=left)
    (w0, b0), (w1, b1) = chord
    left.plot([w0, w1], [b0, b1], color=COLORS["highlight"], linewidth=2)
    set_axes(left, xlabel="weight $w$", ylabel="bias $b$", title="MSE of one sigmoid neuron")
    left.grid(False)
    s = np.linspace(0, 1, 200)
    along = neuron_loss(x, y, w0 + s * (w1 - w0), b0 + s * (b1 - b0))
    right.plot(s, along, color=COLORS["highlight"], label="loss along the segment")
    right.plot([0, 1], [along[0], along[-1]], "--", color=COLORS["ink"], linewidth=1, label="straight chord")
    set_axes(right, xlabel="position along the segment", ylabel="MSE",
             title="a convex loss never rises above its chords")
    right.legend(loc="lower left")
    return figure(fig)


def chord_numbers(x, y, chord):
    """How far the loss along the segment ``chord`` rises above the straight chord between its ends,
    and where (as a fraction of the way), as text."""
    (w0, b0), (w1, b1) = chord
    s = np.linspace(0, 1, 1001)
    along = neuron_loss(x, y, w0 + s * (w1 - w0), b0 + s * (b1 - b0))
    gap = along - (along[0] + s * (along[-1] - along[0]))
    worst = int(np.argmax(gap))
    return numbers(gap=shown(float(gap[worst]), ".3f"), where=shown(float(s[worst]), ".2f"),
                   left=shown(float(along[0]), ".3f"), right=shown(float(along[-1]), ".3f"),
                   lowest=shown(float(along.min()), ".3f"))


# --- A real network's loss, sliced ------------------------------------------------------------------

def landscape(seed=0, n_grid=41, span=1.0):
    """Train a 2-16-2 tanh network on the two moons, then evaluate its loss on a 2-D slice.

    The slice is ``theta* + a d1 + b d2`` for ``a, b`` in ``[-span, span]``, where theta* are the
    trained parameters and d1, d2 random directions (seeded) with each parameter array scaled to
    the norm of the trained array, a layer-wise version of the normalization of Li et al. (2018).
    Returns ``(a, losses: (n_grid, n_grid) indexed [b, a], accuracy of the trained net)``.
    """
    X, y = two_moons(200, noise=0.15, seed=seed)
    net = MLP([2, 16, 2], activation="tanh", seed=seed)
    fit(net, X, y, optim.Adam(lr=0.02), epochs=150, batch_size=32, seed=seed, progress=False)
    theta = net.copy_params()
    rng = np.random.default_rng(seed + 1)
    directions = []
    for _ in range(2):
        d = [rng.normal(size=p.shape) for p in theta]
        directions.append([di * np.linalg.norm(p) / np.linalg.norm(di) for di, p in zip(d, theta)])
    a = np.linspace(-span, span, n_grid)
    losses = np.empty((n_grid, n_grid))
    for i, bi in enumerate(a):
        for j, aj in enumerate(a):
            net.set_params([p + aj * d1 + bi * d2 for p, d1, d2 in zip(theta, *directions)])
            losses[i, j] = net.loss(X, y, loss="cross_entropy")
    net.set_params(theta)
    return a, losses, net.accuracy(X, y)


def local_minima(losses):
    """Grid points strictly lower than their eight neighbours (the border excluded): ``(k, 2)`` indices."""
    inner = losses[1:-1, 1:-1]
    lower = np.ones_like(inner, dtype=bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                lower &= inner < losses[1 + di:losses.shape[0] - 1 + di, 1 + dj:losses.shape[1] - 1 + dj]
    return np.argwhere(lower) + 1


def landscape_numbers(losses):
    """The slice's loss at its centre (the trained network) and at its highest and lowest corner,
    as text; and the number of weights of the 2-16-2 network."""
    corners = [losses[0, 0], losses[0, -1], losses[-1, 0], losses[-1, -1]]
    centre = losses[losses.shape[0] // 2, losses.shape[1] // 2]
    return numbers(centre=shown(float(centre), ".3f"), high=shown(float(max(corners)), ".1f"),
                   low=shown(float(min(corners)), ".2f"), n_params=shown(2 * 16 + 16 + 16 * 2 + 2, "d"))


def landscape_figure(a, losses):
    """The slice as filled contours of the loss (log levels), the trained network at its centre."""
    fig, ax = plt.subplots(figsize=(5.4, 4.2))
    A, B = np.meshgrid(a, a)
    art = rplots.loss_contour(A, B, losses, ax=ax, levels=18, labels=("direction 1", "direction 2"))
    fig.colorbar(art["filled"], ax=ax, label="cross-entropy (log scale)", format="%.2g")
    rplots.mark_point(ax, 0.0, 0.0, marker="*", size=13, color=COLORS["highlight"], label="trained network")
    ticks = [-1.0, -0.5, 0.0, 0.5, 1.0]
    ax.set_xticks([t * a[-1] for t in ticks])
    ax.set_yticks([t * a[-1] for t in ticks])
    ax.legend(loc="upper right", fontsize=8, frameon=True, framealpha=0.9)
    return figure(fig)


# --- Local minimum, plateau, saddle ---------------------------------------------------------------

def trouble_runs(x, y):
    """Three runs of plain gradient descent that get stuck, each ``(surface or None, RunResult)``.

    A local minimum of the ``bumpy`` surface; the saddle of the ``saddle`` surface; and a plateau
    of the sigmoid neuron started where it is saturated.
    """
    bumpy = surfaces.run(optim.SGD(lr=0.05), surfaces.bumpy, start=[-3.0, 2.5], steps=200)
    saddle = surfaces.run(optim.SGD(lr=0.05), surfaces.saddle, start=[-2.0, 1e-4], steps=200)
    plateau = surfaces.run(optim.SGD(lr=1.0), lambda wb: neuron_grad(x, y, wb), start=[-6.0, 6.0],
                           steps=3000, f=lambda wb: neuron_loss(x, y, wb[..., 0], wb[..., 1]))
    return {"local minimum": (surfaces.bumpy, bumpy), "saddle": (surfaces.saddle, saddle),
            "plateau": (None, plateau)}


def trouble_numbers(runs, x, y):
    """Where the stuck runs ended, as text."""
    _, bumpy = runs["local minimum"]
    _, saddle = runs["saddle"]
    _, plateau = runs["plateau"]
    near = int(np.sum(np.linalg.norm(saddle.path, axis=1) < 0.1))
    end = plateau.path[-1]
    grid = np.linspace(-10, 10, 201)
    best = neuron_loss(x, y, grid[:, None], grid[None, :]).min()     # the lowest loss on a fine grid
    return numbers(bumpy_end=shown(float(bumpy.losses[-1]), ".3f"),
                   bumpy_best=shown(float(surfaces.bumpy.f(np.zeros(2))), ".0f"),
                   saddle_near=shown(near, ",d"), saddle_steps=shown(len(saddle.path) - 1, ",d"),
                   saddle_end=shown(float(saddle.losses[-1]), ".3f"),
                   plateau_start=shown(float(plateau.losses[0]), ".3f"),
                   plateau_end=shown(float(plateau.losses[-1]), ".3f"),
                   plateau_steps=shown(len(plateau.path) - 1, ",d"),
                   plateau_w=shown(float(end[0]), ".1f"), plateau_b=shown(float(end[1]), ".1f"),
                   plateau_grad=shown(float(np.linalg.norm(neuron_grad(x, y, end))), ".0e"),
                   plateau_low=shown(float(sigmoid(end[0] * x + end[1]).min()), ".3f"),
                   neuron_best=shown(float(best), ".3f"))


def trouble_figure(runs):
    """The three stuck runs: two paths on their surfaces and the loss curve of the plateau."""
    fig, axes = plt.subplots(1, 3, figsize=(9.6, 3.2))
    for ax, (name, (surface, run)) in zip(axes, runs.items()):
        if surface is None:
            ax.plot(run.losses, color=COLORS["model"])
            set_axes(ax, xlabel="step", ylabel="MSE", title=f"{name}: sigmoid neuron")
            continue
        u = np.linspace(*surface.xlim, 200)
        v = np.linspace(*surface.ylim, 200)
        U, V = np.meshgrid(u, v)
        F = surface.f(np.stack([U, V], axis=-1))
        ax.contourf(U, V, F, levels=20, cmap="viridis")
        ax.plot(run.path[:, 0], run.path[:, 1], "-o", color=COLORS["highlight"], markersize=2, linewidth=1)
        ax.plot(*run.path[0], "o", color="white", markeredgecolor=COLORS["ink"])
        set_axes(ax, xlabel="$x$", ylabel="$y$", title=f"{name}: {surface.name} surface")
        ax.grid(False)
    return figure(fig)


# --- Batch, stochastic and mini-batch descent -------------------------------------------------------

def line_data(n=1000, seed=0):
    """``n`` noisy points on the line ``y = 0.5 x + 1``, x uniform on [-2, 2], noise 0.5 (seeded)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, n)
    return x, 0.5 * x + 1.0 + rng.normal(0.0, 0.5, n)


def line_loss(x, y, w):
    """MSE of the lines ``w = (m, b)``, ``w: (..., 2)`` -> ``(...)``."""
    w = np.asarray(w, dtype=float)
    return np.mean((y - w[..., 0, None] * x - w[..., 1, None]) ** 2, axis=-1)


def per_example_grads(x, y, w):
    """The gradient of each example's squared error at ``w = (m, b)``: shape ``(n, 2)``."""
    r = y - (w[0] * x + w[1])
    return np.column_stack([-2 * x * r, -2 * r])


def batch_descent(x, y, batch_size, lr, updates, start, seed=0, shuffle=True):
    """Mini-batch gradient descent on the line's MSE: ``updates`` steps of ``batch_size`` examples.

    Each epoch visits the examples once in batches, in an order shuffled by a seeded generator
    (or in the stored order if ``shuffle`` is False); the last batch of an epoch may be smaller.
    Returns the path ``(updates + 1, 2)``.
    """
    rng = np.random.default_rng(seed)
    w = np.array(start, dtype=float)
    path, order, position = [w.copy()], np.arange(len(x)), len(x)
    for _ in range(updates):
        if position >= len(x):
            order, position = (rng.permutation(len(x)) if shuffle else np.arange(len(x))), 0
        batch = order[position:position + batch_size]
        position += batch_size
        xb, r = x[batch], y[batch] - (w[0] * x[batch] + w[1])
        w -= lr * np.array([-2 * np.dot(xb, r) / len(r), -2 * r.mean()])    # the batch's mean gradient
        path.append(w.copy())
    return np.array(path)


#: Where the paths of the batch-size section start, ``(m, b)``.
LINE_START = np.array([-1.5, -1.0])


def _line_contour(ax, x, y, w_best):
    m = np.linspace(-2.0, 2.5, 120)
    b = np.linspace(-1.8, 2.2, 120)
    M, B = np.meshgrid(m, b)
    rplots.loss_contour(M, B, line_loss(x, y, np.stack([M, B], axis=-1)), ax=ax, levels=12)
    rplots.mark_point(ax, *w_best, marker="*", size=12, color="white")
    rplots.mark_point(ax, *LINE_START, marker="o", size=6, color="white")
    set_axes(ax, xlim=(-2.0, 2.5), ylim=(-1.8, 2.2))


def paths_figure(x, y, w_best, paths):
    """Paths ``{label: path}`` of batch, mini-batch and stochastic descent on the line's contour map."""
    fig, axes = plt.subplots(1, len(paths), figsize=(9.6, 3.3), sharey=True)
    for ax, (label, path), color in zip(axes, paths.items(), [COLORS["good"], COLORS["highlight"],
                                                                COLORS["bad"]]):
        _line_contour(ax, x, y, w_best)
        ax.plot(path[:, 0], path[:, 1], "-o", color=color, markersize=2, linewidth=1)
        ax.set_title(label, fontsize=10)
        if ax is not axes[0]:
            ax.set_ylabel("")
    return figure(fig)


def paths_numbers(paths, w_best):
    """How far the mini-batch and stochastic paths stray from the batch path, and how far each
    path stays from the least-squares line over its last 20 steps, as text.

    paths: ``{label: path}`` in the order batch, mini-batch, stochastic (as :func:`paths_figure`).
    """
    batch, mini, one = paths.values()
    end = lambda path: float(np.linalg.norm(path[-20:] - np.asarray(w_best), axis=1).mean())
    return numbers(mini=shown(float(np.abs(mini - batch).max()), ".2f"),
                   one=shown(float(np.abs(one - batch).max()), ".1f"),
                   one_end=shown(end(one), ".2f"), batch_end=shown(end(batch), ".0e"))


def gradient_spread(x, y, w, batch_sizes, draws=4000, seed=0):
    """Measured spread of the mini-batch gradient of ``dJ/dm`` at ``w``, per batch size.

    ``draws`` random orders of the examples are drawn (seeded); for each batch size B the first B
    examples of each order form a batch drawn without replacement, and the standard deviation of
    the batches' mean gradients is measured. Returns ``(measured, law)``: the law is
    ``sigma / sqrt(B) * sqrt((n - B) / (n - 1))``, with sigma the spread of one example's gradient
    and the square root the correction for drawing without replacement from n examples.
    """
    g = per_example_grads(x, y, w)[:, 0]
    n, rng = len(g), np.random.default_rng(seed)
    shuffled = g[np.argsort(rng.random((draws, n)), axis=1)]     # one random order per draw
    measured = [shuffled[:, :B].mean(axis=1).std() for B in batch_sizes]   # its first B examples
    B = np.asarray(batch_sizes, dtype=float)
    law = g.std() / np.sqrt(B) * np.sqrt((n - B) / (n - 1))
    return np.array(measured), law


def spread_figure(batch_sizes, measured, law):
    """The measured spread of the gradient estimate against the batch size, beside the law."""
    fig, ax = plt.subplots(figsize=(5.6, 3.5))
    ax.plot(batch_sizes, law, color=COLORS["data"], label=r"$\sigma/\sqrt{B}$ (with the finite-n correction)")
    ax.plot(batch_sizes, measured, "o", color=COLORS["model"], markersize=5, label="measured")
    set_axes(ax, xlabel="batch size $B$", ylabel=r"spread of the estimate of $\partial J/\partial m$",
             xscale="log", yscale="log", legend=True)
    ax.set_yticks([0.2, 0.5, 1, 2, 5])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    return figure(fig)


def spread_numbers(batch_sizes, measured, law, gradient, per_example=None, draws=4000):
    """The fitted log-log slope of the measured spread, the largest and the median gap to the law
    (in percent), the spread for one example and the true gradient ``gradient`` being estimated, as
    text. With ``per_example`` (the examples' gradients of dJ/dm), also ``se``: the uncertainty of
    one measured spread from ``draws`` batches in percent (one standard error, from the examples'
    kurtosis, at its largest for B = 1)."""
    keep = np.asarray(batch_sizes) <= 100
    slope = np.polyfit(np.log(np.asarray(batch_sizes)[keep]), np.log(measured[keep]), 1)[0]
    gaps = 100 * np.abs(measured / law - 1)
    result = dict(slope=shown(slope, ".3f"), gap=shown(float(gaps.max()), ".1f"),
                  median=shown(float(np.median(gaps)), ".1f"),
                  one=shown(float(measured[0]), ".2f"), gradient=shown(float(gradient), ".2f"))
    if per_example is not None:
        g = np.asarray(per_example) - np.mean(per_example)
        kurtosis = np.mean(g ** 4) / np.mean(g ** 2) ** 2
        result["se"] = shown(100 * float(np.sqrt((kurtosis - 1) / (4 * draws))), ".1f")
    return numbers(**result)


def epoch_runs(x, y, epochs=5, lr=0.05):
    """Loss on all the data against examples processed, for ``epochs`` epochs of descent with
    batch sizes 1, 32 and all the data (shuffled), and 1 without shuffling on the data sorted by x.
    Returns ``{label: (examples processed, losses)}``."""
    n, order = len(x), np.argsort(x)
    runs = {}
    for label, B, shuffle in (("B = 1", 1, True), ("B = 32", 32, True), (f"B = {n:,} (all)", n, True),
                              ("B = 1, sorted by x, not shuffled", 1, False)):
        updates = epochs * -(-n // B)
        xs, ys = (x, y) if shuffle else (x[order], y[order])
        path = batch_descent(xs, ys, B, lr, updates, LINE_START, seed=2, shuffle=shuffle)
        seen = np.minimum(np.arange(updates + 1) * B, epochs * n)
        runs[label] = (seen, line_loss(x, y, path))
    return runs


def epoch_numbers(runs, x, y, lr=0.05):
    """The loss of each run of :func:`epoch_runs` at its end and after its first epoch, and the
    least-squares loss, as text. Also: ``decayed``, how far above the least-squares loss the
    batch-size-1 run ends after one more epoch at a tenth of ``lr``; ``sorted_low`` and
    ``sorted_high``, the mean residual of the unshuffled run's final line on the 10% smallest and
    10% largest x."""
    ends = [float(losses[-1]) for _, losses in runs.values()]
    first = [float(losses[np.searchsorted(seen, len(x))]) for seen, losses in runs.values()]
    w = np.polyfit(x, y, 1)
    best = float(line_loss(x, y, w))
    n = len(x)
    end_one = batch_descent(x, y, 1, lr, 5 * n, LINE_START, seed=2)[-1]
    decayed = batch_descent(x, y, 1, lr / 10, n, end_one, seed=3)[-1]
    order = np.argsort(x)
    m, b = batch_descent(x[order], y[order], 1, lr, 5 * n, LINE_START, seed=2, shuffle=False)[-1]
    r = y - (m * x + b)
    low, high = x <= np.quantile(x, 0.1), x >= np.quantile(x, 0.9)
    return numbers(one=shown(ends[0], ".3f"), mini=shown(ends[1], ".3f"), full=shown(ends[2], ".3f"),
                   sorted=shown(ends[3], ".3f"), best=shown(best, ".3f"),
                   first_one=shown(first[0], ".3f"), first_mini=shown(first[1], ".3f"),
                   first_full=shown(first[2], ".2f"),
                   decayed=shown(float(line_loss(x, y, decayed)) - best, ".4f"),
                   sorted_low=shown(float(r[low].mean()), ".2f"), sorted_high=shown(float(r[high].mean()), ".2f"))


def epochs_figure(curves):
    """Loss against examples processed, one curve per run ``{label: (examples, losses)}``."""
    fig, ax = plt.subplots(figsize=(6.0, 3.5))
    for (label, (seen, losses)), color in zip(curves.items(), [COLORS["good"], COLORS["highlight"],
                                                                COLORS["bad"], COLORS["neutral"]]):
        ax.plot(seen, losses, color=color, label=label)
    set_axes(ax, xlabel="examples processed (gradient evaluations)", ylabel="MSE on all the data",
             yscale="log", legend=True)
    return figure(fig)


# --- Explore the batch size -------------------------------------------------------------------------

_XL, _YL = line_data()
_W_BEST = np.polyfit(_XL, _YL, 1)

#: The explorable's batch sizes: 1 to 1,000, spaced evenly on a log scale (repeats removed).
BATCH_SIZES = np.unique(np.round(np.geomspace(1, 1000, 160)).astype(int))

#: Updates and learning rate of every run of the explorable, and the runs its note averages over.
UPDATES, LR, RUNS = 100, 0.1, 16

#: The explorable's note averages the loss over this many last updates.
TAIL = 20


def epoch_orders(n, runs, epochs, seed=0):
    """A random order of ``n`` examples for every epoch of every run: ``(runs, epochs, n)`` (seeded)."""
    rng = np.random.default_rng(seed)
    return np.array([rng.permutation(n) for _ in range(runs * epochs)]).reshape(runs, epochs, n)


def equal_batch_runs(x, y, batch_size, lr, updates, start, runs=1, seed=0, orders=None):
    """Mini-batch descent on the line's MSE with batches of exactly ``batch_size``, ``runs`` runs at once.

    Each epoch puts the examples in a new random order (:func:`epoch_orders`) and cuts it into
    ``n // batch_size`` batches of ``batch_size``; the ``n % batch_size`` examples left over are
    skipped for that epoch (what PyTorch's ``drop_last=True`` does), so no update averages a short
    remainder (with ``batch_size = 499`` that remainder would be 2 examples). Each batch enters
    through the means of x, x**2, y and x y over it, which give its mean gradient exactly.
    Returns the paths ``(runs, updates + 1, 2)``.
    """
    n, B = len(x), int(batch_size)
    per_epoch = n // B
    epochs = -(-updates // per_epoch)
    orders = epoch_orders(n, runs, epochs, seed)
    batches = orders[:, :, :per_epoch * B].reshape(runs, epochs * per_epoch, B)[:, :updates]
    stats = np.column_stack([x, x * x, y, x * y])
    if 2 * B <= n:
        means = stats[batches].mean(axis=2)                                 # (runs, updates, 4)
    else:   # cheaper for large batches: everything minus the examples left out
        rest = orders[:, :, B:].reshape(runs, epochs, n - B)[:, :updates]
        means = (stats.sum(axis=0) - stats[rest].sum(axis=2)) / B
    w = np.tile(np.asarray(start, dtype=float), (runs, 1))
    path = np.empty((runs, updates + 1, 2))
    path[:, 0] = w
    for t in range(updates):
        sx, sxx, sy, sxy = means[:, t].T
        m, b = w[:, 0], w[:, 1]
        w = w - lr * np.column_stack([-2 * (sxy - m * sxx - b * sx), -2 * (sy - m * sx - b)])
        path[:, t + 1] = w
    return path


_MOMENTS = np.array([np.mean(_XL * _XL), np.mean(_XL), np.mean(_XL * _YL), np.mean(_YL), np.mean(_YL * _YL)])


def _line_loss_by_moments(w):
    """:func:`line_loss` on the explorable's data through its moments (the same value, much faster)."""
    xx, x1, xy, y1, yy = _MOMENTS
    m, b = w[..., 0], w[..., 1]
    return yy - 2 * m * xy - 2 * b * y1 + m * m * xx + 2 * m * b * x1 + b * b


@functools.cache
def batch_frames():
    """Every stop of the explorable, computed once: ``{B: (path of run 0, its losses, excess)}``.

    ``excess`` is the note: the loss above the least-squares loss, averaged over the last ``TAIL``
    updates and over ``RUNS`` runs; the path and losses drawn are those of the first run. All batch
    sizes share the runs' epoch orders (seed 1), so neighbouring stops differ by the batch size
    alone.
    Treat the result as read-only.
    """
    floor = float(line_loss(_XL, _YL, _W_BEST))
    orders = epoch_orders(len(_XL), RUNS, UPDATES, seed=1)     # enough epochs for every batch size
    frames = {}
    for B in BATCH_SIZES:
        paths = equal_batch_runs(_XL, _YL, int(B), LR, UPDATES, LINE_START, runs=RUNS, orders=orders)
        losses = _line_loss_by_moments(paths)
        frames[int(B)] = (paths[0], losses[0], float(losses[:, -TAIL:].mean() - floor))
    return frames


def batch_view(fig):
    """The explorable: the path of ``UPDATES`` mini-batch steps on the contour map, and the loss
    after each step, for the chosen batch size. Returns ``update(batch_size)``."""
    frames = batch_frames()
    floor = float(line_loss(_XL, _YL, _W_BEST))
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.1])
    _line_contour(left, _XL, _YL, _W_BEST)
    left.set_title(f"{UPDATES} updates on the contour map")
    full, full_losses, _ = frames[int(BATCH_SIZES[-1])]
    left.plot(full[:, 0], full[:, 1], color="white", linewidth=1, alpha=0.7)
    path_line, = left.plot([], [], "-o", color=COLORS["highlight"], markersize=2, linewidth=1)
    right.plot(np.arange(UPDATES + 1), full_losses, color=COLORS["ink"], linewidth=1,
               label="all 1,000 examples")
    loss_line, = right.plot([], [], color=COLORS["highlight"], label="chosen batch size")
    right.axhline(floor, color=COLORS["good"], linestyle="--", linewidth=1, label="least squares")
    set_axes(right, xlabel="update", ylabel="MSE on all the data", yscale="log", ylim=(0.2, 10),
             title="loss after each update", legend=True)
    note = right.text(0.97, 0.6, "", transform=right.transAxes, ha="right", fontsize=9)
    freeze_background(fig, [path_line, loss_line, note])

    def update(batch_size):
        path, loss, excess = frames[int(batch_size)]
        path_line.set_data(path[:, 0], path[:, 1])
        loss_line.set_data(np.arange(UPDATES + 1), loss)
        above = f"{excess:.2g}" if excess > 1e-12 else "0"     # the full batch: 0 up to rounding
        note.set_text(f"above least squares, last {TAIL}\nupdates of {RUNS} runs: {above}")
        return (f"Batch size {batch_size}: over the last {TAIL} updates of {RUNS} runs the loss is "
                f"{above} above the least-squares loss.")

    return update


# --- Exercises ------------------------------------------------------------------------------------

check_4_1 = NumberCheck(-(-1000 // 64), integer=True, hints=[
    (1000 // 64, "The 40 examples left over still make a batch, and an update, of their own."),
    (1000 / 64, "Count whole batches: the number of updates is an integer."),
    (64, "That is the batch size; count how many batches fill one pass over 1,000 examples."),
    (1000, "That counts examples; one update uses a whole batch of 64 of them."),
], hint="One epoch visits each of the 1,000 examples once, 64 at a time.")

check_4_2 = NumberCheck(4, rtol=1e-3, hints=[
    (2, "The spread falls like 1/sqrt(B): halving the spread needs more than twice the batch."),
    (16, "Square the factor 2, not 4: the spread is sigma / sqrt(B)."),
    (np.sqrt(2), "The spread falls like 1/sqrt(B): growing B by sqrt(2) shrinks it only by 2^(1/4)."),
    (0.25, "The batch must grow, so the factor is above 1: a larger batch averages away more noise."),
    (0.5, "The batch must grow, so the factor is above 1: a larger batch averages away more noise."),
], hint="The spread is proportional to 1 / sqrt(B). By what factor must B grow for sqrt(B) to double?")

_POINTS = ["a local minimum", "a saddle point", "the global minimum"]
check_4_3 = ChoiceCheck(_POINTS[1], _POINTS, explanations={
    _POINTS[0]: "At a local minimum the loss rises in every direction; here it falls along y.",
    _POINTS[2]: "The loss at (0, 0) is 0, but it is lower at (0, 1): so (0, 0) is not a minimum at all.",
}, hint="Look at f along the x axis and along the y axis near (0, 0).")

check_4_4 = NumberCheck([0.0, 0.0], rtol=0, atol=1e-6, hints=[
    ([-2.0, 0.0], "x does move: each step multiplies it by 1 - 2 × 0.1 = 0.8."),
    ([-2 * 0.9 ** 100, 0.0], "The derivative of x^2 is 2x, so each step multiplies x by 1 - 0.1 × 2, not 1 - 0.1."),
    ([-2 * 1.2 ** 100, 0.0], "Descent steps against the gradient: x - 0.1 × 2x, not x + 0.1 × 2x."),
    ([None, 1.0], "y starts at exactly 0, where its derivative -2y is 0: it never moves."),
    ([None, -1.0], "y starts at exactly 0, where its derivative -2y is 0: it never moves."),
], hint="The gradient is (2x, -2y). Follow x and y separately for 100 steps.")
