"""The built web book for the browser tests: built once per source state, shared by test files.

:func:`html_dir` runs ``make book``, which reuses a build of the very same sources (see
``scripts/build_book.py``), so a ``.ci/run`` (tests, then book) builds the book once. A file lock
keeps two pytest-xdist workers from building at the same time: the second waits and then reuses
the first one's build. The tests then read a snapshot of that build, hard links in
``_build/served/<fingerprint>``: a later rebuild replaces ``_build/html`` but never removes the
files a running test is reading. ``NBLIB_BOOK_HTML=/path/to/_build/html`` skips the build and
tests that site instead (for working on the tests against a book built elsewhere).
"""

import contextlib
import fcntl
import os
import pathlib
import shutil
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
LOG = BUILD / "book-build.log"


def html_dir():
    """Path of the built book's ``html`` folder, building it first when it is not current."""
    if os.environ.get("NBLIB_BOOK_HTML"):
        html = pathlib.Path(os.environ["NBLIB_BOOK_HTML"]).resolve()
        if not (html / "index.html").is_file():
            raise RuntimeError(f"NBLIB_BOOK_HTML={html} holds no built book (no index.html there)")
        return html
    BUILD.mkdir(exist_ok=True)
    with _locked(BUILD / "book-build.lock"), LOG.open("w") as log:
        done = subprocess.run(["make", "book"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    if done.returncode:
        tail = "".join(LOG.read_text().splitlines(keepends=True)[-40:])
        raise RuntimeError(f"`make book` failed (full log: {LOG}):\n{tail}")
    return _snapshot(BUILD / "html")


def _snapshot(html):
    """A hard-linked copy of the built site that no later build touches (made once per build)."""
    stamp = BUILD / "html.fingerprint"
    served = BUILD / "served" / (stamp.read_text().strip() if stamp.is_file() else "unstamped")
    with _locked(BUILD / "served.lock"):
        if not (served / "index.html").is_file():
            shutil.rmtree(served, ignore_errors=True)
            served.parent.mkdir(exist_ok=True)
            shutil.copytree(html, served, copy_function=os.link)
    return served


@contextlib.contextmanager
def _locked(path):
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
