"""Explorables: one definition, two forms.

A chapter writes a *view*: a function that receives a matplotlib figure, draws
the artists once and returns an ``update(**values)`` function that only moves
them. It lists its sliders, each with the values a reader may pick::

    def view(fig):
        ax = fig.subplots()
        line, = ax.plot(x, 0 * x)
        def update(m):
            line.set_ydata(m * x)
        return update

    explore(view, Slider("m", np.linspace(-2, 4, 25)), alt="A line whose slope follows m")

The result displays in two ways at once (``_repr_mimebundle_``):

* in Jupyter (JupyterLab, Notebook 7, VS Code) as a live ipywidgets view: sliders
  and an image that is redrawn by calling ``update`` and saving the figure, so
  no artist is created twice and no grid is recomputed;
* in the built web book as a kernel-free *scrubber*: every frame is rendered
  when the book is built and embedded in ``text/html`` with range inputs and a
  few lines of plain JavaScript. The book's configuration tells myst-nb to
  prefer ``text/html``, so the static page needs no kernel and no CDN.

Rendering every frame takes seconds, so the scrubber is added to the output only
when the environment variable ``NBLIB_SCRUBBER`` is ``1``, as ``make book`` sets
it; a reader in Jupyter gets the live view at once. (Set it yourself to export a
notebook with working scrubbers, e.g. with ``jupyter nbconvert --execute``.)
"""

import base64
import hashlib
import html
import io
import itertools
import json
import os
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from nblib.checks import as_count

#: Above this many frames the static page would grow past a few megabytes.
MAX_FRAMES = 240

#: The environment variable that asks for the static scrubber in the output.
SCRUBBER_ENV = "NBLIB_SCRUBBER"


@dataclass(frozen=True)
class Slider:
    """One reader-controlled parameter.

    name: the keyword passed to ``update``.
    values: the values the reader can pick, in slider order (numbers or strings).
    label: text shown beside the slider (defaults to ``name``).
    fmt: format applied to a value for its readout, e.g. ``"{:.2f}"``.
    default: the starting value; must be one of ``values`` (defaults to the middle one).
    """

    name: str
    values: tuple
    label: str = None
    fmt: str = "{:.3g}"
    default: object = None

    def __post_init__(self):
        values = tuple(v.item() if isinstance(v, np.generic) else v for v in self.values)
        if not values:
            raise ValueError(f"slider {self.name!r} needs at least one value")
        default = values[len(values) // 2] if self.default is None else self.default
        if default not in values:
            raise ValueError(f"default {default!r} of slider {self.name!r} is not one of its values")
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "label", self.label or self.name)
        object.__setattr__(self, "default", default)

    @property
    def start(self):
        """Index of the default value."""
        return self.values.index(self.default)

    def readout(self, value):
        """The text shown for ``value``."""
        return value if isinstance(value, str) else self.fmt.format(value)


def log_slider(name, low, high, num, **kwargs):
    """A :class:`Slider` over ``num`` logarithmically spaced values from ``low`` to ``high``."""
    num = as_count(num, "num")
    return Slider(name, tuple(np.geomspace(low, high, num)), **kwargs)


class Explorable:
    """A view plus its sliders; see the module docstring.

    view: ``view(fig) -> update`` where ``update(**values)`` moves the artists.
    sliders: the :class:`Slider` objects, one per keyword of ``update``.
    alt: a sentence describing the figure, used as the image's alt text.
    figsize: figure size in inches; dpi: pixels per inch of the frames.
    """

    def __init__(self, view, *sliders, alt, figsize=(6.4, 4.0), dpi=80):
        if not sliders:
            raise ValueError("an explorable needs at least one Slider")
        names = [s.name for s in sliders]
        if len(set(names)) != len(names):
            raise ValueError(f"slider names must be distinct, got {names}")
        n_frames = int(np.prod([len(s.values) for s in sliders]))
        if n_frames > MAX_FRAMES:
            raise ValueError(f"{n_frames} frames is too many for the web page (at most {MAX_FRAMES}); "
                             "use fewer slider values")
        self.sliders = sliders
        self.alt = alt
        self.dpi = dpi
        self.figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        self.canvas = FigureCanvasAgg(self.figure)
        self.update = view(self.figure)
        if not callable(self.update):
            raise TypeError("view(fig) must return an update(**values) function")
        self._freeze_layout()
        self._cache = {}
        self._widget = None

    def _freeze_layout(self):
        """Lay the figure out once at the default values, then keep it: frames do not jitter,
        and each redraw skips the (slow) constrained-layout pass."""
        with np.errstate(all="ignore"):
            self.update(**{s.name: s.values[s.start] for s in self.sliders})
        self.canvas.draw()
        self.figure.set_layout_engine("none")

    def render(self, indices):
        """PNG bytes of the frame at one slider index per slider (cached)."""
        indices = tuple(indices)
        if indices not in self._cache:
            values = {s.name: s.values[i] for s, i in zip(self.sliders, indices)}
            with np.errstate(all="ignore"):
                self.update(**values)
            self._cache[indices] = _png(self.canvas)
        return self._cache[indices]

    def frames(self):
        """All frames in row-major order of the sliders (the last slider varies fastest)."""
        grid = itertools.product(*(range(len(s.values)) for s in self.sliders))
        return [self.render(indices) for indices in grid]

    def to_html(self):
        """The kernel-free scrubber: embedded frames, range inputs and a little JavaScript."""
        frames = [_data_uri(png) for png in self.frames()]
        uid = "explorable-" + hashlib.sha1("".join(frames).encode()).hexdigest()[:10]
        start = [s.start for s in self.sliders]
        controls = "".join(_range_input(uid, k, s) for k, s in enumerate(self.sliders))
        data = {"frames": frames, "sizes": [len(s.values) for s in self.sliders],
                "readouts": [[s.readout(v) for v in s.values] for s in self.sliders]}
        first = frames[_flat_index(start, data["sizes"])]
        return (
            f'<div class="explorable" id="{uid}" style="max-width: {self.width_px}px">'
            f'{_img_tag(first, self.alt, self.width_px)}'
            f'<div class="explorable-controls">{controls}</div>'
            f'<script type="application/json" class="explorable-data">{json.dumps(data)}</script>'
            f"<script>{_SCRUBBER_JS.replace('__UID__', uid)}</script>"
            "</div>"
        )

    def widget(self):
        """The live ipywidgets view (built once)."""
        if self._widget is None:
            self._widget = _build_widget(self)
        return self._widget

    @property
    def width_px(self):
        """Width of a frame in pixels; frames are shown at this size, never stretched."""
        return round(self.figure.get_figwidth() * self.dpi)

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget()._repr_mimebundle_(include=include, exclude=exclude) or {})
        if os.environ.get(SCRUBBER_ENV) == "1":
            bundle["text/html"] = self.to_html()
        bundle["text/plain"] = f"<Explorable: {', '.join(s.name for s in self.sliders)}>"
        return bundle


