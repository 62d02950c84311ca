"""Activation functions, each beside its derivative, and the softmax.

Every function works elementwise on an array of pre-activations ``z`` (any
shape; a number or a list is turned into an array) and returns an array of
the same shape and dtype (float64 for integer input); ``out=`` writes the
result into an existing float array of that shape instead (``out`` may be
``z`` itself).

The derivative ``f'(z)`` comes in two forms: written with ``z``
(``relu_derivative``), and written with the activation ``a = f(z)``
(``relu_derivative_from_output``), which is what backpropagation holds after
the forward pass: for the sigmoid ``f'(z) = a (1 - a)``, for tanh ``1 - a**2``.

The public functions check their input; :data:`ACTIVATIONS` holds the same
formulas without the checks, for the network's inner loop, which has checked
its data once already.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np

from nblib.checks import as_array, as_callable, as_text


# --- The formulas, unchecked (the network's inner loop calls these) ------------------------------

def _relu(z, out=None):
    return np.maximum(z, 0, out=out)


def _relu_derivative(z):
    return (z > 0).astype(z.dtype)


def _relu_derivative_from_output(a, out=None):
    if out is None:
        return (a > 0).astype(a.dtype)
    return np.greater(a, 0, out=out)


def _sigmoid(z, out=None):
    e = np.exp(-np.abs(z))
    return np.divide(np.where(z >= 0, 1, e), 1 + e, out=out)


def _sigmoid_derivative(z):
    s = _sigmoid(z)
    return s * (1 - s)


def _sigmoid_derivative_from_output(a, out=None):
    d = np.subtract(1, a, out=out)
    d *= a
    return d


def _tanh(z, out=None):
    return np.tanh(z, out=out)


def _tanh_derivative(z):
    return 1 - np.tanh(z) ** 2


def _tanh_derivative_from_output(a, out=None):
    d = np.multiply(a, a, out=out)
    return np.subtract(1, d, out=out)  # out=None: a new array (a 0-d input gives a number)


def _log_softmax(logits):
    # Subtracting the row maximum overflows only when an entry lies more than about 1.8e308
    # below it (logits of -1e308 and 1e308): its log-probability is then -inf, which is
    # -2e308 rounded to a float, and its probability 0. No warning is due for that.
    with np.errstate(over="ignore"):
        shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


# --- Checks ---------------------------------------------------------------------------------------

def _inputs(z, name="z", finite=False):
    """``z`` as a float array of any shape (NaN and infinity pass through unless ``finite``)."""
    return as_array(z, name, allow_empty=True, finite=finite)


def _out(out, like):
    """``out`` checked: None, or a writable float array shaped like ``like``."""
    if out is None:
        return None
    if not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy array to write into, or None; got {type(out).__name__}")
    if out.shape != like.shape or not np.issubdtype(out.dtype, np.floating):
        raise ValueError(f"out must be a float array of the input's shape {like.shape}, "
                         f"got shape {out.shape} and dtype {out.dtype}")
    if not out.flags.writeable:
        raise ValueError("out must be writeable")
    return out


def _outputs(a, low, high, f_name):
    """Activations ``a = f(z)`` checked to lie in ``[low, high]``, the range of ``f``."""
    a = as_array(a, "a", allow_empty=True)
    if a.size and (a.min() < low or a.max() > high):
        raise ValueError(f"a must be an output of {f_name}, in [{low}, {high}]; "
                         f"got values from {a.min():g} to {a.max():g}")
    return a


# --- The public functions -------------------------------------------------------------------------

def relu(z, out=None):
    """ReLU: ``max(z, 0)``."""
    z = _inputs(z)
    return _relu(z, out=_out(out, z))


def relu_derivative(z):
    """``1`` where ``z > 0``, else ``0`` (0 is used at the kink ``z = 0``)."""
    return _relu_derivative(_inputs(z))


def relu_derivative_from_output(a, out=None):
    """ReLU's derivative from ``a = relu(z) >= 0``: ``1`` where ``a > 0``, else ``0``."""
    a = _outputs(a, 0, np.inf, "relu")
    return _relu_derivative_from_output(a, out=_out(out, a))


def sigmoid(z, out=None):
    """Logistic sigmoid ``1 / (1 + exp(-z))``, computed without overflow.

    With ``e = exp(-|z|)``, which never overflows: ``1 / (1 + e)`` for
    ``z >= 0`` and the equal ``e / (1 + e)`` for ``z < 0`` (not ``1 - 1 / (1 + e)``,
    which would lose the digits of tiny values).
    """
    z = _inputs(z)
    return _sigmoid(z, out=_out(out, z))


def sigmoid_derivative(z):
    """``sigmoid(z) * (1 - sigmoid(z))``."""
    return _sigmoid_derivative(_inputs(z))


def sigmoid_derivative_from_output(a, out=None):
    """The sigmoid's derivative from ``a = sigmoid(z)``, in [0, 1]: ``a * (1 - a)``."""
    a = _outputs(a, 0, 1, "the sigmoid")
    return _sigmoid_derivative_from_output(a, out=_out(out, a))


def tanh(z, out=None):
    """Hyperbolic tangent."""
    z = _inputs(z)
    return _tanh(z, out=_out(out, z))


def tanh_derivative(z):
    """``1 - tanh(z)**2``."""
    return _tanh_derivative(_inputs(z))


def tanh_derivative_from_output(a, out=None):
    """tanh's derivative from ``a = tanh(z)``, in [-1, 1]: ``1 - a**2``."""
    a = _outputs(a, -1, 1, "tanh")
    return _tanh_derivative_from_output(a, out=_out(out, a))


def _logits(logits):
    logits = as_array(logits, "logits")
    if logits.ndim == 0:
        raise ValueError("logits must have at least one axis (the classes are on the last one), got a number")
    return logits


def log_softmax(logits):
    """Log-probabilities along the last axis: ``z - logsumexp(z)``.

    logits: ``(n, k)`` (or any shape with at least one axis; the classes are on
    the last axis), finite. The row maximum is subtracted first, so ``exp``
    never overflows. An entry more than about 1.8e308 below its row's maximum
    (logits of -1e308 and 1e308) gets -inf, the float its log-probability rounds to.
    """
    return _log_softmax(_logits(logits))


def softmax(logits):
    """Probabilities along the last axis: ``exp(z) / sum(exp(z))``; each row sums to 1."""
    return np.exp(_log_softmax(_logits(logits)))


@dataclass(frozen=True)
class Activation:
    """A hidden-layer activation: ``f``, its derivative ``f'(z)``, and ``f'``
    written with the output ``a = f(z)``."""

    name: str
    f: Callable
    derivative: Callable
    derivative_from_output: Callable

    def __post_init__(self):
        as_text(self.name, "name")
        for field in ("f", "derivative", "derivative_from_output"):
            as_callable(getattr(self, field), field)


ACTIVATIONS = {
    "relu": Activation("relu", _relu, _relu_derivative, _relu_derivative_from_output),
    "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_derivative, _sigmoid_derivative_from_output),
    "tanh": Activation("tanh", _tanh, _tanh_derivative, _tanh_derivative_from_output),
}
