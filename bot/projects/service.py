"""Projects: creation, listing, lookup by name and health figures."""

from __future__ import annotations

import difflib
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.deps import Actor
from bot.errors import NotFound, Refused, UsageError
from bot.outcomes import Outcome
from handlers.slack.render import projects as ui
from handlers.slack.render.common import safe
from storage.models import Project
from storage.repositories import feedback as feedback_repo
from storage.repositories import projects as repo
from storage.repositories import risks as risks_repo

MAX_NAME = 80


def resolve(*, session: Session, team_id: str, name: str) -> Project:
    """The project called `name` (any case), or a refusal naming the closest ones."""
    project = repo.get_by_name(session=session, team_id=team_id, name=name)
    if project is not None:
        return project
    names = repo.names(session=session, team_id=team_id)
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5) or difflib.get_close_matches(
        name.lower(), [n.lower() for n in names], n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(f'*{safe(c)}*' for c in close)}?" if close else ""
    raise NotFound(
        f"There is no project called *{safe(name)}*.{hint} "
        f"Managers can create it with `/project new {safe(name)}`."
    )


def create(*, session: Session, actor: Actor, name: str, client: str | None = None,
           channel_id: str | None = None, deadline: date | None = None, budget: float | None = None,
           usage: str | None = None) -> Outcome:
    if not actor.is_manager:
        raise Refused("Sorry, only managers can create projects. Ask a manager to run `/project new`.")
    name = " ".join(name.split())
    if not name:
        raise UsageError("Give the project a name.", usage)
    if len(name) > MAX_NAME:
        raise UsageError(f"A project name can have at most {MAX_NAME} characters.", usage)
    if repo.get_by_name(session=session, team_id=actor.team_id, name=name) is not None:
        raise UsageError(f"There is already a project called *{safe(name)}*.")
    project = Project(team_id=actor.team_id, name=name, name_key=name.lower(), client=client,
                      channel_id=channel_id, deadline=deadline, budget=budget, created_by=actor.user_id)
    try:
        with session.begin_nested():
            repo.add(session=session, project=project)
    except IntegrityError:
        raise UsageError(f"There is already a project called *{safe(name)}*.") from None
    return Outcome(reply=ui.created(project))


def list_projects(*, session: Session, actor: Actor) -> Outcome:
    projects = repo.list_all(session=session, team_id=actor.team_id)
    return Outcome(reply=ui.listing(projects))


def health(*, session: Session, team_id: str, project: Project, viewer: Actor,
           today: date | None = None) -> dict[str, Any]:
    """Figures for `/project show`: open risks by band, feedback counts (of the feedback `viewer`
    may see), and (as extra fields) the latest stakeholder score with its trend and stand-up
    participation."""
    from bot.risks.service import band
    from bot.summaries.service import health_extra

    assert project.id is not None
    bands = {"Critical": 0, "High": 0, "Medium": 0, "Low": 0}
    for score, n in risks_repo.open_by_band(session=session, team_id=team_id, project_id=project.id).items():
        bands[band(score)] += n
    feedback = feedback_repo.counts(session=session, team_id=team_id, project_id=project.id,
                                    viewer_id=viewer.user_id, viewer_is_manager=viewer.is_manager)
    return {"risks": bands, "feedback": feedback,
            "extra": health_extra(session=session, team_id=team_id, project=project, today=today)}


def show(*, session: Session, actor: Actor, name: str) -> Outcome:
    project = resolve(session=session, team_id=actor.team_id, name=name)
    return Outcome(reply=ui.card(project, health(session=session, team_id=actor.team_id, project=project,
                                                   viewer=actor)))
