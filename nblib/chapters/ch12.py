"""Chapter 12, Curvature: its figures, its numbers, its explorable's view and its checks.

Four problems appear. The *seven points' bowl* (chapter 2: the MSE of a line ``(m, b)`` on
:func:`nblib.data.seven_points`) shows Newton's single step and the diagonal preconditioners.
*Rosenbrock's valley* (:data:`nblib.surfaces.rosenbrock`) and a *small network* on the first
images of :func:`nblib.data.digits` compare :func:`nblib.lbfgs.minimize` with scipy's
L-BFGS-B, and L-BFGS with Adam. The *edge-of-stability network* (a 64-24-10 tanh MLP with
the MSE loss on 250 digits) is trained by full-batch gradient descent at 21 learning rates at
once while its sharpness is measured. Each ``*_figure`` returns one closed figure; each
``*_numbers`` returns the numbers the prose quotes; ``check_12_1`` ... ``check_12_4`` are the
exercises' checks.
"""

import functools
import time

import matplotlib.pyplot as plt
import numpy as np
import scipy.optimize
from threadpoolctl import threadpool_limits

from nblib import curvature, lbfgs, linear
from nblib.chapters.text import Shown, figure, numbers, scientific_text, shown
from nblib.counting import count_params
from nblib.data import digits, seven_points
from nblib.exercises import ChoiceCheck, FunctionCheck, NumberCheck
from nblib.explorable import freeze_background
from nblib.nn import MLP
from nblib.optim import Adam
from nblib.plots.regression import bowl_contour, draw_path
from nblib.surfaces import rosenbrock
from nblib.theme import COLORS, set_axes

#: One colour per method, the same in every figure of the chapter.
METHOD_COLORS = {"gradient descent": COLORS["data"], "Newton": COLORS["model"], "diagonal": COLORS["good"],
                 "L-BFGS (nblib)": COLORS["model"], "L-BFGS-B (scipy)": COLORS["neutral"],
                 "Adam": COLORS["data"]}


def one_thread(function):
    """Run ``function`` with one BLAS thread: its matrices are small, and on a shared machine
    several threads spend more time waiting for each other than computing."""
    @functools.wraps(function)
    def limited(*args, **kwargs):
        with threadpool_limits(1):
            return function(*args, **kwargs)
    return limited


# --- The seven points' bowl and Newton's step ----------------------------------------------------

_X7, _Y7 = seven_points()
#: The start of every run on the seven points' bowl, (m, b) (as in chapter 5).
START = np.array([-1.0, 5.0])


def seven_loss(w):
    """The seven points' MSE at points ``w: (..., 2)`` of ``(m, b)``."""
    w = np.asarray(w, dtype=float)
    return linear.mse_line(_X7, _Y7, w[..., 0], w[..., 1])


def seven_grad(w):
    """The gradient ``(2,)`` of the seven points' MSE at ``w = (m, b)``."""
    return np.array(linear.mse_grad_line(_X7, _Y7, w[0], w[1]))


def seven_fun(w):
    """``(J, gradient)`` at ``w = (m, b)``, the form :func:`nblib.lbfgs.minimize` takes."""
    return float(seven_loss(w)), seven_grad(w)


#: The Hessian of the seven points' bowl, ``2 [[mean x**2, mean x], [mean x, 1]]`` (constant: the loss is quadratic).
HESSIAN = 2 * np.array([[np.mean(_X7 ** 2), np.mean(_X7)], [np.mean(_X7), 1.0]])


def gd_path(P, lr, steps, start=START):
    """Preconditioned gradient descent on the seven points' bowl: ``w = w - lr P g``; ``(steps + 1, 2)``.

    P = I is plain gradient descent; P = H^-1 with lr = 1 is Newton's method.
    """
    w = np.array(start, dtype=float)
    path = [w.copy()]
    for _ in range(steps):
        w = w - lr * P @ (HESSIAN @ (w - W_STAR))
        path.append(w.copy())
    return np.array(path)


#: The minimum of the bowl, reached by one Newton step from the start.
W_STAR = START + curvature.newton_step(seven_grad(START), HESSIAN)


def _steps_below(distances, level):
    below = np.flatnonzero(distances < level)
    return int(below[0]) if below.size else None


def newton_numbers(tol=1e-6):
    """Newton's one step against the least-squares line, and plain descent's step count at its best rate."""
    m, b = linear.ols_line(_X7, _Y7)
    mu, L = np.linalg.eigvalsh(HESSIAN)
    lr = 2 / (mu + L)
    path = gd_path(np.eye(2), lr, 3000)
    dist = np.linalg.norm(path - W_STAR, axis=1) / np.linalg.norm(START - W_STAR)
    newton_gap = float(np.max(np.abs(W_STAR - [m, b])))
    return numbers(m=shown(W_STAR[0], ".4f"), b=shown(W_STAR[1], ".4f"), gap=scientific_text(max(newton_gap, 1e-17), 1),
                   loss=shown(float(seven_loss(W_STAR)), ".4f"), mu=shown(mu, ".4f"), L=shown(L, ".2f"),
                   kappa=shown(L / mu, ".0f"), lr=shown(lr, ".4f"), tol=shown(tol, ".0e"),
                   steps_gd=shown(_steps_below(dist, tol), ",d"),
                   h11=shown(HESSIAN[0, 0], ".2f"), h12=shown(HESSIAN[0, 1], ".2f"), h22=shown(HESSIAN[1, 1], ".2f"))


_SEVEN_WINDOW = dict(xlim=(-1.6, 1.6), ylim=(-1.0, 6.0))


def newton_figure(steps=60):
    """Left: plain descent (best rate) and Newton's one step on the seven points' bowl.
    Right: their distances to the minimum against the step."""
    mu, L = np.linalg.eigvalsh(HESSIAN)
    gd = gd_path(np.eye(2), 2 / (mu + L), steps)
    newton = gd_path(np.linalg.inv(HESSIAN), 1.0, 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.6, 3.5), width_ratios=[1.2, 1])
    bowl_contour(left, seven_loss, labels=("slope $m$", "intercept $b$"), minimum=W_STAR, **_SEVEN_WINDOW)
    draw_path(left, gd, METHOD_COLORS["gradient descent"], label=f"gradient descent, {steps} steps")
    draw_path(left, newton, METHOD_COLORS["Newton"], label="Newton, 1 step", markersize=6)
    left.legend(loc="upper right", fontsize=9, frameon=True, framealpha=0.9)
    set_axes(left, title="the seven points' bowl")
    start = np.linalg.norm(START - W_STAR)
    long_gd = gd_path(np.eye(2), 2 / (mu + L), 3000)
    right.semilogy(np.linalg.norm(long_gd - W_STAR, axis=1) / start, color=METHOD_COLORS["gradient descent"],
                   label="gradient descent")
    newton_dist = np.maximum(np.linalg.norm(newton - W_STAR, axis=1) / start, 1e-16)
    right.semilogy([0, 1], newton_dist, marker="o", color=METHOD_COLORS["Newton"], label="Newton")
    set_axes(right, xlabel="step $t$", ylabel="distance to the minimum\n(fraction of the start)",
             ylim=(1e-17, 3), xlim=(-50, 3000), legend=True, title="distance (log scale)")
    return figure(fig)


