"""Check the built web book: nothing loads from another host, chapter pages stay small,
and every chapter carries a working scrubber. Run by `make book` after the build.

Usage: python scripts/check_site.py _build/html
"""

import re
import sys
from pathlib import Path

MAX_PAGE_BYTES = 5 * 1024 * 1024
# Attributes through which a page loads something (links to read are fine; loads are not).
LOADS = re.compile(r'<(script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc="((?:https?:)?//[^"]+)"'
                   r'|<link\b[^>]*\bhref="((?:https?:)?//[^"]+)"[^>]*>', re.I)
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


def problems(site):
    site = Path(site)
    found = []
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        found += [f"{page.relative_to(site)} loads {url}" for url in remote_loads(text)]
        if page.parts[-2:-1] == ("chapters",):
            size = page.stat().st_size
            if size > MAX_PAGE_BYTES:
                found.append(f"{page.relative_to(site)} is {size / 2**20:.1f} MiB (limit 5 MiB)")
            frames = text.count("data:image/png;base64,")
            if 'class="explorable"' not in text or frames < 2:
                found.append(f"{page.relative_to(site)} has no scrubber with frames")
    for sheet in sorted(site.rglob("*.css")):
        found += [f"{sheet.relative_to(site)} loads {url}" for url in CSS_LOADS.findall(sheet.read_text(errors="ignore"))]
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
