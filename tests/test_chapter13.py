"""Chapter 13's own code (nblib.chapters.ch13): the data preparation, the checks before training, the
recipe (AdamW) and its baseline, the evaluation over five splits beside scikit-learn, the figures,
the explorable with its "things to try", and the exercise checks with their listed mistakes.

Every claim of the chapter's prose is asserted here over the same splits and seeds the chapter
uses, reading the numbers from the chapter's ``*_numbers`` functions. Timing claims are asserted
only as loose ratios (the measured seconds themselves are printed by benchmarks/bench_capstone.py).
"""

import math
import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy import stats

from nblib import optim, schedules
from nblib.chapters import ch13
from nblib.nn import MLP
from nblib.training import fit

matplotlib.use("Agg")

RAW = ch13.split(seed=0)
DATA = ch13.scaled(RAW)
N_TRAIN, N_TEST = len(DATA.y_train), len(DATA.y_test)


@pytest.fixture(scope="module")
def main_run():
    """The chapter's main run (split 0, seed 0): ``(net, history, seconds)``."""
    return ch13.train(DATA, seed=0)


@pytest.fixture(scope="module")
def runs():
    """The five models on the five splits, as the chapter computes them."""
    return ch13.split_runs()


@pytest.fixture(scope="module")
def versus(runs):
    return ch13.evaluation_numbers(runs, N_TRAIN, N_TEST)


@pytest.fixture(scope="module")
def sweep():
    return ch13.lr_sweep()


# --- The data ---------------------------------------------------------------------------------

def test_split_is_stratified_and_disjoint():
    assert (len(RAW.y_train), len(RAW.y_val), len(RAW.y_test)) == (1259, 269, 269)
    for part in (RAW.y_val, RAW.y_test):
        assert np.bincount(part, minlength=10).min() >= 26
    assert len(RAW.X_train) + len(RAW.X_val) + len(RAW.X_test) == 1797


def test_every_split_of_the_evaluation_is_stratified_and_different():
    tests = []
    for seed in ch13.SPLIT_SEEDS:
        part = ch13.split(seed)
        shares = [np.bincount(y, minlength=10) / len(y) for y in (part.y_train, part.y_val, part.y_test)]
        assert np.abs(shares[0] - shares[2]).max() < 0.01 and np.abs(shares[1] - shares[2]).max() < 0.01
        tests.append(part.X_test)
    assert not any(np.array_equal(tests[0], other) for other in tests[1:])
    assert len(ch13.SPLIT_SEEDS) >= 5


def test_data_numbers_say_what_the_data_are():
    about = ch13.data_numbers()
    assert str(about.n) == "1,797" and about.writers == 13 and str(about.per_writer) == "138"


def test_the_data_are_the_uci_test_set_of_13_writers_as_the_text_says():
    from sklearn.datasets import load_digits

    description = " ".join(load_digits().DESCR.split())
    assert "This is a copy of the test set of the UCI ML hand-written digits datasets" in description
    assert "From a total of 43 people, 30 contributed to the training set and different 13 to the test set" \
        in description
    assert ch13.WRITERS == 13


def test_scaling_uses_the_training_set_only_and_never_divides_by_zero():
    mean, std = ch13.standardizer(RAW.X_train)
    assert np.allclose(DATA.X_train.mean(axis=0), 0, atol=1e-12)
    spread = DATA.X_train.std(axis=0)
    assert np.allclose(spread[RAW.X_train.std(axis=0) > 0], 1)
    assert np.all(np.isfinite(DATA.X_test)) and np.allclose(DATA.X_test, (RAW.X_test - mean) / std)
    assert np.array_equal(DATA.y_test, RAW.y_test)


# --- Checks before training -------------------------------------------------------------------

