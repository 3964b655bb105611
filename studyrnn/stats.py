"""Statistics over the progress store, as plain dataclasses (the TUI and ``studyrnn stats`` render them).

Definitions (days are the learner's study days, as for the daily limits: their local day from the
rollover hour, 4 a.m. by default; see ``studyrnn.store.days``):

* **reviews per day**: every logged answer (review, quiz and flashcard modes) per day: the heatmap.
  ``scheduled_per_day`` counts the review-mode answers alone (the ones that reschedule).
* **true retention** (Anki's): of the answers in review mode to cards that were in the Review
  state (not learning or relearning), the fraction not rated Again, over the last N study days
  (today included).
* **due forecast**: learning and review cards falling due on each of the next N days; cards
  already overdue count for today. New cards are not forecast.
* **mastery of a deck**: the fraction of its cards (those still in the deck) in the Review state
  with a stability of at least 21 days — FSRS expects them to be recalled with the desired
  retention three weeks after the last review (Anki calls such cards *mature*).
* **hardest cards**: the most lapses (a Review card forgotten), ties broken by FSRS difficulty.
* **accuracy per tag**: of all the answers (all modes, all time) to cards carrying the tag (as the
  decks gave it at the last ``sync_cards``), the fraction not rated Again.

Counts come from running totals the store keeps with every answer (``review_days`` per learner and
day, ``deck_totals``, ``tag_totals``, ``answers``/``correct`` per card), so no statistic scans the
review log or every card.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, func, select, type_coerce

from studyrnn.store import Learner, Store
from studyrnn.store.days import FORECAST_BUCKET, DayRule, day_date, local_zone_name
from studyrnn.store.domain import QUEUE_LEARNING, QUEUE_RETIRED, QUEUE_REVIEW, QueueCounts
from studyrnn.store.models import (
    CardRow,
    DeckTotalRow,
    ReviewDayRow,
    ReviewLogRow,
    TagTotalRow,
    from_epoch_us,
    to_epoch_us,
    to_utc,
)
from studyrnn.store.repository import deck_list


@dataclass(frozen=True, slots=True)
class Retention:
    passed: int
    total: int
    days: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class DeckMastery:
    deck_id: str
    cards: int
    studied: int  # reviewed at least once
    mastered: int

    @property
    def fraction(self) -> float:
        return self.mastered / self.cards if self.cards else 0.0


@dataclass(frozen=True, slots=True)
class HardCard:
    deck_id: str
    card_id: str
    lapses: int
    reps: int
    difficulty: float | None


@dataclass(frozen=True, slots=True)
class TagAccuracy:
    tag: str
    answers: int
    correct: int

    @property
    def rate(self) -> float | None:
        return self.correct / self.answers if self.answers else None


def _now(now: datetime | None) -> datetime:
    return datetime.now(UTC) if now is None else to_utc(now)


def _micros(column):
    """A UTCDateTime column as its stored integer (microseconds since the epoch)."""
    return type_coerce(column, BigInteger)


def _day(day_number: int) -> date:
    return day_date(day_number)


def _rule(store: Store, learner: Learner, rule: DayRule | None) -> DayRule:
    return rule if rule is not None else store.settings(learner).day_rule


def total_reviews(store: Store, learner: Learner) -> int:
    return store.review_count(learner)


def due_now(store: Store, learner: Learner, now: datetime | None = None) -> int:
    """Learning and review cards due now, before any daily limit."""
    now = _now(now)
    with store.reading() as conn:
        return conn.execute(
            select(func.count())
            .select_from(CardRow)
            .where(
                CardRow.learner_id == learner.id,
                CardRow.queue.in_((QUEUE_LEARNING, QUEUE_REVIEW)),
                CardRow.due <= now,
            )
        ).scalar_one()


def _days(store: Store, learner: Learner, first: int, last: int) -> list[tuple]:
    """(day, answers, review_cards, review_passed) rows of the day totals, days first..last."""
    with store.reading() as conn:
        return conn.execute(
            select(
                ReviewDayRow.day,
                ReviewDayRow.answers,
                ReviewDayRow.review_cards,
                ReviewDayRow.review_passed,
            )
            .where(
                ReviewDayRow.learner_id == learner.id,
                ReviewDayRow.day >= first,
                ReviewDayRow.day <= last,
            )
            .order_by(ReviewDayRow.day)
        ).all()


def reviews_per_day(
    store: Store,
    learner: Learner,
    days: int = 365,
    now: datetime | None = None,
    rule: DayRule | None = None,
) -> dict[date, int]:
    """study day → answers logged that day (every mode), for the last ``days`` days (today
    included); days without answers are left out."""
    today = _rule(store, learner, rule).day_of(_now(now))
    return {_day(d): n for d, n, *_ in _days(store, learner, today - days + 1, today) if n}


def scheduled_today(
    store: Store, learner: Learner, now: datetime | None = None, rule: DayRule | None = None
) -> int:
    """Review-mode answers (the ones that reschedule) this study day, apart from quiz and
    flashcard answers."""
    rule = _rule(store, learner, rule)
    start = rule.start_of(_now(now))
    with store.reading() as conn:
        return conn.execute(
            select(func.count())
            .select_from(ReviewLogRow)
            .where(
                ReviewLogRow.learner_id == learner.id,
                ReviewLogRow.reviewed_at >= start,
                ReviewLogRow.mode == "review",
            )
        ).scalar_one()


def true_retention(
    store: Store,
    learner: Learner,
    days: int = 30,
    now: datetime | None = None,
    rule: DayRule | None = None,
) -> Retention:
    """Answers to Review-state cards in the last ``days`` study days (today included) not rated Again."""
    today = _rule(store, learner, rule).day_of(_now(now))
    rows = _days(store, learner, today - days + 1, today)
    return Retention(passed=sum(r[3] for r in rows), total=sum(r[2] for r in rows), days=days)


def due_forecast(
    store: Store,
    learner: Learner,
    days: int = 30,
    now: datetime | None = None,
    rule: DayRule | None = None,
) -> list[tuple[date, int]]:
    """[(study day, cards due that day)] for today and the next ``days - 1`` days; overdue cards
    count today. The SQL counts per quarter hour (every UTC offset is a multiple of one), and
    each quarter goes to the study day it starts in: exact in every zone, DST included."""
    now = _now(now)
    rule = _rule(store, learner, rule)
    today_number = rule.day_of(now)
    end = to_epoch_us(rule.start(today_number + days))
    bucket_us = int(FORECAST_BUCKET.total_seconds()) * 1_000_000
    bucket = _micros(CardRow.due) // bucket_us
    with store.reading() as conn:
        rows = conn.execute(
            select(bucket.label("bucket"), func.count())
            .where(
                CardRow.learner_id == learner.id,
                CardRow.queue.in_((QUEUE_LEARNING, QUEUE_REVIEW)),
                _micros(CardRow.due) < end,
            )
            .group_by(bucket)
        ).all()
    counts = [0] * days
    for b, n in rows:
        day = rule.day_of(from_epoch_us(int(b) * bucket_us))
        counts[min(days - 1, max(0, day - today_number))] += n
    return [(_day(today_number + i), counts[i]) for i in range(days)]


def mastery(store: Store, learner: Learner) -> dict[str, DeckMastery]:
    """deck id → its mastery (cards still in the deck only), from the deck totals."""
    with store.reading() as conn:
        rows = conn.execute(
            select(
                DeckTotalRow.deck_id,
                DeckTotalRow.cards,
                DeckTotalRow.studied,
                DeckTotalRow.mastered,
            )
            .where(DeckTotalRow.learner_id == learner.id, DeckTotalRow.cards > 0)
            .order_by(DeckTotalRow.deck_id)
        ).all()
    return {d: DeckMastery(d, n, s, m) for d, n, s, m in rows}


def hardest_cards(store: Store, learner: Learner, limit: int = 10) -> list[HardCard]:
    """The cards with the most lapses (at least one), most first."""
    with store.reading() as conn:
        rows = conn.execute(
            select(
                CardRow.deck_id, CardRow.card_id, CardRow.lapses, CardRow.reps, CardRow.difficulty
            )
            .where(
                CardRow.learner_id == learner.id, CardRow.queue != QUEUE_RETIRED, CardRow.lapses > 0
            )
            .order_by(
                CardRow.lapses.desc(), CardRow.difficulty.desc(), CardRow.deck_id, CardRow.card_id
            )
            .limit(limit)
        ).all()
    return [HardCard(*row) for row in rows]


def accuracy_by_tag(
    store: Store,
    learner: Learner,
    tags: Mapping[tuple[str, str], Iterable[str]] | None = None,
) -> dict[str, TagAccuracy]:
    """tag → answers (all modes, all time) to its cards and how many were not rated Again.

    By default the tags are those the decks gave at the last ``sync_cards`` (kept as running
    totals: a few rows read). ``tags`` — (deck id, card id) → tags, as ``tags_of(decks)`` makes —
    counts with another tagging instead, from the per-card totals (one row per answered card).
    """
    with store.reading() as conn:
        if tags is None:
            rows = conn.execute(
                select(TagTotalRow.tag, TagTotalRow.answers, TagTotalRow.correct)
                .where(TagTotalRow.learner_id == learner.id, TagTotalRow.answers > 0)
                .order_by(TagTotalRow.tag)
            ).all()
            return {tag: TagAccuracy(tag, n, c) for tag, n, c in rows}
        answers: dict[str, list[int]] = {}
        rows = conn.execute(
            select(CardRow.deck_id, CardRow.card_id, CardRow.answers, CardRow.correct).where(
                CardRow.learner_id == learner.id, CardRow.answers > 0
            )
        )
        for deck_id, card_id, n, correct in rows:
            for tag in tags.get((deck_id, card_id), ()):
                tally = answers.setdefault(tag, [0, 0])
                tally[0] += n
                tally[1] += correct
    return {tag: TagAccuracy(tag, n, c) for tag, (n, c) in sorted(answers.items())}


def tags_of(decks: Iterable) -> dict[tuple[str, str], tuple[str, ...]]:
    """(deck id, card id) → the card's tags, for ``accuracy_by_tag``."""
    return {
        (deck.id, card.id): tuple(getattr(card, "tags", ()) or ())
        for deck in deck_list(decks)
        for card in deck.cards
    }


