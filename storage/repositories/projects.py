"""Projects: everything else hangs on them."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, col, select

from storage.models import Project, ProjectEvent


def get_by_name(*, session: Session, team_id: str, name: str) -> Project | None:
    return session.exec(
        select(Project).where(Project.team_id == team_id, Project.name_key == name.strip().lower())
    ).first()


def get(*, session: Session, team_id: str, project_id: int) -> Project | None:
    p = session.get(Project, project_id)
    return p if p is not None and p.team_id == team_id else None


def names(*, session: Session, team_id: str) -> list[str]:
    return list(session.exec(select(Project.name).where(Project.team_id == team_id).order_by(Project.name_key)))


def list_all(*, session: Session, team_id: str) -> list[Project]:
    return list(session.exec(select(Project).where(Project.team_id == team_id).order_by(Project.name_key)))


def by_ids(*, session: Session, team_id: str, ids: set[int]) -> dict[int, Project]:
    if not ids:
        return {}
    rows = session.exec(select(Project).where(Project.team_id == team_id, col(Project.id).in_(ids)))
    return {p.id: p for p in rows if p.id is not None}


def add(*, session: Session, project: Project) -> Project:
    session.add(project)
    session.flush()
    return project


def record_event(*, session: Session, project: Project, actor_id: str, action: str,
                 changes: dict[str, list[Any]], note: str | None = None) -> ProjectEvent:
    """Keep one change to a project in its history (`changes`: field -> [old, new])."""
    assert project.id is not None
    event = ProjectEvent(team_id=project.team_id, project_id=project.id, actor_id=actor_id, action=action,
                         changes=json.dumps(changes, default=str), note=note)
    session.add(event)
    return event


def history(*, session: Session, team_id: str, project_id: int) -> list[ProjectEvent]:
    """A project's history, oldest first."""
    return list(session.exec(
        select(ProjectEvent).where(ProjectEvent.team_id == team_id, ProjectEvent.project_id == project_id)
        .order_by(col(ProjectEvent.at), col(ProjectEvent.id))))
