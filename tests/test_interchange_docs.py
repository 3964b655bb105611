"""docs/authoring.md stays true: its example decks validate and it lists every generator."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.generators import GENERATORS
from studyrnn.decks import CARD_TYPES, load_deck_text

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "authoring.md"


def _yaml_decks() -> list[str]:
    blocks = re.findall(r"```yaml\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S)
    return [b for b in blocks if "\ncards:" in b and "..." not in b]


def test_the_guide_has_complete_example_decks() -> None:
    assert len(_yaml_decks()) >= 2


@pytest.mark.parametrize(
    "block", _yaml_decks(), ids=lambda b: re.search(r"^id: (\S+)", b, re.M).group(1)
)
def test_every_example_deck_validates(block: str) -> None:
    deck = load_deck_text(block, str(GUIDE))
    assert deck.cards


def test_every_card_type_and_generator_has_an_example() -> None:
    decks = [load_deck_text(b) for b in _yaml_decks()]
    types = {c.type for d in decks for c in d.cards}
    assert types == set(CARD_TYPES)
    generators = {c.generator for d in decks for c in d.cards if c.type == "generated"}
    assert generators == set(GENERATORS)


def test_every_generator_and_param_is_documented() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    sections = re.split(r"^#### ", text, flags=re.M)
    by_name = {s.split("`")[1]: s for s in sections[1:] if s.startswith("`")}
    assert set(by_name) == set(GENERATORS)
    for name, spec in GENERATORS.items():
        for param in spec.params:
            assert f"- `{param}` (" in by_name[name], (name, param)
