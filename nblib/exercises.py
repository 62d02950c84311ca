"""Self-checking exercises.

A chapter defines a check next to each exercise prompt; the reader computes an
answer in the starter cell and calls the check with it::

    check_mse = NumberCheck(0.0181, rtol=0.01, hints=[
        (lambda a: abs(a - 0.1345) < 1e-3, "That is the mean absolute error: square the residuals."),
    ], hint="The MSE averages the squared residuals y - (m x + b).")
    check_mse(my_answer)

The feedback says right or wrong and, when wrong, gives a hint that points at
the idea rather than the answer: the first hint whose condition matches the
answer (a recognisable mistake), otherwise the general hint.
An unanswered exercise (``None`` or ``...``) gets a gentle reminder, never an error,
so that a notebook with untouched starter cells still runs top to bottom.
"""

import html
import traceback

import numpy as np

UNANSWERED = (None, Ellipsis)


class Feedback:
    """The result of a check: ``.correct`` (bool or None if unanswered) and ``.message``."""

    def __init__(self, correct, message):
        self.correct = correct
        self.message = message

    def __bool__(self):
        return bool(self.correct)

    def __repr__(self):
        mark = {True: "Correct.", False: "Not yet.", None: "No answer yet."}[self.correct]
        return f"{mark} {self.message}".strip()

    def _repr_html_(self):
        kind = {True: "correct", False: "wrong", None: "unanswered"}[self.correct]
        mark = {True: "✔ Correct.", False: "✘ Not yet.", None: "… No answer yet."}[self.correct]
        return (f'<div class="nblib-feedback nblib-feedback-{kind}" role="status">'
                f"<strong>{mark}</strong> {html.escape(self.message)}</div>")


class _Check:
    """Shared behaviour: unanswered input, matching hints, the general hint."""

    def __init__(self, hints=(), hint="", praise=""):
        self.hints = list(hints)
        self.hint = hint
        self.praise = praise

    def __call__(self, answer):
        if any(answer is blank for blank in UNANSWERED):
            return Feedback(None, "Replace the placeholder with your answer, then run the cell again.")
        problem = self._problem(answer)
        if problem is not None:
            return Feedback(False, problem)
        if self._is_correct(answer):
            return Feedback(True, self.praise)
        return Feedback(False, self._hint_for(answer))

    def _problem(self, answer):
        """A message if the answer has the wrong type or shape, else None."""
        return None

    def _hint_for(self, answer):
        for condition, message in self.hints:
            try:
                if condition(answer):
                    return message
            except Exception:  # a hint's condition must never break the check
                continue
        return self.hint or "Compare your reasoning with the text above and try again."


class NumberCheck(_Check):
    """Checks a number (or an array of numbers) against the expected value.

    expected: the right answer, a number or array-like.
    rtol, atol: tolerances as in ``numpy.allclose``.
    hints: ``(condition, message)`` pairs for recognisable mistakes.
    hint: the general hint when no condition matches.
    """

    def __init__(self, expected, rtol=1e-3, atol=1e-9, **kwargs):
        super().__init__(**kwargs)
        self.expected = np.asarray(expected, dtype=float)
        self.rtol = rtol
        self.atol = atol

    def _problem(self, answer):
        try:
            value = np.asarray(answer, dtype=float)
        except (TypeError, ValueError):
            return f"Expected a number, got {type(answer).__name__}."
        if value.shape != self.expected.shape:
            want = "a single number" if self.expected.ndim == 0 else f"an array of shape {self.expected.shape}"
            return f"Expected {want}, got shape {value.shape}."
        if not np.all(np.isfinite(value)):
            return "Your answer contains NaN or infinity: something diverged or divided by zero."
        return None

    def _is_correct(self, answer):
        return bool(np.allclose(np.asarray(answer, dtype=float), self.expected, rtol=self.rtol, atol=self.atol))


class ChoiceCheck(_Check):
    """Checks a multiple-choice answer. ``explanations`` maps wrong choices to hints."""

    def __init__(self, correct, choices, explanations=None, **kwargs):
        super().__init__(**kwargs)
        self.correct = correct
        self.choices = tuple(choices)
        self.hints = [(lambda a, c=c: a == c, text) for c, text in (explanations or {}).items()] + self.hints

    def _problem(self, answer):
        if answer not in self.choices:
            return f"Answer with one of {', '.join(repr(c) for c in self.choices)}."
        return None

    def _is_correct(self, answer):
        return answer == self.correct


class FunctionCheck(_Check):
    """Checks a function the reader wrote against a reference on a few inputs.

    reference: the correct function.
    cases: a list of argument tuples to call both functions with.
    """

    def __init__(self, reference, cases, rtol=1e-6, atol=1e-9, **kwargs):
        super().__init__(**kwargs)
        self.reference = reference
        self.cases = list(cases)
        self.rtol = rtol
        self.atol = atol

    def __call__(self, answer):
        if callable(answer) and self._is_stub(answer):
            return Feedback(None, "Your function still returns the placeholder ...: write its body, "
                                  "then run the cell again.")
        return super().__call__(answer)

    def _is_stub(self, answer):
        try:
            return answer(*self.cases[0]) is Ellipsis
        except Exception:
            return False

    def _problem(self, answer):
        if not callable(answer):
            return f"Expected a function, got {type(answer).__name__}."
        for args in self.cases:
            try:
                np.asarray(answer(*args), dtype=float)
            except Exception as error:
                where = traceback.format_exception_only(type(error), error)[-1].strip()
                return f"Your function raised {where} on input {_describe(args)}."
        return None

    def _is_correct(self, answer):
        return all(np.allclose(np.asarray(answer(*args), dtype=float),
                               np.asarray(self.reference(*args), dtype=float),
                               rtol=self.rtol, atol=self.atol)
                   for args in self.cases)

    def _hint_for(self, answer):
        for args in self.cases:
            got = np.asarray(answer(*args), dtype=float)
            want = np.asarray(self.reference(*args), dtype=float)
            if got.shape != want.shape or not np.allclose(got, want, rtol=self.rtol, atol=self.atol):
                shown = np.array2string(got, precision=4) if got.size < 8 else f"shape {got.shape}"
                return f"On input {_describe(args)} it returned {shown}. {super()._hint_for(answer)}"
        return super()._hint_for(answer)


def _describe(args):
    parts = [np.array2string(np.asarray(a), precision=3, threshold=6) if not callable(a) else a.__name__
             for a in args]
    return "(" + ", ".join(parts) + ")"
