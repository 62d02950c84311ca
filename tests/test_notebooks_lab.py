"""Chapters read in JupyterLab as in the web book.

JupyterLab renders the chapters' markdown with jupyterlab-myst (pinned in requirements.txt).
It renders admonitions, math, citations, ``(label)=`` targets, references to labels defined in
markdown (``{ref}``, ``{numref}``, and ``{eq}`` to a ``$$ ... $$ (label)`` or ``{math}`` block,
numbered within the notebook), ``{term}`` (as its text, styled as a link: the glossary is
another file) and ``{eval}`` numbers, but it shows any other role or directive raw or as an
error (``{glue:text}``, ``{glue:figure}``, a ``{numref}`` to a figure that lives in a code cell's
metadata or an ``{eq}`` to another chapter's equation, which it marks "not found"...). The first
tests read the chapters' markdown and fail on such syntax. Run All as Lab does it (code cells in
order, and each markdown cell's ``{eval}`` expressions evaluated in the kernel when the cell is
reached) is nbval's run of the chapters in ``make test``, with the Lab checks riding on it (the
repository's ``conftest.py`` and ``tests/lab_checks.py``); the last tests here show that those
checks fail on what a reader would see wrong.
"""

import json
import re
from pathlib import Path

import pytest

from lab_checks import MIN_FIGURES, lab_problems_of_run

ROOT = Path(__file__).parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))

#: Roles jupyterlab-myst renders (numref, ref and eq only to labels defined in markdown).
LAB_ROLES = {"eval", "cite", "cite:p", "cite:t", "math", "numref", "ref", "eq", "term", "sub", "sup", "abbr"}

#: Directives jupyterlab-myst renders, of those the book uses.
LAB_DIRECTIVES = {"admonition", "note", "tip", "hint", "important", "warning", "caution", "attention",
                  "danger", "error", "seealso", "math"}

ROLE = re.compile(r"\{([^{}`\s]+)\}`([^`]*)`")
DIRECTIVE = re.compile(r"^[ \t]*(?:`{3,}|:{3,})\{([^}]*)\}", re.M)
TARGET = re.compile(r"^\(([^()\s]+)\)=[ \t]*$", re.M)
OPTION_LABEL = re.compile(r"^:(?:name|label):[ \t]*(\S+)", re.M)
#: The label of a displayed equation written ``$$ ... $$ (label)``.
DOLLAR_LABEL = re.compile(r"\$\$[ \t]*\(([^()\s]+)\)[ \t]*$", re.M)
FENCED = re.compile(r"^[ \t]*(`{3,}|:{3,})\{([^}]*)\}.*?^[ \t]*\1[ \t]*$", re.M | re.S)

#: What {eval} accepts, as set in _config.yml (nb_eval_name_regex): a name or a dotted attribute.
EVAL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*(\.[a-zA-Z_][a-zA-Z0-9_]*)*$")


def markdown_cells(notebook):
    return [(i, "".join(c["source"])) for i, c in enumerate(notebook["cells"]) if c["cell_type"] == "markdown"]


