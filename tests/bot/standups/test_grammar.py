"""`/standup` text -> what to do; bad input -> UsageError with the usage; and the answer form's fields."""

from __future__ import annotations

from datetime import date

import pytest

from bot.errors import UsageError
from bot.requests import Call, Help
from bot.standups import service as standups
from bot.standups.grammar import SendNow, parse, parse_form
from handlers.slack import forms, ids
from handlers.slack.render.standups import USAGE
from tests.slack_requests import text_value

SETUP = "setup channel=<#C123|standup> members=<@U1|ann>,<@U2|bob> time=09:30 days=mon-fri"


def call(text: str, current_channel: str | None = "CHERE") -> Call:
    request = parse(text, current_channel=current_channel)
    assert isinstance(request, Call), request
    return request


def refused(text: str, match: str, current_channel: str | None = "CHERE") -> UsageError:
    with pytest.raises(UsageError, match=match) as e:
        parse(text, current_channel=current_channel)
    assert e.value.usage == USAGE and "Usage of /standup" in str(e.value)
    return e.value


@pytest.mark.parametrize("text", ["", "  ", "help", "HELP", "?"])
def test_help(text: str) -> None:
    request = parse(text)
    assert isinstance(request, Help) and request.text == USAGE


def test_setup_with_everything() -> None:
    c = call(SETUP + " tz=Asia/Kolkata post=digest")
    assert c.fn is standups.setup and c.write
    assert c.kwargs == {"channel_id": "C123", "members": ["U1", "U2"], "time": "09:30",
                        "days": "mon,tue,wed,thu,fri", "tz": "Asia/Kolkata", "post_mode": "digest", "usage": USAGE}


@pytest.mark.parametrize("members", ["<@U1|ann>,<@U2|bob>", "<@U1|ann>, <@U2|bob>", "<@U1>,<@U2>,<@U1>",
                                     "<@U1|ann> <@U2|bob>"])
def test_members_as_people_write_them(members: str) -> None:
    assert call(f"setup channel=<#C1|x> members={members}").kwargs["members"] == ["U1", "U2"]


def test_setup_defaults_to_the_current_channel_and_keeps_what_is_not_given() -> None:
    c = call("setup members=<@U1|ann>")
    assert c.kwargs == {"channel_id": "CHERE", "members": ["U1"], "usage": USAGE}
    assert call("set time=8.15", current_channel="GPRIV").kwargs == {
        "channel_id": "GPRIV", "members": None, "time": "08:15", "usage": USAGE}


@pytest.mark.parametrize("days,stored", [("mon-fri", "mon,tue,wed,thu,fri"), ("weekdays", "mon,tue,wed,thu,fri"),
                                         ("mon,wed,fri", "mon,wed,fri"), ("daily", "mon,tue,wed,thu,fri,sat,sun"),
                                         ("fri-mon", "mon,fri,sat,sun"), ("Tuesday", "tue")])
def test_days(days: str, stored: str) -> None:
    assert call(f"setup channel=<#C1|x> days={days}").kwargs["days"] == stored


@pytest.mark.parametrize("text,match", [
    (SETUP.replace("09:30", "24:00"), "not a time"),
    (SETUP.replace("09:30", "nine"), "not a time"),
    (SETUP.replace("mon-fri", "someday"), "not a day"),
    (SETUP.replace("mon-fri", '""'), "no days"),
    (SETUP + " tz=Mars/Olympus", "not a time zone"),
    (SETUP + " post=weekly", "must be one of"),
    (SETUP.replace("<@U1|ann>", "ann"), "mentioned with @"),
    (SETUP.replace("<#C123|standup>", "standup"), "channel picked with #"),
    (SETUP + " colour=blue", "colour="),
    (SETUP + " tomorrow", "don't understand `tomorrow`"),
    (SETUP + " time=10:00", "twice"),
    ("dance", "don't know `/standup dance`"),
    ("now extra", "takes only"),
    ("now time=09:00", "time="),
    ("report <@U1|ann>", "takes only"),
    ("skip tomorrow", "until="),
    ("skip until=31/12/2030", "YYYY-MM-DD"),
    ("skip until=2030-02-30", "YYYY-MM-DD"),
])
def test_bad_input(text: str, match: str) -> None:
    refused(text, match)


def test_setup_from_a_dm_needs_a_channel() -> None:
    refused("setup members=<@U1|ann>", "Which channel", current_channel="D123")
    refused("setup members=<@U1|ann>", "Which channel", current_channel=None)


def test_now_and_report_take_a_channel_or_use_the_current_one() -> None:
    assert parse("now", current_channel="C9") == SendNow(channel_id=None, current_channel="C9")
    assert parse("now channel=<#C1|x>", current_channel="C9") == SendNow(channel_id="C1", current_channel="C9")
    c = call("report channel=<#C1|x>")
    assert c.fn is standups.report and not c.write
    assert c.kwargs == {"channel_id": "C1", "current_channel": "CHERE"}


def test_skip() -> None:
    c = call("skip")
    assert c.fn is standups.skip and c.write and c.kwargs == {"until": None}
    assert call("skip today").kwargs == {"until": None}
    assert call("skip until=2030-01-31").kwargs == {"until": date(2030, 1, 31)}


def state(**entries: dict) -> dict:
    """view.state.values as Slack sends it: block_id -> action_id -> entry."""
    return {block: {block: entry} for block, entry in entries.items()}


def test_form() -> None:
    values = state(yesterday=text_value(" Calls "), today=text_value("Proposal"),
                   blockers={"type": "plain_text_input", "value": None})
    assert parse_form(values) == ("Calls", "Proposal", None)


def test_form_needs_today_and_limits_length() -> None:
    with pytest.raises(forms.FormError) as e:
        parse_form(state(yesterday=text_value("x" * 2001), today=text_value("  ")))
    assert set(e.value.errors) == {ids.B_TODAY, ids.B_YESTERDAY}
