"""Lookup errors for decks and cards: a ``UsageError`` (the user named something that is not
there) that is also a ``KeyError`` (so ``Mapping.get`` and ``in`` work as usual)."""

from __future__ import annotations

from studyrnn.errors import UsageError


class UnknownDeck(UsageError, KeyError):
    """No deck with that id."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnknownCard(UsageError, KeyError):
    """No card with that id in the deck."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""
