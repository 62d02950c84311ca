"""A fully connected neural network (multilayer perceptron) with backpropagation.

Conventions, stated once:

- ``sizes`` lists the layer widths from input to output: ``MLP([784, 15, 10])``
  has 784 inputs, one hidden layer of 15 neurons and 10 outputs.
- Arrays are batch-major: ``X`` has shape ``(n, sizes[0])``, one example per row.
- Layer ``k`` has weights ``W`` of shape ``(fan_in, fan_out)`` and biases ``b`` of
  shape ``(fan_out,)``; a hidden layer computes ``h = f(h_prev @ W + b)``, the
  output layer is linear: ``out = h_prev @ W + b`` (logits, or regression outputs).
- ``params`` is the flat list ``[W1, b1, W2, b2, ...]``; gradients come in the same order.

The forward pass keeps every layer's activation (and dropout mask); the backward
pass walks back through them with the chain rule. The derivative ``f'(z)`` is
written with the activation ``a = f(z)`` it already holds, so the
pre-activations ``z`` need not be kept.
"""

import numpy as np

from nblib.activations import ACTIVATIONS, _log_softmax
from nblib.checks import (as_array, as_count, as_flag, as_float_dtype, as_instance, as_int_array, as_name,
                          as_number, as_seed)
from nblib.counting import count_params, layer_widths

__all__ = ["MLP", "LOSSES", "count_params"]

LOSSES = ("mse", "cross_entropy")

#: Most parameters a network may have (400 MB of float64 weights).
MAX_PARAMS = 5 * 10 ** 7


