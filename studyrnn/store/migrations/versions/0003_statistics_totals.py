"""Statistics totals: answers per learner and day, answer counters per card, an index on lapses.

The review log stays the record; these totals are derived from it (and backfilled from it here),
so statistics and daily limits need not scan the whole log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

US_PER_DAY = 86_400_000_000

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


def upgrade() -> None:
    op.create_table(
        "review_days",
        sa.Column("learner_id", sa.Integer, nullable=False),
        sa.Column("day", sa.Integer, nullable=False),
        sa.Column("answers", sa.Integer, nullable=False),
        sa.Column("new_cards", sa.Integer, nullable=False),
        sa.Column("review_cards", sa.Integer, nullable=False),
        sa.Column("review_passed", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("learner_id", "day", name="pk_review_days"),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_review_days_learner_id_learners"
        ),
    )
    with op.batch_alter_table("cards") as batch:
        batch.add_column(sa.Column("answers", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("correct", sa.Integer, nullable=False, server_default="0"))
    op.create_index("ix_cards_learner_lapses", "cards", ["learner_id", "lapses"])
    op.execute(BACKFILL_DAYS)
    op.execute(BACKFILL_CARDS)


def downgrade() -> None:
    op.drop_index("ix_cards_learner_lapses", table_name="cards")
    with op.batch_alter_table("cards") as batch:
        batch.drop_column("correct")
        batch.drop_column("answers")
    op.drop_table("review_days")
