"""A deep fully connected network with the three cures of chapter 11 as options.

``DeepNet(d_in, width, depth, d_out)`` has ``depth`` hidden layers of ``width``
neurons and a linear output layer. Hidden layer l (l = 1..depth) computes, for
its input ``h`` (``h = X`` for the first)::

    z = h @ W + b                       (with batchnorm: z = BN(h @ W), no b)
    a = f(z)
    h_next = h + a   (residual, l >= 2)   or   h_next = a

and the output is ``h @ W_out + b_out``. Arrays are batch-major (``X: (n, d_in)``).

- ``init`` picks the rule of :mod:`nblib.init` for every weight, and ``scale``
  multiplies the drawn weights (1 = the rule as written), so that a wrong scale
  can be tried. Biases start at 0, batch norm's gamma at 1 and beta at 0.
- ``batchnorm=True`` puts a batch-normalization layer (:mod:`nblib.batchnorm`)
  between each hidden layer's product and its activation.
- ``residual=True`` adds each hidden layer's input to its output from layer 2 on
  (a *residual block*): the identity path carries the signal forward and the
  gradient back unchanged, whatever the layer does.

``params`` is a flat list, layer by layer: ``[W, b]`` (or ``[W, gamma, beta]``
with batch norm) for each hidden layer, then ``[W_out, b_out]``; ``names`` gives
each one's name (``"W1"``, ``"gamma1"``, ...) and gradients come in the same order.

:func:`train` runs mini-batch training with optional gradient clipping
(:mod:`nblib.clipping`) and records the loss and the gradient norm.
"""

from dataclasses import dataclass, field
from typing import List

import numpy as np

from nblib import init as _init
from nblib.activations import ACTIVATIONS
from nblib.batchnorm import _backward as _bn_backward, _forward as _bn_forward, _running_update
from nblib.checks import _describe, as_array, as_count, as_flag, as_instance, as_name, as_number, as_seed
from nblib.clipping import clip_by_global_norm
from nblib.nn import LOSSES, _output_loss, _quiet, check_labels
from nblib.optim import as_optimizer

__all__ = ["INITS", "DeepNet", "train"]

#: The initialization rules, each a function ``(fan_in, fan_out, rng) -> W``.
INITS = {
    "glorot_normal": lambda i, o, rng: _init.glorot_normal(i, o, rng=rng),
    "glorot_uniform": lambda i, o, rng: _init.glorot_uniform(i, o, rng=rng),
    "he_normal": lambda i, o, rng: _init.he_normal(i, o, rng=rng),
    "he_uniform": lambda i, o, rng: _init.he_uniform(i, o, rng=rng),
}

MAX_WIDTH, MAX_DEPTH = 4096, 1000
MOMENTUM, EPS = 0.1, 1e-5


@dataclass
class _Scales:
    """Per-hidden-layer scales of one forward and backward pass (index l-1 = layer l).

    signal: ``(depth,)`` the root mean square of each layer's pre-activation ``z``
        (the input of f, after batch norm if there is one).
    error: ``(depth,)`` the root mean square of ``delta = dJ/dz``, the gradient of the
        loss with respect to that same ``z``.
    gradient: ``(depth,)`` the root mean square of ``dJ/dW``, the gradient with
        respect to the layer's weights.
    loss: the loss of the batch.
    """

    signal: np.ndarray
    error: np.ndarray
    gradient: np.ndarray
    loss: float


