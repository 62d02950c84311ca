"""Chapter 3, Gradient descent: its figures, its explorable's view and its exercise checks.

The loss is the MSE of a line on the seven points of :func:`nblib.data.seven_points`, as a
function of ``w = (m, b)``. Because it is quadratic, gradient descent on it is a linear
iteration, and :func:`descend` runs it for many learning rates at once (one row per rate)
instead of one Python loop per rate. ``check_3_1`` ... ``check_3_5`` are the exercises' checks.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter

from nblib import gradcheck, linear
from nblib.chapters.text import figure, numbers, scientific_text, shown
from nblib.data import seven_points
from nblib.exercises import ChoiceCheck, FunctionCheck, NumberCheck
from nblib.explorable import freeze_background
from nblib.plots import regression as rplots
from nblib.plots.regression import draw_path
from nblib.theme import COLORS, set_axes

_X, _Y = seven_points()
_M_OLS, _B_OLS = linear.ols_line(_X, _Y)
_J_MIN = linear.mse_line(_X, _Y, _M_OLS, _B_OLS)

#: Where every descent of the chapter starts, ``(m, b)``: a line that falls instead of rising.
START = np.array([-0.8, -1.0])

#: The window of the contour maps, ``(m range, b range)``.
M_WINDOW = (-1.5, 2.2)
B_WINDOW = (-2.5, 5.5)

#: A run counts as diverged once a parameter is larger than this in size.
BOUND = 1e6
#: A light box behind notes written over the contour map, whose colours run from dark to bright.
_NOTE_BOX = {"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 2}


# --- The loss and its gradient as functions of w = (m, b) ---------------------------------------

def mse(w):
    """The MSE of the line ``w = (m, b)`` on the seven points; ``w: (..., 2)`` -> ``(...)``.

    Overflow gives ``inf`` without a warning (a diverged run is reported, not warned about).
    """
    w = np.asarray(w, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        r = _Y - (w[..., 0, None] * _X + w[..., 1, None])
        return np.mean(r ** 2, axis=-1)


def grad(w):
    """The gradient ``(dJ/dm, dJ/db)`` of :func:`mse`; ``w: (..., 2)`` -> ``(..., 2)``."""
    w = np.asarray(w, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        r = _Y - (w[..., 0, None] * _X + w[..., 1, None])
        return np.stack([-2 * np.mean(_X * r, axis=-1), -2 * np.mean(r, axis=-1)], axis=-1)


def descend(lrs, steps, start=START, bound=BOUND):
    """Gradient descent ``w := w - lr * grad(w)`` on the seven points' MSE, for every rate at once.

    lrs: ``(k,)`` learning rates; steps: how many steps; start: ``(2,)``.
    Returns ``paths: (k, steps + 1, 2)``, the start and the point after each step. A run whose
    parameters leave ``|w| <= bound`` is diverged: its path is NaN from that step on.
    """
    lrs = np.asarray(lrs, dtype=float)[:, None]
    H, offset = linear.hessian_line(_X), grad(np.zeros(2))        # the MSE is quadratic: grad(w) = H w + grad(0)
    paths = np.full((len(lrs), steps + 1, 2), np.nan)
    w = np.tile(np.asarray(start, dtype=float), (len(lrs), 1))
    paths[:, 0] = w
    alive = np.ones(len(lrs), dtype=bool)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            w = w - lrs * (w @ H + offset)
            alive &= np.all(np.abs(w) <= bound, axis=1)
            paths[alive, t] = w[alive]
    return paths


def last_finite(path):
    """The number of steps a path ran before it diverged (its length minus one if it never did)."""
    finite = np.all(np.isfinite(path), axis=-1)
    return int(np.argmin(finite)) - 1 if not finite.all() else len(path) - 1


# --- Which way is downhill -----------------------------------------------------------------------

def derivative_figure():
    """``f(w) = w^2`` with its tangent at two points and the step each derivative suggests."""
    w = np.linspace(-2.2, 2.2, 200)
    fig, ax = plt.subplots(figsize=(5.6, 3.4))
    ax.plot(w, w ** 2, color=COLORS["data"], label="$f(w) = w^2$")
    for w0, color, place in ((-1.5, COLORS["model"], (-1.35, 3.0)), (1.0, COLORS["good"], (1.12, 0.4))):
        slope = 2 * w0
        near = np.linspace(w0 - 0.6, w0 + 0.6, 2)
        ax.plot(near, w0 ** 2 + slope * (near - w0), color=color, linestyle="--", linewidth=1.4)
        ax.plot([w0], [w0 ** 2], "o", color=color)
        target = w0 - 0.3 * slope
        ax.annotate("", xy=(target, -0.35), xytext=(w0, -0.35),
                    arrowprops=dict(arrowstyle="-|>", color=color, linewidth=2))
        ax.text(*place, f"$f'({w0:g}) = {slope:g}$: step {'right' if slope < 0 else 'left'}",
                color=color, fontsize=10)
    set_axes(ax, xlabel="$w$", ylabel="$f(w)$", xlim=(-2.3, 2.3), ylim=(-0.7, 5.0), legend=True)
    return figure(fig)


# --- The gradient checked -------------------------------------------------------------------------

def gradient_numbers(m, b, eps=1e-6):
    """The analytic gradient at ``(m, b)``, its centred finite differences and their relative error."""
    analytic = np.array(linear.mse_grad_line(_X, _Y, m, b))
    numeric = gradcheck.numerical_gradient(mse, np.array([m, b]), eps=eps)
    return numbers(dm=shown(analytic[0], ".4f"), db=shown(analytic[1], ".4f"),
                   dm_fd=shown(numeric[0], ".4f"), db_fd=shown(numeric[1], ".4f"),
                   error=scientific_text(gradcheck.relative_error(analytic, numeric), 1),
                   eps=scientific_text(eps, 1))


# --- Descent on the bowl ----------------------------------------------------------------------------

def _contour(ax, levels=14):
    """The bowl's contours over the chapter's window, with the least-squares minimum as a star."""
    m = np.linspace(*M_WINDOW, 160)
    b = np.linspace(*B_WINDOW, 180)
    M, B = np.meshgrid(m, b)
    art = rplots.loss_contour(M, B, mse(np.stack([M, B], axis=-1)), ax=ax, levels=levels)
    rplots.mark_point(ax, _M_OLS, _B_OLS, marker="*", size=13, color="white")
    set_axes(ax, xlim=M_WINDOW, ylim=B_WINDOW)
    return art


def path_figure(path, every=None):
    """One descent drawn on the contour map (every point, or the first ``every`` then a sample)."""
    fig, ax = plt.subplots(figsize=(5.6, 4.0))
    _contour(ax)
    rplots.mark_point(ax, *START, marker="o", color="white", size=7, label="start")
    shown_path = path if every is None else np.concatenate([path[:every], path[every::every]])
    draw_path(ax, shown_path, COLORS["highlight"], label="gradient descent")
    ax.legend(loc="upper right", fontsize=9, frameon=True, framealpha=0.9)
    return figure(fig)


def walk_numbers(path):
    """Where a descent ``path: (steps + 1, 2)`` ended, and how far that is from least squares, as text."""
    gap = float(np.max(np.abs(path[-1] - [_M_OLS, _B_OLS])))
    return numbers(m=shown(path[-1, 0], ".4f"), b=shown(path[-1, 1], ".4f"), gap=scientific_text(gap, 1),
                   steps=shown(len(path) - 1, ",d"))


def loss_curve_figure(losses):
    """The loss above its minimum, ``J(w_t) - J*``, against the step t, on a log scale."""
    fig, ax = plt.subplots(figsize=(5.6, 3.2))
    ax.plot(np.arange(len(losses)), losses - _J_MIN, color=COLORS["data"])
    set_axes(ax, xlabel="step $t$", ylabel="$J(w_t) - J^*$", yscale="log")
    return figure(fig)


def regimes_figure(rates, steps=40):
    """Four descents side by side, one per learning rate ``rates = {name: lr}``, ``steps`` steps each."""
    fig, axes = plt.subplots(1, len(rates), figsize=(9.6, 3.2), sharey=True)
    paths = descend(list(rates.values()), steps)
    for ax, (name, lr), path, color in zip(axes, rates.items(), paths, [COLORS["neutral"], COLORS["good"],
                                                                         COLORS["highlight"], COLORS["bad"]]):
        _contour(ax, levels=10)
        rplots.mark_point(ax, *START, marker="o", color="white", size=6)
        draw_path(ax, path, color, markersize=3)
        ran = last_finite(path)
        loss = mse(path[min(ran, steps)])
        note = f"diverged at step {ran + 1}" if ran < steps else f"{steps} steps: J = {loss:.3g}"
        note = note if loss < 1e3 else f"J = {loss:.0e}, growing"
        ax.text(0.03, 0.03, note, transform=ax.transAxes, fontsize=8.5, color=COLORS["ink"], bbox=_NOTE_BOX)
        set_axes(ax, title=f"{name}: α = {lr:.3g}", ylabel="intercept $b$" if ax is axes[0] else "")
        ax.title.set_size(10)
    return figure(fig)


# --- The largest learning rate ---------------------------------------------------------------------

def threshold_numbers():
    """The bowl's curvatures and what they say about the learning rate, as text.

    ``lam_min``, ``lam_max``: eigenvalues of the Hessian; ``alpha_max = 2 / lam_max``, the largest
    rate that converges; ``alpha_flat = 1 / lam_max``; ``alpha_best = 2 / (lam_min + lam_max)``
    and ``factor``, the factor by which the slowest direction shrinks per step at that rate.
    """
    lam_min, lam_max = np.linalg.eigvalsh(linear.hessian_line(_X))
    best = 2 / (lam_min + lam_max)
    return numbers(lam_min=shown(lam_min, ".4f"), lam_max=shown(lam_max, ".2f"),
                   kappa=shown(lam_max / lam_min, ".0f"),
                   alpha_max=shown(2 / lam_max, ".4f"), alpha_flat=shown(1 / lam_max, ".4f"),
                   alpha_best=shown(best, ".4f"), factor=shown(1 - best * lam_min, ".4f"),
                   factor_flat=shown(1 - lam_min / lam_max, ".4f"),
                   f2=shown(2.0, ".0f"))


def edge_numbers(below, above, steps):
    """What the runs just below and just above the threshold did in ``steps`` steps, as text."""
    paths = descend([below, above], steps)
    ran = last_finite(paths[1])
    return numbers(below=shown(below, ".4f"), above=shown(above, ".4f"), steps=shown(steps, ",d"),
                   shrink=shown(100 * (1 - abs(1 - below * _LAM_MAX)), ".0f"),
                   grow=shown(100 * (abs(1 - above * _LAM_MAX) - 1), ".0f"),
                   J_below=shown(mse(paths[0][-1]), ".4f"), diverged_at=shown(ran + 1, ",d"),
                   J_above=scientific_text(mse(paths[1][ran]), 1))


def edge_figure(below, above, steps=300):
    """Left: the coordinate across the valley over the first steps, just below and just above the
    threshold. Right: the loss above its minimum for both."""
    paths = descend([below, above], steps)
    lam, vectors = np.linalg.eigh(linear.hessian_line(_X))
    steep = vectors[:, 1] if vectors[0, 1] > 0 else -vectors[:, 1]
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.8, 3.3))
    shown_steps = 60
    for path, lr, color in zip(paths, (below, above), (COLORS["good"], COLORS["bad"])):
        across = (path - [_M_OLS, _B_OLS]) @ steep
        t = np.arange(len(path))
        left.plot(t[:shown_steps], across[:shown_steps], "-o", color=color, markersize=2.5, linewidth=1,
                  label=f"α = {lr:.4f}")
        with np.errstate(invalid="ignore"):
            right.plot(t, mse(path) - _J_MIN, color=color, label=f"α = {lr:.4f}")
    left.axhline(0, color=COLORS["ink"], linewidth=0.8)
    set_axes(left, xlabel="step $t$", ylabel="distance across the valley", legend=True,
             title="across the valley: sign flips every step")
    set_axes(right, xlabel="step $t$", ylabel="$J(w_t) - J^*$", yscale="log", legend=True,
             title="the loss above its minimum")
    return figure(fig)


def steps_to_converge(lrs, tolerance=1e-6, steps=16_000):
    """Measured: the first step at which ``J - J*`` falls below ``tolerance``, per rate (inf if never)."""
    paths = descend(lrs, steps)
    with np.errstate(invalid="ignore"):
        below = mse(paths) - _J_MIN < tolerance
    return np.where(below.any(axis=1), np.argmax(below, axis=1), np.inf)


def predicted_steps(lrs, tolerance=1e-6, steps=16_000):
    """Predicted from the curvatures: each direction i shrinks by ``|1 - lr lam_i|`` per step, so
    ``J - J* = sum_i lam_i / 2 c_i^2 (1 - lr lam_i)^(2t)``; the first t where that is below
    ``tolerance`` (inf if the rate does not converge)."""
    lam, vectors = np.linalg.eigh(linear.hessian_line(_X))
    c = (START - [_M_OLS, _B_OLS]) @ vectors
    lrs = np.asarray(lrs, dtype=float)
    t = np.arange(steps + 1)
    log_factors = np.log(np.abs(1 - lrs[:, None] * lam))                       # (k, 2)
    with np.errstate(over="ignore", under="ignore"):
        excess = (lam * c ** 2 / 2 * np.exp(2 * t[None, :, None] * log_factors[:, None, :])).sum(axis=-1)
    below = excess < tolerance
    return np.where(below.any(axis=1), np.argmax(below, axis=1), np.inf)


def speed_numbers(tolerance=1e-6):
    """Steps until ``J - J* < tolerance`` at ``1 / lam_max`` and at ``2 / (lam_min + lam_max)``,
    measured and predicted by :func:`predicted_steps`, and the measured ratio, as text."""
    lam_min, lam_max = np.linalg.eigvalsh(linear.hessian_line(_X))
    rates = [1 / lam_max, 2 / (lam_min + lam_max)]
    (flat, best), (flat_p, best_p) = steps_to_converge(rates, tolerance), predicted_steps(rates, tolerance)
    return numbers(steps_flat=shown(int(flat), ",d"), steps_best=shown(int(best), ",d"),
                   predicted_flat=shown(int(flat_p), ",d"), predicted_best=shown(int(best_p), ",d"),
                   ratio=shown(flat / best, ".2f"), tolerance=scientific_text(tolerance, 1))


def _eigen():
    """The Hessian's eigenvalues (flat first) and eigenvectors, the steep one pointing to larger m."""
    lam, vectors = np.linalg.eigh(linear.hessian_line(_X))
    return lam, vectors * np.where(vectors[0] < 0, -1.0, 1.0)