def lab_problems(notebook):
    """Every piece of MyST in ``notebook`` that JupyterLab would not render, as readable strings."""
    cells = markdown_cells(notebook)
    labels = {label for _, text in cells
              for label in TARGET.findall(text) + OPTION_LABEL.findall(text) + DOLLAR_LABEL.findall(text)}
    problems = []
    for index, text in cells:
        for role, content in ROLE.findall(text):
            if role not in LAB_ROLES:
                problems.append(f"cell {index}: role {{{role}}} is shown raw in JupyterLab")
            elif role in ("numref", "ref", "eq") and content.split("<")[-1].rstrip(">") not in labels:
                problems.append(f"cell {index}: {{{role}}}`{content}` points to no label defined in this "
                                "chapter's markdown, so JupyterLab shows a broken reference (write 'the figure "
                                "below' or 'the update of chapter 3' instead)")
            elif role == "eval" and not EVAL_NAME.match(content):
                problems.append(f"cell {index}: {{eval}}`{content}` is not a name or a dotted attribute")
        for directive in DIRECTIVE.findall(text):
            if directive.strip() not in LAB_DIRECTIVES:
                problems.append(f"cell {index}: directive {{{directive}}} is shown raw in JupyterLab")
        for block in FENCED.finditer(text):
            if "{eval}`" in block.group(0):
                problems.append(f"cell {index}: {{eval}} inside a {{{block.group(2)}}} block is shown raw in "
                                "JupyterLab; move the number into the prose around it")
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code" and re.search(r"\bglue\(", "".join(cell["source"])):
            problems.append(f"cell {index}: glue() outputs are invisible in JupyterLab; use {{eval}} or a figure cell")
    return problems


def load(path):
    return json.loads(path.read_text())


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_uses_only_myst_that_lab_renders(path):
    assert lab_problems(load(path)) == []


def _notebook(*markdown, code=()):
    cells = [{"cell_type": "markdown", "source": text, "metadata": {}} for text in markdown]
    cells += [{"cell_type": "code", "source": text, "metadata": {}, "outputs": []} for text in code]
    return {"cells": cells}


@pytest.mark.parametrize("text, complaint", [
    ("The loss is {glue:text}`mse_ols:.4f`.", "role {glue:text}"),
    ("```{glue:figure} fig-bowl\n:name: fig-bowl\n\nThe bowl.\n```", "directive {glue:figure}"),
    (":::{eval:figure} fig\n:::", "directive {eval:figure}"),
    ("See {numref}`fig-bowl`.", "points to no label"),
    ("Value {eval}`f(x)`.", "not a name"),
    ("{download}`data.csv`", "role {download}"),
    ("$$\nx\n$$ (eq-a)\n\nSee {eq}`eq-b`.", "points to no label"),
    ("See {eq}`eq-gd-update` of chapter 3.", "points to no label"),
    (":::{admonition} Exercise 1.1\nThe loss is {eval}`demo.loss`.\n:::", "inside a {admonition} block"),
])
def test_lab_check_fails_on_syntax_lab_shows_raw(text, complaint):
    problems = lab_problems(_notebook(text))
    assert len(problems) == 1 and complaint in problems[0], problems


def test_lab_check_accepts_what_lab_renders():
    good = _notebook("(sec-a)=\n## A\n\nSee {ref}`sec-a`, {cite:t}`gauss1809` and $x^2$; {eval}`demo.loss`.\n\n"
                     ":::{admonition} Exercise 1.1\nText.\n:::\n\n```{math}\n:label: eq-a\nx\n```\n{numref}`eq-a`",
                     "$$\ny = x\n$$ (eq-b)\n\nBy {eq}`eq-b` and {eq}`eq-a`, the {term}`loss <Loss>` is small.")
    assert lab_problems(good) == []
    assert "glue()" in lab_problems(_notebook(code=['glue("x", 1, display=False)']))[0]


# --- What Run All shows: checked on nbval's run (conftest.py), here on small made-up runs ----------

def _run(*cells):
    """A notebook of ``(cell_type, source, tags, mystnb)`` cells."""
    return {"cells": [{"cell_type": kind, "source": source, "metadata": {"tags": tags, "mystnb": meta}}
                      for kind, source, tags, meta in cells]}


_FIGURE_META = {"figure": {"caption": "A caption.", "name": "fig-a"}, "image": {"alt": "x" * 50}}
_GOOD = _run(*[("code", "fig()", [], _FIGURE_META)] * MIN_FIGURES, ("code", "check_1_1(answer)", [], {}),
             ("code", "# One way\ncheck_1_1.confirm(1)", ["hide-cell"], {}))
_PNG = {"output_type": "display_data", "data": {"image/png": "...", "text/plain": "<Figure>"}}
_NO_ANSWER = {"output_type": "stream", "name": "stdout", "text": "No answer yet."}


def _outputs(**changes):
    outputs = {k: [_PNG] for k in range(MIN_FIGURES)}
    outputs.update({MIN_FIGURES: [_NO_ANSWER], MIN_FIGURES + 1: []})
    outputs.update({int(k[1:]): v for k, v in changes.items()})
    return outputs


def test_a_good_run_has_no_problem():
    assert lab_problems_of_run(_GOOD, _outputs(), {"fits.m": "0.3356"}) == []


@pytest.mark.parametrize("outputs, evals, complaint", [
    (_outputs(c0=[{"output_type": "error", "traceback": ["ZeroDivisionError"]}]), {"a": "1"}, "cell 0 raised"),
    (_outputs(c1=[_PNG, {"output_type": "stream", "name": "stderr", "text": "careful"}]), {"a": "1"}, "stderr"),
    (_outputs(), {}, "no computed number"),
    (_outputs(), {"a": "ERROR NameError: a"}, "fails when its markdown cell is run"),
    (_outputs(), {"a": "'0.3'"}, "wrap it in nblib.chapters.shown"),
    (_outputs(), {"a": "0.33561234"}, "unformatted float"),
    (_outputs(c4=[]), {"a": "1"}, "does not say 'No answer yet'"),
    (_outputs(c5=[{"output_type": "stream", "name": "stdout", "text": "Correct!"}]), {"a": "1"}, "shows output"),
    ({k: v for k, v in _outputs().items() if k}, {"a": "1"}, "only 3 figures"),
])
def test_run_checks_fail_on_what_a_reader_would_see_wrong(outputs, evals, complaint):
    problems = lab_problems_of_run(_GOOD, outputs, evals)
    assert any(complaint in problem for problem in problems), problems


def test_a_figure_without_caption_or_alt_text_is_named():
    bare = _run(*[("code", "fig()", [], {})] * MIN_FIGURES, ("code", "check_1_1(answer)", [], {}))
    problems = lab_problems_of_run(bare, _outputs(), {"a": "1"})
    assert sum("without a caption" in p for p in problems) == MIN_FIGURES
    assert sum("without alt text" in p for p in problems) == MIN_FIGURES


def test_make_test_validates_the_chapters_with_nbval():
    command = next(line for line in (ROOT / "Makefile").read_text().splitlines() if "$(BIN)/python -m pytest" in line)
    assert "chapters" in command.split() and "--nbval-lax" in command.split()