def test_loss_at_initialization_beside_ln_10():
    init = ch13.init_numbers(DATA)
    assert init.ln10.value == pytest.approx(math.log(10))
    assert init.equal.value == pytest.approx(math.log(10), abs=1e-12)       # equal outputs: ln 10 exactly
    assert init.loss.value > math.log(10) + 0.5 and init.spread.value > 1   # "not at ln 10": He's random outputs
    assert init.excess.value == pytest.approx(init.loss.value - math.log(10))
    assert math.log(10) - 0.001 < init.constant.value < math.log(10)       # "barely below ln 10"


def test_one_small_batch_is_learned_by_heart():
    history = ch13.one_batch_run(DATA)
    one = ch13.one_batch_numbers(history)
    assert one.size == 32 and one.steps == 100 and len(history.train_loss) == 100
    assert history.train_loss[-1] < 1e-3 < history.train_loss[0] and one.accuracy.value == 100


# --- The recipe ---------------------------------------------------------------------------------

def test_the_recipe_trains_with_adamw_and_no_l2_term(main_run):
    assert "l2" not in ch13.RECIPE and ch13.RECIPE["weight_decay"] > 0
    net = MLP(ch13.RECIPE["sizes"], seed=0)
    recipe = ch13.RECIPE
    history = fit(net, DATA.X_train, DATA.y_train, optim.AdamW(lr=recipe["lr"], weight_decay=recipe["weight_decay"]),
                  epochs=recipe["epochs"], batch_size=recipe["batch_size"], X_val=DATA.X_val, y_val=DATA.y_val,
                  schedule=schedules.cosine(recipe["lr"], recipe["epochs"]), patience=recipe["patience"],
                  progress=False)
    assert history.val_loss == main_run[1].val_loss
    assert all(np.array_equal(p, q) for p, q in zip(net.params, main_run[0].params))
    numbers = ch13.recipe_numbers()
    assert str(numbers.shrink) == str(1 - recipe["lr"] * recipe["weight_decay"])


def test_adamw_decays_every_parameter_biases_included_by_1_minus_lr_times_lambda():
    """The text: 'each step multiplies every parameter by {shrink} (nblib's AdamW ... decays the biases too)'."""
    net = MLP(ch13.RECIPE["sizes"], seed=0)
    net.params[1][:] = 1.0                                                  # a bias, away from 0
    before = [p.copy() for p in net.params]
    optimizer = optim.AdamW(lr=ch13.RECIPE["lr"], weight_decay=ch13.RECIPE["weight_decay"])
    optimizer.step(net.params, [np.zeros_like(p) for p in net.params])      # no gradient: decay alone
    for p, q in zip(net.params, before):
        np.testing.assert_allclose(p, ch13.recipe_numbers().shrink.value * q, rtol=1e-12)


def test_the_weight_decay_was_chosen_by_the_mean_validation_loss_over_the_splits():
    """The text: among WEIGHT_DECAYS, RECIPE's gave the lowest validation loss averaged over the splits."""
    splits = [ch13.scaled(ch13.split(seed)) for seed in ch13.SPLIT_SEEDS]
    mean_loss = []
    for decay in ch13.WEIGHT_DECAYS:
        recipe = dict(ch13.RECIPE, weight_decay=decay)
        mean_loss.append(np.mean([min(ch13.train(data, seed, recipe=recipe)[1].val_loss)
                                  for seed, data in zip(ch13.SPLIT_SEEDS, splits)]))
    assert ch13.WEIGHT_DECAYS[int(np.argmin(mean_loss))] == ch13.RECIPE["weight_decay"]


def test_a_run_repeats_bit_for_bit(main_run):
    net, history, _ = ch13.train(DATA, seed=0)
    assert history.val_loss == main_run[1].val_loss
    assert all(np.array_equal(p, q) for p, q in zip(net.params, main_run[0].params))