def _measured_solve_seconds(d, repeats=3, seed=0):
    """The best of ``repeats`` timings of ``numpy.linalg.solve`` on a random ``(d, d)`` system, one thread."""
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(d, d))
    A = A @ A.T / d + np.eye(d)
    g = rng.normal(size=d)
    best = np.inf
    with threadpool_limits(1):
        for _ in range(repeats):
            start = time.perf_counter()
            np.linalg.solve(A, g)
            best = min(best, time.perf_counter() - start)
    return best


#: The sizes of the measured solves.
SOLVE_SIZE = 1000


def cost_numbers():
    """What one Newton step would cost for the 784-15-10 network: memory, operations, and the
    time of one solve extrapolated as ``d**3`` from a solve of 1,000 unknowns measured here."""
    d = count_params([784, 15, 10])
    cost = curvature.newton_cost(d)
    big = SOLVE_SIZE
    seconds = _measured_solve_seconds(big)
    estimate = seconds * (d / big) ** 3
    return numbers(d=shown(d, ",d"), d2=shown(d * d, ",d"), gb=shown(cost["memory"] / 1e9, ".2f"),
                   kb=shown(d * 8 / 1e3, ".0f"),
                   flops=scientific_text(cost["solve_flops"], 2), n_grads=shown(2 * d, ",d"),
                   measured=shown(1000 * seconds, ".0f"), big=shown(big, ",d"),
                   estimate=shown(estimate, ".0f"),
                   ratio=shown((d / big) ** 3, ",.0f"))


# --- Hessian-vector products and power iteration -------------------------------------------------

def hvp_numbers(seed=0):
    """The seven points: a Hessian-vector product from two gradients against the exact ``H v``."""
    v = np.random.default_rng(seed).normal(size=2)
    exact = HESSIAN @ v
    product = curvature.hessian_vector_product(seven_grad, np.array([0.2, 1.1]), v)
    return numbers(error=scientific_text(max(np.linalg.norm(product - exact) / np.linalg.norm(exact), 1e-17), 1))


#: The images of the chapter's networks: the first ``N_IMAGES`` digits, each pixel standardized.
N_IMAGES = 250


