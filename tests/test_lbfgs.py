"""nblib.lbfgs: the two-loop recursion against the BFGS matrix it stands for, and the minimizer
against scipy.optimize.minimize(method="L-BFGS-B") on the same problems."""

import numpy as np
import pytest
import scipy.optimize
from hypothesis import given, settings
from hypothesis import strategies as st

from nblib import lbfgs, linear
from nblib.data import seven_points
from nblib.nn import MLP
from nblib.surfaces import rosenbrock

x7, y7 = seven_points()


def rosenbrock_fun(w):
    return float(rosenbrock.f(w)), rosenbrock.grad(w)


def seven_fun(w):
    return float(linear.mse_line(x7, y7, w[0], w[1])), np.array(linear.mse_grad_line(x7, y7, w[0], w[1]))


def network_fun():
    """The cross-entropy plus an L2 penalty of a 64-8-10 tanh network on 100 digits, of flat parameters."""
    from nblib.data import digits
    X, y = digits()
    X, y = X[:100], y[:100]
    net = MLP([64, 8, 10], activation="tanh", seed=0)
    shapes = [p.shape for p in net.params]

    def fun(w):
        arrays, start = [], 0
        for shape in shapes:
            size = int(np.prod(shape))
            arrays.append(w[start:start + size].reshape(shape))
            start += size
        net.set_params(arrays)
        J, grads = net.loss_and_grads(X, y, "cross_entropy", l2=1e-2)
        return float(J), np.concatenate([g.ravel() for g in grads])

    return fun, np.concatenate([p.ravel() for p in net.params])


def scipy_run(fun, w0):
    return scipy.optimize.minimize(fun, w0, jac=True, method="L-BFGS-B", options=dict(maxcor=10, maxiter=500))


def bfgs_inverse(pairs, d):
    """The BFGS inverse-Hessian estimate built from the pairs, oldest first, starting from gamma I."""
    s, y = pairs[-1]
    B = (s @ y) / (y @ y) * np.eye(d)
    for s, y in pairs:
        rho = 1 / (y @ s)
        V = np.eye(d) - rho * np.outer(y, s)
        B = V.T @ B @ V + rho * np.outer(s, s)
    return B


# --- The two-loop recursion ---------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(st.integers(1, 8), st.integers(1, 6), st.integers(0, 10 ** 6))
def test_two_loop_equals_the_bfgs_matrix_of_its_pairs(d, m, seed):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(d, d))
    A = A @ A.T + 0.5 * np.eye(d)  # pairs from a positive definite quadratic: y = A s, y.s > 0
    pairs = [(s, A @ s) for s in rng.normal(size=(m, d))]
    g = rng.normal(size=d)
    direction = lbfgs.two_loop(g, [s for s, _ in pairs], [y for _, y in pairs])
    np.testing.assert_allclose(direction, -bfgs_inverse(pairs, d) @ g, rtol=1e-7, atol=1e-9)


def test_two_loop_satisfies_the_secant_condition_of_the_newest_pair():
    rng = np.random.default_rng(0)
    A = np.diag([1.0, 4.0, 9.0])
    s_list = list(rng.normal(size=(3, 3)))
    y_list = [A @ s for s in s_list]
    # the estimate maps the newest y back to its s: -direction(y_k) = s_k
    np.testing.assert_allclose(-lbfgs.two_loop(y_list[-1], s_list, y_list), s_list[-1], rtol=1e-10)
    # with d mutually conjugate steps (here the axes of a diagonal A) it is the exact inverse Hessian
    s_list = [2.0 * e for e in np.eye(3)]
    y_list = [A @ s for s in s_list]
    np.testing.assert_allclose(-lbfgs.two_loop(np.ones(3), s_list, y_list), np.linalg.solve(A, np.ones(3)),
                               rtol=1e-10)


def test_two_loop_without_pairs_is_steepest_descent():
    assert np.array_equal(lbfgs.two_loop(np.array([1.0, -2.0]), [], []), [-1.0, 2.0])


# --- The line search ----------------------------------------------------------------------------

@pytest.mark.parametrize("start", [1e-3, 1.0, 50.0])
def test_wolfe_search_satisfies_the_strong_wolfe_conditions(start):
    phi = lambda a: ((a - 3.0) ** 2 + 0.1 * np.sin(5 * a), 2 * (a - 3.0) + 0.5 * np.cos(5 * a))  # noqa: E731
    f0, slope0 = phi(0.0)
    step, f, slope, evals = lbfgs.wolfe_search(phi, f0, slope0, step=start)
    assert step > 0 and evals <= 30
    assert f <= f0 + 1e-4 * step * slope0
    assert abs(slope) <= 0.9 * abs(slope0)


def test_wolfe_search_survives_an_overflowing_trial():
    phi = lambda a: (np.inf, np.nan) if a > 2 else ((a - 1) ** 2, 2 * (a - 1))  # noqa: E731
    step, f, _, _ = lbfgs.wolfe_search(phi, 1.0, -2.0, step=16.0)
    assert 0 < step <= 2 and f < 1.0


# --- The minimizer against scipy ----------------------------------------------------------------

