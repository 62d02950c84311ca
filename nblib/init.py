"""Initial weights: the Glorot/Xavier and He rules, uniform and normal.

A layer's weights ``W`` have shape ``(fan_in, fan_out)`` (batch-major: a layer
computes ``h @ W + b``); PyTorch stores the transpose, ``(fan_out, fan_in)``,
with the same fans. Every rule draws zero-mean weights with a chosen variance:

- Glorot & Bengio (2010) keep the variance of the signal going forward
  (``fan_in * Var(W) = 1``) and of the gradient going back
  (``fan_out * Var(W) = 1``) as well as one variance can:
  ``Var(W) = gain**2 * 2 / (fan_in + fan_out)``.
- He et al. (2015): a ReLU zeroes half of its inputs and halves their second
  moment, which the factor 2 in ``gain = sqrt(2)`` gives back:
  ``Var(W) = gain**2 / fan``, with ``fan = fan_in`` (``mode="fan_in"``, the
  forward signal) or ``fan_out`` (the gradient).

A uniform draw on ``[-r, r]`` has variance ``r**2 / 3``, so ``r = sqrt(3) * std``.
The conventions (the gain, the fan modes) are those of ``torch.nn.init``:
``xavier_uniform_``, ``xavier_normal_``, ``kaiming_uniform_``, ``kaiming_normal_``.

``rng`` is a seed (an integer >= 0) or a ``numpy.random.Generator``, which the
draw advances.
"""

import math

import numpy as np

from nblib.checks import _describe, as_count, as_name, as_number, as_seed

__all__ = ["GAINS", "gain", "glorot_std", "he_std", "glorot_uniform", "glorot_normal", "he_uniform",
           "he_normal"]

#: The recommended gain for each activation (``torch.nn.init.calculate_gain``).
GAINS = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0)}

#: The most entries one call may draw.
MAX_ENTRIES = 10 ** 8

MODES = ("fan_in", "fan_out")


def gain(activation):
    """The recommended gain of ``activation``: 1 for ``"linear"`` and ``"sigmoid"``,
    5/3 for ``"tanh"``, sqrt(2) for ``"relu"`` (as ``torch.nn.init.calculate_gain``)."""
    return GAINS[as_name(activation, "activation", tuple(GAINS))]


def _fans(fan_in, fan_out):
    fan_in = as_count(fan_in, "fan_in", maximum=MAX_ENTRIES)
    fan_out = as_count(fan_out, "fan_out", maximum=MAX_ENTRIES)
    if fan_in * fan_out > MAX_ENTRIES:
        raise ValueError(f"fan_in * fan_out = {fan_in * fan_out:,} weights is more than the "
                         f"{MAX_ENTRIES:,} one call may draw")
    return fan_in, fan_out


def _gain(value):
    return as_number(value, "gain", low=0.0, high=1e100)


def glorot_std(fan_in, fan_out, gain=1.0):
    """The Glorot standard deviation ``gain * sqrt(2 / (fan_in + fan_out))``."""
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _gain(gain) * math.sqrt(2.0 / (fan_in + fan_out))


def he_std(fan_in, fan_out, gain=math.sqrt(2.0), mode="fan_in"):
    """The He standard deviation ``gain / sqrt(fan)``, ``fan`` the fan named by ``mode``."""
    fan_in, fan_out = _fans(fan_in, fan_out)
    mode = as_name(mode, "mode", MODES)
    return _gain(gain) / math.sqrt(fan_in if mode == "fan_in" else fan_out)


def _generator(rng):
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (bool, np.bool_)) or not isinstance(rng, (int, np.integer)):
        raise TypeError(f"rng must be a seed (an integer >= 0) or a numpy.random.Generator, "
                        f"got {_describe(rng)}")
    return np.random.default_rng(as_seed(rng, "rng"))


def _uniform(std, shape, rng):
    r = math.sqrt(3.0) * std
    return _generator(rng).uniform(-r, r, size=shape)


def _normal(std, shape, rng):
    return _generator(rng).normal(0.0, std, size=shape)


def glorot_uniform(fan_in, fan_out, gain=1.0, rng=0):
    """Weights ``(fan_in, fan_out)`` drawn from ``Uniform(-r, r)``,
    ``r = gain * sqrt(6 / (fan_in + fan_out))`` (``torch.nn.init.xavier_uniform_``)."""
    return _uniform(glorot_std(fan_in, fan_out, gain), (fan_in, fan_out), rng)


def glorot_normal(fan_in, fan_out, gain=1.0, rng=0):
    """Weights ``(fan_in, fan_out)`` drawn from ``Normal(0, std)``,
    ``std = gain * sqrt(2 / (fan_in + fan_out))`` (``torch.nn.init.xavier_normal_``)."""
    return _normal(glorot_std(fan_in, fan_out, gain), (fan_in, fan_out), rng)


def he_uniform(fan_in, fan_out, gain=math.sqrt(2.0), mode="fan_in", rng=0):
    """Weights ``(fan_in, fan_out)`` drawn from ``Uniform(-r, r)``, ``r = gain * sqrt(3 / fan)``
    (``torch.nn.init.kaiming_uniform_`` with ``nonlinearity="relu"``)."""
    return _uniform(he_std(fan_in, fan_out, gain, mode), (fan_in, fan_out), rng)


def he_normal(fan_in, fan_out, gain=math.sqrt(2.0), mode="fan_in", rng=0):
    """Weights ``(fan_in, fan_out)`` drawn from ``Normal(0, std)``, ``std = gain / sqrt(fan)``
    (``torch.nn.init.kaiming_normal_`` with ``nonlinearity="relu"``)."""
    return _normal(he_std(fan_in, fan_out, gain, mode), (fan_in, fan_out), rng)
