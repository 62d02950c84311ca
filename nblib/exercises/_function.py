"""FunctionCheck: a function the learner wrote, against a reference on a few inputs."""

import contextlib
import copy
import inspect
import signal
import textwrap
import threading

import numpy as np

from nblib.checks import as_callable, as_text
from nblib.exercises._base import Check, pairs, tolerance
from nblib.exercises._digits import close
from nblib.exercises._feedback import Feedback, Reveal
from nblib.exercises._messages import say, shape_words
from nblib.exercises._number import NumberCheck
from nblib.exercises._reading import as_finite_array, describe, read_numbers

#: Seconds a learner's function may run on one input before the check gives up on it.
TIME_LIMIT = 5.0


class FunctionCheck(Check):
    """Checks a function the learner wrote against a reference on a few inputs.

    reference: the correct function; it must return a finite number or array on every case.
    cases: a non-empty list of argument tuples. Each call gets its own copies,
        so a function that changes its input cannot spoil later cases.
    hints: ``(condition, message)`` pairs; ``condition(f)`` is True for a learner's
        function ``f`` with a recognisable mistake.
    hint: the general hint when no condition holds.
    praise: said when the function is right.
    rtol, atol: outputs are right where ``|got - want| <= atol + rtol * |want|``.
    proxy: for the web book, which has no kernel to run the learner's function: a
        question about one output, ``(question, args)`` or ``(question, args, hints)``.
        ``question`` asks what the learner's function returns for ``args`` (a tuple
        of arguments), e.g. ``("What does your `grid_guesses(5, 10)` return?", (5, 10))``;
        the answer is the reference's output there. ``hints`` are ``(value, message)``
        pairs for the outputs of recognisable mistakes, as in :class:`NumberCheck`.
        The web book shows the question as a typed self-check (the same form and
        rules as a NumberCheck; a count when the reference returns integers) with a
        sentence on how to run the page to check the function itself. The proxy is
        ``check.proxy``, a NumberCheck; ``check.proxy.misjudged()`` audits its hints.

    A function that raises, returns None (no ``return``), returns text or runs
    longer than ``TIME_LIMIT`` seconds gets feedback saying so, never a traceback.
    """

    def __init__(self, reference, cases, hints=(), hint="", praise="", rtol=1e-6, atol=1e-9, proxy=None):
        super().__init__(hint, praise)
        self.reference = as_callable(reference, "reference")
        self.cases = _cases(cases)
        self.rtol = tolerance(rtol, "rtol")
        self.atol = tolerance(atol, "atol")
        self.hints = [(as_callable(condition, f"hints[{k}]'s condition"), message)
                      for k, (condition, message) in enumerate(pairs(hints, "hints"))]
        self.expected = [self._reference_output(k) for k in range(len(self.cases))]
        self.question, self.proxy = self._proxy(proxy)

    def reveal(self):
        """The reference function's source (or its outputs), for a learner who asks for it."""
        try:
            code = textwrap.dedent(inspect.getsource(self.reference))
        except (OSError, TypeError):
            code = "\n".join(f"{_describe_args(args)} -> {_show(want)}"
                             for args, want in zip(self.cases, self.expected))
        return Reveal("a function that gives what this reference gives", "", code)

    def _decide(self, answer):
        if not callable(answer):
            return Feedback(False, say("kind", want="a function", got=describe(answer)))
        for args, want in zip(self.cases, self.expected):
            outcome, value = _run(answer, args)
            if outcome == "value" and value is Ellipsis and args is self.cases[0]:
                return Feedback(None, "Your function still returns the placeholder ...: write its body, "
                                      "then run the cell again.", selfcheck=self._selfcheck(),
                                web_form=self.proxy is not None)
            problem = self._problem(answer, outcome, value, want)
            if problem is not None:
                return Feedback(False, f"On input {_describe_args(args)} {problem}")
        return Feedback(True, self.praise)

    def _problem(self, answer, outcome, value, want):
        """What is wrong with one call's result, or None if it matches ``want``."""
        if outcome == "raised":
            return f"your function raised {type(value).__name__}: {str(value)[:200]}"
        if outcome == "slow":
            return f"your function ran for more than {TIME_LIMIT:g} seconds: does a loop never end?"
        if value is None:
            return "your function returned None: it needs a return statement that gives the result."
        got, problem = read_numbers(value, want.shape)
        if problem in (say("nan"), say("inf")):
            return (f"your function returned {describe(value)}, which is not a finite number: "
                    "something overflowed, divided by zero or was undefined.")
        if problem is not None:
            return f"your function returned {describe(value)}, not {shape_words(want.shape)}."
        if close(got, want, self.rtol, self.atol).all():
            return None
        return f"your function returned {_show(got)}. {self._hint_for(answer)}"

    def _hint_for(self, answer):
        for condition, message in self.hints:
            outcome, holds = _run(condition, (answer,))
            if outcome == "value" and _is_true(holds):
                return message
        return self.hint or "Compare it with the text above and try again."

    def mistakes(self):
        """The proxy's listed mistakes (a function's own hints are conditions, not values)."""
        return [] if self.proxy is None else self.proxy.mistakes()

    def misjudged(self):
        return [] if self.proxy is None else self.proxy.misjudged()

    def _spec(self):
        if self.proxy is None:
            return None
        return dict(self.proxy._spec(), question=self.question)

    def _proxy(self, proxy):
        """``(question, NumberCheck)`` for the web book's question, or ``(None, None)``."""
        if proxy is None:
            return None, None
        if isinstance(proxy, (str, bytes)) or not isinstance(proxy, (tuple, list)) or len(proxy) not in (2, 3):
            raise TypeError(f"proxy must be (question, args) or (question, args, hints), got {describe(proxy)}")
        question = as_text(proxy[0], "proxy's question")
        if not question.strip():
            raise ValueError("proxy's question must say what to compute, got empty text")
        (args,) = _cases([proxy[1]], "proxy's args")
        outcome, value = _run(self.reference, args, limit=None)
        if outcome == "raised":
            raise ValueError(f"reference raised {type(value).__name__}: {value} on proxy's args") from value
        output = as_finite_array(value, "the reference's output on proxy's args")
        integer = np.asarray(value).dtype.kind in "iu" and not isinstance(value, (bool, np.bool_))
        hints = pairs(proxy[2], "proxy's hints") if len(proxy) == 3 else ()
        return question, NumberCheck(output if output.ndim else float(output), hints=hints, hint=self.hint,
                                     praise=self.praise, integer=bool(integer))

    def _reference_output(self, k):
        outcome, value = _run(self.reference, self.cases[k], limit=None)
        if outcome == "raised":
            raise ValueError(f"reference raised {type(value).__name__}: {value} on cases[{k}]") from value
        return as_finite_array(value, f"the reference's output on cases[{k}]")

    def _wanted(self):
        return "a function"


