"""`/feedback` text -> a typed request; bad input -> UsageError with the usage."""

from __future__ import annotations

from typing import Any

import pytest

from bot.errors import UsageError
from bot.feedback.grammar import USAGE, ActOnFeedback, GiveFeedback, ListFeedback
from bot.feedback.grammar import parse as parse_core
from bot.requests import Help, Modal
from handlers.slack.text import to_core


def parse(slack_text: str, **kwargs: Any) -> Any:
    """The grammar on a command's text as Slack sends it: read into the core's text first, as the
    Slack front end does (`handlers.slack.common.text_of`)."""
    return parse_core(to_core(slack_text) if slack_text else slack_text, **kwargs)


def given(text: str) -> GiveFeedback:
    request = parse(text)
    assert isinstance(request, GiveFeedback), request
    assert request.write
    return request


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
    request = given("anon The plan is late")
    assert request.lookup_actor is False and request.guests is True


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
    request = parse("list")
    assert request == ListFeedback(project_name=None, project_id=None, page=1) and not request.write
    assert parse("LS project=Apollo page=2") == ListFeedback(project_name="Apollo", page=2)


@pytest.mark.parametrize("text,match", [
    ("list all", "not `all`"),
    ("list page=0", "page="),
    ("list sentiment=positive", "sentiment="),
])
def test_list_bad_input(text: str, match: str) -> None:
    refused(text, match)


@pytest.mark.parametrize("ref", ["F-4", "f4", "#4", "4"])
def test_act(ref: str) -> None:
    request = parse(f"act {ref} Moved the demo &amp; told them\nthanks")
    assert request == ActOnFeedback(number=4, what="Moved the demo & told them\nthanks")
    assert request.write and request.lookup_actor and not request.guests


@pytest.mark.parametrize("text,match", [
    ("act", "Which feedback"),
    ("act F-1", "Say what was done"),
    ("act R-1 fixed it", "not an id"),
    ("act F-1 set limit=5", "limit="),
])
def test_act_bad_input(text: str, match: str) -> None:
    refused(text, match)
