"""A class answering at once: N simulated learners recording reviews against one PostgreSQL.

    STUDYRNN_TEST_PG_URL=postgresql+psycopg://user@127.0.0.1:5432/db .venv/bin/python benchmarks/bench_pg_load.py
    .venv/bin/python benchmarks/bench_pg_load.py --db URL [--learners 50] [--reviews 20] [--processes 2]

Every run works in a fresh schema of that database (dropped afterwards unless ``--keep``), so it
never touches a class's data. ``--processes`` worker processes each run ``learners/processes``
threads; every thread is one learner with its own connection (its own ``open_store``). They wait
at a start line, then all at once:

1. open the store (on the fresh schema they race to run the migrations),
2. get-or-create the SAME learner name ("shared") — the classic get-or-create race, across
   processes — and then their own learner ``load-NN``,
3. register the same decks (tagged cards: the shared ``card_tags`` rows race too), for the shared
   learner and their own,
4. record ``--reviews`` answers of their own (``next_card`` → ``record_review``; mixed ratings, a
   quiz answer every fifth), timing each ``record_review``, then 2 answers as the shared learner
   (one learner in many terminals: their answers queue on the learner's row lock).

With ``--deck-edits`` an instructor meanwhile re-syncs the decks with changed tags, over and over
(a deck edit pushed to a class that is answering).

A thread reports a review only after ``record_review`` returned (committed). Afterwards the
database is checked: one row per learner name, every reported review in the log and no other
(per learner), and the running totals (review_days, cards.answers, tag_totals) equal a recount from
the log. Prints p50/p95/max time to record a review and the throughput. ``run_load`` is what
``tests/test_pg_load.py`` runs (smaller, with asserts).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = "shared"
SHARED_REVIEWS = 2
EDITOR = "instructor"
DECKS = (("load-a", 15), ("load-b", 15))
TAGS = ("bptt", "gradients", "clipping", "truncation")


# -- the worker process -------------------------------------------------------------------------------


def _decks(edit: int = 0):
    """The decks everyone studies; ``edit`` > 0: the same cards with their tags reshuffled."""
    from types import SimpleNamespace as NS

    return [
        NS(
            id=deck_id,
            cards=[
                NS(
                    id=f"c{i:02d}",
                    type="choice",
                    tags=[TAGS[(i + edit) % 4], TAGS[(i + d + 2 * edit) % 4]],
                )
                for i in range(size)
            ],
        )
        for d, (deck_id, size) in enumerate(DECKS)
    ]


def _learner_thread(
    url: str, index: int, reviews: int, start: threading.Barrier, out: list
) -> None:
    import random

    from studyrnn.errors import StudyrnnError
    from studyrnn.store import open_store

    report = {
        "learner": f"load-{index:02d}",
        "committed": 0,
        "shared_committed": 0,
        "times": [],
        "shared_id": None,
        "errors": [],
        "t_start": None,
        "t_end": None,
    }
    out.append(report)
    rng = random.Random(index)
    decks = _decks()
    store = None
    try:
        start.wait()
        store = open_store(url)
        shared = store.learner(SHARED)
        report["shared_id"] = shared.id
        me = store.learner(report["learner"])
        store.sync_cards(me, decks)
        store.sync_cards(shared, decks)
        report["t_start"] = time.monotonic()
        for i in range(reviews):
            card = store.next_card(me)
            deck_id, card_id = (
                (card.deck_id, card.card_id) if card else (DECKS[0][0], f"c{i % DECKS[0][1]:02d}")
            )
            mode = "quiz" if i % 5 == 4 else "review"
            rating = rng.choice((1, 2, 3, 3, 3, 4))
            t0 = time.perf_counter()
            try:
                store.record_review(
                    me,
                    deck_id,
                    card_id,
                    rating,
                    answer=str(i),
                    duration_ms=rng.randint(800, 20_000),
                    seed=i,
                    mode=mode,
                )
            except StudyrnnError as err:  # the app would say so and go on: so does the learner
                report["errors"].append(f"review {i}: {err}".splitlines()[0][:500])
                continue
            report["times"].append(time.perf_counter() - t0)
            report["committed"] += 1
        for i in range(SHARED_REVIEWS):
            try:
                store.record_review(
                    shared,
                    DECKS[1][0],
                    f"c{(index + i) % DECKS[1][1]:02d}",
                    3,
                    answer="s",
                    duration_ms=1000,
                    mode="review",
                )
            except StudyrnnError as err:
                report["errors"].append(f"shared review {i}: {err}".splitlines()[0][:500])
                continue
            report["shared_committed"] += 1
        report["t_end"] = time.monotonic()
    except BaseException as err:  # noqa: BLE001 - every failure is reported to the parent
        report["errors"].append(f"{type(err).__name__}: {err}".splitlines()[0][:500])
        report["traceback"] = traceback.format_exc()[-3000:]
    finally:
        if store is not None:
            store.close()


def worker_main(url: str, first: int, count: int, reviews: int) -> int:
    import studyrnn.store  # noqa: F401 - import before the start line, not inside the timing

    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return 1
    start = threading.Barrier(count)
    reports: list = []
    threads = [
        threading.Thread(target=_learner_thread, args=(url, first + k, reviews, start, reports))
        for k in range(count)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for report in reports:
        print(json.dumps(report), flush=True)
    return 0


# -- the driver -------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    learners: int
    reviews_each: int
    wall_s: float  # from "go" to the last process's exit
    times: list[float] = field(default_factory=list)  # seconds per record_review
    committed: dict[str, int] = field(default_factory=dict)  # reported by the learners
    in_log: dict[str, int] = field(default_factory=dict)  # counted in the database afterwards
    errors: list[str] = field(default_factory=list)
    tracebacks: list[str] = field(default_factory=list)  # of the learners that had to stop
    problems: list[str] = field(
        default_factory=list
    )  # lost/extra reviews, duplicates, drifting totals
    shared_ids: set = field(default_factory=set)
    learner_rows: int = 0
    throughput: float = 0.0  # reviews committed per second during the review phase
    deck_edits: list[int] = field(default_factory=lambda: [0])  # tag-changing syncs done meanwhile

    def percentile(self, q: float) -> float:
        if not self.times:
            return float("nan")
        ordered = sorted(
            self.times
        )  # nearest rank: the smallest value with at least q of them at or below
        return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]

    @property
    def p50_ms(self) -> float:
        return 1000 * statistics.median(self.times) if self.times else float("nan")

    @property
    def p95_ms(self) -> float:
        return 1000 * self.percentile(0.95)

    @property
    def max_ms(self) -> float:
        return 1000 * max(self.times) if self.times else float("nan")

    def summary(self) -> str:
        return (
            f"{self.learners} learners x {self.reviews_each} reviews (+{SHARED_REVIEWS} each as '{SHARED}'): "
            f"{sum(self.committed.values())} committed in {self.wall_s:.1f} s; record_review "
            f"p50 {self.p50_ms:.1f} ms, p95 {self.p95_ms:.1f} ms, max {self.max_ms:.1f} ms; "
            f"{self.throughput:.0f} reviews/s; {len(self.errors)} errors, {len(self.problems)} problems"
            + (f"; {self.deck_edits[0]} deck edits meanwhile" if self.deck_edits[0] else "")
        )


def fresh_schema(base_url: str) -> tuple[str, str]:
    """A new empty schema in the database at ``base_url``: (url using it, schema name)."""
    import sqlalchemy as sa

    schema = f"load_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    finally:
        engine.dispose()
    sep = "&" if "?" in base_url else "?"
    return f"{base_url}{sep}options=-csearch_path%3D{schema}", schema


def drop_schema(base_url: str, schema: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(base_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        engine.dispose()


def _check_database(url: str, result: LoadResult) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            q = conn.exec_driver_sql
            result.learner_rows = q("SELECT COUNT(*) FROM learners").scalar_one()
            names = [r[0] for r in q("SELECT name FROM learners GROUP BY name HAVING COUNT(*) > 1")]
            if names:
                result.problems.append(f"duplicate learner rows: {names}")
            result.in_log = dict(
                q(
                    "SELECT l.name, COUNT(r.id) FROM learners l LEFT JOIN review_log r ON r.learner_id = l.id "
                    "GROUP BY l.name"
                ).all()
            )
            for name, n in sorted(result.committed.items()):
                if result.in_log.get(name, 0) != n:
                    result.problems.append(
                        f"{name}: {n} reviews reported committed, {result.in_log.get(name, 0)} in the log"
                    )
            for name in sorted(set(result.in_log) - set(result.committed)):
                if result.in_log[name]:
                    result.problems.append(
                        f"{name}: {result.in_log[name]} reviews in the log, none reported"
                    )
            checks = {
                "review_days.answers": """
                    SELECT l.name FROM learners l
                    WHERE (SELECT COALESCE(SUM(answers), 0) FROM review_days d WHERE d.learner_id = l.id)
                       <> (SELECT COUNT(*) FROM review_log r WHERE r.learner_id = l.id)""",
                "cards.answers": """
                    SELECT c.deck_id || '/' || c.card_id FROM cards c
                    WHERE c.answers <> (SELECT COUNT(*) FROM review_log r WHERE r.learner_id = c.learner_id
                                        AND r.deck_id = c.deck_id AND r.card_id = c.card_id)""",
                "tag_totals.answers": """
                    SELECT x.tag FROM tag_totals x
                    WHERE x.answers <> (SELECT COUNT(*) FROM review_log r JOIN card_tags t
                                        ON t.deck_id = r.deck_id AND t.card_id = r.card_id
                                        WHERE r.learner_id = x.learner_id AND t.tag = x.tag)""",
            }
            for what, sql in checks.items():
                bad = [r[0] for r in q(sql)]
                if bad:
                    result.problems.append(
                        f"{what} differs from a recount of the log in {len(bad)} rows "
                        f"(e.g. {bad[:3]})"
                    )
    finally:
        engine.dispose()


def _edit_decks(url: str, stop: threading.Event, errors: list[str], counter: list[int]) -> None:
    """The instructor edits the decks' tags while the class answers: a sync that changes them."""
    from studyrnn.store import open_store

    try:
        store = open_store(url)
        me = store.learner(EDITOR)
    except Exception as err:  # noqa: BLE001
        errors.append(f"{EDITOR}: {type(err).__name__}: {err}".splitlines()[0][:500])
        return
    edit = 0
    try:
        while not stop.is_set():
            edit += 1
            try:
                store.sync_cards(me, _decks(edit % 4))
                counter[0] += 1
            except Exception as err:  # noqa: BLE001
                errors.append(
                    f"{EDITOR} (deck edit {edit}): {type(err).__name__}: {err}".splitlines()[0][
                        :500
                    ]
                )
            stop.wait(0.05)
    finally:
        store.close()


