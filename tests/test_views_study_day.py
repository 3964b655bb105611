"""The statistics screen's weekly retention and "today" follow the learner's study day
(``studyrnn.days``: zone and rollover hour), not the UTC day (issue 12)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tui_helpers import build_app

from studyrnn.store import EASY, GOOD

# Monday 2026-03-02 06:00 UTC is Sunday 2026-03-01 21:00 in Anchorage (UTC-9 in winter): the
# learner's study day is Sunday 1 March (week of Monday 23 February), the UTC day Monday 2 March.
NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def test_weekly_retention_and_today_use_the_learners_study_day(tmp_path) -> None:
    from studyrnn.tui import views

    app = build_app(tmp_path, clock=lambda: NOW)
    app.store.update_settings(app.learner, timezone="America/Anchorage", rollover_hour=4)
    deck = app.deck("tui-types")
    first, second = deck.cards[0].id, deck.cards[1].id
    # Fri 20 Feb 12:00 UTC (03:00 local, before the rollover: study day Thu 19 Feb): Easy on new
    # cards sends them to Review; answers to new cards are no retention answers
    early = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)
    for card in (first, second):
        app.store.record_review(app.learner, "tui-types", card, EASY, now=early)
    # Mon 2 Mar 05:00 UTC = Sun 1 Mar 20:00 local: two Review cards answered, one Good, one Again
    late = NOW - timedelta(hours=1)
    app.store.record_review(app.learner, "tui-types", first, GOOD, now=late)
    app.store.record_review(app.learner, "tui-types", second, 1, now=late)

    assert views.weekly_retention(app, weeks=3) == [
        (date(2026, 2, 9), None),
        (date(2026, 2, 16), None),  # 19 Feb: answers to new cards only
        (date(2026, 2, 23), 0.5),  # 1 Mar: 1 of 2 Review-card answers not Again
    ]
    data = views.load_stats(app)
    assert data.today_date == date(2026, 3, 1) and data.today == 2
    assert data.retention_weeks[-1] == (date(2026, 2, 23), 0.5)
