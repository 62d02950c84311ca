"""nblib.exercises: every attempt gets feedback, and the web book's selfcheck.js agrees with Python."""

import importlib
import json
import math
import pkgutil
import re
import shutil
import subprocess
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import nblib.chapters
from nblib.exercises import ChoiceCheck, Feedback, FunctionCheck, NumberCheck
from nblib.exercises import _function
from nblib.exercises._feedback import RUN_PAGE
from nblib.exercises._typed import read_typed

SELFCHECK_JS = Path(__file__).resolve().parents[1] / "book" / "assets" / "selfcheck.js"
UNANSWERED = "Put your answer in place of the placeholder, then check again."
NAN = "Your answer contains NaN (not a number)"
INF = "Your answer contains infinity or a number too large for a float"


def rounded_message(digits):
    return (f"Your answer agrees with the right one to the digits you gave, but the check needs more: "
            f"give at least {digits} significant digits.")


# --- NumberCheck --------------------------------------------------------------

PARAMS = NumberCheck(2410, rtol=0, atol=0.5, hints=[
    (2368, "Those are the weights: add one bias per hidden and output neuron."),
    (20480, "Weights connect neighbouring layers only."),
], hint="Count the connections, then the biases.", praise="Right: 2048 + 320 weights and 42 biases.")

PAIR = NumberCheck([0.3356, 2.3], rtol=1e-3, atol=1e-4, hints=[
    ([1.3356, None], "The slope does not change."),
    ([None, 1.3], "Every point moved up by 1."),
], hint="Shift every point up by 1.")


@pytest.mark.parametrize("blank", [None, ...])
def test_a_blank_is_neither_right_nor_an_error(blank):
    feedback = PARAMS(blank)
    assert feedback.correct is None and feedback.message == UNANSWERED
    assert feedback.text == f"No answer yet. {UNANSWERED}"


def test_right_answers_get_the_praise():
    assert PARAMS(2410).text == "Correct. Right: 2048 + 320 weights and 42 biases."
    assert PARAMS(np.int64(2410)).correct is True and PARAMS(2410.4).correct is True
    assert PAIR(np.array([0.3357, 2.3001])).correct is True and PAIR((0.3356, 2.3)).correct is True


@pytest.mark.parametrize("answer, message", [
    ("two thousand", 'Expected a number, got the text "two thousand".'),
    (b"2410", "Expected a number, got the bytes b'2410'."),
    (2410 + 1j, "Expected a number, got the complex number (2410+1j)."),
    (True, "Expected a number, got the truth value True."),
    ([2410, None], "Expected a number, but entry [1] is None."),
    (len, "Expected a number, got the function len."),
    ({"a": 1}, "Expected a number, got a dict."),
    ([2410, 1], "Expected a number, got a list of 2 numbers."),
    (np.ones((2, 3)), "Expected a number, got an array of shape (2, 3)."),
    ("x" * 40, 'Expected a number, got the text "' + "x" * 27 + '...".'),
])
def test_the_wrong_kind_of_value_says_what_was_expected_and_what_came(answer, message):
    feedback = PARAMS(answer)
    assert feedback.correct is False and feedback.message == message


def test_a_pair_reports_entries_and_rows():
    assert PAIR([0.3356, "2.3"]).message == 'Expected a list of 2 numbers, but entry [1] is the text "2.3".'
    assert PAIR([[0.3], [1, 2]]).message == "Expected a list of 2 numbers, got a nested list whose rows have different lengths."
    assert PAIR(0.3356).message == "Expected a list of 2 numbers, got a number."


@pytest.mark.parametrize("answer, start", [
    (float("nan"), NAN), ([0.3356, np.nan], NAN), (float("inf"), INF), (-np.inf, INF), (10 ** 400, INF),
    ([10 ** 400, 1], INF), (np.float64(np.inf), INF),
])
def test_nan_infinity_and_huge_integers_are_named(answer, start):
    check = PAIR if np.ndim(answer) == 1 else PARAMS
    assert check(answer).message.startswith(start)


def test_huge_finite_answers_are_compared_without_overflow():
    assert PAIR([1e308, -1e308]).message == "Shift every point up by 1."


@pytest.mark.parametrize("typed, message", [
    ("1e400", "1e400 is beyond any float (the largest is about 1.8e308): check its exponent."),
    ("-10**400", "-10**400 is beyond any float (the largest is about 1.8e308): check its exponent."),
    ("nan", "nan is not a number: give your answer in digits, such as 0.25."),
    ("-inf", "Infinity is not an answer here: give a finite number, such as 0.25."),
])
def test_typed_infinities_get_messages_for_a_typed_answer_not_for_code(typed, message):
    assert PARAMS(typed).message == message
    assert "overflowed" not in message and "a step" not in message


@pytest.mark.parametrize("expected, rtol, atol, answer, digits", [
    (0.0181234, 1e-3, 0, 0.018, 4), (0.0181234, 1e-3, 0, 0.02, 4), (np.pi / 2, 1e-4, 0, 1.57, 5),
    (2410, 0, 0.5, 2400, 3), (0.0295, 1e-3, 0, 0.03, 3),
])
def test_an_answer_rounded_to_too_few_digits_asks_for_more(expected, rtol, atol, answer, digits):
    check = NumberCheck(expected, rtol=rtol, atol=atol)
    assert check.digits == digits
    assert check(answer).message == rounded_message(digits)


