"""Linear regression: known values, OLS against numpy.linalg.lstsq, gradients against finite differences."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nblib import linear
from nblib.data import seven_points
from nblib.gradcheck import numerical_gradient, relative_error

X7 = [2.4, 2.8, 3.2, 3.6, 4.0, 4.2, 5.0]
Y7 = [1.7, 1.85, 1.79, 1.95, 2.1, 2.0, 2.7]


def mse_by_loop(x, y, m, b):
    """An independent, deliberately plain MSE."""
    total = 0.0
    for xi, yi in zip(x, y):
        total += (yi - (m * xi + b)) ** 2
    return total / len(x)


def line_by_formula(x, y):
    """Least-squares line from the textbook formulas m = S_xy / S_xx, b = mean(y) - m mean(x)."""
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((xi - mx) * (yi - my) for xi, yi in zip(x, y))
    sxx = sum((xi - mx) ** 2 for xi in x)
    m = sxy / sxx
    return m, my - m * mx


def test_seven_points_match_the_data_module():
    x, y = seven_points()
    np.testing.assert_array_equal(x, X7)
    np.testing.assert_array_equal(y, Y7)


def test_ols_line_of_the_seven_points():
    m, b = linear.ols_line(X7, Y7)
    assert round(m, 4) == 0.3356
    assert round(b, 4) == 0.8047
    m_ref, b_ref = line_by_formula(X7, Y7)
    assert m == pytest.approx(m_ref, rel=1e-12)
    assert b == pytest.approx(b_ref, rel=1e-12)
    assert round(linear.mse_line(X7, Y7, m, b), 4) == 0.0181
    assert linear.mse_line(X7, Y7, m, b) == pytest.approx(mse_by_loop(X7, Y7, m, b), rel=1e-12)


def test_mse_of_other_lines():
    assert round(linear.mse_line(X7, Y7, -0.11, 2.5), 3) == 0.160
    assert linear.mse_line(X7, Y7, -0.11, 2.5) == pytest.approx(mse_by_loop(X7, Y7, -0.11, 2.5), rel=1e-12)
    # (0.5, 1.0) is far from the bottom of the bowl.
    assert linear.mse_line(X7, Y7, 0.5, 1.0) == pytest.approx(mse_by_loop(X7, Y7, 0.5, 1.0), rel=1e-12)
    assert linear.mse_line(X7, Y7, 0.5, 1.0) > 30 * linear.mse_line(X7, Y7, *linear.ols_line(X7, Y7))


def test_mse_line_on_a_grid_matches_the_loop():
    m = np.linspace(-2, 4, 5)
    b = np.linspace(-6, 8, 4)
    M, B = np.meshgrid(m, b)
    J = linear.mse_line(X7, Y7, M, B)
    assert J.shape == (4, 5)
    for i in range(4):
        for j in range(5):
            assert J[i, j] == pytest.approx(mse_by_loop(X7, Y7, M[i, j], B[i, j]), rel=1e-12)
    # Broadcasting a column of m against a row of b gives the same grid, transposed.
    np.testing.assert_allclose(linear.mse_line(X7, Y7, m[:, None], b[None, :]), J.T, rtol=1e-12)
    assert isinstance(linear.mse_line(X7, Y7, 0.3, 1.0), float)


def test_grid_minimum_is_near_ols():
    M, B = np.meshgrid(np.linspace(-2, 4, 601), np.linspace(-6, 8, 1401))
    J = linear.mse_line(X7, Y7, M, B)
    i = np.unravel_index(np.argmin(J), J.shape)
    m, b = linear.ols_line(X7, Y7)
    assert abs(M[i] - m) <= 0.01 and abs(B[i] - b) <= 0.04


def test_mse_grad_line_against_finite_differences():
    for m, b in [(0.5, 1.0), (-0.11, 2.5), (3.0, -4.0)]:
        analytic = np.array(linear.mse_grad_line(X7, Y7, m, b))
        numeric = numerical_gradient(lambda p: linear.mse_line(X7, Y7, p[0], p[1]), np.array([m, b]))
        assert relative_error(analytic, numeric) < 1e-8


def test_mse_grad_line_by_hand_and_on_grids():
    x, y = np.array([0.0, 1.0]), np.array([1.0, 3.0])
    # Residuals at m = b = 0 are y itself: dJ/dm = -(2/2)(0*1 + 1*3) = -3, dJ/db = -(1 + 3) = -4.
    assert linear.mse_grad_line(x, y, 0.0, 0.0) == (pytest.approx(-3.0), pytest.approx(-4.0))
    M, B = np.meshgrid([0.0, 1.0, 2.0], [0.0, 1.0])
    dM, dB = linear.mse_grad_line(x, y, M, B)
    assert dM.shape == dB.shape == (2, 3)
    assert linear.mse_grad_line(x, y, 2.0, 1.0) == (pytest.approx(0.0), pytest.approx(0.0))
    assert dM[1, 2] == pytest.approx(0.0) and dB[1, 2] == pytest.approx(0.0)


def test_bias_trick():
    X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    X1 = linear.add_bias_column(X)
    np.testing.assert_array_equal(X1, [[1, 1, 2], [1, 3, 4], [1, 5, 6]])
    W = np.array([0.5, 2.0, -1.0])
    np.testing.assert_allclose(linear.predict(X, W), 0.5 + X @ W[1:])
    x = np.array(X7)
    np.testing.assert_allclose(linear.predict(x[:, None], [0.8, 0.3]), linear.predict_line(x, 0.3, 0.8))


def test_mse_weights_matches_mse_line_for_one_input():
    x = np.array(X7)
    assert linear.mse_weights(x[:, None], Y7, [2.5, -0.11]) == pytest.approx(linear.mse_line(X7, Y7, -0.11, 2.5))


def test_mse_grad_weights_against_finite_differences():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(12, 3))
    y = rng.normal(size=12)
    W = rng.normal(size=4)
    numeric = numerical_gradient(lambda v: linear.mse_weights(X, y, v), W)
    assert relative_error(linear.mse_grad_weights(X, y, W), numeric) < 1e-8


def test_ols_against_lstsq_and_known_weights():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(50, 3))
    W_true = np.array([1.0, 2.0, -3.0, 0.5])
    y = W_true[0] + X @ W_true[1:]
    np.testing.assert_allclose(linear.ols(X, y), W_true, atol=1e-10)
    y_noisy = y + rng.normal(scale=0.1, size=50)
    A = np.column_stack([np.ones(50), X])
    expected, *_ = np.linalg.lstsq(A, y_noisy, rcond=None)
    np.testing.assert_allclose(linear.ols(X, y_noisy), expected, rtol=1e-10)
    # The normal equations hold at the solution.
    W = linear.ols(X, y_noisy)
    np.testing.assert_allclose(A.T @ A @ W, A.T @ y_noisy, rtol=1e-9)


def test_shifting_y_shifts_only_the_intercept():
    m, b = linear.ols_line(X7, Y7)
    m1, b1 = linear.ols_line(X7, np.array(Y7) + 1.0)
    assert m1 == pytest.approx(m) and b1 == pytest.approx(b + 1.0)


coordinate = st.floats(-10, 10, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.integers(3, 20).flatmap(lambda n: st.tuples(arrays(np.float64, n, elements=coordinate),
                                                        arrays(np.float64, n, elements=coordinate))))
def test_ols_gradient_vanishes_and_no_line_does_better(data):
    x, y = data
    assume(np.ptp(x) > 0.1)  # the x values must not all coincide
    m, b = linear.ols_line(x, y)
    dm, db = linear.mse_grad_line(x, y, m, b)
    scale = 1.0 + np.mean(np.abs(x * y)) + np.mean(y**2)
    assert abs(dm) < 1e-8 * scale and abs(db) < 1e-8 * scale
    J = linear.mse_line(x, y, m, b)
    assert J >= 0
    for dm_, db_ in [(0.01, 0), (-0.01, 0), (0, 0.01), (0, -0.01)]:
        assert linear.mse_line(x, y, m + dm_, b + db_) >= J - 1e-9 * scale


@settings(max_examples=40, deadline=None)
@given(st.integers(5, 30), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_ols_weights_have_zero_gradient(n, d, seed):
    assume(n > d + 1)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = rng.normal(size=n)
    W = linear.ols(X, y)
    assert np.max(np.abs(linear.mse_grad_weights(X, y, W))) < 1e-9


@pytest.mark.parametrize("call, error, message", [
    (lambda: linear.mse_line([1.0, 2.0], [1.0], 0.0, 0.0), ValueError, "x has 2, y has 1"),
    (lambda: linear.mse_line([1.0, float("nan")], [1.0, 2.0], 0.0, 0.0), ValueError, "x contains NaN"),
    (lambda: linear.mse_line([], [], 0.0, 0.0), ValueError, "x must not be empty"),
    (lambda: linear.mse_line([[1.0]], [1.0], 0.0, 0.0), ValueError, "x must be 1-D"),
    (lambda: linear.mse_line([1.0], [1.0], [0.0, 1.0], [0.0, 1.0, 2.0]), ValueError, "m and b must broadcast"),
    (lambda: linear.mse_line([1.0], [1.0], float("nan"), 0.0), ValueError, "m contains NaN"),
    (lambda: linear.mse_grad_line([1.0, 2.0], [1.0], 0.0, 0.0), ValueError, "x has 2, y has 1"),
    (lambda: linear.predict_line([1.0], [0.0, 1.0], 0.0), ValueError, "single slope"),
    (lambda: linear.add_bias_column([1.0, 2.0]), ValueError, r"X must be 2-D.*x\[:, None\]"),
    (lambda: linear.add_bias_column(np.ones((2, 2, 2))), ValueError, "X must be 2-D"),
    (lambda: linear.predict(np.ones((3, 2)), [1.0, 2.0]), ValueError, "W must have d \\+ 1 = 3 entries"),
    (lambda: linear.mse_grad_weights(np.ones((3, 2)), [1.0, 2.0], [0.0, 0.0, 0.0]), ValueError, "X has 3, y has 2"),
    (lambda: linear.ols(np.ones((3, 1)), [1.0, float("inf"), 2.0]), ValueError, "y contains NaN or infinity"),
    (lambda: linear.ols(np.ones((0, 1)), []), ValueError, "X must not be empty"),
    (lambda: linear.ols_line([1.0, 2.0, 3.0], [1.0, 2.0]), ValueError, "x has 3, y has 2"),
])
def test_bad_input_is_rejected(call, error, message):
    with pytest.raises(error, match=message):
        call()
