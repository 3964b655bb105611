"""Running totals kept beside the review log, and the SQL that recomputes them from scratch.

``review_days`` (per learner and UTC day), ``cards.answers/correct``, ``deck_totals`` (per learner
and deck) and ``tag_totals`` (per learner and tag) are updated in the same transaction as every
answer, undo and sync; ``Store.rebuild_statistics`` recomputes them all with the SQL below (after a
bulk import, or to repair them). Portable SQL: integer division of the stored microseconds gives
the UTC day on SQLite and PostgreSQL alike. The migrations keep their own frozen copies.
"""

from studyrnn.store.domain import MASTERED_STABILITY_DAYS, QUEUE_RETIRED, REVIEW
from studyrnn.store.models import US_PER_DAY

REBUILD_DAYS = f"""
INSERT INTO review_days (learner_id, day, answers, new_cards, review_cards, review_passed)
SELECT learner_id, reviewed_at / {US_PER_DAY}, COUNT(*),
       SUM(CASE WHEN mode = 'review' AND prev_reps = 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN mode = 'review' AND prev_state = {REVIEW} THEN 1 ELSE 0 END),
       SUM(CASE WHEN mode = 'review' AND prev_state = {REVIEW} AND rating > 1 THEN 1 ELSE 0 END)
FROM review_log
GROUP BY learner_id, reviewed_at / {US_PER_DAY}
"""

REBUILD_CARD_COUNTERS = """
UPDATE cards SET
  answers = (SELECT COUNT(*) FROM review_log r
             WHERE r.deck_id = cards.deck_id AND r.card_id = cards.card_id AND r.learner_id = cards.learner_id),
  correct = (SELECT COUNT(*) FROM review_log r
             WHERE r.deck_id = cards.deck_id AND r.card_id = cards.card_id AND r.learner_id = cards.learner_id
               AND r.rating > 1)
"""

_DECKS_SELECT = f"""
SELECT learner_id, deck_id, COUNT(*),
       SUM(CASE WHEN reps > 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN state = {REVIEW} AND stability >= {MASTERED_STABILITY_DAYS} THEN 1 ELSE 0 END)
FROM cards
WHERE queue <> {QUEUE_RETIRED}
"""
_DECKS_INSERT = "INSERT INTO deck_totals (learner_id, deck_id, cards, studied, mastered)"
REBUILD_DECKS = f"{_DECKS_INSERT} {_DECKS_SELECT} GROUP BY learner_id, deck_id"
REBUILD_DECKS_OF_LEARNER = (
    f"{_DECKS_INSERT} {_DECKS_SELECT} AND learner_id = :learner GROUP BY learner_id, deck_id"
)

REBUILD_TAGS = """
INSERT INTO tag_totals (learner_id, tag, answers, correct)
SELECT c.learner_id, t.tag, SUM(c.answers), SUM(c.correct)
FROM cards c JOIN card_tags t ON t.deck_id = c.deck_id AND t.card_id = c.card_id
GROUP BY c.learner_id, t.tag
"""

# Every learner has a row for every known tag (zeros until answered): an answer then updates its
# card's tags with one UPDATE, no look-up-then-insert.
ADD_MISSING_TAGS_OF_LEARNER = """
INSERT INTO tag_totals (learner_id, tag, answers, correct)
SELECT DISTINCT :learner, t.tag, 0, 0 FROM card_tags t
WHERE NOT EXISTS (SELECT 1 FROM tag_totals x WHERE x.learner_id = :learner AND x.tag = t.tag)
"""

ADD_MISSING_TAGS = """
INSERT INTO tag_totals (learner_id, tag, answers, correct)
SELECT DISTINCT l.id, t.tag, 0, 0 FROM learners l CROSS JOIN card_tags t
WHERE NOT EXISTS (SELECT 1 FROM tag_totals x WHERE x.learner_id = l.id AND x.tag = t.tag)
"""
