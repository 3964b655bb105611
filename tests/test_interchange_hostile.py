"""Hostile input: whatever the file holds, import ends in a deck that loads or a StudyrnnError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyrnn.decks import load_deck_text
from studyrnn.errors import StudyrnnError
from studyrnn.interchange.importing import import_deck

GIFT_ALPHABET = st.sampled_from(
    list("ab =~#{}:\\%-> \n\tT F 0.5..1[]/$") + ["::", "{=", "####", "//", "\n\n"]
)
TEXT_ALPHABET = st.sampled_from(
    list("ab?:\t\n ,;\"'#-|>") + ["Q:", "A:", "\n\n", "\ufeff", "yes", "1e3"]
)


def _try(text: str, fmt: str) -> None:
    try:
        result = import_deck(text, fmt, source=f"fuzz.{fmt}")
    except StudyrnnError:
        return
    again = load_deck_text(result.yaml_for(None))
    assert again.model_dump() == result.deck.model_dump()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(GIFT_ALPHABET, max_size=60).map("".join))
def test_any_gift_text_imports_or_fails_cleanly(text: str) -> None:
    _try(text, "gift")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXT_ALPHABET, max_size=50).map("".join), st.sampled_from(["qa", "csv", "json"]))
def test_any_text_imports_or_fails_cleanly(text: str, fmt: str) -> None:
    if fmt == "csv":
        text = "front,back,tags\n" + text
    _try(text, fmt)
