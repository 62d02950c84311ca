"""The book's search page, in a real browser, and the snippet cleaner it loads.

Sphinx builds each result's snippet from the page's HTML as sent, where the mathematics is TeX
source and the toolbar, print-only contents and hidden solutions are text too;
``book/assets/searchtext.js`` leaves those out and reads TeX as symbols. ``book/assets/search.css``
starts the search field's text after its magnifier (it covered the query's first letter).
"""

import json
import shutil
import subprocess

import pytest

from browser import one_tab
from built_book import ROOT, html_dir

SCRIPT = ROOT / "book" / "assets" / "searchtext.js"
QUERIES = ("momentum", "dropout", "backpropagation", "warm-up")


@pytest.mark.skipif(not shutil.which("node"), reason="Node.js is not installed")
@pytest.mark.parametrize("tex, text", [
    (r"\(1/(1 - \beta)\)", "1/(1 - β)"),
    (r"(3.8)\[ J(W_t) - J^* = \tfrac12 E_t^\top H E_t \]", "(3.8) J(W_t) - J^* = 1/2 E_t^ᵀ H E_t"),
    (r"\(\frac{\lambda}{2}\sum w^2\)", "(λ)/(2)Σ w^2"),
    (r"\(\alpha < 2/\lambda_{max}\)", "α < 2/λ_max"),
])
def test_tex_reads_as_symbols(tex, text):
    program = f"console.log(require({json.dumps(str(SCRIPT))}).nblibTexAsText({json.dumps(tex)}))"
    done = subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == text


@pytest.fixture(scope="module")
def search_page():
    with one_tab(html_dir()) as (base, page):
        yield base + "search.html", page


@pytest.mark.parametrize("query", QUERIES)
def test_snippets_show_what_the_reader_reads(search_page, query):
    url, page = search_page
    page.goto(f"{url}?q={query}")
    page.wait_for_function("document.querySelectorAll('#search-results li p, #search-results li div').length >= 3",
                           timeout=30000)
    snippets = page.eval_on_selector_all("#search-results li p, #search-results li div",
                                         "nodes => nodes.map(n => n.innerText)")
    text = "\n".join(snippets)
    for leftover in ("\\(", "\\[", "\\frac", "\\alpha", "Contents", "Launch", ".confirm(", "Show the solution"):
        assert leftover not in text, (query, leftover)


def test_the_query_starts_after_the_magnifier(search_page):
    url, page = search_page
    page.goto(f"{url}?q=momentum")
    icon_right, text_left = page.evaluate("""() => {
        const icon = document.querySelector('main form.bd-search i').getBoundingClientRect();
        const field = document.querySelector('main form.bd-search input');
        const box = field.getBoundingClientRect(), style = getComputedStyle(field);
        return [icon.right, box.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft)];
    }""")
    assert text_left >= icon_right + 4
