"""What every activity tells about its sender and conversation, stored before anything else is done.

The person (tenant, `aadObjectId`, `29:` id, 1:1 conversation in a personal chat, `serviceUrl`, the
`localTimezone` of their latest message, when seen) and the conversation are upserted on every
activity, and so are the people it mentions who are not known yet (their `29:` id is enough for
the bot to try opening a 1:1 chat with them later). A person's cached profile (`bot.people`) takes
the new name and time zone at once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from handlers.teams.activity import Inbound
from storage import clock
from storage.models import SlackUser
from storage.repositories import teams as repo


def fingerprint(inbound: Inbound) -> tuple[Any, ...]:
    """Everything `record` writes of an activity but the time: two activities with the same fingerprint
    write the same rows."""
    i = inbound
    return (i.tenant, i.user, i.bot_scoped_id, i.name, i.service_url, i.tz, i.kind, i.conversation, i.team_group,
            i.conversation_name, tuple(i.mentioned_people()))


def record(*, session: Session, inbound: Inbound) -> None:
    i = inbound
    if i.user and i.bot_scoped_id.startswith("29:") and i.service_url:
        repo.seen_person(session=session, tenant_id=i.tenant, aad_object_id=i.user, bot_scoped_id=i.bot_scoped_id,
                         name=i.name, service_url=i.service_url, tz=i.tz,
                         conversation_id=i.conversation if i.kind == "personal" else None)
        values: dict[str, object] = {"fetched_at": clock.now()}
        if i.name:
            values["name"] = i.name[:120]
        if i.tz:
            values["tz"] = i.tz
        session.execute(update(SlackUser).where(col(SlackUser.team_id) == i.tenant,
                                                col(SlackUser.user_id) == i.user).values(**values))
    if i.conversation and i.service_url:
        repo.seen_conversation(session=session, tenant_id=i.tenant, conversation_id=i.conversation, kind=i.kind,
                               service_url=i.service_url, team_aad_group_id=i.team_group,
                               name=i.conversation_name)
    for aad, scoped, name in i.mentioned_people():
        if repo.person(session=session, tenant_id=i.tenant, aad_object_id=aad) is None:
            repo.seen_person(session=session, tenant_id=i.tenant, aad_object_id=aad, bot_scoped_id=scoped,
                             name=name, service_url=i.service_url, tz=None)
