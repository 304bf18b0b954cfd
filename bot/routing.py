"""One `Platform` over several: the core reaches Slack and Teams through one set of ports.

A process may serve Slack and Teams at once, with one `Deps` and one delivery ledger. Every port
call names where it goes (a person, a conversation, a workspace, or a message's `Posted`), and the
shape of that id says which platform it belongs to: Teams ids are GUIDs (an Entra object id or
tenant id) or contain a colon (`19:…` channels and group chats, `a:…` 1:1 chats, `29:…` people);
Slack's are upper-case letters and digits (`T…`, `U…`, `C…`, `D…`). The one call that names
nothing, `Sender.parts(view)`, is answered by `RoutedSender.parts_for(recipient, view)`, which the
ledger uses when it knows the recipient (always).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.ports import Directory, Messenger, Part, Platform, Posted, Profile, Sender

SLACK = "slack"
TEAMS = "teams"
GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


def platform_of(target: str) -> str:
    """Which platform an id belongs to (see the module's docstring)."""
    return TEAMS if ":" in target or GUID.match(target) else SLACK


@dataclass(frozen=True)
class Routes:
    """The platforms by name; `default` answers what names no id (the bot's own workspace)."""

    platforms: dict[str, Platform]
    default: str

    def of(self, target: str | None) -> Platform:
        if target:
            found = self.platforms.get(platform_of(target))
            if found is not None:
                return found
        return self.platforms[self.default]


class RoutedMessenger:
    def __init__(self, routes: Routes) -> None:
        self.routes = routes

    async def post(self, channel: str, view: Any, *, thread: Posted | None = None) -> list[Posted]:
        return await self.routes.of(channel).messenger.post(channel, view, thread=thread)

    async def update(self, where: Posted, view: Any) -> None:
        await self.routes.of(where.channel).messenger.update(where, view)

    async def delete(self, where: Posted) -> None:
        await self.routes.of(where.channel).messenger.delete(where)

    async def redraw(self, where: list[Posted], view: Any) -> list[Posted]:
        if not where:
            return []
        return await self.routes.of(where[0].channel).messenger.redraw(where, view)


class RoutedDirectory:
    def __init__(self, routes: Routes) -> None:
        self.routes = routes

    async def profile(self, team_id: str, user_id: str) -> Profile | None:
        return await self.routes.of(user_id).directory.profile(team_id, user_id)

    async def bot_user_id(self, team_id: str) -> str | None:
        return await self.routes.of(team_id).directory.bot_user_id(team_id)

    async def own_team(self) -> str | None:
        return await self.routes.of(None).directory.own_team()


class RoutedSender:
    def __init__(self, routes: Routes) -> None:
        self.routes = routes

    def parts(self, view: Any) -> list[Part]:
        """The default platform's parts: callers that know the recipient use `parts_for`."""
        return self.routes.of(None).sender.parts(view)

    def parts_for(self, recipient: str, view: Any) -> list[Part]:
        return self.routes.of(recipient).sender.parts(view)

    async def send(self, recipient: str, part: Part, key: str, *, thread: Posted | None = None) -> Posted:
        return await self.routes.of(recipient).sender.send(recipient, part, key, thread=thread)

    async def already_posted(self, conversation: str, keys: list[str],
                             since: datetime) -> dict[str, Posted] | None:
        return await self.routes.of(conversation).sender.already_posted(conversation, keys, since)


def parts_for(sender: Sender, recipient: str, view: Any) -> list[Part]:
    """`view` as `sender` renders it for `recipient` (a routed sender picks the recipient's platform)."""
    if isinstance(sender, RoutedSender):
        return sender.parts_for(recipient, view)
    return sender.parts(view)


@dataclass(frozen=True)
class RoutedPlatform(Platform):
    """Several platforms as one; `route(target)` is the platform of one id."""

    routes: Routes = field(default_factory=lambda: Routes({}, SLACK))

    def route(self, target: str | None) -> Platform:
        return self.routes.of(target)


def routed(platforms: dict[str, Platform], default: str) -> Platform:
    """One platform over `platforms` (the only one itself when there is one)."""
    if len(platforms) == 1:
        return next(iter(platforms.values()))
    routes = Routes(dict(platforms), default)
    messenger: Messenger = RoutedMessenger(routes)
    directory: Directory = RoutedDirectory(routes)
    sender: Sender = RoutedSender(routes)
    return RoutedPlatform(messenger=messenger, directory=directory, sender=sender, routes=routes)
