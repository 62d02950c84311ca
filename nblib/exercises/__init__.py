"""Self-checking exercises that answer every attempt.

A chapter keeps its checks out of sight (in ``nblib.chapters``); the learner
computes an answer in the starter cell and calls the check with it::

    check_2_1 = NumberCheck(0.0181, rtol=0.01, hints=[
        (0.1345, "That is the mean absolute error: square the residuals."),
    ], hint="The MSE averages the squared residuals y - (m x + b).")
    check_2_1(answer)            # Feedback: right, or not yet with a hint
    check_2_1.reveal()           # the answer, only when the learner asks
    check_2_1.confirm(answer)    # in a solution cell: silent if right, AssertionError if not

A check never raises, whatever it is given. Before any hint it answers by
itself a blank (``...`` or None), the wrong kind of value (text, bytes, a
complex number, None in a list, a function where a number belongs), a wrong
shape, NaN or infinity, an answer rounded to too few digits and a swapped
pair; then come the data hints in order, then the general hint.

Hints are data (a value and a message), so the web book can check answers
without a kernel: in the book build (``NBLIB_SCRUBBER=1``) the feedback on an
unanswered numeric or choice exercise carries a form that
``book/assets/selfcheck.js`` drives with the same data and the same messages.
A hint matches an answer by the rule that makes it right or rounded: within
the tolerances, or equal to the digits the answer gives (0.214 for 0.2135); an
answer that agrees so with both the right value and a mistake is asked for more
digits. Text is read as people write numbers (``"2,410"``, ``"27/269"``,
``"1.5 × 10^5"``, ``"10%"``; see ``_typed.py``), in Python as in the web book.

A count says so (``NumberCheck(56, integer=True)``: whole answers only, exact by
default). A function exercise may carry a question the web book can check
without a kernel, ``FunctionCheck(..., proxy=("What does your `f(2, 3)`
return?", (2, 3), [(value, message), ...]))``. ``check.misjudged()`` lists the
listed mistakes a check would judge right or give another hint; the tests
assert it is empty for every exercise of the book.
"""

from nblib.exercises._choice import ChoiceCheck
from nblib.exercises._feedback import Feedback
from nblib.exercises._function import FunctionCheck
from nblib.exercises._number import NumberCheck

__all__ = ["ChoiceCheck", "Feedback", "FunctionCheck", "NumberCheck"]
