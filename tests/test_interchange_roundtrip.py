"""Round trips: every bundled deck (and the every-type fixture) -> apkg / GIFT / Moodle XML ->
import -> the same deck. What a format cannot hold is listed here, and nothing else differs:

- apkg: nothing is lost (the hidden ``studyrnn`` field and the deck description's comment
  carry the cards, id, title, language and notes).
- GIFT and Moodle XML: a generated card comes back as fixed cards, one per exported variant
  (``<id>-v1``...: a numeric or choice card with the variant's numbers); the deck id comes from
  the file name (GIFT and Moodle have no deck id); the language is not carried.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from studyrnn.decks import load_deck, load_decks
from studyrnn.interchange.anki import export_apkg_bytes
from studyrnn.interchange.gift import export_gift
from studyrnn.interchange.importing import import_deck
from studyrnn.interchange.moodle_xml import export_moodle_xml
from studyrnn.settings import bundled_decks_dir

FIXTURE = Path(__file__).parent / "fixtures" / "interchange" / "every-type.yaml"
DECKS = [*load_decks([bundled_decks_dir()]).decks, load_deck(FIXTURE)]
IDS = [d.id for d in DECKS]


@pytest.mark.parametrize("deck", DECKS, ids=IDS)
def test_apkg_round_trip_keeps_everything(deck) -> None:
    data, _, _ = export_apkg_bytes([deck], 2)
    back = import_deck(data, "apkg", source="x.apkg").deck
    assert back.model_dump() == deck.model_dump()


def _fixed_and_generated(deck, back) -> None:
    by_id = {c.id: c for c in back.cards}
    expected_ids = []
    for card in deck.cards:
        if card.type == "generated":
            variants = [c for c in back.cards if c.id.startswith(f"{card.id}-v")]
            # at --variants 1: one fixed card, unless another card already asked its question
            assert len(variants) <= 1, card.id
            for v in variants:
                assert v.type in ("numeric", "choice")
                assert v.tags == card.tags
                expected_ids.append(v.id)
            continue
        expected_ids.append(card.id)
        assert by_id[card.id].model_dump() == card.model_dump(), card.id
    assert [c.id for c in back.cards] == expected_ids  # nothing extra, nothing reordered
    assert back.title == deck.title
    assert back.notes.rstrip("\n") == deck.notes.rstrip("\n")


@pytest.mark.parametrize("deck", DECKS, ids=IDS)
def test_gift_round_trip(deck) -> None:
    text, _ = export_gift([deck], 1)
    back = import_deck(text, "gift", source=f"{deck.id}.gift").deck
    assert back.id == deck.id  # from the file name
    _fixed_and_generated(deck, back)


@pytest.mark.parametrize("deck", DECKS, ids=IDS)
def test_moodle_xml_round_trip(deck) -> None:
    text, _, _ = export_moodle_xml([deck], 1)
    back = import_deck(text, "moodle-xml", source=f"{deck.id}.xml").deck
    assert back.id == deck.id
    _fixed_and_generated(deck, back)


def test_a_variant_keeps_its_numbers_and_solution() -> None:
    from studyrnn.quiz import present

    deck = load_deck(FIXTURE)
    card = deck.card("gen-count")
    shown = present(card, 0)
    for fmt, text in (
        ("gift", export_gift([deck], 1)[0]),
        ("moodle-xml", export_moodle_xml([deck], 1)[0]),
    ):
        back = import_deck(text, fmt, source="f.x").deck.card("gen-count-v1")
        assert back.type == shown.kind
        assert back.prompt.startswith(shown.prompt)
        assert back.explanation.startswith("Worked solution:\n1. " + shown.solution[0])
