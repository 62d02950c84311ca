"""Chapter 1, Why training is hard: its figures, its explorable's view and its exercise checks.

Each ``*_figure`` function draws one figure of the chapter and returns it (closed, for
display as the cell's output); each ``*_numbers`` function returns the numbers the prose
quotes, as :class:`~nblib.chapters.text.Shown` values. ``check_1_1`` ... ``check_1_5``
are the exercises' checks: the answers live here, not in the notebook.
"""

import functools
import math

import matplotlib.pyplot as plt
import numpy as np

from nblib.chapters.text import Shown, figure, numbers, scientific_text, shown
from nblib.counting import count_biases, count_params, count_weights
from nblib.exercises import ChoiceCheck, FunctionCheck, NumberCheck
from nblib.explorable import freeze_background
from nblib.plots.network import downstream, downstream_connections, network_diagram
from nblib.plots.sampling import sampling_grid_2d, sampling_grid_3d
from nblib.search import (AGE_OF_UNIVERSE_YEARS, SECONDS_PER_YEAR, grid_guesses, linear_teacher,
                          log10_seconds_to_try, power_text, scientific_log10, superscript)
from nblib.theme import COLORS, set_axes

#: Guesses per second of the imagined computer of the grid-cost questions.
RATE = 1e9

#: About 10 ** 80 atoms in the observable universe.
ATOMS_EXPONENT = 80


# --- Every weight reaches far -------------------------------------------------------------------

def reach_numbers(sizes, tweak):
    """How far one first-layer weight reaches in a network of layer widths ``sizes``.

    Returns ``.neurons`` (neurons after the input layer whose value changes) of
    ``.all_neurons``, and ``.links`` (connections that carry a changed signal) of ``.all_links``.
    """
    return numbers(neurons=len(downstream(sizes, tweak)), all_neurons=sum(sizes[1:]),
                   links=len(downstream_connections(sizes, tweak)), all_links=count_weights(sizes))


def one_weight_figure(sizes, tweak):
    """The network ``sizes`` with the connection ``tweak`` and everything it changes in orange."""
    fig, ax = plt.subplots(figsize=(6.4, 3.3))
    network_diagram(sizes, highlight=tweak, ax=ax)
    return figure(fig)


# --- Guess, score, keep the best ----------------------------------------------------------------

def records(running_best):
    """How many guesses set a new record: 1 (the first guess) plus the strict drops of ``running_best``."""
    return 1 + int(np.count_nonzero(np.diff(running_best) < 0))


def random_search_numbers(teacher, runs):
    """The numbers the text quotes about the random-search runs ``runs = {d: SearchResult}``.

    ``teacher`` is the 2-weight problem of ``runs[2]``.
    """
    two = runs[2]
    budget = len(two.running_best)
    gain = {d: (run.loss / run.running_best[0]) ** (1 / max(records(run.running_best) - 1, 1))
            for d, run in runs.items()}
    return numbers(
        n_examples=len(teacher.y), budget=shown(budget, ",d"),
        best_index=shown(two.best_index + 1, ",d"),
        distance=shown(float(np.linalg.norm(two.params - teacher.w_star)), ".3f"),
        loss=scientific_text(two.loss), final_10=shown(runs[10].loss, ".2f"),
        final_30=shown(runs[30].loss, ".2f"),
        expected_records=shown(sum(1 / k for k in range(1, budget + 1)), ".1f"),
        records_2=records(runs[2].running_best), records_10=records(runs[10].running_best),
        records_30=records(runs[30].running_best),
        gain_2=shown(gain[2], ".2f"), gain_30=shown(gain[30], ".2f"),
    )


