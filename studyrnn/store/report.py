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
* **common mistakes**: per card, the declared mistakes (``review_log.mistake``: the id of the
  typical wrong method a wrong numeric answer matched) most often logged, at most
  ``MISTAKES_PER_CARD``, most first, ties by id; every mode counts, undone answers do not.
* **overdue**: a learner's cards in the learning or review queue whose due time is before ``now``
  (new cards are never overdue; cards that left every deck are not counted).

Attempts, accuracy and lapses are the store's running counters (``cards.answers``, ``correct``,
``lapses``: kept in each answer's transaction, taken back by undo) summed over the learners' rows
of each card, so the report reads one row per learner and card, not the whole review log. The
median needs the log: portable SQL (SQLite and PostgreSQL alike) with window functions
(``ROW_NUMBER``/``COUNT`` over each card's answers ordered by duration; the rows with
``n <= 2·rn <= n + 2`` are the middle one or two), for the listed cards only when the list is
limited (through ``ix_review_log_card``). The overdue counts use ``ix_cards_learner_queue_due``.
Nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Double, cast, func, select, tuple_

from studyrnn.store.domain import QUEUE_LEARNING, QUEUE_REVIEW
from studyrnn.store.models import CardRow, LearnerRow, ReviewLogRow, to_utc


@dataclass(frozen=True, slots=True)
class MistakeCount:
    """How many logged answers to a card matched one declared mistake."""

    mistake: str  # the mistake's id (a generator's method name, or a deck's ``mistakes`` id)
    count: int


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
    mistakes: tuple[MistakeCount, ...] = ()  # the most common, most first (``MISTAKES_PER_CARD``)

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
    answers: int  # answers logged, all modes (in the deck, if one was given)
    cards: tuple[CardDifficulty, ...]
    overdue: tuple[OverdueLearner, ...]


_LOG = ReviewLogRow


def _difficulty_query(deck_id: str | None, limit: int | None):
    """Per card: the store's running counters summed over learners (one row per learner and card,
    never the whole log), hardest first."""
    card_key = (CardRow.deck_id, CardRow.card_id)
    attempts = func.sum(CardRow.answers)
    correct = func.sum(CardRow.correct)
    query = (
        select(
            CardRow.deck_id,
            CardRow.card_id,
            attempts.label("attempts"),
            correct.label("correct"),
            func.sum(CardRow.lapses).label("lapses"),
            func.count().label("learners"),
        )
        .where(CardRow.answers > 0)
        .group_by(*card_key)
        .order_by(
            (cast(correct, Double) / attempts).asc(),
            func.sum(CardRow.lapses).desc(),
            attempts.desc(),
            *card_key,
        )
    )
    if deck_id is not None:
        query = query.where(CardRow.deck_id == deck_id)
    return query if limit is None else query.limit(limit)


def _median_query(deck_id: str | None, keys: Sequence[tuple[str, str]] | None):
    """The median duration per card (of ``keys``, or every card), by window functions."""
    card_key = (_LOG.deck_id, _LOG.card_id)
    where: list[ColumnElement[bool]] = [_LOG.duration_ms.is_not(None)]
    if deck_id is not None:
        where.append(_LOG.deck_id == deck_id)
    if keys is not None:
        where.append(tuple_(*card_key).in_(list(keys)))
    ranked = (
        select(
            _LOG.deck_id,
            _LOG.card_id,
            _LOG.duration_ms,
            func.row_number().over(partition_by=card_key, order_by=_LOG.duration_ms).label("rn"),
            func.count().over(partition_by=card_key).label("n"),
        )
        .where(*where)
        .subquery("ranked")
    )
    middle = 2 * ranked.c.rn  # n odd: rn = (n+1)/2; n even: rn = n/2 and n/2 + 1
    return (
        select(ranked.c.deck_id, ranked.c.card_id, func.avg(cast(ranked.c.duration_ms, Double)))
        .where(middle >= ranked.c.n, middle <= ranked.c.n + 2)
        .group_by(ranked.c.deck_id, ranked.c.card_id)
    )


MEDIAN_BATCH = 500  # cards per median (and mistakes) query when only some are wanted
MISTAKES_PER_CARD = 3


