"""Input checks used where data enters ``nblib``.

Every public function validates its arguments with these helpers, so that a
wrong shape, a NaN, a string where a number belongs or a negative learning
rate fails at once with a ``TypeError`` (the wrong kind of thing) or a
``ValueError`` (the right kind, a wrong value) whose message names the
argument, says what was expected and shows what came, instead of failing deep
inside a matrix product or never returning.

Each helper returns the checked value in a clean form (a float, an int, a
numpy array of a real dtype), so a caller writes ``lr = as_number(lr, "lr", low=0)``.
"""

import functools
import math
import numbers

import numpy as np

#: Largest array (number of entries) that a check lets through unless told otherwise.
MAX_SIZE = 10 ** 8


def _describe(value):
    """A short description of ``value`` for an error message (never thousands of digits)."""
    if isinstance(value, (bool, np.bool_)):
        return f"the bool {value}"
    if isinstance(value, numbers.Integral):
        value = int(value)
        digits = len(str(abs(value))) if abs(value) < 10 ** 60 else int(math.log10(abs(value))) + 1
        return str(value) if digits <= 20 else f"an integer with {digits:,} digits"
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:37] + "...")
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    if value is None:
        return "None"
    return f"a {type(value).__name__}"


def _interval(low, high, low_inclusive=True, high_inclusive=True):
    left = "[" if low_inclusive else "("
    right = "]" if high_inclusive else ")"
    return f"{left}{'-inf' if low is None else low}, {'inf' if high is None else high}{right}"


def as_array(value, name, ndim=None, dtype=None, allow_empty=False, finite=True, max_size=MAX_SIZE):
    """Return ``value`` as a numpy array of real numbers, or raise a clear error.

    value: anything ``numpy.asarray`` accepts (a list, a number, an array).
    name: the argument's name, used in error messages.
    ndim: required number of dimensions (an int or a tuple of allowed ints).
    dtype: keep a floating dtype that is given; otherwise convert to this one
        (``None`` means float64 for non-float input).
    allow_empty: accept an array with no entries.
    finite: reject NaN and infinity (also values too large for ``dtype``).
    max_size: the largest number of entries accepted.

    Raises TypeError for strings, None, bools, complex numbers and other
    non-numbers; ValueError for a wrong rank, an empty or too large array, or
    NaN and infinity.
    """
    try:
        array = np.asarray(value)
    except (TypeError, ValueError, OverflowError) as error:
        raise TypeError(f"{name} must be an array of real numbers, got {_describe(value)} "
                        f"that numpy cannot read as one ({error})") from None
    if array.dtype == bool or array.dtype == object or not np.issubdtype(array.dtype, np.number):
        what = "bools" if array.dtype == bool else _describe(value)
        raise TypeError(f"{name} must be an array of real numbers, got {what} (dtype {array.dtype})")
    if np.issubdtype(array.dtype, np.complexfloating):
        raise TypeError(f"{name} must hold real numbers, got complex numbers (dtype {array.dtype})")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            expected = " or ".join(f"{n}-D" for n in allowed)
            raise ValueError(f"{name} must be {expected}, got shape {array.shape}")
    if array.size == 0 and not allow_empty:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    if array.size > max_size:
        raise ValueError(f"{name} is too large: {array.size:,} entries (at most {max_size:,})")
    if dtype is not None:
        array = _converted(array, name, np.dtype(dtype))
    elif not np.issubdtype(array.dtype, np.floating):
        array = _converted(array, name, np.dtype(np.float64))
    if finite and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinity")
    return array


def _converted(array, name, dtype):
    """``array`` as ``dtype``; a value too large for it becomes a clear error, not a warning."""
    if array.dtype == dtype:
        return array
    with np.errstate(over="ignore", invalid="ignore"):
        converted = array.astype(dtype)
    if not np.all(np.isfinite(converted)) and np.all(np.isfinite(array)):
        raise ValueError(f"{name} holds values too large for {dtype.name}")
    return converted


