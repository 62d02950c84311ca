"""Activation functions, each beside its derivative, and the softmax.

Every function works elementwise on an array of pre-activations ``z`` (any
shape) and returns an array of the same shape and dtype; ``out=`` writes the
result into an existing array instead (``out`` may be ``z`` itself).

The derivative ``f'(z)`` comes in two forms: written with ``z``
(``relu_derivative``), and written with the activation ``a = f(z)``
(``relu_derivative_from_output``), which is what backpropagation holds after
the forward pass: for the sigmoid ``f'(z) = a (1 - a)``, for tanh ``1 - a**2``.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np


def relu(z, out=None):
    """ReLU: ``max(z, 0)``."""
    return np.maximum(z, 0, out=out)


def relu_derivative(z):
    """``1`` where ``z > 0``, else ``0`` (0 is used at the kink ``z = 0``)."""
    return (z > 0).astype(z.dtype)


def relu_derivative_from_output(a, out=None):
    """ReLU's derivative from ``a = relu(z)``: ``1`` where ``a > 0``, else ``0``."""
    if out is None:
        return (a > 0).astype(a.dtype)
    return np.greater(a, 0, out=out)


def sigmoid(z, out=None):
    """Logistic sigmoid ``1 / (1 + exp(-z))``, computed without overflow.

    With ``e = exp(-|z|)``, which never overflows: ``1 / (1 + e)`` for
    ``z >= 0`` and the equal ``e / (1 + e)`` for ``z < 0`` (not ``1 - 1 / (1 + e)``,
    which would lose the digits of tiny values).
    """
    e = np.exp(-np.abs(z))
    return np.divide(np.where(z >= 0, 1, e), 1 + e, out=out)


def sigmoid_derivative(z):
    """``sigmoid(z) * (1 - sigmoid(z))``."""
    s = sigmoid(z)
    return s * (1 - s)


def sigmoid_derivative_from_output(a, out=None):
    """The sigmoid's derivative from ``a = sigmoid(z)``: ``a * (1 - a)``."""
    d = np.subtract(1, a, out=out)
    d *= a
    return d


def tanh(z, out=None):
    """Hyperbolic tangent."""
    return np.tanh(z, out=out)


def tanh_derivative(z):
    """``1 - tanh(z)**2``."""
    return 1 - np.tanh(z) ** 2


def tanh_derivative_from_output(a, out=None):
    """tanh's derivative from ``a = tanh(z)``: ``1 - a**2``."""
    d = np.multiply(a, a, out=out)
    return np.subtract(1, d, out=d)


def log_softmax(logits):
    """Log-probabilities along the last axis: ``z - logsumexp(z)``.

    logits: ``(n, k)`` (or any shape; the classes are on the last axis).
    The row maximum is subtracted first, so ``exp`` never overflows.
    """
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(logits):
    """Probabilities along the last axis: ``exp(z) / sum(exp(z))``; each row sums to 1."""
    return np.exp(log_softmax(logits))


@dataclass(frozen=True)
class Activation:
    """A hidden-layer activation: ``f``, its derivative ``f'(z)``, and ``f'``
    written with the output ``a = f(z)``."""

    name: str
    f: Callable
    derivative: Callable
    derivative_from_output: Callable


ACTIVATIONS = {
    "relu": Activation("relu", relu, relu_derivative, relu_derivative_from_output),
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_derivative, sigmoid_derivative_from_output),
    "tanh": Activation("tanh", tanh, tanh_derivative, tanh_derivative_from_output),
}
