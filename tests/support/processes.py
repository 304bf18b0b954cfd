"""The bot as operators run it, `python -m bot`: a subprocess with its own working directory and environment."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.slack_requests import SECRET
from tests.slack_stub import SlackStub

OUR_SETTINGS = ("SLACK_", "TEAMS_", "DATABASE_URL", "PORT", "BOT_", "LOG_LEVEL")
# After a graceful shutdown on SIGTERM, uvicorn re-raises the signal, as a process stopped by it should.
STOPPED = (0, -signal.SIGTERM)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(OUR_SETTINGS)}
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class BotProcess:
    """The bot started as `python -m bot` in `cwd`; its output goes to files (a full pipe would block it)."""

    def __init__(self, cwd: Path, port: int, env: dict[str, str]) -> None:
        self.cwd, self.port = cwd, port
        self.out = open(cwd / f"bot-{port}-{time.monotonic_ns()}.log", "w+")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen([sys.executable, "-m", "bot"], cwd=cwd, env=clean_env(**env),
                                     stdout=self.out, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{port}"

    def health(self) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()
        except OSError:
            return 0, ""

    def wait_healthy(self, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the bot exited ({self.proc.returncode}): {self.output()}")
            status, body = self.health()
            if status == 200:
                return body
            time.sleep(0.05)
        raise AssertionError(f"/healthz never answered 200 ({self.health()}): {self.output()}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.out.close()
        return self.proc.returncode

    def output(self) -> str:
        if not self.out.closed:
            self.out.flush()
        return Path(self.out.name).read_text()


def start(bots: list[BotProcess], cwd: Path, stub: SlackStub, port: int | None = None, **env: str) -> BotProcess:
    """Start the bot against `stub`, add it to `bots` (stopped after the test) and wait until it is healthy.

    An empty value in `env` leaves that setting out of the environment."""
    port = port or free_port()
    values = {"SLACK_BOT_TOKEN": "xoxb-test-token-000", "SLACK_SIGNING_SECRET": SECRET,
              "SLACK_API_URL": stub.api_url, "PORT": str(port), "BOT_MANAGERS": "UMGR"}
    values.update(env)
    bot = BotProcess(cwd, port, {k: v for k, v in values.items() if v})
    bots.append(bot)
    bot.wait_healthy()
    return bot
