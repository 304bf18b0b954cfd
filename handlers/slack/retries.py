"""Retry handlers for the Web API client, each with a budget of its own.

slack_sdk's built-in handlers share one attempt counter per call and each compares it with its own
maximum: after a run of 429s (up to 8 retries) a 503 is no longer retried at all (its handler
allows 3 in all), nor is a dropped connection (2), and the back-off starts from the shared count.
A rate-limit storm followed by one server error would lose the call. These count their own
retries (in the call's `RetryState.custom_values`), so each kind of failure gets its full budget
and its own back-off, whatever came before it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.state import RetryState


def _used(state: RetryState, key: str) -> int:
    return int((state.custom_values or {}).get(key, 0))


def _spend(state: RetryState, key: str) -> int:
    """Count one retry of kind `key`; returns how many there were before it."""
    used = _used(state, key)
    if state.custom_values is None:
        state.custom_values = {}
    state.custom_values[key] = used + 1
    return used


class _OwnBudget(AsyncRetryHandler):
    key = ""

    async def can_retry_async(self, *, state: RetryState, **kwargs: Any) -> bool:
        if _used(state, self.key) >= self.max_retry_count:
            return False
        return await self._can_retry_async(state=state, **kwargs)

    async def prepare_for_next_attempt_async(self, *, state: RetryState, **kwargs: Any) -> None:
        """Back off by this handler's own count (the built-in one uses the shared count)."""
        used = _spend(state, self.key)
        state.next_attempt_requested = True
        await asyncio.sleep(self.interval_calculator.calculate_sleep_duration(used))
        state.increment_current_attempt()


class RateLimitRetry(_OwnBudget, AsyncRateLimitErrorRetryHandler):
    """429: waits what Retry-After says (the built-in behaviour), with its own budget."""

    key = "rate_limited"

    async def prepare_for_next_attempt_async(self, *, state: RetryState, **kwargs: Any) -> None:
        _spend(state, self.key)
        await AsyncRateLimitErrorRetryHandler.prepare_for_next_attempt_async(self, state=state, **kwargs)


class ServerErrorRetry(_OwnBudget, AsyncServerErrorRetryHandler):
    key = "server_error"


class ConnectionErrorRetry(_OwnBudget, AsyncConnectionErrorRetryHandler):
    key = "connection_error"


def retry_handlers() -> list[AsyncRetryHandler]:
    return [ConnectionErrorRetry(max_retry_count=2), RateLimitRetry(max_retry_count=8),
            ServerErrorRetry(max_retry_count=3)]
