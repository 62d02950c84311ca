import numpy as np
import pytest

from nblib.exercises import ChoiceCheck, Feedback, FunctionCheck, NumberCheck


def test_unanswered_is_neither_right_nor_an_error():
    check = NumberCheck(2.0)
    for blank in (None, ...):
        feedback = check(blank)
        assert feedback.correct is None
        assert "No answer yet" in repr(feedback)


def test_number_check_accepts_within_tolerance():
    check = NumberCheck(0.0181, rtol=0.01, praise="Well done.")
    assert check(0.01812).correct is True
    assert repr(check(0.01812)) == "Correct. Well done."
    assert check(0.0190).correct is False


def test_number_check_gives_the_matching_hint_first():
    check = NumberCheck(0.0181, rtol=0.01, hints=[(lambda a: abs(a - 0.1) < 1e-3, "You took the MAE.")],
                        hint="Square the residuals.")
    assert check(0.1).message == "You took the MAE."
    assert check(0.5).message == "Square the residuals."


def test_broken_hint_condition_does_not_break_the_check():
    check = NumberCheck(1.0, hints=[(lambda a: 1 / 0, "never")], hint="general")
    assert check(2.0).message == "general"


def test_number_check_reports_shape_type_and_nan():
    check = NumberCheck([1.0, 2.0])
    assert "shape (2,)" in check(3.0).message
    assert "Expected a number" in check("two").message
    assert "NaN" in check([np.nan, 1.0]).message
    assert check(np.array([1.0, 2.0])).correct is True


def test_choice_check():
    check = ChoiceCheck("b", ["a", "b", "c"], explanations={"a": "Errors of opposite sign cancel."})
    assert check("b").correct is True
    assert check("a").message == "Errors of opposite sign cancel."
    assert "one of 'a', 'b', 'c'" in check("z").message


def test_function_check_compares_on_every_case():
    def mse(y, y_hat):
        return np.mean((y - y_hat) ** 2)

    check = FunctionCheck(mse, cases=[(np.array([1.0, 2.0]), np.array([1.0, 0.0]))], hint="Square, then average.")
    assert check(mse).correct is True
    wrong = check(lambda y, y_hat: np.mean(np.abs(y - y_hat)))
    assert wrong.correct is False
    assert "returned 1" in wrong.message and "Square, then average." in wrong.message
    crashed = check(lambda y, y_hat: 1 / 0)
    assert "ZeroDivisionError" in crashed.message
    assert "Expected a function" in check(3).message


def test_feedback_renders_html_with_its_kind():
    assert 'nblib-feedback-correct' in Feedback(True, "ok")._repr_html_()
    assert 'nblib-feedback-wrong' in Feedback(False, "<b>")._repr_html_()
    assert "&lt;b&gt;" in Feedback(False, "<b>")._repr_html_()
    assert not Feedback(False, "x") and Feedback(True, "x")


def test_function_stub_returning_ellipsis_is_unanswered():
    check = FunctionCheck(lambda x: x, cases=[(1.0,)])

    def stub(x):
        return ...

    feedback = check(stub)
    assert feedback.correct is None and "placeholder" in feedback.message
