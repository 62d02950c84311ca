"""Two-dimensional test surfaces for optimizers, and ``run`` to descend them.

A surface has ``f(w)``, the height at ``w = (x, y)``, and ``grad(w)``, its
analytic gradient ``(df/dx, df/dy)``. Both accept one point of shape ``(2,)``
or a batch of shape ``(..., 2)`` (e.g. a contour grid built with
``np.stack([X, Y], axis=-1)``), returning shape ``(...)`` and ``(..., 2)``.

>>> from nblib.optim import SGD
>>> result = run(SGD(lr=0.1), SURFACES["round_bowl"], steps=50)
>>> result.path.shape, result.diverged
((51, 2), False)
"""

import functools
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from nblib.checks import _describe, as_array, as_callable, as_count, as_flag, as_number, as_text
from nblib.optim import as_optimizer

#: The most steps ``run`` takes.
MAX_STEPS = 10 ** 6

__all__ = ["Surface", "RunResult", "SURFACES", "run", "round_bowl", "elongated_bowl",
           "rosenbrock", "beale", "saddle", "bumpy"]


@dataclass(frozen=True)
class Surface:
    """A function of two variables with its gradient and suggested view.

    xlim, ylim: a plotting window ``(low, high)`` that shows the interesting part.
    minimum: the global minimizer ``(2,)``, or None if unknown.
    start: a starting point that makes a telling path.
    """

    name: str
    equation: str
    f: Callable
    grad: Callable
    xlim: tuple
    ylim: tuple
    minimum: Optional[np.ndarray]
    start: np.ndarray

    def __post_init__(self):
        as_text(self.name, "name")
        as_text(self.equation, "equation")
        as_callable(self.f, "f", "a function of points (..., 2)")
        as_callable(self.grad, "grad", "a function of points (..., 2)")
        for name in ("xlim", "ylim"):
            _window(getattr(self, name), name)
        if self.minimum is not None:
            _point(self.minimum, "minimum")
        _point(self.start, "start")


def _window(limits, name):
    """A plotting window ``(low, high)`` of two finite numbers with ``low < high``."""
    if not isinstance(limits, (tuple, list)) or len(limits) != 2:
        raise TypeError(f"{name} must be a pair (low, high), got {_describe(limits)}")
    low, high = (as_number(v, name) for v in limits)
    if not low < high:
        raise ValueError(f"{name} must have low < high, got {limits}")


def _point(w, name):
    w = as_array(w, name, ndim=1)
    if w.shape != (2,):
        raise ValueError(f"{name} must be a point (x, y) of shape (2,), got shape {w.shape}")


def _xy(w):
    """The coordinates of points ``w: (..., 2)``, finite real numbers."""
    w = as_array(w, "w")
    if w.shape[-1:] != (2,):
        raise ValueError(f"w must have shape (2,) or (..., 2), got {w.shape}")
    return w[..., 0], w[..., 1]


def _quiet(formula):
    """A surface's f or grad: the formula of checked points, computed without overflow
    warnings (far from the minimum the height may be inf, which ``run`` reports)."""
    @functools.wraps(formula)
    def function(w):
        with np.errstate(over="ignore", invalid="ignore"):
            return formula(w)
    return function


def _stack(dx, dy):
    return np.stack([dx, dy], axis=-1)


@_quiet
def _round_bowl_f(w):
    x, y = _xy(w)
    return x ** 2 + y ** 2


@_quiet
def _round_bowl_grad(w):
    x, y = _xy(w)
    return _stack(2 * x, 2 * y)


@_quiet
def _elongated_bowl_f(w):
    x, y = _xy(w)
    return 0.5 * x ** 2 + 12.5 * y ** 2


@_quiet
def _elongated_bowl_grad(w):
    x, y = _xy(w)
    return _stack(x, 25 * y)


@_quiet
def _rosenbrock_f(w):
    x, y = _xy(w)
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


@_quiet
def _rosenbrock_grad(w):
    x, y = _xy(w)
    return _stack(-2 * (1 - x) - 400 * x * (y - x ** 2), 200 * (y - x ** 2))


def _beale_terms(w):
    x, y = _xy(w)
    return x, y, 1.5 - x + x * y, 2.25 - x + x * y ** 2, 2.625 - x + x * y ** 3


@_quiet
def _beale_f(w):
    _, _, a, b, c = _beale_terms(w)
    return a ** 2 + b ** 2 + c ** 2


@_quiet
def _beale_grad(w):
    x, y, a, b, c = _beale_terms(w)
    dx = 2 * a * (y - 1) + 2 * b * (y ** 2 - 1) + 2 * c * (y ** 3 - 1)
    dy = 2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y ** 2
    return _stack(dx, dy)


@_quiet
def _saddle_f(w):
    x, y = _xy(w)
    return x ** 2 - y ** 2 + y ** 4 / 4


@_quiet
def _saddle_grad(w):
    x, y = _xy(w)
    return _stack(2 * x, -2 * y + y ** 3)


@_quiet
def _bumpy_f(w):
    x, y = _xy(w)
    return (x ** 2 + y ** 2) / 10 - np.cos(2 * x) * np.cos(2 * y)


@_quiet
def _bumpy_grad(w):
    x, y = _xy(w)
    return _stack(x / 5 + 2 * np.sin(2 * x) * np.cos(2 * y),
                  y / 5 + 2 * np.cos(2 * x) * np.sin(2 * y))


round_bowl = Surface(
    "round_bowl", "x^2 + y^2", _round_bowl_f, _round_bowl_grad,
    xlim=(-3, 3), ylim=(-3, 3), minimum=np.array([0.0, 0.0]), start=np.array([-2.5, 2.0]))

