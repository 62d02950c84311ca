"""Tests of nblib.nn and nblib.activations: gradients against centred finite differences,
hand-computed losses, initialization, dropout, dtypes, and input checks."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from nblib import activations, counting
from nblib.gradcheck import numerical_gradient
from nblib.nn import MLP, count_params

ACTIVATIONS = ["relu", "sigmoid", "tanh"]


def centred_difference_grads(net, X, y, loss, l2=0.0, l1=0.0, masks=None):
    """dJ/dp for every parameter array p by centred finite differences (nblib.gradcheck)."""

    def loss_at(p):
        def J(values):
            saved = p.copy()
            p[...] = values
            value = net.loss_and_grads(X, y, loss, l2=l2, l1=l1, masks=masks)[0]
            p[...] = saved
            return value
        return J

    return [numerical_gradient(loss_at(p), p) for p in net.params]


def problem(sizes, n, loss, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, sizes[0]))
    y = rng.integers(0, sizes[-1], n) if loss == "cross_entropy" else rng.normal(size=(n, sizes[-1]))
    return X, y


def shift_biases(net):
    """Non-zero biases: with zero biases, a dropped-out row puts ReLU exactly at its kink."""
    for b in net.params[1::2]:
        b += 0.1


def assert_grads_match(net, X, y, loss, **kwargs):
    J, grads = net.loss_and_grads(X, y, loss, **kwargs)
    numeric = centred_difference_grads(net, X, y, loss, **kwargs)
    for analytic, expected in zip(grads, numeric):
        np.testing.assert_allclose(analytic, expected, rtol=1e-5, atol=1e-7)
    return J


# ------------------------------------------------------------------ gradients
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
@pytest.mark.parametrize("penalty", [{}, {"l2": 0.3}, {"l1": 0.2}, {"l2": 0.1, "l1": 0.05}])
def test_backprop_matches_centred_differences(activation, loss, penalty):
    net = MLP([3, 4, 5, 2], activation=activation, seed=1)
    shift_biases(net)
    X, y = problem(net.sizes, 6, loss)
    assert_grads_match(net, X, y, loss, **penalty)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_backprop_with_a_fixed_dropout_mask_matches_centred_differences(activation, loss):
    net = MLP([3, 4, 5, 2], activation=activation, seed=2, dropout=0.5)
    shift_biases(net)
    X, y = problem(net.sizes, 6, loss)
    rng = np.random.default_rng(7)
    masks = [(rng.random((6, width)) < 0.5) * 2.0 for width in (4, 5)]
    J = assert_grads_match(net, X, y, loss, l2=0.1, masks=masks)
    assert net.masks[0] is not None and np.array_equal(net.masks[0], masks[0])
    # the mask matters: without it (a plain network) the loss differs
    plain = MLP([3, 4, 5, 2], activation=activation, seed=2)
    assert plain.loss_and_grads(X, y, loss, l2=0.1)[0] != pytest.approx(J)


@settings(max_examples=25, deadline=None)
@given(sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4), n=st.integers(1, 6),
       activation=st.sampled_from(ACTIVATIONS), loss=st.sampled_from(["mse", "cross_entropy"]),
       seed=st.integers(0, 2**16))
def test_shapes_and_gradients_on_random_tiny_networks(sizes, n, activation, loss, seed):
    net = MLP(sizes, activation=activation, seed=seed)
    shift_biases(net)
    X, y = problem(sizes, n, loss, seed)
    assert net.forward(X).shape == (n, sizes[-1])
    J, grads = net.loss_and_grads(X, y, loss)
    assert np.isfinite(J)
    assert [g.shape for g in grads] == [p.shape for p in net.params]
    assert [p.shape for p in net.params] == [s for a, b in zip(sizes, sizes[1:]) for s in ((a, b), (b,))]
    assert_grads_match(net, X, y, loss)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 20), activation=st.sampled_from(ACTIVATIONS), seed=st.integers(0, 1000))
def test_a_batch_gives_the_same_outputs_as_one_example_at_a_time(n, activation, seed):
    net = MLP([4, 7, 3], activation=activation, seed=seed)
    X = np.random.default_rng(seed).normal(size=(n, 4))
    rows = np.vstack([net.forward(X[i:i + 1]) for i in range(n)])
    np.testing.assert_allclose(net.forward(X), rows, rtol=1e-12, atol=1e-12)


def test_returned_gradients_are_new_arrays_not_overwritten_by_the_next_call():
    net = MLP([3, 4, 2])
    X, y = problem(net.sizes, 5, "mse")
    _, first = net.loss_and_grads(X, y)
    kept = [g.copy() for g in first]
    net.loss_and_grads(2 * X, y)
    for g, g_kept in zip(first, kept):
        np.testing.assert_array_equal(g, g_kept)


# --------------------------------------------------------------- loss values
def test_cross_entropy_and_mse_values_by_hand():
    net = MLP([2, 2])  # a single linear layer: out = X @ W + b
    net.set_params([np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([0.1, -0.2])])
    X = np.array([[1.0, 2.0], [0.0, -1.0]])
    # out row 0: [1 + 1 + 0.1, -1 + 4 - 0.2] = [2.1, 2.8]; row 1: [-0.5 + 0.1, -2 - 0.2] = [-0.4, -2.2]
    np.testing.assert_allclose(net.forward(X), [[2.1, 2.8], [-0.4, -2.2]])
    ce0 = -2.8 + math.log(math.exp(2.1) + math.exp(2.8))   # label 1
    ce1 = 0.4 + math.log(math.exp(-0.4) + math.exp(-2.2))  # label 0
    J, _ = net.loss_and_grads(X, np.array([1, 0]), "cross_entropy")
    assert J == pytest.approx((ce0 + ce1) / 2, rel=1e-12)
    targets = np.array([[2.0, 3.0], [0.0, -2.0]])
    J, _ = net.loss_and_grads(X, targets, "mse")
    assert J == pytest.approx((0.1 ** 2 + 0.2 ** 2 + 0.4 ** 2 + 0.2 ** 2) / 4, rel=1e-12)


def test_penalties_count_the_weights_only_never_the_biases():
    net = MLP([2, 2])
    net.set_params([np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([10.0, -20.0])])
    X, y = np.zeros((1, 2)), np.array([[10.0, -20.0]])  # outputs equal targets: data loss 0
    J, grads = net.loss_and_grads(X, y, "mse", l2=0.2, l1=0.3)
    sum_sq, sum_abs = 1 + 1 + 0.25 + 4, 1 + 1 + 0.5 + 2
    assert J == pytest.approx(0.2 / 2 * sum_sq + 0.3 * sum_abs, rel=1e-12)
    np.testing.assert_allclose(grads[0], 0.2 * net.params[0] + 0.3 * np.sign(net.params[0]))
    np.testing.assert_array_equal(grads[1], [0.0, 0.0])


def test_l1_subgradient_is_zero_at_zero_weights():
    net = MLP([2, 2])
    net.set_params([np.array([[0.0, 1.0], [-2.0, 0.0]]), np.zeros(2)])
    _, grads = net.loss_and_grads(np.zeros((1, 2)), np.zeros((1, 2)), "mse", l1=1.0)
    np.testing.assert_array_equal(grads[0], [[0.0, 1.0], [-1.0, 0.0]])


def test_eval_mode_loss_equals_training_loss_without_dropout():
    net = MLP([3, 6, 2], activation="tanh")
    X, y = problem(net.sizes, 8, "cross_entropy")
    assert net.loss(X, y, "cross_entropy", l2=0.1) == net.loss_and_grads(X, y, "cross_entropy", l2=0.1)[0]


# ----------------------------------------------------------- initialization
def test_he_initialization_for_relu():
    net = MLP([1000, 400, 10], activation="relu", seed=3)
    W = net.params[0]
    assert W.std() == pytest.approx(math.sqrt(2 / 1000), rel=0.02)
    assert abs(W.mean()) < 0.01 * W.std() * 10
    np.testing.assert_array_equal(net.params[1], np.zeros(400))


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_glorot_uniform_initialization_for_sigmoid_and_tanh(activation):
    W = MLP([600, 400, 10], activation=activation, seed=4).params[0]
    r = math.sqrt(6 / (600 + 400))
    assert np.abs(W).max() <= r
    assert np.abs(W).max() > 0.99 * r
    assert W.std() == pytest.approx(r / math.sqrt(3), rel=0.02)  # std of Uniform(-r, r)


def test_same_seed_same_weights_other_seed_other_weights():
    a, b, c = MLP([5, 4, 3], seed=9), MLP([5, 4, 3], seed=9), MLP([5, 4, 3], seed=10)
    for p, q in zip(a.params, b.params):
        np.testing.assert_array_equal(p, q)
    assert not np.array_equal(a.params[0], c.params[0])


def test_count_params_is_reexported_and_matches_the_network():
    assert count_params is counting.count_params
    assert count_params([784, 15, 10]) == 11935
    assert MLP([784, 15, 10]).n_params == 11935 == sum(p.size for p in MLP([784, 15, 10]).params)


# ------------------------------------------------------------------ dropout
def test_dropout_masks_are_inverted_and_drop_about_p():
    net = MLP([10, 200, 3], dropout=0.3, seed=5)
    X, y = problem(net.sizes, 500, "cross_entropy")
    net.loss_and_grads(X, y, "cross_entropy")
    mask = net.masks[0]
    assert mask.shape == (500, 200)
    np.testing.assert_allclose(np.unique(mask), [0.0, 1 / 0.7])
    assert (mask == 0).mean() == pytest.approx(0.3, abs=0.01)
    assert mask.mean() == pytest.approx(1.0, abs=0.02)  # inverted dropout keeps the expected activation


def test_no_dropout_at_evaluation_and_fresh_masks_in_training():
    net = MLP([4, 16, 3], dropout=0.5, seed=6)
    X = np.random.default_rng(0).normal(size=(8, 4))
    np.testing.assert_array_equal(net.forward(X), net.forward(X))
    assert net.masks is None
    np.testing.assert_array_equal(net.forward(X), MLP([4, 16, 3], seed=6).forward(X))
    first = net.forward(X, train=True)
    assert not np.array_equal(first, net.forward(X, train=True))
    assert not np.array_equal(first, net.forward(X))


def test_dropout_repeats_bit_for_bit_with_the_same_seed():
    X, y = problem([4, 6, 6, 3], 10, "cross_entropy")
    runs = []
    for _ in range(2):
        net = MLP([4, 6, 6, 3], dropout=0.4, seed=11)
        results = [net.loss_and_grads(X, y, "cross_entropy") for _ in range(3)]
        runs.append((results, [m.copy() for m in net.masks]))
    (first, masks_a), (second, masks_b) = runs
    for (Ja, ga), (Jb, gb) in zip(first, second):
        assert Ja == Jb
        for p, q in zip(ga, gb):
            np.testing.assert_array_equal(p, q)
    for p, q in zip(masks_a, masks_b):
        np.testing.assert_array_equal(p, q)
    assert first[0][0] != first[1][0]  # each call draws new masks


# ------------------------------------------------------------------- dtypes
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_float32_stays_float32_end_to_end(activation, loss):
    net = MLP([5, 7, 3], activation=activation, dtype=np.float32, dropout=0.2)
    X, y = problem(net.sizes, 9, loss)  # float64 data is converted to the network's dtype
    assert all(p.dtype == np.float32 for p in net.params)
    J, grads = net.loss_and_grads(X, y, loss, l2=0.1, l1=0.01)
    assert J.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads)
    assert all(m.dtype == np.float32 for m in net.masks)
    assert net.forward(X).dtype == np.float32
    assert net.forward(X, train=True).dtype == np.float32
    assert net.loss(X, y, loss, l2=0.1, l1=0.1).dtype == np.float32
    net.set_params(net.copy_params())
    assert all(p.dtype == np.float32 for p in net.params)


def test_float64_network_converts_float32_inputs_up():
    net = MLP([3, 4, 2])
    out = net.forward(np.ones((2, 3), dtype=np.float32))
    assert out.dtype == np.float64


def test_float32_gradients_agree_with_float64():
    net64 = MLP([6, 8, 3], seed=3)
    net32 = MLP([6, 8, 3], seed=3, dtype=np.float32)
    X, y = problem(net64.sizes, 10, "cross_entropy")
    J64, g64 = net64.loss_and_grads(X, y, "cross_entropy")
    J32, g32 = net32.loss_and_grads(X, y, "cross_entropy")
    assert J32 == pytest.approx(J64, rel=1e-5)
    for a, b in zip(g32, g64):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5)


# ------------------------------------------------------------------- extras
def test_predict_accuracy_and_parameter_copies():
    net = MLP([2, 2])
    net.set_params([np.eye(2), np.zeros(2)])  # the output is the input: class = larger coordinate
    X = np.array([[1.0, 0.0], [0.0, 1.0], [3.0, 2.0], [-1.0, 0.0]])
    np.testing.assert_array_equal(net.predict(X), [0, 1, 0, 1])
    assert net.accuracy(X, np.array([0, 1, 1, 1])) == 0.75
    saved = net.copy_params()
    net.params[0] += 1.0
    np.testing.assert_array_equal(saved[0], np.eye(2))
    net.set_params(saved)
    np.testing.assert_array_equal(net.params[0], np.eye(2))
    assert repr(MLP([3, 2], activation="tanh")) == "MLP([3, 2], activation='tanh', dropout=0.0, dtype=float64)"


# --------------------------------------------------------------- activations
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_derivatives_match_centred_differences(name):
    act = activations.ACTIVATIONS[name]
    z = np.linspace(-4, 4, 81) + 0.013  # avoid ReLU's kink at exactly 0
    h = 1e-6
    numeric = (act.f(z + h) - act.f(z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(z), numeric, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(act.derivative_from_output(act.f(z)), act.derivative(z), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activations_write_into_out_and_keep_dtype(name):
    act = activations.ACTIVATIONS[name]
    z = np.linspace(-3, 3, 7, dtype=np.float32)
    expected = act.f(z.copy())
    out = z.copy()
    assert act.f(out, out=out) is out
    np.testing.assert_allclose(out, expected)
    assert expected.dtype == np.float32 and act.derivative(z).dtype == np.float32


def test_sigmoid_is_stable_at_extremes():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = activations.sigmoid(np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0]))
        np.testing.assert_allclose(s, [0.0, 1 / (1 + math.exp(30)), 0.5, 1 / (1 + math.exp(-30)), 1.0],
                                   rtol=1e-12, atol=0)
        assert activations.sigmoid(np.array([-100.0], dtype=np.float32))[0] >= 0
    assert activations.relu(np.array([-2.0, 0.0, 3.0])).tolist() == [0.0, 0.0, 3.0]
    assert activations.tanh(np.array([0.5]))[0] == pytest.approx(math.tanh(0.5))


def test_softmax_and_log_softmax_are_stable_and_normalised():
    logits = np.array([[1000.0, 1000.0, 999.0], [-1000.0, 0.0, 1.0], [1.0, 2.0, 3.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        p = activations.softmax(logits)
        log_p = activations.log_softmax(logits)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    e = math.exp(-1)
    np.testing.assert_allclose(p[0], [1 / (2 + e), 1 / (2 + e), e / (2 + e)])
    np.testing.assert_allclose(log_p[2], np.log(np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum()))
    assert np.all(np.isfinite(log_p))


# -------------------------------------------------------------- bad inputs
def test_bad_construction_raises_clear_errors():
    with pytest.raises(ValueError, match="Unknown activation 'softplus'"):
        MLP([2, 2], activation="softplus")
    with pytest.raises(ValueError, match="at least an input and an output"):
        MLP([784])
    with pytest.raises(ValueError, match="Invalid dropout: 1.0"):
        MLP([2, 3, 2], dropout=1.0)
    with pytest.raises(TypeError, match="floating"):
        MLP([2, 2], dtype=np.int32)


def test_bad_data_raises_clear_errors():
    net = MLP([3, 4, 2])
    X, y = problem(net.sizes, 4, "cross_entropy")
    with pytest.raises(ValueError, match="X must have 3 columns"):
        net.forward(np.ones((4, 5)))
    with pytest.raises(ValueError, match="X must be 2-D"):
        net.forward(np.ones(3))
    bad = X.copy()
    bad[1, 2] = np.nan
    with pytest.raises(ValueError, match="X contains NaN"):
        net.loss_and_grads(bad, y, "cross_entropy")
    with pytest.raises(ValueError, match=r"class labels must lie in 0..1, got values of y from 0 to 2"):
        net.loss_and_grads(X, np.array([0, 1, 2, 1]), "cross_entropy")
    with pytest.raises(ValueError, match="non-integer"):
        net.loss_and_grads(X, np.array([0, 1, 0.5, 1]), "cross_entropy")
    with pytest.raises(TypeError, match="integer class labels"):
        net.loss_and_grads(X, np.array(["a", "b", "a", "b"]), "cross_entropy")
    with pytest.raises(ValueError, match=r"y must have shape \(4,\)"):
        net.loss_and_grads(X, np.array([0, 1, 1]), "cross_entropy")
    with pytest.raises(ValueError, match=r"y must have shape \(4, 2\) for the mse loss"):
        net.loss_and_grads(X, np.ones((4, 3)), "mse")
    with pytest.raises(ValueError, match="Unknown loss 'hinge'"):
        net.loss_and_grads(X, y, "hinge")
    with pytest.raises(ValueError, match="Invalid l2: -0.1"):
        net.loss_and_grads(X, y, "cross_entropy", l2=-0.1)
    with pytest.raises(ValueError, match=r"each dropout mask must have shape \(4, 4\)"):
        net.loss_and_grads(X, y, "cross_entropy", masks=[np.ones((4, 3))])
    with pytest.raises(ValueError, match="expected 1 dropout masks"):
        net.loss_and_grads(X, y, "cross_entropy", masks=[])
    with pytest.raises(ValueError, match=r"params\[0\] must have shape \(3, 4\)"):
        net.set_params([np.ones((4, 3)), np.ones(4), np.ones((4, 2)), np.ones(2)])


def test_float_labels_with_integer_values_are_accepted():
    net = MLP([3, 4, 2])
    X, y = problem(net.sizes, 4, "cross_entropy")
    assert net.loss_and_grads(X, y.astype(float), "cross_entropy")[0] == net.loss_and_grads(X, y, "cross_entropy")[0]


def test_evaluate_gives_loss_and_accuracy_in_one_pass():
    net = MLP([3, 6, 4], seed=1, dropout=0.5)
    X, y = problem(net.sizes, 12, "cross_entropy")
    J, accuracy = net.evaluate(X, y)
    assert J == net.loss(X, y, "cross_entropy") and accuracy == net.accuracy(X, y)
    X, targets = problem(net.sizes, 12, "mse")
    assert net.evaluate(X, targets, "mse") == (net.loss(X, targets, "mse"), None)
