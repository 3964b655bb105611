"""Study sessions: each review, quiz or flashcard sitting, and the session of every answer.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Micros = sa.BigInteger
BigId = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "study_sessions",
        sa.Column("id", BigId, nullable=False),
        sa.Column("learner_id", sa.Integer, nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("deck_id", sa.String(200), nullable=True),
        sa.Column("started_at", Micros, nullable=False),
        sa.Column("ended_at", Micros, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_study_sessions"),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_study_sessions_learner_id_learners"
        ),
    )
    op.create_index(
        "ix_study_sessions_learner_started", "study_sessions", ["learner_id", "started_at"]
    )
    # SQLite cannot add a foreign key to an existing table: batch mode copies the table (rows kept).
    with op.batch_alter_table("review_log") as batch:
        batch.add_column(sa.Column("session_id", BigId, nullable=True))
        batch.create_foreign_key(
            "fk_review_log_session_id_study_sessions", "study_sessions", ["session_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("review_log") as batch:
        batch.drop_constraint("fk_review_log_session_id_study_sessions", type_="foreignkey")
        batch.drop_column("session_id")
    op.drop_index("ix_study_sessions_learner_started", table_name="study_sessions")
    op.drop_table("study_sessions")
