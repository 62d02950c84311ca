"""Bad input to the engine (nn, optim, schedules, surfaces, training, data) is refused clearly.

Same driver as the other ``test_validation_*`` modules (see ``validation_harness``):
one argument at a time takes every catalogued bad value and a few generated
ones, and must raise a ValueError or TypeError naming it, quickly, without a
warning. Methods are driven on a fresh object for every call.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nblib import data, nn, optim, schedules, surfaces, training
from validation_harness import (GENERATED, Entry, array, cases, check_fixed, check_generated, count, covered,
                                flag, function, name, number, text, values)

X4 = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.5, -0.5]])
Y4 = np.array([0, 1, 1, 0])
NOT_A_NET = values(None, 5, "net", [3, 4, 2], optim.SGD(0.1), nn.MLP, label="model")
NOT_AN_OPTIMIZER = values(None, "sgd", 0.1, optim.SGD, nn.MLP([2, 2]), label="optimizer")


def _entry(function_, valid, **bad):
    return Entry(f"{function_.__module__}.{function_.__qualname__}", function_, valid, bad)


def _method(cls, method, make, valid, **bad):
    """An entry for ``cls.method``, called on a fresh object ``make()``."""
    return Entry(f"{cls.__module__}.{cls.__qualname__}.{method}",
                 lambda self, **kwargs: getattr(self, method)(**kwargs),
                 lambda: dict(valid(), self=make()), bad)


def _net():
    return nn.MLP([2, 3, 2], seed=0)


_INPUTS = array("X", extra=[np.zeros((4, 3)), np.zeros(2), [[1.0, 2.0, 3.0]], np.zeros((1, 2, 2))])
_LABELS = array("y", extra=[[0, 1, 2, 0], [0, 1, 0.5, 1], [0, 1, 1], [[0], [1], [1], [0]], [-1, 0, 1, 0]])
_MSE_TARGETS = array("y", extra=[np.zeros((4, 3)), np.zeros(3)])
_LOSS = name(("mse", "cross_entropy"), "loss")
_MASKS = values(5, "masks", np.ones((4, 3)), [], [np.ones((4, 2))], [np.ones((4, 3)), np.ones((4, 3))],
                [np.full((4, 3), np.nan)], [["a"] * 3] * 4, label="mask")

NN = [
    _entry(nn.MLP, lambda: {"sizes": [2, 3, 2]},
           sizes=values(None, 5, "23", [3], [], [3, 0], [3, 2.5], [3, None], [3, True], [10 ** 5, 10 ** 4],
                        label="sizes"),
           activation=name(("relu", "sigmoid", "tanh"), "activation"), seed=count("seed", minimum=0),
           dtype=values(None, int, np.int32, bool, "int", "no such type", 3, complex, label="dtype"),
           dropout=number("dropout", low=0.0, high=1.0, high_inclusive=False)),
    _method(nn.MLP, "forward", _net, lambda: {"X": X4}, X=_INPUTS, train=flag("train")),
    _method(nn.MLP, "loss_and_grads", _net, lambda: {"X": X4, "y": Y4, "loss": "cross_entropy"},
            X=_INPUTS, y=_LABELS, loss=_LOSS, l2=number("l2", low=0.0), l1=number("l1", low=0.0), masks=_MASKS),
    _method(nn.MLP, "loss", _net, lambda: {"X": X4, "y": np.zeros((4, 2)), "loss": "mse"},
            X=_INPUTS, y=_MSE_TARGETS, loss=_LOSS, l2=number("l2", low=0.0), l1=number("l1", low=0.0)),
    _method(nn.MLP, "evaluate", _net, lambda: {"X": X4, "y": Y4}, X=_INPUTS, y=_LABELS, loss=_LOSS),
    _method(nn.MLP, "predict", _net, lambda: {"X": X4}, X=_INPUTS),
    _method(nn.MLP, "accuracy", _net, lambda: {"X": X4, "y": Y4}, X=_INPUTS, y=_LABELS),
    _method(nn.MLP, "set_params", _net, lambda: {"params": _net().copy_params()},
            params=values(None, 5, "p", np.zeros((2, 3)), [np.zeros((2, 3))], [np.zeros((3, 2))] * 4,
                          [np.full((2, 3), np.nan), np.zeros(3), np.zeros((3, 2)), np.zeros(2)],
                          [np.array([["a"] * 3] * 2), np.zeros(3), np.zeros((3, 2)), np.zeros(2)],
                          label="params")),
    _entry(nn.check_labels, lambda: {"y": Y4, "n": 4, "k": 2}, y=_LABELS, n=count("n"), k=count("k")),
]

_W = [np.array([1.0, 2.0])]
_G = [np.array([0.5, -0.5])]
_PARAMS = values(np.array([1.0, 2.0]), [1.0, 2.0], 1.0, None, "w", [np.array([1, 2])], [[1.0, 2.0]],
                 [np.zeros(3)], [np.zeros(2), np.zeros(2)], [np.zeros(2, dtype=complex)], label="params")
_GRADS = values(None, np.array([0.5, -0.5]), 0.5, [np.zeros(3)], [np.array(["a", "b"])], [np.array([1j, 1.0])],
                [np.zeros(2), np.zeros(2)], [None], label="grads")
_HYPERPARAMETERS = {
    optim.Optimizer: {}, optim.SGD: {}, optim.Momentum: {"beta": "rate"}, optim.Nesterov: {"beta": "rate"},
    optim.AdaGrad: {"eps": "eps"}, optim.AdaDelta: {"rho": "rate", "eps": "eps"},
    optim.RMSprop: {"rho": "rate", "eps": "eps"}, optim.Adam: {"beta1": "rate", "beta2": "rate", "eps": "eps"},
    optim.AdamW: {"beta1": "rate", "beta2": "rate", "eps": "eps", "weight_decay": "decay"},
}


def _hyperparameter(argument, kind):
    if kind == "rate":
        return number(argument, low=0.0, high=1.0, high_inclusive=False)
    if kind == "decay":  # a finite number >= 0
        return number(argument, low=0.0)
    return number(argument, low=0.0, low_inclusive=False)


def _readonly():
    w = np.zeros(2)
    w.flags.writeable = False
    return [w]


OPTIM = []
for _cls, _settings in _HYPERPARAMETERS.items():
    OPTIM.append(_entry(_cls, lambda: {"lr": 0.1}, lr=number("learning rate", low=0.0),
                        **{key: _hyperparameter(key, kind) for key, kind in _settings.items()}))
    OPTIM.append(_method(_cls, "step", lambda cls=_cls: cls(lr=0.1), lambda: {"params": [w.copy() for w in _W],
                                                                             "grads": _G},
                         params=values(*_PARAMS.values, _readonly(), label="params"), grads=_GRADS))
OPTIM.append(_entry(optim.make, lambda: {"name": "adam", "lr": 0.1},
                    name=name(tuple(optim.OPTIMIZERS), "optimizer"),
                    lr=number("learning rate", low=0.0)))
OPTIM.append(Entry("nblib.optim.make", lambda **kwargs: optim.make("adam", **kwargs), lambda: {"lr": 0.1},
                   {"beta": values(0.9, label="beta"), "momentum": values(0.9, label="momentum")}))
OPTIM.append(Entry("nblib.optim.Optimizer.lr", lambda lr: setattr(optim.Adam(0.1), "lr", lr), lambda: {"lr": 0.1},
                   {"lr": number("learning rate", low=0.0)}))

_LR = number("learning rate", low=0.0)
SCHEDULES = [
    _entry(schedules.constant, lambda: {"lr": 0.1}, lr=_LR),
    _entry(schedules.step_decay, lambda: {"lr": 0.1}, lr=_LR,
           drop=number("drop", low=0.0, high=1.0, low_inclusive=False), every=count("every", maximum=10 ** 9)),
    _entry(schedules.exponential_decay, lambda: {"lr": 0.1, "gamma": 0.9}, lr=_LR,
           gamma=number("gamma", low=0.0, high=1.0, low_inclusive=False)),
    _entry(schedules.cosine, lambda: {"lr": 0.1, "total": 10}, lr=_LR, total=count("total", maximum=10 ** 9),
           lr_min=number("lr_min", low=0.0, high=0.1)),
    _entry(schedules.cosine_with_restarts, lambda: {"lr": 0.1, "period": 1}, lr=_LR,
           period=count("period", maximum=10 ** 9), mult=count("mult", maximum=10 ** 9),
           lr_min=number("lr_min", low=0.0, high=0.1)),
]
for _factory, _args in [(schedules.constant, (0.1,)), (schedules.step_decay, (0.1,)),
                        (schedules.exponential_decay, (0.1, 0.5)), (schedules.cosine, (0.1, 10)),
                        (schedules.cosine_with_restarts, (0.1, 1, 1)),
                        (schedules.cosine_with_restarts, (0.1, 1, 2))]:
    SCHEDULES.append(Entry(f"{_factory.__module__}.{_factory.__name__}(...)", _factory(*_args),
                           lambda: {"epoch": 3}, {"epoch": count("epoch", minimum=0, maximum=10 ** 9)}))

_NOT_A_POINT = [[1.0], [1.0, 2.0, 3.0], [[1.0, 2.0]]]
_SURFACE_ARGS = dict(name="bowl", equation="x^2 + y^2", f=surfaces.round_bowl.f, grad=surfaces.round_bowl.grad,
                     xlim=(-1, 1), ylim=(-1, 1), minimum=np.zeros(2), start=np.ones(2))
_LIMITS = [None, 3, (1,), (1, 0), (0, 1, 2), ("a", 1), (0, np.inf)]
SURFACES = [
    _entry(surfaces.Surface, lambda: dict(_SURFACE_ARGS), name=text("name"), equation=text("equation"),
           f=function("f"), grad=function("grad"), xlim=values(*_LIMITS, label="xlim"),
           ylim=values(*_LIMITS, label="ylim"), minimum=array("minimum", extra=_NOT_A_POINT, optional=True),
           start=array("start", extra=_NOT_A_POINT)),
    _entry(surfaces.RunResult, lambda: {"path": np.zeros((3, 2)), "losses": np.zeros(3), "diverged": False,
                                        "message": "ran 2 steps"},
           path=array("path", extra=[np.zeros(3)]),
           losses=array("losses", finite=False, extra=[np.zeros((3, 1))], optional=True),
           diverged=flag("diverged"), message=text("message")),
    _entry(surfaces.run, lambda: {"optimizer": optim.SGD(0.1), "surface": surfaces.round_bowl, "steps": 3},
           optimizer=NOT_AN_OPTIMIZER, surface=values(None, 5, "round_bowl", [1.0, 2.0], label="surface"),
           start=array("start", extra=_NOT_A_POINT, optional=True),
           steps=count("steps", minimum=0, maximum=10 ** 6),
           bound=number("bound", low=0.0, low_inclusive=False)),
    _entry(surfaces.run, lambda: {"optimizer": optim.SGD(0.1), "surface": lambda w: 2 * w, "start": [1.0, 2.0],
                                  "steps": 3},
           surface=values(lambda w: "x", lambda w: [1.0], lambda w: None, lambda w: np.zeros((2, 2)),
                          label="grad(w)"),
           f=values(3, "f", lambda w: "x", lambda w: [1.0, 2.0], label="f(")),
]
for _surface in surfaces.SURFACES.values():
    for _kind in ("f", "grad"):
        SURFACES.append(Entry(f"nblib.surfaces.{_surface.name}.{_kind}", getattr(_surface, _kind),
                              lambda: {"w": [1.0, 2.0]}, {"w": array("w", extra=[[1.0], [1.0, 2.0, 3.0], 2.0])}))


def _fit_args():
    return {"model": _net(), "X": X4, "y": Y4, "optimizer": optim.SGD(0.1), "epochs": 1, "progress": False}


def _fit_with_validation():
    return dict(_fit_args(), X_val=X4, y_val=Y4)


TRAINING = [
    _entry(training.fit, _fit_args, model=NOT_A_NET, X=_INPUTS, y=_LABELS, optimizer=NOT_AN_OPTIMIZER,
           epochs=count("epochs", maximum=10 ** 6), batch_size=count("batch_size"), loss=_LOSS,
           X_val=values(*[v for v in _INPUTS.values if v is not None], label="X_val"),
           schedule=values(3, "cosine", [0.1], lambda epoch: -1.0, lambda epoch: "fast", label="schedule"),
           l2=number("l2", low=0.0), l1=number("l1", low=0.0), patience=values(3, label="patience"),
           seed=count("seed", minimum=0), progress=flag("progress")),
    _entry(training.fit, _fit_with_validation, y_val=_LABELS, patience=count("patience", optional=True)),
    _entry(training.kfold_indices, lambda: {"n": 10, "k": 3}, n=count("n", maximum=10 ** 8),
           k=count("k", minimum=2, extra=[11]), seed=count("seed", minimum=0)),
    _entry(training.cross_validate,
           lambda: {"make_model": _net, "make_optimizer": lambda: optim.SGD(0.1), "X": np.tile(X4, (2, 1)),
                    "y": np.tile(Y4, 2), "k": 2, "epochs": 1, "progress": False},
           make_model=values(*function().values, lambda: 5, label="model"),
           make_optimizer=values(*function().values, lambda: "sgd", label="optimizer"),
           X=array("X", extra=[np.zeros(8), np.zeros((8, 3))]),
           y=array("y", extra=[np.zeros(7), np.zeros((8, 2, 1))]),
           k=count("k", minimum=2, extra=[9]), seed=count("seed", minimum=0), loss=_LOSS,
           X_val=values(X4, label="X_val"), epochs=count("epochs", maximum=10 ** 6)),
    _entry(training.History, lambda: {},
           train_loss=values(None, 5, "a", label="train_loss"), val_loss=values(5, "a", label="val_loss"),
           train_acc=values(5, label="train_acc"), val_acc=values(5, label="val_acc"),
           lr=values(None, 0.1, label="lr"), best_epoch=count("best_epoch", minimum=0, optional=True),
           stopped_early=flag("stopped_early"), message=text("message")),
]

DATA = [
    _entry(data.noisy_polynomial, lambda: {}, n=count("n", minimum=2, maximum=10 ** 7),
           degree=count("degree", minimum=0, maximum=50), noise=number("noise", low=0.0),
           seed=count("seed", minimum=0), return_coef=flag("return_coef")),
    _entry(data.noisy_wave, lambda: {}, n=count("n", minimum=1, maximum=10 ** 7), noise=number("noise", low=0.0),
           seed=count("seed", minimum=0)),
    _entry(data.two_moons, lambda: {}, n=count("n", minimum=2, maximum=10 ** 7), noise=number("noise", low=0.0),
           seed=count("seed", minimum=0)),
    _entry(data.blobs, lambda: {}, n=count("n", maximum=10 ** 7),
           centers=values(0, -1, 2.5, "3", None, True, 10 ** 9, np.zeros((0, 2)), [1.0, 2.0], [[np.nan, 0.0]],
                          [["a", "b"]], np.zeros((2, 10 ** 6)), label="centers"),
           std=number("std", low=0.0), seed=count("seed", minimum=0)),
    _entry(data.digits, lambda: {}, dtype=values(int, np.int64, bool, None, "int8", "pixels", 3, label="dtype")),
    _entry(data.train_val_test_split, lambda: {"X": np.zeros((20, 2)), "y": np.arange(20) % 2},
           X=array("X", extra=[np.zeros((19, 2)), 3.0]), y=array("y", extra=[np.zeros(19), np.zeros((20, 2, 2))]),
           val=number("val", low=0.0, high=1.0, extra=[0.9]), test=number("test", low=0.0, high=1.0, extra=[0.95]),
           seed=count("seed", minimum=0), stratify=values(*flag().values[1:], label="stratify")),
    _entry(data.train_val_test_split, lambda: {"X": np.zeros((20, 2)), "y": np.linspace(0, 1, 20)},
           stratify=values(True, label="stratify")),
]

ENTRIES = NN + OPTIM + SCHEDULES + SURFACES + TRAINING + DATA
COVERS = covered(ENTRIES)


@pytest.mark.parametrize("entry, argument", cases(ENTRIES))
def test_fixed_bad_values_are_refused(entry, argument):
    check_fixed(entry, argument)


@pytest.mark.parametrize("entry, argument", cases(ENTRIES))
@GENERATED
@given(data=st.data())
def test_generated_bad_values_are_refused(entry, argument, data):
    check_generated(entry, argument, data)
