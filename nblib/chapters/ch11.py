"""Chapter 11, Deep networks: scales through depth, initialization, vanishing and exploding
gradients, clipping, batch normalization and residual connections, and the checks.

The networks are :class:`nblib.deep.DeepNet` on the 8x8 digits (``nblib.data.digit_splits``):
64 inputs, hidden layers of equal width, 10 outputs, cross-entropy. Every experiment is
cached and runs with one BLAS thread (small matrices on a shared machine are fastest so).

Scales: for hidden layer l, the *signal* is the root mean square (RMS) of its pre-activation
``z_l`` and the *error* the RMS of ``delta_l = dJ/dz_l`` (``DeepNet.scales``).
"""

import functools
import math

import matplotlib.pyplot as plt
from matplotlib.ticker import NullFormatter
import numpy as np
from threadpoolctl import threadpool_limits

from nblib import data, optim
from nblib.activations import ACTIVATIONS, _log_softmax
from nblib.chapters.text import figure, numbers, scientific_text, shown
from nblib.deep import DeepNet, train
from nblib.exercises import NumberCheck
from nblib.explorable import freeze_background
from nblib.theme import COLORS, set_axes


def _one_thread(function):
    @functools.wraps(function)
    def run(*args, **kwargs):
        with threadpool_limits(1):
            return function(*args, **kwargs)
    return run


@functools.cache
def digits(n=300):
    """The first ``n`` training digits of ``data.digit_splits(seed=0)``: ``(X, y)``."""
    X_train, _, _, y_train, _, _ = data.digit_splits(seed=0)
    return X_train[:n], y_train[:n]


# --- Scales through depth -----------------------------------------------------------------------

#: The scales experiment: width, batch (the first digits), deepest network, seed.
WIDTH, BATCH, MAX_DEPTH, SEED = 32, 64, 50, 0
ACTIVATION_NAMES = ("sigmoid", "tanh", "relu")
#: The explorable's depths and gains (the factor on the rule's weights): 33 stops from 1/4 to 4,
#: eight per doubling, so 1/4, 1/2, 1, 2 and 4 are stops (more would exceed the 1 MB budget).
DEPTHS = tuple(range(2, MAX_DEPTH + 1))
GAINS = tuple(float(2.0 ** (k / 8)) for k in range(-16, 17))
RULES = {"sigmoid": "Glorot", "tanh": "Glorot", "relu": "He"}


@functools.cache
def _weights(activation):
    net = DeepNet(64, WIDTH, MAX_DEPTH, 10, activation=activation, seed=SEED)
    return net.params[0:2 * MAX_DEPTH:2], net.params[-2]


@functools.cache
@_one_thread
def _forward(activation, gain):
    """Signal ``(MAX_DEPTH,)`` and activations (one ``(BATCH, WIDTH)`` array per layer) of the deepest."""
    X, _ = digits(BATCH)
    Ws, _ = _weights(activation)
    f = ACTIVATIONS[activation]
    h, signal, acts = X, np.empty(MAX_DEPTH), []
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for l, W in enumerate(Ws):
            z = gain * (h @ W)
            signal[l] = np.sqrt(np.mean(z * z))
            h = f.f(z)
            acts.append(h)
    return signal, acts


@functools.cache
@_one_thread
def _error(activation, gain, depth):
    """Error RMS ``(depth,)`` of the network of ``depth`` layers: one backward pass."""
    _, y = digits(BATCH)
    Ws, W_out = _weights(activation)
    f = ACTIVATIONS[activation]
    acts = _forward(activation, gain)[1]
    error = np.empty(depth)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        delta = np.exp(_log_softmax(gain * (acts[depth - 1] @ W_out)))
        delta[np.arange(len(y)), y] -= 1
        d_h = gain / len(y) * (delta @ W_out.T)
        for l in range(depth - 1, -1, -1):
            d_z = d_h * f.derivative_from_output(acts[l])
            error[l] = np.sqrt(np.mean(d_z * d_z))
            d_h = gain * (d_z @ Ws[l].T)
    return error


