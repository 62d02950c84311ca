"""Pictures of grid sampling: a square and a cube cut into ``bins`` pieces per axis.

Each axis of the unit square (or cube) is split into ``bins`` equal pieces and one
guess is placed at the centre of every cell, so the square holds ``bins ** 2`` dots
and the cube ``bins ** 3``.
"""

import itertools
import math

import numpy as np

from nblib.checks import as_axes, as_count, as_text
from nblib.theme import COLORS, set_axes

#: Above this many bins per axis the dots would merge into a solid block.
MAX_BINS = 40

#: The most points :func:`grid_points` lists.
MAX_POINTS = 10 ** 6


def grid_points(n_dims, bins):
    """Centres of the cells of a grid over the unit cube, shape ``(bins ** n_dims, n_dims)``.

    At most ``MAX_POINTS`` points, in at most 32 dimensions.
    """
    n_dims = as_count(n_dims, "n_dims")
    bins = as_count(bins, "bins")
    if bins > 1 and n_dims > math.log10(MAX_POINTS) / math.log10(bins):  # bins ** n_dims could be huge
        raise ValueError(f"bins ** n_dims = {bins} ** {n_dims} points is too many to list "
                         f"(at most {MAX_POINTS:,}); use nblib.search.grid_guesses to count them")
    as_count(n_dims, "n_dims", maximum=32)
    centres = (np.arange(bins) + 0.5) / bins
    axes = np.meshgrid(*([centres] * n_dims), indexing="ij")
    return np.stack([a.ravel() for a in axes], axis=1)


def sampling_grid_2d(bins, ax=None, title=None):
    """A unit square sampled at ``bins`` points per axis: ``bins ** 2`` dots, one per cell.

    ax: 2-D axes to draw on (default: the current axes).
    Returns ``{"points": PathCollection, "n_points": int, "grid": [Line2D]}``.
    """
    import matplotlib.pyplot as plt

    bins = _bins(bins)
    title = as_text(title, "title", allow_none=True)
    ax = plt.gca() if as_axes(ax, three_d=False) is None else ax
    points = grid_points(2, bins)
    edges = np.linspace(0, 1, bins + 1)
    grid = [ax.axvline(e, color=COLORS["residual"], lw=0.6, alpha=0.6, zorder=1) for e in edges]
    grid += [ax.axhline(e, color=COLORS["residual"], lw=0.6, alpha=0.6, zorder=1) for e in edges]
    dots = ax.scatter(points[:, 0], points[:, 1], s=_dot_size(bins, 2), color=COLORS["data"], zorder=2)
    ax.set_aspect("equal")
    ax.grid(False)
    set_axes(ax, xlabel="weight 1", ylabel="weight 2", xlim=(0, 1), ylim=(0, 1),
             title=title if title is not None else f"{bins} × {bins} = {bins ** 2:,} guesses")
    return {"points": dots, "n_points": len(points), "grid": grid}


def sampling_grid_3d(bins, ax=None, title=None):
    """A unit cube sampled at ``bins`` points per axis: ``bins ** 3`` dots, one per cell.

    ax: 3-D axes (``fig.add_subplot(projection="3d")``); by default a new one on the
        current figure.
    Returns ``{"points": Path3DCollection, "n_points": int, "edges": [Line3D]}``.
    """
    import matplotlib.pyplot as plt

    bins = _bins(bins)
    title = as_text(title, "title", allow_none=True)
    if as_axes(ax, three_d=True) is None:
        ax = plt.gcf().add_subplot(projection="3d")
    points = grid_points(3, bins)
    edges = []
    for start, end in _cube_edges():
        line, = ax.plot(*zip(start, end), color=COLORS["ink"], lw=0.8, alpha=0.6)
        edges.append(line)
    dots = ax.scatter(points[:, 0], points[:, 1], points[:, 2], s=_dot_size(bins, 3),
                      color=COLORS["data"], depthshade=True)
    ax.set_box_aspect((1, 1, 1))
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_ticks([0, 0.5, 1])
    ax.set_zlabel("weight 3")
    set_axes(ax, xlabel="weight 1", ylabel="weight 2", xlim=(0, 1), ylim=(0, 1),
             title=title if title is not None else f"{bins} × {bins} × {bins} = {bins ** 3:,} guesses")
    ax.set_zlim(0, 1)
    return {"points": dots, "n_points": len(points), "edges": edges}


def _bins(bins):
    return as_count(bins, "bins", maximum=MAX_BINS)


def _dot_size(bins, n_dims):
    """Marker area in points squared: smaller dots for denser grids."""
    return float(np.clip(2000 / bins ** 2 if n_dims == 2 else 600 / bins ** 1.7, 2, 60))


def _cube_edges():
    """The 12 edges of the unit cube as pairs of corners."""
    corners = list(itertools.product((0, 1), repeat=3))
    return [(a, b) for a, b in itertools.combinations(corners, 2) if sum(x != y for x, y in zip(a, b)) == 1]
