"""One activity's turn: who is speaking, where, and how their requests reach the core.

`Turn` carries a typed request out with its feature's `perform` in one unit of work, as the Slack
and console front ends do, and answers: `say` in the conversation the activity came from (in a
channel, in the thread of the message), `tell` to the person alone (their 1:1 chat; in a personal
chat that is the same place). Posts an outcome asks for go through the platform's `Messenger`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from bot.delivery import Deliverer
from bot.deps import Deps
from bot.errors import Refused
from bot.outcomes import Outcome
from bot.people import Actor
from bot.ports import Messenger, Posted, PostFailed
from bot.requests import Request
from handlers.teams.activity import PERSONAL, Inbound
from handlers.teams.render import Activity, Rendered

log = logging.getLogger(__name__)
R = TypeVar("R", bound=Request)

GUEST_REFUSAL = ("Sorry, guest accounts can give feedback and answer the check-ins sent to them, but not this. "
                 "Ask someone on the team if you need it.")


class Turn:
    def __init__(self, deps: Deps, inbound: Inbound) -> None:
        self.deps = deps
        self.inbound = inbound
        self.team = inbound.tenant
        self.user = inbound.user

    @property
    def messenger(self) -> Messenger:
        return self.deps.platform.route(self.inbound.conversation).messenger

    @property
    def fallback_tz(self) -> str:
        return self.deps.settings.bot_timezone

    @property
    def personal(self) -> bool:
        return self.inbound.kind == PERSONAL

    # ---- answering ----------------------------------------------------------------------------

    async def say(self, view: Any) -> list[Posted]:
        """In the conversation the activity came from (a channel: in the message's thread)."""
        thread = Posted(self.inbound.conversation, self.inbound.root) if self.inbound.root else None
        return await self.messenger.post(self.inbound.conversation, view, thread=thread)

    async def say_activities(self, activities: list[Activity]) -> list[Posted]:
        return await self.say(Rendered(tuple(activities)))

    async def tell(self, view: Any) -> None:
        """To the person alone: their 1:1 chat (opened if need be), else where they wrote."""
        if self.personal or not self.user:
            await self.say(view)
            return
        try:
            await self.deps.platform.route(self.user).messenger.post(self.user, view)
        except PostFailed as e:
            log.info("teams: could not answer a person in their 1:1 chat (%s); answering in the conversation",
                     e.error)
            await self.say(view)

    # ---- carrying requests out ----------------------------------------------------------------

    async def actor(self, *, guests: bool = False) -> Actor:
        actor = await self.deps.people.actor(self.team, self.user)
        if actor.is_guest and not guests:
            raise Refused(GUEST_REFUSAL)
        return actor

    async def run_request(self, request: R, perform: Callable[..., Outcome]) -> Outcome:
        """`perform(request, session=, actor=)` in one unit of work (read-only when the request says so)."""
        if request.lookup_actor or not request.guests:
            actor = await self.actor(guests=request.guests)
        else:  # open to everyone and better not known (giving feedback): the person is not looked up
            actor = Actor(self.team, self.user)
        work = functools.partial(perform, request)
        if request.write:
            return await self.deps.db.write(work, actor=actor)
        return await self.deps.db.read(work, actor=actor)

    async def perform(self, request: R, perform: Callable[..., Outcome], *, private: bool = False) -> None:
        await self.deliver(await self.run_request(request, perform), private=private)

    async def deliver(self, outcome: Outcome, *, private: bool = False) -> None:
        """The reply, then the posts (a failed post is told to the requester); a schedule change applied at once."""
        answer = self.tell if private else self.say
        for view in (outcome.reply, *outcome.more):
            if view is not None:
                await answer(view)
        if outcome.reschedule and self.deps.rhythm is not None:
            await self.deps.rhythm.rebuild()
        for post in outcome.posts:
            try:
                await self.deps.platform.route(post.channel).messenger.post(post.channel, post.message)
            except PostFailed as e:
                log.warning("teams: post to %s failed: %s", post.channel, e.error)
                if post.on_fail:
                    await self.tell(post.on_fail)

    def deliverer(self) -> Deliverer:
        rhythm = self.deps.rhythm
        return rhythm.deliverer if rhythm is not None else Deliverer(self.deps.db, self.deps.platform.sender)
