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


def _draw_path(ax, path, color, label=None, markersize=3.5):
    path = path[np.all(np.isfinite(path), axis=1)]
    line, = ax.plot(path[:, 0], path[:, 1], "-o", color=color, markersize=markersize, linewidth=1.2,
                    markeredgewidth=0, label=label)
    return line


def path_figure(path, every=None):
    """One descent drawn on the contour map (every point, or the first ``every`` then a sample)."""
    fig, ax = plt.subplots(figsize=(5.6, 4.0))
    _contour(ax)
    rplots.mark_point(ax, *START, marker="o", color="white", size=7, label="start")
    shown_path = path if every is None else np.concatenate([path[:every], path[every::every]])
    _draw_path(ax, shown_path, COLORS["highlight"], label="gradient descent")
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
        _draw_path(ax, path, color, markersize=3)
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

#: The explorable's learning rates: 12 per doubling, from 1/16 of the threshold to 1.22 times it,
#: half a stop off the threshold itself (so there is a stop just below it and one just above).
LR_STEPS = ALPHA_MAX * 2.0 ** ((np.arange(-47, 5) - 0.5) / 12)

#: The explorable's step counts: every step up to 10, then spaced evenly on a log scale to 3,000.
STEP_STEPS = np.concatenate([np.arange(10), np.unique(np.round(np.geomspace(10, 3000, 36))).astype(int)])

#: The step count the explorable starts at (and shows where it cannot move): the stop nearest 300.
DEFAULT_STEPS = int(STEP_STEPS[np.argmin(np.abs(STEP_STEPS - 300))])

#: The path is drawn with every step up to this one, then with a sample of the later ones.
_DENSE = 30


def _drawn(k):
    """The step indices drawn for a path that has run ``k`` steps (at most 46)."""
    later = np.round(np.geomspace(_DENSE, max(k, _DENSE), 16)).astype(int) if k > _DENSE else []
    return np.unique(np.concatenate([np.arange(min(k, _DENSE) + 1), later])).astype(int)


def descent_view(fig):
    """The explorable: the path of gradient descent on the contour map (left) and the loss above
    its minimum against the step (right), for one learning rate and a number of steps.

    Paths for every rate of ``LR_STEPS`` are computed once. Returns ``update(lr, steps)``.
    """
    paths = descend(LR_STEPS, int(STEP_STEPS[-1]))
    excess = mse(paths) - _J_MIN
    index = {float(lr): i for i, lr in enumerate(LR_STEPS)}
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.1])
    _contour(left, levels=12)
    rplots.mark_point(left, *START, marker="o", color="white", size=6)
    left.set_title("path on the contour map")
    path_line, = left.plot([], [], "-o", color=COLORS["highlight"], markersize=2.5, linewidth=1.1,
                           markeredgewidth=0)
    here = rplots.mark_point(left, *START, color=COLORS["highlight"], size=7)
    note = left.text(0.03, 0.03, "", transform=left.transAxes, fontsize=9, color=COLORS["ink"], bbox=_NOTE_BOX)
    loss_line, = right.plot([], [], color=COLORS["data"])
    right.set_xscale("symlog", linthresh=10, linscale=0.6)
    set_axes(right, xlabel="step $t$", ylabel="$J(w_t) - J^*$", yscale="log", xlim=(0, STEP_STEPS[-1]),
             ylim=(1e-9, 1e6), title="the loss above its minimum")
    right.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    freeze_background(fig, [path_line, here, loss_line, note])

    def update(lr, steps):
        i = index[float(lr)]
        ran = last_finite(paths[i])
        k = min(int(steps), ran)
        drawn = _drawn(k)
        path_line.set_data(paths[i, drawn, 0], paths[i, drawn, 1])
        here.set_data([paths[i, k, 0]], [paths[i, k, 1]])
        loss_line.set_data(drawn, np.clip(excess[i, drawn], 1e-12, 1e8))
        if ran < steps:
            note.set_text(f"diverged: |w| passed 10⁶ at step {ran + 1}")
            return f"Rate {lr:.4f} diverged at step {ran + 1}."
        note.set_text(f"step {steps}: J − J* = {excess[i, k]:.1e}")
        return f"Rate {lr:.4f}, step {steps}: the loss is {excess[i, k]:.1e} above its minimum."

    return update


# --- Exercises ------------------------------------------------------------------------------------

_G_31 = np.array(linear.mse_grad_line(_X, _Y, 0.5, 1.0))
_W_31 = np.array([0.5, 1.0]) - 0.01 * _G_31
check_3_1 = NumberCheck(_W_31, rtol=1e-4, hints=[
    (np.array([0.5, 1.0]) + 0.01 * _G_31, "You stepped uphill: subtract the gradient, do not add it."),
    (np.array([0.5, 1.0]) - _G_31, "The step is the gradient times the learning rate 0.01."),
    (-0.01 * _G_31, "That is the step itself; add it to the starting point (0.5, 1.0)."),
], hint="Compute the gradient (dJ/dm, dJ/db) at (0.5, 1.0), multiply it by 0.01, and subtract it "
        "from (0.5, 1.0).")

check_3_2 = NumberCheck(0.2, rtol=1e-3, hints=[
    (0.4, "The threshold is 2 divided by the curvature f''(w), and f''(w) = 10 for f = 5 w²."),
    (0.1, "That rate removes the whole error in one step; the threshold, where the steps stop "
          "shrinking, is twice as large."),
    (2.0, "Divide by the curvature f''(w) = 10, not by 1."),
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
check_3_3 = FunctionCheck(_reference_descent, _CASES_33, hints=[
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
    (2 / _LAM_CENTRED[0], "That is 2 over the smallest curvature; the steepest direction is the one that "
                          "limits the rate."),
    (ALPHA_MAX, "That is the threshold of the bowl of the raw x; centre x first."),
    (1 / _LAM_CENTRED[-1], "That rate is safe, but it is not the largest: the threshold is 2 over the "
                           "largest curvature."),
], hint="For centred x the Hessian is diagonal, 2 × diag(mean of (x - x̄)², 1). Its largest entry is "
        "the largest curvature.")