class DeepNet:
    """A deep network with optional batch normalization and residual blocks.

    d_in, width, d_out: input, hidden and output widths; depth: the number of
        hidden layers (>= 1).
    activation: ``"relu"``, ``"tanh"`` or ``"sigmoid"``.
    init: ``"auto"`` (He normal for ReLU, Glorot normal otherwise) or one of :data:`INITS`.
    scale: multiplies every initial weight (> 0; 1 = the rule as written).
    batchnorm, residual: the cures, see the module docstring.
    seed: seeds the weights; layer l's weights are drawn before layer l+1's and the
        output layer's from a stream of its own, so networks that differ only in depth
        share their first hidden layers and their output layer.
    """

    def __init__(self, d_in, width, depth, d_out, activation="relu", init="auto", scale=1.0,
                 batchnorm=False, residual=False, seed=0):
        self.d_in = as_count(d_in, "d_in", maximum=MAX_WIDTH)
        self.width = as_count(width, "width", maximum=MAX_WIDTH)
        self.depth = as_count(depth, "depth", maximum=MAX_DEPTH)
        self.d_out = as_count(d_out, "d_out", maximum=MAX_WIDTH)
        self.activation = ACTIVATIONS[as_name(activation, "activation", tuple(ACTIVATIONS))]
        init = as_name(init, "init", ("auto",) + tuple(INITS))
        self.init = init if init != "auto" else ("he_normal" if activation == "relu" else "glorot_normal")
        self.scale = as_number(scale, "scale", low=0.0, high=1e6, low_inclusive=False)
        self.batchnorm = as_flag(batchnorm, "batchnorm")
        self.residual = as_flag(residual, "residual")
        self.seed = as_seed(seed)
        self.params, self.names = self._initial_params(np.random.default_rng(self.seed))
        self.running = [(np.zeros(self.width), np.ones(self.width)) for _ in range(self.depth)]

    def _initial_params(self, rng):
        params, names = [], []
        fan_in = self.d_in
        for layer in range(1, self.depth + 1):
            params.append(self.scale * INITS[self.init](fan_in, self.width, rng))
            names.append(f"W{layer}")
            if self.batchnorm:
                params += [np.ones(self.width), np.zeros(self.width)]
                names += [f"gamma{layer}", f"beta{layer}"]
            else:
                params.append(np.zeros(self.width))
                names.append(f"b{layer}")
            fan_in = self.width
        out_rng = np.random.default_rng([self.seed, 1])
        params += [self.scale * INITS[self.init](self.width, self.d_out, out_rng), np.zeros(self.d_out)]
        names += ["W_out", "b_out"]
        return params, names

    def __repr__(self):
        return (f"DeepNet({self.d_in}, {self.width}, depth={self.depth}, {self.d_out}, "
                f"activation={self.activation.name!r}, init={self.init!r}, scale={self.scale:g}, "
                f"batchnorm={self.batchnorm}, residual={self.residual})")

    @property
    def n_params(self):
        """The number of parameters (running statistics are not parameters)."""
        return sum(p.size for p in self.params)

    def _layer(self, l):
        """The parameter arrays of hidden layer ``l`` (0-based) and of the output layer (l = depth)."""
        per = 3 if self.batchnorm else 2
        return self.params[per * l: per * l + (per if l < self.depth else 2)]

    # ----------------------------------------------------------------- forward
    def _forward(self, X, train):
        """Returns ``(out, tape)``; tape[l] holds what layer l's backward pass needs."""
        h, tape = X, []
        for l in range(self.depth):
            layer = self._layer(l)
            z = h @ layer[0]
            bn = None
            if self.batchnorm:
                if train:
                    self.running[l] = _running_update(*self.running[l], z, MOMENTUM)
                    z, bn = _bn_forward(z, layer[1], layer[2], EPS)
                else:
                    mean, var = self.running[l]
                    z = layer[1] * (z - mean) / np.sqrt(var + EPS) + layer[2]
            else:
                z += layer[1]
            a = self.activation.f(z)
            tape.append((h, bn, a, z))
            h = h + a if (self.residual and l > 0) else a
        W, b = self._layer(self.depth)
        tape.append((h, None, None, None))
        return h @ W + b, tape

    def forward(self, X, train=False):
        """Outputs ``(n, d_out)`` for ``X: (n, d_in)``.

        train: with batch norm, True normalizes with the batch (n >= 2) and updates
        the running statistics; False (inference) uses the running statistics.
        """
        X = self._check_inputs(X)
        train = as_flag(train, "train")
        if train and self.batchnorm and len(X) < 2:
            raise ValueError(f"X must hold at least 2 examples for batch statistics, got shape {X.shape}")
        with _quiet():
            return self._forward(X, train)[0]

    # ---------------------------------------------------------------- backward
    def _loss_and_grads(self, X, y, loss):
        out, tape = self._forward(X, train=True)
        delta = np.empty_like(out)
        J = _output_loss(out, y, loss, delta)
        grads = [None] * len(self.params)
        per = 3 if self.batchnorm else 2
        h = tape[-1][0]
        W = self.params[per * self.depth]
        grads[per * self.depth] = h.T @ delta
        grads[per * self.depth + 1] = delta.sum(axis=0)
        d_h = delta @ W.T
        d_signal = [None] * self.depth
        for l in range(self.depth - 1, -1, -1):
            h_in, bn, a, _ = tape[l]
            layer = self._layer(l)
            d_z = d_h * self.activation.derivative_from_output(a)
            d_signal[l] = d_z
            if self.batchnorm:
                d_z, grads[per * l + 1], grads[per * l + 2] = _bn_backward(d_z, bn)
            else:
                grads[per * l + 1] = d_z.sum(axis=0)
            grads[per * l] = h_in.T @ d_z
            if l > 0:
                back = d_z @ layer[0].T
                d_h = d_h + back if self.residual else back
        return float(J), grads, tape, d_signal

    def loss_and_grads(self, X, y, loss="cross_entropy"):
        """Loss and its gradient with respect to every parameter, in training mode.

        X: ``(n, d_in)`` (n >= 2 with batch norm); y: class labels ``(n,)`` for
        ``"cross_entropy"``, targets ``(n, d_out)`` for ``"mse"`` (as ``nblib.nn.MLP``).
        With batch norm, the call updates the running statistics, as a training step would.
        Returns ``(J, grads)``, grads aligned with ``params``.
        """
        X, y, loss = self._check_call(X, y, loss)
        with _quiet():
            J, grads = self._loss_and_grads(X, y, loss)[:2]
        return J, grads

    def loss(self, X, y, loss="cross_entropy"):
        """The loss in inference mode (running statistics), without gradients."""
        X, y, loss = self._check_call(X, y, loss, train=False)
        with _quiet():
            out = self._forward(X, train=False)[0]
            return float(_output_loss(out, y, loss, np.empty_like(out)))

    def scales(self, X, y, loss="cross_entropy"):
        """The per-layer scales of one training-mode pass over ``(X, y)``: a record with
        fields signal, error, gradient and loss (see ``_Scales``).

        The running statistics are left as they were.
        """
        X, y, loss = self._check_call(X, y, loss)
        running = list(self.running)
        with _quiet():
            J, grads, tape, deltas = self._loss_and_grads(X, y, loss)
            per = 3 if self.batchnorm else 2
            signal = [_rms(tape[l][3]) for l in range(self.depth)]
            error = [_rms(d) for d in deltas]
            gradient = [_rms(grads[per * l]) for l in range(self.depth)]
        self.running = running
        return _Scales(np.array(signal), np.array(error), np.array(gradient), J)

    # ----------------------------------------------------------------- checks
    def _check_inputs(self, X):
        X = as_array(X, "X", ndim=2)
        if X.shape[1] != self.d_in:
            raise ValueError(f"X must have {self.d_in} columns (one per input), got shape {X.shape}")
        return X

    def _check_call(self, X, y, loss, train=True):
        loss = as_name(loss, "loss", LOSSES)
        X = self._check_inputs(X)
        if train and self.batchnorm and len(X) < 2:
            raise ValueError(f"X must hold at least 2 examples for batch statistics, got shape {X.shape}")
        if loss == "cross_entropy":
            return X, check_labels(y, len(X), self.d_out), loss
        y = as_array(y, "y", ndim=(1, 2))
        if y.ndim == 1 and self.d_out == 1:
            y = y[:, None]
        if y.shape != (len(X), self.d_out):
            raise ValueError(f"y must have shape {(len(X), self.d_out)} for the mse loss, got {y.shape}")
        return X, y, loss