def test_a_value_that_is_not_a_rounding_gets_the_hints():
    check = NumberCheck(0.0181234, rtol=1e-3, hint="Square the residuals.")
    assert check(0.03).message == "Square the residuals."      # 0.0181 rounds to 0.02, not 0.03
    assert check(0.01815).message == "Square the residuals."   # as many digits as needed, and wrong
    assert PAIR([0.34, 2.3]).message == rounded_message(3)     # one entry rounded, one right


def test_a_swapped_pair_is_named():
    assert PAIR([2.3, 0.3356]).message == "You have the two numbers the wrong way round: swap them."
    same = NumberCheck([1.0, 1.0], hint="general")
    assert same([1.0, 2.0]).message == "general"


def test_data_hints_match_within_the_tolerances_and_ignore_none_entries():
    assert PARAMS(2368).message == "Those are the weights: add one bias per hidden and output neuron."
    assert PARAMS(20480.4).message == "Weights connect neighbouring layers only."
    assert PAIR([1.3356, 99.0]).message == "The slope does not change."
    assert PAIR([-5.0, 1.3]).message == "Every point moved up by 1."
    assert PAIR([1.0, 2.0]).message == "Shift every point up by 1."
    assert NumberCheck(1.0)(2.0).message.startswith("That is not the expected value.")


def test_callable_hints_still_work_and_a_broken_one_is_skipped():
    check = NumberCheck(1.0, hints=[(lambda a: 1 / 0, "never"), (lambda a: a > 5, "too big")], hint="general")
    assert check(7.0).message == "too big"
    assert check(2.0).message == "general"


def test_no_wrong_answer_shows_the_expected_value():
    check = NumberCheck(0.01813, rtol=1e-3, hints=[(0.1345, "MAE")], hint="Square them.")
    answers = [0.5, "0.5", [0.5, 1], np.nan, 0.1345, 0.02, 0.018, None, len]
    assert all("0.0181" not in check(answer).text for answer in answers)
    assert "0.01813" in repr(check.reveal()) and "0.01813" in check.reveal()._repr_html_()


def test_reveal_shows_the_expected_value_and_its_tolerance():
    assert repr(PARAMS.reveal()) == "The answer: 2410\nAnswers within 0.5 of it count as right."
    assert repr(PAIR.reveal()).startswith("The answer: [0.3356, 2.3]\nAnswers within 0.1% of it")


# --- ChoiceCheck ----------------------------------------------------------------

LOSSES = ChoiceCheck("mean error", ["mean error", "mean absolute error", "mean squared error"],
                     explanations={"mean squared error": "Every squared residual is positive."},
                     hint="Which errors can cancel?", praise="Residuals of both signs cancel in the mean.")


@pytest.mark.parametrize("answer, correct, message", [
    ("mean error", True, "Residuals of both signs cancel in the mean."),
    ("  Mean   Error ", True, "Residuals of both signs cancel in the mean."),
    ("mean squared error", False, "Every squared residual is positive."),
    ("mean absolute error", False, "Which errors can cancel?"),
    ("median", False, '"median" is not one of the choices: answer with "mean error", "mean absolute error" '
                      'or "mean squared error".'),
    (2, False, 'Expected one of the choices "mean error", "mean absolute error" or "mean squared error" as text, '
               'got the integer 2.'),
    (None, None, UNANSWERED),
])
def test_choice_check(answer, correct, message):
    feedback = LOSSES(answer)
    assert (feedback.correct, feedback.message) == (correct, message)


def test_choice_reveal_gives_the_reason():
    assert repr(LOSSES.reveal()) == 'The answer: "mean error"\nResiduals of both signs cancel in the mean.'
    assert ChoiceCheck("a", ["a", "b"])("b").message.startswith("That is not the right choice.")


# --- FunctionCheck --------------------------------------------------------------

def reference_mse(y, y_hat):
    return float(np.mean((y - y_hat) ** 2))


MSE_CASES = [(np.array([1.0, -2.0]), np.array([0.0, 2.0])), (np.array([3.0, 1.0, 2.0]), np.array([2.5, 1.0, 0.0]))]
MSE = FunctionCheck(reference_mse, MSE_CASES, hints=[
    (lambda f: np.isclose(f(np.array([1.0, -2.0]), np.array([0.0, 2.0])), 2.5), "That is the mean absolute error."),
    (lambda f: f(None, None), "never: a condition that raises is skipped"),
], hint="Subtract, square, then average.", praise="Well done.")
ON_FIRST = "On input ([ 1. -2.], [0. 2.]) your function"


def test_a_right_function_passes_and_a_wrong_one_gets_the_matching_hint():
    assert MSE(reference_mse).text == "Correct. Well done."
    wrong = MSE(lambda y, y_hat: np.mean(np.abs(y - y_hat)))
    assert wrong.message == f"{ON_FIRST} returned 2.5. That is the mean absolute error."
    assert MSE(lambda y, y_hat: 0.0).message == f"{ON_FIRST} returned 0. Subtract, square, then average."


