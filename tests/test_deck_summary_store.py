"""Home's counts through the store (``deck_summary.from_store``, PostgreSQL's path): one read for
every deck's queue counts, agreeing with ``Store.queue_counts`` asked deck by deck."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event

from studyrnn import deck_summary
from studyrnn.decks import load_decks
from studyrnn.store import AGAIN, EASY, GOOD, open_store

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def selects_of(store, decks, learner) -> int:
    seen = [0]

    def count(conn, cursor, statement, params, context, executemany) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen[0] += 1

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        deck_summary.from_store(store, learner, decks, NOW)
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    return seen[0]


def test_from_store_reads_all_decks_at_once_and_agrees_deck_by_deck(db_url: str) -> None:
    decks = list(load_decks([REPO / "content" / "decks"]).decks)
    assert len(decks) >= 6
    with open_store(db_url) as store:
        who = store.learner("ada")
        store.sync_cards(who, decks, now=NOW - timedelta(days=3))
        first, second = decks[0], decks[1]
        for card, rating in zip(first.cards[:3], [EASY, AGAIN, GOOD]):
            store.record_review(who, first.id, card.id, rating, now=NOW - timedelta(days=3))
        store.record_review(who, second.id, second.cards[0].id, AGAIN, now=NOW)

        data = deck_summary.from_store(store, who, decks, NOW)
        for deck in decks:  # the per-deck reads, as home made them before
            q = store.queue_counts(who, deck.id, now=NOW)
            c = data.counts[deck.id]
            assert (c.new, c.learning, c.review) == (q.new, q.learning, q.review), deck.id
            learned = sum(1 for s in store.cards(who, deck.id) if s.queue_name == "review")
            assert c.learned == learned
        # by hand: deck 1 has one Review card (Easy, due in 8 days: not due at NOW), two learning
        # cards long due; deck 2 one learning card due in 1 min (inside the learn-ahead)
        assert data.counts[first.id].learned == 1 and data.counts[first.id].learning == 2
        assert data.counts[second.id].learning == 1

        # the number of SELECTs does not grow with the number of decks
        assert selects_of(store, decks[:2], who) == selects_of(store, decks, who)
