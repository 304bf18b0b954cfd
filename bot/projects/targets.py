"""`/project update NAME [target=N] [booked=N] [client=…] [deadline=…] [budget=N] [channel=#c]`:
a project's facts changed by a manager, every change kept in the project's history, and the
figures `/project show` and the summaries put beside each other (scope creep, booked against target,
stakeholder satisfaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from bot import parsing
from bot.errors import Refused, UsageError
from bot.outcomes import Outcome
from bot.people import Actor
from bot.requests import Request
from storage import clock
from storage.models import Project

UPDATE_OPTIONS = {"target", "booked", "client", "deadline", "budget", "channel"}
REFUSAL = "Sorry, only managers can change a project. Ask a manager to run `/project update`."


@dataclass(frozen=True)
class UpdateProject(Request):
    """Change a project's facts (managers); None means 'not given'."""

    name: str
    target: float | None = None
    booked: float | None = None
    client: str | None = None
    deadline: date | None = None
    budget: float | None = None
    channel_id: str | None = None


@dataclass(frozen=True)
class ProjectUpdated:
    """A project's facts were changed: `changes` maps each field to [old, new]."""

    project: Project
    changes: dict[str, list[Any]]


def parse_update(text: str, usage: str, today: date | None = None) -> UpdateProject:
    p = parsing.parse(text, options=UPDATE_OPTIONS, usage=usage)
    name = " ".join(parsing.plain(p.rest).split())
    if not name:
        raise UsageError("Which project? `/project update NAME target=… booked=…`.", usage)
    if not p.options:
        raise UsageError(f"What should change on {name}? e.g. `/project update {name} booked=50k`.", usage)
    o = p.options
    client = parsing.plain(o["client"]) if "client" in o else None
    if client is not None and not client:
        raise UsageError("`client=` needs a name.", usage)
    if client and len(client) > 200:
        raise UsageError("`client=` can have at most 200 characters.", usage)
    deadline = parsing.iso_date(o["deadline"], "deadline", usage, today=today) if "deadline" in o else None
    if deadline and deadline < (today or clock.today()):
        raise UsageError(f"The deadline {deadline} is in the past.", usage)
    return UpdateProject(
        name=name, client=client, deadline=deadline,
        target=parsing.amount(o["target"], "target", usage) if "target" in o else None,
        booked=parsing.amount(o["booked"], "booked", usage) if "booked" in o else None,
        budget=parsing.amount(o["budget"], "budget", usage) if "budget" in o else None,
        channel_id=parsing.channel_id(o["channel"], "channel", usage) if "channel" in o else None)


def update(*, session: Session, actor: Actor, request: UpdateProject) -> Outcome:
    """Change the project's facts given, and keep the change in its history (who, when, what)."""
    from bot.projects.lookup import resolve
    from storage.repositories import projects as projects_repo

    if not actor.is_manager:
        raise Refused(REFUSAL)
    project = resolve(session=session, team_id=actor.team_id, name=request.name)
    changes: dict[str, list[Any]] = {}
    for field in ("target", "booked", "client", "deadline", "budget", "channel_id"):
        value = getattr(request, field)
        if value is not None and value != getattr(project, field):
            changes["channel" if field == "channel_id" else field] = [getattr(project, field), value]
            setattr(project, field, value)
    if not changes:
        raise UsageError(f"Nothing to change on {project.name}: give at least one value that differs.")
    session.add(project)
    projects_repo.record_event(session=session, project=project, actor_id=actor.user_id, action="updated",
                               changes=changes)
    return Outcome(reply=ProjectUpdated(project, changes))
