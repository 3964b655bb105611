"""What the store hands out: frozen dataclasses, never ORM rows.

Ratings are plain ints (1 Again, 2 Hard, 3 Good, 4 Easy) above the store; FSRS states are
ints too (1 Learning, 2 Review, 3 Relearning, as in ``fsrs.State``). A card that was never
reviewed is *new*: FSRS calls it Learning at step 0, the queue calls it new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from studyrnn.errors import StoreError
from studyrnn.store.days import DEFAULT_ROLLOVER_HOUR, DayRule

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATINGS = (AGAIN, HARD, GOOD, EASY)
RATING_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}

LEARNING, REVIEW, RELEARNING = 1, 2, 3
STATE_NAMES = {LEARNING: "learning", REVIEW: "review", RELEARNING: "relearning"}

# Which queue a card waits in. RETIRED: the card left every loaded deck; it keeps its state and
# history and returns to its natural queue when it comes back.
QUEUE_RETIRED, QUEUE_NEW, QUEUE_LEARNING, QUEUE_REVIEW = -1, 0, 1, 2
QUEUE_NAMES = {
    QUEUE_RETIRED: "retired",
    QUEUE_NEW: "new",
    QUEUE_LEARNING: "learning",
    QUEUE_REVIEW: "review",
}

MODES = ("review", "quiz", "flashcards")

# A card counts as mastered in the Review state with a stability of at least three weeks: FSRS
# expects it recalled with the desired retention 21 days after its last review (Anki: "mature").
MASTERED_STABILITY_DAYS = 21.0


def is_mastered(state: int, stability: float | None) -> bool:
    return state == REVIEW and stability is not None and stability >= MASTERED_STABILITY_DAYS


def natural_queue(state: int, reps: int) -> int:
    """The queue a card belongs in, judged from its FSRS state and review count."""
    if reps == 0:
        return QUEUE_NEW
    return QUEUE_REVIEW if state == REVIEW else QUEUE_LEARNING


@dataclass(frozen=True, slots=True)
class Learner:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class SchedulerSettings:
    """A learner's scheduling preferences, stored with the learner."""

    desired_retention: float = 0.9
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    new_per_day: int = 20
    max_reviews_per_day: int = 200
    timezone: str = "UTC"  # IANA name: the study day is the learner's local day
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR  # ... starting at this local hour (Anki: 4 a.m.)
    learn_ahead: timedelta = timedelta(minutes=20)  # learning cards due this soon are shown
    weights: tuple[float, ...] | None = None  # FSRS parameters from ``studyrnn optimize``

    @property
    def day_rule(self) -> DayRule:
        return DayRule(self.timezone, self.rollover_hour)


@dataclass(frozen=True, slots=True)
class CardState:
    """One learner's scheduling state of one card (what ``next_card`` returns as a DueCard)."""

    deck_id: str
    card_id: str
    card_type: str
    queue: int
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int
    lapses: int

    @property
    def queue_name(self) -> str:
        return QUEUE_NAMES[self.queue]

    @property
    def is_new(self) -> bool:
        return self.reps == 0


DueCard = CardState


@dataclass(frozen=True, slots=True)
class QueueCounts:
    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass(frozen=True, slots=True)
class ReviewResult:
    """What recording an answer did: the log row's id, when the card is due next, its new state,
    and the study session it was logged in."""

    review_id: int
    next_due: datetime
    interval: timedelta
    state: CardState
    session_id: int | None = None


@dataclass(frozen=True, slots=True)
class NextCard:
    """One read of the queue (Anki's ``get_queued_cards``): the card to study now (None: nothing
    within the learn-ahead limit), the counts left, the interval each rating would give it, and
    when the next learning or review card falls due."""

    card: CardState | None
    counts: QueueCounts
    intervals: dict[int, timedelta]
    next_due: datetime | None
    learning_ahead: bool = False  # the card is a learning card shown before it is due


class AnsweredElsewhere(StoreError):
    """The card was answered (in another window or process) since it was shown: not recorded."""


class UndoRefused(StoreError):
    """The answer cannot be taken back (the card was answered again elsewhere since)."""


@dataclass(frozen=True, slots=True)
class UndoResult:
    """The review that was taken back and the card state it restored."""

    review_id: int
    deck_id: str
    card_id: str
    rating: int
    mode: str
    state: CardState


@dataclass(frozen=True, slots=True)
class SyncResult:
    added: int
    retired: int
    restored: int


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """One row of the review log, as statistics and history views see it."""

    id: int
    deck_id: str
    card_id: str
    rating: int
    outcome: str | None
    answer: str | None
    duration_ms: int | None
    seed: int | None
    mode: str
    reviewed_at: datetime
    session_id: int | None
    mistake: str | None = None


def _number(value: float) -> str:
    """One decimal below 10 unless whole ('5.5', '2'), whole numbers above ('12')."""
    if value < 9.95 and abs(value - round(value)) >= 0.05:
        return f"{value:.1f}"
    return f"{round(value)}"


def format_interval(interval: timedelta) -> str:
    """Human wording of an interval: '45 s', '5.5 min', '3 h', '1 day', '12 days', '2.3 months', '1.5 years'."""
    seconds = max(0.0, interval.total_seconds())
    if seconds < 59.5:
        return f"{round(seconds)} s"
    if seconds < 59.95 * 60:
        return f"{_number(seconds / 60)} min"
    if seconds < 23.95 * 3600:
        return f"{_number(seconds / 3600)} h"
    days = seconds / 86400
    if days < 30.5:
        n = round(days) if days >= 9.95 or abs(days - round(days)) < 0.05 else None
        if n == 1:
            return "1 day"
        return f"{n} days" if n is not None else f"{days:.1f} days"
    if days < 365:
        return f"{days / 30.44:.1f} months"
    return f"{days / 365.25:.1f} years"
