"""Secrets stay secret. Anonymous feedback leaves no trace of its author: not in any cell of any table
(read generically, so a new table or column is covered too), not in any log line — whether it is given
by command or by form, whether it succeeds, is refused or meets a Web API failure. The bot token, the
app-level token and the signing secret never reach a log line either.

Logs are read twice: in-process at DEBUG (records as emitted, before the redacting filter), and from
`python -m bot` run with LOG_LEVEL=DEBUG, in HTTP mode and in Socket Mode.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import traceback
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select
from sqlalchemy.engine import Engine

from bot.logs import setup_logging
from handlers.slack import ids
from tests.security.harness import Driver, state_of
from tests.slack_requests import SECRET, SlackClient, checkboxes_value, select_value, text_value
from tests.slack_stub import SlackStub
from tests.socket_stub import SocketStub
from tests.support.processes import STOPPED, BotProcess, clean_env, free_port, start

AUTHOR = "UANON7"  # does nothing but give anonymous feedback
BOT_TOKEN = "xoxb-test-token-000"
APP_TOKEN = "xapp-1-A0BOT-1-secretish"
SECRETS = (BOT_TOKEN, APP_TOKEN, SECRET)


def cells_holding(engine: Engine, needle: str) -> list[str]:
    """table.column of every cell, in every table, whose value contains `needle`."""
    meta = MetaData()
    meta.reflect(engine)
    found = []
    with engine.connect() as c:
        for table in meta.sorted_tables:
            for row in c.execute(select(table)):
                found += [f"{table.name}.{col}" for col, v in row._mapping.items()
                          if v is not None and needle in str(v)]
    return found


def log_text(records: list[logging.LogRecord]) -> str:
    lines = []
    for r in records:
        lines.append(f"{r.name} {r.getMessage()}")
        if r.exc_info:
            lines.append("".join(traceback.format_exception(*r.exc_info)))
        if r.exc_text:
            lines.append(r.exc_text)
    return "\n".join(lines)


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Logging as `python -m bot` sets it up at LOG_LEVEL=DEBUG, with every record captured as emitted.
    Requested before the served bot, so that Bolt's loggers take their levels from it as they do there."""
    root = logging.getLogger()
    names = ("slack_bolt", "slack_sdk", "apscheduler", "alembic")
    saved = (root.handlers[:], root.level, {n: logging.getLogger(n).level for n in names})
    setup_logging("DEBUG", list(SECRETS))
    caplog.handler.setLevel(logging.DEBUG)
    root.addHandler(caplog.handler)
    logging.getLogger("bot.probe").debug("capture works")
    assert [r.getMessage() for r in caplog.records] == ["capture works"]
    yield caplog
    root.handlers[:], root.level = saved[0], saved[1]
    for n, level in saved[2].items():
        logging.getLogger(n).setLevel(level)


@pytest.fixture
def bots() -> Iterator[list[BotProcess]]:
    """`python -m bot` processes started by a test, stopped after it."""
    out: list[BotProcess] = []
    yield out
    for b in out:
        b.stop()


def give_anonymous_feedback(d: Driver, stub: SlackStub) -> None:
    """Every way of giving anonymous feedback, including failing ones."""
    assert "F-" in d.command(ids.FEEDBACK, "anon private client The plan is unrealistic", AUTHOR).text()
    assert "There is no project" in d.command(ids.FEEDBACK, "anon project=Nowhere It slips", AUTHOR).text()
    assert "at most" in d.command(ids.FEEDBACK, "anon " + "x" * 3100, AUTHOR).text()
    view = d.command(ids.FEEDBACK, "", AUTHOR).opened()[0]
    values = {ids.B_SOURCE: select_value("team"), ids.B_TEXT: text_value("Too many meetings"),
              ids.B_OPTIONS: checkboxes_value("anonymous")}
    assert d.submit(view, state_of(view, values), AUTHOR).wrote
    bad = {**values, ids.B_TEXT: text_value("x" * 3100)}
    assert d.submit(view, state_of(view, bad), AUTHOR).body["response_action"] == "errors"
    gone = {**values, ids.B_PROJECT: {"type": "static_select", "selected_option": {"value": "999"}}}
    assert "no longer exists" in d.submit(view, state_of(view, gone), AUTHOR).text()
    # The confirmation cannot be shown (ephemeral and DM both fail): the feedback is still kept.
    stub.fail("chat.postEphemeral", error="channel_not_found")
    stub.fail("chat.postMessage", error="cannot_dm_bot", times=2)
    assert d.submit(view, state_of(view, values), AUTHOR).wrote


def test_anonymous_feedback_leaves_no_trace_in_tables_or_logs(debug_logs: pytest.LogCaptureFixture, driver: Driver,
                                                              stub: SlackStub, engine: Engine) -> None:
    give_anonymous_feedback(driver, stub)
    # Managers list it and close the loop on it: nobody is told who wrote it, because nobody knows.
    listed = driver.command(ids.FEEDBACK, "list", "UMGR").text()
    assert "anonymous" in listed and AUTHOR not in listed
    for n in (1, 2, 3):
        acted = driver.command(ids.FEEDBACK, f"act F-{n} Cut the weekly meeting", "UMGR")
        assert "Closed the loop" in acted.text() and AUTHOR not in acted.text()
        assert not [p for m, p in acted.calls if m == "chat.postMessage" and p["channel"] != "UMGR"]
    assert not stub.find("users.info", user=AUTHOR)  # not even looked up
    assert cells_holding(engine, AUTHOR) == []
    logged = log_text(debug_logs.records)
    assert AUTHOR not in logged
    assert not [s for s in SECRETS if s in logged]


