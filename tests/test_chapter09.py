"""Chapter 9's own code (nblib.chapters.ch09): dropout's scaling, the curves, dropout as a penalty, checks."""

import functools
import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib import data
from nblib.chapters import ch09
from nblib.training import History
from exercise_checks import assert_each_mistake_gets_its_hint

matplotlib.use("Agg")

x, y, _ = data.polynomial_task()


def test_inverted_dropout_keeps_the_mean_and_plain_masks_shrink_it():
    X = data.digit_splits()[1][:10]
    test, inverted, plain = ch09.scaling_check(X, p=0.5, passes=3000)
    numbers = ch09.scaling_numbers(test, inverted, plain, p=0.5)
    assert abs(numbers.inverted_slope.value - 1) < 0.01
    assert abs(numbers.plain_slope.value - 0.5) < 0.01       # untrained: output biases are 0
    assert (str(numbers.keep), str(numbers.factor)) == ("0.5", "2")


def test_dropout_masks_of_the_network_are_zero_or_one_over_keep():
    from nblib.nn import MLP

    net = MLP([3, 1000, 2], dropout=0.3, seed=0)
    net.forward(np.ones((4, 3)), train=True)
    mask = net.masks[0]
    assert set(np.unique(mask).round(12)) == {0.0, round(1 / 0.7, 12)}
    assert np.mean(mask == 0) == pytest.approx(0.3, abs=0.02)


def test_dropout_penalty_fit_zeroes_the_gradient_of_the_expected_loss():
    p = 0.3
    w = ch09.dropout_penalty_fit(x, y, p)
    X = np.vander(x, 11, increasing=True)
    c = np.mean(X ** 2, axis=0)
    grad = -2 / len(x) * X.T @ (y - X @ w) + 2 * p / (1 - p) * np.r_[0.0, c[1:] * w[1:]]
    assert np.max(np.abs(grad)) < 1e-9
    assert np.allclose(X @ ch09.dropout_penalty_fit(x, y, 0.0), y, atol=1e-8)


def test_expected_loss_formula_matches_sampling():
    w = ch09.dropout_penalty_fit(x, y, 0.5)
    sampled, formula = ch09.expected_loss_check(x, y, w, 0.5, draws=20000, seed=1)
    assert sampled == pytest.approx(formula, rel=0.01)


def test_curves_numbers_from_fake_histories():
    def history(train, val, acc):
        return History(train_loss=train, val_loss=val, val_acc=acc, train_acc=acc, lr=[0.1] * len(train),
                       best_epoch=int(np.argmin(val)))

    runs = {0.0: [history([1.0, 0.1], [1.0, 1.2], [0.8, 0.9]), history([1.0, 0.3], [1.0, 0.8], [0.8, 0.7])],
            0.5: [history([1.0, 0.5], [1.0, 0.9], [0.8, 0.95]), history([1.0, 0.5], [1.0, 0.7], [0.8, 0.85])]}
    curves = ch09.curves_numbers(runs)
    assert (str(curves.off_val_end), str(curves.on_val_min), str(curves.off_best), str(curves.on_best)) == \
        ("1.000", "0.800", "0", "1")
    assert (str(curves.on_acc), str(curves.off_acc_low), str(curves.seeds)) == ("90.0", "70.0", "2")


def test_figures_draw():
    assert isinstance(ch09.thinned_figure(), Figure)


