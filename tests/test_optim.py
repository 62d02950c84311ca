"""Tests of nblib.optim: hand-computed steps of each equation, convergence on bowls and on
Rosenbrock, agreement with torch.optim where torch is installed, state, dtypes and checks."""

import math

import numpy as np
import pytest

from nblib import optim
from nblib.surfaces import elongated_bowl, rosenbrock, round_bowl, run

# Three gradients for a two-element parameter w, first (1.0, -2.0). They do not depend on
# w, so each expected trajectory below is plain scalar arithmetic of the equation.
W0 = (1.0, -2.0)
GRADS = [(0.5, -1.0), (-1.0, 0.25), (2.0, 3.0)]


def trajectory(optimizer):
    w = np.array(W0)
    path = []
    for g in GRADS:
        optimizer.step([w], [np.array(g)])
        path.append(w.copy())
    return np.array(path)


def by_hand(update):
    """Apply ``update(w, g, state) -> w`` coordinate by coordinate, with Python floats."""
    path = []
    for i, w in enumerate(W0):
        state, ws = {}, []
        for t, g in enumerate((g[i] for g in GRADS), start=1):
            state["t"] = t
            w = update(w, g, state)
            ws.append(w)
        path.append(ws)
    return np.array(path).T


def test_sgd_by_hand():
    np.testing.assert_allclose(trajectory(optim.SGD(lr=0.1)),
                               [[0.95, -1.9], [1.05, -1.925], [0.85, -2.225]], rtol=1e-15)


def test_momentum_by_hand():
    # coordinate 0: z1 = 0.5, w1 = 1 - 0.05 = 0.95; z2 = 0.45 - 1 = -0.55, w2 = 1.005;
    # z3 = -0.495 + 2 = 1.505, w3 = 1.005 - 0.1505 = 0.8545
    path = trajectory(optim.Momentum(lr=0.1, beta=0.9))
    np.testing.assert_allclose(path[:, 0], [0.95, 1.005, 0.8545], rtol=1e-14)

    def update(w, g, s):
        s["z"] = 0.9 * s.get("z", 0.0) + g
        return w - 0.1 * s["z"]
    np.testing.assert_allclose(path, by_hand(update), rtol=1e-14)


def test_nesterov_by_hand():
    # coordinate 0: z1 = 0.5, w1 = 1 - 0.1 * (0.5 + 0.45) = 0.905
    path = trajectory(optim.Nesterov(lr=0.1, beta=0.9))
    assert path[0, 0] == pytest.approx(0.905, rel=1e-15)

    def update(w, g, s):
        s["z"] = 0.9 * s.get("z", 0.0) + g
        return w - 0.1 * (g + 0.9 * s["z"])
    np.testing.assert_allclose(path, by_hand(update), rtol=1e-14)


def test_adagrad_by_hand():
    # coordinate 0: G1 = 0.25, w1 = 1 - 0.1 * 0.5 / 0.5 = 0.9; G2 = 1.25, w2 = 0.9 + 0.1 / sqrt(1.25)
    path = trajectory(optim.AdaGrad(lr=0.1, eps=1e-10))
    assert path[1, 0] == pytest.approx(0.9 + 0.1 / math.sqrt(1.25), rel=1e-9)

    def update(w, g, s):
        s["G"] = s.get("G", 0.0) + g * g
        return w - 0.1 * g / (math.sqrt(s["G"]) + 1e-10)
    np.testing.assert_allclose(path, by_hand(update), rtol=1e-14)


def test_adadelta_by_hand():
    rho, eps = 0.9, 1e-6
    # coordinate 0, step 1: v = 0.1 * 0.25 = 0.025; d = sqrt(1e-6) / sqrt(0.025 + 1e-6) * 0.5
    d1 = math.sqrt(eps) / math.sqrt(0.025 + eps) * 0.5
    path = trajectory(optim.AdaDelta(lr=1.0, rho=rho, eps=eps))
    assert path[0, 0] == pytest.approx(1.0 - d1, rel=1e-14)

    def update(w, g, s):
        s["v"] = rho * s.get("v", 0.0) + (1 - rho) * g * g
        d = math.sqrt(s.get("u", 0.0) + eps) / math.sqrt(s["v"] + eps) * g
        s["u"] = rho * s.get("u", 0.0) + (1 - rho) * d * d
        return w - 1.0 * d
    np.testing.assert_allclose(path, by_hand(update), rtol=1e-13)


