"""Chapter 5's own code (nblib.chapters.ch05): its numbers, its explorable and its exercise checks."""

import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib import linear
from nblib.chapters import ch05
from nblib.data import seven_points
from nblib.optim import SGD, Momentum, Nesterov
from nblib.surfaces import elongated_bowl, run
from exercise_checks import assert_each_mistake_gets_its_hint

matplotlib.use("Agg")

x, y = seven_points()


def _iteration_matrix(lr, beta, H, nesterov=False):
    """The (4, 4) linear map (e_t, e_{t-1}) -> (e_{t+1}, e_t) of the error on a quadratic with Hessian H."""
    eye = np.eye(2)
    if nesterov:
        top = np.hstack([(1 + beta) * (eye - lr * H), -beta * (eye - lr * H)])
    else:
        top = np.hstack([(1 + beta) * eye - lr * H, -beta * eye])
    return np.vstack([top, np.hstack([eye, np.zeros((2, 2))])])


def test_hessian_is_the_seven_points_hessian_by_second_differences():
    h = 1e-3
    J = lambda m, b: linear.mse_line(x, y, m, b)
    d2m = (J(0.3 + h, 0.9) - 2 * J(0.3, 0.9) + J(0.3 - h, 0.9)) / h ** 2
    dmb = (J(0.3 + h, 0.9 + h) - J(0.3 + h, 0.9 - h) - J(0.3 - h, 0.9 + h) + J(0.3 - h, 0.9 - h)) / (4 * h ** 2)
    assert np.allclose(ch05.HESSIAN, [[d2m, dmb], [dmb, 2.0]], rtol=1e-5)
    assert np.allclose(ch05.seven_grad([0.1, 2.0]), linear.mse_grad_line(x, y, 0.1, 2.0))


def test_the_theory_optimum_is_the_best_point_of_a_brute_force_search():
    """Independent: spectral radii of the 4 x 4 iteration matrices over a grid around the optimum."""
    opt = ch05.optimum_numbers()
    lrs = np.linspace(0.10, 0.13, 61)
    betas = np.linspace(0.75, 0.85, 51)
    radius = np.array([[max(abs(np.linalg.eigvals(_iteration_matrix(a, b, ch05.HESSIAN)))) for b in betas]
                       for a in lrs])
    i, j = np.unravel_index(np.argmin(radius), radius.shape)
    assert lrs[i] == pytest.approx(opt.lr_momentum.value, abs=0.001)
    assert betas[j] == pytest.approx(opt.beta.value, abs=0.003)
    assert radius.min() == pytest.approx(opt.rate_momentum.value, abs=2e-3)
    assert (str(opt.kappa), str(opt.beta), str(opt.lr_momentum), str(opt.lr_plain)) == ("316", "0.7982", "0.1229",
                                                                                        "0.0683")


def test_rate_matches_the_iteration_matrices_for_both_methods():
    curvatures = np.linalg.eigvalsh(ch05.HESSIAN)
    for lr, beta in [(0.05, 0.5), (0.12, 0.8), (0.2, 0.3), (0.0455, 0.88)]:
        for method, nesterov in (("momentum", False), ("nesterov", True)):
            want = max(abs(np.linalg.eigvals(_iteration_matrix(lr, beta, ch05.HESSIAN, nesterov))))
            assert ch05.rate(lr, beta, curvatures, method) == pytest.approx(want, rel=1e-9)


def test_measured_steps_and_speedup():
    opt = ch05.optimum_numbers()
    best = ch05.theory(*np.linalg.eigvalsh(ch05.HESSIAN))
    assert best["speedup"] == pytest.approx(np.log(best["rate_momentum"]) / np.log(best["rate_plain"]))
    # plain descent's error shrinks exactly at its rate: steps = log(1e-6) / log(rate), give or take a few
    assert abs(opt.steps_plain.value - np.log(1e-6) / np.log(best["rate_plain"])) < 60
    assert 10 < opt.measured_speedup.value < best["speedup"]
    assert opt.measured_plain.value == pytest.approx(best["rate_plain"], abs=1e-4)


