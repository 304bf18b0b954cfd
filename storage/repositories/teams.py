"""The Teams people and conversations the bot has seen, and where to reach each of them.

Every activity refreshes what it tells about its sender and its conversation (`seen_person`,
`seen_conversation`): Teams may move a conversation to another `serviceUrl`, and replies must go to
the one last seen. Each upsert is one `INSERT … ON CONFLICT DO UPDATE`, so two activities of one
person handled at once (two workers, or two instances on one PostgreSQL database) end with one row
and neither fails. What an activity does not carry (a 1:1 conversation id, a time zone) never
erases what an earlier one told.

Ids are stored as Teams sends them; a channel thread's `;messageid=…` suffix is the caller's to
strip, so that a conversation is one row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage import clock
from storage.models_teams import NAME_LEN, TeamsConversation, TeamsPerson

KINDS = ("personal", "channel", "groupChat")


def _insert(session: Session, model: type[TeamsPerson] | type[TeamsConversation]) -> Any:
    """The dialect's INSERT (both PostgreSQL's and SQLite's have `on_conflict_do_update`)."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def _name(name: str | None) -> str | None:
    """A display name, cut to the column's length (a name is shown, never matched on)."""
    return name[:NAME_LEN] if name else None


def seen_person(*, session: Session, tenant_id: str, aad_object_id: str, bot_scoped_id: str, name: str | None,
                service_url: str, tz: str | None, conversation_id: str | None = None) -> TeamsPerson:
    """Record that the person wrote or acted (an activity `from` them); the row as it now stands.

    The `29:` id, service URL and time seen always take the activity's values; the name, time zone
    and 1:1 conversation id only when the activity has one (a channel message carries no 1:1 id,
    and not every activity has a `localTimezone`)."""
    table: Table = TeamsPerson.__table__  # type: ignore[attr-defined]
    ins = _insert(session, TeamsPerson).values(
        team_id=tenant_id, aad_object_id=aad_object_id, bot_scoped_id=bot_scoped_id, name=_name(name),
        conversation_id=conversation_id, service_url=service_url, tz=tz or None, seen_at=clock.now())
    new = ins.excluded
    stmt = ins.on_conflict_do_update(index_elements=["team_id", "aad_object_id"], set_={
        "bot_scoped_id": new.bot_scoped_id,
        "name": func.coalesce(new.name, table.c.name),
        "conversation_id": func.coalesce(new.conversation_id, table.c.conversation_id),
        "service_url": new.service_url,
        "tz": func.coalesce(new.tz, table.c.tz),
        "seen_at": new.seen_at,
    }).returning(TeamsPerson)
    row: TeamsPerson = session.scalars(stmt, execution_options={"populate_existing": True}).one()
    return row


def person(*, session: Session, tenant_id: str, aad_object_id: str) -> TeamsPerson | None:
    return session.exec(select(TeamsPerson).where(
        TeamsPerson.team_id == tenant_id, TeamsPerson.aad_object_id == aad_object_id)).first()


def set_dm(*, session: Session, tenant_id: str, aad_object_id: str, conversation_id: str) -> bool:
    """Remember the 1:1 conversation the bot created with a person it has seen; False (nothing
    stored) for a person it has not seen, whom it has no `29:` id or service URL for."""
    res = session.execute(update(TeamsPerson).where(
        col(TeamsPerson.team_id) == tenant_id, col(TeamsPerson.aad_object_id) == aad_object_id)
        .values(conversation_id=conversation_id))
    return bool(res.rowcount)  # type: ignore[attr-defined]


def seen_conversation(*, session: Session, tenant_id: str, conversation_id: str, kind: str, service_url: str,
                      team_aad_group_id: str | None = None, name: str | None = None) -> TeamsConversation:
    """Record a conversation the bot was added to or written to in; the row as it now stands.

    `kind` is Teams' `conversationType` (personal, channel or groupChat). The service URL and time
    seen always take the activity's values; the team's group id and the name only when given."""
    if kind not in KINDS:
        raise ValueError(f"conversation kind {kind!r} is none of {', '.join(KINDS)}")
    table: Table = TeamsConversation.__table__  # type: ignore[attr-defined]
    ins = _insert(session, TeamsConversation).values(
        team_id=tenant_id, conversation_id=conversation_id, kind=kind, team_aad_group_id=team_aad_group_id,
        service_url=service_url, name=_name(name), seen_at=clock.now())
    new = ins.excluded
    stmt = ins.on_conflict_do_update(index_elements=["team_id", "conversation_id"], set_={
        "kind": new.kind,
        "team_aad_group_id": func.coalesce(new.team_aad_group_id, table.c.team_aad_group_id),
        "service_url": new.service_url,
        "name": func.coalesce(new.name, table.c.name),
        "seen_at": new.seen_at,
    }).returning(TeamsConversation)
    row: TeamsConversation = session.scalars(stmt, execution_options={"populate_existing": True}).one()
    return row


def where_to_reach(*, session: Session, tenant_id: str, recipient_id: str) -> tuple[str, str] | None:
    """The service URL and conversation id a message to `recipient_id` goes to, or None when the bot
    cannot reach it yet.

    `recipient_id` is a person's Entra object id (their 1:1 conversation, None while there is none)
    or a conversation id (a channel, a group chat, or someone's 1:1 chat)."""
    someone = session.exec(select(TeamsPerson.service_url, TeamsPerson.conversation_id).where(
        TeamsPerson.team_id == tenant_id, TeamsPerson.aad_object_id == recipient_id)).first()
    if someone is not None:
        url, dm = someone
        return (url, dm) if dm else None
    place = session.exec(select(TeamsConversation.service_url).where(
        TeamsConversation.team_id == tenant_id, TeamsConversation.conversation_id == recipient_id)).first()
    if place is not None:
        return place, recipient_id
    dm_of = session.exec(select(TeamsPerson.service_url).where(
        TeamsPerson.team_id == tenant_id, TeamsPerson.conversation_id == recipient_id)).first()
    return (dm_of, recipient_id) if dm_of is not None else None


def unreachable(*, session: Session, tenant_id: str, aad_object_ids: Iterable[str]) -> list[str]:
    """Those of the people the bot has no 1:1 conversation with yet (never seen, or seen only in a
    channel), in the order given, each once: to be named to the manager, not skipped in silence."""
    wanted = list(dict.fromkeys(aad_object_ids))
    if not wanted:
        return []
    reachable = set(session.exec(select(TeamsPerson.aad_object_id).where(
        TeamsPerson.team_id == tenant_id, col(TeamsPerson.aad_object_id).in_(wanted),
        col(TeamsPerson.conversation_id).is_not(None))))
    return [a for a in wanted if a not in reachable]


def names(*, session: Session, tenant_id: str, limit: int) -> list[tuple[str, str]]:
    """(aadObjectId, display name) of the people of the tenant seen most recently, at most `limit`."""
    rows = session.exec(select(TeamsPerson.aad_object_id, TeamsPerson.name).where(
        TeamsPerson.team_id == tenant_id, col(TeamsPerson.name).is_not(None))
        .order_by(col(TeamsPerson.seen_at).desc()).limit(limit))
    return [(aad, name) for aad, name in rows if name]
