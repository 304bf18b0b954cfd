"""The feedback modal, submitted."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.feedback import service as feedback
from bot.feedback.grammar import MAX_TEXT, SENTIMENTS, SOURCES, GiveFeedback
from handlers.slack import forms, ids
from handlers.slack.views.simple import submit


def parse_form(values: dict[str, Any]) -> GiveFeedback:
    """The feedback modal's fields -> the request to give it, or `FormError` with a message per field."""
    errors: dict[str, str] = {}
    text = forms.as_text(values, ids.B_TEXT, errors, MAX_TEXT, required=True)
    source = forms.field(values, ids.B_SOURCE) or "team"
    sentiment = forms.field(values, ids.B_SENTIMENT)
    if source not in SOURCES:
        errors[ids.B_SOURCE] = "Choose client or team."
    if sentiment is not None and sentiment not in SENTIMENTS:
        errors[ids.B_SENTIMENT] = "Choose a sentiment."
    opts = forms.field(values, ids.B_OPTIONS)
    opts = opts if isinstance(opts, list) else []
    if errors:
        raise forms.FormError(errors)
    project_id, project_name = forms.project_ref(values, ids.B_PROJECT)
    return GiveFeedback(text=text or "", source=source, sentiment=sentiment, project_id=project_id,
                        project_name=project_name, private="private" in opts, anonymous="anonymous" in opts)


async def handle_feedback_modal(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient,
                                context: dict[str, Any]) -> None:
    await submit(ack, body, view, client, context, parse_form, feedback.perform)
