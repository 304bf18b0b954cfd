"""`/standup` text -> a typed request for the stand-ups' service (`bot.standups.service.perform`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from bot import parsing
from bot.errors import UsageError
from bot.requests import HELP_WORDS, Help, Request
from bot.schedules import TimeSpecError, check_zone, format_days, format_time, parse_days, parse_time
from bot.standups.views import USAGE

MAX_MEMBERS = 50
POST_MODES = ("each", "digest")
SETUP_OPTIONS = {"channel", "members", "time", "days", "tz", "post"}
ALIASES = {"member": "members", "people": "members", "users": "members", "at": "time", "day": "days",
           "zone": "tz", "timezone": "tz", "mode": "post", "posts": "post"}
SETUP = ("setup", "set", "config", "configure", "create", "new")
NOW = ("now", "send", "ask")
SKIP = ("skip", "off", "away")
REPORT = ("report", "status", "who")
T = TypeVar("T")


@dataclass(frozen=True)
class Setup(Request):
    """Create or change the channel's stand-up; None means 'not given', and members given replace the old."""

    channel_id: str
    members: tuple[str, ...] | None = None
    time: str | None = None  # HH:MM
    days: str | None = None  # mon,tue,…
    tz: str | None = None
    post_mode: str | None = None


@dataclass(frozen=True)
class SendNow(Request):
    """Prompt every member now, each for their own local today (the scheduled path, run by hand).

    Its unit of work only finds the stand-up; the prompts go out through the delivery ledger."""

    write = False
    channel_id: str | None
    current_channel: str | None


@dataclass(frozen=True)
class ShowReport(Request):
    """Who did what today in the stand-up of `channel_id`, else of the current channel, else the only one."""

    write = False
    channel_id: str | None
    current_channel: str | None


@dataclass(frozen=True)
class Skip(Request):
    """No prompt for me today, or from today to `until` (both included)."""

    until: date | None = None


StandupRequest = Setup | SendNow | ShowReport | Skip


def _time_spec(fn: Callable[[str], T], value: str) -> T:
    """`fn` on the value as typed; its complaint quotes that value (`parsing.echo`)."""
    try:
        return fn(value)
    except TimeSpecError as e:
        raise UsageError(f"{parsing.echo(str(e))}.", USAGE) from None


def _channel(value: str) -> str:
    return parsing.channel_id(value, "channel", USAGE)


def _usable(current_channel: str | None) -> str | None:
    """The channel the command was typed in, if a stand-up can live there (not a DM: Slack's begin
    with D; front ends other than Slack give the ids of channels only)."""
    return current_channel if current_channel and current_channel[:1] != "D" else None


def _setup(p: parsing.Parsed, current_channel: str | None) -> Setup:
    opts = p.options
    members = parsing.user_ids(opts["members"], "members", USAGE) if "members" in opts else None
    channel = _channel(opts["channel"]) if "channel" in opts else None
    for word in p.words:  # `members=@a, @b` (a space after the comma) and bare mentions are members too
        parts = [x for x in word.split(",") if x]
        if not parts:
            continue
        if all(parsing.person(x) for x in parts):
            members = members or []
            members += [u for u in parsing.user_ids(word, "members", USAGE) if u not in members]
        elif parsing.place(word) and channel is None:
            channel = _channel(word)
        else:
            raise UsageError(f"I don't understand `{parsing.echo(word)}` here; options are written "
                             "`key=value`.", USAGE)
    if members and len(members) > MAX_MEMBERS:  # before anyone is looked up for it
        raise UsageError(f"A stand-up can have at most {MAX_MEMBERS} members (you named {len(members)}).", USAGE)
    channel = channel or _usable(current_channel)
    if channel is None:
        raise UsageError("Which channel should the answers go to? Add `channel=#…`.", USAGE)
    return Setup(
        channel_id=channel,
        members=tuple(members) if members is not None else None,
        time=format_time(*_time_spec(parse_time, opts["time"])) if "time" in opts else None,
        days=format_days(_time_spec(parse_days, opts["days"])) if "days" in opts else None,
        tz=_time_spec(check_zone, opts["tz"].strip()) if "tz" in opts else None,
        post_mode=parsing.choice(opts["post"], "post", POST_MODES, USAGE) if "post" in opts else None,
    )


def _only_channel(p: parsing.Parsed, sub: str) -> str | None:
    extra = set(p.options) - {"channel"}
    if extra:
        raise UsageError(f"`/standup {sub}` takes only `channel=`, not `{sorted(extra)[0]}=`.", USAGE)
    if p.words:
        raise UsageError(f"`/standup {sub}` takes only `channel=#…`, not `{parsing.echo(p.words[0])}`.", USAGE)
    return _channel(p.options["channel"]) if "channel" in p.options else None


def parse(text: str, current_channel: str | None = None) -> StandupRequest | Help:
    if not (text or "").strip():
        return Help(USAGE)
    first = text.split(None, 1)[0].lower()
    if first in HELP_WORDS:
        return Help(USAGE)
    if first in SETUP:
        return _setup(parsing.parse(text, options=SETUP_OPTIONS, aliases=ALIASES, usage=USAGE), current_channel)
    if first in NOW:
        p = parsing.parse(text, options={"channel"}, usage=USAGE)
        return SendNow(channel_id=_only_channel(p, first), current_channel=current_channel)
    if first in REPORT:
        p = parsing.parse(text, options={"channel"}, usage=USAGE)
        return ShowReport(channel_id=_only_channel(p, first), current_channel=current_channel)
    if first in SKIP:
        p = parsing.parse(text, options={"until"}, aliases={"to": "until", "till": "until"}, usage=USAGE)
        if [w for w in p.words if w.lower() not in ("today", "me")]:
            raise UsageError("`/standup skip` skips today; for days off add `until=YYYY-MM-DD`.", USAGE)
        until = parsing.iso_date(p.options["until"], "until", USAGE) if "until" in p.options else None
        return Skip(until=until)
    raise UsageError(f"I don't know `/standup {parsing.echo(first)}`.", USAGE)

