"""Build the PDF edition: the whole book as one PDF through Jupyter Book's LaTeX builder (XeLaTeX).

``make pdf`` runs this. TeX comes from the distribution's packages: when a tool, a LaTeX
package or a font the book needs is missing, this installs the Debian packages with
apt-get if run as root, and otherwise says which packages to install. The notebooks run
with ``NBLIB_PRINT=1``, so outputs take their printed form (an explorable prints its
default frame with a caption, an exercise's starter says where its answer can be checked;
see ``nblib/explorable`` and ``nblib/exercises``; a table the text walks through prints as a
table, ``nblib.chapters.text.Table``); the LaTeX settings are ``latex:`` and ``latex_elements``
in ``_config.yml`` and the files of ``book/latex/``: the edition page after the title page, the
running heads, an index set with xindy, an author-year bibliography, no part pages, each code
cell kept with its output and each exercise with its starter. Sphinx warnings are errors, as
for the web book, and so is a character the fonts do not have.

The chapters execute afresh for the PDF in a build folder of its own, ``_build/print``: Sphinx
would otherwise reuse the web build's doctrees, whose outputs were made for the screen. After
XeLaTeX, the build fails on what a printed book must not show (:func:`print_problems`): a Python
repr where a table or figure belongs, an exercise's "No answer yet", a line more than 5 pt too
wide, a citation or reference LaTeX could not resolve, a picture with no caption (an
explorable's frame prints with its caption, a figure with its own).

    python scripts/build_pdf.py [--path-output DIR]   # the PDF goes to DIR/_build/book.pdf

At the end it prints the PDF's path, its page count, its size and the build time.
"""

import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent

#: What the LaTeX build needs, each with the Debian package that provides it:
#: ("program", name) is found on PATH, ("tex", file) by kpsewhich, ("font", family) by fc-list.
NEEDS = [
    (("program", "xelatex"), "texlive-xetex"),
    (("program", "latexmk"), "latexmk"),
    (("program", "xindy"), "xindy"),
    (("program", "pdfinfo"), "poppler-utils"),
    (("tex", "ucharclasses.sty"), "texlive-xetex"),
    (("tex", "unicode-math.sty"), "texlive-latex-recommended"),
    (("tex", "polyglossia.sty"), "texlive-latex-recommended"),
    (("tex", "fncychap.sty"), "texlive-latex-extra"),
    (("tex", "tabulary.sty"), "texlive-latex-extra"),
    (("tex", "needspace.sty"), "texlive-latex-extra"),
    (("tex", "pgfplots.sty"), "texlive-latex-extra"),
    (("tex", "latinmodern-math.otf"), "fonts-lmodern"),
    (("font", "FreeSerif"), "fonts-freefont-otf"),
    (("font", "DejaVu Sans Mono"), "fonts-dejavu-core"),
]
#: Installed together when anything is missing (texlive-fonts-recommended: the fonts Sphinx's
#: LaTeX expects beside the ones above).
PACKAGES = sorted({package for _, package in NEEDS} | {"texlive-fonts-recommended", "lmodern"})


def present(kind, name):
    if kind == "program":
        return shutil.which(name) is not None
    if kind == "tex":
        if shutil.which("kpsewhich") is None:
            return False
        found = subprocess.run(["kpsewhich", name], capture_output=True, text=True)
        return found.returncode == 0 and bool(found.stdout.strip())
    if shutil.which("fc-list") is None:
        return False
    families = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    return any(name in line.split(",") for line in families.splitlines())


def missing_packages():
    """The Debian packages of whatever the build needs and cannot find, sorted."""
    return sorted({package for (kind, name), package in NEEDS if not present(kind, name)})


def ensure_tex():
    """Install the missing TeX packages as root; otherwise name them. Returns True when all is there."""
    missing = missing_packages()
    if not missing:
        return True
    if os.geteuid() != 0:
        print("The PDF needs TeX from the distribution's packages. Missing: " + ", ".join(missing) + ".\n"
              "Install them with:\n  sudo apt-get install " + " ".join(PACKAGES) + "\nand run 'make pdf' again.",
              file=sys.stderr)
        return False
    print("Installing TeX from the distribution's packages: " + " ".join(PACKAGES))
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES], check=True, env=env)
    still = missing_packages()
    if still:
        print("Still missing after apt-get: " + ", ".join(still), file=sys.stderr)
        return False
    return True