def no_return(y, y_hat):
    np.mean((y - y_hat) ** 2)


def loops_for_ever(y, y_hat):
    while True:
        try:
            pass
        except Exception:  # a learner's catch-all must not swallow the time limit
            pass


@pytest.mark.parametrize("function, message", [
    (no_return, "returned None: it needs a return statement that gives the result."),
    (lambda y, y_hat: str(np.mean((y - y_hat) ** 2)), 'returned the text "8.5", not a number.'),
    (lambda y, y_hat: 10 ** 400, "returned an integer with 401 digits, which is not a finite number: "
                                 "something overflowed, divided by zero or was undefined."),
    (lambda y, y_hat: np.nan, "returned the number nan, which is not a finite number: "
                              "something overflowed, divided by zero or was undefined."),
    (lambda y, y_hat: (y - y_hat) ** 2, "returned an array of shape (2,) holding float64 values, not a number."),
    (lambda y, y_hat: 1 / 0, "raised ZeroDivisionError: division by zero"),
    (lambda y: y, "raised TypeError: <lambda>() takes 1 positional argument but 2 were given"),
    (loops_for_ever, "ran for more than 0.2 seconds: does a loop never end?"),
])
def test_a_function_that_misbehaves_is_told_what_happened(function, message, monkeypatch):
    monkeypatch.setattr(_function, "TIME_LIMIT", 0.2)
    feedback = MSE(function)
    assert feedback.correct is False and feedback.message == f"{ON_FIRST} {message}"


def test_each_call_gets_copies_of_the_case_arrays():
    def mutating(y, y_hat):
        y -= y_hat
        y **= 2
        return float(np.mean(y))

    before = [tuple(a.copy() for a in case) for case in MSE_CASES]
    assert MSE(mutating).correct is True
    assert MSE(reference_mse).correct is True
    assert all(np.array_equal(a, b) for case, old in zip(MSE_CASES, before) for a, b in zip(case, old))


def test_a_stub_and_a_non_function_are_recognised():
    def stub(y, y_hat):
        return ...

    assert MSE(stub).correct is None and "placeholder" in MSE(stub).message
    assert MSE(3).message == "Expected a function, got the integer 3."
    assert MSE(None).correct is None


def test_function_reveal_shows_the_reference():
    assert "def reference_mse(y, y_hat):" in repr(MSE.reveal())


# --- confirm and Feedback --------------------------------------------------------

def test_confirm_is_silent_when_right_and_raises_with_the_feedback_otherwise():
    assert PARAMS.confirm(2410) is None and LOSSES.confirm("mean error") is None and MSE.confirm(reference_mse) is None
    with pytest.raises(AssertionError, match="^Not yet. Those are the weights"):
        PARAMS.confirm(2368)
    with pytest.raises(AssertionError, match="^No answer yet."):
        LOSSES.confirm(...)


def test_feedback_renders_escaped_html_with_its_kind():
    assert "nblib-feedback-correct" in Feedback(True, "ok")._repr_html_()
    assert "&lt;b&gt;" in Feedback(False, "<b>")._repr_html_()
    assert not Feedback(False, "x") and Feedback(True, "x") and not Feedback(None, "x")


# --- The web book's self-check ----------------------------------------------------

def spec_of(check, monkeypatch):
    monkeypatch.setenv("NBLIB_SCRUBBER", "1")
    html = check(...)._repr_html_()
    start = html.index('class="nblib-selfcheck-spec">') + len('class="nblib-selfcheck-spec">')
    return json.loads(html[start:html.index("</script>", start)].replace("<\\/", "</"))


def test_the_form_appears_only_for_an_unanswered_number_or_choice_in_the_book_build(monkeypatch):
    monkeypatch.delenv("NBLIB_SCRUBBER", raising=False)
    assert "<form" not in PARAMS(...)._repr_html_()
    monkeypatch.setenv("NBLIB_SCRUBBER", "1")
    number, choice = PARAMS(...)._repr_html_(), LOSSES(None)._repr_html_()
    assert '<input type="text"' in number and 'aria-live="polite"' in number and '<button type="submit"' in number
    assert choice.count('type="radio"') == 3 and "<legend>Your answer</legend>" in choice
    assert "<form" not in PARAMS(2400)._repr_html_() and "<form" not in MSE(...)._repr_html_()


def test_the_form_carries_the_checks_data_and_cannot_end_its_script(monkeypatch):
    spec = spec_of(PAIR, monkeypatch)
    assert spec["expected"] == [0.3356, 2.3] and spec["shape"] == [2] and spec["digits"] == 3
    assert spec["hints"] == [[[1.3356, None], "The slope does not change."], [[None, 1.3], "Every point moved up by 1."]]
    sneaky = NumberCheck(1.0, hint="</script><script>alert(1)</script>")
    assert spec_of(sneaky, monkeypatch)["hint"] == "</script><script>alert(1)</script>"
    assert "</script><script>" not in sneaky(...)._repr_html_()


