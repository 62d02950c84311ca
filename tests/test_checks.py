import math

import numpy as np
import pytest

from nblib import checks


def test_as_array_converts_integers_to_float64():
    array = checks.as_array([1, 2, 3], "x")
    assert array.dtype == np.float64
    np.testing.assert_array_equal(array, [1.0, 2.0, 3.0])


def test_as_array_keeps_float32():
    array = checks.as_array(np.ones(3, dtype=np.float32), "x")
    assert array.dtype == np.float32


@pytest.mark.parametrize("bad, message", [
    ([1.0, float("nan")], "x contains NaN"),
    ([1.0, float("inf")], "x contains NaN or infinity"),
    ([], "x must not be empty"),
])
def test_as_array_rejects_bad_values(bad, message):
    with pytest.raises(ValueError, match=message):
        checks.as_array(bad, "x")


def test_as_array_checks_dimensions():
    with pytest.raises(ValueError, match=r"X must be 2-D, got shape \(3,\)"):
        checks.as_array([1, 2, 3], "X", ndim=2)
    assert checks.as_array([[1.0]], "X", ndim=(1, 2)).shape == (1, 1)


def test_as_array_rejects_strings():
    with pytest.raises(TypeError, match="x must be an array of real numbers"):
        checks.as_array(["a", "b"], "x")


def test_same_length_names_both_lengths():
    with pytest.raises(ValueError, match="x has 3, y has 2"):
        checks.same_length(x=np.zeros(3), y=np.zeros(2))
    checks.same_length(x=np.zeros(2), y=np.zeros(2))


@pytest.mark.parametrize("value", [-0.1, math.inf, math.nan])
def test_as_number_rejects_negative_and_non_finite(value):
    with pytest.raises(ValueError, match="Invalid learning rate"):
        checks.as_number(value, "learning rate", low=0.0)


def test_as_number_open_interval():
    assert checks.as_number(0.9, "beta", low=0.0, high=1.0, high_inclusive=False) == 0.9
    with pytest.raises(ValueError, match=r"expected a value in \[0.0, 1.0\)"):
        checks.as_number(1.0, "beta", low=0.0, high=1.0, high_inclusive=False)
    with pytest.raises(TypeError, match="beta must be a real number"):
        checks.as_number("0.9", "beta")
    with pytest.raises(TypeError):
        checks.as_number(True, "beta")


def test_as_count_and_one_of():
    assert checks.as_count(3, "bins") == 3
    with pytest.raises(ValueError, match="expected an integer >= 1"):
        checks.as_count(0, "bins")
    with pytest.raises(TypeError, match="bins must be an integer"):
        checks.as_count(2.5, "bins")
    assert checks.one_of("relu", "activation", ("relu", "tanh")) == "relu"
    with pytest.raises(ValueError, match="Unknown activation 'gelu'; expected one of 'relu', 'tanh'"):
        checks.one_of("gelu", "activation", ("relu", "tanh"))


def test_paired_vectors_checks_each_and_their_lengths():
    y, y_hat = checks.paired_vectors(y=[1, 2], y_hat=[0.5, 2.5])
    assert y.dtype == np.float64 and y_hat.tolist() == [0.5, 2.5]
    with pytest.raises(ValueError, match="y has 2, y_hat has 3"):
        checks.paired_vectors(y=[1, 2], y_hat=[1, 2, 3])
    with pytest.raises(ValueError, match=r"y_hat must be 1-D, got shape \(2, 1\)"):
        checks.paired_vectors(y=[1, 2], y_hat=[[1], [2]])
