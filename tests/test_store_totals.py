"""The running totals (days, decks, tags, per-card counters) always equal a recount from scratch."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from test_store import FakeCard, FakeDeck

from studyrnn import stats
from studyrnn.store import open_store
from studyrnn.store.models import CardRow, DeckTotalRow, ReviewDayRow, TagTotalRow

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def snapshot(store) -> dict:
    with store.reading() as conn:
        return {
            "days": sorted(
                conn.execute(select(ReviewDayRow.__table__).where(ReviewDayRow.answers > 0)).all()
            ),
            "decks": sorted(
                conn.execute(select(DeckTotalRow.__table__).where(DeckTotalRow.cards > 0)).all()
            ),
            "tags": sorted(
                conn.execute(select(TagTotalRow.__table__).where(TagTotalRow.answers > 0)).all()
            ),
            "cards": sorted(
                conn.execute(
                    select(
                        CardRow.learner_id,
                        CardRow.deck_id,
                        CardRow.card_id,
                        CardRow.answers,
                        CardRow.correct,
                    )
                ).all()
            ),
        }


def decks_variant(rng: random.Random) -> list[FakeDeck]:
    """Two decks whose cards come and go and whose tags change between syncs."""
    out = []
    for deck_id in ("alpha", "beta"):
        cards = [
            FakeCard(f"c{i}", tags=rng.sample(["bptt", "grad", "clip", "rnn"], rng.randint(0, 2)))
            for i in range(8)
            if rng.random() < 0.8
        ]
        out.append(FakeDeck(deck_id, cards))
    return out


def test_totals_match_a_recount_after_random_answers_undos_and_deck_changes(db_url: str) -> None:
    rng = random.Random(11)
    with open_store(db_url) as store:
        learners = [store.learner("ada"), store.learner("bob")]
        now = T0
        for learner in learners:
            store.sync_cards(learner, decks_variant(rng), now=now)
        for step in range(160):
            learner = rng.choice(learners)
            now += timedelta(hours=rng.choice((0.1, 1, 7, 30)))
            action = rng.random()
            if action < 0.08:
                store.sync_cards(learner, decks_variant(rng), now=now)
            elif action < 0.2:
                store.undo_last(learner)
            else:
                cards = store.cards(learner, include_retired=step % 5 == 0)
                card = rng.choice(cards)
                mode = rng.choices(("review", "quiz", "flashcards"), weights=(8, 1, 1))[0]
                store.record_review(
                    learner, card.deck_id, card.card_id, rng.randint(1, 4), mode=mode, now=now
                )
        kept = snapshot(store)
        assert kept["days"] and kept["decks"] and kept["tags"]
        store.rebuild_statistics()
        assert snapshot(store) == kept
        # and the statistics read them: mastery agrees with the cards themselves
        for learner in learners:
            for deck_id, m in stats.mastery(store, learner).items():
                cards = store.cards(learner, deck_id)
                assert m.cards == len(cards)
                assert m.mastered == sum(c.state == 2 and c.stability >= 21 for c in cards)
