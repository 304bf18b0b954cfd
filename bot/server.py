"""Serving: HTTP (uvicorn + Bolt's ASGI adapter) or Socket Mode, and /healthz."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn
from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp

from bot.app import build_deps, create_app
from bot.deps import Deps
from bot.settings import Settings
from scheduler import build_scheduler
from storage.db import ping

log = logging.getLogger(__name__)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class Runtime:
    """The bot's process-wide parts: deps, the Bolt app, the scheduler."""

    def __init__(self, settings: Settings, deps: Deps | None = None) -> None:
        self.settings = settings
        self.deps = deps or build_deps(settings)
        self.app: AsyncApp = create_app(settings, deps=self.deps)
        self.scheduler = build_scheduler(settings.bot_timezone)
        self.deps.extras["scheduler"] = self.scheduler
        self.deps.extras["client"] = self.app.client

    async def start(self) -> None:
        from scheduler.runtime import Rhythm

        self.scheduler.start()
        self.rhythm = Rhythm(self.deps, self.app.client, self.scheduler)
        self.deps.extras["rhythm"] = self.rhythm
        await self.rhythm.start()
        log.info("scheduler started")

    async def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        from scheduler import jobs

        jobs.bind(None)
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


class WebApp:
    """ASGI: /healthz here, everything else to Bolt (`POST /slack/events`)."""

    def __init__(self, runtime: Runtime, serve_slack: bool = True) -> None:
        self.runtime = runtime
        self.slack = AsyncSlackRequestHandler(runtime.app, path="/slack/events") if serve_slack else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if scope["path"] == "/healthz" and scope["method"] in ("GET", "HEAD"):
            status, body = await self.runtime.health()
            await _send(send, status, json.dumps(body).encode(), b"application/json")
            return
        if self.slack is None:
            await _send(send, 404, b"Not Found", b"text/plain")
            return
        await self.slack(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self.runtime.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.runtime.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _send(send: Send, status: int, body: bytes, ctype: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def uvicorn_config(web: WebApp, port: int, host: str = "0.0.0.0") -> uvicorn.Config:
    return uvicorn.Config(web, host=host, port=port, lifespan="on", log_level="warning", access_log=False,
                          server_header=False, backlog=1024, timeout_graceful_shutdown=5)


def serve(settings: Settings) -> None:
    runtime = Runtime(settings)
    if settings.socket_mode:
        asyncio.run(_socket_mode(runtime))
        return
    log.info("HTTP mode: POST /slack/events and GET /healthz on port %d", settings.port)
    uvicorn.Server(uvicorn_config(WebApp(runtime), settings.port)).run()


async def _socket_mode(runtime: Runtime) -> None:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    token = runtime.settings.slack_app_token
    assert token is not None
    handler = AsyncSocketModeHandler(runtime.app, token.get_secret_value())
    server = uvicorn.Server(uvicorn_config(WebApp(runtime, serve_slack=False), runtime.settings.port))
    log.info("Socket Mode: connecting; GET /healthz on port %d", runtime.settings.port)
    await handler.connect_async()
    try:
        await server.serve()
    finally:
        await handler.close_async()
