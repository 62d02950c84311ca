"""Chapter 8's own code (nblib.chapters.ch08): penalised fits, AdamW, augmentation, explorable, checks."""

import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib import data
from nblib.chapters import ch08
from exercise_checks import assert_each_mistake_gets_its_hint

matplotlib.use("Agg")

x, y, _ = data.polynomial_task()
X = np.vander(x, 11, increasing=True)


@pytest.mark.parametrize("lam", [1e-6, 1e-2, 1.0])
def test_ridge_fit_zeroes_the_gradient_of_the_penalised_loss(lam):
    w = ch08.ridge_fit(x, y, lam)
    grad = -2 / len(x) * X.T @ (y - X @ w) + lam * np.r_[0.0, w[1:]]
    assert np.max(np.abs(grad)) < 1e-9


def test_ridge_fit_without_penalty_is_least_squares_and_matches_sklearn_ridge():
    from sklearn.linear_model import Ridge

    assert np.allclose(X @ ch08.ridge_fit(x, y, 0.0), y, atol=1e-8)        # through every point
    # sklearn's Ridge minimises ||y - Xw - b||^2 + alpha ||w||^2, that is n times ours with alpha = n lam / 2
    lam = 0.01
    ref = Ridge(alpha=len(x) * lam / 2, fit_intercept=True, solver="svd").fit(X[:, 1:], y)
    ours = ch08.ridge_fit(x, y, lam)
    assert np.allclose(ours[1:], ref.coef_, atol=1e-6) and ours[0] == pytest.approx(ref.intercept_, abs=1e-6)


def test_lasso_fit_matches_sklearn_lasso():
    from sklearn.linear_model import Lasso

    for lam in (1e-2, 1e-1):
        # sklearn's Lasso minimises ||y - Xw - b||^2 / (2n) + alpha ||w||_1: ours halved, alpha = lam / 2
        ref = Lasso(alpha=lam / 2, fit_intercept=True, tol=1e-12, max_iter=10 ** 6).fit(X[:, 1:], y)
        ours = ch08.lasso_fit(x, y, lam)
        assert np.allclose(ours[1:], ref.coef_, atol=1e-4) and ours[0] == pytest.approx(ref.intercept_, abs=1e-4)
        assert np.array_equal(ours[1:] == 0, np.abs(ref.coef_) < 1e-12)


def test_ridge_figure_claims():
    """"Without the penalty the powers x^5 to x^10 are in the hundreds; a small lambda brings them down
    to a few units; a larger one flattens the curve towards a straight line" (and the alt text)."""
    free = np.abs(ch08.ridge_fit(x, y, 0.0))
    assert np.all(free[5:] > 100) and np.all(free[:5] < 100)
    small = np.abs(ch08.ridge_fit(x, y, 1e-4))
    assert 0.05 < small.min() and small.max() < 4
    big = ch08.ridge_fit(x, y, 0.1)
    assert np.abs(big).max() < 1 and np.abs(big[2:]).max() < np.abs(big[1])


def test_l1_claims():
    sparse = ch08.sparsity_numbers(0.1, 0.1)
    assert abs(sparse.l1_new.value - sparse.l2_new.value) < 0.1 * sparse.l2_new.value   # "about equally well"
    w = ch08.lasso_fit(x, y, 0.1)
    assert w[1] != 0 and np.all(w[2:] == 0) and abs(w[1] - 1) < 0.1                    # only x's, near 1


def test_soft_threshold():
    assert np.array_equal(ch08.soft_threshold(np.array([-2.0, -0.3, 0.0, 0.1, 0.5]), 0.4),
                          np.array([-1.6, 0.0, 0.0, 0.0, 0.5 - 0.4]))


def test_sweep_and_sparsity_numbers():
    sweep = ch08.sweep_numbers()
    assert sweep.free_new.value > 5 * sweep.best_new.value and sweep.big_size.value < sweep.best_size.value
    assert 1e-3 < sweep.best_lam.value < 1
    sparse = ch08.sparsity_numbers(0.1, 0.1)
    assert (str(sparse.l1_zeros), str(sparse.l2_zeros), str(sparse.n_penalised)) == ("9", "0", "10")
    assert sparse.l1_slope.value == pytest.approx(ch08.lasso_fit(x, y, 0.1)[1])


def test_adam_with_l2_decays_unevenly_and_adamw_evenly():
    adam_l2 = ch08.decay_experiment("adam_l2", steps=300, n=400)
    adamw = ch08.decay_experiment("adamw", steps=300, n=400)
    intended = (1 - 0.01 * 0.1) ** 300
    assert np.all(np.abs(adamw - intended) < 0.03)
    assert adam_l2[0] < 0.1 and adam_l2[-1] > 0.9