def test_nesterov_forms_agree_and_the_library_is_the_look_ahead():
    eq = ch05.equivalence_numbers()
    assert eq.gap.value < 1e-12 and eq.apart.value > 0.5
    points, velocities = ch05.lookahead_run(elongated_bowl.grad, elongated_bowl.start, 0.05, 0.9, 3)
    # by hand, first step: z_1 = grad(w_0), w_1 = w_0 - lr z_1
    w0 = elongated_bowl.start
    assert np.allclose(points[1], w0 - 0.05 * elongated_bowl.grad(w0))


def test_batched_paths_match_the_engine():
    lrs, betas = np.array([0.03, 0.11, 0.14]), np.array([0.0, 0.45, 0.9])
    for name, make in (("plain", lambda a, b: SGD(a)), ("momentum", Momentum), ("Nesterov", Nesterov)):
        paths = ch05.batched_paths(lrs, betas, 30, name)
        for k, (lr, beta) in enumerate(zip(lrs, betas)):
            engine = run(make(lr, beta), elongated_bowl, steps=30).path
            mine = paths[:, k][np.isfinite(paths[:, k, 0])]
            assert mine.shape == engine.shape and np.allclose(mine, engine)


def test_zigzag_and_momentum_numbers():
    zz, mom = ch05.zigzag_numbers(), ch05.momentum_numbers()
    assert (str(zz.along), str(zz.across), str(zz.lr_max)) == ("0.93", "−0.75", "0.08")
    assert mom.steps_momentum.value < mom.steps_plain.value == zz.steps.value
    assert str(mom.gain_constant_09) == "10" and str(mom.gain_alternating) == "0.625"


def test_a_smaller_rate_stops_the_zigzag_but_slows_the_walk_along_the_valley():
    zz = ch05.zigzag_numbers()
    assert zz.flips.value >= 30 and zz.lr_calm.value == 0.04
    # every rate up to 1/25 keeps w2 on one side, and none of them is faster than 1/25
    for lr in np.linspace(0.005, 0.04, 8):
        result = run(SGD(lr), elongated_bowl, steps=3000)
        assert ch05.sign_flips(result.path[:, 1]) == 0
        assert ch05._steps_below(result.losses, 1e-3) >= zz.steps_calm.value
    assert zz.steps_calm.value > 1.5 * zz.steps.value
    # with the zig-zag, the across-valley part of the loss is small long before the whole loss is
    assert zz.across_steps.value < zz.steps.value / 2
    # above 2/25 the run diverges
    assert run(SGD(0.081), elongated_bowl, steps=200).losses[-1] > elongated_bowl.f(elongated_bowl.start)
    # the more elongated the bowl, the closer to 1 the best plain rate
    rates = [ch05.theory(1.0, L)["rate_plain"] for L in (25.0, 100.0, 316.0)]
    assert rates == sorted(rates)


def test_momentum_swings_across_a_little_longer_but_arrives_sooner():
    mom = ch05.momentum_numbers()
    assert mom.across_plain.value < mom.across_momentum.value < 0.8
    assert mom.steps_momentum.value < mom.steps_plain.value / 2
    gradients, velocities = ch05.velocity_history(ch05.LR_ZIGZAG, ch05.BETA_DEMO, 25)
    # caption: across, after the first step the velocity stays below the largest gradients
    assert np.abs(velocities[1:, 1]).max() < np.abs(gradients[1:, 1]).max()
    # along, the velocity builds up to more than twice the gradient
    assert (velocities[2:5, 0] / gradients[2:5, 0] > 2).all()


