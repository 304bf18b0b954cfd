"""What the projects feature shows: data, not layout. Every front end lays these out its own way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.scope.views import ProjectScope
from bot.summaries.views import ProjectHealth
from storage.models import Project
from storage.models_lessons import ProjectClosing

BANDS = ("Critical", "High", "Medium", "Low")


@dataclass
class Created:
    """A project was created."""

    project: Project


@dataclass
class ProjectList:
    """Every project of the workspace, by name."""

    projects: Sequence[Project]
    closed: dict[int, ProjectClosing] = field(default_factory=dict)  # project id -> how it was closed


@dataclass
class Health:
    """A project's figures: open risks by band (every band, zeros included, from Critical down),
    counts of the feedback the viewer may see (`total`, `open` and one per sentiment), and the
    summary's figures (stakeholder score and trend, stand-up participation)."""

    risks: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BANDS, 0))
    feedback: dict[str, int] = field(default_factory=dict)
    extra: ProjectHealth | None = None
    scope: ProjectScope | None = None  # scope creep, booked against target, the satisfaction flag


@dataclass
class ProjectCard:
    """`/project show`: a project's facts and health figures."""

    project: Project
    health: Health
    closing: ProjectClosing | None = None  # set when the project is closed
