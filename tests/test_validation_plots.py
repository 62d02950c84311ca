"""Bad input to the figure helpers (nblib.plots.*) is refused clearly, before anything is drawn.

Same driver as the other ``test_validation_*`` modules (see ``validation_harness``):
one argument at a time takes every catalogued bad value and a few generated
ones, and must raise a ValueError or TypeError naming it, quickly, without a
warning.
"""

from matplotlib.figure import Figure
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nblib.plots import network, regression, sampling
from validation_harness import (GENERATED, Entry, array, axes, cases, check_fixed, check_generated, count, covered,
                                flag, number, text, values)

FIG = Figure()  # not registered with pyplot: no test sees it as an open figure
AX = FIG.add_subplot(1, 2, 1)
AX3 = FIG.add_subplot(1, 2, 2, projection="3d")
X = np.array([1.0, 2.0, 3.0])
Y = np.array([2.0, 2.5, 3.5])
M, B = np.meshgrid(np.linspace(-1, 1, 4), np.linspace(-1, 1, 3))
J = M ** 2 + B ** 2 + 0.1


def _entry(function_, valid, **bad):
    return Entry(f"{function_.__module__}.{function_.__qualname__}", function_, lambda: dict(valid), bad)


_SIZES = values(None, 5, "453", [4], [4, 0, 3], [4, 2.5, 3], [4, None], label="sizes")
_HIGHLIGHT = values(None, 5, "ab", (0,), (0, 1, 2), (-1, 0), (4, 0), (0, 5), (0.5, 0), (True, 0), ("0", 1),
                    label="highlight")
NETWORK = [
    _entry(network.downstream, {"sizes": [4, 5, 3], "highlight": (0, 1)},
           sizes=values(*_SIZES.values, [4, 5, 10 ** 7], label="sizes"), highlight=_HIGHLIGHT),
    _entry(network.downstream_connections, {"sizes": [4, 5, 3], "highlight": (0, 1)},
           sizes=values(*_SIZES.values, [4, 5, 10 ** 4, 10 ** 4], label="sizes"), highlight=_HIGHLIGHT),
    _entry(network.network_diagram, {"sizes": [4, 5, 3], "ax": AX},
           sizes=_SIZES, highlight=values(*_HIGHLIGHT.values[1:], label="highlight"), ax=axes(extra=[AX3]),
           max_neurons=count("max_neurons", minimum=3, maximum=100),
           labels=values(5, "abc", ["a", "b"], ["a", "b", 3], label="labels")),
]

_VECTOR = [[[1.0, 2.0, 3.0]], 1.0, [1.0, 2.0]]
_GRID = [np.zeros((3, 3)), np.zeros(12), np.zeros((3, 4, 1))]
_LABELS_2 = values(None, "x", ("x",), ("x", "y", "z"), ("x", 3), label="labels")
_COLOUR = values(3, "not a colour", [1, 2], label="color")
_CMAP = values(3, "no such map", ["viridis"], label="cmap")


def _line_artists():
    return regression.scatter_with_residuals(X, Y, 0.5, 1.0, ax=AX)


