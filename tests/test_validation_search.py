"""Bad input to nblib.search is refused clearly, and no count makes it run for ever.

Same driver as the other ``test_validation_*`` modules (see ``validation_harness``):
one argument at a time takes every catalogued bad value and a few generated
ones, and must raise a ValueError or TypeError naming it, quickly, without a
warning. Huge counts (``2**63`` dimensions, ``10**400`` guesses, ``2**63``
digits) must be refused before any work starts.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nblib import search
from validation_harness import (GENERATED, Entry, array, cases, check_fixed, check_generated, count, covered,
                                function, number, values)


def _entry(function_, valid, **bad):
    return Entry(f"{function_.__module__}.{function_.__qualname__}", function_, lambda: dict(valid), bad)


def _teacher():
    return search.linear_teacher(2, n_examples=5)


_DIGITS = count("digits", maximum=17)
_RATE = number("rate", low=0.0, low_inclusive=False)
_SEQUENCES = [None, 5, "12", [], [0], [1.5], ["a"], [True], [None]]

SEARCH = [
    _entry(search.SearchResult, {"params": np.zeros(2), "loss": 0.5, "best_index": 0,
                                 "running_best": np.array([0.5])},
           params=array("params", extra=[np.zeros((2, 2))]), loss=number("loss"),
           best_index=count("best_index", minimum=0), running_best=array("running_best", extra=[3.0])),
    _entry(search.random_search, {"loss": _teacher(), "n_params": 2, "n_guesses": 10},
           loss=values(*function().values, lambda W: "x", lambda W: np.zeros(3), lambda W: np.full(len(W), np.nan),
                       lambda W: None, lambda W: np.zeros((len(W), 2)), label="loss"),
           n_params=count("n_params", maximum=10 ** 5), n_guesses=count("n_guesses", maximum=10 ** 7),
           scale=number("scale", low=0.0, high=1e100, low_inclusive=False), seed=count("seed", minimum=0),
           batch=count("batch", maximum=10 ** 7)),
    _entry(search.grid_guesses, {"n_dims": 3, "bins": 10},
           n_dims=count("n_dims", extra=[2 ** 63, 10 ** 6, 10 ** 400]), bins=count("bins")),
    _entry(search.seconds_to_try, {"n_guesses": 10}, n_guesses=count("n_guesses", minimum=0), rate=_RATE),
    _entry(search.log10_seconds_to_try, {"n_guesses": 10}, n_guesses=count("n_guesses"), rate=_RATE),
    _entry(search.scientific, {"n": 12345},
           n=values(None, "1", b"1", True, np.bool_(True), 1j, 0, -5, 0.0, -1.0, np.nan, np.inf, [1.0],
                    np.array([1, 2]), label="n"),
           digits=_DIGITS),
    _entry(search.scientific_log10, {"log10_value": 3.5}, log10_value=number("log10_value"), digits=_DIGITS),
    _entry(search.superscript, {"n": 19}, n=count("n", minimum=-10 ** 18, maximum=10 ** 18)),
    _entry(search.power_text, {"mantissa": 3.17, "exponent": 19}, mantissa=number("mantissa"),
           exponent=count("exponent", minimum=-10 ** 18, maximum=10 ** 18), digits=_DIGITS),
    _entry(search.format_count, {"n": 10 ** 20}, n=count("n", minimum=0), digits=_DIGITS,
           exact_below=count("exact_below", minimum=0, maximum=10 ** 100)),
    _entry(search.format_duration, {"n_guesses": 10 ** 20}, n_guesses=count("n_guesses"), rate=_RATE,
           digits=_DIGITS),
    _entry(search.LinearTeacher, {"X": np.eye(2), "w_star": np.ones(2), "y": np.ones(2)},
           X=array("X", extra=[np.eye(3), np.ones(2)]), w_star=array("w_star", extra=[np.ones(3), np.eye(2)]),
           y=array("y", extra=[np.ones(3), np.zeros(2)])),
    Entry("nblib.search.LinearTeacher.__call__", lambda W: _teacher()(W), lambda: {"W": np.zeros((3, 2))},
          {"W": array("W", extra=[np.zeros(2), np.zeros((3, 3)), np.full((1, 2), 1e300)])}),
    _entry(search.linear_teacher, {"n_weights": 2}, n_weights=count("n_weights", maximum=10 ** 5),
           n_examples=count("n_examples", maximum=10 ** 6), scale=number("scale", low=0.0, high=1e100,
                                                                          low_inclusive=False),
           seed=count("seed", minimum=0)),
    _entry(search.best_loss_by_dimension, {"dims": [1, 2], "n_guesses": 10, "seeds": (0,), "n_examples": 5},
           dims=values(*_SEQUENCES, [10 ** 6], label="dims"),
           seeds=values(*_SEQUENCES[:4], [-1], [1.5], label="seed"),
           n_guesses=count("n_guesses", maximum=10 ** 7),
           n_examples=count("n_examples", maximum=10 ** 6)),
]

ENTRIES = SEARCH
COVERS = covered(ENTRIES)


@pytest.mark.parametrize("entry, argument", cases(ENTRIES))
def test_fixed_bad_values_are_refused(entry, argument):
    check_fixed(entry, argument)


@pytest.mark.parametrize("entry, argument", cases(ENTRIES))
@GENERATED
@given(data=st.data())
def test_generated_bad_values_are_refused(entry, argument, data):
    check_generated(entry, argument, data)


def test_grid_guesses_counts_exactly_up_to_its_digit_limit():
    assert search.grid_guesses(11935, 10) == 10 ** 11935
    assert search.grid_guesses(2 ** 63, 1) == 1
    with pytest.raises(ValueError, match="more than 100,000 digits"):
        search.grid_guesses(n_dims=2 ** 63, bins=10)


def test_format_duration_of_a_count_beyond_any_float():
    text = search.format_duration(10 ** 11935)
    assert text.startswith("3.17 × 10") and text.endswith("times the age of the universe")