def scale_table(activation, gain):
    """Signal and error RMS of every plain network of the explorable, for one activation and gain.

    The network of depth L is ``DeepNet(64, WIDTH, L, 10, activation, scale=gain, seed=SEED)``
    on the first ``BATCH`` digits. Networks of different depths share their first layers and
    their output layer, so one forward pass of the deepest serves every depth; each depth gets
    its own backward pass (computed when first asked for, then cached).

    Returns ``(signal, error)``: signal ``(MAX_DEPTH,)``, entry l for layer l+1 of any network at
    least that deep; error ``(len(DEPTHS), MAX_DEPTH)``, entry ``[k, l]`` for layer l+1 of the
    network of depth ``DEPTHS[k]`` (NaN beyond its depth).
    """
    error = np.full((len(DEPTHS), MAX_DEPTH), np.nan)
    for k, depth in enumerate(DEPTHS):
        error[k, :depth] = _error(activation, gain, depth)
    return _forward(activation, gain)[0], error


def _gain_index(gain):
    return int(np.argmin(np.abs(np.log(GAINS) - np.log(gain))))


def scales(activation, depth, gain):
    """``(signal, error)`` of the network of ``depth`` layers at the stop of GAINS nearest
    ``gain``: two ``(depth,)`` arrays."""
    gain = GAINS[_gain_index(gain)]
    if depth not in DEPTHS:
        raise ValueError(f"depth must be one of {DEPTHS[0]}..{DEPTHS[-1]}, got {depth}")
    return _forward(activation, gain)[0][:depth], _error(activation, gain, depth)


def per_layer_factor(values, back=False):
    """The geometric mean of the ratio of successive entries, ``(v[-1] / v[0]) ** (1 / (len - 1))``:
    the factor per layer going forward; with ``back=True`` its inverse, the factor per layer
    going back (for the error, which flows from the last layer to the first)."""
    values = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_factor = (np.log(values[-1]) - np.log(values[0])) / (len(values) - 1)
        return float(np.exp(-log_factor if back else log_factor))


def depth_figure(depth=MAX_DEPTH):
    """Signal (left) and error (right) RMS per layer for each activation with its rule (gain 1)."""
    fig, axes = plt.subplots(1, 2, figsize=(8.6, 3.5))
    colors = {"sigmoid": COLORS["bad"], "tanh": COLORS["data"], "relu": COLORS["model"]}
    layers = np.arange(1, depth + 1)
    for activation in ACTIVATION_NAMES:
        signal, error = scales(activation, depth, 1.0)
        label = f"{activation}, {RULES[activation]} rule"
        axes[0].plot(layers, signal, color=colors[activation], label=label)
        axes[1].plot(layers, np.maximum(error, 1e-300), color=colors[activation], label=label)
    set_axes(axes[0], xlabel="layer", ylabel="RMS (log scale)", yscale="log",
             title="signal: pre-activations $z_l$")
    set_axes(axes[1], xlabel="layer", ylabel="RMS (log scale)", yscale="log",
             title=r"error: $\delta_l = \partial J/\partial z_l$")
    axes[0].legend(fontsize=8)
    return figure(fig)


def depth_numbers(depth=MAX_DEPTH):
    """Per-layer factors of the error and the end-to-end ratios, per activation, as text."""
    values = {"depth": shown(depth, "d"), "width": shown(WIDTH, "d"), "batch": shown(BATCH, "d")}
    for activation in ACTIVATION_NAMES:
        signal, error = scales(activation, depth, 1.0)
        values[f"{activation}_factor"] = shown(per_layer_factor(error, back=True), ".3f")
        values[f"{activation}_ratio"] = scientific_text(error[0] / error[-1])
        values[f"{activation}_signal_first"] = shown(signal[0], ".2f")
        values[f"{activation}_signal_last"] = shown(signal[-1], ".2f")
        values[f"{activation}_signal_min"] = shown(signal.min(), ".2f")
        values[f"{activation}_signal_max"] = shown(signal.max(), ".2f")
    return numbers(**values)


