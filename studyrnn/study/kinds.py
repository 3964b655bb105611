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
        return self.name.title()

    @classmethod
    def parse(cls, text: str) -> Rating | None:
        """``"3"``, ``"good"``, ``"Good"`` → GOOD; anything else → None."""
        word = text.strip().casefold()
        if word in ("1", "2", "3", "4"):
            return cls(int(word))
        for rating in cls:
            if word == rating.name.casefold():
                return rating
        return None


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
