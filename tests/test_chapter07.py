"""Chapter 7's own code (nblib.chapters.ch07): its numbers, its explorable and its exercise checks."""

import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib import data, polynomial
from nblib.chapters import ch07
from nblib.data import noisy_polynomial

matplotlib.use("Agg")

x, y = noisy_polynomial(11, degree=1, noise=0.2, seed=2)
x_new, y_new = data.polynomial_task_fresh(200, seed=1)


def test_training_points_come_from_the_line_y_equals_x():
    x7, y7, coef = data.polynomial_task()
    assert np.array_equal(x7, x) and np.array_equal(y7, y) and np.allclose(coef, [0.0, 1.0])
    assert np.array_equal(x, np.linspace(-1, 1, 11))


def test_fresh_points_are_seeded_and_scatter_around_the_line_with_the_noise():
    xa, ya = data.polynomial_task_fresh(20_000, seed=5)
    xb, yb = data.polynomial_task_fresh(20_000, seed=5)
    assert np.array_equal(xa, xb) and np.array_equal(ya, yb)
    assert -1 <= xa.min() and xa.max() <= 1
    assert np.std(ya - xa) == pytest.approx(0.2, rel=0.02) and abs(np.mean(ya - xa)) < 0.01


@pytest.mark.parametrize("degree", [0, 1, 3, 10])
def test_poly_fit_matches_numpy_polyfit(degree):
    ours = np.polynomial.polynomial.polyval(x, polynomial.fit(x, y, degree))
    theirs = np.polyval(np.polyfit(x, y, degree), x)
    assert np.allclose(ours, theirs, atol=1e-8)


def test_fit_numbers_against_numpy():
    fits = ch07.fit_numbers(x, y, x_new, y_new)
    for degree, name in ((1, "line_new"), (10, "wiggle_new")):
        ref = np.mean((np.polyval(np.polyfit(x, y, degree), x_new) - y_new) ** 2)
        assert getattr(fits, name).value == pytest.approx(ref, rel=1e-6)
    assert fits.wiggle_train.value < 1e-20          # through every point
    assert str(fits.noise_var) == "0.04" and str(fits.best_degree) == "1"
    assert fits.ratio.value == pytest.approx(fits.wiggle_new.value / fits.line_new.value)


def test_training_error_never_rises_with_the_degree():
    train, new = ch07.degree_errors(x, y, x_new, y_new)
    assert train.shape == new.shape == (11,)
    assert np.all(np.diff(train) <= 1e-12)
    assert new[10] > 5 * new[1]


def test_cv_scores_hold_each_fold_out_once():
    xd, yd = data.polynomial_task_fresh(20, seed=3)
    scores = ch07.cv_scores(xd, yd, k=5, seed=0)
    assert scores.shape == (11, 5)
    # independent: degree 1 on the fold of round 2, fitted with numpy on the other folds
    folds = np.array_split(np.random.default_rng(0).permutation(20), 5)
    held = np.sort(folds[2])
    kept = np.setdiff1d(np.arange(20), held)
    ref = np.mean((np.polyval(np.polyfit(xd[kept], yd[kept], 1), xd[held]) - yd[held]) ** 2)
    assert scores[1, 2] == pytest.approx(ref)


def test_peeking_flatters_and_cross_validation_does_not():
    trials = ch07.honesty_trials(n_trials=60, seed=1)
    assert all(len(v) == 60 for v in trials.values())
    # the test-picked model has the lowest test score of all degrees, so never above the honest pick's
    assert np.all(trials["peek_reported"] <= trials["honest_reported"] + 1e-15)
    assert np.median(trials["peek_reported"]) < np.median(trials["peek_true"])
    numbers = ch07.honesty_numbers(trials)
    assert numbers.peek_flatters.value > numbers.honest_flatters.value


def test_split_and_epochs_numbers():
    splits = data.digit_splits(seed=0)
    split = ch07.split_numbers(splits)
    assert str(split.n) == "1,797" and str(split.share_train) == "60"
    assert split.n_val.value == len(splits[4]) == 359

    class Fake:
        train_loss = [2.0, 1.0, 0.5, 0.2]
        val_loss = [2.1, 1.2, 1.3, 1.4]
        val_acc = [0.5, 0.8, 0.8, 0.81]
        best_epoch = 1

    turn = ch07.epochs_numbers(Fake)
    assert (str(turn.best), str(turn.val_best), str(turn.val_end), str(turn.acc_end)) == ("1", "1.200", "1.400", "81.0")


def test_figures_draw():
    for fig in (ch07.two_fits_figure(x, y, x_new, y_new), ch07.kfold_figure(), ch07.degree_figure(
            *ch07.degree_errors(x, y, x_new, y_new))):
        assert isinstance(fig, Figure)


def test_every_explorable_frame_draws_without_warnings():
    fig = Figure(figsize=(8.6, 3.5))
    update = ch07.degree_view(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for degree in ch07.DEGREES:
            assert update(degree=degree).startswith(f"Degree {degree}:")
            fig.canvas.draw()
    assert "training MSE 0," in update(degree=10)


# --- Exercises --------------------------------------------------------------------------------

x_unseen, y_unseen = data.polynomial_task_fresh(200, seed=7)
MSE_71 = np.mean((np.polyval(np.polyfit(x, y, 3), x_unseen) - y_unseen) ** 2)


@pytest.mark.parametrize("check, answer", [
    (ch07.check_7_1, MSE_71),
    (ch07.check_7_2, "validation set"),
    (ch07.check_7_2, "Validation set"),
    (ch07.check_7_3, 56),
    (ch07.check_7_4, [8, 5]),
])
def test_right_answers_pass_quietly(check, answer):
    assert check(answer).correct is True
    assert check.confirm(answer) is None


def test_early_stopping_answer_agrees_with_fit():
    """The rule of exercise 7.4 is the one fit uses: replay the losses through fit's loop logic."""
    losses = ch07.VAL_LOSSES
    best, waited = 0, 0
    for epoch in range(1, len(losses)):
        best, waited = (epoch, 0) if losses[epoch] < losses[best] else (best, waited + 1)
        if waited >= 3:
            break
    assert [epoch, best] == [8, 5]


@pytest.mark.parametrize("check, wrong, hint", [
    (ch07.check_7_1, np.mean((np.polyval(np.polyfit(x, y, 3), x) - y) ** 2), "training points"),
    (ch07.check_7_1, np.sqrt(MSE_71), "root"),
    (ch07.check_7_1, np.mean((np.polyval(np.polyfit(x, y, 1), x_unseen) - y_unseen) ** 2), "straight line"),
    (ch07.check_7_2, "training set", "wiggliest"),
    (ch07.check_7_2, "test set", "fair estimate"),
    (ch07.check_7_3, 55, "once more"),
    (ch07.check_7_3, 11, "once per round"),
    (ch07.check_7_3, 66, "winner only"),
    (ch07.check_7_4, [8, 10], "best epoch"),
    (ch07.check_7_4, [6, 3], "after epoch 3"),
    (ch07.check_7_4, [9, 6], "counted from 0"),
])
def test_recognisable_mistakes_get_their_hint(check, wrong, hint):
    feedback = check(wrong)
    assert feedback.correct is False and hint in feedback.message, feedback.message


@pytest.mark.parametrize("check", [ch07.check_7_1, ch07.check_7_2, ch07.check_7_3, ch07.check_7_4])
@pytest.mark.parametrize("odd", [..., None, "0.03", b"0.03", 0.03j, [1, None], np.array([[1.0, 2.0]]),
                                 float("nan"), float("inf"), 10 ** 400, print, [0.3]])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message