# --- One specification: selfcheck.js decides as Python does -----------------------

def python_value(text):
    """What a learner who types ``text`` into a Python cell gives the check."""
    if text.strip() == "":
        return None
    try:
        return eval(text, {"__builtins__": {}}, {"nan": math.nan, "inf": math.inf, "None": None})
    except Exception:
        return text


def run_selfcheck(pairs):
    """selfcheck.js's verdicts on ``(spec, typed text)`` pairs, under node."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = ("const sc = require(process.argv[1]);"
              "const pairs = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "process.stdout.write(JSON.stringify(pairs.map(([spec, text]) => sc.check(spec, text))));")
    result = subprocess.run([node, "-e", script, str(SELFCHECK_JS)], input=json.dumps(pairs),
                            capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout)


TYPED = ["0.0181", "0.018", "0.02", "0.03", "1.57", "1.5708", "2410", "2400", "2368", "2,410", "abc", "", "   ",
         "1e400", "-1e400", "nan", "inf", "[0.34, 0.80]", "0.80, 0.34", "[0.3356, 2.3]", "2.3, 0.3356", "[2.3, 0.3356]",
         "[1.3356, 7]", "(-5, 1.3)", "[0.34, 2.3]", "[0.3356, None]", "[[1, 2]]", "[1, [2, 3]]", "[]", "1,",
         "(0.0181)", "  0.0181  ", "+0.0181", ".0181", "1.81e-2", "0.0181e0", "-0.0181", "0", "[nan, 1]",
         "1e-05", "100000", "1e5", "1.5e+16", "x" * 45, "2410.0", "0.20", "[0.34]",
         # Numbers as people write them (nblib/exercises/_typed.py)
         "1,000,000", "12,345.5", "[1,000, 2]", "2,410, 3", "2, 410", "2,41", "2,4100", "0,125", "2 ,410",
         "10**5", "10^5", "1.5 × 10^5", "1.5 x 10^5", "1.5*10**5", "10⁵", "2.41×10³", "10 ** -5", "10**400",
         "27/269", "5/4", "1/3", "-3/4", "1/0", "1/", "/2", "10%", "12.5 %", "-5%", "1e5%", "241000%",
         "1.81%", "181", "2.41 × 10^3", "2,368", "−0.0181", "0.1345", "0.13", "0.2", "134.5", "1.81 e-2",
         "1.8 ", "[1.34, 0.81]", "2.3, 0.336", "(1.34, 7)", "[[1, 2], [3, 4]]", "[[1, 2.0], [3, 4.5]]",
         "50", "5e1", "49.6", "1e5.5", "0x10", "1_000", "++1", "1..2"]


def agreement_checks():
    return [
        PARAMS, PAIR,
        NumberCheck(0.0181234, rtol=1e-4, hints=[(0.1345, "MAE"), (-0.0181234, "sign")], hint="general"),
        NumberCheck(np.pi / 2, rtol=1e-4, praise="Yes."),
        NumberCheck([0.34, 0.80], rtol=1e-2),
        NumberCheck(1e5, rtol=0, atol=0.5, hints=[(50, "bins multiply")]),
        NumberCheck([[1.0, 2.0], [3.0, 4.0]], hints=[([[None, 2.0], [None, None]], "top right")]),
        NumberCheck(56, integer=True, hints=[(55, "the refit"), (27.5, "half the fits")], hint="count the fits"),
        NumberCheck(0.0305, hints=[(0.2135, "sum of squares"), (0.1214, "MAE")], hint="square, then average"),
        NumberCheck(1.25, hints=[(1.2, "that is 1 + p")], praise="yes"),
        NumberCheck(0.6694214876033059, hints=[(0.8181818181818182, "that is sqrt(beta)")]),
        NumberCheck([0.4411085714285714, 0.9842571428571428], rtol=1e-4,
                    hints=[([0.5588914285714286, 1.015742857142857], "you stepped uphill")]),
        proxy_check().proxy,
        LOSSES,
    ]


def choice_texts(check):
    return [*check.choices, " MEAN  error ", "median", ""]


def test_selfcheck_js_gives_the_same_verdict_and_message_as_python(monkeypatch):
    checks = agreement_checks()
    rows = [(check, text) for check in checks
            for text in (choice_texts(check) if isinstance(check, ChoiceCheck) else TYPED)]
    specs = {id(check): spec_of(check, monkeypatch) for check in checks}
    verdicts = run_selfcheck([[specs[id(check)], text or None] if isinstance(check, ChoiceCheck)
                              else [specs[id(check)], text] for check, text in rows])
    for (check, text), js in zip(rows, verdicts):
        python = check((text or None) if isinstance(check, ChoiceCheck) else text)
        assert (js["correct"], js["message"]) == (python.correct, python.message), (text, check)


def test_selfcheck_js_agrees_on_many_values_near_the_answer(monkeypatch):
    """Roundings, small errors and swaps of each expected value, written as Python prints them."""
    rng = np.random.default_rng(8)
    checks = [check for check in agreement_checks() if isinstance(check, NumberCheck)]
    rows = []
    for check in checks:
        expected = check.expected
        for _ in range(60):
            digits = int(rng.integers(1, 8))
            near = np.array([float(f"{v:.{digits - 1}e}") for v in expected.ravel()]).reshape(expected.shape)
            near = near * (1 + rng.choice([0, 0, 1e-5, -1e-3, 3e-2]) * rng.standard_normal(expected.shape))
            for value in (near, near[::-1] if near.ndim == 1 else -near):
                rows.append((check, repr(value.tolist())))
        for hint, _ in check.hints:   # each listed mistake, rounded to 1 to 4 digits
            filled = [e if v is None else v for v, e in zip(hint, expected.ravel())]
            for digits in range(1, 5):
                rounded = np.array([float(f"{v:.{digits - 1}e}") for v in filled]).reshape(expected.shape)
                rows.append((check, repr(rounded.tolist())))
    specs = {id(check): spec_of(check, monkeypatch) for check in checks}
    verdicts = run_selfcheck([[specs[id(check)], text] for check, text in rows])
    kinds = set()
    for (check, text), js in zip(rows, verdicts):
        python = check(text)
        assert python.correct == check(python_value(text)).correct, text   # text reads as Python would
        kinds.add(python.message[:20])
        assert (js["correct"], js["message"]) == (python.correct, python.message), text
    assert len(kinds) >= 6   # right, rounded, both, swapped, hints and the general hint all occurred


#: Typed texts Python's own eval reads differently, on purpose: thousands separators and
#: the notations of paper (eval reads "2,410" as a tuple and "10^5" as a bitwise xor).
NOT_PYTHON = {"2,410", "1,000,000", "12,345.5", "[1,000, 2]", "2,410, 3", "10^5", "1.5 × 10^5", "1.5 x 10^5",
              "10⁵", "2.41×10³", "10%", "12.5 %", "-5%", "1e400", "-1e400", "10**400", "nan", "inf",
              "[nan, 1]", "2.3, 0.3356", "0.80, 0.34", "1,", "−0.0181", "27/269", "5/4", "1/3", "-3/4",
              "2.41 × 10^3", "241000%", "2,368",
              "0x10", "1_000", "++1", "1.8\u00a0"}   # Python reads these; the check reads them as text


def test_typed_python_literals_read_as_python_reads_them():
    """Outside the notations of paper, typing an answer is typing Python: the same verdict and message."""
    for check in agreement_checks():
        if isinstance(check, ChoiceCheck):
            continue
        for text in TYPED:
            if text.strip() and text not in NOT_PYTHON:
                value = python_value(text)
                assert (check(text).correct, check(text).message) == (check(value).correct, check(value).message), text


# --- The self-check in a real browser (headless Chromium, see tests/browser.py) ------------

def selfcheck_page(directory, checks, monkeypatch):
    """Write a page holding the unanswered feedback of ``checks`` with the book's assets; return its name."""
    monkeypatch.setenv("NBLIB_SCRUBBER", "1")
    assets = SELFCHECK_JS.parent
    for name in ("book.css", "selfcheck.css", "selfcheck.js"):
        shutil.copy(assets / name, directory / name)
    body = "".join(f"<section><h2>Exercise {k + 1}</h2>{check(...)._repr_html_()}</section>"
                   for k, check in enumerate(checks))
    (directory / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Self-check</title><link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="book.css"><link rel="stylesheet" href="selfcheck.css">'
        f'<script defer src="selfcheck.js"></script></head><body style="max-width: 46rem; margin: 1rem auto; '
        f'font-family: sans-serif">{body}</body></html>', encoding="utf-8")
    return "index.html"


