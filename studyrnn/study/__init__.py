"""The study loop, once: every front end (the TUI screens, ``--plain``) drives these.

    ctx = build_context(settings)                 # StudyContext: settings, decks, store, learner,
                                                  # clock, random source
    ReviewSession(ctx, deck_id)                   # the FSRS queue: next / grade / rate / undo
    QuizSession(ctx, deck_id, limit=10, seed=3)   # N questions, score, re-drill
    FlashSession(ctx, deck_id)                    # every card as a flip card, self-rated

The rules (the study day, learn-ahead, undo within a session, logging every mode, rescheduling
only reviews) live here and in ``studyrnn.store``; a front end holds none of its own.
"""

from studyrnn.study.answers import Graded, answer_text, grade, question_line
from studyrnn.study.context import StudyContext, build_context
from studyrnn.study.kinds import Mode, Outcome, Phase, Rating
from studyrnn.study.quiz import (
    FlashSession,
    FlipCard,
    QuizAnswer,
    QuizSession,
    flip_card,
    format_score,
)
from studyrnn.study.review import (
    NothingDue,
    Rated,
    ReviewCard,
    ReviewSession,
    Summary,
    Undone,
)

__all__ = [
    "FlashSession",
    "FlipCard",
    "Graded",
    "Mode",
    "NothingDue",
    "Outcome",
    "Phase",
    "QuizAnswer",
    "QuizSession",
    "Rated",
    "Rating",
    "ReviewCard",
    "ReviewSession",
    "StudyContext",
    "Summary",
    "Undone",
    "answer_text",
    "build_context",
    "flip_card",
    "format_score",
    "grade",
    "question_line",
]
