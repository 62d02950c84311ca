"""nblib.curvature: Hessian-vector products, power iteration and Newton's step against exact answers."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nblib import curvature, linear
from nblib.data import seven_points
from nblib.nn import MLP
from nblib.surfaces import rosenbrock

x7, y7 = seven_points()


def seven_grad(w):
    return np.array(linear.mse_grad_line(x7, y7, w[0], w[1]))


SEVEN_HESSIAN = 2 * np.array([[np.mean(x7 ** 2), np.mean(x7)], [np.mean(x7), 1.0]])


def rosenbrock_hessian(w):
    """Rosenbrock's analytic Hessian at ``w = (x, y)``."""
    x, y = w
    return np.array([[2 - 400 * (y - x ** 2) + 800 * x ** 2, -400 * x], [-400 * x, 200.0]])


def random_spd(d, seed):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(d, d))
    return A @ A.T / d + 0.1 * np.eye(d)


# --- Hessian-vector products -------------------------------------------------------------------

def test_hvp_on_the_seven_points_bowl_is_the_exact_product():
    for v in (np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.array([0.3, -2.0])):
        got = curvature.hessian_vector_product(seven_grad, np.array([0.2, 1.1]), v)
        np.testing.assert_allclose(got, SEVEN_HESSIAN @ v, rtol=1e-8)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 8), st.integers(0, 10 ** 6))
def test_hvp_of_a_quadratic_is_exact_for_any_size_point_and_direction(d, seed):
    A = random_spd(d, seed)
    b = np.random.default_rng(seed + 1).normal(size=d)
    grad = lambda w: A @ w - b  # noqa: E731  the gradient of w.Aw/2 - b.w
    rng = np.random.default_rng(seed + 2)
    w, v = rng.normal(size=d), rng.normal(size=d) * 10.0 ** rng.uniform(-3, 3)
    got = curvature.hessian_vector_product(grad, w, v)
    np.testing.assert_allclose(got, A @ v, rtol=1e-6, atol=1e-9 * np.linalg.norm(A @ v))


@pytest.mark.parametrize("point", [[-1.2, 1.0], [1.0, 1.0], [0.3, -0.5]])
def test_hvp_on_rosenbrock_against_its_analytic_hessian(point):
    w = np.array(point)
    for v in np.eye(2).tolist() + [[0.6, -0.8]]:
        got = curvature.hessian_vector_product(rosenbrock.grad, w, np.array(v), eps=1e-5)
        np.testing.assert_allclose(got, rosenbrock_hessian(w) @ v, rtol=1e-6, atol=1e-6)


def test_hvp_error_shrinks_like_eps_squared():
    w, v = np.array([0.3, -0.5]), np.array([1.0, 0.0])
    want = rosenbrock_hessian(w) @ v
    errors = [np.linalg.norm(curvature.hessian_vector_product(rosenbrock.grad, w, v, eps) - want)
              for eps in (1e-1, 1e-2)]
    assert errors[1] < errors[0] / 50  # exactly 100 for an error proportional to eps**2


def tiny_network():
    """A 3-4-2 tanh network on five examples: its loss as a function of flat parameters, and its gradient."""
    rng = np.random.default_rng(3)
    X, Y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    net = MLP([3, 4, 2], activation="tanh", seed=1)
    shapes = [p.shape for p in net.params]

    def unflat(w):
        arrays, start = [], 0
        for shape in shapes:
            size = int(np.prod(shape))
            arrays.append(w[start:start + size].reshape(shape))
            start += size
        return arrays

    def loss(w):
        net.set_params(unflat(w))
        return float(net.loss(X, Y, "mse"))

    def grad(w):
        net.set_params(unflat(w))
        return np.concatenate([g.ravel() for g in net.loss_and_grads(X, Y, "mse")[1]])

    w0 = np.concatenate([p.ravel() for p in net.params])
    return loss, grad, w0


