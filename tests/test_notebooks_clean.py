"""Committed chapters carry no outputs, follow the chapter pattern, and keep their answers out of sight."""

import json
import re
from pathlib import Path

import pytest

CHAPTERS = sorted((Path(__file__).parent.parent / "chapters").glob("*.ipynb"))


def test_there_are_chapters():
    assert len(CHAPTERS) >= 2


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_no_outputs_committed(path):
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name} has outputs in a code cell; clear them"
            assert cell.get("execution_count") is None
        else:
            assert "user_expressions" not in cell.get("metadata", {}), \
                f"{path.name} has {{eval}} results saved by JupyterLab in a markdown cell's metadata; remove them"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_structure(path):
    notebook = json.loads(path.read_text())
    text = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    assert "## Exercises" in text and "## Further reading" in text
    exercises = text.count("{admonition} Exercise")
    assert 3 <= exercises <= 5, f"{path.name} has {exercises} exercises"
    tags = [c.get("metadata", {}).get("tags", []) for c in notebook["cells"]]
    assert sum("hide-cell" in t for t in tags) >= exercises, "every exercise needs a hidden solution cell"
    for cell in notebook["cells"]:
        if "hide-cell" in cell.get("metadata", {}).get("tags", []):
            assert cell["metadata"].get("jupyter", {}).get("source_hidden") is True, "collapse solutions in Jupyter"
            assert cell["metadata"].get("mystnb", {}).get("code_prompt_show") == "Show the solution"
    assert "remove-cell" in tags[-1], "the last cell checks the chapter's key numbers"
    assert "print(" not in "".join(notebook["cells"][-1]["source"]), "the key-number cell prints nothing"
    code = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    assert "explore(" in code, "every chapter has at least one explorable"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_answers_are_not_in_plain_sight(path):
    """Checks are imported, solutions are quiet and never overwrite a learner's names."""
    notebook = json.loads(path.read_text())
    number = path.name[:2]
    code = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    for kind in ("NumberCheck(", "ChoiceCheck(", "FunctionCheck("):
        assert kind not in code, f"{path.name} builds a check in a cell, answer and all: move it to nblib/chapters"
    assert re.search(rf"from nblib\.chapters\.ch{number} import \(?check_", code), "import the checks"
    text = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    assert ".reveal()" in text, "tell the reader once how to ask for an answer"
    for index, cell in enumerate(notebook["cells"]):
        if "hide-cell" not in cell["metadata"].get("tags", []):
            continue
        source = "".join(cell["source"])
        where = f"{path.name}, solution cell {index}"
        assert source.startswith("# "), f"{where}: start with a comment line (Lab shows it when collapsed)"
        assert ".confirm(" in source and "print(" not in source, f"{where}: confirm quietly, print nothing"
        for name in re.findall(r"^(?:def\s+)?([A-Za-z_]\w*)\s*(?:=|\()", source, re.M):
            assert name.startswith("_") or name.startswith("check_"), \
                f"{where}: {name!r} would overwrite the learner's name; use a private name such as _{name}"
        assert max(len(line) for line in source.splitlines()) <= 60, f"{where}: keep lines short"


LABEL_TARGET = re.compile(r"^\(([^()\s]+)\)=[ \t]*$", re.M)
LABEL_OPTION = re.compile(r"^:(?:name|label):[ \t]*(\S+)", re.M)


def labels(notebook):
    """Every cross-reference label a notebook defines: ``(label)=`` targets, ``:name:``/``:label:``
    options in markdown, and figure names in code cells' ``mystnb`` metadata."""
    found = []
    for cell in notebook["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            found += LABEL_TARGET.findall(text) + LABEL_OPTION.findall(text)
        name = cell.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("name")
        if name:
            found.append(name)
    return found


def test_labels_are_unique_across_the_book():
    """Sphinx refuses a label defined twice (a warning, so the build fails): catch it here first."""
    owners = {}
    for path in CHAPTERS:
        for label in labels(json.loads(path.read_text())):
            owners.setdefault(label, []).append(path.name)
    assert {label: names for label, names in owners.items() if len(names) > 1} == {}