def test_adamw_step_matches_pytorch_equations():
    """One step from zero state: w (1 - lr lam) - lr * m_hat / (sqrt(v_hat) + eps), m_hat = g, v_hat = g^2."""
    from nblib import optim

    w, g, lr, lam = np.array([1.0, -2.0]), np.array([0.5, 0.1]), 0.01, 0.1
    expected = w * (1 - lr * lam) - lr * g / (np.abs(g) + 1e-8)
    w2 = w.copy()
    optim.AdamW(lr, weight_decay=lam).step([w2], [g])
    assert np.allclose(w2, expected, rtol=1e-14)


# --- L2 through momentum: amplified by 1 / (1 - beta) -------------------------------------------

def test_l2_through_momentum_shrinks_one_over_one_minus_beta_times_as_fast():
    mom = ch08.momentum_numbers()
    assert mom.factor_00.value == pytest.approx(1.0, abs=1e-3)
    assert mom.factor_05.value == pytest.approx(2.0, rel=0.01)
    assert mom.factor_09.value == pytest.approx(10.0, rel=0.02)          # "ten times at beta = 0.9"
    assert mom.factor_09.value > 10.0                                    # "the exact one is a little larger"
    for beta in ch08.MOMENTA:                                            # measured = the slow root
        paths = ch08.momentum_decay(beta)
        measured = ch08.decay_rate(paths["l2"]) / ch08.decay_rate(paths["decay"])
        assert measured == pytest.approx(ch08.momentum_factor(beta), rel=1e-6)
    assert ch08.momentum_factor(0.9, lr=0.1, lam=1e-7) == pytest.approx(10.0, rel=1e-4)   # the limit
    assert mom.l2_end_09.value < 0.1 < 0.7 < mom.decay_end.value
    # beyond (1 - sqrt(beta))^2 the weight overshoots zero and oscillates
    wild = ch08.momentum_decay(0.9, lr=0.1, lam=0.05, steps=200)["l2"]
    assert (wild < 0).any() and not (ch08.momentum_decay(0.9)["l2"] < 0).any()


def test_the_l2_form_is_pytorch_sgd_weight_decay_with_momentum():
    torch = pytest.importorskip("torch")
    w = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    sgd = torch.optim.SGD([w], lr=0.1, momentum=0.9, weight_decay=1e-3)
    for _ in range(300):
        w.grad = torch.zeros(1, dtype=torch.float64)
        sgd.step()
    assert w.item() == pytest.approx(ch08.momentum_decay(0.9, steps=300)["l2"][-1], rel=1e-12)


# --- Adam + L2 against AdamW on the digits --------------------------------------------------------

def test_adam_l2_and_adamw_on_the_digits_tie_in_accuracy_and_differ_in_how_they_decay():
    runs = ch08.adamw_digits()
    numbers = ch08.adamw_digits_numbers(runs)
    assert all(len(rs) == 3 for curves in runs.values() for rs in curves.values())
    # lambda = 0 is the same run for both methods
    assert [r["val_acc"] for r in runs["adam_l2"][0.0]] == [r["val_acc"] for r in runs["adamw"][0.0]]
    spread = numbers.none_high.value - numbers.none_low.value
    # "neither penalty moves the accuracy by more than the seeds do"
    for key in ("l2", "w"):
        assert abs(getattr(numbers, f"{key}_best_acc").value - numbers.none_acc.value) <= spread
        # "both cost accuracy when too strong"
        assert getattr(numbers, f"{key}_big_acc").value < numbers.none_low.value - 5
    # "AdamW: every weight shrinks by the same alpha lambda"; Adam + L2: a spread over a factor > 10
    for r in runs["adamw"][1.0]:
        assert np.allclose(r["shrink"], 0.003 * 1.0)
    assert numbers.w_spread.value == pytest.approx(1.0)
    assert numbers.l2_spread.value > 10
    # "weights with small gradients are pulled to zero fast": some shrink by more than 1% a step
    assert all((r["shrink"] > 0.01).mean() > 0.01 for r in runs["adam_l2"][0.01])
    # the figure's alt text: from below 0.001 to beyond 1, most between 0.002 and 0.1
    for r in runs["adam_l2"][0.01]:
        assert r["shrink"].min() < 1e-3 and r["shrink"].max() > 1
        assert np.mean((r["shrink"] > 0.002) & (r["shrink"] < 0.11)) > 0.5


# --- Some things to try (one test per bullet, setting the slider) --------------------------------

