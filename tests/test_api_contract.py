"""The names the issues promise to chapters: renaming any of them breaks this test first."""

import inspect

import numpy as np
import pytest

import nblib
from nblib import data, explorable, exercises, gradcheck, linear, losses, nn, optim, schedules, search, surfaces, training
from nblib.plots import network, regression, sampling


def defaults(function):
    return {name: p.default for name, p in inspect.signature(function).parameters.items()
            if p.default is not inspect.Parameter.empty}


def test_mlp_signature_and_layout():
    assert defaults(nn.MLP) == {"activation": "relu", "seed": 0, "dtype": np.float64, "dropout": 0.0}
    net = nn.MLP([3, 4, 2])
    assert [p.shape for p in net.params] == [(3, 4), (4,), (4, 2), (2,)]
    assert defaults(net.loss_and_grads)["l2"] == 0.0 and defaults(net.loss_and_grads)["l1"] == 0.0
    assert net.forward(np.zeros((5, 3)), train=False).shape == (5, 2)


@pytest.mark.parametrize("name, expected", [
    ("SGD", {}),
    ("Momentum", {"beta": 0.9}),
    ("Nesterov", {"beta": 0.9}),
    ("AdaGrad", {"eps": 1e-10}),
    ("AdaDelta", {"lr": 1.0, "rho": 0.9, "eps": 1e-6}),
    ("RMSprop", {"rho": 0.99, "eps": 1e-8}),
    ("Adam", {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
    ("AdamW", {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01}),
])
def test_optimizer_defaults_are_pytorchs(name, expected):
    cls = getattr(optim, name)
    assert defaults(cls) == expected
    assert callable(cls.step)


def test_the_rest_of_the_contract_exists():
    for module, names in [
        (nblib, ["count_params"]),
        (data, ["seven_points", "face_patch_predictions", "noisy_polynomial", "digits", "train_val_test_split"]),
        (losses, ["mean_error", "mean_absolute_error", "mean_squared_error", "binary_cross_entropy"]),
        (linear, ["predict_line", "ols", "mse_grad_line", "mse_grad_weights", "add_bias_column"]),
        (gradcheck, ["numerical_gradient"]),
        (search, ["random_search", "grid_guesses"]),
        (schedules, ["constant", "step_decay", "exponential_decay", "cosine", "cosine_with_restarts"]),
        (surfaces, ["SURFACES", "run"]),
        (training, ["fit", "kfold_indices", "cross_validate"]),
        (explorable, ["explore", "Slider", "freeze_background"]),
        (exercises, ["NumberCheck", "ChoiceCheck", "FunctionCheck"]),
        (network, ["network_diagram"]),
        (regression, ["scatter_with_residuals", "loss_surface_3d", "loss_contour"]),
        (sampling, ["sampling_grid_2d", "sampling_grid_3d"]),
    ]:
        missing = [name for name in names if not hasattr(module, name)]
        assert not missing, f"{module.__name__} lacks {missing}"
    assert {"round_bowl", "elongated_bowl", "rosenbrock", "beale", "saddle", "bumpy"} <= set(surfaces.SURFACES)
