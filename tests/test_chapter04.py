"""Chapter 4's own code (nblib.chapters.ch04): its numbers, its explorable and its exercise checks."""

import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib import gradcheck, optim, surfaces
from nblib.chapters import ch04
from nblib.nn import MLP
from exercise_checks import assert_each_mistake_gets_its_hint

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


def test_the_slice_has_one_basin_and_is_lopsided():
    a, losses, accuracy = ch04.landscape()
    plane = ch04.landscape_numbers(losses)
    assert ch04.local_minima(losses).tolist() == [[20, 20]]             # the only one, at the centre
    assert plane.high.value > 10 * plane.low.value > 10 * plane.centre.value
    assert plane.n_params.value == MLP([2, 16, 2]).n_params == 82
    assert accuracy > 0.9


def test_where_the_stuck_runs_end():
    runs = ch04.trouble_runs(x, y)
    _, bumpy = runs["local minimum"]
    end = bumpy.path[-1]
    assert np.linalg.norm(surfaces.bumpy.grad(end)) < 1e-6                 # a dip ...
    assert np.linalg.norm(end - bumpy.path[0]) < 1 < np.linalg.norm(bumpy.path[0])   # ... the nearest one
    _, saddle = runs["saddle"]
    assert np.allclose(saddle.path[-1], [0.0, np.sqrt(2)], atol=1e-6)       # tipped into a minimum
    on_ridge = surfaces.run(optim.SGD(lr=0.05), surfaces.saddle, start=[-2.0, 0.0], steps=200)
    assert (on_ridge.path[:, 1] == 0).all()                                 # never leaves y = 0
    _, plateau = runs["plateau"]
    assert abs(plateau.losses[-1] - plateau.losses[-1000]) < 1e-3           # still on the plateau


def test_batch_minibatch_and_stochastic_paths():
    w_best = np.polyfit(x_line, y_line, 1)
    paths = {B: ch04.batch_descent(x_line, y_line, B, 0.1, 60, ch04.LINE_START) for B in (1000, 32, 1)}
    wiggle = ch04.paths_numbers(paths, w_best)
    assert wiggle.mini.value < 0.1 < 1 < wiggle.one.value
    assert wiggle.one_end.value > 0.1 > 1000 * wiggle.batch_end.value


def test_one_example_is_noisier_than_the_gradient_it_estimates():
    sizes = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
    measured, law = ch04.gradient_spread(x_line, y_line, ch04.LINE_START, sizes)
    true = ch04.per_example_grads(x_line, y_line, ch04.LINE_START).mean(axis=0)[0]
    g = ch04.per_example_grads(x_line, y_line, ch04.LINE_START)[:, 0]
    spread = ch04.spread_numbers(sizes, measured, law, true, per_example=g)
    assert spread.one.value > abs(spread.gradient.value)
    # the measured spreads agree with the law to within their own uncertainty
    assert spread.median.value < 2 * spread.se.value and spread.gap.value < 5 * spread.se.value
    assert 1 < spread.se.value < 2


def test_epochs_shuffling_and_a_smaller_late_rate():
    after = ch04.epoch_numbers(ch04.epoch_runs(x_line, y_line), x_line, y_line)
    best = after.best.value
    # after one epoch, batch sizes 1 and 32 are close to the bottom, the full batch is far
    assert after.first_one.value < best + 0.05 and after.first_mini.value < best + 0.05
    assert after.first_full.value > best + 5
    # the stochastic run jitters above the bottom; one epoch at a tenth of the rate settles it
    assert after.one.value - best > 0.01 > 10 * after.decayed.value
    # the unshuffled run fits the end it saw last (the largest x) better
    assert abs(after.sorted_high.value) < abs(after.sorted_low.value)


