"""The progress schema: SQLAlchemy 2.0 typed models.

Every progress row carries a learner id. Datetimes are stored as integer microseconds since the
Unix epoch, UTC (``UTCDateTime``): exact, compact, ordered, and the same arithmetic on SQLite and
PostgreSQL (a day is ``reviewed_at / 86_400_000_000``), so no query needs a dialect's date
functions. They come back as timezone-aware UTC datetimes; naive datetimes are refused.

The migrations in ``migrations/versions`` build this schema; a test checks the two agree.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
US_PER_DAY = 86_400_000_000


def to_utc(value: datetime) -> datetime:
    """An aware datetime converted to UTC; a naive one is an error (its zone is unknown)."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(
            f"naive datetime {value.isoformat()}: pass a timezone-aware datetime (UTC)"
        )
    return value.astimezone(UTC)


def to_epoch_us(value: datetime) -> int:
    return (to_utc(value) - EPOCH) // MICROSECOND


def from_epoch_us(value: int) -> datetime:
    return EPOCH + timedelta(microseconds=int(value))


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as integer microseconds since the epoch (UTC)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> int | None:
        return None if value is None else to_epoch_us(value)

    def process_result_value(self, value: int | None, dialect: Any) -> datetime | None:
        return None if value is None else from_epoch_us(value)


# SQLite only autoincrements an INTEGER PRIMARY KEY (the rowid alias); elsewhere a BIGINT identity.
BigId = BigInteger().with_variant(Integer, "sqlite")

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class LearnerRow(Base):
    """A learner and their scheduler settings (steps are seconds, comma-separated)."""

    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    desired_retention: Mapped[float] = mapped_column(Double)
    learning_steps: Mapped[str] = mapped_column(String(200))
    relearning_steps: Mapped[str] = mapped_column(String(200))
    new_per_day: Mapped[int] = mapped_column(Integer)
    max_reviews_per_day: Mapped[int] = mapped_column(Integer)
    # the study day (0005): the learner's IANA zone and the local hour a new day starts
    timezone: Mapped[str] = mapped_column(String(64), server_default="UTC")
    rollover_hour: Mapped[int] = mapped_column(SmallInteger, server_default="4")
    learn_ahead_minutes: Mapped[int] = mapped_column(Integer, server_default="20")
    fsrs_weights: Mapped[str | None] = mapped_column(Text)  # studyrnn optimize; None: defaults


class CardRow(Base):
    """One learner's FSRS state of one card, keyed by (learner, deck id, card id)."""

    __tablename__ = "cards"
    __table_args__ = (
        # learning and review queues, oldest due first; also the due forecast
        Index("ix_cards_learner_queue_due", "learner_id", "queue", "due"),
        # the same inside one deck
        Index("ix_cards_learner_deck_queue_due", "learner_id", "deck_id", "queue", "due"),
        # new cards in deck order
        Index("ix_cards_learner_queue_deck_position", "learner_id", "queue", "deck_id", "position"),
        # the hardest cards (0003)
        Index("ix_cards_learner_lapses", "learner_id", "lapses"),
    )

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    deck_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    card_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    card_type: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(
        Integer
    )  # index in its deck: new cards come in deck order
    queue: Mapped[int] = mapped_column(SmallInteger)  # domain.QUEUE_*; -1 = left its deck
    state: Mapped[int] = mapped_column(SmallInteger)  # fsrs.State value
    step: Mapped[int | None] = mapped_column(SmallInteger)
    stability: Mapped[float | None] = mapped_column(Double)
    difficulty: Mapped[float | None] = mapped_column(Double)
    due: Mapped[datetime] = mapped_column(UTCDateTime)
    last_review: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reps: Mapped[int] = mapped_column(Integer)
    lapses: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # statistics counters over every logged answer, all modes (0003): accuracy per tag
    answers: Mapped[int] = mapped_column(Integer, server_default="0")
    correct: Mapped[int] = mapped_column(Integer, server_default="0")  # not rated Again


