"""Decks: the YAML format, its pydantic models, a safe loader, and deck folders.

    from studyrnn.decks import load_deck, load_deck_text, load_decks, Deck, DeckSet
    deck = load_deck("content/decks/bptt-basics.yaml")    # DeckError lists every problem
    decks = load_decks(settings.deck_dirs)                 # DeckSet: decks by id

See docs/architecture.md for the contract and ``studyrnn schema`` for the format.
"""

from studyrnn.decks.deckset import DECK_SUFFIXES, DeckSet, deck_files, load_decks
from studyrnn.decks.errors import UnknownCard, UnknownDeck
from studyrnn.decks.loader import load_deck, load_deck_bytes, load_deck_text
from studyrnn.decks.models import (
    CARD_MODELS,
    CARD_TYPES,
    Card,
    ChoiceCard,
    Deck,
    FlashcardCard,
    GeneratedCard,
    MultiCard,
    NumericCard,
    OrderCard,
    TextCard,
    Tolerance,
    TrueFalseCard,
)
from studyrnn.decks.yamlsafe import MAX_ALIAS_NODES, MAX_DEPTH, MAX_FILE_BYTES

__all__ = [
    "CARD_MODELS",
    "CARD_TYPES",
    "Card",
    "ChoiceCard",
    "DECK_SUFFIXES",
    "Deck",
    "DeckSet",
    "FlashcardCard",
    "GeneratedCard",
    "MAX_ALIAS_NODES",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MultiCard",
    "NumericCard",
    "OrderCard",
    "TextCard",
    "Tolerance",
    "TrueFalseCard",
    "UnknownCard",
    "UnknownDeck",
    "deck_files",
    "load_deck",
    "load_deck_bytes",
    "load_deck_text",
    "load_decks",
]
