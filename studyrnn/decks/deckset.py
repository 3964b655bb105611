"""Deck folders: every ``*.yaml``/``*.yml`` in them, loaded into one ``DeckSet``."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from studyrnn.decks.errors import UnknownDeck
from studyrnn.decks.models import Card, Deck
from studyrnn.errors import DeckError, Diagnostic
from studyrnn.untrusted import one_line

DECK_SUFFIXES = (".yaml", ".yml")


class DeckSet(Mapping[str, Deck]):
    """Decks by id, ordered by id. ``diagnostics``: problems skipped by a non-strict load."""

    def __init__(self, decks: Iterable[Deck] = (), diagnostics: Iterable[Diagnostic] = ()):
        self._decks: dict[str, Deck] = {d.id: d for d in sorted(decks, key=lambda d: d.id)}
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)

    def __getitem__(self, deck_id: str) -> Deck:
        try:
            return self._decks[deck_id]
        except KeyError:
            close = difflib.get_close_matches(str(deck_id)[:100], list(self._decks), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            known = f" (decks: {', '.join(self._decks)})" if not close and self._decks else ""
            raise UnknownDeck(f"no deck '{one_line(deck_id, 60)}'{hint}{known}") from None

    def __contains__(self, deck_id: object) -> bool:
        return deck_id in self._decks

    def __iter__(self) -> Iterator[str]:
        return iter(self._decks)

    def __len__(self) -> int:
        return len(self._decks)

    def __repr__(self) -> str:
        return f"DeckSet({list(self._decks)})"

    @property
    def decks(self) -> list[Deck]:
        """The decks, ordered by id."""
        return list(self._decks.values())

    @property
    def card_count(self) -> int:
        return sum(len(d.cards) for d in self._decks.values())

    def cards(self) -> Iterator[tuple[Deck, Card]]:
        """Every (deck, card), decks by id, cards in deck order."""
        for deck in self._decks.values():
            for card in deck.cards:
                yield deck, card

    def card(self, deck_id: str, card_id: str) -> Card:
        """One card; ``UnknownDeck``/``UnknownCard`` (UsageError and KeyError) when missing."""
        return self[deck_id].card(card_id)


def deck_files(dirs: Iterable[str | Path]) -> list[Path]:
    """The deck files in ``dirs`` (a file given instead of a folder is taken as is; missing
    folders are skipped), sorted by name within each folder, without repeats.

    Every ``*.yaml``/``*.yml`` entry but a folder is listed, FIFOs, devices and symbolic links
    included: the loader's opener refuses those with a diagnostic (without blocking), rather
    than the deck silently missing."""
    return [p for p, _root in _deck_files(dirs)]


def _deck_files(dirs: Iterable[str | Path]) -> list[tuple[Path, Path | None]]:
    """``(file, the folder it was found in or None)`` for ``deck_files``."""
    out: dict[Path, tuple[Path, Path | None]] = {}
    for d in dirs:
        d = Path(d)
        try:
            if d.is_dir():
                found = sorted(
                    p for p in d.iterdir() if p.suffix.lower() in DECK_SUFFIXES and not p.is_dir()
                )
                root: Path | None = d
            elif d.is_file():
                found, root = [d], None
            else:
                continue
        except OSError:  # an unreadable folder, a name too long: nothing to list
            continue
        for p in found:
            out.setdefault(_key(p), (p, root))
    return list(out.values())


def _key(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: the opener reports it
        return path.absolute()


def load_decks(
    dirs: Iterable[str | Path], extra_files: Iterable[str | Path] = (), *, strict: bool = True
) -> DeckSet:
    """Load every deck in ``dirs`` plus ``extra_files`` into a DeckSet.

    Every file's problems are collected, and a deck id used by two files is reported at both.
    ``strict`` (the default): raise one ``DeckError`` with all of them. Otherwise return the
    decks that loaded, with the problems in ``DeckSet.diagnostics`` (the first file wins a
    duplicated id).
    """
    from studyrnn.decks.loader import load_deck

    files = _deck_files(dirs)
    seen = {_key(p) for p, _root in files}
    for f in extra_files:
        p = Path(f)
        if _key(p) not in seen:
            seen.add(_key(p))
            files.append((p, None))

    decks: dict[str, Deck] = {}
    diagnostics: list[Diagnostic] = []
    for path, root in files:
        try:
            deck = load_deck(path, root=root)
        except DeckError as err:
            diagnostics.extend(err.diagnostics)
            continue
        first = decks.get(deck.id)
        if first is not None:
            diagnostics.extend(_duplicate_deck(first, deck))
            continue
        decks[deck.id] = deck
    if diagnostics and strict:
        raise DeckError(diagnostics)
    return DeckSet(decks.values(), diagnostics)


def _id_position(deck: Deck) -> tuple[int, int]:
    return deck.location("id") or (1, 1)


def _duplicate_deck(first: Deck, second: Deck) -> list[Diagnostic]:
    a_line, a_col = _id_position(first)
    b_line, b_col = _id_position(second)
    a, b = str(first.path), str(second.path)
    return [
        Diagnostic(
            b, b_line, b_col, f"duplicate deck id '{second.id}' (also used by {a}:{a_line}:{a_col})"
        ),
        Diagnostic(
            a, a_line, a_col, f"duplicate deck id '{first.id}' (also used by {b}:{b_line}:{b_col})"
        ),
    ]
