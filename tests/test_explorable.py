import base64
import json
import re

import numpy as np
import pytest

from nblib.explorable import Choice, Explorable, Slider, explore, freeze_background, log_slider
from nblib.explorable._live import SPEEDS
from nblib.data import seven_points
from nblib.plots import regression

X = np.linspace(0.0, 1.0, 20)


def line_view(fig):
    ax = fig.subplots()
    (line,) = ax.plot(X, X)
    ax.set_ylim(-5, 5)
    calls = []

    def update(m, b):
        calls.append((m, b))
        line.set_ydata(m * X + b)

    update.calls = calls
    return update


def make(**kwargs):
    return explore(line_view, Slider("m", [-1.0, 0.0, 2.0]), Slider("b", [0.0, 1.0], default=1.0),
                   alt="A line", **kwargs)


def test_slider_defaults_to_middle_value_and_formats_readout():
    slider = Slider("lr", np.array([0.1, 0.2, 0.3]), fmt="{:.2f}")
    assert slider.start == 1 and slider.label == "lr"
    assert slider.readout(0.2) == "0.20" and slider.readout("adam") == "adam"
    assert isinstance(slider.values[0], float)


def test_slider_rejects_default_outside_values():
    with pytest.raises(ValueError, match="not one of its values"):
        Slider("m", [1, 2], default=3)
    with pytest.raises(ValueError, match="at least one value"):
        Slider("m", [])


def test_log_slider_is_geometric():
    slider = log_slider("lr", 1e-3, 1e0, 4)
    np.testing.assert_allclose(slider.values, [1e-3, 1e-2, 1e-1, 1.0])


def test_grid_follows_slider_order_last_fastest():
    explorable = make()
    assert list(explorable.grid()) == [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)]
    assert explorable.update.calls[0] == (0.0, 1.0), "the layout is fixed once at the defaults"
    frames = [explorable.render(i) for i in explorable.grid()]
    assert all(png.startswith(b"\x89PNG") for png in frames) and frames[0] != frames[1]


def test_render_is_cached():
    explorable = make()
    first = explorable.render((0, 0))
    assert explorable.render((0, 0)) is first
    assert len(explorable.update.calls) == 2  # the layout pass, then one render


def test_rendering_is_deterministic():
    assert make().to_html() == make().to_html()


def scrubber_data(page):
    return json.loads(re.search(r'class="explorable-data">(.*?)</script>', page).group(1).replace("<\\/", "</"))


def test_scrubber_html_holds_labelled_ranges_a_still_and_frames_as_data():
    explorable = make()
    page = explorable.to_html()
    assert page.startswith('<div class="explorable"')
    data = scrubber_data(page)
    assert [s["readouts"] for s in data["sliders"]] == [["-1", "0", "2"], ["0", "1"]]
    assert data["default"] == 3 and data["width"] == 512 and data["height"] == 320
    [layer] = data["layers"]                       # only the line moves; axes, ticks are background
    assert layer["kind"] == "line" and layer["index"] is None and layer["count"] == 6
    assert {"color", "width", "clip", "visible"} <= set(layer["const"])
    ranges = re.findall(r'type="range" min="0" max="(\d+)" step="1" value="(\d+)"', page)
    assert ranges == [("2", "1"), ("1", "1")]
    assert '<label for="' in page and 'alt="A line"' in page and 'aria-live="polite"' in page
    assert data["background"].startswith("data:image/png") and page.count("data:image/png;base64,") == 3, \
        "a still, the background, and the spines (matplotlib draws them above lines) as foreground"
    assert "http" not in page.replace(explorable.alt, "")


def ints(values):
    """A list of integers, plain, binary or as arithmetic runs, as explorable.js expands it."""
    if isinstance(values, dict) and ("b16" in values or "b32" in values):
        wide = "b32" in values
        array = np.frombuffer(base64.b64decode(values["b32" if wide else "b16"]), dtype="<i4" if wide else "<i2")
        gap = -2 ** 31 if wide else -2 ** 15
        return [None if v == gap else int(v) for v in array]
    if isinstance(values, dict) and "runs" in values:
        runs = ints(values["runs"])
        return [runs[i] + k * runs[i + 1] for i in range(0, len(runs), 3) for k in range(runs[i + 2])]
    if isinstance(values, dict) and "ragged" in values:
        flat, out, at = ints(values["ragged"]), [], 0
        for n in ints(values["lengths"]):
            out.append(None if n < 0 else flat[at:at + n])
            at += max(n, 0)
        return out
    return values


