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

    explore(view, Slider("m", np.linspace(-2, 4, 101)), alt="A line whose slope follows m")

The result displays in two ways at once (``_repr_mimebundle_``):

* in Jupyter (JupyterLab, Notebook 7, VS Code) as a live ipywidgets view: sliders
  and an image redrawn by calling ``update`` and rendering the figure, so no
  artist is created twice and no grid is recomputed (:mod:`._live`);
* in the built web book as a kernel-free *scrubber* (:mod:`._page`): what
  ``update`` never touches is drawn once as a background picture, and for every
  combination of slider values the state of the artists it moves is recorded as
  data in pixels (:mod:`._record`, packed by :mod:`._pack`). The book's shared
  script ``_static/explorable.js`` draws a frame over the background on a canvas.
  Fine sliders cost a few bytes a frame, so a one-slider explorable can have
  hundreds of stops; :data:`MAX_EMBED_BYTES` bounds what one explorable embeds.

``update`` may return a short sentence about the frame (for example the loss it
shows); the static form reads it out to screen readers with the slider values.
A slider with ``play=True`` (steps, epochs, time) gets a play/pause button and a
speed: slow (one step a second, to follow a step), normal or fast.

A categorical parameter is a :class:`Choice` (``Choice("surface", ["Beale",
"saddle"])``): a row of buttons, a radio group in the web book (arrow keys, one tab
stop, ``aria-checked``) and toggle buttons in Jupyter; its frames are recorded like a
slider's. ``Choice(..., backdrop=True)`` gives each value its own background picture,
for a choice that changes what then stays still (a surface's contour lines).

On a narrow screen the static form stays readable: the frame is shown as one canvas
per panel (a column of the figure, :mod:`._panels`), side by side where the whole
figure keeps its text at least :data:`MIN_TEXT_PX` CSS pixels tall, else stacked.

Recording every frame takes seconds, so the scrubber is added to the output only
when the environment variable ``NBLIB_SCRUBBER`` is ``1``, as ``make book`` sets
it; a reader in Jupyter gets the live view at once.

In the book's builds (``NBLIB_SCRUBBER`` or ``NBLIB_PRINT`` is ``1``) the output
also carries the default frame as ``image/png``: the LaTeX build (``make pdf``)
picks it, since it can show neither a widget nor HTML, while the web book's
``nb_mime_priority_overrides`` keep choosing the scrubber. In Jupyter the output
stays as it was (a notebook's pictures are its captioned figures). When
``NBLIB_PRINT`` is ``1`` (the PDF build) a caption follows the picture, saying
which values it shows and what the sliders offer elsewhere.
"""

import base64
import itertools
import os
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from nblib.checks import as_count, as_number
from nblib.explorable._freeze import freeze_background
from nblib.explorable import _picture

__all__ = ["Slider", "Choice", "log_slider", "Explorable", "explore", "freeze_background", "MAX_EMBED_BYTES",
           "SCRUBBER_ENV", "PRINT_ENV"]

#: The most one explorable may embed in a page (bytes of its HTML).
MAX_EMBED_BYTES = 1_000_000

#: The environment variable that asks for the static scrubber in the output.
SCRUBBER_ENV = "NBLIB_SCRUBBER"

#: The environment variable that marks the PDF build: outputs take their printed form.
PRINT_ENV = "NBLIB_PRINT"

#: The smallest text an explorable shows, in CSS pixels: on a narrow screen its panels stack
#: (one canvas per panel) rather than shrink below it (explorable.js, tests/test_book_browser.py).
MIN_TEXT_PX = 9

#: Recording stops with a clear message beyond this many frames (the product of the slider lengths).
MAX_FRAMES = 60_000


@dataclass(frozen=True)
class Slider:
    """One reader-controlled parameter.

    name: the keyword passed to ``update``.
    values: the values the reader can pick, in slider order (numbers or strings).
    label: text shown beside the slider (defaults to ``name``).
    fmt: format applied to a value for its readout, e.g. ``"{:.2f}"``.
    default: the starting value, shown wherever the page cannot move (print, no
        JavaScript); must be one of ``values`` (defaults to the middle one).
    play: give the slider a play/pause button (for steps, epochs or time).
    autoplay: in the web book, play once from the first value, at the fast speed, when the
        explorable first comes into view, unless the reader asks for reduced motion; moving
        the slider or pressing Pause stops it (needs ``play``; a Jupyter reader presses Play).
    """

    name: str
    values: tuple
    label: str = None
    fmt: str = "{:.3g}"
    default: object = None
    play: bool = False
    autoplay: bool = False

    def __post_init__(self):
        _check_slider_fields(self)
        values = tuple(v.item() if isinstance(v, np.generic) else v for v in self.values)
        default = values[len(values) // 2] if self.default is None else self.default
        if default not in values:
            raise ValueError(f"default {default!r} of slider {self.name!r} is not one of its values")
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "label", self.label or self.name)
        object.__setattr__(self, "default", default)
        for value in values:
            self.readout(value)

    @property
    def start(self):
        """Index of the default value."""
        return self.values.index(self.default)

    def readout(self, value):
        """The text shown for ``value``."""
        if isinstance(value, str):
            return value
        try:
            return self.fmt.format(value)
        except OverflowError:  # an int beyond any float, such as 10**400, in a float format
            raise ValueError(f"value {_short_repr(value)} is too large for a float, so fmt {self.fmt!r} "
                             f"of slider {self.name!r} cannot format it") from None
        except (ValueError, TypeError, IndexError, KeyError) as error:
            raise ValueError(f"value {_short_repr(value)} cannot be formatted with fmt {self.fmt!r} of slider "
                             f"{self.name!r}: {error}") from None


@dataclass(frozen=True)
class Choice(Slider):
    """A categorical control: one of a few named values, shown as a row of buttons (a radio group).

    ``Choice("surface", ["Beale", "Rosenbrock", "saddle"], label="surface")`` reads like a
    :class:`Slider` and records its frames the same way (one per value), but the reader picks a
    value by name: in Jupyter from toggle buttons, in the web book from buttons that form an
    accessible radio group (arrow keys move the choice, ``aria-checked`` marks it).

    backdrop: each value gets its own background picture, drawn once. For a choice that changes
    what stays still while the other controls move (the contour lines of the chosen surface, its
    axes), so that they are stored as one picture per value instead of in every frame. ``update``
    may then change axis limits and what is visible between values of this choice, not within one.
    """

    backdrop: bool = False

    def __post_init__(self):
        if self.play:
            raise ValueError(f"choice {self.name!r} cannot play: play=True is for a Slider over steps or time")
        if not isinstance(self.backdrop, bool):
            raise TypeError(f"backdrop of choice {self.name!r} must be True or False, got {self.backdrop!r}")
        super().__post_init__()
        if len(self.values) > MAX_CHOICES:
            raise ValueError(f"choice {self.name!r} offers {len(self.values)} values, more than the "
                             f"{MAX_CHOICES} buttons a row can hold: use a Slider")


#: The most values a :class:`Choice` offers (each is a button).
MAX_CHOICES = 12


def _short_repr(value):
    """``repr(value)`` for an error message, at most 40 characters (an int of 5000 digits has no repr)."""
    try:
        text = repr(value)
    except ValueError:  # Python refuses to print ints of more than 4300 digits
        return "an int of more than 4300 digits"
    return text if len(text) <= 40 else text[:37] + "..."


def _check_slider_fields(slider):
    if not isinstance(slider.name, str) or not slider.name.isidentifier():
        raise TypeError(f"name must be a Python identifier (the keyword of update), got {slider.name!r}")
    if isinstance(slider.values, (str, bytes)) or not hasattr(slider.values, "__iter__"):
        raise TypeError(f"values of slider {slider.name!r} must be a sequence of numbers or strings, "
                        f"got {type(slider.values).__name__}")
    values = list(slider.values)
    if not values:
        raise ValueError(f"values of slider {slider.name!r} must hold at least one value, got none")
    for value in values:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (str, int, float, np.number)):
            raise TypeError(f"values of slider {slider.name!r} must be numbers or strings, got {value!r}")
        if not isinstance(value, str) and not np.isfinite(value):
            raise ValueError(f"values of slider {slider.name!r} must be finite, got {value!r}")
    if len(set(values)) != len(values):
        raise ValueError(f"values of slider {slider.name!r} must be distinct")
    if slider.label is not None and not isinstance(slider.label, str):
        raise TypeError(f"label of slider {slider.name!r} must be a string, got {type(slider.label).__name__}")
    if not isinstance(slider.fmt, str):
        raise TypeError(f"fmt of slider {slider.name!r} must be a format string such as '{{:.2f}}', "
                        f"got {type(slider.fmt).__name__}")
    if not isinstance(slider.play, bool):
        raise TypeError(f"play of slider {slider.name!r} must be True or False, got {slider.play!r}")
    if not isinstance(slider.autoplay, bool):
        raise TypeError(f"autoplay of slider {slider.name!r} must be True or False, got {slider.autoplay!r}")
    if slider.autoplay and not slider.play:
        raise ValueError(f"slider {slider.name!r} has autoplay=True without play=True: only a slider "
                         "that plays can start playing by itself")


def log_slider(name, low, high, num, **kwargs):
    """A :class:`Slider` over ``num`` logarithmically spaced values from ``low`` to ``high``."""
    low = as_number(low, "low", low=0, low_inclusive=False)
    high = as_number(high, "high", low=low, low_inclusive=False)
    num = as_count(num, "num", maximum=MAX_FRAMES)
    return Slider(name, tuple(np.geomspace(low, high, num)), **kwargs)


class Explorable:
    """A view plus its sliders; see the module docstring.

    view: ``view(fig) -> update`` where ``update(**values)`` moves the artists.
    sliders: the :class:`Slider` objects, one per keyword of ``update``.
    alt: a sentence describing the figure, used as the image's alt text.
    figsize: figure size in inches; dpi: pixels per inch of the frames.
    name: how build messages and the benchmark refer to it (defaults to the slider names).
    """

    def __init__(self, view, *sliders, alt, figsize=(6.4, 4.0), dpi=80, name=None):
        _check_explorable_args(view, sliders, alt, figsize, dpi, name)
        self.sliders = sliders
        self.alt = alt
        self.dpi = int(dpi)
        self.name = name or " × ".join(s.name for s in sliders)
        self.figure = Figure(figsize=tuple(float(v) for v in figsize), dpi=self.dpi, layout="constrained")
        self.canvas = FigureCanvasAgg(self.figure)
        self.update = view(self.figure)
        if not callable(self.update):
            raise TypeError("view(fig) must return an update(**values) function")
        self._freeze_layout()
        self._cache = {}
        self._widget = None

    @property
    def n_frames(self):
        """How many frames the sliders make (the product of their lengths)."""
        return int(np.prod([len(s.values) for s in self.sliders]))

    @property
    def default_indices(self):
        return tuple(s.start for s in self.sliders)

    def _freeze_layout(self):
        """Lay the figure out once at the default values, then keep it: frames do not jitter,
        and each redraw skips the (slow) constrained-layout pass."""
        self.show(self.default_indices)
        self.canvas.draw()
        self.figure.set_layout_engine("none")

    def values_at(self, indices):
        """The keyword arguments of ``update`` at one slider index per slider."""
        if isinstance(indices, (str, bytes)) or not hasattr(indices, "__len__"):
            raise TypeError(f"indices must be a sequence of one integer per slider, got {indices!r}")
        indices = tuple(indices)
        if len(indices) != len(self.sliders):
            raise ValueError(f"indices must give one index per slider ({len(self.sliders)}), got {indices!r}")
        for slider, index in zip(self.sliders, indices):
            if isinstance(index, (bool, np.bool_)) or not isinstance(index, (int, np.integer)):
                raise TypeError(f"indices must be integers, got {index!r}")
            if not 0 <= index < len(slider.values):
                raise ValueError(f"indices: {index} is outside slider {slider.name!r} "
                                 f"(0 to {len(slider.values) - 1})")
        return {s.name: s.values[int(i)] for s, i in zip(self.sliders, indices)}

    def show(self, indices):
        """Move the artists to the frame at ``indices`` (no rendering); returns what ``update`` returned."""
        with np.errstate(all="ignore"):
            return self.update(**self.values_at(indices))

    def pixels(self, indices):
        """The frame at ``indices`` as an RGBA array (height, width, 4), drawn by matplotlib."""
        self.show(indices)
        return _picture.rgba(self.canvas)

    def render(self, indices):
        """PNG bytes of the frame at one slider index per slider (cached): the live form's picture."""
        self.values_at(indices)                     # refuses indices outside the sliders
        indices = tuple(int(i) for i in indices)
        if indices not in self._cache:
            self._cache[indices] = _picture.png(self.pixels(indices)[..., :3])
        return self._cache[indices]

    def grid(self):
        """Every frame's indices, in row-major order of the sliders (the last varies fastest)."""
        return itertools.product(*(range(len(s.values)) for s in self.sliders))

    def to_html(self):
        """The kernel-free scrubber (see :mod:`nblib.explorable._page`)."""
        from nblib.explorable._page import scrubber_html

        return scrubber_html(self)

    def widget(self):
        """The live ipywidgets view (built once)."""
        if self._widget is None:
            from nblib.explorable._live import build_widget

            self._widget = build_widget(self)
        return self._widget

    @property
    def width_px(self):
        """Width of a frame in pixels; frames are shown at this size, never stretched."""
        return round(self.figure.get_figwidth() * self.dpi)

    @property
    def height_px(self):
        return round(self.figure.get_figheight() * self.dpi)

    def _ipython_display_(self):
        """Display the live view. In the PDF build, add the caption of its printed picture
        (see :func:`._live.still_caption`); outside the book builds, the still picture a
        reopened notebook shows until the cell runs again (see :func:`._live.still_html`)."""
        from IPython.display import display

        from nblib.explorable._live import still_caption, still_html

        display(self._repr_mimebundle_(), raw=True)
        if os.environ.get(PRINT_ENV) == "1":
            display(still_caption(self), raw=True)
        elif os.environ.get(SCRUBBER_ENV) != "1":
            display({"text/html": still_html(self)}, raw=True)

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget()._repr_mimebundle_(include=include, exclude=exclude) or {})
        if "1" in (os.environ.get(SCRUBBER_ENV), os.environ.get(PRINT_ENV)):
            # The default frame, already drawn (and cached) for the live view: what print shows.
            bundle["image/png"] = base64.b64encode(self.render(self.default_indices)).decode("ascii")
        if os.environ.get(SCRUBBER_ENV) == "1":
            bundle["text/html"] = self.to_html()
        bundle["text/plain"] = f"<Explorable: {', '.join(s.name for s in self.sliders)}>"
        return bundle


def _check_explorable_args(view, sliders, alt, figsize, dpi, name):
    if not callable(view):
        raise TypeError(f"view must be a function view(fig) -> update, got {type(view).__name__}")
    if not sliders:
        raise ValueError("an explorable needs at least one Slider")
    for slider in sliders:
        if not isinstance(slider, Slider):
            raise TypeError(f"sliders must be Slider or Choice objects, got {slider!r}; "
                            "e.g. Slider('m', [0, 1, 2])")
    names = [s.name for s in sliders]
    if len(set(names)) != len(names):
        raise ValueError(f"slider names must be distinct, got {names}")
    if not isinstance(alt, str) or not alt.strip():
        raise TypeError(f"alt must be a sentence describing the figure, got {alt!r}")
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    if isinstance(figsize, (str, bytes)) or not hasattr(figsize, "__len__") or len(figsize) != 2:
        raise TypeError(f"figsize must be (width, height) in inches, got {figsize!r}")
    for value in figsize:
        as_number(value, "figsize", low=0.5, high=30)
    as_count(dpi, "dpi", minimum=20, maximum=400)
    n_frames = int(np.prod([float(len(s.values)) for s in sliders]))
    if n_frames > MAX_FRAMES:
        raise ValueError(f"{n_frames} frames (the product of the slider lengths) is more than an explorable "
                         f"can record (at most {MAX_FRAMES}); use fewer slider values")


def explore(view, *sliders, alt, **kwargs):
    """Build an :class:`Explorable`; display it by making it a cell's last expression."""
    return Explorable(view, *sliders, alt=alt, **kwargs)
