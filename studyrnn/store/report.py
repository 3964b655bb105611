"""The instructor's report over a class database: which cards the class finds hard, who is behind.

    from studyrnn.store.report import class_report
    report = class_report(store, deck_id=None, limit=20)          # -> ClassReport
    report.cards      # CardDifficulty per card, hardest first
    report.overdue    # OverdueLearner per learner with overdue cards, most first

Definitions (across every learner in the database):

* **attempts**: every logged answer to the card, all modes (review, quiz, flashcards).
* **accuracy**: the fraction of those not rated Again (the store's ``correct``).
* **lapses**: answers in review mode to the card while it was in the Review state, rated Again
  (exactly what increments a card's ``lapses``; undone answers are gone from the log).
* **median time**: the median ``duration_ms`` of the answers that logged one (the mean of the two
  middle values for an even count); ``None`` when none did.
* **difficulty order**: lowest accuracy first, then most lapses, then most attempts, then by
  deck id and card id (so the order is total and the same on every database).
* **overdue**: a learner's cards in the learning or review queue whose due time is before ``now``
  (new cards are never overdue; cards that left every deck are not counted).

Portable SQL (SQLite and PostgreSQL alike): the median comes from window functions
(``ROW_NUMBER``/``COUNT`` over each card's answers ordered by duration; the rows with
``n <= 2·rn <= n + 2`` are the middle one or two), so only one or two rows per card leave the
database. A card's history is read through ``ix_review_log_card``; the overdue counts through
``ix_cards_learner_queue_due``. Nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Double, and_, case, cast, distinct, func, select

from studyrnn.store.domain import AGAIN, QUEUE_LEARNING, QUEUE_REVIEW, REVIEW
from studyrnn.store.models import CardRow, LearnerRow, ReviewLogRow, to_utc


@dataclass(frozen=True, slots=True)
class CardDifficulty:
    """One card's record across the class."""

    deck_id: str
    card_id: str
    attempts: int
    correct: int  # answers not rated Again
    lapses: int
    learners: int  # distinct learners who answered it
    median_ms: float | None

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempts if self.attempts else 0.0

    @property
    def median_s(self) -> float | None:
        return None if self.median_ms is None else self.median_ms / 1000.0


@dataclass(frozen=True, slots=True)
class OverdueLearner:
    learner: str
    overdue: int  # cards due before ``now`` (learning and review queues)
    oldest_due: datetime  # the longest-overdue card's due time


@dataclass(frozen=True, slots=True)
class ClassReport:
    now: datetime
    deck_id: str | None
    learners: int  # learners in the database
    answers: int  # answers logged (in the deck, if one was given)
    cards: tuple[CardDifficulty, ...]
    overdue: tuple[OverdueLearner, ...]


_LOG = ReviewLogRow


def _difficulty_query(deck_id: str | None, limit: int | None):
    deck = [] if deck_id is None else [_LOG.deck_id == deck_id]
    card_key = (_LOG.deck_id, _LOG.card_id)

    ranked = (
        select(
            _LOG.deck_id,
            _LOG.card_id,
            _LOG.duration_ms,
            func.row_number().over(partition_by=card_key, order_by=_LOG.duration_ms).label("rn"),
            func.count().over(partition_by=card_key).label("n"),
        )
        .where(_LOG.duration_ms.is_not(None), *deck)
        .subquery("ranked")
    )
    middle = 2 * ranked.c.rn
    median = (
        select(
            ranked.c.deck_id,
            ranked.c.card_id,
            func.avg(cast(ranked.c.duration_ms, Double)).label("median_ms"),
        )
        .where(middle >= ranked.c.n, middle <= ranked.c.n + 2)
        .group_by(ranked.c.deck_id, ranked.c.card_id)
        .subquery("median")
    )
    totals = (
        select(
            _LOG.deck_id,
            _LOG.card_id,
            func.count().label("attempts"),
            func.sum(case((_LOG.rating > AGAIN, 1), else_=0)).label("correct"),
            func.sum(
                case((and_(_LOG.mode == "review", _LOG.prev_state == REVIEW, _LOG.rating == AGAIN), 1), else_=0)
            ).label("lapses"),
            func.count(distinct(_LOG.learner_id)).label("learners"),
        )
        .where(*deck)
        .group_by(*card_key)
        .subquery("totals")
    )
    accuracy = cast(totals.c.correct, Double) / totals.c.attempts
    query = (
        select(
            totals.c.deck_id, totals.c.card_id, totals.c.attempts, totals.c.correct, totals.c.lapses,
            totals.c.learners, median.c.median_ms,
        )
        .outerjoin(median, and_(median.c.deck_id == totals.c.deck_id, median.c.card_id == totals.c.card_id))
        .order_by(
            accuracy.asc(), totals.c.lapses.desc(), totals.c.attempts.desc(), totals.c.deck_id, totals.c.card_id
        )
    )
    return query if limit is None else query.limit(limit)


