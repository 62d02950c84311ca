"""The book's palette stays distinguishable for readers with a colour-vision deficiency.

Each colour is simulated as a reader with protanopia, deuteranopia or tritanopia sees it
(Machado, Oliveira and Fernandes 2009, severity 1, applied in linear sRGB), converted to CIELAB
(D65) and compared with CIEDE2000. Two sets of colours can share a plot: the line cycle
(``CYCLE``, all eight, since chapter 6 draws seven methods at once) and the roles (``COLORS``).

Measured (``python tests/test_theme.py`` prints the closest pairs): with normal vision every
pair is at least 21 apart; under the three simulations the eight Okabe-Ito colours of the cycle
keep at least 10.9 apart (pink ``bad`` against orange ``highlight`` for tritanopia). The old
grey of the ``residual`` role, #999999, was only 6.2 from ``bad`` for deuteranopia (both read
as the same mid grey) and 10.2 from ``good``; the darker #707070 is at least 11.5 from every
role. :data:`MIN_DISTANCE` is 10: just under what Okabe and Ito's own colours keep, and above
the old grey's 6.2.
"""

import itertools

import matplotlib as mpl
import numpy as np
import pytest

from nblib import theme
from nblib.theme import COLORS, CYCLE

MIN_DISTANCE = 10.0

#: Machado et al. (2009), severity 1.0, for linear RGB.
MACHADO = {
    "protanopia": [[0.152286, 1.052583, -0.204868],
                   [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968],
                     [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779],
                   [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}
VISIONS = ("normal",) + tuple(MACHADO)

_SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                         [0.2126729, 0.7151522, 0.0721750],
                         [0.0193339, 0.1191920, 0.9503041]])
_WHITE = _SRGB_TO_XYZ.sum(axis=1)


def linear_rgb(colour):
    """A matplotlib colour as linear sRGB, shape (3,)."""
    c = np.array(mpl.colors.to_rgb(colour))
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(colour, vision="normal"):
    """CIELAB (D65) of a colour as seen with ``vision`` (one of :data:`VISIONS`)."""
    rgb = linear_rgb(colour)
    if vision != "normal":
        rgb = np.clip(np.array(MACHADO[vision]) @ rgb, 0, 1)
    xyz = _SRGB_TO_XYZ @ rgb / _WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def ciede2000(lab1, lab2):
    """The CIEDE2000 colour difference (Sharma, Wu and Dalal 2005), kL = kC = kH = 1."""
    (L1, a1, b1), (L2, a2, b2) = lab1, lab2
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar ** 7 / (c_bar ** 7 + 25.0 ** 7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1 = np.degrees(np.arctan2(b1, a1)) % 360 if c1 else 0.0
    h2 = np.degrees(np.arctan2(b2, a2)) % 360 if c2 else 0.0
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_big_h = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    l_bar, c_bar = (L1 + L2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_bar = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_bar = (h1 + h2) / 2
    else:
        h_bar = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (1 - 0.17 * np.cos(np.radians(h_bar - 30)) + 0.24 * np.cos(np.radians(2 * h_bar))
         + 0.32 * np.cos(np.radians(3 * h_bar + 6)) - 0.20 * np.cos(np.radians(4 * h_bar - 63)))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * c_bar
    s_h = 1 + 0.015 * c_bar * t
    r_t = (-2 * np.sqrt(c_bar ** 7 / (c_bar ** 7 + 25.0 ** 7))
           * np.sin(np.radians(60 * np.exp(-(((h_bar - 275) / 25) ** 2)))))
    dl, dc, dh = (L2 - L1) / s_l, (c2 - c1) / s_c, d_big_h / s_h
    return float(np.sqrt(dl ** 2 + dc ** 2 + dh ** 2 + r_t * dc * dh))


def pairs():
    """Every pair of colours that can share a plot, named: the cycle's, then the roles'."""
    cycle = [(f"CYCLE[{k}]", c) for k, c in enumerate(CYCLE)]
    roles = [(f"COLORS[{name!r}]", c) for name, c in COLORS.items()]
    return list(itertools.combinations(cycle, 2)) + list(itertools.combinations(roles, 2))


def closest(vision, count=3):
    """The ``count`` closest pairs for ``vision``: (distance, name, name)."""
    return sorted((ciede2000(lab(a, vision), lab(b, vision)), na, nb) for (na, a), (nb, b) in pairs())[:count]


# Sharma, Wu and Dalal (2005), table 1: pairs 1, 7, 13, 17 and 25 with their published differences.
SHARMA = [((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
          ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
          ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0009), 7.1792),
          ((50.0, 2.5000, 0.0000), (73.0, 25.0, -18.0), 27.1492),
          ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644)]


@pytest.mark.parametrize("first, second, expected", SHARMA)
def test_ciede2000_matches_the_published_test_data(first, second, expected):
    assert ciede2000(np.array(first), np.array(second)) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(np.array(second), np.array(first)) == pytest.approx(expected, abs=1e-4)


def test_lab_of_known_colours():
    assert lab("white") == pytest.approx([100, 0, 0], abs=1e-3)
    assert lab("black") == pytest.approx([0, 0, 0], abs=1e-9)
    # sRGB red in CIELAB (D65), as published by Bruce Lindbloom's calculator: 53.24, 80.09, 67.20.
    assert lab("#ff0000") == pytest.approx([53.24, 80.09, 67.20], abs=0.02)


def test_simulation_confuses_what_each_deficiency_confuses():
    """The matrices do their job: red and green collapse for protan/deutan, blue and green do not."""
    red_green = {v: ciede2000(lab("#ff0000", v), lab("#00a000", v)) for v in VISIONS}
    assert red_green["normal"] > 60
    assert red_green["deuteranopia"] < red_green["normal"] / 3
    assert red_green["protanopia"] < red_green["normal"] / 3
    # Grey stays grey: the matrices keep white white.
    for vision in MACHADO:
        assert lab("white", vision) == pytest.approx([100, 0, 0], abs=0.1)


@pytest.mark.parametrize("vision", VISIONS)
def test_colours_that_share_a_plot_stay_apart(vision):
    too_close = [(round(d, 1), a, b) for d, a, b in closest(vision, count=len(pairs())) if d < MIN_DISTANCE]
    assert not too_close, f"{vision}: pairs closer than CIEDE2000 {MIN_DISTANCE}: {too_close}"


def test_the_old_grey_would_fail():
    """The test can fail: #999999 as the residual grey is 6.2 from pink for deuteranopia."""
    d = ciede2000(lab("#999999", "deuteranopia"), lab(COLORS["bad"], "deuteranopia"))
    assert d == pytest.approx(6.2, abs=0.05)
    assert d < MIN_DISTANCE


def test_palette_is_okabe_ito_with_one_grey():
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
    assert set(CYCLE) == okabe_ito
    assert set(COLORS.values()) - okabe_ito == {COLORS["residual"], COLORS["ink"]}
    assert len(set(CYCLE)) == len(CYCLE)


def test_use_sets_the_cycle():
    with mpl.rc_context():
        theme.use()
        cycle = mpl.rcParams["axes.prop_cycle"].by_key()["color"]
        assert [mpl.colors.to_hex(c).upper() for c in cycle] == CYCLE
        assert mpl.rcParams["image.cmap"] == "viridis"


if __name__ == "__main__":
    for vision in VISIONS:
        print(f"{vision:>13}: " + "; ".join(f"{d:.1f} {a}/{b}" for d, a, b in closest(vision)))
