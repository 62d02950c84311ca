"""Chapter 6, Adaptive methods and learning-rate schedules: figures, numbers, explorables, checks.

The optimizers are those of :mod:`nblib.optim` (PyTorch's equations, with their default
settings). For the explorables, every setting's path must be known before the first frame, so
:func:`batched_paths` runs the same equations for many learning rates at once; the tests check
it against :func:`nblib.surfaces.run` with the engine's optimizers.
"""

import functools

import matplotlib.pyplot as plt
import numpy as np

from nblib import optim, schedules, training
from nblib.chapters.text import Shown, figure, numbers, scientific_text, shown
from nblib.data import digits, train_val_test_split
from nblib.exercises import ChoiceCheck, FunctionCheck, NumberCheck
from nblib.explorable import freeze_background
from nblib.nn import MLP
from nblib.plots.regression import CONTOUR_GREYS, bowl_contour
from nblib.surfaces import SURFACES, Surface, elongated_bowl
from nblib.theme import COLORS, CYCLE, set_axes

#: The methods of the chapter, in the order of the text, with one colour each.
METHODS = ("SGD", "momentum", "Nesterov", "AdaGrad", "AdaDelta", "RMSprop", "Adam")
METHOD_COLORS = dict(zip(METHODS, [COLORS["data"], COLORS["model"], COLORS["good"], COLORS["bad"],
                                   CYCLE[6], COLORS["neutral"], COLORS["highlight"]]))
_ENGINE = {"SGD": "sgd", "momentum": "momentum", "Nesterov": "nesterov", "AdaGrad": "adagrad",
           "AdaDelta": "adadelta", "RMSprop": "rmsprop", "Adam": "adam"}

#: Where a batched run counts as diverged, as in :func:`nblib.surfaces.run`.
BOUND = 1e6


def engine_optimizer(method, lr):
    """The :mod:`nblib.optim` optimizer of ``method`` (a name of ``METHODS``) with its default settings."""
    return optim.make(_ENGINE[method], lr=lr)


def batched_paths(surface, method, lrs, steps, start=None):
    """Paths of ``method`` on ``surface`` for every learning rate of ``lrs: (R,)`` at once.

    The update equations and default settings are those of :mod:`nblib.optim`. Returns
    ``(steps + 1, R, 2)``: the start, then the point after each step; NaN from the first step
    at which a coordinate leaves ``[-BOUND, BOUND]`` or stops being finite (the run diverged).
    """
    defaults = engine_optimizer(method, 1.0).hyperparameters()
    lr = np.asarray(lrs, float)[:, None]
    start = surface.start if start is None else np.asarray(start, float)
    w = np.tile(start, (len(lr), 1))
    state = [np.zeros_like(w), np.zeros_like(w)]
    path = np.full((steps + 1,) + w.shape, np.nan)
    path[0] = w
    alive = np.ones(len(lr), bool)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for t in range(1, steps + 1):
            g = surface.grad(np.where(alive[:, None], w, start))
            w = w - _step(method, defaults, lr, g, state, t)
            alive &= np.all(np.isfinite(w) & (np.abs(w) <= BOUND), axis=1)
            path[t] = np.where(alive[:, None], w, np.nan)
    return path


def _step(method, h, lr, g, state, t):
    """The change of w for one step of ``method``; updates ``state`` (two buffers) in place."""
    a, b = state
    if method == "SGD":
        return lr * g
    if method in ("momentum", "Nesterov"):
        a *= h["beta"]
        a += g
        return lr * (a if method == "momentum" else g + h["beta"] * a)
    if method == "AdaGrad":
        a += g * g
        return lr * g / (np.sqrt(a) + h["eps"])
    if method == "RMSprop":
        a[:] = h["rho"] * a + (1 - h["rho"]) * g * g
        return lr * g / (np.sqrt(a) + h["eps"])
    if method == "AdaDelta":
        a[:] = h["rho"] * a + (1 - h["rho"]) * g * g
        d = np.sqrt(b + h["eps"]) / np.sqrt(a + h["eps"]) * g
        b[:] = h["rho"] * b + (1 - h["rho"]) * d * d
        return lr * d
    a[:] = h["beta1"] * a + (1 - h["beta1"]) * g
    b[:] = h["beta2"] * b + (1 - h["beta2"]) * g * g
    return lr * (a / (1 - h["beta1"] ** t)) / (np.sqrt(b / (1 - h["beta2"] ** t)) + h["eps"])


def surface_contour(ax, surface):
    """Contour lines of a test surface over its window, and a star at its minimum."""
    if surface.name == "saddle":
        W1, W2 = np.meshgrid(np.linspace(*surface.xlim, 120), np.linspace(*surface.ylim, 100))
        ax.contour(W1, W2, surface.f(np.stack([W1, W2], axis=-1)), levels=np.linspace(-0.9, 6, 16), cmap=CONTOUR_GREYS,
                   linewidths=0.6)
        ax.plot(0, 0, marker="x", color=COLORS["ink"], markersize=8, linestyle="none")
        for sign in (1, -1):
            ax.plot(0, sign * np.sqrt(2), marker="*", markersize=13, color=COLORS["highlight"],
                    markeredgecolor=COLORS["ink"], linestyle="none")
        set_axes(ax, xlabel="$w_1$", ylabel="$w_2$", xlim=surface.xlim, ylim=surface.ylim)
        ax.grid(False)
    else:
        bowl_contour(ax, surface.f, surface.xlim, surface.ylim, minimum=surface.minimum, levels=18)


# --- The optimizers' state ----------------------------------------------------------------------

