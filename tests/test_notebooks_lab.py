"""Chapters read in JupyterLab as in the web book.

JupyterLab renders the chapters' markdown with jupyterlab-myst (pinned in requirements.txt).
It renders admonitions, math, citations, ``(label)=`` targets, references to labels defined in
markdown (``{ref}``, ``{numref}``, and ``{eq}`` to a ``$$ ... $$ (label)`` or ``{math}`` block,
numbered within the notebook), ``{term}`` (as its text, styled as a link: the glossary is
another file) and ``{eval}`` numbers, but it shows any other role or directive raw or as an
error (``{glue:text}``, ``{glue:figure}``, a ``{numref}`` to a figure that lives in a code cell's
metadata or an ``{eq}`` to another chapter's equation, which it marks "not found"...). The first tests read the chapters' markdown and fail on such syntax; the last one
does what Run All does in Lab (code cells in order, and each markdown cell's ``{eval}``
expressions evaluated in the kernel when the cell is reached) and fails on any error, warning
or number that would not read as text.
"""

import json
import re
from pathlib import Path

import pytest

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


# --- Run All as JupyterLab does it ----------------------------------------------------------------

def run_like_lab(path):
    """Run the chapter in a fresh kernel as Lab's Run All does, evaluating {eval} at each markdown cell.

    Returns ``(outputs, evals)``: per code cell index the list of its outputs (nbformat-like
    dicts), and per expression its ``text/plain`` value or an ``"ERROR ..."`` string.
    """
    from jupyter_client.manager import start_new_kernel

    notebook = load(path)
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(path.parent))
    outputs, evals = {}, {}
    try:
        for index, cell in enumerate(notebook["cells"]):
            source = "".join(cell["source"])
            if cell["cell_type"] == "code":
                collected = []
                kc.execute_interactive(source, timeout=120, output_hook=lambda msg: _collect(msg, collected))
                outputs[index] = collected
            else:
                names = [content for role, content in ROLE.findall(source) if role == "eval"]
                if not names:
                    continue
                reply = kc.execute_interactive("", timeout=60, silent=True,
                                               user_expressions={str(k): n for k, n in enumerate(names)})
                for k, name in enumerate(names):
                    result = reply["content"]["user_expressions"][str(k)]
                    evals[name] = (result["data"]["text/plain"] if result["status"] == "ok"
                                   else f"ERROR {result.get('ename')}: {result.get('evalue')}")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return outputs, evals


def _collect(msg, collected):
    kind = msg["msg_type"]
    if kind in ("stream", "display_data", "execute_result", "error"):
        collected.append({"output_type": kind, **msg["content"]})


def _text(output):
    if output["output_type"] == "stream":
        return output["text"]
    if output["output_type"] == "error":
        return "\n".join(output["traceback"])
    return output.get("data", {}).get("text/plain", "")


@pytest.fixture(scope="module", params=CHAPTERS, ids=lambda p: p.name)
def lab_run(request):
    return load(request.param), run_like_lab(request.param)


def test_lab_run_all_has_no_error_or_warning(lab_run):
    notebook, (outputs, _) = lab_run
    for index, cell_outputs in outputs.items():
        for output in cell_outputs:
            assert output["output_type"] != "error", f"cell {index} raised:\n{_text(output)}"
            assert not (output["output_type"] == "stream" and output["name"] == "stderr"), \
                f"cell {index} wrote to stderr:\n{output['text']}"


def test_every_eval_number_reads_as_text(lab_run):
    _, (_, evals) = lab_run
    assert evals, "the chapter shows no computed number"
    for name, text in evals.items():
        assert not text.startswith("ERROR"), f"{{eval}}`{name}` fails when its markdown cell is run: {text}"
        assert not text[:1] in "'\"<", f"{{eval}}`{name}` shows {text!r}: wrap it in nblib.chapters.shown"
        assert not re.fullmatch(r"-?\d+\.\d{6,}(e[-+]\d+)?", text), \
            f"{{eval}}`{name}` shows the unformatted float {text}: wrap it in nblib.chapters.shown"


def test_figures_are_captioned_labelled_and_described(lab_run):
    notebook, (outputs, _) = lab_run
    figures = 0
    for index, cell_outputs in outputs.items():
        if any("image/png" in o.get("data", {}) for o in cell_outputs):
            figures += 1
            meta = notebook["cells"][index]["metadata"].get("mystnb", {})
            assert meta.get("figure", {}).get("caption") and meta["figure"].get("name"), \
                f"cell {index} draws a figure without a caption and a name in its mystnb metadata"
            assert len(meta.get("image", {}).get("alt", "")) > 40, f"cell {index} draws a figure without alt text"
    assert figures >= 4


def test_run_all_reveals_no_answer(lab_run):
    notebook, (outputs, _) = lab_run
    for index, cell in enumerate(notebook["cells"]):
        if "hide-cell" in cell["metadata"].get("tags", []) or "remove-cell" in cell["metadata"].get("tags", []):
            assert outputs[index] == [], f"cell {index} (a solution or a check) shows output under Run All"
        for output in outputs.get(index, []):
            assert "Correct" not in _text(output), f"cell {index} shows a verdict under Run All"
    starters = [i for i, c in enumerate(notebook["cells"])
                if c["cell_type"] == "code" and re.search(r"^check_\d+_\d+\((answer|\w+)\)$", "".join(c["source"]), re.M)]
    assert starters, "no starter cells found"
    for index in starters:
        assert "No answer yet" in "".join(_text(o) for o in outputs[index]), f"starter cell {index} does not say 'No answer yet'"
