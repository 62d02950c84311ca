"""The printed forms the PDF edition (``make pdf``) relies on, checked without running LaTeX.

In the book's builds an explorable's output carries its default frame as ``image/png``,
which myst-nb picks for LaTeX while the web book keeps choosing the scrubber (built with
and without it, a chapter page has the same size to the byte); in the PDF build
(``NBLIB_PRINT=1``) a caption follows the picture. An exercise's starter prints its
verdict in words, says whether the web book checks it without a kernel, and never shows
the answer. A table the text walks through prints as a table; the edition page, the index
entries and the keeping together of cells are read from the repository and the doctree.
"""

import base64
import html
import io
import pathlib
import re
import sys

import numpy as np
import pytest
import yaml
from markdown_it import MarkdownIt
from myst_nb.core.render import get_mime_priority
from PIL import Image

from nblib.exercises import ChoiceCheck, FunctionCheck, NumberCheck
from nblib.chapters.text import Table
from nblib.exercises._feedback import PRINTED_IN_JUPYTER, PRINTED_WEB_FORM, WEB_EDITION
from nblib.explorable import PRINT_ENV, SCRUBBER_ENV, Slider, explore

ROOT = pathlib.Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
OVERRIDES = [tuple(item) for item in CONFIG["sphinx"]["config"]["nb_mime_priority_overrides"]]
X = np.linspace(0.0, 1.0, 20)

sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "book" / "latex"))
import build_pdf  # noqa: E402
import nblib_latex  # noqa: E402


def line_view(fig):
    ax = fig.subplots()
    (line,) = ax.plot(X, X)
    ax.set_ylim(-5, 5)

    def update(m, method):
        line.set_ydata(m * X)
        line.set_linestyle("-" if method == "SGD" else "--")

    return update


def make():
    return explore(line_view, Slider("m", [-1.0, 0.5, 2.0], label="slope_m α", fmt="{:.2f}"),
                   Slider("method", ["SGD", "Adam*"], default="Adam*"), alt="A line", figsize=(3, 2), dpi=50)


def picked(builder, bundle):
    """The mime type myst-nb renders for ``builder`` from ``bundle``, with the book's overrides."""
    return next((mime for mime in get_mime_priority(builder, OVERRIDES) if mime in bundle), None)


