"""Numbers as the prose shows them (nblib.chapters.text): one style for every chapter."""

import pytest

from nblib.chapters.text import prose_number, scientific_text, shown


@pytest.mark.parametrize("value, spec, text", [
    (-0.75, ".2f", "\u22120.75"),           # a true minus sign, not a hyphen
    (2410, ",d", "2,410"),
    (1.3e-6, ".1e", "1.3 × 10⁻⁶"),         # e-notation becomes the book's power of ten
    (1e-6, ".0e", "10⁻⁶"),
    (-3e-5, ".1e", "\u22123.0 × 10⁻⁵"),
    (1.3e-7, "g", "1.3 × 10⁻⁷"),
    (0.5, "g", "0.5"),
    (1e5, ".0e", "10⁵"),
])
def test_shown_typesets_signs_and_powers_of_ten_as_prose(value, spec, text):
    assert repr(shown(value, spec)) == text and shown(value, spec).value == value


def test_the_prose_never_shows_a_hyphen_minus_or_e_notation():
    for text in ("-1", "1e-05", "-2.5e+03", "1.5"):
        shown_text = prose_number(text)
        assert "-" not in shown_text and "e" not in shown_text
    assert repr(scientific_text(2.1e-5)) == "2.1 × 10⁻⁵"
