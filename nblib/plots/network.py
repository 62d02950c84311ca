"""Diagram of a fully connected network, optionally showing what one weight influences.

Neurons are named ``(layer, index)``: layer 0 is the input layer, layer 1 the first
hidden layer, and so on; ``index`` counts from the top of the layer, starting at 0.
A connection is a pair of neurons ``((layer, a), (layer + 1, b))``.
"""

from matplotlib.patches import Circle

from nblib.checks import _describe, as_axes, as_count, as_text
from nblib.counting import layer_widths
from nblib.theme import COLORS, set_axes

#: Horizontal distance between layers and vertical distance between neurons, in data units.
LAYER_GAP = 3.0
NEURON_GAP = 1.0
RADIUS = 0.3

#: The most neurons :func:`downstream` lists, and the most connections :func:`downstream_connections` lists.
MAX_NEURONS = 10 ** 5
MAX_CONNECTIONS = 10 ** 6


def downstream(sizes, highlight):
    """Neurons whose value changes when the weight of one first-layer connection changes.

    sizes: layer widths from input to output, e.g. ``[4, 5, 3]``.
    highlight: ``(i, j)``, the connection from input ``i`` to neuron ``j`` of the first
        hidden (or output) layer.
    Returns a frozenset of ``(layer, index)``: neuron ``(1, j)`` itself and, because every
    later layer is fully connected to the one before, every neuron of layers 2 and up.
    """
    widths = layer_widths(sizes)
    i, j = _connection(widths, highlight)
    if sum(widths[2:]) > MAX_NEURONS:
        raise ValueError(f"sizes {widths} have more than {MAX_NEURONS:,} neurons after the first hidden "
                         f"layer, too many to list one by one")
    later = {(layer, n) for layer in range(2, len(widths)) for n in range(widths[layer])}
    return frozenset({(1, j)} | later)


def downstream_connections(sizes, highlight):
    """Connections that carry a changed signal when the weight of ``highlight`` changes.

    The connection ``highlight = (i, j)`` itself and every connection leaving a
    neuron in :func:`downstream`. Returns a frozenset of ``((l, a), (l + 1, b))``.
    """
    widths = layer_widths(sizes)
    i, j = _connection(widths, highlight)
    if sum(a * b for a, b in zip(widths[1:-1], widths[2:])) > MAX_CONNECTIONS:
        raise ValueError(f"sizes {widths} have more than {MAX_CONNECTIONS:,} connections after the first "
                         f"hidden layer, too many to list one by one")
    changed = downstream(widths, (i, j))
    edges = {((layer, a), (layer + 1, b))
             for (layer, a) in changed if layer + 1 < len(widths)
             for b in range(widths[layer + 1])}
    return frozenset(edges | {((0, i), (1, j))})


