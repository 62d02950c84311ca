"""The static form of explorables in a real browser (headless Chromium, see tests/browser.py).

Fidelity: a frame drawn in the browser (background picture plus the recorded artists on a
canvas) must look like the same frame drawn by matplotlib alone. Two renderers never agree
pixel for pixel (Agg and Skia antialias edges differently and place glyphs a fraction of a
pixel apart), so the comparison looks only at the *moving ink*: the pixels where either
picture differs from the background. A pixel there counts as wrong when no pixel within one
pixel of it in the other picture has nearly the same colour (summed RGB difference above
:data:`COLOUR_TOLERANCE`, about a third of full scale). Measured on the frames below, a right
frame has 1.0-1.4% of its moving ink wrong (glyph and marker edges); the same frame compared
with its neighbour one stop away on either parameter slider (every artist moved a little) has
8% and 15%, and an image drawn upside down (a bug this test found) 5.6%. :data:`MAX_WRONG` sits
at about twice the worst right frame.
"""

import base64
import io
import shutil

import numpy as np
import pytest
from matplotlib.patches import Polygon
from PIL import Image

from browser import CHROMIUM, chromium, serve
from nblib.explorable import Choice, Slider, explore
from nblib.explorable.font import write_fonts

pytestmark = pytest.mark.skipif(shutil.which(CHROMIUM) is None and not __import__("os").path.exists(CHROMIUM),
                                reason="Chromium is not installed (make test installs it)")

COLOUR_TOLERANCE = 250
INK = 60
MAX_WRONG = 0.03

X = np.linspace(0, 1, 30)


def busy_view(fig):
    """One artist of every kind the recorder encodes, all moving with a and b."""
    left, right = fig.subplots(1, 2)
    left.scatter([0.2, 0.5, 0.8], [0.5, 0.2, 0.8], s=60, color="k", zorder=5)      # static, above the line
    (line,) = left.plot(X, X, "--o", ms=4, lw=2)
    dots = left.scatter(X[::5], X[::5], s=20)
    bars = left.vlines(X[::6], 0, X[::6], colors="grey", linestyles=":")
    label = left.text(0.05, 0.9, "", bbox=dict(facecolor="white", alpha=0.8))
    tilted = right.text(0.5, 0.5, "", rotation=30, fontsize=12, ha="center")
    patch = right.add_patch(Polygon([[0.1, 0.1], [0.4, 0.1], [0.25, 0.4]], color="tab:green", alpha=0.6))
    image = right.imshow(np.zeros((4, 4)), extent=(0.6, 0.9, 0.6, 0.9), vmin=0, vmax=1)
    for ax in (left, right):
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)

    def update(a, b, steps):
        y = a * X ** 2 + b
        line.set_data(X[:steps + 1], y[:steps + 1])
        dots.set_offsets(np.column_stack([X[::5], y[::5]]))
        dots.set_sizes(20 + 200 * X[::5] * a)
        dots.set_color(["tab:red" if v > 0.5 else "tab:blue" for v in y[::5]])
        bars.set_segments([[[x, 0], [x, v]] for x, v in zip(X[::6], y[::6])])
        label.set_text(f"a = {a:.2f}\nb = {b:.2f}")
        tilted.set_text(f"loss {a * b:.3f}")
        patch.set_xy([[0.1, 0.1 + b / 2], [0.4, 0.1], [0.25, 0.4 + a / 3]])
        image.set_data(np.outer(np.linspace(0, a, 4), np.linspace(0, 1, 4)))
        return f"the curve ends at {a + b:.2f}"

    return update


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module (Playwright allows one per process at a time)."""
    with chromium() as browser:
        yield browser


def page_folder(tmp_path_factory, name, body, head=""):
    """A folder to serve: ``index.html`` with ``body`` (its ``<body>`` element) under the book's
    explorable script and stylesheet (and ``head``), and the fonts explorables draw with."""
    folder = tmp_path_factory.mktemp(name)
    static = folder / "_static"
    static.mkdir()
    write_fonts(static / "fonts")
    for asset in ("explorable.js", "explorable.css"):
        shutil.copy(f"book/assets/{asset}", static / asset)
    (folder / "index.html").write_text(
        f'<!doctype html><html><head><meta charset="utf-8">{head}<link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="_static/explorable.css"><script src="_static/explorable.js"></script>'
        f"</head>{body}</html>")
    return folder


@pytest.fixture(scope="module")
def page(tmp_path_factory, browser):
    """The busy explorable on a page served with the book's script, stylesheet and fonts."""
    explorable = explore(busy_view, Slider("a", np.linspace(0, 1, 6)), Slider("b", np.linspace(0, 0.6, 4)),
                         Slider("steps", range(30), play=True), alt="A busy test figure", figsize=(8, 3.5))
    folder = page_folder(tmp_path_factory, "explorable-page", f"<body>{explorable.to_html()}</body>")
    with serve(folder) as url:
        tab = browser.new_page(viewport={"width": 900, "height": 700}, device_scale_factor=1)
        errors = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        tab.goto(url + "/index.html")
        tab.wait_for_function("() => document.fonts.status === 'loaded'")
        yield explorable, tab, errors


