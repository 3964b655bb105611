"""FSRS through the ``fsrs`` package: a learner's settings → a Scheduler; a card row ↔ ``fsrs.Card``.

Fuzzing is off: the interval shown on a rating button is exactly the interval the card gets
(``preview`` and ``record_review`` run the same pure function on the same state and time).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

import fsrs

from studyrnn.store.domain import (
    AGAIN,
    RATINGS,
    REVIEW,
    CardState,
    SchedulerSettings,
    natural_queue,
)


@lru_cache(maxsize=64)
def scheduler_for(settings: SchedulerSettings) -> fsrs.Scheduler:
    if settings.weights is not None:
        return fsrs.Scheduler(
            parameters=settings.weights,
            desired_retention=settings.desired_retention,
            learning_steps=settings.learning_steps,
            relearning_steps=settings.relearning_steps,
            enable_fuzzing=False,
        )
    return fsrs.Scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=settings.learning_steps,
        relearning_steps=settings.relearning_steps,
        enable_fuzzing=False,
    )


def to_fsrs(card: CardState) -> fsrs.Card:
    return fsrs.Card(
        card_id=0,
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def check_rating(rating: int) -> int:
    if isinstance(rating, bool) or int(rating) != rating or rating not in RATINGS:
        raise ValueError(
            f"rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy), not {rating!r}"
        )
    return int(rating)


def review(card: CardState, rating: int, settings: SchedulerSettings, now: datetime) -> CardState:
    """The card's state after answering it with ``rating`` at ``now`` (aware UTC)."""
    rating = check_rating(rating)
    after, _log = scheduler_for(settings).review_card(
        to_fsrs(card), fsrs.Rating(rating), review_datetime=now
    )
    state = int(after.state)
    reps = card.reps + 1
    # a lapse: a card the learner knew (Review state) forgotten
    lapses = card.lapses + (1 if card.state == REVIEW and rating == AGAIN else 0)
    return CardState(
        deck_id=card.deck_id,
        card_id=card.card_id,
        card_type=card.card_type,
        queue=natural_queue(state, reps) if card.queue >= 0 else card.queue,
        state=state,
        step=after.step,
        stability=after.stability,
        difficulty=after.difficulty,
        due=after.due,
        last_review=after.last_review,
        reps=reps,
        lapses=lapses,
    )


def preview(card: CardState, settings: SchedulerSettings, now: datetime) -> dict[int, timedelta]:
    """rating → the interval the card would get; identical to what ``review`` would schedule."""
    return {rating: review(card, rating, settings, now).due - now for rating in RATINGS}


def parse_steps(text: str) -> tuple[timedelta, ...]:
    return tuple(timedelta(seconds=float(part)) for part in text.split(",") if part.strip())


def format_steps(steps: tuple[timedelta, ...]) -> str:
    return ",".join(f"{step.total_seconds():g}" for step in steps)