def test_rmsprop_by_hand():
    # coordinate 0, step 1: v = 0.01 * 0.25 = 0.0025, w = 1 - 0.01 * 0.5 / (0.05 + 1e-8)
    path = trajectory(optim.RMSprop(lr=0.01, rho=0.99, eps=1e-8))
    assert path[0, 0] == pytest.approx(1 - 0.01 * 0.5 / (0.05 + 1e-8), rel=1e-14)

    def update(w, g, s):
        s["v"] = 0.99 * s.get("v", 0.0) + 0.01 * g * g
        return w - 0.01 * g / (math.sqrt(s["v"]) + 1e-8)
    np.testing.assert_allclose(path, by_hand(update), rtol=1e-13)


def test_adam_by_hand():
    # step 1: m_hat = g and v_hat = g**2, so the first step is lr * g / (|g| + eps), about lr * sign(g)
    path = trajectory(optim.Adam(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8))
    np.testing.assert_allclose(path[0], [1 - 0.1 * 0.5 / (0.5 + 1e-8), -2 + 0.1 * 1 / (1 + 1e-8)], rtol=1e-14)

    def update(w, g, s):
        t = s["t"]
        s["m"] = 0.9 * s.get("m", 0.0) + 0.1 * g
        s["v"] = 0.999 * s.get("v", 0.0) + 0.001 * g * g
        m_hat, v_hat = s["m"] / (1 - 0.9 ** t), s["v"] / (1 - 0.999 ** t)
        return w - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8)
    np.testing.assert_allclose(path, by_hand(update), rtol=1e-13)


def test_adamw_by_hand():
    # step 1: the weight first shrinks by 1 - lr * weight_decay = 0.99, then takes Adam's step
    path = trajectory(optim.AdamW(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.1))
    np.testing.assert_allclose(path[0], [0.99 - 0.1 * 0.5 / (0.5 + 1e-8), -1.98 + 0.1 * 1 / (1 + 1e-8)],
                               rtol=1e-14)

    def update(w, g, s):
        t = s["t"]
        w = w * (1 - 0.1 * 0.1)
        s["m"] = 0.9 * s.get("m", 0.0) + 0.1 * g
        s["v"] = 0.999 * s.get("v", 0.0) + 0.001 * g * g
        m_hat, v_hat = s["m"] / (1 - 0.9 ** t), s["v"] / (1 - 0.999 ** t)
        return w - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8)
    np.testing.assert_allclose(path, by_hand(update), rtol=1e-13)


def test_adamw_without_decay_is_adam_and_its_decay_is_not_divided_by_v():
    np.testing.assert_array_equal(trajectory(optim.AdamW(lr=0.1, weight_decay=0.0)), trajectory(optim.Adam(lr=0.1)))
    # with a zero gradient Adam's step is zero, so only the decay acts: w * (1 - lr * wd) ** 3
    w = np.array(W0)
    adamw = optim.AdamW(lr=0.1, weight_decay=0.5)
    for _ in range(3):
        adamw.step([w], [np.zeros(2)])
    np.testing.assert_allclose(w, np.array(W0) * 0.95 ** 3, rtol=1e-15)


# ----------------------------------------------------------------- state
def test_state_is_plain_data_that_follows_the_equations():
    adagrad = optim.AdaGrad(lr=0.1)
    trajectory(adagrad)
    np.testing.assert_allclose(adagrad.state["G"][0], [0.25 + 1 + 4, 1 + 0.0625 + 9])
    adam = optim.Adam(lr=0.1)
    trajectory(adam)
    assert adam.state["t"] == 3
    np.testing.assert_allclose(adam.state["m"][0][0], ((0.1 * 0.5) * 0.9 + 0.1 * -1.0) * 0.9 + 0.1 * 2.0)
    momentum = optim.Momentum(lr=0.1, beta=0.5)
    momentum.step([np.zeros(2)], [np.array([3.0, 4.0])])
    np.testing.assert_array_equal(momentum.state["z"][0], [3.0, 4.0])  # the first z is g
    momentum.reset()
    assert momentum.state == {}


def test_changing_lr_between_steps_changes_the_step():
    sgd = optim.SGD(lr=0.1)
    w = np.array([1.0])
    sgd.step([w], [np.array([1.0])])
    sgd.lr = 0.5
    sgd.step([w], [np.array([1.0])])
    assert w[0] == pytest.approx(1.0 - 0.1 - 0.5)


