"""What the PDF edition needs from Sphinx beyond its settings (the LaTeX builder only).

The edition page. :func:`edition_tex` writes the page on the back of the title page from the
repository itself: the title and authors of _config.yml, the version of pyproject.toml, the
commit, the licences and the citation of CITATION.cff, the web book's and the repository's
addresses. It becomes part of ``latex_elements["maketitle"]``.

The index. Sphinx indexes a glossary's terms where they are defined; :class:`PrintIndex`
adds an entry for each term where a chapter uses it (a ``{term}`` link) and for each key
idea a chapter sets in bold where it introduces it.

Keeping together. :class:`PrintKeep` puts a ``\\needspace`` before every code cell (its
code and its output, figures included) and before every exercise (its text and the starter
cell under it), as tall as they are estimated to print, so that a page break does not part
them when they fit on a page.

Tables. Sphinx sets a table of up to 30 rows with ``tabulary``, which cannot break across
pages: the notation tables ran off the bottom of the page. Every table is set as a
``longtable`` here, with column widths in proportion to what the columns hold (a symbol
column stays narrow, a column of sentences gets the room), since a longtable without
widths would set each column on one unbroken line.
"""

import datetime
import os
import pathlib
import re
import subprocess

import numpy as np
import yaml
from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent

#: A column is given at least this many characters' width, and at most this many.
NARROWEST, WIDEST = 5, 60
#: About how many characters of a table's text fit across the page; the room a column's
#: longest word may claim, as a share of the line.
LINE, WIDEST_FLOOR = 80, 0.4


class PrintTables(SphinxPostTransform):
    default_priority = 200
    builders = ("latex",)

    def run(self, **kwargs):
        for table in self.document.findall(nodes.table):
            tgroup = next(table.findall(nodes.tgroup), None)
            if tgroup is None:
                continue
            colspecs = [child for child in tgroup.children if isinstance(child, nodes.colspec)]
            widths = column_widths(_rows(tgroup), len(colspecs))
            if widths is None:
                continue
            for colspec, width in zip(colspecs, widths):
                colspec["colwidth"] = width
            table["classes"] = [c for c in table["classes"] if c != "colwidths-auto"]
            table["classes"] += ["longtable", "colwidths-given"]


def _rows(tgroup):
    """The text of every cell as printed, row by row (head and body)."""
    return [[_printed(entry) for entry in row.findall(nodes.entry)] for row in tgroup.findall(nodes.row)]


def _printed(entry):
    """A cell's text about as long as it prints: its math as the symbols it shows, not its TeX."""
    return "".join(shown_math(text.astext()) if isinstance(text.parent, (nodes.math, nodes.math_block))
                   else text.astext() for text in entry.findall(nodes.Text))


def shown_math(tex):
    r"""TeX source shortened to about the characters it shows: ``\mathbf{x}_i`` is "xi",
    ``\text{cross-entropy}`` is "cross-entropy", ``\lambda_{max}`` is "λmax"."""
    tex = re.sub(r"\\(text|mathrm|mathbf|mathit|boldsymbol|operatorname|mathbb|mathcal|hat|bar|tilde)\b",
                 "", tex)
    tex = re.sub(r"\\[a-zA-Z]+", "λ", tex)
    return re.sub(r"[{}^_\\\s]", "", tex) if " " not in tex.strip() else re.sub(r"[{}^_\\]", "", tex)


def column_widths(rows, count):
    """Integer widths (summing to about 100) for ``count`` columns holding ``rows`` of cell texts.

    A column's share is the length of its longer cells (the 80th percentile, so one long
    cell does not take the page), clipped to [NARROWEST, WIDEST]. Then each column gets at
    least the room its longest word needs on a line of LINE characters (a header is set in
    bold, a cell has padding), so that no word is hyphenated in a narrow column
    ("Sym-bol"). None when a row does not have ``count`` cells (spanning cells).
    """
    if count == 0 or not rows or any(len(row) != count for row in rows):
        return None
    lengths = np.array([[len(text) for text in row] for row in rows], dtype=float)
    longest_word = np.array([[max((len(word) for word in text.split()), default=0) for text in row]
                             for row in rows]).max(axis=0)
    share = np.clip(np.percentile(lengths, 80, axis=0), NARROWEST, WIDEST)
    fraction = share / share.sum()
    floor = np.minimum((1.1 * longest_word + 2) / LINE, WIDEST_FLOOR)
    narrow = fraction < floor
    if narrow.any() and not narrow.all():
        fraction[narrow] = floor[narrow]
        fraction[~narrow] = share[~narrow] / share[~narrow].sum() * (1 - floor[narrow].sum())
    return [max(1, int(round(100 * f))) for f in fraction]


