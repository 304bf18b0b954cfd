"""Pacing a fan-out to the rate Slack allows, learned from its 429s.

Every sender waits for its turn at one shared `Pacer`. When Slack answers 429, every sender
waits until its Retry-After has passed (not just the one that was refused, whose fellows would
only collect more 429s), and from then on sends are spaced at a little under the rate that was
getting through when the limit was hit. With no 429 for a while the spacing is dropped again, so
a rate learned once (or under another app's load) does not slow the bot down for good.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Mapping
from typing import Any

SAFETY = 0.97  # pace at this share of the rate that was getting through
RELAX_S = 60.0  # no 429 for this long: stop spacing sends
MAX_WINDOW_S = 60.0
MIN_RATE = 0.5  # sends a second, however low the estimate
MIN_SAMPLE = 5  # sends in the window before a 429 that a rate is learned from


def retry_after(headers: Mapping[str, Any] | None, default: float = 1.0) -> float:
    """Seconds from a 429's Retry-After header (any case; a list of values as slack_sdk keeps them)."""
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            if isinstance(value, list | tuple):
                value = value[0] if value else None
            try:
                return max(0.0, float(value))
            except (TypeError, ValueError):
                return default
    return default


class Pacer:
    def __init__(self, clock: Any = time.monotonic) -> None:
        self.clock = clock
        self.rate: float | None = None  # sends a second once a limit was met; None: as fast as they come
        self.paused_until = 0.0
        self.last_start = float("-inf")
        self.last_limited = float("-inf")
        self._adjusted_at = float("-inf")
        self._sent: deque[float] = deque()

    async def turn(self) -> None:
        """Wait until this sender may send: after any pause, and `1 / rate` after the last send began.

        Spacing counts from sends as they happen, not from slots booked ahead, so a sender held up
        (a busy event loop) never makes the others catch up in a burst that Slack would refuse."""
        while True:
            now = self.clock()
            if self.rate is not None and now - self.last_limited > RELAX_S:
                self.rate = None
            interval = 1.0 / self.rate if self.rate else 0.0
            start = max(self.paused_until, self.last_start + interval if self.rate else now)
            if start <= now:
                # Woken a moment late (timers do), the schedule holds; late by more, it restarts now.
                self.last_start = max(start, now - interval / 2)
                return
            await asyncio.sleep(start - now)

    def sent(self) -> None:
        now = self.clock()
        self._sent.append(now)
        while self._sent and self._sent[0] < now - MAX_WINDOW_S:
            self._sent.popleft()

    def limited(self, wait_s: float) -> None:
        """Slack said 429 with Retry-After `wait_s`: everyone waits, and the spacing is (re)learned."""
        now = self.clock()
        self.last_limited = now
        self.paused_until = max(self.paused_until, now + wait_s)
        window = min(MAX_WINDOW_S, max(1.0, wait_s))
        if now - self._adjusted_at < window:
            return  # the other senders' 429s from the same burst: one adjustment per window
        got_through = sum(1 for t in self._sent if t > now - window)
        if got_through < MIN_SAMPLE:
            return  # too few sends to learn a rate from (a 429 at the start): the pause is all
        self._adjusted_at = now
        estimate = max(MIN_RATE, got_through / window * SAFETY)
        self.rate = estimate if self.rate is None else max(MIN_RATE, min(self.rate * 0.9, estimate))