def test_nesterovs_step_brakes_where_the_ball_is_about_to_overshoot():
    lr, beta, t = 0.05, 0.9, 4
    _, velocities = ch05.velocity_history(lr, beta, t - 1)
    w = run(Momentum(lr, beta), elongated_bowl, steps=t - 1).path[-1]
    ahead = w - lr * beta * velocities[-1]
    heavy = ahead - lr * elongated_bowl.grad(w)
    nesterov = ahead - lr * elongated_bowl.grad(ahead)
    assert abs(nesterov[1]) < abs(heavy[1])


def test_polyak_is_best_among_fixed_steps_and_conjugate_gradient_is_faster():
    opt, scope = ch05.optimum_numbers(), ch05.scope_numbers()
    curvatures = np.linalg.eigvalsh(ch05.HESSIAN)
    best = ch05.theory(*curvatures)
    assert scope.grid_momentum.value >= best["rate_momentum"] - 1e-6
    assert scope.grid_nesterov.value > best["rate_momentum"] + 0.01
    assert opt.nesterov_at_momentum.value > 1 and opt.steps_nesterov.value > opt.steps_momentum.value
    # conjugate gradient: still far after one step, at the minimum after two
    assert scope.cg_one.value > 0.5 and scope.cg_two.value < 1e-12
    path = ch05.conjugate_gradient_path(2)
    assert np.allclose(path[-1], ch05.W_STAR, atol=1e-12)
    # the theory's best learning rate is within a hair of divergence
    margin = opt.margin.value / 100
    assert 0 < margin < 0.01
    assert ch05.rate(best["lr_momentum"] * (1 + margin + 0.001), best["beta"], curvatures) >= 1
    # measured speed-up below the predicted one; momentum's measured factor a little above its rate
    assert opt.rate_momentum.value < opt.measured_momentum.value < opt.rate_momentum.value + 0.02


def test_the_best_beta_grows_with_the_condition_number_and_0_9_fits_kappa_1442():
    scope, opt = ch05.scope_numbers(), ch05.optimum_numbers()
    assert ch05.theory(1.0, scope.kappa_09.value)["beta"] == pytest.approx(0.9, abs=1e-4)
    assert scope.beta_25.value < opt.beta.value < 0.9
    speedups = [ch05.theory(1.0, k)["speedup"] for k in (25.0, 316.0, 1442.0)]
    assert speedups == sorted(speedups)


def _frame_after(lr, beta):
    """Draw the explorable at (lr, beta, last step) and return its sentence and race_frame."""
    fig = Figure(figsize=(8.6, 3.4))
    update = ch05.race_view(fig)
    return update(lr=lr, beta=beta, step=ch05.N_STEPS), ch05.race_frame(lr, beta, ch05.N_STEPS)


def test_try_beta_0_makes_the_three_methods_one():
    for lr in (0.02, 0.05, 0.08):
        _, frame = _frame_after(lr, 0.0)
        for name in ("momentum", "Nesterov"):
            assert np.allclose(frame[name]["path"], frame["plain"]["path"])


def test_try_lr_0_08_bounces_forever_and_0_086_diverges():
    text, frame = _frame_after(0.08, 0.0)
    path = frame["plain"]["path"]
    assert not frame["plain"]["diverged"] and "plain 8e+01" in text
    assert np.allclose(np.abs(path[:, 1]), 2.5) and ch05.sign_flips(path[:, 1]) == ch05.N_STEPS
    text, frame = _frame_after(0.086, 0.0)
    assert frame["plain"]["diverged"] and "plain diverged" in text
    swings = np.abs(frame["plain"]["path"][:, 1])
    assert (np.diff(swings[:-1]) > 0).all()                 # the bounces grow ...
    assert swings[-1] == pytest.approx(elongated_bowl.ylim[1])   # ... until the path is cut at the edge


def test_try_lr_0_086_beta_0_45_momentum_converges_where_plain_cannot():
    text, frame = _frame_after(0.086, 0.45)
    assert frame["plain"]["diverged"] and not frame["momentum"]["diverged"]
    assert frame["momentum"]["losses"][-1] < 1e-2
    assert ch05.elongated_numbers().limit_045.value > 0.086
    assert ch05.rate(0.086, 0.45, [1.0, 25.0]) < 1 <= ch05.rate(0.086, 0.0, [1.0, 25.0])


