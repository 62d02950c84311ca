"""Losses against hand-computed values, gradients against centred finite differences."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nblib import losses
from nblib.data import face_patch_predictions
from nblib.gradcheck import numerical_gradient, relative_error

FACE_P = [0.71, 0.23, 0.55, 0.12, 0.44, 0.05]
FACE_T = [1, 1, 1, 0, 0, 0]

PAIRS = [
    (losses.mean_error, losses.mean_error_grad),
    (losses.mean_absolute_error, losses.mean_absolute_error_grad),
    (losses.mean_squared_error, losses.mean_squared_error_grad),
    (losses.binary_cross_entropy, losses.binary_cross_entropy_grad),
]


def test_face_patch_values_by_hand():
    p, t = face_patch_predictions()
    # Residuals t - p are .29, .77, .45, -.12, -.44, -.05.
    assert losses.mean_error(t, p) == pytest.approx(0.15, abs=1e-12)
    assert losses.mean_absolute_error(t, p) == pytest.approx(2.12 / 6, abs=1e-12)
    assert losses.mean_absolute_error(t, p) == pytest.approx(0.353333, abs=1e-6)
    squares = [(ti - pi) ** 2 for ti, pi in zip(FACE_T, FACE_P)]
    assert losses.mean_squared_error(t, p) == pytest.approx(sum(squares) / 6, abs=1e-12)
    assert losses.mean_squared_error(t, p) == pytest.approx(1.09 / 6, abs=1e-12)
    logs = [-math.log(pi) if ti == 1 else -math.log(1 - pi) for ti, pi in zip(FACE_T, FACE_P)]
    assert losses.binary_cross_entropy(t, p) == pytest.approx(sum(logs) / 6, rel=1e-12)


def test_mean_error_cancels_for_a_completely_wrong_prediction():
    t = np.array(FACE_T, dtype=float)
    wrong = 1.0 - t
    assert losses.mean_error(t, wrong) == 0.0
    assert losses.mean_absolute_error(t, wrong) == 1.0
    assert losses.mean_squared_error(t, wrong) == 1.0


def test_cross_entropy_of_a_coin_flip_is_log_2():
    t = np.array(FACE_T, dtype=float)
    assert losses.binary_cross_entropy(t, np.full(6, 0.5)) == pytest.approx(math.log(2), rel=1e-12)


def test_cross_entropy_clips_certain_mistakes_without_warnings():
    t = np.array([1.0, 0.0])
    value = losses.binary_cross_entropy(t, np.array([0.0, 1.0]))  # RuntimeWarnings are errors in tests
    assert value == pytest.approx(-math.log(losses.EPS), rel=1e-6)
    grad = losses.binary_cross_entropy_grad(t, np.array([0.0, 1.0]))
    assert np.all(np.isfinite(grad))
    assert grad[0] < 0 < grad[1]  # raise the first prediction, lower the second
    assert losses.binary_cross_entropy(t, np.array([1.0, 0.0])) == pytest.approx(0.0, abs=1e-10)


@pytest.mark.parametrize("loss, grad", PAIRS, ids=lambda f: getattr(f, "__name__", ""))
def test_gradients_match_centred_differences(loss, grad):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=9).astype(float)
    y_hat = rng.uniform(0.1, 0.9, size=9)
    y_hat[np.abs(y_hat - y) < 0.05] += 0.1  # stay away from the kink of |y - y_hat|
    numeric = numerical_gradient(lambda v: loss(y, v), y_hat)
    assert relative_error(grad(y, y_hat), numeric) < 1e-7


def test_gradients_by_hand():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    y_hat = np.array([2.0, 2.0, 1.0, 5.0])
    np.testing.assert_allclose(losses.mean_error_grad(y, y_hat), [-0.25] * 4)
    np.testing.assert_allclose(losses.mean_absolute_error_grad(y, y_hat), [0.25, 0.0, -0.25, 0.25])
    np.testing.assert_allclose(losses.mean_squared_error_grad(y, y_hat), [0.5, 0.0, -1.0, 0.5])


finite = st.floats(-1e3, 1e3, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 30).flatmap(lambda n: st.tuples(arrays(np.float64, n, elements=finite),
                                                        arrays(np.float64, n, elements=finite))))
def test_loss_inequalities(pair):
    y, y_hat = pair
    me = losses.mean_error(y, y_hat)
    mae = losses.mean_absolute_error(y, y_hat)
    mse = losses.mean_squared_error(y, y_hat)
    assert mse >= 0 and mae >= 0
    assert abs(me) <= mae * (1 + 1e-12) + 1e-12
    assert mae <= math.sqrt(mse) * (1 + 1e-9) + 1e-12  # the mean of |r| is at most the RMS of r


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 30).flatmap(lambda n: st.tuples(
    arrays(np.float64, n, elements=st.sampled_from([0.0, 1.0])),
    arrays(np.float64, n, elements=st.floats(0.0, 1.0)))))
def test_cross_entropy_is_finite_and_non_negative(pair):
    y, p = pair
    value = losses.binary_cross_entropy(y, p)
    cap = -math.log1p(-(1.0 - losses.EPS))  # the cost of p = 1 for y = 0: 1 - (1 - EPS) rounds above EPS
    assert 0.0 <= value <= cap * (1 + 1e-12)
    assert np.all(np.isfinite(losses.binary_cross_entropy_grad(y, p)))


@pytest.mark.parametrize("loss", [pair[0] for pair in PAIRS] + [pair[1] for pair in PAIRS],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("y, y_hat, message", [
    ([1.0, 0.0, 1.0], [0.5, 0.5], "same number of examples: y has 3, y_hat has 2"),
    ([1.0, float("nan")], [0.5, 0.5], "y contains NaN"),
    ([1.0, 0.0], [0.5, float("inf")], "y_hat contains NaN or infinity"),
    ([], [], "y must not be empty"),
    ([[1.0, 0.0]], [[0.5, 0.5]], r"y must be 1-D, got shape \(1, 2\)"),
])
def test_bad_input_is_rejected(loss, y, y_hat, message):
    with pytest.raises(ValueError, match=message):
        loss(y, y_hat)


def test_cross_entropy_rejects_values_outside_0_1():
    with pytest.raises(ValueError, match=r"y_hat must hold probabilities in \[0, 1\]"):
        losses.binary_cross_entropy([1.0, 0.0], [1.2, 0.3])
    with pytest.raises(ValueError, match=r"y must hold targets in \[0, 1\]"):
        losses.binary_cross_entropy([2.0, 0.0], [0.2, 0.3])
    with pytest.raises(ValueError, match="Invalid eps"):
        losses.binary_cross_entropy([1.0], [0.5], eps=0.0)
