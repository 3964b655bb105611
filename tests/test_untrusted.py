"""The one rule for showing untrusted text: nothing raw reaches a terminal, a widget or a CSV."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from studyrnn.untrusted import csv_cell, markup_safe, one_line, shown


def test_escape_sequences_are_spelt_out() -> None:
    title = "Deck\x1b[2J\x1b]0;pwned\x07\x9b31m\x7f"
    assert shown(title) == "Deck\\x1b[2J\\x1b]0;pwned\\x07\\x9b31m\\x7f"


def test_bidi_zero_width_and_separators_are_visible() -> None:
    assert shown("abc\u202edef") == "abc\\u202edef"
    assert shown("a\u200bb\u200dc\ufeffd\u2066e") == "a\\u200bb\\u200dc\\ufeffd\\u2066e"
    assert shown("line\u2028next") == "line\\u2028next"
    assert shown("non\ufffechar") == "non\\ufffechar"
    assert shown("lone\ud800") == "lone\\ud800"
    assert shown("soft\u00adhyphen") == "soft\\xadhyphen"


def test_ordinary_text_is_unchanged() -> None:
    for text in ("∂L/∂W_hh = Σ_t r_t h_{t−1}ᵀ", "Rückwärts über die Zeit", "λ₁ < 1/γ", "a\nb"):
        assert shown(text) == text
    assert shown("a\tb") == "a    b"
    assert shown("a\r\nb") == "a\nb"
    assert shown(None) == ""


def test_one_line_folds_and_shortens() -> None:
    assert one_line("a\n\n b  c", 80) == "a b c"
    long = "x" * 2_000_000
    assert one_line(long, 40) == "x" * 39 + "…"
    assert len(one_line(long, 40)) == 40


def test_markup_is_escaped() -> None:
    from rich.text import Text

    for raw in ("[bold]x[/bold]", "[/bold]", "[@click=app.quit]go[/]", "a[link=x]b"):
        assert Text.from_markup(markup_safe(raw)).plain == raw


def test_csv_cells_cannot_be_formulas() -> None:
    for raw in ("=HYPERLINK(1)", "+1", "-cmd", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(raw).startswith("'")
    assert csv_cell("plain") == "plain"
    assert csv_cell(-0.5) == -0.5 and csv_cell(3) == 3 and csv_cell(None) is None


@given(st.text())
def test_no_hidden_character_survives(text: str) -> None:
    out = shown(text)
    for ch in out:
        assert ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp")
        assert not (0xFDD0 <= ord(ch) <= 0xFDEF or (ord(ch) & 0xFFFE) == 0xFFFE)
    # printable text round-trips unchanged
    if (
        all(ch == "\n" or unicodedata.category(ch)[0] in "LNPS " for ch in text)
        and "\t" not in text
    ):
        if "\r" not in text and all(unicodedata.category(c) not in ("Cf", "Cs") for c in text):
            assert out == text
