"""The Teams front end behind `POST /api/messages`: every request's token checked, the activity
read, what it tells stored, and its listener run.

The order is the security: `InboundVerifier` (handlers.teams.auth) checks the Bot Framework token
first, with the signing keys fetched off the event loop and cached, and anything it refuses is
answered 401 with nothing read further or written. Only then is the activity parsed (the Teams
SDK's models), its sender and conversation upserted, and its listener (`handlers.teams.listeners`)
run. Work behind the HTTP answer runs in the front end's `Backlog`, as Slack's does, so a stop
finishes it (`bot.server.Runtime.drain`); an invoke's answer is the HTTP response itself.

The SDK's own app (`microsoft_teams.apps.App`) is not used to serve: its HTTP server checks tokens
with a blocking key fetch on the event loop, and it sends replies through its own client, outside
the connector's pacing and retries and the delivery ledger. Its activity models are used to read
every request.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Coroutine
from typing import Any

from bot.backlog import Backlog
from bot.deps import Deps
from bot.errors import Unavailable
from bot.settings import Settings
from handlers.teams import seen
from handlers.teams.activity import Inbound, Malformed, parse
from handlers.teams.auth import InboundVerifier, Unauthorized
from handlers.teams.listeners import LISTENERS
from handlers.teams.session import Turn
from handlers.teams.text import NAMES_KEPT, remember_name
from storage.repositories import teams as repo

log = logging.getLogger(__name__)

# Listeners past their HTTP answer at once (see bot.backlog): as for Slack.
BACKGROUND_LIMIT = 2
MAX_BODY = 1 << 20
# What an activity tells of its sender and conversation is written when it differs from what this process
# last wrote, and at least this often when it does not (so `seen_at` is at most this old); a person who
# writes many messages in a row costs one write, not one per message.
SEEN_REFRESH_S = 600.0
SEEN_KEPT = 4096

Response = tuple[int, Any]  # status, JSON body (None: no body)


class TeamsFrontEnd:
    """Serves `/api/messages` for one bot registration (`TEAMS_APP_ID`, single tenant)."""

    def __init__(self, settings: Settings, deps: Deps, verifier: InboundVerifier | None = None) -> None:
        assert settings.teams_app_id and settings.teams_tenant_id
        self.deps = deps
        self.tenant = settings.teams_tenant_id.lower()
        self.verifier = verifier or InboundVerifier(settings.teams_openid_url, settings.teams_app_id)
        self.backlog = Backlog(BACKGROUND_LIMIT)
        self.listeners = dict(LISTENERS)
        self._seen: dict[tuple[Any, ...], float] = {}  # what was last written of a sender -> when (monotonic)

    async def start(self) -> None:
        """At start: the names of the people seen before, so that messages name them (not their ids)."""
        try:
            for aad, name in await self.deps.db.read(repo.names, tenant_id=self.tenant, limit=NAMES_KEPT):
                remember_name(aad, name)
        except Unavailable:
            log.warning("teams: database unavailable at start; people are named once they are seen again")

    async def handle(self, authorization: str | None, raw: bytes) -> Response:
        """One request to `/api/messages`: its answer."""
        try:
            body = json.loads(raw) if len(raw) <= MAX_BODY else None
        except ValueError:
            body = None
        service_url = body.get("serviceUrl") if isinstance(body, dict) else None
        try:
            await self.verifier.verify(authorization, service_url if isinstance(service_url, str) else None)
        except Unauthorized as e:
            log.warning("teams: request refused: %s", e.reason)
            return 401, {"error": "Unauthorized"}
        if not isinstance(body, dict):
            return 400, {"error": "not an activity"}
        try:
            inbound = Inbound.read(parse(body), body)
        except Malformed as e:
            log.warning("teams: an activity the SDK cannot read (%s)", e)
            return 400, {"error": "not an activity"}
        if inbound.tenant.lower() != self.tenant:
            log.warning("teams: an activity from another tenant, refused")
            return 403, {"error": "Forbidden"}
        listener = self.listeners.get(str(body.get("type") or ""))
        turn = Turn(self.deps, inbound)
        if self._news(inbound):
            try:
                await self.deps.db.write(seen.record, inbound=inbound)
            except Unavailable:
                self._seen.pop(seen.fingerprint(inbound), None)
                log.warning("teams: database unavailable; Teams will send the activity again")
                return 503, {"error": "unavailable"}
            if inbound.user:
                self.deps.people.forget(inbound.tenant, inbound.user)
        if inbound.user:
            remember_name(inbound.user, inbound.name)
        for aad, _, name in inbound.mentioned_people():
            remember_name(aad, name)
        if listener is None:
            return 200, None
        answer = await listener(turn, self.later)
        if answer is None:
            return 200, None
        return 200, answer

    def _news(self, inbound: Inbound) -> bool:
        """Whether what `inbound` tells of its sender and conversation is worth writing: it differs from
        what this process last wrote, or that was `SEEN_REFRESH_S` ago. Counted as written from now on."""
        key, now = seen.fingerprint(inbound), time.monotonic()
        last = self._seen.get(key)
        if last is not None and now - last < SEEN_REFRESH_S:
            return False
        if len(self._seen) >= SEEN_KEPT and key not in self._seen:
            self._seen.pop(next(iter(self._seen)))
        self._seen[key] = now
        return True

    def later(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` after the HTTP answer, in its turn of the backlog."""

        async def run() -> None:
            async with self.backlog.turn(None):
                await work

        task = asyncio.get_running_loop().create_task(run())
        self.backlog.running.add(task)  # at once, so a stop that comes before it starts still waits for it
        task.add_done_callback(self.backlog.running.discard)