def gain_numbers(activation="relu", depth=MAX_DEPTH, gains=(0.5, 1.0, 2.0)):
    """The measured per-layer factor of the signal (from layer 2 on) for a few gains."""
    values = {}
    for gain in gains:
        signal, error = scales(activation, depth, gain)
        key = f"{gain:g}".replace(".", "_")
        values[f"signal_{key}"] = shown(per_layer_factor(signal[1:]), ".3f")
        values[f"error_{key}"] = shown(per_layer_factor(error[1:], back=True), ".3f")
        values[f"gain_{key}"] = shown(GAINS[_gain_index(gain)], ".3g")
    return numbers(**values)


def frame_factor(activation, depth, gain):
    """The error's factor per layer going back, in the explorable's frame for these sliders."""
    return per_layer_factor(scales(activation, depth, gain)[1], back=True)


def tries_numbers():
    """The numbers the explorable's "things to try" quote."""
    tanh = [frame_factor("tanh", MAX_DEPTH, g) for g in GAINS]
    best = GAINS[int(np.argmin(np.abs(np.log(tanh))))]
    relu = abs(frame_factor("relu", MAX_DEPTH, 1.0) - 1)
    return numbers(tanh_best_gain=shown(best, ".2f"), relu_tolerance=shown(math.ceil(100 * relu), "d"))


# --- The scales explorable ----------------------------------------------------------------------

YLIM = (1e-12, 1e12)


def scales_frame(depth, gain, activation):
    """What the explorable shows for one setting: ``(signal, error, text)``, values clipped to YLIM."""
    signal, error = scales(activation, depth, gain)
    factor = per_layer_factor(error, back=True)
    off = np.any(signal < YLIM[0]) or np.any(signal > YLIM[1]) or np.any(error < YLIM[0]) or \
        np.any(error > YLIM[1]) or not np.all(np.isfinite(error))
    text = f"error ×{factor:.2f} per layer going back" + ("\n(off the chart)" if off else "")
    low, high = YLIM
    clip = lambda v: np.clip(np.nan_to_num(v, nan=high, posinf=high), low, high)  # noqa: E731
    return clip(signal), clip(error), text


def scales_view(fig):
    """The explorable's view: signal and error RMS against the layer; returns
    ``update(depth, gain, activation)``."""
    ax = fig.subplots()
    signal_line, = ax.plot([], [], "-", color=COLORS["data"], linewidth=2, label="signal: RMS of $z_l$")
    error_line, = ax.plot([], [], "--", color=COLORS["model"], linewidth=2,
                          label=r"error: RMS of $\delta_l$")
    ax.axhline(1.0, color=COLORS["residual"], linestyle=":", linewidth=1)
    set_axes(ax, xlabel="layer $l$", ylabel="RMS (log scale)", yscale="log", ylim=YLIM,
             xlim=(0.5, MAX_DEPTH + 0.5))
    ax.legend(loc="lower left", fontsize=8)
    text = ax.text(0.02, 0.97, "", transform=ax.transAxes, va="top", fontsize=9,
                   bbox=dict(facecolor="white", edgecolor="none", alpha=0.85))
    freeze_background(fig, [signal_line, error_line, text])

    def update(depth, gain, activation):
        signal, error, words = scales_frame(depth, gain, activation)
        layers = np.arange(1, depth + 1)
        signal_line.set_data(layers, signal)
        error_line.set_data(layers, error)
        text.set_text(words)
        return f"Depth {depth}: {words.splitlines()[0]}."

    return update


# --- A wrong scale, and the cures, in training ----------------------------------------------------

#: The training experiment: a tanh network of 10 hidden layers of 16 on 300 digits, plain SGD.
TRAIN_DEPTH, TRAIN_WIDTH, N_TRAIN, EPOCHS, BATCH_SIZE = 10, 16, 200, 15, 50
LRS, SEEDS = (0.03, 0.1, 0.3), (0, 1, 2)
WRONG = 0.3
SETTINGS = {
    "wrong scale": dict(scale=WRONG),
    "Glorot rule": dict(scale=1.0),
    "batch norm": dict(scale=WRONG, batchnorm=True),
    "residual": dict(scale=WRONG, residual=True),
}


def training_net(setting, seed):
    """The experiment's network for one setting of :data:`SETTINGS` and seed."""
    return DeepNet(64, TRAIN_WIDTH, TRAIN_DEPTH, 10, activation="tanh", seed=seed, **SETTINGS[setting])


