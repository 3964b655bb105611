"""Matching typed text against accepted answers: exact, casefold, or fuzzy (typos forgiven).

Every mode first normalises Unicode (NFC) and whitespace (trimmed, runs collapsed to one space):
two spaces where one was meant is not a different answer. Then:

* ``exact``: the same characters;
* ``casefold``: the same up to case (``str.casefold``, so "STRASSE" matches "Straße");
* ``fuzzy``: casefold, or one typo away. A typo is one insertion, deletion, substitution or swap
  of neighbours (optimal string alignment distance). Allowed typos grow with the answer: none below
  5 characters ("tan" is not "tanh", "elu" is not "relu"), 1 up to 9 characters, 2 from 10 on. Digits must agree
  exactly, because "LSTM-2" and "LSTM-3" are different answers, not typos. An answer whose
  length differs from an accepted one by more than the allowed typos is not compared at all,
  so the distance is only ever computed between two strings of about an accepted answer's length.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MATCH_MODES = ("exact", "casefold", "fuzzy")
_WHITESPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFC, trimmed, inner whitespace collapsed to single spaces."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def osa_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Damerau–Levenshtein without repeated edits of a substring)."""
    if a == b:
        return 0
    if not a:
        return len(b)
    if not b:
        return len(a)
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def allowed_typos(answer: str) -> int:
    n = len(answer)
    if n < 5:
        return 0
    if n < 10:
        return 1
    return 2


@dataclass(frozen=True, slots=True)
class TextMatch:
    """``matched``: accepted; ``typo``: accepted only as a typo of ``answer`` (the accepted form)."""

    matched: bool
    typo: bool = False
    answer: str = ""


def match_text(
    given: str, answers: list[str] | tuple[str, ...], mode: str = "casefold"
) -> TextMatch:
    """Whether ``given`` is one of ``answers`` under ``mode`` (exact | casefold | fuzzy)."""
    if mode not in MATCH_MODES:
        raise ValueError(f"unknown match mode {mode!r}; expected one of {', '.join(MATCH_MODES)}")
    typed = normalise(given)
    for answer in answers:
        if typed == normalise(answer):
            return TextMatch(True, False, answer)
    if mode == "exact":
        return TextMatch(False)
    folded = typed.casefold()
    for answer in answers:
        if folded == normalise(answer).casefold():
            return TextMatch(True, False, answer)
    if mode == "casefold":
        return TextMatch(False)
    best: tuple[int, str] | None = None
    for answer in answers:
        target = normalise(answer).casefold()
        if _digits(target) != _digits(folded):
            continue
        if abs(len(target) - len(folded)) > allowed_typos(target):
            continue  # more edits than allowed: no need for the O(n·m) distance
        distance = osa_distance(folded, target)
        if distance <= allowed_typos(target) and (best is None or distance < best[0]):
            best = (distance, answer)
    if best is not None:
        return TextMatch(True, True, best[1])
    return TextMatch(False)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())
