"""The stand-up answer form, submitted: read, stored, then shown in the channel."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UserError
from bot.standups import flows as flow
from bot.standups import service
from bot.standups.views import MAX_ANSWER
from handlers.slack import forms, ids
from handlers.slack.common import actor_of, get_deps, team_of, tell_user, user_of
from handlers.slack.forms import FormError
from handlers.slack.render.catalog import render
from handlers.slack.render.common import mentions, truncate
from handlers.slack.views.risk import metadata

OUT_OF_DATE = "This form is out of date. Press the button in the stand-up prompt again."


def parse_form(values: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """The answer modal's fields (yesterday, today, blockers), or `FormError` with a message per field."""
    errors: dict[str, str] = {}
    out = (forms.as_text(values, ids.B_YESTERDAY, errors, MAX_ANSWER),
           forms.as_text(values, ids.B_TODAY, errors, MAX_ANSWER, required=True),
           forms.as_text(values, ids.B_BLOCKERS, errors, MAX_ANSWER))
    if errors:
        raise FormError(errors)
    return out


def _target(meta: dict[str, Any]) -> tuple[int, date] | None:
    sid, day = meta.get("s"), meta.get("d")
    if not isinstance(sid, int) or isinstance(sid, bool) or not 0 < sid < 2**31 or not isinstance(day, str):
        return None
    try:
        return sid, date.fromisoformat(day)
    except ValueError:
        return None


async def handle_standup_modal(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any],
                               client: AsyncWebClient, context: dict[str, Any]) -> None:
    """Saved before the form closes: if it cannot be (the day is over, the database is away), the form
    stays open with the reason, and nothing typed is lost."""
    try:
        yesterday, today, blockers = parse_form((view.get("state") or {}).get("values") or {})
    except FormError as e:
        await ack(response_action="errors", errors=e.errors)
        return
    meta = metadata(view)
    target = _target(meta)
    if target is None:
        await ack(response_action="errors", errors={ids.B_TODAY: OUT_OF_DATE})
        return
    deps = get_deps(context)
    team_id, user_id = team_of(body), user_of(body)
    try:
        actor = await actor_of(deps, client, team_id, user_id)
        saved = await deps.db.write(service.save_answer, actor=actor, standup_id=target[0], day=target[1],
                                    yesterday=yesterday, today=today, blockers=blockers,
                                    fallback_tz=deps.settings.bot_timezone)
    except UserError as e:
        await ack(response_action="errors", errors={ids.B_TODAY: truncate(mentions(str(e)), 300)})
        return
    await ack()
    problem = await flow.publish_answer(deps, deps.platform.messenger, saved)
    await flow.mark_prompt_answered(deps.platform.messenger, meta.get("c"), meta.get("ts"), saved)
    if problem:
        for message in render(problem):
            await tell_user(client, user_id, None, message)
