"""Per-chapter code: the plumbing a chapter uses once, and its exercise checks.

A chapter notebook imports its own module (``from nblib.chapters import ch01``) so that a
reader in JupyterLab meets short cells that read like the text: a figure is one call, and
an exercise's check, with the answer inside it, is imported rather than written in a cell.

Numbers for the prose are :class:`~nblib.chapters.text.Shown` values, written in markdown
as ``{eval}`name``` so that they appear, formatted, in the web book and in JupyterLab alike.
"""

from nblib.chapters.text import Shown, figure, numbers, scientific_text, shown

__all__ = ["Shown", "figure", "numbers", "scientific_text", "shown"]
