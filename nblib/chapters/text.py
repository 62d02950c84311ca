"""Numbers and figures as a chapter shows them, in the web book and in JupyterLab alike.

The prose of a chapter writes a computed number as ``{eval}`demo.loss```. Both myst-nb
(building the book) and jupyterlab-myst (in JupyterLab) evaluate the name in the kernel and
show its ``text/plain`` form, that is its ``repr``. A float's repr has too many digits and a
string's repr has quotes, so numbers for the text are wrapped in :class:`Shown`, whose repr is
the number formatted for reading.
"""

import re
from types import SimpleNamespace

import matplotlib.pyplot as plt

from nblib.search import power_text, scientific


class Shown:
    """A value and the text the prose shows for it.

    value: the number itself (kept for tests and for further computation).
    text: how it reads, e.g. ``"2,410"`` or ``"1.2 × 10⁻⁴"``; it is the object's repr.
    """

    def __init__(self, value, text):
        self.value = value
        self.text = str(text)

    def __repr__(self):
        return self.text

    __str__ = __repr__


def shown(value, spec=""):
    """``value`` formatted with the format spec ``spec`` (e.g. ``",d"``, ``".4f"``), as a :class:`Shown`.

    The text is typeset as prose: a negative number takes a true minus sign (``"−0.75"``), and a
    number the spec writes in e-notation takes the book's one style for powers of ten
    (``".1e"`` gives ``"1.3 × 10⁻⁶"``, ``".0e"`` of 1e-6 gives ``"10⁻⁶"``).
    """
    return Shown(value, prose_number(format(value, spec)))


def prose_number(text):
    """A formatted number as the prose shows it: e-notation as a power of ten, and true minus signs."""
    match = re.fullmatch(r"(-?)(\d+(?:\.(\d+))?)e([-+]\d+)", text)
    if match:
        sign, mantissa, decimals, exponent = match.groups()
        text = sign + power_text(float(mantissa), int(exponent), digits=1 + len(decimals or ""))
    return text.replace("-", "\u2212")


def scientific_text(value, digits=2):
    """A positive number as ``"1.2 × 10⁻⁴"`` (``digits`` significant digits), as a :class:`Shown`."""
    mantissa, exponent = scientific(value, digits)
    return Shown(value, power_text(mantissa, exponent, digits))


def numbers(**values):
    """A namespace of numbers for the prose: ``numbers(loss=shown(x, ".2f"))`` gives ``.loss``."""
    return SimpleNamespace(**values)


def figure(fig):
    """Close ``fig`` so that pyplot does not show it a second time, and return it for display.

    A chapter cell ends with a call that returns a figure; the figure is the cell's output,
    which the book captions with the cell's ``mystnb`` metadata and JupyterLab shows as is.
    """
    plt.close(fig)
    return fig