def coordinates(paths):
    """The error ``w - w*`` of iterates ``paths: (..., 2)`` along the eigenvectors: ``(..., 2)``,
    the flat coordinate first, then the steep one."""
    return (np.asarray(paths) - [_M_OLS, _B_OLS]) @ _eigen()[1]


def components(paths):
    """The loss above its minimum split along the eigenvectors, ``lam_i / 2 * c_i^2``:
    ``paths: (..., 2)`` -> ``(..., 2)``, the flat term first. The two add up to ``J - J*``."""
    return _eigen()[0] / 2 * coordinates(paths) ** 2


def regime_numbers(lr, steps):
    """What ``steps`` steps at rate ``lr`` leave of each coordinate of the start's error, as text:
    ``steep_left`` (percent of the coordinate across the valley still left) and ``flat_done``
    (percent of the way along the valley floor covered)."""
    path = descend([lr], steps)[0]
    flat, steep = coordinates(path[-1]) / coordinates(path[0])
    return numbers(lr=shown(lr, "g"), steps=shown(steps, ",d"), steep_left=shown(100 * abs(steep), ".1f"),
                   flat_done=shown(100 * (1 - flat), ".1f"))


def walk_phase_numbers(lr=0.03, steps=4000, share=0.01):
    """The two phases of the walk: ``cross``, the first step after which less than ``share`` of the
    steep coordinate is left, and ``creep``, the steps after it; plus the loss's drop in the first
    five steps (``drop``, in powers of ten) and the factor per step after step 20 (``per_step``,
    measured, against ``predicted = (1 - lr lam_min)^2``)."""
    path = descend([lr], steps)[0]
    steep = np.abs(coordinates(path)[:, 1] / coordinates(path[0])[1])
    cross = int(np.argmax(steep < share))
    excess = mse(path) - _J_MIN
    per_step = excess[21:101] / excess[20:100]
    return numbers(cross=cross, creep=shown(steps - cross, ",d"), drop=shown(np.log10(excess[0] / excess[5]), ".1f"),
                   per_step=shown(float(per_step.mean()), ".4f"), per_step_spread=float(np.ptp(per_step)),
                   predicted=shown((1 - lr * _eigen()[0][0]) ** 2, ".4f"))


