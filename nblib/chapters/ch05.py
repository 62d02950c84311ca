"""Chapter 5, Momentum: its figures, its numbers, its explorable's view and its checks.

Two bowls appear. The *elongated bowl* ``J(w) = w1**2 / 2 + 25 w2**2 / 2`` of
:mod:`nblib.surfaces` (curvatures 1 and 25) shows the zig-zag and the explorable. The
*seven points' bowl* is the MSE of a line ``(m, b)`` on :func:`nblib.data.seven_points`
(chapter 2), whose curvatures give the theory's best momentum and learning rate.
Each ``*_figure`` function returns one closed figure; each ``*_numbers`` function returns
the numbers the prose quotes; ``check_5_1`` ... ``check_5_4`` are the exercises' checks.
"""

import functools

import matplotlib.pyplot as plt
import numpy as np

from nblib import linear
from nblib.chapters.text import figure, numbers, scientific_text, shown
from nblib.data import seven_points
from nblib.exercises import ChoiceCheck, FunctionCheck, NumberCheck
from nblib.explorable import freeze_background
from nblib.optim import SGD, Momentum, Nesterov
from nblib.plots.regression import bowl_contour, draw_path
from nblib.surfaces import elongated_bowl, run
from nblib.theme import COLORS, set_axes

#: One colour per method, the same in every figure of the chapter.
METHOD_COLORS = {"plain": COLORS["data"], "momentum": COLORS["model"], "Nesterov": COLORS["good"]}

#: The learning rate of the zig-zag figures on the elongated bowl (2 / 25 = 0.08 diverges).
LR_ZIGZAG = 0.07

#: The momentum of the figures that compare plain descent with momentum on the elongated bowl.
BETA_DEMO = 0.6


# --- Drawing paths on a bowl --------------------------------------------------------------------

def elongated_paths(lr, beta, steps):
    """Plain, momentum and Nesterov runs on the elongated bowl from its usual start: ``{name: RunResult}``."""
    optimizers = {"plain": SGD(lr), "momentum": Momentum(lr, beta), "Nesterov": Nesterov(lr, beta)}
    return {name: run(opt, elongated_bowl, steps=steps) for name, opt in optimizers.items()}


def _elongated_axes(ax):
    bowl_contour(ax, elongated_bowl.f, elongated_bowl.xlim, elongated_bowl.ylim, minimum=(0.0, 0.0))


# --- The zig-zag --------------------------------------------------------------------------------

def zigzag_figure(steps=40):
    """Plain gradient descent on the elongated bowl: its path, and its two coordinates over the steps."""
    result = run(SGD(LR_ZIGZAG), elongated_bowl, steps=steps)
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.6, 3.4), width_ratios=[1.3, 1])
    _elongated_axes(left)
    draw_path(left, result.path, METHOD_COLORS["plain"])
    set_axes(left, title=f"plain gradient descent, α = {LR_ZIGZAG}")
    t = np.arange(steps + 1)
    right.axhline(0, color=COLORS["ink"], linewidth=0.8)
    right.plot(t, result.path[:, 0] / abs(result.path[0, 0]), label="$w_1$ (along the valley)",
               color=COLORS["data"])
    right.plot(t, result.path[:, 1] / abs(result.path[0, 1]), marker="o", markersize=3, linewidth=1,
               label="$w_2$ (across it)", color=COLORS["model"])
    set_axes(right, xlabel="step $t$", ylabel="coordinate / its start size", title="the two coordinates",
             ylim=(-1.1, 1.1), legend=True)
    return figure(fig)


def zigzag_numbers():
    """The factors by which one plain step multiplies each coordinate, the steps to a small loss, and
    what a smaller learning rate changes: below ``LR_CALM`` the zig-zag is gone, at the price of steps."""
    curvatures = np.array([1.0, 25.0])
    factors = 1 - LR_ZIGZAG * curvatures
    result = run(SGD(LR_ZIGZAG), elongated_bowl, steps=500)
    calm = run(SGD(LR_CALM), elongated_bowl, steps=500)
    return numbers(lr=shown(LR_ZIGZAG, "g"), along=shown(factors[0], ".2f"), across=shown(factors[1], ".2f"),
                   lr_max=shown(2 / curvatures[1], ".2f"),
                   steps=shown(_steps_below(result.losses, 1e-3), "d"),
                   flips=shown(sign_flips(result.path[:41, 1]), "d"),
                   lr_calm=shown(LR_CALM, "g"), along_calm=shown(1 - LR_CALM, ".2f"),
                   steps_calm=shown(_steps_below(calm.losses, 1e-3), "d"),
                   across_steps=shown(_steps_below(0.5 * 25 * result.path[:, 1] ** 2, 1e-3), "d"))