def _overdue_query(deck_id: str | None, now: datetime, limit: int | None):
    overdue = func.count().label("overdue")
    query = (
        select(LearnerRow.name, overdue, func.min(CardRow.due).label("oldest_due"))
        .join_from(CardRow, LearnerRow, LearnerRow.id == CardRow.learner_id)
        .where(CardRow.queue.in_((QUEUE_LEARNING, QUEUE_REVIEW)), CardRow.due < now)
        .group_by(LearnerRow.id, LearnerRow.name)
        .order_by(overdue.desc(), LearnerRow.name)
    )
    if deck_id is not None:
        query = query.where(CardRow.deck_id == deck_id)
    return query if limit is None else query.limit(limit)


def _check_limit(limit: int | None) -> None:
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")


def _cards(conn, deck_id: str | None, limit: int | None) -> tuple[CardDifficulty, ...]:
    return tuple(
        CardDifficulty(
            deck_id=row.deck_id, card_id=row.card_id, attempts=int(row.attempts), correct=int(row.correct),
            lapses=int(row.lapses), learners=int(row.learners),
            median_ms=None if row.median_ms is None else float(row.median_ms),
        )
        for row in conn.execute(_difficulty_query(deck_id, limit))
    )


def _overdue(conn, deck_id: str | None, now: datetime, limit: int | None) -> tuple[OverdueLearner, ...]:
    return tuple(
        OverdueLearner(learner=row.name, overdue=int(row.overdue), oldest_due=row.oldest_due)
        for row in conn.execute(_overdue_query(deck_id, now, limit))
    )


def card_difficulty(store, deck_id: str | None = None, limit: int | None = None) -> list[CardDifficulty]:
    """Every answered card (of ``deck_id``, if given) across learners, hardest first."""
    _check_limit(limit)
    with store.reading() as conn:
        return list(_cards(conn, deck_id, limit))


def overdue_learners(store, deck_id: str | None = None, now: datetime | None = None,
                     limit: int | None = None) -> list[OverdueLearner]:
    """Learners with cards overdue at ``now`` (in ``deck_id``, if given), most overdue cards first."""
    _check_limit(limit)
    now = datetime.now(timezone.utc) if now is None else to_utc(now)
    with store.reading() as conn:
        return list(_overdue(conn, deck_id, now, limit))


def class_report(store, deck_id: str | None = None, limit: int | None = None,
                 now: datetime | None = None) -> ClassReport:
    """Both lists and the class totals, in one read transaction."""
    _check_limit(limit)
    now = datetime.now(timezone.utc) if now is None else to_utc(now)
    answers = select(func.count()).select_from(_LOG)
    if deck_id is not None:
        answers = answers.where(_LOG.deck_id == deck_id)
    with store.reading() as conn:
        return ClassReport(
            now=now,
            deck_id=deck_id,
            learners=conn.execute(select(func.count()).select_from(LearnerRow)).scalar_one(),
            answers=conn.execute(answers).scalar_one(),
            cards=_cards(conn, deck_id, limit),
            overdue=_overdue(conn, deck_id, now, limit),
        )


def answered_decks(store) -> list[str]:
    """The deck ids that have answers logged (``studyrnn report --deck`` accepts these too)."""
    with store.reading() as conn:
        return list(conn.execute(select(_LOG.deck_id).distinct().order_by(_LOG.deck_id)).scalars())


__all__: Sequence[str] = (
    "CardDifficulty", "ClassReport", "OverdueLearner", "answered_decks", "card_difficulty",
    "class_report", "overdue_learners",
)