def fastest_numbers(tolerance=1e-6, grid=401):
    """alpha_best against the rate that reaches ``J - J* < tolerance`` fastest from ``START``.

    The loss splits into a flat and a steep term (:func:`components`). ``flat0``, ``steep0`` and
    ``weight`` (their ratio) at the start; the fastest rate ``fast`` on a grid of ``grid`` rates
    from 0.9 alpha_best to alpha_best (searched with :func:`predicted_steps`, then measured), its
    factors ``fast_flat``, ``fast_steep`` and the steps ``steps_fast`` against ``steps_best``.
    """
    lam = _eigen()[0]
    best = 2 / lam.sum()
    flat0, steep0 = components(START)
    lrs = best * np.linspace(0.9, 1.0, grid)
    fast = float(lrs[np.argmin(predicted_steps(lrs, tolerance, steps=3000))])
    steps_fast, steps_best = steps_to_converge([fast, best], tolerance, steps=3000)
    return numbers(flat0=shown(flat0, ".3f"), steep0=shown(steep0, ".1f"), weight=shown(steep0 / flat0, ".0f"),
                   fast=shown(fast, ".4f"), fast_share=shown(100 * fast / best, ".1f"),
                   best_factor=shown(1 - best * lam[0], ".5f"),
                   fast_flat=shown(1 - fast * lam[0], ".5f"), fast_steep=shown(abs(1 - fast * lam[1]), ".4f"),
                   steps_fast=shown(int(steps_fast), ",d"), steps_best=shown(int(steps_best), ",d"),
                   tolerance=scientific_text(tolerance, 1))


