"""Domain objects turned into what the screens display (plain dataclasses, no Textual).

The one place that knows how the store and statistics shape their answers, so a change there
is an edit here and not in every screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studyrnn.tui.app import StudyApp


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
