"""Time: weekly triggers in a person's own zone, occurrences, grace.

All functions take `now` explicitly so they can be tested at any instant
(daylight-saving changes included) without waiting.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger
from sqlmodel import Session

from storage.models import Counter
from storage.repositories.counters import next_value

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ALIASES = {"weekdays": "mon-fri", "workdays": "mon-fri", "daily": "mon-sun", "everyday": "mon-sun",
            "weekends": "sat-sun"}


class TimeSpecError(ValueError):
    """A day, time or zone a person typed could not be read; the message says why."""


def parse_time(value: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{1,2})[:.h](\d{2})", value.strip().lower())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise TimeSpecError(f"`{value}` is not a time like 09:30 (24-hour clock)")
    return int(m.group(1)), int(m.group(2))


def format_time(h: int, m: int) -> str:
    return f"{h:02d}:{m:02d}"


def parse_day(value: str) -> int:
    v = value.strip().lower()[:3]
    if v not in DAY_NAMES:
        raise TimeSpecError(f"`{value}` is not a day (mon, tue, wed, thu, fri, sat, sun)")
    return DAY_NAMES.index(v)


def parse_days(value: str) -> list[int]:
    """`mon-fri`, `mon,wed,fri`, `weekdays`, `daily`, `fri-mon` -> sorted day numbers (0 = Monday)."""
    v = _ALIASES.get(value.strip().lower(), value.strip().lower())
    if not v:
        raise TimeSpecError("no days given")
    out: set[int] = set()
    for part in re.split(r"[,\s]+", v):
        if not part:
            continue
        if "-" in part:
            a, b = part.split("-", 1)
            start, end = parse_day(a), parse_day(b)
            d = start
            while True:
                out.add(d)
                if d == end:
                    break
                d = (d + 1) % 7
        else:
            out.add(parse_day(part))
    return sorted(out)


def format_days(days: list[int]) -> str:
    return ",".join(DAY_NAMES[d] for d in sorted(days))


def zone(name: str | None, fallback: str = "UTC") -> ZoneInfo:
    for candidate in (name, fallback, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def check_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimeSpecError(f"`{name}` is not a time zone like Europe/London") from None
    return name


def weekly(days: list[int], hhmm: str, tz: str) -> CronTrigger:
    """Fires at `hhmm` wall-clock time in `tz` on `days`; daylight saving is the zone's business."""
    h, m = parse_time(hhmm)
    return CronTrigger(day_of_week=",".join(DAY_NAMES[d] for d in days), hour=h, minute=m, timezone=zone(tz))


def next_fire(trigger: CronTrigger, now: datetime) -> datetime | None:
    return trigger.get_next_fire_time(None, now)


def latest_fire(trigger: CronTrigger, now: datetime, within: timedelta) -> datetime | None:
    """The last time the trigger fired in (now - within, now], or None."""
    t = trigger.get_next_fire_time(None, now - within)
    last = None
    while t is not None and t <= now:
        last = t
        t = trigger.get_next_fire_time(t, t + timedelta(seconds=1))
    return last


def occurrence_key(when: datetime) -> str:
    """A stable text key for an instant (UTC, to the minute)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def local_date(now: datetime, tz: str | None, fallback: str = "UTC") -> date:
    return now.astimezone(zone(tz, fallback)).date()


def week_key(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


# ---- the schedule's version: every definition change bumps it, so instances rebuild their jobs ----

SCHEDULE_COUNTER = ("_", "schedule")  # (team_id, name) of the counter bumped on every definition change
LOOKBACK = timedelta(days=8)  # how far back the latest occurrence of a weekly schedule is looked for
SUMMARY_DAY, SUMMARY_TIME = 0, "08:00"  # managers' weekly summary: Mondays at 08:00 in their zone


def summary_job_key(user_id: str) -> str:
    """What `job_run` records a manager's weekly summary under (with the week)."""
    return f"summary:{user_id}"


def schedule_version(*, session: Session) -> int:
    row = session.get(Counter, SCHEDULE_COUNTER)
    return row.value if row else 0


def bump_schedule(*, session: Session) -> None:
    """Call in the same unit of work as any change to a schedule definition."""
    next_value(session=session, team_id=SCHEDULE_COUNTER[0], name=SCHEDULE_COUNTER[1])
