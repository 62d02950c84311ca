"""Finite differences on functions whose derivatives are known in closed form."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from nblib.gradcheck import numerical_gradient, relative_error


def test_quadratic_in_one_variable():
    grad = numerical_gradient(lambda w: float(w[0] ** 2 - 3 * w[0]), np.array([2.0]))
    np.testing.assert_allclose(grad, [1.0], atol=1e-8)  # d/dw (w^2 - 3w) = 2w - 3


def test_matrix_shaped_parameters_keep_their_shape():
    A = np.array([[1.0, 2.0], [0.5, -1.0]])
    w = np.array([[0.3, -0.7], [1.1, 0.2]])
    grad = numerical_gradient(lambda v: float(np.sum(A * v**2)), w)
    assert grad.shape == (2, 2)
    np.testing.assert_allclose(grad, 2 * A * w, atol=1e-8)


def test_the_point_is_not_modified():
    w = np.array([1.0, 2.0, 3.0])
    before = w.copy()
    numerical_gradient(lambda v: float(np.sum(np.sin(v))), w)
    np.testing.assert_array_equal(w, before)


def test_integer_points_are_promoted_to_float():
    grad = numerical_gradient(lambda v: float(np.sum(v**3)), np.array([1, 2]))
    np.testing.assert_allclose(grad, [3.0, 12.0], rtol=1e-8)


def test_centred_difference_error_shrinks_like_eps_squared():
    f = lambda v: float(np.exp(v[0]))  # noqa: E731
    errors = [abs(numerical_gradient(f, np.array([0.0]), eps=eps)[0] - 1.0) for eps in (1e-2, 1e-3)]
    assert errors[1] < errors[0] / 50  # exact ratio is 100 for an O(eps^2) error


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, array_shapes(min_dims=1, max_dims=3, max_side=4),
              elements=st.floats(-3, 3, allow_nan=False)))
def test_gradient_of_a_smooth_function_of_any_shape(w):
    f = lambda v: float(np.sum(np.sin(v) + 0.5 * v**2))  # noqa: E731
    grad = numerical_gradient(f, w)
    assert grad.shape == w.shape
    np.testing.assert_allclose(grad, np.cos(w) + w, atol=1e-7)


def test_relative_error_values():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert relative_error([1.0, 0.0], [-1.0, 0.0]) == pytest.approx(1.0)
    assert relative_error([3.0, 4.0], [3.0, 4.0 + 1e-6]) == pytest.approx(1e-6 / 10, rel=1e-6)


def test_bad_input():
    with pytest.raises(ValueError, match="same shape"):
        relative_error([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="a contains NaN"):
        relative_error([float("nan")], [1.0])
    with pytest.raises(ValueError, match="Invalid eps"):
        numerical_gradient(lambda v: 0.0, np.ones(2), eps=0.0)
    with pytest.raises(ValueError, match="w must not be empty"):
        numerical_gradient(lambda v: 0.0, np.ones(0))
    with pytest.raises(TypeError, match="f must be a function"):
        numerical_gradient(3.0, np.ones(2))
