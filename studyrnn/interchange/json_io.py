"""JSON, both ways: the validated decks, with concrete variants of every generated card.

    {"format": "studyrnn-decks", "version": 1,
     "decks": [{"version": 1, "id": ..., "title": ..., "notes": ..., "cards": [
         {"id": ..., "type": "generated", "generator": ..., "params": {...},
          "variants": [<engine Question.to_json()>, ...]}, ...]}]}

A deck is ``Deck.model_dump(mode="json")`` with empty values left out. Importing reads the same
shape (or one bare deck object), drops the variants and validates the deck again.
"""

from __future__ import annotations

import json
from typing import Any

from studyrnn.errors import DeckError, Diagnostic, UsageError
from studyrnn.interchange.common import Report, card_where, variants
from studyrnn.untrusted import one_line

FORMAT_NAME = "studyrnn-decks"
FORMAT_VERSION = 1


def deck_to_json(deck: Any, variant_count: int, report: Report) -> dict[str, Any]:
    data = deck.model_dump(mode="json", exclude_none=True)
    for card, card_data in zip(deck.cards, data["cards"]):
        if card.type == "generated":
            shown = variants(card, variant_count)
            card_data["variants"] = [p.question.to_json() for p in shown]
            if variant_count:
                path, line, col = card_where(deck, card)
                report.note(
                    path,
                    f"card '{card.id}': {variant_count} variant{'s' * (variant_count != 1)} "
                    f"included (seeds 0..{variant_count - 1})",
                    line,
                    col,
                )
    return data


def export_json(decks: list[Any], variant_count: int) -> tuple[str, Report]:
    report = Report()
    doc = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "decks": [deck_to_json(d, variant_count, report) for d in decks],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n", report


def parse_json(text: str, path: str, report: Report, deck_id: str | None = None) -> dict[str, Any]:
    """The deck dict in ``text`` (variants dropped). ``deck_id`` picks one of several decks."""
    try:
        doc = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise DeckError(
            [Diagnostic(path, exc.lineno, exc.colno, f"not valid JSON: {exc.msg}")]
        ) from None
    except RecursionError:
        raise DeckError(
            [Diagnostic(path, 1, 1, "the JSON is nested too deeply to be a deck")]
        ) from None
    if isinstance(doc, dict) and isinstance(doc.get("decks"), list):
        decks = [d for d in doc["decks"] if isinstance(d, dict)]
        if not decks:
            raise DeckError([Diagnostic(path, 1, 1, "the JSON holds no decks")])
        if deck_id is not None:
            chosen = [d for d in decks if d.get("id") == deck_id]
            if not chosen:
                ids = one_line(", ".join(str(d.get("id")) for d in decks), 120)
                raise UsageError(
                    f"{one_line(path, 120)} has no deck '{one_line(deck_id, 60)}' (decks: {ids})"
                )
            deck = chosen[0]
        elif len(decks) > 1:
            ids = one_line(", ".join(str(d.get("id")) for d in decks), 120)
            raise UsageError(
                f"{one_line(path, 120)} holds {len(decks)} decks ({ids}); pick one with --deck ID"
            )
        else:
            deck = decks[0]
    elif isinstance(doc, dict) and "cards" in doc:
        deck = doc
    else:
        raise DeckError(
            [
                Diagnostic(
                    path,
                    1,
                    1,
                    "expected a studyrnn JSON export (an object with 'decks') "
                    "or one deck (an object with 'cards')",
                )
            ]
        )
    deck = dict(deck)
    cards = deck.get("cards")
    if isinstance(cards, list):
        dropped = 0
        clean = []
        for card in cards:
            if isinstance(card, dict) and "variants" in card:
                card = {k: v for k, v in card.items() if k != "variants"}
                dropped += 1
            clean.append(card)
        deck["cards"] = clean
        if dropped:
            report.note(
                path,
                f"{dropped} generated card{'s' * (dropped != 1)}: variants dropped "
                "(the deck keeps the generator, which draws fresh ones)",
            )
    return deck
