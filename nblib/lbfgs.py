"""L-BFGS: a quasi-Newton minimizer that learns the curvature from its own steps.

Newton's method steps by ``-H^{-1} g``. L-BFGS never forms ``H``: it keeps the last ``m``
steps ``s_k = w_{k+1} - w_k`` and the changes of the gradient they caused,
``y_k = g_{k+1} - g_k``. For a quadratic, ``y_k = H s_k`` exactly, so an inverse Hessian
should satisfy the *secant condition* ``B^{-1} y_k = s_k``. BFGS updates its estimate with
each pair so that it does (Nocedal 1980; Liu & Nocedal 1989 for the limited-memory method);
the *two-loop recursion* applies the estimate built from the last ``m`` pairs to a gradient
in ``O(m d)`` operations, without a ``(d, d)`` matrix:

.. code-block:: text

    q = g
    for k = newest ... oldest:   a_k = (s_k . q) / (y_k . s_k);   q = q - a_k y_k
    r = gamma q,                 gamma = (s . y) / (y . y) of the newest pair
    for k = oldest ... newest:   b = (y_k . r) / (y_k . s_k);     r = r + (a_k - b) s_k
    direction = -r               (about -H^{-1} g)

Each iteration then searches along the direction for a step length that satisfies the
strong Wolfe conditions (enough decrease, and a slope that has flattened enough), which
guarantees ``y . s > 0``, so the estimate stays positive definite.

``minimize(fun, w0)`` takes ``fun(w) -> (J, g)`` for ``w: (d,)`` and returns an
:class:`LBFGSResult` with the path of iterates, the losses and the counts.
"""

from dataclasses import dataclass

import numpy as np

from nblib.checks import _describe, as_array, as_callable, as_count, as_flag, as_number, as_text

__all__ = ["two_loop", "wolfe_search", "minimize", "LBFGSResult"]

#: The most iterations :func:`minimize` takes, the most pairs it may remember, the most evaluations
#: of the loss it (and one line search) may make.
MAX_ITERATIONS = 10 ** 6
MAX_MEMORY = 1000
MAX_EVALUATIONS = 10 ** 8
MAX_SEARCH_EVALS = 1000


def _pairs(name, pairs, d):
    """A list of ``(d,)`` float arrays, checked."""
    if not isinstance(pairs, (list, tuple)):
        raise TypeError(f"{name} must be a list of arrays of shape ({d},), got {_describe(pairs)}")
    checked = []
    for k, vector in enumerate(pairs):
        vector = as_array(vector, f"{name}[{k}]", ndim=1, dtype=np.float64)
        if vector.shape != (d,):
            raise ValueError(f"{name}[{k}] must have shape ({d},) like g, got {vector.shape}")
        checked.append(vector)
    return checked


def two_loop(g, s_list, y_list):
    """The L-BFGS direction ``-B^{-1} g`` from the stored pairs, oldest first.

    g: the gradient ``(d,)``; s_list, y_list: lists of ``(d,)`` arrays of equal length, the
    steps and gradient changes (each with ``y . s > 0``). With no pairs the direction is
    ``-g``. Returns ``(d,)``.
    """
    g = as_array(g, "g", ndim=1, dtype=np.float64)
    s_list, y_list = _pairs("s_list", s_list, g.size), _pairs("y_list", y_list, g.size)
    if len(s_list) != len(y_list):
        raise ValueError(f"s_list and y_list must have the same length, got {len(s_list)} and {len(y_list)}")
    for k, (s, y) in enumerate(zip(s_list, y_list)):
        if not float(y @ s) > 0:
            raise ValueError(f"y_list[{k}] . s_list[{k}] must be positive (the curvature along the step), "
                             f"got {float(y @ s):.3g}")
    q = g.copy()
    rhos = [1.0 / float(y @ s) for s, y in zip(s_list, y_list)]
    alphas = []
    for s, y, rho in zip(reversed(s_list), reversed(y_list), reversed(rhos)):
        a = rho * float(s @ q)
        q -= a * y
        alphas.append(a)
    if s_list:
        s, y = s_list[-1], y_list[-1]
        q *= float(s @ y) / float(y @ y)
    for s, y, rho, a in zip(s_list, y_list, rhos, reversed(alphas)):
        b = rho * float(y @ q)
        q += (a - b) * s
    return -q


def _cubic_min(a, fa, ga, b, fb, gb):
    """The minimizer of the cubic through (a, fa, ga) and (b, fb, gb), or None."""
    d1 = ga + gb - 3 * (fa - fb) / (a - b)
    square = d1 * d1 - ga * gb
    if square < 0:
        return None
    d2 = np.sign(b - a) * np.sqrt(square)
    return b - (b - a) * (gb + d2 - d1) / (gb - ga + 2 * d2)