def state_history(method, lr, steps):
    """Run ``method`` of :mod:`nblib.optim` on the elongated bowl; record its state after each step.

    Returns ``(points, states)``: points ``(steps + 1, 2)`` and, for each state buffer name,
    an array ``(steps, 2)`` of its value after each step.
    """
    optimizer = engine_optimizer(method, lr)
    w = elongated_bowl.start.astype(float).copy()
    points, states = [w.copy()], {}
    for _ in range(steps):
        optimizer.step([w], [elongated_bowl.grad(w)])
        points.append(w.copy())
        for name in optimizer.buffers:
            states.setdefault(name, []).append(optimizer.state[name][0].copy())
    return np.array(points), {name: np.array(values) for name, values in states.items()}


#: The learning rates of the state figure.
LR_ADAGRAD, LR_ADAM = 1.0, 0.3


def state_figure(steps=60):
    """Left: AdaGrad's rate per coordinate, ``lr / (sqrt(G) + eps)``. Right: the size of Adam's
    step in each coordinate. Both on the elongated bowl."""
    _, adagrad = state_history("AdaGrad", LR_ADAGRAD, steps)
    points, _ = state_history("Adam", LR_ADAM, steps)
    t = np.arange(1, steps + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.6, 3.2))
    rates = LR_ADAGRAD / (np.sqrt(adagrad["G"]) + 1e-10)
    moves = np.abs(np.diff(points, axis=0))
    for k, (name, color) in enumerate((("$w_1$ (flat)", COLORS["data"]), ("$w_2$ (steep)", COLORS["model"]))):
        left.loglog(t, rates[:, k], color=color, label=name)
        right.semilogy(t, moves[:, k], color=color, marker="o", markersize=2.5, linewidth=1, label=name)
    left.loglog(t, rates[0, 0] / np.sqrt(t), color=COLORS["ink"], linestyle=":", linewidth=1,
                label=r"$\propto 1/\sqrt{t}$")
    right.axhline(LR_ADAM, color=COLORS["ink"], linestyle=":", linewidth=1, label=f"α = {LR_ADAM}")
    set_axes(left, xlabel="step $t$", ylabel=r"rate $\alpha / (\sqrt{G} + \epsilon)$",
             title=f"AdaGrad, α = {LR_ADAGRAD}", legend=True)
    set_axes(right, xlabel="step $t$", ylabel="size of the step $|w_t - w_{t-1}|$", title=f"Adam, α = {LR_ADAM}",
             legend=True)
    return figure(fig)


def state_numbers(steps=60):
    """AdaGrad's rates after the first step and after ``steps``; Adam's first steps."""
    _, adagrad = state_history("AdaGrad", LR_ADAGRAD, steps)
    points, _ = state_history("Adam", LR_ADAM, steps)
    rates = LR_ADAGRAD / (np.sqrt(adagrad["G"]) + 1e-10)
    first = np.abs(points[1] - points[0])
    g0 = np.abs(elongated_bowl.grad(elongated_bowl.start))
    return numbers(steps=shown(steps, "d"), g1=shown(g0[0], ".1f"), g2=shown(g0[1], ".1f"),
                   first1=shown(first[0], ".4f"), first2=shown(first[1], ".4f"), lr_adam=shown(LR_ADAM, "g"),
                   rate_flat_1=shown(rates[0, 0], ".3f"), rate_steep_1=shown(rates[0, 1], ".4f"),
                   rate_flat_end=shown(rates[-1, 0], ".3f"), rate_steep_end=shown(rates[-1, 1], ".4f"))


# --- The saddle ---------------------------------------------------------------------------------

#: The common learning rate of the saddle race (AdaDelta keeps its usual 1.0), and its length.
LR_SADDLE, SADDLE_STEPS = 0.02, 200


@functools.lru_cache(maxsize=1)
def saddle_paths():
    """Every method's path on the saddle from ``(-2, 0.001)``: ``{method: (steps + 1, 2)}``."""
    saddle = SURFACES["saddle"]
    return {m: batched_paths(saddle, m, [1.0 if m == "AdaDelta" else LR_SADDLE], SADDLE_STEPS)[:, 0]
            for m in METHODS}


def escape_step(path, height=1.0):
    """The first step at which ``|w_2|`` exceeds ``height`` (None if it never does)."""
    out = np.flatnonzero(np.abs(path[:, 1]) > height)
    return int(out[0]) if out.size else None


def saddle_numbers():
    """The step at which each method escapes the saddle (``|w_2| > 1``), as text."""
    steps = {m: escape_step(p) for m, p in saddle_paths().items()}
    text = {m: shown(s, "d") if s is not None else Shown(None, f"more than {SADDLE_STEPS}")
            for m, s in steps.items()}
    saddle = SURFACES["saddle"]
    first = {m: float(np.max(np.abs(p[1] - p[0]))) / LR_SADDLE for m, p in saddle_paths().items()}
    table = escape_table()
    return numbers(lr=shown(LR_SADDLE, "g"), steps=shown(SADDLE_STEPS, "d"), lr_tenth=shown(LR_SADDLE / 10, "g"),
                   first_rmsprop=shown(first["RMSprop"], ".1f"), first_adam=shown(first["Adam"], ".1f"),
                   first_adagrad=shown(first["AdaGrad"], ".1f"), first_sgd=scientific_text(abs(saddle_paths()["SGD"][1, 1] - saddle_paths()["SGD"][0, 1])),
                   **{f"{m.lower()}_{lr:g}_{h:.0e}".replace(".", "p").replace("-", "m"): shown(v, "d")
                      for (m, lr, h), v in table.items()},
                   **{m.lower(): value for m, value in text.items()})


#: Starting heights w_2 on the ridge line w_1 = -2, and the settings of the escape table.
HEIGHTS = (1e-2, 1e-3, 1e-6, 1e-9)
ESCAPE_RUNS = (("SGD", LR_SADDLE), ("momentum", LR_SADDLE), ("Adam", LR_SADDLE), ("RMSprop", LR_SADDLE),
               ("AdaGrad", LR_SADDLE), ("SGD", 10 * LR_SADDLE), ("RMSprop", LR_SADDLE / 10))
