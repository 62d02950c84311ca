"""Chapter 2's own code (nblib.chapters.ch02): its numbers, its explorable and its exercise checks."""

import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib import linear
from nblib.chapters import ch02
from nblib.chapters.text import prose_number
from nblib.data import seven_points
from exercise_checks import assert_each_mistake_gets_its_hint

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


# --- Some things to try (each bullet under the explorable) ------------------------------------

TRIES = ch02.bowl_try_numbers()


def _view():
    fig = Figure(figsize=(8.6, 3.4))
    update = ch02.bowl_view(fig)
    return fig, update


def _mse_shown(sentence):
    return float(sentence.rstrip(".").split("MSE ")[1])


def test_try_moving_only_m_makes_the_mse_jump_and_leaves_the_floor():
    fig, update = _view()
    c = len(ch02.M_STEPS) // 2
    best = _mse_shown(update(m=ch02.M_STEPS[c], b=ch02.B_STEPS[c]))
    moved = [_mse_shown(update(m=ch02.M_STEPS[c + k], b=ch02.B_STEPS[c])) for k in (-2, 2)]
    assert f"{best:.4f}" == str(TRIES.mse_best) and f"{max(moved):.3f}" == str(TRIES.mse_moved)
    assert min(moved) / best > 2.5                              # "the MSE jumps"
    x_bar = x.mean()
    for k in (-2, 2):                                           # off the floor b = y_bar - m x_bar
        m = ch02.M_STEPS[c + k]
        assert abs(ch02.B_STEPS[c] - (y.mean() - m * x_bar)) > 0.15


def test_try_raising_m_moves_the_best_b_about_x_bar_times_the_other_way():
    fig, update = _view()
    c = len(ch02.M_STEPS) // 2
    m = ch02.M_STEPS[c + 4]
    mses = [_mse_shown(update(m=m, b=b)) for b in ch02.B_STEPS]
    j = int(np.argmin(mses))
    ratio = (ch02.B_STEPS[j] - B_OLS) / (m - M_OLS)
    assert -4.5 < ratio < -2.5 and str(TRIES.ratio) == prose_number(f"{ratio:.0f}") and str(TRIES.db) == prose_number(f"{ch02.B_STEPS[j] - B_OLS:+.1f}")
    # the line pivoted around the centre of the data: its height at x_bar hardly moved
    assert abs((ch02.B_STEPS[j] + m * x.mean()) - (B_OLS + M_OLS * x.mean())) < 0.05


def test_try_the_centred_map_has_the_same_best_height_whatever_the_slope():
    fig, update = _view()
    middle, right = fig.axes[1], fig.axes[2]
    assert "ratio 316" in middle.get_title() and "ratio 1.5" in right.get_title()
    c_grid = np.linspace(0, 4, 4001)
    for m in ch02.M_STEPS[::5]:
        best_c = c_grid[np.argmin(linear.mse_line(x - x.mean(), y, m, c_grid))]
        assert best_c == pytest.approx(y.mean(), abs=1e-3)
    # the dot on the right map is (m, b + m x_bar)
    update(m=ch02.M_STEPS[24], b=ch02.B_STEPS[16])
    point = [line for line in right.lines if len(line.get_xdata()) == 1 and line.get_marker() != "*"][0]
    assert point.get_ydata()[0] == pytest.approx(ch02.B_STEPS[16] + ch02.M_STEPS[24] * x.mean())


def test_try_the_worst_line_is_a_corner_across_the_valley():
    fig, update = _view()
    corners = [(i, j) for i in (0, len(ch02.M_STEPS) - 1) for j in (0, len(ch02.B_STEPS) - 1)]
    mses = {(i, j): _mse_shown(update(m=ch02.M_STEPS[i], b=ch02.B_STEPS[j])) for i, j in corners}
    worst = max(mses, key=mses.get)
    grid = linear.mse_line(x, y, *np.meshgrid(ch02.M_STEPS, ch02.B_STEPS, indexing="ij"))
    assert mses[worst] == pytest.approx(grid.max(), rel=1e-3)
    assert (prose_number(f"{ch02.M_STEPS[worst[0]]:.3f}"), prose_number(f"{ch02.B_STEPS[worst[1]]:.2f}")) == (
        str(TRIES.worst_m), str(TRIES.worst_b))
    other = (len(ch02.M_STEPS) - 1 - worst[0], worst[1])
    assert f"{mses[other]:.2f}" == str(TRIES.other_mse) and mses[other] < mses[worst] / 20