elongated_bowl = Surface(
    "elongated_bowl", "x^2/2 + 25 y^2/2 (condition number 25)", _elongated_bowl_f, _elongated_bowl_grad,
    xlim=(-10, 10), ylim=(-4, 4), minimum=np.array([0.0, 0.0]), start=np.array([-9.0, 2.5]))

rosenbrock = Surface(
    "rosenbrock", "(1 - x)^2 + 100 (y - x^2)^2", _rosenbrock_f, _rosenbrock_grad,
    xlim=(-2, 2), ylim=(-1, 3), minimum=np.array([1.0, 1.0]), start=np.array([-1.2, 1.0]))

beale = Surface(
    "beale", "(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2", _beale_f, _beale_grad,
    xlim=(-4.5, 4.5), ylim=(-4.5, 4.5), minimum=np.array([3.0, 0.5]), start=np.array([1.0, 1.5]))

saddle = Surface(
    "saddle", "x^2 - y^2 + y^4/4 (a saddle at 0; minima at (0, +-sqrt 2))", _saddle_f, _saddle_grad,
    xlim=(-2.5, 2.5), ylim=(-2.5, 2.5), minimum=np.array([0.0, np.sqrt(2.0)]),
    start=np.array([-2.0, 1e-3]))

bumpy = Surface(
    "bumpy", "(x^2 + y^2)/10 - cos(2x) cos(2y) (local minima around a global one at 0)",
    _bumpy_f, _bumpy_grad,
    xlim=(-5, 5), ylim=(-5, 5), minimum=np.array([0.0, 0.0]), start=np.array([-3.8, 3.2]))

SURFACES = {s.name: s for s in (round_bowl, elongated_bowl, rosenbrock, beale, saddle, bumpy)}


@dataclass
class RunResult:
    """What ``run`` produced.

    path: ``(k + 1, d)``, the start and the point after each of the k steps
        taken (d = 2 on a surface).
    losses: ``(k + 1,)``, f along the path (None when no f was given).
    diverged: True if the run stopped because w or f left the finite range.
    message: what happened, in words.
    """

    path: np.ndarray
    losses: Optional[np.ndarray]
    diverged: bool
    message: str

    def __post_init__(self):
        as_array(self.path, "path", ndim=2)
        if self.losses is not None:
            as_array(self.losses, "losses", ndim=1, finite=False)
        as_flag(self.diverged, "diverged")
        as_text(self.message, "message")


def run(optimizer, surface, start=None, steps=100, f=None, bound=1e6):
    """Descend ``surface`` from ``start`` with ``optimizer`` for ``steps`` steps.

    surface: a ``Surface``, or any gradient function ``grad(w) -> (d,)`` of a
        point ``w: (d,)`` (then pass ``f`` to record losses; ``start`` is required).
    start: ``(d,)``; defaults to ``surface.start``.
    bound: the run stops, with ``diverged=True``, once any coordinate of w
        exceeds it in size or w, f or the gradient is no longer finite; the
        path then ends at the last point that was still inside.

    steps: at most ``MAX_STEPS``.

    The optimizer is reset first, so running twice gives the same path.
    """
    optimizer = as_optimizer(optimizer)
    if isinstance(surface, Surface):
        grad, f = surface.grad, surface.f
    else:
        grad = as_callable(surface, "surface", "a Surface or a gradient function grad(w)")
        if f is not None:
            as_callable(f, "f", "a function f(w) returning a number, or None")
    if start is None:
        if not isinstance(surface, Surface):
            raise ValueError("start is required when surface is a gradient function")
        start = surface.start
    w = as_array(start, "start", ndim=1, dtype=np.float64).copy()
    if isinstance(surface, Surface) and w.shape != (2,):
        raise ValueError(f"start must be a point (x, y) of shape (2,) on a surface, got shape {w.shape}")
    steps = as_count(steps, "steps", minimum=0, maximum=MAX_STEPS)
    bound = as_number(bound, "bound", low=0.0, low_inclusive=False)
    optimizer.reset()
    path = [w.copy()]
    problem = None
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            g = _checked_output(grad(w), "grad(w)", w.shape)
            if not np.all(np.isfinite(g)):
                problem = f"diverged at step {t}: the gradient at {w} is not finite"
                break
            optimizer.step([w], [g])
            problem = _divergence(w, f, bound)
            if problem:
                problem = f"diverged at step {t}: {problem}"
                break
            path.append(w.copy())
        path = np.array(path)
        losses = None if f is None else _checked_output(f(path), "f(path)", (len(path),))
    message = problem or f"ran {steps} steps" + ("" if f is None else f"; final loss {losses[-1]:.4g}")
    return RunResult(path, losses, problem is not None, message)


def _divergence(w, f, bound):
    """Why the iterate ``w`` counts as diverged, or None."""
    if not np.all(np.isfinite(w)):
        return "w is no longer finite"
    if np.max(np.abs(w)) > bound:
        return f"w = {w} left the region |w| <= {bound:g}"
    if f is not None and not np.isfinite(_checked_output(f(w), "f(w)", ())):
        return f"f(w) is no longer finite at w = {w}"
    return None


def _checked_output(value, what, shape):
    """What a user's ``grad`` or ``f`` returned, as a float array of the expected shape."""
    value = as_array(value, f"the value {what} returned", allow_empty=True, finite=False)
    if value.shape != shape:
        raise ValueError(f"{what} must return shape {shape}, got shape {value.shape}")
    return value