def test_rate_stops_cover_the_calming_and_the_readouts_agree():
    """Issue 18: the first stops must show the wild curve calming (between 1e-9 and 1e-5), and the
    status line must write the rate as the slider's readout does."""
    from nblib.explorable import Slider

    rates = ch09.RATES
    for power in range(-10, 0):
        assert np.isclose(rates, 10.0 ** power, rtol=1e-12, atol=0).any()     # every power of ten a stop
    between = rates[(rates >= 1e-9) & (rates <= 1e-5)]
    assert len(between) >= 40                                   # ten stops a decade through the transition
    news = np.array([ch09.rate_frame(p)["new"] for p in between])
    assert news[0] > 0.3 and news[-1] < ch09.CALM and np.all(np.diff(news) < 0)
    slider = Slider("p", list(rates), label="dropout rate p", fmt=ch09.RATE_FMT, default=0.0)
    update = ch09.rate_view(Figure(figsize=(8.6, 3.5)))
    for p in rates:
        assert update(p=p).startswith(f"Dropout rate {slider.readout(p)}:")
    assert slider.readout(1e-4) == "0.0001" and "0.000:" not in update(p=1e-4)


# --- Some things to try (one test per bullet, setting the slider) -------------------------------

def _frame_text(p):
    fig = Figure(figsize=(8.6, 3.5))
    return ch09.rate_view(fig)(p=p)


def test_try_1_a_rate_of_a_few_in_a_million_calms_the_wild_curve():
    rates = ch09.rate_numbers()
    free = ch09.rate_frame(0.0)
    assert f"unseen MSE {free['new']:.3f}" in _frame_text(0.0) and str(rates.free_new) == f"{free['new']:.3f}"
    # up to the last "wild" stop the unseen error is within 10% of p = 0's and the curve's height too
    wild = ch09.rate_frame(rates.wild_rate.value)
    assert wild["new"] > 0.9 * free["new"] and abs(wild["height"] - free["height"]) < 0.1 * free["height"]
    # the first calm stop: below CALM, a few in a million, and every stop before it is above CALM
    calm = rates.calm_rate.value
    assert 1e-6 <= calm < 1e-5
    assert ch09.rate_frame(calm)["new"] < ch09.CALM
    assert all(ch09.rate_frame(p)["new"] >= ch09.CALM for p in ch09.RATES[ch09.RATES < calm * 0.99])
    # the reason given: the wild coefficients are in the hundreds
    assert 100 < np.abs(free["coef"]).max() < 1000


def test_try_2_the_best_rate_beats_the_noise_variance_but_only_as_the_source_does_by_chance():
    rates = ch09.rate_numbers()
    best = ch09.rate_frame(rates.best_rate.value)
    assert best["new"] == min(ch09.rate_frame(p)["new"] for p in ch09.RATES)
    assert f"unseen MSE {best['new']:.3f}" in _frame_text(rates.best_rate.value)
    assert best["new"] < 0.2 ** 2 and rates.source_new.value < 0.2 ** 2
    # the source's score is the mean squared noise of these 200 points
    x_new, y_new = data.polynomial_task_fresh(200, seed=1)
    assert rates.source_new.value == pytest.approx(np.mean((y_new - x_new) ** 2))
    # and over many draws of 200 points the source's error averages the noise variance
    scores = [np.mean(np.diff(data.polynomial_task_fresh(200, seed=s), axis=0) ** 2) for s in range(100, 600)]
    assert np.mean(scores) == pytest.approx(0.04, rel=0.02)


def test_try_3_a_large_rate_flattens_the_curve_and_underfits():
    rates = ch09.rate_numbers()
    last = ch09.rate_frame(ch09.RATES[-1])
    best = ch09.rate_frame(rates.best_rate.value)
    assert str(rates.last_rate) == "0.9" and last["height"] < 1.0 < 2.0     # the source rises by 2
    assert last["train"] > best["train"] and last["new"] > best["new"]
    assert last["new"] > 5 * 0.04
    assert f"training MSE {last['train']:.3f}" in _frame_text(0.9)


@functools.cache
def _runs():
    X_train, X_val, _, y_train, y_val, _ = data.digit_splits(seed=0)
    return ch09.dropout_runs(X_train, y_train, X_val, y_val, rates=(0.0, 0.5))


