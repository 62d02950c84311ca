"""Chapter 4's own code (nblib.chapters.ch04): its numbers, its explorable and its exercise checks."""

import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib import gradcheck
from nblib.chapters import ch04

matplotlib.use("Agg")

x, y = ch04.neuron_data()
x_line, y_line = ch04.line_data()


def test_neuron_gradient_matches_finite_differences():
    for wb in ([1.0, 0.0], [-6.0, 6.0], [2.5, -0.7]):
        numeric = gradcheck.numerical_gradient(lambda v: float(ch04.neuron_loss(x, y, v[0], v[1])), wb)
        assert np.allclose(ch04.neuron_grad(x, y, np.array(wb)), numeric, atol=1e-8)


def test_the_neuron_loss_rises_above_a_chord():
    chord = ((-6.0, -1.0), (6.0, 1.0))
    along = ch04.chord_numbers(x, y, chord)
    s = along.where.value
    middle = float(ch04.neuron_loss(x, y, -6.0 + 12.0 * s, -1.0 + 2.0 * s))
    assert middle - (along.left.value + s * (along.right.value - along.left.value)) == pytest.approx(
        along.gap.value, abs=1e-3)
    assert along.gap.value > 0.05


def test_local_minima_of_a_grid():
    losses = np.ones((5, 5))
    losses[2, 2] = 0.0
    losses[1, 3] = 0.5
    assert ch04.local_minima(losses).tolist() == [[2, 2]]


def test_batch_descent_with_all_the_data_is_plain_gradient_descent():
    path = ch04.batch_descent(x_line, y_line, len(x_line), 0.1, 5, ch04.LINE_START)
    w = ch04.LINE_START.copy()
    for _ in range(5):
        r = y_line - (w[0] * x_line + w[1])
        w = w - 0.1 * np.array([-2 * np.mean(x_line * r), -2 * np.mean(r)])
    assert np.allclose(path[-1], w)


def test_spread_of_the_gradient_follows_one_over_root_b():
    sizes = [1, 4, 16, 64, 256]
    measured, law = ch04.gradient_spread(x_line, y_line, ch04.LINE_START, sizes, draws=4000)
    g = -2 * x_line * (y_line - ch04.LINE_START[0] * x_line - ch04.LINE_START[1])
    B = np.array(sizes)
    assert np.allclose(law, g.std() / np.sqrt(B) * np.sqrt((1000 - B) / 999))
    assert np.allclose(measured, law, rtol=0.06)
    slope = np.polyfit(np.log(B[:4]), np.log(measured[:4]), 1)[0]
    assert slope == pytest.approx(-0.5, abs=0.03)


def test_stuck_runs_and_epochs():
    stuck = ch04.trouble_numbers(ch04.trouble_runs(x, y), x, y)
    assert stuck.bumpy_end.value > 0.5 and stuck.saddle_near.value >= 20
    assert stuck.plateau_end.value == pytest.approx(0.5, abs=1e-3) and stuck.plateau_grad.value < 1e-3
    after = ch04.epoch_numbers(ch04.epoch_runs(x_line, y_line), x_line, y_line)
    assert after.mini.value == pytest.approx(after.best.value, abs=2e-3)
    assert after.full.value > 1 and after.sorted.value > after.one.value


def test_explorable_has_over_a_hundred_batch_sizes_and_draws_every_frame():
    assert len(ch04.BATCH_SIZES) >= 101 and ch04.BATCH_SIZES[0] == 1 and ch04.BATCH_SIZES[-1] == 1000
    fig = Figure(figsize=(8.6, 3.5))
    update = ch04.batch_view(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for B in ch04.BATCH_SIZES:
            assert update(batch_size=int(B)).startswith("Batch size")
        fig.canvas.draw()


# --- Exercises --------------------------------------------------------------------------------

@pytest.mark.parametrize("check, answer", [
    (ch04.check_4_1, 32),
    (ch04.check_4_2, 4),
    (ch04.check_4_3, "a saddle point"),
    (ch04.check_4_4, [-2 * 0.8 ** 100, 0.0]),
])
def test_right_answers_pass_quietly(check, answer):
    assert check(answer).correct is True
    assert check.confirm(answer) is None


@pytest.mark.parametrize("check, wrong, hint", [
    (ch04.check_4_1, 31, "last 8"),
    (ch04.check_4_1, 31.25, "integer"),
    (ch04.check_4_2, 2, "more than twice"),
    (ch04.check_4_2, 16, "Square"),
    (ch04.check_4_3, "a local minimum", "falls along y"),
    (ch04.check_4_3, "the global minimum", "lower at (0, 1)"),
    (ch04.check_4_4, [-2.0, 0.0], "0.8"),
    (ch04.check_4_4, [0.0, 1.0], "never moves"),
])
def test_recognisable_mistakes_get_their_hint(check, wrong, hint):
    feedback = check(wrong)
    assert feedback.correct is False and hint in feedback.message, feedback.message


@pytest.mark.parametrize("check", [ch04.check_4_1, ch04.check_4_2, ch04.check_4_3, ch04.check_4_4])
@pytest.mark.parametrize("odd", [..., None, "4", 0.2j, [1, None], float("nan"), 10 ** 400, print])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message
