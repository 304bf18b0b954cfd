"""pending_command: slash commands acknowledged and not yet finished

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 13:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('pending_command',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=True),
    sa.Column('command', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('owner', sa.String(length=96), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pending_command', schema=None) as batch_op:
        batch_op.create_index('ix_pending_command_received', ['received_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pending_command', schema=None) as batch_op:
        batch_op.drop_index('ix_pending_command_received')
    op.drop_table('pending_command')
