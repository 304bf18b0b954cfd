"""Stand-up prompts and digests (to be completed)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.delivery import Report

if TYPE_CHECKING:
    from scheduler.runtime import Rhythm


async def prompt(rhythm: Rhythm, team_id: str, standup_id: int, *, tz: str, day: date) -> Report:
    return Report()


async def post_due_digests(rhythm: Rhythm, now: datetime) -> None:
    return None
