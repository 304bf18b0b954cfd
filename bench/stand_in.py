"""A lean stand-in for Slack's Web API and response_url endpoints, run as a process of its own.

The load benchmark's client runs in another process, so the stand-in's work never shares a
GIL with the measuring; it answers with Slack's shapes and counts what it got:
`GET /bench/stats` -> {"responses": N, "api": {method: N}}. Started with
`python -m bench.stand_in`, it prints `READY <base url>` once it listens.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
from collections import Counter
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from bench.common import TEAM

MANAGERS = {"UADMIN": {"is_admin": True}, "UOWNER": {"is_owner": True}}


class StandIn:
    def __init__(self) -> None:
        self.responses = 0
        self.api: Counter[str] = Counter()
        self._ts = itertools.count(1)

    async def response(self, request: web.Request) -> web.Response:
        await request.read()
        self.responses += 1
        return web.json_response({"ok": True})

    async def stats(self, _request: web.Request) -> web.Response:
        return web.json_response({"responses": self.responses, "api": dict(self.api)})

    async def method(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        self.api[name] += 1
        raw = await request.read()
        params: dict[str, Any] = dict(request.query)
        if raw:
            if "json" in (request.content_type or ""):
                params.update(json.loads(raw))
            else:
                params.update(parse_qsl(raw.decode()))
        return web.json_response(self.answer(name, params))

    def answer(self, name: str, p: dict[str, Any]) -> dict[str, Any]:
        ts = f"{int(time.time())}.{next(self._ts):06d}"
        if name == "auth.test":
            return {"ok": True, "url": "https://acme.slack.com/", "team": "Acme", "user": "salesbot",
                    "team_id": TEAM, "user_id": "UBOT", "bot_id": "BBOT", "is_enterprise_install": False}
        if name == "users.info":
            uid = str(p.get("user", "U0"))
            extra = MANAGERS.get(uid, {})
            return {"ok": True, "user": {
                "id": uid, "team_id": TEAM, "name": uid.lower(), "tz": "Europe/London", "is_bot": False,
                "is_admin": extra.get("is_admin", False), "is_owner": extra.get("is_owner", False),
                "is_restricted": False, "is_ultra_restricted": False, "profile": {"display_name": uid.lower()}}}
        if name in ("chat.postMessage", "chat.update"):
            channel = str(p.get("channel", ""))
            channel = "D" + channel if channel.startswith(("U", "W")) else channel
            return {"ok": True, "channel": channel, "ts": ts, "message": {"type": "message", "ts": ts}}
        if name == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(p.get("users", "")).replace(",", "")}}
        if name == "conversations.history":
            return {"ok": True, "messages": [], "has_more": False}
        if name == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if name.startswith("views."):
            return {"ok": True, "view": {"id": "V" + ts.replace(".", ""), "hash": "h"}}
        return {"ok": True}


async def serve(port: int) -> None:
    stand_in = StandIn()
    app = web.Application()
    app.router.add_post("/response/{rid}", stand_in.response)
    app.router.add_get("/bench/stats", stand_in.stats)
    app.router.add_route("*", "/api/{method}", stand_in.method)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=1024)
    await site.start()
    bound = runner.addresses[0][1]
    print(f"READY http://127.0.0.1:{bound}", flush=True)
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.run(serve(args.port))
    except ImportError:
        asyncio.run(serve(args.port))


if __name__ == "__main__":
    main()