def components_figure(rates, tolerance=1e-6, steps=1500):
    """The two terms of the loss (flat and steep) and their sum against the step, one panel per
    rate of ``rates = {name: lr}``, with the ``tolerance`` as a dashed line."""
    fig, axes = plt.subplots(1, len(rates), figsize=(8.8, 3.3), sharey=True)
    t = np.arange(steps + 1)
    for ax, (name, lr) in zip(axes, rates.items()):
        terms = components(descend([lr], steps)[0])
        ax.plot(t, terms.sum(axis=1), color=COLORS["ink"], linewidth=2.4, alpha=0.35, label="$J - J^*$, the sum")
        ax.plot(t, terms[:, 1], color=COLORS["bad"], label="steep term")
        ax.plot(t, terms[:, 0], color=COLORS["good"], label="flat term")
        ax.axhline(tolerance, color=COLORS["residual"], linestyle="--", linewidth=1)
        reached = int(np.argmax(terms.sum(axis=1) < tolerance))
        ax.axvline(reached, color=COLORS["ink"], linestyle=":", linewidth=1)
        ax.text(reached, 1e2, f" step {reached:,}", fontsize=9, color=COLORS["ink"])
        set_axes(ax, xlabel="step $t$", yscale="log", title=f"{name}: α = {lr:.4f}", ylim=(1e-9, 1e3),
                 ylabel="term of $J(w_t) - J^*$" if ax is axes[0] else "")
        ax.title.set_size(10)
    axes[0].legend(loc="lower left", fontsize=8.5)
    return figure(fig)


