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
    ids = [cell.get("id") for cell in notebook["cells"]]
    assert None not in ids and len(set(ids)) == len(ids), "every cell has its own id (nbformat 4.5)"


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


# --- Glossary terms are linked where the book first uses them ------------------------------------

GLOSSARY = Path(__file__).parent.parent / "book" / "glossary.md"
TERM_ROLE = re.compile(r"\{term\}`([^`]*)`")

#: Forms of a term that the default (the term, or the term plus "s"/"es") does not catch.
TERM_FORMS = {
    "Local minimum": r"local\s+minim(?:um|a)",
    "Overfitting": r"overfit(?:s|ting)?",
    "Underfitting": r"underfit(?:s|ting)?",
    "Generalization": r"generali[sz](?:e|es|ation)",
    "Regularization": r"regulari[sz]ation",
    "Finite difference": r"finite[ -]differences?",
    "Nesterov's accelerated gradient": r"nesterov's\s+accelerated\s+gradient",
    "Learning-rate schedule": r"learning[ -]rate\s+schedules?",
    "Maximum likelihood": r"maximum[ -]likelihood",
}


def glossary_terms():
    """The terms the glossary defines, in its order."""
    block = re.search(r"```\{glossary\}\n(.*?)^```", GLOSSARY.read_text(), re.S | re.M).group(1)
    return [line.strip() for line in block.splitlines() if line.strip() and not line[0].isspace()]


def term_pattern(term):
    form = TERM_FORMS.get(term, re.escape(term.lower()).replace(r"\ ", r"\s+") + r"(?:s|es)?")
    return re.compile(r"(?<![\w-])" + form + r"(?![\w-])", re.I)


def _blank(match):
    return " " * len(match.group(0))


#: What is not prose: headings, labels, directive lines, math, code spans, roles, link targets.
NOT_PROSE = [re.compile(p, re.M) for p in (
    r"^#.*$", r"^\(\S+\)=[ \t]*$", r"^[ \t]*(?:`{3,}|:{3,}).*$", r"\$\$[\s\S]*?\$\$", r"\$[^$\n]*\$",
    r"\{[^{}`\s]+\}`[^`]*`", r"`[^`\n]*`", r"\]\([^)\s]*\)")]


def prose(text):
    """``text`` with everything but prose blanked out, so that offsets stay where they were."""
    for pattern in NOT_PROSE:
        text = pattern.sub(_blank, text)
    return text


def term_uses(chapters, terms):
    """``{term: (position, linked)}`` for the first use of each term in the chapters.

    A use is a ``{term}`` role pointing at the term or the term's words in prose (not inside a
    longer term's words); ``position`` is (chapter, cell, offset) and ``linked`` says which.
    """
    patterns = {term: term_pattern(term) for term in terms}
    first = {}
    for number, notebook in enumerate(chapters):
        for index, cell in enumerate(notebook["cells"]):
            if cell["cell_type"] != "markdown":
                continue
            text = "".join(cell["source"])
            for role in TERM_ROLE.finditer(text):
                target = role.group(1).split("<")[-1].rstrip(">").strip().lower()
                for term in terms:
                    if term.lower() == target:
                        first.setdefault(term, []).append(((number, index, role.start()), True))
            plain = prose(text)
            spans = {term: [m.span() for m in patterns[term].finditer(plain)] for term in terms}
            for term in terms:
                for start, end in spans[term]:
                    inside_longer = any(s <= start and end <= e and (s, e) != (start, end)
                                        for other in terms if other != term for s, e in spans[other])
                    if not inside_longer:
                        first.setdefault(term, []).append(((number, index, start), False))
    return {term: min(uses) for term, uses in first.items()}


def test_every_term_role_points_at_a_glossary_term():
    terms = {term.lower() for term in glossary_terms()}
    for path in CHAPTERS:
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "markdown":
                for role in TERM_ROLE.findall("".join(cell["source"])):
                    target = role.split("<")[-1].rstrip(">").strip()
                    assert target.lower() in terms, f"{path.name}: {{term}}`{role}` is not in book/glossary.md"


def test_glossary_terms_are_linked_where_the_book_first_uses_them():
    """The first use of every glossary term, in reading order, is a {term} link to it."""
    chapters = [json.loads(path.read_text()) for path in CHAPTERS]
    uses = term_uses(chapters, glossary_terms())
    unlinked = {term: f"{CHAPTERS[chapter].name}, cell {cell}"
                for term, ((chapter, cell, _), linked) in uses.items() if not linked}
    assert unlinked == {}, "first used here without a {term} link"


def test_first_use_finder():
    notebook = {"cells": [
        {"cell_type": "markdown", "source": "# Gradient descent\n\nThe $gradient$ and `gradient` do not count; "
                                            "gradient descent is not a use of the shorter term."},
        {"cell_type": "markdown", "source": "Take the {term}`gradient <Gradient>`, then the local minima."}]}
    uses = term_uses([notebook], ["Gradient", "Gradient descent", "Local minimum"])
    assert uses["Gradient descent"] == ((0, 0, notebook["cells"][0]["source"].index("gradient descent")), False)
    assert uses["Gradient"] == ((0, 1, 9), True)
    assert uses["Local minimum"][1] is False and uses["Local minimum"][0][1] == 1


def test_every_chapter_links_to_the_notation_page():
    for path in CHAPTERS:
        text = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                         if c["cell_type"] == "markdown")
        assert "](../book/notation.md)" in text, f"{path.name} has no link to the notation page"


def test_glossary_is_alphabetical():
    terms = glossary_terms()
    assert len(terms) >= 40
    assert terms == sorted(terms, key=str.lower), "keep book/glossary.md in alphabetical order"


LOCAL_LINK = re.compile(r"\]\(((?!https?:|mailto:|#)[^)\s]+)\)")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_local_links_point_at_files(path):
    """A link to another chapter or a book page is a relative path (JupyterLab opens the file, the
    book resolves it to the page), so it must name a file that exists."""
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] == "markdown":
            for target in LOCAL_LINK.findall("".join(cell["source"])):
                assert (path.parent / target.split("#")[0]).is_file(), f"{path.name}: no file {target}"
