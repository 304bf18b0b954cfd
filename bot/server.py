"""Serving: HTTP (uvicorn + Bolt's ASGI adapter) or Socket Mode for Slack, `POST /api/messages` for Teams,
and /healthz, all on one uvicorn server and port."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import hmac
import json
import logging
import re
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import aiohttp
import uvicorn
from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.app import build_deps, create_app, create_teams, teams_of
from bot.backlog import Backlog
from bot.deps import Deps
from bot.settings import HOW_TO_FIX, Settings
from handlers.slack import envelopes
from handlers.slack.client import PooledWebClient
from scheduler import build_scheduler
from storage import clock
from storage.db import ping

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from handlers.teams.front import TeamsFrontEnd
    from scheduler.runtime import Rhythm

log = logging.getLogger(__name__)
HTTP_TIMEOUT_S = 15
# On a stop, how long the work behind acks already sent may take to finish (within the 10 s a
# container's orchestrator gives by default before it kills the process).
STOP_TIMEOUT_S = 8.0

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class Runtime:
    """The bot's process-wide parts: deps, the Bolt app (when Slack is served), the Teams front end
    (when Teams is), the scheduler."""

    def __init__(self, settings: Settings, deps: Deps | None = None) -> None:
        self.settings = settings
        self.deps = deps or build_deps(settings)
        self.app: AsyncApp | None = create_app(settings, deps=self.deps) if settings.slack_enabled else None
        self.teams: TeamsFrontEnd | None = create_teams(settings, self.deps) if settings.teams_enabled else None
        self.scheduler = build_scheduler(settings.bot_timezone)
        self.rhythm: Rhythm | None = None
        self.http: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        from scheduler.runtime import Rhythm

        # One pool of keep-alive connections for the Web API and response_url, on this loop.
        self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=HTTP_TIMEOUT_S))
        if self.app is not None and isinstance(self.app.client, PooledWebClient):
            self.app.client.use_pool(self.http)
        if self.teams is not None:
            await self.teams.start()
        self.scheduler.start()
        self.rhythm = self.deps.rhythm = Rhythm(self.deps, self.scheduler)
        await self.rhythm.start()
        log.info("scheduler started")

    async def drain(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """Finish what was acknowledged (no new request comes in by now), for at most `timeout_s`."""
        for front_end in (getattr(self, "teams", None), self.app):
            backlog = getattr(front_end, "backlog", None)
            if backlog is not None:
                await drain_backlog(backlog, timeout_s)

    async def stop(self) -> None:
        await self.drain()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self.rhythm is not None:
            self.rhythm.close()
            self.deps.rhythm = None
        if self.http is not None:
            await self.http.close()
        teams = teams_of(self.deps)
        if teams is not None and teams.connector is not None:
            await teams.connector.close()
        await asyncio.to_thread(self.deps.engine.dispose)

    async def health(self) -> tuple[int, dict[str, Any]]:
        checks: dict[str, Any] = {"scheduler": "up" if self.scheduler.running else "down"}
        try:
            await asyncio.wait_for(asyncio.to_thread(ping, self.deps.engine), timeout=3)
            checks["database"] = "up"
        except (TimeoutError, Exception) as e:  # noqa: BLE001 - any failure means "down"
            checks["database"] = "down"
            log.warning("health check: database down (%s)", type(e).__name__)
        ok = all(v == "up" for v in checks.values())
        return (200 if ok else 503), {"status": "ok" if ok else "unavailable", **checks}


async def drain_backlog(backlog: Backlog, timeout_s: float) -> None:
    """Finish the work behind one front end's answers, for at most `timeout_s`."""
    busy = sum(not t.done() for t in backlog.running)
    if busy:
        log.info("stopping: finishing %d acknowledged requests", busy)
    left = await backlog.drain(timeout_s)
    if left:
        log.warning("stopping: %d acknowledged requests not finished after %g s; their authors are told "
                    "at the next start", left, timeout_s)
    if backlog.journal is not None:
        try:
            await backlog.journal.finish()
        except Exception as e:  # noqa: BLE001 - finished commands still journaled are told at the next start
            log.warning("stopping: could not clear the journal of finished commands (%s)", type(e).__name__)


