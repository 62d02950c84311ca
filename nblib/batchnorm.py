"""Batch normalization (Ioffe & Szegedy, 2015): a layer's forward and backward pass.

For a mini-batch of pre-activations ``X: (n, d)``, each of the d columns is
standardized with the batch's own mean and (biased) variance, then scaled and
shifted by learned ``gamma`` and ``beta``, both ``(d,)``::

    mu = mean(X, axis=0)    var = mean((X - mu)**2, axis=0)
    x_hat = (X - mu) / sqrt(var + eps)    out = gamma * x_hat + beta

In training, the batch statistics are used, and running averages of them are
kept for inference: ``running = (1 - momentum) * running + momentum * batch``,
the variance in the running average being the unbiased one (divided by n - 1),
as in PyTorch's ``nn.BatchNorm1d`` (momentum 0.1, eps 1e-5). At inference the
running averages replace the batch statistics, so one example's output does not
depend on the others in its batch.

The backward pass goes through the mean and the variance too, since both depend
on every row of X::

    d_x_hat = d_out * gamma
    dX = (d_x_hat - mean(d_x_hat) - x_hat * mean(d_x_hat * x_hat)) / sqrt(var + eps)

(means over the batch, per column).
"""

from dataclasses import dataclass

import numpy as np

from nblib.checks import _describe, as_array, as_count, as_flag, as_number

__all__ = ["batchnorm_forward", "batchnorm_backward", "batchnorm_inference",
           "running_update", "BatchNorm"]


@dataclass(frozen=True)
class _Cache:
    """What the backward pass needs from a training-mode forward pass.

    x_hat: ``(n, d)`` the standardized inputs; inv_std: ``(d,)`` ``1 / sqrt(var + eps)``;
    gamma: ``(d,)`` the scale used.
    """

    x_hat: np.ndarray
    inv_std: np.ndarray
    gamma: np.ndarray


def _inputs(X, gamma, beta):
    X = as_array(X, "X", ndim=2)
    d = X.shape[1]
    gamma = as_array(gamma, "gamma", ndim=1)
    beta = as_array(beta, "beta", ndim=1)
    for name, value in (("gamma", gamma), ("beta", beta)):
        if value.shape != (d,):
            raise ValueError(f"{name} must have shape ({d},), one entry per column of X, got {value.shape}")
    return X, gamma, beta


def _eps(eps):
    return as_number(eps, "eps", low=0.0, high=1.0, low_inclusive=False)


def _forward(X, gamma, beta, eps):
    mu = X.mean(axis=0)
    centred = X - mu
    var = np.mean(centred * centred, axis=0)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = centred * inv_std
    return gamma * x_hat + beta, _Cache(x_hat, inv_std, gamma)


def _backward(d_out, cache):
    d_gamma = np.sum(d_out * cache.x_hat, axis=0)
    d_beta = d_out.sum(axis=0)
    d_x_hat = d_out * cache.gamma
    dX = (d_x_hat - d_x_hat.mean(axis=0) - cache.x_hat * np.mean(d_x_hat * cache.x_hat, axis=0)) * cache.inv_std
    return dX, d_gamma, d_beta


def batchnorm_forward(X, gamma, beta, eps=1e-5):
    """Training-mode batch normalization with the batch's statistics.

    X: ``(n, d)`` with n >= 2; gamma, beta: ``(d,)``; eps: a small positive number
    added to the variance. Returns ``(out, cache)``: out ``(n, d)`` and a
    cache (x_hat, inv_std, gamma) for :func:`batchnorm_backward`.
    """
    X, gamma, beta = _inputs(X, gamma, beta)
    if len(X) < 2:
        raise ValueError(f"X must hold at least 2 examples to take batch statistics, got shape {X.shape}")
    return _forward(X, gamma, beta, _eps(eps))


def batchnorm_backward(d_out, cache):
    """Gradients of a training-mode batch normalization.

    d_out: ``(n, d)`` the gradient of the loss with respect to ``out``;
    cache: the cache the forward pass returned.
    Returns ``(dX, d_gamma, d_beta)`` of shapes ``(n, d)``, ``(d,)``, ``(d,)``.
    """
    if not isinstance(cache, _Cache):
        raise TypeError(f"cache must be the cache that batchnorm_forward returned, got {_describe(cache)}")
    d_out = as_array(d_out, "d_out", ndim=2)
    if d_out.shape != cache.x_hat.shape:
        raise ValueError(f"d_out must have the forward output's shape {cache.x_hat.shape}, got {d_out.shape}")
    return _backward(d_out, cache)


