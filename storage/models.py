"""Tables. Every row belongs to a Slack workspace (`team_id`) and every query
is scoped by it, so a multi-workspace install needs no data migration.

Times are aware datetimes stored as UTC; a person's zone is applied at the edge.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage import clock

# Ids as the chat platforms make them: a Slack id is about a dozen characters, a Teams tenant or Entra
# object id is a 36-character GUID, and a Teams conversation id (`19:…@thread.tacv2`, `a:…`) or
# activity id can run to some 200 characters.
WORKSPACE_ID_LEN = 64  # a Slack team id or a Teams tenant id (`team_id`)
PERSON_ID_LEN = 64  # a Slack user id or an Entra object id
PLACE_ID_LEN = 200  # a Slack channel id or a Teams conversation id
MESSAGE_ID_LEN = 200  # a Slack message ts or a Teams activity id


class Counter(SQLModel, table=True):
    """Per-workspace sequences behind the R-N and F-N ids."""

    team_id: str = Field(primary_key=True, max_length=WORKSPACE_ID_LEN)
    name: str = Field(primary_key=True, max_length=32)
    value: int = 0


class Project(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("team_id", "name_key", name="uq_project_team_name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=WORKSPACE_ID_LEN, index=True)
    name: str = Field(max_length=80)
    name_key: str = Field(max_length=80)  # lower-cased name, unique per workspace
    client: str | None = Field(default=None, max_length=200)
    channel_id: str | None = Field(default=None, max_length=PLACE_ID_LEN)
    deadline: date | None = None
    budget: float | None = None
    target: float | None = None  # the sales target for the project
    booked: float | None = None  # what is booked against it so far
    created_by: str = Field(max_length=PERSON_ID_LEN)
    created_at: datetime = Field(default_factory=clock.now)


class ProjectEvent(SQLModel, table=True):
    """One change to a project: created, updated (target, booked, client, deadline, budget, channel) or
    closed; who, when, what changed (JSON of field -> [old, new]) and a note."""

    __tablename__ = "project_event"
    __table_args__ = (Index("ix_project_event_project", "team_id", "project_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=WORKSPACE_ID_LEN)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    at: datetime = Field(default_factory=clock.now)
    actor_id: str = Field(max_length=PERSON_ID_LEN)
    action: str = Field(max_length=16)  # created | updated | closed
    changes: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text))


class Risk(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("team_id", "number", name="uq_risk_team_number"),
        Index("ix_risk_team_status_score", "team_id", "status", "score"),
        Index("ix_risk_team_project", "team_id", "project_id"),
        Index("ix_risk_team_review", "team_id", "review_date"),
        Index("ix_risk_team_score", "team_id", "score", "number"),
        Index("ix_risk_team_created", "team_id", "created_at"),
        Index("ix_risk_team_status_review", "team_id", "status", "review_date"),
        Index("ix_risk_status_review", "status", "review_date"),  # review reminders, all workspaces
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=WORKSPACE_ID_LEN)
    number: int
    project_id: int | None = Field(default=None, foreign_key="project.id", ondelete="SET NULL")
    title: str = Field(max_length=200)
    description: str | None = Field(default=None, sa_column=Column(Text))
    probability: int
    impact: int
    score: int  # probability x impact, stored so lists sort in the database
    status: str = Field(default="open", max_length=16)
    owner_id: str | None = Field(default=None, max_length=PERSON_ID_LEN)
    mitigation: str | None = Field(default=None, sa_column=Column(Text))
    contingency: str | None = Field(default=None, sa_column=Column(Text))
    review_date: date | None = None
    source: str = Field(default="manual", max_length=16)  # manual | standup | checkin
    created_by: str = Field(max_length=PERSON_ID_LEN)
    created_at: datetime = Field(default_factory=clock.now)
    updated_at: datetime = Field(default_factory=clock.now)
    closed_at: datetime | None = None


class RiskEvent(SQLModel, table=True):
    """One change to a risk: who, when, what changed (JSON of field -> [old, new])."""

    __table_args__ = (Index("ix_riskevent_risk", "risk_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=WORKSPACE_ID_LEN)
    risk_id: int = Field(foreign_key="risk.id", ondelete="CASCADE")
    at: datetime = Field(default_factory=clock.now)
    actor_id: str = Field(max_length=PERSON_ID_LEN)
    action: str = Field(max_length=16)  # created | updated | closed | reviewed
    changes: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text))


class Feedback(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("team_id", "number", name="uq_feedback_team_number"),
        Index("ix_feedback_team_project", "team_id", "project_id"),
        Index("ix_feedback_team_created", "team_id", "created_at"),
        Index("ix_feedback_team_waiting", "team_id", "acted_at", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=WORKSPACE_ID_LEN)
    number: int
    project_id: int | None = Field(default=None, foreign_key="project.id", ondelete="SET NULL")
    source: str = Field(default="team", max_length=16)  # client | team
    sentiment: str = Field(default="neutral", max_length=16)  # positive | neutral | negative
    text: str = Field(sa_column=Column(Text, nullable=False))
    is_private: bool = False
    is_anonymous: bool = False
    author_id: str | None = Field(default=None, max_length=PERSON_ID_LEN)  # never set when anonymous
    created_at: datetime = Field(default_factory=clock.now)
    acted_at: datetime | None = None
    acted_by: str | None = Field(default=None, max_length=PERSON_ID_LEN)
    action_text: str | None = Field(default=None, sa_column=Column(Text))


class SlackUser(SQLModel, table=True):
    """What `users.info` said of a person, cached (roles and time zone)."""

    team_id: str = Field(primary_key=True, max_length=WORKSPACE_ID_LEN)
    user_id: str = Field(primary_key=True, max_length=PERSON_ID_LEN)
    name: str | None = Field(default=None, max_length=120)
    tz: str | None = Field(default=None, max_length=64)
    is_admin: bool = False
    is_owner: bool = False
    is_guest: bool = False
    fetched_at: datetime = Field(default_factory=clock.now)