class StudySessionRow(Base):
    """One sitting: a review, quiz or flashcard run (added by migration 0002)."""

    __tablename__ = "study_sessions"
    __table_args__ = (Index("ix_study_sessions_learner_started", "learner_id", "started_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"))
    mode: Mapped[str] = mapped_column(String(20))
    deck_id: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReviewLogRow(Base):
    """One answer. ``prev_*`` is the card's state before it: undo restores it exactly."""

    __tablename__ = "review_log"
    __table_args__ = (
        ForeignKeyConstraint(
            ["learner_id", "deck_id", "card_id"],
            ["cards.learner_id", "cards.deck_id", "cards.card_id"],
            name="fk_review_log_card_cards",
        ),
        # today's limits, the heatmap, retention, undo (most recent first)
        Index("ix_review_log_learner_reviewed", "learner_id", "reviewed_at"),
        # a card's history, for one learner or across a class
        Index("ix_review_log_card", "deck_id", "card_id", "learner_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"))
    deck_id: Mapped[str] = mapped_column(String(200))
    card_id: Mapped[str] = mapped_column(String(200))
    session_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("study_sessions.id"))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    mode: Mapped[str] = mapped_column(String(20))  # review | quiz | flashcards
    rating: Mapped[int] = mapped_column(SmallInteger)  # 1 Again .. 4 Easy
    outcome: Mapped[str | None] = mapped_column(String(20))  # grading Outcome, None if self-rated
    answer: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    seed: Mapped[int | None] = mapped_column(BigInteger)  # the variant of a generated card
    mistake: Mapped[str | None] = mapped_column(String(100))  # Verdict.mistake (0005)
    prev_queue: Mapped[int] = mapped_column(SmallInteger)
    prev_state: Mapped[int] = mapped_column(SmallInteger)
    prev_step: Mapped[int | None] = mapped_column(SmallInteger)
    prev_stability: Mapped[float | None] = mapped_column(Double)
    prev_difficulty: Mapped[float | None] = mapped_column(Double)
    prev_due: Mapped[datetime] = mapped_column(UTCDateTime)
    prev_last_review: Mapped[datetime | None] = mapped_column(UTCDateTime)
    prev_reps: Mapped[int] = mapped_column(Integer)
    prev_lapses: Mapped[int] = mapped_column(Integer)


class ReviewDayRow(Base):
    """Per learner and study day, running totals of the review log (0003; study days 0005).

    Kept in the same transaction as every answer and every undo, so statistics and the daily
    limits read a few hundred rows instead of scanning a million-row log. ``day`` is the learner's
    study day (``store.days.study_day``: local date from the rollover hour, days since 1970-01-01).
    ``Store.rebuild_statistics`` recomputes it from the log.
    """

    __tablename__ = "review_days"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    day: Mapped[int] = mapped_column(Integer, primary_key=True)
    answers: Mapped[int] = mapped_column(Integer)  # every mode
    new_cards: Mapped[int] = mapped_column(Integer)  # review mode, first answer to a card
    review_cards: Mapped[int] = mapped_column(Integer)  # review mode, card in the Review state
    review_passed: Mapped[int] = mapped_column(Integer)  # ... and not rated Again


class CardTagRow(Base):
    """A card's tags as its deck gives them (content, shared by all learners; kept by ``sync_cards``) (0004)."""

    __tablename__ = "card_tags"

    deck_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    card_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    tag: Mapped[str] = mapped_column(String(200), primary_key=True)


class TagTotalRow(Base):
    """Per learner and tag: answers to cards with the tag, and those not rated Again (0004)."""

    __tablename__ = "tag_totals"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(200), primary_key=True)
    answers: Mapped[int] = mapped_column(Integer)
    correct: Mapped[int] = mapped_column(Integer)


class DeckTotalRow(Base):
    """Per learner and deck: cards still in it, studied at least once, mastered (0004)."""

    __tablename__ = "deck_totals"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    deck_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    cards: Mapped[int] = mapped_column(Integer)
    studied: Mapped[int] = mapped_column(Integer)
    mastered: Mapped[int] = mapped_column(Integer)