def batchnorm_inference(X, gamma, beta, running_mean, running_var, eps=1e-5):
    """Inference-mode batch normalization with stored statistics:
    ``gamma * (X - running_mean) / sqrt(running_var + eps) + beta``.

    X: ``(n, d)``; gamma, beta, running_mean, running_var: ``(d,)`` (variances >= 0).
    Returns out ``(n, d)``.
    """
    X, gamma, beta = _inputs(X, gamma, beta)
    mean, var = _running(running_mean, running_var, X.shape[1])
    return gamma * (X - mean) / np.sqrt(var + _eps(eps)) + beta


def _running(running_mean, running_var, d):
    mean = as_array(running_mean, "running_mean", ndim=1)
    var = as_array(running_var, "running_var", ndim=1)
    for name, value in (("running_mean", mean), ("running_var", var)):
        if value.shape != (d,):
            raise ValueError(f"{name} must have shape ({d},), one entry per column of X, got {value.shape}")
    if var.min() < 0:
        raise ValueError(f"running_var must hold variances >= 0, got a smallest value {var.min():g}")
    return mean, var


def _momentum(momentum):
    return as_number(momentum, "momentum", low=0.0, high=1.0)


def running_update(running_mean, running_var, X, momentum=0.1):
    """The running averages after one training batch ``X: (n, d)``, n >= 2.

    Returns new arrays ``((1 - momentum) * running_mean + momentum * mean(X),
    (1 - momentum) * running_var + momentum * unbiased_var(X))``, each ``(d,)``.
    """
    X = as_array(X, "X", ndim=2)
    if len(X) < 2:
        raise ValueError(f"X must hold at least 2 examples for an unbiased variance, got shape {X.shape}")
    mean, var = _running(running_mean, running_var, X.shape[1])
    momentum = _momentum(momentum)
    return _running_update(mean, var, X, momentum)


def _running_update(mean, var, X, momentum):
    return ((1 - momentum) * mean + momentum * X.mean(axis=0),
            (1 - momentum) * var + momentum * X.var(axis=0, ddof=1))


class BatchNorm:
    """A batch-normalization layer with its parameters and running statistics as plain arrays.

    width: the number of columns d it normalizes. gamma starts at ones, beta at
    zeros, running_mean at zeros and running_var at ones (as PyTorch).
    ``forward(X, train=True)`` normalizes with the batch, updates the running
    averages and keeps the cache for ``backward``; ``forward(X)`` (train=False)
    uses the running averages and changes nothing.

    >>> bn = BatchNorm(3)
    >>> out = bn.forward(np.arange(6.0).reshape(2, 3), train=True)
    >>> bn.running_mean
    array([0.15, 0.25, 0.35])
    """

    def __init__(self, width, momentum=0.1, eps=1e-5):
        width = as_count(width, "width", maximum=10 ** 7)
        self.momentum = _momentum(momentum)
        self.eps = _eps(eps)
        self.gamma, self.beta = np.ones(width), np.zeros(width)
        self.running_mean, self.running_var = np.zeros(width), np.ones(width)
        self.cache = None

    def __repr__(self):
        return f"BatchNorm({len(self.gamma)}, momentum={self.momentum}, eps={self.eps})"

    def forward(self, X, train=False):
        """Outputs ``(n, width)`` for ``X: (n, width)``; see the class docstring."""
        train = as_flag(train, "train")
        if not train:
            return batchnorm_inference(X, self.gamma, self.beta, self.running_mean, self.running_var, self.eps)
        out, self.cache = batchnorm_forward(X, self.gamma, self.beta, self.eps)
        self.running_mean, self.running_var = _running_update(self.running_mean, self.running_var,
                                                              np.asarray(X, dtype=float), self.momentum)
        return out

    def backward(self, d_out):
        """``(dX, d_gamma, d_beta)`` for the last training-mode ``forward``."""
        if self.cache is None:
            raise ValueError("d_out has nothing to flow back through: call forward(X, train=True) first")
        return batchnorm_backward(d_out, self.cache)
