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
from nblib.chapters.text import Shown, figure, numbers, shown
from nblib.data import digits, train_val_test_split
from nblib.exercises import ChoiceCheck, FunctionCheck, NumberCheck
from nblib.explorable import freeze_background
from nblib.nn import MLP
from nblib.plots.regression import CONTOUR_GREYS, bowl_contour
from nblib.surfaces import SURFACES, elongated_bowl
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
    return numbers(lr=shown(LR_SADDLE, "g"), steps=shown(SADDLE_STEPS, "d"),
                   **{m.lower(): value for m, value in text.items()})


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


# --- The race on a surface of your choice ---------------------------------------------------------

#: The surfaces of the picker, the method groups and the learning-rate multipliers.
RACE_SURFACES = ("beale", "rosenbrock", "elongated_bowl", "saddle")
GROUPS = {"all": METHODS, "SGD and momentum": METHODS[:3], "adaptive": METHODS[3:]}
MULTIPLIERS = np.round(np.geomspace(0.1, 10, 21), 4)
RACE_STEPS = 100
#: The learning rates tried when tuning each method on each surface.
TUNING_RATES = np.geomspace(1e-4, 10.0, 61)


def _final_loss(surface, paths):
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(paths[-1, :, 0])
        return np.where(finite, surface.f(np.nan_to_num(paths[-1], nan=0.0)), np.inf)


@functools.lru_cache(maxsize=None)
def tuned_rate(surface_name, method):
    """The learning rate of ``TUNING_RATES`` with the lowest loss after ``RACE_STEPS`` steps
    (AdaDelta, designed to need none, keeps its usual 1.0)."""
    if method == "AdaDelta":
        return 1.0
    surface = SURFACES[surface_name]
    paths = batched_paths(surface, method, TUNING_RATES, RACE_STEPS)
    return float(TUNING_RATES[np.argmin(_final_loss(surface, paths))])


@functools.lru_cache(maxsize=1)
def race_paths():
    """``{(surface, method): (steps + 1, len(MULTIPLIERS), 2)}`` at each multiple of the tuned rate."""
    return {(s, m): batched_paths(SURFACES[s], m, tuned_rate(s, m) * MULTIPLIERS, RACE_STEPS)
            for s in RACE_SURFACES for m in METHODS}


def tuned_table():
    """The tuned rates as rows of text: one row per method, one column per surface."""
    header = "method     " + "".join(f"{s:>16}" for s in RACE_SURFACES)
    rows = [f"{m:<11}" + "".join(f"{tuned_rate(s, m):16.4g}" for s in RACE_SURFACES) for m in METHODS]
    return "\n".join([header, *rows])


def race_numbers():
    """The race's length and how much the tuned rates of SGD and of Adam vary between surfaces."""
    def spread(method):
        rates = [tuned_rate(s, method) for s in RACE_SURFACES]
        return max(rates) / min(rates)
    k = int(np.argmin(abs(MULTIPLIERS - 1.0)))
    final = {m: float(SURFACES["rosenbrock"].f(race_paths()["rosenbrock", m][-1, k])) for m in METHODS}
    return numbers(steps=shown(RACE_STEPS, "d"), spread_sgd=shown(spread("SGD"), ".0f"),
                   spread_adam=shown(spread("Adam"), ".0f"),
                   **{f"rosen_{m.lower()}": shown(v, ".2g") for m, v in final.items()})


def race_figure(surface_name="rosenbrock"):
    """Every method at its tuned rate on one surface: left, the paths; right, the losses."""
    surface = SURFACES[surface_name]
    k = int(np.argmin(abs(MULTIPLIERS - 1.0)))
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.6, 3.6), width_ratios=[1.1, 1])
    surface_contour(left, surface)
    for m, color in METHOD_COLORS.items():
        path = race_paths()[surface_name, m][:, k]
        left.plot(path[:, 0], path[:, 1], color=color, linewidth=1.5, marker="o", markersize=2, label=m)
        right.semilogy(surface.f(path), color=color, label=m)
    set_axes(left, title=f"{surface_name}: {RACE_STEPS} steps at the tuned rates")
    set_axes(right, xlabel="step $t$", ylabel="loss", title="loss (log scale)")
    right.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=9)
    return figure(fig)


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


