"""Gradient checking: derivatives by centred finite differences, and a way to compare them.

An analytic gradient (worked out by hand, or by backpropagation) is easy to get
subtly wrong. The check is to nudge each parameter a little in both directions
and watch the loss::

    dJ/dw_i  ~  (J(w + eps e_i) - J(w - eps e_i)) / (2 eps)

where ``e_i`` is 1 in position i and 0 elsewhere. The error of this centred
difference shrinks like ``eps**2`` (a one-sided difference only like ``eps``),
until floating-point rounding, which grows like ``1 / eps``, takes over; for
float64 an ``eps`` near 1e-6 balances the two.

It costs two evaluations of J per parameter, which is fine for checking and
teaching, and hopeless for training a network with thousands of weights
(chapter 10 measures how hopeless).
"""

import numpy as np

from nblib.checks import as_array, as_callable, as_number, finite_result

#: The most entries of ``w`` that :func:`numerical_gradient` nudges (two calls of f each).
MAX_ENTRIES = 10 ** 6


@finite_result("the values f(w)", "eps")
def numerical_gradient(f, w, eps=1e-6):
    """Centred finite-difference gradient of a scalar function ``f`` at ``w``.

    f: a function of one float array shaped like ``w``, returning a number. Each
        call gets its own copy of the nudged point, so an ``f`` that changes its
        argument in place (``w -= target``) cannot spoil the later nudges.
    w: the point, a float array of any shape (it is copied, never modified).
    eps: the step, a positive number.
    Returns an array shaped like ``w``, entry i approximating ``dJ/dw_i``.
    ``w`` may have at most ``MAX_ENTRIES`` entries; f must return finite numbers.
    """
    as_callable(f, "f", "a function of an array returning a number")
    w = as_array(w, "w", dtype=np.float64, max_size=MAX_ENTRIES).copy()
    eps = as_number(eps, "eps", low=0.0, high=1e100, low_inclusive=False)
    grad = np.empty_like(w)
    flat, grad_flat = w.reshape(-1), grad.reshape(-1)  # views into w and grad
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        up = as_number(f(w.copy()), "the value f(w) returned")
        flat[i] = original - eps
        down = as_number(f(w.copy()), "the value f(w) returned")
        flat[i] = original
        grad_flat[i] = (up - down) / (2.0 * eps)
    return grad


@finite_result("a", "b")
def relative_error(a, b):
    """Relative difference ``||a - b|| / (||a|| + ||b||)`` of two arrays of the same shape.

    0 means identical; about 1e-7 or less is what a correct analytic gradient
    usually achieves against :func:`numerical_gradient` in float64; 1 means
    unrelated. Two all-zero arrays have relative error 0.
    """
    a = as_array(a, "a", dtype=np.float64)
    b = as_array(b, "b", dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)