def missing_characters(log_text):
    """The characters XeLaTeX had no glyph for, as "U+XXXX (c) in FONT" lines, from its .log."""
    found = re.findall(r"Missing character: There is no (.+?) \((U\+[0-9A-F]+)\) in font ([^/:!\n]+)", log_text)
    return sorted({f"{code} ({char}) in {font.strip()}" for char, code, font in found})


#: Text of the LaTeX source that shows a screen output where print needs its printed form (read
#: from the source with Pygments' escapes undone, so "\PYGZlt{}" is "<").
SCREEN_ONLY = {
    r"<IPython\.core\.display\.\w+ object>": "a Python repr instead of a table",
    r"<Figure size [^>]*>|<matplotlib\.[^>]* object at": "a Python repr instead of a figure",
    r"<Explorable: [^>]*>": "an explorable's repr instead of its picture",
    r"<[^<>\n]{1,80} at 0x[0-9a-fA-F]+>": "a Python repr",
    r"\b(?:SimpleNamespace|namespace)\([a-z_]+=": "a Python repr of a namespace",
    r"No answer yet": "an exercise's notebook message",
    r"(?:Widget|VBox|HBox)\(": "a widget's repr",
    r"\d+%\|[█▏▎▍▌▋▊▉ #]*\|": "a progress bar",
}
#: Pygments' escapes in Sphinx's LaTeX, undone before reading the source for SCREEN_ONLY.
PYGMENTS = {r"\PYGZlt{}": "<", r"\PYGZgt{}": ">", r"\PYGZus{}": "_", r"\PYGZob{}": "{", r"\PYGZcb{}": "}",
            r"\PYGZpc{}": "%", r"\PYGZbs{}": "\\", r"\PYGZsq{}": "'", r"\PYGZdq{}": '"', r"\PYGZti{}": "~",
            r"\PYGZam{}": "&", r"\PYGZhy{}": "-", r"\PYGZca{}": "^", r"\PYGZsh{}": "#", r"\PYGZdl{}": "$",
            r"\sphinxhyphen{}": "-", r"\_": "_", r"\%": "%", r"\{": "{", r"\}": "}"}
#: A picture in the LaTeX source, and what must follow one that is not a captioned figure: an
#: explorable's printed caption (nblib/explorable's still_caption), numbered and ending with the
#: live version's address (book/ext/nblib_explorables.py), before its cell's output ends.
PICTURE = re.compile(r"\\sphinxincludegraphics(?:\[[^\]]*\])?\{")
EXPLORABLE_CAPTION = re.compile(r"Explorable\s+\d+\.\d+\.[\s{}]*(?:\\[a-zA-Z]+[\s{}]*)*At its starting values"
                                r".*?Live at.*?\.github\.io/.*?\\?#explorable-\d+-\d+", re.S)
OUTPUT_END = "\\end{sphinxVerbatimOutput}"
#: The file name in ``\sphinxincludegraphics{{name}.png}`` (or ``{name.png}``).
IMAGE_NAME = re.compile(r"\{([^{}]*)\}(\.\w+)\}|([^{}]*)\}")
#: An overfull box in the LaTeX log, and how much it overflows by.
OVERFULL = re.compile(r"^Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\)(.*)$", re.M)
UNRESOLVED = re.compile(r"LaTeX Warning: (?:Citation|Reference|Hyper reference) `([^']+)' "
                        r"(?:on page \d+ )?undefined")


def unescaped(tex_text):
    """The LaTeX source with Pygments' and Sphinx's escapes of code output undone."""
    for escape, char in PYGMENTS.items():
        tex_text = tex_text.replace(escape, char)
    return tex_text


