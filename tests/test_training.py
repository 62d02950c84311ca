"""Tests of nblib.training: fit (mini-batches, schedules, early stopping, NaN), k-fold splits
and cross-validation."""

import warnings

import numpy as np
import pytest

from nblib import data
from nblib.nn import MLP
from nblib.optim import SGD, Adam
from nblib.schedules import step_decay
from nblib.training import History, cross_validate, fit, kfold_indices


@pytest.fixture(scope="module")
def blobs():
    X, y = data.blobs(n=240, centers=3, std=0.8, seed=1)
    return X[:180], y[:180], X[180:], y[180:]


def test_fit_learns_a_separable_problem(blobs):
    X, y, X_val, y_val = blobs
    net = MLP([2, 16, 3], seed=0)
    history = fit(net, X, y, Adam(lr=0.01), epochs=30, X_val=X_val, y_val=y_val, progress=False)
    assert isinstance(history, History)
    assert len(history.train_loss) == len(history.val_loss) == len(history.val_acc) == 30
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    assert history.train_acc[-1] >= 0.95 and history.val_acc[-1] >= 0.9
    assert history.train_loss[-1] == pytest.approx(float(net.loss(X, y, "cross_entropy")))
    assert history.best_epoch == int(np.argmin(history.val_loss))
    assert not history.stopped_early and history.message == "ran 30 epochs"


def test_schedule_sets_the_learning_rate_each_epoch(blobs):
    X, y, _, _ = blobs
    optimizer = SGD(lr=1.0)
    history = fit(MLP([2, 4, 3]), X, y, optimizer, epochs=5, schedule=step_decay(0.2, drop=0.5, every=2),
                  progress=False)
    assert history.lr == pytest.approx([0.2, 0.2, 0.1, 0.1, 0.05])
    assert optimizer.lr == pytest.approx(0.05)
    assert history.val_loss is None and history.val_acc is None and history.best_epoch is None


def test_one_epoch_of_full_batch_sgd_is_one_gradient_step(blobs):
    X, y, _, _ = blobs
    net, reference = MLP([2, 5, 3], seed=4), MLP([2, 5, 3], seed=4)
    fit(net, X, y, SGD(lr=0.1), epochs=1, batch_size=len(X), l2=0.01, progress=False)
    _, grads = reference.loss_and_grads(X, y, "cross_entropy", l2=0.01)
    for p, w, g in zip(net.params, reference.params, grads):
        np.testing.assert_allclose(p, w - 0.1 * g, rtol=1e-12, atol=1e-14)  # order of examples aside


def test_the_number_of_steps_per_epoch_follows_the_batch_size(blobs):
    X, y, _, _ = blobs
    optimizer = Adam(lr=0.01)
    fit(MLP([2, 4, 3]), X, y, optimizer, epochs=2, batch_size=50, progress=False)
    assert optimizer.state["t"] == 2 * 4  # 180 examples: batches of 50, 50, 50, 30


def test_same_seeds_repeat_bit_for_bit_and_other_seeds_differ(blobs):
    X, y, X_val, y_val = blobs

    def train(fit_seed, dropout=0.3):
        net = MLP([2, 8, 3], seed=7, dropout=dropout, dtype=np.float32)
        history = fit(net, X, y, Adam(lr=0.01), epochs=4, batch_size=16, X_val=X_val, y_val=y_val,
                      seed=fit_seed, progress=False)
        return net, history

    (a, ha), (b, hb), (_, hc) = train(0), train(0), train(1)
    assert ha == hb
    for p, q in zip(a.params, b.params):
        np.testing.assert_array_equal(p, q)
    assert ha.train_loss != hc.train_loss
    assert all(p.dtype == np.float32 for p in a.params)


def test_l2_penalty_shrinks_the_weights(blobs):
    X, y, _, _ = blobs
    plain, penalised = MLP([2, 16, 3], seed=2), MLP([2, 16, 3], seed=2)
    fit(plain, X, y, Adam(lr=0.01), epochs=20, progress=False)
    fit(penalised, X, y, Adam(lr=0.01), epochs=20, l2=0.1, progress=False)
    squares = [sum(np.sum(W ** 2) for W in net.params[::2]) for net in (plain, penalised)]
    assert squares[1] < 0.5 * squares[0]


def test_early_stopping_restores_the_best_weights():
    # few noisy examples and a wide network: the validation loss turns up soon
    rng = np.random.default_rng(0)
    X, X_val = rng.normal(size=(20, 5)), rng.normal(size=(200, 5))
    y, y_val = (X[:, 0] + rng.normal(0, 1, 20) > 0).astype(int), (X_val[:, 0] > 0).astype(int)
    net = MLP([5, 64, 64, 2], seed=0)
    history = fit(net, X, y, Adam(lr=0.01), epochs=300, batch_size=20, X_val=X_val, y_val=y_val,
                  patience=5, progress=False)
    assert history.stopped_early
    assert len(history.val_loss) == history.best_epoch + 6  # the best epoch, then 5 without improvement
    assert history.best_epoch == int(np.argmin(history.val_loss))
    assert float(net.loss(X_val, y_val, "cross_entropy")) == history.val_loss[history.best_epoch]
    assert f"restored the weights of epoch {history.best_epoch}" in history.message


