"""NumberCheck: a number, or an array of numbers, against the expected value."""

import numpy as np

from nblib.exercises._base import Check, pairs, tolerance
from nblib.exercises._digits import agrees_to_digits_given, close, digits_needed, matches, round_to
from nblib.exercises._feedback import Feedback, Reveal
from nblib.exercises._messages import MESSAGES, say, shape_words
from nblib.exercises._reading import as_finite_array, read_numbers
from nblib.exercises._typed import percent_note, read_typed, strip

#: Tolerances when none are given: ``(rtol, atol)`` for a measurement and for a count.
DEFAULT_TOLERANCES = {False: (1e-3, 1e-9), True: (0.0, 0.5)}
#: The significant digits at which ``mistakes()`` also gives each listed mistake.
MISTAKE_DIGITS = 3
_DEFAULT = object()


class NumberCheck(Check):
    """Checks a number (or an array of numbers) against the expected value.

    expected: the right answer, a finite number or array-like of them.
    rtol, atol: an answer ``a`` is right where ``|a - expected| <= atol + rtol * |expected|``;
        by default 1e-3 and 1e-9, or 0 and 0.5 for a count (``integer=True``).
    hints: ``(value, message)`` pairs for recognisable mistakes. ``value`` is a
        number, or an array-like of ``expected``'s shape whose entries may be
        None ("any value here"). An answer matches it by the rule that makes an
        answer right or rounded: equal within the tolerances, or equal to the
        digits it gives (0.214 matches 0.2135), if it gives two or more (or the
        check needs only one). (A callable ``(condition, message)``
        hint is still accepted but works only in Jupyter, not in the web book's
        self-check.)
    hint: the general hint when nothing more specific applies.
    praise: said when the answer is right.
    integer: True for a count: every entry of ``expected`` is a whole number and an
        answer with a fractional part is never right ("a count is a whole number").

    Before the hints, the check answers by itself a blank, the wrong kind of
    value, a wrong shape, NaN or infinity, a fractional count, an answer rounded
    to too few digits (and one that agrees to its digits both with the right
    value and with a listed mistake) and, for a pair, the two numbers swapped.
    After the hints, an answer 100 times a fraction asks whether it is a percentage.
    Text is read as people write numbers (``"2,410"``, ``"27/269"``, ``"1.5 × 10^5"``,
    ``"10%"``; see ``nblib.exercises._typed``), as the web book's self-check reads it.

    ``check.misjudged()`` lists the listed mistakes that would not get their hint
    (see :meth:`mistakes`); a test asserts it is empty for every exercise.
    """

    def __init__(self, expected, rtol=_DEFAULT, atol=_DEFAULT, hints=(), hint="", praise="", integer=False):
        super().__init__(hint, praise)
        if not isinstance(integer, bool):
            raise TypeError(f"integer must be True or False, got {integer!r:.40}")
        self.integer = integer
        self.expected = as_finite_array(expected, "expected")
        if integer and not all(float(e).is_integer() for e in self.expected.ravel()):
            raise ValueError(f"expected must hold whole numbers when integer=True (a count), "
                             f"got {_format(self.expected, 6)}")
        default_rtol, default_atol = DEFAULT_TOLERANCES[integer]
        self.rtol = tolerance(default_rtol if rtol is _DEFAULT else rtol, "rtol")
        self.atol = tolerance(default_atol if atol is _DEFAULT else atol, "atol")
        self.hints = [(_hint_value(value, self.expected.shape, k), message)
                      for k, (value, message) in enumerate(pairs(hints, "hints"))]
        self.digits = digits_needed(self.expected, self.rtol, self.atol)

    def reveal(self):
        """The expected answer, for a learner who asks for it."""
        shown = _format(self.expected, max(6, self.digits))
        if self.integer and self.rtol == 0 and self.atol < 1:
            return Reveal(shown, "A count: only this whole number is right.")
        within = f"{100 * self.rtol:g}%" if self.rtol > 0 else f"{self.atol:g}"
        return Reveal(shown, f"Answers within {within} of it count as right.")

    def mistakes(self):
        """Each data hint as a learner may give it: ``[(answer, message), ...]``.

        Every hint's value at full precision and rounded to ``MISTAKE_DIGITS``
        significant digits (for a count, ``integer=True``, a whole value only in
        full); an entry the hint leaves open (None) holds the expected value,
        rounded alike. Each should get its message, or the
        "agrees with both, give more digits" one (see ``misjudged()``).
        """
        result = []
        for value, message in self.hints:
            if callable(value):
                continue
            full = [e if v is None else v for v, e in zip(value, self.expected.ravel())]
            short = [round_to(x, MISTAKE_DIGITS) for x in full]
            if self.integer and all(float(x).is_integer() for x in full):
                short = full  # a count is given in full: 2411 is not written 2410
            for answer in (full, short) if short != full else (full,):
                result.append((_nested(answer, self.expected.shape), message))
        return result

    def _ambiguous(self):
        """The message a listed mistake may get besides its own: agrees with both, give more digits."""
        return (say("rounded_both", digits=self.digits),)

    def _decide(self, answer):
        note = ""
        typed = isinstance(answer, str)
        if typed:
            read = read_typed(answer)
            if read is None:
                return Feedback(None, say("unanswered"))
            answer, note = read.value, percent_note(read.percents, say)
        feedback = self._judge(answer, typed)
        if note:
            feedback.message = strip(f"{note} {feedback.message}")
        return feedback

    def _judge(self, answer, typed):
        values, problem = read_numbers(answer, self.expected.shape, typed=typed)
        if problem is not None:
            return Feedback(False, problem)
        if self.integer and not all(float(a).is_integer() for a in values.ravel()):
            return Feedback(False, self._hint_for(values) or say("whole"))
        if close(values, self.expected, self.rtol, self.atol).all():
            return Feedback(True, self.praise)
        return Feedback(False, self._diagnose(values))

    def _diagnose(self, values):
        """The message for a wrong answer of the right shape: rounded, swapped, a hint, a percentage, the hint."""
        ok = close(values, self.expected, self.rtol, self.atol)
        rounded = [agrees_to_digits_given(a, e, self.digits)
                   for a, e in zip(values.ravel(), self.expected.ravel())]
        hint = self._hint_for(values)
        if (ok.ravel() | rounded).all():
            return say("rounded_both" if hint is not None else "rounded", digits=self.digits)
        if self.expected.shape == (2,) and _swapped(values, self.expected, self.rtol, self.atol):
            return say("swapped")
        if hint is not None:
            return hint
        if self._percentage(values):
            return say("percent")
        return self.hint or say("wrong")

    def _hint_for(self, values):
        """The message of the first hint ``values`` matches, or None."""
        for value, message in self.hints:
            if self._matches(value, values):
                return message
        return None

    def _matches(self, value, values):
        if callable(value):
            try:
                return bool(value(values[()] if values.ndim == 0 else values))
            except Exception:  # a hint's condition must never break the check
                return False
        return matches(values.ravel(), value, self.rtol, self.atol, self.digits)

    def _percentage(self, values):
        """True if ``values`` is 100 times an expected fraction (each entry in [-1, 1], not all 0)."""
        expected = self.expected.ravel()
        if not (np.abs(expected) <= 1).all() or not expected.any():
            return False
        return matches(values.ravel(), list(100 * expected), self.rtol, 100 * self.atol, self.digits)

    def _spec(self):
        data_hints = [(value, message) for value, message in self.hints if not callable(value)]
        return {"kind": "number", "expected": self.expected.tolist(), "shape": list(self.expected.shape),
                "rtol": self.rtol, "atol": self.atol, "digits": self.digits, "integer": self.integer,
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
