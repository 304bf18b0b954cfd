"""The person at the console and how their requests reach the core.

`Console` holds who is speaking, in which channel, and the screen; `run_request` carries a typed
request out with its feature's `perform` in one unit of work, as the Slack front end's does, and
`deliver` prints an outcome's reply and makes its posts through the platform's `Messenger`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from bot.delivery import Deliverer
from bot.deps import Deps
from bot.errors import Refused
from bot.outcomes import Outcome
from bot.people import Actor
from bot.ports import PostFailed
from bot.requests import Request
from handlers.console.ports import TEAM, Screen

log = logging.getLogger(__name__)
R = TypeVar("R", bound=Request)
Read = Callable[[str], Awaitable[str | None]]  # prompt -> the next line typed, None at the end of input

GUEST_REFUSAL = "Sorry, guest accounts can give feedback and answer their own check-ins, but not this."


class EndOfInput(Exception):
    """The input ended (EOF) in the middle of a form."""


class Console:
    """The console's state: who is speaking, in which channel, and the screen it prints on."""

    def __init__(self, deps: Deps, screen: Screen, read: Read, *, user: str, channel: str = "sales") -> None:
        self.deps = deps
        self.screen = screen
        self.read = read
        self.user = user
        self.channel = channel
        screen.channels.add(channel)

    def say(self, view: Any) -> None:
        """A private answer to the person at the console."""
        self.screen.show(view)

    async def ask(self, prompt: str) -> str:
        line = await self.read(prompt)
        if line is None:
            raise EndOfInput
        return line

    # ---- carrying requests out ----------------------------------------------------------------

    async def actor(self, *, guests: bool = False) -> Actor:
        actor = await self.deps.people.actor(TEAM, self.user)
        if actor.is_guest and not guests:
            raise Refused(GUEST_REFUSAL)
        return actor

    async def run_request(self, request: R, perform: Callable[..., Outcome]) -> Outcome:
        """`perform(request, session=, actor=)` in one unit of work (read-only when the request says so)."""
        if request.lookup_actor or not request.guests:
            actor = await self.actor(guests=request.guests)
        else:  # open to everyone and better not known (giving feedback): the person is not looked up
            actor = Actor(TEAM, self.user)
        work = functools.partial(perform, request)
        if request.write:
            return await self.deps.db.write(work, actor=actor)
        return await self.deps.db.read(work, actor=actor)

    async def perform(self, request: R, perform: Callable[..., Outcome]) -> None:
        await self.deliver(await self.run_request(request, perform))

    async def deliver(self, outcome: Outcome) -> None:
        """The reply, then the posts; a schedule change is applied at once."""
        for view in (outcome.reply, *outcome.more):
            self.say(view)
        if outcome.reschedule and self.deps.rhythm is not None:
            await self.deps.rhythm.rebuild()
        for post in outcome.posts:
            try:
                await self.deps.platform.messenger.post(post.channel, post.message)
            except PostFailed as e:
                log.warning("post to %s failed: %s", post.channel, e.error)
                if post.on_fail:
                    self.say(post.on_fail)

    @property
    def fallback_tz(self) -> str:
        return self.deps.settings.bot_timezone

    def deliverer(self) -> Deliverer:
        rhythm = self.deps.rhythm
        return rhythm.deliverer if rhythm is not None else Deliverer(self.deps.db, self.deps.platform.sender)
