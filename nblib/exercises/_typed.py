"""Reading an answer typed as text, the way people write numbers; ``selfcheck.js`` reads the same way.

``read_typed(text)`` returns None for a blank, else a :class:`Typed` whose
``value`` is what the text says, as Python would read it, with the notations
people use on paper besides Python's own:

========================  =======================  ====================================
typed                     read as                  rule
========================  =======================  ====================================
``0.25``, ``.5``, ``1e5``  a float                  Python's float literal
``2,410``, ``1,000,000``  2410.0, 1000000.0        thousands separators (see below)
``27/269``, ``-5/4``      27 / 269, -1.25          a fraction of two plain numbers
``10**5``, ``10^5``,      1e5                      a power of ten (base 10 only, an
``10⁵``                                            integer exponent, no brackets)
``1.5×10^5``,             1.5e5                    a number times a power of ten
``1.5 x 10^5``,                                    (``×``, ``x``, ``X``, ``*``, ``·``)
``1.5*10**5``
``10%``, ``12.5 %``       0.1, 0.125               a percentage, read as a fraction
                                                   (``note`` says so)
``[1, 2]``, ``1, 2``,     a list                   commas separate entries, brackets
``(1, 2)``                                         nest; ``(x)`` is ``x``
``nan``, ``inf``          NaN, infinity            as ``float()`` reads them
``None``                  None
========================  =======================  ====================================

Thousands separators: a comma is part of a number when the number so far is a
whole number written in groups (1 to 3 digits not starting with 0, then groups
of three) and the comma is followed, without a space, by exactly three digits
and then no further digit. So ``2,410`` is one number and ``2,410, 3`` two;
``2, 410`` (a space), ``2,41`` (two digits), ``2,4100`` (four) and ``0,125``
(a leading 0, which is how a decimal comma looks) are lists. Write lists with a
space after each comma to be safe.

A typed number too large for a float (``1e400``, ``10**400``) is kept as a
:class:`Huge` so that the feedback can name it; anything else that is not a
number stays as the text itself, for the feedback to quote.
"""

import math
import re

#: Spaces allowed around and inside an answer (the same set in selfcheck.js).
SPACES = " \t\n\r\f\v\u00a0\u2009\u202f"
_WS = "[" + SPACES + "]"
_PLAIN = r"(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]*)?|[0-9]+\.?[0-9]*|\.[0-9]+)"
_NUMBER = re.compile(rf"^([+-]?)({_PLAIN})([eE][+-]?[0-9]+)?$")
_PERCENT = re.compile(rf"^([+-]?)({_PLAIN}){_WS}*%$")
_FRACTION = re.compile(rf"^([+-]?)({_PLAIN}){_WS}*/{_WS}*({_PLAIN})$")
_POWER = re.compile(rf"^([+-]?)(?:({_PLAIN}){_WS}*[×xX*·⋅]{_WS}*)?10{_WS}*"
                    rf"(?:(?:\^|\*\*){_WS}*([+-]?[0-9]+)|([⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))$")
