"""The learner's study day, learn-ahead limit and FSRS weights; the mistake behind a wrong answer.

``learners`` gains ``timezone`` (an IANA name), ``rollover_hour`` (the study day starts then, local
time; Anki's default 4 a.m.), ``learn_ahead_minutes`` (learning cards due that soon are shown
before a session ends) and ``fsrs_weights`` (``studyrnn optimize``; comma-separated, NULL = the
FSRS defaults). ``review_log`` gains ``mistake`` (the id of the mistake a grading Verdict names).

Existing learners get ``UTC`` with the 4 a.m. rollover, and their day totals are re-keyed to it
here (a fixed offset: plain SQL). The app moves a learner to their local zone when it starts and
re-keys their totals then (``Store.set_study_day``).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

US_PER_DAY = 86_400_000_000
US_PER_HOUR = 3_600_000_000

REKEY_DAYS = f"""
INSERT INTO review_days (learner_id, day, answers, new_cards, review_cards, review_passed)
SELECT learner_id, (reviewed_at - {4 * US_PER_HOUR}) / {US_PER_DAY}, COUNT(*),
       SUM(CASE WHEN mode = 'review' AND prev_reps = 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN mode = 'review' AND prev_state = 2 THEN 1 ELSE 0 END),
       SUM(CASE WHEN mode = 'review' AND prev_state = 2 AND rating > 1 THEN 1 ELSE 0 END)
FROM review_log
GROUP BY learner_id, (reviewed_at - {4 * US_PER_HOUR}) / {US_PER_DAY}
"""


def upgrade() -> None:
    with op.batch_alter_table("learners") as batch:
        batch.add_column(sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"))
        batch.add_column(
            sa.Column("rollover_hour", sa.SmallInteger, nullable=False, server_default="4")
        )
        batch.add_column(
            sa.Column("learn_ahead_minutes", sa.Integer, nullable=False, server_default="20")
        )
        batch.add_column(sa.Column("fsrs_weights", sa.Text, nullable=True))
    with op.batch_alter_table("review_log") as batch:
        batch.add_column(sa.Column("mistake", sa.String(100), nullable=True))
    op.execute("DELETE FROM review_days")
    op.execute(REKEY_DAYS)


def downgrade() -> None:
    with op.batch_alter_table("review_log") as batch:
        batch.drop_column("mistake")
    with op.batch_alter_table("learners") as batch:
        batch.drop_column("fsrs_weights")
        batch.drop_column("learn_ahead_minutes")
        batch.drop_column("rollover_hour")
        batch.drop_column("timezone")