def network_diagram(sizes, highlight=None, ax=None, max_neurons=8, labels=None):
    """Draw a fully connected network: neurons as circles by layer, connections as thin lines.

    sizes: layer widths from input to output, e.g. ``[4, 5, 3]`` or ``[784, 15, 10]``.
    highlight: ``(i, j)`` to mark the connection from input ``i`` to neuron ``j`` of
        layer 1 and every neuron and connection downstream of it (see :func:`downstream`).
    ax: axes to draw on (default: the current axes).
    max_neurons: a layer wider than this is drawn with its first ``max_neurons - 2``
        neurons, a vertical ellipsis and its last neuron.
    labels: one text per layer, shown under it (default: "input", "hidden", "output"
        with the layer's width).

    Returns a dict of artists:
    ``"neurons"``: {(layer, index): Circle} for the neurons drawn;
    ``"connections"``: {((l, a), (l + 1, b)): Line2D};
    ``"highlighted_neurons"`` and ``"highlighted_connections"``: the keys drawn in the
    highlight colour; ``"ellipses"`` and ``"labels"``: lists of Text.
    """
    import matplotlib.pyplot as plt

    widths = layer_widths(sizes)
    max_neurons = as_count(max_neurons, "max_neurons", minimum=3, maximum=100)
    if labels is not None:
        if not isinstance(labels, (list, tuple)):
            raise TypeError(f"labels must be a list of texts, one per layer, got {_describe(labels)}")
        if len(labels) != len(widths):
            raise ValueError(f"labels must give one text per layer ({len(widths)}), got {len(labels)}")
        for label in labels:
            as_text(label, "each of labels")
    ax = plt.gca() if as_axes(ax, three_d=False) is None else ax

    shown = [_shown(width, max_neurons) for width in widths]
    if highlight is not None:
        i, j = _connection(widths, highlight)
        for name, (layer, n) in (("input", (0, i)), ("neuron", (1, j))):
            if n not in shown[layer]:
                raise ValueError(f"highlighted {name} {n} of layer {layer} falls in the elided part of the "
                                 f"layer; pick one of {shown[layer]} or raise max_neurons")
        hot_neurons = downstream(widths, (i, j))
        hot_edges = downstream_connections(widths, (i, j))
        tweaked = ((0, i), (1, j))
    else:
        hot_neurons, hot_edges, tweaked = frozenset(), frozenset(), None

    tallest = max(len(s) + (len(s) < w) for s, w in zip(shown, widths))
    position = {}
    ellipses = []
    for layer, (width, indices) in enumerate(zip(widths, shown)):
        slots = len(indices) + (len(indices) < width)
        top = (tallest - 1) / 2 * NEURON_GAP - (tallest - slots) / 2 * NEURON_GAP
        x = layer * LAYER_GAP
        for slot, n in enumerate(indices):
            if len(indices) < width and n == width - 1:
                slot += 1  # leave the slot above the last neuron for the ellipsis
                ellipses.append(ax.text(x, top - (slot - 1) * NEURON_GAP, "⋮", ha="center", va="center",
                                        fontsize=14, color=COLORS["ink"]))
            position[(layer, n)] = (x, top - slot * NEURON_GAP)

    ink, hot = COLORS["ink"], COLORS["highlight"]
    connections = {}
    for layer in range(len(widths) - 1):
        for a in shown[layer]:
            for b in shown[layer + 1]:
                key = ((layer, a), (layer + 1, b))
                is_hot = key in hot_edges
                (x0, y0), (x1, y1) = position[key[0]], position[key[1]]
                width = 2.6 if key == tweaked else (1.0 if is_hot else 0.5)
                connections[key], = ax.plot([x0, x1], [y0, y1], color=hot if is_hot else ink, lw=width,
                                            alpha=1.0 if is_hot else 0.35, zorder=2 if is_hot else 1,
                                            solid_capstyle="round")
    neurons = {}
    for key, (x, y) in position.items():
        circle = Circle((x, y), RADIUS, facecolor=hot if key in hot_neurons else "white",
                        edgecolor=ink, lw=1.2, zorder=3)
        ax.add_patch(circle)
        neurons[key] = circle

    labels = _default_labels(widths) if labels is None else labels
    bottom = -(tallest - 1) / 2 * NEURON_GAP - 0.6 * NEURON_GAP
    texts = [ax.text(layer * LAYER_GAP, bottom, text, ha="center", va="top", color=COLORS["ink"])
             for layer, text in enumerate(labels)]

    ax.set_aspect("equal")
    half = (tallest - 1) / 2 * NEURON_GAP
    set_axes(ax, xlim=(-0.8, (len(widths) - 1) * LAYER_GAP + 0.8), ylim=(bottom - 1.0, half + 0.6))
    ax.set_axis_off()
    return {
        "neurons": neurons,
        "connections": connections,
        "highlighted_neurons": {k for k in neurons if k in hot_neurons},
        "highlighted_connections": {k for k in connections if k in hot_edges},
        "ellipses": ellipses,
        "labels": texts,
    }


def _connection(widths, highlight):
    """Validate ``highlight = (i, j)`` against the layer widths; return it as two ints."""
    try:
        i, j = highlight
    except (TypeError, ValueError):
        raise TypeError(f"highlight must be a pair (input i, neuron j), got {highlight!r}") from None
    i = as_count(i, "highlight input i", minimum=0)
    j = as_count(j, "highlight neuron j", minimum=0)
    if i >= widths[0]:
        raise ValueError(f"highlight input i={i} does not exist: the input layer has {widths[0]} neurons")
    if j >= widths[1]:
        raise ValueError(f"highlight neuron j={j} does not exist: layer 1 has {widths[1]} neurons")
    return i, j


def _shown(width, max_neurons):
    """Indices of the neurons drawn for a layer of ``width`` neurons."""
    if width <= max_neurons:
        return list(range(width))
    return list(range(max_neurons - 2)) + [width - 1]


def _default_labels(widths):
    hidden = len(widths) - 2
    names = ["input"] + [("hidden" if hidden == 1 else f"hidden {k + 1}") for k in range(hidden)] + ["output"]
    return [f"{name}\n{width:,}" for name, width in zip(names, widths)]
