"""`/standup` text -> request, and the answer modal's fields -> text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import parsing
from bot.errors import UsageError
from bot.requests import HELP_WORDS, Call, Help
from bot.standups import service as standups
from handlers.slack import forms, ids
from handlers.slack.render.common import safe
from handlers.slack.render.standups import MAX_ANSWER, USAGE
from scheduler.triggers import TimeSpecError, check_zone, format_days, format_time, parse_days, parse_time

SETUP_OPTIONS = {"channel", "members", "time", "days", "tz", "post"}
ALIASES = {"member": "members", "people": "members", "users": "members", "at": "time", "day": "days",
           "zone": "tz", "timezone": "tz", "mode": "post", "posts": "post"}
SETUP = ("setup", "set", "config", "configure", "create", "new")
NOW = ("now", "send", "ask")
SKIP = ("skip", "off", "away")
REPORT = ("report", "status", "who")


@dataclass
class SendNow:
    """Prompt every member now, each for their own local today (the scheduled path, run by hand)."""

    channel_id: str | None
    current_channel: str | None


def _time_spec(fn: Any, value: str) -> Any:
    """`fn` on the value as typed (Slack's escapes read), its complaint escaped for the reply."""
    try:
        return fn(parsing.unescape(value))
    except TimeSpecError as e:
        raise UsageError(f"{safe(str(e))}.", USAGE) from None


def _channel(value: str) -> str:
    return parsing.channel_id(value, "channel", USAGE)


def _usable(current_channel: str | None) -> str | None:
    """The channel the command was typed in, if a stand-up can live there (not a DM)."""
    return current_channel if current_channel and current_channel[:1] in ("C", "G") else None


def _setup(p: parsing.Parsed, current_channel: str | None) -> Call:
    opts = p.options
    members = parsing.user_ids(opts["members"], "members", USAGE) if "members" in opts else None
    channel = _channel(opts["channel"]) if "channel" in opts else None
    for word in p.words:  # `members=@a, @b` (a space after the comma) and bare mentions are members too
        parts = [x for x in word.split(",") if x]
        if not parts:
            continue
        if all(parsing.USER.match(x) for x in parts):
            members = members or []
            members += [u for u in parsing.user_ids(word, "members", USAGE) if u not in members]
        elif parsing.CHANNEL.match(word) and channel is None:
            channel = _channel(word)
        else:
            raise UsageError(f"I don't understand `{parsing.echo(word)}` here; options are written "
                             "`key=value`.", USAGE)
    if members and len(members) > standups.MAX_MEMBERS:  # before anyone is looked up for it
        raise UsageError(f"A stand-up can have at most {standups.MAX_MEMBERS} members (you named {len(members)}).",
                         USAGE)
    channel = channel or _usable(current_channel)
    if channel is None:
        raise UsageError("Which channel should the answers go to? Add `channel=#…`.", USAGE)
    kwargs: dict[str, Any] = {"channel_id": channel, "members": members, "usage": USAGE}
    if "time" in opts:
        kwargs["time"] = format_time(*_time_spec(parse_time, opts["time"]))
    if "days" in opts:
        kwargs["days"] = format_days(_time_spec(parse_days, opts["days"]))
    if "tz" in opts:
        kwargs["tz"] = _time_spec(check_zone, opts["tz"].strip())
    if "post" in opts:
        kwargs["post_mode"] = parsing.choice(opts["post"], "post", standups.POST_MODES, USAGE)
    return Call(standups.setup, write=True, kwargs=kwargs)


def _only_channel(p: parsing.Parsed, sub: str) -> str | None:
    extra = set(p.options) - {"channel"}
    if extra:
        raise UsageError(f"`/standup {sub}` takes only `channel=`, not `{sorted(extra)[0]}=`.", USAGE)
    if p.words:
        raise UsageError(f"`/standup {sub}` takes only `channel=#…`, not `{parsing.echo(p.words[0])}`.", USAGE)
    return _channel(p.options["channel"]) if "channel" in p.options else None


def parse(text: str, current_channel: str | None = None) -> Call | Help | SendNow:
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
        return Call(standups.report, write=False, kwargs={"channel_id": _only_channel(p, first),
                                                           "current_channel": current_channel})
    if first in SKIP:
        p = parsing.parse(text, options={"until"}, aliases={"to": "until", "till": "until"}, usage=USAGE)
        if [w for w in p.words if w.lower() not in ("today", "me")]:
            raise UsageError("`/standup skip` skips today; for days off add `until=YYYY-MM-DD`.", USAGE)
        until = parsing.iso_date(p.options["until"], "until", USAGE) if "until" in p.options else None
        return Call(standups.skip, write=True, kwargs={"until": until})
    raise UsageError(f"I don't know `/standup {parsing.echo(first)}`.", USAGE)


def parse_form(values: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """The answer modal's fields (yesterday, today, blockers), or `FormError` with a message per field."""
    errors: dict[str, str] = {}
    out = (forms.as_text(values, ids.B_YESTERDAY, errors, MAX_ANSWER),
           forms.as_text(values, ids.B_TODAY, errors, MAX_ANSWER, required=True),
           forms.as_text(values, ids.B_BLOCKERS, errors, MAX_ANSWER))
    if errors:
        raise forms.FormError(errors)
    return out
