"""Socket Mode end to end: `python -m bot` with SLACK_APP_TOKEN set asks `apps.connections.open`
on SLACK_API_URL for a WebSocket URL, connects to a local stand-in for Slack's Socket Mode
server, acknowledges envelopes, answers, and still serves /healthz on PORT."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import create_engine
from sqlmodel import Session, select

from bot.server import SocketLink
from storage.models import Risk
from tests.slack_requests import all_text
from tests.slack_stub import SlackStub
from tests.socket_stub import SocketStub


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class BotProcess:
    """`python -m bot` in a working directory of its own (so no developer `.env` is read)."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.log_path = cwd / "bot.log"
        self.port = int(env["PORT"])
        clean = {k: v for k, v in os.environ.items()
                 if not k.upper().startswith(("SLACK_", "DATABASE_URL", "PORT", "BOT_"))}
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "bot"], cwd=cwd, env={**clean, **env},
                                     stdout=self._log, stderr=subprocess.STDOUT)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def health(self) -> tuple[int, dict[str, Any]]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def wait_healthy(self, timeout: float = 20.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                status, body = self.health()
                if status == 200:
                    return body
            except (urllib.error.URLError, ConnectionError):
                pass
            time.sleep(0.05)
        raise AssertionError(f"/healthz never answered 200\n{self.log()}")

    def stop(self) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._log.close()
        return self.proc.returncode


@pytest.fixture
def socket_stub() -> Iterator[SocketStub]:
    s = SocketStub().start()
    yield s
    s.stop()


def bot_env(stub: SlackStub, db_url: str) -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": "xoxb-test-token-000", "SLACK_APP_TOKEN": "xapp-1-A0BOT-1-test",
            "SLACK_API_URL": stub.api_url, "DATABASE_URL": db_url, "PORT": str(free_port()),
            "BOT_MANAGERS": "UMGR", "LOG_LEVEL": "INFO"}


@pytest.fixture
def bot(tmp_path: Path, stub: SlackStub, socket_stub: SocketStub, sqlite_url: str) -> Iterator[BotProcess]:
    stub.socket_url = socket_stub.url  # type: ignore[attr-defined]  # what apps.connections.open answers
    process = BotProcess(tmp_path, bot_env(stub, sqlite_url))
    yield process
    process.stop()


def test_connects_acks_and_answers(bot: BotProcess, stub: SlackStub, socket_stub: SocketStub,
                                   sqlite_url: str) -> None:
    assert socket_stub.wait_connected(), bot.log()
    assert stub.find("apps.connections.open"), "the WebSocket URL must come from SLACK_API_URL"
    body = bot.wait_healthy()
    assert body["status"] == "ok" and body["database"] == "up" and body["scheduler"] == "up"
    deadline = time.monotonic() + 5
    while body.get("socket_mode") != "connected" and time.monotonic() < deadline:
        time.sleep(0.05)
        body = bot.health()[1]
    assert body.get("socket_mode") == "connected", body

    # `help` is answered in the acknowledgement itself
    eid = socket_stub.slash_command("/risk", "help", response_url=f"{stub.base}/response/help1")
    ack = socket_stub.wait_ack(eid)
    assert ack is not None, bot.log()
    assert "Usage of /risk" in all_text(ack.get("payload") or {})

    # a real command is acknowledged at once, then answered through response_url
    eid = socket_stub.slash_command("/risk", "add Vendor may slip p=3 i=4", response_url=f"{stub.base}/response/add1")
    ack = socket_stub.wait_ack(eid)
    assert ack is not None and not ack.get("payload"), ack
    answer = stub.wait_response("add1")
    assert answer, bot.log()
    text = all_text(answer[0])
    assert "R-1" in text and "High" in text
    engine = create_engine(sqlite_url)
    with Session(engine) as s:
        risk = s.exec(select(Risk)).one()
        assert (risk.title, risk.score, risk.created_by) == ("Vendor may slip", 12, "UMEMBER")
    engine.dispose()

    # Slack's HTTP endpoint is not served in Socket Mode: requests come over the WebSocket only
    req = urllib.request.Request(f"http://127.0.0.1:{bot.port}/slack/events", data=b"command=%2Frisk", method="POST")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=5)
    assert e.value.code == 404


def test_reconnects_when_slack_asks(bot: BotProcess, stub: SlackStub, socket_stub: SocketStub) -> None:
    """Slack sends `disconnect` (e.g. refresh_requested) every few hours; the bot opens a new link."""
    assert socket_stub.wait_connected(), bot.log()
    socket_stub.send({"type": "disconnect", "reason": "refresh_requested",
                      "debug_info": {"host": "applink-stub"}})
    assert len(stub.wait_for("apps.connections.open", count=2, timeout=15)) >= 2, bot.log()
    deadline = time.monotonic() + 15
    while socket_stub.connections < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert socket_stub.wait_connected(), bot.log()
    eid = socket_stub.slash_command("/project", "help", response_url=f"{stub.base}/response/help2")
    ack = socket_stub.wait_ack(eid, timeout=10)
    assert ack is not None and "Usage of /project" in all_text(ack.get("payload") or {}), bot.log()


def test_stopping_closes_the_link_cleanly(bot: BotProcess, socket_stub: SocketStub) -> None:
    assert socket_stub.wait_connected(), bot.log()
    bot.wait_healthy()
    bot.stop()
    assert socket_stub.wait_disconnected(), bot.log()
    assert 1000 in socket_stub.close_codes, (socket_stub.close_codes, bot.log())
    assert "Traceback" not in bot.log()


def test_refused_app_token_stops_the_start_with_one_line(tmp_path: Path, stub: SlackStub, sqlite_url: str) -> None:
    """No socket_url on the stand-in: apps.connections.open answers invalid_auth, as Slack does for a bad token."""
    process = BotProcess(tmp_path, bot_env(stub, sqlite_url))
    try:
        status = process.proc.wait(30)
    finally:
        process.stop()
    log = process.log()
    assert status == 2, log
    lines = [ln for ln in log.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1 and "SLACK_APP_TOKEN" in lines[0] and "invalid_auth" in lines[0], log
    assert "Traceback" not in log


def test_a_url_that_fails_is_replaced_by_a_fresh_one(stub: SlackStub, socket_stub: SocketStub) -> None:
    """Socket Mode URLs are one-off tickets: when connecting with one keeps failing, the link asks
    `apps.connections.open` again instead of retrying a URL that has expired."""
    stub.socket_url = f"ws://127.0.0.1:{free_port()}/link/"  # type: ignore[attr-defined]  # nobody listens

    def second_url_works(method: str, _params: dict[str, Any]) -> None:
        if method == "apps.connections.open" and len(stub.find(method)) >= 2:
            stub.socket_url = socket_stub.url  # type: ignore[attr-defined]

    stub.on_call = second_url_works

    async def scenario() -> bool:
        app = AsyncApp(client=AsyncWebClient(token="xoxb-test-token-000", base_url=stub.api_url),
                       request_verification_enabled=False)
        link = SocketLink(app, "xapp-1-A0BOT-1-test")
        link.connect_timeout_s = 0.5
        await link.open()
        try:
            for _ in range(200):
                if await link.connected():
                    return True
                await asyncio.sleep(0.05)
            return False
        finally:
            await link.close()

    assert asyncio.run(scenario())
    assert len(stub.find("apps.connections.open")) >= 2
    assert socket_stub.connections == 1
