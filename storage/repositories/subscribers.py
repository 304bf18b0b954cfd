"""Managers who get the weekly summary."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models_rhythm import SummarySubscriber


def subscribe(*, session: Session, team_id: str, user_id: str, tz: str | None) -> bool:
    """Add (or refresh the zone of) a subscriber; True when this changed the schedule."""
    row = session.get(SummarySubscriber, (team_id, user_id))
    if row is None:
        session.add(SummarySubscriber(team_id=team_id, user_id=user_id, tz=tz))
        return True
    if tz and row.tz != tz:
        row.tz = tz
        session.add(row)
        return True
    return False


def all_for(*, session: Session, team_id: str) -> list[SummarySubscriber]:
    return list(session.exec(select(SummarySubscriber).where(SummarySubscriber.team_id == team_id)))
