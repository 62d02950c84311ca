"""The book's build fingerprint follows what the book is built from, and nothing else.

A reader's scratch notebook saved in chapters/ while `make test` runs must not change it (a
rebuild then would replace the site under the browser tests); a new, untracked nblib module or
a page named in _toc.yml must, since the build reads them.
"""

import subprocess
import sys

import pytest

from built_book import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import build_book  # noqa: E402


@pytest.fixture
def repo(tmp_path):
    """A small git repository laid out like the book."""
    for name, text in {"_toc.yml": "root: book/intro\nchapters:\n  - file: chapters/01-one\n",
                       "book/intro.md": "# Intro\n", "chapters/01-one.ipynb": "{}\n",
                       "nblib/a.py": "A = 1\n", "tests/test_a.py": "\n", ".gitignore": "_build/\n"}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    return tmp_path


def test_scratch_notebooks_tests_and_build_output_leave_it_alone(repo):
    before = build_book.fingerprint(repo)
    (repo / "chapters/Untitled.ipynb").write_text('{"cells": []}')
    (repo / "tests/test_b.py").write_text("x = 1\n")
    (repo / "_build").mkdir()
    (repo / "_build/log").write_text("built\n")
    assert build_book.fingerprint(repo) == before


@pytest.mark.parametrize("name", ["nblib/b.py", "book/notes.md", "chapters/01-one.ipynb", "_toc.yml"])
def test_what_the_book_reads_changes_it(repo, name):
    before = build_book.fingerprint(repo)
    (repo / name).write_text((repo / name).read_text() + "\n# changed\n" if (repo / name).exists() else "new\n")
    assert build_book.fingerprint(repo) != before


def test_a_new_page_named_in_the_toc_counts_before_it_is_tracked(repo):
    before = build_book.fingerprint(repo)
    (repo / "_toc.yml").write_text((repo / "_toc.yml").read_text() + "  - file: chapters/02-two\n")
    subprocess.run(["git", "add", "_toc.yml"], cwd=repo, check=True)
    middle = build_book.fingerprint(repo)
    (repo / "chapters/02-two.ipynb").write_text("{}\n")
    assert len({before, middle, build_book.fingerprint(repo)}) == 3
