"""The study chrome in the deck's language: a German deck's quiz and review speak German, in
plain mode and in the TUI, English decks stay English; grading is the same in either language."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from studyrnn import i18n
from tests.test_i18n import marked

ROOT = Path(__file__).resolve().parents[1] / "studyrnn"
STUDY = [
    "plain.py",
    "commands/quiz.py",
    "commands/review.py",
    "tolerance.py",
    "grading/keys.py",
    "grading/numbers.py",
    "grading/verdicts.py",
    "study/kinds.py",
    "study/review.py",
    "study/quiz.py",
    "tui/screens/answering.py",
    "tui/screens/quiz.py",
    "tui/screens/review.py",
    "tui/screens/results.py",
    "tui/screens/flashcards.py",
    "tui/widgets/card_view.py",
    "tui/widgets/verdict.py",
    "tui/widgets/rating_bar.py",
    "tui/widgets/key_bar.py",
]


def german() -> dict[str, str]:
    po = i18n.LOCALE_DIR / "de" / "LC_MESSAGES" / "studyrnn.po"
    return i18n.parse_po(po.read_text(encoding="utf-8"))


def test_every_study_message_has_a_german_translation() -> None:
    catalogue = german()
    missing = sorted({m for f in STUDY for m in marked(ROOT / f)} - set(catalogue))
    assert missing == []