def second_differences(loss, w, h=1e-4):
    """The Hessian from the loss alone: ``(J(w+h ei+h ej) - J(w+h ei-h ej) - J(w-h ei+h ej) + J(w-h ei-h ej)) / 4h^2``."""
    d = w.size
    H = np.empty((d, d))
    E = np.eye(d) * h
    for i in range(d):
        for j in range(i, d):
            H[i, j] = H[j, i] = (loss(w + E[i] + E[j]) - loss(w + E[i] - E[j]) - loss(w - E[i] + E[j])
                                 + loss(w - E[i] - E[j])) / (4 * h * h)
    return H


def test_hvp_on_a_tiny_network_against_second_differences_of_its_loss():
    loss, grad, w0 = tiny_network()
    exact = second_differences(loss, w0)
    v = np.random.default_rng(0).normal(size=w0.size)
    np.testing.assert_allclose(curvature.hessian_vector_product(grad, w0, v), exact @ v, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(curvature.hessian(grad, w0), exact, atol=1e-6)


def test_zero_direction_gives_zeros_without_calling_grad():
    def grad(w):
        raise AssertionError("grad must not be called for v = 0")
    assert np.array_equal(curvature.hessian_vector_product(grad, np.ones(3), np.zeros(3)), np.zeros(3))


def test_hessian_is_symmetric_and_exact_on_a_quadratic():
    A = random_spd(6, 1)
    H = curvature.hessian(lambda w: A @ w, np.zeros(6))
    np.testing.assert_allclose(H, A, atol=1e-8)
    assert np.array_equal(H, H.T)


# --- Power iteration ----------------------------------------------------------------------------

@settings(max_examples=30, deadline=None)
@given(st.integers(2, 12), st.integers(0, 10 ** 6))
def test_power_iteration_finds_the_largest_eigenvalue_of_any_spd_matrix(d, seed):
    A = random_spd(d, seed)
    values = np.linalg.eigvalsh(A)
    if values[-1] - values[-2] < 0.05 * values[-1]:
        return  # too close to tell apart in a few hundred steps; tested separately below
    result = curvature.power_iteration(lambda v: A @ v, np.ones(d) + np.arange(d), iterations=2000, tol=1e-12)
    assert result.value == pytest.approx(values[-1], rel=1e-6)
    eigenvector = np.linalg.eigh(A)[1][:, -1]
    assert abs(result.vector @ eigenvector) == pytest.approx(1.0, abs=1e-4)


def test_power_iteration_rate_is_the_ratio_of_the_two_largest():
    A = np.diag([2.0, 1.0, 0.5])
    v0 = np.ones(3)
    result = curvature.power_iteration(lambda v: A @ v, v0, iterations=10, tol=0.0)
    # after k products the second component is (1/2)**k of the first
    assert result.iterations == 10
    assert abs(result.vector[1] / result.vector[0]) == pytest.approx(0.5 ** 10)


def test_largest_eigenvalue_of_the_seven_points_bowl():
    result = curvature.largest_eigenvalue(seven_grad, np.zeros(2), iterations=200, tol=1e-12)
    assert result.value == pytest.approx(np.linalg.eigvalsh(SEVEN_HESSIAN)[-1], rel=1e-8)
    assert result.converged


def test_largest_eigenvalue_of_rosenbrock_at_its_minimum():
    w = np.array([1.0, 1.0])
    result = curvature.largest_eigenvalue(rosenbrock.grad, w, iterations=500, tol=1e-12)
    assert result.value == pytest.approx(np.linalg.eigvalsh(rosenbrock_hessian(w))[-1], rel=1e-6)


def test_largest_eigenvalue_of_a_tiny_network_against_eigvalsh():
    loss, grad, w0 = tiny_network()
    values = np.linalg.eigvalsh(second_differences(loss, w0))
    result = curvature.largest_eigenvalue(grad, w0, iterations=3000, tol=1e-12)
    target = values[np.argmax(np.abs(values))]
    assert result.value == pytest.approx(target, rel=1e-4)


def test_power_iteration_is_deterministic_with_a_seed():
    a = curvature.largest_eigenvalue(seven_grad, np.zeros(2), iterations=5, seed=3)
    b = curvature.largest_eigenvalue(seven_grad, np.zeros(2), iterations=5, seed=3)
    assert a.value == b.value and np.array_equal(a.vector, b.vector)


# --- Newton ------------------------------------------------------------------------------------

def test_one_newton_step_reaches_the_least_squares_line():
    start = np.array([-1.0, 5.0])
    w = start + curvature.newton_step(seven_grad(start), SEVEN_HESSIAN)
    m, b = np.polyfit(x7, y7, 1)
    np.testing.assert_allclose(w, [m, b], atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 10), st.integers(0, 10 ** 6))
