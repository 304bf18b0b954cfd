"""The console's people and conversations: the core's ports, printed to the terminal.

Every message the core sends anywhere (a DM to anyone, a post in any channel) is printed with where it
went, `[DM @ann]` or `[#sales]`, and its buttons become numbered choices on the `Screen`, so that the
person at the console sees the whole workspace and can press any button (the core decides whether they
may). Messages get increasing ids, like a platform's message ids.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.ports import Part, Posted, Profile
from handlers.console.render.catalog import Choice, choices, render

TEAM = "console"
BOT_ID = "bot"


@dataclass(frozen=True)
class Button:
    """A numbered choice on the screen: what it does, and the message it belongs to (None: a reply)."""

    choice: Choice
    where: Posted | None


@dataclass
class Screen:
    """Prints views and keeps the numbered buttons of everything printed (numbers keep counting up,
    so an older message's buttons still work, as in a chat)."""

    write: Callable[[str], None]
    channels: set[str] = field(default_factory=lambda: {"sales"})  # ids that are conversations, not people
    buttons: dict[int, Button] = field(default_factory=dict)
    _numbers: Any = field(default_factory=lambda: itertools.count(1))
    _ts: Any = field(default_factory=lambda: itertools.count(1))

    def label(self, conversation: str) -> str:
        return f"#{conversation}" if conversation in self.channels else f"DM @{conversation}"

    def next_ts(self) -> str:
        return str(next(self._ts))

    def show(self, view: Any, *, heading: str | None = None, where: Posted | None = None) -> None:
        """Print `view` (under `[heading]` when given) and number its buttons."""
        lines = render(view)
        if not lines:
            return
        if heading:
            prefix = f"[{heading}] "
            self.write("\n".join([prefix + lines[0], *(" " * len(prefix) + line for line in lines[1:])]))
        else:
            self.write("\n".join(lines))
        for choice in choices(view):
            number = next(self._numbers)
            self.buttons[number] = Button(choice, where)
            self.write(f"    [{number}] {choice.label}")

    def post(self, conversation: str, view: Any, note: str = "") -> Posted:
        where = Posted(conversation, self.next_ts())
        self.show(view, heading=self.label(conversation) + note, where=where)
        return where


@dataclass
class ConsoleDirectory:
    """Everyone is who they say they are; the managers are those named at start."""

    managers: frozenset[str]
    tz: str | None = None

    async def profile(self, team_id: str, user_id: str) -> Profile | None:
        return Profile(user_id=user_id, name=user_id, tz=self.tz, is_admin=user_id in self.managers)

    async def bot_user_id(self, team_id: str) -> str | None:
        return BOT_ID

    async def own_team(self) -> str | None:
        return TEAM


@dataclass
class ConsoleMessenger:
    """Posts, edits and deletions are printed as they are made."""

    screen: Screen

    async def post(self, channel: str, view: Any, *, thread: Posted | None = None) -> list[Posted]:
        return [self.screen.post(channel, view, " (thread)" if thread else "")]

    async def update(self, where: Posted, view: Any) -> None:
        self.screen.show(view, heading=f"{self.screen.label(where.channel)} (message {where.ts} changed)",
                         where=where)

    async def delete(self, where: Posted) -> None:
        self.screen.write(f"[{self.screen.label(where.channel)}] (message {where.ts} deleted)")

    async def redraw(self, where: list[Posted], view: Any) -> list[Posted]:
        if not where:
            return await self.post("", view)
        await self.update(where[0], view)
        return where[:1]


@dataclass
class ConsoleSender:
    """The delivery ledger's sender: a part is the view's lines and buttons as JSON, printed when sent.
    The keys sent by this process are remembered, so a resend after a lost confirmation prints nothing."""

    screen: Screen
    sent: dict[str, Posted] = field(default_factory=dict)

    def parts(self, view: Any) -> list[Part]:
        if isinstance(view, dict):  # a stored part
            return [view]
        return [{"lines": render(view), "choices": [c.to_json() for c in choices(view)]}]

    async def send(self, recipient: str, part: Part, key: str, *, thread: Posted | None = None) -> Posted:
        if key in self.sent:
            return self.sent[key]
        where = self.screen.post(recipient, part, " (thread)" if thread else "")
        self.sent[key] = where
        return where

    async def already_posted(self, conversation: str, keys: list[str], since: datetime) -> dict[str, Posted]:
        return {k: self.sent[k] for k in keys if k in self.sent}
