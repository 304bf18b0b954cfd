"""What a manager's summary shows, and the health figures of a project's card: data, not layout.

The rows are the storage's own (risks, feedback, deliveries, job runs); every front end lays
them out and decides how much of each fits its own messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from bot.scope.views import ProjectScope
from storage.models import Feedback, Project, Risk
from storage.models_rhythm import Delivery, JobRun
from storage.repositories.summaries import StandupRate


@dataclass
class WeekScore:
    week: str  # ISO week, e.g. 2026-W48
    average: float
    answers: int


@dataclass
class ProjectScores:
    """A project's stakeholder check-ins: weekly averages (oldest first) and its latest poll."""

    project_id: int
    name: str
    weeks: list[WeekScore]
    answered: int = 0  # in the latest poll
    at_risk: int = 0
    off_track: int = 0
    not_answered: list[str] = field(default_factory=list)

    @property
    def latest(self) -> float | None:
        return self.weeks[-1].average if self.weeks else None

    @property
    def change(self) -> float | None:
        return round(self.weeks[-1].average - self.weeks[-2].average, 1) if len(self.weeks) > 1 else None


@dataclass
class Summary:
    """A summary: asked for now (`week` unset, answering `/summary`) or the weekly DM of ISO `week`."""

    team_id: str
    today: date
    since: datetime
    now: datetime
    project: Project | None = None
    week: str | None = None  # set for the weekly DM
    subscribed: bool = False  # this request subscribed the manager to the weekly DM
    top_risks: list[Risk] = field(default_factory=list)
    open_total: int = 0
    new_risks: list[Risk] = field(default_factory=list)
    new_total: int = 0
    overdue: list[Risk] = field(default_factory=list)
    overdue_total: int = 0
    sentiment: dict[str, int] = field(default_factory=dict)
    waiting: list[Feedback] = field(default_factory=list)
    waiting_total: int = 0
    scores: list[ProjectScores] = field(default_factory=list)
    standups: list[StandupRate] = field(default_factory=list)
    failures: list[Delivery] = field(default_factory=list)
    failures_total: int = 0
    missed: list[JobRun] = field(default_factory=list)
    missed_total: int = 0
    project_names: dict[int, str] = field(default_factory=dict)
    lessons_total: int = 0  # lessons logged since `since` (as new risks)
    scope: list[ProjectScope] = field(default_factory=list)  # scope creep, booked against target, the flag


@dataclass
class ProjectHealth:
    """The summary's figures on a project's card: its latest stakeholder scores (None: no answers in
    the last weeks) and the participation of the stand-up in its channel (None: no channel set)."""

    scores: ProjectScores | None
    standups: list[StandupRate]
    channel_id: str | None


def age(when: datetime, now: datetime) -> str:
    """How long ago `when` was, in days, as every front end says it ("today", "3 days ago")."""
    days = (now - (when if when.tzinfo else when.replace(tzinfo=UTC))).days
    return "today" if days < 1 else f"{days} day{'s' if days != 1 else ''} ago"