def canvas_pixels(tab, indices):
    tab.evaluate("(i) => nblibExplorables.show(document.querySelector('.explorable'), i)", list(indices))
    uri = tab.evaluate("() => document.querySelector('.explorable canvas').toDataURL('image/png')")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB")).astype(int)


def wrong_fraction(got, want, background):
    """The share of moving-ink pixels with no matching colour within one pixel in the other picture."""
    ink = (np.abs(want - background).sum(-1) > INK) | (np.abs(got - background).sum(-1) > INK)
    best = np.full(got.shape[:2], 10 ** 6)
    padded = np.pad(want, ((1, 1), (1, 1), (0, 0)), mode="edge")
    h, w = got.shape[:2]
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            best = np.minimum(best, np.abs(got - padded[dy:dy + h, dx:dx + w]).sum(-1))
    return float(np.mean(best[ink] > COLOUR_TOLERANCE)) if ink.any() else 0.0


def background_pixels(explorable):
    """matplotlib's picture with every moving artist hidden."""
    from nblib.explorable._record import leaves

    explorable.show((0, 0, 0))
    hidden = [a for a in leaves(explorable.figure) if a.get_visible() and a.axes is not None
              and a in a.axes.lines + a.axes.collections + a.axes.texts + a.axes.patches + a.axes.images]
    for artist in hidden:
        artist.set_visible(False)
    explorable.canvas.draw()
    pixels = np.asarray(explorable.canvas.buffer_rgba())[..., :3].astype(int).copy()
    for artist in hidden:
        artist.set_visible(True)
    return pixels


SAMPLE = [(0, 0, 0), (2, 1, 10), (5, 3, 29), (3, 1, 4), (4, 2, 20)]


@pytest.mark.parametrize("indices", SAMPLE)
def test_browser_frame_matches_matplotlib(page, indices):
    explorable, tab, errors = page
    background = background_pixels(explorable)
    got = canvas_pixels(tab, indices)
    want = explorable.pixels(indices)[..., :3].astype(int)
    assert got.shape == want.shape
    assert wrong_fraction(got, want, background) < MAX_WRONG
    assert not errors


def test_a_frame_drawing_the_wrong_line_fails_the_comparison(page):
    explorable, tab, _ = page
    background = background_pixels(explorable)
    got = canvas_pixels(tab, (2, 1, 10))
    for other in [(3, 1, 10), (2, 2, 10)]:                  # one stop away on a, on b
        assert wrong_fraction(got, explorable.pixels(other)[..., :3].astype(int), background) > 2 * MAX_WRONG


def test_keyboard_moves_the_frame_readout_and_description(page):
    explorable, tab, errors = page
    before = canvas_pixels(tab, (2, 1, 10))
    first = tab.locator(".explorable input[type=range]").first
    first.focus()
    tab.keyboard.press("ArrowRight")
    assert tab.locator(".explorable output").first.text_content() == explorable.sliders[0].readout(
        explorable.sliders[0].values[3])
    assert first.get_attribute("aria-valuetext") == "0.6"
    tab.wait_for_timeout(400)
    status = tab.locator(".explorable-status").text_content()
    assert status == "a 0.6, b 0.2, steps 10. the curve ends at 0.80", "the values, then what update said"
    uri = tab.evaluate("() => document.querySelector('.explorable canvas').toDataURL('image/png')")
    after = np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB")).astype(int)
    assert np.abs(after - before).sum() > 0
    tab.keyboard.press("End")
    assert first.input_value() == "5"
    tab.keyboard.press("Home")
    assert first.input_value() == "0"
    assert not errors


