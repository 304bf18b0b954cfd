"""The core's ports (`bot.ports`) over the Bot Framework connector.

The core names where a message goes by a person's id (a DM) or a conversation's id; Teams needs the
conversation's id and the `serviceUrl` it was last seen with. Both come from an injected `Where`
resolver, `async (team_id, recipient_id) -> (service_url, conversation_id) | None`, asked with
either kind of id (later backed by the conversation references stored from inbound activities).
When it knows no 1:1 chat with a person, an injected `open_dm` of the same shape may create one
(`Connector.create_conversation`) and remember it. Nobody who can say where a recipient is: the
post fails with `PostFailed("unreachable")`, not transient, so the caller names the person to the
managers instead of trying again.

A `Posted` here is `(conversation_id, activity_id)`. Updating or deleting one needs the conversation's
serviceUrl: the one it was sent with while this process remembers it, else the resolver's.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from bot.ports import Part, Platform, Posted, PostFailed, Profile
from handlers.teams.connector import Connector
from handlers.teams.render.catalog import render

log = logging.getLogger(__name__)

Location = tuple[str, str]  # (service_url, conversation_id)
Where = Callable[[str, str], Awaitable[Location | None]]
ProfileLookup = Callable[[str, str], Awaitable[Profile | None]]

UNREACHABLE = "unreachable"
SERVICE_URLS_KEPT = 4096


class Reach:
    """Finds where a recipient or a conversation is, and sends there; shared by the messenger and the sender."""

    def __init__(self, connector: Connector, tenant_id: str, where: Where, open_dm: Where | None = None) -> None:
        self.connector = connector
        self.tenant_id = tenant_id
        self.where = where
        self.open_dm = open_dm
        self._service_urls: dict[str, str] = {}  # conversation id -> serviceUrl, as last used

    async def locate(self, recipient: str) -> Location:
        """The serviceUrl and conversation of `recipient` (a person: their 1:1 chat, opened if need be)."""
        found = await self.where(self.tenant_id, recipient)
        if found is None and self.open_dm is not None:
            found = await self.open_dm(self.tenant_id, recipient)
        if found is None:
            raise PostFailed(UNREACHABLE)
        self._remember(*found)
        return found

    async def service_url(self, conversation_id: str) -> str:
        """The serviceUrl to reach an existing conversation at."""
        known = self._service_urls.get(conversation_id)
        if known is not None:
            return known
        found = await self.where(self.tenant_id, conversation_id)
        if found is None:
            raise PostFailed(UNREACHABLE)
        self._remember(found[0], conversation_id)
        return found[0]

    def _remember(self, service_url: str, conversation_id: str) -> None:
        if len(self._service_urls) >= SERVICE_URLS_KEPT and conversation_id not in self._service_urls:
            self._service_urls.pop(next(iter(self._service_urls)))
        self._service_urls[conversation_id] = service_url

    async def deliver(self, recipient: str, activity: dict[str, Any], thread: Posted | None = None) -> Posted:
        """Send one activity to `recipient`, or in reply to `thread`'s message (in its conversation)."""
        if thread is not None:
            service_url = await self.service_url(thread.channel)
            activity_id = await self.connector.reply(service_url, thread.channel, thread.ts, activity)
            return Posted(thread.channel, activity_id)
        service_url, conversation_id = await self.locate(recipient)
        activity_id = await self.connector.send(service_url, conversation_id, activity)
        return Posted(conversation_id, activity_id)

    async def update(self, where: Posted, activity: dict[str, Any]) -> None:
        await self.connector.update(await self.service_url(where.channel), where.channel, where.ts, activity)

    async def delete(self, where: Posted) -> None:
        await self.connector.delete(await self.service_url(where.channel), where.channel, where.ts)


class TeamsMessenger:
    """`bot.ports.Messenger`: views rendered to activities (`handlers.teams.render`) and sent one by one."""

    def __init__(self, reach: Reach) -> None:
        self.reach = reach

    async def post(self, channel: str, view: Any, *, thread: Posted | None = None) -> list[Posted]:
        return [await self.reach.deliver(channel, activity, thread) for activity in render(view)]

    async def update(self, where: Posted, view: Any) -> None:
        """A message is replaced by one message: the view's first (views meant for an edit render to one)."""
        await self.reach.update(where, render(view)[0])

    async def delete(self, where: Posted) -> None:
        await self.reach.delete(where)

    async def redraw(self, where: list[Posted], view: Any) -> list[Posted]:
        """Each part edited in place, parts beyond those sent as replies to the first, parts no longer
        needed deleted; a failure is logged and the part keeps its place (or is left out)."""
        if not where:
            return []
        first = where[0]
        after: list[Posted] = []
        new = render(view)
        for i, activity in enumerate(new):
            try:
                if i < len(where):
                    await self.reach.update(where[i], activity)
                    after.append(where[i])
                else:
                    after.append(await self.reach.deliver(first.channel, activity, first))
            except PostFailed as e:
                log.warning("teams: could not redraw a message in %s: %s", first.channel, e.error)
                if i < len(where):
                    after.append(where[i])
        for old in where[len(new):]:
            try:
                await self.reach.delete(old)
            except PostFailed as e:
                log.info("teams: could not delete a part of a message no longer needed: %s", e.error)
        return after


class TeamsSender:
    """`bot.ports.Sender` for the delivery ledger: a part is one activity, as posted to the connector.

    The connector takes no idempotency key and offers no history of a conversation to search, so a
    part's `key` cannot travel with it and `already_posted` can never say what Teams already has: it
    answers None, and by the ledger's contract (`bot.delivery`) a delivery that may have reached Teams
    (begun but not confirmed before a crash, or failed with a lost connection or a timeout) is then
    never sent again: it ends `uncertain` and is shown in the managers' summary."""

    def __init__(self, reach: Reach) -> None:
        self.reach = reach

    def parts(self, view: Any) -> list[Part]:
        """The view's activities; a stored part (already an activity) passes through unchanged."""
        if isinstance(view, dict):
            return [view]
        return render(view)

    async def send(self, recipient: str, part: Part, key: str, *, thread: Posted | None = None) -> Posted:
        """Send `part` (the connector paces and retries); `key` is not sent, Teams having nowhere to keep it.
        A recipient nobody can locate raises `PostFailed("unreachable")`, not transient."""
        return await self.reach.deliver(recipient, part, thread)

    async def already_posted(self, conversation: str, keys: list[str], since: datetime) -> dict[str, Posted] | None:
        """Always None: Teams cannot be asked (see the class's docstring)."""
        return None


class TeamsDirectory:
    """`bot.ports.Directory`: people from an injected lookup; the bot and its (single) tenant as configured."""

    def __init__(self, tenant_id: str, bot_id: str, lookup: ProfileLookup) -> None:
        self.tenant_id = tenant_id
        self.bot_id = bot_id  # `28:<app id>`, the same in every tenant
        self.lookup = lookup

    async def profile(self, team_id: str, user_id: str) -> Profile | None:
        return await self.lookup(team_id, user_id)

    async def bot_user_id(self, team_id: str) -> str | None:
        return self.bot_id

    async def own_team(self) -> str | None:
        return self.tenant_id


def teams_platform(connector: Connector, tenant_id: str, bot_id: str, where: Where, lookup: ProfileLookup,
                   open_dm: Where | None = None) -> Platform:
    """The three ports over one connector, sharing what they learn of where conversations are."""
    reach = Reach(connector, tenant_id, where, open_dm)
    return Platform(messenger=TeamsMessenger(reach), directory=TeamsDirectory(tenant_id, bot_id, lookup),
                    sender=TeamsSender(reach))
