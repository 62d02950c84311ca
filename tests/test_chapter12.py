"""Chapter 12's own code (nblib.chapters.ch12): its numbers, its claims, its explorable and its checks.

Every comparative sentence of the chapter and every "thing to try" under its explorable has a
test here, over the seeds and learning rates the prose relies on.
"""

import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib import curvature
from nblib.chapters import ch12
from nblib.data import seven_points
from nblib.nn import MLP

matplotlib.use("Agg")

x7, y7 = seven_points()


# --- The batched network is nblib's MLP --------------------------------------------------------

@pytest.mark.parametrize("loss, l2", [("mse", 0.0), ("cross_entropy", 0.0), ("cross_entropy", 1e-3), ("mse", 0.1)])
def test_batched_gradients_are_the_mlps(loss, l2):
    X, labels, Y = ch12.images()
    T = Y if loss == "mse" else labels
    sizes = [64, 5, 10]
    nets = [MLP(sizes, activation="tanh", seed=seed) for seed in range(3)]
    W = np.array([ch12.flat_params(net) for net in nets])
    J, G = ch12.batched_loss_and_grad(sizes, X, T, loss, l2)(W)
    for k, net in enumerate(nets):
        J_net, grads = net.loss_and_grads(X, T, loss, l2=l2)
        assert J[k] == pytest.approx(J_net, rel=1e-12)
        np.testing.assert_allclose(G[k], np.concatenate([g.ravel() for g in grads]), rtol=1e-10, atol=1e-14)


def test_flat_params_round_trip():
    net = MLP([64, 5, 10], activation="tanh", seed=0)
    w = ch12.flat_params(net)
    assert w.shape == (net.n_params,)
    assert all(np.array_equal(a, p) for a, p in zip(ch12.unflat(net, w), net.params))


# --- Newton ------------------------------------------------------------------------------------

def test_newton_lands_on_the_least_squares_line_in_one_step():
    newt = ch12.newton_numbers()
    m, b = np.polyfit(x7, y7, 1)
    np.testing.assert_allclose(ch12.W_STAR, [m, b], atol=1e-12)
    assert (str(newt.m), str(newt.b), str(newt.loss), str(newt.kappa)) == ("0.3356", "0.8047", "0.0181", "316")
    assert newt.gap.value < 1e-12
    mu, L = np.linalg.eigvalsh(ch12.HESSIAN)
    rate = (L - mu) / (L + mu)  # plain descent's factor per step at its best learning rate
    assert abs(newt.steps_gd.value - np.log(1e-6) / np.log(rate)) < 60


def test_the_hessian_is_the_seven_points_hessian_from_hessian_vector_products():
    np.testing.assert_allclose(curvature.hessian(ch12.seven_grad, np.array([0.1, 2.0])), ch12.HESSIAN, rtol=1e-8)


def test_cost_numbers():
    cost = ch12.cost_numbers()
    assert str(cost.d) == "11,935" and str(cost.gb) == "1.14" and str(cost.n_grads) == "23,870"
    assert cost.d2.value == 11935 ** 2
    assert cost.estimate.value > 1  # one solve of the full system takes seconds at least, on any machine
    assert str(cost.kb) == "95"


# --- Hessian-vector products and power iteration ------------------------------------------------

def test_hvp_matches_the_exact_product():
    assert ch12.hvp_numbers().error.value < 1e-8


def test_power_iteration_against_the_full_hessian_computed_by_nblibs_network():
    result, estimates, eigenvalues = ch12.power_run()
    X, _, Y = ch12.images()
    net = MLP([64, 8, 10], activation="tanh", seed=0)
    fun = ch12.network_fun(net, X, Y, loss="mse")
    w = ch12.INIT_SCALE * ch12.flat_params(MLP([64, 8, 10], activation="tanh", seed=0))
    H = curvature.hessian(lambda p: fun(p)[1], w, eps=1e-4)
    independent = np.linalg.eigvalsh(H)
    assert eigenvalues[-1] == pytest.approx(independent[-1], rel=1e-5)
    assert eigenvalues[0] == pytest.approx(independent[0], rel=1e-4)
    assert result.error.value < 1e-2 and result.lowest.value < 0
    assert eigenvalues[-2] / eigenvalues[-1] > 0.9  # "close behind, so the power iteration converges slowly"


# --- L-BFGS against scipy ----------------------------------------------------------------------

