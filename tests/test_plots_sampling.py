import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from nblib.plots.sampling import grid_points, sampling_grid_2d, sampling_grid_3d


def test_grid_points_are_cell_centres():
    np.testing.assert_allclose(grid_points(1, 4)[:, 0], [0.125, 0.375, 0.625, 0.875])
    points = grid_points(2, 2)
    np.testing.assert_allclose(points, [[0.25, 0.25], [0.25, 0.75], [0.75, 0.25], [0.75, 0.75]])


@pytest.mark.parametrize("n_dims, bins", [(2, 10), (3, 10), (3, 1), (4, 5)])
def test_grid_points_count_and_distinct(n_dims, bins):
    points = grid_points(n_dims, bins)
    assert points.shape == (bins ** n_dims, n_dims)
    assert len({tuple(p) for p in np.round(points, 12)}) == bins ** n_dims
    assert points.min() > 0 and points.max() < 1


def test_grid_points_refuses_to_list_huge_grids():
    with pytest.raises(ValueError, match="grid_guesses"):
        grid_points(784, 10)


@pytest.mark.parametrize("bins", [1, 3, 10, 25])
def test_square_draws_bins_squared_dots(bins):
    ax = Figure().subplots()
    art = sampling_grid_2d(bins, ax=ax)
    assert art["n_points"] == bins ** 2
    assert len(art["points"].get_offsets()) == bins ** 2
    assert len(art["grid"]) == 2 * (bins + 1)
    assert ax.get_xlim() == (0, 1) and ax.get_ylim() == (0, 1)


def test_square_title_counts_the_guesses():
    ax = Figure().subplots()
    sampling_grid_2d(10, ax=ax)
    assert ax.get_title() == "10 × 10 = 100 guesses"


@pytest.mark.parametrize("bins", [1, 4, 10])
def test_cube_draws_bins_cubed_dots(bins):
    ax = Figure().add_subplot(projection="3d")
    art = sampling_grid_3d(bins, ax=ax)
    assert art["n_points"] == bins ** 3
    xs, ys, zs = art["points"]._offsets3d
    assert len(xs) == len(ys) == len(zs) == bins ** 3
    assert len(art["edges"]) == 12


def test_cube_title_counts_the_guesses():
    ax = Figure().add_subplot(projection="3d")
    sampling_grid_3d(10, ax=ax)
    assert ax.get_title() == "10 × 10 × 10 = 1,000 guesses"


def test_square_and_cube_side_by_side():
    fig = Figure()
    left, right = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2, projection="3d")
    assert sampling_grid_2d(10, ax=left)["n_points"] == 100
    assert sampling_grid_3d(10, ax=right)["n_points"] == 1000


def test_wrong_kind_of_axes():
    with pytest.raises(ValueError, match="3-D axes"):
        sampling_grid_3d(3, ax=Figure().subplots())
    with pytest.raises(ValueError, match="2-D axes"):
        sampling_grid_2d(3, ax=Figure().add_subplot(projection="3d"))


@pytest.mark.parametrize("bins, error", [(0, ValueError), (2.5, TypeError), (41, ValueError), ("10", TypeError)])
def test_bad_bins(bins, error):
    with pytest.raises(error):
        sampling_grid_2d(bins, ax=Figure().subplots())
    with pytest.raises(error):
        sampling_grid_3d(bins, ax=Figure().add_subplot(projection="3d"))


def test_default_axes():
    plt.figure()
    try:
        assert sampling_grid_2d(3)["n_points"] == 9
        plt.figure()
        art = sampling_grid_3d(3)
        assert art["points"].axes.name == "3d"
    finally:
        plt.close("all")