#: The most steps counted in the escape table.
ESCAPE_MAX = 1000


@functools.lru_cache(maxsize=1)
def escape_table():
    """``{(method, lr, height): steps until |w_2| > 1}`` from ``(-2, height)`` (None: not within ESCAPE_MAX)."""
    saddle = SURFACES["saddle"]
    return {(m, lr, h): escape_step(batched_paths(saddle, m, [lr], ESCAPE_MAX, start=(-2.0, h))[:, 0])
            for m, lr in ESCAPE_RUNS for h in HEIGHTS}


def escape_text():
    """The escape table as rows of text, one row per method and rate, one column per starting height."""
    header = "method, rate        " + "".join(f"{f'w2 = {h:.0e}':>12}" for h in HEIGHTS)
    rows = [f"{f'{m}, {lr:g}':<20}" + "".join(f"{escape_table()[m, lr, h]:>12}" for h in HEIGHTS)
            for m, lr in ESCAPE_RUNS]
    return "\n".join([header, *rows])


def saddle_view(fig):
    """The saddle race: every method's path up to the chosen step. Returns ``update(step)``."""
    paths = saddle_paths()
    ax = fig.subplots()
    surface_contour(ax, SURFACES["saddle"])
    lines = {m: ax.plot([], [], color=c, linewidth=1.6, label=m)[0] for m, c in METHOD_COLORS.items()}
    heads = ax.scatter(np.zeros(len(METHODS)), np.zeros(len(METHODS)), s=36, c=list(METHOD_COLORS.values()),
                       edgecolors=COLORS["ink"], zorder=5)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=9)
    set_axes(ax, title=f"the saddle $w_1^2 - w_2^2 + w_2^4/4$, α = {LR_SADDLE} (AdaDelta 1.0)")
    freeze_background(fig, [*lines.values(), heads])

    def update(step):
        for m, path in paths.items():
            lines[m].set_data(path[: step + 1, 0], path[: step + 1, 1])
        heads.set_offsets(np.array([p[step] for p in paths.values()]))
        out = [m for m, p in paths.items() if abs(p[step, 1]) > 1]
        return f"Step {step}: " + (f"escaped: {', '.join(out)}." if out else "no method has escaped yet.")

    return update


# --- Tuning curves -------------------------------------------------------------------------------

#: The surfaces of the picker, the method groups and the learning-rate multipliers.
RACE_SURFACES = ("beale", "rosenbrock", "elongated_bowl", "saddle")
#: The names the picker shows for them.
SURFACE_NAMES = {"beale": "Beale", "rosenbrock": "Rosenbrock", "elongated_bowl": "elongated bowl",
                 "saddle": "saddle"}
GROUPS = {"all seven": METHODS, "SGD, momentum, Nesterov": METHODS[:3],
          "the four adaptive": METHODS[3:]}
MULTIPLIERS = np.round(np.geomspace(0.1, 10, 21), 4)
RACE_STEPS = 100
#: The learning rates of the tuning curves: 61 values, 12 a decade, from 1e-4 to 10.
TUNING_RATES = np.geomspace(1e-4, 10.0, 61)
#: How many starting points each tuning curve runs from (the surface's own start first).
N_STARTS = 8
#: The surfaces of the tuning-curve figure: three with a minimum, and the bowl turned by 45 degrees.
CURVE_SURFACES = ("beale", "rosenbrock", "elongated_bowl", "turned_bowl")


def _turned_bowl():
    """The elongated bowl turned by 45 degrees: the same curvatures 1 and 25, along the diagonals."""
    c = np.sqrt(0.5)
    turn = np.array([[c, -c], [c, c]])
    hessian = turn @ np.diag([1.0, 25.0]) @ turn.T

    def f(w):
        w = np.asarray(w, float)
        return 0.5 * np.einsum("...i,ij,...j->...", w, hessian, w)

    def grad(w):
        return np.asarray(w, float) @ hessian

    return Surface("turned_bowl", r"\tfrac12 w^\top H w", f, grad, xlim=(-10, 10), ylim=(-10, 10),
                   minimum=np.zeros(2), start=turn @ np.array([-9.0, 2.5]))


TURNED_BOWL = _turned_bowl()


def surface(name):
    """A surface of :mod:`nblib.surfaces` by name, or the chapter's turned bowl."""
    return TURNED_BOWL if name == "turned_bowl" else SURFACES[name]


def tuning_starts(name):
    """The ``N_STARTS`` starting points ``(N_STARTS, 2)`` of a surface's tuning curves: its own start,
    then points drawn around it (seed 0) within an eighth of the window's width."""
    s = surface(name)
    rng = np.random.default_rng(0)
    width = (s.xlim[1] - s.xlim[0]) / 8
    return np.vstack([s.start, s.start + rng.uniform(-0.5, 0.5, (N_STARTS - 1, 2)) * width])


def _final_loss(s, points):
    """The loss at ``points (..., 2)``; inf where a run diverged (NaN)."""
    finite = np.isfinite(points[..., 0])
    out = np.full(points.shape[:-1], np.inf)
    out[finite] = s.f(points[finite])
    return out


@functools.lru_cache(maxsize=None)
def tuning_losses(name, method, steps=RACE_STEPS):
    """Final losses ``(N_STARTS, len(TUNING_RATES))`` after ``steps`` steps from each start, at every
    rate of ``TUNING_RATES`` (inf: diverged)."""
    s = surface(name)
    return np.array([_final_loss(s, batched_paths(s, method, TUNING_RATES, steps, start=w)[-1])
                     for w in tuning_starts(name)])


def tuning_curve(name, method):
    """The median over the starts of the final loss at each rate of ``TUNING_RATES``."""
    return np.median(tuning_losses(name, method), axis=0)