#: The largest learning rate at which plain descent on the elongated bowl does not zig-zag: the factor
#: ``1 - 25 alpha`` across the valley is then 0 or more, so w2 never changes sign.
LR_CALM = 1 / 25


def sign_flips(values):
    """How many times the sequence ``values`` changes sign (a zero is no change)."""
    signs = np.sign(np.asarray(values, dtype=float))
    return int(np.sum(signs[1:] * signs[:-1] < 0))


def _steps_below(losses, level):
    """The first step at which ``losses`` falls below ``level`` (None if it never does)."""
    below = np.flatnonzero(losses < level)
    return int(below[0]) if below.size else None


# --- Momentum -----------------------------------------------------------------------------------

def momentum_figure(steps=40):
    """Plain descent and momentum from the same start with the same learning rate: paths and losses."""
    plain = run(SGD(LR_ZIGZAG), elongated_bowl, steps=steps)
    heavy = run(Momentum(LR_ZIGZAG, BETA_DEMO), elongated_bowl, steps=steps)
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.6, 3.4), width_ratios=[1.3, 1])
    _elongated_axes(left)
    for name, result in (("plain", plain), ("momentum", heavy)):
        label = name if name == "plain" else f"momentum, β = {BETA_DEMO}"
        draw_path(left, result.path, METHOD_COLORS[name], label=label)
        right.semilogy(result.losses, color=METHOD_COLORS[name], label=label)
    set_axes(left, title=f"α = {LR_ZIGZAG}, {steps} steps", legend=True)
    set_axes(right, xlabel="step $t$", ylabel="loss $J(w_t)$", title="loss (log scale)", legend=True)
    return figure(fig)


def momentum_numbers(steps=500):
    """Steps to a loss below 1e-3 with and without momentum, the gains of a constant and an
    alternating gradient, and the long-run factor per step across the valley (curvature 25) of each."""
    plain = run(SGD(LR_ZIGZAG), elongated_bowl, steps=steps)
    heavy = run(Momentum(LR_ZIGZAG, BETA_DEMO), elongated_bowl, steps=steps)
    return numbers(beta=shown(BETA_DEMO, "g"), steps_plain=shown(_steps_below(plain.losses, 1e-3), "d"),
                   steps_momentum=shown(_steps_below(heavy.losses, 1e-3), "d"),
                   gain_constant=shown(1 / (1 - BETA_DEMO), ".1f"), gain_alternating=shown(1 / (1 + BETA_DEMO), ".3f"),
                   gain_constant_09=shown(1 / (1 - 0.9), ".0f"), gain_alternating_09=shown(1 / (1 + 0.9), ".2f"),
                   across_momentum=shown(float(rate(LR_ZIGZAG, BETA_DEMO, [25.0])), ".2f"),
                   across_plain=shown(float(rate(LR_ZIGZAG, 0.0, [25.0])), ".2f"))


def velocity_history(lr, beta, steps):
    """Gradients ``g_t`` and velocities ``z_t`` of a momentum run on the elongated bowl, each ``(steps, 2)``.

    Row t - 1 holds the gradient at ``w_{t-1}`` and the velocity ``z_t`` of step t, read
    from the optimizer's state after each step.
    """
    optimizer = Momentum(lr, beta)
    w = elongated_bowl.start.astype(float).copy()
    gradients, velocities = [], []
    for _ in range(steps):
        g = elongated_bowl.grad(w)
        optimizer.step([w], [g])
        gradients.append(g)
        velocities.append(optimizer.state["z"][0].copy())
    return np.array(gradients), np.array(velocities)


def velocity_figure(steps=25):
    """The two components of the gradient and of the velocity during the momentum run of the figure above."""
    gradients, velocities = velocity_history(LR_ZIGZAG, BETA_DEMO, steps)
    t = np.arange(1, steps + 1)
    fig, axes = plt.subplots(1, 2, figsize=(8.6, 3.0), sharex=True)
    for ax, k, name in zip(axes, (1, 0), ("across the valley ($w_2$)", "along the valley ($w_1$)")):
        ax.axhline(0, color=COLORS["ink"], linewidth=0.8)
        ax.plot(t, gradients[:, k], marker="o", markersize=3, linewidth=1, color=COLORS["neutral"],
                label="gradient $g_t$")
        ax.plot(t, velocities[:, k], marker="s", markersize=3, linewidth=1.4, color=METHOD_COLORS["momentum"],
                label="velocity $z_t$")
        set_axes(ax, xlabel="step $t$", title=name, legend=True)
    return figure(fig)


# --- Nesterov -----------------------------------------------------------------------------------

