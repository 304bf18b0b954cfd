"""An inbound activity read once: the SDK's typed model, and what the front end needs of it.

The Teams SDK's activity models (`microsoft_teams.api.ActivityTypeAdapter`) parse and check the
body; `Inbound` keeps the few facts every listener uses (tenant, person, conversation, where to
answer), so no listener digs in the JSON itself. The mention entities are kept as the JSON they
came in, for `handlers.teams.text.to_core`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.people import known_zone

PERSONAL = "personal"
CHANNEL = "channel"
GROUP_CHAT = "groupChat"


class Malformed(Exception):
    """The body is not an activity the SDK can read."""


def parse(body: dict[str, Any]) -> Any:
    """The SDK's typed activity (imported here: only a bot that serves Teams loads the SDK)."""
    from microsoft_teams.api import ActivityTypeAdapter
    from pydantic import ValidationError

    try:
        return ActivityTypeAdapter.validate_python(body)
    except ValidationError as e:
        raise Malformed(f"{e.error_count()} problems") from e


def base_conversation(conversation_id: str) -> str:
    """A channel thread's conversation (`19:…;messageid=…`) is its channel's."""
    return conversation_id.split(";", 1)[0]


def thread_root(conversation_id: str) -> str | None:
    """The root message of a channel thread named in its conversation id, if any."""
    _, _, rest = conversation_id.partition(";messageid=")
    return rest or None


@dataclass(frozen=True)
class Inbound:
    """What every listener needs of an activity."""

    activity: Any  # the SDK's typed activity
    body: dict[str, Any]
    tenant: str  # in lower case, as Teams writes it (and as it is stored)
    user: str  # the sender's aadObjectId ("" for a bot or system sender)
    bot_scoped_id: str  # the sender's `29:` id
    name: str | None
    conversation: str  # without a thread's `;messageid=`
    kind: str  # personal | channel | groupChat
    root: str | None  # in a channel: the thread's root message (to answer in the thread)
    service_url: str
    tz: str | None
    recipient: str  # the bot's id as Teams named it
    team_group: str | None = None
    conversation_name: str | None = None
    mentions: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def read(cls, activity: Any, body: dict[str, Any]) -> Inbound:
        conversation = activity.conversation
        data = activity.channel_data
        tenant = (conversation.tenant_id if conversation is not None else None) or \
            (data.tenant.id if data is not None and data.tenant is not None else None) or ""
        sender = activity.from_
        kind = (conversation.conversation_type if conversation is not None else None) or PERSONAL
        if kind not in (PERSONAL, CHANNEL, GROUP_CHAT):
            kind = PERSONAL
        raw_id = conversation.id if conversation is not None else ""
        entities = [e for e in body.get("entities") or [] if isinstance(e, dict)]
        tz = body.get("localTimezone") or next((e.get("timezone") for e in entities if e.get("type") == "clientInfo"),
                                               None)
        team = data.team if data is not None else None
        channel = data.channel if data is not None else None
        return cls(
            activity=activity, body=body, tenant=str(tenant).lower(),
            user=str(sender.aad_object_id or "").lower() if sender is not None else "",
            bot_scoped_id=str(sender.id or "") if sender is not None else "",
            name=sender.name if sender is not None else None,
            conversation=base_conversation(raw_id), kind=kind,
            root=(thread_root(raw_id) or activity.id) if kind == CHANNEL else None,
            service_url=str(activity.service_url or ""), tz=known_zone(tz),
            recipient=str(activity.recipient.id if activity.recipient is not None else ""),
            team_group=getattr(team, "aad_group_id", None) if team is not None else None,
            conversation_name=(getattr(channel, "name", None) if channel is not None else None)
            or (conversation.name if conversation is not None else None),
            mentions=[e for e in entities if e.get("type") == "mention"],
        )

    def mentions_bot(self) -> bool:
        return any(str((m.get("mentioned") or {}).get("id") or "") == self.recipient for m in self.mentions)

    def mentioned_people(self) -> list[tuple[str, str, str | None]]:
        """(aadObjectId, `29:` id, name) of each person mentioned, the bot left out."""
        out = []
        for m in self.mentions:
            who = m.get("mentioned") or {}
            aad, scoped = str(who.get("aadObjectId") or "").lower(), str(who.get("id") or "")
            if aad and scoped.startswith("29:") and scoped != self.recipient:
                out.append((aad, scoped, who.get("name") if isinstance(who.get("name"), str) else None))
        return out