def test_the_self_check_works_from_the_keyboard_in_chromium(tmp_path, monkeypatch):
    browser_tools = pytest.importorskip("browser")
    if shutil.which(browser_tools.CHROMIUM) is None and not Path(browser_tools.CHROMIUM).exists():
        pytest.skip("Chromium is not installed (make test installs it)")
    page_name = selfcheck_page(tmp_path, [PAIR, LOSSES], monkeypatch)
    with browser_tools.serve(tmp_path) as url, browser_tools.chromium() as browser:
        page = browser.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(f"{url}/{page_name}")
        number, choice = page.locator("form.nblib-selfcheck").all()
        verdict = number.locator(".nblib-selfcheck-verdict")
        assert verdict.get_attribute("aria-live") == "polite"

        number.locator("input[type=text]").focus()
        for typed, expected in [("2.3, 0.3356", PAIR([2.3, 0.3356])), ("[0.3356, 2.3]", PAIR([0.3356, 2.3])),
                                ("0.34, 2.3", PAIR([0.34, 2.3])), ("", PAIR(None))]:
            page.keyboard.press("Control+A")
            page.keyboard.type(typed) if typed else page.keyboard.press("Delete")
            page.keyboard.press("Enter")
            assert verdict.inner_text().split(" ", 1)[1] == expected.text, typed
        assert "nblib-feedback-unanswered" in verdict.get_attribute("class")

        choice.locator("input[type=radio]").first.focus()   # Tab order reaches the first radio button
        page.keyboard.press("ArrowDown")                    # ... and the arrows pick another
        page.keyboard.press("Enter")
        assert choice.locator(".nblib-selfcheck-verdict").inner_text().split(" ", 1)[1] == \
            LOSSES("mean absolute error").text
        assert "nblib-feedback-wrong" in choice.locator(".nblib-selfcheck-verdict").get_attribute("class")
        assert errors == []