def tuning_numbers(lrs, measured):
    """About the steps-against-rate curve ``measured`` over ``lrs`` (relative to ALPHA_MAX):
    the steps at the smallest rate and at its double (``small``, ``double``), the fastest rate
    measured (``best_share`` of the threshold, ``best_steps``) and the share of the next one."""
    lrs, measured = np.asarray(lrs), np.asarray(measured)
    j = int(np.argmin(np.abs(lrs - 2 * lrs[0])))
    k = int(np.argmin(measured))
    return numbers(small=shown(int(measured[0]), ",d"), double=shown(int(measured[j]), ",d"),
                   small_share=shown(lrs[0] / ALPHA_MAX, ".2f"), double_share=shown(lrs[j] / ALPHA_MAX, ".2f"),
                   best_share=shown(lrs[k] / ALPHA_MAX, ".2f"), best_steps=shown(int(measured[k]), ",d"),
                   next_share=shown(lrs[k + 1] / ALPHA_MAX, ".2f"), next_diverges=bool(np.isinf(measured[k + 1])))


def speed_figure(lrs, measured, predicted, alpha_max):
    """Steps to converge against the learning rate: measured runs as dots, the prediction as a line."""
    fig, ax = plt.subplots(figsize=(6.0, 3.6))
    ax.plot(lrs, predicted, color=COLORS["data"], label="predicted from the curvatures")
    ok = np.isfinite(measured)
    ax.plot(lrs[ok], measured[ok], "o", color=COLORS["model"], markersize=4, label="measured")
    ax.axvline(alpha_max, color=COLORS["bad"], linestyle="--", linewidth=1.2)
    ax.annotate(r"$2/\lambda_{max}$: diverges beyond", xy=(alpha_max, 0.8), xycoords=("data", "axes fraction"),
                xytext=(-8, 0), textcoords="offset points", ha="right", color=COLORS["bad"], fontsize=9)
    set_axes(ax, xlabel="learning rate α", ylabel="steps until $J - J^* < 10^{-6}$", xscale="log",
             yscale="log", legend=True)
    ax.legend(loc="lower left")
    return figure(fig)