def lookahead_run(grad, start, lr, beta, steps):
    """Nesterov's method in its look-ahead form, step by step.

    ``z_t = beta z_{t-1} + grad(w_{t-1} - lr beta z_{t-1})`` and ``w_t = w_{t-1} - lr z_t``,
    from ``z_0 = 0``. grad: a function of a point ``(d,)``. Returns the points ``w`` and the
    velocities ``z``, each ``(steps + 1, d)`` (row 0 is the start and ``z_0 = 0``).
    """
    w = np.asarray(start, dtype=float).copy()
    z = np.zeros_like(w)
    points, velocities = [w.copy()], [z.copy()]
    for _ in range(steps):
        z = beta * z + grad(w - lr * beta * z)
        w = w - lr * z
        points.append(w)
        velocities.append(z)
    return np.array(points), np.array(velocities)


def _arrow(ax, start, end, color, label=None, style="-|>"):
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(arrowstyle=style, color=color, linewidth=2,
                                                          mutation_scale=14, shrinkA=0, shrinkB=0))
    if label:
        ax.plot([], [], color=color, linewidth=2, label=label)


def lookahead_figure(lr=0.05, beta=0.9, t=4):
    """One step of momentum and one of Nesterov from the same point and velocity, drawn as arrows.

    Both start from the momentum run's point ``w_{t-1}`` and velocity ``z_{t-1}`` after ``t - 1``
    steps. The momentum part ``-lr beta z_{t-1}`` is shared; the gradient part is taken at
    ``w_{t-1}`` (momentum) or at the look-ahead point ``w_{t-1} - lr beta z_{t-1}`` (Nesterov).
    """
    _, velocities = velocity_history(lr, beta, t - 1)
    path = run(Momentum(lr, beta), elongated_bowl, steps=t - 1).path
    w, z = path[-1], velocities[-1]
    ahead = w - lr * beta * z
    fig, axes = plt.subplots(1, 2, figsize=(8.6, 3.4))
    for ax, name, at, where in zip(axes, ("momentum", "Nesterov"), (w, ahead), ("$w_{t-1}$", "the look-ahead")):
        _elongated_axes(ax)
        end = ahead - lr * elongated_bowl.grad(at)
        _arrow(ax, w, ahead, COLORS["ink"], label=r"momentum part $-\alpha\beta z_{t-1}$")
        _arrow(ax, ahead, end, COLORS["neutral"], label=f"gradient part, taken at {where}")
        _arrow(ax, w, end, METHOD_COLORS[name], label="the step")
        ax.plot(*w, marker="o", color=COLORS["ink"], markersize=6, linestyle="none")
        ax.annotate("$w_{t-1}$", w, xytext=(-8, 6), textcoords="offset points", ha="right", fontsize=11)
        ax.plot(*ahead, marker="o", color="white", markeredgecolor=COLORS["ink"], markersize=6)
        ax.annotate("look-ahead", ahead, xytext=(-6, 8), textcoords="offset points", ha="right", fontsize=10)
        points = np.array([w, ahead, ahead - lr * elongated_bowl.grad(w), ahead - lr * elongated_bowl.grad(ahead)])
        lows, highs = points.min(axis=0), points.max(axis=0)
        pad = 0.2 * (highs - lows) + 0.15
        set_axes(ax, title=name, xlim=(lows[0] - pad[0], highs[0] + 2 * pad[0]), ylim=(lows[1] - pad[1], highs[1] + pad[1]))
        ax.legend(loc="lower right", fontsize=8, frameon=True, framealpha=0.9)
    return figure(fig)


def equivalence_numbers(lr=0.05, beta=0.9, steps=60):
    """Nesterov's look-ahead form against the library's form on the elongated bowl.

    The library's parameters are the look-ahead points ``v_t = w_t - lr beta z_t``: the
    largest difference between the two sequences, and between ``w_t`` and ``v_t`` themselves.
    """
    points, velocities = lookahead_run(elongated_bowl.grad, elongated_bowl.start, lr, beta, steps)
    library = run(Nesterov(lr, beta), elongated_bowl, steps=steps).path
    ahead = points - lr * beta * velocities
    return numbers(steps=shown(steps, "d"), gap=shown(float(np.max(np.abs(library - ahead))), ".0e"),
                   apart=shown(float(np.max(np.abs(library - points))), ".2f"))


# --- The best momentum for the seven points ------------------------------------------------------

_X, _Y = seven_points()
#: The Hessian of the seven points' MSE over (m, b) (chapter 2), and the least-squares line.
HESSIAN = 2 * np.array([[np.mean(_X ** 2), np.mean(_X)], [np.mean(_X), 1.0]])
W_STAR = np.array(linear.ols_line(_X, _Y))
#: The start of every run on the seven points' bowl, (m, b).
START = np.array([-1.0, 5.0])


def seven_grad(w):
    """The gradient of the seven points' MSE at ``w = (m, b)``: ``H (w - w*)``, exact for a quadratic."""
    return HESSIAN @ (np.asarray(w) - W_STAR)


