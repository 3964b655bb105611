"""Statistics against a small fixture whose every expected number is worked out by hand below."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, update

from studyrnn import stats
from studyrnn.store import open_store
from studyrnn.store.models import CardRow, ReviewLogRow

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # 2026: February has 28 days
DAY, HOUR = timedelta(days=1), timedelta(hours=1)
LEARNING, REVIEW, RELEARNING = 1, 2, 3


@dataclass
class Card:
    id: str
    tags: list[str] = field(default_factory=list)
    type: str = "choice"


@dataclass
class Deck:
    id: str
    cards: list[Card]


DECKS = [
    Deck(
        "d",
        [
            Card("a", ["bptt", "grad"]),
            Card("b", ["bptt"]),
            Card("c", ["grad"]),
            Card("e", ["bptt"]),
        ],
    ),
    Deck("g", [Card("x"), Card("y", ["gone"])]),
]

#            card  queue  state     stability  due           reps lapses difficulty
CARD_STATES = {
    "a": dict(
        queue=2, state=REVIEW, stability=30.0, due=T0 + 2 * DAY, reps=5, lapses=3, difficulty=7.0
    ),
    "b": dict(
        queue=2, state=REVIEW, stability=21.0, due=T0 - 3 * DAY, reps=4, lapses=1, difficulty=5.0
    ),
    "c": dict(
        queue=2, state=REVIEW, stability=20.9, due=T0 + DAY, reps=3, lapses=1, difficulty=8.0
    ),
    "x": dict(
        queue=1,
        state=LEARNING,
        stability=2.3,
        due=T0 + timedelta(minutes=10),
        reps=1,
        lapses=0,
        difficulty=2.0,
    ),
    "y": dict(
        queue=2, state=REVIEW, stability=50.0, due=T0, reps=12, lapses=9, difficulty=9.0
    ),  # retired below
}

#        card  reviewed at                  mode      rating prev_state
LOG = [
    ("a", T0 - 40 * DAY, "review", 1, REVIEW),  # older than 30 days
    ("a", T0 - 29 * DAY, "review", 3, REVIEW),  # Feb 1, 12:00
    ("b", T0 - 10 * DAY, "review", 1, REVIEW),  # Feb 20
    ("b", T0 - 10 * DAY + HOUR, "review", 2, RELEARNING),
    ("c", T0 - DAY, "review", 4, REVIEW),  # Mar 1
    ("c", T0 - DAY, "quiz", 3, REVIEW),
    ("x", T0 - 2 * HOUR, "review", 3, LEARNING),  # Mar 2, 10:00
    ("a", T0 - HOUR, "review", 2, REVIEW),  # Mar 2, 11:00
]


def build(url: str, t0: datetime = T0):
    store = open_store(url)
    ada = store.learner("ada")
    store.sync_cards(ada, DECKS, now=t0 - 60 * DAY)
    with store.writing() as conn:
        for card_id, values in CARD_STATES.items():
            values = {**values, "due": values["due"] - T0 + t0, "last_review": t0 - 60 * DAY}
            conn.execute(
                update(CardRow)
                .where(CardRow.learner_id == ada.id, CardRow.card_id == card_id)
                .values(**values)
            )
        for card_id, at, mode, rating, prev_state in LOG:
            deck_id = "g" if card_id in "xy" else "d"
            conn.execute(
                insert(ReviewLogRow).values(
                    learner_id=ada.id,
                    deck_id=deck_id,
                    card_id=card_id,
                    reviewed_at=at - T0 + t0,
                    mode=mode,
                    rating=rating,
                    prev_queue=1,
                    prev_state=prev_state,
                    prev_due=t0,
                    prev_reps=1,
                    prev_lapses=0,
                )
            )
    store.rebuild_statistics()  # the log rows went in by hand: recompute the running totals
    store.sync_cards(ada, [DECKS[0], Deck("g", [DECKS[1].cards[0]])], now=t0)  # y leaves its deck
    return store, ada


@pytest.fixture
def fixture(db_url: str):
    store, ada = build(db_url)
    yield store, ada
    store.close()


def test_reviews_per_day(fixture) -> None:
    store, ada = fixture
    assert stats.reviews_per_day(store, ada, days=365, now=T0) == {
        date(2026, 1, 21): 1,
        date(2026, 2, 1): 1,
        date(2026, 2, 20): 2,
        date(2026, 3, 1): 2,
        date(2026, 3, 2): 2,
    }
    # 30 days ending today: Feb 1 .. Mar 2 (February 2026 has 28 days)
    assert stats.reviews_per_day(store, ada, days=30, now=T0) == {
        date(2026, 2, 1): 1,
        date(2026, 2, 20): 2,
        date(2026, 3, 1): 2,
        date(2026, 3, 2): 2,
    }
    assert stats.reviews_per_day(store, ada, days=2, now=T0) == {
        date(2026, 3, 1): 2,
        date(2026, 3, 2): 2,
    }


def test_true_retention_counts_review_state_answers_in_review_mode_only(fixture) -> None:
    store, ada = fixture
    # in the window: a Good (Feb 1), b Again (Feb 20), c Easy (Mar 1), a Hard (Mar 2);
    # out: a Again 40 days ago, b's relearning answer, c's quiz answer, x's learning answer
    r = stats.true_retention(store, ada, days=30, now=T0)
    assert (r.passed, r.total, r.rate) == (3, 4, 0.75)
    r = stats.true_retention(store, ada, days=5, now=T0)
    assert (r.passed, r.total) == (2, 2)
    assert stats.true_retention(store, ada, days=30, now=T0 - 100 * DAY).rate is None


def test_due_forecast_counts_overdue_cards_today_and_skips_new_and_retired(fixture) -> None:
    store, ada = fixture
    assert stats.due_forecast(store, ada, days=4, now=T0) == [
        (date(2026, 3, 2), 2),  # b (3 days overdue) and x (in 10 minutes)
        (date(2026, 3, 3), 1),  # c
        (date(2026, 3, 4), 1),  # a
        (date(2026, 3, 5), 0),
    ]
    assert stats.due_now(store, ada, now=T0) == 1  # b


def test_mastery_per_deck(fixture) -> None:
    store, ada = fixture
    m = stats.mastery(store, ada)
    # d: a (30 days) and b (exactly 21) are mastered, c (20.9) is not, e is new; g: x learning, y retired
    assert (m["d"].cards, m["d"].studied, m["d"].mastered, m["d"].fraction) == (4, 3, 2, 0.5)
    assert (m["g"].cards, m["g"].studied, m["g"].mastered, m["g"].fraction) == (1, 1, 0, 0.0)


def test_hardest_cards_by_lapses_then_difficulty(fixture) -> None:
    store, ada = fixture
    hardest = stats.hardest_cards(store, ada)
    assert [(c.card_id, c.lapses) for c in hardest] == [
        ("a", 3),
        ("c", 1),
        ("b", 1),
    ]  # y is retired
    assert [c.card_id for c in stats.hardest_cards(store, ada, limit=1)] == ["a"]


def test_accuracy_per_tag(fixture) -> None:
    store, ada = fixture
    tags = stats.tags_of(DECKS)
    # a: Again, Good, Hard → 3 answers, 2 right; b: Again, Hard → 2, 1; c: Easy, Good (quiz) → 2, 2
    acc = stats.accuracy_by_tag(store, ada, tags)
    assert {t: (a.answers, a.correct) for t, a in acc.items()} == {"bptt": (5, 3), "grad": (5, 4)}
    assert acc["bptt"].rate == 0.6


def test_totals_follow_answers_and_undo(fixture) -> None:
    store, ada = fixture
    tags = stats.tags_of(DECKS)
    # e is new: a review-mode Good is a new card introduced; it has the bptt tag
    store.record_review(ada, "d", "e", 3, now=T0)
    assert store.review_count(ada) == 9
    assert stats.reviews_per_day(store, ada, days=1, now=T0) == {date(2026, 3, 2): 3}
    assert stats.accuracy_by_tag(store, ada, tags)["bptt"].answers == 6
    # b is in the Review state: an Again counts against retention
    store.record_review(ada, "d", "b", 1, now=T0)
    r = stats.true_retention(store, ada, days=30, now=T0)
    assert (r.passed, r.total) == (3, 5)
    store.undo_last(ada)
    store.undo_last(ada)
    assert stats.true_retention(store, ada, days=30, now=T0).total == 4
    assert stats.reviews_per_day(store, ada, days=1, now=T0) == {date(2026, 3, 2): 2}
    assert stats.accuracy_by_tag(store, ada, tags)["bptt"].answers == 5
    assert store.review_count(ada) == 8


def test_summary_is_json_ready(fixture) -> None:
    store, ada = fixture
    data = json.loads(json.dumps(stats.summary(store, ada, tags=stats.tags_of(DECKS), now=T0)))
    assert (data["reviews"], data["due"]) == (8, 1)
    assert data["retention"]["rate"] == 0.75
    assert data["mastery"]["d"]["fraction"] == 0.5
    assert data["forecast"][0] == {"date": "2026-03-02", "due": 2}
    assert data["accuracy_by_tag"]["grad"] == {"answers": 5, "correct": 4, "rate": 0.8}


def test_stats_command_json_and_text(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    t0 = datetime.now(UTC) - 100 * DAY  # every learning and review card is due now
    build(f"sqlite:///{path}", t0)[0].close()
    empty = tmp_path / "no-decks"
    empty.mkdir()
    base = [
        sys.executable,
        "-m",
        "studyrnn",
        "stats",
        "--db",
        f"sqlite:///{path}",
        "--learner",
        "ada",
    ]
    proc = subprocess.run([*base, "--json"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert (data["reviews"], data["due"]) == (8, 4)  # a, b, c, x
    proc = subprocess.run(base, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "8 answers recorded, 4 cards due now" in proc.stdout
    proc = subprocess.run(
        [*base[:-1], "nobody", "--json"], capture_output=True, text=True, timeout=60
    )
    assert json.loads(proc.stdout)["reviews"] == 0
