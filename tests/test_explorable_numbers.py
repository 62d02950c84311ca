"""Explorables are numbered by chapter (book/ext/nblib_explorables.py): the web book labels each
one "Explorable N.k" with the anchor explorable-N-k, and print's caption under its picture carries
the same number and the address of that anchor on the web edition."""

import pathlib
import sys

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document
from sphinx import addnodes

from nblib.explorable._live import CAPTION_OPENING

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book" / "ext"))
sys.path.insert(0, str(ROOT / "scripts"))
import build_pdf  # noqa: E402
import nblib_explorables as numbers  # noqa: E402

WEB = "https://how-neural-networks-are-trained.github.io/book/"


def document():
    return new_document("test", get_default_settings(Parser))


def caption(text="steps 306."):
    paragraph = nodes.paragraph()
    paragraph += nodes.emphasis("", f"{CAPTION_OPENING} {text}")
    return paragraph


def test_a_chapter_is_named_by_its_file_and_other_pages_are_not_chapters():
    assert numbers.chapter_number("chapters/06-adaptive-methods") == 6
    assert numbers.chapter_number("chapters/13-putting-it-together") == 13
    assert numbers.chapter_number("book/intro") is None
    assert numbers.chapter_number("chapters/notes") is None
    assert numbers.live_address(WEB, "chapters/06-adaptive-methods", 6, 2) == (
        WEB + "chapters/06-adaptive-methods.html#explorable-6-2")


def test_print_numbers_the_captions_chapter_by_chapter_and_says_where_each_moves():
    book = document()
    pages = [("book/intro", 1), ("chapters/05-momentum", 1), ("chapters/06-adaptive-methods", 3)]
    for docname, count in pages:
        book += addnodes.start_of_file(docname=docname)
        for _ in range(count):
            book += caption()
        book += nodes.paragraph("", "A paragraph that is not a caption.")
    assert numbers.number_captions(book, WEB) == ["5.1", "6.1", "6.2", "6.3"]
    captions = [p for p in book.findall(nodes.paragraph) if CAPTION_OPENING in p.astext()]
    assert captions[0].astext() == f"{CAPTION_OPENING} steps 306.", "the landing page numbers none"
    assert captions[3].astext() == (f"Explorable 6.2. {CAPTION_OPENING} steps 306. Live at "
                                    f"{WEB}chapters/06-adaptive-methods.html#explorable-6-2.")
    assert isinstance(captions[3][0], nodes.strong)
    link = next(captions[3].findall(nodes.reference))
    assert link["refuri"] == link.astext() == WEB + "chapters/06-adaptive-methods.html#explorable-6-2"


def test_the_web_labels_each_explorable_with_the_anchor_print_sends_a_reader_to():
    page = document()
    for k in range(2):
        output = nodes.container()
        output += nodes.raw("", f'<div class="explorable" id="explorable-{k}abc">…</div>', format="html")
        page += output
    page += nodes.raw("", '<div class="explorable-still">not a scrubber</div>', format="html")
    assert numbers.label_explorables(page, 11) == 2
    labels = [raw.astext() for raw in page.findall(nodes.raw) if "explorable-number" in raw.astext()]
    assert [label.split('id="')[1].split('"')[0] for label in labels] == ["explorable-11-1", "explorable-11-2"]
    assert ">Explorable 11.2<" in labels[1]
    first = next(iter(page.findall(nodes.container)))
    assert "explorable-number" in first[0].astext() and 'class="explorable"' in first[1].astext()


def test_the_pdf_build_refuses_a_caption_without_its_number_or_its_address():
    frame = ("\\begin{sphinxVerbatimOutput}\n\\noindent\\sphinxincludegraphics{{frame}.png}\n\n"
             "\\sphinxAtStartPar\n{CAPTION}\n\\end{sphinxVerbatimOutput}\n")
    whole = ("\\sphinxstylestrong{Explorable 6.2. }\\sphinxstyleemphasis{At its starting values: a 1.} "
             "Live at \\sphinxurl{https://o.github.io/b/chapters/06-a.html\\#explorable-6-2}.")
    assert build_pdf.uncaptioned_pictures(frame.replace("{CAPTION}", whole)) == []
    unnumbered = whole.replace("\\sphinxstylestrong{Explorable 6.2. }", "")
    no_address = whole.split(" Live at")[0]
    for caption_text in (unnumbered, no_address):
        assert build_pdf.uncaptioned_pictures(frame.replace("{CAPTION}", caption_text)) == ["frame.png"]