def random_search_figure(teacher, runs, seed=1, n_shown=300):
    """Left: the 2-weight loss, the first guesses and the best; right: running best for each run.

    teacher: the 2-weight problem; runs: ``{d: SearchResult}`` with a run for ``d = 2``,
    made with ``seed``, whose first ``n_shown`` guesses are redrawn here.
    """
    w1, w2 = np.meshgrid(np.linspace(-1, 1, 161), np.linspace(-1, 1, 161))
    surface = teacher(np.column_stack([w1.ravel(), w2.ravel()])).reshape(w1.shape)
    first = np.random.default_rng(seed).uniform(-1, 1, size=(n_shown, 2))  # random_search's first draws

    fig, (left, right) = plt.subplots(1, 2, figsize=(8.4, 3.6), width_ratios=[1, 1.25])
    left.contourf(w1, w2, surface, levels=np.geomspace(1e-3, surface.max(), 14), cmap="Blues_r", alpha=0.45)
    left.plot(*first.T, ".", ms=3, color=COLORS["ink"], alpha=0.5, label=f"first {n_shown} guesses")
    left.plot(*runs[2].params, "o", ms=15, mfc="none", mew=2.5, color=COLORS["highlight"], label="best guess")
    left.plot(*teacher.w_star, "*", ms=9, color=COLORS["ink"], label="teacher's weights")
    left.set_aspect("equal")
    left.legend(loc="lower left", fontsize=8, framealpha=0.8, frameon=True)
    set_axes(left, xlabel="$w_1$", ylabel="$w_2$", title="two weights: the loss and the guesses",
             xlim=(-1, 1), ylim=(-1, 1))
    for (d, run), color in zip(sorted(runs.items()), [COLORS["data"], COLORS["model"], COLORS["good"]]):
        right.plot(np.arange(1, len(run.running_best) + 1), run.running_best, color=color, label=f"{d} weights")
    set_axes(right, xlabel="guesses so far", ylabel="best loss so far", title="running best",
             xscale="log", yscale="log", legend=True)
    return figure(fig)


# --- d-dimensional space is a lonely place -------------------------------------------------------

def square_cube_figure(bins=10):
    """A square and a cube sampled at ``bins`` points per axis."""
    fig = plt.figure(figsize=(8.4, 4.0))
    sampling_grid_2d(bins, ax=fig.add_subplot(1, 2, 1))
    sampling_grid_3d(bins, ax=fig.add_subplot(1, 2, 2, projection="3d"))
    return figure(fig)


def mnist_figure(sizes):
    """The digit reader's layers, at most 8 neurons drawn per layer."""
    fig, ax = plt.subplots(figsize=(4.4, 3.4))
    network_diagram(sizes, ax=ax, max_neurons=8)
    return figure(fig)


def mnist_numbers(sizes):
    """The parameter counts of the network ``sizes`` as the text writes them: ``.weights``, ``.biases``, ``.params``."""
    return numbers(weights=shown(count_weights(sizes), ",d"), biases=shown(count_biases(sizes), "d"),
                   params=shown(count_params(sizes), ",d"))


def grid_cost_numbers(n_params):
    """What a grid with 10 values per parameter over ``n_params`` parameters costs, as text.

    ``.grid`` points (``10^n_params``), ``.per_atom`` points per atom of the universe,
    ``.years`` at :data:`RATE` guesses per second and ``.ages``, that time in ages of the universe.
    """
    log_years = log10_seconds_to_try(grid_guesses(n_params, 10), rate=RATE) - math.log10(SECONDS_PER_YEAR)
    log_ages = log_years - math.log10(AGE_OF_UNIVERSE_YEARS)
    return numbers(grid=Shown(n_params, "10" + superscript(n_params)),
                   per_atom=Shown(n_params - ATOMS_EXPONENT, "10" + superscript(n_params - ATOMS_EXPONENT)),
                   years=Shown(log_years, power_text(*scientific_log10(log_years))),
                   ages=Shown(log_ages, power_text(*scientific_log10(log_ages))),
                   age_universe=shown(AGE_OF_UNIVERSE_YEARS / 1e9, ".1f"))


def ball_numbers(radius, dims):
    """The chance that a uniform guess in ``[-1, 1]^d`` falls within ``radius`` of a given point.

    It is at most the volume of a ball of that radius over the cube's volume ``2^d``:
    ``V_d * radius^d / 2^d`` with ``V_d = pi^(d/2) / Gamma(d/2 + 1)`` the volume of the unit
    ball, and exactly that when the ball lies inside the cube. Returns ``.radius`` and
    ``.share_<d>`` for each ``d`` in ``dims``.
    """
    shares = {f"share_{d}": scientific_text(ball_share(radius, d)) for d in dims}
    return numbers(radius=radius, **shares)


def ball_share(radius, d):
    """``V_d * radius^d / 2^d``: the share of the cube ``[-1, 1]^d`` inside a ball of ``radius``."""
    return math.exp(d / 2 * math.log(math.pi) - math.lgamma(d / 2 + 1) + d * math.log(radius / 2))


