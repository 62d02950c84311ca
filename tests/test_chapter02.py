"""Chapter 2's own code (nblib.chapters.ch02): its numbers, its explorable and its exercise checks."""

import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib import linear
from nblib.chapters import ch02
from nblib.data import seven_points

matplotlib.use("Agg")

x, y = seven_points()
M_OLS, B_OLS = np.polyfit(x, y, 1)


def test_hessian_matches_second_differences_of_the_mse():
    h = 1e-3
    J = lambda m, b: linear.mse_line(x, y, m, b)
    m, b = 0.3, 0.9
    numeric = np.array([
        [(J(m + h, b) - 2 * J(m, b) + J(m - h, b)) / h ** 2,
         (J(m + h, b + h) - J(m + h, b - h) - J(m - h, b + h) + J(m - h, b - h)) / (4 * h ** 2)],
        [0.0, (J(m, b + h) - 2 * J(m, b) + J(m, b - h)) / h ** 2]])
    numeric[1, 0] = numeric[0, 1]
    assert np.allclose(linear.hessian_line(x), numeric, rtol=1e-5)


def test_bowl_numbers():
    M, B = np.meshgrid(np.linspace(-2, 4, 241), np.linspace(-6, 8, 281))
    bowl = ch02.bowl_numbers(x, y, linear.mse_line(x, y, M, B))
    assert str(bowl.x_bar) == "3.6" and (str(bowl.x_min), str(bowl.x_max)) == ("2.4", "5.0")
    assert str(bowl.kappa) == "316" and str(bowl.kappa_centred) == "1.5"
    # centred: the Hessian is diag(2 var(x), 2), so the ratio is 1 / var(x) when var(x) < 1
    assert bowl.kappa_centred.value == pytest.approx(1 / np.var(x))


def test_ols_and_loss_numbers():
    ols = ch02.ols_numbers(x, y)
    assert (str(ols.m), str(ols.b), str(ols.mse)) == ("0.3356", "0.8047", "0.0181")
    assert ols.m.value == pytest.approx(M_OLS) and ols.b.value == pytest.approx(B_OLS)
    assert ols.mse_seed.value == pytest.approx(np.mean((y - 0.5 * x - 1.0) ** 2))
    loss = ch02.loss_numbers(x, y, {"B": (-0.11, 2.5)})
    assert str(loss.mse_B) == "0.1602" and loss.me_B.value == pytest.approx(np.mean(y - (-0.11 * x + 2.5)))


def test_face_numbers():
    from nblib.data import face_patch_predictions

    y_hat, y_face = face_patch_predictions()
    face = ch02.face_numbers(y_face, y_hat)
    assert str(face.me) == "0.15" and str(face.coin_ce) == f"{np.log(2):.4f}"
    assert face.mae.value == pytest.approx((0.29 + 0.77 + 0.45 + 0.12 + 0.44 + 0.05) / 6)   # 0.3533...


def test_explorable_has_fine_sliders_around_the_least_squares_line():
    assert len(ch02.M_STEPS) >= 41 and len(ch02.B_STEPS) >= 41
    assert ch02.M_STEPS[20] == pytest.approx(M_OLS) and ch02.B_STEPS[20] == pytest.approx(B_OLS)


def test_every_explorable_frame_draws_without_warnings():
    fig = Figure(figsize=(8.6, 3.4))
    update = ch02.bowl_view(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for m in ch02.M_STEPS:
            for b in ch02.B_STEPS:
                assert update(m=m, b=b).startswith("Slope")
        fig.canvas.draw()
    assert "MSE 0.0181" in update(m=ch02.M_STEPS[20], b=ch02.B_STEPS[20])


# --- Exercises --------------------------------------------------------------------------------

MSE_21 = np.mean((y - (0.2 * x + 1.3)) ** 2)


@pytest.mark.parametrize("check, answer", [
    (ch02.check_2_1, MSE_21),
    (ch02.check_2_2, lambda y, y_hat: np.mean((y - y_hat) ** 2)),
    (ch02.check_2_3, "mean error"),
    (ch02.check_2_4, -2 * np.mean(y - (0.5 * x + 1.0))),
    (ch02.check_2_5, [M_OLS, B_OLS + 1]),
])
def test_right_answers_pass_quietly(check, answer):
    assert check(answer).correct is True
    assert check.confirm(answer) is None


@pytest.mark.parametrize("check, wrong, hint", [
    (ch02.check_2_1, np.mean(np.abs(y - (0.2 * x + 1.3))), "mean absolute error"),
    (ch02.check_2_1, 7 * MSE_21, "sum of the squared residuals"),
    (ch02.check_2_1, np.sqrt(MSE_21), "RMSE"),
    (ch02.check_2_1, np.mean(y - (0.2 * x + 1.3)), "mean error"),
    (ch02.check_2_1, round(MSE_21, 2), "more"),
    (ch02.check_2_2, lambda y, y_hat: np.mean(y - y_hat), "cancel"),
    (ch02.check_2_2, lambda y, y_hat: np.sum((y - y_hat) ** 2), "sum of the squares"),
    (ch02.check_2_2, lambda y, y_hat: None, "return"),
    (ch02.check_2_3, "mean absolute error", "positive"),
    (ch02.check_2_4, 2 * np.mean(y - (0.5 * x + 1.0)), "sign"),
    (ch02.check_2_4, -np.mean(y - (0.5 * x + 1.0)), "factor 2"),
    (ch02.check_2_5, [B_OLS + 1, M_OLS], "swap"),
    (ch02.check_2_5, [M_OLS + 1, B_OLS + 1], "slope"),
    (ch02.check_2_5, [M_OLS, B_OLS], "moved up by 1"),
])
def test_recognisable_mistakes_get_their_hint(check, wrong, hint):
    feedback = check(wrong)
    assert feedback.correct is False and hint in feedback.message, feedback.message


@pytest.mark.parametrize("check", [ch02.check_2_1, ch02.check_2_3, ch02.check_2_4, ch02.check_2_5])
@pytest.mark.parametrize("odd", [..., None, "0.03", b"0.03", 0.03j, [1, None], np.array([[1.0, 2.0]]),
                                 float("nan"), float("inf"), 10 ** 400, print, [0.3]])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message