@functools.cache
@_one_thread
def training_run(setting, lr, seed):
    """Train :func:`training_net` with SGD; returns its record."""
    X, y = digits(N_TRAIN)
    return train(training_net(setting, seed), X, y, optim.SGD(lr), epochs=EPOCHS, batch_size=BATCH_SIZE,
                 seed=seed)


def training_grid(settings=tuple(SETTINGS)):
    """``{setting: losses}``, losses ``(len(LRS), len(SEEDS), EPOCHS + 1)``."""
    return {s: np.array([[training_run(s, lr, seed).loss for seed in SEEDS] for lr in LRS]) for s in settings}


def wrong_scale_figure(grid):
    """Left: loss curves at lr 0.1 for the wrong scale and the rule, each seed. Right: final loss
    against the learning rate, each seed a dot, the mean a line."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.6, 3.4))
    epochs = np.arange(EPOCHS + 1)
    k = LRS.index(0.1)
    for setting, color in (("wrong scale", COLORS["bad"]), ("Glorot rule", COLORS["good"])):
        for i, curve in enumerate(grid[setting][k]):
            left.plot(epochs, curve, color=color, alpha=0.8, label=setting if i == 0 else None)
        _tuning(right, grid[setting], color, setting)
    left.axhline(math.log(10), color=COLORS["ink"], linestyle=":", linewidth=1, label="ln 10")
    set_axes(left, xlabel="epoch", ylabel="training cross-entropy", title="learning rate 0.1, three seeds")
    left.legend(fontsize=8)
    set_axes(right, xlabel="learning rate (log scale)", ylabel=f"loss after {EPOCHS} epochs",
             xscale="log", title="every rate and seed")
    _rate_ticks(right)
    return figure(fig)


def _rate_ticks(ax):
    ax.set_xticks(LRS, [f"{lr:g}" for lr in LRS])
    ax.xaxis.set_minor_formatter(NullFormatter())


def _tuning(ax, losses, color, label):
    final = losses[:, :, -1]
    for j in range(final.shape[1]):
        ax.plot(LRS, final[:, j], "o", color=color, alpha=0.6, markersize=4)
    ax.plot(LRS, final.mean(axis=1), "-", color=color, label=label)


def wrong_scale_numbers(grid):
    """The plain networks' final losses as text: the wrong scale's range and the rule's."""
    wrong, right = grid["wrong scale"][:, :, -1], grid["Glorot rule"][:, :, -1]
    best = int(np.argmin(right.mean(axis=1)))
    return numbers(wrong_low=shown(wrong.min(), ".3f"), wrong_high=shown(wrong.max(), ".3f"),
                   ln10=shown(math.log(10), ".3f"), right_high=shown(right.max(), ".2f"),
                   right_best=shown(right[best].mean(), ".2f"), right_best_lr=shown(LRS[best], "g"),
                   wrong_scale=shown(WRONG, "g"), epochs=shown(EPOCHS, "d"), depth=shown(TRAIN_DEPTH, "d"),
                   width=shown(TRAIN_WIDTH, "d"), n=shown(N_TRAIN, "d"),
                   factor=scientific_text(WRONG ** TRAIN_DEPTH))


def cures_numbers(grid):
    """Each setting's best learning rate (lowest mean final loss), its mean and worst seed, as text."""
    values = {}
    for setting, losses in grid.items():
        final = losses[:, :, -1]
        best = int(np.argmin(final.mean(axis=1)))
        key = setting.split()[0].lower()
        values[f"{key}_lr"] = shown(LRS[best], "g")
        values[f"{key}_mean"] = shown(final[best].mean(), ".2f")
        values[f"{key}_worst"] = shown(final[best].max(), ".2f")
        for i in range(len(LRS)):   # per rate: the best and the worst seed
            values[f"{key}_low_{i}"] = shown(final[i].min(), ".2f")
            values[f"{key}_high_{i}"] = shown(final[i].max(), ".2f")
    values["ln10"] = shown(math.log(10), ".2f")
    values.update({f"lr_{i}": shown(lr, "g") for i, lr in enumerate(LRS)})
    return numbers(**values)


