"""SQL that recomputes the running totals (``review_days``, ``cards.answers/correct``) from the log.

Portable SQL (integer division of the stored microseconds gives the UTC day on SQLite and
PostgreSQL alike). Migration 0003 keeps its own frozen copy, as migrations must.
"""

from studyrnn.store.models import US_PER_DAY

BACKFILL_DAYS = f"""
INSERT INTO review_days (learner_id, day, answers, new_cards, review_cards, review_passed)
SELECT learner_id, reviewed_at / {US_PER_DAY}, COUNT(*),
       SUM(CASE WHEN mode = 'review' AND prev_reps = 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN mode = 'review' AND prev_state = 2 THEN 1 ELSE 0 END),
       SUM(CASE WHEN mode = 'review' AND prev_state = 2 AND rating > 1 THEN 1 ELSE 0 END)
FROM review_log
GROUP BY learner_id, reviewed_at / {US_PER_DAY}
"""

BACKFILL_CARDS = """
UPDATE cards SET
  answers = (SELECT COUNT(*) FROM review_log r
             WHERE r.deck_id = cards.deck_id AND r.card_id = cards.card_id AND r.learner_id = cards.learner_id),
  correct = (SELECT COUNT(*) FROM review_log r
             WHERE r.deck_id = cards.deck_id AND r.card_id = cards.card_id AND r.learner_id = cards.learner_id
               AND r.rating > 1)
"""
