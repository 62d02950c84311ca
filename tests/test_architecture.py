"""The layering of the code: chapters stand on nblib's core, never on each other.

A chapter's module (``nblib/chapters/chNN.py``) and its notebook import nblib's core and the
shared ``nblib.chapters.text``, never another chapter's module: what two chapters share belongs
in nblib. ``nblib.checks`` is the ground floor and imports no other nblib module.
"""

import ast
import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODULES = sorted((ROOT / "nblib" / "chapters").glob("ch[0-9][0-9].py"))
NOTEBOOKS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.ipynb"))


def imported(source):
    """The dotted names a piece of Python imports (``from a.b import c`` gives ``a.b`` and ``a.b.c``)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def chapter_modules(names):
    return {re.fullmatch(r"nblib\.chapters\.(ch\d\d)(\..*)?", name).group(1)
            for name in names if re.fullmatch(r"nblib\.chapters\.(ch\d\d)(\..*)?", name)}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_a_chapter_module_imports_no_other_chapter(path):
    assert chapter_modules(imported(path.read_text())) <= {path.stem}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_notebook_imports_only_its_own_chapter_module(path):
    cells = json.loads(path.read_text())["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("!", "%")))
    assert chapter_modules(imported(code)) <= {f"ch{path.name[:2]}"}


def test_checks_is_the_ground_floor():
    names = imported((ROOT / "nblib" / "checks.py").read_text())
    assert not {name for name in names if name.startswith("nblib")}


def test_the_rules_see_an_import_of_another_chapter():
    assert chapter_modules(imported("from nblib.chapters.ch05 import bowl\nimport nblib.chapters.ch07")) == {
        "ch05", "ch07"}
    assert chapter_modules(imported("from nblib.chapters import text, ch02")) == {"ch02"}
