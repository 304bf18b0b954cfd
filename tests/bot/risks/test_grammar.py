"""`/risk` text -> a typed request; bad input -> UsageError with the usage."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

import pytest

from bot.errors import UsageError
from bot.requests import Help, Modal, Request
from bot.risks.grammar import AddRisk, CloseRisk, ListRisks, RiskInput, ShowRisk, UpdateRisk
from bot.risks.grammar import parse as parse_core
from bot.risks.views import USAGE
from handlers.slack.text import to_core

R = TypeVar("R", bound=Request)


def parse(slack_text: str, **kwargs: Any) -> Any:
    """The grammar on a command's text as Slack sends it: read into the core's text first, as the
    Slack front end does (`handlers.slack.common.text_of`)."""
    return parse_core(to_core(slack_text) if slack_text else slack_text, **kwargs)


def request(text: str, kind: type[R]) -> R:
    r = parse(text)
    assert isinstance(r, kind), r
    return r


def added(text: str) -> RiskInput:
    return request(text, AddRisk).data


def refused(text: str, match: str | None = None) -> UsageError:
    with pytest.raises(UsageError, match=match) as e:
        parse(text)
    assert e.value.usage == USAGE and "Usage of /risk" in str(e.value)
    return e.value


# ---- modal and help ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   ", None])
def test_nothing_opens_the_modal(text: Any) -> None:
    assert isinstance(parse(text), Modal)


@pytest.mark.parametrize("text", ["help", "HELP", "?", "--help", "-h", "usage"])
def test_help(text: str) -> None:
    request = parse(text)
    assert isinstance(request, Help) and request.text == USAGE


def test_unknown_sub_command() -> None:
    assert "`/risk frobnicate`" in refused("frobnicate R-1").message


# ---- add --------------------------------------------------------------------------------------

def test_add_with_every_option() -> None:
    c = request('add Vendor may slip p=3 i=4 owner=<@U123|bob> project="Big Deal" review=2030-07-01 '
                'mitigation="weekly call" desc=“the long story” contingency=backup', AddRisk)
    assert c.write
    d = c.data
    assert (d.title, d.probability, d.impact, d.owner_id, d.project_name, d.review_date) == (
        "Vendor may slip", 3, 4, "U123", "Big Deal", date(2030, 7, 1))
    assert (d.mitigation, d.description, d.contingency, d.status) == (
        "weekly call", "the long story", "backup", None)


@pytest.mark.parametrize("sub", ["add", "new", "log", "ADD"])
def test_add_aliases(sub: str) -> None:
    assert added(f"{sub} Something").title == "Something"


def test_add_options_anywhere_and_long_names() -> None:
    d = added("add probability=2 Vendor impact=5 may slip")
    assert (d.title, d.probability, d.impact) == ("Vendor may slip", 2, 5)


def test_add_without_levels_leaves_them_unset() -> None:
    d = added("add Vendor may slip")
    assert d.probability is None and d.impact is None


def test_add_title_quoted_or_as_option() -> None:
    assert added("add “Vendor may slip” p=2").title == "Vendor may slip"
    assert added('add title="Vendor may slip" p=2').title == "Vendor may slip"
    assert added("add R&amp;D late").title == "R&D late"
    assert added("add Vendor\nmay   slip").title == "Vendor may slip"


def test_add_keeps_quotes_inside_the_title() -> None:
    assert added('add Client calls it "urgent" p=2').title == 'Client calls it "urgent"'


def test_add_quoted_word_with_equals_is_title() -> None:
    assert added('add "p=5 is not an option" i=2').title == "p=5 is not an option"


def test_add_title_twice_is_refused() -> None:
    refused('add Vendor title="Other title"', "once")


@pytest.mark.parametrize("text,match", [
    ("add", "needs a title"),
    ("add p=3 i=4", "needs a title"),
    ("add x p=0", "from 1 to 5"),
    ("add x p=6", "from 1 to 5"),
    ("add x i=high", "from 1 to 5"),
    ("add x owner=bob", "owner="),
    ("add x owner=@bob", "owner="),
    ("add x review=tomorrow", "YYYY-MM-DD"),
    ("add x review=2030-02-30", "YYYY-MM-DD"),
    ("add x review=9999-12-31", "at most 10 years ahead"),
    ("update R-1 review=9999-12-31", "at most 10 years ahead"),
    ("add x project=", "project="),
    ("add x colour=red", "colour="),
    ("add x p=3 p=4", "twice"),
    ("add x status=open", "status="),
    ("add x page=2", "page="),
])
def test_add_bad_input(text: str, match: str) -> None:
    refused(text, match)


# ---- list -------------------------------------------------------------------------------------

def test_list() -> None:
    c = request("list", ListRisks)
    assert not c.write
    assert c == ListRisks(project_name=None, project_id=None, include_closed=False, page=1)


def test_list_all_project_page() -> None:
    assert request('list all project="Big Deal" page=3', ListRisks) == ListRisks(
        project_name="Big Deal", include_closed=True, page=3)
    assert request("ls ALL", ListRisks).include_closed is True


def test_all_is_a_flag_only_for_list() -> None:
    assert added("add all hands meeting clashes").title == "all hands meeting clashes"
    assert request("close R-1 all done", CloseRisk).note == "all done"


@pytest.mark.parametrize("text,match", [
    ("list open", "not `open`"),
    ("list p=3", "does not take `probability=`"),
    ("list page=0", "page="),
    ("list page=x", "page="),
    ("list owner=<@U1>", "owner="),
])
def test_list_bad_input(text: str, match: str) -> None:
    refused(text, match)


# ---- show, update, close ----------------------------------------------------------------------

@pytest.mark.parametrize("ref", ["R-12", "r12", "#12", "12", "r-12"])
def test_show_ids(ref: str) -> None:
    c = request(f"show {ref}", ShowRisk)
    assert not c.write and c == ShowRisk(12)


@pytest.mark.parametrize("text,match", [
    ("show", "Which risk"),
    ("show R-x", "not an id"),
    ("show R-1 R-2", "one id"),
    ("show R-1 p=3", "does not take"),
])
def test_show_bad_input(text: str, match: str) -> None:
    refused(text, match)


def test_update() -> None:
    c = request('update R-4 p=5 i=2 status=Mitigating owner=<@U7|x> review=2030-01-02 mitigation="call them" '
                'title=“New title” project=Apollo', UpdateRisk)
    assert c.write and c.number == 4 and c.note is None
    d = c.data
    assert (d.probability, d.impact, d.status, d.owner_id, d.review_date, d.mitigation, d.title, d.project_name) == (
        5, 2, "mitigating", "U7", date(2030, 1, 2), "call them", "New title", "Apollo")


def test_update_options_before_the_id() -> None:
    c = request("edit p=2 R-9", UpdateRisk)
    assert c.number == 9 and c.data.probability == 2


@pytest.mark.parametrize("text,match", [
    ("update", "Which risk"),
    ("update p=3", "Which risk"),
    ("update R-1", "What should change"),
    ("update R-1 weekly call", "options"),
    ("update R-1 status=done", "status="),
    ("update R-1 p=9", "from 1 to 5"),
    ("update R-1 page=2", "page="),
    ("update R-1 owner=<#C1|sales>", "owner="),
])
def test_update_bad_input(text: str, match: str) -> None:
    refused(text, match)


def test_close_with_and_without_note() -> None:
    c = request("close R-3", CloseRisk)
    assert c.write and c == CloseRisk(3, None)
    assert request("done r3 Vendor delivered &amp; signed\nall fine", CloseRisk) == CloseRisk(
        3, "Vendor delivered & signed\nall fine")


@pytest.mark.parametrize("text,match", [("close", "Which risk"), ("close R-1 p=2", "does not take"),
                                        ("close abc", "not an id")])
def test_close_bad_input(text: str, match: str) -> None:
    refused(text, match)


@pytest.mark.parametrize("title", ["\u200b", "\u200b\u200c\u200d\u2060\ufeff", " \u200b \u00ad "])
def test_a_title_of_only_invisible_characters_is_no_title(title: str) -> None:
    refused(f"add {title}", "needs a title")
    refused(f'add title="{title}"', "needs a title")  # the form: tests/handlers/slack/views/test_risk_modal.py


def test_a_title_with_a_joined_emoji_is_kept() -> None:
    title = "Launch \U0001f469\u200d\U0001f4bb slips"
    assert added(f"add {title}").title == title
