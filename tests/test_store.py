"""The progress store: queue order and limits, preview, undo, UTC, sync, errors.

Runs on SQLite, and on PostgreSQL too when ``STUDYRNN_TEST_PG_URL`` names a server (CI starts
one): each PostgreSQL test gets its own schema. Expected values are worked out by hand from the
FSRS rules (learning steps 1 min and 10 min; Hard on the first step = their mean).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from studyrnn.store import (
    AGAIN,
    EASY,
    GOOD,
    HARD,
    QUEUE_LEARNING,
    QUEUE_NEW,
    QUEUE_RETIRED,
    QUEUE_REVIEW,
    QueueCounts,
    StoreError,
    open_store,
)

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
DAY = timedelta(days=1)


@dataclass
class FakeCard:
    id: str
    type: str = "choice"
    tags: list[str] = field(default_factory=list)


@dataclass
class FakeDeck:
    id: str
    cards: list[FakeCard]


def deck(deck_id: str, *card_ids: str) -> FakeDeck:
    return FakeDeck(deck_id, [FakeCard(c) for c in card_ids])


@pytest.fixture
def store(db_url: str):
    with open_store(db_url) as store:
        yield store


@pytest.fixture
def ada(store):
    return store.learner("ada")


# -- queue order and limits ------------------------------------------------------------------------


def test_queue_serves_learning_due_then_reviews_due_then_new(store, ada) -> None:
    store.sync_cards(ada, [deck("d", "a", "b", "c")], now=T0)
    # new cards come in deck order
    assert store.next_card(ada, now=T0).card_id == "a"
    # b: Again → learning, due in 1 min.  c: Easy → review, due in 8 days.
    assert store.record_review(ada, "d", "b", AGAIN, now=T0).interval == MIN
    assert store.record_review(ada, "d", "c", EASY, now=T0).interval == 8 * DAY
    later = T0 + 9 * DAY
    assert store.queue_counts(ada, now=later) == QueueCounts(new=1, learning=1, review=1)
    first = store.next_card(ada, now=later)
    assert (first.card_id, first.queue) == ("b", QUEUE_LEARNING)
    store.record_review(ada, "d", "b", EASY, now=later)
    second = store.next_card(ada, now=later)
    assert (second.card_id, second.queue) == ("c", QUEUE_REVIEW)
    store.record_review(ada, "d", "c", GOOD, now=later)
    third = store.next_card(ada, now=later)
    assert (third.card_id, third.queue) == ("a", QUEUE_NEW)
    store.record_review(ada, "d", "a", EASY, now=later)
    assert store.next_card(ada, now=later) is None
    assert store.queue_counts(ada, now=later) == QueueCounts(0, 0, 0)


def test_learning_card_is_not_served_before_it_is_due(store, ada) -> None:
    store.sync_cards(ada, [deck("d", "a")], now=T0)
    store.record_review(ada, "d", "a", GOOD, now=T0)  # step 2: due in 10 min
    assert store.next_card(ada, now=T0 + 9 * MIN, learn_ahead=timedelta(0)) is None
    store.update_settings(ada, learn_ahead=timedelta(0))
    assert store.next_card(ada, now=T0 + 9 * MIN) is None
    assert store.next_due(ada) == T0 + 10 * MIN
    assert store.next_card(ada, now=T0 + 10 * MIN).card_id == "a"


def test_new_cards_per_day_limit_counts_the_learners_study_day(store, ada) -> None:
    store.update_settings(ada, new_per_day=2)
    store.sync_cards(ada, [deck("d", "a", "b", "c", "e", "f")], now=T0)
    assert store.queue_counts(ada, now=T0).new == 2
    store.record_review(ada, "d", "a", EASY, now=T0)
    store.record_review(ada, "d", "b", EASY, now=T0)
    assert store.next_card(ada, now=T0) is None  # two introduced today: the limit
    assert store.queue_counts(ada, now=T0).new == 0
    # a review of an already-introduced card does not count as a new one; the learner's day
    # (UTC here) starts at the 4 a.m. rollover, not at midnight
    midnight = datetime(2026, 3, 3, 0, 0, tzinfo=UTC)
    rollover = datetime(2026, 3, 3, 4, 0, tzinfo=UTC)
    assert store.next_card(ada, now=midnight) is None
    assert store.next_card(ada, now=rollover - timedelta(microseconds=1)) is None
    assert store.next_card(ada, now=rollover).card_id == "c"
    assert store.queue_counts(ada, now=rollover).new == 2


def test_max_reviews_per_day_limits_review_cards_but_not_learning(store, ada) -> None:
    store.update_settings(ada, max_reviews_per_day=1)
    store.sync_cards(ada, [deck("d", "a", "b", "c", "n")], now=T0)
    for card in ("a", "b"):
        store.record_review(ada, "d", card, EASY, now=T0)  # review, due T0 + 8 days
    store.record_review(ada, "d", "c", GOOD, now=T0)  # learning, due T0 + 10 min
    store.update_settings(ada, new_per_day=3)
    day9 = T0 + 9 * DAY
    # c is overdue in learning: learning cards are never limited
    assert store.queue_counts(ada, now=day9) == QueueCounts(new=1, learning=1, review=1)
    store.record_review(ada, "d", "c", AGAIN, now=day9)  # back to step 1, due in 1 min
    assert store.next_card(ada, now=day9).card_id == "a"
    store.record_review(ada, "d", "a", GOOD, now=day9)
    # one review done today: b waits for tomorrow; the new card comes next, and c (due in a
    # minute, within the 20-minute learn-ahead limit) counts as learning
    assert store.queue_counts(ada, now=day9) == QueueCounts(new=1, learning=1, review=0)
    assert store.queue_counts(ada, now=day9, learn_ahead=timedelta(0)).learning == 0
    assert store.next_card(ada, now=day9).card_id == "n"
    assert store.next_card(ada, now=day9 + MIN).card_id == "c"
    assert store.next_card(ada, now=day9 + DAY, deck_id="d").queue == QUEUE_LEARNING


def test_deck_filter_serves_only_that_deck(store, ada) -> None:
    store.sync_cards(ada, [deck("alpha", "a1"), deck("beta", "b1", "b2")], now=T0)
    assert store.next_card(ada, now=T0).deck_id == "alpha"
    assert store.next_card(ada, deck_id="beta", now=T0).card_id == "b1"
    assert store.queue_counts(ada, deck_id="beta", now=T0) == QueueCounts(
        new=2, learning=0, review=0
    )
    assert store.next_card(ada, deck_id="gamma", now=T0) is None


def test_learners_are_kept_apart(store) -> None:
    ada, bob = store.learner("ada"), store.learner("bob")
    assert ada != bob and store.learner("ada") == ada
    store.sync_cards(ada, [deck("d", "a")], now=T0)
    store.sync_cards(bob, [deck("d", "a")], now=T0)
    store.record_review(ada, "d", "a", EASY, now=T0)
    assert store.card_state(bob, "d", "a").reps == 0
    assert store.review_count(bob) == 0 and store.review_count(ada) == 1
    assert store.undo_last(bob) is None


# -- preview and recording -------------------------------------------------------------------------


def test_preview_of_a_new_card_by_hand(store, ada) -> None:
    store.sync_cards(ada, [deck("d", "a")], now=T0)
    # Again → step 1 (1 min); Hard on the first step → mean of the steps (5.5 min); Good → step 2
    # (10 min); Easy → Review at the initial stability for Easy, w[3] = 8.2956 days → 8 days.
    assert store.preview(ada, "d", "a", now=T0) == {
        AGAIN: MIN,
        HARD: timedelta(minutes=5, seconds=30),
        GOOD: 10 * MIN,
        EASY: 8 * DAY,
    }


@pytest.mark.parametrize("history", [(), (GOOD,), (EASY,), (EASY, AGAIN), (EASY, GOOD, HARD)])
def test_preview_is_exactly_the_interval_recorded(store, ada, history) -> None:
    store.sync_cards(ada, [deck("d", "a")], now=T0)
    now = T0
    for rating in history:
        result = store.record_review(ada, "d", "a", rating, now=now)
        now = result.next_due + timedelta(hours=1)
    shown = store.preview(ada, "d", "a", now=now)
    for rating in (AGAIN, HARD, GOOD, EASY):
        result = store.record_review(ada, "d", "a", rating, now=now)
        assert result.interval == shown[rating]
        assert result.next_due == now + shown[rating]
        store.undo_last(ada)
    assert shown[AGAIN] < shown[HARD] <= shown[GOOD] <= shown[EASY]


def test_review_log_keeps_answer_verdict_duration_seed_mode_session(store, ada) -> None:
    store.sync_cards(ada, [FakeDeck("d", [FakeCard("gen", "generated")])], now=T0)

    class Verdict:  # what the grading helper hands over: only .outcome matters here
        class outcome:
            value = "correct"

    session = store.start_session(ada, "review", now=T0)
    store.record_review(
        ada,
        "d",
        "gen",
        GOOD,
        verdict=Verdict(),
        answer="0.25",
        duration_ms=4200,
        seed=987654321,
        mode="review",
        session_id=session,
        now=T0,
    )
    store.end_session(session, now=T0 + MIN)
    (log,) = store.reviews(ada)
    assert (
        log.rating,
        log.outcome,
        log.answer,
        log.duration_ms,
        log.seed,
        log.mode,
        log.session_id,
    ) == (GOOD, "correct", "0.25", 4200, 987654321, "review", session)
    assert log.reviewed_at == T0


def test_quiz_answers_are_logged_but_do_not_move_the_schedule(store, ada) -> None:
    store.sync_cards(ada, [deck("d", "a")], now=T0)
    before = store.card_state(ada, "d", "a")
    result = store.record_review(ada, "d", "a", AGAIN, mode="quiz", verdict="incorrect", now=T0)
    assert store.card_state(ada, "d", "a") == before == result.state
    assert [r.mode for r in store.reviews(ada)] == ["quiz"]


def test_bad_rating_mode_or_unknown_card_are_refused(store, ada) -> None:
    store.sync_cards(ada, [deck("d", "a")], now=T0)
    for rating in (0, 5, True, 2.5):
        with pytest.raises(ValueError):
            store.record_review(ada, "d", "a", rating, now=T0)
    with pytest.raises(ValueError):
        store.record_review(ada, "d", "a", GOOD, mode="cram", now=T0)
    with pytest.raises(StoreError, match="not registered"):
        store.record_review(ada, "d", "nope", GOOD, now=T0)
    assert store.review_count(ada) == 0


# -- undo --------------------------------------------------------------------------------------------


def test_undo_restores_every_field_and_removes_the_log_row(store, ada) -> None:
    store.sync_cards(ada, [deck("d", "a", "b")], now=T0)
    store.record_review(ada, "d", "a", EASY, now=T0)
    store.record_review(ada, "d", "b", GOOD, now=T0 + MIN)
    day9 = T0 + 9 * DAY
    before = store.card_state(ada, "d", "a")
    assert before.state == 2 and before.lapses == 0
    lapse = store.record_review(ada, "d", "a", AGAIN, now=day9)  # a lapse: relearning
    assert lapse.state.state == 3 and lapse.state.lapses == 1
    undone = store.undo_last(ada)
    assert undone.review_id == lapse.review_id and (
        undone.deck_id,
        undone.card_id,
        undone.rating,
    ) == ("d", "a", AGAIN)
    after = store.card_state(ada, "d", "a")
    for f in fields(before):
        assert getattr(after, f.name) == getattr(before, f.name), f.name
    assert undone.state == before
    assert lapse.review_id not in [r.id for r in store.reviews(ada)]
    assert store.review_count(ada) == 2
    # undo again takes back the one before (b's), then a's first answer, then nothing
    assert store.undo_last(ada).card_id == "b"
    assert store.card_state(ada, "d", "b").queue == QUEUE_NEW
    assert store.undo_last(ada).card_id == "a"
    assert store.card_state(ada, "d", "a").reps == 0
    assert store.undo_last(ada) is None


# -- UTC -----------------------------------------------------------------------------------------------


def test_datetimes_go_in_aware_and_come_out_aware_utc(store, ada) -> None:
    store.sync_cards(ada, [deck("d", "a")], now=T0)
    paris = timezone(timedelta(hours=2))
    moment = datetime(2026, 3, 2, 14, 30, 15, 123456, tzinfo=paris)  # 12:30:15.123456 UTC
    result = store.record_review(ada, "d", "a", EASY, now=moment)
    card = store.card_state(ada, "d", "a")
    for value in (card.last_review, card.due, store.reviews(ada)[0].reviewed_at, result.next_due):
        assert value.tzinfo is UTC
    assert card.last_review == moment and card.last_review.hour == 12
    assert card.last_review.microsecond == 123456
    assert card.due == moment + 8 * DAY


def test_naive_datetimes_are_refused(store, ada) -> None:
    store.sync_cards(ada, [deck("d", "a")], now=T0)
    naive = datetime(2026, 3, 2, 12, 0)
    with pytest.raises(ValueError, match="naive"):
        store.record_review(ada, "d", "a", GOOD, now=naive)
    with pytest.raises(ValueError, match="naive"):
        store.next_card(ada, now=naive)
    assert store.review_count(ada) == 0


def test_utc_type_round_trips_extreme_instants() -> None:
    from studyrnn.store.models import from_epoch_us, to_epoch_us

    for value in (
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(2099, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(1969, 7, 20, 20, 17, 40, 1, tzinfo=UTC),
    ):
        assert from_epoch_us(to_epoch_us(value)) == value


# -- content changes never delete progress ------------------------------------------------------------


def test_a_card_that_leaves_its_deck_keeps_state_and_history_and_returns_with_them(
    store, ada
) -> None:
    full = [deck("d", "a", "b")]
    store.sync_cards(ada, full, now=T0)
    store.record_review(ada, "d", "a", GOOD, now=T0)
    store.record_review(ada, "d", "a", GOOD, now=T0 + 10 * MIN)
    state = store.card_state(ada, "d", "a")
    history = store.reviews(ada)
    result = store.sync_cards(ada, [deck("d", "b")], now=T0 + DAY)
    assert (result.added, result.retired, result.restored) == (0, 1, 0)
    assert store.card_state(ada, "d", "a").queue == QUEUE_RETIRED
    assert store.reviews(ada) == history
    far = T0 + 400 * DAY
    assert store.next_card(ada, now=far).card_id == "b"
    store.record_review(ada, "d", "b", EASY, now=far)
    assert store.next_card(ada, now=far) is None
    # a whole deck that disappears is retired too
    store.sync_cards(ada, [], now=far)
    assert store.queue_counts(ada, now=far + 400 * DAY) == QueueCounts(0, 0, 0)
    result = store.sync_cards(ada, full, now=far)
    assert (result.added, result.retired, result.restored) == (0, 0, 2)
    assert store.card_state(ada, "d", "a") == state
    assert store.reviews(ada)[1:] == history


def test_sync_adds_new_cards_and_follows_their_order_and_type(store, ada) -> None:
    store.sync_cards(ada, [deck("d", "a", "b")], now=T0)
    result = store.sync_cards(
        ada, [FakeDeck("d", [FakeCard("c", "numeric"), FakeCard("b"), FakeCard("a")])], now=T0
    )
    assert result.added == 1
    assert [c.card_id for c in store.cards(ada)] == ["c", "b", "a"]
    assert store.card_state(ada, "d", "c").card_type == "numeric"
    assert store.next_card(ada, now=T0).card_id == "c"


# -- settings ------------------------------------------------------------------------------------------


def test_settings_are_stored_per_learner(store, ada) -> None:
    bob = store.learner("bob")
    store.update_settings(
        ada, desired_retention=0.85, learning_steps=(timedelta(minutes=2),), new_per_day=5
    )
    got = store.settings(ada)
    assert (got.desired_retention, got.learning_steps, got.new_per_day) == (
        0.85,
        (timedelta(minutes=2),),
        5,
    )
    assert store.settings(bob).desired_retention == 0.9
    store.sync_cards(ada, [deck("d", "a")], now=T0)
    assert store.preview(ada, "d", "a", now=T0)[AGAIN] == 2 * MIN
    with pytest.raises(StoreError, match="unknown setting"):
        store.update_settings(ada, retention=0.8)
    with pytest.raises(StoreError, match="retention"):
        store.update_settings(ada, desired_retention=1.5)


# -- opening: defaults and bad files -------------------------------------------------------------------


def test_default_store_is_sqlite_in_the_data_dir_in_wal_mode(_isolated_data_dir: Path) -> None:
    with open_store() as store:
        store.learner("ada")
        with store.reading() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    assert (_isolated_data_dir / "progress.sqlite3").is_file()


def test_a_bare_path_means_an_sqlite_file_and_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "p.db"
    with pytest.raises(
        StoreError, match=r"folder .*deep/er of the progress database p.db does not exist"
    ):
        open_store(str(path))
    assert not (tmp_path / "deep").exists()  # no mkdir for a mistyped --db
    path = tmp_path / "p.db"
    with open_store(str(path)) as store:
        store.learner("ada")
        assert store.created
    assert path.is_file()
    with open_store(str(path)) as store:
        assert not store.created


def test_corrupt_file_gives_a_clear_store_error(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(StoreError, match=r"damaged or not an SQLite database"):
        open_store(f"sqlite:///{path}")


def test_read_only_file_gives_a_clear_store_error(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    open_store(f"sqlite:///{path}").close()
    path.chmod(0o444)
    try:
        with pytest.raises(StoreError, match="read-only"):
            open_store(f"sqlite:///{path}")
    finally:
        path.chmod(0o644)


def test_sqlite_read_only_mode_refuses_writes_with_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    with open_store(f"sqlite:///{path}") as store:
        store.learner("ada")
    # SQLite itself read-only (works even for root, who may write any file)
    with open_store(f"sqlite:///file:{path}?mode=ro&uri=true") as store:
        assert store.learners()[0].name == "ada"
        with pytest.raises(StoreError, match="read-only"):
            store.learner("bob")
    # an old file in read-only mode cannot be migrated
    fresh = tmp_path / "fresh.sqlite3"
    import sqlite3

    sqlite3.connect(fresh).close()
    with pytest.raises(StoreError, match="read-only"):
        open_store(f"sqlite:///file:{fresh}?mode=ro&uri=true")


def test_a_directory_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        open_store(f"sqlite:///{tmp_path}")


def test_bad_urls_and_missing_drivers_are_store_errors() -> None:
    with pytest.raises(StoreError, match="no database driver"):
        open_store("nosuchdb://x/y")
    with pytest.raises(StoreError):
        open_store("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")


@pytest.mark.parametrize("damage", ["corrupt", "read-only"])
def test_cli_reports_a_bad_database_in_one_line(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "progress.sqlite3"
    if damage == "corrupt":
        path.write_bytes(b"this is not sqlite" * 100)
    else:
        open_store(f"sqlite:///{path}").close()
        path.chmod(0o444)
    proc = subprocess.run(
        [sys.executable, "-m", "studyrnn", "stats", "--db", f"sqlite:///{path}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    path.chmod(0o644)
    if damage == "read-only":  # a read-only command works on a read-only database
        assert proc.returncode == 0, proc.stderr
        assert "0 answers recorded" in proc.stdout
        return
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("studyrnn: error: ") and str(path) in lines[0]
    assert ("damaged" if damage == "corrupt" else "read-only") in lines[0]


def test_a_database_from_a_newer_studyrnn_is_refused_clearly(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "progress.sqlite3"
    open_store(f"sqlite:///{path}").close()
    db = sqlite3.connect(path)
    db.execute("UPDATE alembic_version SET version_num = '9999'")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer studyrnn"):
        open_store(f"sqlite:///{path}")


def test_opening_does_not_build_an_engine_at_import() -> None:
    code = (
        "import gc, studyrnn.store, studyrnn.stats, sqlalchemy; "
        "print(any(isinstance(o, sqlalchemy.Engine) for o in gc.get_objects()))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "False"
