"""`/checkin` text -> request: pure, no Slack, no database."""

from __future__ import annotations

from typing import Any

import pytest

from bot.checkins.grammar import Add, CheckinRequest, Remove, Results, Schedule, Send
from bot.checkins.grammar import parse as parse_core
from bot.errors import UsageError
from bot.requests import Help
from handlers.slack.text import to_core


def parse(slack_text: str, **kwargs: Any) -> Any:
    """The grammar on a command's text as Slack sends it: read into the core's text first, as the
    Slack front end does (`handlers.slack.common.text_of`)."""
    return parse_core(to_core(slack_text) if slack_text else slack_text, **kwargs)


def call(text: str) -> CheckinRequest:
    request = parse(text)
    assert not isinstance(request, Help), request
    return request


def refused(text: str) -> str:
    with pytest.raises(UsageError) as e:
        parse(text)
    assert "Usage of /checkin" in str(e.value)
    return e.value.message


@pytest.mark.parametrize("text", ["", "  ", "help", "HELP", "?", "--help", "usage"])
def test_help_and_empty_show_usage(text: str) -> None:
    request = parse(text)
    assert isinstance(request, Help)
    for sub in ("add", "remove", "schedule", "send", "results"):
        assert f"/checkin {sub}" in request.text


def test_add_takes_several_mentions_in_order_once_each() -> None:
    c = call("add <@UANN|ann> <@UBO|bo>,<@UCY|cy> <@UANN|ann> project=Apollo")
    assert isinstance(c, Add) and c.write
    assert c.user_ids == ("UANN", "UBO", "UCY")
    assert c.project_name == "Apollo"


def test_add_project_may_come_first_and_be_quoted() -> None:
    assert call('add project=“Big Deal” <@UANN>') == Add(("UANN",), "Big Deal")


def test_remove() -> None:
    c = call("remove <@UANN|ann> project=apollo")
    assert c == Remove(("UANN",), "apollo") and c.write
    assert call("rm <@UANN> project=x") == Remove(("UANN",), "x")
    assert call("delete <@UANN> project=x") == Remove(("UANN",), "x")


@pytest.mark.parametrize("text, says", [
    ("add project=Apollo", "Who?"),
    ("add <@UANN>", "Which project?"),
    ("add <@UANN> project=", "Which project?"),
    ("add bob project=Apollo", "`bob` is not a person"),
    ("add @bob project=Apollo", "`@bob` is not a person"),
    ("add <#C1|sales> project=Apollo", "is not a person"),
    ("add <@UANN> project=Apollo day=fri", "does not take `day=`"),
    ("add <@UANN> project=A project=B", "given twice"),
    ("add <@UANN> colour=red project=A", "don't know the option"),
    ("remove project=Apollo", "Who?"),
    ("launch project=Apollo", "I don't know `/checkin launch`"),
])
def test_bad_people_and_options(text: str, says: str) -> None:
    assert says in refused(text)


def test_add_refuses_more_than_fifty_people() -> None:
    people = " ".join(f"<@U{n:04d}>" for n in range(51))
    assert "At most 50" in refused(f"add {people} project=Apollo")


def test_schedule_full() -> None:
    c = call("schedule project=Apollo day=Monday time=9:05 tz=Asia/Kolkata reminder=48h")
    assert c.write
    assert c == Schedule("Apollo", day=0, time="09:05", tz="Asia/Kolkata", reminder_hours=48)


@pytest.mark.parametrize("day, n", [("mon", 0), ("tue", 1), ("Wednesday", 2), ("thur", 3), ("FRI", 4),
                                    ("sat", 5), ("sunday", 6)])
def test_schedule_days(day: str, n: int) -> None:
    c = call(f"schedule project=A day={day}")
    assert isinstance(c, Schedule) and c.day == n


def test_schedule_partial_keeps_the_rest_and_zone_defaults_to_the_managers() -> None:
    assert call("schedule project=A time=16:30") == Schedule("A", time="16:30")  # tz None: the manager's


@pytest.mark.parametrize("text, says", [
    ("schedule project=A", "When?"),
    ("schedule day=fri time=15:00", "Which project?"),
    ("schedule project=A day=fridge", "`day=` must be one of"),
    ("schedule project=A day=fr", "`day=` must be one of"),
    ("schedule project=A day=", "`day=` must be one of"),
    ("schedule project=A time=25:00", "`time=`"),
    ("schedule project=A time=3pm", "`time=`"),
    ("schedule project=A time=", "`time=`"),
    ("schedule project=A tz=Mars/Olympus", "not a time zone"),
    ("schedule project=A tz=../../etc/passwd", "not a time zone"),
    ("schedule project=A tz=", "not a time zone"),
    ("schedule project=A reminder=0", "`reminder=`"),
    ("schedule project=A reminder=168", "`reminder=`"),
    ("schedule project=A reminder=soon", "`reminder=`"),
    ("schedule project=A friday", "Put the schedule as options"),
])
def test_schedule_bad_values(text: str, says: str) -> None:
    assert says in refused(text)


def test_send_and_results_take_the_project_as_option_or_text() -> None:
    assert call("send project=Apollo") == Send("Apollo")
    assert call("send Big Deal") == Send("Big Deal")
    assert call("now Apollo") == Send("Apollo")
    assert not call("send project=Apollo").write
    r = call('results project="Big Deal"')
    assert r == Results("Big Deal") and not r.write
    assert call("results Apollo") == Results("Apollo")
    assert call("stats Apollo") == Results("Apollo")


@pytest.mark.parametrize("text, says", [
    ("send", "Which project?"),
    ("results", "Which project?"),
    ("send project=Apollo extra", "takes only `project=`"),
    ("send project=Apollo day=fri", "does not take `day=`"),
])
def test_send_and_results_bad(text: str, says: str) -> None:
    assert says in refused(text)
