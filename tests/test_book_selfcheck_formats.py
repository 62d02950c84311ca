"""The web book's self-checks read answers written the ways people write them, in Chromium.

For every number self-check of a chapter (a single expected value), the right answer is typed
in the forms a reader uses, each built from the check's own data, and must be judged right:
scientific notation (``2.26e3``), a power of ten (``2.26×10^3``, ``2.26 x 10^3``), thousands
separators (``2,260``) for a whole answer of four digits or more, and a percentage (``32%``) for
an answer between 0 and 1. A count (``integer``) is not right with a fractional part. The
Python side of the same rules is in tests/test_exercises.py; selfcheck.js runs unchanged here.
"""

import math

import pytest

from browser import one_tab
from built_book import html_dir

PAGES = ["chapters/01-why-training-is-hard.html", "chapters/05-momentum.html", "chapters/07-overfitting-and-evaluation.html",
         "chapters/10-backpropagation.html", "chapters/13-putting-it-together.html"]

SPECS = """() => Array.from(document.querySelectorAll("form.nblib-selfcheck")).map((form) => {
  const spec = JSON.parse(form.querySelector(".nblib-selfcheck-spec").textContent);
  return {id: form.id, kind: spec.kind, expected: spec.expected, integer: !!spec.integer};
})"""

VERDICT = """([id, answer]) => {
  const form = document.getElementById(id);
  form.reset();
  form.querySelector(".nblib-selfcheck-answer").value = answer;
  form.querySelector(".nblib-selfcheck-button").click();
  const verdict = form.querySelector(".nblib-selfcheck-verdict");
  return [verdict.className, verdict.textContent.trim()];
}"""


def spellings(x):
    """The right answer ``x`` as people write it: (label, text) pairs."""
    exponent = math.floor(math.log10(abs(x))) if x else 0
    mantissa = x / 10 ** exponent
    forms = [("scientific", f"{x:.9e}"), ("power", f"{mantissa:.9f}×10^{exponent}"),
             ("spaced power", f"{mantissa:.9f} x 10^{exponent}")]
    if float(x).is_integer() and abs(x) >= 1000:
        forms.append(("thousands", f"{int(x):,}"))
    if 0 < x < 1:
        forms.append(("percent", f"{100 * x:.9g}%"))
    return forms


@pytest.fixture(scope="module")
def book():
    with one_tab(html_dir()) as (base, page):
        yield base, page


@pytest.mark.parametrize("path", PAGES)
def test_answers_written_the_ways_people_write_them(book, path):
    base, page = book
    page.goto(base + path)
    page.wait_for_selector("form.nblib-selfcheck")
    checked, problems = 0, []
    for spec in page.evaluate(SPECS):
        if spec["kind"] != "number" or not isinstance(spec["expected"], (int, float)):
            continue
        for label, text in spellings(spec["expected"]):
            classes, message = page.evaluate(VERDICT, [spec["id"], text])
            checked += 1
            if "nblib-feedback-correct" not in classes.split():
                problems.append(f"{spec['id']}: {label} {text!r} got {message!r}")
        if spec["integer"]:
            classes, message = page.evaluate(VERDICT, [spec["id"], str(spec["expected"] + 0.4)])
            if "nblib-feedback-correct" in classes.split():
                problems.append(f"{spec['id']}: a count was right with a fractional part")
    assert checked >= 3 and problems == []
