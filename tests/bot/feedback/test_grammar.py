"""`/feedback` text and the feedback modal's fields -> what to do; bad input -> UsageError with the usage."""

from __future__ import annotations

from typing import Any

import pytest

from bot.errors import UsageError
from bot.feedback import service as feedback
from bot.feedback.grammar import parse, parse_form
from bot.requests import Call, Help, Modal
from handlers.slack import ids
from handlers.slack.forms import FormError
from handlers.slack.render.feedback import USAGE
from tests.slack_requests import checkboxes_value, select_value, text_value


def call(text: str) -> Call:
    request = parse(text)
    assert isinstance(request, Call), request
    return request


def given(text: str) -> feedback.FeedbackInput:
    c = call(text)
    assert c.fn is feedback.give and c.write
    return c.kwargs["data"]  # type: ignore[no-any-return]


def refused(text: str, match: str | None = None) -> UsageError:
    with pytest.raises(UsageError, match=match) as e:
        parse(text)
    assert e.value.usage == USAGE and "Usage of /feedback" in str(e.value)
    return e.value


@pytest.mark.parametrize("text", ["", "  ", None])
def test_nothing_opens_the_modal(text: Any) -> None:
    assert isinstance(parse(text), Modal)


@pytest.mark.parametrize("text", ["help", "Help", "?", "--help"])
def test_help(text: str) -> None:
    request = parse(text)
    assert isinstance(request, Help) and request.text == USAGE


# ---- giving feedback --------------------------------------------------------------------------

def test_plain_feedback_is_team_public_named() -> None:
    d = given("Great demo today")
    assert (d.text, d.source, d.sentiment, d.project_name, d.private, d.anonymous) == (
        "Great demo today", "team", None, None, False, False)


def test_giving_does_not_look_the_author_up() -> None:
    # the author of anonymous feedback must leave no trace, not even a users.info call
    assert call("anon The plan is late").lookup_actor is False


def test_leading_flags_and_options() -> None:
    d = given("client private anon project=“Big Deal” sentiment=Negative They are unhappy")
    assert (d.text, d.source, d.sentiment, d.project_name, d.private, d.anonymous) == (
        "They are unhappy", "client", "negative", "Big Deal", True, True)


def test_anonymous_spelled_out() -> None:
    assert given("anonymous Too many meetings").anonymous is True


def test_flags_after_the_text_starts_stay_text() -> None:
    d = given("The client wants private data kept anon and the team informed")
    assert d.text == "The client wants private data kept anon and the team informed"
    assert (d.source, d.private, d.anonymous) == ("team", False, False)


def test_options_may_come_after_the_text() -> None:
    d = given("team Good sprint project=Apollo")
    assert (d.text, d.source, d.project_name) == ("Good sprint", "team", "Apollo")


def test_text_is_kept_as_written() -> None:
    d = given('client They said “too slow” &amp; asked for a call\nSecond point')
    assert d.text == "They said “too slow” & asked for a call\nSecond point"


def test_quoted_text_with_equals_is_text() -> None:
    assert given('"limit=5 is too low" says the client').text == '"limit=5 is too low" says the client'


@pytest.mark.parametrize("text,match", [
    ("client team Mixed feelings", "not both"),
    ("private anon", "What is the feedback"),
    ("client project=Apollo", "What is the feedback"),
    ("project= Nice work", "project="),
    ("sentiment=great Nice work", "sentiment="),
    ("Nice work ratio=5", "ratio="),
    ("project=A project=B Nice", "twice"),
])
def test_give_bad_input(text: str, match: str) -> None:
    refused(text, match)


# ---- list and act -----------------------------------------------------------------------------

def test_list() -> None:
    c = call("list")
    assert c.fn is feedback.list_page and not c.write
    assert c.kwargs == {"project_name": None, "page": 1}
    assert call("LS project=Apollo page=2").kwargs == {"project_name": "Apollo", "page": 2}


@pytest.mark.parametrize("text,match", [
    ("list all", "not `all`"),
    ("list page=0", "page="),
    ("list sentiment=positive", "sentiment="),
])
def test_list_bad_input(text: str, match: str) -> None:
    refused(text, match)


@pytest.mark.parametrize("ref", ["F-4", "f4", "#4", "4"])
def test_act(ref: str) -> None:
    c = call(f"act {ref} Moved the demo &amp; told them\nthanks")
    assert c.fn is feedback.act and c.write and c.lookup_actor
    assert c.kwargs == {"number": 4, "what": "Moved the demo & told them\nthanks"}


@pytest.mark.parametrize("text,match", [
    ("act", "Which feedback"),
    ("act F-1", "Say what was done"),
    ("act R-1 fixed it", "not an id"),
    ("act F-1 set limit=5", "limit="),
])
def test_act_bad_input(text: str, match: str) -> None:
    refused(text, match)


# ---- the modal's form -------------------------------------------------------------------------

def form(**fields: dict[str, Any]) -> dict[str, Any]:
    return {block_id: {block_id: value} for block_id, value in fields.items()}


def test_form_full() -> None:
    d = parse_form(form(source=select_value("client"), project=select_value("3"), sentiment=select_value("negative"),
                        text=text_value(" Too slow \n really "), options=checkboxes_value("private", "anonymous")))
    assert (d.text, d.source, d.project_id, d.project_name, d.sentiment, d.private, d.anonymous) == (
        "Too slow \n really", "client", 3, None, "negative", True, True)


def test_form_defaults() -> None:
    d = parse_form(form(text=text_value("ok"), source={"type": "static_select", "selected_option": None},
                        sentiment={"type": "static_select", "selected_option": None},
                        options={"type": "checkboxes", "selected_options": []}))
    assert (d.source, d.sentiment, d.private, d.anonymous, d.project_id) == ("team", None, False, False, None)


def test_form_errors_are_keyed_by_block_id() -> None:
    with pytest.raises(FormError) as e:
        parse_form(form(text=text_value("  "), source=select_value("vendor"), sentiment=select_value("meh")))
    assert set(e.value.errors) == {ids.B_TEXT, ids.B_SOURCE, ids.B_SENTIMENT}


def test_form_text_too_long() -> None:
    with pytest.raises(FormError) as e:
        parse_form(form(text=text_value("x" * (feedback.MAX_TEXT + 1))))
    assert list(e.value.errors) == [ids.B_TEXT]
