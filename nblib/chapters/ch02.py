"""Chapter 2, Linear regression and the loss bowl: its figures, its explorable's view and its checks.

The data are the seven points of :func:`nblib.data.seven_points`. Each ``*_figure`` function
draws one figure of the chapter and returns it (closed, for display as the cell's output);
each ``*_numbers`` function returns the numbers the prose quotes, as
:class:`~nblib.chapters.text.Shown` values. ``check_2_1`` ... ``check_2_5`` are the
exercises' checks: the answers live here, not in the notebook.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from nblib import linear, losses
from nblib.chapters.text import Table, figure, numbers, shown
from nblib.data import face_patch_predictions, seven_points
from nblib.exercises import ChoiceCheck, FunctionCheck, NumberCheck
from nblib.explorable import freeze_background
from nblib.plots import regression as rplots
from nblib.theme import COLORS, set_axes

#: The x range every picture of the seven points draws the line over.
LINE_X = np.array([2.0, 5.4])


# --- Seven points and three lines ---------------------------------------------------------------

def points_table(x, y):
    """The points as a small table with one column per point (HTML on screen, a table in print)."""
    heads = [("<i>i</i>", "$i$"), ("<i>x<sub>i</sub></i>", "$x_i$"), ("<i>y<sub>i</sub></i>", "$y_i$")]
    values = [range(1, len(x) + 1), x, y]
    rows = [[head, *(f"{v:g}" for v in row)] for (head, _), row in zip(heads, values)]
    printed = [[head, *(f"{v:g}" for v in row)] for (_, head), row in zip(heads, values)]
    return Table(rows, printed, align="right", row_heads=True)


def seven_points_figure(x, y):
    """The seven points alone."""
    fig, ax = plt.subplots(figsize=(5.2, 3.4))
    rplots.scatter_with_residuals(x, y, ax=ax)
    set_axes(ax, xlim=(2.0, 5.4), ylim=(1.5, 2.9))
    return figure(fig)


def candidates_figure(x, y, candidates):
    """One panel per candidate line ``{name: (m, b)}``, with its residuals as dashed bars."""
    fig, axes = plt.subplots(1, len(candidates), figsize=(8.4, 3.0), sharey=True)
    for ax, (name, (m, b)) in zip(axes, candidates.items()):
        rplots.scatter_with_residuals(x, y, m, b, ax=ax, line_x=LINE_X)
        set_axes(ax, title=f"{name}: {rplots.line_label(m, b)}", xlim=(2.0, 5.4), ylim=(1.2, 3.2),
                 ylabel="$y$" if ax is axes[0] else "")
    return figure(fig)


def loss_numbers(x, y, candidates):
    """Mean error, MAE and MSE of each candidate line: ``.me_A``, ``.mae_A``, ``.mse_A``, ... as text."""
    values = {}
    for name, (m, b) in candidates.items():
        y_hat = linear.predict_line(x, m, b)
        values[f"me_{name}"] = shown(losses.mean_error(y, y_hat), "+.4f")
        values[f"mae_{name}"] = shown(losses.mean_absolute_error(y, y_hat), ".4f")
        values[f"mse_{name}"] = shown(losses.mean_squared_error(y, y_hat), ".4f")
    return numbers(**values)


def squares_figure(x, y, lines):
    """The squared residuals of each line ``{name: (m, b)}`` drawn as squares beside the points.

    Each residual ``r_i`` becomes a square of side ``|r_i|`` standing on its residual bar, so
    the MSE is the mean area of the squares. Both axes use the same scale, so squares look square.
    """
    fig, axes = plt.subplots(1, len(lines), figsize=(8.4, 3.4), sharey=True)
    for ax, (name, (m, b)) in zip(axes, lines.items()):
        rplots.scatter_with_residuals(x, y, m, b, ax=ax, line_x=LINE_X)
        for xi, yi, fi in zip(x, y, m * x + b):
            side = abs(yi - fi)
            ax.add_patch(Rectangle((xi, min(yi, fi)), side, side, facecolor=COLORS["model"], alpha=0.25,
                                   edgecolor=COLORS["model"], linewidth=0.8))
        mse = losses.mean_squared_error(y, m * x + b)
        ax.set_aspect("equal")
        set_axes(ax, title=f"{name}: mean area {mse:.4f}", xlim=(2.0, 5.6), ylim=(1.2, 3.2),
                 ylabel="$y$" if ax is axes[0] else "")
    return figure(fig)


def cancel_figure(x, y, m_bad, b_bad):
    """A steep line through the centre of the data, whose residuals cancel."""
    fig, ax = plt.subplots(figsize=(5.2, 3.4))
    rplots.scatter_with_residuals(x, y, m_bad, b_bad, ax=ax, line_x=LINE_X)
    ax.plot([x.mean()], [y.mean()], marker="+", markersize=14, color=COLORS["ink"], linestyle="none",
            label=r"centre $(\bar x, \bar y)$")
    set_axes(ax, title=rplots.line_label(m_bad, b_bad), xlim=(2.0, 5.4), ylim=(-1.5, 5.5), legend=True)
    return figure(fig)


# --- Cross-entropy ------------------------------------------------------------------------------

def face_numbers(y_face, y_hat_face):
    """Losses of the face detector, of always answering 0.5 and of the clipping, as text."""
    coin = np.full(len(y_face), 0.5)
    return numbers(me=shown(losses.mean_error(y_face, y_hat_face), ".2f"),
                   mae=shown(losses.mean_absolute_error(y_face, y_hat_face), ".4f"),
                   mse=shown(losses.mean_squared_error(y_face, y_hat_face), ".4f"),
                   ce=shown(losses.binary_cross_entropy(y_face, y_hat_face), ".4f"),
                   coin_ce=shown(losses.binary_cross_entropy(y_face, coin), ".4f"),
                   wrong_ce=shown(losses.binary_cross_entropy(y_face, 1.0 - y_face), ".1f"),
                   eps=shown(losses.EPS, ".0e"))


def per_example_figure():
    """What the absolute error, the squared error and the cross-entropy charge for one face."""
    q = np.linspace(0.005, 1.0, 400)
    per_example = {
        r"absolute error $|1 - \hat y|$": 1 - q,
        r"squared error $(1 - \hat y)^2$": (1 - q) ** 2,
        r"cross-entropy $-\log \hat y$": -np.log(q),
    }
    fig, ax = plt.subplots(figsize=(5.6, 3.4))
    for (label, values), color in zip(per_example.items(), [COLORS["neutral"], COLORS["model"], COLORS["data"]]):
        ax.plot(q, values, label=label, color=color)
    set_axes(ax, xlabel=r"predicted probability $\hat y$ of a face", ylabel="loss for this example",
             xlim=(0, 1), ylim=(0, 3), legend=True)
    return figure(fig)


# --- The loss bowl ------------------------------------------------------------------------------

def bowl_numbers(x, y, J):
    """Numbers quoted about the bowl over the grid ``J``: its range, the data's x range and the curvatures."""
    curvatures = np.linalg.eigvalsh(linear.hessian_line(x))
    curvatures_centred = np.linalg.eigvalsh(linear.hessian_line(x - x.mean()))
    m_ols, b_ols = linear.ols_line(x, y)
    return numbers(J_bottom=shown(linear.mse_line(x, y, m_ols, b_ols), ".4f"), J_max=shown(float(J.max()), ".0f"),
                   x_min=shown(float(x.min()), ".1f"), x_max=shown(float(x.max()), ".1f"),
                   x_bar=shown(float(x.mean()), ".1f"),
                   kappa=shown(curvatures[-1] / curvatures[0], ".0f"),
                   kappa_centred=shown(curvatures_centred[-1] / curvatures_centred[0], ".1f"))