def uncaptioned_pictures(tex_text):
    """The pictures of the LaTeX source that are neither a captioned figure nor an explorable's
    frame with its caption, as the file names of their images."""
    found = []
    for match in PICTURE.finditer(tex_text):
        before = tex_text[:match.start()]
        in_figure = before.rfind("\\begin{figure}") > before.rfind("\\end{figure}")
        if in_figure:
            end = tex_text.find("\\end{figure}", match.end())
            if "\\caption{" in tex_text[match.end():end]:
                continue
        output_end = tex_text.find(OUTPUT_END, match.end())
        after = tex_text[match.end():output_end if output_end >= 0 else len(tex_text)]
        if EXPLORABLE_CAPTION.search(unescaped(after)):
            continue
        name = IMAGE_NAME.match(tex_text, match.end())
        found.append("".join(part or "" for part in name.groups()) if name else "?")
    return found


def print_problems(tex_text, log_text, tolerance_pt=5.0):
    """What the printed book must not have, as readable lines (an empty list when there is none)."""
    plain = unescaped(tex_text)
    problems = [f"{what}: {match.group(0)[:60]!r}" for pattern, what in SCREEN_ONLY.items()
                for match in re.finditer(pattern, plain)]
    problems += [f"a picture without a caption (an explorable's frame prints with its caption): {name}"
                 for name in uncaptioned_pictures(tex_text)]
    problems += [f"a line {float(points):.1f} pt too wide{where.rstrip()}"
                 for points, where in OVERFULL.findall(log_text) if float(points) > tolerance_pt]
    problems += [f"unresolved citation or reference {key!r}" for key in sorted(set(UNRESOLVED.findall(log_text)))]
    return problems


def page_count(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def build(path_output):
    """Run Jupyter Book's LaTeX builder and XeLaTeX; returns the PDF's path."""
    latex = path_output / "_build" / "print" / "_build" / "latex"
    shutil.rmtree(latex.parent, ignore_errors=True)
    env = {key: value for key, value in os.environ.items() if key != "NBLIB_SCRUBBER"}
    env.update(NBLIB_PRINT="1", LATEXMKOPTS="-silent")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "jupyter_book_jobs.py"), "build", str(ROOT),
                    "--builder", "pdflatex",
                    "--path-output", str(latex.parent.parent), "-W", "-n", "--keep-going"],
                   cwd=ROOT, env=env, check=True)
    pdf = latex / "book.pdf"
    if not pdf.is_file():
        raise RuntimeError(f"no PDF at {pdf}")
    problems = print_problems(pdf.with_suffix(".tex").read_text(errors="replace"),
                              pdf.with_suffix(".log").read_text(errors="replace"))
    if problems:
        raise RuntimeError("the PDF shows what print must not:\n  " + "\n  ".join(problems))
    return pathlib.Path(shutil.copyfile(pdf, path_output / "_build" / "book.pdf"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path-output", default=str(ROOT),
                        help="folder whose _build receives book.pdf (default: the repository)")
    parser.add_argument("--packages", action="store_true",
                        help="print the Debian packages the build needs, one line, and stop")
    args = parser.parse_args(argv)
    if args.packages:
        print(" ".join(PACKAGES))
        return 0
    if not ensure_tex():
        return 1
    start = time.monotonic()
    try:
        pdf = build(pathlib.Path(args.path_output).resolve())
    except (subprocess.CalledProcessError, RuntimeError) as error:
        print(f"The PDF did not build: {error}", file=sys.stderr)
        return 1
    seconds = time.monotonic() - start
    log = pathlib.Path(args.path_output).resolve() / "_build" / "print" / "_build" / "latex" / "book.log"
    absent = missing_characters(log.read_text(errors="replace"))
    if absent:
        print("The fonts lack these characters (see book/latex/nblib-book.sty):\n  " + "\n  ".join(absent),
              file=sys.stderr)
        return 1
    minutes, rest = divmod(round(seconds), 60)
    print(f"\nThe PDF is built: {pdf}\n"
          f"  {page_count(pdf)} pages, {pdf.stat().st_size / 1e6:.1f} MB, built in {minutes} min {rest} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