# --- Hints match like the right answer: to the digits given (issue 19) ---------------

def both_message(digits):
    return (f"Your answer agrees, to the digits you gave, both with the right answer and with a common mistake: "
            f"give at least {digits} significant digits to tell them apart.")


SUM_OF_SQUARES = NumberCheck(0.0305, hints=[(0.2135, "sum of squares"), (0.1214, "MAE")], hint="general")
UPHILL = NumberCheck([0.4411085714285714, 0.9842571428571428], rtol=1e-4,
                     hints=[([0.5588914285714286, 1.015742857142857], "you stepped uphill")], hint="general")
SQRT_BETA = NumberCheck(0.6694214876033059, hints=[(0.8181818181818182, "that is sqrt(beta)")], hint="general")
ONE_PLUS_P = NumberCheck(1.25, hints=[(1.2, "that is 1 + p")], hint="general")


@pytest.mark.parametrize("check, answer, message", [
    (SUM_OF_SQUARES, 0.2135, "sum of squares"), (SUM_OF_SQUARES, 0.214, "sum of squares"),
    (SUM_OF_SQUARES, 0.21, "sum of squares"), (SUM_OF_SQUARES, 0.12, "MAE"), (SUM_OF_SQUARES, 0.215, "general"),
    (SUM_OF_SQUARES, 0.2, "general"),   # one digit says too little to name a mistake
    (UPHILL, [0.559, 1.016], "you stepped uphill"), (UPHILL, [0.5589, 1.0157], "you stepped uphill"),
    (UPHILL, [0.56, 1.02], "you stepped uphill"), (UPHILL, [0.57, 1.016], "general"),
    (SQRT_BETA, 0.82, "that is sqrt(beta)"), (SQRT_BETA, 0.818, "that is sqrt(beta)"), (SQRT_BETA, 0.83, "general"),
])
def test_a_mistake_given_to_a_few_digits_gets_its_hint(check, answer, message):
    assert check(answer).message == message
    assert check(repr(answer)).message == message


def test_an_answer_that_agrees_with_the_right_value_and_a_mistake_asks_for_more_digits():
    assert ONE_PLUS_P(1.2).correct is False and ONE_PLUS_P(1.2).message == both_message(3)
    assert ONE_PLUS_P(1.25).correct is True and ONE_PLUS_P(1.20001).message == "that is 1 + p"
    assert ONE_PLUS_P(1.3).message == rounded_message(3)        # agrees with 1.25 only
    assert PARAMS(2400).message == both_message(3)              # 2410, and 2368 the weights
    assert PARAMS(2000).message == rounded_message(3)           # one digit names no mistake


def test_mistakes_lists_each_hint_in_full_and_to_three_digits():
    assert SUM_OF_SQUARES.mistakes() == [(0.2135, "sum of squares"), (0.213, "sum of squares"),
                                         (0.1214, "MAE"), (0.121, "MAE")]
    assert PAIR.mistakes()[:2] == [([1.3356, 2.3], "The slope does not change."),
                                   ([1.34, 2.3], "The slope does not change.")]
    assert NumberCheck(56, integer=True, hints=[(2411, "a"), (55.5, "b")]).mistakes() == [
        (2411.0, "a"), (55.5, "b")]   # a count is given in full; 55.5 is 55.5 to 3 digits
    assert LOSSES.mistakes() == [("mean squared error", "Every squared residual is positive.")]
    assert MSE.mistakes() == [] and MSE.misjudged() == []


def test_misjudged_names_a_mistake_judged_right_or_given_another_hint():
    assert SUM_OF_SQUARES.misjudged() == [] and PARAMS.misjudged() == [] and LOSSES.misjudged() == []
    same = NumberCheck(32, rtol=0, atol=1e-6, hints=[(32, "that is the batch size")])
    assert same.misjudged() == ['32.0 (the mistake "that is the batch size") is judged right']
    shadowed = NumberCheck(1.0, hints=[(0.0, "zero"), (1e-46, "tiny")])
    assert shadowed.misjudged()[0] == '1e-46 (the mistake "tiny") gets "zero"'


# --- Counts are whole numbers ------------------------------------------------------

FITS = NumberCheck(56, integer=True, hints=[(55, "the refit"), (27.5, "half the fits")], hint="count the fits")


@pytest.mark.parametrize("answer, correct, message", [
    (56, True, ""), ("56", True, ""), (56.0, True, ""), (56.4, False, "A count is a whole number: give an integer, "
                                                                      "without a fractional part."),
    ("55.9", False, "A count is a whole number: give an integer, without a fractional part."),
    (27.5, False, "half the fits"), ("27.6", False, "half the fits"), (55, False, "the refit"),
    (57, False, "count the fits"),
    (60, False, rounded_message(2)),
])
def test_a_count_accepts_whole_numbers_only(answer, correct, message):
    feedback = FITS(answer)
    assert (feedback.correct, feedback.message) == (correct, message)


