"""Chapter 9's own code (nblib.chapters.ch09): dropout's scaling, the curves, dropout as a penalty, checks."""

import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib import data
from nblib.chapters import ch09
from nblib.training import History

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
    (ch09.check_9_1, 1.25),
    (ch09.check_9_2, 89.6),
    (ch09.check_9_3, "use every neuron unchanged"),
])
def test_right_answers_pass_quietly(check, answer):
    assert check(answer).correct is True
    assert check.confirm(answer) is None


@pytest.mark.parametrize("check, wrong, hint", [
    (ch09.check_9_1, 0.8, "probability of keeping"),
    (ch09.check_9_1, 5.0, "1 / p"),
    (ch09.check_9_2, 38.4, "dropped on average"),
    (ch09.check_9_2, 128, "fewer than all"),
    (ch09.check_9_3, "multiply activations by 1 - p", "already divided"),
    (ch09.check_9_3, "drop neurons at the same rate", "random"),
])
def test_recognisable_mistakes_get_their_hint(check, wrong, hint):
    feedback = check(wrong)
    assert feedback.correct is False and hint in feedback.message, feedback.message


@pytest.mark.parametrize("check", [ch09.check_9_1, ch09.check_9_2, ch09.check_9_3])
@pytest.mark.parametrize("odd", [..., None, "1.25", b"1.25", 1.25j, [1, None], np.array([[1.0, 2.0]]),
                                 float("nan"), float("inf"), 10 ** 400, print, [0.3]])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message