def seven_loss(w):
    """The seven points' MSE at points ``w: (..., 2)`` of ``(m, b)``."""
    w = np.asarray(w)
    return linear.mse_line(_X, _Y, w[..., 0], w[..., 1])


def theory(mu, L):
    """The best settings and rates on a quadratic bowl with curvatures ``mu < L`` (Polyak 1964).

    Plain descent: ``lr = 2 / (mu + L)``, error shrinking by ``(kappa - 1) / (kappa + 1)`` a step.
    Heavy ball: ``lr = 4 / (sqrt(L) + sqrt(mu))**2``, ``beta = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))**2``,
    shrinking by ``sqrt(beta)`` a step. ``kappa = L / mu``.
    """
    kappa = L / mu
    root = np.sqrt(kappa)
    beta = ((root - 1) / (root + 1)) ** 2
    return dict(kappa=kappa, lr_plain=2 / (mu + L), rate_plain=(kappa - 1) / (kappa + 1),
                lr_momentum=4 / (np.sqrt(L) + np.sqrt(mu)) ** 2, beta=beta, rate_momentum=np.sqrt(beta),
                speedup=np.log(np.sqrt(beta)) / np.log((kappa - 1) / (kappa + 1)))


def rate(lr, beta, curvatures, method="momentum"):
    """How much one step shrinks the error in the long run on a quadratic bowl (the spectral radius).

    lr, beta: arrays that broadcast together. curvatures: the Hessian's eigenvalues. For each
    curvature ``lam`` the error along its direction follows ``e_t = c e_{t-1} - d e_{t-2}`` with
    ``c = 1 + beta - lr lam, d = beta`` (momentum) or ``c = (1 + beta)(1 - lr lam), d = beta (1 - lr lam)``
    (Nesterov); the rate is the largest root size of ``r**2 - c r + d`` over all curvatures.
    A rate of 1 or more means the method does not converge.
    """
    lr, beta = np.broadcast_arrays(np.asarray(lr, float), np.asarray(beta, float))
    worst = np.zeros(lr.shape)
    for lam in curvatures:
        if method == "momentum":
            c, d = 1 + beta - lr * lam, beta
        else:
            c, d = (1 + beta) * (1 - lr * lam), beta * (1 - lr * lam)
        root = np.sqrt((c * c - 4 * d).astype(complex))
        worst = np.maximum(worst, np.maximum(abs((c + root) / 2), abs((c - root) / 2)))
    return worst


#: The grid of the rate map: learning rates and momenta.
LR_GRID = np.linspace(0.0005, 0.16, 320)
BETA_GRID = np.linspace(0.0, 0.995, 400)


def best_on_grid(curvatures, method):
    """The ``(lr, beta, rate)`` with the smallest rate on the grid ``LR_GRID x BETA_GRID``."""
    L, B = np.meshgrid(LR_GRID, BETA_GRID)
    R = rate(L, B, curvatures, method)
    k = np.unravel_index(np.argmin(R), R.shape)
    return float(L[k]), float(B[k]), float(R[k])


def _curvatures():
    return np.linalg.eigvalsh(HESSIAN)


@functools.lru_cache(maxsize=1)
def best_runs(steps=2500):
    """Runs on the seven points' bowl at the best settings: ``{name: (lr, beta, RunResult)}``.

    Computed once and shared by the numbers and the figure (treat the result as read-only).
    """
    mu, L = _curvatures()
    best = theory(mu, L)
    lr_n, beta_n, _ = best_on_grid((mu, L), "nesterov")
    settings = {"plain": (best["lr_plain"], 0.0, SGD(best["lr_plain"])),
                "momentum": (best["lr_momentum"], best["beta"], Momentum(best["lr_momentum"], best["beta"])),
                "Nesterov": (lr_n, beta_n, Nesterov(lr_n, beta_n))}
    return {name: (lr, beta, run(opt, seven_grad, start=START, steps=steps))
            for name, (lr, beta, opt) in settings.items()}


def distance(path):
    """The distance of each point of ``path: (k, 2)`` from the least-squares line, over the first one's."""
    gaps = np.linalg.norm(path - W_STAR, axis=1)
    return gaps / gaps[0]


