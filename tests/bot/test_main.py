"""`python -m bot` as operators run it: a subprocess with its own working directory and environment."""

from __future__ import annotations

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

import pytest

from tests.slack_requests import SECRET, SlackClient
from tests.slack_stub import SlackStub

OUR_SETTINGS = ("SLACK_", "DATABASE_URL", "PORT", "BOT_", "LOG_LEVEL")
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


def run_once(cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot"], cwd=cwd, env=clean_env(**env), capture_output=True,
                          text=True, timeout=60)


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


@pytest.fixture
def started(tmp_path: Path, stub: SlackStub) -> Iterator[list[BotProcess]]:
    bots: list[BotProcess] = []
    yield bots
    for b in bots:
        b.stop()


def start(bots: list[BotProcess], cwd: Path, stub: SlackStub, port: int | None = None, **env: str) -> BotProcess:
    port = port or free_port()
    values = {"SLACK_BOT_TOKEN": "xoxb-test-token-000", "SLACK_SIGNING_SECRET": SECRET,
              "SLACK_API_URL": stub.api_url, "PORT": str(port), "BOT_MANAGERS": "UMGR"}
    values.update(env)
    bot = BotProcess(cwd, port, {k: v for k, v in values.items() if v})
    bots.append(bot)
    bot.wait_healthy()
    return bot


# ---- settings that stop the start ------------------------------------------------------------------

def _one_clear_line(p: subprocess.CompletedProcess[str], name: str) -> None:
    out = (p.stdout + p.stderr).strip()
    assert p.returncode == 2, out
    assert "Traceback" not in out
    assert len(out.splitlines()) == 1 and name in out, out


def test_missing_bot_token(tmp_path: Path) -> None:
    _one_clear_line(run_once(tmp_path), "SLACK_BOT_TOKEN")
    assert not (tmp_path / "data").exists()  # nothing created before the settings are good


@pytest.mark.parametrize(("name", "value"), [
    ("PORT", "eighty"), ("PORT", "70000"), ("PORT", "0"),
    ("SLACK_BOT_TOKEN", "xoxp-a-user-token"), ("BOT_TIMEZONE", "Mars/Olympus"),
    ("BOT_MANAGERS", "maria"), ("DATABASE_URL", "not a url"), ("SLACK_API_URL", "ftp://x"),
])
def test_malformed_setting(tmp_path: Path, name: str, value: str) -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s" * 32, name: value}
    _one_clear_line(run_once(tmp_path, **env), name)


def test_signing_secret_required_in_http_mode(tmp_path: Path) -> None:
    _one_clear_line(run_once(tmp_path, SLACK_BOT_TOKEN="xoxb-1"), "SLACK_SIGNING_SECRET")


def test_malformed_setting_in_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-1\nSLACK_SIGNING_SECRET=abc\nPORT=http\n")
    _one_clear_line(run_once(tmp_path), "PORT")


# ---- serving -----------------------------------------------------------------------------------------

def test_http_mode_from_dotenv_with_default_database(tmp_path: Path, stub: SlackStub, started) -> None:
    port = free_port()
    (tmp_path / ".env").write_text(
        f"SLACK_BOT_TOKEN=xoxb-test-token-000\nSLACK_SIGNING_SECRET={SECRET}\nSLACK_API_URL={stub.api_url}\n"
        f"PORT={port}\nBOT_MANAGERS=UMGR\n")
    bot = start(started, tmp_path, stub, port=port, SLACK_BOT_TOKEN="", SLACK_SIGNING_SECRET="", SLACK_API_URL="",
                PORT="", BOT_MANAGERS="")
    body = json.loads(bot.wait_healthy())
    assert body["status"] == "ok" and body["database"] == "up"
    assert (tmp_path / "data" / "bot.db").is_file()
    slack = SlackClient(bot.url, stub, real_clock=True)
    assert "Created project" in slack.command("/project", "new Apollo", user="UMGR").text()
    assert "R-1" in slack.command("/risk", "add Works p=2 i=2").text()
    assert slack.post(b"command=%2Frisk&text=list", sig="v0=" + "0" * 64)[0] == 401
    assert bot.stop() in STOPPED and "Traceback" not in bot.output()