def summary(
    store: Store,
    learner: Learner,
    tags: Mapping[tuple[str, str], Iterable[str]] | None = None,
    now: datetime | None = None,
    heatmap_days: int = 365,
    forecast_days: int = 30,
    retention_days: int = 30,
) -> dict:
    """Everything above as one JSON-ready dict (``studyrnn stats --json``)."""
    now = _now(now)
    known = learner.id >= 0  # Learner(-1, name): not in the store, no progress yet
    rule = store.settings(learner).day_rule if known else DayRule(local_zone_name())
    queue = store.queue_counts(learner, now=now) if known else QueueCounts(0, 0, 0)
    retention = true_retention(store, learner, days=retention_days, now=now, rule=rule)
    today = rule.day_of(now)
    day_rows = _days(store, learner, today, today)
    return {
        "learner": learner.name,
        "now": now.isoformat(),
        "today": _day(today).isoformat(),
        "study_day": {
            "timezone": rule.timezone,
            "rollover_hour": rule.rollover_hour,
            "started": rule.start(today).isoformat(),
        },
        "answers_today": day_rows[0][1] if day_rows else 0,
        "scheduled_reviews_today": scheduled_today(store, learner, now=now, rule=rule),
        "reviews": total_reviews(store, learner),
        "due": due_now(store, learner, now=now),
        "queue": {"new": queue.new, "learning": queue.learning, "review": queue.review},
        "retention": {
            "days": retention.days,
            "passed": retention.passed,
            "total": retention.total,
            "rate": retention.rate,
        },
        "reviews_per_day": {
            d.isoformat(): n
            for d, n in reviews_per_day(store, learner, heatmap_days, now, rule).items()
        },
        "forecast": [
            {"date": d.isoformat(), "due": n}
            for d, n in due_forecast(store, learner, forecast_days, now, rule)
        ],
        "mastery": {
            d: {**asdict(m), "fraction": m.fraction} for d, m in mastery(store, learner).items()
        },
        "hardest": [asdict(c) for c in hardest_cards(store, learner)],
        "accuracy_by_tag": {
            t: {"answers": a.answers, "correct": a.correct, "rate": a.rate}
            for t, a in accuracy_by_tag(store, learner, tags).items()
        },
    }
