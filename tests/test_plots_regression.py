"""Regression figures: the artists carry the right data, and bad axes are refused."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nblib import linear  # noqa: E402
from nblib.plots import regression  # noqa: E402
from nblib.theme import COLORS  # noqa: E402

X = np.array([2.4, 2.8, 3.2, 3.6, 4.0, 4.2, 5.0])
Y = np.array([1.7, 1.85, 1.79, 1.95, 2.1, 2.0, 2.7])


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_scatter_only(ax):
    artists = regression.scatter_with_residuals(X, Y, ax=ax)
    np.testing.assert_array_equal(artists["points"].get_offsets(), np.column_stack([X, Y]))
    assert artists["line"] is None and artists["residuals"] is None
    assert ax.get_xlabel() == "$x$"


def test_residual_bars_run_from_each_point_to_the_line(ax):
    m, b = -0.11, 2.5
    artists = regression.scatter_with_residuals(X, Y, m, b, ax=ax)
    segments = artists["residuals"].get_segments()
    assert len(segments) == 7
    for (start, end), xi, yi in zip(segments, X, Y):
        np.testing.assert_allclose(start, [xi, yi])
        np.testing.assert_allclose(end, [xi, m * xi + b])
    assert artists["residuals"].get_linestyle()[0][1] is not None  # dashed, not solid
    line = artists["line"]
    np.testing.assert_allclose(line.get_ydata(), m * np.asarray(line.get_xdata()) + b)
    assert line.get_xdata()[0] < X.min() and line.get_xdata()[-1] > X.max()
    assert matplotlib.colors.same_color(line.get_color(), COLORS["model"])


def test_residual_bars_can_be_left_out_and_line_x_chosen(ax):
    artists = regression.scatter_with_residuals(X, Y, 1.0, 0.0, ax=ax, residuals=False, line_x=[0, 10])
    assert artists["residuals"] is None
    np.testing.assert_allclose(artists["line"].get_ydata(), [0, 10])


def test_move_line_moves_line_and_bars(ax):
    artists = regression.scatter_with_residuals(X, Y, 0.0, 2.0, ax=ax)
    m, b = linear.ols_line(X, Y)
    regression.move_line(artists, X, Y, m, b)
    ends = np.array([segment[1] for segment in artists["residuals"].get_segments()])
    np.testing.assert_allclose(ends[:, 1], m * X + b)
    np.testing.assert_allclose(artists["line"].get_ydata(), m * np.asarray(artists["line"].get_xdata()) + b)


def test_scatter_rejects_bad_input(ax):
    with pytest.raises(ValueError, match="x has 7, y has 6"):
        regression.scatter_with_residuals(X, Y[:6], ax=ax)
    with pytest.raises(ValueError, match="give both m and b"):
        regression.scatter_with_residuals(X, Y, m=1.0, ax=ax)


def grid():
    M, B = np.meshgrid(np.linspace(-2, 4, 31), np.linspace(-6, 8, 29))
    return M, B, linear.mse_line(X, Y, M, B)


def test_log_levels_are_geometric():
    M, B, J = grid()
    levels = regression.log_levels(J, 12)
    assert len(levels) == 12
    ratios = levels[1:] / levels[:-1]
    np.testing.assert_allclose(ratios, ratios[0])
    assert levels[0] > J.min() and levels[-1] == pytest.approx(J.max())


def test_loss_contour_levels_and_point(ax):
    M, B, J = grid()
    m, b = linear.ols_line(X, Y)
    artists = regression.loss_contour(M, B, J, ax=ax, levels=10, point=(m, b))
    np.testing.assert_allclose(artists["lines"].levels, regression.log_levels(J, 10))
    np.testing.assert_allclose(artists["filled"].levels, regression.log_levels(J, 10))
    np.testing.assert_allclose(artists["point"].get_xydata(), [[m, b]])
    regression.move_point(artists["point"], 1.0, 2.0)
    np.testing.assert_allclose(artists["point"].get_xydata(), [[1.0, 2.0]])


def test_loss_contour_unfilled_with_explicit_levels(ax):
    M, B, J = grid()
    artists = regression.loss_contour(M, B, J, ax=ax, levels=[0.1, 1, 10, 100], filled=False)
    assert artists["filled"] is None and artists["point"] is None
    np.testing.assert_allclose(artists["lines"].levels, [0.1, 1, 10, 100])


def test_loss_contour_rejects_bad_levels_and_shapes(ax):
    M, B, J = grid()
    with pytest.raises(ValueError, match="positive, increasing"):
        regression.loss_contour(M, B, J, ax=ax, levels=[1, 0.5])
    with pytest.raises(ValueError, match="same shape"):
        regression.loss_contour(M, B, J[:-1], ax=ax)
    with pytest.raises(ValueError, match="J must be 2-D"):
        regression.loss_contour(M, B, J.ravel(), ax=ax)


def test_loss_surface_3d():
    M, B, J = grid()
    fig = plt.figure()
    try:
        ax3 = fig.add_subplot(projection="3d")
        surface = regression.loss_surface_3d(M, B, J, ax=ax3)
        assert surface in ax3.collections
        assert ax3.get_zlabel() == "MSE $J$"
        z_low, z_high = ax3.get_zlim()
        assert z_low <= J.min() and z_high >= J.max()
        flat = fig.add_subplot(2, 2, 4)
        with pytest.raises(ValueError, match="ax must be 3-D axes"):
            regression.loss_surface_3d(M, B, J, ax=flat)
    finally:
        plt.close(fig)


def test_loss_surface_3d_creates_its_axes():
    M, B, J = grid()
    surface = regression.loss_surface_3d(M, B, J)
    try:
        assert surface.axes.name == "3d"
    finally:
        plt.close(surface.axes.figure)


def test_helpers_do_not_change_global_style(ax):
    before = dict(matplotlib.rcParams)
    M, B, J = grid()
    regression.scatter_with_residuals(X, Y, 0.3, 1.0, ax=ax)
    regression.loss_contour(M, B, J, ax=ax, point=(0.3, 1.0))
    assert dict(matplotlib.rcParams) == before


def test_line_label():
    assert regression.line_label(0.9, -1.2) == "$f(x) = 0.9x - 1.2$"
    assert regression.line_label(-0.11, 2.5) == "$f(x) = -0.11x + 2.5$"
    assert regression.line_label(0.33559, 0.80472, digits=2) == "$f(x) = 0.34x + 0.8$"
