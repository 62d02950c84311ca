"""Counting the parameters of a fully connected network."""

import numpy as np

from nblib.checks import _describe, as_count


def count_weights(sizes):
    """Number of connection weights in a fully connected network.

    sizes: layer widths from input to output, e.g. ``[784, 15, 10]``.
    Each pair of neighbouring layers contributes ``fan_in * fan_out`` weights.
    """
    widths = layer_widths(sizes)
    return sum(fan_in * fan_out for fan_in, fan_out in zip(widths[:-1], widths[1:]))


def count_biases(sizes):
    """Number of biases: one for every neuron after the input layer."""
    return sum(layer_widths(sizes)[1:])


def count_params(sizes):
    """Weights plus biases of a fully connected network with layer widths ``sizes``.

    >>> count_params([784, 15, 10])
    11935
    """
    return count_weights(sizes) + count_biases(sizes)


def layer_widths(sizes):
    """The layer sizes as a list of positive ints, checked (at least two layers).

    sizes: a list, tuple or 1-D array of integers >= 1, e.g. ``[784, 15, 10]``.
    """
    if isinstance(sizes, np.ndarray) and sizes.ndim == 1:
        sizes = sizes.tolist()
    if not isinstance(sizes, (list, tuple)):
        raise TypeError(f"sizes must be a list of layer widths such as [784, 15, 10], got {_describe(sizes)}")
    widths = [as_count(size, f"layer size sizes[{i}]") for i, size in enumerate(sizes)]
    if len(widths) < 2:
        raise ValueError(f"sizes must list at least an input and an output layer, got {widths}")
    return widths
