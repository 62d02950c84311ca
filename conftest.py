"""The chapters are validated with nbval, and read as JupyterLab reads them, in one run.

``make test`` passes ``chapters --nbval-lax``: nbval runs every chapter of ``_toc.yml`` in a
fresh kernel, one test per code cell, and fails on any cell that raises. A reader's scratch
notebook in ``chapters/`` is not collected. Two things ride on that same run, so each chapter
executes once:

- before each code cell, the ``{eval}`` expressions of the markdown cells above it are
  evaluated in the chapter's kernel, as jupyterlab-myst does when *Run All* reaches them;
- after the last cell, one more test, ``Lab: ...``, checks what Run All showed: no error and
  nothing on stderr, every ``{eval}`` number reads as text, every figure has a caption, a label
  and alt text, and no answer shows (``tests/lab_checks.py``).
"""

import pathlib
import queue
import re
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tests"))

EVAL = re.compile(r"\{eval\}`([^`]*)`")


def _toc_chapters():
    return set(re.findall(r"file:\s*chapters/(\S+)", (ROOT / "_toc.yml").read_text()))


def pytest_ignore_collect(collection_path, config):
    """Only the book's chapters: a scratch notebook saved in chapters/ is the reader's own."""
    if collection_path.suffix == ".ipynb" and collection_path.parent == ROOT / "chapters":
        return collection_path.stem not in _toc_chapters()
    return None


def pytest_collection_modifyitems(session, config, items):
    """After the last cell of each notebook, the test of what Run All showed in it."""
    from nbval.plugin import IPyNbFile

    extended = []
    for index, item in enumerate(items):
        extended.append(item)
        notebook = item.parent
        last = index + 1 == len(items) or items[index + 1].parent is not notebook
        if isinstance(notebook, IPyNbFile) and last:
            extended.append(LabRun.from_parent(notebook, name=f"Lab: {notebook.path.name}"))
    items[:] = extended


def _is_cell(item):
    from nbval.plugin import IPyNbCell

    return isinstance(item, IPyNbCell)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """Evaluate the {eval}s above a code cell before it runs; keep its outputs after."""
    if not _is_cell(item):
        yield
        return
    notebook = item.parent
    index = next(k for k, cell in enumerate(notebook.nb.cells) if cell is item.cell)
    _evaluate_markdown(notebook, upto=index)
    yield
    _run_of(notebook)["outputs"][index] = list(getattr(item, "test_outputs", []))


def _run_of(notebook):
    if not hasattr(notebook, "lab_run"):
        notebook.lab_run = {"outputs": {}, "evals": {}, "evaluated_upto": 0}
    return notebook.lab_run


def _evaluate_markdown(notebook, upto):
    """Evaluate the {eval} expressions of the markdown cells before cell ``upto`` not yet evaluated."""
    run = _run_of(notebook)
    cells = notebook.nb.cells[run["evaluated_upto"]:upto]
    run["evaluated_upto"] = max(run["evaluated_upto"], upto)
    names = [name for cell in cells if cell.cell_type == "markdown" for name in EVAL.findall(cell.source)]
    if names and notebook.kernel is not None and notebook.kernel.is_alive():
        run["evals"].update(_user_expressions(notebook.kernel, names))


def _user_expressions(kernel, names):
    """``{name: text/plain of its value, or "ERROR ..."}``, evaluated as jupyterlab-myst does."""
    msg_id = kernel.kc.execute("", silent=True, store_history=False,
                               user_expressions={str(k): name for k, name in enumerate(names)})
    while True:
        try:
            reply = kernel.get_message(stream="shell", timeout=60)
        except queue.Empty:
            return {name: "ERROR no reply from the kernel" for name in names}
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    results = reply["content"].get("user_expressions", {})
    values = {}
    for k, name in enumerate(names):
        result = results.get(str(k), {"status": "error", "ename": "missing"})
        values[name] = (result["data"]["text/plain"] if result["status"] == "ok"
                        else f"ERROR {result.get('ename')}: {result.get('evalue')}")
    return values


class LabRun(pytest.Item):
    """What JupyterLab's Run All showed in one chapter, checked after nbval has run its cells."""

    def runtest(self):
        from lab_checks import lab_problems_of_run

        notebook = self.parent
        _evaluate_markdown(notebook, upto=len(notebook.nb.cells))
        run = _run_of(notebook)
        problems = lab_problems_of_run(notebook.nb, run["outputs"], run["evals"])
        if problems:
            raise AssertionError(f"{notebook.path.name} under Run All:\n  " + "\n  ".join(problems))

    def reportinfo(self):
        return self.parent.path, None, self.name