def _trial(lo, hi):
    """A step between ``lo`` and ``hi`` (tuples ``(step, f, slope)``), kept away from both ends."""
    point = _cubic_min(*lo, *hi)
    left, right = min(lo[0], hi[0]), max(lo[0], hi[0])
    margin = 0.1 * (right - left)
    if point is None or not np.isfinite(point) or not left + margin <= point <= right - margin:
        point = (left + right) / 2
    return point


def wolfe_search(phi, f0, slope0, step=1.0, c1=1e-4, c2=0.9, max_evals=30):
    """A step length along a descent direction that satisfies the strong Wolfe conditions.

    phi: ``phi(step) -> (f, slope)``, the loss and its slope along the direction.
    f0, slope0: the loss and the slope (negative) at step 0.
    The conditions (Nocedal & Wright, *Numerical Optimization*, algorithms 3.5 and 3.6):
    ``f(step) <= f0 + c1 step slope0`` (enough decrease) and ``|slope(step)| <= c2 |slope0|``.
    Brackets an acceptable step by doubling, then narrows the bracket with cubic
    interpolation. Returns ``(step, f, slope, evals)``; step is 0 if none was found within
    ``max_evals`` evaluations. Requires ``slope0 < 0`` and ``0 < c1 < c2 < 1``.
    """
    phi = as_callable(phi, "phi", "a function step -> (loss, slope)")
    f0 = as_number(f0, "f0")
    slope0 = as_number(slope0, "slope0", high=0.0, high_inclusive=False)
    step = as_number(step, "step", low=0.0, low_inclusive=False)
    c1 = as_number(c1, "c1", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    c2 = as_number(c2, "c2", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    if not c1 < c2:
        raise ValueError(f"c1 must be below c2 (0 < c1 < c2 < 1), got c1 = {c1} and c2 = {c2}")
    max_evals = as_count(max_evals, "max_evals", maximum=MAX_SEARCH_EVALS)
    prev = (0.0, f0, slope0)
    evals = 0
    hi = None
    while evals < max_evals:
        f, slope = phi(step)
        evals += 1
        if not np.isfinite(f) or f > f0 + c1 * step * slope0 or (evals > 1 and f >= prev[1]):
            lo, hi = prev, (step, f, slope)
            break
        if abs(slope) <= -c2 * slope0:
            return step, f, slope, evals
        if slope >= 0:
            lo, hi = (step, f, slope), prev
            break
        prev, step = (step, f, slope), 2 * step
    if hi is None:
        return 0.0, f0, slope0, evals
    while evals < max_evals:
        if not np.isfinite(hi[1]):
            step = lo[0] + (hi[0] - lo[0]) / 2
        else:
            step = _trial(lo, hi)
        f, slope = phi(step)
        evals += 1
        if not np.isfinite(f) or f > f0 + c1 * step * slope0 or f >= lo[1]:
            hi = (step, f, slope)
        else:
            if abs(slope) <= -c2 * slope0:
                return step, f, slope, evals
            if slope * (hi[0] - lo[0]) >= 0:
                hi = lo
            lo = (step, f, slope)
        if abs(hi[0] - lo[0]) < 1e-14 * max(1.0, abs(lo[0])):
            break
    if lo[0] > 0 and lo[1] < f0:
        return lo[0], lo[1], lo[2], evals
    return 0.0, f0, slope0, evals


@dataclass(frozen=True)
class LBFGSResult:
    """What :func:`minimize` found.

    w: the last iterate ``(d,)``; loss: J there; grad: the gradient there ``(d,)``.
    path: ``(iterations + 1, d)``, the start and every iterate; losses: ``(iterations + 1,)``.
    iterations: the steps taken; evaluations: the calls of ``fun`` (line searches included).
    converged: True if the gradient or the decrease became small enough; message: why it stopped.
    """

    w: np.ndarray
    loss: float
    grad: np.ndarray
    path: np.ndarray
    losses: np.ndarray
    iterations: int
    evaluations: int
    converged: bool
    message: str

    def __post_init__(self):
        w = as_array(self.w, "w", ndim=1)
        path = as_array(self.path, "path", ndim=2)
        losses = as_array(self.losses, "losses", ndim=1)
        grad = as_array(self.grad, "grad", ndim=1)
        iterations = as_count(self.iterations, "iterations", minimum=0, maximum=MAX_ITERATIONS)
        if grad.shape != w.shape or path.shape[1:] != w.shape:
            raise ValueError(f"grad and the rows of path must have the shape of w, {w.shape}; "
                             f"got {grad.shape} and {path.shape[1:]}")
        if not len(path) == len(losses) == iterations + 1:
            raise ValueError(f"path and losses must hold iterations + 1 = {iterations + 1} entries, "
                             f"got {len(path)} and {len(losses)}")
        for name, value in (("w", w), ("path", path), ("losses", losses), ("grad", grad),
                            ("loss", as_number(self.loss, "loss")), ("iterations", iterations),
                            ("evaluations", as_count(self.evaluations, "evaluations", maximum=MAX_EVALUATIONS)),
                            ("converged", as_flag(self.converged, "converged")),
                            ("message", as_text(self.message, "message"))):
            object.__setattr__(self, name, value)


def minimize(fun, w0, memory=10, max_iter=500, gtol=1e-5, ftol=2.2e-9, max_evals=None):
    """Minimize J with L-BFGS and a strong Wolfe line search.

    fun: ``fun(w) -> (J, g)``, the loss (a number) and its gradient ``(d,)`` at ``w: (d,)``.
    w0: the start ``(d,)`` (copied).
    memory: the number ``m`` of pairs ``(s, y)`` kept.
    max_iter: at most this many iterations; max_evals: at most this many calls of ``fun``
        (default ``20 * max_iter``).
    gtol: stop once the largest entry of the gradient is at most ``gtol`` in size.
    ftol: stop once an iteration lowers J by at most ``ftol * max(|J_k|, |J_{k+1}|, 1)``.
    The two tolerances are those of ``scipy.optimize.minimize(method="L-BFGS-B")``, so the
    two stop under the same rule. Returns an :class:`LBFGSResult`.
    """
    fun = as_callable(fun, "fun", "a function w -> (loss, gradient)")
    w = as_array(w0, "w0", ndim=1, dtype=np.float64).copy()
    memory = as_count(memory, "memory", maximum=MAX_MEMORY)
    max_iter = as_count(max_iter, "max_iter", minimum=0, maximum=MAX_ITERATIONS)
    if max_evals is None:
        max_evals = min(20 * max(max_iter, 1), MAX_EVALUATIONS)
    max_evals = as_count(max_evals, "max_evals", maximum=MAX_EVALUATIONS)
    gtol = as_number(gtol, "gtol", low=0.0)
    ftol = as_number(ftol, "ftol", low=0.0)

    def evaluate(point):
        J, g = fun(point)
        if isinstance(J, (float, np.floating)) and not np.isfinite(J):
            J = float("inf")  # a diverging trial step: the line search backs off
        else:
            J = as_number(J, "the loss fun(w) returned")
        g = as_array(g, "the gradient fun(w) returned", dtype=np.float64, finite=False)
        if g.shape != w.shape:
            raise ValueError(f"fun(w) must return a gradient of shape {w.shape}, got {g.shape}")
        return J, g

    J, g = evaluate(w)
    if not (np.isfinite(J) and np.all(np.isfinite(g))):
        raise ValueError("fun(w0) must return a finite loss and gradient at the start")
    evals, path, losses = 1, [w.copy()], [J]
    s_list, y_list = [], []
    message, converged = f"reached max_iter = {max_iter} iterations", False
    for k in range(max_iter):
        if np.max(np.abs(g)) <= gtol:
            message, converged = "the gradient is below gtol", True
            break
        direction = two_loop(g, s_list, y_list)
        slope0 = float(g @ direction)
        if slope0 >= 0:  # not a descent direction: forget the pairs and use the gradient
            s_list, y_list = [], []
            direction, slope0 = -g, -float(g @ g)
        first = min(1.0, 1.0 / np.sum(np.abs(g))) if not s_list else 1.0
        cache = {}

        def phi(step):
            cache[step] = evaluate(w + step * direction)
            return cache[step][0], float(cache[step][1] @ direction)

        step, J_new, _, used = wolfe_search(phi, J, slope0, step=first,
                                            max_evals=max(1, min(30, max_evals - evals)))
        evals += used
        if step == 0:
            message = "the line search found no step that lowers the loss"
            converged = np.max(np.abs(g)) <= np.sqrt(gtol)
            break
        g_new = cache[step][1]
        s, y = step * direction, g_new - g
        w = w + s
        decrease = J - J_new
        J, g = J_new, g_new
        path.append(w.copy())
        losses.append(J)
        if float(y @ s) > 1e-10 * float(y @ y):
            s_list.append(s)
            y_list.append(y)
            if len(s_list) > memory:
                s_list.pop(0)
                y_list.pop(0)
        if decrease <= ftol * max(abs(J), abs(J + decrease), 1.0):
            message, converged = "the decrease of the loss is below ftol", True
            break
        if evals >= max_evals:
            message = f"reached max_evals = {max_evals} evaluations"
            break
    return LBFGSResult(w, J, g, np.array(path), np.array(losses), len(path) - 1, evals, converged, message)
