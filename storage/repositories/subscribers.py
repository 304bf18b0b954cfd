"""Managers who get the weekly summary."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage import clock
from storage.models_rhythm import SummarySubscriber
from storage.repositories import locked


def subscribe(*, session: Session, team_id: str, user_id: str, tz: str | None) -> bool:
    """Add (or refresh the zone of) a subscriber; True when this changed the schedule.

    Safe when two units of work subscribe the same person at once: the second finds the row."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    ins = insert(SummarySubscriber).values(team_id=team_id, user_id=user_id, tz=tz, added_at=clock.now())
    if session.execute(ins.on_conflict_do_nothing(index_elements=["team_id", "user_id"])
                       .returning(col(SummarySubscriber.user_id))).first() is not None:
        return True
    row = session.exec(locked(select(SummarySubscriber).where(
        SummarySubscriber.team_id == team_id, SummarySubscriber.user_id == user_id))).one()
    if tz and row.tz != tz:
        row.tz = tz
        session.add(row)
        return True
    return False


def all_for(*, session: Session, team_id: str) -> list[SummarySubscriber]:
    return list(session.exec(select(SummarySubscriber).where(SummarySubscriber.team_id == team_id)))
