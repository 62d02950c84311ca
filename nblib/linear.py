"""Linear regression: the line f(x) = m x + b, its MSE bowl, and ordinary least squares.

Two views of the same model:

* **One input** (chapters 2 and 3): ``f(x) = m * x + b`` with a slope ``m`` and an
  intercept ``b``. The loss ``J(m, b) = mean((y - m x - b)**2)`` is a bowl over
  the (m, b) plane; :func:`mse_line` evaluates it on whole grids of (m, b) at once.
* **Many inputs**: ``f(x) = b + W^T x`` for ``x`` of length ``d``. With the *bias
  trick* we prepend a constant input 1 to every example, so the bias is just
  the weight on that input and the model becomes one matrix product
  ``X1 @ W`` with ``X1 = [1, X]`` of shape ``(n, d + 1)`` and ``W = [b, w_1, ..., w_d]``.

Shapes: ``x, y: (n,)``; ``X: (n, d)``; ``W: (d + 1,)`` with the bias first.
"""

import numpy as np

from nblib.checks import as_array, as_number, finite_result, paired_vectors, same_length

#: Most residuals that :func:`mse_line` computes at once (grid points times examples).
MAX_RESIDUALS = 2 * 10 ** 7


def _xy(x, y):
    """Validate one input per example and its target: finite, non-empty, 1-D, same length."""
    return paired_vectors(x=x, y=y)


def _Xy(X, y):
    """Validate a design matrix ``X: (n, d)`` and targets ``y: (n,)``."""
    X = _design(X)
    y = as_array(y, "y", ndim=1)
    same_length(X=X, y=y)
    return X, y


def _design(X):
    """Validate a design matrix: finite, 2-D ``(n, d)``, non-empty."""
    X = as_array(X, "X")
    if X.ndim != 2:
        hint = "; for one input x of shape (n,) pass x[:, None]" if X.ndim == 1 else ""
        raise ValueError(f"X must be 2-D, shape (n, d), got shape {X.shape}{hint}")
    return X


def _mb(m, b, n):
    """Slopes and intercepts as finite arrays that broadcast against each other.

    n: the number of examples; the residuals of every (m, b) pair, ``n`` each,
    must fit in memory.
    """
    m = as_array(m, "m")
    b = as_array(b, "b")
    try:
        shape = np.broadcast_shapes(m.shape, b.shape)
    except ValueError:
        raise ValueError(f"m and b must broadcast together, got shapes {m.shape} and {b.shape}") from None
    if np.prod(shape, dtype=float) * n > MAX_RESIDUALS:
        raise ValueError(f"m and b of shape {shape} with {n} examples would need more than "
                         f"{MAX_RESIDUALS:,} residuals; use a coarser grid")
    return m, b


def _scalar_or_array(value):
    return float(value) if np.ndim(value) == 0 else value


@finite_result("x, m", "b")
def predict_line(x, m, b):
    """The line ``m * x + b`` at the points ``x`` (any shape); ``m`` and ``b`` are numbers."""
    x = as_array(x, "x")
    if np.ndim(m) or np.ndim(b):
        raise ValueError("predict_line takes a single slope m and intercept b; use mse_line for grids")
    return as_number(m, "m") * x + as_number(b, "b")


@finite_result("x, y, m", "b")
def residuals_line(x, y, m, b):
    """Residuals ``y - (m x + b)`` of one line, shape ``(n,)``."""
    x, y = _xy(x, y)
    return y - predict_line(x, m, b)


@finite_result("x, y, m", "b")
def mse_line(x, y, m, b):
    """Mean squared error ``J(m, b) = mean((y - m x - b)**2)`` of lines on the data ``(x, y)``.

    x, y: ``(n,)``. m, b: numbers or arrays that broadcast together, e.g. the
    two outputs of ``numpy.meshgrid``. The result has their broadcast shape
    (a float for scalar m and b). Each (m, b) pair gets its own axis of n
    residuals, ``(..., n)``, averaged over the last axis: no Python loop.
    """
    x, y = _xy(x, y)
    m, b = _mb(m, b, len(x))
    r = y - (m[..., None] * x + b[..., None])
    return _scalar_or_array(np.mean(r**2, axis=-1))