def optimum_numbers(tol=1e-6):
    """Everything the section on the best momentum quotes: curvatures, theory, measured steps and rates."""
    mu, L = _curvatures()
    best = theory(mu, L)
    runs = best_runs()
    steps = {name: _steps_below(distance(result.path), tol) for name, (_, _, result) in runs.items()}
    measured = {name: _measured_rate(distance(result.path), steps[name]) for name, (_, _, result) in runs.items()}
    lr_n, beta_n, rate_n = best_on_grid((mu, L), "nesterov")
    return numbers(mu=shown(mu, ".4f"), L=shown(L, ".2f"), kappa=shown(best["kappa"], ".0f"),
                   lr_plain=shown(best["lr_plain"], ".4f"), rate_plain=shown(best["rate_plain"], ".4f"),
                   lr_momentum=shown(best["lr_momentum"], ".4f"), beta=shown(best["beta"], ".4f"),
                   rate_momentum=shown(best["rate_momentum"], ".4f"), speedup=shown(best["speedup"], ".1f"),
                   sqrt_kappa=shown(np.sqrt(best["kappa"]), ".1f"), tol=shown(tol, ".0e"),
                   steps_plain=shown(steps["plain"], ",d"), steps_momentum=shown(steps["momentum"], "d"),
                   steps_nesterov=shown(steps["Nesterov"], "d"),
                   measured_speedup=shown(steps["plain"] / steps["momentum"], ".1f"),
                   measured_plain=shown(measured["plain"], ".4f"), measured_momentum=shown(measured["momentum"], ".4f"),
                   lr_nesterov=shown(lr_n, ".4f"), beta_nesterov=shown(beta_n, ".3f"), rate_nesterov=shown(rate_n, ".4f"),
                   nesterov_at_momentum=shown(float(rate(best["lr_momentum"], best["beta"], (mu, L), "nesterov")), ".2f"),
                   lr_limit_plain=shown(2 / L, ".4f"),
                   margin=shown(100 * (2 * (1 + best["beta"]) / L / best["lr_momentum"] - 1), ".1f"))


def conjugate_gradient_path(steps=2, start=START):
    """Linear conjugate gradient on the seven points' bowl from ``start``: the points ``(steps + 1, 2)``.

    Like the heavy ball it steps along the gradient plus a multiple of its previous step, but it
    chooses both multiples afresh at every step: an exact line search along ``p_t`` (which needs
    the Hessian ``H``) and ``beta_t = |g_t|**2 / |g_(t-1)|**2``. On a quadratic in d dimensions it
    reaches the minimum in d steps, up to rounding.
    """
    w = np.asarray(start, dtype=float).copy()
    r = -seven_grad(w)
    p = r.copy()
    path = [w.copy()]
    for _ in range(steps):
        Hp = HESSIAN @ p
        if r @ r == 0:
            path.append(w.copy())
            continue
        a = (r @ r) / (p @ Hp)
        w = w + a * p
        r_new = r - a * Hp
        p = r_new + (r_new @ r_new) / (r @ r) * p
        r = r_new
        path.append(w.copy())
    return np.array(path)


def scope_numbers():
    """What the heavy ball's optimality covers, and what it does not.

    ``grid_best``: the smallest rate on the ``(lr, beta)`` grid for momentum and for Nesterov
    (neither beats Polyak's ``sqrt(beta)``); ``cg_one``, ``cg_two``: the distance to the minimum
    after one and two steps of conjugate gradient (as a fraction of the start's); ``kappa_09``: the
    condition number for which the theory's best beta is 0.9, the usual default.
    """
    mu, L = _curvatures()
    distances = distance(conjugate_gradient_path(2))
    kappa_09 = ((1 + np.sqrt(0.9)) / (1 - np.sqrt(0.9))) ** 2
    return numbers(grid_momentum=shown(best_on_grid((mu, L), "momentum")[2], ".4f"),
                   grid_nesterov=shown(best_on_grid((mu, L), "nesterov")[2], ".4f"),
                   cg_one=shown(float(distances[1]), ".2f"), cg_two=scientific_text(float(distances[2])),
                   kappa_09=shown(kappa_09, ",.0f"), beta_25=shown(theory(1.0, 25.0)["beta"], ".3f"))


def _measured_rate(distances, end):
    """The mean factor per step by which the distance shrank over the last half of the first ``end`` steps."""
    begin = end // 2
    return float((distances[end] / distances[begin]) ** (1 / (end - begin)))


def elongated_numbers():
    """The theory's best settings on the elongated bowl (curvatures 1 and 25) and two stability limits."""
    best = theory(1.0, 25.0)
    return numbers(steps=shown(N_STEPS, "d"), lr_plain=shown(best["lr_plain"], ".3f"), lr_momentum=shown(best["lr_momentum"], ".3f"),
                   beta=shown(best["beta"], ".3f"), rate_plain=shown(best["rate_plain"], ".2f"),
                   rate_momentum=shown(best["rate_momentum"], ".2f"),
                   limit_045=shown(2 * 1.45 / 25, ".3f"), limit_nesterov_09=shown(2 * 1.9 / (25 * 2.8), ".3f"))