def test_lbfgs_matches_scipy_on_the_three_problems():
    runs = ch12.scipy_comparison()
    ours, theirs, path = runs["Rosenbrock"]
    assert ours.loss < 1e-10 and theirs.fun < 1e-10
    assert abs(ours.iterations - theirs.nit) <= 0.2 * theirs.nit
    np.testing.assert_allclose(ours.path[:5], path[:5], atol=0.1)  # "along nearly the same path"
    ours, theirs, _ = runs["seven points"]
    assert ours.iterations == theirs.nit == 3
    ours, theirs, _ = runs["small network"]
    assert abs(ours.loss - theirs.fun) / theirs.fun < 0.02  # "final losses of nearly the same height"
    assert ours.converged and theirs.success
    cmp = ch12.comparison_numbers()
    assert cmp.net_gap.value == pytest.approx(abs(ours.loss - theirs.fun) / theirs.fun)
    assert "Rosenbrock" in ch12.comparison_rows()


# --- L-BFGS beside Adam: the verdict --------------------------------------------------------------

def test_lbfgs_gets_close_sooner_and_lands_on_a_minimum_in_every_seed():
    race = ch12.adam_race()
    targets = ch12.CLOSE * race["lbfgs"][:, -1]
    reach_l = ch12.evaluations_to(race["lbfgs"], targets)
    reach_a = ch12.evaluations_to(race["adam"], targets)
    assert np.all(reach_l < reach_a)
    assert np.all(race["grad_adam"] > 10 * race["grad_lbfgs"])
    numbers = ch12.race_numbers()
    assert numbers.grad_ratio.value > 10
    assert np.max(race["grad_lbfgs"]) <= numbers.grad_lbfgs.value
    assert numbers.wins.value >= 3  # L-BFGS ends lower in most seeds
    assert numbers.reach_lbfgs_max.value < numbers.reach_adam_min.value


def test_minibatch_adam_wins_per_pass_over_the_data_in_every_seed():
    race = ch12.adam_race()
    assert np.all(race["epochs_adam"] < race["epochs_lbfgs"])
    assert ch12.race_numbers().ep_wins.value == len(ch12.SEEDS)


def test_the_extra_precision_buys_no_accuracy():
    race = ch12.adam_race()
    assert abs(np.mean(race["acc_lbfgs"]) - np.mean(race["acc_adam"])) < 0.015
    assert np.all(np.abs(race["acc_lbfgs"] - race["acc_adam"]) < 0.03)


def test_adam_is_given_its_best_learning_rate():
    race = ch12.adam_race()
    assert set(race["adam_lr"]) <= set(ch12.ADAM_LRS)
    assert set(race["minibatch_lr"]) <= set(ch12.ADAM_LRS)


# --- Diagonal preconditioners ---------------------------------------------------------------------

def test_preconditioner_numbers():
    pre = ch12.preconditioner_numbers()
    assert str(pre.kappa) == "316" and str(pre.kappa_newton) == "1.0"
    assert 1 < pre.kappa_diag.value < pre.kappa.value / 2
    assert pre.steps_diag.value < pre.steps_gd.value
    assert pre.kappa_centred.value < 2
    assert ch12.condition(ch12.centred_hessian()) == pytest.approx(pre.kappa_centred.value)
    assert np.count_nonzero(np.round(ch12.centred_hessian() - np.diag(np.diag(ch12.centred_hessian())), 12)) == 0


def test_no_diagonal_scaling_does_better_than_the_diagonal_of_h():
    best = ch12.preconditioner_numbers().kappa_diag.value
    for s in np.geomspace(1e-3, 1e3, 2001):
        assert ch12.condition(ch12.preconditioned(np.diag([1.0, s]))) >= best * (1 - 1e-3)


# --- The edge of stability --------------------------------------------------------------------------

def test_every_run_is_finite_and_starts_below_its_threshold():
    runs = ch12.eos_runs()
    assert np.all(np.isfinite(runs["loss"])) and np.all(np.isfinite(runs["sharpness"]))
    assert len(ch12.EOS_LRS) >= 21
    for lr in ch12.EOS_LRS:
        assert runs["sharpness"][0, ch12._column(lr)] < 2 / lr  # the sharpness has to rise to get there