def test_play_and_pause_with_the_button_and_the_space_bar(page):
    _, tab, errors = page
    steps = tab.locator(".explorable input[type=range]").nth(2)
    button = tab.locator(".explorable-play")
    tab.locator(".explorable-speed select").select_option(label="fast")
    steps.fill("0")
    button.click()
    tab.wait_for_timeout(600)
    assert button.text_content() == "Pause" and int(steps.input_value()) >= 3
    button.click()
    paused = steps.input_value()
    tab.wait_for_timeout(300)
    assert button.text_content() == "Play" and steps.input_value() == paused
    steps.focus()
    tab.keyboard.press(" ")
    tab.wait_for_timeout(400)
    tab.keyboard.press(" ")
    assert int(steps.input_value()) > int(paused) and button.text_content() == "Play"
    tab.locator(".explorable-speed select").select_option(label="normal")
    assert not errors


def test_reduced_motion_slows_playing_down(page):
    _, tab, _ = page
    tab.emulate_media(reduced_motion="reduce")
    steps = tab.locator(".explorable input[type=range]").nth(2)
    steps.fill("0")
    tab.locator(".explorable-play").click()
    tab.wait_for_timeout(1200)
    tab.locator(".explorable-play").click()
    tab.emulate_media(reduced_motion="no-preference")
    assert 1 <= int(steps.input_value()) <= 3


def test_nothing_plays_until_asked_and_the_still_is_for_print(page):
    _, tab, _ = page
    assert tab.locator(".explorable-play").first.text_content() == "Play"
    assert tab.locator(".explorable-still").is_hidden() and tab.locator(".explorable-panel").first.is_visible()
    tab.emulate_media(media="print")
    assert tab.locator(".explorable-still").is_visible() and tab.locator(".explorable-panel").first.is_hidden()
    tab.emulate_media(media="screen")


def test_play_from_the_end_starts_over_and_shows_the_first_frame_at_once(page):
    explorable, tab, errors = page
    tab.emulate_media(reduced_motion="reduce")                   # 2 frames a second: the first tick is 500 ms away
    steps = tab.locator(".explorable input[type=range]").nth(2)
    steps.fill("29")
    tab.locator(".explorable-play").click()
    shown = tab.evaluate("() => [document.querySelector('.explorable input[type=range][data-slider=\"2\"]').value,"
                         " document.querySelectorAll('.explorable output')[2].textContent]")
    tab.locator(".explorable-play").click()
    tab.emulate_media(reduced_motion="no-preference")
    assert shown == ["0", explorable.sliders[2].readout(0)]
    assert not errors


def test_slow_plays_one_step_a_second(page):
    _, tab, errors = page
    steps = tab.locator(".explorable input[type=range]").nth(2)
    tab.locator(".explorable-speed select").select_option(label="slow")
    steps.fill("0")
    tab.locator(".explorable-play").click()
    tab.wait_for_timeout(2500)
    tab.locator(".explorable-play").click()
    tab.locator(".explorable-speed select").select_option(label="normal")
    assert int(steps.input_value()) == 2, "2.5 s at one step a second"
    assert not errors


# --- A choice, its backdrops, and the panels on a phone ---------------------------------------

@pytest.fixture(scope="module")
def narrow(tmp_path_factory, browser):
    """A choice with a background per value, and three plots side by side, served with the book's
    script and stylesheet; a tab at 390 px and one at 1280 px."""
    from test_explorable import curve_view, CURVES

    curve = explore(curve_view, Choice("curve", list(CURVES), label="curve", default="cube", backdrop=True),
                    Slider("x", np.linspace(0, 1, 5), play=True), alt="A dot on a curve", figsize=(5, 3.2))

    def three(fig):
        axes = fig.subplots(1, 3)
        lines = [ax.plot(X, X)[0] for ax in axes]
        for k, ax in enumerate(axes):
            ax.set_title(f"plot {k}")
            ax.set_ylabel("a label")

        def update(m):
            for line in lines:
                line.set_ydata(m * X)

        return update

    wide = explore(three, Slider("m", [0.5, 1.0, 2.0], label="slope"), alt="Three plots", figsize=(8.6, 3.2))

    def one(fig):
        (line,) = fig.subplots().plot(X, X)
        return lambda m: line.set_ydata(m * X)

    single = explore(one, Slider("m", [0.5, 1.0]), alt="One wide plot", figsize=(8.6, 3.0))
    folder = page_folder(tmp_path_factory, "explorable-narrow",
                         f'<body style="margin: 16px">{curve.to_html()}{wide.to_html()}{single.to_html()}</body>',
                         head='<meta name="viewport" content="width=device-width">')
    with serve(folder) as url:
        tabs, errors = {}, []
        for width in (390, 1280):
            tab = browser.new_page(viewport={"width": width, "height": 900}, device_scale_factor=1)
            tab.on("pageerror", lambda error: errors.append(str(error)))
            tab.goto(url + "/index.html")
            tab.wait_for_function("() => document.fonts.status === 'loaded'")
            tabs[width] = tab
        yield curve, tabs, errors


