"""Chapter 10's own code (nblib.chapters.ch10): the worked example, the cost experiment, the
explorable and the exercise checks."""

import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib.chapters import ch10
from nblib.gradcheck import numerical_gradient, relative_error
from nblib.nn import MLP
from exercise_checks import assert_each_mistake_gets_its_hint

matplotlib.use("Agg")

F = ch10.forward_221(ch10.X_221, ch10.Y_221, ch10.PARAMS_221)
B = ch10.backward_221(F, ch10.PARAMS_221)


def test_forward_pass_by_hand():
    # z1 = (1*0.5 + 2*0.3 + 0.1, 1*-0.4 + 2*0.2 - 0.5) = (1.2, -0.5); h = (1.2, 0); z2 = 0.8*1.2 + 0.2
    assert np.allclose(F["z1"], [1.2, -0.5]) and np.allclose(F["h"], [1.2, 0.0])
    assert F["z2"] == pytest.approx(1.16)
    a = 1 / (1 + np.exp(-1.16))
    assert F["a"] == pytest.approx(a) and F["J"] == pytest.approx((a - 1) ** 2)
    worked = ch10.worked_numbers(F, B)
    assert (str(worked.a), str(worked.J), str(worked.z1_2)) == ("0.7613", "0.0570", "−0.5")


def test_backward_pass_matches_the_formulas_nblib_and_finite_differences():
    a = F["a"]
    delta2 = 2 * (a - 1) * a * (1 - a)
    assert B["dJ_dz2"] == pytest.approx(delta2)
    assert np.allclose(B["dJ_dW2"][:, 0], [delta2 * 1.2, 0.0])
    assert np.allclose(B["dJ_dW1"], [[0.8 * delta2, 0.0], [2 * 0.8 * delta2, 0.0]])
    mine = ch10.flat(ch10.grads_221(B))
    a_nblib, theirs = ch10.nblib_221()
    assert a_nblib == pytest.approx(a)
    assert np.allclose(mine, ch10.flat(theirs), rtol=0, atol=1e-15)
    fd = numerical_gradient(ch10.loss_221, ch10.flat(ch10.PARAMS_221))
    assert relative_error(mine, fd) < 1e-8


@pytest.mark.parametrize("x1", [-2.0, -1.0, 0.3, 1.7])
def test_backward_pass_is_right_at_other_inputs(x1):
    x = np.array([x1, 2.0])
    b = ch10.backward_221(ch10.forward_221(x, 1.0, ch10.PARAMS_221), ch10.PARAMS_221)
    fd = numerical_gradient(lambda w: ch10.loss_221(w, x), ch10.flat(ch10.PARAMS_221))
    assert relative_error(ch10.flat(ch10.grads_221(b)), fd) < 1e-7
    dx = numerical_gradient(lambda v: ch10.forward_221(v, 1.0, ch10.PARAMS_221)["J"], x)
    assert np.allclose(b["dJ_dx"], dx, atol=1e-9)


def test_centred_differences_in_place_agree_with_backprop_and_restore_the_weights():
    X, y = ch10.big_digits(5)
    assert X.shape == (5, 784) and X.min() == 0 and X.max() <= 1
    net = MLP([784, 3, 10], seed=1)
    before = ch10.flat(net.params)
    which = [(0, 400), (1, 2), (2, 7), (3, 9)]
    fd = ch10.centred_differences(net, X, y, which)
    grads = net.loss_and_grads(X, y, "cross_entropy")[1]
    assert np.allclose(fd, [grads[k].reshape(-1)[i] for k, i in which], atol=1e-7)
    assert np.array_equal(ch10.flat(net.params), before)


