"""The lesson modal, submitted."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UsageError, UserError
from bot.lessons import service as lessons
from bot.lessons.grammar import MAX_TEXT, AddLesson, tags
from handlers.slack import forms, ids
from handlers.slack.common import deliver, get_deps, run_request, team_of, tell_user, user_of
from handlers.slack.forms import FormError
from handlers.slack.render.catalog import render
from handlers.slack.views.risk import metadata


def parse_form(values: dict[str, Any]) -> AddLesson:
    """The lesson modal's fields -> AddLesson, or `FormError` with a message per field."""
    errors: dict[str, str] = {}
    text = forms.as_text(values, ids.B_TEXT, errors, MAX_TEXT, required=True)
    raw_tags = forms.as_text(values, ids.B_TAGS, errors, 500)
    found: tuple[str, ...] = ()
    if raw_tags:
        try:
            found = tags(raw_tags)
        except UsageError:
            errors[ids.B_TAGS] = "Tags are words of letters, digits, - _ or ., separated by commas."
    project_id, project_name = forms.project_ref(values, ids.B_PROJECT)
    if errors:
        raise FormError(errors)
    return AddLesson(text=text or "", project_id=project_id, project_name=project_name, tags=found)


async def handle_lesson_modal(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient,
                              context: dict[str, Any]) -> None:
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
        outcome = await run_request(request, lessons.perform, get_deps(context), client, team_id, user_id)
    except UserError as e:
        for part in render(e):
            await say(**part)
        return
    await deliver(outcome, client, say)
