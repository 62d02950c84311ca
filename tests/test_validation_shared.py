"""Bad input to what several chapters share (nblib.polynomial, the polynomial task and digit splits
in nblib.data, linear.hessian_line, plots.regression.bowl_contour) is refused clearly.

Same driver as the other ``test_validation_*`` modules (see ``validation_harness``).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.figure import Figure

from nblib import data, linear, polynomial
from nblib.plots import regression
from validation_harness import (GENERATED, Entry, array, axes, cases, check_fixed, check_generated, count, covered,
                                function, number, values)

FIG = Figure()
AX = FIG.add_subplot()
X = np.linspace(-1.0, 1.0, 5)


def _entry(function_, valid, **bad):
    return Entry(f"{function_.__module__}.{function_.__qualname__}", function_, lambda: dict(valid), bad)


def _bowl(w):
    return w[..., 0] ** 2 + 10 * w[..., 1] ** 2 + 0.1


_WINDOW = (None, 3, "ab", (1.0,), (1.0, 2.0, 3.0), (2.0, 1.0), (0.0, np.nan), ("a", 1.0))

ENTRIES = [
    _entry(polynomial.powers, {"x": X, "degree": 2}, x=array("x", extra=[np.zeros((2, 2))]),
           degree=count("degree", minimum=0, maximum=polynomial.MAX_DEGREE)),
    _entry(polynomial.fit, {"x": X, "y": X, "degree": 2}, x=array("x", extra=[np.zeros((5, 2))]),
           y=array("y", extra=[np.zeros(4), np.zeros((5, 1))]),
           degree=count("degree", minimum=0, maximum=polynomial.MAX_DEGREE)),
    _entry(polynomial.mse, {"coef": np.ones(3), "x": X, "y": X}, coef=array("coef", extra=[np.zeros((2, 2))]),
           x=array("x", extra=[np.zeros(4)]), y=array("y", extra=[np.zeros(4), np.zeros((5, 1))])),
    _entry(data.polynomial_task_fresh, {"n": 5, "seed": 0}, n=count("n", maximum=data.MAX_EXAMPLES),
           seed=count("seed", minimum=0)),
    _entry(data.digit_splits, {}, val=number("val", low=0.0, high=1.0, extra=[0.9]),
           test=number("test", low=0.0, high=1.0, extra=[0.95]), seed=count("seed", minimum=0)),
    _entry(linear.hessian_line, {"x": X}, x=array("x", extra=[np.zeros((2, 2))])),
    _entry(regression.bowl_contour, {"ax": AX, "f": _bowl, "xlim": (-1.0, 1.0), "ylim": (-1.0, 1.0)},
           ax=axes(), f=function("f"), xlim=values(*_WINDOW, label="xlim"), ylim=values(*_WINDOW, label="ylim"),
           minimum=values(3, "ab", (1.0,), (np.nan, 0.0), label="minimum")),
    _entry(regression.draw_path, {"ax": AX, "path": np.zeros((3, 2)), "color": "#0072B2"}, ax=axes(),
           path=values(None, "path", 3.0, np.zeros(3), np.zeros((3, 3)), [["a", "b"]], label="path"),
           color=values(3, "not a colour", label="color"), label=values(3, ["a"], label="label"),
           markersize=number("markersize", low=0, high=100)),
]
COVERS = covered(ENTRIES)


@pytest.mark.parametrize("entry, argument", cases(ENTRIES))
def test_fixed_bad_values_are_refused(entry, argument):
    check_fixed(entry, argument)


@pytest.mark.parametrize("entry, argument", cases(ENTRIES))
@GENERATED
@given(data=st.data())
def test_generated_bad_values_are_refused(entry, argument, data):
    check_generated(entry, argument, data)


def test_the_shared_polynomial_task_is_chapter_sevens_eleven_points():
    x, y, coef = data.polynomial_task()
    assert np.array_equal(x, np.linspace(-1, 1, 11)) and np.array_equal(coef, [0.0, 1.0])
    assert polynomial.mse(polynomial.fit(x, y, 10), x, y) < 1e-20


def test_hessian_line_is_the_mse_curvature():
    x = np.array([2.4, 2.8, 3.2])
    assert np.allclose(linear.hessian_line(x), [[2 * np.mean(x ** 2), 2 * np.mean(x)], [2 * np.mean(x), 2.0]])