def undelta(path):
    out, previous = [], None
    for x, y in zip(path[::2], path[1::2]):
        if x is None:
            out += [None, None]
            previous = None
            continue
        if previous is not None:
            x, y = x + previous[0], y + previous[1]
        out += [x, y]
        previous = (x, y)
    return out


def fill(patterns, entry):
    numbers = str(entry).split("|") if entry != "" else []
    pattern = 0 if len(patterns) == 1 else int(numbers.pop(0))
    parts = patterns[pattern].split("\x00")
    return parts[0] + "".join(n + part for n, part in zip(numbers, parts[1:]))


def state_at(layer, frame):
    """A layer's state at a frame, resolved as explorable.js resolves it."""
    index = layer["index"]
    row = frame if index is None else ints(index)[frame]
    varying = {name: ints(column)[row] for name, column in layer["states"].items()
               if ints(column)[row] is not None}
    state = {**layer["const"], **varying}
    for name, slot in layer.get("slots", {}).items():
        if varying.get(name):
            full = list(slot["base"])
            for position, value in zip(slot["at"], varying[name]):
                full[position] = value
            state[name] = full
    if "points_path" in varying:
        state["points"] = undelta(ints(layer["paths"][varying["points_path"]]))[:2 * varying["points_length"]]
    for name, patterns in layer.get("patterns", {}).items():
        value = varying.get(name)
        if value is not None:
            state[name] = [fill(patterns, v) for v in value] if isinstance(value, list) else fill(patterns, value)
    return state


def test_recorded_points_are_the_lines_pixels():
    explorable = make()
    data = scrubber_data(explorable.to_html())
    points = np.array(state_at(data["layers"][0], 5)["points"], dtype=float).reshape(-1, 2) / data["quantum"]
    explorable.show((2, 1))
    line = explorable.figure.axes[0].lines[0]
    xy = line.get_transform().transform(line.get_xydata())
    xy[:, 1] = data["height"] - xy[:, 1]
    np.testing.assert_allclose(points, xy, atol=0.5 / data["quantum"] + 1e-9)


def steps_view(fig):
    ax = fig.subplots()
    path = np.cumsum(np.ones((50, 2)), axis=0)
    (line,) = ax.plot([], [], "o-")
    ax.set_xlim(0, 60)
    ax.set_ylim(0, 60)

    def update(lr, step):
        line.set_data(path[:step + 1, 0] * lr, path[:step + 1, 1] * lr)
        return f"{step} steps"

    return update


def test_a_growing_path_is_stored_once_with_a_length_per_frame():
    explorable = explore(steps_view, Slider("lr", [0.5, 1.0]), Slider("step", range(50), play=True),
                         alt="A path")
    data = scrubber_data(explorable.to_html())
    line, said = data["layers"]
    assert len(line["paths"]) == 2, "one full path per learning rate"
    assert sorted(len(ints(p)) for p in line["paths"]) == [100, 100], "50 points of x and y each"
    assert [len(state_at(line, f)["points"]) for f in (0, 1, 49, 50)] == [2, 4, 100, 2]
    explorable.show((0, 49))
    last = explorable.figure.axes[0].transData.transform((25.0, 25.0))      # lr 0.5 times the 50th point
    assert state_at(line, 49)["points"][-2:] == [round(4 * last[0]), round(4 * (data["height"] - last[1]))]
    assert said["kind"] == "say" and state_at(said, 7) == {"text": "7 steps"}
    assert said["patterns"] == {"text": ["\x00 steps"]} and said["states"]["text"][7] == "7"
    assert ints(line["states"]["points_length"])[:3] == [1, 2, 3] and isinstance(line["states"]["points_length"], dict)
    assert data["sliders"][1]["play"] is True
    page = explorable.to_html()
    assert 'class="explorable-play"' in page and "<select" in page
    assert data["sliders"][1]["autoplay"] is False and 'value="3" selected' in page, "it waits, at normal speed"


