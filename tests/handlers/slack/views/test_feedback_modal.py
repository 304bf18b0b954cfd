"""The feedback modal: opened by `/feedback`, submitted with good and bad fields."""

from __future__ import annotations

import pytest

from storage.models import Feedback
from tests.handlers.slack.e2e import one, table_counts
from tests.slack_requests import SlackClient, all_text, checkboxes_value, select_value, text_value


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
