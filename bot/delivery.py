"""Sending scheduled messages exactly once, through the delivery ledger.

1. Every message is a row keyed by (what, recipient, occurrence), inserted
   before sending; the unique key means a second process (or a second run)
   inserts nothing and so sends nothing.
2. The inserting process owns the row for a lease and sends it; the row ends
   `sent` (with the message's channel and ts) or `failed` (with the platform's error).
3. A row left `pending` by a crash is recovered at start, or by any instance
   once its lease runs out. If an earlier attempt may have reached the platform,
   the conversation is asked for the message's key before sending again. A
   platform that keeps no history to ask (Teams: its connector takes no key and
   lists no past messages) answers None, and such a row ends `uncertain`: never
   sent again, so nobody gets it twice, and shown in the managers' summary. Only
   an attempt that surely did not reach the platform (`PostFailed.unsent`: throttled,
   no token, no connection made) is tried again there.
4. A view is rendered into its parts by the platform's `bot.ports.Sender` when
   its row is written, so the row holds exactly what is sent. A message too long
   for one platform message is one row with several parts, sent in order (the
   follow-ups as thread replies when `thread` is set); each part carries its own
   key, so a retry sends only the parts not yet posted. The row ends `sent` with
   the first part's channel and ts, and every part's (channel, ts) under `posted`
   in its payload.

Fan-out goes through a small number of concurrent senders; the `Sender` paces
them to the rate the platform allows (waiting out its rate limits itself). One
failing recipient never stops the rest.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.database import Database
from bot.errors import Unavailable
from bot.ports import Part, Posted, PostFailed, Sender
from bot.routing import parts_for
from storage.models_rhythm import Delivery
from storage.repositories import deliveries as ledger

log = logging.getLogger(__name__)

HOST = socket.gethostname()
INSTANCE = f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
METADATA_TYPE = "bot_delivery"
MAX_ATTEMPTS = 5
UNSENT = "unsent: "  # how a released row's error says that its last attempt surely did not reach the platform
UNCERTAIN = ("may have been delivered before a restart or a lost connection; not sent again, "
             "so that nobody gets it twice")
HISTORY_MARGIN = timedelta(minutes=1)  # the platform's clock may run behind ours


@dataclass
class Envelope:
    what: str  # e.g. "checkin:12"
    recipient: str  # a user id (sent as a DM) or a channel id
    occurrence: str
    message: Any  # a view (see bot.outcomes), rendered by the platform's `Sender` when the row is written
    more: list[Any] = field(default_factory=list)  # further views of one long message
    thread: bool = False  # the further parts as replies in the first part's thread

    def payload(self, sender: Sender) -> str:
        """The row's payload: the parts the views render to (one part: the part itself)."""
        parts = [part for view in (self.message, *self.more) for part in parts_for(sender, self.recipient, view)]
        if len(parts) == 1:
            return json.dumps(parts[0])
        return json.dumps({"parts": parts, "thread": self.thread})


def parts_of(payload: dict[str, Any]) -> tuple[list[Part], bool]:
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
    uncertain: int = 0  # may have reached a platform that cannot be asked: not sent again
    errors: dict[str, str] = field(default_factory=dict)  # recipient -> the platform's error


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
    def __init__(self, db: Database, sender: Sender, *, owner: str = INSTANCE, concurrency: int = 4,
                 lease: timedelta = timedelta(minutes=10)) -> None:
        self.db = db
        self.sender = sender
        self.owner = owner
        self.concurrency = concurrency
        self.lease = lease
        # Rows of ours the database kept us from finishing (it went away mid-send): the next
        # recovery pass takes them up again, since no other instance will while we live.
        self.unfinished: set[int] = set()

    async def send_all(self, team_id: str, envelopes: list[Envelope]) -> Report:
        rows = [{"what": e.what, "recipient": e.recipient, "occurrence": e.occurrence,
                 "payload": e.payload(self.sender)} for e in envelopes]
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
        done: dict[int, Posted] = {}
        if row.attempts > 1:
            found = await self._already_posted(row, len(parts))
            if found is None and not (row.error or "").startswith(UNSENT):
                log.warning("delivery %s to %s may have reached a platform that cannot be asked; not sent again",
                            row.what, row.recipient)
                await self.db.write(ledger.mark, delivery_id=delivery_id, status="uncertain", error=UNCERTAIN)
                report.uncertain += 1
                report.errors[row.recipient] = "uncertain"
                return
            done = found or {}
        try:
            for i, part in enumerate(parts):
                if i in done:
                    continue
                done[i] = await self.sender.send(row.recipient, part, _key(row, i),
                                                 thread=done[0] if thread and i > 0 else None)
        except PostFailed as e:
            if e.transient and row.attempts < MAX_ATTEMPTS:
                await self._retry_later(delivery_id, UNSENT + e.error if e.unsent and not done else e.error, report)
                return
            log.warning("delivery %s to %s failed: %s", row.what, row.recipient, e.error)
            await self.db.write(ledger.mark, delivery_id=delivery_id, status="failed", error=e.error)
            report.failed += 1
            report.errors[row.recipient] = e.error
            return
        posted = None
        if len(parts) > 1:
            posted = json.dumps({**payload, "posted": [[done[i].channel, done[i].ts] for i in range(len(parts))]})
        await self.db.write(ledger.mark, delivery_id=delivery_id, status="sent", channel=done[0].channel,
                            ts=done[0].ts, payload=posted)
        report.sent += 1

    async def _retry_later(self, delivery_id: int, error: str, report: Report) -> None:
        """It may or may not have reached the platform: leave it pending, free for the next recovery pass."""
        log.warning("delivery %d not confirmed (%s); will retry", delivery_id, error)
        await self.db.write(ledger.release, delivery_id=delivery_id, error=error)
        report.retry += 1

    async def _already_posted(self, row: Delivery, parts: int = 1) -> dict[int, Posted] | None:
        """Which parts did earlier attempts post? Their keys in the conversation (part -> where); None
        when the platform keeps no history that could say."""
        keys = {_key(row, i): i for i in range(parts)}
        found = await self.sender.already_posted(row.channel or row.recipient, list(keys),
                                                 row.created_at - HISTORY_MARGIN)
        if found is None:
            return None
        return {keys[key]: where for key, where in found.items() if key in keys}
