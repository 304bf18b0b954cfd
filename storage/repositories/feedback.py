"""Feedback items; all scoped by workspace."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from storage.models import Feedback
from storage.repositories import locked


def add(*, session: Session, item: Feedback) -> Feedback:
    session.add(item)
    session.flush()
    return item


def get_by_number(*, session: Session, team_id: str, number: int, lock: bool = False) -> Feedback | None:
    """The item `F-number`; with `lock`, its row is held until the unit of work ends, so a concurrent
    change waits and then reads what this one wrote (PostgreSQL; SQLite runs one writer at a time)."""
    stmt = select(Feedback).where(Feedback.team_id == team_id, Feedback.number == number)
    return session.exec(locked(stmt, lock)).first()


def page(*, session: Session, team_id: str, viewer_id: str, viewer_is_manager: bool,
         project_id: int | None = None, offset: int = 0, limit: int = 20) -> tuple[list[Feedback], int]:
    """Feedback the viewer may see, newest first. Private items: managers and their author only."""
    where: list[ColumnElement[bool]] = [col(Feedback.team_id) == team_id]
    if project_id is not None:
        where.append(col(Feedback.project_id) == project_id)
    if not viewer_is_manager:
        where.append(or_(col(Feedback.is_private).is_(False), col(Feedback.author_id) == viewer_id))
    total = session.exec(select(func.count()).select_from(Feedback).where(*where)).one()
    rows = session.exec(select(Feedback).where(*where).order_by(col(Feedback.number).desc())
                        .offset(offset).limit(limit))
    return list(rows), int(total)


def counts(*, session: Session, team_id: str, project_id: int, viewer_id: str | None,
           viewer_is_manager: bool) -> dict[str, int]:
    """Counts for a project's health: by sentiment, and how many still wait for action; of the
    feedback the viewer may see, as in `page` (private items: managers and their author only)."""
    where: list[ColumnElement[bool]] = [col(Feedback.team_id) == team_id, col(Feedback.project_id) == project_id]
    if not viewer_is_manager:
        where.append(or_(col(Feedback.is_private).is_(False), col(Feedback.author_id) == viewer_id))
    rows = session.exec(
        select(Feedback.sentiment, col(Feedback.acted_at).is_(None), func.count())
        .where(*where)
        .group_by(Feedback.sentiment, col(Feedback.acted_at).is_(None))
    )
    out = {"total": 0, "open": 0, "positive": 0, "neutral": 0, "negative": 0}
    for sentiment, waiting, n in rows:
        out["total"] += n
        out[sentiment] = out.get(sentiment, 0) + n
        if waiting:
            out["open"] += n
    return out
