import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.figure import Figure

from nblib.plots.network import downstream, downstream_connections, network_diagram
from nblib.theme import COLORS


def axes():
    return Figure().subplots()


def same_colour(a, b):
    return mcolors.to_hex(a) == mcolors.to_hex(b)


# --- the pure logic ---------------------------------------------------------------------------


def test_downstream_in_a_single_hidden_layer_network():
    # 4-5-3: input 1 -> hidden 2 changes hidden 2 and all three outputs, nothing else.
    assert downstream([4, 5, 3], (1, 2)) == {(1, 2), (2, 0), (2, 1), (2, 2)}


def test_downstream_in_a_deeper_network():
    # 3-4-4-2: input 0 -> hidden neuron 3 changes that neuron, all of layer 2 and all outputs.
    expected = {(1, 3), (2, 0), (2, 1), (2, 2), (2, 3), (3, 0), (3, 1)}
    assert downstream([3, 4, 4, 2], (0, 3)) == expected


def test_downstream_without_hidden_layers_is_one_output():
    assert downstream([3, 2], (2, 1)) == {(1, 1)}


def test_downstream_connections_by_hand():
    # 2-2-1, input 0 -> hidden 1: that connection and the one from hidden 1 to the output.
    assert downstream_connections([2, 2, 1], (0, 1)) == {((0, 0), (1, 1)), ((1, 1), (2, 0))}
    # 2-2-2-1, input 1 -> hidden 0: 1 + 2 (from hidden 0) + 2 (layer 2 -> output) connections.
    edges = downstream_connections([2, 2, 2, 1], (1, 0))
    assert edges == {((0, 1), (1, 0)), ((1, 0), (2, 0)), ((1, 0), (2, 1)), ((2, 0), (3, 0)), ((2, 1), (3, 0))}


@given(st.lists(st.integers(1, 6), min_size=2, max_size=5), st.data())
def test_downstream_counts(sizes, data):
    i = data.draw(st.integers(0, sizes[0] - 1))
    j = data.draw(st.integers(0, sizes[1] - 1))
    neurons = downstream(sizes, (i, j))
    assert len(neurons) == 1 + sum(sizes[2:])
    edges = downstream_connections(sizes, (i, j))
    later = sum(a * b for a, b in zip(sizes[2:-1], sizes[3:]))
    assert len(edges) == 1 + (sizes[2] if len(sizes) > 2 else 0) + later
    # every changed connection starts at a changed neuron, or is the tweaked one
    assert all(start in neurons or (start, end) == ((0, i), (1, j)) for start, end in edges)


@pytest.mark.parametrize("highlight, error, message", [
    ((4, 0), ValueError, "input i=4"),
    ((0, 5), ValueError, "j=5"),
    ((-1, 0), ValueError, "highlight input i"),
    ((0.5, 1), TypeError, "highlight input i"),
    (3, TypeError, "pair"),
    ((1, 2, 3), TypeError, "pair"),
])
def test_bad_highlight(highlight, error, message):
    with pytest.raises(error, match=message):
        downstream([4, 5, 3], highlight)


def test_bad_sizes():
    with pytest.raises(ValueError, match="at least an input and an output"):
        downstream([4], (0, 0))
    with pytest.raises(ValueError):
        network_diagram([4, 0, 2], ax=axes())


# --- the drawing ------------------------------------------------------------------------------


def test_small_network_draws_every_neuron_and_connection():
    art = network_diagram([4, 5, 3], ax=axes())
    assert len(art["neurons"]) == 4 + 5 + 3
    assert len(art["connections"]) == 4 * 5 + 5 * 3
    assert art["highlighted_neurons"] == set() and art["highlighted_connections"] == set()
    assert art["ellipses"] == []
    assert [t.get_text() for t in art["labels"]] == ["input\n4", "hidden\n5", "output\n3"]


def test_highlight_colours_exactly_the_downstream_part():
    art = network_diagram([4, 5, 3], highlight=(1, 2), ax=axes())
    assert art["highlighted_neurons"] == {(1, 2), (2, 0), (2, 1), (2, 2)}
    assert art["highlighted_connections"] == downstream_connections([4, 5, 3], (1, 2))
    assert len(art["highlighted_connections"]) == 1 + 3
    for key, circle in art["neurons"].items():
        assert same_colour(circle.get_facecolor(), COLORS["highlight"]) == (key in art["highlighted_neurons"])
    for key, line in art["connections"].items():
        assert same_colour(line.get_color(), COLORS["highlight"]) == (key in art["highlighted_connections"])
    # the tweaked connection itself is drawn thickest
    tweaked = art["connections"][((0, 1), (1, 2))]
    assert tweaked.get_linewidth() == max(line.get_linewidth() for line in art["connections"].values())


def test_deeper_network_highlight():
    art = network_diagram([3, 4, 4, 2], highlight=(0, 1), ax=axes())
    assert art["highlighted_neurons"] == downstream([3, 4, 4, 2], (0, 1))
    assert len(art["highlighted_connections"]) == 1 + 4 + 4 * 2
    assert [t.get_text().split("\n")[0] for t in art["labels"]] == ["input", "hidden 1", "hidden 2", "output"]


def test_large_layers_are_elided():
    art = network_diagram([784, 15, 10], ax=axes(), max_neurons=8)
    layers = [sorted(n for (layer, n) in art["neurons"] if layer == k) for k in range(3)]
    assert layers[0] == [0, 1, 2, 3, 4, 5, 783]
    assert layers[1] == [0, 1, 2, 3, 4, 5, 14]
    assert layers[2] == [0, 1, 2, 3, 4, 5, 9]
    assert len(art["ellipses"]) == 3
    assert len(art["connections"]) == 7 * 7 + 7 * 7
    assert art["labels"][0].get_text() == "input\n784"


def test_highlight_in_an_elided_part_is_an_error():
    with pytest.raises(ValueError, match="elided"):
        network_diagram([784, 15, 10], highlight=(100, 0), ax=axes())


def test_neurons_are_laid_out_by_layer_and_do_not_overlap():
    art = network_diagram([3, 6, 2], ax=axes())
    centres = {key: circle.center for key, circle in art["neurons"].items()}
    xs = {layer: {x for (l, _), (x, _) in centres.items() if l == layer} for layer in range(3)}
    assert all(len(v) == 1 for v in xs.values())
    assert xs[0].pop() < xs[1].pop() < xs[2].pop()
    ys = sorted(y for (l, _), (_, y) in centres.items() if l == 1)
    assert min(b - a for a, b in zip(ys, ys[1:])) > 2 * art["neurons"][(1, 0)].radius
    # neuron 0 is at the top
    assert centres[(1, 0)][1] == max(ys)


def test_labels_argument():
    art = network_diagram([2, 2], ax=axes(), labels=["x", "y"])
    assert [t.get_text() for t in art["labels"]] == ["x", "y"]
    with pytest.raises(ValueError, match="one text per layer"):
        network_diagram([2, 2], ax=axes(), labels=["x"])


def test_draws_on_the_current_axes_by_default():
    fig = plt.figure()
    try:
        art = network_diagram([2, 3, 1])
        assert all(circle.axes is fig.axes[0] for circle in art["neurons"].values())
    finally:
        plt.close(fig)
