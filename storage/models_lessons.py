"""Tables of lessons learned (`/lesson`), of closed projects and of a project's history (closing it, for now).

Every row belongs to a workspace (`team_id`) and every query is scoped by it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage import clock
from storage.models import PERSON_ID_LEN, WORKSPACE_ID_LEN, ProjectEvent  # noqa: F401 - ProjectEvent re-exported


class Lesson(SQLModel, table=True):
    """A lesson `L-N`: what the team learned, maybe on a project, with tags.

    `tags` is the normalised tags joined and wrapped in commas (`,late-vendor,api,`), so one tag is
    found with a plain `LIKE '%,tag,%'` on SQLite and PostgreSQL alike. `search` is the lower-cased
    text (with the tags), matched word by word with `LIKE`."""

    __table_args__ = (
        UniqueConstraint("team_id", "number", name="uq_lesson_team_number"),
        Index("ix_lesson_team_project", "team_id", "project_id"),
        Index("ix_lesson_team_created", "team_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=WORKSPACE_ID_LEN)
    number: int
    project_id: int | None = Field(default=None, foreign_key="project.id", ondelete="SET NULL")
    text: str = Field(sa_column=Column(Text, nullable=False))
    tags: str = Field(default="", max_length=500)
    search: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_by: str = Field(max_length=PERSON_ID_LEN)
    created_at: datetime = Field(default_factory=clock.now)


class ProjectClosing(SQLModel, table=True):
    """A closed project: how it ended, who closed it and when (a project without one is open).

    Kept beside the project rather than in its table, so closing adds no column to `project`; the
    project's primary key here makes a second close of the same project impossible."""

    __tablename__ = "project_closing"

    project_id: int = Field(primary_key=True, foreign_key="project.id", ondelete="CASCADE")
    team_id: str = Field(max_length=WORKSPACE_ID_LEN, index=True)
    outcome: str | None = Field(default=None, max_length=16)  # won | lost
    note: str | None = Field(default=None, sa_column=Column(Text))
    closed_by: str = Field(max_length=PERSON_ID_LEN)
    closed_at: datetime = Field(default_factory=clock.now)