@functools.lru_cache(maxsize=1)
def images():
    """The first ``N_IMAGES`` digits: pixels scaled to mean 0 and standard deviation 1 over these
    images (a pixel that is always 0 stays 0), the labels, and one-hot targets ``(n, 10)``.

    Returns ``(X, labels, Y)`` (read-only).
    """
    X, y = digits()
    X, y = X[:N_IMAGES], y[:N_IMAGES]
    spread = X.std(axis=0)
    X = (X - X.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    Y = np.eye(10)[y]
    for array in (X, y, Y):
        array.flags.writeable = False
    return X, y, Y


def held_out_images(n=500):
    """The ``n`` digits after the first ``N_IMAGES``, standardized with the training images' statistics."""
    X, y = digits()
    train = X[:N_IMAGES]
    spread = train.std(axis=0)
    X = (X[N_IMAGES:N_IMAGES + n] - train.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    return X, y[N_IMAGES:N_IMAGES + n]


def flat_params(net):
    """All of ``net.params`` as one vector ``(d,)``."""
    return np.concatenate([p.ravel() for p in net.params])


def unflat(net, w):
    """The vector ``w: (d,)`` cut into arrays shaped like ``net.params``."""
    arrays, start = [], 0
    for p in net.params:
        arrays.append(w[start:start + p.size].reshape(p.shape))
        start += p.size
    return arrays


def network_fun(net, X, y, loss="mse", l2=0.0):
    """``fun(w) -> (J, gradient)`` of a network's loss over flat parameters ``w: (d,)``.

    Sets the network's parameters to ``w`` and calls ``net.loss_and_grads`` (backpropagation).
    """
    def fun(w):
        net.set_params(unflat(net, w))
        J, grads = net.loss_and_grads(X, y, loss=loss, l2=l2)
        return float(J), np.concatenate([g.ravel() for g in grads])
    return fun


@one_thread
@functools.lru_cache(maxsize=1)
@one_thread
def power_run(hidden=8, iterations=30):
    """Power iteration on a small network (64-hidden-10, tanh, MSE) against the full Hessian.

    The full Hessian is built column by column from Hessian-vector products (possible here,
    with 610 parameters) and its eigenvalues computed by ``numpy.linalg.eigvalsh``.
    Returns ``(numbers, estimates per iteration, eigenvalues)`` (read-only).
    """
    X, _, Y = images()
    net = MLP([64, hidden, 10], activation="tanh", seed=0)
    w = INIT_SCALE * flat_params(net)
    grad = _batched_grad([64, hidden, 10])
    H = _batched_hessian(grad, w)
    eigenvalues = np.linalg.eigvalsh(H)
    v = np.random.default_rng(0).normal(size=w.size)
    estimates = []
    for _ in range(iterations):
        v = v / np.linalg.norm(v)
        Hv = curvature.hessian_vector_product(lambda p: grad(p[None])[0], w, v)
        estimates.append(float(v @ Hv))
        v = Hv
    result = numbers(d=shown(w.size, ",d"), exact=shown(eigenvalues[-1], ".4f"), second=shown(eigenvalues[-2], ".4f"),
                     lowest=shown(eigenvalues[0], ".4f"), estimate=shown(estimates[-1], ".4f"),
                     iterations=shown(iterations, "d"),
                     error=scientific_text(max(abs(estimates[-1] / eigenvalues[-1] - 1), 1e-16), 1))
    return result, np.array(estimates), eigenvalues


def power_numbers():
    """The numbers of :func:`power_run` for the prose."""
    return power_run()[0]


def power_figure():
    """Power iteration's estimate of the largest eigenvalue against the iteration, with the exact value."""
    result, estimates, eigenvalues = power_run()
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    k = np.arange(1, len(estimates) + 1)
    ax.plot(k, estimates, marker="o", markersize=4, color=COLORS["model"], label="power iteration, $v^\\top H v$")
    ax.axhline(eigenvalues[-1], color=COLORS["ink"], linestyle="--", linewidth=1,
               label=r"$\lambda_{max}$ from numpy.linalg.eigvalsh")
    ax.axhline(eigenvalues[-2], color=COLORS["residual"], linestyle=":", linewidth=1, label="the second largest")
    set_axes(ax, xlabel="iteration", ylabel="estimate", title=f"a 64-8-10 network, {result.d} parameters",
             legend=True, ylim=(0, 1.15 * eigenvalues[-1]))
    return figure(fig)


# --- L-BFGS against scipy ------------------------------------------------------------------------

def rosenbrock_fun(w):
    """``(J, gradient)`` of Rosenbrock's function at ``w: (2,)``."""
    return float(rosenbrock.f(w)), rosenbrock.grad(w)


def scipy_lbfgs(fun, w0, max_iter=500):
    """scipy's L-BFGS-B (no bounds) from ``w0``: ``(result, path (k + 1, d))``, with the path recorded by a callback."""
    path = [np.array(w0, dtype=float)]
    result = scipy.optimize.minimize(fun, w0, jac=True, method="L-BFGS-B", callback=lambda w: path.append(w.copy()),
                                     options=dict(maxiter=max_iter, maxcor=10))
    return result, np.array(path)


#: The small network of the L-BFGS sections: sizes, activation and the L2 penalty of the comparison with scipy.
SMALL_SIZES = [64, 16, 10]
SMALL_L2 = 1e-3


def small_network_fun(seed=0, l2=SMALL_L2):
    """``(fun, w0)``: the cross-entropy (plus the L2 penalty) of the small tanh network on the chapter's
    images as ``fun(w) -> (J, g)`` of flat parameters, and the initial weights of
    ``nn.MLP(SMALL_SIZES, "tanh", seed=seed)``."""
    X, y, _ = images()
    loss_and_grad = batched_loss_and_grad(SMALL_SIZES, X, y, "cross_entropy", l2)

    def fun(w):
        J, g = loss_and_grad(np.asarray(w, dtype=float)[None])
        return float(J[0]), g[0]

    return fun, flat_params(MLP(SMALL_SIZES, activation="tanh", seed=seed))


@functools.lru_cache(maxsize=1)
@one_thread
def scipy_comparison():
    """nblib's L-BFGS and scipy's L-BFGS-B on the three problems: ``{problem: (ours, theirs, their path)}``."""
    fun, w0 = small_network_fun()
    problems = {"Rosenbrock": (rosenbrock_fun, rosenbrock.start), "seven points": (seven_fun, START),
                "small network": (fun, w0)}
    out = {}
    for name, (f, start) in problems.items():
        ours = lbfgs.minimize(f, start, memory=10, max_iter=500)
        theirs, path = scipy_lbfgs(f, start)
        out[name] = (ours, theirs, path)
    return out


def comparison_rows():
    """One line per problem: iterations, evaluations and final loss of both minimizers."""
    rows = []
    for name, (ours, theirs, _) in scipy_comparison().items():
        rows.append(f"{name:>14}:  nblib {ours.iterations:4d} iterations, {ours.evaluations:4d} evaluations, "
                    f"loss {ours.loss:.6g}   |   scipy {theirs.nit:4d} iterations, {theirs.nfev:4d} "
                    f"evaluations, loss {theirs.fun:.6g}")
    return "\n".join(rows)


def comparison_numbers():
    """The comparison's numbers for the prose."""
    runs = scipy_comparison()
    rb_ours, rb_theirs, _ = runs["Rosenbrock"]
    sp_ours, _, _ = runs["seven points"]
    net_ours, net_theirs, _ = runs["small network"]
    return numbers(rb_ours=shown(rb_ours.iterations, "d"), rb_theirs=shown(rb_theirs.nit, "d"),
                   seven=shown(sp_ours.iterations, "d"), net_ours=shown(net_ours.iterations, "d"),
                   net_theirs=shown(net_theirs.nit, "d"), net_d=shown(count_params(SMALL_SIZES), ",d"),
                   net_gap=scientific_text(abs(net_ours.loss - net_theirs.fun) / net_theirs.fun, 1),
                   l2=shown(SMALL_L2, "g"))


def rosenbrock_figure():
    """Rosenbrock's valley with the paths of nblib's L-BFGS and scipy's L-BFGS-B, and their losses."""
    ours, theirs, path = scipy_comparison()["Rosenbrock"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.6, 3.5), width_ratios=[1.2, 1])
    bowl_contour(left, rosenbrock.f, xlim=(-1.5, 1.5), ylim=(-0.6, 1.6), labels=("$w_1$", "$w_2$"), levels=16,
                 minimum=(1.0, 1.0))
    draw_path(left, path, METHOD_COLORS["L-BFGS-B (scipy)"], label=f"scipy L-BFGS-B, {theirs.nit} iterations",
              markersize=6)
    draw_path(left, ours.path, METHOD_COLORS["L-BFGS (nblib)"], label=f"nblib L-BFGS, {ours.iterations} iterations")
    left.legend(loc="lower right", fontsize=9, frameon=True, framealpha=0.9)
    set_axes(left, title="Rosenbrock's valley")
    right.semilogy(np.maximum(rosenbrock.f(path), 1e-20), marker="o", markersize=5,
                   color=METHOD_COLORS["L-BFGS-B (scipy)"], label="scipy L-BFGS-B")
    right.semilogy(np.maximum(ours.losses, 1e-20), marker="o", markersize=2.5, color=METHOD_COLORS["L-BFGS (nblib)"],
                   label="nblib L-BFGS")
    set_axes(right, xlabel="iteration", ylabel="loss", title="loss (log scale)", legend=True)
    return figure(fig)


# --- L-BFGS beside Adam ---------------------------------------------------------------------------

#: The seeds of the comparison, the budget of full-batch gradients, and Adam's learning rates tried.
SEEDS = (0, 1, 2, 3, 4)
BUDGET = 200
ADAM_LRS = (0.01, 0.03, 0.1, 0.3, 1.0)
#: Passes over the data in the mini-batch comparison, and Adam's batch size there.
EPOCHS = 10
BATCH = 25


def _adam_runs(loss_and_grad, W0, lr, steps):
    """Adam on R networks at once (the rows of ``W0: (R, d)``): the losses ``(steps + 1, R)`` before
    each step and after the last, and the final weights ``(R, d)``."""
    W = W0.copy()
    optimizer = Adam(lr)
    losses = []
    for _ in range(steps):
        J, G = loss_and_grad(W)
        losses.append(J)
        optimizer.step([W], [G])
    losses.append(loss_and_grad(W)[0])
    return np.array(losses), W


def _minibatch_adam(W0, lr, epochs, seed=0):
    """Mini-batch Adam (batches of ``BATCH``, reshuffled every epoch) on the rows of ``W0``: final weights."""
    X, y, _ = images()
    rng = np.random.default_rng(seed)
    W = W0.copy()
    optimizer = Adam(lr)
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), BATCH):
            batch = order[start:start + BATCH]
            G = batched_loss_and_grad(SMALL_SIZES, X[batch], y[batch], "cross_entropy", SMALL_L2)(W)[1]
            optimizer.step([W], [G])
    return W


