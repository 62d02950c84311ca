"""The last edges the fuzzing found (issue 19): each input gets a clear result or a clear error."""

import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nblib.activations import log_softmax, softmax
from nblib.exercises import NumberCheck
from nblib.explorable import Slider
from nblib.gradcheck import numerical_gradient
from nblib.search import power_text

SETTINGS = settings(max_examples=100, deadline=None, derandomize=True)


@SETTINGS
@given(value=st.one_of(st.integers(-10 ** 500, 10 ** 500), st.floats(), st.text(max_size=5)),
       fmt=st.sampled_from(["{:.3g}", "{:.2f}", "{:,}", "{}"]))
def test_a_readout_is_text_or_a_value_error_naming_the_slider(value, fmt):
    slider = Slider("lr", (0.1, 0.2), fmt=fmt)
    try:
        text = slider.readout(value)
    except ValueError as error:
        assert "slider 'lr'" in str(error) and len(str(error)) < 300
    else:
        assert isinstance(text, str)


def test_a_readout_of_an_int_beyond_any_float_says_so():
    with pytest.raises(ValueError, match="too large for a float"):
        Slider("lr", (0.1, 0.2), fmt="{:.2f}").readout(10 ** 400)
    with pytest.raises(ValueError, match="more than 4300 digits"):
        Slider("lr", (0.1, 0.2), fmt="{:.2f}").readout(10 ** 5000)


@SETTINGS
@given(value=st.one_of(st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10 ** 6,
                                   max_value=10 ** 6),
                       st.fractions(max_denominator=1000).filter(lambda f: abs(f) < 10 ** 6)))
def test_a_decimal_or_a_fraction_gets_the_verdict_of_its_float(value):
    check = NumberCheck(2410, rtol=0, atol=0.5, hints=[(2368, "weights")], hint="count")
    assert (check(value).correct, check(value).message) == (check(float(value)).correct, check(float(value)).message)
    assert check(Decimal("2410")).correct is True and check(Fraction(2410)).correct is True


@SETTINGS
@given(w=st.lists(st.floats(-10, 10), min_size=1, max_size=5))
def test_a_function_that_changes_its_argument_still_gets_its_gradient(w):
    def shifts_in_place(v):
        v -= 1.0
        return float(np.sum(v ** 2))

    w = np.array(w)
    before = w.copy()
    grad = numerical_gradient(shifts_in_place, w)
    np.testing.assert_allclose(grad, 2 * (w - 1.0), atol=1e-4)
    assert np.array_equal(w, before)


@SETTINGS
@given(exponent=st.integers(-10 ** 6, 10 ** 6), digits=st.integers(1, 6))
def test_zero_times_a_power_of_ten_is_zero(exponent, digits):
    assert power_text(0.0, exponent, digits) == "0" and power_text(-0.0, exponent, digits) == "0"
    assert power_text(3.17, 19) == "3.17 × 10¹⁹" and power_text(1, 19) == "10¹⁹"


@SETTINGS
@given(logits=st.lists(st.floats(-1e308, 1e308), min_size=1, max_size=6))
def test_softmax_of_any_finite_logits_warns_never_and_sums_to_one(logits):
    logits = np.array(logits)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = softmax(logits)
        log_p = log_softmax(logits)
    assert np.isfinite(p).all() and abs(p.sum() - 1) < 1e-12
    assert not np.isnan(log_p).any() and log_p.max() <= 0
    np.testing.assert_allclose(np.exp(log_p), p, atol=1e-300)


def test_logits_of_plus_and_minus_1e308_give_probability_0_and_log_probability_minus_inf():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert softmax(np.array([[1e308, -1e308]])).tolist() == [[1.0, 0.0]]
        assert log_softmax(np.array([1e308, -1e308])).tolist() == [0.0, -np.inf]
