"""Numbers and figures as a chapter shows them, in the web book and in JupyterLab alike.

The prose of a chapter writes a computed number as ``{eval}`demo.loss```. Both myst-nb
(building the book) and jupyterlab-myst (in JupyterLab) evaluate the name in the kernel and
show its ``text/plain`` form, that is its ``repr``. A float's repr has too many digits and a
string's repr has quotes, so numbers for the text are wrapped in :class:`Shown`, whose repr is
the number formatted for reading.
"""

import os
import re
from types import SimpleNamespace

import matplotlib.pyplot as plt

from nblib.explorable import PRINT_ENV
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


class Table:
    """A small table the text walks through: HTML on screen, a MyST table in the PDF.

    rows: the cells as HTML, row by row (the first row is the head).
    printed: the same cells as MyST markdown (``$x_i$`` for math), for the PDF edition.
    align: ``"left"`` or ``"right"``, for every column.
    row_heads: the first cell of every row is a heading (``<th>``), as in a table laid on
        its side, one column per item.

    In JupyterLab and the web book the table is its HTML. The PDF build (``NBLIB_PRINT=1``)
    also gets ``text/markdown``, which myst-nb's LaTeX builder prefers to HTML; the cell that
    shows it sets ``"mystnb": {"markdown_format": "myst"}`` in its metadata, so that the
    markdown is read as MyST, with its tables and ``$...$`` math.
    """

    def __init__(self, rows, printed, align="left", row_heads=False):
        if align not in ("left", "right"):
            raise ValueError(f"align must be 'left' or 'right', got {align!r}")
        rows = [[str(cell) for cell in row] for row in rows]
        printed = [[str(cell) for cell in row] for row in printed]
        if not rows or [len(row) for row in rows] != [len(row) for row in printed] \
                or len({len(row) for row in rows}) != 1:
            raise ValueError("rows and printed must be the same non-empty grid of cells")
        self.rows, self.printed, self.align, self.row_heads = rows, printed, align, row_heads

    def _repr_html_(self):
        cell = f'style="padding: 0.2em 0.8em; text-align: {self.align}; border-bottom: 1px solid #ddd"'

        def row(values, head):
            return "<tr>" + "".join(
                f"<th {cell}>{v}</th>" if head or (k == 0 and self.row_heads) else f"<td {cell}>{v}</td>"
                for k, v in enumerate(values)) + "</tr>"

        body = "".join(row(values, head=(i == 0 and not self.row_heads)) for i, values in enumerate(self.rows))
        return f'<table style="border-collapse: collapse; margin: 0 auto">{body}</table>'

    def _repr_markdown_(self):
        """The PDF's table (the PDF build only, ``NBLIB_PRINT=1``); None elsewhere."""
        if os.environ.get(PRINT_ENV) != "1":
            return None
        rule = ":" if self.align == "left" else ""
        lines = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in self.printed]
        ruler = "|" + "|".join(f"{rule}---{':' if self.align == 'right' else ''}" for _ in self.printed[0]) + "|"
        return "\n".join([lines[0], ruler, *lines[1:]]) + "\n"

    def __repr__(self):
        return "\n".join("  ".join(row) for row in self.printed)


def _cell(text):
    """A cell's markdown on one line, with its pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")