# --- Explore the learning rate -------------------------------------------------------------------

_LAM_MIN, _LAM_MAX = np.linalg.eigvalsh(linear.hessian_line(_X))

#: The threshold 2 / lam_max of the seven points' bowl.
ALPHA_MAX = 2 / _LAM_MAX

#: The explorable's learning rates: 10 per doubling, from about 1/16 of the threshold to 1.19 times it,
#: half a stop off the threshold itself (so there is a stop just below it and one just above).
LR_STEPS = ALPHA_MAX * 2.0 ** ((np.arange(-39, 4) - 0.5) / 10)

#: The explorable's step counts: every step up to 40 (so that playing follows single steps), then
#: spaced evenly on a log scale to 3,000.
#: 100, 300 and 1,000 are stops too, for the things to try.
STEP_STEPS = np.union1d(np.arange(41), np.concatenate([np.round(np.geomspace(40, 3000, 32)), [100, 300, 1000]])
                        ).astype(int)

#: The step count the explorable starts at: step 0, the start.
DEFAULT_STEPS = 0

#: Two iterates closer than this share of the map's width or height are one point on screen.
_TOLERANCE = 1 / 1000

#: Iterates up to this step are drawn as dots as well as joined by the path's line.
_DOTTED = 40


def _visible_iterates(path, tolerance=_TOLERANCE):
    """The steps whose iterates the explorable's path line goes through: every step at which the
    iterate moves to another cell of a grid ``tolerance`` of the map's width and height wide
    (finer than a pixel), and every stop of the steps slider. An iterate left out lies in the
    same cell as the one before it, so no screen can tell the line without it apart.
    Returns the kept step numbers, ``(k,)``, increasing: the path at a step is then a prefix of
    the path at any later step (and is stored once)."""
    ran = last_finite(path)
    scale = np.array([M_WINDOW[1] - M_WINDOW[0], B_WINDOW[1] - B_WINDOW[0]])
    cells = np.floor(path[:ran + 1] / (scale * tolerance))
    moved = np.flatnonzero(np.any(cells[1:] != cells[:-1], axis=1)) + 1
    return np.union1d(np.concatenate([[0], moved]), STEP_STEPS[STEP_STEPS <= ran])


def descent_view(fig):
    """The explorable: the path of gradient descent on the contour map (left) and the loss above
    its minimum against the step (right), for one learning rate and a number of steps.

    The path is the line through *every* iterate up to the chosen step, consecutive ones joined
    (dots mark the first 40); the loss curve joins its values at the slider's stops, which
    include every step up to 40. Paths for every rate of ``LR_STEPS`` are computed once.
    Returns ``update(lr, steps)``.
    """
    paths = descend(LR_STEPS, int(STEP_STEPS[-1]))
    excess = mse(paths) - _J_MIN
    index = {float(lr): i for i, lr in enumerate(LR_STEPS)}
    kept = [_visible_iterates(path) for path in paths]
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.1])
    _contour(left, levels=12)
    rplots.mark_point(left, *START, marker="o", color="white", size=6)
    left.set_title("path on the contour map")
    path_line, = left.plot([], [], "-", color=COLORS["highlight"], linewidth=1.0)
    dots, = left.plot([], [], "o", color=COLORS["highlight"], markersize=2.5, markeredgewidth=0)
    here = rplots.mark_point(left, *START, color=COLORS["highlight"], size=7)
    note = left.text(0.03, 0.03, "", transform=left.transAxes, fontsize=9, color=COLORS["ink"], bbox=_NOTE_BOX)
    loss_line, = right.plot([], [], "-", color=COLORS["data"])
    right.set_xscale("symlog", linthresh=10, linscale=0.6)
    set_axes(right, xlabel="step $t$", ylabel="$J(w_t) - J^*$", yscale="log", xlim=(0, STEP_STEPS[-1]),
             ylim=(1e-9, 1e6), title="the loss above its minimum")
    right.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    freeze_background(fig, [path_line, dots, here, loss_line, note])

    def update(lr, steps):
        i = index[float(lr)]
        ran = last_finite(paths[i])
        k = min(int(steps), ran)
        shown = kept[i][kept[i] <= k]
        path_line.set_data(paths[i, shown, 0], paths[i, shown, 1])
        dots.set_data(paths[i, :min(k, _DOTTED) + 1, 0], paths[i, :min(k, _DOTTED) + 1, 1])
        here.set_data([paths[i, k, 0]], [paths[i, k, 1]])
        drawn = STEP_STEPS[STEP_STEPS <= k]
        loss_line.set_data(drawn, np.clip(excess[i, drawn], 1e-12, 1e8))
        if ran < steps:
            note.set_text(f"α = {lr:.4f}\ndiverged: |w| passed 10⁶ at step {ran + 1}")
            return f"Rate {lr:.4f} diverged at step {ran + 1}."
        note.set_text(f"α = {lr:.4f}\nstep {steps}: J − J* = {excess[i, k]:.1e}")
        return f"Rate {lr:.4f}, step {steps}: the loss is {excess[i, k]:.1e} above its minimum."

    return update


