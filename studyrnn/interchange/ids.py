"""Ids derived from text: card and deck ids that are valid, readable and stable.

The same text always gives the same id, so importing an edited file again keeps the ids (and
the progress keyed by them) of the cards whose text did not change. Duplicates get ``-2``,
``-3``... in the order the cards appear. Anki needs numeric ids too: ``stable_int`` derives
them from a string by hash, so a re-import updates a deck instead of duplicating it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from studyrnn.decks.models import CARD_ID_PATTERN, DECK_ID_PATTERN

CARD_ID_WORDS = 6
CARD_ID_CHARS = 48
DECK_ID_CHARS = 64

_CARD_ID = re.compile(CARD_ID_PATTERN)
_DECK_ID = re.compile(DECK_ID_PATTERN)
# Words that carry no meaning in an id ("What is the ..." -> "what-is-the" tells nothing apart).
_FILLER = frozenset(
    "a an the of to in on for is are was were be what which who why how does do did that this "
    "and or with by as at it its".split()
)


# Letters NFKD does not split into an ASCII letter and an accent.
_TRANSLITERATE = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "þ": "th",
        "Þ": "TH",
    }
)


def _ascii_words(text: str) -> list[str]:
    # NFKD splits accents from letters (é -> e + ´); the ascii pass then drops the accents.
    text = text.translate(_TRANSLITERATE)
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.findall(r"[a-z0-9]+", folded)


def slugify(
    text: str,
    *,
    max_words: int = CARD_ID_WORDS,
    max_chars: int = CARD_ID_CHARS,
    fallback: str = "card",
) -> str:
    """``"What does unrolling produce?"`` -> ``"unrolling-produce"``: lowercase ASCII words joined
    by hyphens, filler words dropped (unless nothing else is left), cut at a word boundary."""
    words = _ascii_words(text)
    meaningful = [w for w in words if w not in _FILLER] or words
    slug = ""
    for word in meaningful[:max_words]:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_chars:
            break
        slug = candidate
    if not slug and meaningful:
        slug = meaningful[0][:max_chars]
    return slug or fallback


def is_card_id(text: str) -> bool:
    return bool(_CARD_ID.match(text)) and len(text) <= 100


def is_deck_id(text: str) -> bool:
    return bool(_DECK_ID.match(text)) and len(text) <= DECK_ID_CHARS


def deck_id_from(text: str, fallback: str = "imported") -> str:
    """A valid deck id from a file name or title: ``"BPTT Notes (v2)"`` -> ``"bptt-notes-v2"``."""
    words = _ascii_words(text)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > DECK_ID_CHARS:
            break
        slug = candidate
    return slug or fallback


class IdAllocator:
    """Hands out unique card ids: a wanted id if free, else the next ``-2``, ``-3``..."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self._taken: set[str] = set(taken)

    def take(self, wanted: str) -> str:
        wanted = wanted if is_card_id(wanted) else slugify(wanted)
        candidate, n = wanted, 1
        while candidate in self._taken:
            n += 1
            suffix = f"-{n}"
            candidate = wanted[: 100 - len(suffix)] + suffix
        self._taken.add(candidate)
        return candidate

    def from_text(self, text: str) -> str:
        return self.take(slugify(text))


def stable_int(*parts: object, low: int = 1 << 30, high: int = 1 << 31) -> int:
    """An int in ``[low, high)`` from the parts, by SHA-256: the same parts, the same int, on
    every machine (``hash()`` is salted per process). The default range is the one genanki
    recommends for model and deck ids."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return low + int.from_bytes(digest[:8], "big") % (high - low)
