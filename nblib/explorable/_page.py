"""The static form of an explorable: a background picture, frames as data, and controls.

The HTML holds the default frame as an ``<img>`` (what print and readers without
JavaScript see), a ``<canvas>`` that the book's shared script
``_static/explorable.js`` draws frames on, one labelled range input per slider
(with a play button for ``play`` sliders), a live region that reads out each
frame, and the frames themselves as JSON (see :mod:`._pack` for the layout).
"""

import hashlib
import html
import itertools
import json

import numpy as np

from nblib.explorable._pack import QUANTUM, pack_layers
from nblib.explorable._picture import png_uri, rgba
from nblib.explorable._record import Recorder, draw_order, leaves, population, touched, view_limits


def scrubber_html(explorable):
    """The HTML of ``explorable``'s static form; raises ValueError naming it when it is over budget."""
    from nblib.explorable import MAX_EMBED_BYTES

    data = record(explorable)
    data["sliders"] = [{"label": s.label, "readouts": [s.readout(v) for v in s.values], "start": s.start,
                        "play": s.play} for s in explorable.sliders]
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    uid = "explorable-" + hashlib.sha1(payload.encode()).hexdigest()[:10]
    still = png_uri(explorable.pixels(explorable.default_indices)[..., :3])
    width, height = explorable.width_px, explorable.height_px
    alt = html.escape(explorable.alt)
    page = (
        f'<div class="explorable" id="{uid}" data-name="{html.escape(explorable.name)}" '
        f'style="max-width: {width}px">'
        f'<div class="explorable-stage">'
        f'<img class="explorable-still" src="{still}" alt="{alt}" width="{width}" height="{height}">'
        f'<canvas class="explorable-canvas" width="{width}" height="{height}" role="img" aria-label="{alt}" '
        f"hidden></canvas></div>"
        f'<div class="explorable-controls" hidden>{"".join(_control(uid, k, s) for k, s in enumerate(explorable.sliders))}'
        f"</div>"
        f'<p class="explorable-status" aria-live="polite"></p>'
        f'<script type="application/json" class="explorable-data">{payload}</script>'
        "</div>"
    )
    size = len(page.encode())
    if size > MAX_EMBED_BYTES:
        raise ValueError(f"explorable {explorable.name!r} embeds {size / 1e6:.2f} MB, over the budget of "
                         f"{MAX_EMBED_BYTES / 1e6:.1f} MB per explorable: use fewer slider values or move "
                         "less in update")
    return page


def record(explorable):
    """Record every frame of ``explorable``: background, foreground and packed layers (a dict).

    Which artists move is first found on a sample of frames (every slider at its ends, and
    an even spread of the rest); recording then calls ``update`` once per frame and checks
    that nothing else moved, starting again with the larger set if something did.
    """
    fig = explorable.figure
    grid = list(explorable.grid())
    every = leaves(fig)
    limits, count = view_limits(fig), population(fig)

    def unchanged():
        return population(fig) == count and view_limits(fig) == limits

    moving = set()
    for indices in _sample(explorable, grid):
        ids, _ = touched(every, explorable.update, explorable.values_at(indices))
        moving |= ids
        if not unchanged():
            return _whole_frames(explorable, grid)
    while True:
        artists = draw_order(fig, [a for a in every if id(a) in moving])
        backdrops = _backdrops(explorable, artists)
        recorded = _record_frames(explorable, grid, every, artists, unchanged)
        if recorded is None:
            return _whole_frames(explorable, grid)
        more, kinds, frames = recorded
        if not more:
            break
        moving |= more
    data = {"width": explorable.width_px, "height": explorable.height_px, "quantum": QUANTUM,
            "default": grid.index(explorable.default_indices),
            "background": backdrops[0], "foreground": backdrops[1], "layers": pack_layers(kinds, frames)}
    return data