def test_autoplay_is_for_a_slider_that_plays_and_starts_at_the_fast_speed():
    page = explore(steps_view, Slider("lr", [0.5, 1.0]), Slider("step", range(50), play=True, autoplay=True),
                   alt="A path").to_html()
    assert scrubber_data(page)["sliders"][1]["autoplay"] is True
    assert 'value="10" selected' in page and 'value="3" selected' not in page
    with pytest.raises(ValueError, match="slider 'step' has autoplay=True without play=True"):
        Slider("step", range(50), autoplay=True)
    with pytest.raises(TypeError, match="autoplay of slider 'step' must be True or False, got 'yes'"):
        Slider("step", range(50), play=True, autoplay="yes")


def diverging_view(fig):
    ax = fig.subplots()
    (line,) = ax.plot([], [])
    ax.set_xlim(0, 10)
    ax.set_ylim(-1, 1)

    def update(rate):
        x = np.arange(10.0)
        line.set_data(x, (-rate) ** (x * 40.0))     # overflows to inf for the largest rate

    return update


def test_divergence_is_clipped_to_finite_integers():
    data = scrubber_data(explore(diverging_view, Slider("rate", [0.5, 1e10, 1e300]), alt="x").to_html())
    for k in range(3):
        values = [v for v in state_at(data["layers"][0], k).get("points") or [] if v is not None]
        assert all(isinstance(v, int) and abs(v) < 1e6 for v in values)


def limits_view(fig):
    ax = fig.subplots()
    (line,) = ax.plot([0, 1], [0, 1])

    def update(top):
        ax.set_ylim(0, top)

    return update


def test_changing_axis_limits_falls_back_to_whole_pictures():
    data = scrubber_data(explore(limits_view, Slider("top", [1.0, 2.0]), alt="x").to_html())
    assert data["background"] is None and [layer["kind"] for layer in data["layers"]] == ["sprite"]
    assert data["layers"][0]["count"] == 2


def test_math_text_is_kept_as_a_picture():
    def view(fig):
        text = fig.text(0.5, 0.5, "")

        def update(k):
            text.set_text(f"$x^{k}$")

        return update

    data = scrubber_data(explore(view, Slider("k", [1, 2]), alt="x", figsize=(2, 1)).to_html())
    assert data["layers"][0]["kind"] == "sprite"
    assert all(uri.startswith("data:image/png") for uri in data["layers"][0]["states"]["picture"])


def test_an_explorable_over_budget_is_refused_by_name():
    def noisy(fig):
        image = fig.subplots().imshow(np.zeros((200, 200)), vmin=0, vmax=1)

        def update(seed):
            image.set_data(np.random.default_rng(seed).random((200, 200)))

        return update

    explorable = explore(noisy, Slider("seed", range(60)), alt="noise", name="noise field")
    with pytest.raises(ValueError, match="explorable 'noise field' embeds .* MB, over the budget"):
        explorable.to_html()


def test_mimebundle_offers_the_widget_and_on_request_the_scrubber(monkeypatch):
    monkeypatch.delenv("NBLIB_SCRUBBER", raising=False)
    bundle = make()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "text/html" not in bundle, "live Jupyter should not wait for every frame"
    assert bundle["text/plain"] == "<Explorable: m, b>"
    monkeypatch.setenv("NBLIB_SCRUBBER", "1")
    bundle = make()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].startswith('<div class="explorable"')


def test_a_reopened_notebook_shows_the_still_until_the_cell_runs(monkeypatch):
    shown = []
    monkeypatch.delenv("NBLIB_SCRUBBER", raising=False)
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    explorable = make()
    explorable._ipython_display_()
    assert len(shown) == 2 and "application/vnd.jupyter.widget-view+json" in shown[0]
    still = shown[1]["text/html"]
    assert "run its cell" in still and 'alt="A line"' in still and ":has(.nblib-live)" in still
    shown.clear()
    monkeypatch.setenv("NBLIB_SCRUBBER", "1")
    explorable._ipython_display_()
    assert len(shown) == 1, "the book shows the scrubber, not the still"


def test_widget_redraws_from_the_selected_values_and_says_them():
    explorable = make()
    widget = explorable.widget()
    m_control, b_control, image, status = widget.children
    assert m_control.tooltip == "m" and m_control.style.description_width == b_control.style.description_width
    m_control.value = 2
    assert explorable.update.calls[-1] == (2.0, 1.0)
    png = base64.b64encode(explorable.render((2, 1))).decode()
    assert png in image.value and 'alt="A line"' in image.value and f'width="{explorable.width_px}"' in image.value
    assert 'aria-live="polite"' in status.value and "m 2, b 1" in status.value


