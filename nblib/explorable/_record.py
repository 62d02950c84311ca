"""Record what an explorable's ``update`` changes, as data in pixels.

The static form of an explorable draws, in the browser, one background picture
and over it the few artists that ``update`` moves. This module finds those
artists and describes each one's state at a frame as plain data: a line's
points, a scatter's offsets, sizes and colours, a text's lines and baselines, a
patch's outline, an image's pixels. Coordinates are converted to canvas pixels
(origin top left, y down) through each artist's own transform here, at build
time, so the browser needs no knowledge of matplotlib.

An artist whose kind is not described here is drawn by matplotlib alone and
stored as a small picture (a *sprite*) with its position.
"""

import functools

import numpy as np
from matplotlib import colors as mcolors
from matplotlib.collections import Collection, LineCollection, PathCollection
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.transforms import Affine2D

from nblib.explorable._picture import crop_to_ink, png_uri, rgba

#: A scatter's marker outline is stored at this size; each point scales it by its own size.
MARKER_UNITS = 100

#: Coordinates beyond this many canvas sizes from the canvas are clipped away (a
#: diverged optimizer's point at 1e300 becomes a line that leaves the picture).
FAR = 4.0

_LEAVES = (Line2D, Collection, Text, Patch, AxesImage)


def leaves(fig):
    """Every drawable artist of ``fig`` that is not a container (axes, axis, figure)."""
    return [a for a in fig.findobj(include_self=False) if isinstance(a, _LEAVES)]


def touched(artists, update, values):
    """Call ``update(**values)``; return the ids of the ``artists`` it touched, and what it returned.

    matplotlib marks an artist *stale* whenever a setter changes it, so clearing
    every flag before the call and reading them after tells what was touched.
    """
    for artist in artists:
        artist._stale = False
    with np.errstate(all="ignore"):
        result = update(**values)
    return {id(a) for a in artists if a._stale}, result


def population(fig):
    """How many artists each axes and the figure hold: it changes if ``update`` adds or removes one."""
    return (len(fig.axes), len(fig.texts), len(fig.lines), len(fig.patches), len(fig.images),
            *(len(ax._children) for ax in fig.axes))


def view_limits(fig):
    """The data limits of every axes: if ``update`` changes them, nothing is static."""
    return tuple(tuple(np.round(ax.viewLim.bounds, 12)) for ax in fig.axes)


def draw_order(fig, artists):
    """Sort ``artists`` the way matplotlib draws them: axes by zorder, then artists by zorder."""
    axes_rank = {id(ax): k for k, ax in enumerate(sorted(fig.axes, key=lambda a: a.get_zorder()))}
    position = {id(a): k for k, a in enumerate(fig.findobj(include_self=False))}

    def key(artist):
        ax = artist.axes
        return (axes_rank.get(id(ax), -1) if ax is not None else len(axes_rank), artist.get_zorder(),
                position[id(artist)])

    return sorted(artists, key=key)