def as_int_array(value, name, ndim=None, low=None, high=None, allow_empty=False):
    """Return ``value`` as an integer array (dtype intp) with entries in ``[low, high]``, or raise.

    Floats are accepted when every entry is a whole number (``2.0`` but not ``2.5``);
    bools and strings are not. Entries must lie within ``2**53`` of zero (where
    every integer is also a float).
    """
    array = as_array(value, name, ndim=ndim, allow_empty=allow_empty)
    if np.any(array != np.round(array)):
        raise ValueError(f"{name} must hold whole numbers, got non-integer values")
    too_low = low is not None and array.size and array.min() < low
    too_high = high is not None and array.size and array.max() > high
    if too_low or too_high:
        raise ValueError(f"{name} must hold integers in {_interval(low, high)}, "
                         f"got values from {array.min():g} to {array.max():g}")
    if array.size and np.abs(array).max() > 2 ** 53:
        raise ValueError(f"{name} holds integers too large (beyond 2**53)")
    return array.astype(np.intp)


def same_length(**arrays):
    """Raise ValueError unless all given arrays have the same first dimension."""
    lengths = {}
    for name, array in arrays.items():
        if np.ndim(array) == 0:
            raise ValueError(f"{name} must hold one entry per example, got a single number")
        lengths[name] = len(array)
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(f"expected the same number of examples: {described}")


def paired_vectors(**arrays):
    """Validate named 1-D arrays of one value per example; return them in order.

    Each must be finite, non-empty and 1-D, and all must have the same length,
    e.g. ``y, y_hat = paired_vectors(y=y, y_hat=y_hat)``.
    """
    checked = {name: as_array(array, name, ndim=1) for name, array in arrays.items()}
    same_length(**checked)
    return tuple(checked.values())


