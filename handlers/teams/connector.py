"""An async client of the Bot Framework connector: the REST calls the bot makes to reach Teams.

Every request goes to the `serviceUrl` the conversation was last seen with (Teams sends it with each
activity, with a trailing slash; it is joined to the path with exactly one), carrying the bot's own
bearer token from a `TokenProvider`-like callable. One `aiohttp.ClientSession` serves every call; its
TLS context is made when the connector is, so `SSL_CERT_FILE` set before then is honoured (aiohttp's
own default context is built at import time and would not see it).

Failures become `bot.ports.PostFailed`:
- 429 and 5xx are retried a bounded number of times, after the `Retry-After` the connector sent or
  else after an exponential back-off; once the retries are spent, or when the wait asked for is
  longer than is worth holding a conversation for, the failure is transient (try again later);
- any other 4xx is `http_<status>`, not transient: sending the same again would be refused again;
- a lost connection or a timeout is transient and is not retried here, because the connector may
  have taken the message before the answer was lost, and it has no idempotency key to make a second
  send harmless: the caller decides. Failures that surely sent nothing (429, no token, no
  connection made) say so (`PostFailed.unsent`), so the delivery ledger may try them again.

Teams allows about one message a second in a conversation. Calls to one conversation (a channel's
threads count as the channel) therefore go one at a time with `min_gap` seconds between the end of
one and the start of the next, while different conversations proceed in parallel, so a slow or
throttled recipient holds up only itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import aiohttp
from yarl import URL

from bot.ports import PostFailed
from handlers.teams.tokens import TokenError
from storage import clock

log = logging.getLogger(__name__)

Token = Callable[[], Awaitable[str]]
Activity = dict[str, Any]

RETRIES = 5  # retries of one request after a 429 or a 5xx, beyond the first try
MIN_GAP_S = 1.0  # between two calls to one conversation
TIMEOUT_S = 30.0  # for one request, connecting included
BACKOFF_S = 0.5  # the first wait after a 429 or 5xx without Retry-After; doubled for each retry
MAX_BACKOFF_S = 30.0
MAX_RETRY_AFTER_S = 60.0  # a longer Retry-After is not waited out here: the failure is handed back
LANES_KEPT = 1024  # idle per-conversation pacing entries beyond this many are dropped


def conversations_url(service_url: str) -> str:
    """`{serviceUrl}v3/conversations`, with exactly one slash between the two, whatever the serviceUrl ends with."""
    return f"{service_url.rstrip('/')}/v3/conversations"


def activities_url(service_url: str, conversation_id: str, activity_id: str | None = None) -> str:
    """The activities of a conversation, or one of them; ids are percent-encoded (`a:…`, `19:…@thread…;messageid=…`)."""
    url = f"{conversations_url(service_url)}/{quote(conversation_id, safe='')}/activities"
    return url if activity_id is None else f"{url}/{quote(activity_id, safe='')}"


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a `Retry-After` header (seconds, or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - clock.now()).total_seconds())


def lane_key(conversation_id: str) -> str:
    """The conversation a call is paced in: a channel thread (`…;messageid=…`) counts as its channel."""
    return conversation_id.split(";", 1)[0]


@dataclass
class _Lane:
    """One conversation's turn: who holds it, and (loop time) when the next call may start."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    free_at: float = 0.0


