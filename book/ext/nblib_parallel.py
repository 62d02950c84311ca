"""Let Sphinx read (and so execute) two pages at once, as `make book` and `make pdf` ask.

Sphinx reads one page at a time when any extension does not declare that parallel reading is
safe for it. Two of Jupyter Book's declare nothing, and both are safe:

- sphinx_multitoc_numbering (chapter numbers that run on across the parts of the table of
  contents) only replaces how section numbers are assigned
  (``TocTreeCollector.assign_section_numbers``), which Sphinx runs once, in the main process,
  after every page has been read;
- sphinx_jupyterbook_latex's read-time transforms change only the page being read (the root
  page's table-of-contents nodes); the rest acts when the LaTeX builder writes, after reading,
  and its settings are made on ``builder-inited``, before the reading processes start.

So they are declared safe here, and myst-nb executes two chapters at once.
"""

#: Extensions that do not declare their parallel safety, and are safe (see above).
SAFE = ("sphinx_multitoc_numbering", "sphinx_jupyterbook_latex")


def declare_safe(app, config):
    for name in SAFE:
        extension = app.extensions.get(name)
        if extension is not None:
            extension.parallel_read_safe = extension.parallel_write_safe = True


def setup(app):
    app.connect("config-inited", declare_safe)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
