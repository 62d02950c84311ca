"""Reading a learner's answer as numbers, and saying plainly what came when it is not.

``read_numbers(answer, shape)`` returns ``(values, None)`` with ``values`` a float
array of the expected shape, or ``(None, message)`` saying what was expected and
what came: text, bytes, a complex number, ``None`` inside a list, a function, a
wrong shape, NaN or infinity. It never raises. A Decimal or a Fraction is a
number like any other. ``selfcheck.js`` applies the same rules to what a reader
types in the web book; text typed as an answer is first read by
``nblib.exercises._typed`` (``typed=True`` then words NaN and infinity for a
typed answer rather than for code).
"""

import decimal
import math
import numbers

import numpy as np

from nblib.exercises._messages import say, shape_words, text_words
from nblib.exercises._typed import Huge

#: Lists nested deeper than this are refused (a list that contains itself never ends).
MAX_DEPTH = 32


class _Unreadable(Exception):
    """An entry that is not a number: where it is (``path``) and what it is (``got``)."""

    def __init__(self, path, got):
        super().__init__(path, got)
        self.path = path
        self.got = got


class _TooBig(Exception):
    """A typed number beyond any float (a :class:`Huge`), named as typed."""

    def __init__(self, text):
        super().__init__(text)
        self.text = text


def read_numbers(answer, shape, typed=False):
    """Return ``(values, None)`` or ``(None, message)``; see the module docstring.

    answer: anything a learner may pass (for a typed answer, what ``read_typed`` made of it).
    shape: the expected shape, a tuple (``()`` for a single number).
    typed: True if ``answer`` was typed as text: NaN and infinity are then named as typed.
    """
    want = shape_words(shape)
    try:
        values = _as_floats(answer)
    except _TooBig as error:
        return None, say("typed_huge", text=error.text)
    except _Unreadable as error:
        key = "entry" if error.path else "kind"
        return None, say(key, want=want, got=error.got, path=error.path)
    except (ValueError, TypeError):
        return None, say("ragged", want=want)
    if values.shape != tuple(shape):
        return None, say("shape", want=want, got=shape_words(values.shape))
    if np.isnan(values).any():
        return None, say("typed_nan" if typed else "nan")
    if np.isinf(values).any():
        return None, say("typed_inf" if typed else "inf")
    return values, None


def as_finite_array(value, name):
    """``value`` as a float array of finite numbers, for a check's own arguments.

    Raises TypeError naming ``name`` for anything that is not numbers, and
    ValueError for a ragged or empty list, NaN or infinity.
    """
    try:
        values = _as_floats(value)
    except _Unreadable as error:
        where = f" (entry {error.path})" if error.path else ""
        raise TypeError(f"{name} must be a number or an array of numbers, got {error.got}{where}") from None
    except (ValueError, TypeError):
        raise ValueError(f"{name} must be a number or a rectangular array of numbers, "
                         f"got a nested list whose rows have different lengths") from None
    if values.size == 0:
        raise ValueError(f"{name} must hold at least one number, got an empty array")
    if not np.isfinite(values).all():
        raise ValueError(f"{name} must be finite, got NaN, infinity or a number too large for a float")
    return values


def describe(value):
    """A few words naming ``value`` for feedback, never thousands of characters."""
    if value is None:
        return say("got_none")
    if value is Ellipsis:
        return "the placeholder ..."
    if isinstance(value, str):
        return text_words(value)
    if isinstance(value, (bytes, bytearray)):
        return f"the bytes {bytes(value[:20])!r}" + ("..." if len(value) > 20 else "")
    if isinstance(value, (bool, np.bool_)):
        return f"the truth value {bool(value)}"
    if isinstance(value, numbers.Integral):
        digits = len(str(abs(int(value)))) if abs(int(value)) < 10 ** 30 else int(math.log10(abs(int(value)))) + 1
        return f"the integer {int(value)}" if digits <= 30 else f"an integer with {digits} digits"
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        return f"the complex number {complex(value)}"
    if isinstance(value, numbers.Real):
        return f"the number {float(value)!r}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} holding {value.dtype} values"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} item{'' if len(value) == 1 else 's'}"
    if callable(value):
        return f"the function {getattr(value, '__name__', type(value).__name__)}"
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _as_floats(answer):
    """``answer`` as a float array; raises _Unreadable, or ValueError for ragged lists."""
    if isinstance(answer, (list, tuple)) and len(answer) > 1000:
        try:  # fast for long lists of numbers (short ones are walked, which refuses bools)
            array = np.asarray(answer)
        except Exception:  # ragged, or nested too deeply for numpy: _walk says what is wrong
            array = None
        if array is not None and array.dtype.kind in "iuf":
            return array.astype(float)
    if isinstance(answer, np.ndarray) and answer.dtype.kind in "iuf":
        return answer.astype(float)
    return np.array(_walk(answer, "", 0), dtype=float)


def _walk(value, path, depth):
    """A float, a float array or a nested list of them; raises _Unreadable at the first stranger."""
    if isinstance(value, (bool, np.bool_)):
        raise _Unreadable(path, describe(value))
    if isinstance(value, (numbers.Real, decimal.Decimal)):
        return _to_float(value)
    if isinstance(value, Huge):
        raise _TooBig(value.text)
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "iuf":
            return value.astype(float)
        value = value.tolist()
        if not isinstance(value, list):  # a 0-d array of another kind
            return _walk(value, path, depth)
    if isinstance(value, (list, tuple)):
        if depth >= MAX_DEPTH:
            raise _Unreadable(path, "a list nested too deeply")
        return [_walk(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value)]
    raise _Unreadable(path, describe(value))


def _to_float(value):
    """A real number as a float; an integer too large for a float becomes +-inf, a signalling NaN NaN."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf
    except ValueError:  # Decimal("sNaN") refuses to become a float
        return math.nan
