"""Bad input to nblib.losses, nblib.linear and nblib.gradcheck is refused clearly.

Same driver as the other ``test_validation_*`` modules (see ``validation_harness``):
one argument at a time takes every catalogued bad value and a few generated
ones, and must raise a ValueError or TypeError naming it, quickly, without a
warning. Inputs that are valid but extreme (``1e200``) must give a clear error
or a finite answer, never a warning.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nblib import gradcheck, linear, losses
from validation_harness import (GENERATED, Entry, answered, array, cases, check_fixed, check_generated, covered,
                                function, number, values)


def _entry(function_, valid, **bad):
    return Entry(f"{function_.__module__}.{function_.__qualname__}", function_, lambda: dict(valid), bad)


_VECTOR_SHAPES = [[[1.0, 2.0, 3.0]], 1.0, [1.0, 2.0]]  # 2-D, a number, the wrong length
_PAIR = {"y": [1.0, 2.0, 3.0], "y_hat": [1.5, 2.0, 2.5]}
_PROBABILITIES = {"y": [0.0, 1.0, 1.0], "y_hat": [0.2, 0.7, 0.9]}

LOSSES = [
    _entry(fn, _PAIR, y=array("y", extra=_VECTOR_SHAPES), y_hat=array("y_hat", extra=_VECTOR_SHAPES))
    for fn in (losses.mean_error, losses.mean_error_grad, losses.mean_absolute_error,
               losses.mean_absolute_error_grad, losses.mean_squared_error, losses.mean_squared_error_grad)
] + [
    _entry(fn, _PROBABILITIES, y=array("y", extra=_VECTOR_SHAPES + [[0.0, 2.0, 1.0], [-0.5, 1.0, 1.0]]),
           y_hat=array("y_hat", extra=_VECTOR_SHAPES + [[0.0, 1.5, 1.0], [-1e-9, 1.0, 1.0]]),
           eps=number("eps", low=0.0, high=0.5, low_inclusive=False, high_inclusive=False))
    for fn in (losses.binary_cross_entropy, losses.binary_cross_entropy_grad)
]

_LINE = {"x": [1.0, 2.0, 3.0], "y": [2.0, 2.5, 3.5], "m": 0.5, "b": 1.0}
_GRID_SHAPES = [np.zeros((2, 3)), np.ones((3, 4))]  # m of shape (2, 3) against b of shape (3, 4)
_X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
_DESIGN = [[1.0, 2.0, 3.0], np.zeros((3, 2, 1)), 5.0]
LINEAR = [
    _entry(linear.predict_line, {"x": [1.0, 2.0], "m": 0.5, "b": 1.0},
           x=array("x"), m=number("m", extra=[[1.0, 2.0]]), b=number("b", extra=[[1.0, 2.0]])),
    _entry(linear.residuals_line, _LINE, x=array("x", extra=_VECTOR_SHAPES), y=array("y", extra=_VECTOR_SHAPES),
           m=number("m"), b=number("b")),
    _entry(linear.mse_line, dict(_LINE, m=np.zeros((2, 3))), x=array("x", extra=_VECTOR_SHAPES),
           y=array("y", extra=_VECTOR_SHAPES),
           m=array("m", extra=[np.zeros((3000, 3000))]), b=array("b", extra=[np.zeros((3, 4))])),
    _entry(linear.mse_grad_line, dict(_LINE, m=np.zeros((2, 3))), x=array("x", extra=_VECTOR_SHAPES),
           y=array("y", extra=_VECTOR_SHAPES), m=array("m"), b=array("b", extra=[np.zeros((3, 4))])),
    _entry(linear.add_bias_column, {"X": _X}, X=array("X", extra=_DESIGN)),
    _entry(linear.predict, {"X": _X, "W": [1.0, 2.0, 3.0]}, X=array("X", extra=_DESIGN),
           W=array("W", extra=[[1.0, 2.0], [[1.0, 2.0, 3.0]]])),
    _entry(linear.mse_weights, {"X": _X, "y": [1.0, 2.0, 3.0], "W": [1.0, 2.0, 3.0]},
           X=array("X", extra=_DESIGN), y=array("y", extra=_VECTOR_SHAPES), W=array("W", extra=[[1.0]])),
    _entry(linear.mse_grad_weights, {"X": _X, "y": [1.0, 2.0, 3.0], "W": [1.0, 2.0, 3.0]},
           X=array("X", extra=_DESIGN), y=array("y", extra=_VECTOR_SHAPES), W=array("W", extra=[[1.0]])),
    _entry(linear.ols, {"X": _X, "y": [1.0, 2.0, 3.0]}, X=array("X", extra=_DESIGN),
           y=array("y", extra=_VECTOR_SHAPES)),
    _entry(linear.ols_line, {"x": [1.0, 2.0, 3.0], "y": [1.0, 2.0, 4.0]}, x=array("x", extra=_VECTOR_SHAPES),
           y=array("y", extra=_VECTOR_SHAPES)),
]


def _square(w):
    return float(np.sum(w ** 2))


GRADCHECK = [
    _entry(gradcheck.numerical_gradient, {"f": _square, "w": [1.0, 2.0]},
           f=function("f"), w=array("w", extra=[np.zeros(10 ** 6 + 1)]),
           eps=number("eps", low=0.0, high=1e100, low_inclusive=False)),
    Entry("nblib.gradcheck.numerical_gradient", gradcheck.numerical_gradient,
          lambda: {"f": _square, "w": [1.0, 2.0]},
          {"f": values(lambda w: "text", lambda w: np.nan, lambda w: w, lambda w: None, lambda w: 1j,
                       label="f(w)")}),
    _entry(gradcheck.relative_error, {"a": [1.0, 2.0], "b": [1.0, 2.5]},
           a=array("a", extra=[[1.0, 2.0, 3.0], [[1.0, 2.0]]]), b=array("b", extra=[[1.0]])),
]

ENTRIES = LOSSES + LINEAR + GRADCHECK
COVERS = covered(ENTRIES)


@pytest.mark.parametrize("entry, argument", cases(ENTRIES))
def test_fixed_bad_values_are_refused(entry, argument):
    check_fixed(entry, argument)


@pytest.mark.parametrize("entry, argument", cases(ENTRIES))
@GENERATED
@given(data=st.data())
def test_generated_bad_values_are_refused(entry, argument, data):
    check_generated(entry, argument, data)


# --- Valid but extreme input: a clear error or a finite answer, never a warning --------------------

_extreme = arrays(np.float64, 3, elements=st.sampled_from([1e308, -1e308, 1e200, -1e-320, 5e-324, 0.0, -0.0, 1.0]))


@settings(max_examples=30, deadline=None, derandomize=True)
@given(y=_extreme, y_hat=_extreme, which=st.sampled_from(LOSSES[:6] + LINEAR[-1:]))
def test_extreme_finite_values_give_an_answer_or_a_clear_error(y, y_hat, which):
    first, second = list(which.valid())[:2]
    result = answered(lambda: which.call(**{first: y, second: y_hat}))
    if result is not None:
        assert np.all(np.isfinite(result))


@settings(max_examples=30, deadline=None, derandomize=True)
@given(m=st.sampled_from([1e308, -1e200, 1e-320, 0.0]), b=st.sampled_from([1e308, -1e308, 0.0]))
def test_extreme_lines_give_an_answer_or_a_clear_error(m, b):
    for function_ in (linear.mse_line, linear.mse_grad_line, linear.residuals_line):
        result = answered(lambda: function_([1e300, -2.0, 3.0], [1.0, 2.0, 3.0], m, b))
        if result is not None:
            assert np.all(np.isfinite(result))


def test_float32_cross_entropy_is_finite_at_certain_predictions():
    """In float32, 1 - 1e-12 rounds to 1, so the clip uses float32's own epsilon."""
    y = np.array([0.0, 1.0, 1.0])
    p = np.array([0.0, 1.0, 1.0], dtype=np.float32)
    loss = losses.binary_cross_entropy(y, p)
    eps = float(np.finfo(np.float32).eps)
    assert loss == pytest.approx(eps, rel=1e-2)  # each example costs -log(1 - eps), about eps
    grad = losses.binary_cross_entropy_grad(y, p)
    assert np.all(np.isfinite(grad))
    assert grad[0] > 0 > grad[1]


def test_numerical_gradient_refuses_a_function_returning_no_number():
    with pytest.raises(TypeError, match="the value f\\(w\\) returned must be a real number, got 'text'"):
        gradcheck.numerical_gradient(lambda w: "text", [1.0])