# --- A fixed budget against more weights --------------------------------------------------------

def budget_numbers(dims, best, budget):
    """Numbers quoted about the fixed-budget experiment: ``best`` has shape ``(n_seeds, len(dims))``."""
    median = np.median(best, axis=0)
    return numbers(budget=shown(budget, ",d"), seeds=len(best),
                   first=scientific_text(float(median[0])), ten=shown(float(median[dims.index(10)]), ".2f"),
                   last=shown(float(median[-1]), ".2f"), last_worse=int(np.sum(best[:, -1] > 1)))


def budget_figure(dims, best, budget):
    """Best loss found against the number of weights: one dot per seed and their median."""
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for k, row in enumerate(best):
        ax.plot(dims, row, "o", ms=4, color=COLORS["data"], alpha=0.4, label="one seed" if k == 0 else None)
    ax.plot(dims, np.median(best, axis=0), "-", color=COLORS["model"], label=f"median of {len(best)} seeds")
    ax.axhline(1.0, ls="--", lw=1.2, color=COLORS["residual"], label="all weights zero")
    set_axes(ax, xlabel="number of weights $d$", ylabel="best loss found", xscale="log",
             title=f"best of {budget:,} random guesses", legend=True)
    return figure(fig)


# --- Explore: a budget of guesses against the number of weights --------------------------------

#: The explorable's numbers of weights: every d up to 20, then spaced evenly on a log scale to 60.
D_STOPS = np.unique(np.concatenate([np.arange(1, 21), np.round(np.geomspace(20, 60, 22))])).astype(int)

#: The explorable's budgets: 46 stops spaced evenly on a log scale from 10 to 10,000 guesses,
#: 15 per tenfold (so 100 and 1,000 are stops).
BUDGETS = np.unique(np.round(np.geomspace(10, 10_000, 46))).astype(int)

#: The seeds of the explorable's runs: one teacher and one search per seed and d, as in
#: :func:`nblib.search.best_loss_by_dimension`.
SEEDS = range(5)


@functools.cache
def budget_runs():
    """The best loss random search has found after each budget of :data:`BUDGETS`, for every seed
    of :data:`SEEDS` and number of weights of :data:`D_STOPS`: shape ``(5, 41, 46)``.

    Each run is the one :func:`nblib.search.best_loss_by_dimension` makes for ``(seed, d)`` (the
    same teacher and the same guesses), ``BUDGETS[-1]`` guesses long; the best after ``B``
    guesses is the best of its first ``B``. The loss of a guess ``w`` is computed as
    ``|(w - w*) L|^2 / mean(y^2)`` with ``S = X^T X / n = L L^T`` (Cholesky), which equals the
    teacher's normalised MSE ``(w - w*)^T S (w - w*) / mean(y^2)`` and costs ``d^2`` instead of
    ``n d`` per guess.
    """
    best = np.empty((len(SEEDS), len(D_STOPS), len(BUDGETS)))
    for a, seed in enumerate(SEEDS):
        for b, d in enumerate(D_STOPS):
            teacher = linear_teacher(int(d), seed=seed)
            factor = np.linalg.cholesky(teacher.X.T @ teacher.X / len(teacher.y))      # S = L L^T
            search_seed = int(np.random.SeedSequence([seed, int(d), 1]).generate_state(1)[0])
            guesses = np.random.default_rng(search_seed).uniform(-1, 1, size=(BUDGETS[-1], int(d)))
            losses = np.sum(((guesses - teacher.w_star) @ factor) ** 2, axis=1) / np.mean(teacher.y ** 2)
            best[a, b] = np.minimum.accumulate(losses)[BUDGETS - 1]
    return best


