"""Sending scheduled messages exactly once, through the delivery ledger.

1. Every message is a row keyed by (what, recipient, occurrence), inserted
   before sending; the unique key means a second process (or a second run)
   inserts nothing and so sends nothing.
2. The inserting process owns the row for a lease and sends it; the row ends
   `sent` (with the message's channel and ts) or `failed` (with Slack's error).
3. A row left `pending` by a crash is recovered at start, or by any instance
   once its lease runs out. If an earlier attempt may have reached Slack, the
   DM's history is checked for the message's metadata key before sending again.
4. A message too long for one Slack message is one row with several parts, sent
   in order (the follow-ups as thread replies when `thread` is set); each part
   carries its own metadata key, so a retry sends only the parts not yet posted.
   The row ends `sent` with the first part's channel and ts, and every part's
   (channel, ts) under `posted` in its payload.

Fan-out goes through a small number of concurrent senders sharing one
`handlers.slack.pacing.Pacer`: a 429 (Slack took nothing) makes every sender wait out its
Retry-After, and later sends are spaced a little under the rate that got
through, so a large fan-out runs close to the allowed rate. One failing
recipient never stops the rest.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Database
from bot.errors import Unavailable
from handlers.slack.pacing import Pacer, retry_after
from storage.models_rhythm import Delivery
from storage.repositories import deliveries as ledger

log = logging.getLogger(__name__)

HOST = socket.gethostname()
INSTANCE = f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
METADATA_TYPE = "bot_delivery"
MAX_ATTEMPTS = 5
MAX_RATE_LIMITED = 30  # 429s waited out for one message before it is left for a later pass
RETRYABLE = {"ratelimited", "service_unavailable", "internal_error", "fatal_error", "request_timeout"}


@dataclass
class Envelope:
    what: str  # e.g. "checkin:12"
    recipient: str  # a user id (sent as a DM) or a channel id
    occurrence: str
    message: Any  # a view (see bot.outcomes), rendered by the recipient's front end
    more: list[Any] = field(default_factory=list)  # further parts of one long message
    thread: bool = False  # the further parts as replies in the first part's thread

    def payload(self) -> str:
        if not self.more:
            return json.dumps(self.message)
        return json.dumps({"parts": [self.message, *self.more], "thread": self.thread})


def parts_of(payload: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
    """A row's messages in order, and whether the follow-ups go in the first one's thread."""
    if "parts" in payload:
        return list(payload["parts"]), bool(payload.get("thread"))
    return [payload], False


@dataclass
class Report:
    sent: int = 0
    failed: int = 0
    skipped: int = 0  # keys that already existed: never sent twice
    retry: int = 0  # left pending for a later attempt
    errors: dict[str, str] = field(default_factory=dict)  # recipient -> Slack error


def _key(row: Delivery, part: int = 0) -> str:
    key = f"{row.team_id}|{row.what}|{row.recipient}|{row.occurrence}"
    return key if part == 0 else f"{key}#{part + 1}"


def dead_local_owners(owners: set[str]) -> set[str]:
    """Owners on this host whose process is gone (so their pending rows can be taken at once)."""
    dead = set()
    for owner in owners:
        host, _, rest = owner.partition(":")
        pid = rest.partition(":")[0]
        if host != HOST or owner == INSTANCE or not pid.isdigit():
            continue
        if int(pid) == os.getpid():  # an earlier process with our pid (PID 1 in a container, every restart)
            dead.add(owner)
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            dead.add(owner)
        except PermissionError:
            continue
    return dead


class Deliverer:
    def __init__(self, db: Database, client: AsyncWebClient, *, owner: str = INSTANCE, concurrency: int = 4,
                 lease: timedelta = timedelta(minutes=10)) -> None:
        self.db = db
        self.client = client
        self.owner = owner
        self.concurrency = concurrency
        self.lease = lease
        self.pacer = Pacer()
        # Rows of ours the database kept us from finishing (it went away mid-send): the next
        # recovery pass takes them up again, since no other instance will while we live.
        self.unfinished: set[int] = set()

    def _rendered(self, e: Envelope) -> Envelope:
        """An envelope whose message is a view, with the view rendered (its parts in order)."""
        if isinstance(e.message, dict) and all(isinstance(m, dict) for m in e.more):
            return e
        from handlers.slack.render.catalog import render  # for now; the sender will render

        parts = [part for view in (e.message, *e.more) for part in render(view)]
        return Envelope(what=e.what, recipient=e.recipient, occurrence=e.occurrence, message=parts[0],
                        more=parts[1:], thread=e.thread)

    async def send_all(self, team_id: str, envelopes: list[Envelope]) -> Report:
        envelopes = [self._rendered(e) for e in envelopes]
        rows = [{"what": e.what, "recipient": e.recipient, "occurrence": e.occurrence,
                 "payload": e.payload()} for e in envelopes]
        ids = await self.db.write(ledger.claim_new, team_id=team_id, rows=rows, owner=self.owner, lease=self.lease)
        report = await self.send_ids(ids)
        report.skipped = len(envelopes) - len(ids)
        return report

    async def recover(self) -> Report:
        """Send what crashed or stalled instances left pending."""
        owners = await self.db.read(ledger.owners_pending)
        ids = await self.db.write(ledger.claim_stale, owner=self.owner, lease=self.lease,
                                  dead_owners=dead_local_owners(owners))
        ids = sorted(set(ids) | self.unfinished)
        self.unfinished.clear()
        if ids:
            log.info("recovering %d pending deliveries", len(ids))
        return await self.send_ids(ids)

    async def send_ids(self, ids: list[int]) -> Report:
        report = Report()
        gate = asyncio.Semaphore(self.concurrency)
        down = False

        async def one(delivery_id: int) -> None:
            nonlocal down
            async with gate:
                if not down:
                    try:
                        await self._send_one(delivery_id, report)
                        return
                    except Unavailable:
                        down = True  # the rest would fail the same way: left for the next pass
                        log.warning("database unavailable during a send; the rest waits for the next recovery pass")
                self.unfinished.add(delivery_id)
                report.retry += 1

        await asyncio.gather(*(one(i) for i in ids))
        return report

    async def _send_one(self, delivery_id: int, report: Report) -> None:
        row = await self.db.write(ledger.start_attempt, delivery_id=delivery_id, owner=self.owner)
        if row is None:
            return
        payload = json.loads(row.payload or "{}")
        parts, thread = parts_of(payload)
        done: dict[int, tuple[str, str]] = {}
        if row.attempts > 1:
            done = await self._already_posted(row, len(parts))
        try:
            for i, part in enumerate(parts):
                if i in done:
                    continue
                if thread and i > 0:
                    part = {**part, "thread_ts": done[0][1]}
                resp = await self._post(row, part, _key(row, i))
                done[i] = (str(resp.get("channel") or row.recipient), str(resp.get("ts")))
        except SlackApiError as e:
            error = str(e.response.get("error") or f"http_{e.response.status_code}")
            transient = error in RETRYABLE or e.response.status_code == 429 or e.response.status_code >= 500
            if transient and row.attempts < MAX_ATTEMPTS:
                await self._retry_later(delivery_id, error, report)
                return
            log.warning("delivery %s to %s failed: %s", row.what, row.recipient, error)
            await self.db.write(ledger.mark, delivery_id=delivery_id, status="failed", error=error)
            report.failed += 1
            report.errors[row.recipient] = error
            return
        except (aiohttp.ClientError, TimeoutError) as e:
            if row.attempts < MAX_ATTEMPTS:
                await self._retry_later(delivery_id, type(e).__name__, report)
            else:
                await self.db.write(ledger.mark, delivery_id=delivery_id, status="failed", error=type(e).__name__)
                report.failed += 1
            return
        posted = None
        if len(parts) > 1:
            posted = json.dumps({**payload, "posted": [list(done[i]) for i in range(len(parts))]})
        await self.db.write(ledger.mark, delivery_id=delivery_id, status="sent", channel=done[0][0],
                            ts=done[0][1], payload=posted)
        report.sent += 1

    async def _post(self, row: Delivery, message: dict[str, Any], key: str) -> Any:
        """chat.postMessage in the pacer's time; a 429 (nothing was posted) is waited out and sent again."""
        sender = copy.copy(self.client)  # the same client less its own 429 retries: the pacer does them for all
        sender.retry_handlers = [h for h in self.client.retry_handlers
                                 if not isinstance(h, AsyncRateLimitErrorRetryHandler)]
        metadata = {"event_type": METADATA_TYPE, "event_payload": {"key": key}}
        for tries_left in range(MAX_RATE_LIMITED, -1, -1):
            await self.pacer.turn()
            try:
                resp = await sender.chat_postMessage(channel=row.recipient, metadata=metadata, **message)
            except SlackApiError as e:
                if e.response.status_code != 429 or not tries_left:
                    raise
                self.pacer.limited(retry_after(e.response.headers))
                continue
            self.pacer.sent()
            return resp
        raise AssertionError("unreachable")

    async def _retry_later(self, delivery_id: int, error: str, report: Report) -> None:
        """It may or may not have reached Slack: leave it pending, free for the next recovery pass."""
        log.warning("delivery %d not confirmed (%s); will retry", delivery_id, error)
        await self.db.write(ledger.release, delivery_id=delivery_id, error=error)
        report.retry += 1

    async def _already_posted(self, row: Delivery, parts: int = 1) -> dict[int, tuple[str, str]]:
        """Which parts did earlier attempts post? Their keys in the conversation's recent history
        (part -> (channel, ts)); thread replies are not in it, so they are sent again."""
        try:
            channel = row.channel or row.recipient
            if channel[:1] in ("U", "W"):
                opened = await self.client.conversations_open(users=channel)
                channel = opened["channel"]["id"]
            oldest = f"{row.created_at.timestamp() - 60:.6f}"
            resp = await self.client.conversations_history(channel=channel, oldest=oldest, limit=200,
                                                           include_all_metadata=True)
        except (SlackApiError, aiohttp.ClientError, TimeoutError, KeyError, TypeError) as e:
            log.info("could not check history before resending (%s); sending", type(e).__name__)
            return {}
        keys = {_key(row, i): i for i in range(parts)}
        found: dict[int, tuple[str, str]] = {}
        for m in resp.get("messages") or []:
            meta = m.get("metadata") or {}
            key = (meta.get("event_payload") or {}).get("key")
            if meta.get("event_type") == METADATA_TYPE and key in keys:
                found[keys[key]] = (channel, str(m.get("ts")))
        return found
