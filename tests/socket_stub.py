"""A local stand-in for Slack's Socket Mode WebSocket server.

Slack's side of the protocol, as slack_sdk's Socket Mode client expects it: the client asks
`apps.connections.open` (the Web API stand-in answers with this server's `ws://` URL), opens the
WebSocket, and receives `{"type": "hello"}`. Requests then arrive as envelopes
`{"envelope_id", "type", "accepts_response_payload", "payload"}`; the app acknowledges each by
sending back `{"envelope_id": …}`, with `"payload"` when it answers in the acknowledgement.

The server runs on its own event loop in a thread, so the bot can live in another process.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
import uuid
from typing import Any

from aiohttp import WSMsgType, web

from tests.slack_stub import TEAM


class SocketStub:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []  # every JSON message the app sent, in order
        self.connections = 0  # WebSockets opened so far
        self.close_codes: list[int | None] = []  # per closed connection: 1000 is a clean close by the app
        self._sockets: list[web.WebSocketResponse] = []
        self._cond = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self._seq = itertools.count(1)
        self.port = 0

    # ---- lifecycle --------------------------------------------------------------------------
    def start(self) -> SocketStub:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/link/", self._link)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    @property
    def url(self) -> str:
        """What `apps.connections.open` answers: a one-off ticket URL, as Slack's are."""
        return f"ws://127.0.0.1:{self.port}/link/?ticket={uuid.uuid4()}&app_id=A0BOT"

    def stop(self) -> None:
        async def _stop() -> None:
            for ws in list(self._sockets):
                await ws.close()
            if self._runner:
                await self._runner.cleanup()

        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(_stop(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)

    # ---- Slack's side of a connection -------------------------------------------------------
    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)  # answers the client's pings with pongs
        await ws.prepare(request)
        with self._cond:
            self.connections += 1
            self._sockets.append(ws)
            self._cond.notify_all()
        await ws.send_json({"type": "hello", "num_connections": 1,
                            "debug_info": {"host": "applink-stub", "build_number": 1,
                                           "approximate_connection_time": 3600},
                            "connection_info": {"app_id": "A0BOT"}})
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    with self._cond:
                        self.received.append(json.loads(msg.data))
                        self._cond.notify_all()
        finally:
            with self._cond:
                if ws in self._sockets:
                    self._sockets.remove(ws)
                self.close_codes.append(ws.close_code)
                self._cond.notify_all()
        return ws

    # ---- what tests do ----------------------------------------------------------------------
    def wait_connected(self, count: int = 1, timeout: float = 15.0) -> bool:
        """Wait until `count` connections are open at once."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self._sockets) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.1))
            return True

    def wait_disconnected(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._sockets:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.1))
            return True

    def send(self, envelope: dict[str, Any]) -> None:
        """Push an envelope to the app over the newest connection."""
        with self._cond:
            if not self._sockets:
                raise AssertionError("the app is not connected")
            ws = self._sockets[-1]
        asyncio.run_coroutine_threadsafe(ws.send_json(envelope), self._loop).result(5)

    def slash_command(self, command: str, text: str, *, response_url: str, user: str = "UMEMBER",
                      channel: str = "CSALES", team: str = TEAM) -> str:
        """Send a slash command as Slack does over Socket Mode; returns the envelope id."""
        envelope_id = f"env-{next(self._seq)}-{uuid.uuid4().hex[:8]}"
        payload = {
            "token": "legacy", "team_id": team, "team_domain": "acme", "channel_id": channel,
            "channel_name": "sales", "user_id": user, "user_name": user.lower(), "command": command, "text": text,
            "api_app_id": "A0BOT", "is_enterprise_install": "false", "response_url": response_url,
            "trigger_id": f"{next(self._seq)}.1234.abcd",
        }
        self.send({"envelope_id": envelope_id, "type": "slash_commands", "accepts_response_payload": True,
                   "payload": payload})
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any] | None:
        """The app's acknowledgement of one envelope, or None if it never came."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for m in self.received:
                    if m.get("envelope_id") == envelope_id:
                        return m
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(min(left, 0.1))
