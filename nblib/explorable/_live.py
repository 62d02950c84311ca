"""The live form of an explorable in Jupyter: ipywidgets sliders over a picture redrawn by matplotlib."""

import html
import re

from nblib.explorable._picture import data_uri

#: Play speeds offered beside a slider with ``play=True``, in frames (steps) per second: the
#: slowest lets a reader follow one step at a time.
SPEEDS = {"slow": 1, "normal": 3, "fast": 10}


def still_html(explorable):
    """What a saved notebook shows in place of the live view when its kernel is gone.

    A notebook saved with widget outputs and reopened cannot find the widget's
    model until its cell runs again; this second output shows the default frame
    and says so. Style rules hide it while the live view is there, and hide the
    widget's "model not found" message while it is not (JupyterLab).
    """
    image = image_tag(data_uri(explorable.render(explorable.default_indices)), explorable)
    return ('<div class="nblib-still">'
            "<style>.jp-OutputArea-child:has(.nblib-live) + .jp-OutputArea-child .nblib-still {display: none}"
            ".jp-OutputArea-child:has(+ .jp-OutputArea-child .nblib-still) > "
            ".jp-OutputArea-output.jupyter-widgets:not(:has(.nblib-live)) {display: none}</style>"
            "<p><em>The sliders of this figure come back when you run its cell. "
            "Until then, here is its starting picture.</em></p>"
            f"{image}</div>")


#: How the caption under an explorable's printed picture begins; the PDF build puts the
#: explorable's number before it and the live version's address after it (book/ext/nblib_explorables.py).
CAPTION_OPENING = "At its starting values:"


def still_caption(explorable):
    """The caption printed under an explorable's picture in the PDF, as MyST markdown and plain text.

    Print cannot move a slider, so it says which values the picture shows and what the
    sliders offer in Jupyter and in the web book, e.g. "At its starting values: steps 306.
    In Jupyter and in the web edition, a slider sets steps (0 to 1,000)."
    """
    def sentence(mark):
        shown = ", ".join(f"{mark(s.label)} {mark(printed(s.readout(s.default)))}" for s in explorable.sliders)
        offered = [f"{mark(s.label)} ({_choices(s, mark)})" for s in explorable.sliders]
        offered = offered[0] if len(offered) == 1 else ", ".join(offered[:-1]) + " and " + offered[-1]
        sliders = "a slider sets" if len(explorable.sliders) == 1 else "sliders set"
        return (f"{CAPTION_OPENING} {shown}. "
                f"In Jupyter and in the web edition, {sliders} {offered}.")

    return {"text/markdown": f"*{sentence(markdown_text)}*", "text/plain": sentence(str)}


def _choices(slider, mark):
    """A slider's values in words: "0 to 1,000", or every choice when they are names."""
    words = [mark(printed(slider.readout(v))) for v in slider.values]
    if any(isinstance(v, str) for v in slider.values):
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    return f"{words[0]} to {words[-1]}"


def printed(readout):
    """A slider's readout as print sets a number: a negative one with a true minus sign."""
    return re.sub(r"(?<![\w.])-(?=\.?\d)", "\u2212", readout)


def markdown_text(text):
    """``text`` with every ASCII punctuation mark escaped, so MyST shows it as it is."""
    return "".join(f"\\{c}" if c in _PUNCTUATION else c for c in str(text))


_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def image_tag(src, explorable):
    return (f'<img src="{src}" alt="{html.escape(explorable.alt)}" width="{explorable.width_px}" '
            'style="max-width: 100%; height: auto">')


def build_widget(explorable):
    """Sliders (and play buttons) over an HTML image; an ``<img>`` keeps the alt text a screen reader
    needs, and a live region reads out the values and what ``update`` says about the frame."""
    import ipywidgets as widgets

    label_width = f"{max(len(s.label) for s in explorable.sliders) + 2}ch"
    controls, rows = [], []
    for slider in explorable.sliders:
        options = [(slider.readout(v), i) for i, v in enumerate(slider.values)]
        if getattr(slider, "backdrop", None) is not None:          # a Choice: one button per value
            control = widgets.ToggleButtons(
                options=options, value=slider.start, description=slider.label,
                tooltips=[text for text, _ in options], style={"description_width": label_width,
                                                               "button_width": "auto"})
            controls.append(control)
            rows.append(control)
            continue
        control = widgets.SelectionSlider(
            options=options, value=slider.start, description=slider.label, tooltip=slider.label,
            continuous_update=True, style={"description_width": label_width},
            layout=widgets.Layout(width="100%"))
        controls.append(control)
        rows.append(_with_play(control, slider, widgets) if slider.play else control)

    image = widgets.HTML()
    status = widgets.HTML()

    def redraw(_change=None):
        indices = [control.value for control in controls]
        said = explorable.show(indices)
        image.value = image_tag(data_uri(explorable.render(indices)), explorable)
        status.value = ('<p aria-live="polite" class="nblib-status" style="position: absolute; width: 1px; '
                        'height: 1px; overflow: hidden; clip: rect(0 0 0 0)">'
                        f"{html.escape(describe(explorable, indices, said))}</p>")

    redraw()
    for control in controls:
        control.observe(redraw, names="value")
    box = widgets.VBox([*rows, image, status],
                       layout=widgets.Layout(max_width=f"{max(explorable.width_px, 480)}px"))
    box.add_class("nblib-live")
    return box


def describe(explorable, indices, said=None):
    """One sentence for a screen reader: every slider's label and value, then what ``update`` said."""
    values = ", ".join(f"{s.label} {s.readout(s.values[i])}" for s, i in zip(explorable.sliders, indices))
    return f"{values}. {said}" if isinstance(said, str) and said else values


def _with_play(control, slider, widgets):
    play = widgets.Play(min=0, max=len(slider.values) - 1, step=1, value=slider.start,
                        interval=1000 // SPEEDS["normal"], description=f"play {slider.label}",
                        show_repeat=False)
    widgets.jslink((play, "value"), (control, "index"))
    speed = widgets.Dropdown(options=list(SPEEDS), value="normal", description="speed",
                             layout=widgets.Layout(width="11em"), style={"description_width": "3.5em"})
    speed.observe(lambda change: setattr(play, "interval", 1000 // SPEEDS[change["new"]]), names="value")
    return widgets.VBox([control, widgets.HBox([play, speed])])