def test_rosenbrock_matches_scipy():
    ours, theirs = lbfgs.minimize(rosenbrock_fun, rosenbrock.start), scipy_run(rosenbrock_fun, rosenbrock.start)
    assert ours.converged and theirs.success
    np.testing.assert_allclose(ours.w, [1, 1], atol=1e-5)
    np.testing.assert_allclose(ours.w, theirs.x, atol=1e-5)
    assert ours.loss < 1e-10 and theirs.fun < 1e-10
    assert abs(ours.iterations - theirs.nit) <= 0.2 * theirs.nit + 2
    assert ours.evaluations <= 1.5 * theirs.nfev
    assert len(ours.path) == ours.iterations + 1 and len(ours.losses) == ours.iterations + 1


def test_rosenbrock_paths_start_the_same_as_scipys():
    path = [np.array(rosenbrock.start, dtype=float)]
    scipy.optimize.minimize(rosenbrock_fun, rosenbrock.start, jac=True, method="L-BFGS-B",
                            callback=lambda w: path.append(w.copy()), options=dict(maxcor=10))
    ours = lbfgs.minimize(rosenbrock_fun, rosenbrock.start)
    # both take the same first steps along the valley: within 0.1 for the first five iterates
    np.testing.assert_allclose(ours.path[:5], np.array(path)[:5], atol=0.1)


def test_seven_points_in_three_iterations_like_scipy():
    ours, theirs = lbfgs.minimize(seven_fun, [-1.0, 5.0]), scipy_run(seven_fun, np.array([-1.0, 5.0]))
    m, b = np.polyfit(x7, y7, 1)
    np.testing.assert_allclose(ours.w, [m, b], atol=1e-6)
    np.testing.assert_allclose(ours.w, theirs.x, atol=1e-6)
    assert ours.iterations == theirs.nit == 3
    assert ours.loss == pytest.approx(theirs.fun, rel=1e-10)


def test_a_small_network_matches_scipy():
    fun, w0 = network_fun()
    ours, theirs = lbfgs.minimize(fun, w0, max_iter=500), scipy_run(fun, w0)
    assert ours.converged and theirs.success
    assert ours.loss == pytest.approx(theirs.fun, rel=2e-2)
    assert 0.5 * theirs.nit <= ours.iterations <= 2 * theirs.nit
    assert np.max(np.abs(ours.grad)) < 1e-3


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 30), st.integers(0, 10 ** 6))
def test_quadratics_of_any_size_reach_the_solution_like_scipy(d, seed):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(d, d))
    A = A @ A.T / d + 0.1 * np.eye(d)
    b = rng.normal(size=d)
    fun = lambda w: (0.5 * w @ A @ w - b @ w, A @ w - b)  # noqa: E731
    ours, theirs = lbfgs.minimize(fun, np.zeros(d)), scipy_run(fun, np.zeros(d))
    lowest = -0.5 * b @ np.linalg.solve(A, b)
    # both stop under the same rule (a relative decrease below ftol), close to the exact minimum
    for loss in (ours.loss, theirs.fun):
        assert loss - lowest <= 1e-6 * (1 + abs(lowest))
    assert ours.iterations <= 2 * theirs.nit + 5


def test_memory_one_still_converges_and_the_path_is_monotone():
    result = lbfgs.minimize(rosenbrock_fun, rosenbrock.start, memory=1, max_iter=2000)
    assert result.loss < 1e-8
    assert np.all(np.diff(result.losses) <= 0)


def test_budgets_stop_the_run():
    result = lbfgs.minimize(rosenbrock_fun, rosenbrock.start, max_iter=5)
    assert result.iterations == 5 and not result.converged and "max_iter" in result.message
    result = lbfgs.minimize(rosenbrock_fun, rosenbrock.start, max_evals=10, gtol=0, ftol=0)
    assert result.evaluations <= 10
    assert lbfgs.minimize(rosenbrock_fun, rosenbrock.start, max_iter=0).iterations == 0


def test_the_start_is_not_modified_and_runs_repeat():
    w0 = np.array([-1.2, 1.0])
    a, b = lbfgs.minimize(rosenbrock_fun, w0), lbfgs.minimize(rosenbrock_fun, w0)
    assert np.array_equal(w0, [-1.2, 1.0]) and np.array_equal(a.path, b.path)


@pytest.mark.parametrize("call, error, words", [
    (lambda: lbfgs.minimize("f", [0.0]), TypeError, "fun"),
    (lambda: lbfgs.minimize(seven_fun, [[0.0, 1.0]]), ValueError, "w0 must be 1-D"),
    (lambda: lbfgs.minimize(seven_fun, [0.0, np.inf]), ValueError, "w0 contains NaN"),
    (lambda: lbfgs.minimize(seven_fun, [0.0, 1.0], memory=0), ValueError, "memory"),
    (lambda: lbfgs.minimize(seven_fun, [0.0, 1.0], max_iter=-1), ValueError, "max_iter"),
    (lambda: lbfgs.minimize(seven_fun, [0.0, 1.0], gtol=-1.0), ValueError, "gtol"),
    (lambda: lbfgs.minimize(seven_fun, [0.0, 1.0], ftol="0"), TypeError, "ftol"),
    (lambda: lbfgs.minimize(lambda w: (0.0, np.ones(3)), [0.0, 1.0]), ValueError, "gradient of shape (2,)"),
    (lambda: lbfgs.minimize(lambda w: (np.nan, np.ones(2)), [0.0, 1.0]), ValueError, "finite loss"),
    (lambda: lbfgs.two_loop(np.ones(2), [np.ones(2)], []), ValueError, "same length"),
])
def test_bad_input_raises_a_clear_error(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value), str(info.value)