# --- The claims of the text (issue 17) ---------------------------------------------------------

def test_mae_and_mse_rank_the_candidates_as_the_eye_does_and_the_mean_error_does_not():
    loss = ch02.loss_numbers(x, y, {"A": (0.9, -1.2), "B": (-0.11, 2.5), "C": (0.3, 0.95)})
    assert loss.mse_C.value < loss.mse_B.value < loss.mse_A.value
    assert loss.mae_C.value < loss.mae_B.value < loss.mae_A.value
    assert loss.mse_A.value / loss.mse_C.value > 10 and abs(loss.me_A.value) < 2 * abs(loss.me_C.value)
    r_B = y - (-0.11 * x + 2.5)
    assert np.argmax(np.abs(r_B)) == len(x) - 1                # B's largest miss is at the right
    for m, b in [(0.9, -1.2), (-0.11, 2.5), (0.3, 0.95)]:       # MAE <= sqrt(MSE)
        r = y - (m * x + b)
        assert np.mean(np.abs(r)) <= np.sqrt(np.mean(r ** 2))


def test_the_bowl_spans_four_powers_of_ten_and_the_mean_error_of_two_bad_predictors_is_zero():
    M, B = np.meshgrid(np.linspace(-2, 4, 241), np.linspace(-6, 8, 281))
    bowl = ch02.bowl_numbers(x, y, linear.mse_line(x, y, M, B))
    assert np.log10(bowl.J_max.value / bowl.J_bottom.value) > 4
    from nblib.data import face_patch_predictions

    _, y_face = face_patch_predictions()
    for prediction in (1.0 - y_face, np.full(6, 0.5)):
        assert np.mean(y_face - prediction) == pytest.approx(0.0, abs=1e-12)


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
    (ch02.check_2_1, 0.2135, "sum of the squared residuals"),     # issue 19: at 4 and at 3 digits
    (ch02.check_2_1, 0.214, "sum of the squared residuals"),
    (ch02.check_2_1, MSE_21 / 2, "half the MSE"),
    (ch02.check_2_1, 7 * MSE_21 / 6, "n − 1"),
    (ch02.check_2_4, -14 * np.mean(y - (0.5 * x + 1.0)), "mean, not a sum"),
    (ch02.check_2_5, [M_OLS, B_OLS - 1], "intercept grows"),
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


CHECKS = [ch02.check_2_1, ch02.check_2_2, ch02.check_2_3, ch02.check_2_4, ch02.check_2_5]


@pytest.mark.parametrize("check", CHECKS)
def test_every_listed_mistake_gets_its_hint_and_none_is_judged_right(check):
    """Issue 19: each listed mistake, at full precision and at 3 significant digits (``mistakes()``)."""
    assert_each_mistake_gets_its_hint(check, at_least=2)


def test_the_web_question_of_2_2_is_the_reference_on_two_numbers():
    proxy = ch02.check_2_2.proxy
    assert proxy.expected == pytest.approx(8.5) and proxy(8.5).correct is True
    assert "sum of the squares" in proxy(17).message


def test_the_face_detector_claims():
    from nblib import losses
    from nblib.data import face_patch_predictions

    y_hat, y_face = face_patch_predictions()
    residuals = y_face - y_hat
    assert np.all(residuals[:3] > 0) and np.all(residuals[3:] < 0)      # too timid on faces
    face = ch02.face_numbers(y_face, y_hat)
    assert face.wrong_ce.value == pytest.approx(-np.log(losses.EPS), rel=1e-6)
    assert face.ce.value < face.coin_ce.value < face.wrong_ce.value


def test_the_normal_equations_matrix_is_n_over_2_times_the_hessian():
    X1 = linear.add_bias_column(x[:, None])                   # columns (1, x): parameters (b, m)
    H = linear.hessian_line(x)                                  # parameters (m, b)
    assert np.allclose(X1.T @ X1, len(x) / 2 * H[::-1, ::-1])