#: Per panel canvas of every explorable: its width on the page, its smallest text there (CSS px),
#: and the boxes of every control.
SIZES = """() => [...document.querySelectorAll(".explorable")].map((root) => ({
  panels: [...root.querySelectorAll(".explorable-panel")].map((c) => {
    const box = c.getBoundingClientRect(), scale = box.width / (c.width / devicePixelRatio);
    return {left: box.left, top: box.top, width: box.width, text: c.dataset.text ? +c.dataset.text * scale : null};
  }),
  rows: [...root.querySelectorAll(".explorable-slider")].map((row) =>
    [...row.querySelectorAll(".explorable-name, input[type=range], output")].map((el) => {
      const box = el.getBoundingClientRect();
      return {top: box.top, bottom: box.bottom};
    })),
  targets: [...root.querySelectorAll("input[type=range], button, select")].map((el) =>
    el.getBoundingClientRect().height),
  page: document.documentElement.scrollWidth,
  stage: (({scrollWidth, clientWidth, className}) => ({scrolls: scrollWidth > clientWidth + 1, className}))(
    root.querySelector(".explorable-stage")),
}))"""


@pytest.mark.parametrize("width", [390, 1280])
def test_text_is_readable_and_controls_are_touch_targets(narrow, width):
    _, tabs, errors = narrow
    for explorable in tabs[width].evaluate(SIZES):
        assert all(p["text"] is None or p["text"] >= 9 for p in explorable["panels"]), explorable["panels"]
        assert min(explorable["targets"]) >= 24
        for row in explorable["rows"]:                # label, track and value on one row
            assert max(box["top"] for box in row) < min(box["bottom"] for box in row)
        assert explorable["page"] <= width
    assert not errors


def test_panels_stack_on_a_phone_and_sit_side_by_side_on_a_desktop(narrow):
    _, tabs, _ = narrow
    phone, desktop = tabs[390].evaluate(SIZES)[1], tabs[1280].evaluate(SIZES)[1]
    assert len(phone["panels"]) == 3
    assert len({round(p["top"]) for p in desktop["panels"]}) == 1, "one row: the figure as drawn"
    assert sum(p["width"] for p in desktop["panels"]) >= 688
    assert len({round(p["top"]) for p in phone["panels"]}) >= 2, "the plots wrap onto rows of their own"


def test_a_choice_moves_by_click_and_arrow_keys_and_switches_the_background(narrow):
    curve, tabs, errors = narrow
    tab = tabs[1280]
    root = tab.locator(".explorable").first
    buttons = root.locator("[role=radio]")
    checked = lambda: [b.get_attribute("aria-checked") for b in buttons.all()]   # noqa: E731
    pixels = lambda: tab.evaluate("() => document.querySelector('.explorable canvas').toDataURL()")  # noqa: E731
    assert checked() == ["false", "true", "false"]
    before = pixels()
    buttons.nth(2).click()
    assert checked() == ["false", "false", "true"] and pixels() != before
    assert buttons.nth(2).evaluate("(b) => b.tabIndex") == 0 and buttons.nth(1).evaluate("(b) => b.tabIndex") == -1
    buttons.nth(2).focus()
    tab.keyboard.press("ArrowRight")                              # wraps round to the first
    assert checked() == ["true", "false", "false"]
    assert tab.evaluate("() => document.activeElement.textContent") == "square"
    ring = tab.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert ring != "none"
    tab.keyboard.press("ArrowLeft")
    tab.keyboard.press("Home")
    assert checked() == ["true", "false", "false"]
    tab.keyboard.press("End")
    assert checked() == ["false", "false", "true"]
    tab.wait_for_timeout(400)
    assert root.locator(".explorable-status").text_content().startswith("curve sine, x 0.5. sine at 0.50")
    for k, name in enumerate(["square", "cube", "sine"]):         # each frame as matplotlib draws it
        got = tab.evaluate("(i) => { nblibExplorables.show(document.querySelector('.explorable'), i);"
                           " return document.querySelector('.explorable canvas').toDataURL('image/png'); }", [k, 4])
        image = np.asarray(Image.open(io.BytesIO(base64.b64decode(got.split(",", 1)[1]))).convert("RGB")).astype(int)
        want = curve.pixels((k, 4))[..., :3].astype(int)
        assert np.mean(np.abs(image - want).sum(-1) > 150) < 0.01, name
    assert not errors