def test_environment_wins_over_dotenv(tmp_path: Path, stub: SlackStub, started) -> None:
    (tmp_path / ".env").write_text(f"PORT={free_port()}\nDATABASE_URL=sqlite:///from-dotenv.db\n")
    bot = start(started, tmp_path, stub, DATABASE_URL="sqlite:///custom/place.db")
    assert bot.health()[0] == 200
    assert (tmp_path / "custom" / "place.db").is_file() and not (tmp_path / "from-dotenv.db").exists()


def test_restart_keeps_the_register(tmp_path: Path, stub: SlackStub, started) -> None:
    db = f"sqlite:///{tmp_path}/state/bot.db"
    first = start(started, tmp_path, stub, DATABASE_URL=db)
    slack = SlackClient(first.url, stub, real_clock=True)
    assert "R-1" in slack.command("/risk", "add Survives restarts p=4 i=4").text()
    assert "F-1" in slack.command("/feedback", "Kept too").text()
    assert first.stop() in STOPPED and "Traceback" not in first.output()
    second = start(started, tmp_path, stub, port=first.port, DATABASE_URL=db)
    slack = SlackClient(second.url, stub, real_clock=True)
    assert "Survives restarts" in slack.command("/risk", "list").text()
    assert "R-2" in slack.command("/risk", "add After the restart").text()
    assert "F-2" in slack.command("/feedback", "Also after").text()


def test_anonymous_author_never_reaches_the_log(tmp_path: Path, stub: SlackStub, started) -> None:
    bot = start(started, tmp_path, stub, LOG_LEVEL="DEBUG")
    slack = SlackClient(bot.url, stub, real_clock=True)
    assert "F-1" in slack.command("/feedback", "anon private The plan is unrealistic", user="UANON42").text()
    slack.command("/feedback", "", user="UANON42")  # the modal, too
    stub.wait_for("views.open")
    bot.stop()
    log = bot.output()
    assert "DEBUG" in log  # it did log at DEBUG
    assert "UANON42" not in log
    assert "xoxb-test-token-000" not in log and SECRET not in log


# ---- databases that stop the start ----------------------------------------------------------------

def test_sqlite_path_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("not a folder")
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s" * 32,
           "DATABASE_URL": f"sqlite:///{tmp_path}/afile/data/bot.db"}
    _one_clear_line(run_once(tmp_path, **env), "DATABASE_URL")


def test_postgres_user_that_does_not_exist(tmp_path: Path) -> None:
    from sqlalchemy.engine import make_url

    from tests.conftest import PG_ADMIN_URL

    url = make_url(PG_ADMIN_URL).set(username="no_such_role_here").render_as_string(hide_password=False)
    p = run_once(tmp_path, SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s" * 32, DATABASE_URL=url)
    _one_clear_line(p, "DATABASE_URL")
    assert "refused the user" in p.stderr


def test_postgres_database_that_does_not_exist(tmp_path: Path) -> None:
    from sqlalchemy.engine import make_url

    from tests.conftest import PG_ADMIN_URL

    url = make_url(PG_ADMIN_URL).set(database="no_such_database_here").render_as_string(hide_password=False)
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s" * 32, "DATABASE_URL": url}
    start = time.monotonic()
    p = run_once(tmp_path, **env)
    _one_clear_line(p, "DATABASE_URL")
    assert "does not exist" in p.stderr and time.monotonic() - start < 20


def test_sqlite_file_that_cannot_be_opened(tmp_path: Path) -> None:
    (tmp_path / "bot.db").mkdir()  # a folder where the file should be
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s" * 32,
           "DATABASE_URL": f"sqlite:///{tmp_path}/bot.db"}
    start = time.monotonic()
    _one_clear_line(run_once(tmp_path, **env), "DATABASE_URL")
    assert time.monotonic() - start < 20