def test_cost_experiment_counts_and_ratio():
    cost = ch10.cost_experiment((784, 15, 10), n_examples=20, n_sampled=20)
    assert cost["n_params"] == 11935 and cost["agreement"] < 1e-6
    assert cost["fd"] == pytest.approx(cost["fd_per_param"] * 11935)
    assert cost["fd"] / cost["backprop"] > 100
    price = ch10.cost_numbers(cost)
    assert (str(price.one_sided), str(price.centred)) == ("11,936", "23,870")
    assert price.run_hours.value == pytest.approx(2000 * cost["fd"] / 3600)
    assert price.run_seconds.value == pytest.approx(2000 * cost["backprop"])


def test_the_gap_grows_with_the_network_and_backprop_stays_a_few_passes():
    small = ch10.cost_experiment((784, 15, 10), n_examples=100, n_sampled=30)
    large = ch10.cost_experiment((784, 60, 10), n_examples=100, n_sampled=30)
    for cost in (small, large):
        assert cost["backprop"] / cost["forward"] < 3
    assert large["fd"] / large["backprop"] > 1.5 * small["fd"] / small["backprop"]


def test_finite_difference_errors_form_the_two_vs():
    one, two = ch10.eps_errors()
    k1, k2 = np.argmin(one), np.argmin(two)
    assert 1e-10 < ch10.EPS_VALUES[k1] < 1e-6 < ch10.EPS_VALUES[k2] < 1e-3
    assert ch10.eps_numbers(one, two).at_default.value < 1e-9          # "around 1e-10 or below"
    assert two[k2] < 1e-9 < one[k1] < 1e-6
    big = ch10.EPS_VALUES > 1e-3     # truncation: slopes 1 and 2 on the log-log plot
    assert np.polyfit(np.log(ch10.EPS_VALUES[big]), np.log(one[big]), 1)[0] == pytest.approx(1, abs=0.1)
    assert np.polyfit(np.log(ch10.EPS_VALUES[big]), np.log(two[big]), 1)[0] == pytest.approx(2, abs=0.1)


def test_every_bug_is_caught_and_the_correct_pass_is_not():
    errors = ch10.bug_errors()
    verdict = ch10.bug_numbers(errors)
    assert verdict.least_bug.value / verdict.correct.value > 1e8          # eight orders of magnitude
    assert errors["correct"] < 1e-9
    assert all(v > 1e-2 for name, v in errors.items() if name != "correct")
    assert errors["factor 2 of the square dropped"] == pytest.approx(1 / 3)   # |g - g/2| / (|g| + |g/2|)


