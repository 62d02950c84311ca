"""The book's own widgets and figures in the light and the dark theme, in a real browser.

Every chapter page of the built book is opened in headless Chromium once per theme (chosen
as the theme switch does, in ``localStorage``, with ``prefers-color-scheme`` to match;
pydata-sphinx-theme shows it as ``<html data-theme="light|dark">``). On each, with WCAG 2.1's contrast ratio:

- text of ours (slider names and readouts, play button, speed choice, self-check intro,
  labels, choices, typed answer and placeholder, Check button, every feedback box, and the
  verdict a wrong answer brings up) is at least 4.5:1 against what is behind it: its
  computed colour over the computed background colours of its ancestors, composited;
- the borders that mark a field or a button are at least 3:1 against what surrounds them;
- keyboard focus on the first slider, play button, speed choice, answer field, radio button
  and Check button gives a visible ``:focus-visible`` outline, at least 2 px wide and 3:1 against the
  background it is drawn on, and that outline is really painted on all four sides (read from
  a screenshot: a box that cuts off part of the ring fails);
- in the dark theme, every figure and every explorable picture sits on a light card of its
  own (white, padded, not dimmed by a filter), and the card's edge, read from a screenshot,
  is light, with rounded corners showing the dark page.

Screenshots of the first explorable, self-check (focused) and figure of every chapter, in
both themes, go to ``_build/screenshots/themes/`` (beside the ``html`` folder tested).
Measured on the book (``book/assets/book.css`` lists the colours), lowest over all chapters:
text 4.54:1 light (the answer field's placeholder, #767676 on white) and 7.4:1 dark; control
borders 4.35:1 and 5.2:1; focus rings 4.6:1 and 5.2:1. The stylesheets before this test had
an orange focus ring (#E69F00, 2.25:1 on white; #f0b400 on the self-check, 1.87:1), the
speed choice's ring cut off on its right by the output box, and, in the dark theme, figures
dimmed by the theme's filter on a grey card, self-checks as a light box on a grey card and
a placeholder at 2.4:1.
"""

import pathlib
import re

import numpy as np
import pytest
from PIL import Image

from browser import CHROMIUM, chromium, serve
from built_book import ROOT, html_dir

pytestmark = pytest.mark.skipif(not pathlib.Path(CHROMIUM).exists(),
                                reason="Chromium is not installed (make test installs it)")

THEMES = ("light", "dark")
VIEWPORT = {"width": 1280, "height": 900}
TEXT = 4.5
UI = 3.0

#: Our text, by selector; each visible match is measured.
TEXTS = {
    "slider name": ".explorable-name",
    "slider readout": ".explorable-slider output",
    "play button": ".explorable-play",
    "speed label": ".explorable-speed",
    "speed choice": ".explorable-speed select",
    "choice button": '.explorable-option[aria-checked="false"]',
    "checked choice button": '.explorable-option[aria-checked="true"]',
    "self-check intro": ".nblib-selfcheck-intro",
    "answer label": ".nblib-selfcheck > label",
    "choices legend": ".nblib-selfcheck-choices legend",
    "choice": ".nblib-selfcheck-choice",
    "typed answer": ".nblib-selfcheck-answer",
    "Check button": ".nblib-selfcheck-button",
    "feedback": ".nblib-feedback",
}
#: Borders that show where a control is.
BOUNDARIES = {
    "answer field": ".nblib-selfcheck-answer",
    "play button": ".explorable-play",
    "speed choice": ".explorable-speed select",
    "choice button": ".explorable-option",
}
#: What keyboard focus must visibly mark (the first of each on the page).
FOCUSABLE = {
    "slider": ".explorable input[type=range]",
    "play button": ".explorable-play",
    "speed choice": ".explorable-speed select",
    "choice button": '.explorable [role=radio][tabindex="0"]',
    "answer field": ".nblib-selfcheck-answer",
    "radio button": ".nblib-selfcheck-choice input",
    "Check button": ".nblib-selfcheck-button",
}


# --- Colour arithmetic (WCAG 2.1) ----------------------------------------------------------

def parse_colour(text):
    """A computed CSS colour ``rgb(r, g, b)`` / ``rgba(r, g, b, a)`` as (r, g, b, a), 0-255 and 0-1."""
    match = re.fullmatch(r"rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:[,\s/]+([\d.]+))?\s*\)", text.strip())
    if not match:
        raise ValueError(f"not a computed rgb() colour: {text!r}")
    r, g, b, a = match.groups()
    return float(r), float(g), float(b), 1.0 if a is None else float(a)


def composite(layers):
    """Colours listed from the element outwards, composited; the bottom is the browser's white."""
    rgb = np.array([255.0, 255.0, 255.0])
    for colour in reversed(layers):
        r, g, b, a = parse_colour(colour)
        rgb = a * np.array([r, g, b]) + (1 - a) * rgb
    return rgb