def test_a_single_wide_plot_scrolls_sideways_on_a_phone_behind_a_faded_edge(narrow):
    _, tabs, _ = narrow
    phone, desktop = tabs[390].evaluate(SIZES)[2], tabs[1280].evaluate(SIZES)[2]
    assert phone["stage"]["scrolls"] and "explorable-more-right" in phone["stage"]["className"]
    assert phone["panels"][0]["text"] >= 9
    assert not desktop["stage"]["scrolls"] and "explorable-more" not in desktop["stage"]["className"]
    tab = tabs[390]
    tab.evaluate("() => { const s = document.querySelectorAll('.explorable-stage')[2]; s.scrollLeft = s.scrollWidth; }")
    tab.wait_for_timeout(100)
    after = tab.evaluate(SIZES)[2]["stage"]["className"]
    assert "explorable-more-left" in after and "explorable-more-right" not in after


@pytest.fixture(scope="module")
def autoplaying(tmp_path_factory, browser):
    """An explorable whose step slider has autoplay, below a screen of text: served, not yet opened."""
    explorable = explore(busy_view, Slider("a", [0.5]), Slider("b", [0.3]),
                         Slider("steps", range(30), default=29, play=True, autoplay=True),
                         alt="A busy test figure", figsize=(8, 3.5))
    folder = page_folder(tmp_path_factory, "autoplay-page",
                         f'<body><div style="height: 1500px">Text above the fold.</div>{explorable.to_html()}</body>')
    with serve(folder) as url:
        yield url + "/index.html"


def open_tab(browser, url, reduced_motion="no-preference"):
    tab = browser.new_page(viewport={"width": 900, "height": 700}, device_scale_factor=1,
                           reduced_motion=reduced_motion)
    tab.goto(url)
    tab.wait_for_function("() => nblibExplorables.all.length === 1")
    return tab


def step_shown(tab):
    return int(tab.locator(".explorable input[type=range]").nth(2).input_value())


def test_autoplay_starts_from_the_first_step_when_the_explorable_comes_into_view(browser, autoplaying):
    tab = open_tab(browser, autoplaying)
    tab.wait_for_timeout(400)
    assert step_shown(tab) == 29 and tab.locator(".explorable-play").text_content() == "Play", \
        "out of view, it waits at its starting value"
    assert tab.locator(".explorable-speed select").evaluate("s => s.selectedOptions[0].text") == "fast"
    tab.locator(".explorable").scroll_into_view_if_needed()
    tab.wait_for_function("() => document.querySelector('.explorable-play').textContent === 'Pause'")
    tab.wait_for_timeout(300)
    assert 0 < step_shown(tab) < 29, "it plays from the first step, ten steps a second"
    tab.wait_for_function("() => document.querySelector('.explorable-play').textContent === 'Play'",
                          timeout=6000)
    assert step_shown(tab) == 29, "it plays once, to the end"
    tab.close()


def test_moving_the_slider_stops_autoplay(browser, autoplaying):
    tab = open_tab(browser, autoplaying)
    tab.locator(".explorable").scroll_into_view_if_needed()
    tab.wait_for_function("() => document.querySelector('.explorable-play').textContent === 'Pause'")
    tab.locator(".explorable input[type=range]").nth(2).fill("3")
    tab.wait_for_timeout(400)
    assert step_shown(tab) == 3 and tab.locator(".explorable-play").text_content() == "Play"
    tab.close()


def test_no_autoplay_for_a_reader_who_asks_for_reduced_motion(browser, autoplaying):
    tab = open_tab(browser, autoplaying, reduced_motion="reduce")
    tab.locator(".explorable").scroll_into_view_if_needed()
    tab.wait_for_timeout(800)
    assert step_shown(tab) == 29 and tab.locator(".explorable-play").text_content() == "Play"
    tab.close()