def explore_numbers(share=0.01, steps=300):
    """What the explorable's things to try find, as text: at the smallest rate, the step after
    which less than ``share`` of the steep coordinate is left (``floor_step``) and the percent of
    the way along the floor covered after the last stop (``flat_done``); the stop nearest
    ``1 / lam_max`` (``one_step``); the stops on both sides of the threshold and the step at which
    the one above diverges; the stop with the lowest loss after ``steps`` steps (``lowest``)."""
    paths = descend(LR_STEPS, int(STEP_STEPS[-1]))
    c = coordinates(paths)
    steep = np.abs(c[0, :, 1] / c[0, 0, 1])
    below, above = LR_STEPS[LR_STEPS < ALPHA_MAX][-1], LR_STEPS[LR_STEPS > ALPHA_MAX][0]
    with np.errstate(invalid="ignore"):
        excess = np.where(np.isfinite(paths[:, steps, 0]), mse(paths[:, steps]) - _J_MIN, np.inf)
    return numbers(smallest=shown(LR_STEPS[0], ".4f"), floor_step=int(np.argmax(steep < share)),
                   flat_done=shown(100 * (1 - c[0, -1, 0] / c[0, 0, 0]), ".0f"),
                   last=shown(int(STEP_STEPS[-1]), ",d"),
                   one_step=shown(LR_STEPS[np.argmin(np.abs(LR_STEPS - 1 / _LAM_MAX))], ".4f"),
                   below=shown(below, ".4f"), above=shown(above, ".4f"),
                   diverged_at=shown(last_finite(descend([above], int(STEP_STEPS[-1]))[0]) + 1, ",d"),
                   steps=shown(steps, ",d"), lowest=shown(LR_STEPS[np.argmin(excess)], ".4f"))


# --- Exercises ------------------------------------------------------------------------------------

_G_31 = np.array(linear.mse_grad_line(_X, _Y, 0.5, 1.0))
_W0_31 = np.array([0.5, 1.0])
_W_31 = _W0_31 - 0.01 * _G_31
check_3_1 = NumberCheck(_W_31, rtol=1e-4, hints=[
    (_W0_31 + 0.01 * _G_31, "You stepped uphill: subtract the gradient, do not add it."),
    (_W0_31 - _G_31, "The step is the gradient times the learning rate 0.01."),
    (-0.01 * _G_31, "That is the step itself; add it to the starting point (0.5, 1.0)."),
    (_W0_31 - 0.005 * _G_31, "Your gradient is half as large as it should be: differentiating the square "
                            "brings down a factor 2."),
    (_W0_31 - 0.07 * _G_31, "Your gradient is 7 times too large: the MSE averages over the points, so the "
                           "gradient is a mean over them, not a sum."),
    (_W0_31 + 0.005 * _G_31, "Two slips: the gradient has a factor −2 in front of the means (the minus from "
                            "the residual y − f(x), the 2 from the square)."),
], hint="Compute the gradient (dJ/dm, dJ/db) at (0.5, 1.0), multiply it by 0.01, and subtract it "
        "from (0.5, 1.0).")

check_3_2 = NumberCheck(0.2, rtol=1e-3, hints=[
    (0.4, "The threshold is 2 divided by the curvature f''(w), and f''(w) = 10 for f = 5 w²."),
    (0.1, "That rate removes the whole error in one step; the threshold, where the steps stop "
          "shrinking, is twice as large."),
    (2.0, "Divide by the curvature f''(w) = 10, not by 1."),
    (10.0, "That is the curvature f''(w) itself; the threshold is 2 divided by it."),
    (1.0, "That is the threshold of f(w) = w², whose curvature is 2; this parabola is five times as "
          "curved."),
    (-0.2, "A learning rate is positive: the step goes against the derivative, and α only sets its "
           "length."),
], hint="Each step multiplies w by (1 - α f''(w)). For which α does that factor reach -1?")


