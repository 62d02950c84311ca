"""Bad input to nblib.checks, nblib.counting, nblib.theme and nblib.activations is refused clearly.

Each entry point is called with valid arguments except one, which takes every
value of a catalogue of bad ones (None, text, bools, complex numbers, NaN,
infinity, ``10**400``, ragged lists, wrong shapes, ...) and then a few that
hypothesis generates; each call must raise a ValueError or TypeError naming
that argument, at once and without a warning (see ``validation_harness``).
"""

from matplotlib.figure import Figure
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nblib import activations, checks, counting, nn, optim, theme
from validation_harness import (GENERATED, Entry, array, axes, cases, check_fixed, check_generated, count,
                                covered, flag, function, name, number, text, values)

FIG = Figure()  # not registered with pyplot: no test sees it as an open figure
AX = FIG.add_subplot()
AX3 = FIG.add_subplot(projection="3d")


def _entry(function_, valid, **bad):
    return Entry(f"{function_.__module__}.{function_.__qualname__}", function_, lambda: dict(valid), bad)


CHECKS = [
    _entry(checks.as_array, {"value": [1.0, 2.0], "name": "x", "ndim": 1},
           value=array("x", extra=[[[1.0]], 3.0, np.zeros((2, 2))])),
    _entry(checks.as_int_array, {"value": [0, 1], "name": "labels", "low": 0, "high": 1},
           value=array("labels", extra=[[0.5, 1.0], [0, 2], [-1, 0], [1e300, 0]])),
    _entry(checks.same_length, {"x": [1.0, 2.0], "y": [3.0, 4.0]},
           y=values(3.0, [1.0], [1.0, 2.0, 3.0], None, label="y")),
    _entry(checks.paired_vectors, {"y": [1.0, 2.0], "y_hat": [3.0, 4.0]},
           y_hat=array("y_hat", extra=[[1.0], [[1.0, 2.0]], 1.0])),
    _entry(checks.as_number, {"value": 0.5, "name": "lr", "low": 0.0, "high": 1.0},
           value=number("lr", low=0.0, high=1.0)),
    _entry(checks.as_count, {"value": 3, "name": "bins", "minimum": 1, "maximum": 100},
           value=count("bins", minimum=1, maximum=100)),
    _entry(checks.as_seed, {"value": 0}, value=count("seed", minimum=0)),
    _entry(checks.as_flag, {"value": True, "name": "train"}, value=flag("train")),
    _entry(checks.as_float_dtype, {"value": np.float32},
           value=values(None, int, np.int64, bool, "int32", "not a dtype", 3, True, complex, label="dtype")),
    _entry(checks.as_text, {"value": "title", "name": "title"}, value=text("title")),
    _entry(checks.one_of, {"value": "relu", "name": "activation", "choices": ("relu", "tanh")},
           value=name(("relu", "tanh"), "activation")),
    _entry(checks.as_name, {"value": "relu", "name": "activation", "choices": ("relu", "tanh")},
           value=name(("relu", "tanh"), "activation")),
    _entry(checks.as_callable, {"value": len, "name": "loss"}, value=function("loss")),
    _entry(checks.as_instance, {"value": 3, "name": "count", "cls": int, "what": "a whole number"},
           value=values(None, "3", 3.5, label="count"), cls=values(None, 3, "int", label="cls"),
           what=text("what")),
    _entry(nn.as_mlp, {"value": nn.MLP([2, 2])},
           value=values(5, None, "net", optim.SGD(0.1), [np.zeros((2, 2))], label="model")),
    _entry(optim.as_optimizer, {"value": optim.SGD(0.1)},
           value=values("sgd", None, optim.SGD, 0.1, nn.MLP([2, 2]), label="optimizer")),
    _entry(checks.as_axes, {"value": AX, "three_d": False}, value=axes("ax", extra=[FIG, AX3])),
    Entry("nblib.checks.finite_result", lambda names: checks.finite_result(names), lambda: {"names": "x"},
          {"names": values(3, None, ["x"], b"x", label="names")}),
]

COUNTING = [
    _entry(fn, {"sizes": [3, 4, 2]},
           sizes=values(None, 5, "345", [3], [], [3, 0, 2], [3, -1], [3, 2.5], [3, True], [3, "4"], [3, None],
                        [3, 1e300], {3: 4}, label="sizes"))
    for fn in (counting.count_weights, counting.count_biases, counting.count_params, counting.layer_widths)
]