def _lbfgs_counted(fun, w0, budget):
    """L-BFGS within ``budget`` gradient evaluations after the one at the start: the best loss after
    each number of evaluations ``(budget + 1,)`` (entry k: after k more than the start's), and the last point."""
    record = []

    def counted(w):
        J, g = fun(w)
        record.append(J)
        return J, g

    result = lbfgs.minimize(counted, w0, max_iter=budget, max_evals=budget + 1, gtol=0.0, ftol=0.0)
    losses = np.array(record[:budget + 1])
    losses = np.concatenate([losses, np.full(budget + 1 - len(losses), losses.min())])
    return np.fmin.accumulate(losses), result.w


@functools.lru_cache(maxsize=1)
@one_thread
def adam_race():
    """Full-batch L-BFGS and Adam on the small network (cross-entropy with the L2 penalty ``SMALL_L2``)
    for every seed of ``SEEDS``, Adam with the learning rate of ``ADAM_LRS`` that does best for each seed.

    Returns a dict of arrays over the seeds: the best loss so far against the number of full-batch
    gradient evaluations (``"lbfgs"``, ``"adam"``, each ``(seeds, BUDGET + 1)``); the losses after
    ``EPOCHS`` passes over the data, of L-BFGS (``EPOCHS`` full-batch evaluations) and of mini-batch
    Adam (batches of ``BATCH``; ``"epochs_lbfgs"``, ``"epochs_adam"``); held-out accuracies after the
    budget (``"acc_lbfgs"``, ``"acc_adam"``); the chosen learning rates (``"adam_lr"``, ``"minibatch_lr"``).
    """
    X, y, _ = images()
    X_out, y_out = held_out_images()
    loss_and_grad = batched_loss_and_grad(SMALL_SIZES, X, y, "cross_entropy", SMALL_L2)
    W0 = np.array([small_network_fun(seed)[1] for seed in SEEDS])
    net = MLP(SMALL_SIZES, activation="tanh", seed=0)

    def accuracy(w):
        net.set_params(unflat(net, w))
        return net.accuracy(X_out, y_out)

    counted = [_lbfgs_counted(small_network_fun(seed)[0], W0[i], BUDGET) for i, seed in enumerate(SEEDS)]
    lbfgs_curves = np.array([curve for curve, _ in counted])
    adam = {lr: _adam_runs(loss_and_grad, W0, lr, BUDGET) for lr in ADAM_LRS}
    best = [min(ADAM_LRS, key=lambda lr: adam[lr][0][-1, i]) for i in range(len(SEEDS))]
    minibatch = {lr: loss_and_grad(_minibatch_adam(W0, lr, EPOCHS))[0] for lr in ADAM_LRS}
    mini_best = [min(ADAM_LRS, key=lambda lr: minibatch[lr][i]) for i in range(len(SEEDS))]
    gradient = lambda w: float(np.max(np.abs(loss_and_grad(np.atleast_2d(w))[1])))  # noqa: E731
    return dict(lbfgs=lbfgs_curves,
                grad_lbfgs=np.array([gradient(w) for _, w in counted]),
                grad_adam=np.array([gradient(adam[lr][1][i]) for i, lr in enumerate(best)]),
                adam=np.array([np.fmin.accumulate(adam[lr][0][:, i]) for i, lr in enumerate(best)]),
                epochs_lbfgs=lbfgs_curves[:, EPOCHS],
                epochs_adam=np.array([minibatch[lr][i] for i, lr in enumerate(mini_best)]),
                acc_lbfgs=np.array([accuracy(w) for _, w in counted]),
                acc_adam=np.array([accuracy(adam[lr][1][i]) for i, lr in enumerate(best)]),
                adam_lr=np.array(best), minibatch_lr=np.array(mini_best))


def evaluations_to(curves, targets):
    """For each row of ``curves (seeds, BUDGET + 1)``, the first evaluation count at which it is at most its
    target (``BUDGET + 1`` if never)."""
    counts = []
    for curve, target in zip(curves, targets):
        hits = np.flatnonzero(curve <= target)
        counts.append(int(hits[0]) if hits.size else BUDGET + 1)
    return np.array(counts)


#: "Close to the end": within this factor of the loss L-BFGS ends with, seed by seed.
CLOSE = 1.05


def _round_up(x, digits=2):
    """``x > 0`` rounded up to ``digits`` significant digits (so that "below" stays true)."""
    scale = 10.0 ** (np.floor(np.log10(x)) - digits + 1)
    return float(np.ceil(x / scale) * scale)