# --- The edition page ---------------------------------------------------------------------------

def tex_escape(text):
    """``text`` with LaTeX's special characters escaped."""
    table = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
             "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
    return "".join(table.get(c, c) for c in str(text))


def pages_address(repository_url):
    """The GitHub Pages address of a GitHub repository: github.com/OWNER/NAME -> OWNER.github.io/NAME/."""
    match = re.match(r"https?://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?$", repository_url or "")
    if match is None:
        raise ValueError(f"repository.url must be a GitHub repository's address, got {repository_url!r}")
    return f"https://{match.group(1).lower()}.github.io/{match.group(2)}/"


def edition_facts(root=ROOT):
    """What the edition page says, read from the repository: a dict of plain strings."""
    config = yaml.safe_load((root / "_config.yml").read_text())
    citation = yaml.safe_load((root / "CITATION.cff").read_text())
    version = re.search(r'^version\s*=\s*"([^"]+)"', (root / "pyproject.toml").read_text(), re.M).group(1)

    def git(*args):
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short=12", "HEAD") or "unknown"
    # Untracked build folders do not count; a tracked file changed since the commit does.
    changed = bool(git("status", "--porcelain", "--untracked-files=no"))
    repository = config["repository"]["url"]
    licences = citation.get("license", [])
    licences = [licences] if isinstance(licences, str) else licences
    authors = ", ".join(a.get("name") or " ".join(filter(None, [a.get("given-names"), a.get("family-names")]))
                        for a in citation["authors"])
    year = str(citation.get("date-released", ""))[:4] or str(config.get("copyright", ""))
    return {
        "title": config["title"], "author": config["author"], "version": version,
        "commit": commit, "changed": changed,
        "date": datetime.date.today().isoformat(),
        "web": pages_address(repository), "repository": repository, "licences": licences,
        "citation": f"{authors} ({year}). {citation['title']}. Version {citation.get('version', version)}. "
                    f"{citation.get('url', pages_address(repository))}",
        "copyright": str(config.get("copyright", year)),
    }


#: How the edition page names a licence of CITATION.cff, with the licence's address.
LICENCES = {
    "CC-BY-4.0": ("The text and the figures are licensed under the Creative Commons Attribution 4.0 "
                  "International licence (CC BY 4.0)", "https://creativecommons.org/licenses/by/4.0/"),
    "MIT": ("the code (nblib, the code cells of the chapters, the scripts and the tests) under the MIT "
            "licence", "https://opensource.org/license/mit"),
}


def edition_tex(facts):
    """The edition page as LaTeX (the ``nblibedition`` environment of nblib-book.sty)."""
    e = tex_escape
    licences = [LICENCES.get(name, (f"licensed under {name}", None)) for name in facts["licences"]]
    licence = "; ".join(f"{e(words)} (\\url{{{url}}})" if url else e(words) for words, url in licences)
    return "\n".join([
        r"\begin{nblibedition}",
        rf"{{\Large\bfseries {e(facts['title'])}}}\par",
        rf"{e(facts['author'])}\par",
        rf"Version {e(facts['version'])}, built on {e(facts['date'])} from commit "
        rf"\texttt{{{e(facts['commit'])}}} of the book's repository"
        + (" (with local changes)" if facts.get("changed") else "") + r".\par",
        r"\textbf{The web edition}, with explorables whose sliders move and exercises that check "
        rf"their answers in the page: \url{{{facts['web']}}}\par",
        r"\textbf{The repository}, with the chapters as Jupyter notebooks, the nblib package and the "
        rf"tests; every number and figure in this book is computed by its code: \url{{{facts['repository']}}}\par",
        rf"\textbf{{Licence.}} Copyright \textcopyright{{}} {e(facts['copyright'])} {e(facts['author'])}. "
        rf"{licence}. The LICENSE file of the repository has the terms.\par",
        rf"\textbf{{How to cite}} (CITATION.cff in the repository): {e(facts['citation'].rsplit(' ', 1)[0])} "
        rf"\url{{{facts['citation'].rsplit(' ', 1)[1]}}}\par",
        r"\end{nblibedition}",
    ])


