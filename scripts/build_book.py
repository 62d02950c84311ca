"""Build the web book into ``_build/html``, or reuse a build of exactly the same sources.

``make book`` and the browser tests both call this, so a ``.ci/run`` (tests, then book) builds
the book once. A build is reused only when the fingerprint it left behind matches the sources
now: every file git tracks outside ``tests/`` and ``benchmarks/``, and the untracked files the book
reads (a module of ``nblib`` or ``book/``, or a page ``_toc.yml`` names), by path and content. A
reader's scratch notebook in ``chapters/`` changes nothing the book is built from, so saving it
never triggers a rebuild. ``--force`` always builds.

    python scripts/build_book.py [--force] [--path-output DIR]   # the book goes to DIR/_build/html
"""

import argparse
import hashlib
import os
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
STAMP = "html.fingerprint"  # beside _build/html, not published with it
#: Sources that do not change the book: rebuilding for them would only cost time.
NOT_BOOK = ("tests/", "benchmarks/", ".ci/", ".github/")
#: Folders whose untracked files the book reads too: the chapters' code and the book's own pages.
READ_WHOLE = ("nblib/", "book/")


def fingerprint(root=ROOT):
    """SHA-256 over the book's sources (paths and contents), as hex text."""
    digest = hashlib.sha256()
    for name in sorted(book_sources(root)):
        path = root / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def book_sources(root=ROOT):
    """Paths (relative, as text) of the files the book is built from."""
    tracked = _git_files(root, "--cached")
    untracked = [name for name in _git_files(root, "--others", "--exclude-standard")
                 if name.startswith(READ_WHOLE) or name in _toc_pages(root)]
    return {name for name in tracked + untracked if not name.startswith(NOT_BOOK)}


def _git_files(root, *options):
    listed = subprocess.run(["git", "ls-files", *options, "-z"], cwd=root, check=True, capture_output=True)
    return [name for name in listed.stdout.decode().split("\0") if name]


def _toc_pages(root):
    """The source files ``_toc.yml`` names (``file: chapters/01-...`` gives its .ipynb or .md)."""
    names = re.findall(r"file:\s*(\S+)", (root / "_toc.yml").read_text())
    return {name + suffix for name in names for suffix in (".ipynb", ".md")}


def build(path_output):
    """Run Jupyter Book (warnings as errors) into ``path_output/_build/html``; check the site."""
    html = path_output / "_build" / "html"
    shutil.rmtree(html, ignore_errors=True)
    env = {**os.environ, "NBLIB_SCRUBBER": "1"}
    subprocess.run([sys.executable, str(ROOT / "scripts" / "jupyter_book_jobs.py"), "build", str(ROOT),
                    "--builder", "html",
                    "--path-output", str(path_output), "-W", "-n", "--keep-going"],
                   cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, str(ROOT / "scripts" / "check_site.py"), str(html)],
                   cwd=ROOT, check=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="build even if a build is current")
    parser.add_argument("--path-output", default=str(ROOT),
                        help="folder whose _build/html receives the book (default: the repository)")
    args = parser.parse_args(argv)
    path_output = pathlib.Path(args.path_output).resolve()
    html, stamp = path_output / "_build" / "html", path_output / "_build" / STAMP
    wanted = fingerprint()
    if (not args.force and (html / "index.html").is_file() and stamp.is_file()
            and stamp.read_text().strip() == wanted):
        print(f"The book in {html} was built from these very sources: reusing it.")
        offer_pdf(path_output, html)
        return 0
    stamp.unlink(missing_ok=True)
    try:
        build(path_output)
    except subprocess.CalledProcessError as error:
        print(f"The book did not build: {error}", file=sys.stderr)
        return 1
    stamp.write_text(wanted + "\n")
    offer_pdf(path_output, html)
    return 0


def offer_pdf(path_output, html):
    """Put the PDF edition (``make pdf``'s ``_build/book.pdf``) in the site, for download, if built."""
    pdf = path_output / "_build" / "book.pdf"
    if pdf.is_file():
        shutil.copy2(pdf, html / "book.pdf")
        print(f"The PDF edition is in the site too: {html / 'book.pdf'}")


if __name__ == "__main__":
    sys.exit(main())
