"""What every check shares: it answers every attempt, confirms solutions and builds the web form."""

import os

from nblib.checks import as_number, as_text
from nblib.exercises._digits import SLACK
from nblib.exercises._feedback import MARKS, Feedback
from nblib.exercises._messages import MESSAGES, TEXT_SHOWN, say


class Check:
    """A check a learner calls with an answer: ``check(answer)`` returns a :class:`Feedback`.

    Subclasses give ``_decide(answer)`` (the verdict on an answer that is not
    blank), ``reveal()`` and, if the web book can check them without a
    kernel, ``_spec()`` (the data ``selfcheck.js`` needs).
    """

    def __init__(self, hint, praise):
        self.hint = as_text(hint, "hint")
        self.praise = as_text(praise, "praise")

    def __call__(self, answer):
        """Feedback on ``answer``; never raises, whatever ``answer`` is."""
        try:
            if answer is None or answer is Ellipsis:
                return Feedback(None, say("unanswered"), selfcheck=self._selfcheck(),
                                web_form=self._spec() is not None)
            return self._decide(answer)
        except Exception as error:  # the last resort: a check never shows a traceback
            return Feedback(False, f"This answer could not be checked ({type(error).__name__}). "
                                   f"Give {self._wanted()}.")

    def confirm(self, answer):
        """Return None if ``answer`` is right; otherwise raise AssertionError with the feedback.

        Solution cells call it: the build then proves every solution right
        without printing a verdict or a value.
        """
        feedback = self(answer)
        if feedback.correct is not True:
            raise AssertionError(feedback.text)

    def _selfcheck(self):
        """The web form's data in the book build (``NBLIB_SCRUBBER=1``), else None."""
        from nblib.explorable import SCRUBBER_ENV

        if os.environ.get(SCRUBBER_ENV) != "1":
            return None
        spec = self._spec()
        if spec is not None:
            spec.update(hint=self.hint, praise=self.praise, slack=SLACK, marks=dict(MARKS),
                        messages=dict(MESSAGES, text_shown=TEXT_SHOWN))
        return spec

    def mistakes(self):
        """The listed mistakes as a learner may give them: ``[(answer, message), ...]``."""
        return []

    def misjudged(self):
        """The listed mistakes the check gets wrong, in words; [] when each gets its own message.

        A mistake is misjudged when an answer :meth:`mistakes` gives for it is
        judged right, or gets a message other than its own (for a number, "your
        answer agrees with both the right answer and a mistake: give more digits"
        is allowed too). Tests assert ``check.misjudged() == []`` for every exercise.
        """
        problems = []
        for answer, message in self.mistakes():
            feedback = self(answer)
            if feedback.correct is not False:
                problems.append(f"{answer!r} (the mistake \"{message[:60]}\") is judged right")
            elif feedback.message not in (message, *self._ambiguous()):
                problems.append(f"{answer!r} (the mistake \"{message[:60]}\") gets \"{feedback.message[:60]}\"")
        return problems

    def _ambiguous(self):
        return ()

    def _spec(self):
        return None

    def _wanted(self):
        return "an answer of the kind the exercise asks for"


def tolerance(value, name):
    """A tolerance: a finite number >= 0."""
    return as_number(value, name, low=0)


def pairs(value, name):
    """``value`` as a list of ``(first, message)`` pairs with ``message`` a string."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{name} must be a list of (value, message) pairs, got {type(value).__name__}")
    result = []
    for k, pair in enumerate(value):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"{name}[{k}] must be a (value, message) pair, got {pair!r:.60}")
        result.append((pair[0], as_text(pair[1], f"{name}[{k}]'s message")))
    return result
