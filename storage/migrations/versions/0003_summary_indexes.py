"""indexes for managers' summaries and risk review reminders

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 09:00:00.000000
"""
from collections.abc import Sequence

from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, index name, columns)
INDEXES = [
    # the top open risks by score, read from the top of the index
    ('risk', 'ix_risk_team_score', ['team_id', 'score', 'number']),
    # risks logged since a date (the summary's "new risks")
    ('risk', 'ix_risk_team_created', ['team_id', 'created_at']),
    # open risks whose review date has passed, without reading the closed ones
    ('risk', 'ix_risk_team_status_review', ['team_id', 'status', 'review_date']),
    # review reminders are looked for across all workspaces every half minute
    ('risk', 'ix_risk_status_review', ['status', 'review_date']),
    # feedback not acted on yet, oldest first
    ('feedback', 'ix_feedback_team_waiting', ['team_id', 'acted_at', 'created_at']),
    # every project's polls of the last weeks
    ('checkin_poll', 'ix_checkin_poll_team_sent', ['team_id', 'sent_at']),
    # the answers to those polls (answered after they were sent), without reading older weeks
    ('checkin_answer', 'ix_checkin_answer_team_answered', ['team_id', 'answered_at']),
    # one stand-up's prompts of the last days (what = standup:ID, occurrence = the local date)
    ('delivery', 'ix_delivery_team_what_occurrence', ['team_id', 'what', 'occurrence']),
]


def upgrade() -> None:
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    for table, name, _ in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