def race_view(fig):
    """The picker: the chosen methods' whole paths (``RACE_STEPS`` steps) on the chosen surface at
    a multiple of their tuned rates. Returns ``update(surface, group, scale)``."""
    paths = race_paths()
    lines = {}
    for name, ax in zip(RACE_SURFACES, fig.subplots(1, len(RACE_SURFACES))):
        surface_contour(ax, SURFACES[name])
        ax.set_title(name.replace("_", " "))
        for m, color in METHOD_COLORS.items():
            lines[name, m], = ax.plot([], [], color=color, linewidth=1.5, label=m)
    fig.legend(handles=[lines[RACE_SURFACES[0], m] for m in METHODS], loc="outside right center", fontsize=9)
    freeze_background(fig, list(lines.values()))

    def update(surface, group, scale):
        k = int(np.argmin(abs(MULTIPLIERS - scale)))
        words = []
        for (name, m), line in lines.items():
            path = paths[name, m][:, k]
            path = path[np.isfinite(path[:, 0])]
            if name == surface and m in GROUPS[group]:
                line.set_data(path[:, 0], path[:, 1])
                diverged = len(path) < RACE_STEPS + 1
                words.append(f"{m} diverged" if diverged else f"{m} {SURFACES[name].f(path[-1]):.2g}")
            else:
                line.set_data([], [])
        return f"{surface}, loss after {RACE_STEPS} steps: " + ", ".join(words) + "."

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


# --- Exercises ----------------------------------------------------------------------------------

check_6_1 = NumberCheck(0.1 / 5.0, rtol=1e-3, hints=[
    (0.1 / 25.0, "That divides by G itself; AdaGrad divides by its square root."),
    (0.1 / 7.0, "G sums the squared gradients, 9 + 16, before the square root is taken."),
    (0.1 / 4.0, "G keeps every squared gradient since the start, not only the latest one."),
    (0.1 * 5.0, "The rate is the learning rate divided by sqrt(G), not multiplied."),
], hint="G = 3**2 + 4**2 after two steps; the rate is 0.1 / (sqrt(G) + eps), and eps is tiny.")

_G1, _LR1 = 0.003, 0.01
check_6_2 = NumberCheck(_LR1 * _G1 / (abs(_G1) + 1e-8), rtol=1e-3, hints=[
    (_LR1 * _G1, "That is plain SGD's step. Adam divides by the root of the averaged squared gradient."),
    (_LR1 * 0.1 * _G1 / (np.sqrt(0.001) * _G1), "You left out the bias correction: divide m by 1 - beta1 and "
                                                 "v by 1 - beta2 at the first step."),
    (-_LR1, "The question asks for the size of the step, a positive number."),
], hint="At t = 1, m_hat = g and v_hat = g**2. What is lr * m_hat / (sqrt(v_hat) + eps)?")

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


check_6_4 = FunctionCheck(_cosine, _COS_CASES, hints=[
    (lambda f: _gives(f, (25, 0.1, 50), 0.0), "Halfway the rate should be half the starting rate: add 1 "
                                              "to the cosine and halve."),
    (lambda f: _gives(f, (25, 0.1, 50), 0.1 * np.cos(np.pi / 4)), "Half a cosine cycle spans the whole run: "
                                                                  "use pi * epoch / total."),
    (lambda f: _gives(f, (60, 0.1, 50), _cosine(40, 0.1, 50)), "After the last epoch the rate should stay at "
                                                               "0: cap the epoch at total."),
], hint="lr * (1 + cos(pi * epoch / total)) / 2, with the epoch capped at total.")
