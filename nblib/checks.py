"""Input checks used where data enters ``nblib``.

Every public function validates its arguments with these helpers, so that a
wrong shape, a NaN or a negative learning rate fails at once with a message
that says what was expected, instead of deep inside a matrix product.
"""

import math
import numbers

import numpy as np


def as_array(value, name, ndim=None, dtype=None, allow_empty=False):
    """Return ``value`` as a finite numpy array, or raise a clear error.

    value: anything ``numpy.asarray`` accepts.
    name: the argument's name, used in error messages.
    ndim: required number of dimensions (an int or a tuple of allowed ints).
    dtype: keep a floating dtype that is given; otherwise convert to this one
        (``None`` means float64 for non-float input).
    """
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be array-like of numbers, got {type(value).__name__}") from error
    if array.dtype == object or not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"{name} must contain numbers, got dtype {array.dtype}")
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    elif not np.issubdtype(array.dtype, np.floating):
        array = array.astype(np.float64)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            expected = " or ".join(f"{n}-D" for n in allowed)
            raise ValueError(f"{name} must be {expected}, got shape {array.shape}")
    if array.size == 0 and not allow_empty:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinity")
    return array


def same_length(**arrays):
    """Raise ValueError unless all given arrays have the same first dimension."""
    lengths = {name: len(array) for name, array in arrays.items()}
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
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"Invalid {name}: {value} (must be finite)")
    too_low = low is not None and (number < low or (number == low and not low_inclusive))
    too_high = high is not None and (number > high or (number == high and not high_inclusive))
    if too_low or too_high:
        left = "[" if low_inclusive else "("
        right = "]" if high_inclusive else ")"
        interval = f"{left}{'-inf' if low is None else low}, {'inf' if high is None else high}{right}"
        raise ValueError(f"Invalid {name}: {value} (expected a value in {interval})")
    return number


def as_count(value, name, minimum=1):
    """Return ``value`` as an int that is at least ``minimum``, or raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"Invalid {name}: {value} (expected an integer >= {minimum})")
    return int(value)


def one_of(value, name, choices):
    """Return ``value`` if it is one of ``choices``, else raise a ValueError listing them."""
    if value not in choices:
        listed = ", ".join(repr(choice) for choice in choices)
        raise ValueError(f"Unknown {name} {value!r}; expected one of {listed}")
    return value
