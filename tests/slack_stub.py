"""A local stand-in for Slack's Web API and response_url endpoints.

A real HTTP server on loopback: the bot reaches it through SLACK_API_URL /
`AsyncWebClient(base_url=…)`. It answers with Slack's response shapes and
records every call, so tests read what the bot sent. It can rate-limit
`chat.*` like Slack (429 + Retry-After) and fail chosen calls.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TEAM = "T0ACME"


class SlackStub:
    def __init__(self, users: dict[str, dict[str, Any]] | None = None, rate_limit_per_s: int | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.history: dict[str, list[dict[str, Any]]] = {}  # channel -> messages posted (for conversations.history)
        self.responses: list[tuple[str, dict[str, Any]]] = []
        self.users: dict[str, dict[str, Any]] = users or {}
        self.rate_limit_per_s = rate_limit_per_s
        self.throttled = 0
        # method -> list of ("error", name) | ("status", code) answered once each, in order
        self.failures: dict[str, list[tuple[str, Any]]] = {}
        self.on_call: Callable[[str, dict[str, Any]], None] | None = None
        self._ts = itertools.count(1)
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._window: list[float] = []
        self.server: ThreadingHTTPServer | None = None
        self.base = ""

    # ---- lifecycle --------------------------------------------------------------------------
    def start(self) -> SlackStub:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _params(self) -> dict[str, Any]:
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n).decode() if n else ""
                ctype = self.headers.get("Content-Type", "")
                params: dict[str, Any] = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(self.path).query))
                if "json" in ctype and raw:
                    params.update(json.loads(raw))
                elif raw:
                    params.update(dict(urllib.parse.parse_qsl(raw)))
                for key in ("blocks", "view", "attachments"):
                    if isinstance(params.get(key), str):
                        with contextlib.suppress(ValueError):
                            params[key] = json.loads(params[key])
                return params

            def _send(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
                out = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(out)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(out)

            def do_GET(self) -> None:
                self.do_POST()

            def do_POST(self) -> None:
                status, obj, headers = stub.handle(urllib.parse.urlparse(self.path).path, self._params())
                self._send(status, obj, headers)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        # A short poll interval: stop() waits for it, once per test (the default is half a second).
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        return self

    @property
    def api_url(self) -> str:
        return self.base + "/api/"

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    # ---- behaviour --------------------------------------------------------------------------
    def fail(self, method: str, error: str | None = None, status: int | None = None, times: int = 1) -> None:
        """The next `times` calls of `method` fail: with `{"ok": false, "error": error}` or HTTP `status`
        (`method="response"`: the next posts to a response_url, with HTTP `status`)."""
        with self._lock:
            entry = ("status", status) if status else ("error", error or "internal_error")
            self.failures.setdefault(method, []).extend([entry] * times)

    def handle(self, path: str, params: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        if path.startswith("/response/"):
            with self._cond:
                queued = self.failures.get("response")  # `fail("response", status=…)`: response_url errors
                if queued:
                    return int(queued.pop(0)[1] or 500), {"ok": False}, {}
                self.responses.append((path.rsplit("/", 1)[-1], params))
                self._cond.notify_all()
            return 200, {"ok": True}, {}
        method = path.rsplit("/", 1)[-1]
        with self._cond:
            if self.rate_limit_per_s and method.startswith("chat."):
                now = time.monotonic()
                self._window = [t for t in self._window if now - t < 1.0]
                if len(self._window) >= self.rate_limit_per_s:
                    self.throttled += 1
                    return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
                self._window.append(now)
            queued = self.failures.get(method)
            failure = queued.pop(0) if queued else None
            if failure and failure[0] == "status":
                return int(failure[1]), {"ok": False, "error": "server_error"}, {"Retry-After": "0"}
            self.calls.append((method, params))
            self._cond.notify_all()
        if self.on_call:
            self.on_call(method, params)
        if failure:
            return 200, {"ok": False, "error": failure[1]}, {}
        return 200, self.answer(method, params), {}

    def user(self, uid: str) -> dict[str, Any]:
        u = self.users.get(uid, {})
        name = u.get("name", uid.lower())
        return {
            "id": uid, "team_id": u.get("team_id", TEAM), "name": name, "real_name": name.title(),
            "deleted": False, "is_bot": False, "tz": u.get("tz", "Europe/London"),
            "tz_offset": u.get("tz_offset", 0), "is_admin": u.get("is_admin", False),
            "is_owner": u.get("is_owner", False), "is_restricted": u.get("is_restricted", False),
            "is_ultra_restricted": u.get("is_ultra_restricted", False),
            "profile": {"display_name": name, "real_name": name.title()},
        }

    def answer(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        ts = f"{int(time.time())}.{next(self._ts):06d}"
        if method == "auth.test":
            return {"ok": True, "url": "https://acme.slack.com/", "team": "Acme", "user": "salesbot",
                    "team_id": TEAM, "user_id": "UBOT", "bot_id": "BBOT", "is_enterprise_install": False}
        if method == "users.info":
            return {"ok": True, "user": self.user(str(p.get("user", "U0")))}
        if method == "conversations.open":
            users = p.get("users", "")
            users = ",".join(users) if isinstance(users, list) else str(users)
            return {"ok": True, "channel": {"id": "D" + users.replace(",", "")}}
        if method in ("chat.postMessage", "chat.update"):
            ch = str(p.get("channel", ""))
            if ch.startswith(("U", "W")):
                ch = "D" + ch
            if method == "chat.postMessage":
                meta = p.get("metadata")
                if isinstance(meta, str):
                    meta = json.loads(meta)
                with self._lock:
                    self.history.setdefault(ch, []).append(
                        {"type": "message", "ts": ts, "text": p.get("text", ""), "metadata": meta})
            return {"ok": True, "channel": ch, "ts": p.get("ts") or ts,
                    "message": {"type": "message", "text": p.get("text", ""), "ts": ts}}
        if method == "conversations.history":
            oldest = float(p.get("oldest") or 0)
            with self._lock:
                msgs = [m for m in self.history.get(str(p.get("channel")), []) if float(m["ts"]) >= oldest]
            return {"ok": True, "messages": list(reversed(msgs)), "has_more": False}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method.startswith("views."):
            view = p.get("view") if isinstance(p.get("view"), dict) else {}
            return {"ok": True, "view": {**view, "id": "V" + ts.replace(".", ""), "hash": "h" + ts}}
        if method == "chat.getPermalink":
            return {"ok": True, "permalink": f"https://acme.slack.com/archives/{p.get('channel')}/p1"}
        if method == "apps.connections.open":
            url = getattr(self, "socket_url", None)
            return {"ok": True, "url": url} if url else {"ok": False, "error": "invalid_auth"}
        return {"ok": True}

    # ---- reading ----------------------------------------------------------------------------
    def find(self, method: str, **match: Any) -> list[dict[str, Any]]:
        with self._lock:
            calls = list(self.calls)
        return [p for m, p in calls if m == method and all(str(p.get(k)) == str(v) for k, v in match.items())]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0, **match: Any) -> list[dict[str, Any]]:
        """Wait until at least `count` calls of `method` (matching `match`) arrived; returns them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                got = [p for m, p in self.calls
                       if m == method and all(str(p.get(k)) == str(v) for k, v in match.items())]
                left = deadline - time.monotonic()
                if len(got) >= count or left <= 0:
                    return got
                self._cond.wait(min(left, 0.1))

    def wait_response(self, rid: str, timeout: float = 5.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                got = [p for r, p in self.responses if r == rid]
                left = deadline - time.monotonic()
                if got or left <= 0:
                    return got
                self._cond.wait(min(left, 0.1))

    def methods(self) -> list[str]:
        with self._lock:
            return [m for m, _ in self.calls]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()
            self.responses.clear()
