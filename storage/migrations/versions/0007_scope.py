"""scope: project baselines and change requests with their history, a project's target and booked,
and the history of a project's facts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 04:00:00.000000

The two new `project` columns are added in place (`ALTER TABLE … ADD COLUMN`, which SQLite does
without copying the table: a copy would drop the old one and fire the ON DELETE actions of the
tables that reference it).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('project', sa.Column('target', sa.Float(), nullable=True))
    op.add_column('project', sa.Column('booked', sa.Float(), nullable=True))
    op.create_table('scope_baseline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=64), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('days', sa.Float(), nullable=True),
    sa.Column('in_scope', sa.Text(), nullable=True),
    sa.Column('out_scope', sa.Text(), nullable=True),
    sa.Column('assumptions', sa.Text(), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'project_id', name='uq_scope_baseline_project')
    )
    op.create_table('scope_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=64), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('days', sa.Float(), nullable=True),
    sa.Column('cost', sa.Float(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'number', name='uq_scope_change_team_number')
    )
    with op.batch_alter_table('scope_change', schema=None) as batch_op:
        batch_op.create_index('ix_scope_change_project', ['team_id', 'project_id', 'status'], unique=False)

    op.create_table('scope_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=64), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('change_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['change_id'], ['scope_change.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('scope_event', schema=None) as batch_op:
        batch_op.create_index('ix_scope_event_project', ['team_id', 'project_id', 'at'], unique=False)

    op.create_table('project_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=64), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('project_event', schema=None) as batch_op:
        batch_op.create_index('ix_project_event_project', ['team_id', 'project_id', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('project_event', schema=None) as batch_op:
        batch_op.drop_index('ix_project_event_project')
    op.drop_table('project_event')
    with op.batch_alter_table('scope_event', schema=None) as batch_op:
        batch_op.drop_index('ix_scope_event_project')
    op.drop_table('scope_event')
    with op.batch_alter_table('scope_change', schema=None) as batch_op:
        batch_op.drop_index('ix_scope_change_project')
    op.drop_table('scope_change')
    op.drop_table('scope_baseline')
    op.drop_column('project', 'booked')
    op.drop_column('project', 'target')
