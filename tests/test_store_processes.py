"""Crash safety and concurrency of the SQLite store, with real processes.

* A process recording reviews as fast as it can is killed with SIGKILL: the file passes
  ``PRAGMA integrity_check`` and holds every review the process reported committed.
* Two processes review one database at once (a fresh file: they also race to create it):
  nothing is lost and neither sees "database is locked".
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

WORKER = textwrap.dedent(
    """
    import sys
    from types import SimpleNamespace as NS
    from studyrnn.store import open_store

    url, learner_name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = open_store(url)
    me = store.learner(learner_name)
    cards = [NS(id=f"c{i}", type="choice") for i in range(50)]
    store.sync_cards(me, [NS(id="d", cards=cards)])
    print("ready", flush=True)
    i = 0
    while count < 0 or i < count:
        card = cards[i % len(cards)]
        if i % 10 == 0:
            store.next_card(me)
            store.queue_counts(me)
        result = store.record_review(me, "d", card.id, 1 + i % 4, answer=str(i), duration_ms=i, seed=i, mode="review")
        print(result.review_id, flush=True)  # only after the commit
        i += 1
    store.close()
    """
)


def _start(tmp_path: Path, url: str, learner: str, count: int) -> subprocess.Popen:
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.Popen(
        [sys.executable, str(script), url, learner, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _ids(stdout: str) -> list[int]:
    # a line cut short by the kill has no newline: it was not reported
    lines = stdout.split("\n")[:-1]
    return [int(line) for line in lines if line and line != "ready"]


def test_sigkill_while_recording_loses_no_committed_review(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    proc = _start(tmp_path, f"sqlite:///{path}", "ada", -1)
    assert proc.stdout.readline() == "ready\n", (
        proc.stderr.read() if proc.poll() is not None else ""
    )
    time.sleep(1.5)
    proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    reported = _ids(out)
    assert len(reported) > 20, f"too few reviews before the kill: {len(reported)} ({err})"

    db = sqlite3.connect(path)  # recovers the WAL as a new process would
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        stored = {row[0] for row in db.execute("SELECT id FROM review_log")}
    finally:
        db.close()
    missing = set(reported) - stored
    assert not missing, f"{len(missing)} reported reviews lost"
    # at most the one answer in flight may have committed without being reported
    assert len(stored) - len(reported) <= 1


def test_two_processes_reviewing_one_database_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    url = f"sqlite:///{path}"
    procs = [_start(tmp_path, url, "ada", 200) for _ in range(2)]
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (_out, err) in zip(procs, results):
        assert "locked" not in err.lower() and "Traceback" not in err, err
        assert proc.returncode == 0, err
    reported = [set(_ids(out)) for out, _ in results]
    assert [len(r) for r in reported] == [200, 200]
    assert not reported[0] & reported[1]

    from studyrnn.store import open_store

    with open_store(url) as store:
        ada = store.learner("ada")
        assert store.review_count(ada) == 400
        assert {r.id for r in store.reviews(ada)} == reported[0] | reported[1]
        assert sum(card.reps for card in store.cards(ada)) == 400
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    db.close()
