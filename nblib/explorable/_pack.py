"""Pack the recorded frames of an explorable into compact, JSON-ready layers.

Each moving artist becomes one *layer*: the fields that never change between
frames are stored once (``const``), the distinct combinations of the others
once each (``states``), and each frame names its state by index. Coordinates
become small integers in units of 1/``QUANTUM`` pixel. A polyline that only
grows from frame to frame (an optimizer's path along a steps slider) is stored
once in full (``paths``); a frame keeps a reference and a length.
"""

import numpy as np

#: Coordinates are stored in units of 1/QUANTUM pixel (a quarter pixel is below what antialiasing shows).
QUANTUM = 4

#: Fields holding coordinates, quantized to integers.
_COORDINATES = {"points", "marker_points", "outline", "marker", "at", "clip"}


def pack_layers(kinds, frames):
    """``kinds``: one kind per layer; ``frames``: per frame, one state dict per layer.

    Returns the list of layers, each ``{"kind", "const", "states", "index", "paths"?}``.
    """
    layers = []
    for k, kind in enumerate(kinds):
        states = [_canonical(frame[k]) for frame in frames]
        layers.append(_pack_one(kind, states))
    return layers


def _pack_one(kind, states):
    names = sorted({name for state in states for name in state})
    const = {}
    for name in names:
        first = states[0].get(name)
        if all(state.get(name) == first for state in states):
            const[name] = first
    varying = [{n: v for n, v in state.items() if n not in const} for state in states]
    layer = {"kind": kind, "const": const}
    if any(varying) and "points" in varying[0]:
        layer["paths"], varying = _share_prefixes(varying)
    table, states_out, index = {}, [], []
    for state in varying:
        key = repr(sorted(state.items()))
        if key not in table:
            table[key] = len(states_out)
            states_out.append(state)
        index.append(table[key])
    layer["states"] = states_out
    layer["index"] = None if index == list(range(len(index))) else _run_lengths(index)
    return layer


def _share_prefixes(states):
    """Store each polyline that is not a prefix of a longer one once; states then hold
    ``[path number, number of points]`` in place of their points."""
    paths, where = [], {}
    order = sorted(range(len(states)), key=lambda i: -len(states[i].get("points") or []))
    for i in order:
        points = states[i].get("points")
        if points is None:
            continue
        key = tuple(points)
        if key not in where:
            paths.append(points)
            flat = paths[-1]
            for n in range(0, len(flat) + 1, 2):     # every prefix of whole points
                where.setdefault(tuple(flat[:n]), (len(paths) - 1, n // 2))
        states[i] = {**states[i], "points": list(where[key])}
    return paths, states


def _run_lengths(index):
    """``[value, count, value, count, ...]`` when that is shorter than the plain list."""
    runs = []
    for value in index:
        if runs and runs[-2] == value:
            runs[-1] += 1
        else:
            runs += [value, 1]
    return {"runs": runs} if len(runs) < len(index) else index


def _canonical(state):
    """JSON-ready copy of a recorded state: coordinates as integers, numbers rounded."""
    out = {}
    for name, value in state.items():
        if name in _COORDINATES:
            out[name] = _quantize(value)
        elif name == "lines":
            out[name] = [[text, *_quantize(np.array(xy, dtype=float))] for text, *xy in value]
        elif name == "box":
            out[name] = _canonical(value)
        elif isinstance(value, (float, np.floating)):
            out[name] = round(float(value), 2)
        elif isinstance(value, list) and value and isinstance(value[0], (float, np.floating)):
            out[name] = [round(float(v), 2) for v in value]
        else:
            out[name] = value
    return out


def _quantize(value):
    """Coordinates (an array, a list of arrays, or None) as integers of 1/QUANTUM pixel; NaN as None."""
    if value is None:
        return None
    if isinstance(value, list) and value and isinstance(value[0], np.ndarray):
        return [_quantize(v) for v in value]
    array = np.asarray(value, dtype=float).ravel()
    ints = np.round(array * QUANTUM)
    finite = np.isfinite(ints)
    return [int(v) if ok else None for v, ok in zip(ints.tolist(), finite.tolist())]
