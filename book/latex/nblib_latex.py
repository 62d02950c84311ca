"""What the PDF edition needs from Sphinx beyond its settings (the LaTeX builder only).

Tables. Sphinx sets a table of up to 30 rows with ``tabulary``, which cannot break across
pages: the notation tables ran off the bottom of the page. Every table is set as a
``longtable`` here, with column widths in proportion to what the columns hold (a symbol
column stays narrow, a column of sentences gets the room), since a longtable without
widths would set each column on one unbroken line.
"""

import re

import numpy as np
from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

#: A column is given at least this many characters' width, and at most this many.
NARROWEST, WIDEST = 5, 60
#: About how many characters of a table's text fit across the page; the room a column's
#: longest word may claim, as a share of the line.
LINE, WIDEST_FLOOR = 80, 0.4


class PrintTables(SphinxPostTransform):
    default_priority = 200
    builders = ("latex",)

    def run(self, **kwargs):
        for table in self.document.findall(nodes.table):
            tgroup = next(table.findall(nodes.tgroup), None)
            if tgroup is None:
                continue
            colspecs = [child for child in tgroup.children if isinstance(child, nodes.colspec)]
            widths = column_widths(_rows(tgroup), len(colspecs))
            if widths is None:
                continue
            for colspec, width in zip(colspecs, widths):
                colspec["colwidth"] = width
            table["classes"] = [c for c in table["classes"] if c != "colwidths-auto"]
            table["classes"] += ["longtable", "colwidths-given"]


def _rows(tgroup):
    """The text of every cell as printed, row by row (head and body)."""
    return [[_printed(entry) for entry in row.findall(nodes.entry)] for row in tgroup.findall(nodes.row)]


def _printed(entry):
    """A cell's text about as long as it prints: its math as the symbols it shows, not its TeX."""
    return "".join(shown_math(text.astext()) if isinstance(text.parent, (nodes.math, nodes.math_block))
                   else text.astext() for text in entry.findall(nodes.Text))


def shown_math(tex):
    r"""TeX source shortened to about the characters it shows: ``\mathbf{x}_i`` is "xi",
    ``\text{cross-entropy}`` is "cross-entropy", ``\lambda_{max}`` is "λmax"."""
    tex = re.sub(r"\\(text|mathrm|mathbf|mathit|boldsymbol|operatorname|mathbb|mathcal|hat|bar|tilde)\b",
                 "", tex)
    tex = re.sub(r"\\[a-zA-Z]+", "λ", tex)
    return re.sub(r"[{}^_\\\s]", "", tex) if " " not in tex.strip() else re.sub(r"[{}^_\\]", "", tex)


def column_widths(rows, count):
    """Integer widths (summing to about 100) for ``count`` columns holding ``rows`` of cell texts.

    A column's share is the length of its longer cells (the 80th percentile, so one long
    cell does not take the page), clipped to [NARROWEST, WIDEST]. Then each column gets at
    least the room its longest word needs on a line of LINE characters (a header is set in
    bold, a cell has padding), so that no word is hyphenated in a narrow column
    ("Sym-bol"). None when a row does not have ``count`` cells (spanning cells).
    """
    if count == 0 or not rows or any(len(row) != count for row in rows):
        return None
    lengths = np.array([[len(text) for text in row] for row in rows], dtype=float)
    longest_word = np.array([[max((len(word) for word in text.split()), default=0) for text in row]
                             for row in rows]).max(axis=0)
    share = np.clip(np.percentile(lengths, 80, axis=0), NARROWEST, WIDEST)
    fraction = share / share.sum()
    floor = np.minimum((1.1 * longest_word + 2) / LINE, WIDEST_FLOOR)
    narrow = fraction < floor
    if narrow.any() and not narrow.all():
        fraction[narrow] = floor[narrow]
        fraction[~narrow] = share[~narrow] / share[~narrow].sum() * (1 - floor[narrow].sum())
    return [max(1, int(round(100 * f))) for f in fraction]


def setup(app):
    app.add_post_transform(PrintTables)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
