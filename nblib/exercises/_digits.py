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


def agrees_to_digits_given(answer, expected, needed):
    """True if ``answer`` is ``expected`` rounded to fewer than ``needed`` significant digits.

    That is, ``answer`` has fewer digits than needed and lies within half a unit
    of its last digit of ``expected``: 1.57 for 1.5708, 2400 for 2410.
    """
    n_digits, lead = significant(answer)
    if n_digits == 0 or n_digits >= needed:
        return False
    return bool(close(answer, expected, 0.0, 0.5 * unit(lead - n_digits + 1) * SLACK))