def _frame_text(lam):
    return ch08.lambda_view(Figure(figsize=(8.8, 3.3)))(lam=lam)


def test_try_1_a_hundred_thousandth_brings_the_largest_coefficient_below_10():
    lam = ch08.lambda_numbers()
    free = ch08.lambda_frame(0.0)
    assert 100 < free["largest"] < 1000 and str(lam.free_largest) == f"{free['largest']:.0f}"
    tamed = lam.tamed_lam.value
    assert ch08.lambda_frame(tamed)["largest"] < 10
    assert all(ch08.lambda_frame(v)["largest"] >= 10 for v in ch08.LAMBDAS[ch08.LAMBDAS < tamed * 0.99])
    assert 1e-6 < tamed < 1e-4
    # the figure's claim: at lambda = 1e-4 the coefficients are "a few units"
    assert 1 < ch08.lambda_frame(1e-4)["largest"] < 10
    fig = Figure(figsize=(8.8, 3.3))
    update = ch08.lambda_view(fig)
    update(lam=tamed)
    heights = [bar.get_height() for bar in fig.axes[1].patches]
    assert max(heights[1:]) < 10


def test_try_2_the_best_lambda_stays_close_to_the_source():
    lam = ch08.lambda_numbers()
    sweep = ch08.sweep_numbers()
    best = ch08.lambda_frame(sweep.best_lam.value)
    assert best["new"] == min(ch08.lambda_frame(v)["new"] for v in ch08.LAMBDAS)
    assert f"unseen MSE {best['new']:.3f}" in _frame_text(sweep.best_lam.value)
    assert best["stray"] < 0.2 < 2 < lam.free_stray.value


def test_try_3_at_lambda_10_the_slope_survives_and_the_intercept_sits_at_the_mean():
    lam = ch08.lambda_numbers()
    last = ch08.lambda_frame(10.0)
    assert last["lam"] == 10.0 and int(np.argmax(np.abs(last["coef"][1:]))) + 1 == 1     # the slope of x
    # the unpenalised intercept makes the mean residual zero; it is close to the mean of y
    X = np.vander(x, 11, increasing=True)
    assert np.mean(y - X @ last["coef"]) == pytest.approx(0.0, abs=1e-12)
    assert abs(lam.last_intercept.value - lam.mean_y.value) < 0.01
    assert _frame_text(10.0).startswith("lambda 1.0e+01")


def test_the_best_fit_beats_the_noise_variance_only_as_the_source_does():
    sweep = ch08.sweep_numbers()
    x_new, y_new = data.polynomial_task_fresh(200, seed=1)
    assert sweep.source_new.value == pytest.approx(np.mean((y_new - x_new) ** 2))
    assert sweep.best_new.value < 0.04 and sweep.source_new.value < 0.04 and str(sweep.noise_var) == "0.04"
    assert sweep.best_new.value > sweep.source_new.value


def test_noise_on_inputs_matches_l2():
    w_noisy, w_ridge = ch08.noise_experiment(sigma=0.3, copies=2000)
    gap = np.max(np.abs(w_noisy - w_ridge))
    assert gap < 0.002                                  # "to about the third decimal"
    more = ch08.noise_experiment(sigma=0.3, copies=8000)
    assert np.max(np.abs(more[0] - more[1])) < gap      # "more copies bring them closer still"
    plain, _ = ch08.noise_experiment(sigma=0.0, copies=2)
    assert not np.allclose(plain, w_ridge, atol=0.01)


def test_augment_keeps_shapes_ranges_and_shifts_by_a_pixel():
    rng = np.random.default_rng(0)
    image = np.zeros((1, 64))
    image[0, 3 * 8 + 4] = 1.0
    moved = ch08.augment(image, rng, shift=1, noise=0.0, brightness=0.0)
    row, col = divmod(int(np.argmax(moved)), 8)
    assert moved.sum() == 1.0 and abs(row - 3) <= 1 and abs(col - 4) <= 1
    X_train = data.digit_splits()[0]
    out = ch08.augment(X_train[:50], rng)
    assert out.shape == (50, 64) and out.min() >= 0 and out.max() <= 1
    assert np.array_equal(ch08.augment(X_train[:5], rng, shift=0, noise=0.0, brightness=0.0), X_train[:5])