def _directions(ax, x, center, lengths=(4.0, 1.0)):
    """Arrows from ``center`` along the Hessian's eigenvectors: the flat direction, then the steep one.

    The arrows show directions only; their ``lengths`` (in plot units) are chosen for legibility.
    """
    _, vectors = np.linalg.eigh(linear.hessian_line(x))                  # smallest curvature first
    for vector, length, name, offset in zip(vectors.T, lengths, ["flat", "steep"], [(6, -4), (4, 0)]):
        vector = vector if vector[0] > 0 else -vector          # both arrows point to larger m
        end = np.asarray(center) + length * vector
        ax.annotate("", xy=end, xytext=center,
                    arrowprops=dict(arrowstyle="-|>", color="white", linewidth=2.2, mutation_scale=16))
        ax.annotate(f"{name} direction", xy=end, xytext=offset, textcoords="offset points", color="white",
                    fontsize=10, fontweight="bold")


def bowl_figure(x, y, M, B, J, candidates):
    """Left: the MSE over ``(M, B)`` as a surface of ``log10 J``. Right: contours with the
    candidates, the minimum, the Hessian's eigen-directions and a colour bar."""
    m_ols, b_ols = linear.ols_line(x, y)
    fig = plt.figure(figsize=(8.4, 4.0))
    grid = fig.add_gridspec(1, 2, width_ratios=[1, 1.1])
    ax3 = fig.add_subplot(grid[0], projection="3d")
    ax3.plot_surface(M, B, np.log10(J), cmap="viridis", rcount=90, ccount=90, linewidth=0, antialiased=True)
    set_axes(ax3, xlabel="slope $m$", ylabel="intercept $b$")
    ax3.set_title(r"height: $\log_{10} J$", fontsize=12)
    ax3.view_init(elev=40, azim=-130)
    ax3.set_box_aspect(None, zoom=0.8)
    for axis in (ax3.xaxis, ax3.yaxis, ax3.zaxis):
        axis.set_major_locator(MaxNLocator(4))
    ax2 = fig.add_subplot(grid[1])
    art = rplots.loss_contour(M, B, J, ax=ax2, levels=16)
    short = FuncFormatter(lambda v, _: f"{v:.0f}" if v >= 10 else f"{v:.2g}")
    fig.colorbar(art["filled"], ax=ax2, label="MSE $J$ (log scale)", format=short)
    for name, (m, b) in candidates.items():
        rplots.mark_point(ax2, m, b, color="white", size=6)
        ax2.annotate(name, (m, b), xytext=(7, 3), textcoords="offset points", color="white",
                     fontsize=12, fontweight="bold")
    _directions(ax2, x, (m_ols, b_ols))
    rplots.mark_point(ax2, m_ols, b_ols, marker="*", size=14, label="bottom of the bowl")
    set_axes(ax2, legend=True)
    for ax in fig.axes:
        ax.tick_params(labelsize=11)
        ax.xaxis.label.set_size(12)
        ax.yaxis.label.set_size(12)
    return figure(fig)


