"""A real scheduled fire, with real processes: exactly one message per person.

Two `python -m bot` processes share one PostgreSQL database and one schedule set
a minute ahead through signed commands. One of them is restarted before the fire
(the schedule lives in our tables, not in memory) and the other is killed and
restarted after it (its catch-up runs the occurrence again within the grace).
Each stakeholder gets the poll exactly once.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.schedules import DAY_NAMES
from storage.models_rhythm import CheckinPoll, JobRun
from tests.clock import wall_now
from tests.slack_requests import SlackClient
from tests.slack_stub import SlackStub
from tests.support.processes import BotProcess, start

STAKEHOLDERS = ("UCLIENT1", "UCLIENT2", "UCLIENT3")


def fire_time(now: datetime, lead: timedelta) -> datetime:
    """The first whole minute at least `lead` from now."""
    t = (now + lead).replace(second=0, microsecond=0)
    return t if t >= now + lead else t + timedelta(minutes=1)


def polls_received(stub: SlackStub) -> Counter[str]:
    return Counter(p["channel"] for p in stub.find("chat.postMessage") if p.get("channel") in STAKEHOLDERS)


@pytest.mark.slow
def test_one_schedule_two_processes_restarts_one_message_each(
        pg_url: str, tmp_path: Path, stub: SlackStub, started: list[BotProcess]) -> None:
    from tests.support.database import truncate_pg

    truncate_pg(pg_url)
    env = {"DATABASE_URL": pg_url, "BOT_TIMEZONE": "UTC"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = start(started, tmp_path / "a", stub, **env)
    slack = SlackClient(a.url, stub, real_clock=True)
    assert "Created" in slack.command("/project", "new Apollo", user="UMGR").text()
    mentions = " ".join(f"<@{u}>" for u in STAKEHOLDERS)
    assert slack.command("/checkin", f"add {mentions} project=Apollo", user="UMGR").text()
    at = fire_time(wall_now(), timedelta(seconds=40))
    text = slack.command("/checkin", f"schedule project=Apollo day={DAY_NAMES[at.weekday()]} "
                                     f"time={at:%H:%M} tz=UTC", user="UMGR").text()
    assert at.strftime("%H:%M") in text, text

    b = start(started, tmp_path / "b", stub, **env)  # builds its jobs from the tables at start
    a.stop()  # restarted before the fire: nothing of the schedule is kept in memory
    a = start(started, tmp_path / "a", stub, port=a.port, **env)

    deadline = time.monotonic() + (at - wall_now()).total_seconds() + 30
    while time.monotonic() < deadline and len(polls_received(stub)) < len(STAKEHOLDERS):
        time.sleep(0.2)
    time.sleep(2)  # let a second sender, if any, show itself
    assert polls_received(stub) == Counter({u: 1 for u in STAKEHOLDERS}), a.output()[-2000:]

    b.proc.kill()  # a crash after the fire; its restart catches up within the grace and sends nothing new
    b.proc.wait(5)
    b = start(started, tmp_path / "b", stub, port=b.port, **env)
    deadline = time.monotonic() + 10
    while "catching up checkin:" not in b.output() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "catching up checkin:" in b.output()
    time.sleep(1)
    assert polls_received(stub) == Counter({u: 1 for u in STAKEHOLDERS})
    from storage.db import make_engine

    engine: Engine = make_engine(pg_url)
    try:
        with Session(engine) as s:
            assert len(s.exec(select(CheckinPoll)).all()) == 1
            assert [r.status for r in s.exec(select(JobRun).where(JobRun.job_key.startswith("checkin:")))] == ["done"]
    finally:
        engine.dispose()