@functools.lru_cache(maxsize=None)
def tuned_rate(surface_name, method):
    """The rate of ``TUNING_RATES`` with the lowest median final loss over the starts after
    ``RACE_STEPS`` steps. AdaDelta, designed to need no rate, keeps its usual 1.0. On the saddle,
    where every run that escapes ties at the loss -1, the saddle race's common ``LR_SADDLE``."""
    if method == "AdaDelta":
        return 1.0
    if surface_name == "saddle":
        return LR_SADDLE
    return float(TUNING_RATES[np.argmin(tuning_curve(surface_name, method))])


def good_window(name, method, below):
    """The rates whose median final loss is below ``below``: ``(low, high, count)``, or None."""
    good = TUNING_RATES[tuning_curve(name, method) < below]
    return (float(good.min()), float(good.max()), len(good)) if good.size else None


@functools.lru_cache(maxsize=1)
def race_paths():
    """``{(surface, method): (steps + 1, len(MULTIPLIERS), 2)}`` at each multiple of the tuned rate."""
    return {(s, m): batched_paths(SURFACES[s], m, tuned_rate(s, m) * MULTIPLIERS, RACE_STEPS)
            for s in RACE_SURFACES for m in METHODS}


def tuned_table():
    """The tuned rates as rows of text: one row per method, one column per surface."""
    header = "method     " + "".join(f"{SURFACE_NAMES[s]:>16}" for s in RACE_SURFACES)
    rows = [f"{m:<11}" + "".join(f"{tuned_rate(s, m):16.4g}" for s in RACE_SURFACES) for m in METHODS]
    return "\n".join([header, *rows])


#: The loss below which a rate counts as good in the tuning curves (median over the starts).
GOOD_LOSS = 0.01


def tuning_figure():
    """The tuning curves: median final loss over the starts against the rate, one panel a surface."""
    fig, axes = plt.subplots(2, 2, figsize=(8.6, 6.4), sharex=True, sharey=True)
    floor, top = 1e-12, 1e4
    titles = {"beale": "Beale", "rosenbrock": "Rosenbrock", "elongated_bowl": "elongated bowl",
              "turned_bowl": "the same bowl turned 45°"}
    for ax, name in zip(axes.ravel(), CURVE_SURFACES):
        for m, color in METHOD_COLORS.items():
            curve = np.clip(tuning_curve(name, m), floor, None)
            curve = np.where(np.isfinite(curve) & (curve < top), curve, np.nan)
            ax.loglog(TUNING_RATES, curve, color=color, label=m,
                      linestyle="--" if m == "AdaGrad" else "-", linewidth=1.4)
        ax.axhline(GOOD_LOSS, color=COLORS["ink"], linestyle=":", linewidth=0.8)
        set_axes(ax, title=titles[name], xlim=(TUNING_RATES[0], TUNING_RATES[-1]), ylim=(floor / 3, top))
    for ax in axes[1]:
        ax.set_xlabel("learning rate α")
    for ax in axes[:, 0]:
        ax.set_ylabel(f"median loss after {RACE_STEPS} steps")
    axes[0, 1].legend(loc="center left", bbox_to_anchor=(1.02, 0.0), fontsize=9)
    return figure(fig)


def _decades(window):
    return 0.0 if window is None else float(np.log10(window[1] / window[0]))


def tuning_numbers():
    """The windows of good rates, the best medians and the spread of the tuned rates, as text."""
    values = {}
    for name in CURVE_SURFACES:
        for m in METHODS:
            key = f"{name}_{m.lower()}"
            window = good_window(name, m, GOOD_LOSS)
            values[f"win_{key}"] = shown(0 if window is None else window[2], "d")
            values[f"factor_{key}"] = shown(0.0 if window is None else window[1] / window[0], ".0f")
            values[f"best_{key}"] = shown(float(np.min(tuning_curve(name, m))), ".2g")

    def spread(method):  # over the three surfaces with a minimum (the saddle's rate is set, not tuned)
        rates = [tuned_rate(s, method) for s in CURVE_SURFACES[:3]]
        return max(rates) / min(rates)

    return numbers(steps=shown(RACE_STEPS, "d"), starts=shown(N_STARTS, "d"), good=shown(GOOD_LOSS, "g"),
                   n_rates=shown(len(TUNING_RATES), "d"), spread_sgd=shown(spread("SGD"), ".0f"),
                   spread_adam=shown(spread("Adam"), ".0f"), **values)


def race_figure(surface_name="rosenbrock"):
    """Every method at its tuned rate on one surface: left, the paths; right, the losses."""
    surface = SURFACES[surface_name]
    k = int(np.argmin(abs(MULTIPLIERS - 1.0)))
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.6, 3.6), width_ratios=[1.1, 1])
    surface_contour(left, surface)
    for m, color in METHOD_COLORS.items():
        path = race_paths()[surface_name, m][:, k]
        style = dict(linestyle="--", zorder=4) if m == "AdaGrad" else {}  # over RMSprop, which it hides
        left.plot(path[:, 0], path[:, 1], color=color, linewidth=1.5, marker="o", markersize=2, label=m, **style)
        right.semilogy(surface.f(path), color=color, label=m, **style)
    set_axes(left, title=f"{surface_name}: {RACE_STEPS} steps at the tuned rates")
    set_axes(right, xlabel="step $t$", ylabel="loss", title="loss (log scale)")
    right.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=9)
    return figure(fig)


def _grid_neighbours(rate):
    """The rates of ``TUNING_RATES`` just below and just above ``rate``."""
    k = int(np.argmin(abs(TUNING_RATES - rate)))
    return float(TUNING_RATES[k - 1]), float(TUNING_RATES[k + 1])