def luminance(rgb):
    c = np.asarray(rgb, float) / 255
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(c @ [0.2126, 0.7152, 0.0722])


def contrast(a, b):
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def contrast_over(colour, layers):
    """``colour`` drawn over ``layers`` against the layers alone: ``(ratio, rgb of the layers)``."""
    behind = composite(layers)
    return contrast(composite([colour] + layers), behind), behind


def test_contrast_arithmetic():
    """WCAG's own examples: black on white 21:1, #767676 on white 4.54:1; alpha composites."""
    assert contrast([0, 0, 0], [255, 255, 255]) == pytest.approx(21.0)
    assert contrast([0x76] * 3, [255] * 3) == pytest.approx(4.54, abs=0.01)
    assert composite(["rgba(0, 0, 0, 0.5)", "rgb(255, 255, 255)"]) == pytest.approx([127.5] * 3)
    assert composite(["rgba(0, 0, 0, 0)", "rgb(20, 24, 30)"]) == pytest.approx([20, 24, 30])
    assert parse_colour("rgba(0, 158, 115, 0.2)") == (0, 158, 115, 0.2)


# --- One visit per chapter and theme -------------------------------------------------------

#: In the page: the colour layers behind an element (its own background first, then its
#: ancestors' up to the first opaque one) and any background image on the way.
LAYERS_JS = """
function layers(el) {
  const out = [];
  for (let e = el; e; e = e.parentElement) {
    const s = getComputedStyle(e);
    if (s.backgroundImage !== 'none') out.push('image:' + s.backgroundImage.slice(0, 40));
    const c = s.backgroundColor;
    out.push(c);
    const m = c.match(/rgba?\\(([^)]*)\\)/);
    const parts = m ? m[1].split(/[\\s,\\/]+/).filter(Boolean) : [];
    if (parts.length === 3 || (parts.length === 4 && Number(parts[3]) === 1)) break;
  }
  return out;
}
function visible(el) { return el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'; }
function where(el) {
  const box = el.closest('.explorable, .nblib-selfcheck, .cell_output');
  const text = (el.textContent || el.value || '').trim().slice(0, 30);
  return (box && box.id ? '#' + box.id + ' ' : '') + el.tagName.toLowerCase() + (text ? ' "' + text + '"' : '');
}
"""

MEASURE_JS = "(arg) => {" + LAYERS_JS + """
return (([texts, boundaries]) => {
  const out = {texts: [], boundaries: [], cards: [], page: layers(document.body), figures: 0, stages: 0};
  for (const [name, selector] of Object.entries(texts)) {
    for (const el of document.querySelectorAll(selector)) {
      if (!visible(el)) continue;
      out.texts.push({name, where: where(el), color: getComputedStyle(el).color, behind: layers(el)});
      if (el.matches('input[type=text]'))
        out.texts.push({name: name + ' placeholder', where: where(el),
                        color: getComputedStyle(el, '::placeholder').color, behind: layers(el)});
    }
  }
  for (const [name, selector] of Object.entries(boundaries)) {
    for (const el of document.querySelectorAll(selector)) {
      if (!visible(el)) continue;
      const s = getComputedStyle(el);
      out.boundaries.push({name, where: where(el), color: s.borderTopColor, width: parseFloat(s.borderTopWidth),
                           behind: layers(el.parentElement)});
    }
  }
  const figures = [...document.querySelectorAll('.cell_output img')].filter(el => visible(el) && !el.closest('.explorable'));
  const stages = [...document.querySelectorAll('.explorable-stage')].filter(visible);
  out.figures = figures.length; out.stages = stages.length;
  for (const el of [...figures, ...stages]) {
    const s = getComputedStyle(el);
    out.cards.push({where: el.matches('img') ? 'figure ' + (el.closest('figure') || {}).id : 'explorable ' + el.parentElement.id,
                    own: layers(el), filter: s.filter,
                    padding_v: Math.min(parseFloat(s.paddingTop), parseFloat(s.paddingBottom)),
                    padding_h: Math.min(parseFloat(s.paddingLeft), parseFloat(s.paddingRight))});
  }
  return out;
})(arg); }
"""

FOCUS_JS = "(arg) => {" + LAYERS_JS + """
return ((el) => {
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {visible: el.matches(':focus-visible'), style: s.outlineStyle, width: parseFloat(s.outlineWidth),
          offset: parseFloat(s.outlineOffset), color: s.outlineColor, behind: layers(el.parentElement),
          box: {x: r.x, y: r.y, width: r.width, height: r.height}};
})(arg); }
"""


@pytest.fixture(scope="module")
def site():
    html = html_dir()
    shots = html.parent / "screenshots" / "themes"
    shots.mkdir(parents=True, exist_ok=True)
    with serve(html) as base, chromium() as browser:
        yield {"base": base, "browser": browser, "shots": shots, "reports": {}}


