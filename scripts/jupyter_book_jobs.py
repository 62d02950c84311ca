"""``jupyter-book`` with Sphinx reading, and so myst-nb executing, several pages at once.

Jupyter Book 1's command line always runs Sphinx in one process: its ``build`` command calls
``jupyter_book.sphinx.build_sphinx`` without ``jobs``, which then means 1. This runs the same
command with ``jobs`` given, one per core (at most :data:`MOST`), so that the chapters of
``make book`` and ``make pdf`` execute two at a time on a two-core machine. Every extension the
book loads must be safe for parallel reading (book/ext/nblib_parallel.py declares the two of
Jupyter Book's that do not say); else Sphinx says so, a warning, which fails the build.

Usage: python scripts/jupyter_book_jobs.py [--jobs N] build PATH [jupyter-book build's options]
(``--jobs`` sets the number of processes; benchmarks/bench_build.py compares them).
"""

import functools
import os
import sys

import jupyter_book.sphinx
from jupyter_book.cli.main import main as jupyter_book_main

#: The most pages read at once (each has its own kernel and Sphinx process).
MOST = 4


def jobs():
    """One reading process per core, at most MOST."""
    return max(1, min(os.cpu_count() or 1, MOST))


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    count = jobs()
    if argv[:1] == ["--jobs"]:
        count, argv = int(argv[1]), argv[2:]
    jupyter_book.sphinx.build_sphinx = functools.partial(jupyter_book.sphinx.build_sphinx, jobs=count)
    return jupyter_book_main(argv)


if __name__ == "__main__":
    main()
