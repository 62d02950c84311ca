"""The book's opening page: a small network learning a curve, step by step.

A 1-16-16-1 tanh network (:class:`nblib.nn.MLP`) is fitted to the 24 noisy points of
:func:`nblib.data.noisy_wave` by full-batch gradient descent on the mean squared error,
``w <- w - alpha * grad J(w)``, for ``N_STEPS`` steps at each learning rate of ``RATES``.
The explorable shows the network's curve over the points at a step (left) and the loss so far
(right): too small a rate crawls, a good one fits the wave in a couple of hundred steps, and
too large a one bounces or blows up, the lesson of chapter 3 before chapter 1 begins.
"""

import os
from functools import lru_cache
from types import SimpleNamespace

import numpy as np

from nblib.chapters.text import shown
from nblib.data import noisy_wave
from nblib.explorable import PRINT_ENV, Slider, explore, freeze_background
from nblib.nn import MLP
from nblib.optim import SGD
from nblib.theme import COLORS, set_axes

SIZES = [1, 16, 16, 1]
#: The learning rates the explorable offers, and the one it starts at.
RATES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5)
START_RATE = 0.1
N_STEPS = 600
#: The steps the explorable shows: every one of the first 25, then spaced evenly on a log scale,
#: and the hundreds the text quotes.
STEPS = np.unique(np.concatenate([np.arange(25), np.round(np.geomspace(25, N_STEPS, 77)),
                                  np.arange(100, N_STEPS + 1, 100)])).astype(int)
#: Where each step of STEPS stands among them.
STEP_INDEX = {int(step): k for k, step in enumerate(STEPS)}
#: A loss above this (or not finite) counts as diverged.
BOUND = 1e6
#: Where the network's curve is drawn.
GRID = np.linspace(-1.0, 1.0, 61)


@lru_cache(maxsize=None)
def runs():
    """Gradient descent at every rate of ``RATES``, from the same initial weights (seed 0).

    Returns a namespace: ``loss`` ``(len(RATES), N_STEPS + 1)``, the loss before each step (inf
    from the first step whose loss passed ``BOUND``); ``curves`` ``(len(RATES), len(STEPS),
    len(GRID))``, the network's output on ``GRID`` at each step of ``STEPS`` (NaN once diverged);
    ``diverged``, the first diverged step per rate (None when it never diverged).
    """
    x, y = noisy_wave()
    X, Y = x[:, None], y[:, None]
    loss = np.full((len(RATES), N_STEPS + 1), np.inf)
    curves = np.full((len(RATES), len(STEPS), len(GRID)), np.nan)
    diverged = []
    for i, rate in enumerate(RATES):
        net, optimizer, gone = MLP(SIZES, activation="tanh", seed=0), SGD(rate), None
        for step in range(N_STEPS + 1):
            value, grads = net.loss_and_grads(X, Y, loss="mse")
            if not np.isfinite(value) or value > BOUND:
                gone = step
                break
            loss[i, step] = value
            if step in STEP_INDEX:
                curves[i, STEP_INDEX[step]] = net.forward(GRID[:, None])[:, 0]
            optimizer.step(net.params, grads)
        diverged.append(gone)
    return SimpleNamespace(x=x, y=y, loss=loss, curves=curves, diverged=diverged)



def opening_numbers():
    """What the opening page says, computed (for ``{eval}`` and the tests): the loss at the start and
    after 200 steps, and how often it rose, at a good, a slow, a bouncing and a diverging rate."""
    run = runs()
    at = {rate: run.loss[i] for i, rate in enumerate(RATES)}

    def rises(rate):
        loss = at[rate][np.isfinite(at[rate])]
        return int(np.sum(np.diff(loss) > 0))

    return SimpleNamespace(
        n_points=len(run.x), n_steps=N_STEPS, start_loss=shown(at[START_RATE][0], ".2f"),
        good_rate=START_RATE, good_200=shown(at[START_RATE][200], ".3f"), good_rises=rises(START_RATE),
        slow_rate=0.02, slow_200=shown(at[0.02][200], ".2f"),
        bouncing_rate=0.4, bouncing_rises=rises(0.4),
        wild_rate=0.5, wild_diverged=run.diverged[RATES.index(0.5)],
    )


def training_view(fig):
    """The network's curve over the points at one step (left) and the loss up to it (right).

    Returns ``update(lr, step)``.
    """
    run = runs()
    left, right = fig.subplots(1, 2)
    left.plot(run.x, run.y, "o", color=COLORS["data"], markersize=4, zorder=3)
    set_axes(left, xlabel="input $x$", ylabel="output", xlim=(-1.05, 1.05), ylim=(-1.6, 1.6),
             title="the network's curve")
    curve, = left.plot([], [], "-", color=COLORS["model"], linewidth=2)
    note = left.text(0.03, 0.04, "", transform=left.transAxes, fontsize=9, color=COLORS["ink"],
                     bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 2})
    loss_line, = right.plot([], [], "-", color=COLORS["data"])
    here, = right.plot([], [], "o", color=COLORS["model"], markersize=5)
    set_axes(right, xlabel="step", ylabel="loss $J$ (mean squared error)", xlim=(0, N_STEPS),
             ylim=(5e-3, 5), yscale="log", title="the loss so far")
    freeze_background(fig, [curve, note, loss_line, here])
    index = {float(rate): i for i, rate in enumerate(RATES)}

    def update(lr, step):
        i, k = index[float(lr)], STEP_INDEX[int(step)]
        gone = run.diverged[i]
        if gone is not None and step >= gone:
            curve.set_data([], [])
            loss_line.set_data(np.arange(gone), run.loss[i, :gone])
            here.set_data([], [])
            note.set_text(f"α = {lr}: the loss passed 10⁶ at step {gone}")
            return f"Rate {lr} diverged: the loss passed a million at step {gone}."
        curve.set_data(GRID, run.curves[i, k])
        loss_line.set_data(np.arange(step + 1), run.loss[i, :step + 1])
        here.set_data([step], [run.loss[i, step]])
        note.set_text(f"step {step}: loss {run.loss[i, step]:.3f}")
        return f"Rate {lr}, step {step}: loss {run.loss[i, step]:.3f}."

    return update


def explorable():
    """The opening page's explorable: the learning rate, and the step, which plays by itself
    once when the page opens. None in the PDF build (``NBLIB_PRINT=1``): print opens with words."""
    if os.environ.get(PRINT_ENV) == "1":
        return None
    return explore(
        training_view,
        Slider("lr", RATES, label="learning rate α", fmt="{:g}", default=START_RATE),
        Slider("step", STEPS, label="step", fmt="{:d}", default=N_STEPS, play=True, autoplay=True),
        figsize=(8.6, 3.3), name="opening",
        alt="Two panels. Left: 24 points along a wave, and the curve of a small neural network "
            "after the chosen number of gradient-descent steps at the chosen learning rate. Right: "
            "the loss against the step on a log scale, up to the chosen step.")
