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
from nblib.explorable._live import SPEEDS
from nblib.explorable._panels import panels
from nblib.explorable._picture import png_uri, rgba
from nblib.explorable._record import Recorder, draw_order, leaves, population, touched, view_limits


def scrubber_html(explorable):
    """The HTML of ``explorable``'s static form; raises ValueError naming it when it is over budget."""
    from nblib.explorable import MAX_EMBED_BYTES, MIN_TEXT_PX, Choice

    data = record(explorable)
    data["sliders"] = [{"label": s.label, "readouts": [s.readout(v) for v in s.values], "start": s.start,
                        "play": s.play, "autoplay": s.autoplay, "kind": "choice" if isinstance(s, Choice) else "range"}
                       for s in explorable.sliders]
    data["speeds"] = SPEEDS
    data["min_text"] = MIN_TEXT_PX
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
        f"hidden></canvas><div class=\"explorable-panels\" hidden></div></div>"
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
    """Record every frame of ``explorable``: background, foreground, packed layers and panels (a dict).

    Which artists move is first found on a sample of frames (every slider at its ends, and
    an even spread of the rest); recording then calls ``update`` once per frame and checks
    that nothing else moved, starting again with the larger set if something did.

    A :class:`~nblib.explorable.Choice` with ``backdrop=True`` splits the frames into groups,
    one per value (per combination of such choices): each group has its own background, and
    the frames are recorded group by group, so what changes only between groups (a surface's
    contour lines, its axis limits) is drawn in that group's background, once.
    """
    fig = explorable.figure
    grid = list(explorable.grid())
    every = leaves(fig)
    keys = [k for k, s in enumerate(explorable.sliders) if getattr(s, "backdrop", False)]
    groups = {}
    for position, indices in enumerate(grid):
        groups.setdefault(tuple(indices[k] for k in keys), []).append(position)
    groups = [groups[key] for key in sorted(groups)]       # row-major over the backdrop choices
    sample = _sample(explorable, grid)

    moving, references = set(), []
    for group in groups:
        explorable.show(grid[group[0]])                    # switch to the group: not a move
        references.append((population(fig), view_limits(fig)))
        first = grid[group[0]]
        local = sorted({tuple(first[k] if k in keys else i for k, i in enumerate(indices)) for indices in sample})
        for indices in local:
            ids, _ = touched(every, explorable.update, explorable.values_at(indices))
            moving |= ids
            if (population(fig), view_limits(fig)) != references[-1]:
                return _whole_frames(explorable, grid)
    while True:
        artists = draw_order(fig, [a for a in every if id(a) in moving])
        backdrops = [_backdrops(explorable, artists, grid[group[0]]) for group in groups]
        recorded = _record_frames(explorable, grid, groups, references, every, artists)
        if recorded is None:
            return _whole_frames(explorable, grid)
        more, kinds, frames = recorded
        if not more:
            break
        moving |= more
    data = {"width": explorable.width_px, "height": explorable.height_px, "quantum": QUANTUM,
            "default": grid.index(explorable.default_indices), "layers": pack_layers(kinds, frames)}
    if keys:
        for n, field in enumerate(("background", "foreground")):
            pictures = [b[n] for b in backdrops]
            unique = list(dict.fromkeys(pictures))
            data[field] = (None if unique == [None] else
                           {"controls": keys, "pictures": unique, "index": [unique.index(p) for p in pictures]})
    else:
        data["background"], data["foreground"] = backdrops[0]
    data["panels"] = panels(explorable, [explorable.default_indices] + [grid[g[0]] for g in groups if keys])
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


def _record_frames(explorable, grid, groups, references, every, artists):
    """Each frame's state of ``artists`` (and the sentence ``update`` returned, as a "say" layer),
    recorded group by group (see :func:`record`), returned in grid order.

    Returns ``(more, kinds, frames)``: ``more`` holds the ids of artists that moved but were
    not in ``artists`` (record again with them); None if axis limits or artists changed."""
    fig = explorable.figure
    recorder = Recorder(fig, explorable.canvas)
    kinds = [recorder.kind(a) for a in artists]
    known = {id(a) for a in artists}
    frames, said = [None] * len(grid), [""] * len(grid)
    for group, reference in zip(groups, references):
        explorable.show(grid[group[0]])
        for position in group:
            ids, result = touched(every, explorable.update, explorable.values_at(grid[position]))
            if (population(fig), view_limits(fig)) != reference:
                return None
            if not ids <= known:
                return ids - known, None, None
            said[position] = result if isinstance(result, str) else ""
            frames[position] = [recorder.state(a, kind) for a, kind in zip(artists, kinds)]
    _add_sentences(kinds, frames, said)
    return set(), kinds, frames


def _backdrops(explorable, moving, indices):
    """The picture of everything that never moves (at the frame ``indices``), and (when some static
    artist is drawn above a moving one, e.g. data points over a line) a transparent picture of those
    artists alone."""
    fig, canvas = explorable.figure, explorable.canvas
    explorable.show(indices)
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
            "layers": pack_layers(kinds, frames), "panels": panels(explorable, [explorable.default_indices])}


def _add_sentences(kinds, frames, said):
    """When ``update`` described any frame, keep its sentences as one more layer, "say"."""
    if any(said):
        kinds.append("say")
        for frame, sentence in zip(frames, said):
            frame.append({"text": sentence})


def _control(uid, k, slider):
    if getattr(slider, "backdrop", None) is not None:
        return _choice(uid, k, slider)
    label = html.escape(slider.label)
    readout = html.escape(slider.readout(slider.values[slider.start]))
    play = ""
    if slider.play:
        speed = "fast" if slider.autoplay else "normal"
        play = (f'<span class="explorable-player">'
                f'<button type="button" class="explorable-play" data-slider="{k}" aria-label="Play {label}">'
                f"Play</button>"
                f'<label class="explorable-speed">speed <select data-slider="{k}">'
                + "".join(f'<option value="{fps}"{" selected" if name == speed else ""}>{name}</option>'
                          for name, fps in SPEEDS.items())
                + "</select></label></span>")
    return (
        f'<div class="explorable-slider">'
        f'<label for="{uid}-in-{k}" class="explorable-name">{label}</label>'
        f'<input id="{uid}-in-{k}" type="range" min="0" max="{len(slider.values) - 1}" step="1" '
        f'value="{slider.start}" data-slider="{k}" aria-valuetext="{readout}">'
        f'<output for="{uid}-in-{k}">{readout}</output>{play}'
        f"</div>"
    )


def _choice(uid, k, choice):
    """A choice as a radio group of buttons: one tab stop (the checked button), arrow keys move."""
    label = html.escape(choice.label)
    buttons = "".join(
        f'<button type="button" role="radio" class="explorable-option" data-slider="{k}" data-value="{i}" '
        f'aria-checked="{"true" if i == choice.start else "false"}" tabindex="{0 if i == choice.start else -1}">'
        f"{html.escape(choice.readout(value))}</button>"
        for i, value in enumerate(choice.values))
    return (
        f'<div class="explorable-slider explorable-choice">'
        f'<span id="{uid}-name-{k}" class="explorable-name">{label}</span>'
        f'<span class="explorable-options" role="radiogroup" aria-labelledby="{uid}-name-{k}" '
        f'data-slider="{k}">{buttons}</span>'
        f"</div>"
    )
