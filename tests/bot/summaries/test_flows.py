"""The weekly summary by DM: Monday 08:00 in each manager's own zone, exactly once per manager and
week (a job run twice, or by a second process, sends nothing more), and BOT_MANAGERS subscribed at
start without the start ever depending on Slack."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import aiohttp
import pytest
import time_machine
from sqlmodel import Session, select

from bot.app import build_deps
from bot.summaries import flows as flow
from scheduler import build_scheduler, jobs
from scheduler.runtime import Rhythm
from storage.models import Counter
from storage.models_rhythm import Delivery, JobRun, SummarySubscriber
from tests import summary_seed as seed
from tests.handlers.slack.e2e import check_limits
from tests.slack_requests import all_text
from tests.slack_stub import TEAM, SlackStub
from tests.summary_seed import at
from tests.support.served import make_settings

MONDAY_0800_LONDON = at(2026, 11, 30, 8, 0, 20)  # GMT in winter: 08:00 local


@contextmanager
def rhythm_for(db_url: str, stub: SlackStub, **settings: Any) -> Iterator[Rhythm]:
    """What a bot process runs its jobs with, without serving HTTP."""
    s = make_settings(db_url, stub.api_url, **settings)
    deps = build_deps(s)
    r = Rhythm(deps, build_scheduler("UTC"))
    try:
        yield r
    finally:
        r.close()
        deps.engine.dispose()


def subscribe(r: Rhythm, user: str, tz: str | None, since: datetime = at(2026, 1, 1)) -> None:
    with Session(r.deps.engine) as s:
        s.add(SummarySubscriber(team_id=TEAM, user_id=user, tz=tz, added_at=since))
        seed.risk(s, 1, p=5, i=5, title="Vendor may slip")
        s.commit()


def summaries_to(stub: SlackStub, user: str) -> list[dict[str, Any]]:
    return [m for m in stub.find("chat.postMessage", channel=user) if "summary" in m.get("text", "").lower()]


def ledger(r: Rhythm) -> list[Delivery]:
    with Session(r.deps.engine) as s:
        return list(s.exec(select(Delivery).where(Delivery.what == "summary")))


def test_once_per_manager_and_week_even_if_the_job_runs_twice(db_url: str, stub: SlackStub) -> None:
    with rhythm_for(db_url, stub) as r:
        subscribe(r, "UMGR", "Europe/London")
        with time_machine.travel(MONDAY_0800_LONDON, tick=False):
            asyncio.run(r.rebuild())
            asyncio.run(jobs.summary_job(r, TEAM, "UMGR"))
            asyncio.run(jobs.summary_job(r, TEAM, "UMGR"))
            again = asyncio.run(flow.send_weekly(r, TEAM, "UMGR", occurrence="2026-W49"))
        assert again.sent == 0 and again.skipped == 1
        later = MONDAY_0800_LONDON + timedelta(minutes=5)
        # another process on the same database
        with rhythm_for(db_url, stub) as second, time_machine.travel(later, tick=False):
            asyncio.run(second.rebuild())
            asyncio.run(jobs.summary_job(second, TEAM, "UMGR"))
        sent = summaries_to(stub, "UMGR")
        assert len(sent) == 1
        check_limits(sent[0])
        t = all_text(sent[0])
        assert "Weekly summary · 2026-W49" in t and "Vendor may slip" in t
        assert [(d.recipient, d.occurrence, d.status) for d in ledger(r)] == [("UMGR", "2026-W49", "sent")]
        with Session(r.deps.engine) as s:
            run = s.exec(select(JobRun)).one()
        assert (run.job_key, run.occurrence, run.status) == ("summary:UMGR", "2026-W49", "done")
        # next week is another week
        with time_machine.travel(MONDAY_0800_LONDON + timedelta(days=7), tick=False):
            asyncio.run(jobs.summary_job(r, TEAM, "UMGR"))
        assert len(summaries_to(stub, "UMGR")) == 2


def test_at_0800_in_each_managers_own_zone(db_url: str, stub: SlackStub) -> None:
    with rhythm_for(db_url, stub) as r:
        subscribe(r, "UMGR", "Europe/London")
        with Session(r.deps.engine) as s:
            s.add(SummarySubscriber(team_id=TEAM, user_id="UADMIN", tz="America/New_York", added_at=at(2026, 1, 1)))
            s.commit()
        with time_machine.travel(MONDAY_0800_LONDON, tick=False):
            asyncio.run(r.rebuild())
            asyncio.run(jobs.summary_job(r, TEAM, "UADMIN"))  # 03:00 in New York: not yet
        assert summaries_to(stub, "UADMIN") == []
        fires = {job.id: job.trigger.get_next_fire_time(None, MONDAY_0800_LONDON - timedelta(hours=1))
                 for job in r.scheduler.get_jobs()}
        assert fires["summary:T0ACME:UMGR"] == at(2026, 11, 30, 8, 0)
        assert fires["summary:T0ACME:UADMIN"] == at(2026, 11, 30, 13, 0)
        with time_machine.travel(at(2026, 11, 30, 13, 0, 5), tick=False):
            asyncio.run(jobs.summary_job(r, TEAM, "UADMIN"))
        assert len(summaries_to(stub, "UADMIN")) == 1


def test_nothing_for_someone_no_longer_a_manager(db_url: str, stub: SlackStub) -> None:
    with rhythm_for(db_url, stub) as r:
        subscribe(r, "UMEMBER", "Europe/London")
        report = asyncio.run(flow.send_weekly(r, TEAM, "UMEMBER", occurrence="2026-W49"))
        assert report.sent == 0 and summaries_to(stub, "UMEMBER") == [] and ledger(r) == []
        assert asyncio.run(flow.send_weekly(r, TEAM, "UNOBODY", occurrence="2026-W49")).sent == 0


def test_a_week_due_before_they_subscribed_is_not_theirs(db_url: str, stub: SlackStub) -> None:
    with rhythm_for(db_url, stub) as r:
        subscribe(r, "UMGR", "Europe/London", since=MONDAY_0800_LONDON + timedelta(hours=2))
        report = asyncio.run(flow.send_weekly(r, TEAM, "UMGR", occurrence="2026-W49"))
        assert report.sent == 0 and summaries_to(stub, "UMGR") == []
        asyncio.run(flow.send_weekly(r, TEAM, "UMGR", occurrence="2026-W50"))
        assert len(summaries_to(stub, "UMGR")) == 1


def test_a_failed_dm_is_recorded_and_shown_in_the_next_summary(db_url: str, stub: SlackStub) -> None:
    with rhythm_for(db_url, stub) as r:
        subscribe(r, "UMGR", "Europe/London")
        stub.fail("chat.postMessage", error="channel_not_found")
        with time_machine.travel(MONDAY_0800_LONDON, tick=False):
            report = asyncio.run(flow.send_weekly(r, TEAM, "UMGR", occurrence="2026-W49"))
        assert report.failed == 1 and ledger(r)[0].status == "failed"
        with time_machine.travel(MONDAY_0800_LONDON + timedelta(days=3), tick=False):
            asyncio.run(flow.send_weekly(r, TEAM, "UMGR", occurrence="2026-W50"))
        t = all_text(summaries_to(stub, "UMGR")[-1])
        assert "weekly summary to <@UMGR>: `channel_not_found`" in t


def test_configured_managers_are_subscribed_at_start(db_url: str, stub: SlackStub) -> None:
    with rhythm_for(db_url, stub, bot_managers="UMGR,UMEMBER2") as r:
        with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):  # a Tuesday
            asyncio.run(r.start())
            asyncio.run(r.catch_up())
        with Session(r.deps.engine) as s:
            subs = {(x.team_id, x.user_id, x.tz) for x in s.exec(select(SummarySubscriber))}
            counter = s.get(Counter, ("_", "schedule"))
            runs = {(j.job_key, j.status) for j in s.exec(select(JobRun))}
        assert subs == {(TEAM, "UMGR", "Europe/London"), (TEAM, "UMEMBER2", "America/New_York")}
        assert counter is not None and counter.value == 1
        assert {"summary:T0ACME:UMGR", "summary:T0ACME:UMEMBER2"} <= set(r.specs)
        # Monday's summary was due before they were subscribed: neither sent late nor reported as missed
        assert runs == {("summary:UMGR", "skipped"), ("summary:UMEMBER2", "skipped")}
        assert summaries_to(stub, "UMGR") == []
        asyncio.run(flow.subscribe_configured_managers(r))  # the next start changes nothing
        with Session(r.deps.engine) as s:
            assert s.get(Counter, ("_", "schedule")).value == 1  # type: ignore[union-attr]


@pytest.mark.parametrize("unreachable", [False, True])
def test_start_goes_on_when_auth_test_fails(sqlite_url: str, stub: SlackStub, caplog: pytest.LogCaptureFixture,
                                            unreachable: bool) -> None:
    stub.fail("auth.test", error="invalid_auth")
    over = {"slack_api_url": "http://127.0.0.1:9/api/"} if unreachable else {}
    with rhythm_for(sqlite_url, stub, **over) as r, caplog.at_level(logging.WARNING):
        asyncio.run(r.start())
        with Session(r.deps.engine) as s:
            assert s.exec(select(SummarySubscriber)).all() == []
        assert r.scheduler.get_job("sweep") is not None
    assert "auth.test failed" in caplog.text


def test_a_long_weekly_summary_is_delivered_in_parts_exactly_once(db_url: str, stub: SlackStub) -> None:
    from tests.message_limits import check_recorded, checkin_projects

    with rhythm_for(db_url, stub) as r:
        subscribe(r, "UMGR", "Europe/London")
        with Session(r.deps.engine) as s:
            checkin_projects(s, 64, MONDAY_0800_LONDON)
            s.commit()
        real = r.deps.platform.client.chat_postMessage
        calls = 0

        async def lost_second_part(**kwargs: Any) -> Any:  # the link drops before the second part is sent
            nonlocal calls
            calls += 1
            if calls == 2:
                raise aiohttp.ClientConnectionError("connection lost")
            return await real(**kwargs)

        r.deps.platform.client.chat_postMessage = lost_second_part  # type: ignore[method-assign]
        with time_machine.travel(MONDAY_0800_LONDON, tick=False):
            first = asyncio.run(flow.send_weekly(r, TEAM, "UMGR", occurrence="2026-W49"))
        assert first.sent == 0 and first.retry == 1
        with time_machine.travel(MONDAY_0800_LONDON + timedelta(minutes=1), tick=False):
            assert asyncio.run(r.deliverer.recover()).sent == 1
            assert asyncio.run(flow.send_weekly(r, TEAM, "UMGR", occurrence="2026-W49")).skipped == 1
            assert asyncio.run(r.deliverer.recover()).sent == 0
        posts = stub.find("chat.postMessage", channel="UMGR")
        assert len(posts) > 1
        check_recorded(stub)
        keys = [p["metadata"]["event_payload"]["key"] for p in posts]
        assert len(keys) == len(set(keys))  # each part once, the one sent before the drop not again
        text = "\n".join(all_text(p) for p in posts)
        assert all(f"*Client programme {n:02d} regional rollout*" in text for n in range(64))
        assert "Weekly summary · 2026-W49" in all_text(posts[0]) and "thread_ts" not in posts[1]
        [row] = ledger(r)
        assert row.status == "sent" and row.ts == stub.history["DUMGR"][0]["ts"]
