"""`/checkin` text -> a typed request for `bot.checkins.service.perform`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import parsing
from bot.errors import UsageError
from bot.requests import HELP_WORDS, Help, Request
from bot.schedules import DAY_NAMES, TimeSpecError, check_zone, format_time, parse_time

USAGE = """*Usage of /checkin* (managers)
• `/checkin add @user [@user…] project=NAME` — ask them for a weekly check-in (first one: Fridays 15:00 in your zone)
• `/checkin remove @user project=NAME`
• `/checkin schedule project=NAME day=mon..sun time=HH:MM [tz=Area/City] [reminder=HOURS]`
• `/checkin send project=NAME` — send the check-in now
• `/checkin results project=NAME` — latest average, weekly trend, comments and who has not answered"""


@dataclass(frozen=True)
class Add(Request):
    """Ask these people for a weekly check-in on the project (creating its schedule if it has none)."""

    user_ids: tuple[str, ...]
    project_name: str


@dataclass(frozen=True)
class Remove(Request):
    user_ids: tuple[str, ...]
    project_name: str


@dataclass(frozen=True)
class Schedule(Request):
    """Change what is given of the project's schedule; the rest stays."""

    project_name: str
    day: int | None = None  # 0 = Monday
    time: str | None = None  # HH:MM
    tz: str | None = None  # None: the manager's own zone
    reminder_hours: int | None = None


@dataclass(frozen=True)
class Send(Request):
    """Send the project's check-in now: the front end checks it (`service.prepare_send`), then sends
    the poll through the flow the schedule runs (`flows.send_poll`)."""

    write = False
    project_name: str


@dataclass(frozen=True)
class Results(Request):
    write = False
    project_name: str


Performed = Add | Remove | Schedule | Results  # what `service.perform` carries out
CheckinRequest = Performed | Send

OPTIONS = {"project", "day", "time", "tz", "reminder"}
ALIASES = {"zone": "tz", "timezone": "tz", "at": "time", "proj": "project"}
DAY_LONG = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_PEOPLE = 50
MAX_REMINDER_HOURS = 24 * 7 - 1  # a reminder comes before the next weekly check-in


def _only(opts: dict[str, str], allowed: set[str], sub: str) -> None:
    extra = set(opts) - allowed
    if extra:
        raise UsageError(f"`/checkin {parsing.echo(sub)}` does not take `{sorted(extra)[0]}=`.", USAGE)


def _project(p: parsing.Parsed, sub: str, *, free_text: bool) -> str:
    """The project named by `project=` (or, where nothing else is expected, by the free text)."""
    if "project" in p.options:
        if p.words and free_text:
            raise UsageError(f"`/checkin {parsing.echo(sub)}` takes only `project=`, "
                             f"not `{parsing.echo(p.words[0])}`.", USAGE)
        name = " ".join(parsing.plain(p.options["project"]).split())
    else:
        name = " ".join(parsing.plain(p.rest).split()) if free_text else ""
    if not name:
        raise UsageError(f"Which project? e.g. `/checkin {sub} project=Apollo`.", USAGE)
    return name


def _people(words: list[str], sub: str) -> tuple[str, ...]:
    """The people mentioned (references to people, commas allowed), in order, once each."""
    out: list[str] = []
    for word in words:
        for part in (w for w in re.split(r"[,;]+", word) if w):
            who = parsing.person(part)
            if who is None:
                raise UsageError(f"`{parsing.echo(part)}` is not a person: mention each one with @ and pick them from "
                                 "the list.", USAGE)
            if who not in out:
                out.append(who)
    if not out:
        raise UsageError(f"Who? e.g. `/checkin {sub} @ann project=Apollo`.", USAGE)
    if len(out) > MAX_PEOPLE:
        raise UsageError(f"At most {MAX_PEOPLE} people at a time.", USAGE)
    return tuple(out)


def parse_day(value: str) -> int:
    """`fri`, `Friday`, `frid` -> 4; anything else is a usage error."""
    v = value.strip().lower()
    for n, name in enumerate(DAY_LONG):
        if len(v) >= 3 and name.startswith(v):
            return n
    raise UsageError(f"`day=` must be one of {', '.join(DAY_NAMES)}, not `{parsing.echo(value)}`.", USAGE)


def _time(value: str) -> str:
    # Read as quoted back (`echo`): a valid time reads the same, and a bad one is named safely.
    try:
        return format_time(*parse_time(parsing.echo(value)))
    except TimeSpecError as e:
        raise UsageError(f"`time=`: {e}.", USAGE) from None


def _zone(value: str) -> str:
    v = value.strip()
    try:
        if not v or not re.fullmatch(r"[A-Za-z0-9_+\-/]+", v):
            raise TimeSpecError(f"`{parsing.echo(value)}` is not a time zone like Europe/London")
        return check_zone(v)  # only letters, digits and _+-/ by now: nothing to escape
    except TimeSpecError as e:
        raise UsageError(f"`tz=`: {e}.", USAGE) from None


def parse(text: str) -> CheckinRequest | Help:
    if not (text or "").strip():
        return Help(USAGE)
    p = parsing.parse(text, options=OPTIONS, aliases=ALIASES, usage=USAGE)
    sub = p.sub
    if sub in HELP_WORDS:
        return Help(USAGE)
    if sub in ("add", "remove", "rm", "delete"):
        sub = "add" if sub == "add" else "remove"
        _only(p.options, {"project"}, sub)
        people = _people(p.words, sub)
        project = _project(p, sub, free_text=False)
        if sub == "add":
            return Add(people, project)
        return Remove(people, project)
    if sub == "schedule":
        _only(p.options, OPTIONS, sub)
        if p.words:
            raise UsageError(f"Put the schedule as options, e.g. `/checkin schedule project=Apollo day=fri "
                             f"time=15:00`, not `{parsing.echo(p.words[0])}`.", USAGE)
        project = _project(p, sub, free_text=False)
        if not set(p.options) & {"day", "time", "tz", "reminder"}:
            raise UsageError("When? Give `day=`, `time=` and, if not your own, `tz=`.", USAGE)
        day = parse_day(p.options["day"]) if "day" in p.options else None
        time = _time(p.options["time"]) if "time" in p.options else None
        tz = _zone(p.options["tz"]) if "tz" in p.options else None
        reminder = None
        if "reminder" in p.options:
            hours = p.options["reminder"].strip().lower().removesuffix("h")
            reminder = parsing.int_in(hours, "reminder", 1, MAX_REMINDER_HOURS, USAGE)
        return Schedule(project, day=day, time=time, tz=tz, reminder_hours=reminder)
    if sub in ("send", "now"):
        _only(p.options, {"project"}, "send")
        return Send(_project(p, "send", free_text=True))
    if sub in ("results", "result", "stats"):
        _only(p.options, {"project"}, "results")
        return Results(_project(p, "results", free_text=True))
    raise UsageError(f"I don't know `/checkin {parsing.echo(sub)}`.", USAGE)
