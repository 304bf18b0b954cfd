"""`python -m bot` as operators run it: a subprocess with its own working directory and environment."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.slack_requests import SECRET, SlackClient
from tests.slack_stub import SlackStub
from tests.support.database import PG_ADMIN_URL
from tests.support.processes import STOPPED, clean_env, free_port, start

APP_ID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def run_once(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=clean_env(**env), capture_output=True,
                          text=True, timeout=60)


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
    ("TEAMS_APP_ID", "my-teams-bot"), ("TEAMS_OPENID_URL", "http://login.botframework.com/openid"),
    ("TEAMS_LOGIN_URL", "login.microsoftonline.com"),
])
def test_malformed_setting(tmp_path: Path, name: str, value: str) -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s" * 32, name: value}
    _one_clear_line(run_once(tmp_path, **env), name)


def test_signing_secret_required_in_http_mode(tmp_path: Path) -> None:
    _one_clear_line(run_once(tmp_path, SLACK_BOT_TOKEN="xoxb-1"), "SLACK_SIGNING_SECRET")


@pytest.mark.parametrize("missing", ["TEAMS_APP_PASSWORD", "TEAMS_TENANT_ID"])
def test_teams_app_id_needs_password_and_tenant(tmp_path: Path, missing: str) -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s" * 32, "TEAMS_APP_ID": APP_ID,
           "TEAMS_APP_PASSWORD": "client-secret-value", "TEAMS_TENANT_ID": TENANT}
    del env[missing]
    p = run_once(tmp_path, **env)
    _one_clear_line(p, missing)
    assert "client-secret-value" not in p.stderr
    assert not (tmp_path / "data").exists()


def test_malformed_setting_in_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-1\nSLACK_SIGNING_SECRET=abc\nPORT=http\n")
    _one_clear_line(run_once(tmp_path), "PORT")


# ---- the Teams app package ----------------------------------------------------------------------------

def test_teams_package_with_app_id(tmp_path: Path) -> None:
    env = clean_env()
    assert not any(k.startswith(("SLACK_", "TEAMS_")) for k in env)  # no Slack settings needed
    p = run_once(tmp_path, "teams-package", "--app-id", APP_ID, "--out", str(tmp_path))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Traceback" not in p.stderr
    package = tmp_path / "teams-app.zip"
    with zipfile.ZipFile(package) as z:
        assert sorted(z.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(z.read("manifest.json"))
    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID
    assert str(package) in p.stdout
    assert not (tmp_path / "data").exists()  # no database either


def test_teams_package_reads_app_id_from_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"TEAMS_APP_ID={APP_ID}\n")
    p = run_once(tmp_path, "teams-package")
    assert p.returncode == 0, p.stdout + p.stderr
    with zipfile.ZipFile(tmp_path / "teams-app.zip") as z:
        assert json.loads(z.read("manifest.json"))["id"] == APP_ID


@pytest.mark.parametrize("args", [[], ["--app-id", "not-a-guid"]])
def test_teams_package_without_a_good_app_id(tmp_path: Path, args: list[str]) -> None:
    p = run_once(tmp_path, "teams-package", *args, "--out", str(tmp_path))
    out = (p.stdout + p.stderr).strip()
    assert p.returncode == 2, out
    assert "Traceback" not in out
    assert len(out.splitlines()) == 1 and out.startswith("error: ") and "TEAMS_APP_ID" in out, out
    assert list(tmp_path.iterdir()) == []


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

    url = make_url(PG_ADMIN_URL).set(username="no_such_role_here").render_as_string(hide_password=False)
    p = run_once(tmp_path, SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s" * 32, DATABASE_URL=url)
    _one_clear_line(p, "DATABASE_URL")
    assert "refused the user" in p.stderr


def test_postgres_database_that_does_not_exist(tmp_path: Path) -> None:
    from sqlalchemy.engine import make_url

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