def test_a_count_defaults_to_exact_tolerances_and_refuses_a_fractional_expected_value():
    assert (FITS.rtol, FITS.atol, FITS.digits) == (0.0, 0.5, 2)
    assert NumberCheck(0.5).rtol == 1e-3 and NumberCheck(3, integer=True, atol=0).atol == 0
    assert repr(FITS.reveal()) == "The answer: 56\nA count: only this whole number is right."
    with pytest.raises(ValueError, match="whole numbers when integer=True"):
        NumberCheck(56.4, integer=True)
    with pytest.raises(TypeError, match="integer"):
        NumberCheck(56, integer="yes")


# --- Answers written the ways people write them ---------------------------------------

@pytest.mark.parametrize("typed, value", [
    ("2,410", 2410.0), ("1,000,000", 1e6), ("12,345.5", 12345.5), ("2,410, 3", [2410.0, 3.0]),
    ("[1,000, 2]", [1000.0, 2.0]), ("2, 410", [2.0, 410.0]), ("2,41", [2.0, 41.0]), ("2,4100", [2.0, 4100.0]),
    ("0,125", [0.0, 125.0]), ("1234,567", [1234.0, 567.0]),
    ("27/269", 27 / 269), ("5/4", 1.25), ("-3/4", -0.75), ("1 / 3", 1 / 3),
    ("1e5", 1e5), ("10**5", 1e5), ("10^5", 1e5), ("10^-5", 1e-5), ("10⁵", 1e5), ("10⁻³", 1e-3),
    ("1.5×10^5", 1.5e5), ("1.5 x 10^5", 1.5e5), ("1.5 X 10**5", 1.5e5), ("1.5*10**5", 1.5e5), ("3.17 × 10¹⁹", 3.17e19),
    ("2,410 × 10^3", 2.41e6), ("−2", -2.0), ("10%", 0.1), ("12.5 %", 0.125), ("0.7%", 0.007), ("-5%", -0.05),
])
def test_numbers_as_people_write_them(typed, value):
    read = read_typed(typed)
    assert read.value == value and isinstance(read.value, type(value))


@pytest.mark.parametrize("typed", ["1/0", "2*10", "0x10", "1_000", "1e5%", "10^(-5)", "1..2", "++1", "ten"])
def test_other_notations_stay_text(typed):
    assert read_typed(typed).value == typed


def test_a_percentage_is_read_as_a_fraction_with_a_note_and_100_times_a_fraction_gets_a_hint():
    rate = NumberCheck(0.1, hint="general", praise="Yes.")
    assert rate("10%").text == "Correct. (You gave a percentage: 10% is read as 10/100.) Yes."
    assert rate("20 %").message == "(You gave a percentage: 20 % is read as 20/100.) general"
    percent = "That is 100 times the answer: did you give a percentage? Give it as a fraction (10% is 0.1)."
    assert rate(10).message == percent and rate("10").message == percent and rate(10.005).message == percent
    assert PARAMS(241000).message != percent           # 2410 is not a fraction


def test_a_decimal_or_a_fraction_is_a_number():
    assert PARAMS(Decimal("2410")).correct is True and PARAMS(Fraction(4820, 2)).correct is True
    assert PARAMS(Decimal("2368")).message.startswith("Those are the weights")
    assert PARAMS(Decimal("NaN")).message.startswith(NAN) and PARAMS(Decimal("sNaN")).message.startswith(NAN)
    assert PARAMS(Decimal("1e400")).message.startswith(INF)
    assert PAIR([Decimal("0.3356"), Fraction(23, 10)]).correct is True


def test_a_blank_text_is_no_answer():
    assert PARAMS("").correct is None and PARAMS("  ").message == UNANSWERED


# --- Function exercises in the web book: a proxy question ---------------------------------

def grid_guesses(n_weights, n_bins):
    return n_bins ** n_weights


def proxy_check():
    return FunctionCheck(grid_guesses, [(2, 10), (3, 4)], hint="Multiply the bins.", praise="Right.",
                         proxy=("What does your `grid_guesses(5, 10)` return?", (5, 10),
                                [(50, "The bins multiply, they do not add.")]))


def test_a_proxy_is_a_number_check_on_the_references_output():
    check = proxy_check()
    assert check.question == "What does your `grid_guesses(5, 10)` return?"
    assert check.proxy.expected == 100000 and check.proxy.integer is True
    assert check.proxy(100000).correct is True and check.proxy("100,000").correct is True
    assert check.proxy("50").message == "The bins multiply, they do not add."
    assert check.proxy(99999.5).message.startswith("A count is a whole number")
    assert check.mistakes() == [(50.0, "The bins multiply, they do not add.")] and check.misjudged() == []
    assert check(grid_guesses).correct is True        # the function itself is checked as before
    floats = FunctionCheck(reference_mse, MSE_CASES, proxy=("MSE of `[1, -2]` and `[0, 2]`?", MSE_CASES[0]))
    assert floats.proxy.integer is False and floats.proxy.expected == 8.5 and floats.proxy.rtol == 1e-3