def _reference_descent(grad_f, w0, lr, steps):
    w = np.array(w0, dtype=float)
    for _ in range(steps):
        w = w - lr * grad_f(w)
    return w


def _bowl_grad(w):
    return np.array([w[0], 25 * w[1]])


def _tilted_grad(w):
    return 2 * (np.asarray(w) - [1.0, -2.0])


_CASES_33 = [(_bowl_grad, [3.0, 1.0], 0.05, 10), (_tilted_grad, [0.0, 0.0], 0.1, 25),
             (grad, [0.0, 0.0], 0.02, 50), (_tilted_grad, [0.5, 0.5], 0.3, 0)]
_A_33 = np.array([1.0, -2.0])
check_3_3 = FunctionCheck(_reference_descent, _CASES_33, proxy=(
    "What does your `descend(lambda w: 2 * (w - np.array([1.0, -2.0])), [0.0, 0.0], 0.1, 3)` "
    "return? (Three steps on the bowl (w₁ − 1)² + (w₂ + 2)²; give the pair.)",
    (_tilted_grad, [0.0, 0.0], 0.1, 3), [
        ((1 - 1.2 ** 3) * _A_33, "Your steps go uphill: subtract lr times the gradient."),
        (0.6 * _A_33, "Evaluate the gradient again at every new point: it changes as w moves."),
        (0.2 * _A_33, "That is one step; take as many as `steps` says, each from the point the "
                      "previous one reached."),
        ((1 - 0.8 ** 2) * _A_33, "That is two steps: the loop should run `steps` times."),
        ((1 - 0.8 ** 4) * _A_33, "That is four steps: the loop should run `steps` times."),
        ((1 - 0.9 ** 3) * _A_33, "Your steps are half as long: multiply the whole gradient by lr, "
                                 "and no extra 1/2."),
    ]), hints=[
    (lambda f: np.allclose(f(_tilted_grad, [0.0, 0.0], 0.1, 1), [-0.2, 0.4]),
     "Your steps go uphill: subtract lr times the gradient."),
    (lambda f: np.allclose(f(_tilted_grad, [0.0, 0.0], 0.1, 2), [0.2, -0.4]),
     "Take as many steps as `steps` says, each from the point the previous one reached."),
    (lambda f: np.allclose(f(_tilted_grad, [0.0, 0.0], 0.1, 3), [0.6, -1.2]),
     "Evaluate the gradient again at every new point: it changes as w moves."),
], hint="Start from w = w0 (as a float array) and repeat `steps` times: w = w - lr * grad_f(w).")

_REGIMES = ["converges without oscillating", "oscillates across the valley but converges",
            "oscillates forever with the same size", "diverges"]
check_3_4 = ChoiceCheck(_REGIMES[1], _REGIMES, explanations={
    _REGIMES[0]: "Along the steep direction each step multiplies the distance by 1 - 1.5 = -0.5: "
                 "what does the minus sign do?",
    _REGIMES[2]: "That happens when the factor 1 - α λ is exactly -1; here it is -0.5.",
    _REGIMES[3]: "Divergence needs a factor larger than 1 in size, that is α above 2/λ_max.",
}, hint="Work out 1 - α λ for both curvatures: its sign says whether the path zig-zags, its size "
        "whether it shrinks.")

_LAM_CENTRED = np.linalg.eigvalsh(linear.hessian_line(_X - _X.mean()))
check_3_5 = NumberCheck(2 / _LAM_CENTRED[-1], rtol=1e-3, hints=[
    (2 / _LAM_CENTRED.sum(), "That is α_best, the rate with the best worst-case factor; the question asks "
                             "for the largest rate that still converges."),
    (2 / (_LAM_CENTRED[-1] / 2),
     "The Hessian of the MSE carries a factor 2 (from differentiating the square): its entries are "
     "2 × mean of (x - x̄)² and 2."),
    (2 / _LAM_CENTRED[0], "That is 2 over the smallest curvature; the steepest direction is the one that "
                          "limits the rate."),
    (ALPHA_MAX, "That is the threshold of the bowl of the raw x; centre x first."),
    (1 / _LAM_CENTRED[-1], "That rate is safe, but it is not the largest: the threshold is 2 over the "
                           "largest curvature."),
], hint="For centred x the Hessian is diagonal, 2 × diag(mean of (x - x̄)², 1). Its largest entry is "
        "the largest curvature.")