def shown_text(markdown):
    """What a reader sees of a line of MyST markdown: rendered, tags stripped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", MarkdownIt("commonmark").render(markdown))).strip()


def test_the_book_builds_get_the_default_frame_as_a_png_and_jupyter_does_not(monkeypatch):
    monkeypatch.delenv(SCRUBBER_ENV, raising=False)
    monkeypatch.delenv(PRINT_ENV, raising=False)
    explorable = make()
    assert "image/png" not in explorable._repr_mimebundle_(), \
        "in Jupyter a picture output is a captioned figure (tests/test_notebooks_lab.py)"
    monkeypatch.setenv(PRINT_ENV, "1")
    bundle = explorable._repr_mimebundle_()
    png = base64.b64decode(bundle["image/png"])
    assert png == explorable.render((1, 1)), "the still is the frame at the sliders' defaults"
    assert png != explorable.render((2, 0))
    assert Image.open(io.BytesIO(png)).size == (150, 100)


def test_the_web_book_keeps_the_scrubber_and_latex_takes_the_still(monkeypatch):
    monkeypatch.setenv(SCRUBBER_ENV, "1")
    monkeypatch.delenv(PRINT_ENV, raising=False)
    bundle = make()._repr_mimebundle_()
    assert {"text/html", "image/png", "application/vnd.jupyter.widget-view+json"} <= set(bundle)
    assert picked("html", bundle) == "text/html", "the web page must not grow by the still picture"
    assert picked("latex", bundle) == "image/png"
    monkeypatch.delenv(SCRUBBER_ENV)
    monkeypatch.setenv(PRINT_ENV, "1")
    assert picked("latex", make()._repr_mimebundle_()) == "image/png"


def test_print_shows_the_still_then_a_caption_of_its_values_and_ranges(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    monkeypatch.delenv(SCRUBBER_ENV, raising=False)
    monkeypatch.setenv(PRINT_ENV, "1")
    make()._ipython_display_()
    assert len(shown) == 2, "no reopened-notebook still in print: only the picture and its caption"
    assert [picked("latex", output) for output in shown] == ["image/png", "text/markdown"]
    caption = shown[1]
    assert caption["text/plain"] == (
        "At its starting values: slope_m α 0.50, method Adam*. In Jupyter and in the "
        "web edition, sliders set slope_m α (\u22121.00 to 2.00) and method (SGD or Adam*).")
    assert shown_text(caption["text/markdown"]) == caption["text/plain"], "markdown shows the text as it is"
    assert caption["text/markdown"].startswith("*") and caption["text/markdown"].endswith("*")


def test_the_web_book_build_shows_no_caption(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    monkeypatch.setenv(SCRUBBER_ENV, "1")
    monkeypatch.delenv(PRINT_ENV, raising=False)
    make()._ipython_display_()
    assert len(shown) == 1 and picked("html", shown[0]) == "text/html"


NUMBER = NumberCheck(0.0181234, rtol=1e-3, hint="Square the residuals.")
CHOICE = ChoiceCheck("diverges", ["converges", "diverges"], praise="The factor passes -1.")


def _reference(w):
    return 2 * w


FUNCTION = FunctionCheck(_reference, [(1.0,), (2.0,)])


@pytest.mark.parametrize("check, form", [(NUMBER, True), (CHOICE, True), (FUNCTION, False)])
def test_an_exercise_prints_where_its_answer_is_checked_but_not_the_answer(monkeypatch, check, form):
    from IPython.core.formatters import format_display_data

    monkeypatch.delenv(SCRUBBER_ENV, raising=False)
    monkeypatch.setenv(PRINT_ENV, "1")
    feedback = check(...) if check is not FUNCTION else check(lambda w: ...)
    data, _ = format_display_data(feedback)
    assert picked("latex", data) == "text/markdown"
    printed = shown_text(data["text/markdown"])
    assert "No answer yet" not in printed, "scripts/build_pdf.py fails on the notebook's message"
    assert printed.startswith("Where to check your answer. Run this cell in Jupyter")
    assert shown_text(PRINTED_IN_JUPYTER) in printed
    assert (PRINTED_WEB_FORM in printed) is form and (WEB_EDITION in printed) is form
    for secret in ("0.0181", "diverges", "The factor", "2 * w"):
        assert secret not in "".join(str(value) for value in data.values())


def test_the_printed_web_address_is_the_books_github_pages():
    assert WEB_EDITION == nblib_latex.pages_address(CONFIG["repository"]["url"])
    assert WEB_EDITION == yaml.safe_load((ROOT / "CITATION.cff").read_text())["url"]
    assert nblib_latex.pages_address("https://github.com/Some-Org/book.git") == "https://some-org.github.io/book/"
    with pytest.raises(ValueError, match="repository.url"):
        nblib_latex.pages_address("https://gitlab.com/a/b")


def test_the_web_book_and_jupyter_get_no_printed_form(monkeypatch):
    monkeypatch.delenv(PRINT_ENV, raising=False)
    assert NUMBER(...)._repr_markdown_() is None
    assert NUMBER(0.5)._repr_markdown_() is None


def test_a_wrong_answer_prints_its_hint(monkeypatch):
    monkeypatch.setenv(PRINT_ENV, "1")
    assert shown_text(NUMBER(0.5)._repr_markdown_()) == "Not yet. Square the residuals."


def test_missing_characters_are_read_from_a_wrapped_xelatex_log():
    log = ("Missing character: There is no 😀 (U+1F600) in font FreeSerif/OT:script=latn;lan\n"
           "guage=dflt;!\nMissing character: There is no ⁹ (U+2079) in font FreeMono/OT:script=latn;l\n")
    assert build_pdf.missing_characters(log) == ["U+1F600 (😀) in FreeSerif", "U+2079 (⁹) in FreeMono"]
    assert build_pdf.missing_characters("Output written on book.pdf (9 pages).") == []


def test_without_root_the_build_names_the_packages_and_installs_nothing(monkeypatch, capsys):
    monkeypatch.setattr(build_pdf, "present", lambda kind, name: name != "xindy")
    monkeypatch.setattr(build_pdf.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(build_pdf.subprocess, "run", lambda *a, **k: pytest.fail("nothing may run"))
    assert build_pdf.missing_packages() == ["xindy"]
    assert build_pdf.ensure_tex() is False
    message = capsys.readouterr().err
    assert "Missing: xindy." in message and "sudo apt-get install" in message and "texlive-xetex" in message


def test_print_tables_give_room_to_sentences_and_keep_symbols_narrow():
    rows = [["Symbol", "Meaning", "In nblib"],
            ["α", "the learning rate (step size), the largest that converges is 2/λ", "lr of every optimizer"],
            ["t", "the step counter, from 1", "state['t']"]]
    widths = nblib_latex.column_widths(rows, 3)
    assert widths[0] < widths[2] < widths[1] and abs(sum(widths) - 100) <= 2
    long_rows = [["Symbol", "Meaning", "In nblib"],
                 ["α", "the learning rate, " * 6, "lr of every optimizer " * 2]] * 3
    widths = nblib_latex.column_widths(long_rows, 3)
    assert widths[0] / 100 * nblib_latex.LINE >= len("Symbol") + 2, "room for the longest word, unbroken"
    assert widths[1] > widths[2] > widths[0] and abs(sum(widths) - 100) <= 2
    assert nblib_latex.column_widths([["a", "b"], ["c"]], 2) is None


def test_the_latex_settings_name_files_that_exist():
    sphinx = CONFIG["sphinx"]
    for name in sphinx["config"]["latex_additional_files"]:
        assert (ROOT / name).is_file(), name
    assert "nblib_latex" in sphinx["config"]["extensions"] and sphinx["local_extensions"]["nblib_latex"] == "book/latex"
    assert CONFIG["latex"]["latex_engine"] == "xelatex"


def test_print_tables_measure_math_by_what_it_shows_not_its_tex():
    assert nblib_latex.shown_math(r"\mathbf{x}_i") == "xi"
    assert nblib_latex.shown_math(r"\text{cross-entropy}") == "cross-entropy"
    assert nblib_latex.shown_math(r"\varepsilon, \boldsymbol\varepsilon") == "λ, λ"


def test_print_problems_name_what_a_printed_book_must_not_show():
    tex = ("\\begin{sphinxVerbatimOutput}<IPython.core.display.HTML object>\\end{sphinxVerbatimOutput}\n"
           "No answer yet: replace the ... and run the cell again.\n")
    log = ("Overfull \\hbox (12.5pt too wide) in paragraph at lines 10--12\n"
           "Overfull \\hbox (3.0pt too wide) in paragraph at lines 20--21\n"
           "LaTeX Warning: Citation `kingma2015' on page 3 undefined on input line 7.\n"
           "LaTeX Warning: Reference `eq-momentum' on page 4 undefined on input line 9.\n")
    problems = build_pdf.print_problems(tex, log)
    assert len(problems) == 5
    assert any("a Python repr instead of a table" in p for p in problems)
    assert any("exercise" in p for p in problems)
    assert any("12.5 pt too wide" in p for p in problems) and not any("3.0 pt" in p for p in problems)
    assert any("'kingma2015'" in p for p in problems) and any("'eq-momentum'" in p for p in problems)
    assert build_pdf.print_problems("\\section{Momentum}", "Overfull \\hbox (4.9pt too wide)") == []


@pytest.mark.parametrize("shown, what", [
    (r"\PYGZlt{}IPython.core.display.HTML object\PYGZgt{}", "a Python repr instead of a table"),
    (r"\PYGZlt{}Explorable: m, method\PYGZgt{}", "an explorable's repr"),
    (r"\PYGZlt{}nblib.deep.Net object at 0x7f3a2c\PYGZgt{}", "a Python repr"),
    (r"\PYGZlt{}function mse at 0x7f3a2c\PYGZgt{}", "a Python repr"),
    (r"namespace(loss\PYGZus{}a=0.25)", "a Python repr of a namespace"),
    (r" 45\%|████▌     | 45/100", "a progress bar"),
])
def test_print_problems_read_code_output_as_sphinx_escapes_it(shown, what):
    """Sphinx sets code output with Pygments' escapes: the checks read through them."""
    tex = f"\\begin{{sphinxVerbatim}}[commandchars=\\\\\\{{\\}}]\n{shown}\n\\end{{sphinxVerbatim}}\n"
    assert any(p.startswith(what) for p in build_pdf.print_problems(tex, "")), shown


