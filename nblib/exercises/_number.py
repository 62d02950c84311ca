"""NumberCheck: a number, or an array of numbers, against the expected value."""

import numpy as np

from nblib.exercises._base import Check, pairs, tolerance
from nblib.exercises._digits import agrees_to_digits_given, close, digits_needed
from nblib.exercises._feedback import Feedback, Reveal
from nblib.exercises._messages import MESSAGES, say, shape_words
from nblib.exercises._reading import as_finite_array, read_numbers


class NumberCheck(Check):
    """Checks a number (or an array of numbers) against the expected value.

    expected: the right answer, a finite number or array-like of them.
    rtol, atol: an answer ``a`` is right where ``|a - expected| <= atol + rtol * |expected|``.
    hints: ``(value, message)`` pairs for recognisable mistakes. ``value`` is a
        number, or an array-like of ``expected``'s shape whose entries may be
        None ("any value here"); an answer equal to it within the tolerances gets
        ``message``. (A callable ``(condition, message)`` hint is still accepted
        but works only in Jupyter, not in the web book's self-check.)
    hint: the general hint when nothing more specific applies.
    praise: said when the answer is right.

    Before the hints, the check answers by itself a blank, the wrong kind of
    value, a wrong shape, NaN or infinity, an answer rounded to too few digits
    and, for a pair, the two numbers swapped.
    """

    def __init__(self, expected, rtol=1e-3, atol=1e-9, hints=(), hint="", praise=""):
        super().__init__(hint, praise)
        self.expected = as_finite_array(expected, "expected")
        self.rtol = tolerance(rtol, "rtol")
        self.atol = tolerance(atol, "atol")
        self.hints = [(_hint_value(value, self.expected.shape, k), message)
                      for k, (value, message) in enumerate(pairs(hints, "hints"))]
        self.digits = digits_needed(self.expected, self.rtol, self.atol)

    def reveal(self):
        """The expected answer, for a learner who asks for it."""
        shown = _format(self.expected, max(6, self.digits))
        within = f"{100 * self.rtol:g}%" if self.rtol > 0 else f"{self.atol:g}"
        return Reveal(shown, f"Answers within {within} of it count as right.")

    def _decide(self, answer):
        values, problem = read_numbers(answer, self.expected.shape)
        if problem is not None:
            return Feedback(False, problem)
        if close(values, self.expected, self.rtol, self.atol).all():
            return Feedback(True, self.praise)
        return Feedback(False, self._diagnose(values))

    def _diagnose(self, values):
        """The message for a wrong answer of the right shape: rounded, swapped, a hint, the hint."""
        ok = close(values, self.expected, self.rtol, self.atol)
        rounded = [agrees_to_digits_given(a, e, self.digits)
                   for a, e in zip(values.ravel(), self.expected.ravel())]
        if (ok.ravel() | rounded).all():
            return say("rounded", digits=self.digits)
        if self.expected.shape == (2,) and _swapped(values, self.expected, self.rtol, self.atol):
            return say("swapped")
        for value, message in self.hints:
            if self._matches(value, values):
                return message
        return self.hint or say("wrong")

    def _matches(self, value, values):
        if callable(value):
            try:
                return bool(value(values[()] if values.ndim == 0 else values))
            except Exception:  # a hint's condition must never break the check
                return False
        known = [(a, v) for a, v in zip(values.ravel(), value) if v is not None]
        return all(close(a, v, self.rtol, self.atol) for a, v in known)

    def _spec(self):
        data_hints = [(value, message) for value, message in self.hints if not callable(value)]
        return {"kind": "number", "expected": self.expected.tolist(), "shape": list(self.expected.shape),
                "rtol": self.rtol, "atol": self.atol, "digits": self.digits,
                "hints": [[_nested(value, self.expected.shape), message] for value, message in data_hints],
                "wrong": MESSAGES["wrong"]}

    def _wanted(self):
        return shape_words(self.expected.shape)


def _hint_value(value, shape, k):
    """A data hint's value as a flat list of floats and Nones (a callable is kept as it is)."""
    if callable(value):
        return value
    name = f"hints[{k}]'s value"
    try:
        entries = np.array(value, dtype=object)
    except Exception:  # ragged lists
        entries = np.empty(0, dtype=object)
    if entries.shape != shape:
        raise ValueError(f"{name} must be callable or have the shape of expected, {shape}; got {value!r:.60}")
    flat = [None if entry is None else float(as_finite_array(entry, name)) for entry in entries.ravel()]
    if all(entry is None for entry in flat):
        raise ValueError(f"{name} must hold at least one number (None means any value)")
    return flat


def _nested(flat, shape):
    """A flat list back into nested lists of ``shape`` (a scalar for ``()``)."""
    return np.array(flat, dtype=object).reshape(shape).tolist()


def _swapped(values, expected, rtol, atol):
    """True if the pair ``values`` is ``expected`` reversed (and the two differ)."""
    return bool(close(values[::-1], expected, rtol, atol).all()
                and not close(expected[0], expected[1], rtol, atol))


def _format(values, digits):
    if values.ndim == 0:
        return f"{float(values):.{digits}g}"
    return "[" + ", ".join(_format(v, digits) for v in values) + "]"
