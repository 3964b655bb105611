"""Deck and tag totals: mastery per deck and accuracy per tag without scanning every card.

``card_tags`` holds each card's tags as the decks give them (filled by the next ``sync_cards``);
``deck_totals`` is backfilled here from the cards; ``tag_totals`` is filled when the tags arrive.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BACKFILL_DECKS = """
INSERT INTO deck_totals (learner_id, deck_id, cards, studied, mastered)
SELECT learner_id, deck_id, COUNT(*),
       SUM(CASE WHEN reps > 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN state = 2 AND stability >= 21.0 THEN 1 ELSE 0 END)
FROM cards
WHERE queue <> -1
GROUP BY learner_id, deck_id
"""


def upgrade() -> None:
    op.create_table(
        "card_tags",
        sa.Column("deck_id", sa.String(200), nullable=False),
        sa.Column("card_id", sa.String(200), nullable=False),
        sa.Column("tag", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("deck_id", "card_id", "tag", name="pk_card_tags"),
    )
    op.create_table(
        "tag_totals",
        sa.Column("learner_id", sa.Integer, nullable=False),
        sa.Column("tag", sa.String(200), nullable=False),
        sa.Column("answers", sa.Integer, nullable=False),
        sa.Column("correct", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("learner_id", "tag", name="pk_tag_totals"),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_tag_totals_learner_id_learners"
        ),
    )
    op.create_table(
        "deck_totals",
        sa.Column("learner_id", sa.Integer, nullable=False),
        sa.Column("deck_id", sa.String(200), nullable=False),
        sa.Column("cards", sa.Integer, nullable=False),
        sa.Column("studied", sa.Integer, nullable=False),
        sa.Column("mastered", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("learner_id", "deck_id", name="pk_deck_totals"),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_deck_totals_learner_id_learners"
        ),
    )
    op.execute(BACKFILL_DECKS)


def downgrade() -> None:
    op.drop_table("deck_totals")
    op.drop_table("tag_totals")
    op.drop_table("card_tags")