def test_augmentation_claims_on_the_three_seeds():
    X_train, X_val, _, y_train, y_val, _ = data.digit_splits(seed=0)
    results = {kind: [ch08.augmentation_run(X_train, y_train, X_val, y_val, kind, seed) for seed in range(3)]
               for kind in ch08.AUGMENTATIONS}
    aug = ch08.augmentation_numbers(results)
    spread = aug.none_high.value - aug.none_low.value
    assert abs(aug.nb_mean.value - aug.none_mean.value) <= spread      # "within the seeds' spread"
    assert aug.shift_cost.value > 0                                    # "shifts lower the mean"
    assert all(abs(v - 90) < 5 for v in (aug.none_mean.value, aug.nb_mean.value, aug.all_mean.value))


def test_augmentation_numbers():
    results = {"none": [0.9, 0.92], "nb": [0.91, 0.93], "all": [0.88, 0.9]}
    aug = ch08.augmentation_numbers(results)
    assert (str(aug.none_mean), str(aug.nb_high), str(aug.all_low), str(aug.seeds)) == ("91.0", "93.0", "88.0", "2")


def test_every_explorable_frame_draws_without_warnings():
    assert len(ch08.LAMBDAS) >= 101 and ch08.LAMBDAS[0] == 0.0
    fig = Figure(figsize=(8.8, 3.3))
    update = ch08.lambda_view(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for lam in ch08.LAMBDAS:
            assert update(lam=lam).startswith("lambda")
        fig.canvas.draw()
    assert "training MSE 0," in update(lam=0.0)


# --- Exercises --------------------------------------------------------------------------------

def _soft(z, t):
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


@pytest.mark.parametrize("check, answer", [
    (ch08.check_8_1, 0.55),
    (ch08.check_8_2, 0.999 ** 1000),
    (ch08.check_8_2, np.exp(-1)),            # the continuous limit is within tolerance
    (ch08.check_8_3, "L1"),
    (ch08.check_8_4, _soft),
])
def test_right_answers_pass_quietly(check, answer):
    assert check(answer).correct is True
    assert check.confirm(answer) is None


@pytest.mark.parametrize("check, wrong, hint", [
    (ch08.check_8_1, 0.475, "nothing is left to halve"),
    (ch08.check_8_1, 0.625, "penalty itself"),
    (ch08.check_8_1, 0.7, "cancels"),
    (ch08.check_8_1, 0.25, "same way as w"),
    (ch08.check_8_1, 0.15, "data loss too"),
    (ch08.check_8_1, 0.45, "proportional to the weight"),
    (ch08.check_8_2, 0.0, "compound"),
    (ch08.check_8_2, 0.9 ** 1000, "left out lambda"),
    (ch08.check_8_2, 0.632, "share of the weight that is lost"),
    (ch08.check_8_2, 0.99 ** 1000, "learning rate"),
    (ch08.check_8_2, 0.999, "1000 times"),
    (ch08.check_8_3, "L2", "rarely zero"),
    (ch08.check_8_3, "both", "none is exactly zero"),
    (ch08.check_8_4, lambda z, t: np.maximum(np.abs(z) - t, 0), "Keep the sign"),
    (ch08.check_8_4, lambda z, t: np.where(np.abs(z) > t, z, 0.0), "shrink by t too"),
    (ch08.check_8_4, lambda z, t: z - t * np.sign(z), "exactly 0"),
])
def test_recognisable_mistakes_get_their_hint(check, wrong, hint):
    feedback = check(wrong)
    assert feedback.correct is False and hint in feedback.message, feedback.message


@pytest.mark.parametrize("check", [ch08.check_8_1, ch08.check_8_2, ch08.check_8_3, ch08.check_8_4])
def test_every_listed_mistake_gets_its_hint_at_3_digits_and_in_full_and_none_is_right(check):
    """Issue 19: each listed mistake, at full precision and at 3 significant digits, gets its own hint."""
    assert_each_mistake_gets_its_hint(check, at_least=1)


def test_the_soft_threshold_proxy_asks_for_the_reference_output():
    assert np.allclose(ch08.check_8_4.proxy.expected, _soft(np.array([-1.0, 0.3, 2.5]), 0.5))
    assert ch08.check_8_4.proxy([-0.5, 0.0, 2.0]).correct is True
    assert ch08.check_8_4.proxy("-0.5, 0, 2").correct is True


def test_exercise_8_1s_classic_mistakes_are_all_different_from_the_answer():
    values = [v[0] for v, _ in ch08.check_8_1.hints] + [0.55]
    assert len({round(v, 3) for v in values}) == len(values)


@pytest.mark.parametrize("check", [ch08.check_8_1, ch08.check_8_2, ch08.check_8_3, ch08.check_8_4])
@pytest.mark.parametrize("odd", [..., None, "0.4", b"0.4", 0.4j, [1, None], np.array([[1.0, 2.0]]),
                                 float("nan"), float("inf"), 10 ** 400, print, [0.3]])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message
