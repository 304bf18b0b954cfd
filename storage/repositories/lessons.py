"""Lessons learned and a project's history; all scoped by workspace.

Search is plain `LIKE` on columns kept lower-cased when written (`Lesson.search`, `Lesson.tags`),
so it behaves the same on SQLite and PostgreSQL: every word given must occur in the lesson's text or
tags, in any case; `%`, `_` and `\\` in a word are escaped and match themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from storage.models import Feedback, Project, Risk
from storage.models_lessons import Lesson, ProjectClosing
from storage.repositories import locked


def like_pattern(word: str) -> str:
    """`%word%` with LIKE's own characters escaped (used with `escape="\\\\"`)."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def add(*, session: Session, lesson: Lesson) -> Lesson:
    session.add(lesson)
    session.flush()
    return lesson


def get_by_number(*, session: Session, team_id: str, number: int) -> Lesson | None:
    return session.exec(select(Lesson).where(Lesson.team_id == team_id, Lesson.number == number)).first()


def page(*, session: Session, team_id: str, project_id: int | None = None, tag: str | None = None,
         words: Sequence[str] = (), offset: int = 0, limit: int = 20) -> tuple[list[Lesson], int]:
    """Lessons newest first, limited to a project, a tag and the lessons holding every word; and how many
    there are in all."""
    where: list[ColumnElement[bool]] = [col(Lesson.team_id) == team_id]
    if project_id is not None:
        where.append(col(Lesson.project_id) == project_id)
    if tag:
        where.append(col(Lesson.tags).like(like_pattern(f",{tag},"), escape="\\"))
    for word in words:
        where.append(col(Lesson.search).like(like_pattern(word.lower()), escape="\\"))
    total = session.exec(select(func.count()).select_from(Lesson).where(*where)).one()
    rows = session.exec(select(Lesson).where(*where)
                        .order_by(col(Lesson.created_at).desc(), col(Lesson.number).desc())
                        .offset(offset).limit(limit))
    return list(rows), int(total)


def of_client(*, session: Session, team_id: str, client: str, exclude_project_id: int | None = None,
              limit: int = 3) -> list[Lesson]:
    """The newest lessons of the client's projects (the client's name in any case), but one."""
    stmt = (select(Lesson).join(Project, col(Project.id) == col(Lesson.project_id))
            .where(col(Lesson.team_id) == team_id, col(Project.team_id) == team_id,
                   func.lower(col(Project.client)) == client.strip().lower()))
    if exclude_project_id is not None:
        stmt = stmt.where(col(Project.id) != exclude_project_id)
    stmt = stmt.order_by(col(Lesson.created_at).desc(), col(Lesson.number).desc()).limit(limit)
    return list(session.exec(stmt))


def tagged(*, session: Session, team_id: str, tags: Sequence[str], exclude: Sequence[int] = (),
           limit: int = 3) -> list[Lesson]:
    """The newest lessons carrying any of `tags`, but those of ids `exclude`."""
    if not tags or limit <= 0:
        return []
    stmt = select(Lesson).where(col(Lesson.team_id) == team_id)
    if exclude:
        stmt = stmt.where(col(Lesson.id).not_in(list(exclude)))
    stmt = stmt.where(or_(*(col(Lesson.tags).like(like_pattern(f",{t},"), escape="\\") for t in tags)))
    stmt = stmt.order_by(col(Lesson.created_at).desc(), col(Lesson.number).desc()).limit(limit)
    return list(session.exec(stmt))


def count_since(*, session: Session, team_id: str, since: datetime, project_id: int | None = None) -> int:
    where: list[ColumnElement[bool]] = [col(Lesson.team_id) == team_id, col(Lesson.created_at) >= since]
    if project_id is not None:
        where.append(col(Lesson.project_id) == project_id)
    return int(session.exec(select(func.count()).select_from(Lesson).where(*where)).one())


# ---- a project's closing and history ---------------------------------------------------------------

def lock_project(*, session: Session, team_id: str, project_id: int) -> Project | None:
    """The project's row, held until the unit of work ends (a concurrent close waits, then sees it closed)."""
    stmt = select(Project).where(Project.team_id == team_id, Project.id == project_id)
    return session.exec(locked(stmt)).first()


def closing_of(*, session: Session, team_id: str, project_id: int) -> ProjectClosing | None:
    """How the project was closed; None while it is open."""
    row = session.get(ProjectClosing, project_id)
    return row if row is not None and row.team_id == team_id else None


def closings(*, session: Session, team_id: str, ids: set[int]) -> dict[int, ProjectClosing]:
    """The closings of those of the projects `ids` that are closed."""
    if not ids:
        return {}
    rows = session.exec(select(ProjectClosing).where(ProjectClosing.team_id == team_id,
                                                     col(ProjectClosing.project_id).in_(ids)))
    return {r.project_id: r for r in rows}


def add_closing(*, session: Session, closing: ProjectClosing) -> ProjectClosing:
    session.add(closing)
    session.flush()
    return closing


def risk_authors(*, session: Session, team_id: str, project_id: int) -> list[str]:
    """Who logged the project's risks, each once, first logged first."""
    rows = session.exec(select(Risk.created_by, func.min(Risk.created_at)).where(
        Risk.team_id == team_id, Risk.project_id == project_id).group_by(col(Risk.created_by))
        .order_by(func.min(Risk.created_at)))
    return [str(r[0]) for r in rows if r[0]]


def feedback_authors(*, session: Session, team_id: str, project_id: int) -> list[str]:
    """Who gave the project's feedback under their name; anonymous feedback has no author stored."""
    rows = session.exec(select(Feedback.author_id, func.min(Feedback.created_at)).where(
        Feedback.team_id == team_id, Feedback.project_id == project_id, col(Feedback.is_anonymous).is_(False),
        col(Feedback.author_id).is_not(None)).group_by(col(Feedback.author_id)).order_by(func.min(Feedback.created_at)))
    return [str(r[0]) for r in rows if r[0]]