def test_dropout_curves_claims_hold_over_the_three_seeds():
    """The prose of "Dropout on a network that overfits", on the chapter's own runs."""
    runs = _runs()
    curves = ch09.curves_numbers(runs)
    assert curves.on_train_end.value > curves.off_train_end.value          # harder to memorize
    assert curves.on_val_end.value < curves.off_val_end.value              # ends lower on validation
    assert curves.on_best.value > curves.off_best.value                    # its lowest point comes later
    # without dropout the validation loss creeps up after its lowest point, on every seed
    assert all(h.val_loss[-1] > min(h.val_loss) for h in runs[0.0])
    # the figure's alt text: dropout's training loss ends about twice as high; its validation loss
    # keeps falling slowly to near the end
    assert 1.5 < curves.on_train_end.value / curves.off_train_end.value < 2.5
    assert curves.on_best.value > 0.9 * ch09.EPOCHS
    # "the two ranges overlap": the accuracy ranges over seeds overlap
    assert curves.on_acc_low.value <= curves.off_acc_high.value and curves.off_acc_low.value <= curves.on_acc_high.value


def test_every_explorable_frame_draws_without_warnings():
    assert len(ch09.RATES) >= 101 and ch09.RATES[0] == 0.0 and np.all(np.diff(ch09.RATES) > 0)
    fig = Figure(figsize=(8.6, 3.5))
    update = ch09.rate_view(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for p in ch09.RATES:
            assert update(p=p).startswith("Dropout rate")
        fig.canvas.draw()
    assert "training MSE 0," in update(p=0.0)
    rates = ch09.rate_numbers()
    assert rates.free_new.value > 5 * rates.best_new.value


# --- Exercises --------------------------------------------------------------------------------

@pytest.mark.parametrize("check, answer", [
    (ch09.check_9_1, 1 / 0.6),
    (ch09.check_9_1, 1.667),
    (ch09.check_9_2, 89.6),
    (ch09.check_9_3, "use every neuron unchanged"),
])
def test_right_answers_pass_quietly(check, answer):
    assert check(answer).correct is True
    assert check.confirm(answer) is None


@pytest.mark.parametrize("check, wrong, hint", [
    (ch09.check_9_1, 0.6, "probability of keeping"),
    (ch09.check_9_1, 2.5, "probability of dropping; divide"),
    (ch09.check_9_1, 1.4, "only roughly right"),
    (ch09.check_9_1, 0.714, "not 1 + p"),
    (ch09.check_9_1, 0.667, "penalty"),
    (ch09.check_9_2, 183, "scaling"),
    (ch09.check_9_2, 89, "need not be a whole number"),
    (ch09.check_9_2, 38.4, "dropped on average"),
    (ch09.check_9_2, 128, "fewer than all"),
    (ch09.check_9_3, "multiply activations by 1 - p", "already divided"),
    (ch09.check_9_3, "drop neurons at the same rate", "random"),
])
def test_recognisable_mistakes_get_their_hint(check, wrong, hint):
    feedback = check(wrong)
    assert feedback.correct is False and hint in feedback.message, feedback.message


@pytest.mark.parametrize("check", [ch09.check_9_1, ch09.check_9_2, ch09.check_9_3])
def test_every_listed_mistake_gets_its_hint_at_3_digits_and_in_full_and_none_is_right(check):
    """Issue 19: each listed mistake, at full precision and at 3 significant digits, gets its own hint."""
    assert_each_mistake_gets_its_hint(check, at_least=0)


def test_the_classic_one_plus_p_is_not_near_the_answer():
    assert ch09.check_9_1(1 + ch09.P_91).correct is False
    assert round(1 + ch09.P_91, 2) != round(1 / (1 - ch09.P_91), 2)
    assert ch09.check_9_1(1.2).correct is False   # 1 + p of the old p = 0.2 is not right either


@pytest.mark.parametrize("check", [ch09.check_9_1, ch09.check_9_2, ch09.check_9_3])
@pytest.mark.parametrize("odd", [..., None, "1.25", b"1.25", 1.25j, [1, None], np.array([[1.0, 2.0]]),
                                 float("nan"), float("inf"), 10 ** 400, print, [0.3]])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message