FRAME = ("\\begin{sphinxVerbatimOutput}\n\\begin{sphinxuseclass}{cell_output}\n"
         "\\noindent\\sphinxincludegraphics{{frame}.png}\n\n{CAPTION}\n"
         "\\end{sphinxuseclass}\\end{sphinxVerbatimOutput}\n")


def test_an_explorable_frame_without_its_caption_fails_the_build():
    captioned = FRAME.replace("{CAPTION}", "\\sphinxAtStartPar\n\\sphinxstylestrong{Explorable 3.1. }"
                                           "\\sphinxstyleemphasis{At its starting values: steps 306.} Live at "
                                           "\\sphinxurl{https://a.github.io/b/chapters/03-x.html\\#explorable-3-1}.")
    assert build_pdf.print_problems(captioned, "") == []
    bare = FRAME.replace("{CAPTION}", "")
    assert build_pdf.print_problems(bare, "") == [
        "a picture without a caption (an explorable's frame prints with its caption): frame.png"]
    # the next cell's caption does not count for this one
    assert build_pdf.print_problems(bare + captioned, "") != []
    figure = ("\\begin{figure}[H]\n\\centering\n\\noindent\\sphinxincludegraphics{{fig}.png}\n"
              "\\caption{The seven points.}\\label{x}\\end{figure}\n")
    assert build_pdf.print_problems(figure, "") == []
    assert build_pdf.uncaptioned_pictures(figure.replace("\\caption{The seven points.}", "")) == ["fig.png"]


