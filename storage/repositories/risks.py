"""The risk register's queries; all scoped by workspace."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from storage.models import Risk, RiskEvent
from storage.repositories import locked

OPEN_STATUSES = ("open", "mitigating", "monitoring")


def add(*, session: Session, risk: Risk, actor_id: str, note: str | None = None) -> Risk:
    session.add(risk)
    session.flush()
    assert risk.id is not None
    fields = {k: [None, v] for k, v in _snapshot(risk).items() if v not in (None, "")}
    session.add(RiskEvent(team_id=risk.team_id, risk_id=risk.id, actor_id=actor_id, action="created",
                          changes=json.dumps(fields, default=str), note=note))
    return risk


def record(*, session: Session, risk: Risk, actor_id: str, action: str, changes: dict[str, list[Any]],
           note: str | None = None) -> RiskEvent:
    assert risk.id is not None
    ev = RiskEvent(team_id=risk.team_id, risk_id=risk.id, actor_id=actor_id, action=action,
                   changes=json.dumps(changes, default=str), note=note)
    session.add(ev)
    return ev


def get_by_number(*, session: Session, team_id: str, number: int, lock: bool = False) -> Risk | None:
    """The risk `R-number`; with `lock`, its row is held until the unit of work ends, so a concurrent
    change waits and then reads what this one wrote (PostgreSQL; SQLite runs one writer at a time)."""
    stmt = select(Risk).where(Risk.team_id == team_id, Risk.number == number)
    return session.exec(locked(stmt, lock)).first()


def history(*, session: Session, risk: Risk) -> list[RiskEvent]:
    return list(session.exec(
        select(RiskEvent).where(RiskEvent.risk_id == risk.id, RiskEvent.team_id == risk.team_id)
        .order_by(col(RiskEvent.at), col(RiskEvent.id))
    ))


def page(*, session: Session, team_id: str, project_id: int | None = None, include_closed: bool = False,
         offset: int = 0, limit: int = 20) -> tuple[list[Risk], int]:
    """Risks by score (highest first), newest first among equals; and how many there are in all."""
    where: list[ColumnElement[bool]] = [col(Risk.team_id) == team_id]
    if project_id is not None:
        where.append(col(Risk.project_id) == project_id)
    if not include_closed:
        where.append(col(Risk.status).in_(OPEN_STATUSES))
    total = session.exec(select(func.count()).select_from(Risk).where(*where)).one()
    # Open risks only: ordered by an index on (team_id, score, number), read backwards, so a page
    # costs the same with ten risks or a hundred thousand. Closed ones, when asked for, come last.
    order: list[Any] = [col(Risk.score).desc(), col(Risk.number).desc()]
    if include_closed:
        order.insert(0, col(Risk.status) == "closed")
    rows = session.exec(select(Risk).where(*where).order_by(*order).offset(offset).limit(limit))
    return list(rows), int(total)


def open_by_band(*, session: Session, team_id: str, project_id: int) -> dict[int, int]:
    """Open risks of a project counted by score: returns score -> count."""
    rows = session.exec(
        select(Risk.score, func.count()).where(
            Risk.team_id == team_id, Risk.project_id == project_id, col(Risk.status).in_(OPEN_STATUSES)
        ).group_by(col(Risk.score))
    )
    return {int(s): int(n) for s, n in rows}


def due_for_review(*, session: Session, team_id: str, on: date) -> list[Risk]:
    return list(session.exec(
        select(Risk).where(Risk.team_id == team_id, col(Risk.status).in_(OPEN_STATUSES),
                           col(Risk.review_date).is_not(None), col(Risk.review_date) <= on)
        .order_by(col(Risk.review_date))
    ))


def _snapshot(risk: Risk) -> dict[str, Any]:
    return {
        "title": risk.title, "description": risk.description, "probability": risk.probability,
        "impact": risk.impact, "status": risk.status, "owner": risk.owner_id, "mitigation": risk.mitigation,
        "contingency": risk.contingency, "review": risk.review_date, "project_id": risk.project_id,
    }


def open_on_project(*, session: Session, team_id: str, project_id: int | None, exclude_id: int | None = None,
                    limit: int = 500) -> list[Risk]:
    """The newest open risks of a project (or of no project, for None), but one: what a new risk's title
    is compared with (`bot.risks.similar`)."""
    where: list[ColumnElement[bool]] = [col(Risk.team_id) == team_id, col(Risk.status).in_(OPEN_STATUSES)]
    where.append(col(Risk.project_id) == project_id if project_id is not None else col(Risk.project_id).is_(None))
    if exclude_id is not None:
        where.append(col(Risk.id) != exclude_id)
    return list(session.exec(select(Risk).where(*where).order_by(col(Risk.number).desc()).limit(limit)))
