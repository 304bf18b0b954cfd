"""`/risk` text and the risk modal's fields -> what to do; bad input -> UsageError with the usage."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.errors import UsageError
from bot.requests import Call, Help, Modal
from bot.risks import service as risks
from bot.risks.grammar import parse, parse_form
from handlers.slack import ids
from handlers.slack.forms import FormError
from handlers.slack.render.risks import USAGE
from tests.slack_requests import date_value, select_value, text_value, user_value

TODAY = date(2030, 6, 1)


def call(text: str) -> Call:
    request = parse(text)
    assert isinstance(request, Call), request
    return request


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
    c = call('add Vendor may slip p=3 i=4 owner=<@U123|bob> project="Big Deal" review=2030-07-01 '
             'mitigation="weekly call" desc=“the long story” contingency=backup')
    assert c.fn is risks.add and c.write
    d = c.kwargs["data"]
    assert (d.title, d.probability, d.impact, d.owner_id, d.project_name, d.review_date) == (
        "Vendor may slip", 3, 4, "U123", "Big Deal", date(2030, 7, 1))
    assert (d.mitigation, d.description, d.contingency, d.status) == (
        "weekly call", "the long story", "backup", None)


@pytest.mark.parametrize("sub", ["add", "new", "log", "ADD"])
def test_add_aliases(sub: str) -> None:
    assert call(f"{sub} Something").fn is risks.add


def test_add_options_anywhere_and_long_names() -> None:
    d = call("add probability=2 Vendor impact=5 may slip").kwargs["data"]
    assert (d.title, d.probability, d.impact) == ("Vendor may slip", 2, 5)


def test_add_without_levels_leaves_them_unset() -> None:
    d = call("add Vendor may slip").kwargs["data"]
    assert d.probability is None and d.impact is None


def test_add_title_quoted_or_as_option() -> None:
    assert call("add “Vendor may slip” p=2").kwargs["data"].title == "Vendor may slip"
    assert call('add title="Vendor may slip" p=2').kwargs["data"].title == "Vendor may slip"
    assert call("add R&amp;D late").kwargs["data"].title == "R&D late"
    assert call("add Vendor\nmay   slip").kwargs["data"].title == "Vendor may slip"


def test_add_keeps_quotes_inside_the_title() -> None:
    assert call('add Client calls it "urgent" p=2').kwargs["data"].title == 'Client calls it "urgent"'


def test_add_quoted_word_with_equals_is_title() -> None:
    assert call('add "p=5 is not an option" i=2').kwargs["data"].title == "p=5 is not an option"


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
    c = call("list")
    assert c.fn is risks.list_page and not c.write
    assert c.kwargs == {"project_name": None, "include_closed": False, "page": 1}


def test_list_all_project_page() -> None:
    assert call('list all project="Big Deal" page=3').kwargs == {
        "project_name": "Big Deal", "include_closed": True, "page": 3}
    assert call("ls ALL").kwargs["include_closed"] is True


def test_all_is_a_flag_only_for_list() -> None:
    assert call("add all hands meeting clashes").kwargs["data"].title == "all hands meeting clashes"
    c = call("close R-1 all done")
    assert c.kwargs["note"] == "all done"


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
    c = call(f"show {ref}")
    assert c.fn is risks.show and not c.write and c.kwargs == {"number": 12}


@pytest.mark.parametrize("text,match", [
    ("show", "Which risk"),
    ("show R-x", "not an id"),
    ("show R-1 R-2", "one id"),
    ("show R-1 p=3", "does not take"),
])
def test_show_bad_input(text: str, match: str) -> None:
    refused(text, match)


def test_update() -> None:
    c = call('update R-4 p=5 i=2 status=Mitigating owner=<@U7|x> review=2030-01-02 mitigation="call them" '
             'title=“New title” project=Apollo')
    assert c.fn is risks.update and c.write and c.kwargs["number"] == 4
    d = c.kwargs["data"]
    assert (d.probability, d.impact, d.status, d.owner_id, d.review_date, d.mitigation, d.title, d.project_name) == (
        5, 2, "mitigating", "U7", date(2030, 1, 2), "call them", "New title", "Apollo")


def test_update_options_before_the_id() -> None:
    c = call("edit p=2 R-9")
    assert c.kwargs["number"] == 9 and c.kwargs["data"].probability == 2


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
    c = call("close R-3")
    assert c.fn is risks.close and c.write and c.kwargs == {"number": 3, "note": None}
    c = call("done r3 Vendor delivered &amp; signed\nall fine")
    assert c.kwargs == {"number": 3, "note": "Vendor delivered & signed\nall fine"}


@pytest.mark.parametrize("text,match", [("close", "Which risk"), ("close R-1 p=2", "does not take"),
                                        ("close abc", "not an id")])
def test_close_bad_input(text: str, match: str) -> None:
    refused(text, match)


# ---- the modal's form -------------------------------------------------------------------------

def form(**fields: dict[str, Any]) -> dict[str, Any]:
    """view.state.values as Slack sends them: {block_id: {action_id: value}}."""
    return {block_id: {block_id: value} for block_id, value in fields.items()}


def test_form_full() -> None:
    values = form(title=text_value(" Vendor may slip "), description=text_value("why"),
                  project=select_value("7"), probability=select_value("4"), impact=select_value("5"),
                  owner=user_value("U123"), mitigation=text_value("call"), contingency=text_value("backup"),
                  review=date_value("2030-06-01"))
    d = parse_form(values, TODAY)
    assert (d.title, d.description, d.project_id, d.project_name, d.probability, d.impact, d.owner_id,
            d.mitigation, d.contingency, d.review_date) == (
        "Vendor may slip", "why", 7, None, 4, 5, "U123", "call", "backup", TODAY)


def test_form_empty_optional_fields() -> None:
    values = form(title=text_value("T"), description={"type": "plain_text_input", "value": None},
                  probability={"type": "static_select", "selected_option": None},
                  owner={"type": "users_select", "selected_user": None},
                  review={"type": "datepicker", "selected_date": None})
    d = parse_form(values, TODAY)
    assert d.description is None and d.owner_id is None and d.review_date is None and d.project_id is None
    assert d.probability == risks.DEFAULT_LEVEL and d.impact == risks.DEFAULT_LEVEL


def test_form_project_typed_by_name() -> None:
    d = parse_form(form(title=text_value("T"), project=text_value("Big Deal")), TODAY)
    assert (d.project_id, d.project_name) == (None, "Big Deal")


def test_form_errors_are_keyed_by_block_id() -> None:
    values = form(title=text_value("   "), description=text_value("x" * (risks.MAX_TEXT + 1)),
                  probability=select_value("9"), impact=select_value("x"), owner=user_value("C123"),
                  review=date_value("2030-05-31"))
    with pytest.raises(FormError) as e:
        parse_form(values, TODAY)
    assert set(e.value.errors) == {ids.B_TITLE, ids.B_DESCRIPTION, ids.B_PROBABILITY, ids.B_IMPACT, ids.B_OWNER,
                                   ids.B_REVIEW}
    assert "past" in e.value.errors[ids.B_REVIEW]
    assert all(e.value.errors.values())


def test_form_title_too_long() -> None:
    with pytest.raises(FormError) as e:
        parse_form(form(title=text_value("x" * (risks.MAX_TITLE + 1))), TODAY)
    assert list(e.value.errors) == [ids.B_TITLE]


def test_form_missing_title() -> None:
    with pytest.raises(FormError) as e:
        parse_form({}, TODAY)
    assert list(e.value.errors) == [ids.B_TITLE]


def test_form_review_too_far_ahead() -> None:
    with pytest.raises(FormError) as e:
        parse_form(form(title=text_value("T"), review=date_value("9999-12-31")), TODAY)
    assert "10 years" in e.value.errors[ids.B_REVIEW]
    assert parse_form(form(title=text_value("T"), review=date_value("2040-05-31")), TODAY).review_date == date(
        2040, 5, 31)


@pytest.mark.parametrize("title", ["\u200b", "\u200b\u200c\u200d\u2060\ufeff", " \u200b \u00ad "])
def test_a_title_of_only_invisible_characters_is_no_title(title: str) -> None:
    refused(f"add {title}", "needs a title")
    refused(f'add title="{title}"', "needs a title")
    with pytest.raises(FormError) as e:
        parse_form(form(title=text_value(title)), TODAY)
    assert ids.B_TITLE in e.value.errors


def test_a_title_with_a_joined_emoji_is_kept() -> None:
    title = "Launch \U0001f469\u200d\U0001f4bb slips"
    assert call(f"add {title}").kwargs["data"].title == title