def _batches(keys: list[tuple[str, str]] | None) -> list[list[tuple[str, str]] | None]:
    """``keys`` in IN-list sized pieces; None (every card) as one piece."""
    if keys is None:
        return [None]
    return [keys[i : i + MEDIAN_BATCH] for i in range(0, len(keys), MEDIAN_BATCH)]


def _medians(
    conn, deck_id: str | None, keys: list[tuple[str, str]] | None
) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for batch in _batches(keys):
        for deck, card, median in conn.execute(_median_query(deck_id, batch)):
            out[deck, card] = float(median)
    return out


def _mistakes_query(deck_id: str | None, keys: Sequence[tuple[str, str]] | None):
    """(deck, card, mistake, answers) for every logged mistake (of ``keys``, or every card)."""
    card_key = (_LOG.deck_id, _LOG.card_id)
    where: list[ColumnElement[bool]] = [_LOG.mistake.is_not(None)]
    if deck_id is not None:
        where.append(_LOG.deck_id == deck_id)
    if keys is not None:
        where.append(tuple_(*card_key).in_(list(keys)))
    return (
        select(*card_key, _LOG.mistake, func.count().label("n"))
        .where(*where)
        .group_by(*card_key, _LOG.mistake)
    )


def _mistakes(
    conn, deck_id: str | None, keys: list[tuple[str, str]] | None
) -> dict[tuple[str, str], tuple[MistakeCount, ...]]:
    counted: dict[tuple[str, str], list[MistakeCount]] = {}
    for batch in _batches(keys):
        for deck, card, mistake, n in conn.execute(_mistakes_query(deck_id, batch)):
            counted.setdefault((deck, card), []).append(MistakeCount(str(mistake), int(n)))
    # most first, ties by id: the same order on every database (few rows per card: sorted here)
    return {
        key: tuple(sorted(found, key=lambda m: (-m.count, m.mistake))[:MISTAKES_PER_CARD])
        for key, found in counted.items()
    }


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
    rows = conn.execute(_difficulty_query(deck_id, limit)).all()
    # a limited list needs the medians of its cards only (an index look-up each); all of them, one pass
    keys = None if limit is None else [(r.deck_id, r.card_id) for r in rows]
    medians = _medians(conn, deck_id, keys)
    mistakes = _mistakes(conn, deck_id, keys)
    return tuple(
        CardDifficulty(
            deck_id=row.deck_id,
            card_id=row.card_id,
            attempts=int(row.attempts),
            correct=int(row.correct),
            lapses=int(row.lapses),
            learners=int(row.learners),
            median_ms=medians.get((row.deck_id, row.card_id)),
            mistakes=mistakes.get((row.deck_id, row.card_id), ()),
        )
        for row in rows
    )


def _overdue(
    conn, deck_id: str | None, now: datetime, limit: int | None
) -> tuple[OverdueLearner, ...]:
    return tuple(
        OverdueLearner(learner=row.name, overdue=int(row.overdue), oldest_due=row.oldest_due)
        for row in conn.execute(_overdue_query(deck_id, now, limit))
    )


def card_difficulty(
    store, deck_id: str | None = None, limit: int | None = None
) -> list[CardDifficulty]:
    """Every answered card (of ``deck_id``, if given) across learners, hardest first."""
    _check_limit(limit)
    with store.reading() as conn:
        return list(_cards(conn, deck_id, limit))


def overdue_learners(
    store, deck_id: str | None = None, now: datetime | None = None, limit: int | None = None
) -> list[OverdueLearner]:
    """Learners with cards overdue at ``now`` (in ``deck_id``, if given), most overdue cards first."""
    _check_limit(limit)
    now = datetime.now(UTC) if now is None else to_utc(now)
    with store.reading() as conn:
        return list(_overdue(conn, deck_id, now, limit))


def class_report(
    store, deck_id: str | None = None, limit: int | None = None, now: datetime | None = None
) -> ClassReport:
    """Both lists and the class totals, in one read transaction."""
    _check_limit(limit)
    now = datetime.now(UTC) if now is None else to_utc(now)
    answers = select(func.coalesce(func.sum(CardRow.answers), 0))  # the running counters, as above
    if deck_id is not None:
        answers = answers.where(CardRow.deck_id == deck_id)
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
    "CardDifficulty",
    "ClassReport",
    "MISTAKES_PER_CARD",
    "MistakeCount",
    "OverdueLearner",
    "answered_decks",
    "card_difficulty",
    "class_report",
    "overdue_learners",
)
