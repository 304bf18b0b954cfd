"""The one clock the code reads.

Everything that needs "now" calls `now()` (an aware UTC datetime) or `today()` from here, never
`datetime.now()` or `date.today()` directly, so a test that moves time (time-machine, or the suite's
`TEST_CLOCK`) moves it for every part of the bot at once. It lives in `storage`, the bottom layer,
because rows are stamped with it and every other layer may import storage.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo

_offset = timedelta(0)  # moved only by `start_at`, for a demonstration (`python -m bot console --now`)


def now() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC) + _offset


def start_at(instant: datetime) -> None:
    """Make "now" `instant` from this moment on, ticking: the console's `--now`, so that a demo can
    show Monday's check-ins and summaries on any day. Servers never call it."""
    global _offset
    _offset = instant.astimezone(UTC) - datetime.now(UTC)


def today(tz: tzinfo | None = None) -> date:
    """Today's date in `tz` (UTC when none is given), from the same clock as `now()`."""
    return now().astimezone(tz or UTC).date()
