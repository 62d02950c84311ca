"""Redraw time of a live explorable and the size of its scrubber.

A live redraw is what happens when a reader moves a slider in Jupyter: ``update`` moves
the artists, the figure is rendered and encoded as PNG. The view below is as heavy as
the book's views get: two panels, a filled contour map drawn once, points, residual
bars, a line, a marker and text that move. It is measured as it is, and with
freeze_background (the static parts drawn once), as chapter 2 does.

Usage: .venv/bin/python benchmarks/bench_explorable.py
"""

import functools
import statistics
import time

import numpy as np

from nblib import theme
from nblib.explorable import Slider, explore, freeze_background

X = np.array([2.4, 2.8, 3.2, 3.6, 4.0, 4.2, 5.0])
Y = np.array([1.7, 1.85, 1.79, 1.95, 2.1, 2.0, 2.7])
M, B = np.meshgrid(np.linspace(-2, 4, 200), np.linspace(-6, 8, 200))
J = np.mean((Y[:, None, None] - (M * X[:, None, None] + B)) ** 2, axis=0)


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


def measure(frozen, repeats):
    explorable = explore(functools.partial(view, frozen=frozen), Slider("m", np.linspace(-2, 4, 13)),
                         Slider("b", np.linspace(-6, 8, 11)), alt="benchmark", figsize=(9, 3.8))
    rng = np.random.default_rng(0)
    times = []
    for _ in range(repeats):
        explorable._cache.clear()
        indices = (int(rng.integers(13)), int(rng.integers(11)))
        start = time.perf_counter()
        explorable.render(indices)
        times.append(time.perf_counter() - start)
    explorable._cache.clear()
    start = time.perf_counter()
    page = explorable.to_html()
    build = time.perf_counter() - start
    name = "with freeze_background" if frozen else "plain view"
    print(f"{name}: live redraw (update + render + PNG), {repeats} uncached redraws: "
          f"median {1000 * statistics.median(times):.1f} ms, "
          f"90th percentile {1000 * sorted(times)[int(0.9 * repeats)]:.1f} ms")
    print(f"{name}: scrubber of 143 frames rendered in {build:.2f} s, {len(page) / 2**20:.2f} MiB of HTML "
          f"({len(page) / 143 / 1024:.1f} KiB per frame)")


def main(repeats=60):
    theme.use()
    for frozen in (False, True):
        measure(frozen, repeats)


if __name__ == "__main__":
    main()
