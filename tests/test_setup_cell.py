"""Each chapter's first cell installs nblib from the book's repository where it is missing.

The cell is written by scripts/setup_cell.py from `repository` in _config.yml; the web book
removes it (tag remove-cell). On Colab or Binder it runs pip once; elsewhere it does nothing.
"""

import importlib.util
import json
import re
import pathlib
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.ipynb"))


def first_cell(path):
    return json.loads(path.read_text())["cells"][0]


def test_every_chapter_starts_with_the_current_setup_cell():
    done = subprocess.run([sys.executable, "scripts/setup_cell.py", "--check"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
    in_toc = re.findall(r"file: chapters/(\S+)", (ROOT / "_toc.yml").read_text())
    assert [path.stem for path in CHAPTERS] == in_toc
    for path in CHAPTERS:
        cell = first_cell(path)
        assert cell["cell_type"] == "code" and cell["metadata"]["tags"] == ["remove-cell"], path.name


def run_cell(monkeypatch, nblib_found):
    """Execute chapter 1's set-up cell; return the commands it would have run."""
    calls = []
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: (real_find_spec(name, *a) if nblib_found or name != "nblib"
                                          else None))
    monkeypatch.setattr(subprocess, "run", lambda args, **kw: calls.append((args, kw)))
    exec("".join(first_cell(CHAPTERS[0])["source"]), {})
    return calls


def test_the_cell_installs_from_the_configured_repository_when_nblib_is_missing(monkeypatch):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    [(args, kwargs)] = run_cell(monkeypatch, nblib_found=False)
    assert args == [sys.executable, "-m", "pip", "install", "--quiet",
                    f"git+{config['url']}@{config['branch']}"]
    assert kwargs == {"check": True}


def test_the_cell_does_nothing_where_nblib_is_installed(monkeypatch):
    assert run_cell(monkeypatch, nblib_found=True) == []
