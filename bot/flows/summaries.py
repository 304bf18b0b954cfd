"""Managers' summaries (to be completed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.delivery import Report

if TYPE_CHECKING:
    from scheduler.runtime import Rhythm


async def send_weekly(rhythm: Rhythm, team_id: str, user_id: str, *, occurrence: str) -> Report:
    return Report()