THEME = [
    _entry(theme.set_axes, {"ax": AX},
           ax=axes("ax", extra=[None, FIG]), xlabel=text("xlabel", allow_none=True),
           ylabel=text("ylabel", allow_none=True), title=text("title", allow_none=True),
           xlim=values(3, "0,1", (0,), (0, 1, 2), (0, "a"), (0, np.nan), (1j, 2), label="xlim"),
           ylim=values(3, (0, np.inf), [None, "x"], label="ylim"),
           xscale=name(("linear", "log", "symlog", "logit"), "xscale", allow_none=True),
           yscale=name(("linear", "log", "symlog", "logit"), "yscale", allow_none=True),
           legend=flag("legend")),
]

_Z = {"z": [-1.0, 0.0, 2.0]}
_OUT = values(3, [0.0, 0.0, 0.0], np.zeros(2), np.zeros(3, dtype=int), np.zeros((3, 1)), "out", label="out")
_ELEMENTWISE = array("z", finite=False, allow_empty=True)
ACTIVATIONS = [
    _entry(activations.relu, _Z, z=_ELEMENTWISE, out=_OUT),
    _entry(activations.sigmoid, _Z, z=_ELEMENTWISE, out=_OUT),
    _entry(activations.tanh, _Z, z=_ELEMENTWISE, out=_OUT),
    _entry(activations.relu_derivative, _Z, z=_ELEMENTWISE),
    _entry(activations.sigmoid_derivative, _Z, z=_ELEMENTWISE),
    _entry(activations.tanh_derivative, _Z, z=_ELEMENTWISE),
    _entry(activations.relu_derivative_from_output, {"a": [0.0, 2.0]},
           a=array("a", allow_empty=True, extra=[[-1.0, 2.0]]), out=values(3, np.zeros(3), label="out")),
    _entry(activations.sigmoid_derivative_from_output, {"a": [0.1, 0.9]},
           a=array("a", allow_empty=True, extra=[[0.5, 1.5], [-0.1], 2.0]), out=values([0.0, 0.0], label="out")),
    _entry(activations.tanh_derivative_from_output, {"a": [0.1, -0.9]},
           a=array("a", allow_empty=True, extra=[[0.5, 1.5], [-2.0], 1e200]),
           out=values(np.zeros(1), label="out")),
    _entry(activations.log_softmax, {"logits": [[1.0, 2.0]]}, logits=array("logits", extra=[3.0, np.float64(1)])),
    _entry(activations.softmax, {"logits": [[1.0, 2.0]]}, logits=array("logits", extra=[3.0])),
    _entry(activations.Activation, {"name": "relu", "f": activations.relu, "derivative": activations.relu,
                                    "derivative_from_output": activations.relu},
           name=text("name"), f=function("f"), derivative=function("derivative"),
           derivative_from_output=function("derivative_from_output")),
]

ENTRIES = CHECKS + COUNTING + THEME + ACTIVATIONS
COVERS = covered(ENTRIES)


@pytest.mark.parametrize("entry, argument", cases(ENTRIES))
def test_fixed_bad_values_are_refused(entry, argument):
    check_fixed(entry, argument)


@pytest.mark.parametrize("entry, argument", cases(ENTRIES))
@GENERATED
@given(data=st.data())
def test_generated_bad_values_are_refused(entry, argument, data):
    check_generated(entry, argument, data)


# --- What the checks give back ------------------------------------------------------------------------

def test_as_number_accepts_numpy_scalars_and_turns_minus_zero_into_zero():
    assert checks.as_number(np.float32(0.5), "x") == 0.5
    assert checks.as_number(np.array(2), "x") == 2.0
    value = checks.as_number(-0.0, "noise", low=0.0)
    assert value == 0.0 and np.copysign(1.0, value) == 1.0


def test_as_number_says_a_huge_integer_is_too_large_without_printing_it():
    with pytest.raises(ValueError, match=r"Invalid lr: an integer with 401 digits is too large for a float"):
        checks.as_number(10 ** 400, "lr")


def test_as_array_converts_to_a_smaller_dtype_only_when_the_values_fit():
    assert checks.as_array([1.0, 2.0], "x", dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError, match="x holds values too large for float32"):
        checks.as_array([1e300], "x", dtype=np.float32)


def test_as_int_array_accepts_whole_floats():
    labels = checks.as_int_array([0.0, 2.0, 1.0], "y", low=0, high=2)
    assert labels.dtype == np.intp and labels.tolist() == [0, 2, 1]


def test_one_of_returns_the_choice_and_never_compares_arrays():
    assert checks.one_of(np.str_("relu"), "activation", ("relu", "tanh")) == "relu"
    with pytest.raises(ValueError, match="Unknown activation an array"):
        checks.one_of(np.array(["relu"]), "activation", ("relu", "tanh"))


def test_finite_result_turns_an_overflow_into_a_clear_error():
    @checks.finite_result("y")
    def square(y):
        return np.asarray(y) ** 2

    assert square(3.0) == 9.0
    with pytest.raises(ValueError, match="y is too large: square overflows"):
        square(1e200)