def test_equal_batches_match_a_plain_loop_over_the_same_orders():
    for B in (1, 7, 300, 499, 700):
        runs, updates = 2, 12
        paths = ch04.equal_batch_runs(x_line, y_line, B, 0.1, updates, ch04.LINE_START, runs=runs, seed=5)
        per_epoch = 1000 // B
        orders = ch04.epoch_orders(1000, runs, -(-updates // per_epoch), seed=5)
        for r in range(runs):
            w = ch04.LINE_START.copy()
            for t in range(updates):
                e, k = divmod(t, per_epoch)
                batch = orders[r, e, k * B:(k + 1) * B]
                assert len(batch) == B                       # never a short batch
                res = y_line[batch] - (w[0] * x_line[batch] + w[1])
                w = w - 0.1 * np.array([-2 * np.mean(x_line[batch] * res), -2 * np.mean(res)])
            assert np.allclose(paths[r, -1], w)


def _note(batch_size):
    fig = Figure(figsize=(8.6, 3.5))
    sentence = ch04.batch_view(fig)(batch_size=batch_size)
    return float(sentence.rsplit(" is ", 1)[1].split()[0]), ch04.batch_frames()[batch_size]


def test_try_moving_up_the_note_shrinks_steadily():
    frames = ch04.batch_frames()
    sizes = [int(B) for B in ch04.BATCH_SIZES]
    note = {B: frames[B][2] for B in sizes}
    assert all(note[b] < note[a] for a in sizes for b in sizes if b >= 2 * a)
    assert _note(1)[0] == pytest.approx(note[1], abs=1e-4)
    # the drawn run's loss curve jitters less at the end as B grows tenfold
    jitter = [frames[B][1][-20:].std() for B in (1, 10, 100, 1000)]
    assert jitter == sorted(jitter, reverse=True)


def test_try_batch_size_30_removes_nine_tenths_of_the_extra_loss():
    one, thirty, everything = _note(1)[0], _note(30)[0], _note(1000)[0]
    assert thirty < 0.1 * one and everything < thirty


def test_try_above_300_the_path_is_the_full_batch_path():
    frames = ch04.batch_frames()
    full = frames[1000][0]
    for B in ch04.BATCH_SIZES[ch04.BATCH_SIZES >= 300]:
        assert np.abs(frames[int(B)][0] - full).max() < 0.04
        assert B / 30 >= 10
    assert np.abs(frames[30][0] - full).max() > 0.04


# --- Exercises --------------------------------------------------------------------------------

@pytest.mark.parametrize("check, answer", [
    (ch04.check_4_1, 16),
    (ch04.check_4_2, 4),
    (ch04.check_4_3, "a saddle point"),
    (ch04.check_4_4, [-2 * 0.8 ** 100, 0.0]),
])
def test_right_answers_pass_quietly(check, answer):
    assert check(answer).correct is True
    assert check.confirm(answer) is None


@pytest.mark.parametrize("check, wrong, hint", [
    (ch04.check_4_1, 15, "40 examples left over"),
    (ch04.check_4_1, 15.625, "integer"),
    (ch04.check_4_1, 64, "batch size"),
    (ch04.check_4_1, 1000, "counts examples"),
    (ch04.check_4_2, 1.41, "2^(1/4)"),
    (ch04.check_4_2, 0.25, "above 1"),
    (ch04.check_4_4, [-5.31e-5, 0.0], "2x"),
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


CHECKS = [ch04.check_4_1, ch04.check_4_2, ch04.check_4_3, ch04.check_4_4]


@pytest.mark.parametrize("check", CHECKS)
def test_every_listed_mistake_gets_its_hint_and_none_is_judged_right(check):
    """Each mistake of the list, at full precision and at 3 significant digits (``mistakes()``)."""
    assert_each_mistake_gets_its_hint(check, at_least=2)


def test_updates_per_epoch_is_a_count_that_differs_from_the_batch_size():
    assert ch04.check_4_1.integer and ch04.check_4_1.expected != 64
    assert ch04.check_4_1(64).correct is False and ch04.check_4_1("16").correct is True


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("odd", [..., None, "four", 0.2j, [1, None], float("nan"), 10 ** 400, print])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message