# --- Least squares ------------------------------------------------------------------------------

def ols_numbers(x, y):
    """The least-squares line, its MSE and gradient, and the MSE of the point (0.5, 1.0), as text."""
    m_ols, b_ols = linear.ols_line(x, y)
    mse_ols = linear.mse_line(x, y, m_ols, b_ols)
    mse_seed = linear.mse_line(x, y, 0.5, 1.0)
    grad = np.max(np.abs(linear.mse_grad_line(x, y, m_ols, b_ols)))
    return numbers(m=shown(m_ols, ".4f"), b=shown(b_ols, ".4f"), mse=shown(mse_ols, ".4f"),
                   grad=shown(float(grad), ".0e"), mse_seed=shown(mse_seed, ".3f"),
                   seed_ratio=shown(mse_seed / mse_ols, ".0f"))


#: The close-up window of the bowl, for the least-squares figure and the explorable.
M_ZOOM = np.linspace(-0.4, 1.1, 151)
B_ZOOM = np.linspace(-1.4, 3.0, 161)


def ols_figure(x, y):
    """Left: the least-squares line and its residuals. Right: a close-up of the bowl's floor."""
    m_ols, b_ols = linear.ols_line(x, y)
    Mz, Bz = np.meshgrid(M_ZOOM, B_ZOOM)
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.6, 3.6))
    rplots.scatter_with_residuals(x, y, m_ols, b_ols, ax=left, line_x=LINE_X,
                                  label=rplots.line_label(m_ols, b_ols, digits=4))
    set_axes(left, title="the least-squares line", xlim=(2.0, 5.4), ylim=(1.5, 2.9), legend=True)
    rplots.loss_contour(Mz, Bz, linear.mse_line(x, y, Mz, Bz), ax=right, levels=14)
    right.plot(M_ZOOM, y.mean() - M_ZOOM * x.mean(), color="white", linestyle=(0, (4, 3)), linewidth=2.2,
               label=r"valley floor $b = \bar y - m \bar x$")
    rplots.mark_point(right, 0.5, 1.0, marker="X", color=COLORS["highlight"], size=10, label="(0.5, 1.0)")
    rplots.mark_point(right, m_ols, b_ols, marker="*", size=14, label="least squares")
    set_axes(right, title="the bottom of the bowl, close up", xlim=(-0.4, 1.1), ylim=(-1.4, 3.0))
    right.legend(loc="upper right", fontsize=8, frameon=True, framealpha=0.9, facecolor="#d9d9d9")
    return figure(fig)