def _rms(values):
    """Root mean square of every entry."""
    return float(np.sqrt(np.mean(values * values)))


@dataclass
class _TrainRecord:
    """What :func:`train` records, per epoch (index 0 = before training).

    loss: the loss on the whole training set in inference mode (NaN after a divergence).
    grad_norm: the mean global gradient norm over the epoch's steps, before clipping
        (index 0: of the first batch; NaN after a divergence).
    diverged: True if the loss became infinite or NaN (training stopped there).
    """

    loss: List[float] = field(default_factory=list)
    grad_norm: List[float] = field(default_factory=list)
    diverged: bool = False


def train(net, X, y, optimizer, epochs, batch_size=32, loss="cross_entropy", clip=None, seed=0):
    """Train ``net`` (a :class:`DeepNet`) in place with mini-batches; return its record (fields loss,
    grad_norm, diverged; see ``_TrainRecord``).

    X: ``(n, d_in)``; y: labels or targets as for ``DeepNet.loss_and_grads``.
    optimizer: from ``nblib.optim``; epochs: passes over the data (shuffled by ``seed``);
    batch_size: examples per step (with batch norm, a last batch of one example is skipped).
    clip: None, or the largest global gradient norm a step may use (:mod:`nblib.clipping`).
    A loss that becomes NaN or infinite stops the run (recorded, not raised).
    """
    net = as_instance(net, "net", DeepNet, "a network, an nblib.deep.DeepNet")
    X, y, loss = net._check_call(X, y, loss)
    optimizer = as_optimizer(optimizer)
    epochs = as_count(epochs, "epochs", minimum=0, maximum=10 ** 5)
    batch_size = as_count(batch_size, "batch_size", maximum=10 ** 8)
    if clip is not None:
        clip = as_number(clip, "clip", low=0.0, low_inclusive=False)
    rng = np.random.default_rng(as_seed(seed))
    record = _TrainRecord()
    with _quiet():
        record.loss.append(net.loss(X, y, loss))
        running = list(net.running)   # measuring the first gradient is not a training step
        record.grad_norm.append(_norm(net._loss_and_grads(X[:batch_size], y[:batch_size], loss)[1]))
        net.running = running
        for _ in range(epochs):
            if not np.isfinite(record.loss[-1]):
                record.diverged = True
                record.loss.append(np.nan)
                record.grad_norm.append(np.nan)
                continue
            norms = []
            order = rng.permutation(len(X))
            for start in range(0, len(X), batch_size):
                batch = order[start:start + batch_size]
                if net.batchnorm and len(batch) < 2:
                    continue
                J, grads = net._loss_and_grads(X[batch], y[batch], loss)[:2]
                if clip is not None:
                    grads, norm = clip_by_global_norm(grads, clip)
                else:
                    norm = _norm(grads)
                norms.append(norm)
                optimizer.step(net.params, grads)
            record.loss.append(net.loss(X, y, loss))
            record.grad_norm.append(float(np.mean(norms)))
    if not np.isfinite(record.loss[-1]):
        record.diverged = True
    return record


def _norm(grads):
    return float(np.sqrt(sum(np.vdot(g, g) for g in grads)))
