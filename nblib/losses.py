"""Loss functions: how wrong a set of predictions is, as one number.

Every loss here compares targets ``y`` with predictions ``y_hat``, both 1-D
arrays of shape ``(n,)``, and comes as a pair of functions:

* ``loss(y, y_hat)`` returns the loss, a float;
* ``loss_grad(y, y_hat)`` returns its gradient with respect to the
  predictions, an array of shape ``(n,)`` whose entry ``i`` is
  ``dJ / d y_hat[i]``.

The residuals are ``r = y - y_hat`` (target minus prediction), so a positive
residual means the prediction was too low. Because every loss is a *mean*
over the n examples, every gradient carries a factor ``1 / n``.

==========================  ===================================  =================================
loss                        J(y, y_hat)                          dJ / d y_hat_i
==========================  ===================================  =================================
``mean_error``              mean(y - y_hat)                      -1 / n
``mean_absolute_error``     mean(|y - y_hat|)                    sign(y_hat_i - y_i) / n
``mean_squared_error``      mean((y - y_hat)**2)                 2 (y_hat_i - y_i) / n
``binary_cross_entropy``    -mean(y log p + (1 - y) log(1 - p))  (p_i - y_i) / (p_i (1 - p_i) n)
==========================  ===================================  =================================
"""

import numpy as np

from nblib.checks import as_number, finite_result, paired_vectors

#: Probabilities are clipped to ``[EPS, 1 - EPS]`` before taking logarithms.
EPS = 1e-12


def _pair(y, y_hat):
    """Validate targets and predictions: finite, non-empty, 1-D, same length."""
    return paired_vectors(y=y, y_hat=y_hat)


@finite_result("y", "y_hat")
def mean_error(y, y_hat):
    """Mean of the residuals ``y - y_hat``.

    Positive and negative residuals cancel, so a bad model can score 0: this
    is a measure of *bias* (are predictions too low on average?), not of fit.
    """
    y, y_hat = _pair(y, y_hat)
    return float(np.mean(y - y_hat))


@finite_result("y", "y_hat")
def mean_error_grad(y, y_hat):
    """Gradient of :func:`mean_error` with respect to ``y_hat``: ``-1 / n`` everywhere."""
    y, y_hat = _pair(y, y_hat)
    return np.full_like(y_hat, -1.0 / len(y_hat))


@finite_result("y", "y_hat")
def mean_absolute_error(y, y_hat):
    """Mean of ``|y - y_hat|`` (MAE)."""
    y, y_hat = _pair(y, y_hat)
    return float(np.mean(np.abs(y - y_hat)))


@finite_result("y", "y_hat")
def mean_absolute_error_grad(y, y_hat):
    """Gradient of :func:`mean_absolute_error` with respect to ``y_hat``.

    ``sign(y_hat - y) / n``. The absolute value has a kink where
    ``y_hat == y``; there we return 0, one valid subgradient.
    """
    y, y_hat = _pair(y, y_hat)
    return np.sign(y_hat - y) / len(y_hat)


@finite_result("y", "y_hat")
def mean_squared_error(y, y_hat):
    """Mean of ``(y - y_hat)**2`` (MSE)."""
    y, y_hat = _pair(y, y_hat)
    return float(np.mean((y - y_hat) ** 2))


@finite_result("y", "y_hat")
def mean_squared_error_grad(y, y_hat):
    """Gradient of :func:`mean_squared_error` with respect to ``y_hat``: ``2 (y_hat - y) / n``."""
    y, y_hat = _pair(y, y_hat)
    return 2.0 * (y_hat - y) / len(y_hat)


def _probabilities(y, p, eps):
    """Validate binary targets and predicted probabilities; return ``y`` and clipped ``p``."""
    y, p = _pair(y, p)
    eps = as_number(eps, "eps", low=0.0, high=0.5, low_inclusive=False, high_inclusive=False)
    if np.any((y < 0) | (y > 1)):
        raise ValueError("y must hold targets in [0, 1] for the cross-entropy")
    if np.any((p < 0) | (p > 1)):
        raise ValueError("y_hat must hold probabilities in [0, 1] for the cross-entropy")
    eps = max(eps, float(np.finfo(p.dtype).eps))  # in float32, 1 - 1e-12 would round to 1
    return y, np.clip(p, eps, 1.0 - eps)


def binary_cross_entropy(y, y_hat, eps=EPS):
    """Binary cross-entropy of probabilities ``y_hat`` against targets ``y`` in [0, 1].

    ``-mean(y * log(p) + (1 - y) * log(1 - p))`` with ``p = clip(y_hat, eps, 1 - eps)``.
    A prediction of exactly 0 for a positive example would cost ``-log(0) = inf``;
    the clipping caps the cost of one example at ``-log(eps)`` (about 27.6 for the
    default ``eps = 1e-12``) so the loss stays finite. For float32 predictions
    eps is at least float32's own epsilon (about 1.2e-7), below which
    ``1 - eps`` would round back to 1.
    """
    y, p = _probabilities(y, y_hat, eps)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p)))


def binary_cross_entropy_grad(y, y_hat, eps=EPS):
    """Gradient of :func:`binary_cross_entropy` with respect to ``y_hat``.

    ``(p - y) / (p (1 - p) n)``, evaluated at the clipped ``p`` (so it is
    finite even for predictions of exactly 0 or 1).
    """
    y, p = _probabilities(y, y_hat, eps)
    return (p - y) / (p * (1.0 - p) * len(p))
