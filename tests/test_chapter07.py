"""Chapter 7's own code (nblib.chapters.ch07): its numbers, its explorable and its exercise checks."""

import functools
import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib import data, polynomial
from nblib.chapters import ch07
from nblib.data import noisy_polynomial
from exercise_checks import assert_each_mistake_gets_its_hint

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


def test_the_noise_variance_is_the_expected_error_and_a_finite_sample_can_fall_below_it():
    """Issue 17: the dotted line is the floor of the *expected* error, not of a score on 200 points."""
    fits = ch07.fit_numbers(x, y, x_new, y_new)
    assert fits.source_new.value == pytest.approx(np.mean((y_new - x_new) ** 2))
    assert fits.source_new.value < 0.04 and fits.line_new.value < 0.04          # both below the line
    assert fits.line_new.value > fits.source_new.value                          # the line does not beat the source
    # on average over many draws of 200 points the source scores the noise variance, the fitted line more
    sources, lines = [], []
    line = polynomial.fit(x, y, 1)
    for seed in range(100, 400):
        xs, ys = data.polynomial_task_fresh(200, seed=seed)
        sources.append(np.mean((ys - xs) ** 2))
        lines.append(polynomial.mse(line, xs, ys))
    assert np.mean(sources) == pytest.approx(0.04, rel=0.03) and np.mean(lines) > np.mean(sources)
    # "from degree 1 to 8 within a factor of two of the dotted line"; "at degree 9 more than twice"
    train, new = ch07.degree_errors(x, y, x_new, y_new)
    assert np.all(new[1:9] < 2 * 0.04) and fits.near_high.value == pytest.approx(new[1:9].max())
    assert str(fits.chase) == "9" and new[9] > 2 * 0.04 and new[10] > new[9]
    assert int(np.argmin(new)) == 1 and new[0] > 2 * 0.04                     # degree 0 underfits


# --- Double descent -------------------------------------------------------------------------------

def test_min_norm_fits_agree_with_least_squares_below_the_threshold_and_interpolate_above():
    for degree in (3, 10):
        legendre = ch07.min_norm_fit(x, y, degree)
        ours = polynomial.fit(x, y, degree)
        assert np.allclose(ch07.legendre_features(x_new, degree) @ legendre,
                           np.polynomial.polynomial.polyval(x_new, ours), atol=1e-6)
    for degree in (12, 20, 40):
        coef = ch07.min_norm_fit(x, y, degree)
        F = ch07.legendre_features(x, degree)
        assert np.allclose(F @ coef, y, atol=1e-10)                          # through every point
        # the smallest such coefficients: orthogonal to the null space of F (in F's row space)
        assert np.allclose(coef, np.linalg.pinv(F) @ y, atol=1e-10)


def test_gradient_descent_from_zero_ends_at_the_minimum_norm_fit():
    """The caveat's claim: for a linear model, gradient descent started from zero ends exactly there."""
    F = ch07.legendre_features(x, 20)
    w = np.zeros(21)
    alpha = 1 / np.linalg.norm(F, 2) ** 2
    for _ in range(20000):
        w -= alpha * F.T @ (F @ w - y)
    assert np.allclose(w, ch07.min_norm_fit(x, y, 20), atol=1e-6)


def test_double_descent_claims_over_the_fifty_data_sets():
    dd = ch07.double_descent_numbers()
    book, sets = ch07.double_descent()
    med = np.median(sets, axis=0)
    assert sets.shape == (50, 41) and np.array_equal(book, ch07.double_descent()[0])
    assert 1 + int(np.argmax(med[1:])) == 10 == dd.threshold.value         # past degree 0, the peak is at 10
    assert dd.second_new.value < dd.peak.value / 3                          # and it falls again
    assert np.all(med[12:] < med[10] / 3)                                   # and stays down up to degree 40
    assert dd.falls.value >= 90                                             # on nearly every data set
    assert dd.line.value < dd.second_new.value and dd.beats_line.value == 0  # never catches up with degree 1
    assert book[10] > 3 * book[20]                                          # the chapter's own points too
    # in raw powers the minimum-norm fits never come back down
    _, powers = ch07.double_descent(basis="powers")
    assert np.all(np.median(powers, axis=0)[11:] > med[10]) and dd.powers_20.value > 1
    assert np.allclose(np.median(powers, axis=0)[:10], med[:10], rtol=1e-6)  # the same polynomials below


# --- How sure is a test score? --------------------------------------------------------------------

