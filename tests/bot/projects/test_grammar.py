"""`/project` text -> a typed request; bad input -> UsageError with the usage; and the shared form readers."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot import text as core_text
from bot.errors import UsageError
from bot.projects.grammar import USAGE, CreateProject, ListProjects, ShowProject
from bot.projects.grammar import parse as parse_core
from bot.requests import Help
from handlers.slack import forms
from handlers.slack.text import to_core
from tests.slack_requests import checkboxes_value, date_value, select_value, text_value, user_value

TODAY = date(2030, 6, 1)


def parse(slack_text: str, **kwargs: Any) -> Any:
    """The grammar on a command's text as Slack sends it: read into the core's text first, as the
    Slack front end does (`handlers.slack.common.text_of`)."""
    return parse_core(to_core(slack_text) if slack_text else slack_text, **kwargs)


def created(text: str) -> CreateProject:
    request = parse(text, today=TODAY)
    assert isinstance(request, CreateProject), request
    return request


def refused(text: str, match: str | None = None) -> UsageError:
    with pytest.raises(UsageError, match=match) as e:
        parse(text, today=TODAY)
    assert e.value.usage == USAGE and "Usage of /project" in str(e.value)
    return e.value


@pytest.mark.parametrize("text", ["help", "?", "HELP"])
def test_help(text: str) -> None:
    request = parse(text)
    assert isinstance(request, Help) and request.text == USAGE


def test_nothing_lists() -> None:
    assert parse("", today=TODAY) == ListProjects()


def test_new_with_every_option() -> None:
    c = created("new Big Deal client=“Acme Corp” channel=<#C123|sales> deadline=2030-06-01 budget=50k")
    assert c.write
    assert c == CreateProject(name="Big Deal", client="Acme Corp", channel_id="C123", deadline=TODAY,
                              budget=50_000)


@pytest.mark.parametrize("sub", ["new", "add", "create", "NEW"])
def test_new_aliases(sub: str) -> None:
    assert created(f"{sub} Apollo") == CreateProject(name="Apollo")


def test_new_name_quoted_and_decoded() -> None:
    assert created("new “R&amp;D portal” client=X").name == "R&D portal"


@pytest.mark.parametrize("text,match", [
    ("new", "name"),
    ("new client=Acme", "name"),
    ("new X deadline=2030-05-31", "past"),
    ("new X deadline=9999-12-31", "at most 10 years ahead"),
    ("new X deadline=2040-06-02", "at most 10 years ahead"),
    ("new X deadline=soon", "YYYY-MM-DD"),
    ("new X channel=sales", "channel="),
    ("new X channel=<@U1|bob>", "channel="),
    ("new X budget=lots", "budget="),
    ("new X client=", "client="),
    ("new X client=" + "c" * 201, "200"),
    ("new X owner=<@U1>", "owner="),
    ("new X client=a client=b", "twice"),
])
def test_new_bad_input(text: str, match: str) -> None:
    refused(text, match)


def test_list() -> None:
    request = parse("list", today=TODAY)
    assert request == ListProjects() and not request.write


def test_list_takes_nothing_more() -> None:
    refused("list all", "nothing more")


def test_show() -> None:
    request = parse("show  Big   Deal ", today=TODAY)
    assert request == ShowProject(name="Big Deal") and not request.write
    assert parse("view “Big Deal”", today=TODAY) == ShowProject(name="Big Deal")


@pytest.mark.parametrize("text,match", [("show", "Which project"), ("delete Apollo", "`/project delete`"),
                                        ("show X client=y", "client=")])
def test_bad_input(text: str, match: str) -> None:
    refused(text, match)


# ---- bot/grammar/forms.py: reading view_submission state ---------------------------------------

def values(**fields: dict[str, Any]) -> dict[str, Any]:
    return {block_id: {f"{block_id}_action": value} for block_id, value in fields.items()}


def test_field_reads_every_element_kind() -> None:
    v = values(
        a=text_value("  hi  "), b=select_value("x"), c=checkboxes_value("p", "q"), d=user_value("U1"),
        e=date_value("2030-01-02"), f={"type": "timepicker", "selected_time": "09:30"},
        g={"type": "radio_buttons", "selected_option": {"value": "r"}},
        h={"type": "multi_users_select", "selected_users": ["U1", "U2"]},
        i={"type": "conversations_select", "selected_conversation": "C1"},
        j={"type": "channels_select", "selected_channel": "C2"},
        k={"type": "number_input", "value": "4"},
        m={"type": "rich_text_input", "rich_text_value": {"type": "rich_text", "elements": [
            {"type": "rich_text_section", "elements": [{"type": "text", "text": "ask "},
                                                      {"type": "user", "user_id": "U9"}]}]}},
    )
    got = {k: forms.field(v, k) for k in v}
    assert got == {"a": "hi", "b": "x", "c": ["p", "q"], "d": "U1", "e": "2030-01-02", "f": "09:30", "g": "r",
                   "h": ["U1", "U2"], "i": "C1", "j": "C2", "k": "4", "m": f"ask {core_text.person('U9')}\n"}


def test_field_empty_or_missing() -> None:
    v = values(a={"type": "plain_text_input", "value": None}, b={"type": "plain_text_input", "value": "   "},
               c={"type": "static_select", "selected_option": None})
    assert [forms.field(v, k) for k in ("a", "b", "c", "absent")] == [None, None, None, None]
    assert forms.field({"x": {"y": "not a dict"}}, "x") is None


def test_as_int() -> None:
    errors: dict[str, str] = {}
    v = values(a=select_value("2"), b=select_value("7"), c=select_value("two"))
    assert forms.as_int(v, "a", 1, 5, errors) == 2
    assert forms.as_int(v, "b", 1, 5, errors, default=3) == 3
    assert forms.as_int(v, "c", 1, 5, errors) is None
    assert forms.as_int(v, "absent", 1, 5, errors, default=3) == 3
    assert set(errors) == {"b", "c"}


def test_as_date() -> None:
    errors: dict[str, str] = {}
    v = values(a=date_value("2030-06-01"), b=date_value("2030-05-31"), c=date_value("junk"))
    assert forms.as_date(v, "a", errors, not_before=TODAY) == TODAY
    assert forms.as_date(v, "b", errors, not_before=TODAY) is None
    assert forms.as_date(v, "c", errors) is None
    assert forms.as_date(v, "absent", errors) is None
    assert set(errors) == {"b", "c"} and "past" in errors["b"]


def test_as_text_and_user() -> None:
    errors: dict[str, str] = {}
    v = values(a=text_value("ok"), b=text_value("x" * 11), u=user_value("W1"), c=user_value("C1"))
    assert forms.as_text(v, "a", errors, 10) == "ok"
    assert forms.as_text(v, "b", errors, 10) is None
    assert forms.as_text(v, "absent", errors, 10, required=True) is None
    assert forms.as_text(v, "absent2", errors, 10) is None
    assert forms.as_user(v, "u", errors) == "W1"
    assert forms.as_user(v, "c", errors) is None
    assert set(errors) == {"b", "absent", "c"}


def test_project_ref() -> None:
    assert forms.project_ref(values(p=select_value("12")), "p") == (12, None)
    assert forms.project_ref(values(p=select_value("x")), "p") == (None, None)
    assert forms.project_ref(values(p=text_value("Big Deal")), "p") == (None, "Big Deal")
    assert forms.project_ref({}, "p") == (None, None)


def test_form_error_message_lists_fields() -> None:
    e = forms.FormError({"title": "Please fill this in."})
    assert e.errors == {"title": "Please fill this in."} and "title" in str(e)