def _cases(cases, name="cases"):
    """``cases`` as a list of argument tuples, refusing an empty list."""
    if isinstance(cases, (str, bytes)) or not hasattr(cases, "__iter__"):
        raise TypeError(f"{name} must be a list of argument tuples, got {describe(cases)}")
    cases = list(cases)
    if not cases:
        raise ValueError(f"{name} must hold at least one tuple of arguments, got an empty list")
    for k, case in enumerate(cases):
        if not isinstance(case, (tuple, list)):
            where = name if name != "cases" else f"cases[{k}]"
            raise TypeError(f"{where} must be a tuple of arguments, got {describe(case)}")
    return [tuple(case) for case in cases]


class _TooSlow(BaseException):
    """Raised inside a learner's function when it runs out of time (not caught by ``except Exception``)."""


def _run(function, args, limit="TIME_LIMIT"):
    """Call ``function`` on copies of ``args``: ("value", result), ("raised", error) or ("slow", None).

    limit: seconds allowed, None for no limit; by default ``TIME_LIMIT``.
    """
    try:
        with _time_limit(TIME_LIMIT if limit == "TIME_LIMIT" else limit):
            return "value", function(*copy.deepcopy(args))
    except _TooSlow:
        return "slow", None
    except (Exception, SystemExit) as error:  # exit() in a learner's function must not stop the kernel
        return "raised", error


@contextlib.contextmanager
def _time_limit(seconds):
    """Interrupt the block after ``seconds`` (main thread with no other alarm only; None: no limit)."""
    usable = (seconds is not None and hasattr(signal, "SIGALRM")
              and threading.current_thread() is threading.main_thread()
              and signal.getitimer(signal.ITIMER_REAL)[0] == 0)
    if not usable:
        yield
        return

    def stop(signum, frame):
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _is_true(value):
    try:
        return bool(value)
    except Exception:  # an array's truth value is ambiguous: not a match
        return False


def _show(values):
    """A result for feedback: the numbers if there are few, else the shape."""
    values = np.asarray(values)
    if values.ndim == 0:
        return f"{float(values):.6g}"
    return np.array2string(values, precision=4) if values.size <= 8 else f"an array of shape {values.shape}"


def _describe_args(args):
    """Arguments as '(2, 10)' or '([1. 2.], [0. 1.])', short."""
    parts = []
    for arg in args:
        if callable(arg):
            parts.append(getattr(arg, "__name__", "a function"))
        elif isinstance(arg, (int, float, np.ndarray, list, tuple)):
            try:
                parts.append(np.array2string(np.asarray(arg), precision=3, threshold=6))
            except Exception:
                parts.append(describe(arg))
        else:
            parts.append(describe(arg))
    return "(" + ", ".join(parts) + ")"
