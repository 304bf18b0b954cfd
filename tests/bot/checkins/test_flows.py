"""Check-in flows on the real database, sending to the Web API stand-in: polls (scheduled and by hand share
one path), one reminder after the delay, the managers' alert, and the weekly trigger across daylight saving."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import Session, select

from bot.app import build_deps
from bot.checkins import flows
from bot.checkins import service as checkins
from bot.people import Actor
from bot.schedules import next_fire, occurrence_key
from handlers.slack.render import checkins as ui
from scheduler import build_scheduler, jobs
from scheduler.runtime import Rhythm, checkin_spec
from storage.db import session_scope
from storage.models import Project
from storage.models_rhythm import CheckinConfig, CheckinPoll, Delivery, JobRun
from tests.slack_stub import TEAM, SlackStub
from tests.support.served import make_settings

MGR = Actor(TEAM, "UMGR", is_manager=True, tz="Europe/London")


@contextmanager
def rhythm_for(db_url: str, stub: SlackStub) -> Iterator[Rhythm]:
    """What a bot process runs its jobs with, without serving HTTP."""
    settings = make_settings(db_url, stub.api_url)
    deps = build_deps(settings)
    r = Rhythm(deps, build_scheduler("UTC"))
    try:
        yield r
    finally:
        r.close()
        deps.engine.dispose()


def setup(r: Rhythm, people: list[str], *, created_by: str = "UMGR", **schedule: object) -> int:
    with session_scope(r.deps.engine) as s:
        p = Project(team_id=TEAM, name="Apollo", name_key="apollo", created_by=created_by)
        s.add(p)
        s.flush()
        assert p.id is not None
        pid = p.id
    with session_scope(r.deps.engine) as s:
        checkins.add(session=s, actor=MGR, user_ids=people, project_name="Apollo")
        if schedule:
            checkins.schedule(session=s, actor=MGR, project_name="Apollo", **schedule)  # type: ignore[arg-type]
    return pid


def dms(stub: SlackStub, user: str) -> list[dict]:
    return stub.find("chat.postMessage", channel=user)


def polls(r: Rhythm) -> list[CheckinPoll]:
    with Session(r.deps.engine) as s:
        return list(s.exec(select(CheckinPoll)))


def answer(r: Rhythm, user: str, poll_id: int, **changes: object) -> None:
    with session_scope(r.deps.engine) as s:
        checkins.answer(session=s, team_id=TEAM, user_id=user, poll_id=poll_id, changes=changes)


def test_poll_goes_to_each_stakeholder_once(db_url: str, stub: SlackStub) -> None:
    with rhythm_for(db_url, stub) as r:
        pid = setup(r, ["UMEMBER", "UMEMBER2"])
        report = asyncio.run(flows.send_poll(r, TEAM, pid, occurrence="2024-04-05T14:00Z"))
        assert (report.sent, report.failed) == (2, 0)
        again = asyncio.run(flows.send_poll(r, TEAM, pid, occurrence="2024-04-05T14:00Z", sent_by="UMGR"))
        assert (again.sent, again.skipped) == (0, 2)
        [poll] = polls(r)
        for user in ("UMEMBER", "UMEMBER2"):
            [dm] = dms(stub, user)
            assert "Apollo" in dm["text"] and f'"value": "{poll.id}"' in str(dm["blocks"]).replace("'", '"')
            assert dm["blocks"] == ui.poll("Apollo", poll.id)["blocks"]  # the view, drawn by the Slack renderer
        with Session(r.deps.engine) as s:
            rows = s.exec(select(Delivery).where(Delivery.what == f"checkin:{poll.id}")).all()
            assert sorted((d.recipient, d.status) for d in rows) == [("UMEMBER", "sent"), ("UMEMBER2", "sent")]


def test_two_instances_share_one_poll_and_send_once(db_url: str, stub: SlackStub) -> None:
    with rhythm_for(db_url, stub) as a, rhythm_for(db_url, stub) as b:
        b.deliverer.owner = "other-host:1:x"
        pid = setup(a, ["UMEMBER", "UMEMBER2", "UGUEST"])

        async def both() -> list:
            return list(await asyncio.gather(flows.send_poll(a, TEAM, pid, occurrence="occ"),
                                             flows.send_poll(b, TEAM, pid, occurrence="occ")))

        reports = asyncio.run(both())
        assert sum(x.sent for x in reports) == 3 and sum(x.skipped for x in reports) == 3
        assert len(polls(a)) == 1
        assert sorted(p["channel"] for p in stub.find("chat.postMessage")) == ["UGUEST", "UMEMBER", "UMEMBER2"]


def test_nothing_is_sent_without_stakeholders(db_url: str, stub: SlackStub) -> None:
    with rhythm_for(db_url, stub) as r:
        pid = setup(r, ["UMEMBER"])
        with session_scope(r.deps.engine) as s:
            checkins.remove(session=s, actor=MGR, user_ids=["UMEMBER"], project_name="Apollo")
        report = asyncio.run(flows.send_poll(r, TEAM, pid, occurrence="occ"))
        assert report.sent == 0 and polls(r) == [] and stub.find("chat.postMessage") == []
        assert asyncio.run(flows.send_poll(r, TEAM, 9999, occurrence="occ")).sent == 0


def test_one_reminder_after_the_delay_to_those_who_have_not_answered(db_url: str, stub: SlackStub) -> None:
    start = datetime(2024, 4, 5, 14, 0, tzinfo=UTC)
    with rhythm_for(db_url, stub) as r:
        pid = setup(r, ["UMEMBER", "UMEMBER2", "UGUEST"])
        with time_machine.travel(start, tick=False):
            asyncio.run(flows.send_poll(r, TEAM, pid, occurrence=occurrence_key(r.now())))
        [poll] = polls(r)
        assert poll.id is not None
        answer(r, "UMEMBER", poll.id, score=4)
        stub.clear()
        with time_machine.travel(start + timedelta(hours=23, minutes=59), tick=False):
            asyncio.run(flows.send_due_reminders(r, r.now()))
        assert stub.find("chat.postMessage") == []
        with time_machine.travel(start + timedelta(hours=24, minutes=1), tick=False):
            asyncio.run(flows.send_due_reminders(r, r.now()))
            answer(r, "UGUEST", poll.id, score=5)  # answering after the reminder changes nothing sent
            asyncio.run(flows.send_due_reminders(r, r.now()))
        with time_machine.travel(start + timedelta(hours=30), tick=False):
            asyncio.run(flows.send_due_reminders(r, r.now()))
        sent = stub.find("chat.postMessage")
        assert sorted(p["channel"] for p in sent) == ["UGUEST", "UMEMBER2"]
        assert all("Reminder" in p["text"] for p in sent)
        with Session(r.deps.engine) as s:
            assert len(s.exec(select(Delivery).where(Delivery.what == f"checkin_reminder:{poll.id}")).all()) == 2


def test_reminder_delay_is_the_projects_and_only_the_latest_poll_is_reminded(db_url: str, stub: SlackStub) -> None:
    start = datetime(2024, 4, 5, 14, 0, tzinfo=UTC)
    with rhythm_for(db_url, stub) as r:
        pid = setup(r, ["UMEMBER"], reminder_hours=2)
        with time_machine.travel(start, tick=False):
            asyncio.run(flows.send_poll(r, TEAM, pid, occurrence="first"))
        with time_machine.travel(start + timedelta(hours=1), tick=False):
            asyncio.run(flows.send_poll(r, TEAM, pid, occurrence="second"))
        stub.clear()
        with time_machine.travel(start + timedelta(hours=2, minutes=30), tick=False):
            asyncio.run(flows.send_due_reminders(r, r.now()))
        assert stub.find("chat.postMessage") == []  # the first poll is closed; the second is not due yet
        with time_machine.travel(start + timedelta(hours=3), tick=False):
            asyncio.run(flows.send_due_reminders(r, r.now()))
        second = next(p for p in polls(r) if p.occurrence == "second")
        [reminder] = stub.find("chat.postMessage")
        assert f"'value': '{second.id}'" in str(reminder["blocks"])


def test_low_answer_alerts_the_managers_once(db_url: str, stub: SlackStub) -> None:
    with rhythm_for(db_url, stub) as r:
        pid = setup(r, ["UMEMBER", "UMEMBER2"], created_by="UOWNER")
        asyncio.run(flows.send_poll(r, TEAM, pid, occurrence="occ"))
        [poll] = polls(r)
        assert poll.id is not None
        stub.clear()
        answer(r, "UMEMBER", poll.id, score=4)
        assert asyncio.run(flows.alert_managers(r.deliverer, r.deps.db, TEAM, poll.id, "UMEMBER")).sent == 0
        answer(r, "UMEMBER", poll.id, score=2)
        assert asyncio.run(flows.alert_managers(r.deliverer, r.deps.db, TEAM, poll.id, "UMEMBER")).sent == 2
        answer(r, "UMEMBER", poll.id, status="off_track")
        assert asyncio.run(flows.alert_managers(r.deliverer, r.deps.db, TEAM, poll.id, "UMEMBER")).sent == 0
        sent = stub.find("chat.postMessage")
        assert sorted(p["channel"] for p in sent) == ["UMGR", "UOWNER"]
        assert all("checkin_log_risk" in str(p["blocks"]) for p in sent)


# ---- the schedule --------------------------------------------------------------------------------------

LONDON_FRIDAYS = [  # (from, next Friday 15:00 in London, as UTC)
    (datetime(2024, 3, 28, 12, 0, tzinfo=UTC), datetime(2024, 3, 29, 15, 0, tzinfo=UTC)),  # GMT
    (datetime(2024, 3, 30, 12, 0, tzinfo=UTC), datetime(2024, 4, 5, 14, 0, tzinfo=UTC)),  # BST from 31 March
    (datetime(2024, 10, 24, 12, 0, tzinfo=UTC), datetime(2024, 10, 25, 14, 0, tzinfo=UTC)),  # BST
    (datetime(2024, 10, 26, 12, 0, tzinfo=UTC), datetime(2024, 11, 1, 15, 0, tzinfo=UTC)),  # GMT from 27 October
]


@pytest.mark.parametrize("now, expected", LONDON_FRIDAYS)
def test_friday_15_london_trigger_across_daylight_saving(now: datetime, expected: datetime) -> None:
    cfg = CheckinConfig(team_id=TEAM, project_id=1, day=4, time="15:00", tz="Europe/London", created_by="UMGR")
    assert next_fire(checkin_spec(cfg).trigger, now) == expected


@pytest.mark.parametrize("early, due", [
    (datetime(2024, 4, 5, 13, 59, tzinfo=UTC), datetime(2024, 4, 5, 14, 0, 5, tzinfo=UTC)),
    (datetime(2024, 11, 1, 14, 0, 5, tzinfo=UTC), datetime(2024, 11, 1, 15, 0, 5, tzinfo=UTC)),
])
def test_the_scheduled_job_sends_at_the_right_utc_instant(db_url: str, stub: SlackStub, early: datetime,
                                                          due: datetime) -> None:
    """Run as APScheduler would: a moment too early nothing is due; at 15:00 London time the poll goes."""
    with rhythm_for(db_url, stub) as r:
        pid = setup(r, ["UMEMBER"], day=4, time="15:00", tz="Europe/London")
        asyncio.run(r.rebuild())
        job_id = f"checkin:{TEAM}:{pid}"
        assert job_id in r.specs
        with time_machine.travel(early, tick=False):
            asyncio.run(jobs.checkin_job(r, TEAM, pid))
        assert polls(r) == [] and stub.find("chat.postMessage") == []
        with time_machine.travel(due, tick=False):
            asyncio.run(jobs.checkin_job(r, TEAM, pid))
            asyncio.run(jobs.checkin_job(r, TEAM, pid))  # a second instance, or a catch-up: nothing more
        [poll] = polls(r)
        assert poll.occurrence == occurrence_key(due)
        assert len(stub.find("chat.postMessage", channel="UMEMBER")) == 1
        with Session(r.deps.engine) as s:
            assert [j.occurrence for j in s.exec(select(JobRun))] == [occurrence_key(due)]
