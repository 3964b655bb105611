"""The study day: the learner's local day from the rollover hour, for limits, heatmap and forecast.

Expected days are written out by hand from the zone's offset on that date (AKST = UTC−9,
JST = UTC+9, IST = UTC+5:30, New York EST = UTC−5 / EDT = UTC−4), never computed by the code
under test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from studyrnn import stats
from studyrnn.store import GOOD, open_store
from studyrnn.store.days import DayRule, day_date


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "moment", "local_day"),
    [
        # 23:27 in Anchorage on 2 March is 08:27 UTC on 3 March: still the 2nd there
        ("America/Anchorage", utc(2026, 3, 3, 8, 27), date(2026, 3, 2)),
        # 02:30 in Anchorage (11:30 UTC) is before the 4 a.m. rollover: the day before
        ("America/Anchorage", utc(2026, 3, 3, 11, 30), date(2026, 3, 2)),
        ("America/Anchorage", utc(2026, 3, 3, 13, 0), date(2026, 3, 3)),  # 04:00 local
        # 10:00 in Tokyo on 3 March is 01:00 UTC on 3 March; 03:00 JST (18:00 UTC the 2nd) is the 2nd
        ("Asia/Tokyo", utc(2026, 3, 3, 1, 0), date(2026, 3, 3)),
        ("Asia/Tokyo", utc(2026, 3, 2, 18, 0), date(2026, 3, 2)),
        ("Asia/Tokyo", utc(2026, 3, 2, 19, 0), date(2026, 3, 3)),  # 04:00 JST
        # India, a half-hour zone: 03:59 IST is 22:29 UTC; 04:00 IST is 22:30 UTC
        ("Asia/Kolkata", utc(2026, 3, 2, 22, 29), date(2026, 3, 2)),
        ("Asia/Kolkata", utc(2026, 3, 2, 22, 30), date(2026, 3, 3)),
        ("UTC", utc(2026, 3, 3, 3, 59), date(2026, 3, 2)),
        ("UTC", utc(2026, 3, 3, 4, 0), date(2026, 3, 3)),
    ],
)
def test_the_study_day_is_the_local_day_from_four_am(
    zone: str, moment: datetime, local_day: date
) -> None:
    assert day_date(DayRule(zone, 4).day_of(moment)) == local_day


def test_day_starts_follow_daylight_saving_time() -> None:
    ny = DayRule("America/New_York", 4)
    # 7 March 2026 is EST (UTC−5): 4 a.m. is 09:00 UTC; 8 March (DST from 2 a.m.) EDT: 08:00 UTC
    day7 = ny.day_of(utc(2026, 3, 7, 12, 0))
    assert ny.start(day7) == utc(2026, 3, 7, 9, 0)
    assert ny.start(day7 + 1) == utc(2026, 3, 8, 8, 0)
    assert ny.start_of(utc(2026, 3, 8, 7, 59)) == utc(2026, 3, 7, 9, 0)  # 03:59 EDT: still the 7th
    assert DayRule("UTC", 0).day_of(utc(1970, 1, 2, 0, 0)) == 1


@dataclass
class Card:
    id: str
    type: str = "choice"
    tags: list[str] = field(default_factory=list)


@dataclass
class Deck:
    id: str
    cards: list[Card]


def test_limits_heatmap_and_forecast_use_the_learners_day(db_url: str) -> None:
    with open_store(db_url) as store:
        ada = store.learner("ada", timezone="America/Anchorage")
        store.update_settings(ada, new_per_day=1, learn_ahead=timedelta(0))
        late = utc(2026, 3, 3, 8, 27)  # 23:27 on 2 March in Anchorage (08:27 UTC on the 3rd)
        store.sync_cards(ada, [Deck("d", [Card("a"), Card("b")])], now=late - timedelta(days=1))
        store.record_review(ada, "d", "a", GOOD, now=late)
        # the heatmap files it under the learner's 2 March, not the UTC 3rd
        assert stats.reviews_per_day(store, ada, days=3, now=late) == {date(2026, 3, 2): 1}
        # the one new card of the day is spent until 04:00 local (13:00 UTC on the 3rd)
        assert store.queue_counts(ada, now=utc(2026, 3, 3, 12, 59)).new == 0
        assert store.queue_counts(ada, now=utc(2026, 3, 3, 13, 0)).new == 1
        # a is due 10 min after it was answered: the forecast counts it on the 2nd (today)
        forecast = stats.due_forecast(store, ada, days=2, now=late)
        assert forecast == [(date(2026, 3, 2), 1), (date(2026, 3, 3), 0)]
        summary = stats.summary(store, ada, now=late)
        assert summary["today"] == "2026-03-02"
        assert summary["study_day"] == {
            "timezone": "America/Anchorage",
            "rollover_hour": 4,
            "started": "2026-03-02T13:00:00+00:00",  # 04:00 AKST on the 2nd
        }
        assert (summary["answers_today"], summary["scheduled_reviews_today"]) == (1, 1)


def test_moving_a_learner_to_another_zone_rekeys_their_day_totals(db_url: str) -> None:
    with open_store(db_url) as store:
        ada = store.learner("ada")  # UTC
        store.sync_cards(ada, [Deck("d", [Card("a")])], now=utc(2026, 3, 1))
        at = utc(2026, 3, 3, 2, 0)  # 02:00 UTC: before the rollover, the UTC learner's 2nd
        store.record_review(ada, "d", "a", GOOD, mode="quiz", now=at)
        assert stats.reviews_per_day(store, ada, days=5, now=at) == {date(2026, 3, 2): 1}
        store.set_study_day(ada, "Asia/Tokyo")  # 11:00 JST on the 3rd
        assert stats.reviews_per_day(store, ada, days=5, now=at) == {date(2026, 3, 3): 1}
        store.rebuild_statistics()  # the rebuild keeps the learner's zone
        assert stats.reviews_per_day(store, ada, days=5, now=at) == {date(2026, 3, 3): 1}
