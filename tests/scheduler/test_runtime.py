"""The scheduler rebuilt from our tables; catch-up within grace, missed beyond it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.app import build_deps
from bot.schedules import bump_schedule, schedule_version
from scheduler import build_scheduler
from scheduler.runtime import Rhythm, collect_specs
from storage.models import Project, SlackUser
from storage.models_rhythm import CheckinConfig, JobRun, Stakeholder, Standup, StandupMember, SummarySubscriber
from tests.slack_stub import SlackStub
from tests.support.served import make_settings

T = "T0ACME"


def seed(engine: Engine) -> int:
    with Session(engine) as s:
        p = Project(team_id=T, name="Apollo", name_key="apollo", created_by="UMGR")
        s.add(p)
        s.flush()
        assert p.id is not None
        s.add(CheckinConfig(team_id=T, project_id=p.id, day=4, time="15:00", tz="Europe/London", created_by="UMGR"))
        s.add(Stakeholder(team_id=T, project_id=p.id, user_id="UCLIENT", added_by="UMGR"))
        st = Standup(team_id=T, channel_id="CTEAM", time="09:30", days="mon,tue,wed,thu,fri", created_by="UMGR")
        s.add(st)
        s.flush()
        assert st.id is not None
        for uid, tz in (("UA", "Europe/London"), ("UB", "America/New_York"), ("UC", None)):
            s.add(StandupMember(team_id=T, standup_id=st.id, user_id=uid))
            if tz:
                s.add(SlackUser(team_id=T, user_id=uid, tz=tz))
        s.add(SummarySubscriber(team_id=T, user_id="UMGR", tz="Asia/Kolkata"))
        s.commit()
        return p.id


def test_specs_follow_the_definitions(engine: Engine) -> None:
    pid = seed(engine)
    with Session(engine) as s:
        ids = sorted(spec.job_id for spec in collect_specs(session=s, fallback_tz="Australia/Sydney"))
    standup = [i for i in ids if i.startswith("standup:")]
    assert f"checkin:{T}:{pid}" in ids and f"summary:{T}:UMGR" in ids
    # members grouped by their own zone; one without a known zone falls back to BOT_TIMEZONE
    assert [i.rsplit(":", 1)[1] for i in standup] == ["America/New_York", "Australia/Sydney", "Europe/London"]


def test_a_project_without_stakeholders_has_no_checkin_job(engine: Engine) -> None:
    seed(engine)
    with Session(engine) as s:
        for row in s.exec(select(Stakeholder)):
            s.delete(row)
        s.commit()
        assert not [x for x in collect_specs(session=s, fallback_tz="UTC") if x.job_id.startswith("checkin:")]


def test_schedule_version_moves(engine: Engine) -> None:
    with Session(engine) as s:
        before = schedule_version(session=s)
        bump_schedule(session=s)
        s.commit()
        assert schedule_version(session=s) == before + 1


def make_rhythm(engine: Engine, stub: SlackStub) -> Rhythm:
    settings = make_settings(engine.url.render_as_string(hide_password=False), stub.api_url)
    deps = build_deps(settings, engine)
    return Rhythm(deps, build_scheduler("UTC"))


@time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=UTC), tick=False)
def test_rebuild_applies_changes_without_restart(engine: Engine, stub: SlackStub) -> None:
    pid = seed(engine)
    rhythm = make_rhythm(engine, stub)

    async def run() -> tuple[Any, Any, set[str]]:
        rhythm.scheduler.start(paused=True)
        await rhythm.rebuild()
        job_id = f"checkin:{T}:{pid}"
        before = rhythm.scheduler.get_job(job_id).next_run_time
        with Session(engine) as s:
            cfg = s.exec(select(CheckinConfig)).one()
            cfg.day, cfg.time = 1, "10:00"
            s.add(cfg)
            bump_schedule(session=s)
            s.commit()
        await rhythm.rebuild_if_changed()
        after = rhythm.scheduler.get_job(job_id).next_run_time
        with Session(engine) as s:
            s.delete(s.exec(select(SummarySubscriber)).one())
            bump_schedule(session=s)
            s.commit()
        await rhythm.rebuild_if_changed()
        left = {j.id for j in rhythm.scheduler.get_jobs()}
        rhythm.scheduler.shutdown(wait=False)
        return before, after, left

    before, after, left = asyncio.run(run())
    assert before == datetime(2026, 11, 27, 15, tzinfo=UTC)  # Friday 15:00 London (GMT)
    assert after == datetime(2026, 12, 1, 10, tzinfo=UTC)  # Tuesday 10:00
    assert f"summary:{T}:UMGR" not in left
    for job in [j for j in left if not j.startswith("sweep")]:
        assert job.startswith(("checkin:", "standup:"))


def test_jobs_have_ids_replace_and_a_real_grace(engine: Engine, stub: SlackStub) -> None:
    seed(engine)
    rhythm = make_rhythm(engine, stub)

    async def run() -> list[Any]:
        rhythm.scheduler.start(paused=True)
        await rhythm.rebuild()
        await rhythm.rebuild()  # again: replaced, not doubled
        got = rhythm.scheduler.get_jobs()
        rhythm.scheduler.shutdown(wait=False)
        return got

    got = asyncio.run(run())
    assert len({j.id for j in got}) == len(got) == 5
    grace = {j.id.split(":")[0]: j.misfire_grace_time for j in got}
    assert grace == {"checkin": 86400, "standup": 3 * 3600, "summary": 86400}


@pytest.mark.parametrize(("late", "expect_run"), [(timedelta(hours=2), True), (timedelta(hours=30), False)])
def test_catch_up_runs_within_grace_and_records_missed_beyond(
        engine: Engine, stub: SlackStub, monkeypatch: pytest.MonkeyPatch, late: timedelta, expect_run: bool) -> None:
    fired = datetime(2026, 11, 27, 15, tzinfo=UTC)
    with time_machine.travel(fired - timedelta(days=3), tick=False):  # the schedule existed before the fire
        pid = seed(engine)
    with Session(engine) as s:  # keep only the check-in
        for model in (StandupMember, Standup, SummarySubscriber):
            for row in s.exec(select(model)):
                s.delete(row)
        s.commit()
    calls: list[tuple[Any, ...]] = []

    async def fake_send_poll(rhythm: Rhythm, team_id: str, project_id: int, *, occurrence: str,
                             sent_by: str | None = None) -> None:
        calls.append((team_id, project_id, occurrence))

    from bot.checkins import flows as checkins
    monkeypatch.setattr(checkins, "send_poll", fake_send_poll)
    rhythm = make_rhythm(engine, stub)

    async def run() -> None:
        try:
            await rhythm.rebuild()
            await rhythm.catch_up(now=fired + late)
        finally:
            rhythm.close()

    with time_machine.travel(fired + late, tick=False):
        asyncio.run(run())
    with Session(engine) as s:
        runs = s.exec(select(JobRun)).all()
    if expect_run:
        assert calls == [(T, pid, "2026-11-27T15:00Z")]
        assert [(r.status, r.occurrence) for r in runs] == [("done", "2026-11-27T15:00Z")]
    else:
        assert calls == []
        assert [(r.status, r.occurrence) for r in runs] == [("missed", "2026-11-27T15:00Z")]


def test_catch_up_after_a_long_outage_is_never_a_burst(engine: Engine, stub: SlackStub,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Down for three weeks: at most the latest occurrence is considered, once."""
    now = datetime(2026, 11, 27, 16, tzinfo=UTC)
    with time_machine.travel(now - timedelta(weeks=3), tick=False):  # set up, then the outage began
        seed(engine)
    with Session(engine) as s:
        for model in (StandupMember, Standup, SummarySubscriber):
            for row in s.exec(select(model)):
                s.delete(row)
        s.commit()
    calls: list[str] = []

    async def fake_send_poll(rhythm: Rhythm, team_id: str, project_id: int, *, occurrence: str,
                             sent_by: str | None = None) -> None:
        calls.append(occurrence)

    from bot.checkins import flows as checkins
    monkeypatch.setattr(checkins, "send_poll", fake_send_poll)
    rhythm = make_rhythm(engine, stub)

    async def run() -> None:
        try:
            await rhythm.rebuild()
            await rhythm.catch_up(now=now)
            await rhythm.catch_up(now=now)
        finally:
            rhythm.close()

    with time_machine.travel(now, tick=False):
        asyncio.run(run())
    assert calls == ["2026-11-27T15:00Z", "2026-11-27T15:00Z"]  # the job itself is idempotent via the ledger
    with Session(engine) as s:
        assert len(s.exec(select(JobRun)).all()) == 1


