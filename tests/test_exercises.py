"""nblib.exercises: every attempt gets feedback, and the web book's selfcheck.js agrees with Python."""

import json
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from nblib.exercises import ChoiceCheck, Feedback, FunctionCheck, NumberCheck
from nblib.exercises import _function

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
    ("2410", 'Expected a number, got the text "2410".'),
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


def test_the_string_1e400_is_text_not_infinity():
    assert PARAMS("1e400").message == 'Expected a number, got the text "1e400".'


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
         "1e-05", "100000", "1e5", "1.5e+16", "x" * 45, "2410.0", "0.20", "[0.34]"]


def agreement_checks():
    return [
        PARAMS, PAIR,
        NumberCheck(0.0181234, rtol=1e-4, hints=[(0.1345, "MAE"), (-0.0181234, "sign")], hint="general"),
        NumberCheck(np.pi / 2, rtol=1e-4, praise="Yes."),
        NumberCheck([0.34, 0.80], rtol=1e-2),
        NumberCheck(1e5, rtol=0, atol=0.5, hints=[(50, "bins multiply")]),
        NumberCheck([[1.0, 2.0], [3.0, 4.0]], hints=[([[None, 2.0], [None, None]], "top right")]),
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
        value = (text or None) if isinstance(check, ChoiceCheck) else python_value(text)
        python = check(value)
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
    specs = {id(check): spec_of(check, monkeypatch) for check in checks}
    verdicts = run_selfcheck([[specs[id(check)], text] for check, text in rows])
    kinds = set()
    for (check, text), js in zip(rows, verdicts):
        python = check(python_value(text))
        kinds.add(python.message[:20])
        assert (js["correct"], js["message"]) == (python.correct, python.message), text
    assert len(kinds) >= 5   # right, rounded, swapped, hints and the general hint all occurred


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