@pytest.mark.parametrize("name", sorted(optim.OPTIMIZERS))
def test_steps_update_every_array_in_place_and_keep_float32(name):
    opt = optim.make(name, lr=0.01)
    params = [np.ones((3, 2), np.float32), np.zeros(2, np.float32)]
    originals = [id(p) for p in params]
    grads = [np.full((3, 2), 0.5, np.float32), np.full(2, -0.5, np.float32)]
    for _ in range(3):
        opt.step(params, grads)
    assert [id(p) for p in params] == originals
    assert all(p.dtype == np.float32 for p in params)
    assert all(a.dtype == np.float32 for key, arrays in opt.state.items() if key != "t" for a in arrays)
    assert np.all(params[0] < 1) and np.all(params[1] > 0)


# ---------------------------------------------------------- convergence
# (hyperparameters, how close to the minimum after 3000 steps). RMSprop and AdaDelta
# with a constant rate end in a small limit cycle around the minimum (RMSprop's of
# radius about lr / sqrt 2), so they are held to a looser distance.
BOWL_SETTINGS = {
    "sgd": (dict(lr=0.05), 1e-6),
    "momentum": (dict(lr=0.02, beta=0.9), 1e-6),
    "nesterov": (dict(lr=0.02, beta=0.9), 1e-6),
    "adagrad": (dict(lr=1.0), 1e-6),
    "adadelta": (dict(lr=1.0), 0.05),
    "rmsprop": (dict(lr=0.01), 0.05),
    "adam": (dict(lr=0.1), 1e-6),
    "adamw": (dict(lr=0.1, weight_decay=0.01), 1e-6),
}

ROSENBROCK_SETTINGS = {
    "sgd": (dict(lr=1e-3), 20000),
    "momentum": (dict(lr=1e-3, beta=0.9), 5000),
    "nesterov": (dict(lr=1e-3, beta=0.9), 5000),
    "adagrad": (dict(lr=0.5), 20000),
    "adadelta": (dict(lr=0.02, rho=0.95), 20000),
    "rmsprop": (dict(lr=1e-3), 20000),
    "adam": (dict(lr=0.02), 5000),
    # The decoupled decay pulls every weight toward 0, so AdamW settles a little short of
    # (1, 1): 0.023 away at the default weight_decay = 0.01, 0.0023 at 0.001 (5000 steps).
    "adamw": (dict(lr=0.02, weight_decay=1e-3), 5000),
}


@pytest.mark.parametrize("name", sorted(optim.OPTIMIZERS))
@pytest.mark.parametrize("surface", [round_bowl, elongated_bowl], ids=lambda s: s.name)
def test_converges_on_a_bowl(name, surface):
    settings, tolerance = BOWL_SETTINGS[name]
    result = run(optim.make(name, **settings), surface, steps=3000)
    assert not result.diverged
    assert np.linalg.norm(result.path[-1] - surface.minimum) < tolerance


@pytest.mark.parametrize("name", sorted(optim.OPTIMIZERS))
def test_converges_on_rosenbrock(name):
    settings, steps = ROSENBROCK_SETTINGS[name]
    result = run(optim.make(name, **settings), rosenbrock, steps=steps)
    assert np.linalg.norm(result.path[-1] - [1.0, 1.0]) < 0.01
    assert result.losses[-1] < 1e-3


# ------------------------------------------------------------- torch
def torch_optimizer(name, params, **kw):
    torch = pytest.importorskip("torch")
    lr = kw["lr"]
    return {
        "sgd": lambda: torch.optim.SGD(params, lr=lr),
        "momentum": lambda: torch.optim.SGD(params, lr=lr, momentum=kw["beta"]),
        "nesterov": lambda: torch.optim.SGD(params, lr=lr, momentum=kw["beta"], nesterov=True),
        "adagrad": lambda: torch.optim.Adagrad(params, lr=lr, eps=kw["eps"]),
        "adadelta": lambda: torch.optim.Adadelta(params, lr=lr, rho=kw["rho"], eps=kw["eps"]),
        "rmsprop": lambda: torch.optim.RMSprop(params, lr=lr, alpha=kw["rho"], eps=kw["eps"]),
        "adam": lambda: torch.optim.Adam(params, lr=lr, betas=(kw["beta1"], kw["beta2"]), eps=kw["eps"]),
        "adamw": lambda: torch.optim.AdamW(params, lr=lr, betas=(kw["beta1"], kw["beta2"]), eps=kw["eps"],
                                           weight_decay=kw["weight_decay"]),
    }[name]()