def rosenbrock_numbers():
    """Why AdaGrad and RMSprop 'win' on Rosenbrock from its usual start: one huge jump, then a freeze."""
    s = SURFACES["rosenbrock"]
    k = int(np.argmin(abs(MULTIPLIERS - 1.0)))
    paths = {m: race_paths()["rosenbrock", m][:, k] for m in METHODS}
    final = {m: float(s.f(p[-1])) for m, p in paths.items()}
    a_lr, r_lr = tuned_rate("rosenbrock", "AdaGrad"), tuned_rate("rosenbrock", "RMSprop")
    ada = paths["AdaGrad"]
    _, G = state_history_on(s, "AdaGrad", a_lr, 3)
    rate_1, rate_2 = a_lr / np.sqrt(G["G"][0]), a_lr / np.sqrt(G["G"][2])  # after steps 1 and 3
    lower, upper = _grid_neighbours(a_lr)
    neighbours = batched_paths(s, "AdaGrad", [lower, upper], RACE_STEPS)[-1]
    losses = tuning_losses("rosenbrock", "AdaGrad")
    j = int(np.argmin(abs(TUNING_RATES - a_lr)))
    gap = float(np.max(np.linalg.norm(ada - paths["RMSprop"], axis=1)))
    return numbers(
        steps=shown(RACE_STEPS, "d"), lr_adagrad=shown(a_lr, ".3g"), lr_rmsprop=shown(r_lr, ".3g"),
        first_adagrad=shown(float(np.max(np.abs(ada[1] - ada[0]))), ".3g"),
        first_rmsprop=shown(float(np.max(np.abs(paths["RMSprop"][1] - paths["RMSprop"][0]))), ".3g"),
        jump=shown(float(s.f(ada[2])), ",.0f"), start_loss=shown(float(s.f(ada[0])), ".1f"),
        rate_1=shown(float(rate_1.max()), ".2g"), rate_2=shown(float(rate_2.max()), ".2g"),
        moved_late=shown(float(np.linalg.norm(ada[-1] - ada[RACE_STEPS // 2])), ".2g"),
        lower=shown(lower, ".3g"), upper=shown(upper, ".3g"),
        final_lower=shown(float(s.f(neighbours[0])), ".2g"), final_upper=shown(float(s.f(neighbours[1])), ".2g"),
        median_adagrad=shown(float(np.median(losses[:, j])), ".2g"),
        worst_adagrad=shown(float(np.max(losses[:, j])), ".2g"), gap=shown(gap, ".2g"),
        **{f"rosen_{m.lower()}": shown(v, ".2g") for m, v in final.items()})


def state_history_on(s, method, lr, steps, start=None):
    """Like :func:`state_history`, on any surface ``s`` (from its start or ``start``)."""
    optimizer = engine_optimizer(method, lr)
    w = (s.start if start is None else np.asarray(start, float)).astype(float).copy()
    points, states = [w.copy()], {}
    for _ in range(steps):
        optimizer.step([w], [s.grad(w)])
        points.append(w.copy())
        for name in optimizer.buffers:
            states.setdefault(name, []).append(optimizer.state[name][0].copy())
    return np.array(points), {name: np.array(values) for name, values in states.items()}


def preconditioning_numbers():
    """AdaGrad, RMSprop and Adam follow the same path on the elongated bowl as on the round bowl;
    on the bowl turned by 45 degrees they do not."""
    bowl, round_bowl = SURFACES["elongated_bowl"], SURFACES["round_bowl"]
    gaps = {}
    for m in ("AdaGrad", "RMSprop", "Adam", "SGD"):
        lr = tuned_rate("elongated_bowl", m)
        mine = batched_paths(bowl, m, [lr], RACE_STEPS)[:, 0]
        other = batched_paths(round_bowl, m, [lr], RACE_STEPS, start=bowl.start)[:, 0]
        with np.errstate(invalid="ignore"):
            gaps[m] = float(np.nanmax(np.linalg.norm(mine - other, axis=1))) if np.isfinite(other).all() \
                else np.inf
    return numbers(gap_adagrad=scientific_text(max(gaps["AdaGrad"], 1e-300)),
                   gap_rmsprop=scientific_text(max(gaps["RMSprop"], 1e-300)),
                   gap_adam=scientific_text(max(gaps["Adam"], 1e-300)), gap_sgd=gaps["SGD"],
                   lr_sgd=shown(tuned_rate("elongated_bowl", "SGD"), ".3g"))


def race_animation_view(fig, surface_name="beale"):
    """The race on one surface, every method at its tuned rate: left, the paths up to the chosen
    step; right, the losses. Returns ``update(step)``."""
    surface = SURFACES[surface_name]
    k = int(np.argmin(abs(MULTIPLIERS - 1.0)))
    paths = {m: race_paths()[surface_name, m][:, k] for m in METHODS}
    left, right = fig.subplots(1, 2, width_ratios=[1.1, 1])
    surface_contour(left, surface)
    lines, curves = {}, {}
    for m, color in METHOD_COLORS.items():
        lines[m], = left.plot([], [], color=color, linewidth=1.5, label=m)
        curves[m], = right.semilogy([], [], color=color, label=m)
    heads = left.scatter(*np.tile(surface.start, (len(METHODS), 1)).T, s=30, c=list(METHOD_COLORS.values()),
                         edgecolors=COLORS["ink"], zorder=5)
    losses = {m: surface.f(p) for m, p in paths.items()}
    top = max(float(np.max(v)) for v in losses.values())
    set_axes(left, title=f"{surface_name.replace('_', ' ')}, tuned rates")
    set_axes(right, xlabel="step $t$", ylabel="loss", title="loss (log scale)", xlim=(0, RACE_STEPS),
             ylim=(1e-6, 2 * top))
    right.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=9)
    freeze_background(fig, [*lines.values(), *curves.values(), heads])

    def update(step):
        for m, path in paths.items():
            lines[m].set_data(path[: step + 1, 0], path[: step + 1, 1])
            curves[m].set_data(np.arange(step + 1), losses[m][: step + 1])
        heads.set_offsets(np.array([p[step] for p in paths.values()]))
        best = min(METHODS, key=lambda m: losses[m][step])
        return f"Step {step}: lowest loss {losses[best][step]:.2g}, by {best}."

    return update


#: The picker's surface names (what its slider shows) and the surfaces they stand for.
PICKER_SURFACES = {SURFACE_NAMES[name]: name for name in RACE_SURFACES}


def race_view(fig):
    """The picker: one large map of the chosen surface; on it, the chosen methods' whole paths
    (``RACE_STEPS`` steps) at a multiple of their tuned rates. Returns ``update(surface, group,
    scale)``, where ``surface`` is a name of ``PICKER_SURFACES`` and ``group`` one of ``GROUPS``.

    The four surfaces' contour lines are all drawn once, and ``update`` shows the chosen one's
    (and its window) only when the surface changes: with the surface a ``Choice(backdrop=True)``,
    the web book stores each map as one background picture and only the paths per frame."""
    paths = race_paths()
    fig.set_layout_engine("none")                      # one layout for every surface's tick labels
    ax = fig.add_axes((0.1, 0.1, 0.64, 0.83))
    maps = {}
    for shown_name, name in PICKER_SURFACES.items():
        before = set(ax.get_children())
        surface_contour(ax, SURFACES[name])
        maps[shown_name] = [a for a in ax.get_children() if a not in before]
        for artist in maps[shown_name]:
            artist.set_visible(False)
    set_axes(ax, xlabel="$w_1$", ylabel="$w_2$")
    lines = {}
    for m, color in METHOD_COLORS.items():
        lines[m], = ax.plot([], [], color=color, linewidth=1.8, label=m)
    fig.legend(handles=list(lines.values()), loc="center left", bbox_to_anchor=(0.775, 0.5), fontsize=9)
    shown = {"surface": None}

    def update(surface, group, scale):
        name = PICKER_SURFACES[surface]
        if surface != shown["surface"]:                 # a new map: its contours and its window
            for other, artists in maps.items():
                for artist in artists:
                    artist.set_visible(other == surface)
            ax.set_xlim(*SURFACES[name].xlim)
            ax.set_ylim(*SURFACES[name].ylim)
            shown["surface"] = surface
        k = int(np.argmin(abs(MULTIPLIERS - scale)))
        words, gone = [], []
        for m, line in lines.items():
            if m not in GROUPS[group]:
                line.set_data([], [])
                continue
            path = paths[name, m][:, k]
            kept = path[np.isfinite(path[:, 0])]
            line.set_data(kept[:, 0], kept[:, 1])
            if len(kept) < RACE_STEPS + 1:
                gone.append(m)
            else:
                words.append(f"{m} {SURFACES[name].f(kept[-1]):.2g}")
        ax.set_title(f"{surface}: {'diverged: ' + ', '.join(gone) if gone else 'paths'}", fontsize=11)
        return (f"{surface}, loss after {RACE_STEPS} steps: " + ", ".join(words)
                + (f"; diverged: {', '.join(gone)}" if gone else "") + ".")

    return update


# --- Schedules ----------------------------------------------------------------------------------

EPOCHS = 20
LR_SCHEDULE = 1.0


def schedule_set(lr=LR_SCHEDULE, epochs=EPOCHS):
    """The schedules compared in the chapter: ``{name: schedule}``."""
    return {"constant": schedules.constant(lr), "step decay": schedules.step_decay(lr, drop=0.5, every=5),
            "exponential": schedules.exponential_decay(lr, gamma=0.85), "cosine": schedules.cosine(lr, epochs),
            "cosine, restarts": schedules.cosine_with_restarts(lr, period=10)}


def schedules_figure():
    """The learning rate of each schedule over the epochs."""
    fig, ax = plt.subplots(figsize=(7.0, 3.2))
    epochs = np.arange(EPOCHS)
    for (name, schedule), color in zip(schedule_set().items(), CYCLE):
        ax.step(epochs, [schedule(e) for e in epochs], where="post", color=color, label=name)
    set_axes(ax, xlabel="epoch", ylabel="learning rate α", xlim=(0, EPOCHS), ylim=(0, 1.1 * LR_SCHEDULE))
    ax.legend(loc="upper right", fontsize=9, frameon=True, framealpha=0.9)
    return figure(fig)


@functools.lru_cache(maxsize=1)
def schedule_runs():
    """One training run on the digits per schedule: ``{name: History}`` (SGD, same start and batches)."""
    X, y = digits()
    X_train, X_val, _, y_train, y_val, _ = train_val_test_split(X, y, seed=0)
    runs = {}
    for name, schedule in schedule_set().items():
        net = MLP([64, 32, 10], seed=0)
        runs[name] = training.fit(net, X_train, y_train, optim.SGD(LR_SCHEDULE), EPOCHS, batch_size=32,
                                  X_val=X_val, y_val=y_val, schedule=schedule, seed=0, progress=False)
    return runs


def schedule_run_figure():
    """Training and validation loss per epoch for every schedule."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.6, 3.3), sharey=True)
    for (name, history), color in zip(schedule_runs().items(), CYCLE):
        left.semilogy(history.train_loss, color=color, label=name)
        right.semilogy(history.val_loss, color=color, label=name)
    set_axes(left, xlabel="epoch", ylabel="cross-entropy", title="training loss")
    set_axes(right, xlabel="epoch", title="validation loss")
    right.legend(loc="upper right", fontsize=9, frameon=True, framealpha=0.9)
    return figure(fig)


def spikes(losses, factor=2.0, start=0):
    """How many epochs from ``start`` on ended with a loss more than ``factor`` times the previous epoch's."""
    losses = np.asarray(losses)
    jumps = losses[1:] > factor * losses[:-1]
    return int(np.sum(jumps[max(start - 1, 0):]))


def schedule_numbers():
    """Final training and validation losses and validation accuracy of each schedule, as text."""
    values = {}
    for name, history in schedule_runs().items():
        key = name.split(",")[0].split()[0] + ("_restarts" if "restarts" in name else "")
        values[f"train_{key}"] = shown(history.train_loss[-1], ".3f")
        values[f"val_{key}"] = shown(history.val_loss[-1], ".3f")
        values[f"acc_{key}"] = shown(100 * history.val_acc[-1], ".1f")
        values[f"spikes_{key}"] = shown(spikes(history.train_loss, start=EPOCHS // 2), "d")
    return numbers(lr=shown(LR_SCHEDULE, "g"), epochs=shown(EPOCHS, "d"), half=shown(EPOCHS // 2, "d"), **values)


# --- Warm-up ------------------------------------------------------------------------------------

#: The warm-up experiment: Adam on the digits, 64-32-10, batches of 32, with and without a linear
#: warm-up of WARMUP_STEPS steps, at each rate of WARMUP_RATES, from WARMUP_SEEDS seeds.
WARMUP_RATES = (0.01, 0.03, 0.1, 0.2, 0.3)
WARMUP_STEPS, WARMUP_EPOCHS, WARMUP_SEEDS, WARMUP_BATCH = 100, 6, (0, 1, 2), 32


@functools.lru_cache(maxsize=1)
def _digit_split():
    X, y = digits()
    X_train, X_val, _, y_train, y_val, _ = train_val_test_split(X, y, seed=0)
    return X_train, y_train, X_val, y_val


def adam_run(lr, warm, seed, epochs=WARMUP_EPOCHS, record_moves=False):
    """Adam on the digits with the rate set before every step by ``schedules.constant(lr)``, or by
    ``schedules.warmup`` of it over ``warm`` steps (``warm = 0``: none). Full batches of
    ``WARMUP_BATCH`` only, reshuffled each epoch (seed ``seed``, also the network's).

    Returns ``(batch_losses, val_accuracy, moves)``: the loss of every batch before its step, the
    validation accuracy at the end (0 if the loss became infinite), and, with ``record_moves``, the
    median over the weights of ``|change| / lr`` at every step (else None).
    """
    X, y, X_val, y_val = _digit_split()
    net = MLP([64, 32, 10], seed=seed)
    adam = optim.Adam(lr)
    schedule = schedules.constant(lr) if warm == 0 else schedules.warmup(schedules.constant(lr), warm)
    rng = np.random.default_rng(seed)
    losses, moves, t = [], [], 0
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            order = rng.permutation(len(X))
            for start in range(0, len(X) - WARMUP_BATCH + 1, WARMUP_BATCH):
                batch = order[start:start + WARMUP_BATCH]
                adam.lr = schedule(t)
                J, grads = net.loss_and_grads(X[batch], y[batch], loss="cross_entropy")
                losses.append(float(J))
                if not np.isfinite(losses[-1]):
                    return np.array(losses), 0.0, None
                before = [p.copy() for p in net.params] if record_moves else None
                adam.step(net.params, grads)
                if record_moves:
                    change = np.concatenate([np.abs(p - b).ravel() for p, b in zip(net.params, before)])
                    moves.append(float(np.median(change)) / lr)
                t += 1
        return np.array(losses), float(net.accuracy(X_val, y_val)), np.array(moves) if record_moves else None


@functools.lru_cache(maxsize=1)
def warmup_runs():
    """``{(lr, warm): [(batch_losses, val_accuracy), ...] over WARMUP_SEEDS}``, warm in (0, WARMUP_STEPS)."""
    return {(lr, warm): [adam_run(lr, warm, seed)[:2] for seed in WARMUP_SEEDS]
            for lr in WARMUP_RATES for warm in (0, WARMUP_STEPS)}


def warmup_figure():
    """Left: validation accuracy against the rate, with and without warm-up (mean, and each seed).
    Right: the batch losses of the first 150 steps at the rate 0.2, with and without warm-up."""
    runs = warmup_runs()
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.6, 3.4))
    for warm, color, label in ((0, COLORS["bad"], "no warm-up"),
                               (WARMUP_STEPS, COLORS["good"], f"warm-up, {WARMUP_STEPS} steps")):
        acc = np.array([[a for _, a in runs[lr, warm]] for lr in WARMUP_RATES]) * 100
        left.semilogx(WARMUP_RATES, acc.mean(axis=1), color=color, marker="o", label=label)
        for k in range(acc.shape[1]):
            left.semilogx(WARMUP_RATES, acc[:, k], color=color, linewidth=0.6, alpha=0.6)
        for losses, _ in runs[0.2, warm]:
            right.semilogy(losses[:150], color=color, linewidth=0.8, alpha=0.8)
        right.plot([], [], color=color, label=label)
    set_axes(left, xlabel="learning rate α", ylabel="validation accuracy (%)",
             title=f"Adam, {WARMUP_EPOCHS} epochs, {len(WARMUP_SEEDS)} seeds", legend=True)
    right.axvline(WARMUP_STEPS, color=COLORS["ink"], linestyle=":", linewidth=0.8)
    set_axes(right, xlabel="step", ylabel="batch cross-entropy", title="the first 150 steps at α = 0.2",
             legend=True)
    return figure(fig)


def warmup_numbers():
    """Adam's early moves, and the accuracies and early losses with and without warm-up, as text."""
    runs = warmup_runs()
    _, _, moves = adam_run(0.01, 0, 0, epochs=WARMUP_EPOCHS, record_moves=True)
    values = {}
    for lr in WARMUP_RATES:
        for warm, key in ((0, "cold"), (WARMUP_STEPS, "warm")):
            acc = np.array([a for _, a in runs[lr, warm]]) * 100
            peak = [float(np.max(losses[:WARMUP_STEPS])) for losses, _ in runs[lr, warm]]
            name = f"{key}_{lr:g}".replace(".", "p")
            values[f"acc_{name}"] = shown(float(acc.mean()), ".1f")
            values[f"low_{name}"] = shown(float(acc.min()), ".1f")
            values[f"high_{name}"] = shown(float(acc.max()), ".1f")
            values[f"peak_{name}"] = shown(max(peak), ".1f")
    first = float(np.mean([losses[0] for losses, _ in runs[0.01, 0]]))
    return numbers(steps=shown(WARMUP_STEPS, "d"), epochs=shown(WARMUP_EPOCHS, "d"),
                   seeds=shown(len(WARMUP_SEEDS), "d"), batch=shown(WARMUP_BATCH, "d"),
                   per_epoch=shown(len(_digit_split()[0]) // WARMUP_BATCH, "d"),
                   move_1=shown(moves[0], ".2f"), move_10=shown(moves[9], ".2f"), move_100=shown(moves[99], ".2f"),
                   move_last=shown(moves[-1], ".2f"), n_moves=shown(len(moves), "d"), first_loss=shown(first, ".2f"),
                   **values)


# --- Exercises ----------------------------------------------------------------------------------

#: Exercise 6.1's listed mistakes: (value, hint). Tested: each gets its hint, none is judged right.
MISTAKES_6_1 = [
    (0.1 / 25.0, "That divides by G itself; AdaGrad divides by its square root."),
    (0.1 / 7.0, "G sums the squared gradients first; the square root is taken of the sum, not of each term."),
    (0.1 / 4.0, "G keeps every squared gradient since the start, not only the latest one."),
    (0.1 / 3.0, "That is the rate at the first step; the question asks for the second, after both gradients."),
    (0.1 / np.sqrt(12.5), "AdaGrad adds the squared gradients up; it does not average them (RMSprop does)."),
    (0.1 * 5.0, "The rate is the learning rate divided by sqrt(G), not multiplied."),
]
check_6_1 = NumberCheck(0.1 / 5.0, rtol=1e-3, hints=MISTAKES_6_1,
                        hint="After two steps G holds both squared gradients; the rate divides alpha by its root.")

_G1, _LR1 = 0.003, 0.01
#: Exercise 6.2's listed mistakes.
MISTAKES_6_2 = [
    (_LR1 * _G1, "That is plain SGD's step. Adam divides by the root of the averaged squared gradient."),
    (_LR1 * 0.1 * _G1 / (np.sqrt(0.001) * _G1), "You left out the bias correction: at the first step both m and "
                                                 "v are divided by 1 - beta**t."),
    (_LR1 * 0.1, "You corrected v but not m: m_1 = 0.1 g must be divided by 1 - beta1 too."),
    (_LR1 / np.sqrt(0.001), "You corrected m but not v: v_1 = 0.001 g**2 must be divided by 1 - beta2 too."),
    (-_LR1, "The question asks for the size of the step, a positive number."),
]
check_6_2 = NumberCheck(_LR1 * _G1 / (abs(_G1) + 1e-8), rtol=1e-3, hints=MISTAKES_6_2,
                        hint="After the bias correction, m_hat and v_hat at t = 1 are built from g alone; "
                             "how large is m_hat / sqrt(v_hat)?")

_WHICH = ["AdaGrad", "RMSprop", "Adam", "AdaDelta"]
check_6_3 = ChoiceCheck("AdaGrad", _WHICH, explanations={
    "RMSprop": "RMSprop's v is a running average: it forgets old gradients, so its rate grows again "
               "when the gradients get small.",
    "Adam": "Adam's v is a running average, like RMSprop's: its rate can grow again.",
    "AdaDelta": "AdaDelta's averages v and u both forget; its step size can grow again.",
}, hint="Which method's accumulator can only grow?")


def _cosine(epoch, lr, total):
    return lr * (1 + np.cos(np.pi * min(epoch, total) / total)) / 2


_COS_CASES = [(0, 0.1, 50), (25, 0.1, 50), (50, 0.1, 50), (10, 0.5, 40), (60, 0.1, 50), (7, 1.0, 9)]


def _gives(f, args, want):
    try:
        return bool(np.isclose(float(f(*args)), want))
    except Exception:
        return False


#: Exercise 6.4's listed mistakes, as outputs of cosine_rate(10, 0.5, 40) (the web book's question).
MISTAKES_6_4 = [
    (0.5 * np.cos(np.pi / 4), "The rate should fall from lr to 0, not to -lr: add 1 to the cosine and halve."),
    (0.5 * (1 + np.cos(np.pi / 4)), "At epoch 0 that gives twice the learning rate: halve (1 + cos)."),
    (0.5 * (1 + np.cos(np.pi / 2)) / 2, "Half a cosine cycle spans the whole run: the angle is pi * epoch / total, "
                                        "not 2 pi."),
    (0.5 * (1 + np.cos(10 / 40)) / 2, "The angle needs pi: at the last epoch it must reach pi, not 1 radian."),
]
check_6_4 = FunctionCheck(_cosine, _COS_CASES, hints=[
    (lambda f: _gives(f, (10, 0.5, 40), 0.25), "Half a cosine cycle spans the whole run: the angle is "
                                               "pi * epoch / total, not 2 pi."),
    (lambda f: _gives(f, (25, 0.1, 50), 0.0), "Halfway the rate should be half the starting rate: add 1 "
                                              "to the cosine and halve."),
    (lambda f: _gives(f, (25, 0.1, 50), 0.1 * np.cos(np.pi / 4)), "Half a cosine cycle spans the whole run: "
                                                                  "use pi * epoch / total."),
    (lambda f: _gives(f, (60, 0.1, 50), _cosine(40, 0.1, 50)), "After the last epoch the rate should stay at "
                                                               "0: cap the epoch at total."),
], hint="The rate starts at lr, is half of it halfway through and reaches 0 at epoch total.",
    proxy=("What does your `cosine_rate(10, 0.5, 40)` return?", (10, 0.5, 40), MISTAKES_6_4))