def race_numbers():
    """The verdicts the prose states, over the seeds."""
    race = adam_race()
    targets = CLOSE * race["lbfgs"][:, -1]
    reach_l, reach_a = evaluations_to(race["lbfgs"], targets), evaluations_to(race["adam"], targets)
    final_l, final_a = race["lbfgs"][:, -1], race["adam"][:, -1]
    return numbers(seeds=shown(len(SEEDS), "d"), budget=shown(BUDGET, "d"), epochs=shown(EPOCHS, "d"),
                   batch=shown(BATCH, "d"), updates=shown(EPOCHS * int(np.ceil(N_IMAGES / BATCH)), "d"),
                   lbfgs_median=shown(float(np.median(final_l)), ".4f"),
                   adam_median=shown(float(np.median(final_a)), ".4f"),
                   wins=shown(int(np.sum(final_l < final_a)), "d"),
                   close=shown(100 * (CLOSE - 1), ".0f"),
                   reach_lbfgs=shown(int(np.median(reach_l)), "d"), reach_adam=shown(int(np.median(reach_a)), "d"),
                   reach_lbfgs_max=shown(int(np.max(reach_l)), "d"), reach_adam_min=shown(int(np.min(reach_a)), "d"),
                   grad_lbfgs=scientific_text(_round_up(float(np.max(race["grad_lbfgs"]))), 2),
                   grad_ratio=shown(float(np.min(race["grad_adam"] / race["grad_lbfgs"])), ",.0f"),
                   ep_lbfgs=shown(float(np.median(race["epochs_lbfgs"])), ".3f"),
                   ep_adam=shown(float(np.median(race["epochs_adam"])), ".3f"),
                   ep_wins=shown(int(np.sum(race["epochs_adam"] < race["epochs_lbfgs"])), "d"),
                   acc_lbfgs=shown(100 * float(np.mean(race["acc_lbfgs"])), ".1f"),
                   acc_adam=shown(100 * float(np.mean(race["acc_adam"])), ".1f"),
                   adam_lrs=Shown(ADAM_LRS, ", ".join(f"{lr:g}" for lr in ADAM_LRS[:-1]) + f" and {ADAM_LRS[-1]:g}"), n_out=shown(len(held_out_images()[1]), "d"))


def race_figure():
    """The best training loss so far against full-batch gradient evaluations, L-BFGS and Adam, every seed."""
    race = adam_race()
    fig, ax = plt.subplots(figsize=(6.8, 3.5))
    k = np.arange(BUDGET + 1)
    for i, _ in enumerate(SEEDS):
        ax.semilogy(k, race["lbfgs"][i], color=METHOD_COLORS["L-BFGS (nblib)"], linewidth=1.2,
                    label="L-BFGS" if i == 0 else None)
        ax.semilogy(k, race["adam"][i], color=METHOD_COLORS["Adam"], linewidth=1.2,
                    label="Adam, best learning rate" if i == 0 else None)
    set_axes(ax, xlabel="full-batch gradient evaluations", ylabel="training loss (cross-entropy)",
             title=f"a 64-16-10 network on {N_IMAGES} digits, {len(SEEDS)} seeds", legend=True, xlim=(0, BUDGET))
    return figure(fig)


# --- Diagonal preconditioners ----------------------------------------------------------------------

def condition(A):
    """The condition number of a symmetric positive definite matrix: largest over smallest eigenvalue."""
    eigenvalues = np.linalg.eigvalsh(A)
    return float(eigenvalues[-1] / eigenvalues[0])


def preconditioned(P):
    """The Hessian as preconditioned descent with ``P`` sees it, ``P^(1/2) H P^(1/2)`` (P symmetric positive)."""
    values, vectors = np.linalg.eigh(P)
    root = vectors @ np.diag(np.sqrt(values)) @ vectors.T
    return root @ HESSIAN @ root


def centred_hessian():
    """The Hessian of the seven points' MSE for the line ``m (x - mean x) + c``: diagonal."""
    xc = _X7 - _X7.mean()
    return 2 * np.array([[np.mean(xc ** 2), np.mean(xc)], [np.mean(xc), 1.0]])


def preconditioner_numbers():
    """Condition numbers the steps see: plain, with the best diagonal scaling, with Newton's ``H^-1``."""
    diagonal = np.diag(1 / np.diag(HESSIAN))
    return numbers(kappa=shown(condition(HESSIAN), ".0f"), kappa_diag=shown(condition(preconditioned(diagonal)), ".0f"),
                   kappa_newton=shown(condition(preconditioned(np.linalg.inv(HESSIAN))), ".1f"),
                   kappa_centred=shown(condition(centred_hessian()), ".1f"),
                   steps_diag=shown(_steps_to(diagonal), ",d"), steps_gd=shown(_steps_to(np.eye(2)), ",d"),
                   correlation=shown(HESSIAN[0, 1] / np.sqrt(HESSIAN[0, 0] * HESSIAN[1, 1]), ".3f"))


def _best_rate(P):
    """The best learning rate for preconditioned descent with ``P``: ``2 / (lambda_min + lambda_max)`` of ``P H``."""
    lo, hi = np.linalg.eigvalsh(preconditioned(P))[[0, -1]]
    return 2 / (lo + hi)


def _steps_to(P, tol=1e-6, steps=4000):
    path = gd_path(P, _best_rate(P), steps)
    return _steps_below(np.linalg.norm(path - W_STAR, axis=1) / np.linalg.norm(START - W_STAR), tol)


def preconditioner_figure(steps=30):
    """Plain descent, the best diagonal preconditioner and Newton on the seven points' bowl: paths and distances."""
    diagonal = np.diag(1 / np.diag(HESSIAN))
    runs = {"gradient descent": (np.eye(2), None), "diagonal": (diagonal, None),
            "Newton": (np.linalg.inv(HESSIAN), 1.0)}
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.6, 3.5), width_ratios=[1.2, 1])
    bowl_contour(left, seven_loss, labels=("slope $m$", "intercept $b$"), minimum=W_STAR, **_SEVEN_WINDOW)
    start = np.linalg.norm(START - W_STAR)
    labels = {"gradient descent": "$P = I$ (gradient descent)", "diagonal": "$P$ diagonal",
              "Newton": "$P = H^{-1}$ (Newton)"}
    for name, (P, lr) in runs.items():
        lr = _best_rate(P) if lr is None else lr
        path = gd_path(P, lr, steps)
        draw_path(left, path, METHOD_COLORS[name], label=labels[name], markersize=3 if name != "Newton" else 6)
        long = gd_path(P, lr, 400)
        right.semilogy(np.maximum(np.linalg.norm(long - W_STAR, axis=1) / start, 1e-16), color=METHOD_COLORS[name],
                       label=labels[name])
    left.legend(loc="upper right", fontsize=8, frameon=True, framealpha=0.9)
    set_axes(left, title=f"{steps} steps of $w - \\alpha P g$")
    set_axes(right, xlabel="step $t$", ylabel="distance to the minimum\n(fraction of the start)", ylim=(1e-17, 3),
             title="distance (log scale)", legend=True)
    return figure(fig)


# --- The edge of stability --------------------------------------------------------------------------

