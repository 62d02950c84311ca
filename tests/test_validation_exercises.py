"""Bad input to nblib.exercises: checks answer anything without raising; bad arguments are refused clearly.

A check is called by a learner with whatever their cell produced, so it must
return Feedback with text for any value at all (hypothesis generates them:
None, text, bytes, complex numbers, arrays of any shape and dtype, NaN,
infinity, integers of 400 digits, nested lists with None, rounded values,
swapped pairs, and functions that raise, return None, return text or huge
integers, change their input or never end). A chapter author who builds a
check wrongly gets a TypeError or ValueError naming the argument at once.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from nblib.exercises import ChoiceCheck, Feedback, FunctionCheck, NumberCheck
from nblib.exercises import _function
from nblib.exercises._typed import read_typed

#: The public entry points of nblib.exercises that these tests drive with bad input.
COVERS = {
    f"nblib.exercises.{check}{method}" for check in ("NumberCheck", "ChoiceCheck", "FunctionCheck")
    for method in ("", ".__call__", ".reveal", ".confirm")
} | {"nblib.exercises.Feedback"}

ANYTHING_SETTINGS = settings(max_examples=150, deadline=None, derandomize=True)

# --- Anything a learner's cell may produce ---------------------------------------

scalars = st.one_of(
    st.none(), st.just(...), st.booleans(),
    st.integers(min_value=-10 ** 500, max_value=10 ** 500),
    st.floats(allow_nan=True, allow_infinity=True),
    st.complex_numbers(allow_nan=True, allow_infinity=True),
    st.text(max_size=40), st.binary(max_size=20),
    st.sampled_from([len, print, np.mean, lambda: 2410, object(), {"m": 1}, {1, 2}, np.float32(1.5),
                     np.int8(-3), np.complex64(1 + 2j), np.bool_(True), np.datetime64("2026-01-01")]),
)
numpy_arrays = arrays(dtype=st.sampled_from([np.float64, np.float32, np.int64, np.uint8, np.bool_,
                                             np.complex128, np.dtype("U4"), np.dtype("S3")]),
                      shape=array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
anything = st.recursive(st.one_of(scalars, numpy_arrays),
                        lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner)),
                        max_leaves=10)


def rounded(values, digits):
    """``values`` rounded to ``digits`` significant digits (what a learner copies from a printout)."""
    return [float(f"{v:.{digits - 1}e}") for v in np.ravel(values)]


def assert_feedback(feedback):
    assert isinstance(feedback, Feedback)
    assert feedback.correct in (True, False, None)
    assert isinstance(feedback.text, str) and feedback.text
    assert isinstance(feedback._repr_html_(), str)
    if feedback.correct is not True:
        assert feedback.message, "a wrong or missing answer always gets a message"
    assert "could not be checked" not in feedback.message, "the check's own code failed on this answer"


def assert_confirm_agrees(check, answer):
    feedback = check(answer)
    if feedback.correct is True:
        assert check.confirm(answer) is None
    else:
        with pytest.raises(AssertionError) as raised:
            check.confirm(answer)
        assert str(raised.value) == feedback.text


NUMBER_CHECKS = [
    NumberCheck(2410, rtol=0, atol=0.5, hints=[(2368, "weights only")], hint="count"),
    NumberCheck([0.3356, 2.3], hints=[([1.3356, None], "slope")], hint="shift"),
    NumberCheck([[1.0, -2.0], [3.0, 1e300]], hints=[(lambda a: a[0, 0] > 1e200, "callable")]),
    NumberCheck(-1e-12, rtol=0.5, atol=0),
]


@ANYTHING_SETTINGS
@given(answer=anything, which=st.integers(0, len(NUMBER_CHECKS) - 1))
def test_a_number_check_answers_anything(answer, which):
    check = NUMBER_CHECKS[which]
    assert_feedback(check(answer))
    assert_confirm_agrees(check, answer)


@ANYTHING_SETTINGS
@given(which=st.integers(0, len(NUMBER_CHECKS) - 1), digits=st.integers(1, 17),
       scale=st.sampled_from([1.0, -1.0, 1 + 1e-9, 1 - 1e-3, 10.0, 0.0]), swap=st.booleans(),
       as_text=st.booleans())
def test_rounded_scaled_and_swapped_versions_of_the_answer_get_feedback(which, digits, scale, swap, as_text):
    check = NUMBER_CHECKS[which]
    values = np.array(rounded(check.expected, digits)).reshape(check.expected.shape) * scale
    if swap and values.ndim:
        values = values[::-1]
    answer = repr(values.tolist()) if as_text else values.tolist()
    feedback = check(answer)
    assert_feedback(feedback)
    if as_text:   # the text a learner copies from a printout reads as the numbers it shows
        same = check(values.tolist())
        assert (feedback.correct, feedback.message) == (same.correct, same.message)


def test_the_rounded_answer_and_the_swapped_pair_get_their_own_messages():
    pair = NUMBER_CHECKS[1]
    assert "significant digits" in pair(rounded(pair.expected, 2)).message
    assert "wrong way round" in pair([2.3, 0.3356]).message


LOSSES = ChoiceCheck("mean error", ["mean error", "mean absolute error", "mean squared error"],
                     explanations={"mean squared error": "squares are positive"}, praise="they cancel")


@ANYTHING_SETTINGS
@given(answer=st.one_of(anything, st.sampled_from(["mean error", " MEAN ERROR", "mean squared error", ""])))
def test_a_choice_check_answers_anything(answer):
    assert_feedback(LOSSES(answer))
    assert_confirm_agrees(LOSSES, answer)


def reference(x, w):
    return float(np.sum(x * w))


CASES = [(np.array([1.0, 2.0]), np.array([0.5, -1.0])), (np.array([[1.0], [2.0]]), np.array([[3.0], [4.0]]))]
DOT = FunctionCheck(reference, CASES, hints=[(lambda f: f(np.ones(2), np.ones(2)) == 4, "squared?")])


def returns(value):
    return lambda x, w: value


def raises(error):
    def function(x, w):
        raise error
    return function


def mutates(x, w):
    x[...] = 0
    w.fill(np.nan)
    return 0.0


def never_ends(x, w):
    while True:
        pass


def no_return(x, w):
    np.sum(x * w)


learner_functions = st.one_of(
    anything.map(returns),
    st.sampled_from([ValueError("bad"), ZeroDivisionError(), KeyError("k"), RecursionError(), MemoryError(),
                     OverflowError(), TypeError("nope"), AssertionError(), SystemExit(1)]).map(raises),
    st.sampled_from([mutates, never_ends, no_return, reference, lambda x: x, lambda *a: ..., print, np.sum]),
    anything,
)


@settings(max_examples=120, deadline=None, derandomize=True)
@given(function=learner_functions)
def test_a_function_check_answers_any_function(function):
    originals = [tuple(a.copy() for a in case) for case in CASES]
    limit = _function.TIME_LIMIT
    _function.TIME_LIMIT = 0.05
    try:
        feedback = DOT(function)
        assert_feedback(feedback)
        assert_confirm_agrees(DOT, function)
    finally:
        _function.TIME_LIMIT = limit
    assert all(np.array_equal(a, b) for case, old in zip(CASES, originals) for a, b in zip(case, old))
    assert DOT(reference).correct is True


@pytest.mark.parametrize("check", [*NUMBER_CHECKS, LOSSES, DOT])
def test_reveal_always_gives_something_to_show(check):
    shown = check.reveal()
    assert repr(shown).startswith("The answer: ") and "The answer:" in shown._repr_html_()


# --- Bad arguments for the checks themselves --------------------------------------

not_text = st.one_of(st.none(), st.integers(), st.floats(), st.binary(), st.lists(st.text(), max_size=2))
bad_tolerance = st.one_of(st.floats(max_value=-1e-300), st.just(float("nan")), st.just(float("inf")),
                          st.just(10 ** 400), st.text(max_size=3), st.none(), st.just(1j), st.booleans())
bad_expected = st.one_of(st.none(), st.text(max_size=5), st.binary(max_size=3), st.just([]), st.just([1.0, None]),
                         st.just([[1.0], [1.0, 2.0]]), st.just(float("nan")), st.just(-np.inf),
                         st.just(10 ** 400), st.just(2 + 1j), st.booleans(), st.just({"a": 1}), st.just(len))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(expected=bad_expected)
def test_number_check_refuses_a_bad_expected_value(expected):
    with pytest.raises((TypeError, ValueError), match="expected"):
        NumberCheck(expected)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(name=st.sampled_from(["rtol", "atol"]), value=bad_tolerance, kind=st.sampled_from(["number", "function"]))
def test_bad_tolerances_are_refused(name, value, kind):
    with pytest.raises((TypeError, ValueError), match=name):
        if kind == "number":
            NumberCheck(1.0, **{name: value})
        else:
            FunctionCheck(reference, CASES, **{name: value})


@settings(max_examples=60, deadline=None, derandomize=True)
@given(name=st.sampled_from(["hint", "praise"]), value=not_text,
       build=st.sampled_from([lambda **k: NumberCheck(1.0, **k), lambda **k: ChoiceCheck("a", ["a", "b"], **k),
                              lambda **k: FunctionCheck(reference, CASES, **k)]))
def test_hint_and_praise_must_be_text(name, value, build):
    with pytest.raises(TypeError, match=name):
        build(**{name: value})


@pytest.mark.parametrize("hints, error", [
    (3, TypeError), ("abc", TypeError), ([2.0], TypeError), ([(2.0, "a", "b")], TypeError), ([(2.0, 3)], TypeError),
    ([([1.0, 2.0], "shape")], ValueError), ([("2", "text")], TypeError), ([(float("nan"), "nan")], ValueError),
    ([(None, "only None")], ValueError), ([(10 ** 400, "huge")], ValueError),
])
def test_number_check_refuses_bad_hints(hints, error):
    with pytest.raises(error, match="hints"):
        NumberCheck(1.0, hints=hints)


def test_a_pair_hint_must_have_the_pairs_shape():
    NumberCheck([1.0, 2.0], hints=[([None, 3.0], "ok")])
    with pytest.raises(ValueError, match=r"hints\[0\]'s value must be callable or have the shape of expected"):
        NumberCheck([1.0, 2.0], hints=[(3.0, "a number for a pair")])


@pytest.mark.parametrize("kwargs, error, name", [
    (dict(correct="d", choices=["a", "b", "c"]), ValueError, "correct"),
    (dict(correct=1, choices=["a", "b"]), TypeError, "correct"),
    (dict(correct="a", choices=[]), ValueError, "choices"),
    (dict(correct="a", choices=["a"]), ValueError, "choices"),
    (dict(correct="a", choices="abc"), TypeError, "choices"),
    (dict(correct="a", choices=None), TypeError, "choices"),
    (dict(correct="a", choices=["a", 2]), TypeError, r"choices\[1\]"),
    (dict(correct="a", choices=["a", "A "]), ValueError, "choices"),
    (dict(correct="a", choices=["a", "b"], explanations=["b"]), TypeError, "explanations"),
    (dict(correct="a", choices=["a", "b"], explanations={"c": "?"}), ValueError, "explanations"),
    (dict(correct="a", choices=["a", "b"], explanations={"a": "?"}), ValueError, "explanations"),
    (dict(correct="a", choices=["a", "b"], explanations={"b": 3}), TypeError, "explanations"),
])
def test_choice_check_refuses_bad_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        ChoiceCheck(**kwargs)


@pytest.mark.parametrize("kwargs, error, name", [
    (dict(reference=3, cases=CASES), TypeError, "reference"),
    (dict(reference=reference, cases=[]), ValueError, "cases"),
    (dict(reference=reference, cases=None), TypeError, "cases"),
    (dict(reference=reference, cases="ab"), TypeError, "cases"),
    (dict(reference=reference, cases=[1, 2]), TypeError, r"cases\[0\]"),
    (dict(reference=lambda x, w: 1 / 0, cases=CASES), ValueError, "reference raised ZeroDivisionError"),
    (dict(reference=lambda x, w: "text", cases=CASES), TypeError, "reference"),
    (dict(reference=lambda x, w: None, cases=CASES), TypeError, "reference"),
    (dict(reference=lambda x, w: np.nan, cases=CASES), ValueError, "reference"),
    (dict(reference=reference, cases=CASES, hints=[("not callable", "msg")]), TypeError, "hints"),
    (dict(reference=reference, cases=CASES, hints=[lambda f: True]), TypeError, "hints"),
])
def test_function_check_refuses_bad_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        FunctionCheck(**kwargs)


@pytest.mark.parametrize("args, error", [
    ((1, "x"), ValueError), (("yes", "x"), ValueError), ((np.array([True]), "x"), ValueError),
    ((True, 3), TypeError), ((None, b"x"), TypeError),
    ((False, "x", "spec"), TypeError),
])
def test_feedback_refuses_bad_arguments(args, error):
    with pytest.raises(error, match="Feedback's"):
        Feedback(*args)


# --- Typed text: any text reads without raising; Python's own spellings read back exactly ---------

@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=st.one_of(st.text(max_size=30), st.text(alphabet="0123456789,.+-eE%/^*x× []()⁰¹²³⁻nai", max_size=20)))
def test_any_typed_text_is_read_or_quoted_never_raised(text):
    read = read_typed(text)
    assert read is None or isinstance(read.percents, list)
    for check in (*NUMBER_CHECKS, NumberCheck(56, integer=True), NumberCheck(0.1, hints=[(0.2135, "sum")])):
        assert_feedback(check(text))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(values=st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=4))
def test_a_printed_float_or_list_reads_back_as_itself(values):
    assert read_typed(repr(values[0])).value == values[0]
    assert read_typed(repr(values)).value == values
    assert read_typed(", ".join(map(repr, values))).value == (values if len(values) > 1 else values[0])


@settings(max_examples=200, deadline=None, derandomize=True)
@given(n=st.integers(0, 10 ** 15), cents=st.integers(0, 99))
def test_a_number_with_thousands_separators_reads_as_the_number(n, cents):
    assert read_typed(f"{n:,}").value == n
    assert read_typed(f"{n:,}.{cents:02d}").value == float(f"{n}.{cents:02d}")
    assert read_typed(f"[{n:,}, 7]").value == [n, 7]
    assert read_typed(f"{n:,}%").value == float(f"{n}e-2")


@settings(max_examples=200, deadline=None, derandomize=True)
@given(mantissa=st.floats(0.001, 1000), exponent=st.integers(-300, 300),
       times=st.sampled_from(["×", " x ", "*", " · "]), power=st.sampled_from(["^", "**"]))
def test_a_number_times_a_power_of_ten_reads_as_its_e_notation(mantissa, exponent, times, power):
    text = f"{mantissa!r}{times}10{power}{exponent}"
    assert read_typed(text).value == float(f"{mantissa!r}e{exponent}")
