"""Gradient-descent optimizers: plain SGD, momentum, Nesterov, AdaGrad, AdaDelta, RMSprop, Adam, AdamW.

Each optimizer updates a list of parameter arrays in place from a list of
gradients of the same shapes: ``optimizer.step(params, grads)``. The update
equations are PyTorch's (``torch.optim``), written in each docstring with the
symbols the book uses: ``w`` a parameter, ``g`` its gradient, ``lr`` the
learning rate (alpha in the text), ``t`` the step count from 1.

The running quantities (``z``, ``G``, ``v``, ``u``, ``m``, ``t``) are kept in
``optimizer.state``, a plain dict of lists of arrays (one per parameter array)
that a chapter can print or plot. ``lr`` may be changed between steps, which is
how a schedule acts.
"""

import inspect
import math

import numpy as np

from nblib.checks import _describe, as_array, as_instance, as_name, as_number

__all__ = ["SGD", "Momentum", "Nesterov", "AdaGrad", "AdaDelta", "RMSprop", "Adam", "AdamW",
           "OPTIMIZERS", "make"]


def _rate(value, name):
    """A decay rate (beta, rho) in [0, 1)."""
    return as_number(value, name, low=0.0, high=1.0, high_inclusive=False)


def _eps(value):
    return as_number(value, "eps", low=0.0, low_inclusive=False)