def test_wilson_interval_matches_scipy():
    stats = pytest.importorskip("scipy.stats")
    for k, n in ((326, 359), (5, 20), (359, 359)):
        ref = stats.binomtest(k, n).proportion_ci(method="wilson")
        assert np.allclose(ch07.wilson_interval(k, n), (ref.low, ref.high), atol=1e-12)


def test_test_score_uncertainty_claims():
    unc = ch07.uncertainty_numbers()
    accs = [100 * ch07.split_run(s).mean() for s in ch07.SPLIT_SEEDS]
    assert unc.n_test.value == 359 and unc.acc.value == pytest.approx(accs[0])
    assert unc.wilson_low.value < unc.acc.value < unc.wilson_high.value
    assert 2 < unc.half_width.value < 4                                     # "about ±3 points"
    # "the bootstrap gives nearly the same interval": each end within a point
    assert abs(unc.boot_low.value - unc.wilson_low.value) < 1 and abs(unc.boot_high.value - unc.wilson_high.value) < 1
    # "more than the test set's sampling alone"; "the chapter's split is the lowest"
    assert unc.split_sd.value > unc.binomial_sd.value
    assert accs[0] == min(accs) and unc.split_low.value == pytest.approx(accs[0])
    # the figure's alt text and the prose: four intervals cross the mean, split 1's lies above it
    crosses = []
    for seed in ch07.SPLIT_SEEDS:
        hits = ch07.split_run(seed)
        low, high = ch07.wilson_interval(int(hits.sum()), len(hits))
        crosses.append(100 * low < np.mean(accs) < 100 * high)
    assert crosses == [True, False, True, True, True] and accs[1] == max(accs)


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


def test_single_folds_scatter_most_for_high_degrees():
    x_all, y_all = data.polynomial_task_fresh(30, seed=3)
    scores = ch07.cv_scores(x_all[:20], y_all[:20], k=5)
    spread = np.log10(scores.max(axis=1) / scores.min(axis=1))
    assert spread[6:].min() > spread[:6].max()


def test_peeking_claims_on_the_prose_200_data_sets():
    honest = ch07.honesty_numbers(ch07.honesty_trials(n_trials=200))
    assert honest.peek_reported.value < honest.peek_true.value and honest.optimism.value > 0
    assert abs(honest.honest_flatters.value - 50) < 15 < honest.peek_flatters.value - 50


@functools.cache
def _network_run():
    X_train, X_val, _, y_train, y_val, _ = data.digit_splits(seed=0)
    history = ch07.overfit_run(X_train, y_train, X_val, y_val)
    return history, ch07.epochs_numbers(history), ch07.loss_rise_numbers(history, X_train, y_train, X_val, y_val)


def test_network_claims_on_the_chapter_run():
    history, turn, rise = _network_run()
    assert turn.upticks.value == int(np.sum(np.diff(history.train_loss) > 0)) < 0.1 * ch07.EPOCHS
    assert history.train_loss[-1] < 0.01 * history.train_loss[0]
    assert turn.val_end.value > turn.val_best.value                       # it turns up
    assert turn.acc_change.value < 2                                      # "hardly moves"
    # the rise comes from the digits read wrong; the others' loss falls
    assert rise.wrong_share.value > 100 and rise.replay_gap.value == 0


def test_split_and_epochs_numbers():
    splits = data.digit_splits(seed=0)
    split = ch07.split_numbers(splits)
    assert str(split.n) == "1,797" and str(split.share_train) == "60"
    assert split.n_val.value == len(splits[4]) == 359

    class Fake:
        train_loss = [2.0, 1.0, 0.5, 0.6]
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


# --- Some things to try (one test per bullet, setting the slider) --------------------------------

def _frame_text(degree):
    return ch07.degree_view(Figure(figsize=(8.6, 3.5)))(degree=degree)


def test_try_1_the_unseen_error_first_passes_twice_the_noise_variance_at_degree_9():
    tries = ch07.degree_numbers()
    news = [ch07.degree_frame(d)["new"] for d in range(1, 11)]
    first = 1 + int(np.argmax(np.array(news) > tries.twice.value))
    assert first == 9 and str(tries.twice) == "0.08"
    assert f"unseen points {ch07._short(news[8])}" in _frame_text(9)
    # there the curve leaves the grey cloud: it dips far below any unseen point near x = -1
    assert ch07.degree_frame(9)["dip"] < y_new.min() - 1


