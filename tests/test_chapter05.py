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
    assert (str(zz.along), str(zz.across), str(zz.lr_max)) == ("0.93", "-0.75", "0.08")
    assert mom.steps_momentum.value < mom.steps_plain.value == zz.steps.value
    assert str(mom.gain_constant_09) == "10" and str(mom.gain_alternating) == "0.625"


def test_things_to_try_say_what_the_explorable_shows():
    def final(lr, beta, name):
        i, j = list(ch05.LR_STEPS).index(lr), list(ch05.BETA_STEPS).index(beta)
        paths, losses = ch05._all_runs()[name]
        return losses[-1, i, j]
    assert np.isnan(final(0.14, 0.9, "Nesterov")) or final(0.14, 0.9, "Nesterov") > 1e4
    assert final(0.14, 0.9, "momentum") < 1e3
    assert final(0.086, 0.0, "plain") > elongated_bowl.f(elongated_bowl.start)        # the bounces grow
    assert final(0.086, 0.45, "momentum") < 1e-2
    assert final(0.11, 0.45, "momentum") < 1e-6
    assert np.isnan(final(0.11, 0.45, "plain")) and np.isnan(final(0.11, 0.45, "Nesterov"))
    at_005 = [final(0.05, 0.45, name) for name in ("plain", "momentum", "Nesterov")]
    assert at_005[1] < min(at_005[0], at_005[2]) and max(at_005) < 2
    assert np.isclose(final(0.08, 0.0, "plain"), 12.5 * 2.5 ** 2, rtol=0.01)       # bounces forever
    for name in ("momentum", "Nesterov"):
        assert final(0.05, 0.0, name) == pytest.approx(final(0.05, 0.0, "plain"))


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
    (ch05.check_5_1, 2.71),
    (ch05.check_5_2, _step),
    (ch05.check_5_3, (9 / 11) ** 2),
    (ch05.check_5_4, "at w_(t-1) - lr * beta * z_(t-1)"),
])
def test_right_answers_pass_quietly(check, answer):
    assert check(answer).correct is True
    assert check.confirm(answer) is None


@pytest.mark.parametrize("check, wrong, hint", [
    (ch05.check_5_1, 1.9, "one more step"),
    (ch05.check_5_1, 10, "very many steps"),
    (ch05.check_5_1, 0.729, "oldest gradient"),
    (ch05.check_5_2, lambda w, z, g, lr, beta: w - lr * g, "plain gradient step"),
    (ch05.check_5_2, lambda w, z, g, lr, beta: w - lr * z, "Update the velocity first"),
    (ch05.check_5_2, lambda w, z, g, lr, beta: w + lr * (beta * z + g), "sign"),
    (ch05.check_5_2, lambda w, z, g, lr, beta: None, "return"),
    (ch05.check_5_3, 9 / 11, "square"),
    (ch05.check_5_3, 99 / 101, "plain descent"),
    (ch05.check_5_4, "at w_(t-1) - beta * z_(t-1)", "lr * beta * z"),
    (ch05.check_5_4, "at w_(t-1)", "classical momentum"),
])
def test_recognisable_mistakes_get_their_hint(check, wrong, hint):
    feedback = check(wrong)
    assert feedback.correct is False and hint in feedback.message, feedback.message


@pytest.mark.parametrize("check", [ch05.check_5_1, ch05.check_5_3, ch05.check_5_4])
@pytest.mark.parametrize("odd", [..., None, "0.6", 0.6j, [1, None], float("nan"), float("inf"), print])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message
