import base64
import json
import re
import shutil
import subprocess

import numpy as np
import pytest

from nblib.explorable import MAX_FRAMES, Explorable, Slider, explore, freeze_background, log_slider
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


def test_frames_follow_slider_order_last_fastest():
    explorable = make()
    frames = explorable.frames()
    assert len(frames) == 6
    assert explorable.update.calls[0] == (0.0, 1.0), "the layout is fixed once at the defaults"
    assert explorable.update.calls[1:] == [(-1.0, 0.0), (-1.0, 1.0), (0.0, 0.0), (0.0, 1.0), (2.0, 0.0), (2.0, 1.0)]
    assert all(png.startswith(b"\x89PNG") for png in frames)
    assert frames[0] != frames[1]


def test_render_is_cached():
    explorable = make()
    first = explorable.render((0, 0))
    assert explorable.render((0, 0)) is first
    assert len(explorable.update.calls) == 2  # the layout pass, then one render


def test_rendering_is_deterministic():
    assert make().frames() == make().frames()


def test_scrubber_html_embeds_every_frame_with_labelled_ranges():
    explorable = make()
    page = explorable.to_html()
    assert page.startswith('<div class="explorable"')
    data = json.loads(re.search(r'<script type="application/json" class="explorable-data">(.*?)</script>',
                                page).group(1))
    assert data["sizes"] == [3, 2]
    assert data["readouts"] == [["-1", "0", "2"], ["0", "1"]]
    assert [base64.b64decode(f.split(",")[1]) for f in data["frames"]] == explorable.frames()
    ranges = re.findall(r'<input type="range" min="0" max="(\d+)" step="1" value="(\d+)"', page)
    assert ranges == [("2", "1"), ("1", "1")]
    assert 'aria-label="m"' in page and 'alt="A line"' in page
    assert "http" not in page.replace(explorable.alt, "")


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


def test_widget_redraws_from_the_selected_values():
    explorable = make()
    widget = explorable.widget()
    m_control, b_control, image = widget.children
    assert m_control.tooltip == "m" and m_control.style.description_width == b_control.style.description_width
    m_control.value = 2
    assert explorable.update.calls[-1] == (2.0, 1.0)
    png = base64.b64encode(explorable.render((2, 1))).decode()
    assert png in image.value and 'alt="A line"' in image.value and f'width="{explorable.width_px}"' in image.value


def test_too_many_frames_is_refused():
    with pytest.raises(ValueError, match="too many for the web page"):
        explore(line_view, Slider("m", range(MAX_FRAMES)), Slider("b", [0, 1]), alt="x")


def test_view_must_return_update():
    with pytest.raises(TypeError, match="must return an update"):
        Explorable(lambda fig: None, Slider("m", [1]), alt="x")


def test_duplicate_slider_names_are_refused():
    with pytest.raises(ValueError, match="distinct"):
        explore(line_view, Slider("m", [1]), Slider("m", [2]), alt="x")


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_scrubber_script_swaps_frames_in_a_minimal_dom():
    """Run the scrubber's own JavaScript against a tiny stand-in for the DOM."""
    page = make().to_html()
    data = re.search(r'class="explorable-data">(.*?)</script>', page).group(1)
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    uid = re.search(r'id="(explorable-[0-9a-f]+)"', page).group(1)
    harness = f"""
    const data = {json.dumps(data)};
    function makeInput(value) {{
      return {{ value: String(value), listeners: [], attrs: {{}},
               addEventListener(kind, f) {{ this.listeners.push(f); }},
               setAttribute(k, v) {{ this.attrs[k] = v; }} }};
    }}
    const inputs = [makeInput(1), makeInput(1)];
    const image = {{ src: "" }};
    const outputs = {{}};
    const root = {{
      querySelector(sel) {{
        if (sel === ".explorable-data") return {{ textContent: data }};
        if (sel === ".explorable-frame") return image;
        return outputs[sel] || (outputs[sel] = {{ textContent: "" }});
      }},
      querySelectorAll() {{ return inputs; }},
    }};
    global.document = {{ getElementById(id) {{ return id === "{uid}" ? root : null; }} }};
    {script}
    inputs[0].value = "2"; inputs[1].value = "0";
    inputs[0].listeners[0]();
    const parsed = JSON.parse(data);
    console.log(JSON.stringify({{ ok: image.src === parsed.frames[4],
      m: outputs["#{uid}-out-0"].textContent, b: outputs["#{uid}-out-1"].textContent }}));
    """
    result = subprocess.run(["node", "-e", harness], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"ok": True, "m": "2", "b": "0"}


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
