"""How much work behind acknowledged requests runs at once, and waiting for it at a stop.

Platform-neutral: a front end's listener wrapper (`handlers.slack.errors.guarded`) runs each
listener inside `Backlog.turn`, handing the listener the acknowledgement function `turn` gives it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from bot.journal import CURRENT, Journal

Ack = Callable[..., Awaitable[Any]]


class Slot:
    """One listener's place in the `Backlog`: taken once, given back at its end or after `hold_s`,
    whichever comes first, so that work waiting on Slack (a 429's Retry-After) never holds up the rest."""

    def __init__(self, slots: asyncio.Semaphore, hold_s: float) -> None:
        self.slots = slots
        self.hold_s = hold_s
        self.state = "free"  # -> "held" -> "returned"
        self._timer: asyncio.TimerHandle | None = None

    async def take(self) -> None:
        if self.state != "free":
            return
        await self.slots.acquire()
        self.state = "held"
        self._timer = asyncio.get_running_loop().call_later(self.hold_s, self.give_back)

    def give_back(self) -> None:
        if self.state == "held":
            self.slots.release()
            if self._timer is not None:
                self._timer.cancel()
        self.state = "returned"


class Backlog:
    """How many listeners may be past their ack() at once; the others wait their turn.

    Acks are never held: a listener's `ack()` answers Slack at once and only then waits for a
    slot. Work after the ack (database, replies, posts) shares the process with the acks of
    requests still arriving; unbounded, a burst of commands piles up enough of it to slow every
    ack behind it. Bounded, the burst's work queues instead and is done a moment later."""

    def __init__(self, limit: int, hold_s: float = 1.0) -> None:
        self.limit = limit
        self.hold_s = hold_s
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None
        self.journal: Journal | None = None  # set by create_app: slash commands are journaled before their ack
        self.running: set[asyncio.Task[Any]] = set()  # listeners not finished yet (see `drain`)

    async def drain(self, timeout_s: float) -> int:
        """Wait for every listener still running (the work behind acks already sent), for at most
        `timeout_s`; returns how many were still running then (they are cancelled)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            left = {t for t in self.running if not t.done() and t.get_loop() is loop}
            if not left:
                return 0
            remaining = deadline - loop.time()
            if remaining <= 0:
                for task in left:
                    task.cancel()
                return len(left)
            await asyncio.wait(left, timeout=remaining)

    def slots(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            self._slots = (loop, asyncio.Semaphore(self.limit))
        return self._slots[1]

    @asynccontextmanager
    async def turn(self, ack: Ack | None) -> AsyncIterator[Ack | None]:
        """One listener's run, holding a slot from its ack() to its end.

        Yields the acknowledgement function to hand the listener: `ack` itself, then waiting for
        a slot. With no `ack` (a listener Bolt acknowledges for) the slot is taken at the start.
        At the end the slot is given back and the command's journal row, if any, closed."""
        slot = Slot(self.slots(), self.hold_s)
        task = asyncio.current_task()
        if task is not None:
            self.running.add(task)
            task.add_done_callback(self.running.discard)

        given: Ack | None = None
        if ack is None:
            await slot.take()
        else:
            answer: Ack = ack

            async def ack_then_wait(*args: Any, **kwargs: Any) -> Any:
                result = await answer(*args, **kwargs)
                await slot.take()
                return result

            given = ack_then_wait
        try:
            yield given
        finally:
            slot.give_back()
            command_id = CURRENT.get()  # journaled by the app's middleware, see bot.app.create_app
            if command_id is not None and self.journal is not None:
                CURRENT.set(None)
                self.journal.close(command_id)
