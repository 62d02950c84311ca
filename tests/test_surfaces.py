"""Tests of nblib.surfaces: analytic gradients, minima, batched evaluation, and run()."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from nblib.gradcheck import numerical_gradient
from nblib.optim import SGD, Adam, Momentum
from nblib.surfaces import SURFACES, RunResult, run

NAMES = sorted(SURFACES)


@settings(max_examples=30, deadline=None)
@given(name=st.sampled_from(NAMES), u=st.floats(0, 1), v=st.floats(0, 1))
def test_gradients_match_centred_differences_inside_the_view(name, u, v):
    s = SURFACES[name]
    w = np.array([s.xlim[0] + u * (s.xlim[1] - s.xlim[0]), s.ylim[0] + v * (s.ylim[1] - s.ylim[0])])
    g = s.grad(w)
    assert g.shape == (2,)
    np.testing.assert_allclose(g, numerical_gradient(s.f, w), rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("name", NAMES)
def test_batched_evaluation_on_a_grid(name):
    s = SURFACES[name]
    X, Y = np.meshgrid(np.linspace(*s.xlim, 7), np.linspace(*s.ylim, 5))
    grid = np.stack([X, Y], axis=-1)
    assert s.f(grid).shape == (5, 7)
    assert s.grad(grid).shape == (5, 7, 2)
    assert s.f(grid)[3, 4] == s.f(grid[3, 4])
    np.testing.assert_array_equal(s.grad(grid)[3, 4], s.grad(grid[3, 4]))


@pytest.mark.parametrize("name, value", [("round_bowl", 0.0), ("elongated_bowl", 0.0), ("rosenbrock", 0.0),
                                         ("beale", 0.0), ("saddle", -1.0), ("bumpy", -1.0)])
def test_minimum_is_a_stationary_point_with_the_lowest_value_in_view(name, value):
    s = SURFACES[name]
    assert s.f(s.minimum) == pytest.approx(value, abs=1e-12)
    np.testing.assert_allclose(s.grad(s.minimum), [0.0, 0.0], atol=1e-12)
    X, Y = np.meshgrid(np.linspace(*s.xlim, 201), np.linspace(*s.ylim, 201))
    assert s.f(np.stack([X, Y], axis=-1)).min() >= value - 1e-12
    assert s.xlim[0] < s.start[0] < s.xlim[1] and s.ylim[0] < s.start[1] < s.ylim[1]


def test_elongated_bowl_has_condition_number_25():
    s = SURFACES["elongated_bowl"]
    hessian = np.array([numerical_gradient(lambda w: s.grad(w)[i], np.array([0.3, -0.2])) for i in range(2)])
    eigenvalues = np.linalg.eigvalsh((hessian + hessian.T) / 2)
    assert eigenvalues.max() / eigenvalues.min() == pytest.approx(25, rel=1e-6)


def test_saddle_point_at_the_origin():
    s = SURFACES["saddle"]
    np.testing.assert_array_equal(s.grad(np.zeros(2)), [0.0, 0.0])
    assert s.f(np.array([0.0, 0.1])) < s.f(np.zeros(2)) < s.f(np.array([0.1, 0.0]))
    # plain gradient descent started near the saddle barely leaves it; Adam escapes
    stalled = run(SGD(lr=0.01), s, steps=200).path[-1]
    escaped = run(Adam(lr=0.1), s, steps=200).path[-1]
    assert abs(stalled[1]) < 0.1 and abs(escaped[1]) > 1.0


def test_bumpy_has_several_local_minima():
    s = SURFACES["bumpy"]
    ends = set()
    for start in [(-3.5, 3.0), (3.0, 0.2), (0.3, -0.4), (-1.5, -1.6), (2.8, 3.1)]:
        end = run(SGD(lr=0.02), s, start=start, steps=3000).path[-1]
        np.testing.assert_allclose(s.grad(end), [0.0, 0.0], atol=1e-6)
        ends.add(tuple(np.round(end, 3)))
    assert len(ends) >= 4
    assert min(s.f(np.array(e)) for e in ends) == pytest.approx(-1.0, abs=1e-6)


def test_run_records_path_and_losses():
    s = SURFACES["round_bowl"]
    result = run(SGD(lr=0.1), s, start=[1.0, -2.0], steps=3)
    assert isinstance(result, RunResult) and not result.diverged
    np.testing.assert_allclose(result.path, [[1, -2], [0.8, -1.6], [0.64, -1.28], [0.512, -1.024]])
    np.testing.assert_allclose(result.losses, s.f(result.path))
    assert result.message == "ran 3 steps; final loss 1.311"


def test_run_stops_cleanly_on_divergence_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = run(SGD(lr=1.5), SURFACES["round_bowl"], steps=1000)
        huge = run(Momentum(lr=10.0), SURFACES["rosenbrock"], steps=1000)
    assert result.diverged and "diverged at step" in result.message
    assert len(result.path) < 1000 and np.all(np.isfinite(result.path))
    assert np.abs(result.path).max() <= 1e6
    assert huge.diverged and np.all(np.isfinite(huge.losses))


def test_run_with_a_gradient_function_and_repeatability():
    result = run(SGD(lr=0.25), lambda w: 2 * (w - 3), start=[0.0, 1.0], steps=20)
    assert result.losses is None
    np.testing.assert_allclose(result.path[-1], [3.0, 3.0], atol=1e-5)
    adam = Adam(lr=0.1)
    first, second = run(adam, SURFACES["beale"], steps=50), run(adam, SURFACES["beale"], steps=50)
    np.testing.assert_array_equal(first.path, second.path)  # run resets the optimizer


def test_run_checks_its_arguments():
    with pytest.raises(ValueError, match="start is required"):
        run(SGD(lr=0.1), lambda w: w)
    with pytest.raises(ValueError, match="start must be 1-D"):
        run(SGD(lr=0.1), SURFACES["beale"], start=[[1.0, 2.0]])
    with pytest.raises(ValueError, match="start contains NaN"):
        run(SGD(lr=0.1), SURFACES["beale"], start=[np.nan, 2.0])
    with pytest.raises(TypeError, match="surface must be a Surface or a gradient function"):
        run(SGD(lr=0.1), "beale")
    with pytest.raises(ValueError, match=r"w must have shape \(2,\) or \(..., 2\)"):
        SURFACES["beale"].f(np.zeros(3))