def test_a_table_prints_as_a_myst_table_and_shows_as_html(monkeypatch):
    from IPython.core.formatters import format_display_data

    table = Table([["<i>i</i>", "1", "2"], ["<i>x<sub>i</sub></i>", "2.4", "2.8"]],
                  [["$i$", "1", "2"], ["$x_i$", "2.4", "2.8"]], align="right", row_heads=True)
    monkeypatch.delenv(PRINT_ENV, raising=False)
    data, _ = format_display_data(table)
    assert "text/markdown" not in data, "JupyterLab and the web book keep the HTML table"
    assert picked("html", data) == "text/html" and data["text/html"].count("<tr>") == 2
    monkeypatch.setenv(PRINT_ENV, "1")
    data, _ = format_display_data(table)
    assert picked("latex", data) == "text/markdown"
    rendered = MarkdownIt("commonmark").enable("table").render(data["text/markdown"])
    assert rendered.count("<tr>") == 2 and "<td style=\"text-align:right\">2.8</td>" in rendered
    assert "$x_i$" in rendered
    with pytest.raises(ValueError, match="same non-empty grid"):
        Table([["a", "b"]], [["a"]])
    with pytest.raises(ValueError, match="align"):
        Table([["a"]], [["a"]], align="centre")


#: Chapter cells that show a Table, by their call: myst-nb must read its markdown as MyST.
TABLE_CELLS = {"02-linear-regression.ipynb": "points_table(", "10-backpropagation.ipynb": "worked_table("}


@pytest.mark.parametrize("name, call", TABLE_CELLS.items())
def test_a_cell_that_shows_a_table_reads_its_markdown_as_myst(name, call):
    import json

    cells = [c for c in json.loads((ROOT / "chapters" / name).read_text())["cells"]
             if c["cell_type"] == "code" and call in "".join(c["source"])]
    assert cells, f"no cell of {name} calls {call}"
    for cell in cells:
        assert cell["metadata"].get("mystnb", {}).get("markdown_format") == "myst", \
            "myst-nb reads text/markdown outputs as CommonMark, which has no tables"