def _sample(explorable, grid, size=300):
    """The frames that find the moving artists: every corner of the slider grid, each slider's
    ends with the others at their defaults, and about ``size`` frames spread evenly."""
    if len(grid) <= size:
        return grid
    ends = [(0, len(s.values) - 1) for s in explorable.sliders]
    corners = set(itertools.product(*ends))
    default = explorable.default_indices
    for k, (first, last) in enumerate(ends):
        for end in (first, last):
            corners.add(default[:k] + (end,) + default[k + 1:])
    return sorted(corners) + grid[::max(1, len(grid) // size)]


def _record_frames(explorable, grid, every, artists, unchanged):
    """Each frame's state of ``artists`` (and the sentence ``update`` returned, as a "say" layer).

    Returns ``(more, kinds, frames)``: ``more`` holds the ids of artists that moved but were
    not in ``artists`` (record again with them); None if axis limits or artists changed."""
    recorder = Recorder(explorable.figure, explorable.canvas)
    kinds = [recorder.kind(a) for a in artists]
    known = {id(a) for a in artists}
    frames, said = [], []
    for indices in grid:
        ids, result = touched(every, explorable.update, explorable.values_at(indices))
        if not unchanged():
            return None
        if not ids <= known:
            return ids - known, None, None
        said.append(result if isinstance(result, str) else "")
        frames.append([recorder.state(a, kind) for a, kind in zip(artists, kinds)])
    _add_sentences(kinds, frames, said)
    return set(), kinds, frames


def _backdrops(explorable, moving):
    """The picture of everything that never moves, and (when some static artist is drawn above a
    moving one, e.g. data points over a line) a transparent picture of those artists alone."""
    fig, canvas = explorable.figure, explorable.canvas
    explorable.show(explorable.default_indices)
    every = leaves(fig)
    visible = {id(a): a.get_visible() for a in every}
    moving_ids = {id(a) for a in moving}
    lowest = {}
    for artist in moving:
        key = id(artist.axes)
        lowest[key] = min(lowest.get(key, np.inf), artist.get_zorder())
    above = [a for a in every if id(a) not in moving_ids and visible[id(a)] and a.axes is not None
             and a.get_zorder() > lowest.get(id(a.axes), np.inf)]
    patches = [fig.patch, *(ax.patch for ax in fig.axes)]
    patch_visible = [p.get_visible() for p in patches]
    try:
        for artist in moving + above:
            artist.set_visible(False)
        background = png_uri(rgba(canvas)[..., :3])
        foreground = None
        if above:
            for artist in every:
                artist.set_visible(False)
            for artist in patches:
                artist.set_visible(False)
            for artist in above:
                artist.set_visible(True)
            foreground = png_uri(rgba(canvas))
    finally:
        for artist in every:
            artist.set_visible(visible[id(artist)])
        for artist, was in zip(patches, patch_visible):
            artist.set_visible(was)
    return background, foreground


def _whole_frames(explorable, grid):
    """When ``update`` changes axis limits or adds artists, nothing is static: store whole pictures."""
    frames, said = [], []
    for indices in grid:
        result = explorable.show(indices)
        said.append(result if isinstance(result, str) else "")
        frames.append([{"visible": True, "picture": png_uri(rgba(explorable.canvas)[..., :3]), "at": [0, 0]}])
    kinds = ["sprite"]
    _add_sentences(kinds, frames, said)
    return {"width": explorable.width_px, "height": explorable.height_px, "quantum": QUANTUM,
            "default": grid.index(explorable.default_indices), "background": None, "foreground": None,
            "layers": pack_layers(kinds, frames)}


def _add_sentences(kinds, frames, said):
    """When ``update`` described any frame, keep its sentences as one more layer, "say"."""
    if any(said):
        kinds.append("say")
        for frame, sentence in zip(frames, said):
            frame.append({"text": sentence})


def _control(uid, k, slider):
    label = html.escape(slider.label)
    readout = html.escape(slider.readout(slider.values[slider.start]))
    play = ""
    if slider.play:
        play = (f'<span class="explorable-player">'
                f'<button type="button" class="explorable-play" data-slider="{k}" aria-label="Play {label}">'
                f"Play</button>"
                f'<label class="explorable-speed">speed <select data-slider="{k}">'
                '<option value="4">slow</option><option value="12" selected>normal</option>'
                '<option value="30">fast</option></select></label></span>')
    return (
        f'<div class="explorable-slider">'
        f'<label for="{uid}-in-{k}" class="explorable-name">{label}</label>'
        f'<input id="{uid}-in-{k}" type="range" min="0" max="{len(slider.values) - 1}" step="1" '
        f'value="{slider.start}" data-slider="{k}" aria-valuetext="{readout}">'
        f'<output for="{uid}-in-{k}">{readout}</output>{play}'
        f"</div>"
    )
