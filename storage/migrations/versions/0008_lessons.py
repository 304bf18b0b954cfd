"""lessons: lessons learned (`L-N`) and closed projects

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10 10:00:00.000000

New tables only: a closed project is a row of `project_closing`; its history is `project_event` (0007).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('project_closing',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('closed_by', sa.String(length=64), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id')
    )
    op.create_index(op.f('ix_project_closing_team_id'), 'project_closing', ['team_id'], unique=False)

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



def downgrade() -> None:
    op.drop_index('ix_lesson_team_created', table_name='lesson')
    op.drop_index('ix_lesson_team_project', table_name='lesson')
    op.drop_table('lesson')
    op.drop_index(op.f('ix_project_closing_team_id'), table_name='project_closing')
    op.drop_table('project_closing')