@pytest.mark.parametrize("name", sorted(optim.OPTIMIZERS))
def test_trajectory_matches_torch_optim(name):
    torch = pytest.importorskip("torch")
    # AdamW at a large decay, so that a wrong order of decay and step would show
    ours = optim.make(name, lr=0.05, **({"weight_decay": 0.5} if name == "adamw" else {}))
    kw = ours.hyperparameters()
    rng = np.random.default_rng(0)
    params = [rng.normal(size=(4, 3)), rng.normal(size=3)]
    tensors = [torch.tensor(p.copy(), dtype=torch.float64, requires_grad=True) for p in params]
    theirs = torch_optimizer(name, tensors, **kw)
    for _ in range(20):
        grads = [rng.normal(size=p.shape) for p in params]
        ours.step(params, grads)
        for tensor, g in zip(tensors, grads):
            tensor.grad = torch.tensor(g)
        theirs.step()
    for p, tensor in zip(params, tensors):
        np.testing.assert_allclose(p, tensor.detach().numpy(), rtol=1e-10, atol=1e-12)


# -------------------------------------------------------------- checks
@pytest.mark.parametrize("name", sorted(optim.OPTIMIZERS))
def test_invalid_learning_rates_raise(name):
    with pytest.raises(ValueError, match=r"Invalid learning rate: -1.0"):
        optim.make(name, lr=-1.0)
    with pytest.raises(ValueError, match=r"Invalid learning rate: nan \(must be finite\)"):
        optim.make(name, lr=float("nan"))
    opt = optim.make(name, lr=0.1)
    with pytest.raises(ValueError, match=r"Invalid learning rate: inf"):
        opt.lr = float("inf")
    assert opt.lr == 0.1


def test_invalid_hyperparameters_raise():
    with pytest.raises(ValueError, match=r"Invalid beta: 1.0 \(expected a value in \[0.0, 1.0\)\)"):
        optim.Momentum(lr=0.1, beta=1.0)
    with pytest.raises(ValueError, match="Invalid beta1: -0.1"):
        optim.Adam(lr=0.1, beta1=-0.1)
    with pytest.raises(ValueError, match="Invalid beta2: 1.5"):
        optim.Adam(lr=0.1, beta2=1.5)
    with pytest.raises(ValueError, match="Invalid rho: 1.0"):
        optim.RMSprop(lr=0.1, rho=1.0)
    with pytest.raises(ValueError, match="Invalid rho: -0.5"):
        optim.AdaDelta(rho=-0.5)
    with pytest.raises(ValueError, match="Invalid eps: 0.0"):
        optim.AdaGrad(lr=0.1, eps=0.0)
    with pytest.raises(TypeError, match="learning rate must be a real number"):
        optim.SGD(lr="0.1")
    with pytest.raises(ValueError, match="Invalid weight_decay: -0.01"):
        optim.AdamW(lr=0.1, weight_decay=-0.01)
    with pytest.raises(ValueError, match="Invalid weight_decay: nan"):
        optim.AdamW(lr=0.1, weight_decay=float("nan"))


def test_mismatched_params_and_grads_raise():
    sgd = optim.SGD(lr=0.1)
    with pytest.raises(ValueError, match="params has 2 arrays but grads has 1"):
        sgd.step([np.zeros(2), np.zeros(3)], [np.zeros(2)])
    with pytest.raises(ValueError, match=r"params\[0\] has shape \(2,\) but grads\[0\] has shape \(3,\)"):
        sgd.step([np.zeros(2)], [np.zeros(3)])
    adam = optim.Adam(lr=0.1)
    adam.step([np.zeros(2)], [np.ones(2)])
    with pytest.raises(ValueError, match="params changed shape since the first step"):
        adam.step([np.zeros(3)], [np.ones(3)])


def test_make_and_registry():
    assert set(optim.OPTIMIZERS) == {"sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam",
                                     "adamw"}
    adamw = optim.make("adamw", lr=0.01)
    assert isinstance(adamw, optim.AdamW) and adamw.weight_decay == 0.01  # torch.optim.AdamW's default
    assert repr(adamw) == "AdamW(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-08, weight_decay=0.01)"
    adam = optim.make("adam", lr=0.01, beta1=0.8)
    assert isinstance(adam, optim.Adam) and adam.lr == 0.01 and adam.beta1 == 0.8
    assert isinstance(optim.make("adadelta"), optim.AdaDelta)  # AdaDelta's lr defaults to 1
    with pytest.raises(ValueError, match="Unknown optimizer 'lbfgs'; expected one of 'sgd', 'momentum'"):
        optim.make("lbfgs", lr=0.1)
    assert repr(optim.Momentum(0.1, 0.5)) == "Momentum(lr=0.1, beta=0.5)"
