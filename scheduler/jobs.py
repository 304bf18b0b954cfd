"""Scheduled jobs: importable functions that take ids (APScheduler calls them).

Each job works out which occurrence it serves from its trigger and the clock,
records it in `job_run`, and sends through the delivery ledger. Running a job
twice for one occurrence (two instances, or a restart within the grace) is
harmless: the ledger sends each message once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date
from typing import TYPE_CHECKING

from bot.errors import Unavailable
from storage.repositories import runs

if TYPE_CHECKING:
    from scheduler.runtime import Rhythm

log = logging.getLogger(__name__)

_rhythm: Rhythm | None = None


def bind(rhythm: Rhythm | None) -> None:
    global _rhythm
    _rhythm = rhythm


def running() -> Rhythm | None:
    """The runtime of this process, if started (commands use it to apply schedule changes at once)."""
    return _rhythm


def current() -> Rhythm:
    if _rhythm is None:
        raise RuntimeError("the scheduler runtime is not started")
    return _rhythm


async def _occurrence(job_id: str, team_id: str) -> str | None:
    r = current()
    got = r.occurrence_now(job_id)
    if got is None:
        log.info("%s: no occurrence due now", job_id)
        return None
    spec, occ = got
    await r.deps.db.write(runs.claim, team_id=team_id, job_key=spec.job_key, occurrence=occ)
    return occ


async def _run(job_id: str, body: Callable[[], Awaitable[None]]) -> None:
    """A job the database kept from running is tried again by the sweep (`Rhythm.retry_failed`),
    so an outage during its fire time delays the occurrence instead of losing it."""
    try:
        await body()
    except Unavailable:
        log.warning("%s: database unavailable; the sweep will try again", job_id)
        current().failed.add(job_id)


async def checkin_job(team_id: str, project_id: int) -> None:
    from bot.checkins import flows as checkins

    job_id = f"checkin:{team_id}:{project_id}"

    async def body() -> None:
        occ = await _occurrence(job_id, team_id)
        if occ:
            await checkins.send_poll(current(), team_id, project_id, occurrence=occ)

    await _run(job_id, body)


async def standup_job(team_id: str, standup_id: int, tz: str) -> None:
    from bot.standups import flows as standups

    job_id = f"standup:{team_id}:{standup_id}:{tz}"

    async def body() -> None:
        occ = await _occurrence(job_id, team_id)
        if occ:
            await standups.prompt(current(), team_id, standup_id, tz=tz, day=date.fromisoformat(occ))

    await _run(job_id, body)


async def summary_job(team_id: str, user_id: str) -> None:
    from bot.summaries import flows as summaries

    job_id = f"summary:{team_id}:{user_id}"

    async def body() -> None:
        occ = await _occurrence(job_id, team_id)
        if occ:
            await summaries.send_weekly(current(), team_id, user_id, occurrence=occ)

    await _run(job_id, body)


async def sweep_job() -> None:
    """Every half minute: follow schedule changes made elsewhere, send what is due, recover stalled sends."""
    from bot.checkins import flows as checkins
    from bot.reviews import flows as reviews
    from bot.standups import flows as standups

    r = current()
    now = r.now()
    try:
        await r.rebuild_if_changed()
        await checkins.send_due_reminders(r, now)
        await reviews.send_due_reviews(r, now)
        await standups.post_due_digests(r, now)
        journal = r.deps.extras.get("journal")
        if journal is not None:  # commands a stopped process acknowledged and did not finish
            await journal.recover(r.deps.db, r.deliverer)
        await r.deliverer.recover()
        await r.retry_failed(now)
    except Unavailable:  # all of it is tried again next time; nothing here is lost by waiting
        log.warning("sweep: database unavailable; trying again at the next sweep")