def chapter_pages():
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [entry["file"] + ".html" for part in toc.get("parts", []) for entry in part["chapters"]
            if entry["file"].startswith("chapters/")]


CHAPTERS = chapter_pages()


def report(site, page, theme):
    key = (page, theme)
    if key not in site["reports"]:
        site["reports"][key] = visit(site, page, theme)
    return site["reports"][key]


def visit(site, page, theme):
    context = site["browser"].new_context(viewport=VIEWPORT, device_scale_factor=1, color_scheme=theme)
    context.set_default_timeout(20_000)
    # As if the reader had picked the theme with the switch (kept in localStorage), whatever
    # the book's default mode; the system preference above agrees with it.
    context.add_init_script(f"localStorage.setItem('mode', '{theme}'); localStorage.setItem('theme', '{theme}');")
    tab = context.new_page()
    stem = f"{pathlib.Path(page).stem}-{theme}"
    try:
        tab.goto(f"{site['base']}/{page}")
        tab.wait_for_load_state("load")
        tab.evaluate("() => document.fonts.ready.then(() => true)")
        facts = {"theme": tab.evaluate("document.documentElement.dataset.theme")}
        wrong_verdict(tab)
        facts.update(tab.evaluate(MEASURE_JS, [TEXTS, BOUNDARIES]))
        facts["focus"] = {name: focus(tab, selector, site["shots"], f"{stem}-focus-{name.replace(' ', '-')}")
                          for name, selector in FOCUSABLE.items()}
        facts["edges"] = card_edges(tab, site["shots"], stem)
    finally:
        context.close()
    return facts


def wrong_verdict(tab):
    """Answer the first numeric self-check wrongly, so that a verdict box is on the page."""
    field = tab.locator(".nblib-selfcheck-answer").first
    if field.count():
        field.fill("123456")
        field.press("Enter")
        tab.locator(".nblib-selfcheck-verdict.nblib-feedback").first.wait_for()


def focus(tab, selector, folder, name):
    """Keyboard focus on the first match: its outline, and how much of each side is painted."""
    element = tab.locator(selector).first
    if not element.count():
        return None
    element.evaluate("e => e.scrollIntoView({block: 'center', inline: 'center'})")
    element.focus()
    tab.keyboard.press("Shift")                      # a key press: focus now counts as keyboard focus
    facts = element.evaluate(FOCUS_JS)
    box, margin = facts["box"], facts["offset"] + facts["width"] + 4
    clip = {"x": box["x"] - margin, "y": box["y"] - margin,
            "width": box["width"] + 2 * margin, "height": box["height"] + 2 * margin}
    path = folder / f"{name}.png"
    tab.screenshot(path=str(path), clip=clip)
    facts["sides"] = ring_sides(path, facts, margin) if facts["style"] not in ("none", "") else {}
    return facts


def ring_sides(path, facts, margin):
    """For each side of the outline, the share of its middle line (the middle 40 % of the side,
    half-way through the ring's width) painted in the outline's colour: 1 when drawn, 0 when
    clipped away."""
    pixels = np.asarray(Image.open(path).convert("RGB"), float)
    r, g, b, _ = parse_colour(facts["color"])
    near = np.abs(pixels - [r, g, b]).sum(axis=2) < 60
    box, out = facts["box"], facts["offset"] + facts["width"] / 2
    left, top = margin - out, margin - out
    right, bottom = margin + box["width"] + out, margin + box["height"] + out

    def share(values):
        return float(np.mean(values)) if len(values) else 0.0

    ys = np.arange(int(top + 0.3 * (bottom - top)), int(top + 0.7 * (bottom - top)) + 1)
    xs = np.arange(int(left + 0.3 * (right - left)), int(left + 0.7 * (right - left)) + 1)
    h, w = near.shape
    column = lambda x: near[ys[(ys >= 0) & (ys < h)], min(max(int(x), 0), w - 1)]
    row = lambda y: near[min(max(int(y), 0), h - 1), xs[(xs >= 0) & (xs < w)]]
    return {"left": share(column(left)), "right": share(column(right)),
            "top": share(row(top)), "bottom": share(row(bottom))}