class Optimizer:
    """Shared machinery: the learning rate, the state, and the checks of ``step``.

    A subclass names its state buffers in ``buffers`` (each starts as zeros
    shaped like the parameters), its hyperparameters other than ``lr`` in
    ``settings``, and writes its equation in ``_update``.
    """

    buffers = ()
    settings = ()

    def __init__(self, lr):
        self.lr = lr
        self.state = {}

    @property
    def lr(self):
        """The learning rate (alpha); must be finite and non-negative."""
        return self._lr

    @lr.setter
    def lr(self, value):
        self._lr = as_number(value, "learning rate", low=0.0)

    def step(self, params, grads):
        """Update every array of ``params`` in place using ``grads`` (same shapes).

        params: a list of float numpy arrays, e.g. ``[w]`` or ``net.params``; they
            are changed in place, so a bare array, a list of numbers or a float is
            refused (wrap one array as ``[w]``).
        grads: a list of arrays of the same shapes, one gradient per parameter array.

        An update that overflows leaves infinite or NaN parameters (a diverged
        run), without numpy warnings.
        """
        grads = _checked_step(params, grads)
        shapes = [w.shape for w in params]
        if not self.state:
            self.state = self._initial_state(params)
            self._shapes = shapes
        elif shapes != self._shapes:
            raise ValueError(f"params changed shape since the first step (from {self._shapes} to {shapes}); "
                             "call reset() or use a new optimizer")
        self.state["t"] += 1
        with np.errstate(over="ignore", invalid="ignore"):
            self._update(params, grads)

    def reset(self):
        """Forget the state (buffers and step count)."""
        self.state = {}

    def _initial_state(self, params):
        state = {name: [np.zeros_like(w) for w in params] for name in self.buffers}
        state["t"] = 0
        return state

    def _update(self, params, grads):
        raise NotImplementedError

    def __repr__(self):
        listed = ", ".join(f"{k}={v}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({listed})"

    def hyperparameters(self):
        """The settings as a dict, e.g. ``{"lr": 0.1, "beta": 0.9}``."""
        return {name: getattr(self, name) for name in ("lr",) + self.settings}


def _checked_step(params, grads):
    """Check the arguments of ``step``; return the gradients as a list of arrays."""
    for name, arrays in (("params", params), ("grads", grads)):
        if not isinstance(arrays, (list, tuple)):
            raise TypeError(f"{name} must be a list of numpy arrays, e.g. [w] or net.params "
                            f"(params are updated in place), got {_describe(arrays)}")
    if len(params) != len(grads):
        raise ValueError(f"params has {len(params)} arrays but grads has {len(grads)}: give one gradient "
                         f"per parameter array")
    checked = []
    for i, (w, g) in enumerate(zip(params, grads)):
        if not isinstance(w, np.ndarray) or w.dtype.kind != "f":
            raise TypeError(f"params[{i}] must be a float numpy array, which step updates in place; "
                            f"got {_describe(w)}")
        if not w.flags.writeable:
            raise ValueError(f"params[{i}] must be writeable: step updates it in place")
        if not (isinstance(g, np.ndarray) and g.dtype.kind in "fiu"):  # arrays of real numbers pass at once
            g = as_array(g, f"grads[{i}]", allow_empty=True, finite=False)
        if g.shape != w.shape:
            raise ValueError(f"params[{i}] has shape {w.shape} but grads[{i}] has shape {g.shape}")
        checked.append(g)
    return checked


class SGD(Optimizer):
    """Plain (stochastic) gradient descent, Cauchy (1847), Robbins & Monro (1951).

    .. code-block:: text

        for t = 1, 2, ...:
            w = w - lr * g
    """

    def _update(self, params, grads):
        for w, g in zip(params, grads):
            w -= self.lr * g


class Momentum(Optimizer):
    """Gradient descent with (heavy-ball) momentum, Polyak (1964).

    .. code-block:: text

        z = 0
        for t = 1, 2, ...:
            z = beta * z + g          (so the first z is g)
            w = w - lr * z
    """

    buffers = ("z",)
    settings = ("beta",)

    def __init__(self, lr, beta=0.9):
        super().__init__(lr)
        self.beta = _rate(beta, "beta")

    def _update(self, params, grads):
        for w, g, z in zip(params, grads, self.state["z"]):
            z *= self.beta
            z += g
            w -= self.lr * z


class Nesterov(Momentum):
    """Nesterov accelerated gradient, Nesterov (1983), Sutskever et al. (2013).

    The look-ahead form ``z = beta z + grad J(w - lr beta z); w = w - lr z``
    rewritten at the look-ahead point, as libraries implement it:

    .. code-block:: text

        z = 0
        for t = 1, 2, ...:
            z = beta * z + g
            w = w - lr * (g + beta * z)
    """

    def _update(self, params, grads):
        for w, g, z in zip(params, grads, self.state["z"]):
            z *= self.beta
            z += g
            w -= self.lr * (g + self.beta * z)


class AdaGrad(Optimizer):
    """AdaGrad, Duchi, Hazan & Singer (2011): a per-weight rate that shrinks with
    the running sum of squared gradients.

    .. code-block:: text

        G = 0
        for t = 1, 2, ...:
            G = G + g**2              (a sum; the root is taken in the update)
            w = w - lr * g / (sqrt(G) + eps)
    """

    buffers = ("G",)
    settings = ("eps",)

    def __init__(self, lr, eps=1e-10):
        super().__init__(lr)
        self.eps = _eps(eps)

    def _update(self, params, grads):
        for w, g, G in zip(params, grads, self.state["G"]):
            G += g * g
            w -= self.lr * g / (np.sqrt(G) + self.eps)


class AdaDelta(Optimizer):
    """AdaDelta, Zeiler (2012): the step's size comes from running averages of
    squared gradients ``v`` and of squared steps ``u``.

    .. code-block:: text

        v = 0, u = 0
        for t = 1, 2, ...:
            v = rho * v + (1 - rho) * g**2
            d = sqrt(u + eps) / sqrt(v + eps) * g
            u = rho * u + (1 - rho) * d**2
            w = w - lr * d
    """

    buffers = ("v", "u")
    settings = ("rho", "eps")

    def __init__(self, lr=1.0, rho=0.9, eps=1e-6):
        super().__init__(lr)
        self.rho = _rate(rho, "rho")
        self.eps = _eps(eps)

    def _update(self, params, grads):
        rho, eps = self.rho, self.eps
        for w, g, v, u in zip(params, grads, self.state["v"], self.state["u"]):
            v *= rho
            v += (1 - rho) * g * g
            d = np.sqrt(u + eps) / np.sqrt(v + eps) * g
            u *= rho
            u += (1 - rho) * d * d
            w -= self.lr * d


class RMSprop(Optimizer):
    """RMSprop, Tieleman & Hinton (2012): divide the gradient by a running root
    mean square of recent gradients.

    .. code-block:: text

        v = 0
        for t = 1, 2, ...:
            v = rho * v + (1 - rho) * g**2
            w = w - lr * g / (sqrt(v) + eps)
    """

    buffers = ("v",)
    settings = ("rho", "eps")

    def __init__(self, lr, rho=0.99, eps=1e-8):
        super().__init__(lr)
        self.rho = _rate(rho, "rho")
        self.eps = _eps(eps)

    def _update(self, params, grads):
        for w, g, v in zip(params, grads, self.state["v"]):
            v *= self.rho
            v += (1 - self.rho) * g * g
            w -= self.lr * g / (np.sqrt(v) + self.eps)


class Adam(Optimizer):
    """Adam, Kingma & Ba (2015): momentum ``m`` and RMSprop's ``v``, both
    corrected for starting at zero.

    .. code-block:: text

        m = 0, v = 0
        for t = 1, 2, ...:
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g**2
            m_hat = m / (1 - beta1**t)
            v_hat = v / (1 - beta2**t)
            w = w - lr * m_hat / (sqrt(v_hat) + eps)
    """

    buffers = ("m", "v")
    settings = ("beta1", "beta2", "eps")

    def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr)
        self.beta1 = _rate(beta1, "beta1")
        self.beta2 = _rate(beta2, "beta2")
        self.eps = _eps(eps)

    def _initial_state(self, params):
        self._scratch = [np.empty_like(w) for w in params]
        return super()._initial_state(params)

    def _update(self, params, grads):
        # Written with out= and one scratch array per parameter: the largest
        # networks' steps would otherwise spend more time allocating than computing.
        t, beta1, beta2 = self.state["t"], self.beta1, self.beta2
        step_size = self.lr / (1 - beta1 ** t)
        root_bias = math.sqrt(1 - beta2 ** t)
        for w, g, m, v, s in zip(params, grads, self.state["m"], self.state["v"], self._scratch):
            m *= beta1
            m += np.multiply(g, 1 - beta1, out=s)
            v *= beta2
            np.multiply(g, g, out=s)
            s *= 1 - beta2
            v += s
            np.sqrt(v, out=s)
            s /= root_bias
            s += self.eps  # s = sqrt(v_hat) + eps
            np.divide(m, s, out=s)
            s *= step_size  # s = lr * m_hat / (sqrt(v_hat) + eps)
            w -= s


