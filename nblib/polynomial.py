"""Polynomials in one variable fitted by least squares: the overfitting task of chapters 7 to 9.

A polynomial of degree ``d`` is its coefficients ``coef`` of shape ``(d + 1,)``, lowest power
first, as :func:`numpy.polynomial.polynomial.polyval` reads them. The task's points come from
:func:`nblib.data.polynomial_task`; :data:`GRID` and :data:`YLIM` are the window its pictures use.
"""

import numpy as np
from numpy.polynomial import polynomial as P

from nblib.checks import as_array, as_count, same_length

#: Where curves over the task's interval [-1, 1] are drawn, and the height of every picture of it.
GRID = np.linspace(-1.0, 1.0, 401)
YLIM = (-2.2, 2.2)
#: The highest degree these functions accept.
MAX_DEGREE = 200


def powers(x, degree):
    """The design matrix ``(n, degree + 1)`` of the powers ``x**0 ... x**degree`` of ``x: (n,)``."""
    x = as_array(x, "x", ndim=1, dtype=np.float64)
    degree = as_count(degree, "degree", minimum=0, maximum=MAX_DEGREE)
    return np.vander(x, degree + 1, increasing=True)


def fit(x, y, degree):
    """Least-squares coefficients ``(degree + 1,)`` of a polynomial through ``(x, y)``, each ``(n,)``.

    With ``n = degree + 1`` distinct points the polynomial passes through every point; with fewer
    points than coefficients, :func:`numpy.linalg.lstsq` returns the fit of least norm.
    """
    X = powers(x, degree)
    y = as_array(y, "y", ndim=1, dtype=np.float64)
    same_length(x=X, y=y)
    return np.linalg.lstsq(X, y, rcond=None)[0]


def mse(coef, x, y):
    """Mean squared error of the polynomial ``coef: (d + 1,)`` on the points ``x, y: (n,)``."""
    coef = as_array(coef, "coef", ndim=1, dtype=np.float64)
    x = as_array(x, "x", ndim=1, dtype=np.float64)
    y = as_array(y, "y", ndim=1, dtype=np.float64)
    same_length(x=x, y=y)
    with np.errstate(over="ignore", invalid="ignore"):
        error = float(np.mean((P.polyval(x, coef) - y) ** 2))
    return error if np.isfinite(error) else float("inf")