def budget_view(fig):
    """The explorable's view: the best loss that ``budget`` random guesses find.

    Left: against the number of weights ``d`` (one dot per seed, their median as a line, the
    chosen ``d`` ringed). Right: against the budget for the chosen ``d``, with the chosen budget
    marked. Returns ``update(budget, d)``.
    """
    best = budget_runs()
    median = np.median(best, axis=0)                       # (d, budget)
    left, right = fig.subplots(1, 2)
    for ax in (left, right):
        ax.axhline(1.0, ls="--", lw=1.1, color=COLORS["residual"])
    left.text(1.05, 1.25, "all weights zero", fontsize=9, color=COLORS["ink"])
    seeds_left, = left.plot([], [], "o", ms=3.5, color=COLORS["data"], alpha=0.45, label="one seed")
    median_left, = left.plot([], [], "-", color=COLORS["model"], lw=1.8, label=f"median of {len(best)}")
    ring, = left.plot([], [], "o", ms=12, mfc="none", mew=2, color=COLORS["highlight"])
    set_axes(left, xlabel="number of weights $d$", ylabel="best loss found", xscale="log", yscale="log",
             xlim=(0.9, 70), ylim=(1e-8, 4), title="after the chosen budget, for every d")
    left.set_xticks([1, 2, 5, 10, 20, 50], ["1", "2", "5", "10", "20", "50"])
    left.minorticks_off()
    left.legend(loc="lower right", fontsize=9)
    set_axes(right, xlabel="guesses so far", xscale="log", yscale="log", xlim=(BUDGETS[0], BUDGETS[-1]),
             ylim=(1e-8, 4), title="for the chosen d, up to 10,000 guesses")
    seeds_right, = right.plot([], [], "-", lw=1, color=COLORS["data"], alpha=0.5)
    median_right, = right.plot([], [], "-", color=COLORS["model"], lw=1.8)
    budget_line = right.axvline(BUDGETS[0], color=COLORS["highlight"], lw=1.5)
    status = right.text(0.03, 0.03, "", transform=right.transAxes, fontsize=9.5, color=COLORS["ink"],
                        bbox=dict(facecolor="white", edgecolor="none", alpha=0.85, pad=2))
    freeze_background(fig, [seeds_left, median_left, ring, seeds_right, median_right, budget_line, status])
    index_b = {int(v): k for k, v in enumerate(BUDGETS)}
    index_d = {int(v): k for k, v in enumerate(D_STOPS)}

    def update(budget, d):
        k, j = index_b[int(budget)], index_d[int(d)]
        seeds_left.set_data(np.tile(D_STOPS, len(best)), best[:, :, k].ravel())
        median_left.set_data(D_STOPS, median[:, k])
        ring.set_data([d], [median[j, k]])
        runs = np.concatenate([np.column_stack([BUDGETS, row]).tolist() + [[np.nan, np.nan]] for row in best[:, j]])
        seeds_right.set_data(runs[:, 0], runs[:, 1])
        median_right.set_data(BUDGETS, median[j])
        budget_line.set_xdata([budget, budget])
        low, high = best[:, j, k].min(), best[:, j, k].max()
        status.set_text(f"d = {d}: median {median[j, k]:.2g} after {budget:,} guesses")
        return (f"d = {d}, {budget:,} guesses: median best loss {median[j, k]:.2g} "
                f"(seeds {low:.2g} to {high:.2g}).")

    return update


def budget_try_numbers():
    """What the explorable's things to try find, as text: the median best loss at the smallest
    and the largest budget for d = 2 and d = 30 (``two_low``, ``two_high``, ``thirty_low``,
    ``thirty_high``), the factor a tenfold budget (1,000 to 10,000 guesses) divides it by at
    d = 1, 2 and 10, and ``d_tenth``, the largest d whose median at 10,000 guesses is below 0.1."""
    median = np.median(budget_runs(), axis=0)
    row = {int(d): median[j] for j, d in enumerate(D_STOPS)}
    k3 = int(np.flatnonzero(BUDGETS == 1000)[0])
    tenfold = {d: row[d][k3] / row[d][-1] for d in (1, 2, 10)}
    below = D_STOPS[median[:, -1] < 0.1]
    return numbers(low=shown(int(BUDGETS[0]), ",d"), high=shown(int(BUDGETS[-1]), ",d"), seeds=len(SEEDS),
                   two_low=shown(row[2][0], ".2g"), two_high=shown(row[2][-1], ".1e"),
                   thirty_low=shown(row[30][0], ".2g") if 30 in row else None,
                   thirty_high=shown(row[30][-1], ".2g") if 30 in row else None,
                   tenfold_1=shown(tenfold[1], ".0f"), tenfold_2=shown(tenfold[2], ".1f"),
                   tenfold_10=shown(tenfold[10], ".1f"), d_tenth=int(below.max()),
                   d_next=int(D_STOPS[np.flatnonzero(D_STOPS == below.max())[0] + 1]),
                   next_tenth=shown(row[int(D_STOPS[np.flatnonzero(D_STOPS == below.max())[0] + 1])][-1], ".2f"),
                   d_max=int(D_STOPS[-1]), max_high=shown(row[int(D_STOPS[-1])][-1], ".2f"))


