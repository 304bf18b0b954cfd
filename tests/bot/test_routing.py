"""One Platform over Slack and Teams: each call goes to the platform its id belongs to."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from bot.delivery import Envelope
from bot.ports import Platform, Posted, Profile
from bot.routing import SLACK, TEAMS, RoutedPlatform, platform_of, routed


def test_ids_tell_their_platform() -> None:
    for teams_id in ("72f988bf-86f1-41af-91ab-2d7cd011db47", "19:abc@thread.tacv2", "a:1xyz", "29:1abc"):
        assert platform_of(teams_id) == TEAMS
    for slack_id in ("T0ACME", "U012ABC", "C0SALES", "D0DM", "W034DEF"):
        assert platform_of(slack_id) == SLACK


class Fake:
    """Messenger, Directory and Sender at once, recording what it was asked."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.calls: list[tuple[str, Any]] = []

    async def post(self, channel: str, view: Any, *, thread: Posted | None = None) -> list[Posted]:
        self.calls.append(("post", channel))
        return [Posted(channel, "1")]

    async def update(self, where: Posted, view: Any) -> None:
        self.calls.append(("update", where.channel))

    async def delete(self, where: Posted) -> None:
        self.calls.append(("delete", where.channel))

    async def redraw(self, where: list[Posted], view: Any) -> list[Posted]:
        self.calls.append(("redraw", where[0].channel))
        return where

    async def profile(self, team_id: str, user_id: str) -> Profile | None:
        self.calls.append(("profile", user_id))
        return Profile(user_id)

    async def bot_user_id(self, team_id: str) -> str | None:
        return self.name

    async def own_team(self) -> str | None:
        return self.name

    def parts(self, view: Any) -> list[dict[str, Any]]:
        return [{"by": self.name, "view": view}]

    async def send(self, recipient: str, part: dict[str, Any], key: str, *, thread: Posted | None = None) -> Posted:
        self.calls.append(("send", recipient))
        return Posted(recipient, "1")

    async def already_posted(self, conversation: str, keys: list[str], since: datetime) -> dict[str, Posted]:
        return {}


def platform(fake: Fake) -> Platform:
    return Platform(messenger=fake, directory=fake, sender=fake)  # type: ignore[arg-type]


def test_one_platform_alone_is_itself() -> None:
    only = platform(Fake("slack"))
    assert routed({SLACK: only}, SLACK) is only
    assert only.route("19:x") is only


def test_each_call_reaches_its_own_platform() -> None:
    slack, teams = Fake("slack"), Fake("teams")
    both = routed({SLACK: platform(slack), TEAMS: platform(teams)}, SLACK)
    assert isinstance(both, RoutedPlatform)

    async def calls() -> None:
        await both.messenger.post("C0SALES", "hi")
        await both.messenger.post("19:chan@thread.tacv2", "hi")
        await both.messenger.update(Posted("a:dm", "5"), "hi")
        await both.messenger.redraw([Posted("D0DM", "5")], "hi")
        await both.directory.profile("T0ACME", "U012ABC")
        await both.directory.profile("72f988bf-86f1-41af-91ab-2d7cd011db47", "72f988bf-86f1-41af-91ab-2d7cd011db48")
        await both.sender.send("U012ABC", {}, "k")
        await both.sender.send("72f988bf-86f1-41af-91ab-2d7cd011db48", {}, "k")
        assert await both.directory.own_team() == "slack"
        assert await both.route("72f988bf-86f1-41af-91ab-2d7cd011db47").directory.own_team() == "teams"

    asyncio.run(calls())
    assert [c[0] for c in slack.calls] == ["post", "redraw", "profile", "send"]
    assert [c[0] for c in teams.calls] == ["post", "update", "profile", "send"]


def test_the_ledger_renders_each_row_for_its_recipients_platform() -> None:
    slack, teams = Fake("slack"), Fake("teams")
    both = routed({SLACK: platform(slack), TEAMS: platform(teams)}, SLACK)
    assert '"by": "teams"' in Envelope("x", "72f988bf-86f1-41af-91ab-2d7cd011db48", "o", "view").payload(both.sender)
    assert '"by": "slack"' in Envelope("x", "U012ABC", "o", "view").payload(both.sender)
