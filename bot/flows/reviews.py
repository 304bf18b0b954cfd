"""Risk review reminders (to be completed)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scheduler.runtime import Rhythm


async def send_due_reviews(rhythm: Rhythm, now: datetime) -> None:
    return None
