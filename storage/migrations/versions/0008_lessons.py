"""lessons: lessons learned (`L-N`), closing a project, and a project's history

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-10 10:00:00.000000

The project's new columns are added in place (`ALTER TABLE … ADD COLUMN`, on SQLite too): copying
the table, as a batch operation would, drops the old one and so fires the ON DELETE actions of the
tables that reference it (see 0006).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROJECT_COLUMNS = ('status', 'outcome', 'close_note', 'closed_by', 'closed_at')


def upgrade() -> None:
    op.add_column('project', sa.Column('status', sa.String(length=16), nullable=False, server_default='open'))
    op.add_column('project', sa.Column('outcome', sa.String(length=16), nullable=True))
    op.add_column('project', sa.Column('close_note', sa.Text(), nullable=True))
    op.add_column('project', sa.Column('closed_by', sa.String(length=64), nullable=True))
    op.add_column('project', sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))

    op.create_table('lesson',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=64), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('tags', sa.String(length=500), nullable=False),
    sa.Column('search', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'number', name='uq_lesson_team_number')
    )
    op.create_index('ix_lesson_team_project', 'lesson', ['team_id', 'project_id'], unique=False)
    op.create_index('ix_lesson_team_created', 'lesson', ['team_id', 'created_at'], unique=False)

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
    op.create_index('ix_project_event_project', 'project_event', ['project_id', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_project_event_project', table_name='project_event')
    op.drop_table('project_event')
    op.drop_index('ix_lesson_team_created', table_name='lesson')
    op.drop_index('ix_lesson_team_project', table_name='lesson')
    op.drop_table('lesson')
    for column in reversed(PROJECT_COLUMNS):  # ALTER TABLE … DROP COLUMN (SQLite 3.35 or later)
        op.drop_column('project', column)
