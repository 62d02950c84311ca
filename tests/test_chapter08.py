"""Chapter 8's own code (nblib.chapters.ch08): penalised fits, AdamW, augmentation, explorable, checks."""

import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib import data
from nblib.chapters import ch08

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
    w2 *= 1 - lr * lam
    optim.Adam(lr).step([w2], [g])
    assert np.allclose(w2, expected)


def test_noise_on_inputs_matches_l2():
    w_noisy, w_ridge = ch08.noise_experiment(sigma=0.3, copies=3000)
    assert np.max(np.abs(w_noisy - w_ridge)) < 0.01
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
    (ch08.check_8_1, 0.4),
    (ch08.check_8_2, 0.999 ** 1000),
    (ch08.check_8_2, np.exp(-1)),            # the continuous limit is within tolerance
    (ch08.check_8_3, "L1"),
    (ch08.check_8_4, _soft),
])
def test_right_answers_pass_quietly(check, answer):
    assert check(answer).correct is True
    assert check.confirm(answer) is None


@pytest.mark.parametrize("check, wrong, hint", [
    (ch08.check_8_1, 0.35, "cancels"),
    (ch08.check_8_1, 0.2, "same way as w"),
    (ch08.check_8_1, 0.1, "data loss too"),
    (ch08.check_8_2, 0.0, "compound"),
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
@pytest.mark.parametrize("odd", [..., None, "0.4", b"0.4", 0.4j, [1, None], np.array([[1.0, 2.0]]),
                                 float("nan"), float("inf"), 10 ** 400, print, [0.3]])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message
