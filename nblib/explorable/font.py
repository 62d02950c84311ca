"""The web font that explorables draw their moving text with.

matplotlib draws text with DejaVu Sans, which ships inside matplotlib itself.
The book serves a copy cut down to the characters figures use (Latin, Greek,
punctuation, super- and subscripts, arrows and mathematical operators), so a
label drawn in the browser has the same letters as one drawn by matplotlib.
``make book`` writes the files with ``python -m nblib.explorable.font .vendor/fonts``.
"""

import logging
import os
import sys
from pathlib import Path

import matplotlib
from fontTools import subset

#: Unicode ranges kept in the font.
RANGES = [(0x20, 0x7E), (0xA0, 0xFF), (0x370, 0x3FF), (0x2000, 0x206F), (0x2070, 0x209F),
          (0x2100, 0x214F), (0x2190, 0x21FF), (0x2200, 0x22FF), (0x25A0, 0x25FF)]

#: File written for each weight, from matplotlib's own font of that weight.
FILES = {"nblib-sans.woff": "DejaVuSans.ttf", "nblib-sans-bold.woff": "DejaVuSans-Bold.ttf"}


def write_fonts(folder):
    """Write the web fonts into ``folder`` (created if missing); returns their paths."""
    if not isinstance(folder, (str, os.PathLike)) or not str(folder):
        raise TypeError(f"folder must be a path to write the fonts into, got {folder!r}")
    logging.getLogger("fontTools").setLevel(logging.ERROR)   # it reports tables it drops, harmlessly
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    source = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    written = []
    for name, ttf in FILES.items():
        font = subset.load_font(str(source / ttf), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[c for low, high in RANGES for c in range(low, high + 1)])
        subsetter.subset(font)
        subset.save_font(font, str(folder / name), options)
        written.append(folder / name)
    return written


if __name__ == "__main__":
    for path in write_fonts(sys.argv[1] if len(sys.argv) > 1 else ".vendor/fonts"):
        print(f"{path}: {path.stat().st_size / 1024:.0f} KiB")