# --- Exercises ----------------------------------------------------------------------------------

_NETWORK = [64, 30, 10]

check_1_1 = NumberCheck(count_params(_NETWORK), integer=True, hints=[
    (count_weights(_NETWORK), "Those are the weights. Every neuron after the input layer also has a bias."),
    (count_params(_NETWORK) + _NETWORK[0], "Inputs just pass the pixel values on; they have no bias."),
    (math.prod(_NETWORK), "Weights connect neighbouring layers only: multiply the widths of each pair, then add."),
    (count_weights(_NETWORK) + _NETWORK[1], "The output neurons have biases too."),
    (count_weights(_NETWORK) + _NETWORK[2], "The hidden neurons have biases too."),
    (sum(_NETWORK), "That counts neurons; the parameters are the connections' weights and the biases."),
], hint="Count the connections between each pair of neighbouring layers, then add one bias per hidden "
        "and output neuron.")

check_1_2 = NumberCheck(grid_guesses(5, 10), integer=True, hints=[
    (5 * 10, "The bins of different weights multiply: every value of one weight is tried with every "
             "value of the others."),
    (5 ** 10, "The base is the number of bins and the exponent the number of weights."),
    (5 + 10, "The bins of different weights multiply: every value of one weight is tried with every "
             "value of the others."),
    (10 ** 4, "Count the weights again: each of the 5 multiplies the count by 10."),
    (10 ** 6, "Count the weights again: each of the 5 multiplies the count by 10."),
], hint="Two weights need 10 × 10 guesses, three need 10 × 10 × 10.")

_LAYERS = ["input to hidden 1", "hidden 1 to hidden 2", "hidden 2 to output"]
check_1_3 = ChoiceCheck(_LAYERS[0], _LAYERS, explanations={
    _LAYERS[1]: "That changes one neuron of hidden layer 2 and then both outputs. What about a weight "
                "one layer earlier?",
    _LAYERS[2]: "That changes only the output neuron at the end of the connection.",
}, hint="A weight changes the neuron it leads into and everything that neuron feeds.")

check_1_4 = FunctionCheck(grid_guesses, cases=[(2, 10), (3, 10), (5, 10), (1, 7), (12, 3), (4, 1)], proxy=(
    "What does your `my_grid_guesses(4, 7)` return? (A grid of 7 bins on each of 4 axes.)", (4, 7), [
        (28, "Multiplying the axes by the bins undercounts: each axis multiplies the count by the bins."),
        (11, "Adding the bins of each axis undercounts: each axis multiplies the count by the bins."),
        (4 ** 7, "The base is the number of bins and the exponent the number of axes."),
        (7 ** 3, "Count the axes again: each of the 4 multiplies the count by 7."),
    ]), hints=[
    (lambda f: f(2, 10) == 20, "Adding the bins of each axis undercounts: each axis multiplies the count."),
    (lambda f: f(3, 10) == 3 ** 10, "The base is the number of bins and the exponent the number of axes."),
], hint="Each new axis multiplies the number of guesses by the number of bins.")

_SECONDS = grid_guesses(20, 10) / RATE
check_1_5 = NumberCheck(_SECONDS / SECONDS_PER_YEAR, rtol=0.01, hints=[
    (_SECONDS, "That is in seconds; a year has 365.25 × 24 × 3600 of them."),
    (grid_guesses(20, 10), "That is the number of guesses; divide by the guesses per second first."),
    (_SECONDS / 3600, "That is in hours: keep converting, up to years."),
    (_SECONDS / 86400, "That is in days: keep converting, up to years."),
    (_SECONDS / 60, "That is in minutes: keep converting, up to years."),
    (grid_guesses(20, 10) * RATE / SECONDS_PER_YEAR, "The guesses per second divide the number of guesses; "
                                                      "they do not multiply it."),
    (grid_guesses(19, 10) / RATE / SECONDS_PER_YEAR, "Count the guesses again: 20 weights with 10 bins each."),
    (20 ** 10 / RATE / SECONDS_PER_YEAR, "The base is the number of bins and the exponent the number of "
                                        "weights."),
], hint="Count the guesses, divide by the rate to get seconds, then convert seconds to years.")