def as_number(value, name, low=None, high=None, low_inclusive=True, high_inclusive=True):
    """Return ``value`` as a finite float inside the given bounds, or raise.

    ``low`` and ``high`` are optional bounds; the flags say whether each is allowed.
    Accepts Python and numpy ints and floats (and a 0-d array of one); raises
    TypeError for bools, strings, complex numbers and None, ValueError for NaN,
    infinity, a number too large for a float (``10**400``) and one outside the bounds.
    """
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype != object:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {_describe(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"Invalid {name}: {_describe(value)} is too large for a float "
                         f"(expected a finite number)") from None
    if not math.isfinite(number):
        raise ValueError(f"Invalid {name}: {value} (must be finite)")
    too_low = low is not None and (number < low or (number == low and not low_inclusive))
    too_high = high is not None and (number > high or (number == high and not high_inclusive))
    if too_low or too_high:
        interval = _interval(low, high, low_inclusive, high_inclusive)
        raise ValueError(f"Invalid {name}: {_describe(value)} (expected a value in {interval})")
    return number + 0.0  # turns -0.0 into 0.0, which numpy's scale arguments accept


def as_count(value, name, minimum=1, maximum=None):
    """Return ``value`` as an int in ``[minimum, maximum]``, or raise.

    minimum: None for no lower bound (any integer, negative too).
    maximum: None for no upper bound; give one wherever the work grows with
    the count, so that a huge value is refused at once instead of running for ever.
    Accepts Python and numpy integers; raises TypeError for bools, floats
    (even ``3.0``) and anything else.
    """
    if isinstance(value, np.ndarray) and value.ndim == 0 and np.issubdtype(value.dtype, np.integer):
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {_describe(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"Invalid {name}: {_describe(value)} (expected an integer >= {minimum})")
    if maximum is not None and value > maximum:
        raise ValueError(f"Invalid {name}: {_describe(value)} (expected an integer from "
                         f"{'-inf' if minimum is None else minimum} to {maximum:,})")
    return value


def as_seed(value, name="seed"):
    """Return a random seed: an integer >= 0 (not a bool), as ``numpy.random.default_rng`` takes."""
    return as_count(value, name, minimum=0)


def as_flag(value, name):
    """Return ``value`` as a bool if it is one (Python or numpy), else raise TypeError."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {_describe(value)}")
    return bool(value)


def as_float_dtype(value, name="dtype"):
    """Return ``value`` as a numpy floating dtype (float16, float32, float64), or raise TypeError."""
    if value is None or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a floating type such as numpy.float32, got {_describe(value)}")
    try:
        dtype = np.dtype(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a floating type such as numpy.float32, got {_describe(value)}") from None
    if not np.issubdtype(dtype, np.floating):
        raise TypeError(f"{name} must be a floating type such as numpy.float32, got {dtype}")
    return dtype


def as_text(value, name, allow_none=False):
    """Return ``value`` if it is a string (or None when allowed), else raise TypeError."""
    if value is None and allow_none:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {_describe(value)}")
    return value


def one_of(value, name, choices):
    """Return the entry of ``choices`` equal to ``value``, else raise a ValueError listing them.

    A value of another type than the choices (a list, an array, a number where
    names are expected) is never equal to one of them.
    """
    for choice in choices:
        if isinstance(value, type(choice)):
            try:
                equal = bool(value == choice)
            except (TypeError, ValueError):
                equal = False
            if equal:
                return choice
    listed = ", ".join(repr(choice) for choice in choices)
    shown = repr(value) if isinstance(value, str) and len(value) <= 40 else _describe(value)
    raise ValueError(f"Unknown {name} {shown}; expected one of {listed}")


def as_name(value, name, choices):
    """Return ``value`` if it is a string among ``choices``; TypeError if not a string at all."""
    if not isinstance(value, str):
        listed = ", ".join(repr(choice) for choice in choices)
        raise TypeError(f"{name} must be a name, one of {listed}; got {_describe(value)}")
    return one_of(value, name, choices)


def as_callable(value, name, what="a function"):
    """Return ``value`` if it can be called, else raise TypeError saying what was expected."""
    if not callable(value):
        raise TypeError(f"{name} must be {what}, got {_describe(value)}")
    return value


def as_instance(value, name, cls, what):
    """Return ``value`` if it is an instance of ``cls``, else raise TypeError saying ``what`` was expected.

    The modules that define a class give their own checks through this one (``nn.as_mlp``,
    ``optim.as_optimizer``), so that this module imports nothing from nblib.
    """
    if not isinstance(cls, type):
        raise TypeError(f"cls must be a class, got {_describe(cls)}")
    what = as_text(what, "what")
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be {what}, got {_describe(value)}")
    return value


def as_axes(value, name="ax", allow_none=True, three_d=None):
    """Return matplotlib axes (or None when allowed), else raise.

    three_d: True to require 3-D axes, False to require 2-D axes, None for either.
    """
    from matplotlib.axes import Axes

    if value is None and allow_none:
        return None
    if not isinstance(value, Axes):
        raise TypeError(f"{name} must be matplotlib axes, e.g. from plt.subplots(), got {_describe(value)}")
    is_3d = getattr(value, "name", None) == "3d"
    if three_d is not None and is_3d != three_d:
        wanted = "3-D axes, e.g. fig.add_subplot(projection='3d')" if three_d else "2-D axes"
        raise ValueError(f"{name} must be {wanted}, got {'3-D' if is_3d else '2-D'} axes")
    return value


def finite_result(*names):
    """Decorator: run the function with numpy's overflow warnings off, and raise a
    ValueError naming the arguments ``names`` if its result is not finite.

    For formulas such as ``mean((y - y_hat)**2)`` whose inputs are finite but so
    large (``1e200``) that the answer does not fit in a float.
    """
    for name in names:
        as_text(name, "each of names")

    def decorate(function):
        @functools.wraps(function)
        def checked(*args, **kwargs):
            with np.errstate(over="ignore", invalid="ignore"):
                result = function(*args, **kwargs)
            parts = result if isinstance(result, tuple) else (result,)
            if not all(np.all(np.isfinite(part)) for part in parts):
                raise ValueError(f"{' and '.join(names)} {'is' if len(names) == 1 else 'are'} too large: "
                                 f"{function.__name__} overflows "
                                 f"the floating-point range with them")
            return result
        return checked

    return decorate
