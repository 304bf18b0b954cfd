"""The rhythm: APScheduler rebuilt from our own schedule tables.

- `rebuild()` turns every definition (check-in configs, stand-ups by member
  zone, summary subscribers) into a job with an explicit id, added with
  `replace_existing=True`; jobs whose definition is gone are removed. It runs
  at start, right after a change made here, and when the sweeper sees another
  instance changed a definition (the `schedule` counter moved).
- `catch_up()` looks at each job's latest occurrence once at start: still
  within its grace and not yet run -> run it once now; older -> recorded as
  missed (shown in the next summary). Only the latest occurrence is
  considered, so a long outage never causes a burst.
- Jobs claim their occurrence in `job_run` (unique), and send through the
  delivery ledger, so two instances on one database send each message once.
- Jobs are the functions of `scheduler.jobs`, given the rhythm's key (see there) and ids.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session, select

from bot.delivery import Deliverer
from bot.deps import Deps
from bot.errors import Unavailable
from bot.ports import Platform
from bot.schedules import (
    LOOKBACK,
    SUMMARY_DAY,
    SUMMARY_TIME,
    latest_fire,
    local_date,
    occurrence_key,
    parse_days,
    schedule_version,
    summary_job_key,
    week_key,
    weekly,
)
from scheduler import jobs
from storage import clock
from storage.models import SlackUser
from storage.models_rhythm import CheckinConfig, Stakeholder, Standup, StandupMember, SummarySubscriber
from storage.repositories import runs

log = logging.getLogger(__name__)

CHECKIN_GRACE = timedelta(hours=24)
SUMMARY_GRACE = timedelta(hours=24)
STANDUP_GRACE = timedelta(hours=3)
SWEEP_EVERY_S = 30
PREFIXES = ("checkin:", "standup:", "summary:")


@dataclass
class JobSpec:
    job_id: str
    func: Callable[..., Awaitable[Any]]
    trigger: CronTrigger
    args: tuple[Any, ...]  # the ids the job takes (after the rhythm's key)
    grace: timedelta
    team_id: str
    job_key: str  # what `job_run` records, with the occurrence
    occurrence: Callable[[datetime], str]
    since: datetime | None = None  # when the definition took its current form: nothing before it was missed


def checkin_spec(cfg: CheckinConfig) -> JobSpec:
    return JobSpec(
        job_id=f"checkin:{cfg.team_id}:{cfg.project_id}", func=jobs.checkin_job,
        trigger=weekly([cfg.day], cfg.time, cfg.tz), args=(cfg.team_id, cfg.project_id), grace=CHECKIN_GRACE,
        team_id=cfg.team_id, job_key=f"checkin:{cfg.project_id}", occurrence=occurrence_key, since=cfg.updated_at)


def standup_spec(s: Standup, tz: str) -> JobSpec:
    assert s.id is not None
    return JobSpec(
        job_id=f"standup:{s.team_id}:{s.id}:{tz}", func=jobs.standup_job,
        trigger=weekly(parse_days(s.days), s.time, tz), args=(s.team_id, s.id, tz), grace=STANDUP_GRACE,
        team_id=s.team_id, job_key=f"standup:{s.id}:{tz}",
        occurrence=lambda when, tz=tz: local_date(when, tz).isoformat(),  # type: ignore[misc]
        since=s.updated_at)


def summary_spec(sub: SummarySubscriber, fallback_tz: str) -> JobSpec:
    tz = sub.tz or fallback_tz
    return JobSpec(
        job_id=f"summary:{sub.team_id}:{sub.user_id}", func=jobs.summary_job,
        trigger=weekly([SUMMARY_DAY], SUMMARY_TIME, tz), args=(sub.team_id, sub.user_id), grace=SUMMARY_GRACE,
        team_id=sub.team_id, job_key=summary_job_key(sub.user_id),
        occurrence=lambda when, tz=tz: week_key(local_date(when, tz)),  # type: ignore[misc]
        since=sub.added_at)


def collect_specs(*, session: Session, fallback_tz: str) -> list[JobSpec]:
    """Every job the definitions in the database ask for."""
    specs: list[JobSpec] = []
    with_stakeholders = {(t, p) for t, p in session.exec(select(Stakeholder.team_id, Stakeholder.project_id))}
    for cfg in session.exec(select(CheckinConfig)):
        if (cfg.team_id, cfg.project_id) in with_stakeholders:
            specs.append(checkin_spec(cfg))
    members: dict[int, list[str]] = {}
    for m in session.exec(select(StandupMember)):
        members.setdefault(m.standup_id, []).append(m.user_id)
    zones = {(u.team_id, u.user_id): u.tz for u in session.exec(select(SlackUser))}
    for s in session.exec(select(Standup)):
        assert s.id is not None
        groups = {zones.get((s.team_id, uid)) or s.tz or fallback_tz for uid in members.get(s.id, [])}
        specs += [standup_spec(s, tz) for tz in sorted(groups)]
    specs += [summary_spec(sub, fallback_tz) for sub in session.exec(select(SummarySubscriber))]
    return specs


class Rhythm:
    """What scheduled jobs run with: deps (and through them the platform), the ledger's sender,
    the scheduler, the clock. Built once per process; jobs reach it by `key` (see `scheduler.jobs`)."""

    def __init__(self, deps: Deps, scheduler: AsyncIOScheduler) -> None:
        self.deps = deps
        self.platform: Platform = deps.platform
        self.scheduler = scheduler
        self.deliverer = Deliverer(deps.db, deps.platform.sender)
        self.version = -1
        self.specs: dict[str, JobSpec] = {}
        self.failed: set[str] = set()  # ids of jobs the database kept from running (see retry_failed)

    @staticmethod
    def now() -> datetime:
        return clock.now()

    async def start(self) -> None:
        from bot.summaries.flows import subscribe_configured_managers

        # BOT_MANAGERS get the weekly summary from the first start; this never stops the start.
        await subscribe_configured_managers(self)
        await self.rebuild()
        # Catch-up runs as a job of its own so that start-up (and /healthz) does not wait on a fan-out.
        self.scheduler.add_job(jobs.catch_up_job, args=(self,), id="catch_up", replace_existing=True,
                               misfire_grace_time=3600)
        self.scheduler.add_job(jobs.sweep_job, IntervalTrigger(seconds=SWEEP_EVERY_S), args=(self,), id="sweep",
                               replace_existing=True, misfire_grace_time=SWEEP_EVERY_S, coalesce=True,
                               max_instances=1, next_run_time=self.now())

    def close(self) -> None:
        """No job runs for this rhythm any more: its jobs leave the scheduler (which its owner stops)."""
        for job in self.scheduler.get_jobs():
            if job.args and job.args[0] is self:
                job.remove()

    async def rebuild(self) -> None:
        self.version = await self.deps.db.read(schedule_version)
        specs = await self.deps.db.read(collect_specs, fallback_tz=self.deps.settings.bot_timezone)
        self.apply(specs)

    def apply(self, specs: list[JobSpec]) -> None:
        wanted = {s.job_id: s for s in specs}
        for job in self.scheduler.get_jobs():
            if job.id.startswith(PREFIXES) and job.id not in wanted:
                job.remove()
        for spec in specs:
            self.scheduler.add_job(spec.func, spec.trigger, args=(self, *spec.args), id=spec.job_id,
                                   replace_existing=True, misfire_grace_time=int(spec.grace.total_seconds()),
                                   coalesce=True, max_instances=1)
        self.specs = wanted
        log.info("schedule rebuilt: %d jobs", len(specs))

    async def rebuild_if_changed(self) -> None:
        if await self.deps.db.read(schedule_version) != self.version:
            await self.rebuild()

    async def catch_up(self, now: datetime | None = None) -> None:
        now = now or self.now()
        for spec in list(self.specs.values()):
            try:
                await self._catch_up_one(spec, now)
            except Unavailable:
                log.warning("catching up %s: database unavailable; the sweep will try again", spec.job_id)
                self.failed.add(spec.job_id)

    async def retry_failed(self, now: datetime | None = None) -> None:
        """Jobs the database kept from running: served now if their occurrence is still within its
        grace, else recorded as missed, just as at start."""
        now = now or self.now()
        for job_id in sorted(self.failed):
            self.failed.discard(job_id)
            spec = self.specs.get(job_id)
            if spec is None:  # its definition is gone
                continue
            try:
                await self._catch_up_one(spec, now)
            except Unavailable:
                self.failed.add(job_id)
                raise

    async def _catch_up_one(self, spec: JobSpec, now: datetime) -> None:
        last = latest_fire(spec.trigger, now, LOOKBACK)
        if last is None or (spec.since is not None and last < spec.since):
            return
        occ = spec.occurrence(last)
        if now - last <= spec.grace:
            # Within its grace: run it (again). Idempotent through the ledger, so a run
            # cut short by a crash is completed and a finished one sends nothing.
            log.info("catching up %s (%s)", spec.job_id, occ)
            await spec.func(self, *spec.args)
        elif not await self.deps.db.read(runs.seen, team_id=spec.team_id, job_key=spec.job_key, occurrence=occ):
            await self.deps.db.write(runs.claim, team_id=spec.team_id, job_key=spec.job_key, occurrence=occ,
                                     status="missed")
            log.warning("missed %s (%s): past its grace", spec.job_id, occ)

    def occurrence_now(self, job_id: str, now: datetime | None = None) -> tuple[JobSpec, str] | None:
        """For a job running now: its spec and the occurrence it serves (None if none is due)."""
        spec = self.specs.get(job_id)
        if spec is None:
            return None
        last = latest_fire(spec.trigger, now or self.now(), spec.grace)
        return (spec, spec.occurrence(last)) if last else None