#: The edge-of-stability network: layer widths, the factor on the usual initial weights, the steps.
EOS_SIZES = (64, 24, 10)
INIT_SCALE = 0.3
EOS_STEPS = 400
#: Sharpness is measured every ``EVERY`` steps, with ``POWER_STEPS`` warm-started power iterations.
EVERY = 20
POWER_STEPS = 3
#: The learning rates of the runs (and of the explorable's slider).
EOS_LRS = tuple(np.round(np.linspace(2.8, 3.6, 21), 2))
#: The learning rates the figure shows.
FIGURE_LRS = (2.8, 3.2, 3.6)
#: The eps of the finite-difference Hessian-vector products.
HVP_EPS = 1e-4


def batched_loss_and_grad(sizes, X, T, loss="mse", l2=0.0):
    """``loss_and_grad(w) -> (J (R,), g (R, d))`` for R one-hidden-layer tanh networks at once.

    sizes: ``(d_in, hidden, d_out)``; X: inputs ``(n, d_in)``; T: for ``"mse"`` targets
    ``(n, d_out)``, for ``"cross_entropy"`` integer labels ``(n,)``. w: ``(R, d)``, one flat parameter
    vector per row in the order of :func:`flat_params`. The loss and gradient are those of
    ``nn.MLP(sizes, "tanh").loss_and_grads(X, T, loss, l2=l2)`` (the penalty on the weights only),
    computed for all rows with a few matrix products and none of the per-call checks, which here
    would cost more than the arithmetic (a test compares the two).
    """
    D, Hd, K = sizes
    n = len(X)
    onehot = np.eye(K)[T] if loss == "cross_entropy" else None

    def loss_and_grad(w):
        R = w.shape[0]
        W1 = w[:, :D * Hd].reshape(R, D, Hd)
        b1 = w[:, D * Hd:D * Hd + Hd]
        o = D * Hd + Hd
        W2 = w[:, o:o + Hd * K].reshape(R, Hd, K)
        b2 = w[:, o + Hd * K:]
        Z = (X @ W1.transpose(1, 0, 2).reshape(D, R * Hd)).reshape(n, R, Hd).transpose(1, 0, 2)
        A = np.tanh(Z + b1[:, None, :])
        out = A @ W2 + b2[:, None, :]
        if loss == "mse":
            r = out - T
            J = np.mean(r * r, axis=(1, 2))
            delta = r * (2 / (n * K))
        else:
            top = out.max(axis=2, keepdims=True)
            logp = out - top - np.log(np.exp(out - top).sum(axis=2, keepdims=True))
            J = -np.mean(np.sum(logp * onehot, axis=2), axis=1)
            delta = (np.exp(logp) - onehot) / n
        gW2 = A.transpose(0, 2, 1) @ delta
        d1 = delta @ W2.transpose(0, 2, 1)
        d1 *= 1 - A * A
        gW1 = (X.T @ d1.transpose(1, 0, 2).reshape(n, R * Hd)).reshape(D, R, Hd).transpose(1, 0, 2)
        if l2:
            J = J + l2 / 2 * (np.sum(W1 * W1, axis=(1, 2)) + np.sum(W2 * W2, axis=(1, 2)))
            gW1 = gW1 + l2 * W1
            gW2 = gW2 + l2 * W2
        return J, np.concatenate([gW1.reshape(R, -1), d1.sum(axis=1), gW2.reshape(R, -1), delta.sum(axis=1)], axis=1)

    return loss_and_grad


def _batched_grad(sizes):
    """``grad(w: (R, d)) -> (R, d)`` of the MSE of a tanh network ``sizes`` on the chapter's images."""
    X, _, Y = images()
    loss_and_grad = batched_loss_and_grad(sizes, X, Y)
    return lambda w: loss_and_grad(w)[1]


def _batched_loss_and_grad(sizes):
    X, _, Y = images()
    return batched_loss_and_grad(sizes, X, Y)


def _batched_hessian(grad, w, chunk=128):
    """The full Hessian ``(d, d)`` at ``w: (d,)`` by centred differences of ``grad`` (batched), symmetrized."""
    d = w.size
    columns = []
    with threadpool_limits(1):
        for start in range(0, d, chunk):
            E = np.eye(d)[start:start + chunk] * HVP_EPS
            columns.append((grad(w + E) - grad(w - E)) / (2 * HVP_EPS))
    H = np.concatenate(columns)
    return (H + H.T) / 2


@functools.lru_cache(maxsize=1)
@one_thread
def eos_runs():
    """Full-batch gradient descent on the edge-of-stability network at every rate of ``EOS_LRS`` at once.

    All runs start from the same weights: ``nn.MLP(EOS_SIZES, "tanh", seed=0)``'s, times ``INIT_SCALE``.
    Returns a dict (read-only arrays): ``"loss"`` ``(EOS_STEPS + 1, R)``, the loss before each step
    (and after the last); ``"sharpness"`` ``(EOS_STEPS // EVERY + 1, R)``, lambda_max measured every
    ``EVERY`` steps by power iteration (warm-started from the previous eigenvector); ``"steps"``, the
    steps of those measurements; ``"w"`` ``(R, d)``, the final weights; ``"lrs"``. A run whose loss
    is no longer finite has NaN from then on.
    """
    loss_and_grad = _batched_loss_and_grad(EOS_SIZES)
    grad = lambda w: loss_and_grad(w)[1]  # noqa: E731
    lrs = np.array(EOS_LRS)[:, None]
    w = np.tile(INIT_SCALE * flat_params(MLP(list(EOS_SIZES), activation="tanh", seed=0)), (len(EOS_LRS), 1))
    v = np.random.default_rng(0).normal(size=w.shape)
    losses, sharpness = [], []
    with threadpool_limits(1), np.errstate(over="ignore", invalid="ignore"):
        for step in range(EOS_STEPS + 1):
            J, g = loss_and_grad(w)
            losses.append(J)
            if step % EVERY == 0:
                for _ in range(POWER_STEPS if step else 20):
                    v = v / np.linalg.norm(v, axis=1, keepdims=True)
                    Hv = (grad(w + HVP_EPS * v) - grad(w - HVP_EPS * v)) / (2 * HVP_EPS)
                    estimate = np.sum(v * Hv, axis=1)
                    v = np.where(np.isfinite(Hv), Hv, 1.0)
                sharpness.append(estimate)
            if step < EOS_STEPS:
                w = w - lrs * g
    runs = dict(loss=np.array(losses), sharpness=np.array(sharpness), steps=np.arange(0, EOS_STEPS + 1, EVERY),
                w=w, lrs=np.array(EOS_LRS))
    for key, array in runs.items():
        runs[key] = np.where(np.isfinite(array), array, np.nan) if array.dtype.kind == "f" else array
        runs[key].flags.writeable = False
    return runs


