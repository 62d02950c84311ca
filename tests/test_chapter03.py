"""Chapter 3's own code (nblib.chapters.ch03): its numbers, its explorable and its exercise checks."""

import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib import linear, optim, surfaces
from nblib.chapters import ch03
from nblib.data import seven_points
from exercise_checks import assert_each_mistake_gets_its_hint

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
    assert below[-1] == pytest.approx(ch03.ALPHA_MAX * 2 ** (-1 / 20))
    assert above[0] == pytest.approx(ch03.ALPHA_MAX * 2 ** (1 / 20))
    # the step slider starts at 0 and counts every step to 40 (issue 18: Play can be followed)
    assert list(ch03.STEP_STEPS[:41]) == list(range(41)) and ch03.STEP_STEPS[-1] == 3000
    assert {100, 300, 1000} <= set(ch03.STEP_STEPS.tolist())


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


def _view():
    fig = Figure(figsize=(8.6, 3.5))
    update = ch03.descent_view(fig)
    left, right = fig.axes[:2]
    path_line, dots = left.lines[-3], left.lines[-2]
    return fig, update, path_line, dots, right.lines[-1]


def test_explorable_path_goes_through_consecutive_iterates():
    """Issue 18: no line joins iterates far apart in time; every iterate left out of the line lies
    in the same sub-pixel cell as the one before it."""
    fig, update, path_line, dots, loss_line = _view()
    paths = ch03.descend(ch03.LR_STEPS, 3000)
    scale = np.array([np.ptp(ch03.M_WINDOW), np.ptp(ch03.B_WINDOW)]) * ch03._TOLERANCE
    for i in (0, 20, len(ch03.LR_STEPS) // 2 + 10, -4, -3):      # slow, middle, zig-zag near the threshold
        lr = ch03.LR_STEPS[i]
        update(lr=lr, steps=3000)
        drawn = np.column_stack(path_line.get_data())
        ran = ch03.last_finite(paths[i])
        steps = [int(np.flatnonzero(np.all(paths[i] == point, axis=1))[0]) for point in drawn]
        assert steps[0] == 0 and steps[-1] == ran and np.all(np.diff(steps) > 0)
        cells = np.floor(paths[i, :ran + 1] / scale)
        skipped = np.setdiff1d(np.arange(ran + 1), steps)
        assert np.all(cells[skipped] == cells[skipped - 1])
        assert len(dots.get_xdata()) == min(ran, 40) + 1


def test_explorable_frames_at_a_step_extend_the_frames_before_it():
    fig, update, path_line, dots, loss_line = _view()
    lr = ch03.LR_STEPS[-4]
    update(lr=lr, steps=300)
    early = np.column_stack(path_line.get_data())
    update(lr=lr, steps=1000)
    assert np.array_equal(np.column_stack(path_line.get_data())[:len(early)], early)


# --- The claims of the text (issue 17) ---------------------------------------------------------

def test_the_tiny_rate_reaches_the_floor_in_fifty_steps_but_barely_moves_along_it():
    slow = ch03.regime_numbers(0.004, 50)
    assert slow.steep_left.value < 1 and str(slow.steep_left) == "0.2"
    assert slow.flat_done.value < 5 and str(slow.flat_done) == "1.8"


def test_the_walk_crosses_in_a_few_steps_then_shrinks_by_one_factor():
    phases = ch03.walk_phase_numbers(0.03, 4000)
    assert phases.cross <= 5 and phases.creep.value >= 3995
    assert phases.drop.value > 2 and phases.per_step_spread < 1e-12
    assert phases.per_step.value == pytest.approx(phases.predicted.value, rel=1e-9)


def test_the_components_add_up_to_the_loss():
    paths = ch03.descend([0.03, 0.065], 50)
    assert np.allclose(ch03.components(paths).sum(axis=-1), ch03.mse(paths) - ch03._J_MIN)


def test_alpha_best_has_the_best_worst_case_factor_but_is_not_the_fastest():
    lam = np.linalg.eigvalsh(linear.hessian_line(x))
    best = 2 / lam.sum()
    lrs = np.linspace(0.01, 2 / lam[-1], 2001)
    worst = np.max(np.abs(1 - lrs[:, None] * lam), axis=1)
    assert worst.min() >= abs(1 - best * lam[0]) - 1e-12
    fast = ch03.fastest_numbers()
    assert fast.fast.value < best and fast.steps_fast.value < fast.steps_best.value
    assert (str(fast.steps_fast), str(fast.steps_best)) == ("910", "1,372")
    assert fast.weight.value > 100                       # the steep term dominates at the start
    measured = ch03.steps_to_converge([fast.fast.value, best])
    assert np.array_equal(measured, ch03.predicted_steps([fast.fast.value, best]))
    # the fastest rate trades a little of the flat factor for much of the steep one
    assert fast.fast_flat.value - fast.best_factor.value < 1e-4 < fast.best_factor.value - fast.fast_steep.value


def test_tuning_curve_halves_with_double_rate_then_stops_at_the_threshold():
    lrs = ch03.ALPHA_MAX * np.geomspace(0.1, 1.2, 30)
    measured = ch03.steps_to_converge(lrs)
    tuning = ch03.tuning_numbers(lrs, measured)
    assert 1.8 < tuning.small.value / tuning.double.value < 2.2
    assert tuning.next_diverges and tuning.next_share.value > 1 > tuning.best_share.value
    ok = np.isfinite(measured)
    assert np.all(np.diff(measured[ok]) < 0)              # each larger rate below the threshold is faster


def test_edge_runs_shrink_and_grow_by_a_few_percent_per_step():
    edge = ch03.edge_numbers(0.97 * ch03.ALPHA_MAX, 1.03 * ch03.ALPHA_MAX, 300)
    assert 1 <= edge.shrink.value <= 10 and 1 <= edge.grow.value <= 10


# --- Some things to try (each bullet under the explorable) ------------------------------------

TRIES = ch03.explore_numbers()


def test_try_smallest_rate_reaches_the_floor_but_covers_only_part_of_it():
    fig, update, path_line, dots, loss_line = _view()
    lr = ch03.LR_STEPS[0]
    update(lr=lr, steps=TRIES.floor_step)
    end = np.array([path_line.get_xdata()[-1], path_line.get_ydata()[-1]])
    c0, c = ch03.coordinates(ch03.START), ch03.coordinates(end)
    assert abs(c[1] / c0[1]) < 0.01                       # on the floor
    assert "diverged" not in update(lr=lr, steps=3000)
    end = np.array([path_line.get_xdata()[-1], path_line.get_ydata()[-1]])
    done = 1 - ch03.coordinates(end)[0] / c0[0]
    assert 0.6 < done < 0.8 and str(TRIES.flat_done) == f"{100 * done:.0f}"


def test_try_one_step_to_the_floor_then_zig_zag_above_it():
    fig, update, path_line, dots, loss_line = _view()
    k = int(np.argmin(np.abs(ch03.LR_STEPS - 1 / ch03._LAM_MAX)))
    assert str(TRIES.one_step) == f"{ch03.LR_STEPS[k]:.4f}"
    c0 = ch03.coordinates(ch03.START)[1]
    after_one = []
    for lr in ch03.LR_STEPS:
        update(lr=lr, steps=1)
        end = np.array([path_line.get_xdata()[-1], path_line.get_ydata()[-1]])
        after_one.append(ch03.coordinates(end)[1] / c0)
    after_one = np.array(after_one)
    assert np.argmin(np.abs(after_one)) == k and abs(after_one[k]) < 0.1
    for lr in ch03.LR_STEPS[k + 1:k + 4]:                 # overshoot, then the sign flips every step
        update(lr=lr, steps=6)
        across = ch03.coordinates(np.column_stack(path_line.get_data()))[:, 1]
        assert across[0] * across[1] < 0 and np.all(across[1:-1] * across[2:] < 0)


def test_try_just_below_converges_and_just_above_diverges():
    fig, update, path_line, dots, loss_line = _view()
    below, above = TRIES.below.value, TRIES.above.value
    assert below < ch03.ALPHA_MAX < above and below in ch03.LR_STEPS and above in ch03.LR_STEPS
    sentence = update(lr=below, steps=3000)
    assert "diverged" not in sentence and float(sentence.split("loss is ")[1].split(" ")[0]) < 1e-9
    across = ch03.coordinates(np.column_stack(path_line.get_data()))[:50, 1]
    assert np.all(across[:-1] * across[1:] < 0)          # it zig-zags
    assert f"diverged at step {TRIES.diverged_at.value}" in update(lr=above, steps=3000)
    assert 100 <= TRIES.diverged_at.value <= 500       # "a few hundred steps"


def test_try_lowest_loss_at_300_steps_is_the_last_stop_below_the_threshold():
    fig, update, path_line, dots, loss_line = _view()
    losses = []
    for lr in ch03.LR_STEPS:
        sentence = update(lr=lr, steps=300)
        losses.append(np.inf if "diverged" in sentence else loss_line.get_ydata()[-1])
    losses = np.array(losses)
    ok = np.isfinite(losses)
    assert np.all(np.diff(losses[ok]) < 0)              # every larger stop below the threshold is lower
    assert ch03.LR_STEPS[np.argmin(losses)] == TRIES.lowest.value == TRIES.below.value


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
    (ch03.check_3_1, [0.559, 1.016], "uphill"),             # issue 19: the uphill step at 3 digits
    (ch03.check_3_1, [0.5, 1.0] - 0.005 * G, "factor 2"),
    (ch03.check_3_1, [0.5, 1.0] - 0.07 * G, "mean over them"),
    (ch03.check_3_2, 10, "curvature f''(w) itself"),
    (ch03.check_3_2, 1.0, "f(w) = w²"),
    (ch03.check_3_5, 2.0, "factor 2"),
    (ch03.check_3_5, 0.597, "α_best"),
])
def test_recognisable_mistakes_get_their_hint(check, wrong, hint):
    feedback = check(wrong)
    assert feedback.correct is False and hint in feedback.message, feedback.message


@pytest.mark.parametrize("check", [ch03.check_3_1, ch03.check_3_2, ch03.check_3_4, ch03.check_3_5])
@pytest.mark.parametrize("odd", [..., None, "a fifth", 0.2j, [1, None], float("nan"), 10 ** 400, print])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message


CHECKS = [ch03.check_3_1, ch03.check_3_2, ch03.check_3_3, ch03.check_3_4, ch03.check_3_5]


@pytest.mark.parametrize("check", CHECKS)
def test_every_listed_mistake_gets_its_hint_and_none_is_judged_right(check):
    """Issue 19: each listed mistake, at full precision and at 3 significant digits (``mistakes()``)."""
    assert_each_mistake_gets_its_hint(check, at_least=2)


def test_the_web_question_of_3_3_is_the_reference_on_three_steps():
    proxy = ch03.check_3_3.proxy
    assert proxy.expected == pytest.approx([0.488, -0.976]) and proxy([0.488, -0.976]).correct is True
    assert "descend(" in ch03.check_3_3.question
    assert proxy([-0.728, 1.456]).message.startswith("Your steps go uphill")