REGRESSION = [
    _entry(regression.scatter_with_residuals, {"x": X, "y": Y, "m": 0.5, "b": 1.0, "ax": AX},
           x=array("x", extra=_VECTOR), y=array("y", extra=_VECTOR), m=number("m", extra=[1e308]),
           b=number("b"), ax=axes(extra=[AX3]), line_x=array("line_x", extra=[[[0.0, 1.0]]], optional=True),
           residuals=flag("residuals"), color=_COLOUR, label=text("label", allow_none=True),
           data_label=text("data_label", allow_none=True), labels=_LABELS_2),
    _entry(regression.line_label, {"m": 0.5, "b": 1.0}, m=number("m"), b=number("b"),
           digits=count("digits", maximum=17)),
    Entry("nblib.plots.regression.move_line", regression.move_line,
          lambda: {"artists": _line_artists(), "x": X, "y": Y, "m": 0.5, "b": 1.0},
          {"artists": values(None, 5, {}, {"line": 3}, [1], label="artists"), "x": array("x", extra=_VECTOR),
           "y": array("y", extra=_VECTOR), "m": number("m", extra=[1e308]), "b": number("b")}),
    _entry(regression.log_levels, {"J": J}, J=array("J", extra=[np.zeros((2, 2)), -J, np.ones((2, 2))]),
           num=count("num", minimum=2, maximum=1000)),
    _entry(regression.loss_surface_3d, {"M": M, "B": B, "J": J, "ax": AX3},
           M=array("M", extra=_GRID), B=array("B", extra=_GRID), J=array("J", extra=_GRID),
           ax=axes(extra=[AX]), cmap=_CMAP,
           labels=values(None, "x", ("x",), ("x", "y"), ("x", "y", 3), label="labels")),
    _entry(regression.loss_contour, {"M": M, "B": B, "J": J, "ax": AX},
           M=array("M", extra=_GRID), B=array("B", extra=_GRID),
           J=array("J", extra=_GRID + [np.full_like(J, 0.5), np.zeros_like(J)]), ax=axes(extra=[AX3]),
           levels=values(None, "10", 2.5, True, 1, 0, [1.0], [1.0, 0.5], [-1.0, 1.0], [[1.0, 2.0]], ["a", "b"],
                         10 ** 6,
                         label="levels"),
           point=values(5, "mb", (1.0,), (1.0, 2.0, 3.0), (np.nan, 0.0), ("a", 0.0), label="point"),
           filled=flag("filled"), cmap=_CMAP, labels=_LABELS_2,
           point_label=text("point_label", allow_none=True)),
    _entry(regression.mark_point, {"ax": AX, "m": 0.5, "b": 1.0},
           ax=axes(extra=[None]), m=number("m"), b=number("b"), color=_COLOUR,
           marker=values(3, None, "not a marker", label="marker"), label=text("label", allow_none=True),
           size=number("size", low=0, high=1000)),
    Entry("nblib.plots.regression.move_point", regression.move_point,
          lambda: {"point": regression.mark_point(AX, 0.0, 0.0), "m": 0.5, "b": 1.0},
          {"point": values(None, 5, AX, (0.0, 0.0), label="point"), "m": number("m"), "b": number("b")}),
]

SAMPLING = [
    _entry(sampling.grid_points, {"n_dims": 2, "bins": 3},
           n_dims=count("n_dims", extra=[2 ** 63, 10 ** 400, 40]), bins=count("bins", extra=[10 ** 4, 2 ** 63])),
    _entry(sampling.sampling_grid_2d, {"bins": 3, "ax": AX}, bins=count("bins", maximum=40),
           ax=axes(extra=[AX3]), title=text("title", allow_none=True)),
    _entry(sampling.sampling_grid_3d, {"bins": 3, "ax": AX3}, bins=count("bins", maximum=40),
           ax=axes(extra=[AX]), title=text("title", allow_none=True)),
]

ENTRIES = NETWORK + REGRESSION + SAMPLING
COVERS = covered(ENTRIES)


@pytest.mark.parametrize("entry, argument", cases(ENTRIES))
def test_fixed_bad_values_are_refused(entry, argument):
    check_fixed(entry, argument)


@pytest.mark.parametrize("entry, argument", cases(ENTRIES))
@GENERATED
@given(data=st.data())
def test_generated_bad_values_are_refused(entry, argument, data):
    check_generated(entry, argument, data)


def test_a_constant_loss_is_refused_by_name_not_by_levels():
    with pytest.raises(ValueError, match="J must vary"):
        regression.loss_contour(M, B, np.full_like(J, 0.5), ax=AX)


def test_a_wide_x_gets_a_default_line_or_a_clear_error():
    x = np.array([-1e307, 1e307])
    artists = regression.scatter_with_residuals(x, np.zeros(2), 0.0, 1.0, ax=AX)
    line_x = artists["line"].get_xdata()
    assert np.all(np.isfinite(line_x)) and line_x[0] < x[0] and line_x[-1] > x[-1]
    with pytest.raises(ValueError, match="x spans too wide a range to draw"):
        regression.scatter_with_residuals(np.array([-1e308, 1e308]), np.zeros(2), 0.0, 1.0, ax=AX)