def rate_map_figure():
    """The heavy ball's rate over ``(lr, beta)`` on the seven points' bowl, with the theory's optimum."""
    curvatures = _curvatures()
    best = theory(*curvatures)
    L, B = np.meshgrid(LR_GRID, BETA_GRID)
    R = rate(L, B, curvatures)
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    shade = ax.contourf(L, B, np.minimum(R, 1.0), levels=[0.85, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 1.0],
                        cmap="viridis", extend="min")
    ax.contourf(L, B, (R >= 1).astype(float), levels=[0.5, 1.5], colors=["#dddddd"])
    fig.colorbar(shade, ax=ax, label="rate: error factor per step")
    ax.text(0.145, 0.25, "diverges", ha="center", fontsize=11, color=COLORS["ink"])
    lr_g, beta_g, _ = best_on_grid(curvatures, "momentum")
    ax.plot(best["lr_momentum"], best["beta"], marker="*", markersize=15, color=COLORS["highlight"],
            markeredgecolor=COLORS["ink"], linestyle="none", label="theory's best momentum")
    ax.plot(lr_g, beta_g, marker="+", markersize=12, color="white", markeredgewidth=2, linestyle="none",
            label="best on the grid")
    ax.plot(best["lr_plain"], 0, marker="o", markersize=8, color=METHOD_COLORS["plain"],
            markeredgecolor=COLORS["ink"], linestyle="none", label="best plain descent (β = 0)", clip_on=False)
    set_axes(ax, xlabel="learning rate α", ylabel="momentum β", xlim=(0, 0.16), ylim=(0, 1))
    ax.legend(loc="lower left", fontsize=9, frameon=True, framealpha=0.9)
    ax.grid(False)
    return figure(fig)


def race_figure():
    """The distances to the minimum of the three methods at their best settings on the seven
    points' bowl, against the step, with the theory's rates as dashed lines."""
    runs = best_runs()
    best = theory(*_curvatures())
    fig, ax = plt.subplots(figsize=(7.0, 3.6))
    for name, (lr, beta, result) in runs.items():
        ax.semilogy(distance(result.path), color=METHOD_COLORS[name],
                    label=f"{name}: α = {lr:.4f}, β = {beta:.3f}")
    t = np.arange(2501)
    ax.semilogy(t, best["rate_plain"] ** t, color=METHOD_COLORS["plain"], linestyle="--", linewidth=1)
    ax.semilogy(t, best["rate_momentum"] ** t, color=METHOD_COLORS["momentum"], linestyle="--", linewidth=1,
                label="theory's rates, $r^t$")
    set_axes(ax, xlabel="step $t$", ylabel="distance to the minimum\n(fraction of the start)", ylim=(1e-9, 3),
             xlim=(0, 2500))
    ax.legend(loc="upper right", fontsize=9, frameon=True, framealpha=0.9)
    return figure(fig)


# --- Explorable: plain, momentum and Nesterov on the elongated bowl -------------------------------

#: The explorable's sliders: learning rate, momentum and steps.
LR_STEPS = np.round(np.linspace(0.02, 0.14, 21), 3)
BETA_STEPS = np.round(np.linspace(0.0, 0.9, 21), 3)
N_STEPS = 30

#: Where a batched run counts as diverged, as in :func:`nblib.surfaces.run`.
BOUND = 1e6


def batched_paths(lr, beta, steps, method):
    """Paths of one method on the elongated bowl for many settings at once.

    lr, beta: arrays of one shape ``S`` (e.g. a meshgrid). method: ``"plain"``, ``"momentum"``
    or ``"Nesterov"``, with the update equations of :mod:`nblib.optim` (plain ignores beta).
    Returns ``(steps + 1, *S, 2)``: the start, then the point after each step; NaN from the
    first step at which a coordinate exceeds ``BOUND`` in size (the run diverged).
    """
    lr, beta = np.broadcast_arrays(np.asarray(lr, float), np.asarray(beta, float))
    lr, beta = lr[..., None], beta[..., None]
    w = np.broadcast_to(elongated_bowl.start, lr.shape[:-1] + (2,)).copy()
    z = np.zeros_like(w)
    path = np.full((steps + 1,) + w.shape, np.nan)
    path[0] = w
    alive = np.ones(w.shape[:-1], bool)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            g = elongated_bowl.grad(np.where(alive[..., None], w, 0.0))
            z = beta * z + g
            w = w - lr * {"plain": g, "momentum": z, "Nesterov": g + beta * z}[method]
            alive &= np.all(np.abs(w) <= BOUND, axis=-1)
            path[t] = np.where(alive[..., None], w, np.nan)
    return path


_RUNS = {}


def _all_runs():
    """Every slider setting's three paths and losses, computed once: ``{name: (paths, losses)}``."""
    if not _RUNS:
        L, B = np.meshgrid(LR_STEPS, BETA_STEPS, indexing="ij")
        for name in METHOD_COLORS:
            paths = batched_paths(L, B, N_STEPS, name)
            losses = elongated_bowl.f(np.nan_to_num(paths, nan=0.0))
            _RUNS[name] = (paths, np.where(np.isnan(paths[..., 0]), np.nan, losses))
    return _RUNS


