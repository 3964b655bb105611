"""Load test: 50 learners answering at once against PostgreSQL (loopback, bounded in count and time).

Two worker processes run 25 learner threads each, every thread with its own connection; at one
start line they all open the store on a fresh schema (racing to migrate it), get-or-create the
same learner name and their own, register the same tagged decks, then record 20 reviews each
(plus 2 each as the shared learner). ``benchmarks/bench_pg_load.py`` is the same load with more
knobs; this test runs its ``run_load`` and asserts: no error, every learner created once, every
review reported committed is in the log and nothing else is, the running totals equal a recount.
The p95 time to record a review is printed (``pytest -s``) and attached as a property.

``test_a_deck_edit_while_the_class_answers`` adds an instructor re-syncing decks with changed tags
during the answers: a sync that recounts every learner's tag totals while others answer (this
once deadlocked on PostgreSQL: the recount's foreign-key checks against the answers' row locks).

Skipped without ``STUDYRNN_TEST_PG_URL`` (CI starts a throwaway server and sets it).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

LEARNERS = 50
REVIEWS = 20
TIME_LIMIT_S = 90.0  # a hard bound; on a quiet 2-core machine the load takes ~15 s

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_pg_load.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_pg_load", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_pg_load", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def pg_url():
    base = os.environ.get("STUDYRNN_TEST_PG_URL")
    if not base:
        pytest.skip(
            "load test needs PostgreSQL: set STUDYRNN_TEST_PG_URL (.ci/run starts a server and sets it)"
        )
    bench = _bench()
    url, schema = bench.fresh_schema(base)
    yield url
    bench.drop_schema(base, schema)


def test_fifty_learners_answer_at_once(pg_url: str, record_property) -> None:
    bench = _bench()
    result = bench.run_load(
        pg_url, learners=LEARNERS, reviews=REVIEWS, processes=2, timeout=TIME_LIMIT_S
    )
    print("\n" + result.summary())
    record_property("record_review_p50_ms", round(result.p50_ms, 2))
    record_property("record_review_p95_ms", round(result.p95_ms, 2))
    record_property("record_review_max_ms", round(result.max_ms, 2))
    record_property("reviews_per_s", round(result.throughput, 1))

    assert result.errors == []
    assert result.problems == []  # no lost or extra review, no duplicate learner, totals = recount
    own = {name: n for name, n in result.committed.items() if name != bench.SHARED}
    assert len(own) == LEARNERS and set(own.values()) == {REVIEWS}
    assert result.committed[bench.SHARED] == LEARNERS * bench.SHARED_REVIEWS
    assert result.in_log == {**own, bench.SHARED: LEARNERS * bench.SHARED_REVIEWS}
    assert result.learner_rows == LEARNERS + 1 and len(result.shared_ids) == 1
    assert len(result.times) == LEARNERS * REVIEWS
    assert result.wall_s < TIME_LIMIT_S


def test_a_deck_edit_while_the_class_answers(pg_url: str) -> None:
    """The instructor pushes decks with changed tags while 5 learners answer: nothing may fail."""
    bench = _bench()
    result = bench.run_load(
        pg_url, learners=5, reviews=10, processes=1, timeout=TIME_LIMIT_S, deck_edits=True
    )
    print("\n" + result.summary())
    assert result.deck_edits[0] > 0
    assert result.errors == []
    assert result.problems == []
