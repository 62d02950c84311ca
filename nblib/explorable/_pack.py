"""Pack the recorded frames of an explorable into compact, JSON-ready layers.

Each moving artist becomes one *layer*. Measured on the book's explorables, the
bytes go to coordinates and to sentences, so four generic rules keep them small:

* a field that never changes between frames is stored once (``const``);
* in a list of numbers of fixed length (the ends of seven residual bars), the
  entries that never change are stored once in a template and each frame keeps
  only the others (``slots``);
* a polyline that only grows from frame to frame (an optimizer's path along a
  steps slider) is stored once in full (``paths``, as differences between
  neighbouring points), a frame keeps its number and a length;
* a text that differs between frames only in its numbers ("MSE = 0.0181") is
  stored once as a pattern (``patterns``), a frame keeps its numbers.

What is left, each distinct state, is stored once, by column (``states`` maps a
field to its value in each state, ``count`` states in all), and every frame names
its state (``index``). A list of integers that counts up or repeats is stored as
arithmetic runs, and long lists of integers as base64 of 16- or 32-bit binary.
Coordinates are integers of 1/``QUANTUM`` pixel.
"""

import base64
import re

import numpy as np

#: Coordinates are stored in units of 1/QUANTUM pixel (a quarter pixel is below what antialiasing shows).
QUANTUM = 4

#: Fields holding coordinates, quantized to integers.
_COORDINATES = {"points", "marker_points", "outline", "marker", "at", "clip", "xy", "box_outline"}

#: Fields holding text, stored as patterns and numbers.
_TEXTS = {"strings", "text"}

#: A number as it appears in a text: sign, digits, decimals, exponent.
_NUMBER = re.compile(r"[-−]?\d+(?:[.,]\d+)*(?:e[-+]?\d+)?")


def pack_layers(kinds, frames):
    """``kinds``: one kind per layer; ``frames``: per frame, one state dict per layer.

    Returns the list of layers, each ``{"kind", "const", "states", "count", "index"}`` and, where
    used, ``"slots"``, ``"paths"`` and ``"patterns"`` (see the module docstring).
    """
    return [_pack_one(kind, [_canonical(frame[k]) for frame in frames]) for k, kind in enumerate(kinds)]


def _pack_one(kind, states):
    names = sorted({name for state in states for name in state})
    const = {}
    for name in names:
        first = states[0].get(name)
        if all(state.get(name) == first for state in states):
            const[name] = first
    varying = [{n: v for n, v in state.items() if n not in const} for state in states]
    layer = {"kind": kind, "const": const}
    for name in sorted({n for state in varying for n in state}):
        column = [state.get(name) for state in varying]
        if name in _TEXTS:
            patterns, column = _patterns(column)
            layer.setdefault("patterns", {})[name] = patterns
        elif name in _COORDINATES and _same_length(column):
            base, slots, column = _slots(column)
            if slots is not None:
                layer.setdefault("slots", {})[name] = {"base": base, "at": slots}
        elif name == "points":
            paths, refs = _share_prefixes(column)
            layer["paths"] = [_binary(_deltas(path)) for path in paths]
            for state, ref in zip(varying, refs):
                del state["points"]
                if ref is not None:
                    state["points_path"], state["points_length"] = ref
            continue
        for state, value in zip(varying, column):
            state[name] = value
    table, unique, index = {}, [], []
    for state in varying:
        key = repr(sorted(state.items()))
        if key not in table:
            table[key] = len(unique)
            unique.append(state)
        index.append(table[key])
    columns = sorted({name for state in unique for name in state})
    layer["states"] = {name: _compress_column([state.get(name) for state in unique]) for name in columns}
    layer["count"] = len(unique)
    layer["index"] = None if index == list(range(len(index))) else _binary(_int_runs(index))
    return layer


def _same_length(column):
    return all(isinstance(v, list) for v in column) and len({len(v) for v in column}) == 1 and len(column[0]) > 0


def _slots(column):
    """Split lists of equal length into the entries every frame shares and, per frame, the rest.

    Returns ``(base, positions, per_frame)``; ``positions`` is None when nothing is shared.
    """
    rows = np.array([[np.nan if v is None else v for v in row] for row in column], dtype=float)
    same = np.all((rows == rows[0]) | (np.isnan(rows) & np.isnan(rows[0])), axis=0)
    if not same.any():
        return None, None, column
    positions = np.flatnonzero(~same).tolist()
    base = [column[0][i] if same[i] else None for i in range(len(column[0]))]
    return base, positions, [[row[i] for i in positions] for row in column]


