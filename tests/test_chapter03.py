"""Chapter 3's own code (nblib.chapters.ch03): its numbers, its explorable and its exercise checks."""

import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib import linear, optim, surfaces
from nblib.chapters import ch03
from nblib.data import seven_points

matplotlib.use("Agg")

x, y = seven_points()
M_OLS, B_OLS = np.polyfit(x, y, 1)


def _lam_max_by_hand():
    """The larger eigenvalue of the 2 x 2 Hessian from its trace and determinant."""
    H = 2 * np.array([[np.mean(x ** 2), np.mean(x)], [np.mean(x), 1.0]])
    trace, det = np.trace(H), np.linalg.det(H)
    return (trace + np.sqrt(trace ** 2 - 4 * det)) / 2


def test_mse_and_grad_match_the_engine():
    w = np.array([[0.5, 1.0], [-0.8, -1.0]])
    assert np.allclose(ch03.mse(w), [linear.mse_line(x, y, *p) for p in w])
    assert np.allclose(ch03.grad(w), [linear.mse_grad_line(x, y, *p) for p in w])


def test_descend_matches_the_engine_sgd_run():
    for lr in (0.01, 0.06):
        result = surfaces.run(optim.SGD(lr=lr), ch03.grad, start=ch03.START, steps=200, f=ch03.mse)
        assert np.allclose(ch03.descend([lr], 200)[0], result.path)


def test_threshold_rate_against_an_independent_eigenvalue():
    limit = ch03.threshold_numbers()
    assert limit.alpha_max.value == pytest.approx(2 / _lam_max_by_hand())
    assert ch03.ALPHA_MAX == pytest.approx(2 / _lam_max_by_hand())
    assert str(limit.alpha_max) == "0.0685" and str(limit.kappa) == "316"


def test_just_below_converges_and_just_above_diverges():
    below, above = ch03.descend([0.99 * ch03.ALPHA_MAX, 1.01 * ch03.ALPHA_MAX], 6000)
    assert ch03.last_finite(below) == 6000 and np.allclose(below[-1], [M_OLS, B_OLS], atol=1e-4)
    assert ch03.last_finite(above) < 6000
    edge = ch03.edge_numbers(0.97 * ch03.ALPHA_MAX, 1.03 * ch03.ALPHA_MAX, 300)
    assert edge.diverged_at.value < 300 and edge.J_below.value < 0.03


def test_gradient_check_and_the_walk_reach_least_squares():
    check = ch03.gradient_numbers(0.5, 1.0)
    r = y - (0.5 * x + 1.0)
    assert check.dm.value == pytest.approx(-2 * np.mean(x * r)) and check.error.value < 1e-8
    walk = ch03.walk_numbers(ch03.descend([0.03], 4000)[0])
    assert (str(walk.m), str(walk.b)) == ("0.3356", "0.8047")


def test_measured_steps_agree_with_the_prediction():
    lrs = ch03.ALPHA_MAX * np.array([0.2, 0.5, 0.9, 1.1])
    measured, predicted = ch03.steps_to_converge(lrs), ch03.predicted_steps(lrs)
    assert np.array_equal(measured[:3], predicted[:3]) and np.isinf(measured[3]) and np.isinf(predicted[3])
    speed = ch03.speed_numbers()
    assert speed.steps_best.value < speed.steps_flat.value


def test_explorable_sliders_are_fine_and_straddle_the_threshold():
    assert len(ch03.LR_STEPS) >= 41 and len(ch03.STEP_STEPS) >= 41
    assert len(set(ch03.STEP_STEPS)) == len(ch03.STEP_STEPS)
    below = ch03.LR_STEPS[ch03.LR_STEPS < ch03.ALPHA_MAX]
    above = ch03.LR_STEPS[ch03.LR_STEPS > ch03.ALPHA_MAX]
    assert below[-1] == pytest.approx(ch03.ALPHA_MAX * 2 ** (-1 / 24))
    assert above[0] == pytest.approx(ch03.ALPHA_MAX * 2 ** (1 / 24))


def test_every_explorable_frame_draws_without_warnings():
    fig = Figure(figsize=(8.6, 3.5))
    update = ch03.descent_view(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for lr in ch03.LR_STEPS:
            for steps in ch03.STEP_STEPS:
                assert update(lr=lr, steps=int(steps)).startswith("Rate")
        fig.canvas.draw()
    assert "diverged" in update(lr=ch03.LR_STEPS[-1], steps=3000)
    assert "diverged" not in update(lr=ch03.LR_STEPS[-6], steps=3000)


# --- Exercises --------------------------------------------------------------------------------

G = np.array([-2 * np.mean(x * (y - 0.5 * x - 1.0)), -2 * np.mean(y - 0.5 * x - 1.0)])


def _descend(grad_f, w0, lr, steps):
    w = np.array(w0, dtype=float)
    for _ in range(steps):
        w = w - lr * grad_f(w)
    return w


def _uphill(grad_f, w0, lr, steps):
    w = np.array(w0, dtype=float)
    for _ in range(steps):
        w = w + lr * grad_f(w)
    return w


def _gradient_once(grad_f, w0, lr, steps):
    w0 = np.array(w0, dtype=float)
    return w0 - steps * lr * grad_f(w0)


@pytest.mark.parametrize("check, answer", [
    (ch03.check_3_1, [0.5, 1.0] - 0.01 * G),
    (ch03.check_3_2, 0.2),
    (ch03.check_3_3, _descend),
    (ch03.check_3_4, "oscillates across the valley but converges"),
    (ch03.check_3_5, 1.0),
])
def test_right_answers_pass_quietly(check, answer):
    assert check(answer).correct is True
    assert check.confirm(answer) is None


@pytest.mark.parametrize("check, wrong, hint", [
    (ch03.check_3_1, [0.5, 1.0] + 0.01 * G, "uphill"),
    (ch03.check_3_1, [0.5, 1.0] - G, "learning rate"),
    (ch03.check_3_1, -0.01 * G, "starting point"),
    (ch03.check_3_2, 0.4, "curvature"),
    (ch03.check_3_2, 0.1, "twice"),
    (ch03.check_3_3, _uphill, "uphill"),
    (ch03.check_3_3, _gradient_once, "again"),
    (ch03.check_3_3, lambda grad_f, w0, lr, steps: None, "return"),
    (ch03.check_3_4, "diverges", "2/λ_max"),
    (ch03.check_3_4, "converges without oscillating", "minus sign"),
    (ch03.check_3_5, 2 / (2 * np.var(x)), "smallest curvature"),
    (ch03.check_3_5, ch03.ALPHA_MAX, "centre"),
])
def test_recognisable_mistakes_get_their_hint(check, wrong, hint):
    feedback = check(wrong)
    assert feedback.correct is False and hint in feedback.message, feedback.message


@pytest.mark.parametrize("check", [ch03.check_3_1, ch03.check_3_2, ch03.check_3_4, ch03.check_3_5])
@pytest.mark.parametrize("odd", [..., None, "0.2", 0.2j, [1, None], float("nan"), 10 ** 400, print])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message