def test_try_2_degrees_9_and_10_both_fit_and_both_dip_far_below_the_leftmost_points():
    tries = ch07.degree_numbers()
    nine, ten = ch07.degree_frame(9), ch07.degree_frame(10)
    assert nine["train"] < 0.002 and ten["train"] < 1e-20
    assert abs(y[0] + 1) < 0.3 and abs(y[1] + 1) < 0.3                   # "sit near y = -1"
    assert ten["dip"] < nine["dip"] < -2 and ch07.degree_frame(8)["dip"] > -1.2
    assert str(tries.dip_9) == f"{nine['dip']:.1f}".replace("-", "\u2212")  # a true minus sign
    assert "training MSE 0," in _frame_text(10)


def test_try_3_degree_0_makes_both_errors_worse_than_degree_1():
    zero, one = ch07.degree_frame(0), ch07.degree_frame(1)
    assert zero["train"] > 5 * one["train"] and zero["new"] > 5 * one["new"]
    assert np.allclose(zero["coef"], [np.mean(y)])                        # flat at the mean
    assert f"training MSE {ch07._short(zero['train'])}" in _frame_text(0)


# --- Exercises --------------------------------------------------------------------------------

x_unseen, y_unseen = data.polynomial_task_fresh(200, seed=7)
MSE_71 = np.mean((np.polyval(np.polyfit(x, y, 3), x_unseen) - y_unseen) ** 2)


@pytest.mark.parametrize("check, answer", [
    (ch07.check_7_1, MSE_71),
    (ch07.check_7_2, "validation set"),
    (ch07.check_7_2, "Validation set"),
    (ch07.check_7_3, 56),
    (ch07.check_7_4, [8, 5]),
    (ch07.check_7_5, 2.99),
    (ch07.check_7_5, 100 * 1.959964 * np.sqrt(326 / 359 * 33 / 359 / 359)),
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
    (ch07.check_7_3, 45, "as many rounds as folds"),
    (ch07.check_7_3, 51, "eleven of them"),
    (ch07.check_7_3, 56.4, "whole number"),
    (ch07.check_7_3, "56.4", "whole number"),
    (ch07.check_7_1, 200 * MSE_71, "sum of the squared errors"),
    (ch07.check_7_1, np.mean((np.polynomial.polynomial.polyval(x_unseen, np.polyfit(x, y, 3)) - y_unseen) ** 2),
     "highest power first"),
    (ch07.check_7_4, [7, 5], "does not count as a wait"),
    (ch07.check_7_4, [10, 5], "before the list ends"),
    (ch07.check_7_4, [5, 8], "swap"),
    (ch07.check_7_5, 1.52, "one standard deviation"),
    (ch07.check_7_5, 0.0299, "percentage points"),
    (ch07.check_7_5, 5.98, "whole width"),
    (ch07.check_7_5, 0.158, "square root of the number"),
    (ch07.check_7_5, 2.51, "90%"),
    (ch07.check_7_4, [8, 10], "best epoch"),
    (ch07.check_7_4, [6, 3], "after epoch 3"),
    (ch07.check_7_4, [9, 6], "counted from 0"),
])
def test_recognisable_mistakes_get_their_hint(check, wrong, hint):
    feedback = check(wrong)
    assert feedback.correct is False and hint in feedback.message, feedback.message


@pytest.mark.parametrize("check", [ch07.check_7_1, ch07.check_7_2, ch07.check_7_3, ch07.check_7_4,
                                   ch07.check_7_5])
def test_every_listed_mistake_gets_its_hint_at_3_digits_and_in_full_and_none_is_right(check):
    """Issue 19: each listed mistake, at full precision and at 3 significant digits, gets its own hint."""
    assert_each_mistake_gets_its_hint(check, at_least=0)


def test_exercise_7_5_is_the_normal_approximation_of_the_chapter_interval():
    """The half-width of 7.5 is the chapter's split-0 score; Wilson's interval is about as wide."""
    unc = ch07.uncertainty_numbers()
    assert (unc.correct.value, unc.n_test.value) == (ch07.RIGHT_75, ch07.N_75)
    assert abs(ch07.check_7_5.expected - unc.half_width.value) < 0.1


def test_a_count_is_a_whole_number():
    assert ch07.check_7_3.integer and ch07.check_7_3(56.4).correct is False and ch07.check_7_3(56).correct


@pytest.mark.parametrize("check", [ch07.check_7_1, ch07.check_7_2, ch07.check_7_3, ch07.check_7_4,
                                   ch07.check_7_5])
@pytest.mark.parametrize("odd", [..., None, "0.03", b"0.03", 0.03j, [1, None], np.array([[1.0, 2.0]]),
                                 float("nan"), float("inf"), 10 ** 400, print, [0.3]])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message
