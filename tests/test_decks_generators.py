"""Generated cards are checked against the generator registry in engine.generators."""

from __future__ import annotations

import sys

import pytest

from studyrnn.decks import load_deck_text
from studyrnn.decks.generators import generator_problem, known_generators, lint_problems
from studyrnn.errors import DeckError

HEAD = "id: d\ntitle: T\ncards:\n"


def test_the_real_registry_is_used() -> None:
    registry = known_generators()
    assert registry is not None and "clip_by_norm" in registry.names
    deck = load_deck_text(
        HEAD + "  - {id: g, type: generated, generator: clip_by_norm, params: {max_norm: 1.0}}\n"
    )
    assert deck.cards[0].generator == "clip_by_norm"


def test_real_registry_unknown_name_and_bad_params() -> None:
    with pytest.raises(DeckError) as info:
        load_deck_text(
            HEAD
            + "  - {id: g, type: generated, generator: clip_by_nrm}\n"
            + "  - {id: h, type: generated, generator: clip_by_norm, params: {max_norm: lots}}\n"
        )
    first, second = info.value.diagnostics
    assert (first.line, first.col) == (4, 41)
    assert (
        first.message == "card 'g': unknown generator 'clip_by_nrm'; did you mean 'clip_by_norm'?"
    )
    assert (second.line, second.col) == (5, 74)  # at the bad value
    assert second.message.startswith("card 'h': bad params for generator 'clip_by_norm': ")
    assert "max_norm" in second.message


def test_real_lint_runs_clean_on_a_good_card() -> None:
    assert lint_problems("clip_by_norm", {"max_norm": 1.0}, variants=3) == []


def test_without_the_registry_any_name_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "engine.generators", None)  # import fails
    assert known_generators() is None
    assert generator_problem("not_a_generator", {"x": 1}) is None
    assert lint_problems("not_a_generator", {}) == []
    deck = load_deck_text(HEAD + "  - {id: g, type: generated, generator: whatever}\n")
    assert deck.cards[0].generator == "whatever"
