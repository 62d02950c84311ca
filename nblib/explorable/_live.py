"""The live form of an explorable in Jupyter: ipywidgets sliders over a picture redrawn by matplotlib."""

import html

from nblib.explorable._picture import data_uri

#: Play speeds offered beside a slider with ``play=True``, in frames per second.
SPEEDS = {"slow": 4, "normal": 12, "fast": 30}


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
