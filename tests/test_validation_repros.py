"""The reproductions of issue 9, one by one, and what must keep holding while input gets checked.

Each repro now gives the correct result or a clear ValueError/TypeError; the
engine still repeats a seeded run bit for bit in another process, and runs at
extreme learning rates still end as reported divergence, without warnings.
"""

import hashlib
import subprocess
import sys
import warnings

import numpy as np
import pytest

from nblib import activations, data, losses, nn, optim, schedules, search, surfaces, training
from nblib.plots import network, regression, sampling
from validation_harness import refused

# --- Real bugs: valid or plausible input used to give a wrong result ------------------------------


@pytest.mark.parametrize("name", sorted(optim.OPTIMIZERS))
@pytest.mark.parametrize("params", [np.array([1.0, 2.0]), [1.0, 2.0], 1.0])
def test_an_optimizer_refuses_params_it_cannot_update_in_place(name, params):
    optimizer = optim.make(name, lr=0.1)
    message = refused(lambda: optimizer.step(params, np.array([0.5, -0.5])), "params")
    assert "[w]" in message  # it says how to pass one array


@pytest.mark.parametrize("name", sorted(optim.OPTIMIZERS))
def test_an_optimizer_updates_a_wrapped_array_in_place(name):
    w = np.array([1.0, 2.0])
    optim.make(name, lr=0.1).step([w], [np.array([0.5, -0.5])])
    assert w[0] < 1.0 and w[1] > 2.0


def test_float32_cross_entropy_of_certain_predictions_is_finite_without_warnings():
    y, p = np.array([0.0, 1.0, 1.0]), np.array([0.0, 1.0, 1.0], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert 0 < losses.binary_cross_entropy(y, p) < 1e-6
        assert np.all(np.isfinite(losses.binary_cross_entropy_grad(y, p)))


def test_two_moons_accepts_minus_zero_noise():
    X, y = data.two_moons(n=20, noise=-0.0)
    np.testing.assert_array_equal(X, data.two_moons(n=20, noise=0.0)[0])


def test_derivatives_and_activations_take_numbers_lists_and_0d_arrays():
    assert float(activations.tanh_derivative_from_output(np.array(0.5))) == 0.75
    assert float(activations.relu_derivative(2.0)) == 1.0
    np.testing.assert_allclose(activations.softmax([1.0, 2.0]), [1 / (1 + np.e), np.e / (1 + np.e)])


def test_constant_loss_and_wide_data_are_refused_by_their_own_names():
    M, B = np.meshgrid([0.0, 1.0], [0.0, 1.0])
    refused(lambda: regression.loss_contour(M, B, np.ones_like(M)), "J must vary")
    refused(lambda: regression.scatter_with_residuals([-1e308, 1e308], [0.0, 1.0], 1.0, 0.0), "x spans")


# --- Wrong exception type: now a clear message -----------------------------------------------------

X, Y = data.two_moons(n=20, seed=0)


@pytest.mark.parametrize("call, name", [
    (lambda: optim.SGD(lr=10 ** 400), "learning rate"),
    (lambda: training.fit(5, X, Y, optim.SGD(0.1), epochs=1, progress=False), "model"),
    (lambda: training.fit(nn.MLP([2, 3, 2]), X, Y, "sgd", epochs=1, progress=False), "optimizer"),
    (lambda: surfaces.run(None, surfaces.round_bowl), "optimizer"),
])
def test_wrong_kinds_of_argument_get_a_clear_message(call, name):
    refused(call, name)


# --- Calls that never returned: refused before any work --------------------------------------------

@pytest.mark.parametrize("call, name", [
    (lambda: schedules.cosine_with_restarts(0.1, period=1, mult=1)(10 ** 400), "epoch"),
    (lambda: search.grid_guesses(n_dims=2 ** 63, bins=10), "n_dims"),
    (lambda: sampling.grid_points(n_dims=2 ** 63, bins=3), "n_dims"),
    (lambda: search.format_duration(1, digits=2 ** 63), "digits"),
    (lambda: surfaces.run(optim.SGD(0.1), surfaces.round_bowl, steps=2 ** 63), "steps"),
    (lambda: network.downstream([4, 5, 10 ** 7], (0, 0)), "sizes"),
    (lambda: data.noisy_polynomial(degree=10 ** 6), "degree"),
])
def test_huge_work_is_refused_up_front(call, name):
    refused(call, name)


def test_cosine_with_restarts_answers_late_epochs_at_once():
    assert schedules.cosine_with_restarts(0.1, period=3, mult=1)(10 ** 9) == \
        schedules.cosine_with_restarts(0.1, period=3, mult=1)(10 ** 9 % 3)


# --- Silently accepted: now refused -----------------------------------------------------------------

@pytest.mark.parametrize("call, name", [
    (lambda: surfaces.round_bowl.f(["1", "2"]), "w"),
    (lambda: surfaces.round_bowl.f([1 + 2j, 0.0]), "w"),
    (lambda: losses.mean_squared_error([1 + 1j], [1.0]), "y"),
    (lambda: data.two_moons(seed=True), "seed"),
    (lambda: data.digits(dtype=int), "dtype"),
])
def test_strings_bools_and_complex_numbers_are_not_numbers(call, name):
    refused(call, name)


# --- What keeps holding -----------------------------------------------------------------------------

def test_extreme_learning_rates_end_in_reported_divergence_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for surface in surfaces.SURFACES.values():
            result = surfaces.run(optim.SGD(1e300), surface, steps=20)
            assert result.diverged and "diverged" in result.message
        net = nn.MLP([2, 8, 2], seed=0)
        history = training.fit(net, X, Y, optim.SGD(1e300), epochs=3, progress=False)
        assert history.message.startswith("stopped")


_ENGINE_RUN = """
import hashlib
import numpy as np
from nblib import data, nn, optim, search, training
X, y = data.two_moons(n=64, noise=0.2, seed=3)
net = nn.MLP([2, 8, 2], activation="tanh", seed=5, dropout=0.2)
history = training.fit(net, X, y, optim.Adam(0.01), epochs=3, batch_size=16, seed=7, progress=False)
found = search.random_search(search.linear_teacher(3, seed=1), 3, 500, seed=2)
digest = hashlib.sha256()
for array in [X, y, *net.params, np.array(history.train_loss), found.params, found.running_best,
              *data.blobs(n=30, seed=4), *data.noisy_polynomial(n=9, seed=6)]:
    digest.update(np.ascontiguousarray(array).tobytes())
print(digest.hexdigest())
"""


def test_a_seeded_engine_run_is_bitwise_identical_in_another_process():
    namespace = {}
    exec(_ENGINE_RUN.replace("print(digest.hexdigest())", "result = digest.hexdigest()"), namespace)
    other = subprocess.run([sys.executable, "-c", _ENGINE_RUN], capture_output=True, text=True, check=True,
                           timeout=120)
    assert other.stdout.strip() == namespace["result"]
    assert len(namespace["result"]) == len(hashlib.sha256().hexdigest())