def explore(view, *sliders, alt, **kwargs):
    """Build an :class:`Explorable`; display it by making it a cell's last expression."""
    return Explorable(view, *sliders, alt=alt, **kwargs)


def freeze_background(fig, moving):
    """Make an explorable's frames cheap: draw everything except ``moving`` once, as a picture.

    Call it at the end of a view, when every artist is drawn. The figure is
    rendered once with the ``moving`` artists hidden; that picture goes into
    a figure-sized axes at the back, and every other artist is hidden. Each
    frame then draws one picture plus the few artists that move, instead of
    every tick label, title and contour again (several times faster).
    The layout is frozen so that the moving artists stay where the picture
    expects them. Returns the background image (an ``AxesImage``).
    """
    moving = list(moving)
    keep = {id(artist) for artist in moving}
    for artist in moving:
        artist.set_visible(False)
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    picture = np.asarray(canvas.buffer_rgba()).copy()
    fig.set_layout_engine("none")
    for artist in moving:
        artist.set_visible(True)
    for ax in fig.axes:
        for child in ax.get_children():
            if id(child) not in keep:
                child.set_visible(False)
    for artist in [*fig.texts, *fig.legends, *fig.images, fig.patch]:
        artist.set_visible(False)
    back = fig.add_axes((0, 0, 1, 1), zorder=-1)
    back.set_axis_off()
    return back.imshow(picture, interpolation="nearest", aspect="auto", resample=False)


def _png(canvas):
    """The figure as a compact PNG: rendered by Agg, reduced to a 256-colour palette
    (a third of the bytes of full colour; line art loses nothing visible)."""
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())[..., :3]
    image = Image.fromarray(pixels).quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    image.save(out, format="png")
    return out.getvalue()


def _img_tag(src, alt, width):
    return (f'<img class="explorable-frame" src="{src}" alt="{html.escape(alt)}" width="{width}" '
            'style="max-width: 100%; height: auto">')


def _data_uri(png):
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _flat_index(indices, sizes):
    flat = 0
    for index, size in zip(indices, sizes):
        flat = flat * size + index
    return flat


def _range_input(uid, k, slider):
    label = html.escape(slider.label)
    readout = html.escape(slider.readout(slider.values[slider.start]))
    return (
        f'<label class="explorable-slider">'
        f'<span class="explorable-name">{label}</span>'
        f'<input type="range" min="0" max="{len(slider.values) - 1}" step="1" value="{slider.start}" '
        f'data-slider="{k}" aria-label="{label}" aria-valuetext="{readout}">'
        f'<output id="{uid}-out-{k}">{readout}</output>'
        f"</label>"
    )


# The scrubber's JavaScript: reads the frames from the JSON block beside it and
# swaps the image when any range input moves. No libraries, no network.
_SCRUBBER_JS = """
(function () {
  var root = document.getElementById("__UID__");
  var data = JSON.parse(root.querySelector(".explorable-data").textContent);
  var image = root.querySelector(".explorable-frame");
  var inputs = root.querySelectorAll("input[type=range]");
  function show() {
    var flat = 0;
    inputs.forEach(function (input, k) {
      var i = parseInt(input.value, 10);
      flat = flat * data.sizes[k] + i;
      var text = data.readouts[k][i];
      root.querySelector("#__UID__-out-" + k).textContent = text;
      input.setAttribute("aria-valuetext", text);
    });
    image.src = data.frames[flat];
  }
  inputs.forEach(function (input) { input.addEventListener("input", show); });
})();
"""


def _build_widget(explorable):
    """Sliders over an HTML image (an ``<img>`` keeps the alt text a screen reader needs)."""
    import ipywidgets as widgets

    label_width = f"{max(len(s.label) for s in explorable.sliders) + 2}ch"
    controls = []
    for slider in explorable.sliders:
        options = [(slider.readout(v), i) for i, v in enumerate(slider.values)]
        controls.append(widgets.SelectionSlider(
            options=options, value=slider.start, description=slider.label, tooltip=slider.label,
            continuous_update=True, style={"description_width": label_width},
            layout=widgets.Layout(width="100%")))

    def frame(indices):
        return _img_tag(_data_uri(explorable.render(indices)), explorable.alt, explorable.width_px)

    image = widgets.HTML(frame([s.start for s in explorable.sliders]))

    def redraw(_change=None):
        image.value = frame([control.value for control in controls])

    for control in controls:
        control.observe(redraw, names="value")
    return widgets.VBox([*controls, image], layout=widgets.Layout(max_width=f"{max(explorable.width_px, 480)}px"))
