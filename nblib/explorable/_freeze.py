"""Draw the static part of a live explorable once, as a picture."""

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def freeze_background(fig, moving):
    """Make an explorable's live frames cheap: draw everything except ``moving`` once, as a picture.

    Call it at the end of a view, when every artist is drawn. The figure is
    rendered once with the ``moving`` artists hidden; that picture goes into
    a figure-sized axes at the back, and every other artist is hidden. Each
    live frame then draws one picture plus the few artists that move, instead
    of every tick label, title and contour again (several times faster).
    The layout is frozen so that the moving artists stay where the picture
    expects them. Returns the background image (an ``AxesImage``).

    The web book's static form finds the moving artists by itself, so this
    only speeds up the live view in Jupyter.
    """
    _check_freeze_args(fig, moving)
    moving = list(moving)
    keep = {id(artist) for artist in moving}
    for artist in moving:
        artist.set_visible(False)
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    picture = np.asarray(canvas.buffer_rgba()).copy()
    fig.set_layout_engine("none")
    for artist in moving:
        artist.set_visible(True)
    for ax in fig.axes:
        for child in ax.get_children():
            if id(child) not in keep:
                child.set_visible(False)
    for artist in [*fig.texts, *fig.legends, *fig.images, fig.patch]:
        artist.set_visible(False)
    back = fig.add_axes((0, 0, 1, 1), zorder=-1)
    back.set_axis_off()
    return back.imshow(picture, interpolation="nearest", aspect="auto", resample=False)


def _check_freeze_args(fig, moving):
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be the matplotlib Figure the view draws on, got {type(fig).__name__}")
    if isinstance(moving, (str, bytes, Artist)) or not hasattr(moving, "__iter__"):
        raise TypeError(f"moving must be a list of the artists update moves, got {type(moving).__name__}")
    moving = list(moving)
    for artist in moving:
        if not isinstance(artist, Artist) or artist.get_figure(root=True) is not fig:
            raise TypeError(f"moving must hold artists drawn on fig, got {artist!r}")
