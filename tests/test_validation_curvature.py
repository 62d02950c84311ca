"""Bad input to nblib.curvature and nblib.lbfgs is refused clearly.

Same driver as the other ``test_validation_*`` modules (see ``validation_harness``): one argument
at a time takes every catalogued bad value and a few generated ones, and must raise a ValueError
or TypeError naming it, quickly, without a warning.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nblib import curvature, lbfgs
from validation_harness import (GENERATED, Entry, array, cases, check_fixed, check_generated, count, covered, flag,
                                function, number, text, values)


def _grad(w):
    return np.array([2.0, 4.0]) * w


def _fun(w):
    return float(w @ w), 2 * w


def _phi(step):
    return (step - 1.0) ** 2, 2 * (step - 1.0)


_POINT = [1.0, -2.0]
_WRONG_POINTS = [[[1.0, 2.0]], 5.0]                  # 2-D, a number
_WRONG_DIRECTIONS = [[1.0, 2.0, 3.0], [[1.0, 2.0]]]  # the wrong length, 2-D

CURVATURE = [
    Entry("nblib.curvature.hessian_vector_product", curvature.hessian_vector_product,
          lambda: {"grad": _grad, "w": _POINT, "v": [1.0, 0.0], "eps": 1e-5},
          {"grad": function(), "w": array(extra=_WRONG_POINTS), "v": array(extra=_WRONG_DIRECTIONS),
           "eps": number(low=0.0, low_inclusive=False)}),
    Entry("nblib.curvature.hessian", curvature.hessian, lambda: {"grad": _grad, "w": _POINT, "eps": 1e-5},
          {"grad": function(), "w": array(extra=_WRONG_POINTS + [np.zeros(curvature.MAX_HESSIAN_PARAMS + 1)]),
           "eps": number(low=0.0, low_inclusive=False)}),
    Entry("nblib.curvature.power_iteration", curvature.power_iteration,
          lambda: {"matvec": lambda v: 2 * v, "v0": [1.0, 1.0], "iterations": 5, "tol": 1e-6},
          {"matvec": function(), "v0": array(extra=_WRONG_POINTS + [[0.0, 0.0]]),
           "iterations": count(maximum=curvature.MAX_ITERATIONS), "tol": number(low=0.0)}),
    Entry("nblib.curvature.largest_eigenvalue", curvature.largest_eigenvalue,
          lambda: {"grad": _grad, "w": _POINT, "iterations": 5, "tol": 1e-6, "eps": 1e-5, "seed": 0, "v0": None},
          {"grad": function(), "w": array(extra=_WRONG_POINTS), "iterations": count(maximum=curvature.MAX_ITERATIONS),
           "tol": number(low=0.0), "eps": number(low=0.0, low_inclusive=False), "seed": count(minimum=0),
           "v0": array(extra=_WRONG_DIRECTIONS, optional=True)}),
    Entry("nblib.curvature.newton_step", curvature.newton_step,
          lambda: {"g": _POINT, "H": [[2.0, 0.0], [0.0, 4.0]]},
          {"g": array(extra=_WRONG_POINTS), "H": array(extra=[[1.0, 2.0], np.eye(3), [[0.0, 0.0], [0.0, 0.0]]])}),
    Entry("nblib.curvature.newton_cost", curvature.newton_cost, lambda: {"d": 100, "bytes_per_number": 8},
          {"d": count(maximum=10 ** 12), "bytes_per_number": count(maximum=64)}),
    Entry("nblib.curvature.EigenResult", curvature.EigenResult,
          lambda: {"value": 1.0, "vector": [1.0, 0.0], "iterations": 3, "converged": True},
          {"value": number(), "vector": array(extra=[[[1.0]], 2.0]),
           "iterations": count(minimum=0, maximum=curvature.MAX_ITERATIONS), "converged": flag()}),
]

_PAIR_LISTS = [None, 3, "s", np.array([1.0, 2.0]), [[1.0, 2.0, 3.0]], [[np.nan, 1.0]], [["a", "b"]], [[1.0]]]
LBFGS = [
    Entry("nblib.lbfgs.two_loop", lbfgs.two_loop,
          lambda: {"g": _POINT, "s_list": [[1.0, 0.0]], "y_list": [[2.0, 0.0]]},
          {"g": array(extra=_WRONG_POINTS), "s_list": values(*_PAIR_LISTS, [], [[-1.0, 0.0]]),
           "y_list": values(*_PAIR_LISTS, [], [[-2.0, 0.0]])}),
    Entry("nblib.lbfgs.wolfe_search", lbfgs.wolfe_search,
          lambda: {"phi": _phi, "f0": 1.0, "slope0": -2.0, "step": 1.0, "c1": 1e-4, "c2": 0.9, "max_evals": 30},
          {"phi": function(), "f0": number(), "slope0": number(high=0.0, high_inclusive=False),
           "step": number(low=0.0, low_inclusive=False),
           "c1": number(low=0.0, high=1.0, low_inclusive=False, high_inclusive=False, extra=[0.95]),
           "c2": number(low=0.0, high=1.0, low_inclusive=False, high_inclusive=False, extra=[1e-5]),
           "max_evals": count(maximum=lbfgs.MAX_SEARCH_EVALS)}),
    Entry("nblib.lbfgs.minimize", lbfgs.minimize,
          lambda: {"fun": _fun, "w0": _POINT, "memory": 5, "max_iter": 20, "gtol": 1e-5, "ftol": 1e-9,
                   "max_evals": None},
          {"fun": function(), "w0": array(extra=_WRONG_POINTS), "memory": count(maximum=lbfgs.MAX_MEMORY),
           "max_iter": count(minimum=0, maximum=lbfgs.MAX_ITERATIONS), "gtol": number(low=0.0),
           "ftol": number(low=0.0), "max_evals": count(maximum=lbfgs.MAX_EVALUATIONS, optional=True)}),
    Entry("nblib.lbfgs.LBFGSResult", lbfgs.LBFGSResult,
          lambda: {"w": [0.0, 0.0], "loss": 0.0, "grad": [0.0, 0.0], "path": [[1.0, 1.0], [0.0, 0.0]],
                   "losses": [2.0, 0.0], "iterations": 1, "evaluations": 3, "converged": True, "message": "done"},
          {"w": array(extra=[[[0.0, 0.0]], [0.0, 0.0, 0.0]]), "loss": number(),
           "grad": array(extra=[[[0.0, 0.0]], [0.0]]), "path": array(extra=[[0.0, 0.0], [[0.0, 0.0]]]),
           "losses": array(extra=[[[2.0, 0.0]], [2.0]]),
           "iterations": count(minimum=0, maximum=lbfgs.MAX_ITERATIONS, extra=[2]),
           "evaluations": count(maximum=lbfgs.MAX_EVALUATIONS), "converged": flag(), "message": text()}),
]

ENTRIES = CURVATURE + LBFGS
COVERS = covered(ENTRIES)


@pytest.mark.parametrize("entry, argument", cases(ENTRIES))
def test_fixed_bad_values_are_refused(entry, argument):
    check_fixed(entry, argument)


@pytest.mark.parametrize("entry, argument", cases(ENTRIES))
@GENERATED
@given(data=st.data())
def test_generated_bad_values_are_refused(entry, argument, data):
    check_generated(entry, argument, data)


def test_a_gradient_function_that_returns_garbage_is_named():
    for bad in (lambda w: "x", lambda w: np.ones(3), lambda w: None):
        with pytest.raises((TypeError, ValueError), match="grad"):
            curvature.hessian_vector_product(bad, np.zeros(2), np.ones(2))
    with pytest.raises(ValueError, match="matvec"):
        curvature.power_iteration(lambda v: np.full_like(v, np.nan), np.ones(2))
    with pytest.raises((TypeError, ValueError), match="fun"):
        lbfgs.minimize(lambda w: ("x", w), np.ones(2))
