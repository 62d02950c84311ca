"""Explorables numbered by chapter, so that print can send a reader to the live one.

The k-th explorable of chapter N (in the order of the chapter) is Explorable N.k, and its
anchor on the chapter's page is ``explorable-N-k``:

- in the web book (HTML builders), a label "Explorable N.k" carrying that anchor goes above it;
- in print (the LaTeX builder), the caption nblib prints under its picture
  (:func:`nblib.explorable._live.still_caption`) begins with "Explorable N.k." in bold and ends
  with the address of the live explorable: the chapter's page of the web edition (the GitHub
  Pages site of ``repository.url``), at that anchor.

Chapter N is the page ``chapters/NN-name``; other pages (the landing page) number none.
"""

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from nblib.explorable._live import CAPTION_OPENING

#: A chapter's page, and its number.
CHAPTER = re.compile(r"^chapters/(\d+)-")
#: The start of an explorable's static form (nblib.explorable._page.scrubber_html).
SCRUBBER = '<div class="explorable" id="explorable-'


def chapter_number(docname):
    """The chapter a page is, or None for a page that is not a chapter."""
    match = CHAPTER.match(docname or "")
    return int(match.group(1)) if match else None


def anchor(chapter, k):
    """The id of the k-th explorable of a chapter on its page."""
    return f"explorable-{chapter}-{k}"


def live_address(web, docname, chapter, k):
    """Where the k-th explorable of a chapter moves: its page of the web edition at ``web``."""
    return f"{web}{docname}.html#{anchor(chapter, k)}"


def label_html(chapter, k):
    name = anchor(chapter, k)
    return (f'<p class="explorable-number" id="{name}">Explorable {chapter}.{k}'
            f'<a class="headerlink" href="#{name}" title="Link to this explorable">#</a></p>')


def label_explorables(document, chapter):
    """Put the numbered label above each explorable (a scrubber's raw HTML) of chapter ``chapter``."""
    scrubbers = [raw for raw in document.findall(nodes.raw)
                 if "html" in raw.get("format", "").split() and SCRUBBER in raw.astext()]
    for k, raw in enumerate(scrubbers, start=1):
        raw.parent.insert(raw.parent.index(raw), nodes.raw("", label_html(chapter, k), format="html"))
    return len(scrubbers)


def number_captions(document, web):
    """Number the printed captions of the whole book's ``document`` (its pages follow one another,
    each opened by a ``start_of_file`` node) and end each with the live version's address on
    the web edition at ``web``. Returns the numbers given, as "N.k" strings."""
    docname, k, given = "", 0, []
    for node in list(document.findall(nodes.Element)):
        if isinstance(node, addnodes.start_of_file):
            docname, k = node["docname"], 0
        elif isinstance(node, nodes.paragraph) and node.astext().startswith(CAPTION_OPENING):
            chapter = chapter_number(docname)
            if chapter is None:
                continue
            k += 1
            url = live_address(web, docname, chapter, k)
            node.insert(0, nodes.strong("", f"Explorable {chapter}.{k}. "))
            node += [nodes.Text(" Live at "), nodes.reference(url, url, refuri=url), nodes.Text(".")]
            given.append(f"{chapter}.{k}")
    return given


class WebNumbers(SphinxPostTransform):
    default_priority = 230
    formats = ("html",)

    def run(self, **kwargs):
        chapter = chapter_number(self.env.docname)
        if chapter is not None:
            label_explorables(self.document, chapter)


class PrintNumbers(SphinxPostTransform):
    default_priority = 230
    builders = ("latex",)

    def run(self, **kwargs):
        from nblib_latex import pages_address

        number_captions(self.document, pages_address(self.config.html_theme_options.get("repository_url", "")))


def setup(app):
    app.add_post_transform(WebNumbers)
    app.add_post_transform(PrintNumbers)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