def _cut_at_window(path):
    """``path (k, 2)`` up to where it first leaves the bowl's window, ending on the window's edge.

    Returns ``(shown, left)``: the points to draw, and the index of the first point outside the
    window (None if the path stays inside).
    """
    (x0, x1), (y0, y1) = elongated_bowl.xlim, elongated_bowl.ylim
    inside = (path[:, 0] >= x0) & (path[:, 0] <= x1) & (path[:, 1] >= y0) & (path[:, 1] <= y1)
    if inside.all():
        return path, None
    k = int(np.argmin(inside))
    a, b = path[k - 1], path[k]
    # the fraction of the segment a -> b that stays inside the window, edge by edge
    s = 1.0
    for axis, (low, high) in enumerate(((x0, x1), (y0, y1))):
        if b[axis] > high:
            s = min(s, (high - a[axis]) / (b[axis] - a[axis]))
        elif b[axis] < low:
            s = min(s, (low - a[axis]) / (b[axis] - a[axis]))
    return np.vstack([path[:k], a + s * (b - a)]), k


def race_frame(lr, beta, step):
    """What the explorable shows for the slider values ``lr``, ``beta`` (grid values) and ``step``.

    Returns ``{name: dict(path, losses, diverged)}`` for plain, momentum and Nesterov: the path
    drawn (cut where a diverging run leaves the window, ending on its edge), the losses drawn
    (up to the same step) and whether the run is shown as diverged (its rate, :func:`rate`, is above
    1 and it has left the window by ``step``). A converging run that swings past the window's edge
    is drawn whole; the axes clip it.
    """
    runs = _all_runs()
    i, j = int(np.argmin(abs(LR_STEPS - lr))), int(np.argmin(abs(BETA_STEPS - beta)))
    frame = {}
    for name, (paths, losses) in runs.items():
        method_beta = 0.0 if name == "plain" else BETA_STEPS[j]
        growing = float(rate(LR_STEPS[i], method_beta, (1.0, 25.0),
                             "nesterov" if name == "Nesterov" else "momentum")) > 1 + 1e-9
        path = paths[: step + 1, i, j]
        path = path[np.isfinite(path[:, 0])]
        shown_path, left = _cut_at_window(path) if growing else (path, None)
        diverged = left is not None
        curve = losses[: left if diverged else len(path), i, j]
        frame[name] = dict(path=shown_path, losses=curve, diverged=diverged)
    return frame


def race_view(fig):
    """The explorable's view: left, the three paths on the elongated bowl up to the chosen step;
    right, their losses. A diverging path is cut where it leaves the map, and one note names the
    methods that diverged. Returns ``update(lr, beta, step)``."""
    _all_runs()
    left, right = fig.subplots(1, 2, width_ratios=[1.3, 1])
    _elongated_axes(left)
    set_axes(left, title="paths on the elongated bowl")
    lines, curves = {}, {}
    for name, color in METHOD_COLORS.items():
        lines[name], = left.plot([], [], marker="o", markersize=2.5, linewidth=1.1, color=color, label=name)
        curves[name], = right.semilogy([], [], color=color, label=name)
    left.legend(loc="lower right", fontsize=9, frameon=True, framealpha=0.9)
    set_axes(right, xlabel="step $t$", ylabel="loss $J(w_t)$", xlim=(0, N_STEPS), ylim=(1e-6, 1e4),
             title="loss (log scale)")
    status = right.text(0.97, 0.96, "", transform=right.transAxes, ha="right", va="top", fontsize=9,
                        bbox=dict(facecolor="white", edgecolor="none", alpha=0.85))
    moving = [*lines.values(), *curves.values(), status]
    freeze_background(fig, moving)

    def update(lr, beta, step):
        frame = race_frame(lr, beta, step)
        words = []
        for name, shown_run in frame.items():
            path, curve = shown_run["path"], shown_run["losses"]
            lines[name].set_data(path[:, 0], path[:, 1])
            curves[name].set_data(np.arange(len(curve)), curve)
            words.append(f"{name} diverged" if shown_run["diverged"] else f"{name} {curve[-1]:.0e}")
        gone = [name for name, shown_run in frame.items() if shown_run["diverged"]]
        status.set_text("diverged: " + ", ".join(gone) if gone else "")
        return f"Step {step}, loss: " + ", ".join(words) + "."

    return update


# --- Exercises ----------------------------------------------------------------------------------

