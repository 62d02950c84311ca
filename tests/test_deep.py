"""Chapter 11's engine: nblib.init, nblib.batchnorm, nblib.clipping and nblib.deep.

Gradients against centred finite differences; initializers, batch normalization and clipping
against PyTorch (float64); property tests over random shapes with hypothesis.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nblib import batchnorm, clipping, init, optim
from nblib.deep import DeepNet, train
from nblib.gradcheck import numerical_gradient, relative_error

PROPERTY = settings(max_examples=25, deadline=None, derandomize=True)


# --- Initializers -----------------------------------------------------------------------------------

@pytest.mark.parametrize("fan_in, fan_out", [(300, 100), (64, 64), (16, 400)])
def test_rules_have_the_stated_variances(fan_in, fan_out):
    glorot = 2.0 / (fan_in + fan_out)
    assert init.glorot_std(fan_in, fan_out) ** 2 == pytest.approx(glorot)
    assert init.he_std(fan_in, fan_out) ** 2 == pytest.approx(2.0 / fan_in)
    assert init.he_std(fan_in, fan_out, mode="fan_out") ** 2 == pytest.approx(2.0 / fan_out)
    for draw, variance in ((init.glorot_uniform, glorot), (init.glorot_normal, glorot),
                           (init.he_uniform, 2.0 / fan_in), (init.he_normal, 2.0 / fan_in)):
        W = draw(fan_in, fan_out, rng=1)
        assert W.shape == (fan_in, fan_out)
        assert W.var() == pytest.approx(variance, rel=0.1)
        assert abs(W.mean()) < 4 * math.sqrt(variance / W.size)


def test_uniform_rules_stay_inside_their_bounds():
    W = init.glorot_uniform(200, 100, gain=2.0, rng=0)
    r = 2.0 * math.sqrt(6 / 300)
    assert np.abs(W).max() <= r and np.abs(W).max() > 0.99 * r
    W = init.he_uniform(50, 20, mode="fan_out", rng=0)
    assert np.abs(W).max() <= math.sqrt(2) * math.sqrt(3 / 20)


def test_gains_and_generators():
    assert init.gain("tanh") == pytest.approx(5 / 3) and init.gain("relu") == pytest.approx(math.sqrt(2))
    assert np.array_equal(init.he_normal(4, 3, rng=5), init.he_normal(4, 3, rng=5))
    rng = np.random.default_rng(0)
    assert not np.array_equal(init.he_normal(4, 3, rng=rng), init.he_normal(4, 3, rng=rng))


@pytest.mark.parametrize("name, ours, mode", [
    ("xavier_uniform_", init.glorot_uniform, None), ("xavier_normal_", init.glorot_normal, None),
    ("kaiming_uniform_", init.he_uniform, "fan_in"), ("kaiming_normal_", init.he_normal, "fan_in"),
    ("kaiming_uniform_", init.he_uniform, "fan_out"), ("kaiming_normal_", init.he_normal, "fan_out"),
])
def test_initializers_match_torch_nn_init(name, ours, mode):
    torch = pytest.importorskip("torch")
    fan_in, fan_out = 300, 120
    weight = torch.empty(fan_out, fan_in, dtype=torch.float64)  # torch stores (fan_out, fan_in)
    torch.manual_seed(0)
    gain = 1.7
    if mode is None:
        getattr(torch.nn.init, name)(weight, gain=gain)
        W = ours(fan_in, fan_out, gain=gain, rng=0)
    else:
        getattr(torch.nn.init, name)(weight, mode=mode, nonlinearity="relu")
        W = ours(fan_in, fan_out, mode=mode, rng=0)
    theirs = weight.numpy().T
    assert W.var() == pytest.approx(theirs.var(), rel=0.03)
    if "uniform" in name:
        assert np.abs(W).max() == pytest.approx(np.abs(theirs).max(), rel=1e-3)


@PROPERTY
@given(fan_in=st.integers(1, 60), fan_out=st.integers(1, 60), gain=st.floats(0.01, 10), seed=st.integers(0, 99))
def test_property_draws_have_the_shape_and_bounds(fan_in, fan_out, gain, seed):
    for draw in (init.glorot_uniform, init.glorot_normal, init.he_uniform, init.he_normal):
        W = draw(fan_in, fan_out, gain=gain, rng=seed)
        assert W.shape == (fan_in, fan_out) and np.all(np.isfinite(W))
    assert np.abs(init.glorot_uniform(fan_in, fan_out, gain, seed)).max() <= \
        math.sqrt(3) * init.glorot_std(fan_in, fan_out, gain) * (1 + 1e-12)


# --- Batch normalization -----------------------------------------------------------------------------

def _bn_data(seed=0, n=6, d=3):
    rng = np.random.default_rng(seed)
    return rng.normal(2.0, 3.0, (n, d)), rng.normal(1.0, 0.5, d), rng.normal(0.0, 1.0, d), rng.normal(size=(n, d))


def test_batchnorm_standardizes_each_column():
    X, _, _, _ = _bn_data()
    out, _ = batchnorm.batchnorm_forward(X, np.ones(3), np.zeros(3))
    assert np.allclose(out.mean(axis=0), 0) and np.allclose(out.var(axis=0), 1, atol=1e-5)


def test_batchnorm_gradients_match_finite_differences():
    X, gamma, beta, R = _bn_data()

    def J(X=X, gamma=gamma, beta=beta):
        return float(np.sum(R * batchnorm.batchnorm_forward(X, gamma, beta)[0]))

    _, cache = batchnorm.batchnorm_forward(X, gamma, beta)
    dX, d_gamma, d_beta = batchnorm.batchnorm_backward(R, cache)
    assert relative_error(dX, numerical_gradient(lambda w: J(X=w), X)) < 1e-7
    assert relative_error(d_gamma, numerical_gradient(lambda w: J(gamma=w), gamma)) < 1e-7
    assert relative_error(d_beta, numerical_gradient(lambda w: J(beta=w), beta)) < 1e-7


def test_batchnorm_layer_matches_torch_batchnorm1d_in_train_and_eval_modes():
    torch = pytest.importorskip("torch")
    X, gamma, beta, R = _bn_data(n=8, d=4)
    ours = batchnorm.BatchNorm(4)
    ours.gamma, ours.beta = gamma.copy(), beta.copy()
    theirs = torch.nn.BatchNorm1d(4).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(gamma))
        theirs.bias.copy_(torch.tensor(beta))
    for step in range(3):   # three training batches: outputs, gradients and running statistics
        batch = X + step
        x = torch.tensor(batch, requires_grad=True)
        theirs.train()
        out = theirs(x)
        (out * torch.tensor(R)).sum().backward()
        ours_out = ours.forward(batch, train=True)
        dX, d_gamma, d_beta = ours.backward(R)
        assert np.allclose(ours_out, out.detach().numpy(), atol=1e-12)
        assert np.allclose(dX, x.grad.numpy(), atol=1e-12)
        assert np.allclose(d_gamma, theirs.weight.grad.numpy(), atol=1e-12)
        assert np.allclose(d_beta, theirs.bias.grad.numpy(), atol=1e-12)
        theirs.weight.grad = theirs.bias.grad = None
        assert np.allclose(ours.running_mean, theirs.running_mean.numpy(), atol=1e-12)
        assert np.allclose(ours.running_var, theirs.running_var.numpy(), atol=1e-12)   # unbiased
    theirs.eval()
    with torch.no_grad():
        expected = theirs(torch.tensor(X[:3])).numpy()
    assert np.allclose(ours.forward(X[:3]), expected, atol=1e-12)


def test_running_update_uses_the_unbiased_variance():
    X = np.array([[0.0], [2.0]])
    mean, var = batchnorm.running_update(np.zeros(1), np.ones(1), X, momentum=0.5)
    assert mean[0] == pytest.approx(0.5) and var[0] == pytest.approx(0.5 + 0.5 * 2.0)


@PROPERTY
@given(n=st.integers(2, 9), d=st.integers(1, 5), seed=st.integers(0, 99), scale=st.floats(1e-3, 1e3))
def test_property_batchnorm_output_ignores_shift_and_scale_of_the_input(n, d, seed, scale):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) + rng.normal(size=d)
    if np.any(X.std(axis=0) < 1e-3):
        return
    gamma, beta = rng.normal(size=d), rng.normal(size=d)
    out, cache = batchnorm.batchnorm_forward(X, gamma, beta, eps=1e-12)
    moved, _ = batchnorm.batchnorm_forward(scale * X + 7.0, gamma, beta, eps=1e-12)
    assert np.allclose(out, moved, atol=1e-6)
    dX, _, d_beta = batchnorm.batchnorm_backward(np.ones((n, d)), cache)
    assert np.allclose(dX, 0, atol=1e-6) and np.allclose(d_beta, n)   # a constant gradient cannot pass
    mean, var = batchnorm.running_update(np.zeros(d), np.ones(d), X, momentum=1.0)
    assert np.allclose(mean, X.mean(axis=0)) and np.allclose(var, X.var(axis=0, ddof=1))
    inference = batchnorm.batchnorm_inference(X, gamma, beta, X.mean(axis=0), X.var(axis=0), eps=1e-12)
    assert np.allclose(inference, out, atol=1e-6)


# --- Clipping -----------------------------------------------------------------------------------------

def test_clipping_scales_every_gradient_by_one_factor():
    grads = [np.array([3.0, 4.0]), np.array([12.0])]
    assert clipping.global_norm(grads) == pytest.approx(13.0)
    clipped, norm = clipping.clip_by_global_norm(grads, 5.0)
    assert norm == pytest.approx(13.0) and clipped[1][0] == pytest.approx(12 * 5 / (13 + 1e-6))
    assert clipping.global_norm(clipped) == pytest.approx(5.0)
    assert grads[1][0] == 12.0                                    # inputs unchanged
    same, _ = clipping.clip_by_global_norm(grads, 100.0)
    assert all(np.array_equal(a, b) for a, b in zip(same, grads))


@pytest.mark.parametrize("max_norm", [0.5, 5.0, 1e3])
def test_clipping_matches_torch_clip_grad_norm(max_norm):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=(5, 3)) * 10, rng.normal(size=3), rng.normal(size=(2, 2, 2))]
    tensors = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for t, g in zip(tensors, grads):
        t.grad = torch.tensor(g)
    total = torch.nn.utils.clip_grad_norm_(tensors, max_norm)
    clipped, norm = clipping.clip_by_global_norm(grads, max_norm)
    assert norm == pytest.approx(float(total), rel=1e-12)
    for ours, t in zip(clipped, tensors):
        assert np.allclose(ours, t.grad.numpy(), rtol=1e-12, atol=0)


@PROPERTY
@given(shapes=st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=1, max_size=4),
       seed=st.integers(0, 99), max_norm=st.floats(1e-3, 1e3))
def test_property_clipped_norm_is_at_most_max_norm_and_direction_kept(shapes, seed, max_norm):
    rng = np.random.default_rng(seed)
    grads = [rng.normal(size=s) for s in shapes]
    clipped, norm = clipping.clip_by_global_norm(grads, max_norm)
    assert clipping.global_norm(clipped) <= max_norm * (1 + 1e-9) or clipping.global_norm(clipped) == \
        pytest.approx(norm)
    factors = {round(float(c.ravel()[0] / g.ravel()[0]), 9) for c, g in zip(clipped, grads) if g.ravel()[0]}
    assert len(factors) <= 1


# --- The deep network ---------------------------------------------------------------------------------

CONFIGS = [dict(activation=a, batchnorm=bn, residual=res) for a in ("relu", "tanh", "sigmoid")
           for bn in (False, True) for res in (False, True)]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()))
def test_deepnet_gradients_match_finite_differences(config):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 4)), rng.integers(0, 3, 6)
    net = DeepNet(4, 5, 3, 3, seed=1, **config)
    _, grads = net.loss_and_grads(X, y)
    for k, p in enumerate(net.params):
        def J(w, k=k):
            old, net.params[k] = net.params[k], w
            value = net.loss_and_grads(X, y)[0]
            net.params[k] = old
            return value
        assert relative_error(grads[k], numerical_gradient(J, p)) < 1e-6, net.names[k]


def test_deepnet_mse_gradients_and_layout():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    net = DeepNet(3, 4, 2, 2, activation="tanh", batchnorm=True)
    assert net.names == ["W1", "gamma1", "beta1", "W2", "gamma2", "beta2", "W_out", "b_out"]
    assert net.n_params == 3 * 4 + 8 + 4 * 4 + 8 + 4 * 2 + 2
    _, grads = net.loss_and_grads(X, y, loss="mse")
    for k, p in enumerate(net.params):
        def J(w, k=k):
            old, net.params[k] = net.params[k], w
            value = net.loss_and_grads(X, y, loss="mse")[0]
            net.params[k] = old
            return value
        assert relative_error(grads[k], numerical_gradient(J, p)) < 1e-6


def test_networks_that_differ_in_depth_share_their_first_layers_and_output():
    short, deep = DeepNet(8, 6, 2, 3, seed=4), DeepNet(8, 6, 5, 3, seed=4, scale=2.0)
    assert np.array_equal(2 * short.params[0], deep.params[0]) and np.array_equal(2 * short.params[2], deep.params[2])
    assert np.array_equal(2 * short.params[-2], deep.params[-2])


def test_deepnet_init_rules_and_scale():
    relu = DeepNet(400, 400, 1, 400, activation="relu", seed=0)
    tanh = DeepNet(400, 400, 1, 400, activation="tanh", seed=0, scale=3.0)
    assert relu.init == "he_normal" and tanh.init == "glorot_normal"
    assert relu.params[0].var() == pytest.approx(2 / 400, rel=0.02)
    assert tanh.params[0].var() == pytest.approx(9 * 2 / 800, rel=0.02)


def test_residual_identity_path_carries_the_gradient():
    """With residual blocks whose branches are switched off (zero weights), the error reaches
    the first layer unchanged; without the skips nothing gets through."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 6)), rng.integers(0, 3, 20)
    for residual in (False, True):
        net = DeepNet(6, 8, 6, 3, activation="tanh", residual=residual, seed=0)
        for l in range(1, 6):
            net.params[2 * l][:] = 0.0
        s = net.scales(X, y)
        if residual:   # layers 2..6 pass it on unchanged; layer 1 (no skip) has its own f'
            assert np.allclose(s.error[1:], s.error[-1]) and s.error[0] > 0
        else:
            assert np.all(s.error[:-1] == 0)


