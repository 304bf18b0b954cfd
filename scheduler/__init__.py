"""Recurring jobs: one APScheduler (3.x) per bot process, on the bot's event loop."""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler

MISFIRE_GRACE_S = 60 * 60  # a job woken late still runs within this (APScheduler's default is 1 s)


def build_scheduler(timezone: str) -> AsyncIOScheduler:
    """A scheduler that is not started yet: jobs are added by the runtime at start."""
    return AsyncIOScheduler(
        timezone=timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_S},
    )