def test_an_occurrence_is_claimed_once(engine: Engine) -> None:
    from storage.repositories import runs

    with Session(engine) as s:
        assert runs.claim(session=s, team_id=T, job_key="checkin:1", occurrence="x") is True
        assert runs.claim(session=s, team_id=T, job_key="checkin:1", occurrence="x") is False
        assert runs.claim(session=s, team_id=T, job_key="checkin:1", occurrence="y") is True


def test_occurrences_before_a_definition_existed_are_not_missed(engine: Engine, stub: SlackStub) -> None:
    """A schedule set up on Saturday has not 'missed' the Friday before it."""
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)  # Saturday; the check-in was Friday 15:00
    with time_machine.travel(now - timedelta(hours=1), tick=False):
        seed(engine)
    with Session(engine) as s:
        for model in (StandupMember, Standup, SummarySubscriber):
            for row in s.exec(select(model)):
                s.delete(row)
        s.commit()
    rhythm = make_rhythm(engine, stub)

    async def run() -> None:
        try:
            await rhythm.rebuild()
            await rhythm.catch_up(now=now)
        finally:
            rhythm.close()

    with time_machine.travel(now, tick=False):
        asyncio.run(run())
    with Session(engine) as s:
        assert s.exec(select(JobRun)).all() == []