# --- Explore the bowl ---------------------------------------------------------------------------

_X, _Y = seven_points()
_M_OLS, _B_OLS = linear.ols_line(_X, _Y)

#: The explorable's slider values: 41 stops each, centred on the least-squares line.
M_STEPS = _M_OLS + np.linspace(-0.5, 0.5, 41)
B_STEPS = _B_OLS + np.linspace(-2.0, 2.0, 41)


def _curvature_ratio(x):
    curvatures = np.linalg.eigvalsh(linear.hessian_line(x))
    return curvatures[-1] / curvatures[0]


def bowl_view(fig):
    """The explorable's view: the line, its place on the bowl, and on the bowl of centred ``x``.

    Left: the seven points, the line ``m x + b``, its residuals and its MSE. Middle: the
    contour map of the MSE over ``(m, b)``. Right: the same losses over ``(m, c)``, where
    ``c = b + m x_bar`` is the line's height at the mean ``x_bar``: the bowl of the centred
    input ``x - x_bar``. Both maps share one colour bar. Returns ``update(m, b)``.
    """
    x, y, x_bar = _X, _Y, _X.mean()
    left, middle, right = fig.subplots(1, 3, width_ratios=[1.05, 1, 1])
    line_art = rplots.scatter_with_residuals(x, y, _M_OLS, _B_OLS, ax=left, line_x=LINE_X)
    set_axes(left, title="the line and its residuals", xlim=(2.0, 5.4), ylim=(0.5, 3.5))
    mse_text = left.text(0.04, 0.95, "", transform=left.transAxes, va="top", fontsize=11,
                         bbox=dict(facecolor="white", edgecolor="none", alpha=0.85))
    Mz, Bz = np.meshgrid(M_ZOOM, B_ZOOM)
    Jz = linear.mse_line(x, y, Mz, Bz)
    levels = rplots.log_levels(Jz, 14)
    raw = rplots.loss_contour(Mz, Bz, Jz, ax=middle, levels=levels, point=(_M_OLS, _B_OLS))
    middle.plot(M_ZOOM, y.mean() - M_ZOOM * x_bar, color="white", linestyle=(0, (4, 3)), linewidth=1.6)
    rplots.mark_point(middle, _M_OLS, _B_OLS, marker="*", size=12, color="white")
    set_axes(middle, title=f"intercept at x = 0: ratio {_curvature_ratio(x):.0f}",
             xlim=(M_ZOOM[0], M_ZOOM[-1]), ylim=(B_ZOOM[0], B_ZOOM[-1]))
    C = B_ZOOM - B_ZOOM.mean() + y.mean()            # heights at x_bar, a window as tall as the middle one
    Mc, Cc = np.meshgrid(M_ZOOM, C)
    centred = rplots.loss_contour(Mc, Cc, linear.mse_line(x - x_bar, y, Mc, Cc), ax=right, levels=levels,
                                  point=(_M_OLS, y.mean()), labels=("slope $m$", r"height $c$ at $\bar x$"))
    rplots.mark_point(right, _M_OLS, y.mean(), marker="*", size=12, color="white")
    set_axes(right, title=f"intercept at x = x̄: ratio {_curvature_ratio(x - x_bar):.1f}",
             xlim=(M_ZOOM[0], M_ZOOM[-1]), ylim=(C[0], C[-1]))
    fig.colorbar(raw["filled"], ax=[middle, right], label="MSE (log scale)", shrink=0.9,
                 format=FuncFormatter(lambda v, _: f"{v:.2g}"))
    moving = [line_art["points"], line_art["line"], line_art["residuals"], raw["point"], centred["point"], mse_text]
    freeze_background(fig, moving)    # draw the static parts once: frames render much faster

    def update(m, b):
        rplots.move_line(line_art, x, y, m, b)
        rplots.move_point(raw["point"], m, b)
        rplots.move_point(centred["point"], m, b + m * x_bar)
        mse = linear.mse_line(x, y, m, b)
        ends = m * LINE_X + b
        where = " (line below the chart)" if ends.max() < 0.5 else ""
        where = " (line above the chart)" if ends.min() > 3.5 else where
        mse_text.set_text(f"MSE = {mse:.4f}{where}")
        return f"Slope {m:.3f}, intercept {b:.3f}, height at the mean x {b + m * x_bar:.3f}: MSE {mse:.4f}."

    return update


