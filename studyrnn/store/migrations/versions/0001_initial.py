"""Initial schema: learners with their scheduler settings, card states, the review log.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Datetimes are integer microseconds since the epoch, UTC (models.UTCDateTime).
Micros = sa.BigInteger
BigId = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "learners",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", Micros, nullable=False),
        sa.Column("desired_retention", sa.Double, nullable=False),
        sa.Column("learning_steps", sa.String(200), nullable=False),
        sa.Column("relearning_steps", sa.String(200), nullable=False),
        sa.Column("new_per_day", sa.Integer, nullable=False),
        sa.Column("max_reviews_per_day", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_learners"),
        sa.UniqueConstraint("name", name="uq_learners_name"),
    )
    op.create_table(
        "cards",
        sa.Column("learner_id", sa.Integer, nullable=False),
        sa.Column("deck_id", sa.String(200), nullable=False),
        sa.Column("card_id", sa.String(200), nullable=False),
        sa.Column("card_type", sa.String(20), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("queue", sa.SmallInteger, nullable=False),
        sa.Column("state", sa.SmallInteger, nullable=False),
        sa.Column("step", sa.SmallInteger, nullable=True),
        sa.Column("stability", sa.Double, nullable=True),
        sa.Column("difficulty", sa.Double, nullable=True),
        sa.Column("due", Micros, nullable=False),
        sa.Column("last_review", Micros, nullable=True),
        sa.Column("reps", sa.Integer, nullable=False),
        sa.Column("lapses", sa.Integer, nullable=False),
        sa.Column("added_at", Micros, nullable=False),
        sa.PrimaryKeyConstraint("learner_id", "deck_id", "card_id", name="pk_cards"),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_cards_learner_id_learners"
        ),
    )
    op.create_index("ix_cards_learner_queue_due", "cards", ["learner_id", "queue", "due"])
    op.create_index(
        "ix_cards_learner_deck_queue_due", "cards", ["learner_id", "deck_id", "queue", "due"]
    )
    op.create_index(
        "ix_cards_learner_queue_deck_position",
        "cards",
        ["learner_id", "queue", "deck_id", "position"],
    )
    op.create_table(
        "review_log",
        sa.Column("id", BigId, nullable=False),
        sa.Column("learner_id", sa.Integer, nullable=False),
        sa.Column("deck_id", sa.String(200), nullable=False),
        sa.Column("card_id", sa.String(200), nullable=False),
        sa.Column("reviewed_at", Micros, nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("rating", sa.SmallInteger, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("answer", sa.Text, nullable=True),
        sa.Column("duration_ms", sa.Integer, nullable=True),
        sa.Column("seed", sa.BigInteger, nullable=True),
        sa.Column("prev_queue", sa.SmallInteger, nullable=False),
        sa.Column("prev_state", sa.SmallInteger, nullable=False),
        sa.Column("prev_step", sa.SmallInteger, nullable=True),
        sa.Column("prev_stability", sa.Double, nullable=True),
        sa.Column("prev_difficulty", sa.Double, nullable=True),
        sa.Column("prev_due", Micros, nullable=False),
        sa.Column("prev_last_review", Micros, nullable=True),
        sa.Column("prev_reps", sa.Integer, nullable=False),
        sa.Column("prev_lapses", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_review_log"),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_review_log_learner_id_learners"
        ),
        sa.ForeignKeyConstraint(
            ["learner_id", "deck_id", "card_id"],
            ["cards.learner_id", "cards.deck_id", "cards.card_id"],
            name="fk_review_log_card_cards",
        ),
    )
    op.create_index("ix_review_log_learner_reviewed", "review_log", ["learner_id", "reviewed_at"])
    op.create_index("ix_review_log_card", "review_log", ["deck_id", "card_id", "learner_id"])


def downgrade() -> None:
    op.drop_table("review_log")
    op.drop_table("cards")
    op.drop_table("learners")
