"""The bundled decks: all of them load and validate, wherever the package is installed."""

from __future__ import annotations

from studyrnn.decks import load_deck, load_decks
from studyrnn.settings import bundled_decks_dir


def test_every_bundled_deck_validates() -> None:
    folder = bundled_decks_dir()
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    assert len(files) >= 9, f"expected at least 9 bundled decks in {folder}, found {len(files)}"
    for path in files:
        deck = load_deck(path)  # a DeckError here names the file, line and column
        assert deck.cards
    decks = load_decks([folder])  # and together: no deck id used twice
    assert len(decks) == len(files)
