"""Scheduled jobs: importable functions that take their runtime and ids (APScheduler calls them).

Each job works out which occurrence it serves from its trigger and the clock,
records it in `job_run`, and sends through the delivery ledger. Running a job
twice for one occurrence (two instances, or a restart within the grace) is
harmless: the ledger sends each message once.

A job's first argument is the typed runtime it runs for (`scheduler.runtime.Rhythm`, which
adds it when it schedules the job; the scheduler keeps its jobs in memory), the rest are ids.
Nothing here is global: two runtimes in one process (tests, a bench) never run each other's jobs.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Protocol

from bot.deps import Rhythm as FlowRhythm
from bot.errors import Unavailable
from storage.repositories import runs

log = logging.getLogger(__name__)


class Keyed(Protocol):
    job_key: str  # what `job_run` records, with the occurrence


class Rhythm(FlowRhythm, Protocol):
    """What a job needs of its runtime (`scheduler.runtime.Rhythm` is the one there is)."""

    failed: set[str]  # ids of jobs the database kept from running

    def occurrence_now(self, job_id: str) -> tuple[Keyed, str] | None: ...

    async def catch_up(self) -> None: ...

    async def rebuild_if_changed(self) -> None: ...

    async def retry_failed(self, now: datetime | None = None) -> None: ...

async def _occurrence(r: Rhythm, job_id: str, team_id: str) -> str | None:
    got = r.occurrence_now(job_id)
    if got is None:
        log.info("%s: no occurrence due now", job_id)
        return None
    spec, occ = got
    await r.deps.db.write(runs.claim, team_id=team_id, job_key=spec.job_key, occurrence=occ)
    return occ


async def _run(r: Rhythm, job_id: str, body: Callable[[], Awaitable[None]]) -> None:
    """A job the database kept from running is tried again by the sweep (`Rhythm.retry_failed`),
    so an outage during its fire time delays the occurrence instead of losing it."""
    try:
        await body()
    except Unavailable:
        log.warning("%s: database unavailable; the sweep will try again", job_id)
        r.failed.add(job_id)


async def checkin_job(r: Rhythm, team_id: str, project_id: int) -> None:
    from bot.checkins import flows as checkins

    job_id = f"checkin:{team_id}:{project_id}"

    async def body() -> None:
        occ = await _occurrence(r, job_id, team_id)
        if occ:
            await checkins.send_poll(r, team_id, project_id, occurrence=occ)

    await _run(r, job_id, body)


async def standup_job(r: Rhythm, team_id: str, standup_id: int, tz: str) -> None:
    from bot.standups import flows as standups

    job_id = f"standup:{team_id}:{standup_id}:{tz}"

    async def body() -> None:
        occ = await _occurrence(r, job_id, team_id)
        if occ:
            await standups.prompt(r, team_id, standup_id, tz=tz, day=date.fromisoformat(occ))

    await _run(r, job_id, body)


async def summary_job(r: Rhythm, team_id: str, user_id: str) -> None:
    from bot.summaries import flows as summaries

    job_id = f"summary:{team_id}:{user_id}"

    async def body() -> None:
        occ = await _occurrence(r, job_id, team_id)
        if occ:
            await summaries.send_weekly(r, team_id, user_id, occurrence=occ)

    await _run(r, job_id, body)


async def catch_up_job(r: Rhythm) -> None:
    """Once at start: the latest occurrence of every job, run within its grace or recorded as missed."""
    await r.catch_up()


async def sweep_job(r: Rhythm) -> None:
    """Every half minute: follow schedule changes made elsewhere, send what is due, recover stalled sends."""
    from bot.checkins import flows as checkins
    from bot.reviews import flows as reviews
    from bot.standups import flows as standups

    now = r.now()
    try:
        await r.rebuild_if_changed()
        await checkins.send_due_reminders(r, now)
        await reviews.send_due_reviews(r, now)
        await standups.post_due_digests(r, now)
        if r.deps.journal is not None:  # commands a stopped process acknowledged and did not finish
            await r.deps.journal.recover(r.deps.db, r.deliverer)
        await r.deliverer.recover()
        await r.retry_failed(now)
    except Unavailable:  # all of it is tried again next time; nothing here is lost by waiting
        log.warning("sweep: database unavailable; trying again at the next sweep")
