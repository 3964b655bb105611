"""Benchmark the progress store at the size of a serious collection.

    .venv/bin/python benchmarks/bench_store.py [--cards 100000] [--reviews 1000000] [--rebuild] [--db URL]

Builds (once; cached in the temp folder) an SQLite database with one learner, CARDS cards in
100-card decks (two tags each; 25 % new, 0.5 % in learning, the rest in review, due from a month
overdue to a year ahead) and REVIEWS logged answers spread over two years, then measures the hot paths:
next card, queue counts, preview, recording a review (each recording is undone again so the cached
file stays as built), and every statistic; and the file size. Goals (issue 5): next card p95
< 10 ms, record p95 < 5 ms, each statistic < 300 ms.

``--db URL`` runs the same on another database (PostgreSQL: an empty database; it is filled).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select  # noqa: E402

from studyrnn import stats  # noqa: E402
from studyrnn.store import open_store  # noqa: E402
from studyrnn.store.models import CardRow, CardTagRow, ReviewLogRow, to_epoch_us  # noqa: E402

NOW = datetime.now(UTC)
DECK_SIZE = 100
GOALS_MS = {"next card": 10.0, "record review": 5.0, "stats": 300.0}


def build(url: str, n_cards: int, n_reviews: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    store = open_store(url)
    me = store.learner("bench")
    decks = n_cards // DECK_SIZE
    day = timedelta(days=1)
    t0 = time.perf_counter()
    cards = []
    reviewed = []
    for i in range(n_cards):
        deck_id, card_id = f"deck-{i // DECK_SIZE:04d}", f"card-{i % DECK_SIZE:03d}"
        roll = rng.random()
        base = dict(
            learner_id=me.id,
            deck_id=deck_id,
            card_id=card_id,
            card_type="choice",
            position=i % DECK_SIZE,
            added_at=NOW - 730 * day,
        )
        if roll < 0.25:  # new
            cards.append(
                {
                    **base,
                    "queue": 0,
                    "state": 1,
                    "step": 0,
                    "stability": None,
                    "difficulty": None,
                    "due": NOW - 730 * day,
                    "last_review": None,
                    "reps": 0,
                    "lapses": 0,
                }
            )
            continue
        reviewed.append((deck_id, card_id))
        if roll < 0.255:  # learning or relearning: a few hundred cards, as in a real collection
            state = rng.choice((1, 3))
            cards.append(
                {
                    **base,
                    "queue": 1,
                    "state": state,
                    "step": 0,
                    "stability": rng.uniform(0.5, 5),
                    "difficulty": rng.uniform(1, 10),
                    "due": NOW + rng.uniform(-1, 1) * day,
                    "last_review": NOW - rng.uniform(0, 1) * day,
                    "reps": rng.randint(1, 20),
                    "lapses": rng.randint(0, 3),
                }
            )
        else:  # review: due from a month overdue to a year ahead
            stability = rng.lognormvariate(3, 1.2)
            cards.append(
                {
                    **base,
                    "queue": 2,
                    "state": 2,
                    "step": None,
                    "stability": stability,
                    "difficulty": rng.uniform(1, 10),
                    "due": NOW + rng.uniform(-30, 365) * day,
                    "last_review": NOW - rng.uniform(0, 60) * day,
                    "reps": rng.randint(2, 40),
                    "lapses": min(int(rng.expovariate(0.8)), 15),
                }
            )
    with store.writing() as conn:
        conn.execute(insert(CardRow), cards)
        conn.execute(
            insert(CardTagRow),
            [
                {"deck_id": c["deck_id"], "card_id": c["card_id"], "tag": tag}
                for c in cards
                for tag in _tags(c["deck_id"], c["card_id"])
            ],
        )
    print(f"  {n_cards:,} cards in {decks} decks: {time.perf_counter() - t0:.1f} s", flush=True)

    t0 = time.perf_counter()
    span_us = 730 * 86_400_000_000
    start_us = to_epoch_us(NOW) - span_us
    moments = sorted(rng.randrange(span_us) for _ in range(n_reviews))
    batch = 100_000
    log = ReviewLogRow.__table__
    for offset in range(0, n_reviews, batch):
        rows = []
        for k in range(offset, min(offset + batch, n_reviews)):
            deck_id, card_id = reviewed[rng.randrange(len(reviewed))]
            at = start_us + moments[k]
            rating = rng.choices((1, 2, 3, 4), weights=(10, 15, 65, 10))[0]
            prev_state = rng.choices((1, 2, 3), weights=(15, 80, 5))[0]
            rows.append(
                {
                    "learner_id": me.id,
                    "deck_id": deck_id,
                    "card_id": card_id,
                    "reviewed_at": at,
                    "mode": "review" if rng.random() < 0.9 else "quiz",
                    "rating": rating,
                    "outcome": "correct" if rating > 1 else "incorrect",
                    "answer": str(rng.randint(1, 4)),
                    "duration_ms": rng.randint(800, 30_000),
                    "seed": None,
                    "prev_queue": 2 if prev_state == 2 else 1,
                    "prev_state": prev_state,
                    "prev_step": None,
                    "prev_stability": 10.0,
                    "prev_difficulty": 5.0,
                    "prev_due": at,
                    "prev_last_review": at - 86_400_000_000,
                    "prev_reps": 3,
                    "prev_lapses": 0,
                }
            )
        # the integers go straight into the table's columns (no datetime round trip): a fast bulk load
        with store.writing() as conn:
            conn.execute(insert(log).values(), [_raw(r) for r in rows])
        print(
            f"  reviews {offset + len(rows):,}/{n_reviews:,}: {time.perf_counter() - t0:.1f} s",
            flush=True,
        )
    t0 = time.perf_counter()
    store.rebuild_statistics()  # the log went in by bulk insert: derive the running totals
    with store.writing() as conn:
        conn.exec_driver_sql("ANALYZE")
    print(f"  totals and ANALYZE: {time.perf_counter() - t0:.1f} s", flush=True)
    store.close()


def _tags(deck_id: str, card_id: str) -> tuple[str, str]:
    """Two tags a card: one of 20 topics by deck, one of 5 kinds by card."""
    return f"tag{int(deck_id[-4:]) % 20}", f"kind{int(card_id[-3:]) % 5}"


def _raw(row: dict) -> dict:
    from studyrnn.store.models import from_epoch_us

    for key in ("reviewed_at", "prev_due", "prev_last_review"):
        row[key] = from_epoch_us(row[key])
    return row


CPU_MS: dict[str, list[float]] = {}  # operation → CPU time of this process per call (no waiting)


def timed(fn: Callable[[], object], repeat: int, name: str = "") -> list[float]:
    """Wall-clock milliseconds per call (and the CPU milliseconds in CPU_MS[name])."""
    fn()  # warm the statement cache and the pages
    out, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        out.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    CPU_MS[name] = cpu
    return out


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(url: str) -> list[tuple[str, list[float], float | None]]:
    store = open_store(url)
    me = store.learner("bench")
    rows: list[tuple[str, list[float], float | None]] = []
    now = NOW

    def add(name: str, fn: Callable[[], object], repeat: int, goal: float | None) -> None:
        rows.append((name, timed(fn, repeat, name), goal))

    add("next card", lambda: store.next_card(me, now=now), 300, GOALS_MS["next card"])
    add(
        "next card (one deck)",
        lambda: store.next_card(me, deck_id="deck-0420", now=now),
        300,
        GOALS_MS["next card"],
    )
    add("queue counts", lambda: store.queue_counts(me, now=now), 100, None)
    card = store.next_card(me, now=now)
    add("preview", lambda: store.preview(me, card.deck_id, card.card_id, now=now), 200, None)

    rng = random.Random(1)
    with store.reading() as conn:
        keys = conn.execute(
            select(CardRow.deck_id, CardRow.card_id).where(CardRow.learner_id == me.id)
        ).all()
    record_ms, undo_ms, record_cpu, undo_cpu = [], [], [], []
    for i in range(300):
        deck_id, card_id = keys[rng.randrange(len(keys))]
        t, c = time.perf_counter(), time.process_time()
        store.record_review(
            me,
            deck_id,
            card_id,
            1 + i % 4,
            verdict="correct",
            answer="2",
            duration_ms=3000,
            seed=i,
            mode="review",
            now=now,
        )
        record_ms.append((time.perf_counter() - t) * 1000)
        record_cpu.append((time.process_time() - c) * 1000)
        t, c = time.perf_counter(), time.process_time()
        store.undo_last(me)  # the cached file stays as built
        undo_ms.append((time.perf_counter() - t) * 1000)
        undo_cpu.append((time.process_time() - c) * 1000)
    rows.append(("record review", record_ms[10:], GOALS_MS["record review"]))
    rows.append(("undo last", undo_ms[10:], None))
    CPU_MS["record review"], CPU_MS["undo last"] = record_cpu[10:], undo_cpu[10:]

    tags = {key: _tags(*key) for key in keys}
    goal = GOALS_MS["stats"]
    for name, fn in [
        ("stats: total reviews", lambda: stats.total_reviews(store, me)),
        ("stats: due now", lambda: stats.due_now(store, me, now=now)),
        ("stats: reviews per day (365 d)", lambda: stats.reviews_per_day(store, me, 365, now=now)),
        ("stats: true retention (30 d)", lambda: stats.true_retention(store, me, 30, now=now)),
        ("stats: due forecast (30 d)", lambda: stats.due_forecast(store, me, 30, now=now)),
        ("stats: mastery per deck", lambda: stats.mastery(store, me)),
        ("stats: hardest cards", lambda: stats.hardest_cards(store, me)),
        ("stats: accuracy per tag", lambda: stats.accuracy_by_tag(store, me)),
        ("stats: whole summary", lambda: stats.summary(store, me, now=now)),
        ("(accuracy, another tag mapping)", lambda: stats.accuracy_by_tag(store, me, tags)),
    ]:
        add(name, fn, 7, goal if name.startswith("stats:") and "summary" not in name else None)
    store.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument(
        "--db", metavar="URL", help="another database (default: a cached SQLite file)"
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached SQLite file")
    args = parser.parse_args()

    path = None
    if args.db:
        url = args.db
        fresh = True
    else:
        path = (
            Path(tempfile.gettempdir()) / f"studyrnn-bench-v5-{args.cards}-{args.reviews}.sqlite3"
        )
        if args.rebuild:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        fresh = not path.exists()
        url = f"sqlite:///{path}"
    if fresh:
        print(f"building {url}: {args.cards:,} cards, {args.reviews:,} reviews", flush=True)
        build(url, args.cards, args.reviews)
    else:
        print(f"using the cached {path} (--rebuild to build it again)")

    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    results = measure(url)
    print()
    print(
        f"load average (1 min) before the run: {load_before:.2f} on {os.cpu_count()} CPUs; "
        "wall-clock times include waiting for the CPU, 'cpu p95' is this process's own CPU time"
    )
    print(
        f"{'operation':34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'cpu p95':>8} {'goal':>8}  ok"
    )
    failed = 0
    for name, samples, goal in results:
        worst = p95(samples)
        ok = "" if goal is None else ("yes" if worst < goal else "NO")
        failed += ok == "NO"
        goal_text = "" if goal is None else f"< {goal:g}"
        cpu = p95(CPU_MS[name]) if CPU_MS.get(name) else float("nan")
        print(
            f"{name:34} {statistics.median(samples):8.2f} {worst:8.2f} {max(samples):8.2f} {cpu:8.2f} "
            f"{goal_text:>8}  {ok}"
        )
    if path is not None:
        size = sum(
            os.path.getsize(f"{path}{s}") for s in ("", "-wal") if os.path.exists(f"{path}{s}")
        )
        print(f"\ndatabase file: {size / 2**20:.1f} MiB ({path})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
