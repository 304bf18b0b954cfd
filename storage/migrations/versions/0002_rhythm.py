"""rhythm: check-ins, stand-ups, summaries, delivery ledger

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 17:30:57.125976
"""
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    
    op.create_table('day_off',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'user_id', 'day', name='uq_day_off')
    )
    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('what', sa.String(length=96), nullable=False),
    sa.Column('recipient', sa.String(length=32), nullable=False),
    sa.Column('occurrence', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=200), nullable=True),
    sa.Column('owner', sa.String(length=96), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('channel', sa.String(length=32), nullable=True),
    sa.Column('ts', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'what', 'recipient', 'occurrence', name='uq_delivery_key')
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_status', ['status', 'lease_until'], unique=False)
        batch_op.create_index('ix_delivery_team_created', ['team_id', 'created_at'], unique=False)

    op.create_table('job_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('job_key', sa.String(length=96), nullable=False),
    sa.Column('occurrence', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'job_key', 'occurrence', name='uq_job_run')
    )
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.create_index('ix_job_run_status', ['team_id', 'status', 'at'], unique=False)

    op.create_table('standup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('time', sa.String(length=5), nullable=False),
    sa.Column('days', sa.String(length=40), nullable=False),
    sa.Column('tz', sa.String(length=64), nullable=True),
    sa.Column('post_mode', sa.String(length=8), nullable=False),
    sa.Column('created_by', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'channel_id', name='uq_standup_channel')
    )
    op.create_table('summary_subscriber',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('tz', sa.String(length=64), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'user_id')
    )
    op.create_table('checkin_config',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('time', sa.String(length=5), nullable=False),
    sa.Column('tz', sa.String(length=64), nullable=False),
    sa.Column('reminder_hours', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'project_id', name='uq_checkin_config_project')
    )
    op.create_table('checkin_poll',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('occurrence', sa.String(length=64), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_by', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'project_id', 'occurrence', name='uq_checkin_poll_occurrence')
    )
    with op.batch_alter_table('checkin_poll', schema=None) as batch_op:
        batch_op.create_index('ix_checkin_poll_project_sent', ['team_id', 'project_id', 'sent_at'], unique=False)

    op.create_table('stakeholder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('added_by', sa.String(length=32), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'project_id', 'user_id', name='uq_stakeholder')
    )
    op.create_table('standup_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('standup_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('yesterday', sa.Text(), nullable=True),
    sa.Column('today', sa.Text(), nullable=True),
    sa.Column('blockers', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('post_channel', sa.String(length=32), nullable=True),
    sa.Column('post_ts', sa.String(length=32), nullable=True),
    sa.Column('risk_number', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['standup_id'], ['standup.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('standup_id', 'user_id', 'day', name='uq_standup_answer_day')
    )
    with op.batch_alter_table('standup_answer', schema=None) as batch_op:
        batch_op.create_index('ix_standup_answer_day', ['team_id', 'standup_id', 'day'], unique=False)

    op.create_table('standup_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('standup_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['standup_id'], ['standup.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('standup_id', 'user_id', name='uq_standup_member')
    )
    op.create_table('checkin_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['checkin_poll.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('poll_id', 'user_id', name='uq_checkin_answer_poll_user')
    )
    with op.batch_alter_table('checkin_answer', schema=None) as batch_op:
        batch_op.create_index('ix_checkin_answer_project', ['team_id', 'project_id', 'answered_at'], unique=False)




def downgrade() -> None:
    
    with op.batch_alter_table('checkin_answer', schema=None) as batch_op:
        batch_op.drop_index('ix_checkin_answer_project')

    op.drop_table('checkin_answer')
    op.drop_table('standup_member')
    with op.batch_alter_table('standup_answer', schema=None) as batch_op:
        batch_op.drop_index('ix_standup_answer_day')

    op.drop_table('standup_answer')
    op.drop_table('stakeholder')
    with op.batch_alter_table('checkin_poll', schema=None) as batch_op:
        batch_op.drop_index('ix_checkin_poll_project_sent')

    op.drop_table('checkin_poll')
    op.drop_table('checkin_config')
    op.drop_table('summary_subscriber')
    op.drop_table('standup')
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.drop_index('ix_job_run_status')

    op.drop_table('job_run')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_delivery_team_created')
        batch_op.drop_index('ix_delivery_status')

    op.drop_table('delivery')
    op.drop_table('day_off')

