"""Chapter 11's own code (nblib.chapters.ch11): scales through depth, the variance argument, a wrong
scale in training, clipping, batch normalization, residual blocks, the explorables and the checks.

The claims of the prose are asserted here over the same networks, seeds and rates the chapter uses.
"""

import math
import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib.chapters import ch11
from nblib.deep import DeepNet
from nblib.exercises import NumberCheck
from exercise_checks import assert_each_mistake_gets_its_hint

matplotlib.use("Agg")
LN10 = math.log(10)


# --- Scales through depth -----------------------------------------------------------------------

@pytest.mark.parametrize("activation, depth, k", [("sigmoid", 7, 16), ("relu", 30, 5), ("tanh", 50, 32)])
def test_scale_table_is_deepnet_scales(activation, depth, k):
    X, y = ch11.digits(ch11.BATCH)
    gain = ch11.GAINS[k]
    s = DeepNet(64, ch11.WIDTH, depth, 10, activation=activation, scale=gain, seed=ch11.SEED).scales(X, y)
    signal, error = ch11.scales(activation, depth, gain)
    assert np.allclose(signal, s.signal, rtol=1e-10) and np.allclose(error, s.error, rtol=1e-10)


def test_a_factor_per_layer_claims():
    d = ch11.depth_numbers()
    assert d.sigmoid_factor.value <= 0.25                            # sigma' <= 1/4
    assert d.sigmoid_ratio.value < 1e-30
    for name in ("tanh", "relu"):                                    # "lose a little at each layer"
        assert 0.9 < getattr(d, f"{name}_factor").value < 1.0
        assert 0.05 < getattr(d, f"{name}_ratio").value < 1.0
    sigmoid, _ = ch11.scales("sigmoid", 50, 1.0)
    assert sigmoid.min() == pytest.approx(d.sigmoid_signal_min.value, abs=0.005) and sigmoid.min() > 0.3
    # the figure's alt text
    tanh_signal, _ = ch11.scales("tanh", 50, 1.0)
    relu_signal, _ = ch11.scales("relu", 50, 1.0)
    assert 0.3 < sigmoid.min() and sigmoid.max() < 0.75                       # "between 0.3 and 0.75"
    assert 0.5 < tanh_signal[0] < 0.65 and 0.08 < tanh_signal.min() and tanh_signal[-1] < 0.15
    assert 0.65 < relu_signal[0] < 0.75 and relu_signal[-1] < 0.1
    _, sigmoid_error = ch11.scales("sigmoid", 50, 1.0)
    assert sigmoid_error[0] < 1e-30 and sigmoid_error[-1] > 1e-4


def test_the_variance_argument_claims():
    g = ch11.gain_numbers("relu")
    assert g.signal_2.value / g.signal_1.value == pytest.approx(2.0, rel=1e-6)   # relu(g z) = g relu(z)
    assert g.signal_0_5.value / g.signal_1.value == pytest.approx(0.5, rel=1e-6)
    assert 0.9 < g.signal_1.value < 1.0 and 0.9 < g.error_1.value < 1.0        # "a few per cent short"
    assert (str(g.gain_0_5), str(g.gain_1), str(g.gain_2)) == ("0.5", "1", "2")
    s = ch11.gain_numbers("sigmoid", gains=(1.0, 4.0))
    assert s.error_1.value <= 0.25 and s.error_1.value < s.error_4.value < 1.0
    assert str(s.gain_4) == "4"


def test_depth_figure_draws():
    assert isinstance(ch11.depth_figure(), Figure)


# --- The scales explorable ----------------------------------------------------------------------

