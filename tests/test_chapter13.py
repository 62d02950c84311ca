"""Chapter 13's own code (nblib.chapters.ch13): the data preparation, the recipe's accuracy over the
chapter's seeds, the figures, the explorable and the exercise checks."""

import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib.chapters import ch13

matplotlib.use("Agg")

RAW = ch13.split(seed=0)
DATA = ch13.scaled(RAW)


@pytest.fixture(scope="module")
def main_run():
    """The chapter's main run (seed 0): ``(net, history, seconds)``."""
    return ch13.train(DATA, seed=0)


def test_split_is_stratified_and_disjoint():
    assert (len(RAW.y_train), len(RAW.y_val), len(RAW.y_test)) == (1259, 269, 269)
    for part in (RAW.y_val, RAW.y_test):
        assert np.bincount(part, minlength=10).min() >= 26
    assert len(RAW.X_train) + len(RAW.X_val) + len(RAW.X_test) == 1797


def test_scaling_uses_the_training_set_only_and_never_divides_by_zero():
    mean, std = ch13.standardizer(RAW.X_train)
    assert np.allclose(DATA.X_train.mean(axis=0), 0, atol=1e-12)
    spread = DATA.X_train.std(axis=0)
    assert np.allclose(spread[RAW.X_train.std(axis=0) > 0], 1)
    assert np.all(np.isfinite(DATA.X_test)) and np.allclose(DATA.X_test, (RAW.X_test - mean) / std)
    assert np.array_equal(DATA.y_test, RAW.y_test)


def test_the_recipe_reaches_97_percent_on_every_seed_the_chapter_uses(main_run):
    others = ch13.seed_runs(DATA, seeds=range(1, 5))      # the chapter uses seeds 0 to 4
    net, history, seconds = main_run
    assert min(others["accuracy"].min(), net.accuracy(DATA.X_test, DATA.y_test)) >= 0.97
    assert max(others["seconds"].max(), seconds) < 10
    assert (others["epochs"] <= ch13.RECIPE["epochs"]).all()


def test_a_run_repeats_bit_for_bit(main_run):
    net, history, _ = ch13.train(DATA, seed=0)
    assert history.val_loss == main_run[1].val_loss
    assert all(np.array_equal(p, q) for p, q in zip(net.params, main_run[0].params))


def test_confusion_matrix_counts():
    matrix = ch13.confusion(np.array([0, 1, 1, 2]), np.array([0, 2, 1, 2]), k=3)
    assert matrix.tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]


def test_numbers_of_the_run(main_run):
    net, history, seconds = main_run
    run = ch13.run_numbers(net, history, seconds, DATA)
    assert run.steps == 20 and str(run.params) == "9,610"
    assert run.errors == round((1 - net.accuracy(DATA.X_test, DATA.y_test)) * 269)
    assert run.best == history.best_epoch + 1


def test_comparison_numbers():
    ours = {"accuracy": np.array([0.98, 0.99]), "seconds": np.array([0.5, 0.7]), "epochs": np.array([30, 28])}
    theirs = {"accuracy": np.array([0.97, 0.99]), "seconds": np.array([1.2, 1.8]), "epochs": np.array([140, 150])}
    versus = ch13.comparison_numbers(ours, theirs)
    assert (str(versus.ours_mean), str(versus.theirs_min), str(versus.speedup)) == ("98.5", "97.0", "2.5")


def test_sweep_shape_and_what_the_text_says():
    sweep = ch13.lr_sweep()
    assert sweep["val_acc"].shape == (len(ch13.LR_VALUES), ch13.SWEEP_EPOCHS) and len(ch13.LR_VALUES) >= 41
    final = sweep["val_acc"][:, -1]
    assert final[0] < 0.5 and final.max() > 0.9          # the smallest rate is still walking down
    lrs = ch13.sweep_numbers(sweep)
    assert lrs.best_acc_lr.value >= lrs.best_loss_lr.value
    assert sweep["val_loss"][-1, -1] > 10 * sweep["val_loss"][:, -1].min()


def test_every_explorable_frame_draws_without_warnings():
    fig = Figure(figsize=(8.6, 3.4))
    update = ch13.lr_view(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for lr in ch13.LR_VALUES:
            for epoch in range(1, ch13.SWEEP_EPOCHS + 1):
                assert update(lr=lr, epoch=epoch).startswith(f"Learning rate {lr:.2g}, epoch {epoch}")
        fig.canvas.draw()


def test_explorable_offers_what_the_text_asks_for():
    assert min(ch13.LR_VALUES) == pytest.approx(1e-4) and max(ch13.LR_VALUES) == pytest.approx(1.0)
    assert any(abs(np.log10(lr / 0.003)) < 0.06 for lr in ch13.LR_VALUES)
    assert any(lr > 0.03 for lr in ch13.LR_VALUES)


def test_figures_come_back_closed(main_run):
    import matplotlib.pyplot as plt

    net, history, _ = main_run
    runs = {"accuracy": np.array([0.99]), "seconds": np.array([0.4]), "epochs": np.array([30])}
    for fig in (ch13.samples_figure(RAW.X_train, RAW.y_train), ch13.curves_figure(history),
                ch13.confusion_figure(ch13.confusion(DATA.y_test, net.predict(DATA.X_test))),
                ch13.mistakes_figure(net, RAW.X_test, DATA.X_test, DATA.y_test),
                ch13.comparison_figure(runs, runs)):
        assert fig.axes and not plt.get_fignums()


# --- Exercises --------------------------------------------------------------------------------

MAJORITY = np.bincount(RAW.y_test).max() / 269      # 27 / 269


@pytest.mark.parametrize("check, answer", [
    (ch13.check_13_1, 27 / 269),
    (ch13.check_13_2, lambda m, k: np.asarray(m)[k, k] / np.asarray(m)[k].sum()),
    (ch13.check_13_3, "the training set"),
    (ch13.check_13_4, 30 * 20),
])
def test_right_answers_pass_quietly(check, answer):
    assert MAJORITY == pytest.approx(27 / 269)
    assert check(answer).correct is True
    assert check.confirm(answer) is None


@pytest.mark.parametrize("check, wrong, hint", [
    (ch13.check_13_1, 26 / 269, "least common"),
    (ch13.check_13_1, 27, "count of images"),
    (ch13.check_13_2, lambda m, k: np.asarray(m)[k, k] / np.asarray(m)[:, k].sum(), "precision"),
    (ch13.check_13_2, lambda m, k: np.asarray(m)[k, k] / np.asarray(m).sum(), "every image"),
    (ch13.check_13_3, "the whole data set", "leak"),
    (ch13.check_13_3, "the test set", "unseen"),
    (ch13.check_13_4, 30 * 19, "round up"),
    (ch13.check_13_4, 20, "30"),
    (ch13.check_13_4, 30 * 1259, "images, not steps"),
])
def test_recognisable_mistakes_get_their_hint(check, wrong, hint):
    feedback = check(wrong)
    assert feedback.correct is False and hint in feedback.message, feedback.message


@pytest.mark.parametrize("check", [ch13.check_13_1, ch13.check_13_3, ch13.check_13_4])
@pytest.mark.parametrize("odd", [..., None, "0.1", b"0.1", 0.1j, [1, None], np.array([[1.0, 2.0]]),
                                 float("nan"), float("inf"), 10 ** 400, print])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message