def test_a_play_slider_gets_a_play_widget_in_jupyter():
    explorable = explore(steps_view, Slider("lr", [0.5, 1.0]), Slider("step", range(50), play=True), alt="x")
    lr_row, step_row, image, status = explorable.widget().children
    slider, (play, speed) = step_row.children[0], step_row.children[1].children
    assert play.max == 49 and play.value == slider.index and speed.options == ("slow", "normal", "fast")


def test_view_must_return_update():
    with pytest.raises(TypeError, match="must return an update"):
        Explorable(lambda fig: None, Slider("m", [1]), alt="x")


def test_duplicate_slider_names_are_refused():
    with pytest.raises(ValueError, match="distinct"):
        explore(line_view, Slider("m", [1]), Slider("m", [2]), alt="x")


def test_freeze_background_keeps_the_picture():
    x, y = seven_points()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    def render(freeze):
        fig = Figure(figsize=(4, 3), dpi=50)
        canvas = FigureCanvasAgg(fig)
        ax = fig.subplots()
        artists = regression.scatter_with_residuals(x, y, 0.0, 2.0, ax=ax)
        ax.set_title("a title that is frozen")
        if freeze:
            image = freeze_background(fig, [artists["line"], artists["residuals"]])
            assert image.get_array().shape == (150, 200, 4)
            assert not ax.title.get_visible() and not artists["points"].get_visible()
        regression.move_line(artists, x, y, 0.3, 1.0)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).astype(int)

    frozen, plain = render(True), render(False)
    assert frozen.shape == plain.shape
    assert np.mean(np.abs(frozen - plain).sum(axis=-1) > 60) < 0.01  # the same picture, up to antialiasing


# --- Choices, backdrops, panels, speeds -----------------------------------------------------

CURVES = {"square": X ** 2, "cube": X ** 3 - 3, "sine": np.sin(6 * X)}
LIMITS = {"square": (0, 1), "cube": (-3, -2), "sine": (-1, 1)}


def curve_view(fig):
    """A dot on the chosen curve; each curve (and its y-window) is drawn only when chosen."""
    ax = fig.subplots()
    curves = {name: ax.plot(X, y, color="0.5")[0] for name, y in CURVES.items()}
    (dot,) = ax.plot([], [], "o", color="C1")
    shown = {"curve": None}

    def update(curve, x):
        if curve != shown["curve"]:
            for name, line in curves.items():
                line.set_visible(name == curve)
            ax.set_ylim(*LIMITS[curve])
            shown["curve"] = curve
        y = float(np.interp(x, X, CURVES[curve]))
        dot.set_data([x], [y])
        return f"{curve} at {x:.2f}"

    return update


def curve_explorable(backdrop=True):
    return explore(curve_view, Choice("curve", list(CURVES), label="curve", default="cube", backdrop=backdrop),
                   Slider("x", np.linspace(0, 1, 5)), alt="A dot on a curve", figsize=(4, 3), dpi=50)


def test_a_choice_is_a_slider_over_names_with_its_own_fields():
    choice = Choice("surface", ["Beale", "saddle"], label="surface")
    assert choice.values == ("Beale", "saddle") and choice.default == "saddle" and not choice.backdrop
    assert choice.readout("Beale") == "Beale" and Choice("k", [1, 2, 3], default=1).start == 0
    with pytest.raises(ValueError, match="cannot play"):
        Choice("surface", ["a", "b"], play=True)
    with pytest.raises(ValueError, match="more than"):
        Choice("k", list(range(20)))


def test_a_choice_is_a_radio_group_of_buttons_in_the_page():
    explorable = curve_explorable()
    page = explorable.to_html()
    data = scrubber_data(page)
    assert [s["kind"] for s in data["sliders"]] == ["choice", "range"]
    assert page.count('role="radiogroup"') == 1 and page.count('role="radio"') == 3
    assert re.findall(r'aria-checked="(\w+)" tabindex="(-?\d)"', page) == [("false", "-1"), ("true", "0"),
                                                                           ("false", "-1")]
    assert 'aria-labelledby="' in page and page.count('type="range"') == 1
    assert re.search(r'<span id="([^"]+)" class="explorable-name">curve</span>', page)