# --- The index --------------------------------------------------------------------------------------

#: Bold words that are emphasis, not an idea to look up.
NOT_IDEAS = {"years", "rate", "exact", "vanished", "one-sided", "centred", "the recipe", "he", "glorot", "gain"}
#: A key idea in bold: one to four words of letters, hyphens, apostrophes and digits after a letter
#: (L2, AdamW), not a sentence (no final full stop).
IDEA = re.compile(r"^[A-Za-z][A-Za-z0-9'’-]*(?: [A-Za-z][A-Za-z0-9'’-]*){0,3}$")


def index_word(text, terms):
    """The index's spelling of a phrase: the glossary's when it is a term (or a term's plural),
    else capitalised; with a plain apostrophe, as Sphinx's own glossary entries have it."""
    text = text.strip().replace("’", "'")
    key = text.lower()
    for stem in (key, key[:-1] if key.endswith("s") else None, key[:-2] if key.endswith("es") else None):
        for candidate in (stem, stem and stem.replace("-", " "), stem and stem.replace(" ", "-")):
            if candidate in terms:
                return terms[candidate]
    return text[:1].upper() + text[1:] if text[1:2] != "-" else text


#: Where an index entry may not go (a moving argument, or text set as code).
NO_INDEX = (nodes.title, nodes.caption, nodes.term, nodes.literal, nodes.rubric, nodes.field_name,
            nodes.subtitle, nodes.table)


def paragraph_level(node):
    """The outermost inline node around ``node`` inside its paragraph (so that an index entry put
    before it is written from the paragraph, not from inside a macro's argument), or None where
    no entry may go."""
    anchor = node
    while isinstance(anchor.parent, nodes.Inline):
        anchor = anchor.parent
    ancestor = anchor.parent
    while ancestor is not None:
        if isinstance(ancestor, NO_INDEX):
            return None
        ancestor = ancestor.parent
    return anchor


def index_entry(text, main=""):
    return addnodes.index(entries=[("single", text, "", main, None)], inline=True)


class PrintIndex(SphinxPostTransform):
    """Index entries where the chapters use a glossary term and where they introduce a key idea.

    Sphinx writes a glossary term's own entry from inside the term (a macro's argument), where
    a hyphen is written differently from a paragraph's: those entries move to the start of the
    term's definition, so that each term is one entry of the index with all its pages.
    """

    default_priority = 210
    builders = ("latex",)

    def run(self, **kwargs):
        terms = {}
        for term in self.document.findall(nodes.term):
            for target in term.get("ids", []):
                terms[target] = term.astext().replace("’", "'")
            item = term.parent
            definition = next((c for c in item.children if isinstance(c, nodes.definition)), None)
            paragraph = next(iter(definition.findall(nodes.paragraph)), None) if definition is not None else None
            for index in list(term.findall(addnodes.index)):
                if paragraph is None:
                    continue
                index.parent.remove(index)
                index["entries"] = [(kind, value.replace("’", "'"), tid, main, key)
                                    for kind, value, tid, main, key in index["entries"]]
                index["inline"] = True
                paragraph.insert(0, index)
        spelled = {text.lower(): text for text in terms.values()}
        docname = ""
        for node in list(self.document.findall(nodes.Element)):
            if isinstance(node, addnodes.start_of_file):
                docname = node["docname"]
            if not docname.startswith("chapters/") or node.parent is None:
                continue
            entry = None
            if isinstance(node, nodes.reference) and "std-term" in node.get("classes", []) + [
                    c for child in node.children for c in getattr(child, "get", lambda *_: [])("classes", [])]:
                target = node.get("refid") or node.get("refuri", "").rpartition("#")[2]
                entry = terms.get(target)
            elif isinstance(node, nodes.strong) and len(node.children) == 1 and isinstance(node[0], nodes.Text):
                text = node.astext().strip()
                if IDEA.match(text) and text.lower() not in NOT_IDEAS:
                    entry = index_word(text, spelled)
            anchor = paragraph_level(node) if entry else None
            if anchor is not None:
                anchor.parent.insert(anchor.parent.index(anchor), index_entry(entry))


# --- Keeping a cell with its output, an exercise with its starter -----------------------------------

