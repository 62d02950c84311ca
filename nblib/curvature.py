"""Curvature: Hessian-vector products, the largest eigenvalue of a Hessian, and Newton's step.

Everything here works on a loss ``J`` of a flat parameter vector ``w: (d,)`` through its
gradient function ``grad(w) -> (d,)`` (for a network, the gradients of all its arrays
flattened into one vector). The Hessian ``H`` is the ``(d, d)`` matrix of second
derivatives of ``J``; its eigenvalues are the curvatures ``lambda_i``, and the largest,
``lambda_max``, is the *sharpness*.

Forming ``H`` costs ``d**2`` numbers, so the functions that a network needs never do: a
Hessian-vector product ``H v`` is the change of the gradient along ``v``,

.. code-block:: text

    H v ~ (grad(w + r v) - grad(w - r v)) / (2 r),    r = eps / |v|

two gradients whatever ``d`` is, exact for a quadratic and with an error of order
``eps**2`` otherwise. Power iteration (multiply by ``H`` again and again, normalize)
turns such products into the eigenvalue of largest size.

>>> import numpy as np
>>> A = np.array([[3.0, 1.0], [1.0, 2.0]])
>>> hessian_vector_product(lambda w: A @ w, np.zeros(2), np.array([1.0, 0.0]))
array([3., 1.])
"""

from dataclasses import dataclass

import numpy as np

from nblib.checks import as_array, as_callable, as_count, as_flag, as_number, as_seed

__all__ = ["hessian_vector_product", "hessian", "power_iteration", "largest_eigenvalue",
           "EigenResult", "newton_step", "newton_cost"]

#: The most parameters :func:`hessian` builds a full Hessian for (``d**2`` numbers, 2 d gradients).
MAX_HESSIAN_PARAMS = 4000

#: The most products :func:`power_iteration` computes.
MAX_ITERATIONS = 10 ** 5


def _vector(value, name):
    return as_array(value, name, ndim=1, dtype=np.float64)


def _gradient_at(grad, w):
    """``grad(w)`` checked: a finite float vector shaped like ``w``."""
    g = as_array(grad(w), "the value grad(w) returned", dtype=np.float64, finite=False)
    if g.shape != w.shape:
        raise ValueError(f"grad(w) must return shape {w.shape} (one entry per parameter), got {g.shape}")
    return g


def hessian_vector_product(grad, w, v, eps=1e-5):
    """``H v``, the Hessian of J at ``w`` times ``v``, from two gradients (a centred difference).

    grad: the gradient of J, a function of ``(d,)`` returning ``(d,)``.
    w: the point ``(d,)``; v: the direction ``(d,)``.
    eps: the length of the displacement ``r v`` on each side (``r = eps / |v|``), so that the
        step is the same size whatever the scale of ``v``.
    Returns ``(d,)``. ``v = 0`` gives zeros without calling ``grad``. The result is exact (up
    to rounding) when J is quadratic; otherwise its error shrinks like ``eps**2``.
    """
    grad = as_callable(grad, "grad", "a gradient function grad(w) -> (d,)")
    w, v = _vector(w, "w"), _vector(v, "v")
    if v.shape != w.shape:
        raise ValueError(f"v must have the shape of w, {w.shape}, got {v.shape}")
    eps = as_number(eps, "eps", low=0.0, low_inclusive=False)
    size = np.linalg.norm(v)
    if size == 0:
        return np.zeros_like(w)
    r = eps / size
    with np.errstate(over="ignore", invalid="ignore"):
        return (_gradient_at(grad, w + r * v) - _gradient_at(grad, w - r * v)) / (2 * r)


def hessian(grad, w, eps=1e-5):
    """The full Hessian ``(d, d)`` at ``w: (d,)``, one Hessian-vector product per column.

    Column ``i`` is ``H e_i``; the result is symmetrized, ``(H + H^T) / 2``. It costs
    ``2 d`` gradients and ``d**2`` numbers, so ``d`` may be at most ``MAX_HESSIAN_PARAMS``:
    this is for checking, and for Newton's method on small problems.
    """
    w = _vector(w, "w")
    if w.size > MAX_HESSIAN_PARAMS:
        raise ValueError(f"w has {w.size:,} entries; a full Hessian is built for at most "
                         f"{MAX_HESSIAN_PARAMS:,} (use hessian_vector_product instead)")
    columns = [hessian_vector_product(grad, w, e, eps) for e in np.eye(w.size)]
    H = np.array(columns).T
    return (H + H.T) / 2


@dataclass(frozen=True)
class EigenResult:
    """What power iteration found.

    value: the eigenvalue estimate (the Rayleigh quotient ``v . H v`` of the last vector).
    vector: the unit eigenvector estimate ``(d,)``.
    iterations: the number of products ``H v`` computed.
    converged: True if the estimate changed by less than ``tol`` (relative) in the last step.
    """

    value: float
    vector: np.ndarray
    iterations: int
    converged: bool

    def __post_init__(self):
        object.__setattr__(self, "value", as_number(self.value, "value"))
        object.__setattr__(self, "vector", as_array(self.vector, "vector", ndim=1))
        object.__setattr__(self, "iterations", as_count(self.iterations, "iterations", minimum=0,
                                                        maximum=MAX_ITERATIONS))
        object.__setattr__(self, "converged", as_flag(self.converged, "converged"))