def test_newton_step_minimizes_any_positive_definite_quadratic_in_one_step(d, seed):
    A = random_spd(d, seed)
    b = np.random.default_rng(seed).normal(size=d)
    w = np.random.default_rng(seed + 1).normal(size=d)
    step = curvature.newton_step(A @ w - b, A)
    np.testing.assert_allclose(A @ (w + step) - b, 0, atol=1e-8 * (1 + np.abs(b).max()) * np.linalg.cond(A))


def test_newton_cost_of_the_784_15_10_network():
    cost = curvature.newton_cost(11935)
    assert cost["memory"] == 11935 ** 2 * 8 and cost["gradients"] == 11935
    assert cost["solve_flops"] == pytest.approx(2 / 3 * 11935 ** 3)
    assert curvature.newton_cost(10, bytes_per_number=4)["memory"] == 400


# --- Bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, words", [
    (lambda: curvature.hessian_vector_product("grad", np.zeros(2), np.ones(2)), TypeError, "grad"),
    (lambda: curvature.hessian_vector_product(seven_grad, np.zeros(2), np.ones(3)), ValueError, "v must have"),
    (lambda: curvature.hessian_vector_product(seven_grad, np.zeros((2, 2)), np.ones(2)), ValueError, "w must be 1-D"),
    (lambda: curvature.hessian_vector_product(seven_grad, [np.nan, 0], np.ones(2)), ValueError, "w contains NaN"),
    (lambda: curvature.hessian_vector_product(seven_grad, np.zeros(2), np.ones(2), eps=0), ValueError, "eps"),
    (lambda: curvature.hessian_vector_product(seven_grad, np.zeros(2), np.ones(2), eps="1"), TypeError, "eps"),
    (lambda: curvature.hessian_vector_product(lambda w: np.ones(3), np.zeros(2), np.ones(2)), ValueError,
     "grad(w) must return shape (2,)"),
    (lambda: curvature.hessian(seven_grad, np.zeros(5000)), ValueError, "at most"),
    (lambda: curvature.power_iteration(lambda v: v, np.zeros(3)), ValueError, "v0 must not be the zero"),
    (lambda: curvature.power_iteration(lambda v: v, np.ones(3), iterations=0), ValueError, "iterations"),
    (lambda: curvature.power_iteration(lambda v: v, np.ones(3), iterations=2.5), TypeError, "iterations"),
    (lambda: curvature.power_iteration(None, np.ones(3)), TypeError, "matvec"),
    (lambda: curvature.power_iteration(lambda v: v[:2], np.ones(3)), ValueError, "matvec(v) must return shape"),
    (lambda: curvature.largest_eigenvalue(seven_grad, np.zeros(2), v0=np.ones(3)), ValueError, "v0 must have"),
    (lambda: curvature.largest_eigenvalue(seven_grad, np.zeros(2), seed=-1), ValueError, "seed"),
    (lambda: curvature.newton_step(np.ones(2), np.ones((3, 3))), ValueError, "H must have shape (2, 2)"),
    (lambda: curvature.newton_step(np.ones(2), np.zeros((2, 2))), ValueError, "singular"),
    (lambda: curvature.newton_step("g", np.eye(2)), TypeError, "g must"),
    (lambda: curvature.newton_cost(0), ValueError, "d"),
    (lambda: curvature.newton_cost(1.5), TypeError, "d must be an integer"),
])
def test_bad_input_raises_a_clear_error(call, error, words):
    with pytest.raises(error, match=None) as info:
        call()
    assert words in str(info.value), str(info.value)