class SocketLink:
    """The Socket Mode connection to Slack (slack_bolt's aiohttp adapter).

    Opened once the runtime is up and closed before it stops, so no envelope arrives while the
    scheduler or the database is missing, and Slack sees a clean close (1000) on the way down.
    The first `apps.connections.open` is made here: a token Slack refuses stops the start with one
    line instead of the SDK retrying it forever; any other failure is retried by the SDK.
    """

    REFUSED = frozenset({"invalid_auth", "not_authed", "not_allowed_token_type", "account_inactive",
                         "token_revoked", "token_expired", "missing_scope"})
    # The SDK retries a failed connect with the same WebSocket URL, and those URLs expire: after this
    # long without a connection, a fresh URL is asked for.
    connect_timeout_s = 30.0

    def __init__(self, app: AsyncApp, app_token: str) -> None:
        self.app = app
        self.app_token = app_token
        self.handler: AsyncSocketModeHandler | None = None
        self.refused: str | None = None  # why Slack refused the token; set when the start must stop
        self.on_refused: Callable[[], None] = lambda: None
        self._connecting: asyncio.Task[None] | None = None

    async def open(self) -> None:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        self.handler = AsyncSocketModeHandler(self.app, self.app_token)  # needs the running loop
        client = self.handler.client
        try:
            resp = await client.web_client.apps_connections_open(app_token=self.app_token)
            client.wss_uri = str(resp["url"])  # used at once: these URLs are short-lived tickets
        except SlackApiError as e:
            error = str(e.response.get("error"))
            if error in self.REFUSED:
                how = HOW_TO_FIX["SLACK_APP_TOKEN"]
                self.refused = f"setting SLACK_APP_TOKEN was refused by Slack ({error}): {how}"
                await self.close()
                self.on_refused()
                return
            log.warning("Socket Mode: apps.connections.open failed (%s); retrying", error)
        except (aiohttp.ClientError, TimeoutError) as e:
            log.warning("Socket Mode: Slack not reachable (%s); retrying", type(e).__name__)
        self._connecting = asyncio.create_task(self._connect())

    async def _connect(self) -> None:
        assert self.handler is not None
        while True:
            try:
                await asyncio.wait_for(self.handler.connect_async(), timeout=self.connect_timeout_s)
                return
            except TimeoutError:
                log.warning("Socket Mode: not connected after %.0f s; asking Slack for a new URL",
                            self.connect_timeout_s)
                self.handler.client.wss_uri = None

    async def connected(self) -> bool:
        return self.handler is not None and await self.handler.client.is_connected()

    async def close(self) -> None:
        if self._connecting is not None and not self._connecting.done():
            self._connecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._connecting
        if self.handler is not None:
            await self.handler.close_async()
            self.handler = None


