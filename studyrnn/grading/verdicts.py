"""Verdicts: what an answer earned, and the FSRS rating it suggests.

Suggested ratings (1 Again, 2 Hard, 3 Good, 4 Easy; the learner may override before recording):

=============================  ==========================================================
outcome                         suggested rating
=============================  ==========================================================
CORRECT                         3 Good; 2 Hard when the answer had been revealed or the
                                learner is on a retry (a typo is not a lapse, but help is help)
PARTIAL                         2 Hard when the score is ≥ 0.5, else 1 Again; 1 after a
                                reveal or on a retry
INCORRECT                       1 Again
REVEALED ("I don't know")       1 Again
INVALID (not an answer)         None: nothing is recorded, the learner is asked again
self-rated (flashcard back)     None: the learner rates it
=============================  ==========================================================
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from studyrnn.wording import N_, Message

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


class Outcome(enum.Enum):
    CORRECT = "correct"
    PARTIAL = "partial"
    INCORRECT = "incorrect"
    INVALID = "invalid"
    REVEALED = "revealed"


_LABELS = {
    Outcome.CORRECT: N_("correct"),
    Outcome.PARTIAL: N_("partly correct"),
    Outcome.INCORRECT: N_("incorrect"),
    Outcome.INVALID: N_("invalid"),
    Outcome.REVEALED: N_("revealed"),
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """One graded answer.

    ``score`` is the credit in [0, 1] (1 for correct, a fraction for partial credit, 0 otherwise);
    ``rating`` the suggested FSRS rating (None: record nothing, or let the learner rate);
    ``message`` the detail a learner reads after the label ("not a number: 'abc'",
    "accepted (typo): expected 'tanh'", "the answer is 0.3"); ``expected`` the right answer as
    shown to a learner ("" for an invalid answer is never needed: it is always filled in);
    ``mistake`` the id of the declared typical mistake a wrong numeric answer matches (its
    feedback is already in ``message``), None otherwise.
    """

    outcome: Outcome
    score: float
    rating: int | None
    message: str
    expected: str
    mistake: str | None = None

    @property
    def label(self) -> str:
        """One or two words for the outcome: correct, partly correct, incorrect, invalid, revealed."""
        return _LABELS[self.outcome]

    @property
    def is_correct(self) -> bool:
        return self.outcome is Outcome.CORRECT

    @property
    def counts(self) -> bool:
        """False for an invalid answer: it is not recorded and the learner answers again."""
        return self.outcome is not Outcome.INVALID

    def __str__(self) -> str:
        return f"{self.label}: {self.message}" if self.message else self.label


def suggested_rating(
    outcome: Outcome, score: float = 0.0, *, revealed: bool = False, retried: bool = False
) -> int | None:
    """The rating an auto-graded answer suggests (see the table in this module's docstring)."""
    helped = revealed or retried
    if outcome is Outcome.CORRECT:
        return HARD if helped else GOOD
    if outcome is Outcome.PARTIAL:
        return AGAIN if helped or score < 0.5 else HARD
    if outcome is Outcome.INVALID:
        return None
    return AGAIN


def make_verdict(
    outcome: Outcome,
    *,
    expected: str,
    message: str = "",
    score: float | None = None,
    revealed: bool = False,
    retried: bool = False,
    mistake: str | None = None,
) -> Verdict:
    """A Verdict with the score implied by the outcome and the suggested rating filled in."""
    if score is None:
        score = 1.0 if outcome is Outcome.CORRECT else 0.0
    score = min(1.0, max(0.0, float(score)))
    rating = suggested_rating(outcome, score, revealed=revealed, retried=retried)
    return Verdict(
        outcome=outcome,
        score=score,
        rating=rating,
        message=message,
        expected=expected,
        mistake=mistake,
    )


def invalid(reason: str, *, expected: str) -> Verdict:
    """Not an answer: the learner is told why and asked again; nothing is recorded."""
    return Verdict(
        outcome=Outcome.INVALID, score=0.0, rating=None, message=reason, expected=expected
    )


def revealed_answer(*, expected: str, rating: int | None = AGAIN) -> Verdict:
    """The learner asked to see the answer ("I don't know", an empty answer): graded as wrong."""
    return Verdict(
        outcome=Outcome.REVEALED,
        score=0.0,
        rating=rating,
        message=Message(N_("the answer is {expected}"), expected=expected),
        expected=expected,
    )
