"""The small closed sets of the study loop, as types (py-fsrs style): ratings, modes, phases."""

from __future__ import annotations

import enum

from studyrnn.grading import Outcome

__all__ = ["Mode", "Outcome", "Phase", "Rating"]


class Rating(enum.IntEnum):
    """The four answer buttons (FSRS ratings; Anki's keys 1-4)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        """The button's English name (a catalogue msgid: German Nochmal, Schwer, Gut, Einfach)."""
        return _LABELS[self]

    @classmethod
    def parse(cls, text: str) -> Rating | None:
        """``"3"``, ``"good"``, ``"Good"`` → GOOD; anything else → None."""
        word = text.strip().casefold()
        if word in ("1", "2", "3", "4"):
            return cls(int(word))
        for rating in cls:
            if word == rating.name.casefold():
                return rating
        return _GERMAN_WORDS.get(word)


def N_(message: str) -> str:
    return message  # marks a catalogue message (studyrnn.i18n.N_, without importing it here)


_LABELS = {
    Rating.AGAIN: N_("Again"),
    Rating.HARD: N_("Hard"),
    Rating.GOOD: N_("Good"),
    Rating.EASY: N_("Easy"),
}
_GERMAN_WORDS = {
    "nochmal": Rating.AGAIN,
    "schwer": Rating.HARD,
    "gut": Rating.GOOD,
    "einfach": Rating.EASY,
}  # Anki's German button names, typed in a German deck's review


class Mode(enum.StrEnum):
    """How an answer was given: only REVIEW answers reschedule; every mode is logged."""

    REVIEW = "review"
    QUIZ = "quiz"
    FLASHCARDS = "flashcards"

    @property
    def reschedules(self) -> bool:
        return self is Mode.REVIEW


class Phase(enum.StrEnum):
    """Where a front end is with the card in front of the learner."""

    LOADING = "loading"  # the next card or the questions are being fetched
    ASK = "ask"  # a card waits for an answer
    GRADED = "graded"  # the verdict is shown; a rating is next
    WAITING = "waiting"  # nothing due now; the next learning card comes when it is due
    DONE = "done"  # nothing more in this session