def test_the_baseline_is_softmax_regression_and_the_network_beats_it_on_validation(main_run):
    assert ch13.BASELINE["sizes"] == [64, 10]
    _, base_history, _ = ch13.train(DATA, seed=0, recipe=ch13.BASELINE)
    base = ch13.baseline_numbers(base_history, DATA)
    run = ch13.run_numbers(*main_run, DATA)
    assert run.val_acc.value > base.val_acc.value                          # "above the baseline's"
    assert 8 <= base.lazy.value <= 12                                       # the lazy classifier: about 1 in 10


def test_numbers_of_the_run_and_what_the_curves_text_says(main_run):
    net, history, seconds = main_run
    run = ch13.run_numbers(net, history, seconds, DATA)
    assert run.steps == 20 and str(run.params) == "9,610" and str(run.total_steps) == "600"
    assert run.errors == round((1 - net.accuracy(DATA.X_test, DATA.y_test)) * 269)
    assert run.best == history.best_epoch and run.last == len(history.train_loss) - 1
    # one epoch convention: the printed message names the epoch the prose names
    assert f"restored the weights of epoch {run.best} (epochs counted from 0)" in history.message
    assert history.val_loss[run.best] == min(history.val_loss)
    # "training removes the excess at once": after epoch 0 the loss is far below ln 10
    assert run.train_first.value < 0.2 * math.log(10)
    # "from epoch TURN the training loss still falls by a factor ..., the validation loss by only ...%"
    assert run.train_fall.value > 2 and 100 * (1 - 1 / run.train_fall.value) > 3 * run.val_fall.value
    # "the training accuracy reaches 100%; the validation accuracy settles near ..."
    assert run.train_acc.value == 100.0
    late = 100 * np.array(history.val_acc[10:])
    assert np.all(np.abs(late - run.val_acc.value) <= 1.0)


def test_the_test_of_split_zero_and_its_wilson_interval(main_run):
    net = main_run[0]
    right = int(np.sum(net.predict(DATA.X_test) == DATA.y_test))
    zero = ch13.split_zero_numbers(right, N_TEST)
    ci = stats.binomtest(right, N_TEST).proportion_ci(confidence_level=0.95, method="wilson")
    assert (zero.low.value, zero.high.value) == pytest.approx((100 * ci.low, 100 * ci.high), abs=1e-9)
    run = ch13.run_numbers(*main_run, DATA)
    assert run.val_acc.value < run.test_acc.value                           # validation and test differ by points
    assert str(run.one_image) == "0.37"


def test_low_probability_flags_every_mistake_of_the_run(main_run):
    sure = ch13.mistakes_numbers(main_run[0], DATA.X_test, DATA.y_test)
    assert sure.wrong_max.value < sure.right_median.value


def test_confusion_matrix_counts():
    matrix = ch13.confusion(np.array([0, 1, 1, 2]), np.array([0, 2, 1, 2]), k=3)
    assert matrix.tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]


# --- Five splits, an interval, and scikit-learn -------------------------------------------------

def test_interval_is_the_corrected_t_interval_and_stays_within_0_and_1():
    values = np.array([0.97, 0.98, 0.99, 0.985, 0.975])
    mean, low, high = ch13.interval(values, 1259, 269)
    half = stats.t.ppf(0.975, 4) * np.sqrt((1 / 5 + 269 / 1259) * values.var(ddof=1))
    assert (mean, low, high) == pytest.approx((values.mean(), values.mean() - half, values.mean() + half))
    naive = stats.t.ppf(0.975, 4) * values.std(ddof=1) / np.sqrt(5)
    assert half > naive                                                     # "the textbook interval is too narrow"
    assert ch13.interval([0.99, 1.0, 1.0, 0.995, 1.0], 1259, 269)[2] == 1.0