def cures_figure(grid):
    """Final loss against the learning rate for the four settings: each seed a dot, the mean a line."""
    fig, ax = plt.subplots(figsize=(6.0, 3.6))
    colors = [COLORS["bad"], COLORS["good"], COLORS["data"], COLORS["highlight"]]
    for color, (setting, losses) in zip(colors, grid.items()):
        _tuning(ax, losses, color, setting)
    ax.axhline(math.log(10), color=COLORS["ink"], linestyle=":", linewidth=1)
    set_axes(ax, xlabel="learning rate (log scale)", ylabel=f"training loss after {EPOCHS} epochs",
             xscale="log", legend=True)
    _rate_ticks(ax)
    return figure(fig)


@functools.cache
@_one_thread
def initial_errors(setting):
    """Error RMS per layer at initialization, ``(TRAIN_DEPTH,)``, seed 0, on the training digits."""
    X, y = digits(N_TRAIN)
    return training_net(setting, 0).scales(X, y).error


def initial_signals(setting):
    """Signal RMS per layer at initialization, ``(TRAIN_DEPTH,)``, seed 0."""
    X, y = digits(N_TRAIN)
    with threadpool_limits(1):
        return training_net(setting, 0).scales(X, y).signal


def cures_view(fig):
    """The second explorable. Left: the three seeds' loss curves up to the chosen epoch for the
    chosen setting and learning rate. Right: the error RMS per layer at initialization for every
    setting, the chosen one bold. Returns ``update(setting, lr, epoch)``."""
    left, right = fig.subplots(1, 2, width_ratios=[1.3, 1])
    grid = training_grid()
    left.axhline(math.log(10), color=COLORS["ink"], linestyle=":", linewidth=1)
    curves = [left.plot([], [], color=COLORS["data"], marker="o", markersize=2.5)[0] for _ in SEEDS]
    set_axes(left, xlabel="epoch", ylabel="training cross-entropy", xlim=(0, EPOCHS), ylim=(0, 3.0))
    text = left.text(0.03, 0.04, "", transform=left.transAxes, fontsize=9,
                     bbox=dict(facecolor="white", edgecolor="none", alpha=0.85))
    layers = np.arange(1, TRAIN_DEPTH + 1)
    colors = dict(zip(SETTINGS, [COLORS["bad"], COLORS["good"], COLORS["data"], COLORS["highlight"]]))
    lines = {}
    for setting in SETTINGS:
        lines[setting], = right.plot(layers, initial_errors(setting), "o-", color=colors[setting], markersize=3,
                                     label=setting, alpha=0.35, linewidth=1)
    set_axes(right, xlabel="layer", ylabel=r"RMS of $\delta_l$ at the start", yscale="log")
    right.legend(fontsize=7, loc="lower right")
    freeze_background(fig, curves + [text] + list(lines.values()))

    def update(setting, lr, epoch):
        losses = grid[setting][LRS.index(lr)]
        for line, curve in zip(curves, losses):
            line.set_data(np.arange(epoch + 1), np.nan_to_num(curve[:epoch + 1], nan=3.0).clip(0, 3.0))
            line.set_color(colors[setting])
        for name, line in lines.items():
            line.set_alpha(1.0 if name == setting else 0.25)
            line.set_linewidth(2.5 if name == setting else 1)
        mean = float(np.mean(losses[:, epoch]))
        text.set_text(f"{setting}, rate {lr:g}, epoch {epoch}: mean loss {mean:.2f}")
        return f"{setting}, learning rate {lr:g}, epoch {epoch}: mean loss {mean:.2f}."

    return update


# --- Exploding gradients and clipping -----------------------------------------------------------

#: The clipping experiment: a ReLU network of 10 layers of 16 with weights 1.5 times He's.
CLIP_SCALE, CLIP_NORM, CLIP_LRS = 1.5, 1.0, (0.01, 0.03, 0.1)


@functools.cache
@_one_thread
def clip_run(clip, lr, seed):
    """Train the clipping experiment's network (``clip`` None or a max norm); its record."""
    X, y = digits(N_TRAIN)
    net = DeepNet(64, TRAIN_WIDTH, TRAIN_DEPTH, 10, activation="relu", scale=CLIP_SCALE, seed=seed)
    return train(net, X, y, optim.SGD(lr), epochs=EPOCHS, batch_size=BATCH_SIZE, clip=clip, seed=seed)