def test_tokens_and_secret_never_reach_a_record(debug_logs: pytest.LogCaptureFixture, driver: Driver,
                                                stub: SlackStub, slack: SlackClient) -> None:
    """Errors included: a Web API failure after the ack, a failed users.info, a forged request."""
    stub.fail("views.open", error="expired_trigger_id")
    driver.command(ids.RISK, "", "UMEMBER")  # the form cannot open: an error after the ack
    stub.fail("users.info", error="invalid_auth")
    driver.command(ids.PROJECT, "new Gemini", "UOTHER")
    driver.command(ids.FEEDBACK, "The weekly report is late", "UMEMBER")
    stub.fail("chat.postMessage", error="user_not_found")  # telling the author fails
    assert "Closed the loop" in driver.command(ids.FEEDBACK, "act F-1 Done", "UMGR").text()
    body = urllib.parse.urlencode({"command": "/risk", "text": "list", "team_id": "T0ACME"}).encode()
    assert slack.post(body, sig="v0=" + "0" * 64)[0] == 401
    logged = log_text(debug_logs.records)
    assert "expired_trigger_id" in logged  # the failure was logged…
    assert not [s for s in SECRETS if s in logged]  # …without a secret


# ---- the real process -----------------------------------------------------------------------------

def _scan_sqlite(cwd: Path, needle: str) -> list[str]:
    engine = create_engine(f"sqlite:///{cwd / 'data' / 'bot.db'}")
    try:
        return cells_holding(engine, needle)
    finally:
        engine.dispose()


def test_python_m_bot_at_debug_logs_no_author_and_no_secret(tmp_path: Path, stub: SlackStub,
                                                            bots: list[BotProcess]) -> None:
    bot = start(bots, tmp_path, stub, LOG_LEVEL="DEBUG")
    slack = SlackClient(bot.url, stub, real_clock=True)
    assert "F-1" in slack.command("/feedback", "anon private The plan is unrealistic", user=AUTHOR).text()
    slack.command("/feedback", "", user=AUTHOR)
    view = stub.wait_for("views.open")[0]["view"]
    values = {ids.B_SOURCE: select_value("team"), ids.B_TEXT: text_value("Too many meetings"),
              ids.B_OPTIONS: checkboxes_value("anonymous")}
    slack.submit(view, values, user=AUTHOR)
    assert stub.wait_for("chat.postEphemeral", user=AUTHOR)
    stub.fail("chat.postEphemeral", error="channel_not_found")
    stub.fail("chat.postMessage", error="cannot_dm_bot", times=2)
    slack.submit(view, values, user=AUTHOR)
    stub.wait_for("chat.postMessage", count=2)
    # errors and failures around it
    stub.fail("views.open", error="expired_trigger_id")
    slack.command("/risk", "", user="UMEMBER")
    stub.wait_for("chat.postMessage", count=3)
    assert slack.post(b"command=%2Frisk&text=list", sig="v0=" + "0" * 64)[0] == 401
    assert "Closed the loop" in slack.command("/feedback", "act F-1 Cut the meeting", user="UMGR").text()
    assert bot.stop() in STOPPED
    log = bot.output()
    assert "DEBUG" in log and "expired_trigger_id" in log, log[-2000:]
    assert AUTHOR not in log
    assert not [s for s in SECRETS if s in log]
    assert _scan_sqlite(tmp_path, AUTHOR) == []


def test_socket_mode_at_debug_logs_no_author_and_no_token(tmp_path: Path, stub: SlackStub,
                                                          bots: list[BotProcess]) -> None:
    socket = SocketStub().start()
    try:
        stub.socket_url = socket.url  # type: ignore[attr-defined]  # what apps.connections.open answers
        bot = start(bots, tmp_path, stub, LOG_LEVEL="DEBUG", SLACK_APP_TOKEN=APP_TOKEN)
        assert socket.wait_connected(), bot.output()
        socket.slash_command("/feedback", "anon The plan is unrealistic", user=AUTHOR,
                             response_url=f"{stub.base}/response/anon1")
        assert "F-1" in json.dumps(stub.wait_response("anon1"))
        eid = socket.slash_command("/risk", "help", response_url=f"{stub.base}/response/help1")
        assert socket.wait_ack(eid) is not None
        bot.stop()
    finally:
        socket.stop()
    log = bot.output()
    assert "DEBUG" in log
    assert AUTHOR not in log
    assert not [s for s in SECRETS if s in log]
    assert _scan_sqlite(tmp_path, AUTHOR) == []


def test_a_refused_app_token_is_not_printed(tmp_path: Path, stub: SlackStub) -> None:
    """Slack refuses the app-level token: the start stops with one line, which does not repeat it."""
    env = clean_env(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN, SLACK_API_URL=stub.api_url,
                    LOG_LEVEL="DEBUG", PORT=str(free_port()))
    p = subprocess.run([sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True,
                       timeout=60)
    out = p.stdout + p.stderr
    assert p.returncode == 2 and "SLACK_APP_TOKEN" in out, out
    assert not [s for s in SECRETS if s in out]