def test_try_lr_0_11_beta_0_45_then_0_05():
    text, frame = _frame_after(0.11, 0.45)
    assert frame["momentum"]["losses"][-1] < 1e-6
    assert frame["plain"]["diverged"] and frame["Nesterov"]["diverged"]
    assert "plain diverged" in text and "Nesterov diverged" in text
    _, frame = _frame_after(0.05, 0.45)
    finals = {name: shown["losses"][-1] for name, shown in frame.items()}
    assert not any(shown["diverged"] for shown in frame.values())
    assert finals["momentum"] < min(finals["plain"], finals["Nesterov"]) and max(finals.values()) < 2


def test_try_beta_0_9_lr_0_14_momentum_circles_and_nesterov_diverges():
    text, frame = _frame_after(0.14, 0.9)
    heavy = frame["momentum"]
    assert not heavy["diverged"] and heavy["losses"][-1] > 10
    assert ch05.sign_flips(heavy["path"][:, 0]) >= 3        # it swings past the minimum along the valley
    assert frame["Nesterov"]["diverged"] and "Nesterov diverged" in text
    limit = ch05.elongated_numbers().limit_nesterov_09.value
    assert ch05.rate(limit * 0.99, 0.9, [1.0, 25.0], "nesterov") < 1
    assert ch05.rate(limit * 1.01, 0.9, [1.0, 25.0], "nesterov") > 1


def test_diverged_paths_are_cut_at_the_window_and_named_once():
    (x0, x1), (y0, y1) = elongated_bowl.xlim, elongated_bowl.ylim
    for lr in ch05.LR_STEPS:
        for beta in ch05.BETA_STEPS:
            for shown in ch05.race_frame(lr, beta, ch05.N_STEPS).values():
                if shown["diverged"]:
                    path = shown["path"]
                    assert (path[:, 0] >= x0 - 1e-9).all() and (path[:, 0] <= x1 + 1e-9).all()
                    assert (path[:, 1] >= y0 - 1e-9).all() and (path[:, 1] <= y1 + 1e-9).all()
    fig = Figure(figsize=(8.6, 3.4))
    update = ch05.race_view(fig)
    update(lr=0.14, beta=0.45, step=ch05.N_STEPS)
    notes = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert sum(note.count("diverged") for note in notes) == 1