def power_iteration(matvec, v0, iterations=100, tol=1e-6):
    """The eigenvalue of largest size of a symmetric matrix known only through ``matvec``.

    matvec: a function ``v -> H v`` for vectors ``(d,)``.
    v0: the starting vector ``(d,)`` (not zero); a previous eigenvector makes a warm start.
    iterations: at most this many products.
    tol: stop once the Rayleigh quotient changes by less than ``tol`` times its size.

    Repeats ``v = H v / |H v|``; the component along the eigenvector of largest ``|lambda|``
    grows fastest, by the ratio of the two largest sizes per step. For a Hessian whose largest
    eigenvalue is positive and larger than the size of the most negative one, that is
    ``lambda_max``. Returns an :class:`EigenResult`.
    """
    matvec = as_callable(matvec, "matvec", "a function v -> H v")
    v = _vector(v0, "v0")
    iterations = as_count(iterations, "iterations", maximum=MAX_ITERATIONS)
    tol = as_number(tol, "tol", low=0.0)
    size = np.linalg.norm(v)
    if size == 0:
        raise ValueError("v0 must not be the zero vector")
    v = v / size
    value, converged = None, False
    for k in range(1, iterations + 1):
        Hv = as_array(matvec(v), "the value matvec(v) returned", dtype=np.float64, finite=False)
        if Hv.shape != v.shape:
            raise ValueError(f"matvec(v) must return shape {v.shape}, got {Hv.shape}")
        if not np.all(np.isfinite(Hv)):
            raise ValueError(f"matvec(v) returned NaN or infinity at iteration {k}")
        new = float(v @ Hv)
        size = np.linalg.norm(Hv)
        if size == 0:  # v lies in the null space: its eigenvalue is 0
            return EigenResult(0.0, v, k, True)
        v = Hv / size
        converged = value is not None and abs(new - value) <= tol * abs(new)
        value = new
        if converged:
            break
    return EigenResult(value, v, k, converged)


def largest_eigenvalue(grad, w, iterations=100, tol=1e-6, eps=1e-5, seed=0, v0=None):
    """The sharpness ``lambda_max`` of J at ``w: (d,)`` by power iteration on Hessian-vector products.

    grad: the gradient function ``(d,) -> (d,)``; each iteration costs two gradients.
    v0: a starting vector ``(d,)``; by default a random one from ``seed``.
    iterations, tol: as in :func:`power_iteration`; eps: as in :func:`hessian_vector_product`.
    Returns an :class:`EigenResult`.
    """
    grad = as_callable(grad, "grad", "a gradient function grad(w) -> (d,)")
    w = _vector(w, "w")
    eps = as_number(eps, "eps", low=0.0, low_inclusive=False)
    if v0 is None:
        v0 = np.random.default_rng(as_seed(seed)).normal(size=w.shape)
    elif _vector(v0, "v0").shape != w.shape:
        raise ValueError(f"v0 must have the shape of w, {w.shape}, got {np.shape(v0)}")
    return power_iteration(lambda v: hessian_vector_product(grad, w, v, eps), v0, iterations, tol)


def newton_step(g, H):
    """Newton's step ``-H^{-1} g`` for a gradient ``g: (d,)`` and a Hessian ``H: (d, d)``.

    It jumps to the minimum of the quadratic model ``J + g.s + s.H s / 2`` of the loss: on a
    quadratic loss, one step from anywhere lands on the minimum. Solved with
    ``numpy.linalg.solve`` (about ``2 d**3 / 3`` floating-point operations), never by inverting
    ``H``. A singular ``H`` raises a ValueError.
    """
    g = _vector(g, "g")
    H = as_array(H, "H", ndim=2, dtype=np.float64)
    if H.shape != (g.size, g.size):
        raise ValueError(f"H must have shape {(g.size, g.size)} to match g, got {H.shape}")
    try:
        return -np.linalg.solve(H, g)
    except np.linalg.LinAlgError:
        raise ValueError("H is singular: Newton's step is not defined") from None


def newton_cost(d, bytes_per_number=8):
    """What one Newton step costs for ``d`` parameters, as a dict.

    ``memory``: bytes to store H, ``d**2`` numbers; ``solve_flops``: the floating-point
    operations of an LU solve, ``2 d**3 / 3``; ``gradients``: the gradients (or
    Hessian-vector products) needed to form H column by column, ``d``.
    """
    d = as_count(d, "d", maximum=10 ** 12)
    bytes_per_number = as_count(bytes_per_number, "bytes_per_number", maximum=64)
    return {"memory": float(d) ** 2 * bytes_per_number, "solve_flops": 2 * float(d) ** 3 / 3,
            "gradients": d}