def test_messages_count_epochs_from_0_as_the_history_does():
    """One epoch convention: the epochs a message names are indices into the history's lists."""
    rng = np.random.default_rng(0)
    X, X_val = rng.normal(size=(20, 5)), rng.normal(size=(200, 5))
    y, y_val = (X[:, 0] + rng.normal(0, 1, 20) > 0).astype(int), (X_val[:, 0] > 0).astype(int)
    history = fit(MLP([5, 64, 64, 2], seed=0), X, y, Adam(lr=0.01), epochs=300, batch_size=20, X_val=X_val,
                  y_val=y_val, patience=5, progress=False)
    last = len(history.val_loss) - 1
    assert history.message == (f"stopped early at epoch {last}: the validation loss has not improved for 5 "
                               f"epochs; restored the weights of epoch {history.best_epoch} "
                               f"(epochs counted from 0)")
    assert history.val_loss[history.best_epoch] == min(history.val_loss)
    full = fit(MLP([5, 8, 2], seed=0), X, y, Adam(lr=0.01), epochs=3, X_val=X_val, y_val=y_val, patience=3,
               progress=False)
    assert full.message == (f"ran 3 epochs; restored the weights of epoch {full.best_epoch} "
                            f"(epochs counted from 0)")
    assert 0 <= full.best_epoch <= 2 and full.val_loss[full.best_epoch] == min(full.val_loss)


def test_nan_loss_stops_the_run_without_raising_or_warning():
    X, y = data.noisy_polynomial(n=30)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = fit(MLP([1, 32, 1]), X[:, None], y, SGD(lr=1e6), epochs=50, loss="mse", progress=False)
    assert len(history.train_loss) < 50
    assert not np.isfinite(history.train_loss[-1])
    assert history.message.startswith("stopped at epoch")
    assert history.train_acc is None  # no accuracy for a regression


def test_regression_with_mse_and_progress_bar(capsys):
    x, y = data.noisy_polynomial(n=40, noise=0.05)
    net = MLP([1, 32, 1], activation="tanh", seed=0)
    history = fit(net, x[:, None], y, Adam(lr=0.02), epochs=150, batch_size=8, loss="mse", progress=True)
    assert history.train_loss[-1] < 0.05 < history.train_loss[0]
    assert history.train_acc is None and history.val_acc is None
    assert "epochs" in capsys.readouterr().err


def test_fit_checks_its_arguments(blobs):
    X, y, X_val, y_val = blobs
    net, opt = MLP([2, 4, 3]), SGD(lr=0.1)
    with pytest.raises(ValueError, match="needs validation data"):
        fit(net, X, y, opt, epochs=2, patience=3, progress=False)
    with pytest.raises(ValueError, match="give both X_val and y_val"):
        fit(net, X, y, opt, epochs=2, X_val=X_val, progress=False)
    with pytest.raises(ValueError, match="Invalid epochs: 0"):
        fit(net, X, y, opt, epochs=0, progress=False)
    with pytest.raises(ValueError, match="Invalid batch_size: 0"):
        fit(net, X, y, opt, epochs=1, batch_size=0, progress=False)
    with pytest.raises(ValueError, match="Unknown loss 'mae'"):
        fit(net, X, y, opt, epochs=1, loss="mae", progress=False)
    with pytest.raises(ValueError, match="class labels must lie in 0..2"):
        fit(net, X, y + 1, opt, epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"y must have shape \(180,\)"):
        fit(net, X, y[:-1], opt, epochs=1, progress=False)


def test_kfold_indices_hold_out_every_example_once():
    folds = kfold_indices(23, 5, seed=3)
    assert len(folds) == 5
    held_out = np.concatenate([val for _, val in folds])
    np.testing.assert_array_equal(np.sort(held_out), np.arange(23))
    assert sorted(len(val) for _, val in folds) == [4, 4, 5, 5, 5]
    for train, val in folds:
        assert len(np.intersect1d(train, val)) == 0 and len(train) + len(val) == 23
    again = kfold_indices(23, 5, seed=3)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(folds, again))
    assert not np.array_equal(kfold_indices(23, 5, seed=4)[0][1], folds[0][1])
    with pytest.raises(ValueError, match="Invalid k: 30"):
        kfold_indices(23, 30)
    with pytest.raises(ValueError, match="Invalid k: 1"):
        kfold_indices(23, 1)


def test_cross_validate_scores_each_fold(blobs):
    X, y, _, _ = blobs
    scores = cross_validate(lambda: MLP([2, 8, 3], seed=0), lambda: Adam(lr=0.02), X, y, k=3,
                            epochs=15, progress=False)
    assert set(scores) == {"val_loss", "val_acc"}
    assert scores["val_acc"].shape == (3,) and np.all(scores["val_acc"] > 0.85)
    folds = kfold_indices(len(X), 3, seed=0)
    net = MLP([2, 8, 3], seed=0)
    train, val = folds[1]
    fit(net, X[train], y[train], Adam(lr=0.02), epochs=15, seed=0, progress=False)
    assert scores["val_loss"][1] == pytest.approx(float(net.loss(X[val], y[val], "cross_entropy")), rel=1e-12)
