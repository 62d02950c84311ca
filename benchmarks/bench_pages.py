"""Page weight: every page of the built book, with everything a browser loads to show it.

Each page is opened in headless Chromium (served on 127.0.0.1, cache off) and every response
is counted: the HTML, its scripts, style sheets, fonts, images and the MathJax parts that
load on demand. Printed per page: the HTML alone, the whole weight, the number of requests,
and the largest kinds. A chapter page may weigh at most 5 MiB; the script exits 1 naming
any that weighs more.

Usage: .venv/bin/python benchmarks/bench_pages.py [path/to/_build/html]   (run `make book` first)
"""

import collections
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from browser import chromium, serve  # noqa: E402

PAGE_BUDGET = 5 * 1024 * 1024
KINDS = {"document": "html", "script": "js", "stylesheet": "css", "font": "font", "image": "img"}


def weigh(browser, url):
    """Bytes loaded by one page, by kind ({kind: bytes}), and the number of requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    responses = []
    page = context.new_page()
    page.on("response", lambda response: responses.append(response))
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(300)   # MathJax's fonts and menus load after idle
    by_kind = collections.Counter()
    for response in responses:
        try:
            body = response.body()
        except Exception:        # a redirect or an aborted request has no body
            continue
        by_kind[KINDS.get(response.request.resource_type, "other")] += len(body)
    context.close()
    return by_kind, len(responses)


def pages(site):
    """Every page of the book (HTML files but Sphinx's own search, index and sources)."""
    skip = {"search.html", "genindex.html"}
    return [p for p in sorted(site.rglob("*.html"))
            if p.name not in skip and "_sources" not in p.parts and "_static" not in p.parts]


def main(site):
    site = Path(site).resolve()
    over = []
    print(f"{'page':<46} {'HTML':>9} {'total':>9} {'requests':>8}  largest parts")
    with serve(site, prefix="/book/") as base, chromium() as browser:
        for path in pages(site):
            name = path.relative_to(site).as_posix()
            by_kind, requests = weigh(browser, f"{base}/{name}")
            total = sum(by_kind.values())
            parts = ", ".join(f"{kind} {size / 1024:.0f} KiB" for kind, size in by_kind.most_common(3))
            print(f"{name:<46} {by_kind['html'] / 1024:>7.0f} K {total / 2**20:>7.2f} M {requests:>8}  {parts}")
            if name.startswith("chapters/") and total > PAGE_BUDGET:
                over.append(name)
    print(f"\nChapter page budget {PAGE_BUDGET / 2**20:.0f} MiB (everything loaded): "
          + (f"over it: {', '.join(over)}" if over else "every chapter page is within it"))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "_build/html"))