class Connector:
    """The connector's calls the bot needs: send, reply, update and delete activities, and open a 1:1 chat."""

    def __init__(self, token: Token, *, min_gap: float = MIN_GAP_S, retries: int = RETRIES,
                 timeout: float = TIMEOUT_S, backoff: float = BACKOFF_S, max_backoff: float = MAX_BACKOFF_S,
                 max_retry_after: float = MAX_RETRY_AFTER_S) -> None:
        self._token = token
        self.min_gap = min_gap
        self.retries = retries
        self.timeout = timeout
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self._ssl = ssl.create_default_context()
        # Made on first use, inside the event loop that then owns it.
        self._http: aiohttp.ClientSession | None = None
        self._lanes: dict[str, _Lane] = {}

    async def __aenter__(self) -> Connector:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session (a later call opens a new one)."""
        if self._http is not None and not self._http.closed:
            await self._http.close()
        self._http = None

    # ---- the calls ----------------------------------------------------------------------------------
    async def send(self, service_url: str, conversation_id: str, activity: Activity) -> str:
        """Post `activity` to the conversation; returns the id Teams gave the message."""
        async with self._turn(conversation_id):
            answer = await self._request("POST", activities_url(service_url, conversation_id), activity)
        return _id(answer)

    async def reply(self, service_url: str, conversation_id: str, reply_to_id: str, activity: Activity) -> str:
        """Post `activity` in reply to the message `reply_to_id` (in a channel: in its thread); returns its id."""
        body = {**activity, "replyToId": reply_to_id}
        async with self._turn(conversation_id):
            answer = await self._request("POST", activities_url(service_url, conversation_id, reply_to_id), body)
        return _id(answer)

    async def update(self, service_url: str, conversation_id: str, activity_id: str, activity: Activity) -> None:
        """Replace the message `activity_id` with `activity`."""
        body = {**activity, "id": activity_id}
        async with self._turn(conversation_id):
            await self._request("PUT", activities_url(service_url, conversation_id, activity_id), body)

    async def delete(self, service_url: str, conversation_id: str, activity_id: str) -> None:
        """Remove the message `activity_id`."""
        async with self._turn(conversation_id):
            await self._request("DELETE", activities_url(service_url, conversation_id, activity_id), None)

    async def create_conversation(self, service_url: str, tenant_id: str, bot_id: str, member_id: str) -> str:
        """Open (or find again: Teams answers with the existing one) the bot's 1:1 chat with `member_id`;
        returns the conversation's id."""
        body = {
            "isGroup": False,
            "bot": {"id": bot_id},
            "members": [{"id": member_id}],
            "tenantId": tenant_id,
            "channelData": {"tenant": {"id": tenant_id}},
        }
        answer = await self._request("POST", conversations_url(service_url), body)
        conversation = answer.get("id") if isinstance(answer, dict) else None
        if not isinstance(conversation, str) or not conversation:
            raise PostFailed("no_conversation_id")
        return conversation

    # ---- pacing and requests ------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def _turn(self, conversation_id: str) -> AsyncIterator[None]:
        """Hold the conversation's turn: wait for the call before it and the gap after that one."""
        key = lane_key(conversation_id)
        lane = self._lanes.get(key)
        if lane is None:
            self._prune()
            lane = self._lanes[key] = _Lane()
        loop = asyncio.get_running_loop()
        async with lane.lock:
            wait = lane.free_at - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                yield
            finally:
                lane.free_at = loop.time() + self.min_gap

    def _prune(self) -> None:
        """Forget conversations nobody is calling and whose gap has passed, once there are many."""
        if len(self._lanes) < LANES_KEPT:
            return
        now = asyncio.get_running_loop().time()
        for key in [k for k, lane in self._lanes.items() if not lane.lock.locked() and lane.free_at <= now]:
            del self._lanes[key]

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=self._ssl),
                                               timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self._http

    async def _request(self, method: str, url: str, body: Any) -> Any:
        """One call, with its retries after 429 and 5xx; the answer's JSON (None when it has none)."""
        for attempt in range(self.retries + 1):
            try:
                token = await self._token()
            except TokenError as e:
                log.warning("teams: no token for the connector: %s", e)
                raise PostFailed("no_token", transient=True, unsent=True) from e
            headers = {"Authorization": f"Bearer {token}"}
            try:
                async with self._session().request(method, URL(url, encoded=True), json=body,
                                                   headers=headers) as resp:
                    if 200 <= resp.status < 300:
                        return await _json(resp)
                    status = resp.status
                    wait = retry_after(resp.headers.get("Retry-After"))
                    code = _error_code(await _json(resp))
            except aiohttp.ClientConnectorError as e:  # no connection was made: nothing was sent
                log.info("teams: %s %s failed: %s", method, url, type(e).__name__)
                raise PostFailed(type(e).__name__, transient=True, unsent=True) from e
            except (aiohttp.ClientError, TimeoutError) as e:
                log.info("teams: %s %s failed: %s", method, url, type(e).__name__)
                raise PostFailed(type(e).__name__, transient=True) from e
            error = f"http_{status}"
            if status != 429 and status < 500:
                log.info("teams: %s %s refused: %s %s", method, url, status, code)
                raise PostFailed(error)
            if wait is None:
                wait = min(self.max_backoff, self.backoff * 2 ** attempt)
            if attempt == self.retries or wait > self.max_retry_after:
                log.warning("teams: %s %s still %s after %d tries; left for later", method, url, status, attempt + 1)
                # A throttled call was not carried out; a server error may have been.
                raise PostFailed(error, transient=True, unsent=status == 429)
            log.info("teams: %s %s answered %s %s; trying again in %.1fs", method, url, status, code, wait)
            await asyncio.sleep(wait)
        raise AssertionError("unreachable")


async def _json(resp: aiohttp.ClientResponse) -> Any:
    """The answer's JSON, or None when it is empty or not JSON (a DELETE answers with nothing)."""
    try:
        return await resp.json(content_type=None)
    except (ValueError, aiohttp.ClientError):
        return None


def _error_code(answer: Any) -> str:
    """Bot Framework's error code from an error answer (`{"error": {"code": …}}`), for logs."""
    if isinstance(answer, dict) and isinstance(answer.get("error"), dict):
        return str(answer["error"].get("code") or "")
    return ""


def _id(answer: Any) -> str:
    """The id in a resource answer (`{"id": …}`); empty when the connector gave none."""
    value = answer.get("id") if isinstance(answer, dict) else None
    return str(value) if value else ""
