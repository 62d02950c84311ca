"""Figures for linear regression: data with a line and its residuals, and the MSE bowl.

Every helper takes ``ax=None`` (a new figure is made when it is None), returns
the artists it drew, styles axes only through :func:`nblib.theme.set_axes`, and
never calls ``plt.show()`` or changes global settings. Explorables draw once
with these helpers and then move the returned artists with :func:`move_line`
and :func:`move_point`.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap, LogNorm

from matplotlib.lines import Line2D

from nblib.checks import (_describe, as_array, as_axes, as_callable, as_count, as_flag, as_number, as_text,
                          same_length)
from nblib.theme import COLORS, set_axes

#: Contour lines in mid greys, darker near the bottom of a bowl: paths drawn over them stand out.
CONTOUR_GREYS = ListedColormap(plt.get_cmap("Greys")(np.linspace(0.65, 0.3, 64)))


def _new_axes(ax, projection=None):
    ax = as_axes(ax, three_d=projection == "3d")
    if ax is not None:
        return ax
    fig = plt.figure()
    return fig.add_subplot(projection=projection)


def _xy(x, y):
    x = as_array(x, "x", ndim=1)
    y = as_array(y, "y", ndim=1)
    same_length(x=x, y=y)
    for name, values in (("x", x), ("y", y)):
        with np.errstate(over="ignore"):
            span = np.float64(values.max()) - values.min()
        if not np.isfinite(span):
            raise ValueError(f"{name} spans too wide a range to draw, from {values.min():g} to {values.max():g}")
    return x, y


def _labels(labels, count):
    """Axis labels: a tuple or list of ``count`` strings."""
    if not isinstance(labels, (tuple, list)) or len(labels) != count:
        raise TypeError(f"labels must be {count} strings, one per axis, got {_describe(labels)}")
    for label in labels:
        as_text(label, "labels")
    return labels


def _colour(color, name="color"):
    """None or a colour matplotlib understands."""
    from matplotlib.colors import is_color_like

    if color is not None and not is_color_like(color):
        raise ValueError(f"{name} must be a matplotlib colour such as 'C1' or '#D55E00', got {_describe(color)}")
    return color


def _cmap(cmap):
    """The name of a matplotlib colormap, or a Colormap."""
    from matplotlib.colors import Colormap

    if isinstance(cmap, Colormap):
        return cmap
    as_text(cmap, "cmap")
    if cmap not in plt.colormaps():
        raise ValueError(f"Unknown cmap {cmap!r}; expected a matplotlib colormap name such as 'viridis'")
    return cmap


def _line(m, b, line_x):
    """Heights ``m * line_x + b``, checked to be finite."""
    with np.errstate(over="ignore", invalid="ignore"):
        heights = m * line_x + b
    if not np.all(np.isfinite(heights)):
        raise ValueError("m and b are too large: the line m x + b leaves the floating-point range")
    return heights


def _segments(x, y, m, b):
    """Residual bars: one segment per point, from ``(x_i, y_i)`` to ``(x_i, m x_i + b)``."""
    return np.stack([np.column_stack([x, y]), np.column_stack([x, m * x + b])], axis=1)


def scatter_with_residuals(x, y, m=None, b=None, ax=None, line_x=None, residuals=True,
                           color=None, label=None, data_label="data", labels=("$x$", "$y$")):
    """Scatter the points ``(x, y)`` and, if ``m`` and ``b`` are given, the line ``m x + b``
    with each residual drawn as a dashed vertical bar from the point to the line.

    x, y: ``(n,)``. line_x: the x values the line is drawn through (defaults
    to the data's range, widened by 5% on each side). color, label: the line's
    colour (default ``COLORS["model"]``) and legend label. labels: the axis labels.
    Returns a dict of artists: ``points`` (PathCollection), ``line`` (Line2D or
    None) and ``residuals`` (LineCollection or None); segment i of
    ``residuals`` runs from ``(x_i, y_i)`` to ``(x_i, m x_i + b)``.
    """
    x, y = _xy(x, y)
    if (m is None) != (b is None):
        raise ValueError("give both m and b to draw a line, or neither")
    if m is not None:
        m, b = as_number(m, "m"), as_number(b, "b")
        line_x = _default_line_x(x) if line_x is None else as_array(line_x, "line_x", ndim=1)
        heights, bars = _line(m, b, line_x), _line(m, b, x)
    labels = _labels(labels, 2)
    color, residuals = _colour(color), as_flag(residuals, "residuals")
    label = as_text(label, "label", allow_none=True)
    data_label = as_text(data_label, "data_label", allow_none=True)
    ax = _new_axes(ax)
    set_axes(ax, xlabel=labels[0], ylabel=labels[1])
    artists = {"points": ax.scatter(x, y, s=30, color=COLORS["data"], zorder=3, label=data_label),
               "line": None, "residuals": None}
    if m is None:
        return artists
    artists["line"], = ax.plot(line_x, heights, color=color or COLORS["model"], zorder=2, label=label)
    if residuals:
        bars = LineCollection(_segments(x, y, m, b), colors=COLORS["residual"], linestyles="--",
                              linewidths=1.3, zorder=1)
        artists["residuals"] = ax.add_collection(bars)
    return artists


def _default_line_x(x):
    """The data's x range widened by 5% on each side (halves first, so a wide range cannot overflow)."""
    low, high = x.min(), x.max()
    pad = (high / 2 - low / 2) / 10 or 1.0
    return np.array([low - pad, high + pad])


def line_label(m, b, digits=3):
    """The equation of the line as mathtext, e.g. ``line_label(0.9, -1.2)`` is ``"$f(x) = 0.9x - 1.2$"``."""
    m = as_number(m, "m")
    b = as_number(b, "b")
    digits = as_count(digits, "digits", maximum=17)
    sign = "-" if b < 0 else "+"
    return f"$f(x) = {m:.{digits}g}x {sign} {abs(b):.{digits}g}$"


def move_line(artists, x, y, m, b):
    """Move the line and residual bars drawn by :func:`scatter_with_residuals` to ``m x + b``."""
    if not isinstance(artists, dict) or not isinstance(artists.get("line"), Line2D):
        raise TypeError(f"artists must be the dict scatter_with_residuals returned, with a line drawn; "
                        f"got {_describe(artists)}")
    x, y = _xy(x, y)
    m, b = as_number(m, "m"), as_number(b, "b")
    line = artists["line"]
    line.set_ydata(_line(m, b, np.asarray(line.get_xdata())))
    _line(m, b, x)
    if artists.get("residuals") is not None:
        artists["residuals"].set_segments(_segments(x, y, m, b))
    return artists


def _grid(M, B, J):
    M = as_array(M, "M", ndim=2)
    B = as_array(B, "B", ndim=2)
    J = as_array(J, "J", ndim=2)
    if not M.shape == B.shape == J.shape:
        raise ValueError(f"M, B and J must have the same shape, got {M.shape}, {B.shape} and {J.shape}")
    return M, B, J


def log_levels(J, num=15):
    """``num`` logarithmically spaced contour levels from just above min(J) to max(J).

    Equal steps in log J put many contours near the bottom of a bowl, where
    the loss changes little, and few on its steep walls.
    """
    J = as_array(J, "J")
    num = as_count(num, "num", minimum=2, maximum=1000)
    top = float(J.max())
    if top <= 0:
        raise ValueError("J must have a positive maximum to draw logarithmic levels")
    if float(J.min()) == top:
        raise ValueError(f"J must vary to have contour levels, got the constant {top:g}")
    low = max(float(J.min()), top * 1e-9)
    return np.geomspace(low * 1.05, top, num) if low * 1.05 < top else np.array([low, top])


def loss_surface_3d(M, B, J, ax=None, cmap="viridis", labels=("slope $m$", "intercept $b$", "MSE $J$")):
    """The loss ``J`` over the grid ``(M, B)`` as a 3-D surface.

    M, B, J: 2-D arrays of one shape, e.g. ``M, B = numpy.meshgrid(m, b)`` and
    ``J = mse_line(x, y, M, B)``. ax must be a 3-D axes
    (``fig.add_subplot(projection="3d")``); one is created when ax is None.
    Returns the surface (a ``Poly3DCollection``).
    """
    M, B, J = _grid(M, B, J)
    cmap, labels = _cmap(cmap), _labels(labels, 3)
    ax = _new_axes(ax, projection="3d")
    surface = ax.plot_surface(M, B, J, cmap=cmap, linewidth=0, antialiased=True, alpha=0.95)
    set_axes(ax, xlabel=labels[0], ylabel=labels[1])
    ax.set_zlabel(labels[2])
    return surface


def loss_contour(M, B, J, ax=None, levels=15, point=None, filled=True, cmap="viridis",
                 labels=("slope $m$", "intercept $b$"), point_label=None):
    """Contours of the loss ``J`` over the grid ``(M, B)`` with logarithmically spaced levels.

    levels: a number of levels (spaced by :func:`log_levels`) or an increasing
    array of positive levels. point: an optional ``(m, b)`` to mark.
    Returns a dict of artists: ``filled`` (QuadContourSet or None), ``lines``
    (QuadContourSet) and ``point`` (Line2D or None).
    """
    M, B, J = _grid(M, B, J)
    if np.ndim(levels) == 0:
        levels = log_levels(J, as_count(levels, "levels", minimum=2, maximum=1000))
    levels = as_array(levels, "levels", ndim=1)
    if len(levels) < 2 or np.any(levels <= 0) or np.any(np.diff(levels) <= 0):
        raise ValueError(f"levels must be at least two positive, increasing numbers, got {levels}")
    if point is not None:
        point = _pair(point, "point")
    filled, cmap, labels = as_flag(filled, "filled"), _cmap(cmap), _labels(labels, 2)
    point_label = as_text(point_label, "point_label", allow_none=True)
    ax = _new_axes(ax)
    norm = LogNorm(vmin=levels[0], vmax=levels[-1])
    artists = {"filled": None, "point": None}
    if filled:
        artists["filled"] = ax.contourf(M, B, J, levels=levels, cmap=cmap, norm=norm, extend="both")
    artists["lines"] = ax.contour(M, B, J, levels=levels, colors="white" if filled else None,
                                  cmap=None if filled else cmap, norm=None if filled else norm,
                                  linewidths=0.6, alpha=0.7 if filled else 1.0)
    if point is not None:
        artists["point"] = mark_point(ax, *point, label=point_label)
    set_axes(ax, xlabel=labels[0], ylabel=labels[1])
    ax.grid(False)
    return artists


def bowl_contour(ax, f, xlim, ylim, labels=("$w_1$", "$w_2$"), levels=14, minimum=None):
    """Grey contour lines of ``f`` over a window, with log levels, for optimizer paths to be drawn on.

    f: a function of points ``(..., 2)`` returning the loss ``(...)``. xlim, ylim: ``(low, high)``.
    Returns the dict of :func:`loss_contour`. A star marks ``minimum``, an optional ``(w1, w2)``.
    The grid has an even number of points per axis, so it never lands exactly on a zero minimum.
    """
    f, ax = as_callable(f, "f"), as_axes(ax, allow_none=False)
    (x0, x1), (y0, y1) = _window(xlim, "xlim"), _window(ylim, "ylim")
    W1, W2 = np.meshgrid(np.linspace(x0, x1, 120), np.linspace(y0, y1, 100))
    J = f(np.stack([W1, W2], axis=-1))
    art = loss_contour(W1, W2, J, ax=ax, levels=levels, filled=False, labels=labels, cmap=CONTOUR_GREYS)
    if minimum is not None:
        ax.plot(*_pair(minimum, "minimum"), marker="*", markersize=13, color=COLORS["highlight"],
                markeredgecolor=COLORS["ink"], linestyle="none", zorder=5)
    set_axes(ax, xlim=(x0, x1), ylim=(y0, y1))
    return art


def draw_path(ax, path, color=None, label=None, markersize=3.5):
    """An optimizer's path ``(k + 1, 2)`` as dots joined by thin lines; returns the Line2D.

    Rows that are not finite (a run that diverged) are left out, so a path ends where it left the
    numbers behind.
    """
    ax = as_axes(ax, allow_none=False)
    path = as_array(path, "path", ndim=2, dtype=np.float64, finite=False)
    if path.shape[1] != 2:
        raise ValueError(f"path must have shape (k + 1, 2), got {path.shape}")
    color, label = _colour(color), as_text(label, "label", allow_none=True)
    markersize = as_number(markersize, "markersize", low=0, high=100)
    path = path[np.all(np.isfinite(path), axis=1)]
    line, = ax.plot(path[:, 0], path[:, 1], "-o", color=color or COLORS["highlight"], markersize=markersize,
                    linewidth=1.2, markeredgewidth=0, label=label, zorder=3)
    return line


def _window(limits, name):
    """``(low, high)``: two finite numbers, low below high."""
    low, high = _pair(limits, name)
    if not low < high:
        raise ValueError(f"{name} must be (low, high) with low < high, got {limits}")
    return low, high


def _pair(point, name):
    """A point ``(m, b)``: two finite numbers."""
    if not isinstance(point, (tuple, list, np.ndarray)) or len(point) != 2:
        raise TypeError(f"{name} must be a pair (m, b), got {_describe(point)}")
    return tuple(as_number(value, name) for value in point)


def mark_point(ax, m, b, color=None, marker="o", label=None, size=8):
    """Mark the parameters ``(m, b)`` on a contour map; returns the Line2D (move it with :func:`move_point`)."""
    as_axes(ax, allow_none=False)
    m = as_number(m, "m")
    b = as_number(b, "b")
    color, label = _colour(color), as_text(label, "label", allow_none=True)
    size = as_number(size, "size", low=0, high=1000)
    if not isinstance(marker, str) or marker not in Line2D.markers:
        raise ValueError(f"marker must be a matplotlib marker such as 'o' or 'x', got {_describe(marker)}")
    point, = ax.plot([m], [b], marker=marker, markersize=size, linestyle="none",
                     color=color or COLORS["highlight"], markeredgecolor=COLORS["ink"], zorder=4, label=label)
    return point


def move_point(point, m, b):
    """Move a marker drawn by :func:`mark_point` to ``(m, b)``."""
    if not isinstance(point, Line2D):
        raise TypeError(f"point must be the Line2D that mark_point returned, got {_describe(point)}")
    point.set_data([as_number(m, "m")], [as_number(b, "b")])
    return point
