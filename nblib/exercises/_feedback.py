"""What a check shows: a verdict with a message, an answer shown on request, and the web form."""

import hashlib
import html
import itertools
import json
import os

_KINDS = {True: "correct", False: "wrong", None: "unanswered"}
#: The verdict's first words, by kind (the web book's self-check shows the same).
MARKS = {"correct": "✔ Correct.", "wrong": "✘ Not yet.", "unanswered": "… No answer yet."}
_MARKS = {verdict: MARKS[kind] for verdict, kind in _KINDS.items()}
_serial = itertools.count(1)


class Feedback:
    """The result of a check.

    correct: True (right), False (not yet) or None (no answer yet).
    message: the hint, praise or reminder, as plain text.
    selfcheck: for an unanswered numeric or choice exercise (or a function exercise
        with a proxy question) in the web book build, the check's data (a dict); the
        HTML then carries a kernel-free form.
    web_form: True when the web book checks this exercise without a kernel; the PDF
        (``NBLIB_PRINT=1``) then says so in words, where the web book has its form.
    """

    def __init__(self, correct, message, selfcheck=None, web_form=False):
        if not isinstance(correct, (bool, type(None))):
            raise ValueError(f"Feedback's correct must be True, False or None, got {correct!r}")
        if not isinstance(message, str):
            raise TypeError(f"Feedback's message must be a string, got {type(message).__name__}")
        if selfcheck is not None and not isinstance(selfcheck, dict):
            raise TypeError(f"Feedback's selfcheck must be a dict or None, got {type(selfcheck).__name__}")
        self.correct = correct
        self.message = message
        self._selfcheck = selfcheck
        self._web_form = bool(web_form)

    @property
    def text(self):
        """The verdict and the message, e.g. "Not yet. Square the residuals."."""
        return f"{_MARKS[self.correct][2:]} {self.message}".strip()

    def __bool__(self):
        return self.correct is True

    def __repr__(self):
        return self.text

    def _repr_html_(self):
        if self._selfcheck is not None:  # the web book: the form takes the place of "no answer yet"
            return _form(self._selfcheck)
        return (f'<div class="nblib-feedback nblib-feedback-{_KINDS[self.correct]}" role="status">'
                f"<strong>{_MARKS[self.correct]}</strong> {html.escape(self.message)}</div>")


    def _repr_markdown_(self):
        """The printed form (the PDF build only): where an answer is checked, or the verdict in words."""
        from nblib.explorable import PRINT_ENV
        from nblib.explorable._live import markdown_text

        if os.environ.get(PRINT_ENV) != "1":
            return None
        if self.correct is None:  # a starter as the book leaves it: say where an answer is checked
            return printed_guidance(self._web_form)
        verdict = _MARKS[self.correct][2:]
        return f"**{markdown_text(verdict)}** {markdown_text(self.message)}"


#: The web edition's address (GitHub Pages of ``repository.url`` in _config.yml), printed under
#: every exercise in the PDF (tests/test_pdf_outputs.py checks that the two agree).
WEB_EDITION = "https://how-neural-networks-are-trained.github.io/book/"
#: What the PDF says under every exercise: where its answer is checked.
PRINTED_IN_JUPYTER = ("**Where to check your answer.** Run this cell in Jupyter with your answer (or your "
                      "function's body) in place of the `...`: the check says whether it is right and, "
                      "when it is not, gives a hint that points at the idea you need.")
#: ... and, when the web book has a form for the exercise, that it checks answers without any code.
PRINTED_WEB_FORM = "The web edition also checks it in the page, typed into a form, without running any code:"


def printed_guidance(web_form):
    """The printed form of an untouched starter, as MyST markdown: where to check an answer."""
    web = f" {PRINTED_WEB_FORM} <{WEB_EDITION}>." if web_form else ""
    return PRINTED_IN_JUPYTER + web


class Reveal:
    """The answer of an exercise, shown only when a learner asks for it (``check.reveal()``)."""

    def __init__(self, answer, why="", code=""):
        self.answer = answer
        self.why = why
        self.code = code

    def __repr__(self):
        return "\n".join(part for part in (f"The answer: {self.answer}", self.why, self.code) if part)

    def _repr_html_(self):
        why = f" {html.escape(self.why)}" if self.why else ""
        code = f"<pre>{html.escape(self.code)}</pre>" if self.code else ""
        return (f'<div class="nblib-feedback nblib-reveal"><strong>The answer:</strong> '
                f"{html.escape(self.answer)}.{why}{code}</div>")


def _form(spec):
    """The web book's self-check: an input or radio buttons, a Check button and a live verdict.

    ``book/assets/selfcheck.js`` finds each form by its class and reads ``spec``
    from the JSON block inside it.
    """
    data = json.dumps(spec, ensure_ascii=False).replace("</", "<\\/")
    uid = f"selfcheck-{hashlib.sha1(data.encode()).hexdigest()[:8]}-{next(_serial)}"
    question = spec.get("question")
    intro = ("Check your answer here, without running any code:" if question is None
             else f"Without running any code: {_inline_code(question)}")
    return (
        f'<form class="nblib-selfcheck" id="{uid}" autocomplete="off">'
        f'<script type="application/json" class="nblib-selfcheck-spec">{data}</script>'
        f'<p class="nblib-selfcheck-intro">{intro}</p>'
        f"{_choice_inputs(uid, spec['choices']) if spec['kind'] == 'choice' else _text_input(uid, spec)}"
        f'<button type="submit" class="nblib-selfcheck-button">Check</button>'
        f'<div class="nblib-selfcheck-verdict" aria-live="polite"></div>'
        f"{RUN_TO_CHECK if question is not None else ''}"
        "</form>"
    )


#: Where the book says how to run a chapter, relative to a chapter's page.
RUN_PAGE = "../book/how-to-use.html#run-the-notebooks"
#: Under a function exercise's web form: the function itself is checked by running the page.
RUN_TO_CHECK = (
    '<p class="nblib-selfcheck-run">To check the function itself, run this page: open it on Binder or '
    "Colab with the rocket button at the top of the page, or run <code>make lab</code> in a clone of the "
    f'book\'s repository (see <a href="{RUN_PAGE}">Run the notebooks</a>).</p>')


def _inline_code(text):
    """``text`` escaped for HTML, with `backquoted` parts as code."""
    parts = html.escape(text).split("`")
    if len(parts) % 2 == 0:  # an unpaired backquote: show the text as it is
        return html.escape(text)
    return "".join(f"<code>{part}</code>" if k % 2 else part for k, part in enumerate(parts))


def _text_input(uid, spec):
    example = "e.g. 56 or 2,410" if spec.get("integer") else "e.g. 0.25, 3/4, 1.5e-3 or [1.2, 3.4]"
    return (f'<label for="{uid}-answer">Your answer</label> '
            f'<input type="text" id="{uid}-answer" class="nblib-selfcheck-answer" spellcheck="false" '
            f'placeholder="{example}"> ')


def _choice_inputs(uid, choices):
    options = "".join(
        f'<label class="nblib-selfcheck-choice"><input type="radio" name="{uid}-answer" '
        f'value="{html.escape(choice, quote=True)}"> {html.escape(choice)}</label>'
        for choice in choices)
    return f'<fieldset class="nblib-selfcheck-choices"><legend>Your answer</legend>{options}</fieldset>'
