"""Bad input to nblib.explorable: every argument of every entry point is refused clearly.

A chapter author who gives a slider a value that is not a number, a view that is not
a function or an index outside a slider gets a TypeError or ValueError naming the
argument at once, never a traceback from deep inside matplotlib or a hang.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.figure import Figure

import validation_harness as vh
from nblib.explorable import MAX_FRAMES, Choice, Explorable, Slider, explore, freeze_background, log_slider
from nblib.explorable.font import write_fonts

COVERS = {
    "nblib.explorable.Slider", "nblib.explorable.Slider.readout", "nblib.explorable.Choice",
    "nblib.explorable.Choice.readout", "nblib.explorable.log_slider",
    "nblib.explorable.explore", "nblib.explorable.Explorable", "nblib.explorable.Explorable.show",
    "nblib.explorable.Explorable.render", "nblib.explorable.Explorable.pixels",
    "nblib.explorable.Explorable.values_at", "nblib.explorable.freeze_background",
    "nblib.explorable.font.write_fonts",
}

X = np.linspace(0, 1, 5)


def view(fig):
    (line,) = fig.subplots().plot(X, X)

    def update(m, b):
        line.set_ydata(m * X + b)

    return update


def sliders():
    return [Slider("m", [0.0, 1.0, 2.0]), Slider("b", [0.0, 1.0])]


_explorable = []


def explorable():
    if not _explorable:
        _explorable.append(explore(view, *sliders(), alt="A line", figsize=(2, 1.5), dpi=30))
    return _explorable[0]


def new_figure():
    fig = Figure()
    (line,) = fig.subplots().plot([0, 1])
    return {"fig": fig, "moving": [line]}


not_indices = vh.values(None, "ab", 3, 1.5, (0,), (0, 0, 0), (99, 0), (0, -1), ("a", 0), (0.5, 0), (True, 0),
                        (0, np.nan), (10 ** 400, 0), label="indices")

ENTRIES = [
    vh.Entry("nblib.explorable.Slider", lambda **kw: Slider(**kw),
             lambda: {"name": "m", "values": [1.0, 2.0], "label": "slope", "fmt": "{:.2f}", "default": 1.0,
                      "play": False},
             {"name": vh.values(None, 3, "", "two words", "1m", b"m", ["m"], label="name"),
              "values": vh.values(None, "abc", b"ab", 3, [], [np.nan, 1.0], [1.0, np.inf], [True, False],
                                  [None, 1.0], [1.0, 1.0], [1 + 2j], [object()], {"a": 1}, label="values"),
              "label": vh.values(3, b"x", ["x"], label="label"),
              "fmt": vh.values(None, 3, b"{}", "{:d}", "{:.2q}", "{0} {1}", "{x}", label="fmt"),
              "default": vh.values(3.0, "a", None if False else 7, label="default"),
              "play": vh.flag("play")}),
    vh.Entry("nblib.explorable.Choice", lambda **kw: Choice(**kw),
             lambda: {"name": "surface", "values": ["Beale", "saddle"], "label": "surface", "fmt": "{}",
                      "default": "saddle", "play": False, "backdrop": True},
             {"name": vh.values(None, 3, "", "two words", label="name"),
              "values": vh.values(None, "abc", 3, [], ["a", "a"], [True], [None], list(range(13)), label="values"),
              "label": vh.values(3, b"x", label="label"),
              "default": vh.values("Rosenbrock", 3, label="default"),
              "play": vh.values(True, 1, "yes", None, label="play"),
              "backdrop": vh.flag("backdrop")}),
    vh.Entry("nblib.explorable.Choice.readout", lambda choice, value: choice.readout(value),
             lambda: {"choice": Choice("k", [1.0, 2.0]), "value": 1.0},
             {"value": vh.values(None, [1.0], {}, object(), label="value")}),
    vh.Entry("nblib.explorable.Slider.readout", lambda slider, value: slider.readout(value),
             lambda: {"slider": Slider("m", [1.0, 2.0]), "value": 1.0},
             {"value": vh.values(None, [1.0], {}, object(), label="value")}),
    vh.Entry("nblib.explorable.log_slider", lambda **kw: log_slider(**kw),
             lambda: {"name": "lr", "low": 1e-3, "high": 1.0, "num": 7},
             {"low": vh.number("low", low=0, low_inclusive=False),
              "high": vh.number("high", extra=[1e-4, 1e-3]),
              "num": vh.count("num", maximum=MAX_FRAMES)}),
    vh.Entry("nblib.explorable.explore", lambda **kw: explore(kw.pop("view"), *kw.pop("sliders"), **kw),
             lambda: {"view": view, "sliders": sliders(), "alt": "A line", "figsize": (2, 1.5), "dpi": 30},
             {"view": vh.function("view"),
              "sliders": vh.values([], [1, 2], ["m"], [Slider("m", [1]), Slider("m", [2])], label="slider"),
              "alt": vh.values(None, "", "   ", 3, ["a"], label="alt"),
              "figsize": vh.values(None, "ab", 3, (1,), (1, 2, 3), (-1, 2), (0, 1), (np.nan, 1), (1e9, 1),
                                   ("1", 2), (True, 2), label="figsize"),
              "dpi": vh.count("dpi", minimum=20, maximum=400)}),
    vh.Entry("nblib.explorable.Explorable", lambda **kw: Explorable(kw.pop("view"), *kw.pop("sliders"), **kw),
             lambda: {"view": view, "sliders": sliders(), "alt": "A line", "figsize": (2, 1.5), "dpi": 30,
                      "name": "a line"},
             {"view": vh.values(None, 3, "view", lambda fig: None, label="view"),
              "name": vh.values(3, b"x", ["x"], label="name")}),
    vh.Entry("nblib.explorable.Explorable.show", lambda indices: explorable().show(indices),
             lambda: {"indices": (0, 0)}, {"indices": not_indices}),
    vh.Entry("nblib.explorable.Explorable.render", lambda indices: explorable().render(indices),
             lambda: {"indices": (0, 0)}, {"indices": not_indices}),
    vh.Entry("nblib.explorable.Explorable.pixels", lambda indices: explorable().pixels(indices),
             lambda: {"indices": (0, 0)}, {"indices": not_indices}),
    vh.Entry("nblib.explorable.Explorable.values_at", lambda indices: explorable().values_at(indices),
             lambda: {"indices": (0, 0)}, {"indices": not_indices}),
    vh.Entry("nblib.explorable.freeze_background", lambda **kw: freeze_background(**kw), new_figure,
             {"fig": vh.values(None, 3, "fig", object(), label="fig"),
              "moving": vh.values(None, 3, "line", [3], [Figure().subplots().plot([1])[0]], label="moving")}),
    vh.Entry("nblib.explorable.font.write_fonts", lambda **kw: write_fonts(**kw), lambda: {"folder": "/tmp/x"},
             {"folder": vh.values(None, 3, "", [b"x"], label="folder")}),
]


@pytest.mark.parametrize("entry, argument", vh.cases(ENTRIES))
def test_fixed_bad_values_are_refused(entry, argument):
    vh.check_fixed(entry, argument)


@pytest.mark.parametrize("entry, argument", vh.cases(ENTRIES))
@vh.GENERATED
@given(data=st.data())
def test_generated_bad_values_are_refused(entry, argument, data):
    vh.check_generated(entry, argument, data)


def test_every_covered_name_has_entries():
    assert vh.covered(ENTRIES) == COVERS


def test_extreme_slider_values_draw_without_warnings():
    """A view that diverges at a slider's extreme draws a frame; it neither raises nor warns."""
    def diverging(fig):
        (line,) = fig.subplots().plot(X, X)

        def update(rate):
            line.set_ydata((1 + rate) ** (X * 1e4))

        return update

    e = explore(diverging, Slider("rate", [0.0, 1.0, 1e300]), alt="x", figsize=(2, 1.5), dpi=30)
    for k in range(3):
        assert vh.answered(lambda: e.render((k,))) is not None
    assert vh.answered(e.to_html).startswith('<div class="explorable"')