def _column(lr):
    """The run index of a learning rate of ``EOS_LRS``."""
    return int(np.argmin(np.abs(np.array(EOS_LRS) - lr)))


#: Where the plateau is measured: from this step to the end.
PLATEAU_START = 240


def plateau(lr, start=PLATEAU_START):
    """The sharpness measured from step ``start`` on, divided by ``2 / lr``: ``(k,)``."""
    runs = eos_runs()
    keep = runs["steps"] >= start
    return runs["sharpness"][keep, _column(lr)] * lr / 2


def reach_step(lr, level=0.95):
    """The first measured step at which the sharpness reaches ``level`` times ``2 / lr`` (None if never)."""
    runs = eos_runs()
    ratio = runs["sharpness"][:, _column(lr)] * lr / 2
    hits = np.flatnonzero(ratio >= level)
    return int(runs["steps"][hits[0]]) if hits.size else None


def rises(lr, start=PLATEAU_START):
    """The fraction of the steps from ``start`` on at which the loss went up."""
    loss = eos_runs()["loss"][start:, _column(lr)]
    return float(np.mean(np.diff(loss) > 0))


def overshoot(lr):
    """How far the sharpness rises above ``2 / lr`` before it settles: the largest ratio minus 1."""
    runs = eos_runs()
    return float(np.max(runs["sharpness"][:, _column(lr)]) * lr / 2 - 1)


def spike_and_fall(lr):
    """The step of the loss's largest rise (after the first ``2 * EVERY`` steps), and the middle of the
    interval between measurements over which the sharpness fell the most: ``(spike, fall)``."""
    runs = eos_runs()
    k = _column(lr)
    start = 2 * EVERY
    spike = int(np.argmax(np.diff(runs["loss"][start:, k]))) + start
    drop = int(np.argmin(np.diff(runs["sharpness"][:, k])))
    return spike, int(runs["steps"][drop]) + EVERY // 2


#: How close the recorded estimates are to a power iteration run to convergence (tested at the final weights).
ESTIMATE_TOL = 0.05
#: The tolerance the prose states for the plateau: every measurement of the second half within it of 2 / lr.
PLATEAU_TOL = 0.1
#: ... and the mean of the second half within this.
PLATEAU_MEAN_TOL = 0.03


def eos_numbers():
    """Everything the edge-of-stability section quotes."""
    runs = eos_runs()
    ratios = np.array([plateau(lr) for lr in EOS_LRS])
    means = ratios.mean(axis=1)
    low, mid, high = FIGURE_LRS
    return numbers(n=shown(N_IMAGES, "d"), d=shown(count_params(list(EOS_SIZES)), ",d"), steps=shown(EOS_STEPS, "d"),
                   every=shown(EVERY, "d"), power=shown(POWER_STEPS, "d"), scale=shown(INIT_SCALE, "g"),
                   start=shown(float(runs["sharpness"][0, 0]), ".2f"), lr_min=shown(EOS_LRS[0], ".1f"),
                   lr_max=shown(EOS_LRS[-1], ".1f"), n_lrs=shown(len(EOS_LRS), "d"),
                   threshold_min=shown(2 / EOS_LRS[-1], ".2f"), threshold_max=shown(2 / EOS_LRS[0], ".2f"),
                   low=shown(low, ".1f"), mid=shown(mid, ".1f"), high=shown(high, ".1f"),
                   reach_low=shown(reach_step(low), "d"), reach_high=shown(reach_step(high), "d"),
                   two_low=shown(2 / low, ".2f"), two_mid=shown(2 / mid, ".2f"), two_high=shown(2 / high, ".2f"),
                   mean_lo=shown(100 * (means.min() - 1), "+.0f"), mean_hi=shown(100 * (means.max() - 1), "+.0f"),
                   worst=shown(100 * float(np.max(np.abs(ratios - 1))), ".0f"),
                   tol=shown(100 * PLATEAU_TOL, ".0f"), mean_tol=shown(100 * PLATEAU_MEAN_TOL, ".0f"),
                   rises_mid=shown(100 * rises(mid), ".0f"), estimate_tol=shown(100 * ESTIMATE_TOL, ".0f"),
                   loss_start=shown(float(runs["loss"][0, 0]), ".3f"),
                   loss_mid=shown(float(runs["loss"][-1, _column(mid)]), ".4f"),
                   plateau_start=shown(PLATEAU_START, "d"),
                   over_lo=shown(100 * min(overshoot(lr) for lr in EOS_LRS), ".0f"),
                   over_hi=shown(100 * max(overshoot(lr) for lr in EOS_LRS), ".0f"), sizes=Shown(EOS_SIZES, "-".join(str(k) for k in EOS_SIZES)))


def _eos_axes(left, right):
    set_axes(left, xlabel="step $t$", ylabel=r"sharpness $\lambda_{max}$", xlim=(0, EOS_STEPS),
             ylim=(0, 1.0), title="sharpness and $2/\\alpha$")
    set_axes(right, xlabel="step $t$", ylabel="training loss (MSE)", xlim=(0, EOS_STEPS), ylim=(1e-3, 0.2),
             yscale="log", title="loss (log scale)")


_LR_COLORS = (COLORS["data"], COLORS["model"], COLORS["good"])


def eos_figure():
    """Sharpness against the step with the lines 2 / lr, and the training loss, for ``FIGURE_LRS``."""
    runs = eos_runs()
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.6, 3.5))
    for lr, color in zip(FIGURE_LRS, _LR_COLORS):
        k = _column(lr)
        left.plot(runs["steps"], runs["sharpness"][:, k], marker="o", markersize=3, color=color, label=f"α = {lr}")
        left.axhline(2 / lr, color=color, linestyle="--", linewidth=1)
        right.plot(np.arange(EOS_STEPS + 1), runs["loss"][:, k], color=color, linewidth=1, label=f"α = {lr}")
    _eos_axes(left, right)
    left.legend(loc="lower right", fontsize=9, frameon=True, framealpha=0.9)
    right.legend(loc="upper right", fontsize=9, frameon=True, framealpha=0.9)
    return figure(fig)