class Recorder:
    """Describes the state of one artist at the current frame, in canvas pixels."""

    def __init__(self, fig, canvas):
        self.fig = fig
        self.canvas = canvas
        self.height = fig.bbox.height
        self.width = fig.bbox.width
        self.px_per_pt = fig.dpi / 72.0
        self._marker_cache = {}

    def kind(self, artist):
        """The name of the encoder for ``artist`` ("line", "text", ...) or "sprite"."""
        if isinstance(artist, Line2D):
            plain = artist.get_drawstyle() == "default" and artist.get_markevery() is None
            return "line" if plain and not artist.get_path_effects() else "sprite"
        if isinstance(artist, Text):
            return "text" if self._plain_text(artist) else "sprite"
        if isinstance(artist, LineCollection):
            return "segments"
        if isinstance(artist, PathCollection) and len(artist.get_paths()) == 1:
            return "markers"
        if isinstance(artist, Patch) and not artist.get_hatch():
            return "shape"
        if isinstance(artist, AxesImage):
            return "image"
        return "sprite"

    def state(self, artist, kind):
        """A dict of plain values describing ``artist`` now (JSON-ready, before packing)."""
        if not artist.get_visible():
            return {"visible": False}
        return {"visible": True, "clip": self._clip(artist), **getattr(self, "_" + kind)(artist)}

    # --- one encoder per kind -------------------------------------------------------------

    def _line(self, line):
        xy = self._to_canvas(line.get_transform().transform(line.get_xydata()))
        style = {"points": _clip_polyline(xy, self.width, self.height),
                 "color": _hex(line.get_color(), line.get_alpha()),
                 "width": line.get_linewidth() * self.px_per_pt if line.get_linestyle() not in ("None", " ", "") else 0,
                 "dashes": self._dashes(*line._dash_pattern) if line.is_dashed() else [],
                 "cap": line.get_dash_capstyle() if line.is_dashed() else line.get_solid_capstyle(),
                 "join": line.get_dash_joinstyle() if line.is_dashed() else line.get_solid_joinstyle()}
        marker = line._marker
        if marker and marker.get_marker() not in ("None", "none", " ", "", None) and line.get_markersize() > 0:
            outline = self._marker_outline(marker, line.get_markersize())
            face = line._get_markerfacecolor()
            edge = mcolors.to_rgba(line.get_markeredgecolor(), line.get_alpha())
            if (isinstance(line._markeredgecolor, str) and line._markeredgecolor == "auto"
                    and not (isinstance(face, str) and face.lower() == "none")):
                edge = edge[:3] + (mcolors.to_rgba(face, line.get_alpha())[3],)
            style.update({"marker": outline,
                          "marker_face": _hex(face, line.get_alpha()) if marker.is_filled() else None,
                          "marker_edge": mcolors.to_hex(edge, keep_alpha=True),
                          "marker_edge_width": line.get_markeredgewidth() * self.px_per_pt})
        return style

    def _marker_outline(self, marker, markersize):
        """A line's marker as a polygon around (0, 0) in pixels (kept per marker and size)."""
        key = (marker.get_marker() if isinstance(marker.get_marker(), str) else id(marker), marker.get_fillstyle(),
               markersize)
        if key not in self._marker_cache:
            size = markersize * self.px_per_pt
            path = marker.get_path().transformed(marker.get_transform().frozen().scale(size))
            self._marker_cache[key] = _outline(path, flip=True)
        return self._marker_cache[key]

    def _segments(self, collection):
        transform = collection.get_transform()
        segments = [self._to_canvas(transform.transform(np.asarray(s, dtype=float)))
                    for s in collection.get_segments()]
        points = _join([_clip_polyline(s, self.width, self.height) for s in segments])
        return {"points": points,
                "colors": _hex_list(collection.get_edgecolor()),
                "widths": [w * self.px_per_pt for w in collection.get_linewidth()],
                "dashes": [self._dashes(*d) if d[1] else [] for d in collection._linestyles],
                "cap": collection.get_capstyle() or "butt", "join": collection.get_joinstyle() or "round"}

    def _markers(self, collection):
        offsets = collection.get_offset_transform().transform(collection.get_offsets())
        xy = self._to_canvas(offsets)
        sizes = np.sqrt(np.broadcast_to(collection.get_sizes(), (len(xy),))) * self.px_per_pt
        unit = collection.get_paths()[0].transformed(Affine2D().scale(MARKER_UNITS))
        return {"marker": _outline(unit, flip=True),
                "marker_points": _finite_points(xy, self.width, self.height, extra=sizes),
                "colors": _hex_list(collection.get_facecolor()),
                "edges": _hex_list(collection.get_edgecolor()),
                "widths": [w * self.px_per_pt for w in collection.get_linewidth()]}

    def _text(self, text):
        renderer = self.canvas.get_renderer()
        _, lines, _ = text._get_layout(renderer)
        x, y = text.get_transform().transform((text.convert_xunits(text._x), text.convert_yunits(text._y)))
        props = text.get_fontproperties()
        baselines = self._to_canvas(np.array([[x + dx, y + dy] for _, _, (dx, dy) in lines]))
        state = {"strings": [line for line, _, _ in lines], "xy": baselines,
                 "color": _hex(text.get_color(), text.get_alpha()),
                 "size": props.get_size_in_points() * self.px_per_pt,
                 "weight": "bold" if props.get_weight() in ("bold", "heavy", "black", 700, 800, 900) else "normal",
                 "angle": text.get_rotation()}
        box = text.get_bbox_patch()
        if box is not None:
            text.update_bbox_position_size(renderer)
            state.update({f"box_{name}": value for name, value in self._shape(box).items()})
        return state

    def _shape(self, patch):
        path = patch.get_path().transformed(patch.get_transform())
        face = patch.get_facecolor() if patch.get_fill() else (0, 0, 0, 0)
        return {"outline": _outline(path, flip=True, height=self.height),
                "face": mcolors.to_hex(face, keep_alpha=True),
                "edge": mcolors.to_hex(patch.get_edgecolor(), keep_alpha=True),
                "width": patch.get_linewidth() * self.px_per_pt,
                "dashes": self._dashes(*patch._dash_pattern) if patch._dash_pattern[1] else []}

    def _image(self, image):
        pixels, x, y, _ = image.make_image(self.canvas.get_renderer(), unsampled=False)
        if pixels is None:
            return {"visible": False}
        h = pixels.shape[0]                      # rows come bottom first, as Agg draws them
        return {"picture": png_uri(np.asarray(pixels)[::-1]), "at": [float(x), float(self.height - y - h)],
                "alpha": 1.0 if image.get_alpha() is None else float(image.get_alpha())}

    def _sprite(self, artist):
        """Draw ``artist`` alone with matplotlib and keep the inked part as a picture."""
        hidden = [a for a in leaves(self.fig) if a is not artist and a.get_visible()]
        patches = [p for p in [self.fig.patch, *(ax.patch for ax in self.fig.axes)] if p.get_visible()]
        for other in hidden + patches:
            other.set_visible(False)
        try:
            pixels = rgba(self.canvas)
        finally:
            for other in hidden + patches:
                other.set_visible(True)
        crop, left, top = crop_to_ink(pixels)
        if crop is None:
            return {"visible": False}
        return {"picture": png_uri(crop), "at": [left, top]}

    # --- helpers -------------------------------------------------------------------------

    def _to_canvas(self, xy):
        xy = np.array(xy, dtype=float).reshape(-1, 2)
        xy[:, 1] = self.height - xy[:, 1]
        return xy

    def _clip(self, artist):
        if not artist.get_clip_on() or artist.get_clip_box() is None or artist.get_clip_path() is not None:
            return None
        x0, y0, x1, y1 = artist.get_clip_box().extents
        return [x0, self.height - y1, x1 - x0, y1 - y0]

    def _dashes(self, offset, dashes):
        return [d * self.px_per_pt for d in dashes] + [offset * self.px_per_pt] if dashes else []

    def _plain_text(self, text):
        family = text.get_fontproperties().get_family()
        return ("$" not in text.get_text() and not text.get_usetex() and not text.get_path_effects()
                and text.get_fontproperties().get_style() == "normal"
                and all(f in ("sans-serif", "DejaVu Sans") for f in family))


