"""Domain objects turned into what the screens display (plain dataclasses, no Textual).

The one place that knows how the store and statistics shape their answers, so a change there
is an edit here and not in every screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studyrnn.tui.app import StudyApp


@dataclass(frozen=True)
class DeckRow:
    deck_id: str
    title: str
    new: int
    due: int
    learned: int
    mastery: float | None


def deck_rows(app: StudyApp) -> list[DeckRow]:
    decks = app.deck_list()
    if app.store is None:
        return [DeckRow(d.id, d.title, len(d.cards), 0, 0, None) for d in decks]
    from studyrnn.store.domain import QueueCounts

    mastery = deck_mastery(app)
    by_deck = app.store.queue_counts_by_deck(app.learner, now=app.now())  # one read, all decks
    rows = []
    for deck in decks:
        counts = by_deck.get(deck.id, QueueCounts(0, 0, 0))
        learned, score = mastery.get(deck.id, (0, None))
        rows.append(
            DeckRow(
                deck.id, deck.title, counts.new, counts.learning + counts.review, learned, score
            )
        )
    return rows


def deck_mastery(app: StudyApp) -> dict[str, tuple[int, float | None]]:
    """deck id -> (cards studied at least once, mastery: the fraction of cards mastered)."""
    from studyrnn import stats

    return {
        deck_id: (m.studied, m.fraction)
        for deck_id, m in stats.mastery(app.store, app.learner).items()
    }


def queue_line(app: StudyApp, deck_id: str | None) -> str:
    """'3 new · 1 learning · 5 review' for one deck or all of them."""
    if app.store is None:
        return "no progress store"
    c = app.store.queue_counts(app.learner, deck_id, now=app.now())
    return f"{c.new} new · {c.learning} learning · {c.review} to review"


def interval_label(delta: Any) -> str:
    from studyrnn.store.domain import format_interval

    return format_interval(delta)


@dataclass(frozen=True)
class StatsView:
    total_reviews: int  # every answer, all modes
    today: int  # answers today
    due_now: int
    retention: float | None
    per_day: dict  # date -> answers that day
    forecast: list  # [(date, cards due that day)] for the next 14 days
    mastery: list  # [(deck title, mastery in [0, 1])]
    today_date: Any = None
    by_mode: dict = field(default_factory=dict)  # "review" / "quiz" / "flashcards" -> answers
    retention_weeks: list = field(default_factory=list)  # [(week's Monday, rate or None)]


RETENTION_WEEKS = 12


def answers_by_mode(app: StudyApp) -> dict[str, int]:
    """mode -> answers logged (review_log.mode: review, quiz, flashcards)."""
    from sqlalchemy import func, select

    from studyrnn.store.models import ReviewLogRow

    with app.store.reading() as conn:
        rows = conn.execute(
            select(ReviewLogRow.mode, func.count())
            .where(ReviewLogRow.learner_id == app.learner.id)
            .group_by(ReviewLogRow.mode)
        ).all()
    return {mode: n for mode, n in rows}


def weekly_retention(app: StudyApp, weeks: int = RETENTION_WEEKS) -> list[tuple[Any, float | None]]:
    """True retention (review answers to Review cards not rated Again) per week of study days
    (the learner's, ``studyrnn.days``: zone and rollover hour), Monday first, oldest first."""
    from studyrnn import stats
    from studyrnn.days import day_date

    today = app.store.settings(app.learner).day_rule.day_of(app.now())
    first = today - day_date(today).weekday() - 7 * (weeks - 1)  # the oldest week's Monday
    totals = [[0, 0] for _ in range(weeks)]
    for day, _answers, cards, passed in stats._days(app.store, app.learner, first, today):
        week = (day - first) // 7
        if 0 <= week < weeks:
            totals[week][0] += cards
            totals[week][1] += passed
    return [(day_date(first + 7 * i), (p / n) if n else None) for i, (n, p) in enumerate(totals)]


def load_stats(app: StudyApp) -> StatsView:
    """Everything the statistics screen draws, from ``studyrnn.stats`` (runs in a worker)."""
    from studyrnn import stats
    from studyrnn.days import day_date

    store, learner, now = app.store, app.learner, app.now()
    today = day_date(store.settings(learner).day_rule.day_of(now))  # the study day, not UTC's
    per_day = dict(stats.reviews_per_day(store, learner, days=7 * 26, now=now))
    forecast = list(stats.due_forecast(store, learner, days=14, now=now))
    titles = {deck.id: deck.title for deck in app.deck_list()}
    mastery = [
        (titles[deck_id], m.fraction)
        for deck_id, m in stats.mastery(store, learner).items()
        if deck_id in titles
    ]
    return StatsView(
        total_reviews=stats.total_reviews(store, learner),
        today=per_day.get(today, 0),
        due_now=stats.due_now(store, learner, now=now),
        retention=stats.true_retention(store, learner, now=now).rate,
        per_day=per_day,
        forecast=forecast,
        mastery=mastery,
        today_date=today,
        by_mode=answers_by_mode(app),
        retention_weeks=weekly_retention(app),
    )