class MLP:
    """A multilayer perceptron with a linear output layer.

    sizes: layer widths, input first, e.g. ``[784, 15, 10]``.
    activation: hidden-layer activation, ``"relu"``, ``"sigmoid"`` or ``"tanh"``.
    seed: seeds ``numpy.random.default_rng``, which draws the initial weights and,
        later, the dropout masks; the same seed repeats a run bit for bit.
    dtype: floating dtype of the parameters, gradients and outputs (inputs are
        converted to it).
    dropout: probability ``p`` of dropping a hidden neuron during training.

    A network of more than ``MAX_PARAMS`` parameters is refused. A network whose
    weights have diverged computes infinite or NaN outputs and losses, without
    numpy warnings.

    Initial weights (biases start at 0), every layer by the rule for the hidden
    activation:

    - ReLU, He et al. (2015): ``W ~ Normal(0, std = sqrt(2 / fan_in))``.
    - sigmoid and tanh, Glorot & Bengio (2010):
      ``W ~ Uniform(-r, r)`` with ``r = sqrt(6 / (fan_in + fan_out))``.

    >>> net = MLP([784, 15, 10])
    >>> [p.shape for p in net.params]
    [(784, 15), (15,), (15, 10), (10,)]
    >>> net.n_params
    11935
    """

    def __init__(self, sizes, activation="relu", seed=0, dtype=np.float64, dropout=0.0):
        self.sizes = layer_widths(sizes)
        self.n_params = count_params(self.sizes)
        if self.n_params > MAX_PARAMS:
            raise ValueError(f"sizes {self.sizes} give {self.n_params:,} parameters, more than the "
                             f"{MAX_PARAMS:,} a network here may have")
        self.activation = ACTIVATIONS[as_name(activation, "activation", tuple(ACTIVATIONS))]
        self.dtype = as_float_dtype(dtype)
        self.dropout = as_number(dropout, "dropout", low=0.0, high=1.0, high_inclusive=False)
        self.rng = np.random.default_rng(as_seed(seed))
        self.params = self._initial_params()
        self.masks = None
        self._workspaces = {}

    def _initial_params(self):
        params = []
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:]):
            if self.activation.name == "relu":
                W = self.rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
            else:
                r = np.sqrt(6.0 / (fan_in + fan_out))
                W = self.rng.uniform(-r, r, size=(fan_in, fan_out))
            params += [W.astype(self.dtype), np.zeros(fan_out, dtype=self.dtype)]
        return params

    def __repr__(self):
        return (f"MLP({self.sizes}, activation={self.activation.name!r}, "
                f"dropout={self.dropout}, dtype={self.dtype.name})")

    # ----------------------------------------------------------------- forward
    def forward(self, X, train=False):
        """Outputs ``(n, sizes[-1])`` for inputs ``X: (n, sizes[0])``.

        train: if True, apply dropout (when ``dropout > 0``) with fresh masks.
        """
        X = self._check_inputs(X)
        train = as_flag(train, "train")
        with _quiet():
            return self._forward(X, train, masks=None)[0][-1].copy()

    def _forward(self, X, train, masks):
        """Forward pass that keeps what backpropagation needs.

        Returns ``(h, a)``: ``h[k]`` is the input of layer ``k`` (``h[0] = X``;
        for a hidden layer, its activation after the dropout mask) and ``h[-1]``
        the output; ``a[k]`` is the activation of hidden layer ``k + 1`` before
        its mask. Sets ``self.masks`` to the masks used (None without dropout).
        The arrays live in the workspace for this batch size and are
        overwritten by the next call.
        """
        work = self._workspace(len(X))
        if masks is None and train and self.dropout > 0:
            masks = [self._draw_mask(out) for out in work.masks]
        h, a = [X], []
        n_layers = len(self.params) // 2
        for k in range(n_layers):
            W, b = self.params[2 * k], self.params[2 * k + 1]
            z = np.matmul(h[-1], W, out=work.a[k])
            z += b
            if k == n_layers - 1:
                h.append(z)
            else:
                a.append(self.activation.f(z, out=z))
                h.append(a[-1] if masks is None else np.multiply(a[-1], masks[k], out=work.h[k]))
        self.masks = masks
        return h, a

    def _draw_mask(self, out):
        """Inverted dropout mask into ``out``: 0 with probability p, else 1/(1-p)."""
        keep = 1.0 - self.dropout
        self.rng.random(dtype=self.dtype, out=out)
        np.less(out, keep, out=out)
        out *= 1 / keep
        return out

    def _workspace(self, n):
        """The preallocated arrays for batch size ``n`` (a few sizes are kept)."""
        if n not in self._workspaces:
            if len(self._workspaces) >= 4:
                del self._workspaces[next(iter(self._workspaces))]
            self._workspaces[n] = _Workspace(self.sizes, n, self.dtype)
        return self._workspaces[n]

    # ---------------------------------------------------------------- backward
    def loss_and_grads(self, X, y, loss="mse", l2=0.0, l1=0.0, masks=None):
        """Loss and its gradient with respect to every parameter, in training mode.

        X: ``(n, sizes[0])`` inputs.
        y: for ``"mse"``, targets ``(n, sizes[-1])`` (or ``(n,)`` with one output);
            for ``"cross_entropy"``, integer class labels ``(n,)`` in ``0..sizes[-1]-1``.
        loss: ``"mse"``, the mean of ``(out - y)**2`` over all n * sizes[-1] outputs;
            or ``"cross_entropy"``, ``-mean_i log softmax(out_i)[y_i]``.
        l2, l1: penalties on the weights only (never the biases):
            ``J = loss + l2/2 * sum(W**2) + l1 * sum(|W|)``, whose gradient adds
            ``l2 * W + l1 * sign(W)`` (the subgradient 0 is used at W = 0).
        masks: optional fixed dropout masks, one ``(n, width)`` array per hidden
            layer, multiplied into its activations (e.g. 0 or 1/(1-p)); by default
            masks are drawn from the network's generator when ``dropout > 0``.
            The masks used are kept in ``self.masks`` until the next call.

        Returns ``(J, grads)``: J a scalar of the network's dtype; grads a list
        of new arrays aligned with ``params``.
        """
        X, y, loss, l2, l1 = self._check_call(X, y, loss, l2, l1)
        if masks is not None:
            masks = self._check_masks(masks, len(X))
        grads = [np.empty_like(p) for p in self.params]
        with _quiet():
            return self._loss_and_grads(X, y, loss, l2, l1, grads, masks), grads

    def _loss_and_grads(self, X, y, loss, l2, l1, grads, masks=None):
        """Backpropagation: write the gradients into ``grads``, return the loss J.

        No input checks (``fit`` checks its data once and reuses ``grads``).
        """
        h, a = self._forward(X, train=True, masks=masks)
        work = self._workspace(len(X))
        delta = work.delta[-1]
        J = _output_loss(h[-1], y, loss, delta)
        for k in range(len(self.params) // 2 - 1, -1, -1):
            np.matmul(h[k].T, delta, out=grads[2 * k])
            np.sum(delta, axis=0, out=grads[2 * k + 1])
            if k > 0:
                delta = np.matmul(delta, self.params[2 * k].T, out=work.delta[k - 1])
                if self.masks is not None:
                    delta *= self.masks[k - 1]
                delta *= self.activation.derivative_from_output(a[k - 1], out=work.h[k - 1])
        return J + self._penalty(l2, l1, grads)

    def _penalty(self, l2, l1, grads=None):
        """``l2/2 * sum(W**2) + l1 * sum(|W|)`` over the weights; with ``grads``,
        also add its gradient ``l2 * W + l1 * sign(W)`` to them in place."""
        penalty = self.dtype.type(0)
        for k, W in enumerate(self.params[::2]):
            if l2:
                penalty += l2 / 2 * np.vdot(W, W)
                if grads is not None:
                    grads[2 * k] += l2 * W
            if l1:
                penalty += l1 * np.abs(W).sum()
                if grads is not None:
                    grads[2 * k] += l1 * np.sign(W)
        return penalty

    def loss(self, X, y, loss="mse", l2=0.0, l1=0.0):
        """The loss J in evaluation mode (no dropout), without gradients.

        Same arguments and penalties as ``loss_and_grads``.
        """
        X, y, loss, l2, l1 = self._check_call(X, y, loss, l2, l1)
        with _quiet():
            out = self._forward(X, train=False, masks=None)[0][-1]
            return _output_loss(out, y, loss, np.empty_like(out)) + self._penalty(l2, l1)

    def evaluate(self, X, y, loss="cross_entropy"):
        """``(J, accuracy)`` from one forward pass in evaluation mode, without penalties.

        accuracy is the fraction of correct predictions for ``"cross_entropy"``,
        None for ``"mse"``.
        """
        loss = as_name(loss, "loss", LOSSES)
        X = self._check_inputs(X)
        y = self._check_targets(y, len(X), loss)
        with _quiet():
            out = self._forward(X, train=False, masks=None)[0][-1]
            accuracy = float(np.mean(out.argmax(axis=1) == y)) if loss == "cross_entropy" else None
            return _output_loss(out, y, loss, np.empty_like(out)), accuracy

    # ---------------------------------------------------------------- helpers
    def predict(self, X):
        """Predicted class ``(n,)``: the index of the largest output."""
        return self.forward(X).argmax(axis=1)

    def accuracy(self, X, y):
        """Fraction of examples whose predicted class equals the label ``y``."""
        X = self._check_inputs(X)
        y = self._check_targets(y, len(X), "cross_entropy")
        return float(np.mean(self.predict(X) == y))

    def copy_params(self):
        """A copy of ``params`` (a list of new arrays)."""
        return [p.copy() for p in self.params]

    def set_params(self, params):
        """Copy ``params`` (same shapes as ``self.params``) into the network, in place."""
        if not isinstance(params, (list, tuple)):
            raise TypeError(f"params must be a list of arrays like net.params, got {type(params).__name__}")
        if len(params) != len(self.params):
            raise ValueError(f"params must hold {len(self.params)} arrays, got {len(params)}")
        checked = [as_array(new, f"params[{i}]", dtype=self.dtype) for i, new in enumerate(params)]
        for i, (old, new) in enumerate(zip(self.params, checked)):
            if new.shape != old.shape:
                raise ValueError(f"params[{i}] must have shape {old.shape}, got {new.shape}")
        for old, new in zip(self.params, checked):
            np.copyto(old, new)

    # ----------------------------------------------------------------- checks
    def _check_call(self, X, y, loss, l2, l1):
        """Validate the arguments shared by ``loss_and_grads`` and ``loss``."""
        loss = as_name(loss, "loss", LOSSES)
        X = self._check_inputs(X)
        y = self._check_targets(y, len(X), loss)
        return X, y, loss, as_number(l2, "l2", low=0.0), as_number(l1, "l1", low=0.0)

    def _check_inputs(self, X):
        X = as_array(X, "X", ndim=2, dtype=self.dtype)
        if X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have {self.sizes[0]} columns (one per input), got shape {X.shape}")
        return X

    def _check_targets(self, y, n, loss):
        if loss == "mse":
            y = as_array(y, "y", ndim=(1, 2), dtype=self.dtype)
            if y.ndim == 1 and self.sizes[-1] == 1:
                y = y[:, None]
            if y.shape != (n, self.sizes[-1]):
                raise ValueError(f"y must have shape {(n, self.sizes[-1])} for the mse loss, got {y.shape}")
            return y
        return check_labels(y, n, self.sizes[-1])

    def _check_masks(self, masks, n):
        widths = self.sizes[1:-1]
        if not isinstance(masks, (list, tuple)):
            raise TypeError(f"masks must be a list of arrays, one per hidden layer, or None; "
                            f"got {type(masks).__name__}")
        if len(masks) != len(widths):
            raise ValueError(f"expected {len(widths)} dropout masks (one per hidden layer), got {len(masks)}")
        checked = []
        for mask, width in zip(masks, widths):
            mask = as_array(mask, "mask", ndim=2, dtype=self.dtype)
            if mask.shape != (n, width):
                raise ValueError(f"each dropout mask must have shape {(n, width)}, got {mask.shape}")
            checked.append(mask)
        return checked


def check_labels(y, n, k):
    """Return ``y`` as an int array ``(n,)`` of class labels in ``0..k-1``, or raise.

    n: the number of examples; k: the number of classes (both counts >= 1).
    Floats are accepted when they are whole numbers (``1.0``); bools and strings are not.
    """
    n, k = as_count(n, "n"), as_count(k, "k")
    try:
        y = as_int_array(y, "y", ndim=1)
    except TypeError as error:
        raise TypeError(f"y must hold integer class labels; {error}") from None
    if y.shape != (n,):
        raise ValueError(f"y must have shape ({n},) (one class label per example), got {y.shape}")
    if y.min() < 0 or y.max() >= k:
        raise ValueError(f"class labels must lie in 0..{k - 1}, got values of y from {y.min()} to {y.max()}")
    return y


def _quiet():
    """Silence overflow warnings: a diverged network's inf and NaN are its honest answer."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


def _output_loss(out, y, loss, delta):
    """Loss J for outputs ``out: (n, k)``; writes dJ/dout into ``delta: (n, k)``."""
    n = len(out)
    if loss == "mse":
        residual = np.subtract(out, y, out=delta)
        J = np.vdot(residual, residual) / residual.size
        residual *= 2 / residual.size
        return J
    log_p = _log_softmax(out)
    rows = np.arange(n)
    J = -log_p[rows, y].sum() / n
    np.exp(log_p, out=delta)
    delta[rows, y] -= 1
    delta /= n
    return J


class _Workspace:
    """Arrays for one batch size ``n``, allocated once and reused by every step.

    Fresh large arrays on every step would cost page faults that take longer
    than the arithmetic. For each layer of width w: ``a`` (n, w) pre-activation,
    turned into the activation in place; ``delta`` (n, w) the backpropagated
    error; for hidden layers ``h`` (n, w) the activation after dropout (or
    f'(z) during the backward pass) and ``masks`` (n, w).
    """

    def __init__(self, sizes, n, dtype):
        self.a = [np.empty((n, width), dtype) for width in sizes[1:]]
        self.delta = [np.empty((n, width), dtype) for width in sizes[1:]]
        self.h = [np.empty((n, width), dtype) for width in sizes[1:-1]]
        self.masks = [np.empty((n, width), dtype) for width in sizes[1:-1]]


def as_mlp(value, name="model"):
    """Return ``value`` if it is an :class:`MLP`, else raise TypeError."""
    return as_instance(value, name, MLP, "a network, an nblib.nn.MLP")
