"""The delivery ledger's `Sender` over Slack's Web API.

Each part goes out with `chat.postMessage` carrying its ledger key in the message's metadata, so
that after a crash the DM's (or channel's) history says which parts Slack already took. Every
send waits its turn at one `handlers.slack.pacing.Pacer`: a 429 (Slack took nothing) pauses every
sender for its Retry-After and teaches the pacer the rate that got through, instead of each
sender retrying on its own. After `MAX_RATE_LIMITED` 429s in a row for one part the failure is
handed back as transient, and the ledger leaves the row for a later pass.
"""

from __future__ import annotations

import copy
import logging
from datetime import datetime
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.ports import Part, Posted
from handlers.slack.messenger import post_failed, posted
from handlers.slack.pacing import Pacer, retry_after
from handlers.slack.render.catalog import render

log = logging.getLogger(__name__)

METADATA_TYPE = "bot_delivery"
MAX_RATE_LIMITED = 30  # 429s waited out for one message before it is left for a later pass
HISTORY_LIMIT = 200


class SlackSender:
    def __init__(self, client: AsyncWebClient, pacer: Pacer | None = None) -> None:
        self.client = client
        self.pacer = pacer or Pacer()

    def parts(self, view: Any) -> list[Part]:
        """Block Kit messages; a stored part (already a Slack message) renders as itself."""
        return render(view)

    def _paced_client(self) -> AsyncWebClient:
        """The same client less its own 429 retries: the pacer does them, for every sender at once."""
        paced = copy.copy(self.client)
        paced.retry_handlers = [h for h in self.client.retry_handlers
                                if not isinstance(h, AsyncRateLimitErrorRetryHandler)]
        return paced

    async def send(self, recipient: str, part: Part, key: str, *, thread: Posted | None = None) -> Posted:
        """chat.postMessage in the pacer's time; a 429 (nothing was posted) is waited out and sent again."""
        client = self._paced_client()
        message = {**part, "thread_ts": thread.ts} if thread is not None else part
        metadata = {"event_type": METADATA_TYPE, "event_payload": {"key": key}}
        for tries_left in range(MAX_RATE_LIMITED, -1, -1):
            await self.pacer.turn()
            try:
                resp = await client.chat_postMessage(channel=recipient, metadata=metadata, **message)
            except SlackApiError as e:
                if e.response.status_code == 429 and tries_left:
                    self.pacer.limited(retry_after(e.response.headers))
                    continue
                raise post_failed(e) from e
            except (aiohttp.ClientError, TimeoutError) as e:
                raise post_failed(e) from e
            self.pacer.sent()
            return posted(resp, recipient)
        raise AssertionError("unreachable")

    async def already_posted(self, conversation: str, keys: list[str], since: datetime) -> dict[str, Posted]:
        """The keys in the conversation's recent history (a person's id: their DM, opened with
        conversations.open). Thread replies are not in it, so they are sent again."""
        try:
            channel = conversation
            if channel[:1] in ("U", "W"):
                opened = await self.client.conversations_open(users=channel)
                channel = opened["channel"]["id"]
            resp = await self.client.conversations_history(channel=channel, oldest=f"{since.timestamp():.6f}",
                                                           limit=HISTORY_LIMIT, include_all_metadata=True)
        except (SlackApiError, aiohttp.ClientError, TimeoutError, KeyError, TypeError) as e:
            log.info("could not check history before resending (%s); sending", type(e).__name__)
            return {}
        wanted = set(keys)
        found: dict[str, Posted] = {}
        for m in resp.get("messages") or []:
            meta = m.get("metadata") or {}
            key = (meta.get("event_payload") or {}).get("key")
            if meta.get("event_type") == METADATA_TYPE and key in wanted:
                found[key] = Posted(channel, str(m.get("ts")))
        return found