def _patterns(column):
    """Texts as ``"pattern number|number|number..."`` with the patterns stored once.

    A pattern is the text with each number replaced by a NUL; a list of texts (a
    text's lines) becomes a list of such entries. With a single pattern the entries
    hold only the numbers.
    """
    patterns, where = [], {}

    def encode(text):
        if not isinstance(text, str):
            return text
        numbers = _NUMBER.findall(text)
        pattern = _NUMBER.sub("\x00", text)
        if pattern not in where:
            where[pattern] = len(patterns)
            patterns.append(pattern)
        return "|".join([str(where[pattern]), *numbers])

    encoded = [[encode(t) for t in value] if isinstance(value, list) else encode(value) for value in column]
    if len(patterns) == 1:                       # one pattern: its number need not be repeated
        drop = lambda e: e[2:] if isinstance(e, str) else e
        encoded = [[drop(e) for e in value] if isinstance(value, list) else drop(value) for value in encoded]
    return patterns, encoded


def _share_prefixes(column):
    """Store each polyline that is not a prefix of a longer one once; frames then hold
    ``[path number, number of points]`` in place of their points."""
    paths, where = [], {}
    order = sorted(range(len(column)), key=lambda i: -len(column[i] or []))
    out = list(column)
    for i in order:
        points = column[i]
        if points is None:
            continue
        key = tuple(points)
        if key not in where:
            paths.append(points)
            for n in range(0, len(points) + 1, 2):     # every prefix of whole points
                where.setdefault(tuple(points[:n]), (len(paths) - 1, n // 2))
        out[i] = list(where[key])
    return paths, out


def _int_runs(values):
    """A list of integers as ``{"runs": [first, step, count, ...]}`` (arithmetic runs) when that
    is shorter: a frame index that counts up, a path number repeated along a steps slider."""
    runs = []
    k = 0
    while k < len(values):
        step = values[k + 1] - values[k] if k + 1 < len(values) else 0
        n = 1
        while k + n < len(values) and values[k + n] - values[k + n - 1] == step:
            n += 1
        if n == 1:
            step = 0
        runs += [values[k], step, n]
        k += n
    return {"runs": _binary(runs)} if len(runs) < len(values) else values


def _compress_column(column):
    """A column of integers as arithmetic runs or binary, a column of integer lists as one
    binary array plus lengths (-1 for a state without the field); anything else as it is."""
    if column and all(_is_int(v) for v in column):
        return _binary(_int_runs(column))
    if column and all(v is None or (isinstance(v, list) and all(_is_int(x) or x is None for x in v))
                      for v in column):
        flat = [x for v in column if v is not None for x in v]
        lengths = [-1 if v is None else len(v) for v in column]
        return {"ragged": _binary(flat, at_least=0), "lengths": _binary(_int_runs(lengths))}
    return column


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


#: Stands for None (a gap in a path) in binary integer arrays.
_GAP16, _GAP32 = -(2 ** 15), -(2 ** 31)


def _binary(values, at_least=16):
    """A list of integers (None allowed) as base64 of little-endian int16 or int32, when it has at
    least ``at_least`` entries and fits: about half the characters of JSON numbers."""
    if not isinstance(values, list) or len(values) < at_least or not all(_is_int(v) or v is None for v in values):
        return values
    numbers = [v for v in values if v is not None]
    for kind, gap, dtype in (("b16", _GAP16, "<i2"), ("b32", _GAP32, "<i4")):
        if all(gap < v <= -gap - 1 for v in numbers):
            array = np.array([gap if v is None else v for v in values], dtype=dtype)
            return {kind: base64.b64encode(array.tobytes()).decode("ascii")}
    return values


def _deltas(path):
    """A flat [x0, y0, x1, y1, ...] path (None between pieces) as differences from the previous
    point, which are small numbers; a point after None is absolute."""
    out, previous = [], None
    for k in range(0, len(path), 2):
        x, y = path[k], path[k + 1]
        if x is None or y is None:
            out += [None, None]
            previous = None
        elif previous is None:
            out += [x, y]
            previous = (x, y)
        else:
            out += [x - previous[0], y - previous[1]]
            previous = (x, y)
    return out


def _canonical(state):
    """JSON-ready copy of a recorded state: coordinates as integers, numbers rounded."""
    out = {}
    for name, value in state.items():
        if name in _COORDINATES:
            out[name] = _quantize(value)
        elif isinstance(value, (float, np.floating)):
            out[name] = round(float(value), 2)
        elif isinstance(value, list) and value and isinstance(value[0], (float, np.floating)):
            out[name] = [round(float(v), 2) for v in value]
        else:
            out[name] = value
    return out


def _quantize(value):
    """Coordinates (an array or None) as a flat list of integers of 1/QUANTUM pixel; NaN as None."""
    if value is None:
        return None
    ints = np.round(np.asarray(value, dtype=float).ravel() * QUANTUM)
    finite = np.isfinite(ints)
    if finite.all():
        return ints.astype(np.int64).tolist()
    out = np.where(finite, ints, 0).astype(np.int64).astype(object)
    out[~finite] = None
    return out.tolist()