def test_a_function_exercise_with_a_proxy_gets_a_typed_self_check_in_the_web_book(monkeypatch):
    monkeypatch.setenv("NBLIB_SCRUBBER", "1")
    check = proxy_check()

    def stub(n_weights, n_bins):
        return ...

    for feedback in (check(...), check(stub)):
        html = feedback._repr_html_()
        assert '<form class="nblib-selfcheck"' in html and '<input type="text"' in html
        assert "Without running any code: What does your <code>grid_guesses(5, 10)</code> return?" in html
        assert "rocket button" in html and "<code>make lab</code>" in html and RUN_PAGE in html
    spec = spec_of(check, monkeypatch)
    assert spec == dict(spec_of(check.proxy, monkeypatch), question=check.question)
    assert spec["integer"] is True and spec["expected"] == 100000
    assert "<form" not in MSE(...)._repr_html_()                  # no proxy: no form, as before
    assert check(stub).correct is None and "run the cell again" in check(stub).message
    monkeypatch.setenv("NBLIB_SCRUBBER", "0")
    assert "<form" not in check(stub)._repr_html_()


def test_the_proxy_form_is_checked_by_selfcheck_js_as_python_checks_the_proxy(monkeypatch):
    check = proxy_check()
    spec = spec_of(check, monkeypatch)
    texts = ["100000", "100,000", "1e5", "10^5", "50", "99999.5", "1e6", "", "abc"]
    for text, js in zip(texts, run_selfcheck([[spec, text] for text in texts])):
        python = check.proxy(text)
        assert (js["correct"], js["message"]) == (python.correct, python.message), text


@pytest.mark.parametrize("proxy, error, match", [
    ("a question", TypeError, "proxy"), (("q",), TypeError, "proxy"), ((3, (1, 2)), TypeError, "question"),
    (("  ", (1, 2)), ValueError, "question"), (("q", 5), TypeError, "proxy's args"),
    (("q", (1,)), ValueError, "reference raised TypeError"), (("q", (1, 2), [(1, 2)]), TypeError, "proxy's hints"),
    (("q", (1, 2), [("x", "m")]), TypeError, "hints"),
])
def test_a_bad_proxy_is_refused(proxy, error, match):
    with pytest.raises(error, match=match):
        FunctionCheck(grid_guesses, [(2, 10)], proxy=proxy)


# --- Every exercise of the book: listed mistakes get their hints, counts are whole ----------

def chapter_checks():
    """``(name, check)`` for every check in every ``nblib.chapters.chNN`` module."""
    found = []
    for info in sorted(pkgutil.iter_modules(nblib.chapters.__path__), key=lambda info: info.name):
        if re.fullmatch(r"ch\d\d", info.name):
            module = importlib.import_module(f"nblib.chapters.{info.name}")
            found += [(name, value) for name, value in vars(module).items()
                      if isinstance(value, (NumberCheck, ChoiceCheck, FunctionCheck))]
    return found


CHAPTER_CHECKS = chapter_checks()


@pytest.mark.parametrize("name, check", [pytest.param(name, check, id=name) for name, check in CHAPTER_CHECKS])
def test_every_listed_mistake_gets_its_hint_and_is_never_judged_right(name, check):
    """Each mistake's value, in full and to 3 significant digits, gets its hint (or "agrees with both")."""
    assert check.misjudged() == [], name


@pytest.mark.parametrize("name, check", [pytest.param(name, check, id=name)
                                         for name, check in CHAPTER_CHECKS if isinstance(check, NumberCheck)])
def test_a_whole_number_answer_is_never_right_with_a_fractional_part(name, check):
    """An exercise whose answer is whole (a count) does not accept the answer plus 0.4."""
    if not all(float(e).is_integer() for e in check.expected.ravel()):
        pytest.skip("the answer is not a whole number")
    assert check((check.expected + 0.4).tolist()).correct is False, name


def test_the_chapters_hold_checks_to_walk():
    assert sum(isinstance(check, NumberCheck) for _, check in CHAPTER_CHECKS) >= 20


def test_selfcheck_js_reads_random_typed_text_as_python_does(monkeypatch):
    """Random strings of the characters numbers are written with: the same verdict and message."""
    rng = np.random.default_rng(19)
    alphabet = list("0123456789,.+-eE%/^*x× []()⁰¹²³⁻na\u2212") + ["10", "1,000", "e5", "10^", "**"]
    texts = ["".join(rng.choice(alphabet, size=int(rng.integers(1, 12)))) for _ in range(400)]
    checks = [PARAMS, PAIR, FITS, SUM_OF_SQUARES, NumberCheck(0.1, hints=[(0.25, "quarter")])]
    specs = [spec_of(check, monkeypatch) for check in checks]
    rows = [(k, text) for k in range(len(checks)) for text in texts]
    for (k, text), js in zip(rows, run_selfcheck([[specs[k], text] for k, text in rows])):
        python = checks[k](text)
        assert (js["correct"], js["message"]) == (python.correct, python.message), text