def _hex(color, alpha=None):
    try:
        return _hex_cached(color if isinstance(color, str) else tuple(np.ravel(color).tolist()), alpha)
    except TypeError:
        return mcolors.to_hex(mcolors.to_rgba(color, alpha), keep_alpha=True)


@functools.lru_cache(maxsize=4096)
def _hex_cached(color, alpha):
    return mcolors.to_hex(mcolors.to_rgba(color, alpha), keep_alpha=True)


def _hex_list(colors):
    return [mcolors.to_hex(c, keep_alpha=True) for c in np.atleast_2d(colors)] if len(colors) else []


def _outline(path, flip, height=None):
    """A path as polygons (curves flattened) in one array, a row of NaN between polygons.

    With ``height`` the path is in display coordinates and is moved to the canvas
    (y down); without it the path is a marker around (0, 0) and y is only flipped.
    """
    polygons = [np.array(polygon, dtype=float) for polygon in path.to_polygons(closed_only=False)]
    for polygon in polygons:
        if flip:
            polygon[:, 1] = (height - polygon[:, 1]) if height is not None else -polygon[:, 1]
    return _join(polygons)


def _finite_points(xy, width, height, extra=None):
    """Points inside a generous box around the canvas (others are never seen); with
    ``extra``, a third column (each marker's size) rides along."""
    inside = (np.all(np.isfinite(xy), axis=1) & (np.abs(xy[:, 0] - width / 2) < FAR * width)
              & (np.abs(xy[:, 1] - height / 2) < FAR * height))
    if extra is None:
        return xy[inside]
    return np.column_stack([xy, extra])[inside]


