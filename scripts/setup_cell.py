"""Write each chapter's first cell: installs nblib from the book's repository where it is missing.

On Colab or Binder a chapter opens without nblib; this cell installs it from ``repository.url``
in ``_config.yml`` (the one place the book names its repository). Where nblib is installed (a
clone with ``make lab``, the book build, the tests) it does nothing and downloads nothing. The web
book removes the cell (tag ``remove-cell``).

    python scripts/setup_cell.py          # rewrite the cell in every chapter
    python scripts/setup_cell.py --check  # exit 1 and name the chapters whose cell is stale
"""

import argparse
import json
import pathlib
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
CELL_ID = "setup-nblib"
TAGS = ["remove-cell"]

SOURCE = '''\
# Running this chapter on Colab or Binder? This cell installs nblib, the
# book's engine, from the book's repository. Where nblib is already
# installed (a clone of the book) it does nothing.
import importlib
import importlib.util
import subprocess
import sys

REPOSITORY = "{url}"
if importlib.util.find_spec("nblib") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    f"git+{{REPOSITORY}}@{branch}"], check=True)
    importlib.invalidate_caches()
'''


def repository():
    """``(url, branch)`` of the book's repository, from ``_config.yml``."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    url = str(config.get("url") or "").rstrip("/")
    if not url.startswith("https://"):
        raise SystemExit("_config.yml: repository.url must be an https:// address")
    return url, str(config.get("branch") or "main")


def setup_cell():
    """The set-up cell as an nbformat 4 code cell (a dict)."""
    url, branch = repository()
    source = SOURCE.format(url=url, branch=branch)
    return {"cell_type": "code", "execution_count": None, "id": CELL_ID,
            "metadata": {"tags": TAGS}, "outputs": [],
            "source": source.rstrip("\n").splitlines(keepends=True)}


def chapters():
    """Every chapter notebook, in order."""
    return sorted((ROOT / "chapters").glob("[0-9][0-9]-*.ipynb"))


def with_setup_cell(notebook):
    """``notebook`` (a dict) with the set-up cell first, replacing an older one."""
    cells = [cell for cell in notebook["cells"] if cell.get("id") != CELL_ID]
    return {**notebook, "cells": [setup_cell(), *cells]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale chapters")
    args = parser.parse_args(argv)
    stale = []
    for path in chapters():
        notebook = json.loads(path.read_text())
        updated = with_setup_cell(notebook)
        if updated == notebook:
            continue
        stale.append(path.name)
        if not args.check:
            path.write_text(json.dumps(updated, indent=1, ensure_ascii=False) + "\n")
    if args.check and stale:
        print("Set-up cell missing or stale (run scripts/setup_cell.py):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