#: The explorable's step slider: the steps at which sharpness was measured.
STEP_STOPS = tuple(range(0, EOS_STEPS + 1, EVERY))
#: Every how many steps the explorable's loss curve keeps a point.
LOSS_STRIDE = 4


def eos_view(fig):
    """The explorable's view: left, the sharpness up to the chosen step and the line 2 / lr; right, the
    training loss up to that step. Returns ``update(lr, step)``."""
    runs = eos_runs()
    left, right = fig.subplots(1, 2)
    _eos_axes(left, right)
    trace, = left.plot([], [], marker="o", markersize=3, color=COLORS["model"], label=r"$\lambda_{max}$")
    line = left.axhline(1.0, color=COLORS["ink"], linestyle="--", linewidth=1, label=r"$2/\alpha$")
    left.legend(loc="lower right", fontsize=9, frameon=True, framealpha=0.9)
    curve, = right.plot([], [], color=COLORS["model"], linewidth=1)
    status = left.text(0.03, 0.96, "", transform=left.transAxes, ha="left", va="top", fontsize=9,
                       bbox=dict(facecolor="white", edgecolor="none", alpha=0.85))
    freeze_background(fig, [trace, line, curve, status])
    loss_steps = np.arange(0, EOS_STEPS + 1, LOSS_STRIDE)

    def update(lr, step):
        k = _column(lr)
        upto = runs["steps"] <= step
        sharp = runs["sharpness"][upto, k]
        line.set_ydata([2 / lr, 2 / lr])
        finite = np.isfinite(sharp)
        trace.set_data(runs["steps"][upto][finite], sharp[finite])
        shown_steps = loss_steps[loss_steps <= step]
        loss = runs["loss"][shown_steps, k]
        ok = np.isfinite(loss)
        curve.set_data(shown_steps[ok], loss[ok])
        if not finite.all() or not ok.all():
            status.set_text("diverged")
            return f"Step {step}, learning rate {lr}: diverged."
        status.set_text(f"λ = {sharp[-1]:.2f}, 2/α = {2 / lr:.2f}")
        return f"Step {step}: sharpness {sharp[-1]:.2f}, 2/α {2 / lr:.2f}, loss {loss[-1]:.4f}."

    return update


# --- Exercises --------------------------------------------------------------------------------------

check_12_1 = NumberCheck(2 / 3, rtol=1e-3, hints=[
    (1 - 4 / 12 * 2, "Newton divides the slope by the curvature once: w - f'(w) / f''(w), no factor 2."),
    (1 - 12 / 4, "The slope goes on top and the curvature below: f'(w) / f''(w)."),
    (1 + 4 / 12, "Newton's step goes against the slope: subtract f'(w) / f''(w)."),
    (0.0, "That is the minimum of w**4, but one Newton step does not reach it: w**4 is not a quadratic."),
    (1 - 0.1 * 4, "That is a gradient step with a learning rate; Newton's step uses the curvature instead."),
], hint="f'(w) = 4 w**3 and f''(w) = 12 w**2; compute w - f'(w) / f''(w) at w = 1.")

_D = count_params([784, 15, 10])
check_12_2 = NumberCheck(_D ** 2 * 8 / 1e9, rtol=2e-2, hints=[
    (_D ** 2 * 4 / 1e9, "That is half of it: 4 bytes a number (float32), or one triangle of the symmetric "
                        "matrix; the book stores the whole matrix in float64, 8 bytes a number."),
    (_D * 8 / 1e9, "That is one vector of d numbers, the size of a gradient; the Hessian has d times d entries."),
    (_D ** 2 * 8 / 2 ** 30, "That is in GiB (2**30 bytes); the question asks for GB, 10**9 bytes."),
    (_D ** 2 * 8 / 1e6, "That is in MB; divide by 1000 more for GB."),
    (_D ** 2 / 1e9, "Count the bytes: each entry takes 8 of them in float64."),
], hint="d = 11,935; the Hessian has d**2 entries of 8 bytes each; 1 GB = 10**9 bytes.")


def _hvp(grad, w, v, eps):
    return (grad(w + eps * v) - grad(w - eps * v)) / (2 * eps)


_A = np.array([[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 1.0]])


def _quadratic_grad(w):
    return _A @ w


def _quartic_grad(w):
    return np.array([4 * w[0] ** 3 + w[1], w[0] + 2 * w[1]])


_HVP_CASES = [(_quadratic_grad, np.array([1.0, -1.0, 2.0]), np.array([0.0, 1.0, 0.0]), 1e-4),
              (_quadratic_grad, np.zeros(3), np.array([1.0, 2.0, 3.0]), 1e-3),
              (_quartic_grad, np.array([1.0, 0.5]), np.array([1.0, 0.0]), 1e-5),
              (_quartic_grad, np.array([-0.5, 2.0]), np.array([0.3, -1.0]), 1e-5)]


def _hvp_gives(f, want):
    try:
        got = np.asarray(f(*_HVP_CASES[2]), dtype=float)
    except Exception:
        return False
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=1e-3))


_G, _W, _V, _E = _HVP_CASES[2]
check_12_3 = FunctionCheck(_hvp, _HVP_CASES, rtol=1e-4, atol=1e-6, hints=[
    (lambda f: _hvp_gives(f, (_G(_W + _E * _V) - _G(_W - _E * _V)) / _E),
     "The two points are 2 eps apart: divide by 2 * eps."),
    (lambda f: _hvp_gives(f, _G(_W)),
     "That is the gradient itself; the product H v is how the gradient changes along v."),
    (lambda f: _hvp_gives(f, -(_G(_W + _E * _V) - _G(_W - _E * _V)) / (2 * _E)),
     "Check the order: the gradient at w + eps v comes first."),
], hint="Two gradients, at w + eps * v and at w - eps * v; their difference over 2 * eps.")

_EOS_CHOICES = ["about 2", "about 20", "about 200", "about 0.02", "it keeps rising"]
check_12_4 = ChoiceCheck("about 200", _EOS_CHOICES, explanations={
    "about 2": "2 would be the threshold for a learning rate of 1; the threshold is 2 / alpha.",
    "about 20": "2 / 0.01 is larger than 20: divide again.",
    "about 0.02": "That is 2 times alpha; the threshold divides 2 by alpha.",
    "it keeps rising": "Once the sharpness reaches 2 / alpha, gradient descent cannot stay stable above "
                       "it: the sharpness stops rising there and hovers.",
}, hint="The threshold of chapter 3 is 2 / lambda_max; at the edge of stability it holds the other way round.")
