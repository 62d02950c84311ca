"""What JupyterLab's Run All must show in a chapter, checked on the outputs of one run.

The run is nbval's (see the repository's ``conftest.py``): ``outputs`` maps a code cell's index in
the notebook to its outputs (nbformat dicts), ``evals`` each ``{eval}`` expression to the
``text/plain`` of its value, or ``"ERROR ..."``. :func:`lab_problems_of_run` returns what a reader
would find wrong, as sentences; an empty list when there is nothing.
"""

import re

#: A starter cell: the reader's call of an exercise's check.
STARTER = re.compile(r"^check_\d+_\d+\((answer|\w+)\)$", re.M)
#: How many captioned figures a chapter shows at least.
MIN_FIGURES = 4


def output_text(output):
    if output["output_type"] == "stream":
        return output["text"]
    if output["output_type"] == "error":
        return "\n".join(output.get("traceback", []))
    return output.get("data", {}).get("text/plain", "")


def lab_problems_of_run(notebook, outputs, evals):
    cells = notebook["cells"]
    return (_errors(outputs) + _evals(evals) + _figures(cells, outputs) + _answers(cells, outputs))


def _errors(outputs):
    problems = []
    for index, cell_outputs in sorted(outputs.items()):
        for output in cell_outputs:
            if output["output_type"] == "error":
                problems.append(f"cell {index} raised:\n{output_text(output)}")
            elif output["output_type"] == "stream" and output["name"] == "stderr":
                problems.append(f"cell {index} wrote to stderr:\n{output['text']}")
    return problems


def _evals(evals):
    if not evals:
        return ["the chapter shows no computed number"]
    problems = []
    for name, text in evals.items():
        if text.startswith("ERROR"):
            problems.append(f"{{eval}}`{name}` fails when its markdown cell is run: {text}")
        elif text[:1] in "'\"<":
            problems.append(f"{{eval}}`{name}` shows {text!r}: wrap it in nblib.chapters.shown")
        elif re.fullmatch(r"-?\d+\.\d{6,}(e[-+]\d+)?", text):
            problems.append(f"{{eval}}`{name}` shows the unformatted float {text}: wrap it in nblib.chapters.shown")
    return problems


def _figures(cells, outputs):
    problems, figures = [], 0
    for index, cell_outputs in sorted(outputs.items()):
        if any("image/png" in output.get("data", {}) for output in cell_outputs):
            figures += 1
            meta = cells[index]["metadata"].get("mystnb", {})
            if not (meta.get("figure", {}).get("caption") and meta["figure"].get("name")):
                problems.append(f"cell {index} draws a figure without a caption and a name in its mystnb metadata")
            if len(meta.get("image", {}).get("alt", "")) <= 40:
                problems.append(f"cell {index} draws a figure without alt text")
    if figures < MIN_FIGURES:
        problems.append(f"only {figures} figures under Run All (at least {MIN_FIGURES} expected)")
    return problems


def _answers(cells, outputs):
    problems = []
    for index, cell in enumerate(cells):
        tags = cell["metadata"].get("tags", [])
        if ("hide-cell" in tags or "remove-cell" in tags) and outputs.get(index):
            problems.append(f"cell {index} (a solution or a check) shows output under Run All")
        if any("Correct" in output_text(output) for output in outputs.get(index, [])):
            problems.append(f"cell {index} shows a verdict under Run All")
    starters = [index for index, cell in enumerate(cells)
                if cell["cell_type"] == "code" and STARTER.search("".join(cell["source"]))]
    if not starters:
        problems.append("no starter cells found")
    problems += [f"starter cell {index} does not say 'No answer yet'" for index in starters
                 if "No answer yet" not in "".join(output_text(o) for o in outputs.get(index, []))]
    return problems
