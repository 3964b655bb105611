"""SQLite's write-ahead log: answers append to it, and closing the store folds it back in.

Checkpoints copy the log into the database with an fsync; they are what makes an occasional answer
slow, so the automatic one is a rare safety net and the store checkpoints when it closes.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from test_store import deck

from studyrnn.store import GOOD, open_store
from studyrnn.store.engine import WAL_AUTOCHECKPOINT_PAGES

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_connections_use_wal_with_a_large_autocheckpoint(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'p.sqlite3'}") as store:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert (
                conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
                == WAL_AUTOCHECKPOINT_PAGES
            )
    assert WAL_AUTOCHECKPOINT_PAGES > 1000  # larger than SQLite's default, or the setting is moot


def test_answers_go_to_the_log_and_closing_folds_it_into_the_database(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    wal = Path(f"{path}-wal")
    store = open_store(f"sqlite:///{path}")
    ada = store.learner("ada")
    store.sync_cards(ada, [deck("d", *(f"c{i}" for i in range(30)))], now=T0)
    for i in range(30):
        store.record_review(ada, "d", f"c{i}", GOOD, now=T0)
    assert wal.exists() and wal.stat().st_size > 0  # nothing checkpointed mid-session
    store.close()
    assert not wal.exists() or wal.stat().st_size == 0
    # every answer is in the database file itself, read without the log
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM review_log").fetchone()[0] == 30
