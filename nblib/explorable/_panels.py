"""Panels: where an explorable's picture may be cut into columns that stack on a narrow screen.

A figure of two or three plots side by side is about 690 pixels wide; shrunk to a 390 px phone
its text would be 5 px tall. The web book draws each frame once and shows it as one canvas per
*panel* (a column of the figure holding one or more plots and their labels): side by side they
are the figure, and where the whole figure would shrink its text below
:data:`~nblib.explorable.MIN_TEXT_PX` the panels stack, each at a readable size
(``explorable.js``). Nothing is recorded twice: a panel is a part of the same frame.

A cut runs down a column of pixels that no frame inks, in the gap between two plots (or between
the last plot and a legend beside it), so no label is split. Each panel also carries the height
in pixels of its smallest text, from which the page knows how small it may draw the panel.
"""

import numpy as np
from matplotlib.text import Text

#: Columns whose pixels differ from white by at most this much (summed over RGB) count as blank.
BLANK = 24

#: A cut needs a blank gap at least this wide (pixels), and leaves panels at least MIN_PANEL wide.
MIN_GAP = 2
MIN_PANEL = 80

#: Blank rows kept above and below a panel trimmed to its ink (pixels).
MARGIN = 6


def panels(explorable, frames):
    """The panels of ``explorable``: ``[{"x": left, "w": width, "y": top, "h": height,
    "text": smallest text px,
    "parts": [[x0, x1, y0, y1], ...]}, ...]`` from its ink in ``frames`` (slider indices: the
    default frame, and the first of each backdrop) and the positions of its axes (none: one panel,
    the whole figure). A moving text that reaches across a gap in some other frame is cut there.

    The figure is read in two bands: the titles above the highest plot, and the plots below.
    Each gap between plots is cut in each band at the middle of its first blank run, so a title
    that reaches over the next plot's axis label stays whole: a panel is the part of its band
    between its cuts (``parts``, in figure pixels), and ``x``, ``w`` bound its parts.
    """
    fig = explorable.figure
    width, height = explorable.width_px, explorable.height_px
    spans, top = _axes_spans(fig, width, height)
    inked = np.zeros((height, width), bool)
    for indices in list(dict.fromkeys(tuple(f) for f in frames))[:16]:
        pixels = explorable.pixels(indices)[..., :3].astype(int)
        inked |= np.abs(255 - pixels).sum(-1) > BLANK
    ink = np.stack([inked[:top].any(axis=0), inked[top:].any(axis=0)])
    band_cuts = []
    edges = [x for span in spans for x in span] + [width]
    for left, right in zip(edges[1::2], edges[2::2]):       # the gaps between the plots, and after them
        left, right = int(np.floor(left)), int(np.ceil(right))
        cuts = [_blank_middle(ink[b], left, right) for b in (0, 1)]
        if cuts[1] is None:
            continue
        if cuts[0] is None:                                # nothing written above this gap
            cuts[0] = cuts[1] if not ink[0][min(cuts[1], width - 1)] else None
        if cuts[0] is not None:
            band_cuts.append(tuple(cuts))
    inner = sorted(set(c for c in band_cuts if 0 < min(c) and max(c) < width))
    bounds = _merge_narrow([(0, 0)] + inner + [(width, width)])
    sizes = _text_sizes(fig, explorable)
    out = []
    for (t0, b0), (t1, b1) in zip(bounds[:-1], bounds[1:]):
        x0, x1 = min(t0, b0), max(t1, b1)
        inside = [px for x, px in sizes if min(b0, t0) <= min(max(x, 0), width - 1) < max(b1, t1)]
        parts = [[int(t0), int(t1), 0, int(top)], [int(b0), int(b1), int(top), int(height)]]
        parts = [p for p in parts if p[1] > p[0] and p[3] > p[2]]
        y0, y1 = _rows(inked, parts, height) if len(bounds) > 2 else (0, height)
        parts = [[p[0], p[1], max(p[2], y0), min(p[3], y1)] for p in parts]
        out.append({"x": int(x0), "w": int(x1 - x0), "y": y0, "h": y1 - y0,
                    "text": round(min(inside), 2) if inside else None,
                    "parts": [p for p in parts if p[3] > p[2]]})
    return out


def _rows(inked, parts, height, margin=MARGIN):
    """The rows a panel needs: from its first inked row to its last, and ``margin`` more, or every
    row when that trims little (a legend beside a map needs only its own height when stacked)."""
    rows = np.zeros(height, bool)
    for x0, x1, y0, y1 in parts:
        rows[y0:y1] |= inked[y0:y1, x0:x1].any(axis=1)
    found = np.flatnonzero(rows)
    if not len(found):
        return 0, height
    y0, y1 = max(int(found[0]) - margin, 0), min(int(found[-1]) + 1 + margin, height)
    return (y0, y1) if (height - (y1 - y0)) > 4 * margin else (0, height)


def _axes_spans(fig, width, height):
    """The x-extents (pixels) of the figure's plots, overlapping ones merged, left to right, and the
    row (pixels from the top) where the highest plot begins; the picture axes of
    :func:`~nblib.explorable.freeze_background` (the whole figure) is left out."""
    spans, tops = [], []
    for ax in fig.axes:
        box = ax.get_position()
        if box.width > 0.98 and box.height > 0.98:
            continue
        spans.append([box.x0 * width, box.x1 * width])
        tops.append((1 - box.y1) * height)
    merged = []
    for left, right in sorted(spans):
        if merged and left <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], right)
        else:
            merged.append([left, right])
    top = int(np.clip(np.floor(min(tops)) - 1, 1, height - 1)) if tops else height // 2
    return merged, top


def _blank_middle(ink, left, right):
    """The middle of the first run of blank columns in ``[left, right)`` that has ink on both sides.

    The first, nearest the plot on the left: what follows it in a gap (tick labels, an axis
    label) belongs to the plot on the right."""
    left, right = max(left, 0), min(right, len(ink))
    start = None
    for x in range(left, right + 1):
        blank = x < right and not ink[x]
        if blank and start is None:
            start = x
        elif not blank and start is not None:
            if x - start >= MIN_GAP and ink[:start].any() and ink[x:].any():
                return (start + x) // 2
            start = None
    return None


def _merge_narrow(bounds):
    """Merge a panel narrower than MIN_PANEL (a colour bar, a lone label) into a neighbour;
    ``bounds`` are (title cut, plot cut) pairs, and a panel's width is the narrower of its bands."""
    bounds = list(bounds)
    while len(bounds) > 2:
        widths = np.minimum(np.diff([b[0] for b in bounds]), np.diff([b[1] for b in bounds]))
        k = int(np.argmin(widths))
        if widths[k] >= MIN_PANEL:
            break
        if k == 0:
            del bounds[1]
        elif k == len(widths) - 1:
            del bounds[-2]
        else:                                   # join the nearer neighbour (the narrower result)
            del bounds[k if widths[k - 1] <= widths[k + 1] else k + 1]
    return bounds


def _text_sizes(fig, explorable):
    """``(x, pixels)`` for every text of the figure with characters: where it is and how tall its
    font is. Texts hidden by freeze_background count, as their picture shows them."""
    explorable.show(explorable.default_indices)
    px_per_pt = fig.dpi / 72.0
    found = []
    for text in fig.findobj(Text):
        if not text.get_text().strip() or text.figure is None:
            continue
        try:
            x, _ = text.get_transform().transform(text.get_unitless_position())
        except (ValueError, TypeError):
            continue
        if not np.isfinite(x) or not -20 <= x <= explorable.width_px + 20:
            continue
        found.append((float(x), text.get_fontsize() * px_per_pt))
    return found
