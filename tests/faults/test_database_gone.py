"""The database goes away under the running bot, then comes back.

- PostgreSQL unreachable: a TCP proxy between the bot and the server is cut (listener closed,
  every connection reset) and later restored; the server itself stays up for the other tests.
- SQLite read-only: the file (and its -wal/-shm) can no longer be written, then can again.
- The scheduler's jobs meanwhile.

Throughout: every request that needs what is missing gets a clear apology saying nothing was
saved, /healthz answers 503 while the database cannot be read, the process stays up, and once the
database is back the bot recovers by itself, with nothing lost.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine, make_url

from storage.db import make_engine
from storage.models import Feedback, Project, Risk
from tests.faults.helpers import dms, fire, ledger, on_loop, seed_checkins, until
from tests.faults.procs import launch
from tests.faults.proxy import TcpProxy
from tests.handlers.slack.e2e import rows, seed_risks
from tests.slack_requests import SlackClient, all_text, text_value
from tests.slack_stub import TEAM, SlackStub
from tests.support.database import truncate_pg
from tests.support.processes import BotProcess
from tests.support.served import ServedBot, make_settings

DB_DOWN = "can't reach my database right now, so nothing was saved"


@dataclass
class Proxied:
    bot: ServedBot
    slack: SlackClient
    proxy: TcpProxy
    engine: Engine  # straight to the server, for the test's own reads


@pytest.fixture
def proxied(pg_url: str, stub: SlackStub) -> Iterator[Proxied]:
    """The bot served in-process, reaching PostgreSQL through a proxy the test can cut."""
    truncate_pg(pg_url)
    u = make_url(pg_url)
    proxy = TcpProxy((u.host or "127.0.0.1", u.port or 5432)).start()
    through = u.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    bot = ServedBot(make_settings(through, stub.api_url))
    direct = make_engine(pg_url)
    try:
        slack = SlackClient(bot.start(), stub)
        yield Proxied(bot, slack, proxy, direct)
    finally:
        bot.stop()
        proxy.stop()
        direct.dispose()


def alive(bot: ServedBot) -> bool:
    return bot.thread.is_alive() and bot.runtime.scheduler.running and not bot.server.should_exit


def apologised(messages: list[dict[str, Any]]) -> bool:
    return any(DB_DOWN in all_text(m) for m in messages)


def test_postgres_unreachable_apologises_then_recovers_by_itself(proxied: Proxied, stub: SlackStub) -> None:
    slack, engine = proxied.slack, proxied.engine
    seed_risks(engine, 25)
    assert "Created project" in slack.command("/project", "new Apollo", user="UMGR").text()
    listed = slack.command("/risk", "list").messages()[0]  # a page with a "next" button
    slack.command("/risk", "", user="UMEMBER")
    form = stub.wait_for("views.open")[0]["view"]
    assert slack.get("/healthz")[0] == 200

    proxied.proxy.cut()
    for command, text in [("/risk", "add Lost while down p=4 i=4"), ("/risk", "list"),
                          ("/feedback", "Lost feedback"), ("/project", "list")]:
        r = slack.command(command, text, user="UMGR")
        assert r.status == 200 and r.seconds < 3, (command, text)
        t = r.text()
        assert DB_DOWN in t and "Traceback" not in t, (command, text, t)
    click = slack.click(listed, "risk_page_next", user="UMEMBER")
    assert click.status == 200 and apologised(click.messages())
    before = len(stub.calls)
    sub = slack.submit(form, {"title": text_value("Lost from the form")}, user="UMEMBER")
    assert sub.status == 200
    until(lambda: apologised([p for _, p in stub.calls[before:]]), what="the form's apology")
    status, body = slack.get("/healthz")
    assert status == 503 and '"database": "down"' in body
    assert alive(proxied.bot)

    proxied.proxy.restore()
    until(lambda: slack.get("/healthz")[0] == 200, what="/healthz 200 after the database came back")
    assert "R-26" in slack.command("/risk", "add After the outage p=2 i=2", user="UMGR").text()
    assert "F-1" in slack.command("/feedback", "Back again").text()
    assert "Apollo" in slack.command("/project", "list").text()
    titles = {r.title for r in rows(engine, Risk)}
    assert "After the outage" in titles and not {"Lost while down", "Lost from the form"} & titles
    assert [f.text for f in rows(engine, Feedback)] == ["Back again"]
    assert len(rows(engine, Project)) == 1


def test_postgres_hanging_gets_an_answer_in_bounded_time(proxied: Proxied) -> None:
    """A server that takes connections but never answers (as behind a dropped route): the person is
    still told, within seconds rather than the minutes TCP would take to give up."""
    slack = proxied.slack
    assert "Created project" in slack.command("/project", "new Apollo", user="UMGR").text()
    proxied.proxy.hang()
    replies = [slack.command("/risk", f"add Hung {n} p=1 i=1", user="UMGR") for n in range(3)]
    assert all(r.status == 200 and r.seconds < 3 for r in replies)
    assert slack.get("/healthz")[0] == 503
    for r in replies:
        assert DB_DOWN in r.text(timeout=15)
    proxied.proxy.resume()
    until(lambda: slack.get("/healthz")[0] == 200, timeout=15, what="/healthz 200 after the database came back")
    assert "R-1" in slack.command("/risk", "add After p=1 i=1", user="UMGR").text()


# ---- SQLite read-only ---------------------------------------------------------------------------------

def _chmod_db(path: Path, mode: int) -> None:
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if p.exists():
            p.chmod(mode)


@pytest.mark.xfail(strict=False, reason=(
    "with the command journal on SQLite, writes after the file is made writable again often keep failing "
    "until a restart: a connection opened while the file was read-only stays open somewhere outside the pool "
    "(see the README's reliability notes)"))
def test_sqlite_read_only_apologises_for_writes_then_recovers(stub: SlackStub, sqlite_url: str,
                                                              tmp_path: Path) -> None:
    """The file cannot be written when the bot opens it (a restored backup with the wrong owner, a
    read-only volume): reads go on, writes get the apology; once it is writable again, writes work
    without a restart. (A mode changed under an open connection only shows once the file is opened
    again: the kernel checks it when a file is opened.)"""
    db = Path(sqlite_url.removeprefix("sqlite:///"))
    engine = make_engine(sqlite_url)
    seed_risks(engine, 1, title="Written before")
    engine.dispose()
    _chmod_db(db, 0o444)
    bots: list[BotProcess] = []
    try:
        bot = launch(bots, tmp_path, stub, honour_file_modes=True, DATABASE_URL=sqlite_url)
        slack = SlackClient(bot.url, stub, real_clock=True)
        assert "Written before" in slack.command("/risk", "list").text()
        for command, text in [("/risk", "add Lost while read-only p=4 i=4"), ("/feedback", "Lost feedback"),
                              ("/project", "new Lost")]:
            r = slack.command(command, text, user="UMGR")
            assert r.status == 200 and DB_DOWN in r.text(), (command, r.text())
        assert bot.proc.poll() is None
        assert bot.health()[0] == 200  # it can be read, and reads are served

        _chmod_db(db, 0o644)
        until(lambda: "R-2" in slack.command("/risk", "add After p=2 i=2", user="UMGR").text(), 10,
              "a write once the file is writable again")
        assert "F-1" in slack.command("/feedback", "Back again").text()
        assert bot.health()[0] == 200
    finally:
        _chmod_db(db, 0o644)
        for b in bots:
            b.stop()
    check = make_engine(sqlite_url)
    titles = [r.title for r in rows(check, Risk)]
    feedback = [f.text for f in rows(check, Feedback)]
    check.dispose()
    assert titles == ["Written before", "After"] and feedback == ["Back again"]


# ---- the scheduler's jobs ---------------------------------------------------------------------------

def pending(engine: Engine) -> int:
    return sum(n for status, n in ledger(engine).items() if status != "sent")


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_a_checkin_due_while_the_database_is_gone_goes_out_once_it_returns(
        proxied: Proxied, stub: SlackStub, caplog: pytest.LogCaptureFixture) -> None:
    people = ["UCLIENT1", "UCLIENT2", "UCLIENT3"]
    pid = seed_checkins(proxied.engine, people, due_minutes_ago=2)
    bot = proxied.bot
    on_loop(bot, bot.runtime.rhythm.rebuild())  # as after `/checkin add`
    job_id = f"checkin:{TEAM}:{pid}"
    assert bot.runtime.scheduler.get_job(job_id) is not None

    proxied.proxy.cut()
    caplog.clear()
    assert fire(bot, job_id).exception is None  # its time comes while the database is gone
    assert fire(bot, "sweep").exception is None
    assert alive(bot) and not dms(stub, people)
    assert not no_tracebacks(caplog)
    assert any("database unavailable" in r.getMessage() for r in caplog.records)

    proxied.proxy.restore()
    fire(bot, "sweep")
    until(lambda: len(dms(stub, people)) == 3, what="the check-in once the database is back")
    fire(bot, "sweep")  # a later sweep sends nothing more
    assert dms(stub, people) == {u: 1 for u in people}
    assert pending(proxied.engine) == 0


def test_database_gone_in_the_middle_of_a_fanout_loses_nothing(proxied: Proxied, stub: SlackStub,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    people = [f"UCLIENT{i:02d}" for i in range(40)]
    seed_checkins(proxied.engine, people)
    stub.on_call = lambda method, _: time.sleep(0.02) if method == "chat.postMessage" else None
    slack, bot = proxied.slack, proxied.bot
    reply = slack.command("/checkin", 'send project="Apollo"', user="UMGR")
    until(lambda: sum(dms(stub, people).values()) >= 15, what="part of the fan-out")
    proxied.proxy.cut()
    told = reply.text(timeout=15)
    assert "keep trying" in told and "Traceback" not in told, told
    assert alive(bot) and not no_tracebacks(caplog)

    proxied.proxy.restore()
    until(lambda: slack.get("/healthz")[0] == 200, what="/healthz 200")
    fire(bot, "sweep")
    until(lambda: len(dms(stub, people)) == len(people) and pending(proxied.engine) == 0, 15,
          "every stakeholder's DM once the database is back")
    assert dms(stub, people) == {u: 1 for u in people}
