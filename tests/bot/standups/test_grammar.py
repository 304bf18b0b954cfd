"""`/standup` text -> a typed request; bad input -> UsageError with the usage."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.errors import UsageError
from bot.requests import Help
from bot.standups.grammar import SendNow, Setup, ShowReport, Skip, StandupRequest
from bot.standups.grammar import parse as parse_core
from bot.standups.views import USAGE
from handlers.slack.render.common import safe
from handlers.slack.text import to_core

SETUP = "setup channel=<#C123|standup> members=<@U1|ann>,<@U2|bob> time=09:30 days=mon-fri"


def parse(slack_text: str, **kwargs: Any) -> Any:
    """The grammar on a command's text as Slack sends it: read into the core's text first, as the
    Slack front end does (`handlers.slack.common.text_of`)."""
    return parse_core(to_core(slack_text) if slack_text else slack_text, **kwargs)


def request(text: str, current_channel: str | None = "CHERE") -> StandupRequest:
    parsed = parse(text, current_channel=current_channel)
    assert not isinstance(parsed, Help), parsed
    return parsed


def setup(text: str, current_channel: str | None = "CHERE") -> Setup:
    parsed = request(text, current_channel)
    assert isinstance(parsed, Setup), parsed
    return parsed


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
    r = setup(SETUP + " tz=Asia/Kolkata post=digest")
    assert r.write
    assert r == Setup(channel_id="C123", members=("U1", "U2"), time="09:30", days="mon,tue,wed,thu,fri",
                      tz="Asia/Kolkata", post_mode="digest")


@pytest.mark.parametrize("members", ["<@U1|ann>,<@U2|bob>", "<@U1|ann>, <@U2|bob>", "<@U1>,<@U2>,<@U1>",
                                     "<@U1|ann> <@U2|bob>"])
def test_members_as_people_write_them(members: str) -> None:
    assert setup(f"setup channel=<#C1|x> members={members}").members == ("U1", "U2")


def test_setup_defaults_to_the_current_channel_and_keeps_what_is_not_given() -> None:
    assert setup("setup members=<@U1|ann>") == Setup(channel_id="CHERE", members=("U1",))
    assert setup("set time=8.15", current_channel="GPRIV") == Setup(channel_id="GPRIV", members=None, time="08:15")


@pytest.mark.parametrize("days,stored", [("mon-fri", "mon,tue,wed,thu,fri"), ("weekdays", "mon,tue,wed,thu,fri"),
                                         ("mon,wed,fri", "mon,wed,fri"), ("daily", "mon,tue,wed,thu,fri,sat,sun"),
                                         ("fri-mon", "mon,fri,sat,sun"), ("Tuesday", "tue")])
def test_days(days: str, stored: str) -> None:
    assert setup(f"setup channel=<#C1|x> days={days}").days == stored


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
    assert not SendNow.write  # its unit of work only finds the stand-up; the ledger sends
    r = request("report channel=<#C1|x>")
    assert r == ShowReport(channel_id="C1", current_channel="CHERE") and not r.write
    assert request("who") == ShowReport(channel_id=None, current_channel="CHERE")


def test_skip() -> None:
    r = request("skip")
    assert r == Skip(until=None) and r.write
    assert request("skip today") == Skip(until=None)
    assert request("skip until=2030-01-31") == Skip(until=date(2030, 1, 31))


def test_a_time_spec_complaint_quotes_what_was_typed_escaped() -> None:
    with pytest.raises(UsageError, match="not a time") as e:
        parse(SETUP.replace("09:30", "&lt;!channel&gt;"))
    assert "`<!channel>` is not a time" in e.value.message  # the core quotes what was typed, as typed
    assert "<!" not in safe(e.value.message)  # and Slack shows it as text

