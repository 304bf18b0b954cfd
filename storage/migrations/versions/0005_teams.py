"""teams: the Teams people and conversations the bot has seen, and where to reach them

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 10:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('teams_person',
    sa.Column('team_id', sa.String(length=64), nullable=False),
    sa.Column('aad_object_id', sa.String(length=64), nullable=False),
    sa.Column('bot_scoped_id', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=True),
    sa.Column('conversation_id', sa.String(length=200), nullable=True),
    sa.Column('service_url', sa.String(length=500), nullable=False),
    sa.Column('tz', sa.String(length=64), nullable=True),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'aad_object_id')
    )
    with op.batch_alter_table('teams_person', schema=None) as batch_op:
        batch_op.create_index('ix_teams_person_conversation', ['team_id', 'conversation_id'], unique=False)

    op.create_table('teams_conversation',
    sa.Column('team_id', sa.String(length=64), nullable=False),
    sa.Column('conversation_id', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('team_aad_group_id', sa.String(length=64), nullable=True),
    sa.Column('service_url', sa.String(length=500), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=True),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'conversation_id')
    )


def downgrade() -> None:
    op.drop_table('teams_conversation')
    with op.batch_alter_table('teams_person', schema=None) as batch_op:
        batch_op.drop_index('ix_teams_person_conversation')
    op.drop_table('teams_person')
