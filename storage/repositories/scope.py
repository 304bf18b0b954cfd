"""Scope baselines, change requests and their history; a project's own history. All scoped by
workspace."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage import clock
from storage.models_scope import ScopeBaseline, ScopeChange, ScopeEvent
from storage.repositories import locked


def baseline(*, session: Session, team_id: str, project_id: int, lock: bool = False) -> ScopeBaseline | None:
    stmt = select(ScopeBaseline).where(ScopeBaseline.team_id == team_id, ScopeBaseline.project_id == project_id)
    return session.exec(locked(stmt, lock)).first()


def ensure_baseline(*, session: Session, team_id: str, project_id: int, actor_id: str
                    ) -> tuple[ScopeBaseline, bool]:
    """The project's baseline taken under lock, made (empty) first if it has none: True when this
    unit of work made it. Two managers setting the first baseline at once both get the one row."""
    dialect = session.get_bind().dialect.name
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ScopeBaseline)
    made = session.execute(ins.values(team_id=team_id, project_id=project_id, updated_by=actor_id,
                                      updated_at=clock.now()).on_conflict_do_nothing()
                           .returning(col(ScopeBaseline.id))).first()
    row = baseline(session=session, team_id=team_id, project_id=project_id, lock=True)
    assert row is not None
    return row, made is not None


def save_baseline(*, session: Session, row: ScopeBaseline) -> ScopeBaseline:
    session.add(row)
    session.flush()
    return row


def record(*, session: Session, team_id: str, project_id: int, actor_id: str, action: str,
           changes: dict[str, list[Any]], change_id: int | None = None, note: str | None = None) -> ScopeEvent:
    ev = ScopeEvent(team_id=team_id, project_id=project_id, change_id=change_id, actor_id=actor_id,
                    action=action, changes=json.dumps(changes, default=str), note=note)
    session.add(ev)
    return ev


def history(*, session: Session, team_id: str, project_id: int, limit: int = 50) -> list[ScopeEvent]:
    """The project's scope history, newest first (at most `limit` events)."""
    return list(session.exec(
        select(ScopeEvent).where(ScopeEvent.team_id == team_id, ScopeEvent.project_id == project_id)
        .order_by(col(ScopeEvent.at).desc(), col(ScopeEvent.id).desc()).limit(limit)))


def add_change(*, session: Session, change: ScopeChange) -> ScopeChange:
    session.add(change)
    session.flush()
    return change


def change_by_number(*, session: Session, team_id: str, number: int, lock: bool = False) -> ScopeChange | None:
    """The change request `C-number`; with `lock`, its row is held until the unit of work ends, so a
    concurrent decision waits and then reads what this one wrote."""
    stmt = select(ScopeChange).where(ScopeChange.team_id == team_id, ScopeChange.number == number)
    return session.exec(locked(stmt, lock)).first()


def change_by_id(*, session: Session, team_id: str, change_id: int) -> ScopeChange | None:
    row = session.get(ScopeChange, change_id)
    return row if row is not None and row.team_id == team_id else None


def changes(*, session: Session, team_id: str, project_id: int) -> list[ScopeChange]:
    """The project's change requests, newest first."""
    return list(session.exec(
        select(ScopeChange).where(ScopeChange.team_id == team_id, ScopeChange.project_id == project_id)
        .order_by(col(ScopeChange.number).desc())))


def approved_days(*, session: Session, team_id: str, project_id: int) -> float:
    """The person-days of the project's approved change requests."""
    total = session.exec(select(func.coalesce(func.sum(ScopeChange.days), 0.0)).where(
        ScopeChange.team_id == team_id, ScopeChange.project_id == project_id,
        ScopeChange.status == "approved")).one()
    return float(total or 0.0)


def change_requesters(*, session: Session, team_id: str, project_id: int) -> list[str]:
    """Who asked for the project's scope changes, each once, first asked first."""
    rows = session.exec(select(ScopeChange.requested_by, func.min(ScopeChange.requested_at)).where(
        ScopeChange.team_id == team_id, ScopeChange.project_id == project_id)
        .group_by(col(ScopeChange.requested_by)).order_by(func.min(ScopeChange.requested_at)))
    return [str(r[0]) for r in rows if r[0]]
