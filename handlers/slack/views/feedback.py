"""The feedback modal, submitted."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UserError
from bot.feedback import service as feedback
from bot.feedback.grammar import MAX_TEXT, SENTIMENTS, SOURCES, GiveFeedback
from handlers.slack import forms, ids
from handlers.slack.common import deliver, get_deps, run_request, team_of, tell_user, user_of
from handlers.slack.forms import FormError
from handlers.slack.render.catalog import render
from handlers.slack.views.risk import metadata


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


async def handle_feedback_modal(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any],
                                client: AsyncWebClient, context: dict[str, Any]) -> None:
    try:
        request = parse_form((view.get("state") or {}).get("values") or {})
    except FormError as e:
        await ack(response_action="errors", errors=e.errors)
        return
    await ack()
    meta = metadata(view)
    team_id, user_id = team_of(body), user_of(body)
    channel = meta.get("channel") if isinstance(meta.get("channel"), str) else None

    async def say(**message: Any) -> None:
        await tell_user(client, user_id, channel, message)

    try:
        outcome = await run_request(request, feedback.perform, get_deps(context), client, team_id, user_id)
    except UserError as e:
        for part in render(e):
            await say(**part)
        return
    await deliver(outcome, client, say)
