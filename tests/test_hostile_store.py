"""What validate accepts, every store holds: a deck at every length limit and a learner name at
its limit are studied on SQLite and on PostgreSQL (whose columns are varchar(200)). Once, a
201-character tag validated and then blocked every review on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from studyrnn.decks import load_deck_text
from studyrnn.learners import check_learner_name
from studyrnn.store import open_store

LIMIT_DECK = f"""\
id: {"d" * 64}
title: {"T" * 200}
cards:
  - id: {"c" * 64}
    type: flashcard
    front: "Zoë ✓ 😀 a\\u200bb"
    back: b
    tags: [{"t" * 64}, {"ü" * 64}]
"""


def test_a_deck_at_every_limit_is_studied_on_every_store(db_url: str) -> None:
    deck = load_deck_text(LIMIT_DECK)
    name = check_learner_name("L" * 99 + "é")  # 100 characters, one of them not ASCII
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with open_store(db_url) as store:
        learner = store.learner(name)
        store.sync_cards(learner, [deck], now=now)
        result = store.record_review(learner, deck.id, deck.cards[0].id, 3, answer="x", now=now)
        assert result.next_due > now
        state = store.card_state(learner, deck.id, deck.cards[0].id)
        assert state is not None
    with open_store(db_url) as store:  # and it reads back under the same name
        assert [who.name for who in store.learners()] == [name]