def clip_grid():
    """``{"no clipping": losses, "clipped": losses}``, losses ``(len(CLIP_LRS), len(SEEDS), EPOCHS + 1)``;
    plus the initial gradient norms ``(len(SEEDS),)`` under the key ``"norms"``."""
    grid = {name: np.array([[clip_run(clip, lr, seed).loss for seed in SEEDS] for lr in CLIP_LRS])
            for name, clip in (("no clipping", None), ("clipped", CLIP_NORM))}
    grid["norms"] = np.array([clip_run(None, CLIP_LRS[0], seed).grad_norm[0] for seed in SEEDS])
    return grid


def clip_numbers(grid):
    """Divergences and best final losses with and without clipping, as text."""
    values = {"scale": shown(CLIP_SCALE, "g"), "max_norm": shown(CLIP_NORM, "g"),
              "norm_low": shown(grid["norms"].min(), ".0f"), "norm_high": shown(grid["norms"].max(), ".0f"),
              "top_lr": shown(CLIP_LRS[-1], "g")}
    for key, name in (("free", "no clipping"), ("clip", "clipped")):
        final = grid[name][:, :, -1]
        diverged = ~np.isfinite(final)
        values[f"{key}_diverged"] = shown(int(diverged.sum()), "d")
        values[f"{key}_diverged_top"] = shown(int(diverged[-1].sum()), "d")
        means = np.where(diverged.any(axis=1), np.inf, final.mean(axis=1))
        best = int(np.argmin(means))
        values[f"{key}_best_lr"] = shown(CLIP_LRS[best], "g")
        values[f"{key}_best"] = shown(means[best], ".2f")
    values["runs"] = shown(len(CLIP_LRS) * len(SEEDS), "d")
    top = grid["no clipping"][-1]
    values["free_peak"] = scientific_text(np.nanmax(np.where(np.isfinite(top), top, np.nan)))
    values["free_stuck_top"] = shown(int(np.sum(np.abs(top[:, -1] - math.log(10)) < 0.02)), "d")
    values["start_low"] = shown(grid["clipped"][-1][:, 0].min(), ".0f")
    values["start_high"] = shown(grid["clipped"][-1][:, 0].max(), ".0f")
    return numbers(**values)


def clip_figure(grid):
    """Loss curves at the largest learning rate, with and without clipping, each seed."""
    fig, ax = plt.subplots(figsize=(6.0, 3.4))
    epochs = np.arange(EPOCHS + 1)
    for name, color in (("no clipping", COLORS["bad"]), ("clipped", COLORS["good"])):
        for i, curve in enumerate(grid[name][-1]):
            shown_curve = np.where(np.isfinite(curve), curve, np.nan)
            ax.plot(epochs, shown_curve, color=color, marker="o", markersize=2.5,
                    label=name if i == 0 else None)
            bad = np.flatnonzero(~np.isfinite(curve))
            if bad.size:
                ax.plot(bad[0] - 1, min(curve[bad[0] - 1], 80.0), "x", color=color, markersize=10,
                        markeredgewidth=2)
    ax.axhline(math.log(10), color=COLORS["ink"], linestyle=":", linewidth=1)
    set_axes(ax, xlabel="epoch", ylabel="training cross-entropy (log scale)", yscale="log",
             title=f"learning rate {CLIP_LRS[-1]:g}; x: the run diverged after this epoch", ylim=(1.0, 100.0))
    ax.legend(fontsize=8)
    return figure(fig)


# --- Batch normalization and residual connections at the wrong scale ----------------------------------

def cure_scale_numbers():
    """Signal and error RMS at the first and last layers at initialization, per setting, as text."""
    values = {}
    for setting in SETTINGS:
        key = setting.split()[0].lower()
        signal, error = initial_signals(setting), initial_errors(setting)
        values[f"{key}_signal_first"] = shown(signal[0], ".2f")
        values[f"{key}_signal_last"] = scientific_text(signal[-1]) if signal[-1] < 0.01 \
            else shown(signal[-1], ".2g")
        values[f"{key}_error_ratio"] = scientific_text(error[0] / error[-1]) if error[0] < error[-1] \
            else shown(error[0] / error[-1], ".2f")
        values[f"{key}_error_drop"] = shown(error[-1] / error[0], ".3g")
    return numbers(**values)


