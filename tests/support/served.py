"""The bot's settings for tests, and the real app served over HTTP in-process."""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy.engine import Engine

from bot.settings import Settings
from tests.slack_requests import SECRET


def make_settings(db_url: str, api_url: str, **over: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-test-token-000", "slack_signing_secret": SECRET, "slack_api_url": api_url,
        "database_url": db_url, "port": 3000, "bot_managers": "UMGR", "bot_timezone": "UTC",
    }
    values.update(over)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class ServedBot:
    """The real app (uvicorn + Bolt's ASGI adapter) on a loopback port, in a thread."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        import uvicorn

        from bot.app import build_deps
        from bot.server import Runtime, WebApp, uvicorn_config

        self.runtime = Runtime(settings, deps=build_deps(settings, engine))
        self.server = uvicorn.Server(uvicorn_config(WebApp(self.runtime), 0, host="127.0.0.1"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the bot did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