_GROUPED = re.compile(rf"^{_WS}*[+-]?[1-9][0-9]{{0,2}}(?:,[0-9]{{3}})*$")
_NEXT_GROUP = re.compile(r"^[0-9]{3}(?:[^0-9]|$)")
_SUPERSCRIPT = str.maketrans("⁺⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "+-0123456789")
_SPECIAL = {
    "nan": math.nan, "+nan": math.nan, "-nan": math.nan, "np.nan": math.nan,
    "inf": math.inf, "+inf": math.inf, "infinity": math.inf, "+infinity": math.inf, "np.inf": math.inf,
    "-inf": -math.inf, "-infinity": -math.inf, "-np.inf": -math.inf,
}


class Huge:
    """A typed number beyond any float, such as ``1e400``; ``text`` is as typed."""

    def __init__(self, text):
        self.text = text


class Typed:
    """What a typed answer says: ``value`` (numbers, lists, None, Huge or text) and the percentages in it."""

    def __init__(self, value, percents):
        self.value = value
        self.percents = percents


def strip(text):
    return text.strip(SPACES)


def read_typed(text):
    """A :class:`Typed` for ``text``, or None if it is blank; never raises."""
    trimmed = strip(str(text).replace("\u2212", "-"))  # the minus sign people paste
    if trimmed == "":
        return None
    reader = _Reader(trimmed)
    try:
        items, comma = reader.sequence(None)
        value = items[0] if len(items) == 1 and not comma else items
    except ValueError:
        return Typed(trimmed, [])
    return Typed(value, reader.percents)


class _Reader:
    """A cursor over the text, reading items separated by commas (selfcheck.js's parser, line by line)."""

    def __init__(self, text):
        self.s = text
        self.i = 0
        self.percents = []

    def sequence(self, closer):
        """The items up to ``closer`` (or the end when None), and whether a comma was seen."""
        items, comma = [], False
        while True:
            self.skip()
            if self.at_end(closer):
                return items, comma
            items.append(self.item())
            self.skip()
            if self.i < len(self.s) and self.s[self.i] == ",":
                self.i += 1
                comma = True
                continue
            if self.at_end(closer):
                return items, comma
            raise ValueError("unexpected character")

    def at_end(self, closer):
        return self.i >= len(self.s) if closer is None else self.i < len(self.s) and self.s[self.i] == closer

    def skip(self):
        while self.i < len(self.s) and self.s[self.i] in SPACES:
            self.i += 1

    def item(self):
        if self.i >= len(self.s):  # "[" with nothing after it
            raise ValueError("unclosed bracket")
        c = self.s[self.i]
        if c in "[(":
            closer = "]" if c == "[" else ")"
            self.i += 1
            items, comma = self.sequence(closer)
            if self.i >= len(self.s) or self.s[self.i] != closer:
                raise ValueError("unclosed bracket")
            self.i += 1
            # In Python (x) is x itself; [x] and (x,) are lists.
            return items[0] if c == "(" and len(items) == 1 and not comma else items
        start = self.i
        while True:
            while self.i < len(self.s) and self.s[self.i] not in ",[]()":
                self.i += 1
            if (self.i < len(self.s) and self.s[self.i] == "," and _GROUPED.match(self.s[start:self.i])
                    and _NEXT_GROUP.match(self.s[self.i + 1:self.i + 5])):
                self.i += 1  # a thousands separator: the number goes on
                continue
            break
        return self.atom(strip(self.s[start:self.i]))

    def atom(self, text):
        """One entry: a float, None, a Huge, or the text itself."""
        match = _NUMBER.match(text)
        if match:
            return _number(text, match[1] + match[2].replace(",", "") + (match[3] or ""))
        match = _PERCENT.match(text)
        if match:
            self.percents.append(text)
            return _number(text, match[1] + match[2].replace(",", "") + "e-2")
        match = _FRACTION.match(text)
        if match:
            top, bottom = float(match[1] + match[2].replace(",", "")), float(match[3].replace(",", ""))
            if bottom == 0:
                return text
            if not (math.isfinite(top) and math.isfinite(bottom) and math.isfinite(top / bottom)):
                return Huge(text)
            return top / bottom
        match = _POWER.match(text)
        if match:
            exponent = match[3] if match[3] is not None else match[4].translate(_SUPERSCRIPT)
            mantissa = (match[2] or "1").replace(",", "")
            return _number(text, f"{match[1]}{mantissa}e{exponent}")
        special = _SPECIAL.get(text.lower())
        if special is not None:
            return special
        if text in ("None", "null"):
            return None
        return text


def _number(text, literal):
    """``float(literal)``, or a Huge naming ``text`` if it is beyond any float."""
    value = float(literal)
    return value if math.isfinite(value) else Huge(text)


def percent_note(percents, say):
    """The note on an answer typed as a percentage ("" if there was none)."""
    if not percents:
        return ""
    text = percents[0]
    return say("percent_note", text=text, number=strip(text[:-1]))