def test_the_edition_page_says_what_the_repository_says():
    facts = nblib_latex.edition_facts(ROOT)
    version = re.search(r'^version\s*=\s*"([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    assert facts["author"] == CONFIG["author"] and "placeholder" not in facts["author"].lower()
    assert facts["version"] == version and re.fullmatch(r"[0-9a-f]{12}|unknown", facts["commit"])
    assert facts["web"] == "https://how-neural-networks-are-trained.github.io/book/"
    assert facts["repository"] == CONFIG["repository"]["url"]
    assert facts["licences"] == ["CC-BY-4.0", "MIT"]
    tex = nblib_latex.edition_tex(facts)
    for needed in (CONFIG["title"], facts["version"], facts["commit"], facts["web"], facts["repository"],
                   "CC BY 4.0", "MIT licence", "How to cite", "CITATION.cff"):
        assert needed in tex, needed
    assert tex.startswith("\\begin{nblibedition}") and tex.endswith("\\end{nblibedition}")
    assert nblib_latex.tex_escape("50% of a_b & {c}") == "50\\% of a\\_b \\& \\{c\\}"


def test_the_index_takes_key_ideas_in_bold_and_spells_them_as_the_glossary():
    assert nblib_latex.IDEA.match("k-fold cross-validation") and nblib_latex.IDEA.match("L2")
    for emphasis in ("AdaGrad's steps shrink.", "20 guesses at 10", "What it buys.", "a b c d e"):
        assert not nblib_latex.IDEA.match(emphasis), emphasis
    terms = {"learning rate": "Learning rate"}
    assert nblib_latex.index_word("learning rate", terms) == "Learning rate"
    assert nblib_latex.index_word("ridge regression", terms) == "Ridge regression"
    assert nblib_latex.index_word("k-fold cross-validation", terms) == "k-fold cross-validation"
    terms = {"mini-batch": "Mini-batch", "nesterov's accelerated gradient": "Nesterov's accelerated gradient"}
    assert nblib_latex.index_word("mini-batches", terms) == "Mini-batch", "a plural is indexed as its term"
    assert nblib_latex.index_word("mini batch", terms) == "Mini-batch"
    assert nblib_latex.index_word("Nesterov’s accelerated gradient", terms) == "Nesterov's accelerated gradient"


def test_a_cell_asks_for_the_room_it_prints_in():
    from docutils import nodes

    code = nodes.literal_block("", "\n".join(["x = 1"] * 5))
    assert nblib_latex.printed_lines(code, ROOT) == 7
    long_line = nodes.literal_block("", "y" * (2 * nblib_latex.CODE_CHARS + 1))
    assert nblib_latex.printed_lines(long_line, ROOT) == 3 + 2, "a wrapped line counts as the lines it wraps to"
    assert nblib_latex.needspace(12).astext() == "\\needspace{12\\baselineskip}\n"
    assert nblib_latex.needspace(99).astext() == f"\\needspace{{{nblib_latex.MOST}\\baselineskip}}\n"


def test_the_latex_settings_keep_figures_and_print_an_index():
    elements = CONFIG["sphinx"]["config"]["latex_elements"]
    assert elements.get("figure_align") == "H", "a figure stays under the code that draws it"
    assert "printindex" not in elements and "makeindex" not in elements, "Sphinx's index, set with xindy"
    sty = (ROOT / "book" / "latex" / "nblib-book.sty").read_text()
    assert "\\nblib@part" not in sty, "no part pages: a part is a line in the contents"


def test_the_pdf_builds_in_a_folder_of_its_own(tmp_path, monkeypatch):
    """Never the web build's doctrees: Sphinx would reuse their screen outputs."""
    calls = []
    monkeypatch.setattr(build_pdf.subprocess, "run", lambda args, **kw: calls.append(args))
    with pytest.raises(RuntimeError, match="no PDF"):
        build_pdf.build(tmp_path)
    output = pathlib.Path(calls[0][calls[0].index("--path-output") + 1])
    assert output == tmp_path / "_build" / "print" and output != tmp_path


#: Web-only wording that print must not show: the PDF has no rocket button, search box or sliders
#: to move "here".
WEB_ONLY = re.compile(r"the rocket button|rocket button at the top|move here|here in the web book|"
                      r"\{kbd\}`Ctrl\+K`(?![^\n]*\n?[^\n]*PDF)", re.I)
ONLY_HTML = re.compile(r"^(:{3,}|`{3,})\{only\} html\n.*?^\1[ \t]*$", re.M | re.S)


@pytest.mark.parametrize("page", ["intro.md", "how-to-use.md"])
def test_the_front_pages_print_no_web_only_wording(page):
    """Print-only wording where the web text says "here", "the rocket button" or "Ctrl+K": such a
    sentence sits in an ``{only} html`` block (with its print form in ``{only} latex``), or says
    which edition it is about."""
    text = (ROOT / "book" / page).read_text()
    printed = ONLY_HTML.sub("", text)
    assert WEB_ONLY.findall(printed) == []
    if page == "intro.md":
        assert "{only} latex" in text and "\\nblibopening{About this book}" in text
        assert any("https://how-neural-networks-are-trained.github.io/book/book.pdf" in block.group(0)
                   for block in ONLY_HTML.finditer(text)), "the landing page offers the whole PDF for download"


@pytest.mark.parametrize("readout, shown", [("-1.00", "\u22121.00"), ("-.5", "\u2212.5"), ("1e-05", "1e-05"),
                                            ("wrong-scale", "wrong-scale"), ("x-1", "x-1")])
def test_a_printed_caption_sets_a_negative_readout_with_a_true_minus_only(readout, shown):
    from nblib.explorable._live import printed

    assert printed(readout) == shown
