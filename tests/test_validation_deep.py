"""Bad input to chapter 11's engine (nblib.init, nblib.batchnorm, nblib.clipping, nblib.deep) is
refused clearly.

Same driver as the other ``test_validation_*`` modules (see ``validation_harness``).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nblib import batchnorm, clipping, deep, init, optim
from validation_harness import (GENERATED, Entry, array, cases, check_fixed, check_generated, count, covered, flag,
                                name, number, values)

X = np.arange(12.0).reshape(4, 3)
ONES, ZEROS = np.ones(3), np.zeros(3)
_, CACHE = batchnorm.batchnorm_forward(X, ONES, ZEROS)
Y = np.array([0, 1, 1, 0])


def _entry(function_, valid, **bad):
    return Entry(f"{function_.__module__}.{function_.__qualname__}", function_, lambda: dict(valid), bad)


def _method(dotted, make, method, valid, **bad):
    return Entry(dotted, lambda **kw: getattr(make(), method)(**kw), lambda: dict(valid), bad)


_FAN = dict(fan_in=count("fan_in", maximum=init.MAX_ENTRIES), fan_out=count("fan_out", maximum=init.MAX_ENTRIES))
_FANS = {"fan_in": 3, "fan_out": 2}
_GAIN = number("gain", low=0.0, high=1e100)
_RNG = values(None, "0", 1.5, -1, True, [0], np.random.RandomState(0), label="rng")
_MODE = name(init.MODES, "mode")
_X = array("X", extra=[np.zeros(3), np.zeros((4, 2)), np.zeros((1, 3))])
_VEC = lambda label: array(label, extra=[np.zeros(2), np.zeros((3, 1))])  # noqa: E731
_EPS = number("eps", low=0.0, high=1.0, low_inclusive=False)

INIT = [
    _entry(init.gain, {"activation": "relu"}, activation=name(tuple(init.GAINS), "activation")),
    _entry(init.glorot_std, _FANS, gain=_GAIN, **_FAN),
    _entry(init.he_std, _FANS, gain=_GAIN, mode=_MODE, **_FAN),
    _entry(init.glorot_uniform, _FANS, gain=_GAIN, rng=_RNG, **_FAN),
    _entry(init.glorot_normal, _FANS, gain=_GAIN, rng=_RNG, **_FAN),
    _entry(init.he_uniform, _FANS, gain=_GAIN, mode=_MODE, rng=_RNG, **_FAN),
    _entry(init.he_normal, _FANS, gain=_GAIN, mode=_MODE, rng=_RNG, **_FAN),
]

BATCHNORM = [
    _entry(batchnorm.batchnorm_forward, {"X": X, "gamma": ONES, "beta": ZEROS},
           X=_X, gamma=_VEC("gamma"), beta=_VEC("beta"), eps=_EPS),
    _entry(batchnorm.batchnorm_backward, {"d_out": X, "cache": CACHE},
           d_out=array("d_out", extra=[np.zeros((4, 2)), np.zeros(3)]),
           cache=values(None, (X, ONES, ONES), "cache", label="cache")),
    _entry(batchnorm.batchnorm_inference,
           {"X": X, "gamma": ONES, "beta": ZEROS, "running_mean": ZEROS, "running_var": ONES},
           X=array("X", extra=[np.zeros(3), np.zeros((4, 2))]), gamma=_VEC("gamma"), beta=_VEC("beta"),
           running_mean=_VEC("running_mean"), running_var=values(-ONES, np.zeros(2), "v", label="running_var"),
           eps=_EPS),
    _entry(batchnorm.running_update, {"running_mean": ZEROS, "running_var": ONES, "X": X},
           running_mean=_VEC("running_mean"), running_var=values(-ONES, np.zeros(2), None, label="running_var"),
           X=_X, momentum=number("momentum", low=0.0, high=1.0)),
    _entry(batchnorm.BatchNorm, {"width": 3}, width=count("width", maximum=10 ** 7),
           momentum=number("momentum", low=0.0, high=1.0), eps=_EPS),
    _method("nblib.batchnorm.BatchNorm.forward", lambda: batchnorm.BatchNorm(3), "forward", {"X": X},
            X=array("X", extra=[np.zeros(3), np.zeros((4, 2))]), train=flag("train")),
]


def _trained_bn():
    layer = batchnorm.BatchNorm(3)
    layer.forward(X, train=True)
    return layer


BATCHNORM.append(_method("nblib.batchnorm.BatchNorm.backward", _trained_bn, "backward", {"d_out": X},
                         d_out=array("d_out", extra=[np.zeros((4, 2)), np.zeros(3)])))

_GRADS = values(None, 3, np.zeros(3), [], [np.zeros(2), "a"], [None], label="grads")
CLIPPING = [
    _entry(clipping.global_norm, {"grads": [X]}, grads=_GRADS),
    _entry(clipping.clip_by_global_norm, {"grads": [X], "max_norm": 1.0}, grads=_GRADS,
           max_norm=number("max_norm", low=0.0, low_inclusive=False)),
]

_NET = {"d_in": 3, "width": 4, "depth": 2, "d_out": 2}
_LOSS = name(deep.LOSSES, "loss")
_NET_X = array("X", extra=[np.zeros(3), np.zeros((4, 2))])
_NET_Y = values(None, "a", np.array([0, 2, 1, 0]), np.array([0.5, 1, 1, 0]), np.zeros(3, int), [[0, 1]], label="y")


def _net(**kw):
    return lambda: deep.DeepNet(**_NET, **kw)


DEEP = [
    _entry(deep.DeepNet, _NET, d_in=count("d_in", maximum=deep.MAX_WIDTH),
           width=count("width", maximum=deep.MAX_WIDTH), depth=count("depth", maximum=deep.MAX_DEPTH),
           d_out=count("d_out", maximum=deep.MAX_WIDTH), activation=name(("relu", "tanh", "sigmoid"), "activation"),
           init=name(("auto",) + tuple(deep.INITS), "init"),
           scale=number("scale", low=0.0, high=1e6, low_inclusive=False), batchnorm=flag("batchnorm"),
           residual=flag("residual"), seed=count("seed", minimum=0)),
    _method("nblib.deep.DeepNet.forward", _net(batchnorm=True), "forward", {"X": X},
            X=_NET_X, train=flag("train")),
    _method("nblib.deep.DeepNet.loss_and_grads", _net(batchnorm=True), "loss_and_grads", {"X": X, "y": Y},
            X=array("X", extra=[np.zeros(3), np.zeros((4, 2)), np.zeros((1, 3))]), y=_NET_Y, loss=_LOSS),
    _method("nblib.deep.DeepNet.loss", _net(), "loss", {"X": X, "y": Y}, X=_NET_X, y=_NET_Y, loss=_LOSS),
    _method("nblib.deep.DeepNet.scales", _net(), "scales", {"X": X, "y": Y}, X=_NET_X, y=_NET_Y, loss=_LOSS),
]
DEEP.append(Entry("nblib.deep.train", lambda **kw: deep.train(**kw),
                  lambda: {"net": deep.DeepNet(**_NET), "X": X, "y": Y, "optimizer": optim.SGD(0.1), "epochs": 1},
                  {"net": values(None, "net", 3, object(), label="net"), "X": _NET_X, "y": _NET_Y,
                   "optimizer": values(None, 0.1, "sgd", label="optimizer"),
                   "epochs": count("epochs", minimum=0, maximum=10 ** 5),
                   "batch_size": count("batch_size", maximum=10 ** 8), "loss": _LOSS,
                   "clip": values("1", True, 0.0, -1.0, float("nan"), float("inf"), [1.0], 1j, label="clip"),
                   "seed": count("seed", minimum=0)}))

ENTRIES = INIT + BATCHNORM + CLIPPING + DEEP
COVERS = covered(ENTRIES)


@pytest.mark.parametrize("entry, argument", cases(ENTRIES))
def test_fixed_bad_values_are_refused(entry, argument):
    check_fixed(entry, argument)


@pytest.mark.parametrize("entry, argument", cases(ENTRIES))
@GENERATED
@given(data=st.data())
def test_generated_bad_values_are_refused(entry, argument, data):
    check_generated(entry, argument, data)


def test_a_single_example_cannot_be_batch_normalized_in_training():
    with pytest.raises(ValueError, match="at least 2"):
        deep.DeepNet(**_NET, batchnorm=True).loss_and_grads(X[:1], Y[:1])
    assert deep.DeepNet(**_NET, batchnorm=True).forward(X[:1]).shape == (1, 2)   # inference is fine
