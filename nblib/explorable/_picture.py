"""Pictures for explorables: a figure's pixels, compact PNG files and data URIs."""

import base64
import io

import numpy as np
from PIL import Image


def rgba(canvas):
    """Draw the figure on its Agg ``canvas`` and return a copy of its pixels, (height, width, 4) uint8."""
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def png(pixels, colors=256, optimize=False):
    """PNG bytes of an RGB or RGBA array, reduced to a palette of ``colors`` colours.

    A palette costs a third of the bytes of full colour, and line art loses
    nothing visible. Transparent pixels stay transparent. ``optimize`` spends
    more time compressing: worth it for a picture stored once in a page, not
    for a live frame.
    """
    image = Image.fromarray(np.ascontiguousarray(pixels))
    if image.mode == "RGBA" and image.getextrema()[3][0] == 255:
        image = image.convert("RGB")           # opaque: no alpha to keep
    image = image.quantize(colors=colors, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    image.save(out, format="png", optimize=optimize)
    return out.getvalue()


def data_uri(png_bytes):
    """A ``data:image/png;base64,...`` URI of PNG bytes."""
    return "data:image/png;base64," + base64.b64encode(png_bytes).decode("ascii")


def png_uri(pixels):
    """A data URI of the (well compressed) PNG of ``pixels``, for a page."""
    return data_uri(png(pixels, optimize=True))


def crop_to_ink(pixels):
    """The smallest part of an RGBA array that holds every non-transparent pixel.

    Returns ``(crop, left, top)``, or ``(None, 0, 0)`` when nothing is drawn.
    """
    ink = pixels[..., 3] > 0
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if len(rows) == 0:
        return None, 0, 0
    top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    return pixels[top:bottom, left:right], int(left), int(top)