def bowl_try_numbers(stops=2, raise_m=4):
    """What the explorable's things to try find, as text: the MSE at the least-squares stop and
    ``stops`` stops of m either way (``mse_best``, ``mse_moved``, their ratio ``jump``, the step
    ``dm``); with m ``raise_m`` stops above its best (``dm_up``), the b stop of lowest MSE
    (``db``, and ``ratio = db / dm_up``); the worst line the sliders offer and its MSE, and the
    MSE of the corner with the same b and the other end of m (``other_m``, ``other_mse``)."""
    M, B = np.meshgrid(M_STEPS, B_STEPS, indexing="ij")
    J = linear.mse_line(_X, _Y, M, B)
    c = len(M_STEPS) // 2
    moved = max(J[c - stops, c], J[c + stops, c])
    j = int(np.argmin(J[c + raise_m]))
    worst = np.unravel_index(int(np.argmax(J)), J.shape)
    other = (len(M_STEPS) - 1 - worst[0], worst[1])           # the same m, the b of the other end
    return numbers(mse_best=shown(J[c, c], ".4f"), mse_moved=shown(moved, ".3f"), jump=shown(moved / J[c, c], ".1f"),
                   dm=shown(M_STEPS[c + stops] - M_STEPS[c], ".3f"), dm_up=shown(M_STEPS[c + raise_m] - M_STEPS[c], ".3f"),
                   db=shown(B_STEPS[j] - B_STEPS[c], "+.1f"), ratio=shown((B_STEPS[j] - B_STEPS[c]) /
                                                                        (M_STEPS[c + raise_m] - M_STEPS[c]), ".0f"),
                   worst_m=shown(M_STEPS[worst[0]], ".3f"), worst_b=shown(B_STEPS[worst[1]], ".2f"),
                   worst_mse=shown(J[worst], ".1f"), worst_ratio=shown(J[worst] / J[c, c], ".0f"),
                   other_m=shown(M_STEPS[other[0]], ".3f"), other_mse=shown(J[other], ".2f"))


# --- Exercises ----------------------------------------------------------------------------------

def _mse(m, b):
    return float(np.mean((_Y - (m * _X + b)) ** 2))


_R_21 = _Y - (0.2 * _X + 1.3)
check_2_1 = NumberCheck(_mse(0.2, 1.3), rtol=1e-3, hints=[
    (float(np.mean(np.abs(_R_21))), "That is the mean absolute error: square each residual before averaging."),
    (float(np.sum(_R_21 ** 2)), "That is the sum of the squared residuals: divide by the number of points."),
    (float(np.sqrt(_mse(0.2, 1.3))), "That is the square root of the MSE (the RMSE): leave out the square root."),
    (float(np.mean(_R_21)), "That is the mean error: residuals of both signs cancel. Square them first."),
    (float(np.mean(_R_21) ** 2), "You squared the mean of the residuals; square each residual, then average."),
    (_mse(0.2, 1.3) / 2, "That is half the MSE (a convention some books use to simplify the derivative); "
                         "the MSE here has no 1/2."),
    (float(np.sum(_R_21 ** 2) / (len(_X) - 1)), "You divided by n − 1: the mean divides by the number of "
                                                 "points, 7."),
], hint="Compute the residuals y - (0.2 x + 1.3), square them, and average.")