class AdamW(Adam):
    """AdamW, Loshchilov & Hutter (2019): Adam with the weight decay taken out of the gradient.

    The decay shrinks every weight by the same factor ``1 - lr * weight_decay`` before Adam's
    step, so it is not divided by ``sqrt(v_hat)`` as an L2 term in the gradient would be
    (torch.optim.AdamW's order and defaults):

    .. code-block:: text

        m = 0, v = 0
        for t = 1, 2, ...:
            w = w * (1 - lr * weight_decay)
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g**2
            w = w - lr * m_hat / (sqrt(v_hat) + eps)      (m_hat, v_hat as in Adam)
    """

    settings = ("beta1", "beta2", "eps", "weight_decay")

    def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
        super().__init__(lr, beta1=beta1, beta2=beta2, eps=eps)
        self.weight_decay = as_number(weight_decay, "weight_decay", low=0.0)

    def _update(self, params, grads):
        shrink = 1 - self.lr * self.weight_decay
        for w in params:
            w *= shrink
        super()._update(params, grads)


OPTIMIZERS = {
    "sgd": SGD,
    "momentum": Momentum,
    "nesterov": Nesterov,
    "adagrad": AdaGrad,
    "adadelta": AdaDelta,
    "rmsprop": RMSprop,
    "adam": Adam,
    "adamw": AdamW,
}


def make(name, **hyperparameters):
    """Build an optimizer by name, e.g. ``make("adam", lr=0.01)``."""
    cls = OPTIMIZERS[as_name(name, "optimizer", tuple(OPTIMIZERS))]
    known = inspect.signature(cls).parameters
    unknown = [key for key in hyperparameters if key not in known]
    if unknown:
        raise TypeError(f"Unknown hyperparameter {unknown[0]!r} for {name}; expected {', '.join(known)}")
    return cls(**hyperparameters)


def as_optimizer(value, name="optimizer"):
    """Return ``value`` if it is an optimizer from this module, else raise TypeError."""
    return as_instance(value, name, Optimizer, "an optimizer from nblib.optim, e.g. optim.SGD(lr=0.1)")