def test_batchnorm_network_keeps_the_signal_at_one_whatever_the_scale():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 6)), rng.integers(0, 3, 50)
    for scale in (0.3, 1.0, 100.0):   # (far smaller, the variance meets eps = 1e-5)
        s = DeepNet(6, 8, 5, 3, activation="tanh", batchnorm=True, scale=scale).scales(X, y)
        assert np.allclose(s.signal, 1.0, atol=1e-3)


def test_batchnorm_network_train_and_inference_modes():
    rng = np.random.default_rng(0)
    X = rng.normal(3.0, 2.0, size=(40, 5))
    net = DeepNet(5, 4, 2, 2, batchnorm=True)
    before = net.forward(X[:1])
    net.forward(X, train=True)
    assert not np.allclose(net.running[0][0], 0)                   # running mean moved
    after = net.forward(X[:1])
    assert not np.allclose(before, after)
    assert np.allclose(net.forward(X[:1]), after)                  # inference changes nothing
    running = [tuple(a.copy() for a in r) for r in net.running]
    net.scales(X, rng.integers(0, 2, 40))
    assert all(np.array_equal(a, b) for r, q in zip(running, net.running) for a, b in zip(r, q))


def test_train_lowers_the_loss_and_records_divergence():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    y = (X[:, 0] > 0).astype(int)
    net = DeepNet(4, 8, 3, 2, activation="tanh", seed=0)
    record = train(net, X, y, optim.SGD(0.3), epochs=20, batch_size=10)
    assert len(record.loss) == 21 and record.loss[-1] < 0.5 * record.loss[0] and not record.diverged
    wild = DeepNet(4, 8, 6, 2, activation="relu", scale=3.0, seed=0)
    record = train(wild, X, y, optim.SGD(10.0), epochs=5, batch_size=10)
    assert record.diverged and np.isnan(record.loss[-1])
    clipped = train(DeepNet(4, 8, 6, 2, activation="relu", scale=3.0, seed=0), X, y, optim.SGD(10.0), epochs=5,
                    batch_size=10, clip=1.0)
    assert len(clipped.loss) == 6


@PROPERTY
@given(n=st.integers(2, 6), d_in=st.integers(1, 4), width=st.integers(1, 5), depth=st.integers(1, 4),
       d_out=st.integers(1, 3), seed=st.integers(0, 50), bn=st.booleans(), res=st.booleans(),
       activation=st.sampled_from(["relu", "tanh", "sigmoid"]))
def test_property_deepnet_shapes_and_finite_gradients(n, d_in, width, depth, d_out, seed, bn, res, activation):
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(n, d_in)), rng.integers(0, d_out, n)
    net = DeepNet(d_in, width, depth, d_out, activation=activation, batchnorm=bn, residual=res, seed=seed)
    assert net.forward(X).shape == (n, d_out) and net.forward(X, train=True).shape == (n, d_out)
    J, grads = net.loss_and_grads(X, y)
    assert np.isfinite(J) and [g.shape for g in grads] == [p.shape for p in net.params]
    s = net.scales(X, y)
    assert s.signal.shape == s.error.shape == s.gradient.shape == (depth,)
    assert net.loss(X, y) >= 0
