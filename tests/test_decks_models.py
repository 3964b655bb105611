"""The deck models in code: construction, normalisation, immutability, lookups, deck folders."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from studyrnn.decks import (
    ChoiceCard,
    Deck,
    DeckSet,
    FlashcardCard,
    MultiCard,
    NumericCard,
    Tolerance,
    UnknownCard,
    UnknownDeck,
    load_deck,
    load_deck_text,
    load_decks,
)
from studyrnn.errors import DeckError, UsageError

FIXTURES = Path(__file__).parent / "fixtures" / "decks"


def tf(card_id: str = "a") -> dict:
    return {"id": card_id, "type": "true_false", "statement": "s", "answer": True}


def test_fixture_deck_loads_with_every_type_normalised() -> None:
    deck = load_deck(FIXTURES / "every-type.yaml")
    assert deck.path == FIXTURES / "every-type.yaml"
    assert (deck.id, deck.title, deck.language, deck.notes.startswith("# Fixture")) == (
        "fixture-every-type",
        "Every card type",
        "en",
        True,
    )
    assert [c.type for c in deck.cards] == [
        "flashcard",
        "choice",
        "multi",
        "true_false",
        "order",
        "numeric",
        "numeric",
        "text",
        "generated",
    ]
    assert deck.card("ch").answer == 1  # given as the option's text
    assert deck.card("mu").answers == [0, 2]
    assert deck.card("nu").tolerance == Tolerance(rtol=0.01, atol=1e-8)
    assert deck.card("nu-sig").tolerance.sigfigs == 2
    assert deck.card("te").answers == ["clipping", "42"]
    assert deck.card("ge").params == {"max_norm": 1.0}
    assert deck.card_location("ch") == (17, 5)
    assert deck.location("cards", 1, "answer") == (21, 13)


def test_decks_and_cards_are_frozen() -> None:
    deck = load_deck_text(
        "id: d\ntitle: T\ncards: [{id: a, type: true_false, statement: s, answer: true}]\n"
    )
    with pytest.raises(ValidationError):
        deck.title = "changed"
    with pytest.raises(ValidationError):
        deck.cards[0].answer = False


def test_models_built_in_code_are_checked_too() -> None:
    card = ChoiceCard(id="c", prompt="p", options=["x", "y"], answer="y")
    assert card.type == "choice" and card.answer == 1
    with pytest.raises(ValidationError, match="out of range"):
        ChoiceCard(id="c", prompt="p", options=["x", "y"], answer=2)
    with pytest.raises(ValidationError, match="listed twice"):
        MultiCard(id="m", prompt="p", options=["x", "y"], answers=[1, "y"])
    with pytest.raises(ValidationError, match="not both"):
        Tolerance(rtol=0.1, sigfigs=3)
    with pytest.raises(ValidationError, match="needs rtol"):
        Tolerance()
    with pytest.raises(ValidationError, match="duplicate card id 'a'"):
        Deck(id="d", title="T", cards=[tf("a"), tf("a")])
    with pytest.raises(ValidationError):
        NumericCard(id="n", prompt="p", answer=float("nan"))
    with pytest.raises(ValidationError):
        NumericCard(id="n", prompt="p", answer=True)
    with pytest.raises(ValidationError):
        FlashcardCard(id="f", front="  ", back="b")


def test_integer_answer_is_an_index_even_when_options_are_numbers() -> None:
    deck = load_deck_text(
        "id: d\ntitle: T\ncards:\n  - {id: c, type: choice, prompt: p, options: [3, 1, 2], answer: 1}\n"
    )
    assert deck.cards[0].answer == 1
    deck = load_deck_text(
        "id: d\ntitle: T\ncards:\n  - {id: c, type: choice, prompt: p, options: [3, 1, 2], answer: '2'}\n"
    )
    assert deck.cards[0].answer == 2  # a quoted number that is an option's text: that option


def test_defaults() -> None:
    deck = Deck(id="d", title="T", cards=[tf()])
    assert (deck.version, deck.language, deck.notes, deck.path) == (1, "en", "", None)
    assert (
        deck.cards[0].tags == []
        and deck.cards[0].explanation is None
        and deck.cards[0].source is None
    )
    text = load_deck_text(
        "id: d\ntitle: T\ncards: [{id: t, type: text, prompt: p, answers: [a]}]\n"
    ).cards[0]
    assert text.match == "casefold"


def test_unknown_card_is_a_usage_error_and_a_key_error() -> None:
    deck = Deck(id="d", title="T", cards=[tf("alpha")])
    with pytest.raises(UnknownCard) as info:
        deck.card("alpah")
    assert isinstance(info.value, KeyError) and isinstance(info.value, UsageError)
    assert str(info.value) == "deck 'd' has no card 'alpah'; did you mean 'alpha'?"


def test_deckset_is_an_ordered_mapping_with_suggestions(tmp_path: Path) -> None:
    decks = load_decks([FIXTURES, tmp_path / "missing-folder"])
    assert list(decks) == ["fixture-every-type", "fixture-second"]
    assert isinstance(decks, DeckSet) and len(decks) == 2 and decks.card_count == 10
    assert "fixture-second" in decks and "nope" not in decks
    assert decks.get("nope") is None
    with pytest.raises(UnknownDeck, match="did you mean 'fixture-second'"):
        decks["fixture-secnd"]
    assert decks.card("fixture-second", "one").statement == "Eins ist eins."
    assert [(d.id, c.id) for d, c in decks.cards()][-1] == ("fixture-second", "one")


def test_load_decks_collects_every_files_problems(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("id: a\ntitle: [\n", encoding="utf-8")
    (tmp_path / "b.yml").write_text("id: b\ntitle: B\ncards: []\n", encoding="utf-8")
    (tmp_path / "c.yaml").write_text(
        "id: c\ntitle: C\ncards: [{id: x, type: true_false, statement: s, answer: true}]\n"
    )
    (tmp_path / "notes.txt").write_text("not a deck", encoding="utf-8")
    with pytest.raises(DeckError) as info:
        load_decks([tmp_path])
    assert sorted(Path(d.path).name for d in info.value.diagnostics) == ["a.yaml", "b.yml"]
    lenient = load_decks([tmp_path], strict=False)
    assert list(lenient) == ["c"] and len(lenient.diagnostics) == 2


def test_extra_files_and_no_repeats(tmp_path: Path) -> None:
    extra = tmp_path / "extra.deck"
    extra.write_text(
        "id: extra\ntitle: E\ncards: [{id: x, type: true_false, statement: s, answer: true}]\n"
    )
    decks = load_decks([FIXTURES, FIXTURES], extra_files=[extra, FIXTURES / "second.yaml"])
    assert list(decks) == ["extra", "fixture-every-type", "fixture-second"]
    assert decks["extra"].path == extra