check_5_1 = NumberCheck(2 * (1 + 0.9 + 0.81), rtol=1e-3, hints=[
    (2 * 1.9, "That is z_2. Take one more step: z_3 = 0.9 z_2 + 2."),
    (2 * (1 + 0.9 + 0.81 + 0.729), "That is z_4: count the steps from z_0 = 0, one gradient per step."),
    (2 * (0.9 + 0.81 + 0.729), "The newest gradient enters with weight 1, and the oldest of three with beta squared."),
    (2 * 0.729, "That is the weight of the oldest gradient's path, beta cubed, times the gradient; z_3 adds "
                "up all three weighted gradients."),
    (6.0, "That is the plain sum of three gradients: the old velocity loses a factor beta at every step."),
    (20.0, "That is where z ends up after very many steps, 2 / (1 - beta); stop after three."),
    (2 * 0.271, "Momentum adds the gradient to the decayed velocity; it does not multiply it by (1 - beta)."),
    (2.71, "That is the velocity for a gradient of 1; here the gradient is 2 at every step."),
], hint="Start from z_0 = 0 and apply z_t = 0.9 z_(t-1) + 2 three times.")


def _momentum_step(w, z, g, lr, beta):
    return w - lr * (beta * z + g)


_W, _Z, _G = np.array([1.0, -2.0]), np.array([0.5, 0.5]), np.array([2.0, 1.0])
_CASES = [(_W, _Z, _G, 0.1, 0.9), (np.array([3.0]), np.array([-1.0]), np.array([0.2]), 0.5, 0.5),
          (np.zeros(3), np.array([1.0, -1.0, 0.0]), np.array([1.0, 2.0, 3.0]), 0.01, 0.99)]


def _gives(f, want):
    """True if ``f`` returns ``want`` on the first case (a recognisable mistake)."""
    try:
        got = np.asarray(f(_W.copy(), _Z.copy(), _G.copy(), 0.1, 0.9), dtype=float)
    except Exception:
        return False
    return got.shape == want.shape and bool(np.allclose(got, want))


#: The web book's question for exercise 5.2: one step with plain numbers, whose mistakes all differ.
_PROXY_ARGS = (10.0, 8.0, 1.0, 1.0, 0.25)
check_5_2 = FunctionCheck(_momentum_step, _CASES, hints=[
    (lambda f: _gives(f, _W - 0.1 * _G), "That is a plain gradient step: the velocity z should carry over."),
    (lambda f: _gives(f, _W - 0.1 * _Z), "Update the velocity first (beta * z + g), then step with the new one."),
    (lambda f: _gives(f, _W - 0.1 * (_Z + _G)), "The old velocity decays: multiply it by beta before adding g."),
    (lambda f: _gives(f, _W + 0.1 * (0.9 * _Z + _G)), "Check the sign: a step goes against the velocity."),
    (lambda f: _gives(f, 0.9 * _Z + _G), "That is the new velocity z_t; the function returns the new parameters."),
], hint="First let the velocity take in the new gradient, then step against the new velocity.", proxy=(
    "What does your momentum_step(10.0, 8.0, 1.0, 1.0, 0.25) return (w = 10, z = 8, g = 1, lr = 1, "
    "beta = 0.25, plain numbers)?", _PROXY_ARGS, [
        (9.0, "That is a plain gradient step: the velocity z should carry over."),
        (2.0, "Update the velocity first (beta * z + g), then step with the new one."),
        (1.0, "The old velocity decays: multiply it by beta before adding g."),
        (13.0, "Check the sign: a step goes against the velocity."),
        (3.0, "That is the new velocity z_t; the function returns the new parameters."),
    ]))

_ROOT = np.sqrt(100.0)
check_5_3 = NumberCheck(((_ROOT - 1) / (_ROOT + 1)) ** 2, rtol=1e-3, hints=[
    ((_ROOT - 1) / (_ROOT + 1), "That is the rate sqrt(beta), the factor per step; the momentum beta is its square."),
    (99 / 101, "That is the rate of plain descent; momentum's best setting depends on the square root of kappa."),
    ((99 / 101) ** 2, "The best beta depends on the square root of the condition number, not on kappa itself."),
    (0.9, "0.9 is the usual default; the theory's beta for kappa = 100 is much smaller."),
    (4 / (np.sqrt(50) + np.sqrt(0.5)) ** 2, "That is the theory's learning rate alpha; the question asks for "
                                             "the momentum beta."),
], hint="The theory's beta depends only on the condition number kappa = L / mu of the bowl.")

_PLACES = ["at w_(t-1)", "at w_(t-1) - lr * beta * z_(t-1)", "at w_(t-1) - beta * z_(t-1)", "at w_t"]
check_5_4 = ChoiceCheck(_PLACES[1], _PLACES, explanations={
    _PLACES[0]: "That is where classical momentum takes its gradient. Nesterov's looks ahead first.",
    _PLACES[2]: "The velocity z is not a displacement: the step it causes is lr * z, so the look-ahead "
                "moves by lr * beta * z.",
    _PLACES[3]: "w_t is not known yet: the gradient is needed to compute it.",
}, hint="Where would the momentum part of the step alone take the point?")
