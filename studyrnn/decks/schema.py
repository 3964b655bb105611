"""The deck format's JSON Schema, generated from the models (editors validate decks with it)."""

from __future__ import annotations

import json
from typing import Any

from studyrnn.decks.models import CARD_MODELS, Deck

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def deck_json_schema() -> dict[str, Any]:
    """The JSON Schema of a deck file, as a dict."""
    schema = Deck.model_json_schema(mode="validation")
    # A card's `type` has a default for code that builds cards, but a deck file must say it.
    for model in CARD_MODELS.values():
        definition = schema.get("$defs", {}).get(model.__name__)
        if definition is not None:
            required = definition.setdefault("required", [])
            if "type" not in required:
                required.insert(1 if required[:1] == ["id"] else 0, "type")
    return {"$schema": JSON_SCHEMA_DIALECT, **schema}


def schema_text() -> str:
    """The schema as written to content/schema/deck.schema.json (and printed by ``studyrnn schema``)."""
    return json.dumps(deck_json_schema(), indent=2, ensure_ascii=False) + "\n"
