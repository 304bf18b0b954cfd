"""The core's `Messenger` over Slack's Web API: views rendered to Block Kit, Slack's failures as
`PostFailed`."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.ports import Posted, PostFailed
from handlers.slack.render.catalog import render

log = logging.getLogger(__name__)

# Slack's errors that say "not now" rather than "never": worth trying again later.
RETRYABLE = frozenset({"ratelimited", "service_unavailable", "internal_error", "fatal_error", "request_timeout"})
FAILURES = (SlackApiError, aiohttp.ClientError, TimeoutError)


def post_failed(e: BaseException) -> PostFailed:
    """A Web API failure as the core sees it: Slack's error name, and whether it may pass (a rate
    limit, a server error, a timeout or a lost connection)."""
    if isinstance(e, SlackApiError):
        status = int(e.response.status_code)
        error = str(e.response.get("error") or f"http_{status}")
        return PostFailed(error, transient=error in RETRYABLE or status == 429 or status >= 500)
    return PostFailed(type(e).__name__, transient=True)


def posted(resp: Any, channel: str) -> Posted:
    return Posted(str(resp.get("channel") or channel), str(resp.get("ts")))


class SlackMessenger:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def post(self, channel: str, view: Any, *, thread: Posted | None = None) -> list[Posted]:
        out: list[Posted] = []
        for part in render(view):
            message = {**part, "thread_ts": thread.ts} if thread is not None else part
            try:
                resp = await self.client.chat_postMessage(channel=channel, **message)
            except FAILURES as e:
                raise post_failed(e) from e
            out.append(posted(resp, channel))
        return out

    async def update(self, where: Posted, view: Any) -> None:
        """A message is replaced by one message: the view's first (views meant for an edit render to one)."""
        message = render(view)[0]
        try:
            await self.client.chat_update(channel=where.channel, ts=where.ts, **message)
        except FAILURES as e:
            raise post_failed(e) from e

    async def delete(self, where: Posted) -> None:
        try:
            await self.client.chat_delete(channel=where.channel, ts=where.ts)
        except FAILURES as e:
            raise post_failed(e) from e

    async def redraw(self, where: list[Posted], view: Any) -> list[Posted]:
        if not where:
            return []
        first = where[0]
        after: list[Posted] = []
        new = render(view)
        for i, part in enumerate(new):
            try:
                if i < len(where):
                    await self.client.chat_update(channel=where[i].channel, ts=where[i].ts, **part)
                    after.append(where[i])
                else:
                    resp = await self.client.chat_postMessage(channel=first.channel, **{**part, "thread_ts": first.ts})
                    after.append(posted(resp, first.channel))
            except FAILURES as e:
                log.warning("could not redraw a message in %s: %s", first.channel, post_failed(e).error)
                if i < len(where):
                    after.append(where[i])
        for old in where[len(new):]:
            try:
                await self.client.chat_delete(channel=old.channel, ts=old.ts)
            except FAILURES as e:
                log.info("could not delete a part of a message no longer needed: %s", post_failed(e).error)
        return after