def test_every_scales_frame_draws_without_warnings():
    assert len(ch11.GAINS) == 33 and len(ch11.DEPTHS) == 49 and ch11.GAINS[16] == 1.0
    fig = Figure(figsize=(7.2, 3.8))
    update = ch11.scales_view(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for activation in ch11.ACTIVATION_NAMES:
            for gain in ch11.GAINS:
                for depth in ch11.DEPTHS:
                    assert update(depth=depth, gain=gain, activation=activation).startswith("Depth")
        fig.canvas.draw()


def test_things_to_try_with_the_scales():
    tries = ch11.tries_numbers()
    relu = ch11.frame_factor("relu", 50, 1.0)
    assert abs(relu - 1) * 100 < tries.relu_tolerance.value <= 3
    for gain in (0.5, 2.0, 1.5):            # "the factor follows the gain"; "near 1.5" (clipping)
        nearest = ch11.GAINS[ch11._gain_index(gain)]
        assert ch11.frame_factor("relu", 50, gain) == pytest.approx(nearest, rel=0.1)
    assert all(ch11.frame_factor("sigmoid", 50, g) < 1 for g in ch11.GAINS)
    assert 1.0 < tries.tanh_best_gain.value < 5 / 3
    _, error = ch11.scales("sigmoid", 5, 1.0)
    assert error[0] / error[-1] < 1 / 100                           # "hundreds of times smaller"
    signal, error, text = ch11.scales_frame(50, 1.0, "relu")
    assert 0.05 < signal.min() < 0.07 and 0.65 < signal.max() < 0.75          # the explorable's alt text
    assert 0.0006 < error.min() < 0.0008 and 0.0025 < error.max() < 0.0035
    assert "error ×0.98 per layer" in text and "off the chart" not in text
    assert "off the chart" in ch11.scales_frame(50, 4.0, "relu")[2]


# --- A wrong scale, and the cures, in training ----------------------------------------------------

@pytest.fixture(scope="module")
def grid():
    return ch11.training_grid()


def test_wrong_scale_does_not_learn_and_the_rule_does(grid):
    w = ch11.wrong_scale_numbers(grid)
    assert np.all(np.abs(grid["wrong scale"][:, :, -1] - LN10) < 0.01)      # every rate and seed
    assert w.wrong_high.value < LN10 and w.wrong_low.value > LN10 - 0.01
    assert np.all(grid["Glorot rule"][:, :, -1] <= w.right_high.value) and w.right_high.value < LN10 - 0.2
    assert w.right_best.value < 1.6
    means = grid["Glorot rule"][:, :, -1].mean(axis=1)
    assert np.all(np.diff(means) < 0)                                  # "lower at larger rates"
    # the figure's alt text: at rate 0.1 the rule's seeds end between about 1.4 and 1.6
    final = grid["Glorot rule"][ch11.LRS.index(0.1), :, -1]
    assert 1.3 < final.min() and final.max() < 1.7


def test_every_cure_learns_and_the_rates_still_matter(grid):
    c = ch11.cures_numbers(grid)
    for key in ("glorot", "batch", "residual"):
        assert getattr(c, f"{key}_worst").value < LN10 - 0.5
    assert c.wrong_mean.value == pytest.approx(LN10, abs=0.01)
    # at the smallest rate batch norm ends below every seed of the other versions
    small = {s: grid[s][0, :, -1] for s in ch11.SETTINGS}
    assert small["batch norm"].max() < min(small[s].min() for s in small if s != "batch norm")
    assert c.residual_low_0.value > 2.0                                       # "barely started"
    assert c.batch_high_2.value - c.batch_low_2.value > 3 * (c.batch_high_1.value - c.batch_low_1.value)
    assert c.batch_lr.value == 0.1 and c.batch_mean.value == min(
        getattr(c, f"{k}_mean").value for k in ("glorot", "batch", "residual"))   # "lowest" in the alt


def test_cure_scales_at_initialization():
    s = ch11.cure_scale_numbers()
    assert s.wrong_error_ratio.value < 1e-3 and s.wrong_signal_last.value < 1e-4
    assert s.batch_signal_first.value == pytest.approx(1, abs=0.01)
    assert np.allclose(ch11.initial_signals("batch norm"), 1, atol=0.01)
    for key in ("glorot", "batch", "residual"):                      # "within a factor of about three"
        assert 1 / 3.5 < getattr(s, f"{key}_error_ratio").value < 3.5
    residual = ch11.initial_signals("residual")
    assert residual[1:].min() > 0.03 and residual[1:].max() < 0.07                 # "settles at about"


def test_every_cures_frame_draws_without_warnings_and_things_to_try(grid):
    fig = Figure(figsize=(8.6, 3.5))
    update = ch11.cures_view(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for setting in ch11.SETTINGS:
            for lr in ch11.LRS:
                for epoch in range(ch11.EPOCHS + 1):
                    text = update(setting=setting, lr=lr, epoch=epoch)
                    if setting == "wrong scale":                     # "never leaves ln 10"
                        assert "mean loss 2.30" in text
        fig.canvas.draw()
    k = ch11.LRS.index(0.1)
    assert grid["residual"][k, :, -1].mean() < grid["Glorot rule"][k, :, -1].mean()
    bn = grid["batch norm"][:, :, -1]
    assert np.ptp(bn[0]) < np.ptp(bn[2])


def test_training_figures_draw(grid):
    assert isinstance(ch11.wrong_scale_figure(grid), Figure)
    assert isinstance(ch11.cures_figure(grid), Figure)
    assert isinstance(ch11.cure_scales_figure(), Figure)


# --- Exploding gradients and clipping -------------------------------------------------------------

def test_clipping_claims():
    grid = ch11.clip_grid()
    c = ch11.clip_numbers(grid)
    assert c.clip_diverged.value == 0 < c.free_diverged_top.value
    assert c.free_diverged_top.value + c.free_stuck_top.value == 3     # the others fall back to ln 10
    assert c.free_peak.value > 1e10
    assert c.clip_best.value < c.free_best.value and c.clip_best_lr.value == 0.1
    assert c.start_low.value > 5 and c.norm_low.value > 10
    assert 10 < grid["clipped"][-1][:, 0].min() and grid["clipped"][-1][:, 0].max() < 40   # alt text
    top = grid["clipped"][-1, :, -1]
    assert np.all((top > 1.5) & (top < 2.0))                          # the figure's alt text
    assert isinstance(ch11.clip_figure(grid), Figure)


# --- Exercises ----------------------------------------------------------------------------------------

CHECKS = [ch11.check_11_1, ch11.check_11_2, ch11.check_11_3, ch11.check_11_4]


@pytest.mark.parametrize("check, answer", [
    (ch11.check_11_1, math.sqrt(2 / 400)), (ch11.check_11_1, 0.0707),
    (ch11.check_11_2, 0.25 ** 10), (ch11.check_11_2, 9.54e-7),
    (ch11.check_11_3, 1.322), (ch11.check_11_4, 6.0), (ch11.check_11_4, 6),
])
def test_right_answers_pass_quietly(check, answer):
    assert check(answer).correct is True
    assert check.confirm(answer) is None


def test_the_solutions_compute_the_answers():
    m = 0.0
    for batch_mean in (2.0, 4.0, 8.0):
        m = 0.9 * m + 0.1 * batch_mean
    assert ch11.check_11_3(m).correct is True
    from nblib import clipping, init
    assert ch11.check_11_1(init.glorot_std(300, 100)).correct is True
    clipped, _ = clipping.clip_by_global_norm([np.array([3.0, 4.0]), np.array([12.0])], 6.5)
    assert ch11.check_11_4(float(clipped[1][0])).correct is True


@pytest.mark.parametrize("check", CHECKS)
def test_every_listed_mistake_gets_its_hint_and_none_is_judged_right(check):
    """Issue 19: each listed mistake, at full precision and at 3 significant digits (``mistakes()``)."""
    assert isinstance(check, NumberCheck)
    assert_each_mistake_gets_its_hint(check, at_least=len(check.hints))


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("odd", [..., None, "abc", b"1", 1j, [1, None], np.array([[1.0, 2.0]]),
                                 float("nan"), float("inf"), 10 ** 400, print])
def test_odd_answers_get_feedback_never_a_traceback(check, odd):
    feedback = check(odd)
    assert feedback.correct is not True and feedback.message
