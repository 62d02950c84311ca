"""Bad input to nblib.schedules.warmup (and the schedule it returns) is refused clearly.

Same driver as the other ``test_validation_*`` modules (see ``validation_harness``); the
other schedules are covered in ``test_validation_engine``.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nblib import schedules
from validation_harness import (GENERATED, Bad, Entry, cases, check_fixed, check_generated, count, covered, function,
                                number)

_START_FACTOR = number("start_factor", low=0.0, high=1.0, low_inclusive=False)
_START_FACTOR = Bad([v for v in _START_FACTOR.values if v is not None],  # None asks for the default
                    _START_FACTOR.strategy.filter(lambda v: v is not None), "start_factor")

ENTRIES = [
    Entry("nblib.schedules.warmup", schedules.warmup,
          lambda: {"schedule": schedules.cosine(0.1, 10), "steps": 5},
          {"schedule": function("schedule"), "steps": count("steps", maximum=schedules.MAX_EPOCH),
           "start_factor": _START_FACTOR}),
    Entry("nblib.schedules.warmup(...)", schedules.warmup(schedules.constant(0.1), 5), lambda: {"epoch": 3},
          {"epoch": count("epoch", minimum=0, maximum=schedules.MAX_EPOCH)}),
]
COVERS = covered(ENTRIES)


@pytest.mark.parametrize("entry, argument", cases(ENTRIES))
def test_fixed_bad_values_are_refused(entry, argument):
    check_fixed(entry, argument)


@pytest.mark.parametrize("entry, argument", cases(ENTRIES))
@GENERATED
@given(data=st.data())
def test_generated_bad_values_are_refused(entry, argument, data):
    check_generated(entry, argument, data)
