"""Check the built web book: nothing loads from another host, every page stays under 5 MiB,
every explorable stays within its byte budget, every chapter carries a working
scrubber, and no address starts at the server's root (so the book works when served from
any path prefix; tests/test_book_browser.py proves it in a browser). Run by `make book`
after the build.

Usage: python scripts/check_site.py _build/html
"""

import re
import sys
from pathlib import Path

MAX_PAGE_BYTES = 5 * 1024 * 1024
MAX_EXPLORABLE_BYTES = 1_000_000      # nblib.explorable.MAX_EMBED_BYTES
EXPLORABLE = re.compile(r'<div class="explorable" id="([^"]+)" data-name="([^"]*)".*?</script></div>', re.S)
STATIC = ["explorable.js", "explorable.css", "fonts/nblib-sans.woff", "fonts/nblib-sans-bold.woff"]
# Attributes through which a page loads something (links to read are fine; loads are not).
LOADS = re.compile(r'<(script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc="((?:https?:)?//[^"]+)"'
                   r'|<link\b[^>]*\bhref="((?:https?:)?//[^"]+)"[^>]*>', re.I)
#: Addresses from the server's root ("/_static/x.js"), which break when the book is served under a prefix.
ROOTED = re.compile(r'\b(?:href|src|action)="(/(?!/)[^"]*)"', re.I)
CSS_ROOTED = re.compile(r'url\(\s*["\']?(/(?!/)[^"\')]*)', re.I)
CSS_LOADS = re.compile(r'(?:@import\s+(?:url\()?|url\()\s*["\']?((?:https?:)?//[^"\')]+)', re.I)


def remote_loads(html):
    """Addresses on other hosts that a page would load (scripts, images, stylesheets, fonts)."""
    found = []
    for match in LOADS.finditer(html):
        tag_text = match.group(0)
        if match.group(3) and re.search(r'rel="(?:canonical|alternate|author|license)"', tag_text):
            continue
        found.append(match.group(2) or match.group(3))
    return found


def explorables(html):
    """(id, name, bytes) of every explorable's static form in a page."""
    return [(m.group(1), m.group(2), len(m.group(0).encode())) for m in EXPLORABLE.finditer(html)]


def problems(site):
    site = Path(site)
    found = [f"_static/{name} is missing" for name in STATIC if not (site / "_static" / name).exists()]
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        found += [f"{page.relative_to(site)} loads {url}" for url in remote_loads(text)]
        found += [f"{page.relative_to(site)} links {url} from the server's root" for url in ROOTED.findall(text)]
        size = page.stat().st_size
        if size > MAX_PAGE_BYTES:
            found.append(f"{page.relative_to(site)} is {size / 2**20:.1f} MiB (limit 5 MiB)")
        if page.parts[-2:-1] == ("chapters",):
            if not explorables(text):
                found.append(f"{page.relative_to(site)} has no scrubber with frames")
        for uid, name, size in explorables(text):
            if size > MAX_EXPLORABLE_BYTES:
                found.append(f"{page.relative_to(site)}: explorable {name!r} ({uid}) embeds "
                             f"{size / 1e6:.2f} MB (budget {MAX_EXPLORABLE_BYTES / 1e6:.1f} MB)")
    for sheet in sorted(site.rglob("*.css")):
        css = sheet.read_text(errors="ignore")
        found += [f"{sheet.relative_to(site)} loads {url}" for url in CSS_LOADS.findall(css)]
        found += [f"{sheet.relative_to(site)} loads {url} from the server's root" for url in CSS_ROOTED.findall(css)]
    return found


def main(site):
    found = problems(site)
    for problem in found:
        print("check_site:", problem)
    chapters = sorted(Path(site).glob("chapters/*.html"))
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 2**20:.2f} MiB" for p in chapters)
    print(f"check_site: {len(chapters)} chapter pages ({sizes}); {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "_build/html"))