@pytest.mark.parametrize("lr", ch12.EOS_LRS)
def test_the_sharpness_plateaus_at_2_over_alpha(lr):
    ratios = ch12.plateau(lr)
    assert np.all(np.abs(ratios - 1) <= ch12.PLATEAU_TOL)
    assert abs(ratios.mean() - 1) <= ch12.PLATEAU_MEAN_TOL
    assert ch12.reach_step(lr) <= ch12.PLATEAU_START


@pytest.mark.parametrize("lr", ch12.EOS_LRS)
def test_the_loss_keeps_falling_but_not_at_every_step(lr):
    loss = ch12.eos_runs()["loss"][:, ch12._column(lr)]
    assert ch12.rises(lr) > 0.05
    assert loss[-1] < loss[0] / 10
    assert loss[-1] < loss[ch12.PLATEAU_START]


@pytest.mark.parametrize("lr", ch12.EOS_LRS)
def test_every_run_overshoots_then_the_loss_jumps_as_the_sharpness_falls_back(lr):
    assert ch12.overshoot(lr) > 0.1
    spike, fall = ch12.spike_and_fall(lr)
    assert abs(spike - fall) <= 30  # "within a few dozen steps"
    assert fall < ch12.PLATEAU_START


def test_the_eos_numbers_quote_the_runs():
    eos = ch12.eos_numbers()
    assert eos.worst.value <= 100 * ch12.PLATEAU_TOL
    assert -100 * ch12.PLATEAU_MEAN_TOL <= eos.mean_lo.value <= eos.mean_hi.value <= 100 * ch12.PLATEAU_MEAN_TOL
    assert eos.reach_high.value < eos.reach_low.value
    assert eos.loss_mid.value < eos.loss_start.value


def test_the_recorded_sharpness_is_the_largest_eigenvalue_at_the_final_weights():
    """Independent: nblib's own network and power iteration run to convergence, at the final weights of three runs.

    The recorded estimates (a few warm-started iterations) are within ``ESTIMATE_TOL`` of the converged
    values, and the converged values themselves sit within the plateau's tolerance of 2 / lr."""
    runs = ch12.eos_runs()
    X, _, Y = ch12.images()
    net = MLP(list(ch12.EOS_SIZES), activation="tanh", seed=0)
    fun = ch12.network_fun(net, X, Y, loss="mse")
    for lr in ch12.FIGURE_LRS:
        k = ch12._column(lr)
        result = curvature.largest_eigenvalue(lambda p: fun(p)[1], runs["w"][k], iterations=300, tol=1e-7, eps=1e-4)
        assert runs["sharpness"][-1, k] == pytest.approx(result.value, rel=ch12.ESTIMATE_TOL)
        assert abs(result.value * lr / 2 - 1) <= ch12.PLATEAU_TOL


def test_a_larger_learning_rate_ends_somewhere_flatter():
    ends = np.array([ch12.plateau(lr).mean() * 2 / lr for lr in ch12.EOS_LRS])
    assert ends[-1] < ends[0]
    assert np.corrcoef(ends, 2 / np.array(ch12.EOS_LRS))[0, 1] > 0.95


# --- The explorable and its things to try -------------------------------------------------------------

def _view():
    fig = Figure(figsize=(8.6, 3.4))
    update = ch12.eos_view(fig)
    left, right = fig.axes[:2]
    return fig, update, left, right


def _trace(left):
    return [line for line in left.get_lines() if line.get_marker() == "o"][0]


def test_explorable_frames_draw_without_warnings():
    fig, update, _, _ = _view()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for lr in ch12.EOS_LRS:
            for step in ch12.STEP_STOPS:
                assert update(lr=lr, step=step).startswith("Step")
        fig.canvas.draw()
    assert len(ch12.EOS_LRS) >= 21 and len(ch12.STEP_STOPS) >= 21


def test_a_diverged_run_says_so(monkeypatch):
    runs = {key: np.array(value, copy=True) for key, value in ch12.eos_runs().items()}
    runs["loss"][200:, 0] = np.nan
    runs["sharpness"][10:, 0] = np.nan
    monkeypatch.setattr(ch12, "eos_runs", lambda: runs)
    fig, update, left, _ = _view()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "diverged" in update(lr=ch12.EOS_LRS[0], step=ch12.EOS_STEPS)
        assert "diverged" in [t.get_text() for t in left.texts]
        fig.canvas.draw()
        assert "diverged" not in update(lr=ch12.EOS_LRS[0], step=100)


