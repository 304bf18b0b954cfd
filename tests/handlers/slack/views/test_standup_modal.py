"""The stand-up answer form's fields, read from Slack's view state."""

from __future__ import annotations

import pytest

from handlers.slack import forms, ids
from handlers.slack.views.standup import parse_form
from tests.slack_requests import text_value


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
