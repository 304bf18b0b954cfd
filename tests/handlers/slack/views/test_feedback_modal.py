"""The feedback modal: its fields read into a request, and opened by `/feedback`, submitted with good and
bad fields."""

from __future__ import annotations

from typing import Any

import pytest

from bot.feedback.grammar import MAX_TEXT
from handlers.slack import ids
from handlers.slack.forms import FormError
from handlers.slack.views.feedback import parse_form
from storage.models import Feedback
from tests.handlers.slack.e2e import one, table_counts
from tests.slack_requests import SlackClient, all_text, checkboxes_value, select_value, text_value

# ---- the form's fields ------------------------------------------------------------------------

def form(**fields: dict[str, Any]) -> dict[str, Any]:
    return {block_id: {block_id: value} for block_id, value in fields.items()}


def test_form_full() -> None:
    d = parse_form(form(source=select_value("client"), project=select_value("3"), sentiment=select_value("negative"),
                        text=text_value(" Too slow \n really "), options=checkboxes_value("private", "anonymous")))
    assert (d.text, d.source, d.project_id, d.project_name, d.sentiment, d.private, d.anonymous) == (
        "Too slow \n really", "client", 3, None, "negative", True, True)
    assert d.lookup_actor is False and d.guests is True  # as from the command: the author is not looked up


def test_form_project_typed_by_name() -> None:
    d = parse_form(form(text=text_value("ok"), project=text_value("Big Deal")))
    assert (d.project_id, d.project_name) == (None, "Big Deal")


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
        parse_form(form(text=text_value("x" * (MAX_TEXT + 1))))
    assert list(e.value.errors) == [ids.B_TEXT]


# ---- opened and submitted ------------------------------------------------------------------------

@pytest.mark.parametrize(("values", "errors"), [
    ({"text": text_value("  ")}, {"text"}),
    ({}, {"text"}),
    ({"text": text_value("x" * 3001)}, {"text"}),
    ({"text": text_value("Fine"), "source": select_value("vendor")}, {"source"}),
    ({"text": text_value("Fine"), "sentiment": select_value("furious")}, {"sentiment"}),
])
def test_field_errors_are_shown_under_the_fields(slack: SlackClient, stub, engine, values, errors) -> None:
    slack.command("/feedback", "", user="UMEMBER")
    view = stub.wait_for("views.open")[0]["view"]
    before = table_counts(engine)
    sub = slack.submit(view, values, user="UMEMBER")
    assert sub.status == 200 and sub.seconds < 3
    body = sub.json()
    assert body["response_action"] == "errors" and set(body["errors"]) == errors
    assert set(body["errors"]) <= {b["block_id"] for b in view["blocks"]}
    assert table_counts(engine) == before


def test_submit_with_every_field(slack: SlackClient, stub, engine) -> None:
    from tests.handlers.slack.e2e import seed_project

    pid = seed_project(engine, "Apollo")
    slack.command("/feedback", "", user="UMEMBER")
    view = stub.wait_for("views.open")[0]["view"]
    slack.submit(view, {"source": select_value("client"), "project": select_value(str(pid)),
                        "sentiment": select_value("positive"), "text": text_value("Loved the demo"),
                        "options": checkboxes_value("private", "anonymous")}, user="UMEMBER")
    note = stub.wait_for("chat.postEphemeral", user="UMEMBER")
    assert "F-1" in all_text(note[0]) and "Apollo" in all_text(note[0])
    item = one(engine, Feedback)
    assert (item.source, item.sentiment, item.project_id, item.is_private, item.is_anonymous, item.author_id) == (
        "client", "positive", pid, True, True, None)
