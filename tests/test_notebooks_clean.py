"""Committed chapters carry no image outputs and run in a fresh kernel without stored state."""

import json
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
    code = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    assert "explore(" in code, "every chapter has at least one explorable"