def test_explorable_frames_draw_without_warnings():
    fig = Figure(figsize=(8.6, 3.4))
    update = ch05.race_view(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for lr in ch05.LR_STEPS:
            for beta in ch05.BETA_STEPS:
                assert update(lr=lr, beta=beta, step=ch05.N_STEPS).startswith("Step")
        for step in range(ch05.N_STEPS + 1):
            update(lr=ch05.LR_STEPS[-1], beta=ch05.BETA_STEPS[-1], step=step)
        fig.canvas.draw()
    assert "Nesterov diverged" in update(lr=0.14, beta=0.9, step=ch05.N_STEPS)
    assert len(ch05.LR_STEPS) >= 21 and len(ch05.BETA_STEPS) >= 21


def test_figures_draw():
    for name in ("zigzag_figure", "momentum_figure", "velocity_figure", "lookahead_figure", "rate_map_figure"):
        assert isinstance(getattr(ch05, name)(), Figure)


# --- Exercises --------------------------------------------------------------------------------

def _step(w, z, g, lr, beta):
    return w - lr * (beta * z + g)


@pytest.mark.parametrize("check, answer", [
    (ch05.check_5_1, 5.42),
    (ch05.check_5_2, _step),
    (ch05.check_5_3, (9 / 11) ** 2),
    (ch05.check_5_4, "at w_(t-1) - lr * beta * z_(t-1)"),
])
def test_right_answers_pass_quietly(check, answer):
    assert check(answer).correct is True
    assert check.confirm(answer) is None


@pytest.mark.parametrize("check, wrong, hint", [
    (ch05.check_5_1, 3.8, "one more step"),
    (ch05.check_5_1, 20, "very many steps"),
    (ch05.check_5_1, 1.458, "oldest gradient"),
    (ch05.check_5_1, 2.71, "gradient of 1"),
    (ch05.check_5_2, lambda w, z, g, lr, beta: w - lr * g, "plain gradient step"),
    (ch05.check_5_2, lambda w, z, g, lr, beta: w - lr * z, "Update the velocity first"),
    (ch05.check_5_2, lambda w, z, g, lr, beta: w + lr * (beta * z + g), "sign"),
    (ch05.check_5_2, lambda w, z, g, lr, beta: None, "return"),
    (ch05.check_5_3, 9 / 11, "square"),
    (ch05.check_5_3, 0.82, "rate sqrt(beta)"),
    (ch05.check_5_3, 0.9, "usual default"),
    (ch05.check_5_3, 0.0661, "learning rate alpha"),
    (ch05.check_5_1, 6, "plain sum"),
    (ch05.check_5_1, 6.88, "z_4"),
    (ch05.check_5_2, lambda w, z, g, lr, beta: beta * z + g, "new velocity"),
    (ch05.check_5_3, 99 / 101, "plain descent"),
    (ch05.check_5_4, "at w_(t-1) - beta * z_(t-1)", "lr * beta * z"),
    (ch05.check_5_4, "at w_(t-1)", "classical momentum"),
])
def test_recognisable_mistakes_get_their_hint(check, wrong, hint):
    feedback = check(wrong)
    assert feedback.correct is False and hint in feedback.message, feedback.message


CHECKS = [ch05.check_5_1, ch05.check_5_2, ch05.check_5_3, ch05.check_5_4]


@pytest.mark.parametrize("check", CHECKS)
def test_every_listed_mistake_gets_its_hint_and_none_is_judged_right(check):
    """Each mistake of the list, at full precision and at 3 significant digits (``mistakes()``)."""
    assert_each_mistake_gets_its_hint(check, at_least=3)


def test_the_web_question_of_5_2_is_the_reference_on_plain_numbers():
    proxy = ch05.check_5_2.proxy
    assert proxy.expected == pytest.approx(7.0) and proxy(7).correct is True and proxy("7.0").correct is True
    assert "momentum_step(10.0, 8.0, 1.0, 1.0, 0.25)" in ch05.check_5_2.question
    assert len(proxy.hints) == 5 and proxy.misjudged() == []


@pytest.mark.parametrize("check", [ch05.check_5_1, ch05.check_5_3, ch05.check_5_4])
@pytest.mark.parametrize("odd", [..., None, "six tenths", 0.6j, [1, None], float("nan"), float("inf"), print])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message


def test_steps_per_factor_e_and_the_double_roots_at_polyaks_setting():
    mu, L = np.linalg.eigvalsh(ch05.HESSIAN)
    best, opt = ch05.theory(mu, L), ch05.optimum_numbers()
    kappa = best["kappa"]
    assert -1 / np.log(best["rate_plain"]) == pytest.approx(kappa / 2, rel=0.01)          # about kappa / 2
    assert -1 / np.log(best["rate_momentum"]) == pytest.approx(np.sqrt(kappa) / 2, rel=0.01)   # sqrt(kappa) / 2
    assert opt.speedup.value == pytest.approx(opt.sqrt_kappa.value, rel=0.02)
    # at Polyak's setting both curvatures give a double root (c**2 = 4 beta): the error goes like t r^t
    for lam in (mu, L):
        c = 1 + best["beta"] - best["lr_momentum"] * lam
        assert c * c == pytest.approx(4 * best["beta"], rel=1e-9)
    assert opt.measured_speedup.value < opt.speedup.value