def run_load(
    url: str,
    learners: int = 50,
    reviews: int = 20,
    processes: int = 2,
    timeout: float = 120.0,
    deck_edits: bool = False,
) -> LoadResult:
    """Run the load on the (empty, or at least load-free) database at ``url`` and check it.

    ``deck_edits``: meanwhile an instructor re-syncs the decks with changed tags, over and over.
    """
    processes = max(1, min(processes, learners))
    sizes = [
        learners // processes + (1 if p < learners % processes else 0) for p in range(processes)
    ]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    procs = []
    first = 0
    for size in sizes:
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    str(Path(__file__).resolve()),
                    "--worker",
                    url,
                    str(first),
                    str(size),
                    str(reviews),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
        )
        first += size
    result = LoadResult(learners=learners, reviews_each=reviews, wall_s=0.0)

    def kill_all() -> None:  # the time bound: a stuck worker cannot hang the caller
        for p in procs:
            if p.poll() is None:
                p.kill()

    stop_editing, editor_errors, editor = threading.Event(), [], None
    watchdog = threading.Timer(timeout, kill_all)
    watchdog.start()
    try:
        deadline = time.monotonic() + timeout
        for p in procs:  # the start line: every process imported and waiting
            line = p.stdout.readline().strip()
            if line != "ready":
                raise RuntimeError(f"worker did not start: {line!r} {p.stderr.read()[-2000:]}")
        t0 = time.monotonic()
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        if deck_edits:
            editor = threading.Thread(
                target=_edit_decks, args=(url, stop_editing, editor_errors, result.deck_edits)
            )
            editor.start()
        starts, ends = [], []
        for p in procs:
            out, err = p.communicate(timeout=max(1.0, deadline - time.monotonic()))
            if p.returncode != 0:
                result.errors.append(f"worker exited {p.returncode}: {err.strip()[-2000:]}")
            for line in out.splitlines():
                report = json.loads(line)
                result.committed[report["learner"]] = report["committed"]
                result.committed[SHARED] = (
                    result.committed.get(SHARED, 0) + report["shared_committed"]
                )
                result.times += report["times"]
                result.errors += [f"{report['learner']}: {e}" for e in report["errors"]]
                if report.get("traceback"):
                    result.tracebacks.append(report["traceback"])
                if report["shared_id"] is not None:
                    result.shared_ids.add(report["shared_id"])
                if report["t_start"] is not None and report["t_end"] is not None:
                    starts.append(report["t_start"])
                    ends.append(report["t_end"])
        result.wall_s = time.monotonic() - t0
        stop_editing.set()
        if editor is not None:
            editor.join()
        if starts:
            result.throughput = sum(result.committed.values()) / max(1e-9, max(ends) - min(starts))
    finally:
        stop_editing.set()
        watchdog.cancel()
        kill_all()
        for p in procs:
            p.wait()
        if editor is not None:
            editor.join()
    result.errors += editor_errors
    if len(result.shared_ids) > 1:
        result.problems.append(
            f"the shared learner got {len(result.shared_ids)} different ids: {sorted(result.shared_ids)}"
        )
    missing = learners - sum(1 for name in result.committed if name not in (SHARED, EDITOR))
    if missing:
        result.problems.append(f"{missing} learners reported nothing")
    _check_database(url, result)
    return result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        url, first, count, reviews = argv[1], int(argv[2]), int(argv[3]), int(argv[4])
        return worker_main(url, first, count, reviews)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db",
        metavar="URL",
        default=os.environ.get("STUDYRNN_TEST_PG_URL"),
        help="PostgreSQL URL (default: $STUDYRNN_TEST_PG_URL)",
    )
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--reviews", type=int, default=20, help="reviews per learner (default: 20)")
    parser.add_argument(
        "--processes",
        type=int,
        default=2,
        help="worker processes sharing the learners as threads (default: 2)",
    )
    parser.add_argument(
        "--deck-edits",
        action="store_true",
        help="meanwhile, an instructor re-syncs the decks with changed tags, over and over",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the schema afterwards (its name is printed)"
    )
    args = parser.parse_args(argv)
    if not args.db:
        parser.error("no database: pass --db URL or set STUDYRNN_TEST_PG_URL")
    if not args.db.startswith("postgresql"):
        parser.error("this benchmark is for PostgreSQL (postgresql+psycopg://...)")
    url, schema = fresh_schema(args.db)
    try:
        result = run_load(
            url, args.learners, args.reviews, args.processes, deck_edits=args.deck_edits
        )
    finally:
        if args.keep:
            print(f"schema kept: {schema}")
        else:
            drop_schema(args.db, schema)
    print(result.summary())
    for line in result.errors[:10] + result.problems[:10] + result.tracebacks[:1]:
        print("  " + line.replace("\n", "\n  "))
    return 0 if not (result.errors or result.problems) else 1


if __name__ == "__main__":
    sys.exit(main())
