"""Stakeholder check-in polls (to be completed)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.delivery import Report

if TYPE_CHECKING:
    from scheduler.runtime import Rhythm


async def send_poll(rhythm: Rhythm, team_id: str, project_id: int, *, occurrence: str,
                    sent_by: str | None = None) -> Report:
    return Report()


async def send_due_reminders(rhythm: Rhythm, now: datetime) -> None:
    return None