def test_a_backdrop_choice_draws_one_background_per_value_and_records_only_what_moves():
    explorable = curve_explorable()
    data = scrubber_data(explorable.to_html())
    background = data["background"]
    assert background["controls"] == [0] and len(background["pictures"]) == 3 and background["index"] == [0, 1, 2]
    kinds = [layer["kind"] for layer in data["layers"]]
    assert kinds == ["line", "say"], "the curves and the axis limits are in the backgrounds; only the dot moves"
    dot = data["layers"][0]
    frames = [state_at(dot, f) for f in range(15)]
    for f, indices in enumerate(explorable.grid()):      # the dot where matplotlib puts it, in every window
        explorable.show(indices)
        want = explorable.figure.axes[0].lines[3].get_transform().transform(
            explorable.figure.axes[0].lines[3].get_xydata())[0]
        got = np.array(frames[f]["points"][:2]) / data["quantum"]
        assert got == pytest.approx([want[0], explorable.height_px - want[1]], abs=0.5)


def test_without_a_backdrop_a_choice_that_changes_the_limits_is_stored_as_whole_pictures():
    data = scrubber_data(curve_explorable(backdrop=False).to_html())
    assert data["background"] is None and [layer["kind"] for layer in data["layers"]][0] == "sprite"


def test_panels_cut_between_plots_and_never_through_a_title():
    def view(fig):
        axes = fig.subplots(1, 3)
        lines = [ax.plot(X, X)[0] for ax in axes]
        for k, ax in enumerate(axes):
            ax.set_title(f"panel {k}")
            ax.set_ylabel("a y label")
        fig.legend(handles=lines[:1], labels=["data"], loc="outside right center")

        def update(m):
            for line in lines:
                line.set_ydata(m * X)

        return update

    explorable = explore(view, Slider("m", [0.5, 1.0]), alt="three plots", figsize=(8.6, 3.0))
    panels = scrubber_data(explorable.to_html())["panels"]
    assert len(panels) == 3, "three plots; the legend, narrower than a panel, joins the last"
    assert panels[0]["x"] == 0 and panels[-1]["x"] + panels[-1]["w"] == explorable.width_px
    for panel in panels:
        assert panel["text"] == pytest.approx(10 * 80 / 72, abs=0.01)          # ticks and labels, 10 pt
    pixels = explorable.pixels(explorable.default_indices)[..., :3].astype(int)
    ink = np.abs(255 - pixels).sum(-1) > 24
    for left, right in zip(panels[:-1], panels[1:]):
        for (x0, x1, y0, y1), (u0, u1, v0, v1) in zip(left["parts"], right["parts"]):
            assert x1 == u0 and (y0, y1) == (v0, v1), "neighbours share each cut"
            assert not ink[y0:y1, x1 - 1:x1 + 1].any(), "a cut runs through blank columns"
    axes = [ax for ax in explorable.figure.axes if ax.get_position().width < 0.9]
    for panel, ax in zip(panels, axes):                # each plot and its y label inside its own panel
        body = panel["parts"][-1]
        box = ax.get_position()
        assert body[0] <= box.x0 * explorable.width_px - 20 and box.x1 * explorable.width_px <= body[1]


def test_one_plot_is_one_panel():
    data = scrubber_data(make().to_html())
    assert [(p["x"], p["w"]) for p in data["panels"]] == [(0, 512)]


def test_play_speeds_let_a_reader_follow_a_step():
    assert SPEEDS["slow"] == 1 and SPEEDS["slow"] < SPEEDS["normal"] < SPEEDS["fast"] <= 12
    explorable = explore(steps_view, Slider("lr", [0.5, 1.0]), Slider("step", range(50), play=True), alt="x")
    page = explorable.to_html()
    assert re.findall(r'<option value="(\d+)"( selected)?>(\w+)</option>', page) == [
        ("1", "", "slow"), ("3", " selected", "normal"), ("10", "", "fast")]
    play = explorable.widget().children[1].children[1].children[0]
    assert play.interval == 1000 // SPEEDS["normal"]


def test_a_choice_gets_toggle_buttons_in_jupyter():
    explorable = curve_explorable()
    buttons, slider, image, status = explorable.widget().children
    assert type(buttons).__name__ == "ToggleButtons" and buttons.options == (("square", 0), ("cube", 1),
                                                                             ("sine", 2))
    assert buttons.description == "curve" and buttons.value == 1
    buttons.value = 2
    assert "curve sine" in status.value and "sine at" in status.value