def cure_scales_figure():
    """Signal (left) and error (right) RMS per layer at initialization for the four settings."""
    fig, axes = plt.subplots(1, 2, figsize=(8.6, 3.3))
    layers = np.arange(1, TRAIN_DEPTH + 1)
    colors = [COLORS["bad"], COLORS["good"], COLORS["data"], COLORS["highlight"]]
    for color, setting in zip(colors, SETTINGS):
        axes[0].plot(layers, initial_signals(setting), "o-", color=color, markersize=3, label=setting)
        axes[1].plot(layers, initial_errors(setting), "o-", color=color, markersize=3, label=setting)
    set_axes(axes[0], xlabel="layer", ylabel="RMS (log scale)", yscale="log", title="signal: $z_l$")
    set_axes(axes[1], xlabel="layer", yscale="log", title=r"error: $\delta_l$")
    axes[1].legend(fontsize=8)
    return figure(fig)


# --- Exercises ----------------------------------------------------------------------------------------

check_11_1 = NumberCheck(math.sqrt(2 / 400), hints=[
    (2 / 400, "That is the variance; the question asks for the standard deviation, its square root."),
    (math.sqrt(2 / 300), "That is He's rule with the fan-in; Glorot's averages the fan-in and the fan-out."),
    (math.sqrt(1 / 400), "Glorot's variance is two over the sum of the fans (one over their average)."),
    (math.sqrt(6 / 400), "That is the half-width r of Glorot's uniform draw; the normal draw has std r / sqrt(3)."),
    (math.sqrt(2 / 100), "That is He's rule with the fan-out; Glorot's uses both fans."),
    (math.sqrt(1 / 300), "That keeps only the forward signal (one over the fan-in); Glorot's also looks back."),
], hint="Glorot's rule asks fan_in * Var(W) = 1 forward and fan_out * Var(W) = 1 backward, and splits the "
        "difference.")

check_11_2 = NumberCheck(0.25 ** 10, hints=[
    (0.25 * 10, "The factors of the chain rule multiply, one per layer; they do not add."),
    (0.5 ** 10, "1/2 is the sigmoid's value at 0; its slope there is smaller."),
    (0.25 ** 9, "Count the layers again: each of the ten contributes one factor."),
    (4.0 ** 10, "That is how much the bound lets the gradient shrink by, turned upside down: the product "
                "is below 1."),
], hint="The chain rule multiplies one factor sigma'(z) per layer, and sigma' is largest at z = 0.")

check_11_3 = NumberCheck(1.322, hints=[
    (14 / 3, "That is the mean of the three batch means; the running average starts at 0 and forgets slowly."),
    (8.0, "That is the last batch's mean; the running average moves only a share momentum towards it."),
    (1.4, "Each update also shrinks the old running mean by 1 - momentum before adding the new share."),
    (7.578, "The momentum 0.1 is the weight of the new batch, not of the old running mean."),
    (0.8, "That is the last update's share alone; the running mean also keeps what the first two left."),
], hint="Apply running = (1 - momentum) * running + momentum * batch_mean three times, starting from 0.")

check_11_4 = NumberCheck(12 * 6.5 / 13, hints=[
    (6.5, "That clips each gradient (or each entry) on its own; clipping by global norm scales all of "
          "them by one factor."),
    (12.0, "Compute the global norm first: with every gradient in one vector it is above max_norm."),
    (12 * 13 / 6.5, "The factor is max_norm / norm, which is below 1 when clipping happens."),
    (12 * 6.5 / 19, "The norm is the Euclidean length (square root of the sum of squares), not the sum of sizes."),
    (12 * 6.5 / 169, "Take the square root of the sum of squares to get the norm."),
], hint="Put every entry of every gradient in one vector, take its length, and scale everything by "
        "max_norm / length.")
