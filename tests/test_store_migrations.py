"""Schema migrations: an old database keeps every row; the migrations build what the models say."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from studyrnn.store import open_store
from studyrnn.store.engine import MIGRATIONS_DIR
from studyrnn.store.models import Base, to_epoch_us

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def build_at(path: Path | str, revision: str) -> None:
    """A database made by an older studyrnn: the migrations up to ``revision`` only."""
    engine = sa.create_engine(path if isinstance(path, str) else f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    engine.dispose()


def test_a_database_at_revision_0001_is_upgraded_keeping_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    build_at(path, "0001")
    t = to_epoch_us(T0)
    db = sqlite3.connect(path)
    db.execute("INSERT INTO learners VALUES (1, 'ada', ?, 0.9, '60,600', '600', 20, 200)", (t,))
    db.execute("INSERT INTO learners VALUES (2, 'bob', ?, 0.85, '120', '600', 10, 100)", (t,))
    cards = [
        (1, "d", "a", "choice", 0, 2, 2, None, 12.5, 4.25, t + 86_400_000_000 * 12, t, 3, 0, t),
        (1, "d", "b", "numeric", 1, 1, 1, 1, 2.3065, 2.118, t + 600_000_000, t, 1, 0, t),
        (1, "d", "c", "flashcard", 2, 0, 1, 0, None, None, t, None, 0, 0, t),
        (2, "d", "a", "choice", 0, -1, 2, None, 30.0, 5.0, t, t, 5, 2, t),
    ]
    db.executemany("INSERT INTO cards VALUES (" + ",".join("?" * 15) + ")", cards)
    logs = [
        (
            1,
            1,
            "d",
            "a",
            t - 5,
            "review",
            3,
            "correct",
            "2",
            3100,
            None,
            0,
            1,
            0,
            None,
            None,
            t,
            None,
            0,
            0,
        ),
        (
            2,
            1,
            "d",
            "b",
            t - 4,
            "review",
            3,
            "correct",
            "0.3",
            5000,
            424242,
            0,
            1,
            0,
            None,
            None,
            t,
            None,
            0,
            0,
        ),
        (
            3,
            2,
            "d",
            "a",
            t - 3,
            "quiz",
            1,
            "incorrect",
            "x",
            None,
            None,
            2,
            2,
            None,
            30.0,
            5.0,
            t,
            t,
            5,
            2,
        ),
    ]
    db.executemany("INSERT INTO review_log VALUES (" + ",".join("?" * 20) + ")", logs)
    db.commit()
    before = {
        table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall()
        for table in ("learners", "cards", "review_log")
    }
    db.close()

    with open_store(f"sqlite:///{path}") as store:
        ada = store.learner("ada")
        assert store.review_count(ada) == 2
        assert store.card_state(ada, "d", "a").stability == 12.5
        assert store.settings(store.learner("bob")).new_per_day == 10
        session = store.start_session(ada, "review", now=T0)  # the 0002 table works
        store.record_review(ada, "d", "c", 3, session_id=session, now=T0)

    db = sqlite3.connect(path)
    assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0005",)]
    # 0003 backfilled the running totals from the old log
    assert db.execute(
        "SELECT learner_id, answers, review_cards, review_passed FROM review_days ORDER BY 1"
    ).fetchall() == [(1, 3, 0, 0), (2, 1, 0, 0)]
    assert db.execute(
        "SELECT card_id, answers, correct FROM cards WHERE learner_id = 1 ORDER BY 1"
    ).fetchall() == [("a", 1, 1), ("b", 1, 1), ("c", 1, 1)]
    # 0004 counted each deck's cards (bob's card has left its deck); a mastered card: Review, S ≥ 21
    assert db.execute(
        "SELECT learner_id, deck_id, cards, studied, mastered FROM deck_totals ORDER BY 1"
    ).fetchall() == [(1, "d", 3, 3, 0)]
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    after_logs = db.execute(
        "SELECT id, learner_id, deck_id, card_id, reviewed_at, mode, rating, outcome, answer, duration_ms, seed, "
        "prev_queue, prev_state, prev_step, prev_stability, prev_difficulty, prev_due, prev_last_review, "
        "prev_reps, prev_lapses, session_id FROM review_log ORDER BY id"
    ).fetchall()
    assert [row[:-1] for row in after_logs[:3]] == before["review_log"]
    assert [row[-1] for row in after_logs] == [None, None, None, 1]
    # 0005 gave every learner the UTC zone, the 4 a.m. rollover, 20 min learn-ahead, no weights
    assert db.execute("SELECT * FROM learners ORDER BY 1, 2, 3").fetchall() == [
        (*row, "UTC", 4, 20, None) for row in before["learners"]
    ]
    cards_after = [row[:15] for row in db.execute("SELECT * FROM cards ORDER BY 1, 2, 3")]
    assert [c for c in cards_after if c[2] != "c"] == [c for c in before["cards"] if c[2] != "c"]
    db.close()


def _diff(url: str, build) -> list:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        build(conn)
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    engine.dispose()
    return diff


def test_the_migrations_build_exactly_the_models_schema(tmp_path: Path) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))

    def migrate(conn) -> None:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")

    assert _diff(f"sqlite:///{tmp_path / 'migrated.sqlite3'}", migrate) == []


def test_a_fresh_database_is_stamped_at_head_and_matches_the_migrated_one(tmp_path: Path) -> None:
    fresh, migrated = tmp_path / "fresh.sqlite3", tmp_path / "migrated.sqlite3"
    open_store(f"sqlite:///{fresh}").close()
    build_at(migrated, "head")

    def schema(path: Path) -> dict:
        db = sqlite3.connect(path)
        tables = [
            r[0]
            for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        out = {}
        for table in tables:
            out[table] = (
                sorted(
                    r[1:] for r in db.execute(f"PRAGMA table_info({table})")
                ),  # column order may differ
                sorted((r[1], r[2]) for r in db.execute(f"PRAGMA index_list({table})")),
                sorted(r[2:5] for r in db.execute(f"PRAGMA foreign_key_list({table})")),
                db.execute("SELECT * FROM alembic_version").fetchall()
                if table == "alembic_version"
                else None,
            )
        db.close()
        return out

    assert schema(fresh) == schema(migrated)


def test_every_migration_step_runs_and_ends_at_the_models_schema(db_url: str) -> None:
    """0001 → 0002 → 0003 one at a time with rows in place, on SQLite and PostgreSQL alike."""
    build_at(db_url, "0001")
    engine = sa.create_engine(db_url)
    t = to_epoch_us(T0)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO learners (id, name, created_at, desired_retention, learning_steps, relearning_steps, "
            f"new_per_day, max_reviews_per_day) VALUES (7, 'ada', {t}, 0.9, '60,600', '600', 20, 200)"
        )
        conn.exec_driver_sql(
            "INSERT INTO cards VALUES (7, 'd', 'a', 'choice', 0, 2, 2, NULL, 12.5, 4.25, "
            f"{t}, {t}, 3, 1, {t})"
        )
        conn.exec_driver_sql(
            f"INSERT INTO review_log VALUES (1, 7, 'd', 'a', {t}, 'review', 1, 'incorrect', 'x', 900, NULL, "
            f"2, 2, NULL, 12.5, 4.25, {t}, {t}, 2, 0)"
        )
    engine.dispose()
    for revision in ("0002", "0003", "0004", "0005"):
        build_at(db_url, revision)
    with open_store(db_url) as store:
        ada = store.learner("ada")
        assert ada.id == 7
        assert store.review_count(ada) == 1
        assert store.card_state(ada, "d", "a").lapses == 1
        from studyrnn import stats

        assert stats.true_retention(store, ada, days=1, now=T0).total == 1

    def nothing(conn) -> None:
        pass

    assert _diff(db_url, nothing) == []