@finite_result("x, y, m", "b")
def mse_grad_line(x, y, m, b):
    """The analytic gradient of :func:`mse_line`: ``(dJ/dm, dJ/db)``.

    With residuals ``r_i = y_i - m x_i - b``::

        dJ/dm = -(2/n) * sum(x_i * r_i)
        dJ/db = -(2/n) * sum(r_i)

    m and b may be broadcastable grids as in :func:`mse_line`; each output has
    their broadcast shape (floats for scalar m and b).
    """
    x, y = _xy(x, y)
    m, b = _mb(m, b, len(x))
    r = y - (m[..., None] * x + b[..., None])
    dm = -2.0 * np.mean(x * r, axis=-1)
    db = -2.0 * np.mean(r, axis=-1)
    return _scalar_or_array(dm), _scalar_or_array(db)


def hessian_line(x):
    """The Hessian of the line's MSE ``J(m, b)`` on inputs ``x: (n,)``, shape (2, 2).

    ``[[2 mean(x^2), 2 mean(x)], [2 mean(x), 2]]``: constant in (m, b), since J is quadratic.
    """
    x = as_array(x, "x", ndim=1, dtype=np.float64)
    return 2 * np.array([[np.mean(x ** 2), np.mean(x)], [np.mean(x), 1.0]])


def add_bias_column(X):
    """The bias trick: ``[1, X]``, a column of ones in front of ``X``.

    X: ``(n, d)`` -> ``(n, d + 1)``. A weight vector ``W = [b, w_1, ..., w_d]``
    then gives ``add_bias_column(X) @ W = b + X @ w``. For a single input
    ``x`` of shape ``(n,)`` pass ``x[:, None]``.
    """
    X = _design(X)
    return np.hstack([np.ones((len(X), 1), dtype=X.dtype), X])


def _weights(W, d):
    W = as_array(W, "W", ndim=1)
    if len(W) != d + 1:
        raise ValueError(f"W must have d + 1 = {d + 1} entries (the bias first, then one weight "
                         f"per column of X), got {len(W)}")
    return W


@finite_result("X", "W")
def predict(X, W):
    """The linear model ``f(x) = b + W^T x`` for every row of ``X``.

    X: ``(n, d)``; W: ``(d + 1,)`` with the bias ``b = W[0]`` first.
    Returns ``(n,)``.
    """
    X = _design(X)
    W = _weights(W, X.shape[1])
    return add_bias_column(X) @ W


@finite_result("X, y", "W")
def mse_weights(X, y, W):
    """Mean squared error ``mean((y - predict(X, W))**2)`` of the linear model."""
    X, y = _Xy(X, y)
    W = _weights(W, X.shape[1])
    r = y - add_bias_column(X) @ W
    return float(np.mean(r**2))


@finite_result("X, y", "W")
def mse_grad_weights(X, y, W):
    """Analytic gradient of :func:`mse_weights` with respect to ``W``, shape ``(d + 1,)``.

    With ``X1 = add_bias_column(X)`` and residuals ``r = y - X1 @ W``::

        grad J(W) = -(2/n) * X1^T r

    Its first entry is ``dJ/db``; the others are ``dJ/dw_j``.
    """
    X, y = _Xy(X, y)
    W = _weights(W, X.shape[1])
    X1 = add_bias_column(X)
    r = y - X1 @ W
    return -2.0 / len(y) * (X1.T @ r)


@finite_result("X", "y")
def ols(X, y):
    """Ordinary least squares: the weights ``W`` that minimise the MSE, in closed form.

    X: ``(n, d)``; y: ``(n,)``. Returns ``W: (d + 1,)``, bias first.

    At the bottom of the bowl the gradient ``-(2/n) X1^T (y - X1 W)`` is zero,
    which gives the *normal equations* ``X1^T X1 W = X1^T y``. Solving them as
    written squares the condition number of ``X1``, so we hand ``X1 W ~ y`` to
    ``numpy.linalg.lstsq`` instead: it finds the same minimiser through a
    singular value decomposition, accurately, and still returns an answer
    (the one with the smallest norm) when the columns of ``X1`` are linearly
    dependent and the bowl has a flat valley instead of a single bottom.
    """
    X, y = _Xy(X, y)
    W, *_ = np.linalg.lstsq(add_bias_column(X), y, rcond=None)
    return W


@finite_result("x", "y")
def ols_line(x, y):
    """The least-squares line through ``(x, y)``: returns ``(m, b)`` as floats.

    Same as :func:`ols` with one input. For a line the normal equations solve to
    ``m = cov(x, y) / var(x)`` and ``b = mean(y) - m * mean(x)``.
    """
    x, y = _xy(x, y)
    b, m = ols(x[:, None], y)
    return float(m), float(b)