#: The page's text height in lines (A4, 11 pt, the margins of _config.yml), and the most a
#: \needspace may ask for: more than that, and the cell is left to break across pages.
PAGE_LINES, MOST = 52, 40
#: Characters of code (small monospace) and of text on a line; the text width in inches.
CODE_CHARS, TEXT_CHARS, TEXT_WIDTH_IN, LINE_IN = 95, 100, 6.3, 13.6 / 72.27


def _classes(node):
    return node.get("classes", []) if isinstance(node, nodes.Element) else []


def image_lines(node, srcdir):
    """The lines of text an output picture takes, from its size in pixels and its dpi."""
    from PIL import Image

    uri = node.get("candidates", {}).get("*") or node.get("uri", "")
    path = pathlib.Path(uri) if os.path.isabs(uri) else pathlib.Path(srcdir) / uri
    try:
        with Image.open(path) as image:
            (w, h), dpi = image.size, image.info.get("dpi", (72, 72))[0] or 72
    except (OSError, ValueError):
        return 20
    width, height = w / dpi, h / dpi
    if width > TEXT_WIDTH_IN:
        height *= TEXT_WIDTH_IN / width
    return int(height / LINE_IN) + 2


def printed_lines(node, srcdir):
    """About how many lines ``node`` takes in print."""
    if isinstance(node, nodes.image):
        return image_lines(node, srcdir)
    if isinstance(node, nodes.literal_block):
        return sum(1 + len(line) // CODE_CHARS for line in node.astext().splitlines()) + 2
    if isinstance(node, (nodes.caption, nodes.paragraph, nodes.title)):
        return 1 + len(node.astext()) // TEXT_CHARS + 1
    if isinstance(node, nodes.Element) and len(node.children):
        inner = sum(printed_lines(child, srcdir) for child in node.children if isinstance(child, nodes.Element))
        return inner + (3 if isinstance(node, (nodes.admonition, nodes.table)) else 0)
    return 1 + len(node.astext()) // TEXT_CHARS


def next_cell(node):
    """The code cell that follows ``node`` (past the \\needspace before it), or None."""
    siblings = node.parent.children
    for sibling in siblings[siblings.index(node) + 1:]:
        if isinstance(sibling, nodes.raw) and "needspace" in sibling.astext():
            continue
        return sibling if isinstance(sibling, nodes.container) and "cell" in _classes(sibling) else None
    return None


def needspace(lines):
    return nodes.raw("", f"\\needspace{{{min(lines, MOST)}\\baselineskip}}\n", format="latex")


class PrintKeep(SphinxPostTransform):
    """A \\needspace before each code cell and each exercise, as tall as they print."""

    default_priority = 220
    builders = ("latex",)

    def run(self, **kwargs):
        srcdir = self.app.srcdir
        for cell in list(self.document.findall(nodes.container)):
            if "cell" not in _classes(cell) or cell.parent is None:
                continue
            lines = printed_lines(cell, srcdir)
            if lines <= PAGE_LINES - 8:
                cell.parent.insert(cell.parent.index(cell), needspace(lines))
        for exercise in list(self.document.findall(nodes.admonition)):
            title = next(iter(exercise.findall(nodes.title)), None)
            if title is None or not title.astext().startswith("Exercise") or exercise.parent is None:
                continue
            lines = printed_lines(exercise, srcdir)
            starter = next_cell(exercise)
            if starter is not None:
                lines += printed_lines(starter, srcdir)
            if lines <= PAGE_LINES - 8:
                exercise.parent.insert(exercise.parent.index(exercise), needspace(lines))


def _drop_absent_static_paths(app, config):
    """The PDF build (NBLIB_PRINT=1) does not need the web book's static files, which
    `make book` fetches into .vendor: a PDF built first would warn that they are absent."""
    if os.environ.get("NBLIB_PRINT") == "1":
        config.html_static_path = [p for p in config.html_static_path if (pathlib.Path(app.confdir) / p).exists()]


def _edition_page(app):
    """The title page, then the edition page (the LaTeX builder only)."""
    if app.builder.name == "latex":
        app.builder.context["maketitle"] = (r"\sphinxmaketitle" + "\n"
                                            + edition_tex(edition_facts(pathlib.Path(app.confdir))))


def setup(app):
    app.add_post_transform(PrintTables)
    app.add_post_transform(PrintIndex)
    app.add_post_transform(PrintKeep)
    app.connect("config-inited", _drop_absent_static_paths, priority=100)
    app.connect("builder-inited", _edition_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
