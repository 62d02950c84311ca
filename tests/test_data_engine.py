"""Tests of the data sets nblib.data adds for the engine chapters."""

import numpy as np
import pytest

from nblib import data


def test_noisy_polynomial():
    x, y, coef = data.noisy_polynomial(return_coef=True)
    assert x.shape == y.shape == (11,)
    np.testing.assert_allclose(x, np.linspace(-1, 1, 11))
    np.testing.assert_allclose(coef, [0, -3, 0, 4])  # T_3(x) = 4x^3 - 3x
    residual = y - (4 * x ** 3 - 3 * x)
    assert 0.05 < residual.std() < 0.3  # noise of standard deviation 0.15
    x0, y0 = data.noisy_polynomial(n=5, degree=2, noise=0.0)
    np.testing.assert_allclose(y0, 2 * x0 ** 2 - 1)  # T_2
    np.testing.assert_array_equal(data.noisy_polynomial()[1], y)
    assert not np.array_equal(data.noisy_polynomial(seed=1)[1], y)
    # the point of the data set: a line misses, a degree-10 polynomial goes through every point
    line = np.polynomial.polynomial.polyfit(x, y, 1)
    wiggle = np.polynomial.polynomial.polyfit(x, y, 10)
    assert np.mean((np.polynomial.polynomial.polyval(x, line) - y) ** 2) > 0.1
    np.testing.assert_allclose(np.polynomial.polynomial.polyval(x, wiggle), y, atol=1e-8)


def test_noisy_wave():
    x, y = data.noisy_wave()
    assert x.shape == y.shape == (24,) and np.all(np.diff(x) > 0) and -1 <= x[0] and x[-1] <= 1
    residual = y - (np.sin(3 * x) + 0.3 * x)
    assert 0.05 < residual.std() < 0.15  # noise of standard deviation 0.1
    x0, y0 = data.noisy_wave(n=5, noise=0.0, seed=1)
    np.testing.assert_allclose(y0, np.sin(3 * x0) + 0.3 * x0)
    np.testing.assert_array_equal(data.noisy_wave()[1], y)
    assert not np.array_equal(data.noisy_wave(seed=4)[1], y)


def test_two_moons():
    X, y = data.two_moons(n=101, noise=0.0, seed=2)
    assert X.shape == (101, 2) and y.shape == (101,)
    assert np.bincount(y).tolist() == [50, 51]
    np.testing.assert_allclose(np.linalg.norm(X[y == 0], axis=1), 1.0)  # upper half circle at 0
    assert np.all(X[y == 0, 1] >= 0)
    np.testing.assert_allclose(np.linalg.norm(X[y == 1] - [1.0, 0.5], axis=1), 1.0)
    assert np.all(X[y == 1, 1] <= 0.5)
    np.testing.assert_array_equal(data.two_moons(seed=2)[0], data.two_moons(seed=2)[0])


def test_blobs():
    centers = np.array([[0.0, 0.0], [10.0, 0.0]])
    X, y = data.blobs(n=400, centers=centers, std=0.5, seed=0)
    assert X.shape == (400, 2) and np.bincount(y).tolist() == [200, 200]
    for k in range(2):
        np.testing.assert_allclose(X[y == k].mean(axis=0), centers[k], atol=0.1)
        np.testing.assert_allclose(X[y == k].std(axis=0), 0.5, rtol=0.15)
    X3, y3 = data.blobs(n=30, centers=3, seed=1)
    assert X3.shape == (30, 2) and set(y3) == {0, 1, 2}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_digits(dtype):
    X, y = data.digits(dtype=dtype)
    assert X.shape == (1797, 64) and X.dtype == dtype
    assert X.min() == 0.0 and X.max() == 1.0
    assert y.shape == (1797,) and np.issubdtype(y.dtype, np.integer)
    assert np.bincount(y).min() >= 170 and set(y) == set(range(10))
    np.testing.assert_allclose(X[0].reshape(8, 8)[0], np.array([0, 0, 5, 13, 9, 1, 0, 0]) / 16)


def test_train_val_test_split_sizes_disjointness_and_strata():
    X = np.arange(1000)[:, None] * np.ones((1, 3))
    y = np.repeat(np.arange(4), [100, 200, 300, 400])
    X_tr, X_va, X_te, y_tr, y_va, y_te = data.train_val_test_split(X, y, val=0.2, test=0.1, seed=5)
    assert (len(X_tr), len(X_va), len(X_te)) == (700, 200, 100)
    ids = np.concatenate([X_tr[:, 0], X_va[:, 0], X_te[:, 0]]).astype(int)
    np.testing.assert_array_equal(np.sort(ids), np.arange(1000))  # every example once
    np.testing.assert_array_equal(y[X_va[:, 0].astype(int)], y_va)  # rows stay with their labels
    assert np.bincount(y_va).tolist() == [20, 40, 60, 80]  # stratified: the classes' shares kept
    assert np.bincount(y_te).tolist() == [10, 20, 30, 40]
    again = data.train_val_test_split(X, y, val=0.2, test=0.1, seed=5)
    np.testing.assert_array_equal(again[1], X_va)


def test_train_val_test_split_for_regression_and_bad_arguments():
    x, y = data.noisy_polynomial(n=40)
    parts = data.train_val_test_split(x, y, val=0.25, test=0.25)
    assert [len(p) for p in parts] == [20, 10, 10, 20, 10, 10]
    with pytest.raises(ValueError, match="val \\+ test must be below 1"):
        data.train_val_test_split(x, y, val=0.5, test=0.5)
    with pytest.raises(ValueError, match="expected the same number of examples"):
        data.train_val_test_split(x, y[:-1])
    with pytest.raises(ValueError, match="stratify needs integer class labels"):
        data.train_val_test_split(x, y, stratify=True)
