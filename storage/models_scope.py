"""Tables of scope before commitment: a project's baseline, its change requests `C-N`, the history
of both, and the history of a project's own facts (target, booked, client, deadline…).

Every row belongs to a workspace (`team_id`) and every query is scoped by it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage import clock
from storage.models import PERSON_ID_LEN, WORKSPACE_ID_LEN, ProjectEvent  # noqa: F401 - ProjectEvent re-exported

CHANGE_STATUSES = ("pending", "approved", "rejected")


class ScopeBaseline(SQLModel, table=True):
    """What was agreed before the work was committed: the estimate in person-days, what is in and
    out of scope, and the assumptions. One per project; every change is a `ScopeEvent`."""

    __tablename__ = "scope_baseline"
    __table_args__ = (UniqueConstraint("team_id", "project_id", name="uq_scope_baseline_project"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=WORKSPACE_ID_LEN)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    days: float | None = None
    in_scope: str | None = Field(default=None, sa_column=Column(Text))
    out_scope: str | None = Field(default=None, sa_column=Column(Text))
    assumptions: str | None = Field(default=None, sa_column=Column(Text))
    updated_by: str = Field(max_length=PERSON_ID_LEN)
    updated_at: datetime = Field(default_factory=clock.now)


class ScopeChange(SQLModel, table=True):
    """A change request `C-N` on a project: pending until a manager approves or rejects it."""

    __tablename__ = "scope_change"
    __table_args__ = (
        UniqueConstraint("team_id", "number", name="uq_scope_change_team_number"),
        Index("ix_scope_change_project", "team_id", "project_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=WORKSPACE_ID_LEN)
    number: int
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    title: str = Field(max_length=200)
    days: float | None = None
    cost: float | None = None
    status: str = Field(default="pending", max_length=16)  # pending | approved | rejected
    source: str = Field(default="manual", max_length=16)  # manual | standup | checkin
    requested_by: str = Field(max_length=PERSON_ID_LEN)
    requested_at: datetime = Field(default_factory=clock.now)
    decided_by: str | None = Field(default=None, max_length=PERSON_ID_LEN)
    decided_at: datetime | None = None
    decision_note: str | None = Field(default=None, sa_column=Column(Text))


class ScopeEvent(SQLModel, table=True):
    """One change of a project's scope: the baseline set or changed, a change request logged or
    decided. Who, when, what changed (JSON of field -> [old, new])."""

    __tablename__ = "scope_event"
    __table_args__ = (Index("ix_scope_event_project", "team_id", "project_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=WORKSPACE_ID_LEN)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    change_id: int | None = Field(default=None, foreign_key="scope_change.id", ondelete="CASCADE")
    at: datetime = Field(default_factory=clock.now)
    actor_id: str = Field(max_length=PERSON_ID_LEN)
    action: str = Field(max_length=16)  # baseline | requested | approved | rejected
    changes: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text))