class WebApp:
    """ASGI: /healthz here, `POST /api/messages` to the Teams front end, everything else to Bolt
    (`POST /slack/events`); in Socket Mode the Slack requests come over `socket` instead."""

    def __init__(self, runtime: Runtime, serve_slack: bool = True, socket: SocketLink | None = None) -> None:
        self.runtime = runtime
        self.slack = AsyncSlackRequestHandler(runtime.app, path="/slack/events") \
            if serve_slack and runtime.app is not None else None
        self.socket = socket

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if scope["path"] == "/healthz" and scope["method"] in ("GET", "HEAD"):
            status, body = await self.runtime.health()
            if self.socket is not None:  # shown, but Slack being away is not the bot being unhealthy
                body["socket_mode"] = "connected" if await self.socket.connected() else "connecting"
            await _send(send, status, json.dumps(body).encode(), b"application/json")
            return
        if scope["path"] == TEAMS_PATH and self.runtime.teams is not None:
            await self._teams(scope, receive, send)
            return
        if self.slack is None:
            await _send(send, 404, b"Not Found", b"text/plain")
            return
        if scope["path"] == "/slack/events" and not signature_headers_well_formed(scope):
            # Bolt's verifier raises on these (e.g. a timestamp that is not a number), which would
            # answer 200 or 500 and log an error; they are simply unsigned requests.
            await _send(send, 401, b'{"error": "invalid request"}', b"application/json")
            return
        if scope["path"] == "/slack/events" and scope["method"] == "POST":
            checked = await self._checked(scope, receive, send)
            if checked is None:
                return
            receive = checked
        await self.slack(scope, receive, send)

    async def _teams(self, scope: Scope, receive: Receive, send: Send) -> None:
        """`POST /api/messages`: the Teams front end answers (its token checked before anything else)."""
        assert self.runtime.teams is not None
        if scope["method"] != "POST":
            await _send(send, 405, b'{"error": "method not allowed"}', b"application/json")
            return
        raw = await _body(receive)
        if raw is None:
            return
        headers = dict(scope.get("headers") or [])
        authorization = headers.get(b"authorization", b"").decode("latin-1") or None
        try:
            status, answer = await self.runtime.teams.handle(authorization, raw)
        except Exception:  # noqa: BLE001 - logged with its traceback; Teams is told to try again
            log.exception("teams: unhandled error serving an activity")
            status, answer = 500, {"error": "internal error"}
        body = b"" if answer is None else json.dumps(answer).encode()
        await _send(send, status, body, b"application/json")

    async def _checked(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        """The request's body read whole; a signed body Bolt cannot handle (see `handlers.slack.envelopes`) is
        answered 400 here (None), anything else is handed on unchanged (Bolt verifies the signature)."""
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return None  # the client went away
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        headers = dict(scope.get("headers") or [])
        secret = self.runtime.settings.slack_signing_secret
        reason = envelopes.problem(body, headers.get(b"content-type", b"").decode("latin-1") or None)
        if reason is not None and secret is not None and signed(secret.get_secret_value(), body, headers):
            log.warning("signed request refused: %s", reason)
            await _send(send, 400, b'{"error": "malformed request"}', b"application/json")
            return None
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        return replay

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self.runtime.start()
                if self.socket is not None:
                    await self.socket.open()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.socket is not None:
                    await self.socket.close()
                await self.runtime.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return


TEAMS_PATH = "/api/messages"
MAX_BODY = 4 << 20


async def _body(receive: Receive) -> bytes | None:
    """A request's body read whole (at most `MAX_BODY`, the rest dropped); None when the client went away."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= MAX_BODY:
            chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


SIGNATURE = re.compile(rb"v0=[0-9a-f]{64}")


def signature_headers_well_formed(scope: Scope) -> bool:
    """Slack's signature headers are there and shaped as Slack makes them: a Unix time, `v0=` and a
    SHA-256 in hex. Only then is the signature worth checking."""
    headers = dict(scope.get("headers") or [])
    ts = headers.get(b"x-slack-request-timestamp", b"")
    return ts.isdigit() and len(ts) <= 12 and SIGNATURE.fullmatch(headers.get(b"x-slack-signature", b"")) is not None


def signed(secret: str, body: bytes, headers: dict[bytes, bytes]) -> bool:
    """Slack's signature over the raw bytes (whatever they are), made within the last five minutes."""
    ts = headers.get(b"x-slack-request-timestamp", b"")
    if not ts.isdigit() or abs(clock.now().timestamp() - int(ts)) > 300:
        return False
    mac = hmac.new(secret.encode(), b"v0:" + ts + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(b"v0=" + mac.encode(), headers.get(b"x-slack-signature", b""))


async def _send(send: Send, status: int, body: bytes, ctype: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def uvicorn_config(web: WebApp, port: int, host: str = "0.0.0.0") -> uvicorn.Config:
    return uvicorn.Config(web, host=host, port=port, lifespan="on", log_level="warning", access_log=False,
                          server_header=False, backlog=1024, timeout_graceful_shutdown=5)


def serve(settings: Settings) -> int:
    """Serve until stopped; returns the exit status (2 when Slack refuses the app-level token)."""
    runtime = Runtime(settings)
    # Everything built so far (modules, the app, the ORM's mappers) lives as long as the process.
    # Frozen, it is left out of the collector's full passes, which under load then pause the event
    # loop for a few milliseconds instead of tens (and every pause adds to the acks in flight).
    gc.collect()
    gc.freeze()
    if settings.socket_mode:
        return asyncio.run(_socket_mode(runtime))
    served = [path for path, on in (("POST /slack/events", settings.slack_enabled),
                                    (f"POST {TEAMS_PATH}", settings.teams_enabled)) if on]
    log.info("HTTP mode: %s and GET /healthz on port %d", ", ".join(served), settings.port)
    uvicorn.Server(uvicorn_config(WebApp(runtime), settings.port)).run()
    return 0


async def _socket_mode(runtime: Runtime) -> int:
    token = runtime.settings.slack_app_token
    assert token is not None and runtime.app is not None
    link = SocketLink(runtime.app, token.get_secret_value())
    server = uvicorn.Server(uvicorn_config(WebApp(runtime, serve_slack=False, socket=link), runtime.settings.port))

    def stop() -> None:
        server.should_exit = True

    link.on_refused = stop
    log.info("Socket Mode: connecting to Slack; GET /healthz%s on port %d",
             f" and POST {TEAMS_PATH}" if runtime.teams is not None else "", runtime.settings.port)
    await server.serve()  # the link opens and closes with the server's lifespan
    if link.refused:
        print(f"error: {link.refused}", file=sys.stderr)
        return 2
    return 0
