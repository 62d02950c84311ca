"""Explorables: the live redraw in Jupyter, and every explorable of the built book.

1. Live redraw, what happens when a reader moves a slider in Jupyter: ``update``
   moves the artists, the figure is rendered and encoded as PNG. Measured on a view
   as heavy as the book's (two panels, a filled contour map, points, residual bars,
   a line, a marker and text that move), plain and with ``freeze_background``.
2. The static form of every explorable in ``_build/html`` (run ``make book`` first):
   bytes embedded against the 1 MB budget, stops per slider, and the time to switch
   frames in headless Chromium (setting the sliders and drawing the frame on the
   canvas, measured by the page's own clock over many random frames), the panels a phone
   stacks and the smallest text (figure pixels; on a page a panel is never drawn so small
   that it falls under 9 CSS px).

Usage: .venv/bin/python benchmarks/bench_explorable.py [path/to/_build/html]
"""

import functools
import json
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from nblib import theme  # noqa: E402
from nblib.explorable import MAX_EMBED_BYTES, Slider, explore, freeze_background  # noqa: E402

X = np.array([2.4, 2.8, 3.2, 3.6, 4.0, 4.2, 5.0])
Y = np.array([1.7, 1.85, 1.79, 1.95, 2.1, 2.0, 2.7])
M, B = np.meshgrid(np.linspace(-2, 4, 200), np.linspace(-6, 8, 200))
J = np.mean((Y[:, None, None] - (M * X[:, None, None] + B)) ** 2, axis=0)
SWITCHES = 500
PAGE_BUDGET = 5 * 1024 * 1024


def view(fig, frozen=False):
    left, right = fig.subplots(1, 2)
    left.scatter(X, Y, zorder=3)
    (line,) = left.plot([], [])
    bars = [left.plot([], [], "--", color="grey")[0] for _ in X]
    left.set_xlim(2, 5.5)
    left.set_ylim(-2, 6)
    text = left.text(0.05, 0.9, "", transform=left.transAxes)
    right.contourf(M, B, J, levels=np.geomspace(J.min(), J.max(), 20), cmap="viridis")
    (marker,) = right.plot([], [], "o", color="white")
    if frozen:
        freeze_background(fig, [line, *bars, text, marker])

    def update(m, b):
        xs = np.array([2.0, 5.5])
        line.set_data(xs, m * xs + b)
        for bar, x, y in zip(bars, X, Y):
            bar.set_data([x, x], [y, m * x + b])
        text.set_text(f"MSE = {np.mean((Y - m * X - b) ** 2):.4f}")
        marker.set_data([m], [b])

    return update


def live_redraw(frozen, repeats=60):
    explorable = explore(functools.partial(view, frozen=frozen), Slider("m", np.linspace(-2, 4, 41)),
                         Slider("b", np.linspace(-6, 8, 41)), alt="benchmark", figsize=(9, 3.8))
    rng = np.random.default_rng(0)
    times = []
    for _ in range(repeats):
        explorable._cache.clear()
        indices = (int(rng.integers(41)), int(rng.integers(41)))
        start = time.perf_counter()
        explorable.render(indices)
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    page = explorable.to_html()
    build = time.perf_counter() - start
    name = "with freeze_background" if frozen else "plain view"
    print(f"live redraw, {name}: median {1000 * statistics.median(times):.1f} ms, "
          f"90th percentile {1000 * sorted(times)[int(0.9 * repeats)]:.1f} ms over {repeats} uncached redraws")
    print(f"  its static form: 41 x 41 = 1681 frames recorded in {build:.1f} s, {len(page) / 1e6:.3f} MB")


def book_explorables(site):
    """Every explorable of the built book: page, name, bytes and stops per slider."""
    found = []
    for page in sorted(Path(site).glob("chapters/*.html")):
        text = page.read_text(encoding="utf-8")
        pattern = r'<div class="explorable" id="([^"]+)" data-name="([^"]*)".*?</script></div>'
        for match in re.finditer(pattern, text, re.S):
            data = json.loads(re.search(r'class="explorable-data">(.*?)</script>', match.group(0), re.S)
                              .group(1).replace("<\\/", "</"))
            stops = [len(s["readouts"]) for s in data["sliders"]]
            panels = data.get("panels") or [{"w": data["width"], "text": None}]
            texts = [p["text"] for p in panels if p.get("text")]
            found.append({"page": page, "id": match.group(1), "name": match.group(2),
                          "bytes": len(match.group(0).encode()), "stops": stops, "panels": panels,
                          "text": min(texts) if texts else None})
    return found


def switch_times(site, explorables):
    """Frame-switch times in headless Chromium, per explorable (milliseconds)."""
    from browser import chromium, serve

    times = {}
    with serve(site) as url, chromium() as browser:
        tab = browser.new_page(viewport={"width": 1200, "height": 900})
        for page in sorted({e["page"] for e in explorables}):
            tab.goto(f"{url}/{page.relative_to(site).as_posix()}")
            tab.wait_for_function("() => window.nblibExplorables && nblibExplorables.all.length > 0")
            for e in (e for e in explorables if e["page"] == page):
                times[e["id"]] = tab.evaluate(f"() => nblibExplorables.time(document.getElementById('{e['id']}'), "
                                              f"{SWITCHES})")
    return times


def main():
    theme.use()
    for frozen in (False, True):
        live_redraw(frozen)
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "_build/html")
    if not (site / "chapters").exists():
        print(f"\nNo built book in {site}: run `make book` first to measure the book's explorables.")
        return
    explorables = book_explorables(site)
    times = switch_times(site, explorables)
    print(f"\nExplorables of the book ({site}); budget {MAX_EMBED_BYTES / 1e6:.1f} MB each, frame switch "
          f"over {SWITCHES} random frames in headless Chromium:")
    print(f"{'page':34} {'explorable':28} {'stops':>12} {'frames':>7} {'KB':>7} "
          f"{'median ms':>9} {'p95 ms':>7} {'max ms':>7} {'panels (px wide)':>18} {'text px':>7}")
    for e in explorables:
        t = sorted(times[e["id"]])
        stops = " x ".join(map(str, e["stops"]))
        verdict = "" if e["bytes"] <= MAX_EMBED_BYTES else "  OVER BUDGET"
        print(f"{e['page'].name[:34]:34} {e['name'][:28]:28} {stops:>12} {int(np.prod(e['stops'])):>7} "
              f"{e['bytes'] / 1e3:>7.0f} {statistics.median(t):>9.2f} {t[int(0.95 * len(t))]:>7.2f} "
              f"{t[-1]:>7.2f} {'+'.join(str(p['w']) for p in e['panels']):>18} "
              f"{e['text'] or 0:>7.2f}{verdict}")
    print("\nChapter pages (budget 5 MiB):")
    for page in sorted(site.glob("chapters/*.html")):
        size = page.stat().st_size
        print(f"  {page.name:40} {size / 2**20:6.2f} MiB{'  OVER BUDGET' if size > PAGE_BUDGET else ''}")


if __name__ == "__main__":
    main()
