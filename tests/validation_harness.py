"""Shared machinery of the ``test_validation_*.py`` modules: catalogues of bad values and a driver.

An entry point is described once, as an :class:`Entry`: its dotted name, a
function that calls it with keyword arguments, a function returning valid
arguments, and for each argument a :class:`Bad` (fixed bad values, a
hypothesis strategy generating more, and the word the error message must
contain). The driver :func:`refused` replaces one argument with a bad value
and requires a ``ValueError`` or ``TypeError`` naming the argument, raised
within ``TIME_LIMIT`` seconds, with every warning turned into an error.

Set ``NBLIB_COUNT_CASES=<file>`` to append the number of bad calls made by
each test process to that file (see ``tests/test_validation_coverage.py``).
"""

import atexit
import math
import os
import signal
import warnings
from dataclasses import dataclass, field
from typing import Callable

import matplotlib
import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

matplotlib.use("Agg")

#: Seconds a single bad call may take before it counts as a hang.
TIME_LIMIT = 5

#: Settings of the generated (hypothesis) half of every test: a few examples each, no deadline
#: (the alarm of :func:`refused` bounds each call instead).
GENERATED = settings(max_examples=6, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

_calls = [0]


def _write_count():
    path = os.environ.get("NBLIB_COUNT_CASES")
    if path and _calls[0]:
        with open(path, "a") as file:
            file.write(f"{_calls[0]}\n")


atexit.register(_write_count)


class Hang(Exception):
    """A call ran longer than ``TIME_LIMIT`` seconds."""


def _alarm(signum, frame):
    raise Hang(f"the call did not return within {TIME_LIMIT} s")


def refused(call, name, value="a bad value"):
    """Run ``call()``; it must raise ValueError or TypeError mentioning ``name``, quickly and
    without any warning. Returns the message."""
    _calls[0] += 1
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            call()
    except (ValueError, TypeError) as error:
        message = str(error)
    else:
        pytest.fail(f"accepted {value!r} as {name}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert name.lower() in message.lower(), f"given {value!r}, the message does not name {name!r}: {message!r}"
    return message


def answered(call):
    """Run ``call()``: it may return or raise ValueError/TypeError, but quickly, without warnings
    and without any other exception. Returns the result (None after an error)."""
    _calls[0] += 1
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return call()
    except (ValueError, TypeError):
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- Catalogues of bad values ----------------------------------------------------------------------

class _Opaque:
    """An object that is nothing nblib expects."""

    def __repr__(self):
        return "<opaque>"


NOT_NUMBERS = [None, "1", "nan", b"1", True, False, np.bool_(True), 1j, np.complex128(1 + 0j), [1.0], (1.0,),
               np.array([1.0, 2.0]), {}, _Opaque(), np.array("1")]
NOT_FINITE = [math.nan, math.inf, -math.inf, np.float32("nan"), np.float64("inf"), 10 ** 400, -10 ** 400]
NOT_INTEGERS = [None, "3", 2.5, 3.0, np.float64(3.0), True, np.bool_(False), 1j, [3], np.array([3, 4]),
                math.nan, math.inf, 1e300, _Opaque()]
NOT_ARRAYS = [None, "abc", ["a", "b"], [[1.0, 2.0], [3.0]], [1 + 2j, 2.0], np.array([1 + 1j, 2.0]),
              np.array([True, False]), np.array([_Opaque(), _Opaque()]), np.array(["1", "2"]), [None, 1.0],
              [10 ** 400, 1.0], {}, _Opaque()]
NON_FINITE_ARRAYS = [np.array([math.nan, 1.0]), np.array([1.0, math.inf]), [-math.inf, 0.0]]
NOT_NAMES = [None, 3, 3.5, True, b"relu", ["relu"], np.array(["relu"]), "", "no such name", _Opaque()]
NOT_CALLABLES = [None, 3, "f", [1], np.array([1.0]), _Opaque()]
NOT_FLAGS = [None, 1, 0, "True", 1.0, [True], np.array([True, False]), _Opaque()]
NOT_TEXTS = [3, 1.5, ["a"], b"a", np.array(["a", "b"]), _Opaque()]
NOT_AXES = [5, "ax", [1, 2], _Opaque()]

_junk = st.one_of(st.none(), st.text(max_size=8), st.binary(max_size=4), st.complex_numbers(),
                  st.lists(st.floats(), min_size=2, max_size=3), st.booleans())


@dataclass
class Bad:
    """Bad values of one argument: a fixed list, a strategy for more, and the error's key word."""

    values: list
    strategy: st.SearchStrategy = st.nothing()
    label: str = None


def number(label=None, low=None, high=None, low_inclusive=True, high_inclusive=True, extra=()):
    """Bad values for a finite real number with optional bounds."""
    values = NOT_NUMBERS + NOT_FINITE + list(extra)
    generated = [_junk, st.integers(min_value=10 ** 309, max_value=10 ** 330)]
    if low is not None:
        values += [v for v in (low - 1, low - 1e-6 * max(1.0, abs(low))) if v < low]
        values += [] if low_inclusive else [low]
        generated.append(st.floats(max_value=low, exclude_max=low_inclusive, allow_nan=False))
    if high is not None:
        values += [v for v in (high + 1, high + 1e-6 * max(1.0, abs(high))) if v > high]
        values += [] if high_inclusive else [high]
        generated.append(st.floats(min_value=high, exclude_min=high_inclusive, allow_nan=False))
    return Bad(values, st.one_of(generated), label)


def count(label=None, minimum=1, maximum=None, extra=(), optional=False):
    """Bad values for an integer in ``[minimum, maximum]`` (None is fine when ``optional``)."""
    values = [v for v in NOT_INTEGERS if v is not None or not optional] + list(extra)
    generated = [_junk, st.floats(allow_nan=True)]
    if minimum is not None:
        values += [minimum - 1, minimum - 10 ** 30, np.int64(minimum - 1)]
        generated.append(st.integers(max_value=minimum - 1))
    if maximum is not None:
        values += [v for v in (maximum + 1, 2 ** 63, 10 ** 400) if v > maximum]
        generated.append(st.integers(min_value=maximum + 1))
    return Bad(values, st.one_of(generated).filter(lambda v: v is not None or not optional), label)


def array(label=None, finite=True, extra=(), allow_empty=False, optional=False):
    """Bad values for an array of real numbers; ``extra`` adds wrong shapes for the argument;
    None is fine when ``optional``."""
    values = [v for v in NOT_ARRAYS if v is not None or not optional] + list(extra)
    values += (NON_FINITE_ARRAYS if finite else []) + ([] if allow_empty else [[]])
    generated = st.one_of(
        st.text(min_size=1, max_size=5),
        st.lists(st.complex_numbers(allow_nan=False, allow_infinity=False).filter(lambda z: z.imag != 0),
                 min_size=1, max_size=4),
        st.lists(st.booleans(), min_size=1, max_size=4).map(np.array),
    )
    if finite:
        generated = st.one_of(generated, st.lists(st.sampled_from([math.nan, math.inf, -math.inf]),
                                                  min_size=1, max_size=4))
    return Bad(values, generated, label)


def name(choices, label=None, allow_none=False):
    """Bad values for a name that must be one of ``choices`` (or None when allowed)."""
    bad = [value for value in NOT_NAMES if value is not None or not allow_none]
    return Bad(bad, st.text(max_size=12).filter(lambda text: text not in choices), label)


def function(label=None):
    return Bad(NOT_CALLABLES, _junk, label)


def flag(label=None):
    return Bad(NOT_FLAGS, st.one_of(st.integers(), st.text(max_size=5)), label)


def text(label=None, allow_none=False):
    return Bad(NOT_TEXTS + ([] if allow_none else [None]), st.one_of(st.integers(), st.floats()), label)


def axes(label="ax", extra=()):
    return Bad(NOT_AXES + list(extra), st.one_of(st.integers(), st.text(max_size=5)), label)


def values(*bad, label=None, strategy=st.nothing()):
    """A Bad of the given values only (shapes, pairs, objects of the wrong kind)."""
    return Bad(list(bad), strategy, label)


@dataclass
class Entry:
    """One public entry point and its arguments.

    name: the dotted name it covers, e.g. ``"nblib.optim.SGD.step"``.
    call: ``call(**kwargs)`` calls it.
    valid: ``valid()`` returns a fresh dict of valid keyword arguments.
    bad: for each argument, its :class:`Bad` values.
    """

    name: str
    call: Callable
    valid: Callable
    bad: dict = field(default_factory=dict)

    def with_value(self, argument, value):
        kwargs = self.valid()
        kwargs[argument] = value
        return lambda: self.call(**kwargs)


def cases(entries):
    """pytest parameters ``(entry, argument)``, one per argument of every entry."""
    return [pytest.param(entry, argument, id=f"{entry.name}({argument})")
            for entry in entries for argument in entry.bad]


def check_fixed(entry, argument):
    """Every fixed bad value of ``argument`` is refused with a message naming it."""
    bad = entry.bad[argument]
    for value in bad.values:
        refused(entry.with_value(argument, value), bad.label or argument, value)


def check_generated(entry, argument, data):
    """One generated bad value of ``argument`` is refused with a message naming it."""
    bad = entry.bad[argument]
    if bad.strategy.is_empty:
        return
    value = data.draw(bad.strategy, label=argument)
    refused(entry.with_value(argument, value), bad.label or argument, value)


def covered(entries):
    return {entry.name for entry in entries}


def case_count(entries):
    """Fixed bad values over all arguments (the generated ones come on top)."""
    return sum(len(bad.values) for entry in entries for bad in entry.bad.values())
