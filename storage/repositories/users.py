"""Cache of what `users.info` said of people (roles and time zone)."""

from __future__ import annotations

from sqlmodel import Session

from storage.models import SlackUser


def get(*, session: Session, team_id: str, user_id: str) -> SlackUser | None:
    return session.get(SlackUser, (team_id, user_id))


def upsert(*, session: Session, row: SlackUser) -> SlackUser:
    return session.merge(row)