def _clip_polyline(xy, width, height):
    """Clip a polyline to a box ``FAR`` canvases wide around the canvas.

    Returns points with rows of NaN between the separate pieces. A segment from a
    visible point to one at 1e300 keeps its direction and ends at the box, so the
    browser draws what matplotlib draws with numbers it can hold.
    """
    lo = np.array([width / 2 - FAR * width, height / 2 - FAR * height])
    hi = np.array([width / 2 + FAR * width, height / 2 + FAR * height])
    if len(xy) and np.isfinite(xy).all() and (xy.min(axis=0) >= lo).all() and (xy.max(axis=0) <= hi).all():
        return xy                                  # the usual case: everything near the canvas
    with np.errstate(all="ignore"):
        inside = np.all(np.isfinite(xy), axis=1) & np.all((xy >= lo) & (xy <= hi), axis=1)
    if inside.all() or len(xy) < 2:
        return xy[inside]
    p0, p1 = xy[:-1], xy[1:]
    with np.errstate(all="ignore"):
        d = p1 - p0
        t0, t1 = np.zeros(len(d)), np.ones(len(d))
        for axis in (0, 1):                       # Liang-Barsky, all segments at once
            for bound, sign in ((lo[axis], -1.0), (hi[axis], 1.0)):
                p = sign * d[:, axis]
                q = sign * (bound - p0[:, axis])
                t = q / np.where(p == 0, 1.0, p)
                t0 = np.where(p < 0, np.maximum(t0, t), t0)
                t1 = np.where(p > 0, np.minimum(t1, t), t1)
                t0 = np.where((p == 0) & (q < 0), 2.0, t0)
        keep = (t0 <= t1) & np.all(np.isfinite(d), axis=1)
        a, b = p0 + t0[:, None] * d, p0 + t1[:, None] * d
    before = np.concatenate([[False], keep[:-1] & (t1[:-1] >= 1)])
    starts = keep & ~(before & (t0 <= 0))
    rows = np.stack([np.full_like(a, np.nan), a, b], axis=1)           # (segments, 3, 2)
    use = np.stack([starts, starts, keep], axis=1)
    use[np.argmax(starts), 0] = False                                  # no gap before the first piece
    return rows[use & keep[:, None]].reshape(-1, 2)


def _join(pieces):
    """Stack polylines into one array with a row of NaN between pieces."""
    pieces = [p for p in pieces if len(p)]
    if not pieces:
        return np.empty((0, 2))
    gap = np.full((1, 2), np.nan)
    out = [pieces[0]]
    for piece in pieces[1:]:
        out += [gap, piece]
    return np.vstack(out)

