"""Weekly triggers in a person's own zone, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.schedules import (
    TimeSpecError,
    latest_fire,
    local_date,
    next_fire,
    occurrence_key,
    parse_days,
    parse_time,
    week_key,
    weekly,
)

MON_FRI = [0, 1, 2, 3, 4]


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


@pytest.mark.parametrize(("text", "days"), [
    ("mon-fri", [0, 1, 2, 3, 4]), ("weekdays", [0, 1, 2, 3, 4]), ("mon,wed,fri", [0, 2, 4]),
    ("fri-mon", [0, 4, 5, 6]), ("daily", [0, 1, 2, 3, 4, 5, 6]), ("Sun", [6]), ("monday, thursday", [0, 3]),
])
def test_parse_days(text: str, days: list[int]) -> None:
    assert parse_days(text) == days


@pytest.mark.parametrize("bad", ["", "funday", "mon-xyz", "8"])
def test_parse_days_refuses(bad: str) -> None:
    with pytest.raises(TimeSpecError):
        parse_days(bad)


@pytest.mark.parametrize(("text", "hm"), [("09:30", (9, 30)), ("9:05", (9, 5)), ("23:59", (23, 59)), ("7.15", (7, 15))])
def test_parse_time(text: str, hm: tuple[int, int]) -> None:
    assert parse_time(text) == hm


@pytest.mark.parametrize("bad", ["24:00", "9", "09:60", "nine", "-1:00"])
def test_parse_time_refuses(bad: str) -> None:
    with pytest.raises(TimeSpecError):
        parse_time(bad)


# (zone, a day before a change, the UTC hour of 09:30 local then, the day after, the UTC hour/min after)
DST = [
    # Europe/London: BST starts 2026-03-29, ends 2026-10-25
    ("Europe/London", date(2026, 3, 27), (9, 30), date(2026, 3, 30), (8, 30)),
    ("Europe/London", date(2026, 10, 23), (8, 30), date(2026, 10, 26), (9, 30)),
    # America/New_York: EDT starts 2026-03-08, ends 2026-11-01
    ("America/New_York", date(2026, 3, 6), (14, 30), date(2026, 3, 9), (13, 30)),
    ("America/New_York", date(2026, 10, 30), (13, 30), date(2026, 11, 2), (14, 30)),
    # Australia/Sydney: AEDT ends 2026-04-05, starts 2026-10-04 (southern hemisphere)
    ("Australia/Sydney", date(2026, 4, 3), (22, 30), date(2026, 4, 6), (23, 30)),
    ("Australia/Sydney", date(2026, 10, 2), (23, 30), date(2026, 10, 5), (22, 30)),
    # Asia/Kolkata: no daylight saving, always UTC+5:30
    ("Asia/Kolkata", date(2026, 3, 27), (4, 0), date(2026, 3, 30), (4, 0)),
]


@pytest.mark.parametrize(("tz", "before", "hm_before", "after", "hm_after"), DST)
def test_local_prompt_time_across_dst(tz: str, before: date, hm_before: tuple[int, int], after: date,
                                      hm_after: tuple[int, int]) -> None:
    trigger = weekly(MON_FRI, "09:30", tz)
    for day, (h, m) in ((before, hm_before), (after, hm_after)):
        # the local date's 09:30 falls on the previous UTC day for Sydney
        start = utc(day.year, day.month, day.day) - timedelta(days=1)
        fire = next_fire(trigger, start)
        while fire is not None and fire.astimezone(trigger.timezone).date() != day:
            fire = next_fire(trigger, fire + timedelta(minutes=1))
        assert fire is not None
        local = fire.astimezone(trigger.timezone)
        assert (local.hour, local.minute) == (9, 30)
        assert (fire.astimezone(UTC).hour, fire.astimezone(UTC).minute) == (h, m), (tz, day)


def test_no_prompt_on_days_off() -> None:
    trigger = weekly(MON_FRI, "09:30", "Europe/London")
    fire = next_fire(trigger, utc(2026, 11, 27, 10))  # Friday after the prompt
    assert fire is not None and fire.astimezone(trigger.timezone).date() == date(2026, 11, 30)  # Monday


def test_next_fire_after_schedule_change() -> None:
    now = utc(2026, 11, 25, 12)  # Wednesday
    assert next_fire(weekly([4], "15:00", "Europe/London"), now) == utc(2026, 11, 27, 15)
    assert next_fire(weekly([3], "09:00", "America/New_York"), now) == utc(2026, 11, 26, 14)


def test_latest_fire_within_grace() -> None:
    trigger = weekly([4], "15:00", "UTC")
    fri = utc(2026, 11, 27, 15)
    assert latest_fire(trigger, fri + timedelta(hours=2), timedelta(hours=24)) == fri
    assert latest_fire(trigger, fri + timedelta(hours=25), timedelta(hours=24)) is None
    assert latest_fire(trigger, fri - timedelta(minutes=1), timedelta(hours=24)) is None
    assert latest_fire(trigger, fri, timedelta(hours=1)) == fri


def test_latest_fire_picks_only_the_last_of_many() -> None:
    trigger = weekly(MON_FRI, "09:00", "UTC")
    last = latest_fire(trigger, utc(2026, 11, 25, 12), timedelta(days=8))
    assert last == utc(2026, 11, 25, 9)


def test_keys() -> None:
    assert occurrence_key(utc(2026, 11, 27, 15, 0, 42)) == "2026-11-27T15:00Z"
    assert week_key(date(2026, 11, 30)) == "2026-W49"
    assert local_date(utc(2026, 11, 25, 20), "Australia/Sydney") == date(2026, 11, 26)
    assert local_date(utc(2026, 11, 25, 20), None, "America/New_York") == date(2026, 11, 25)
