"""Tables of the team's rhythm: stakeholder check-ins, stand-ups, summaries,
and the delivery ledger that makes every scheduled message go out exactly once.

Schedule definitions live here (not in APScheduler's memory): the scheduler is
rebuilt from them at start and whenever one changes.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage import clock
from storage.models import MESSAGE_ID_LEN, PERSON_ID_LEN, PLACE_ID_LEN, WORKSPACE_ID_LEN


class CheckinConfig(SQLModel, table=True):
    """When a project's stakeholders are asked: weekly on `day` at `time` in `tz`."""

    __tablename__ = "checkin_config"
    __table_args__ = (UniqueConstraint("team_id", "project_id", name="uq_checkin_config_project"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=WORKSPACE_ID_LEN)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    day: int = 4  # 0 = Monday … 6 = Sunday
    time: str = Field(default="15:00", max_length=5)  # HH:MM
    tz: str = Field(default="UTC", max_length=64)
    reminder_hours: int = 24
    created_by: str = Field(max_length=PERSON_ID_LEN)
    updated_at: datetime = Field(default_factory=clock.now)


class Stakeholder(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("team_id", "project_id", "user_id", name="uq_stakeholder"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=WORKSPACE_ID_LEN)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    user_id: str = Field(max_length=PERSON_ID_LEN)
    added_by: str = Field(max_length=PERSON_ID_LEN)
    added_at: datetime = Field(default_factory=clock.now)


class CheckinPoll(SQLModel, table=True):
    """One round of a project's check-in (scheduled or sent by hand)."""

    __tablename__ = "checkin_poll"
    __table_args__ = (
        UniqueConstraint("team_id", "project_id", "occurrence", name="uq_checkin_poll_occurrence"),
        Index("ix_checkin_poll_project_sent", "team_id", "project_id", "sent_at"),
        Index("ix_checkin_poll_team_sent", "team_id", "sent_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=WORKSPACE_ID_LEN)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    occurrence: str = Field(max_length=64)
    sent_at: datetime = Field(default_factory=clock.now)
    sent_by: str | None = Field(default=None, max_length=PERSON_ID_LEN)  # set when sent by hand


class CheckinAnswer(SQLModel, table=True):
    __tablename__ = "checkin_answer"
    __table_args__ = (
        UniqueConstraint("poll_id", "user_id", name="uq_checkin_answer_poll_user"),
        Index("ix_checkin_answer_project", "team_id", "project_id", "answered_at"),
        Index("ix_checkin_answer_team_answered", "team_id", "answered_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=WORKSPACE_ID_LEN)
    poll_id: int = Field(foreign_key="checkin_poll.id", ondelete="CASCADE")
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    user_id: str = Field(max_length=PERSON_ID_LEN)
    score: int | None = None  # 1..5
    status: str | None = Field(default=None, max_length=16)  # on_track | at_risk | off_track
    comment: str | None = Field(default=None, sa_column=Column(Text))
    answered_at: datetime = Field(default_factory=clock.now)
    updated_at: datetime = Field(default_factory=clock.now)


class Standup(SQLModel, table=True):
    """A team's stand-up: members are asked at `time` in their own zone on `days`."""

    __table_args__ = (UniqueConstraint("team_id", "channel_id", name="uq_standup_channel"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=WORKSPACE_ID_LEN)
    channel_id: str = Field(max_length=PLACE_ID_LEN)
    time: str = Field(default="09:30", max_length=5)
    days: str = Field(default="mon,tue,wed,thu,fri", max_length=40)
    tz: str | None = Field(default=None, max_length=64)  # for members whose own zone is unknown
    post_mode: str = Field(default="each", max_length=8)  # each | digest
    created_by: str = Field(max_length=PERSON_ID_LEN)
    updated_at: datetime = Field(default_factory=clock.now)


class StandupMember(SQLModel, table=True):
    __tablename__ = "standup_member"
    __table_args__ = (UniqueConstraint("standup_id", "user_id", name="uq_standup_member"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=WORKSPACE_ID_LEN)
    standup_id: int = Field(foreign_key="standup.id", ondelete="CASCADE")
    user_id: str = Field(max_length=PERSON_ID_LEN)


class StandupAnswer(SQLModel, table=True):
    __tablename__ = "standup_answer"
    __table_args__ = (
        UniqueConstraint("standup_id", "user_id", "day", name="uq_standup_answer_day"),
        Index("ix_standup_answer_day", "team_id", "standup_id", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=WORKSPACE_ID_LEN)
    standup_id: int = Field(foreign_key="standup.id", ondelete="CASCADE")
    user_id: str = Field(max_length=PERSON_ID_LEN)
    day: date  # the member's local date
    yesterday: str | None = Field(default=None, sa_column=Column(Text))
    today: str | None = Field(default=None, sa_column=Column(Text))
    blockers: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=clock.now)
    updated_at: datetime = Field(default_factory=clock.now)
    post_channel: str | None = Field(default=None, max_length=PLACE_ID_LEN)
    post_ts: str | None = Field(default=None, max_length=MESSAGE_ID_LEN)
    risk_number: int | None = None  # set when the blocker was logged as a risk


class DayOff(SQLModel, table=True):
    """A day a person is not asked for stand-up (`/standup skip`)."""

    __tablename__ = "day_off"
    __table_args__ = (UniqueConstraint("team_id", "user_id", "day", name="uq_day_off"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=WORKSPACE_ID_LEN)
    user_id: str = Field(max_length=PERSON_ID_LEN)
    day: date


class SummarySubscriber(SQLModel, table=True):
    """Managers who get the weekly summary by DM (Monday 08:00 in their zone)."""

    __tablename__ = "summary_subscriber"

    team_id: str = Field(primary_key=True, max_length=WORKSPACE_ID_LEN)
    user_id: str = Field(primary_key=True, max_length=PERSON_ID_LEN)
    tz: str | None = Field(default=None, max_length=64)
    added_at: datetime = Field(default_factory=clock.now)


class JobRun(SQLModel, table=True):
    """One occurrence of a scheduled job: claimed once (unique), or recorded as missed."""

    __tablename__ = "job_run"
    __table_args__ = (
        UniqueConstraint("team_id", "job_key", "occurrence", name="uq_job_run"),
        Index("ix_job_run_status", "team_id", "status", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=WORKSPACE_ID_LEN)
    job_key: str = Field(max_length=96)
    occurrence: str = Field(max_length=64)
    status: str = Field(default="done", max_length=16)  # done | missed
    at: datetime = Field(default_factory=clock.now)


class Delivery(SQLModel, table=True):
    """The ledger: one row per (what, recipient, occurrence), inserted before sending.

    A key that exists is never sent again. `pending` rows belong to `owner` until
    `lease_until`; a crash leaves them pending and they are recovered at start
    (or by another instance once the lease runs out)."""

    __table_args__ = (
        UniqueConstraint("team_id", "what", "recipient", "occurrence", name="uq_delivery_key"),
        Index("ix_delivery_status", "status", "lease_until"),
        Index("ix_delivery_team_created", "team_id", "created_at"),
        Index("ix_delivery_team_what_occurrence", "team_id", "what", "occurrence"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=WORKSPACE_ID_LEN)
    what: str = Field(max_length=96)
    recipient: str = Field(max_length=PLACE_ID_LEN)  # a person or a conversation
    occurrence: str = Field(max_length=64)
    status: str = Field(default="pending", max_length=16)  # pending | sent | failed | uncertain (see bot.delivery)
    payload: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    attempts: int = 0
    error: str | None = Field(default=None, max_length=200)
    owner: str | None = Field(default=None, max_length=96)
    lease_until: datetime | None = None
    channel: str | None = Field(default=None, max_length=PLACE_ID_LEN)
    ts: str | None = Field(default=None, max_length=MESSAGE_ID_LEN)
    created_at: datetime = Field(default_factory=clock.now)
    sent_at: datetime | None = None


class PendingCommand(SQLModel, table=True):
    """A slash command acknowledged and not yet finished: written before the ack, deleted once answered.

    `status` turns `done` (with the answer in `reply`) in the same unit of work as the command's own
    write, so a command that was carried out is never taken for one that was not. Rows a stopped
    process left behind (its `owner` gone, or older than the lease) are reported to their authors
    by DM at the next start (see `bot.journal`)."""

    __tablename__ = "pending_command"
    __table_args__ = (Index("ix_pending_command_received", "received_at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=WORKSPACE_ID_LEN)
    user_id: str = Field(max_length=PERSON_ID_LEN)
    channel_id: str | None = Field(default=None, max_length=PLACE_ID_LEN)
    command: str = Field(max_length=32)
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=16)  # pending | done
    reply: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # JSON, once done
    owner: str = Field(max_length=96)
    received_at: datetime = Field(default_factory=clock.now)
