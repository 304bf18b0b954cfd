"""The one clock: every part of the bot reads "now" from `storage.clock`, so moving it moves them all."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import time_machine

from storage import clock

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("bot", "handlers", "scheduler", "storage")
# Calls that read the machine's clock for a date or an instant. `time.monotonic()` measures durations
# and is no date, so it is allowed anywhere.
FORBIDDEN = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
             ("time", "time"), ("time", "time_ns"), ("time", "localtime"), ("time", "gmtime")}


def clock_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if (name, node.func.attr) in FORBIDDEN:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}.{node.func.attr}()")
    return found


def test_only_the_clock_module_reads_the_machine_clock() -> None:
    offenders = [hit for folder in SOURCES for path in sorted((ROOT / folder).rglob("*.py"))
                 if path != ROOT / "storage" / "clock.py" and "migrations" not in path.parts
                 for hit in clock_reads(path)]
    assert offenders == [], "read storage.clock instead:\n" + "\n".join(offenders)


def test_now_is_aware_utc_and_follows_time_travel() -> None:
    with time_machine.travel(datetime(2032, 2, 28, 23, 30, tzinfo=UTC), tick=False):
        assert clock.now() == datetime(2032, 2, 28, 23, 30, tzinfo=UTC)
        assert clock.now().tzinfo is UTC


def test_today_is_the_date_in_the_zone_asked_for() -> None:
    with time_machine.travel(datetime(2032, 2, 28, 23, 30, tzinfo=UTC), tick=False):
        assert clock.today() == date(2032, 2, 28)
        assert clock.today(timezone(timedelta(hours=1))) == date(2032, 2, 29)  # already the leap day there
        assert clock.today(timezone(timedelta(hours=-5))) == date(2032, 2, 28)