def test_every_explorable_frame_draws_without_warnings():
    fig = Figure(figsize=(8.6, 3.3))
    update = ch10.backward_view(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for x1 in ch10.X1_VALUES:
            for step in ch10.STEP_VALUES:
                assert update(x1=x1, step=step).startswith(f"Input x1 = {x1:.1f}, step {step}")
        fig.canvas.draw()
    assert "(−0.0694, 0)" in update(x1=1.0, step=6)


def test_explorable_offers_what_the_text_asks_for():
    values = list(ch10.X1_VALUES)
    assert {1.0, -1.0, -1.3, -1.4, -1.5, -2.0, 2.0} <= set(values) and len(values) >= 41
    assert len(ch10.STEP_VALUES) == len(ch10.STEPS) == len(ch10.STEP_NAMES) == 9
    # the first hidden unit switches off below x1 = -1.4, the second is on below x1 = -0.25
    f = ch10.forward_221(np.array([-1.0, 2.0]), 1.0, ch10.PARAMS_221)
    assert (f["z1"] > 0).all()
    assert ch10.forward_221(np.array([-1.5, 2.0]), 1.0, ch10.PARAMS_221)["z1"][0] < 0


def _frame(x1, step):
    fig = Figure(figsize=(8.6, 3.3))
    update = ch10.backward_view(fig)
    sentence = update(x1=x1, step=step)
    texts = {kind: ({k: t.get_text() for k, t in group.items()} if isinstance(group, dict) else group.get_text())
             for kind, group in update.texts.items()}
    return sentence, texts


def test_the_weights_gradients_appear_on_their_edges_when_computed():
    _, texts = _frame(1.0, 3)
    assert all(text == "" for text in texts["weights"].values())
    _, texts = _frame(1.0, 4)                   # W2's gradients, not yet W1's
    assert texts["weights"][("h1", "z2")] == ch10._fmt(B["dJ_dW2"][0, 0], 3)
    assert texts["weights"][("x1", "z11")] == ""
    shown = ch10.weight_gradients(B, 7)
    assert shown[("x2", "z11")] == B["dJ_dW1"][1, 0] and shown[("h2", "z2")] == B["dJ_dW2"][1, 0]
    assert len(shown) == 6 and ch10.weight_gradients(B, 3) == {}


def test_try_playing_x1_1_the_derivative_stops_at_the_second_unit():
    _, texts = _frame(1.0, 6)
    assert texts["grads"]["h2"] == f"∂J: {ch10._fmt(B['dJ_dh'][1], 3)}" and B["dJ_dh"][1] != 0
    assert texts["grads"]["z12"] == "∂J: 0"
    _, texts = _frame(1.0, 7)
    assert texts["weights"][("x1", "z12")] == texts["weights"][("x2", "z12")] == "0"
    assert texts["weights"][("x1", "z11")] != "0"


def test_try_x1_minus_1_both_units_pass_a_derivative_to_their_weights():
    sentence, texts = _frame(-1.0, 7)
    assert "both hidden units on" in texts["title"]
    assert all(texts["weights"][edge] not in ("", "0") for edge in
               [("x1", "z11"), ("x2", "z11"), ("x1", "z12"), ("x2", "z12")])


def test_try_x1_minus_1_5_the_first_unit_is_off_and_passes_nothing():
    _, texts = _frame(-1.5, 6)
    assert "h1 off" in texts["title"]
    assert texts["grads"]["z11"] == "∂J: 0" and texts["grads"]["h1"] not in ("", "∂J: 0")


def test_try_step_8_across_the_range_the_check_fails_only_on_the_kink():
    kink = ch10.kink_numbers()
    assert kink.elsewhere.value < 1e-9 and kink.error.value > 0.1
    for x1 in ch10.X1_VALUES:
        sentence, texts = _frame(x1, 8)
        error = float(sentence.rsplit("relative error ", 1)[1].split()[0])
        if x1 == ch10.KINK_X1:
            assert error > 0.1 and "h1 on its kink" in texts["title"] and "kink" in texts["line"]
        else:
            assert error < 1e-9 and "kink" not in texts["title"] + texts["line"]


def test_on_the_kink_centred_differences_average_the_two_sides():
    kink = ch10.kink_numbers()
    assert 0 < kink.z11.value < 1e-15                # 0 up to rounding, on the on side
    assert kink.on_side.value == 1                   # backprop picks relu' = 1 there
    from nblib.activations import relu_derivative
    assert relu_derivative(np.array([0.0]))[0] == 0  # "nblib's convention relu'(0) = 0"
    assert kink.ratio.value == pytest.approx(0.5, abs=1e-6) and kink.ratio_spread < 1e-6
    assert kink.gap < 1e-6                           # the average of relu' = 1 and relu' = 0
    # one stop away on either side the check is back to normal
    for x1 in (-1.3, -1.5):
        assert ch10._example(x1)[2] < 1e-9


def test_figures_come_back_closed():
    import matplotlib.pyplot as plt

    cost = {"forward": 1e-3, "backprop": 2e-3, "fd": 20.0, "n_params": 11935}
    one, two = ch10.eps_errors()
    for fig in (ch10.cost_figure(cost), ch10.graph_figure(), ch10.eps_figure(one, two),
                ch10.bug_figure(ch10.bug_errors())):
        assert fig.axes and not plt.get_fignums()


# --- Exercises --------------------------------------------------------------------------------

@pytest.mark.parametrize("check, answer", [
    (ch10.check_10_1, 2 * 2410),
    (ch10.check_10_2, 0.08),
    (ch10.check_10_3, lambda g, z: np.where(z > 0, g, 0.0)),
    (ch10.check_10_4, 0.3 * B["dJ_dz1"][0]),
])
def test_right_answers_pass_quietly(check, answer):
    assert check(answer).correct is True
    assert check.confirm(answer) is None


@pytest.mark.parametrize("check, wrong, hint", [
    (ch10.check_10_1, 2410, "both sides"),
    (ch10.check_10_1, 2411, "one-sided"),
    (ch10.check_10_1, 2 * 2368, "biases"),
    (ch10.check_10_2, 0.5, "gradient arriving from above"),
    (ch10.check_10_2, 0.16, "local derivative"),
    (ch10.check_10_2, 0.4, "not a"),
    (ch10.check_10_3, lambda g, z: g, "passes every gradient"),
    (ch10.check_10_3, lambda g, z: g * z, "not by z"),
    (ch10.check_10_3, lambda g, z: g * (z >= 0), "At z = 0"),
    (ch10.check_10_4, B["dJ_dz1"][0], "One more step"),
    (ch10.check_10_4, 0.3 * B["dJ_dh"][0] + 0.2 * B["dJ_dh"][1], "off"),
    (ch10.check_10_4, -0.4 * B["dJ_dz1"][0], "not column 1"),
    (ch10.check_10_4, 0.5 * B["dJ_dz1"][0], "That is dJ/dx1"),
    (ch10.check_10_4, -0.0347, "That is dJ/dx1"),
    (ch10.check_10_1, 4821, "never evaluates J at w"),
    (ch10.check_10_1, 4948, "inputs have no biases"),
    (ch10.check_10_2, 0.107, "output a already"),
    (ch10.check_10_2, -0.08, "sign"),
    (ch10.check_10_2, 3.125, "does not divide"),
    (ch10.check_10_3, lambda g, z: np.maximum(g, 0), "decided by z"),
])
def test_recognisable_mistakes_get_their_hint(check, wrong, hint):
    feedback = check(wrong)
    assert feedback.correct is False and hint in feedback.message, feedback.message


CHECKS = [ch10.check_10_1, ch10.check_10_2, ch10.check_10_3, ch10.check_10_4]


@pytest.mark.parametrize("check", CHECKS)
def test_every_listed_mistake_gets_its_hint_and_none_is_judged_right(check):
    """Each mistake of the list, at full precision and at 3 significant digits (``mistakes()``)."""
    assert_each_mistake_gets_its_hint(check, at_least=5)


def test_a_count_is_a_whole_number_and_the_web_question_of_10_3():
    assert ch10.check_10_1.integer and ch10.check_10_1("4,820").correct is True
    assert ch10.check_10_1(4820.5).correct is False
    proxy = ch10.check_10_3.proxy
    assert proxy([0.5, -1, 0, 0]).correct is True and "relu_backward(np.array" in ch10.check_10_3.question
    assert proxy.misjudged() == []


@pytest.mark.parametrize("check", [ch10.check_10_1, ch10.check_10_2, ch10.check_10_4])
@pytest.mark.parametrize("odd", [..., None, "eight hundredths", b"0.08", 0.08j, [1, None], np.array([[1.0, 2.0]]),
                                 float("nan"), float("inf"), 10 ** 400, print])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message


def test_reveal_shows_the_answer_only_when_asked():
    assert "4820" in repr(ch10.check_10_1.reveal()).replace(",", "")


def test_the_worked_examples_signs_and_agreements():
    assert B["dJ_da"] < 0                       # raising a towards the target 1 lowers the loss
    mine = ch10.flat(ch10.grads_221(B))
    theirs = ch10.flat(ch10.nblib_221()[1])
    fd = numerical_gradient(ch10.loss_221, ch10.flat(ch10.PARAMS_221), eps=1e-6)
    agree = ch10.check_numbers(mine, theirs, fd)
    assert agree.vs_nblib.value < 1e-15 and agree.vs_fd.value > agree.vs_nblib.value