def card_edges(tab, folder, stem):
    """Screenshots of the first figure, explorable and self-check; the figure cards' outer rings."""
    edges = {}
    for name, selector in (("figure", ".cell_output figure img"), ("explorable", ".explorable-stage"),
                           ("selfcheck", ".nblib-selfcheck")):
        element = tab.locator(selector).first
        if not element.count() or not element.is_visible():
            continue
        element.scroll_into_view_if_needed()
        path = folder / f"{stem}-{name}.png"
        target = tab.locator(".explorable").first if name == "explorable" else element
        target.screenshot(path=str(path))
        if name != "selfcheck":
            own = folder / f"{stem}-{name}-card.png"
            element.screenshot(path=str(own))
            pixels = np.asarray(Image.open(own).convert("RGB"))
            ring = np.concatenate([pixels[:3].reshape(-1, 3), pixels[-3:].reshape(-1, 3),
                                   pixels[:, :3].reshape(-1, 3), pixels[:, -3:].reshape(-1, 3)])
            corners = [pixels[0, 0], pixels[0, -1], pixels[-1, 0], pixels[-1, -1]]
            # The middle of each side, 2 px in (corners are rounded, so they show the page).
            h, w = pixels.shape[:2]
            sides = [pixels[2, w // 2], pixels[h - 3, w // 2], pixels[h // 2, 2], pixels[h // 2, w - 3]]
            edges[name] = {"darkest_side": int(np.min(sides)), "ring_mean": float(ring.mean()),
                           "corner_max": int(np.max(corners))}
            own.unlink()
    return edges


# --- The tests -----------------------------------------------------------------------------

@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("page", CHAPTERS)
def test_the_theme_is_applied(site, page, theme):
    facts = report(site, page, theme)
    assert facts["theme"] == theme
    page_colour = composite(facts["page"])
    assert (luminance(page_colour) > 0.9) if theme == "light" else (luminance(page_colour) < 0.05), page_colour


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("page", CHAPTERS)
def test_our_text_has_contrast(site, page, theme):
    facts = report(site, page, theme)
    names = {item["name"] for item in facts["texts"]}
    assert {"slider name", "slider readout", "self-check intro", "Check button", "feedback"} <= names, names
    low = []
    for item in facts["texts"]:
        assert not any(layer.startswith("image:") for layer in item["behind"]), item
        ratio, behind = contrast_over(item["color"], item["behind"])
        if ratio < TEXT:
            low.append(f"{item['name']} at {item['where']}: {ratio:.2f}:1 ({item['color']} on {behind.round()})")
    assert not low, f"text below {TEXT}:1 in the {theme} theme:\n" + "\n".join(low)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("page", CHAPTERS)
def test_control_borders_have_contrast(site, page, theme):
    facts = report(site, page, theme)
    assert facts["boundaries"], "no controls measured"
    low = []
    for item in facts["boundaries"]:
        ratio, behind = contrast_over(item["color"], item["behind"])
        if item["width"] < 1 or ratio < UI:
            low.append(f"{item['name']} at {item['where']}: {item['width']} px, {ratio:.2f}:1")
    assert not low, f"control borders below {UI}:1 in the {theme} theme:\n" + "\n".join(low)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("page", CHAPTERS)
def test_keyboard_focus_is_visible(site, page, theme):
    facts = report(site, page, theme)
    measured = {name: f for name, f in facts["focus"].items() if f is not None}
    assert {"slider", "Check button"} <= set(measured), set(measured)
    for name, f in measured.items():
        assert f["visible"], f"{name}: not :focus-visible after a key press"
        assert f["style"] not in ("none", "hidden") and f["width"] >= 2, f"{name}: outline {f['style']} {f['width']} px"
        ratio, behind = contrast_over(f["color"], f["behind"])
        assert ratio >= UI, f"{name}: focus outline {f['color']} is {ratio:.2f}:1 on {behind.round()}"
        # Painted on all four sides, not clipped by a box around it (read from a screenshot).
        assert min(f["sides"].values()) >= 0.8, f"{name}: share of each side of the ring painted {f['sides']}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_figures_sit_on_a_light_card_in_the_dark_theme(site, page):
    facts = report(site, page, "dark")
    assert facts["figures"] + facts["stages"] > 0
    assert facts["stages"] >= 1
    for card in facts["cards"]:
        assert card["filter"] == "none", f"{card['where']} is dimmed: filter {card['filter']}"
        assert luminance(composite(card["own"])) > 0.95, f"{card['where']} sits on {composite(card['own'])}"
        # White above and below; at the sides too for a figure (an explorable is drawn as wide as
        # the text column, so its own white margin is the card's side: padding would blur it).
        assert card["padding_v"] >= 4, f"{card['where']}: padding {card['padding_v']} px"
        if card["where"].startswith("figure"):
            assert card["padding_h"] >= 4, f"{card['where']}: padding {card['padding_h']} px"
    for name, edge in facts["edges"].items():
        # The card's edge is light (the picture's own white continues it)...
        assert edge["darkest_side"] >= 235, f"{name}: card edge {edge}"
        # ...and its corners are rounded, showing the dark page.
        assert edge["corner_max"] <= 60, f"{name}: corners {edge}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_figures_are_not_altered_in_the_light_theme(site, page):
    facts = report(site, page, "light")
    for card in facts["cards"]:
        assert card["filter"] == "none", f"{card['where']}: filter {card['filter']}"