def _reference_mse(y_true, y_pred):
    return float(np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2))


_Y_HAT_FACE, _Y_FACE = face_patch_predictions()
_A, _B = np.array([1.0, -2.0]), np.array([0.0, 2.0])
check_2_2 = FunctionCheck(_reference_mse, [(_Y_FACE, _Y_HAT_FACE), (_Y, linear.predict_line(_X, _M_OLS, _B_OLS)), (_A, _B)],
                          proxy=("What does your `mse(np.array([1.0, -2.0]), np.array([0.0, 2.0]))` return?",
                                 (_A, _B), [
    (-1.5, "Your function lets positive and negative errors cancel: square them."),
    (1.5, "Your function lets positive and negative errors cancel: square them."),
    (2.5, "That is the mean absolute error: square the differences instead of taking absolute values."),
    (17.0, "That is the sum of the squares: take the mean instead."),
    (2.25, "You squared the mean of the differences; square each difference, then average."),
    (float(np.sqrt(8.5)), "That is the square root of the MSE (the RMSE): leave out the square root."),
    (4.25, "That is half the MSE; the MSE has no 1/2."),
]),
                          hints=[
    (lambda f: np.isclose(f(_A, _B), -1.5), "Your function lets positive and negative errors cancel: square them."),
    (lambda f: np.isclose(f(_A, _B), 2.5),
     "That is the mean absolute error: square the differences instead of taking absolute values."),
    (lambda f: np.isclose(f(_A, _B), 17.0), "That is the sum of the squares: take the mean instead."),
], hint="Subtract, square element-wise, then average with np.mean.")

_LOSSES = ["mean error", "mean absolute error", "mean squared error"]
check_2_3 = ChoiceCheck(_LOSSES[0], _LOSSES, explanations={
    _LOSSES[1]: "Every |r_i| is positive when the line misses point i, so their mean is positive.",
    _LOSSES[2]: "Every r_i squared is positive when the line misses point i, so their mean is positive.",
}, hint="Which loss lets residuals of opposite signs cancel?")

_R_24 = _Y - (0.5 * _X + 1.0)
_DJDB = -2 * float(np.mean(_R_24))
check_2_4 = NumberCheck(_DJDB, rtol=1e-3, hints=[
    (-_DJDB, "Check the sign: the residual is y - f(x), and the formula has a minus in front."),
    (_DJDB / 2, "Don't forget the factor 2 that comes from differentiating the square."),
    (-2 * float(np.mean(_X * _R_24)),
     "That is the derivative with respect to m: for b, the residuals are not multiplied by x."),
    (7 * _DJDB, "That is 7 times too large: the MSE averages over the points, so its derivative is a "
                "mean, not a sum."),
    (-_DJDB / 2, "Two slips: the sign (the residual is y - f(x)) and the factor 2 from the square."),
], hint="Compute the residuals r = y - (0.5 x + 1.0), then -2 times their mean.")

check_2_5 = NumberCheck([_M_OLS, _B_OLS + 1.0], rtol=1e-3, atol=1e-4, hints=[
    ([_M_OLS + 1.0, None], "The slope depends on how y changes with x; a constant shift does not change that."),
    ([None, _B_OLS], "Every point moved up by 1: a line with the old intercept now has residuals of +1 everywhere."),
    ([None, _B_OLS - 1.0], "The points moved up, so the line moves up with them: the intercept grows."),
    ([_M_OLS + 1.0, _B_OLS + 1.0], "The slope depends on how y changes with x; a constant shift does not "
                                   "change that."),
], hint="Shift every point up by 1: what happens to the residuals of the line shifted up by 1?")