def test_sklearn_alpha_pulls_as_hard_as_nblibs_l2():
    """One full-batch SGD step of MLPClassifier with alpha equals nblib's with l2 = alpha / batch size."""
    from sklearn.neural_network import MLPClassifier

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(64, 4)), rng.integers(0, 3, 64)
    model = MLPClassifier(hidden_layer_sizes=(5,), solver="sgd", learning_rate_init=0.1, momentum=0.0,
                          batch_size=64, alpha=0.3, shuffle=False, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.partial_fit(X, y, classes=[0, 1, 2])
    net = MLP([4, 5, 3], seed=1)
    for theirs, ours in zip([model.coefs_[0], model.intercepts_[0], model.coefs_[1], model.intercepts_[1]],
                            net.params):
        theirs[:] = ours
    model.partial_fit(X, y)
    _, grads = net.loss_and_grads(X, y, "cross_entropy", l2=0.3 / 64)
    assert ch13.sklearn_alpha(0.3 / 64, 64) == pytest.approx(0.3)
    for theirs, w, g in zip([model.coefs_[0], model.intercepts_[0], model.coefs_[1], model.intercepts_[1]],
                            net.params, grads):
        np.testing.assert_allclose(theirs, w - 0.1 * g, atol=1e-12)
    assert ch13.SKLEARN_TWIN["alpha"] == pytest.approx(ch13.TWIN["l2"] * ch13.TWIN["batch_size"])


def test_the_recipe_reaches_98_percent_on_average_over_five_splits_and_beats_the_baseline(runs, versus):
    recipe, softmax = runs["recipe"]["accuracy"], runs["softmax"]["accuracy"]
    assert len(recipe) == 5 and recipe.mean() >= 0.98
    assert np.all(recipe > softmax)                                         # "beats it on every split"
    assert versus.gain_min.value > 0
    assert versus.easiest == 0                                              # "split 0 ... the easiest of the five"
    assert versus.recipe_low.value < versus.recipe_mean.value < versus.recipe_high.value
    assert versus.recipe_half.value == pytest.approx(
        100 * (ch13.interval(recipe, N_TRAIN, N_TEST)[2] - recipe.mean()), abs=0.06)


def test_the_splits_rise_and_fall_together(runs, versus):
    """'the scores of any two models correlate across the splits by at least min_corr' (> 0.5)."""
    correlations = np.corrcoef([runs[name]["accuracy"] for name in runs])
    assert correlations.min() >= versus.min_corr.value >= 0.5


def test_the_speed_of_sklearns_defaults_comes_from_its_epochs_not_its_implementation(runs, versus):
    default, recipe = runs["sklearn_default"], runs["recipe"]
    assert default["epochs"].mean() > 3 * ch13.RECIPE["epochs"]             # rate 0.001 runs ~150 epochs
    per_epoch = {name: (runs[name]["seconds"] / runs[name]["epochs"]).mean() for name in runs}
    assert per_epoch["sklearn_default"] < per_epoch["recipe"]               # "each of its epochs is cheaper"
    assert versus.speedup.value < versus.epoch_ratio.value
    assert (runs["twin"]["epochs"] == 30).all() and (runs["sklearn_twin"]["epochs"] == 30).all()
    assert 0.5 < versus.twin_ratio.value < 2.5                              # "within a factor of" (loose)
    assert versus.twin_ratio.value < versus.speedup.value                   # "most of the factor came from the epochs"


def test_at_the_same_budget_the_two_implementations_score_alike(runs):
    """'a difference well inside the spread of the splits': below half the standard deviation of either."""
    gap = runs["twin"]["accuracy"].mean() - runs["sklearn_twin"]["accuracy"].mean()
    spread = min(runs["twin"]["accuracy"].std(ddof=1), runs["sklearn_twin"]["accuracy"].std(ddof=1))
    assert abs(gap) < 0.5 * spread


def test_the_lead_over_sklearns_defaults_cannot_be_told_from_luck(versus):
    assert versus.gap_mean.value > 0 and versus.gap_losses == 0
    assert versus.gap_low.value < 0 < versus.gap_high.value


def test_comparison_numbers_from_made_up_runs():
    made_up = {name: {"accuracy": np.array([0.97, 0.98, 0.99]), "seconds": np.array([0.5, 0.7, 0.6]),
                      "epochs": np.array([30, 30, 30])} for name in ch13.MODELS}
    made_up["sklearn_default"] = {"accuracy": np.array([0.96, 0.98, 0.99]), "seconds": np.array([1.5, 2.1, 1.8]),
                                  "epochs": np.array([140, 150, 160])}
    versus = ch13.evaluation_numbers(made_up, 1259, 269)
    assert (str(versus.recipe_mean), str(versus.sklearn_default_min), str(versus.speedup)) == ("98.0", "96.0", "3.0")
    assert str(versus.epoch_ratio) == "5.0" and versus.gap_losses == 0 and versus.gap_wins == 1


# --- The explorable and its things to try --------------------------------------------------------

def test_sweep_shape_and_what_the_text_says(sweep):
    assert sweep["val_acc"].shape == (len(ch13.LR_VALUES), ch13.SWEEP_EPOCHS) and len(ch13.LR_VALUES) >= 41
    lrs = ch13.sweep_numbers(sweep)
    final_loss, final_acc = sweep["val_loss"][:, -1], sweep["val_acc"][:, -1]
    assert final_acc[0] < 0.5                                               # "still walking down"
    assert lrs.best_acc_lr.value > lrs.best_loss_lr.value                   # "at a larger rate"
    assert lrs.best_acc_loss.value > lrs.best_loss.value
    assert lrs.highest.value == 1 and final_loss[-1] > 10 * np.nanmin(final_loss)
    assert lrs.last == ch13.SWEEP_EPOCHS - 1


def _frame(lr, epoch):
    fig = Figure(figsize=(8.6, 3.4))
    update = ch13.lr_view(fig)
    return update(lr=lr, epoch=epoch), fig


def _accuracy_in(text):
    return float(text.rsplit("validation accuracy ", 1)[1].rstrip("%."))


def test_try_1_the_smallest_rate_creeps_and_the_rate_near_001_passes_90_percent(sweep):
    lrs = ch13.sweep_numbers(sweep)
    text, _ = _frame(ch13.LR_VALUES[0], ch13.SWEEP_EPOCHS - 1)
    assert _accuracy_in(text) < 50
    k = ch13.LR_VALUES.index(lrs.lr_01.value)
    before, _ = _frame(lrs.lr_01.value, lrs.epoch_90 - 1)
    at, _ = _frame(lrs.lr_01.value, lrs.epoch_90)
    assert _accuracy_in(before) < 90 <= _accuracy_in(at)
    assert np.all(sweep["val_acc"][0] < sweep["val_acc"][k])               # the small rate trails all the way


def test_try_2_from_the_jumpy_rate_up_the_training_loss_rises_at_least_once_and_never_below(sweep):
    lrs = ch13.sweep_numbers(sweep)
    start = ch13.LR_VALUES.index(lrs.jumpy_lr.value)
    fig = Figure(figsize=(8.6, 3.4))
    update = ch13.lr_view(fig)
    train_line = fig.axes[0].lines[0]
    for k, lr in enumerate(ch13.LR_VALUES):
        update(lr=lr, epoch=ch13.SWEEP_EPOCHS - 1)
        rises = np.any(np.diff(np.asarray(train_line.get_ydata(), dtype=float)) > 0)
        assert rises == (k >= start), lr


def test_try_3_at_the_largest_rates_the_loss_is_above_10_and_the_accuracy_a_few_points_off(sweep):
    lrs = ch13.sweep_numbers(sweep)
    best = 100 * np.nanmax(sweep["val_acc"][:, -1])
    start = ch13.LR_VALUES.index(lrs.tens_lr.value)
    assert lrs.n_tens >= 2 and start + lrs.n_tens == len(ch13.LR_VALUES)     # "from tens_lr up"
    for lr in ch13.LR_VALUES[start:]:
        text, _ = _frame(lr, ch13.SWEEP_EPOCHS - 1)
        loss = float(text.split("validation loss ")[1].split(",")[0])
        assert loss > 10 and best - _accuracy_in(text) <= lrs.tens_drop.value + 0.05
    assert lrs.tens_drop.value < 5                                         # "a few points"
    # "wildly overconfident on the ones it misses": each miss costs over a hundred nats on average
    tens = slice(start, None)
    assert sweep["miss_loss"][tens].min() >= lrs.miss_cost.value > 100
    assert sweep["right_loss"][tens].max() <= lrs.right_cost.value + 5e-4 and lrs.right_cost.value < 0.01


def test_try_4_after_epoch_0_a_large_rate_leads_after_the_last_a_smaller_one(sweep):
    lrs = ch13.sweep_numbers(sweep)
    text, fig = _frame(lrs.first_lr.value, 0)
    accuracy = np.asarray(fig.axes[1].lines[0].get_ydata(), dtype=float)
    assert _accuracy_in(text) == pytest.approx(np.nanmax(accuracy), abs=0.05)
    assert str(lrs.first_acc) == f"{np.nanmax(accuracy):.0f}"
    assert lrs.first_lr.value > lrs.best_loss_lr.value


def test_every_explorable_frame_draws_without_warnings():
    fig = Figure(figsize=(8.6, 3.4))
    update = ch13.lr_view(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for lr in ch13.LR_VALUES:
            for epoch in range(ch13.SWEEP_EPOCHS):
                assert update(lr=lr, epoch=epoch).startswith(f"Learning rate {lr:.2g}, epoch {epoch}")
        fig.canvas.draw()


def test_explorable_offers_what_the_text_asks_for(sweep):
    lrs = ch13.sweep_numbers(sweep)
    assert min(ch13.LR_VALUES) == pytest.approx(1e-4) and max(ch13.LR_VALUES) == pytest.approx(1.0)
    for value in (lrs.lr_01, lrs.jumpy_lr, lrs.tens_lr, lrs.first_lr, lrs.best_loss_lr):
        assert value.value in ch13.LR_VALUES
    assert 0 <= lrs.epoch_90 < ch13.SWEEP_EPOCHS


def test_figures_come_back_closed(main_run, runs):
    import matplotlib.pyplot as plt

    net, history, _ = main_run
    for fig in (ch13.samples_figure(RAW.X_train, RAW.y_train), ch13.curves_figure(history),
                ch13.confusion_figure(ch13.confusion(DATA.y_test, net.predict(DATA.X_test))),
                ch13.mistakes_figure(net, RAW.X_test, DATA.X_test, DATA.y_test),
                ch13.splits_figure(runs, N_TRAIN, N_TEST)):
        assert fig.axes and not plt.get_fignums()


# --- Exercises --------------------------------------------------------------------------------

CHECKS = [ch13.check_13_1, ch13.check_13_2, ch13.check_13_3, ch13.check_13_4, ch13.check_13_5]


@pytest.mark.parametrize("check, answer", [
    (ch13.check_13_1, math.log(10)),
    (ch13.check_13_1, "2.303"),
    (ch13.check_13_2, lambda m, k: np.asarray(m)[k, k] / np.asarray(m)[k].sum()),
    (ch13.check_13_3, "the training set"),
    (ch13.check_13_4, 30 * 20),
    (ch13.check_13_5, 0.064),
])
def test_right_answers_pass_quietly(check, answer):
    assert check(answer).correct is True
    assert check.confirm(answer) is None


@pytest.mark.parametrize("check, wrong, hint", [
    (ch13.check_13_1, 1.0, "base 10"),
    (ch13.check_13_1, math.log2(10), "base 2"),
    (ch13.check_13_1, -math.log(10), "positive"),
    (ch13.check_13_1, 0.1, "minus its logarithm"),
    (ch13.check_13_1, 0.9, "wrong answer"),
    (ch13.check_13_1, 269 * math.log(10), "the sum"),
    (ch13.check_13_1, 10 * math.log(10), "its own label"),
    (ch13.check_13_2, lambda m, k: np.asarray(m)[k, k] / np.asarray(m)[:, k].sum(), "precision"),
    (ch13.check_13_2, lambda m, k: np.asarray(m)[k, k] / np.asarray(m).sum(), "every image"),
    (ch13.check_13_2, lambda m, k: np.asarray(m)[k, k], "count of right answers"),
    (ch13.check_13_2, lambda m, k: np.asarray(m)[k, k] / (np.asarray(m)[k].sum() - np.asarray(m)[k, k]),
     "by the wrong ones"),
    (ch13.check_13_2, lambda m, k: 1 - np.asarray(m)[k, k] / np.asarray(m)[k].sum(), "got wrong"),
    (ch13.check_13_2, lambda m, k: np.asarray(m)[k - 1, k - 1] / np.asarray(m)[k - 1].sum(), "count from 0"),
    (ch13.check_13_2, lambda m, k: np.asarray(m)[k + 1, k + 1] / np.asarray(m)[k + 1].sum(), "count from 0"),
    (ch13.check_13_3, "the whole data set", "leak"),
    (ch13.check_13_3, "the test set", "unseen"),
    (ch13.check_13_4, 30 * 19, "round up"),
    (ch13.check_13_4, 20, "the run has 30"),
    (ch13.check_13_4, 29 * 20, "not 29"),
    (ch13.check_13_4, 30 * 1259, "images, not steps"),
    (ch13.check_13_4, 30 * 29, "all 1,797"),
    (ch13.check_13_4, 30 * 24, "validation images"),
    (ch13.check_13_5, 0.001, "divides its alpha"),
    (ch13.check_13_5, 0.001 / 64, "divides twice"),
    (ch13.check_13_5, 0.001 * 1259, "not of the training set"),
    (ch13.check_13_5, 0.128, "no factor 2"),
    (ch13.check_13_5, 0.032, "no factor 1/2"),
])
def test_recognisable_mistakes_get_their_hint(check, wrong, hint):
    feedback = check(wrong)
    assert feedback.correct is False and hint in feedback.message, feedback.message


@pytest.mark.parametrize("check", [ch13.check_13_1, ch13.check_13_4, ch13.check_13_5, ch13.check_13_2.proxy],
                         ids=["13.1", "13.4", "13.5", "13.2 proxy"])
def test_every_listed_mistake_gets_its_hint_at_3_digits_and_in_full_and_none_is_right(check):
    mistakes = check.mistakes()
    assert len(mistakes) >= 5 and check.misjudged() == []
    shown_at = {len(f"{float(np.ravel(answer)[0]):.15g}") for answer, _ in mistakes}
    assert len(shown_at) >= 2 or check.integer                             # both precisions are listed
    for answer, message in mistakes:
        feedback = check(answer)
        assert feedback.correct is False and feedback.message == message, (answer, feedback.message)
        rounded = float(f"{float(np.ravel(answer)[0]):.3g}")
        assert check(rounded).correct is False


def test_the_choice_mistakes_are_explained():
    for choice, explanation in ch13.check_13_3.mistakes():
        feedback = ch13.check_13_3(choice)
        assert feedback.correct is False and feedback.message == explanation


def test_counts_are_whole_numbers_and_the_proxy_asks_about_the_matrix_of_the_exercise():
    assert ch13.check_13_4.integer
    proxy = ch13.check_13_2.proxy
    assert proxy(0.8).correct is True and proxy("0.800").correct is True
    assert "recall(M, 1)" in ch13.check_13_2.question


@pytest.mark.parametrize("check", [ch13.check_13_1, ch13.check_13_3, ch13.check_13_4, ch13.check_13_5])
@pytest.mark.parametrize("odd", [..., None, "0.1x", b"0.1", 0.1j, [1, None], np.array([[1.0, 2.0]]),
                                 float("nan"), float("inf"), 10 ** 400, print])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message
