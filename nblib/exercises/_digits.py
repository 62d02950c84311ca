"""Closeness and significant digits, the arithmetic shared with ``selfcheck.js``.

A number's digits are those of its shortest decimal form, the form Python's
``repr`` and JavaScript's ``String`` both print (0.03 has one significant digit,
2400 has two, 1.57 has three), so a value gets the same verdict whether a learner
computed it in Python or typed it in the web book.
"""

import numpy as np


def close(answer, expected, rtol, atol):
    """True where ``|answer - expected| <= atol + rtol * |expected|`` (arrays broadcast).

    A difference too large for a float (1e308 - -1e308) is infinite, hence not close.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return np.abs(np.subtract(answer, expected, dtype=float)) <= atol + rtol * np.abs(expected)


def significant(x):
    """``(n_digits, lead)`` of the shortest decimal form of ``x``: 0.0181 gives (3, -2).

    n_digits: significant digits, trailing zeros excluded (2400 gives 2).
    lead: the power of ten of the leading digit. Zero gives ``(0, 0)``.
    """
    text = repr(abs(float(x)))
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    stripped = digits.lstrip("0")
    if not stripped:
        return 0, 0
    lead = len(whole) - (len(digits) - len(stripped)) - 1 + int(exponent or 0)
    return len(stripped.rstrip("0")), lead


def unit(power):
    """``10 ** power`` as a float, computed the same way as in ``selfcheck.js``."""
    return 10.0 ** power if power >= 0 else 1.0 / 10.0 ** -power


def digits_needed(expected, rtol, atol):
    """The fewest significant digits that, rounding each entry of ``expected``, pass the check."""
    needed = 1
    for value in np.ravel(expected):
        for k in range(1, 18):
            if close(float(f"{value:.{k - 1}e}"), value, rtol, atol):
                break
        needed = max(needed, k)
    return needed


#: Slack on "half a unit of the last digit", for the rounding error of the subtraction.
SLACK = 1 + 1e-9


def agrees(answer, value):
    """True if ``answer`` is ``value`` rounded to the digits ``answer`` gives.

    That is, ``answer`` lies within half a unit of its last significant digit of
    ``value``: 1.57 for 1.5708, 2400 for 2410, 0.214 for 0.2135 (0 agrees with nothing).
    This is how a learner's short answer matches the right value and each listed mistake alike.
    """
    n_digits, lead = significant(answer)
    if n_digits == 0:
        return False
    return bool(close(answer, value, 0.0, 0.5 * unit(lead - n_digits + 1) * SLACK))


def agrees_to_digits_given(answer, expected, needed):
    """True if ``answer`` is ``expected`` rounded to fewer than ``needed`` significant digits.

    That is, ``answer`` has fewer digits than needed and :func:`agrees` with ``expected``.
    """
    return significant(answer)[0] < needed and agrees(answer, expected)


def matches(answer, target, rtol, atol, needed):
    """True if each entry of ``answer`` is close to, or :func:`agrees` with, the entry of ``target``.

    answer: a flat sequence of floats; target: a flat sequence of floats and Nones (None: any value).
    needed: the significant digits the check needs. Agreeing to the digits given
    names a mistake only for an entry of at least ``min(2, needed)`` digits: one
    digit (1.0, 0.03) says too little, unless one digit is all the check asks for.
    """
    fewest = min(2, needed)
    return all(bool(close(a, v, rtol, atol)) or (significant(a)[0] >= fewest and agrees(a, v))
               for a, v in zip(answer, target) if v is not None)


def round_to(value, digits):
    """``value`` rounded to ``digits`` significant digits, as a float (what a printout shows)."""
    return float(f"{float(value):.{digits - 1}e}")
