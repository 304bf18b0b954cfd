"""`/checkin` text -> request."""

from __future__ import annotations

import re

from bot import parsing
from bot.checkins import service as checkins
from bot.errors import UsageError
from bot.requests import HELP_WORDS, Call, Help, Legacy
from handlers.slack.render.checkins import USAGE
from handlers.slack.render.common import safe
from scheduler.triggers import DAY_NAMES, TimeSpecError, check_zone, format_time, parse_time

OPTIONS = {"project", "day", "time", "tz", "reminder"}
ALIASES = {"zone": "tz", "timezone": "tz", "at": "time", "proj": "project"}
DAY_LONG = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_PEOPLE = 50
MAX_REMINDER_HOURS = 24 * 7 - 1  # a reminder comes before the next weekly check-in
# A filler for the handler: the workspace's fallback zone (BOT_TIMEZONE) for managers whose own is unknown.
FALLBACK_TZ = "fallback_tz"


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


def _people(words: list[str], sub: str) -> list[str]:
    """The people mentioned (`<@U1|ann> <@U2|bo>`, commas allowed), in order, once each."""
    out: list[str] = []
    for word in words:
        for part in (w for w in re.split(r"[,;]+", word) if w):
            m = parsing.USER.match(part)
            if not m:
                raise UsageError(f"`{parsing.echo(part)}` is not a person: mention each one with @ and pick them from "
                                 "Slack's list.", USAGE)
            if m.group(1) not in out:
                out.append(m.group(1))
    if not out:
        raise UsageError(f"Who? e.g. `/checkin {sub} @ann project=Apollo`.", USAGE)
    if len(out) > MAX_PEOPLE:
        raise UsageError(f"At most {MAX_PEOPLE} people at a time.", USAGE)
    return out


def parse_day(value: str) -> int:
    """`fri`, `Friday`, `frid` -> 4; anything else is a usage error."""
    v = value.strip().lower()
    for n, name in enumerate(DAY_LONG):
        if len(v) >= 3 and name.startswith(v):
            return n
    raise UsageError(f"`day=` must be one of {', '.join(DAY_NAMES)}, not `{parsing.echo(value)}`.", USAGE)


def _time(value: str) -> str:
    try:
        return format_time(*parse_time(parsing.unescape(value)))
    except TimeSpecError as e:
        raise UsageError(f"`time=`: {safe(str(e))}.", USAGE) from None


def _zone(value: str) -> str:
    v = value.strip()
    try:
        if not v or not re.fullmatch(r"[A-Za-z0-9_+\-/]+", v):
            raise TimeSpecError(f"`{parsing.unescape(value)}` is not a time zone like Europe/London")
        return check_zone(v)
    except TimeSpecError as e:
        raise UsageError(f"`tz=`: {safe(str(e))}.", USAGE) from None


def parse(text: str) -> Legacy:
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
            return Call(checkins.add, write=True, kwargs={"user_ids": people, "project_name": project,
                                                          FALLBACK_TZ: "UTC"})
        return Call(checkins.remove, write=True, kwargs={"user_ids": people, "project_name": project})
    if sub == "schedule":
        _only(p.options, OPTIONS, sub)
        if p.words:
            raise UsageError(f"Put the schedule as options, e.g. `/checkin schedule project=Apollo day=fri "
                             f"time=15:00`, not `{parsing.echo(p.words[0])}`.", USAGE)
        project = _project(p, sub, free_text=False)
        if not set(p.options) & {"day", "time", "tz", "reminder"}:
            raise UsageError("When? Give `day=`, `time=` and, if not your own, `tz=`.", USAGE)
        kwargs: dict[str, object] = {"project_name": project, FALLBACK_TZ: "UTC"}
        if "day" in p.options:
            kwargs["day"] = parse_day(p.options["day"])
        if "time" in p.options:
            kwargs["time"] = _time(p.options["time"])
        if "tz" in p.options:
            kwargs["tz"] = _zone(p.options["tz"])
        if "reminder" in p.options:
            hours = p.options["reminder"].strip().lower().removesuffix("h")
            kwargs["reminder_hours"] = parsing.int_in(hours, "reminder", 1, MAX_REMINDER_HOURS, USAGE)
        return Call(checkins.schedule, write=True, kwargs=kwargs)
    if sub in ("send", "now"):
        _only(p.options, {"project"}, "send")
        return Call(checkins.prepare_send, write=False, kwargs={"project_name": _project(p, "send", free_text=True)})
    if sub in ("results", "result", "stats"):
        _only(p.options, {"project"}, "results")
        return Call(checkins.results, write=False,
                    kwargs={"project_name": _project(p, "results", free_text=True)})
    raise UsageError(f"I don't know `/checkin {parsing.echo(sub)}`.", USAGE)
