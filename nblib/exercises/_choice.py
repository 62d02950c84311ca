"""ChoiceCheck: one of a few strings."""

from nblib.checks import as_text
from nblib.exercises._base import Check
from nblib.exercises._feedback import Feedback, Reveal
from nblib.exercises._messages import MESSAGES, choices_words, say, shorten
from nblib.exercises._reading import describe


class ChoiceCheck(Check):
    """Checks a multiple-choice answer, given as one of the strings in ``choices``.

    correct: the right choice; must be one of ``choices``.
    choices: two or more different strings.
    explanations: a dict mapping a wrong choice to the message it gets.
    hint: the message for a wrong choice without an explanation.
    praise: said when the answer is right, and shown by ``reveal()`` as the reason.

    Answers are compared ignoring case and extra spaces ("Mean error " is "mean error").
    """

    def __init__(self, correct, choices, explanations=None, hint="", praise=""):
        super().__init__(hint, praise)
        self.choices = _choices(choices)
        self.correct = as_text(correct, "correct")
        if _normal(self.correct) not in map(_normal, self.choices):
            raise ValueError(f"correct {self.correct!r} must be one of the choices {self.choices}")
        self.explanations = _explanations(explanations, self.choices, self.correct)

    def reveal(self):
        """The right choice and why (the praise), for a learner who asks for it."""
        return Reveal(f'"{self.correct}"', self.praise)

    def mistakes(self):
        """Each explained wrong choice and its explanation: ``[(choice, explanation), ...]``."""
        return list(self.explanations.items())

    def _decide(self, answer):
        if not isinstance(answer, str):
            return Feedback(False, say("not_text", choices=choices_words(self.choices), got=describe(answer)))
        given = _normal(answer)
        if given == _normal(self.correct):
            return Feedback(True, self.praise)
        for choice in self.choices:
            if given == _normal(choice):
                return Feedback(False, self.explanations.get(choice) or self.hint or say("wrong_choice"))
        return Feedback(False, say("not_a_choice", text=shorten(answer), choices=choices_words(self.choices)))

    def _spec(self):
        return {"kind": "choice", "correct": self.correct, "choices": list(self.choices),
                "explanations": dict(self.explanations), "wrong": MESSAGES["wrong_choice"]}

    def _wanted(self):
        return f"one of {choices_words(self.choices)}"


def _normal(text):
    """Lower case, single spaces, no spaces at the ends (as selfcheck.js does)."""
    return " ".join(text.split()).lower()


def _choices(choices):
    if isinstance(choices, (str, bytes)) or not hasattr(choices, "__iter__"):
        raise TypeError(f"choices must be a list of strings, got {describe(choices)}")
    choices = tuple(choices)
    for k, choice in enumerate(choices):
        as_text(choice, f"choices[{k}]")
    if len(choices) < 2:
        raise ValueError(f"choices must hold at least two strings, got {len(choices)}")
    if len({_normal(choice) for choice in choices}) < len(choices):
        raise ValueError(f"choices must differ from each other (ignoring case and spaces), got {choices}")
    return choices


def _explanations(explanations, choices, correct):
    if explanations is None:
        return {}
    if not isinstance(explanations, dict):
        raise TypeError(f"explanations must be a dict from wrong choices to messages, got {describe(explanations)}")
    for choice, message in explanations.items():
        if choice not in choices:
            raise ValueError(f"explanations key {choice!r} is not one of the choices {choices}")
        if choice == correct:
            raise ValueError(f"explanations key {choice!r} is the correct choice; explain wrong choices only")
        as_text(message, f"explanations[{choice!r}]")
    return dict(explanations)
