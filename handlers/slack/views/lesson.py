"""The lesson modal, submitted."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UsageError
from bot.lessons import service as lessons
from bot.lessons.grammar import MAX_TEXT, AddLesson, tags
from handlers.slack import forms, ids
from handlers.slack.forms import FormError
from handlers.slack.views.simple import submit


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
    await submit(ack, body, view, client, context, parse_form, lessons.perform)