def test_try_alpha_2_8_the_sharpness_climbs_to_the_line_and_stays():
    _, update, left, _ = _view()
    update(lr=2.8, step=ch12.EOS_STEPS)
    steps, sharp = _trace(left).get_data()
    eos = ch12.eos_numbers()
    assert sharp[0] == pytest.approx(eos.start.value, abs=0.005)
    reach = eos.reach_low.value
    assert np.all(sharp[steps < reach] < 0.95 * 2 / 2.8) and sharp[steps == reach][0] >= 0.95 * 2 / 2.8
    assert np.all(np.abs(sharp[steps >= ch12.PLATEAU_START] * 2.8 / 2 - 1) <= ch12.PLATEAU_TOL)
    assert str(eos.two_low) == "0.71"


def test_try_alpha_3_6_reaches_its_lower_line_sooner():
    eos = ch12.eos_numbers()
    assert str(eos.two_high) == "0.56"
    assert ch12.reach_step(3.6) == eos.reach_high.value < ch12.reach_step(2.8)


def test_try_alpha_3_2_the_loss_rises_at_some_steps_yet_ends_lower():
    _, update, _, right = _view()
    update(lr=3.2, step=ch12.EOS_STEPS)
    steps, loss = right.get_lines()[0].get_data()
    late = loss[steps >= ch12.PLATEAU_START]
    assert np.any(np.diff(late) > 0)  # visible on the plotted curve
    assert late[-1] < late[0]


def test_try_sliding_alpha_at_step_400_the_sharpness_follows_the_line_down():
    _, update, left, _ = _view()
    ends = []
    for lr in ch12.EOS_LRS:
        update(lr=lr, step=ch12.EOS_STEPS)
        ends.append(_trace(left).get_data()[1][-1])
    ends = np.array(ends)
    assert ends[0] > ends[-1]
    assert np.corrcoef(ends, 2 / np.array(ch12.EOS_LRS))[0, 1] > 0.95


def test_figures_draw():
    for name in ("newton_figure", "power_figure", "rosenbrock_figure", "race_figure", "preconditioner_figure",
                 "eos_figure"):
        assert isinstance(getattr(ch12, name)(), Figure)


# --- Exercises --------------------------------------------------------------------------------------

def _hvp(grad, w, v, eps):
    return (grad(w + eps * v) - grad(w - eps * v)) / (2 * eps)


@pytest.mark.parametrize("check, answer", [
    (ch12.check_12_1, 2 / 3),
    (ch12.check_12_2, 11935 ** 2 * 8 / 1e9),
    (ch12.check_12_3, _hvp),
    (ch12.check_12_4, "about 200"),
])
def test_right_answers_pass_quietly(check, answer):
    assert check(answer).correct is True
    assert check.confirm(answer) is None


@pytest.mark.parametrize("check, wrong, hint", [
    (ch12.check_12_1, 1 / 3, "no factor 2"),
    (ch12.check_12_1, -2.0, "slope goes on top"),
    (ch12.check_12_1, 4 / 3, "against the slope"),
    (ch12.check_12_1, 0.0, "not a quadratic"),
    (ch12.check_12_2, 11935 ** 2 * 4 / 1e9, "float32"),
    (ch12.check_12_2, 11935 * 8 / 1e9, "d times d"),
    (ch12.check_12_2, 11935 ** 2 * 8 / 2 ** 30, "GiB"),
    (ch12.check_12_3, lambda grad, w, v, eps: (grad(w + eps * v) - grad(w - eps * v)) / eps, "2 * eps"),
    (ch12.check_12_3, lambda grad, w, v, eps: grad(w), "gradient itself"),
    (ch12.check_12_3, lambda grad, w, v, eps: (grad(w - eps * v) - grad(w + eps * v)) / (2 * eps), "order"),
    (ch12.check_12_3, lambda grad, w, v, eps: None, "return"),
    (ch12.check_12_4, "about 20", "divide again"),
    (ch12.check_12_4, "about 0.02", "2 times alpha"),
    (ch12.check_12_4, "it keeps rising", "hovers"),
])
def test_recognisable_mistakes_get_their_hint(check, wrong, hint):
    feedback = check(wrong)
    assert feedback.correct is False and hint in feedback.message, feedback.message


@pytest.mark.parametrize("check", [ch12.check_12_1, ch12.check_12_2, ch12.check_12_4])
@pytest.mark.parametrize("odd", [..., None, "0.6", 0.6j, [1, None], float("nan"), float("inf"), print])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message
