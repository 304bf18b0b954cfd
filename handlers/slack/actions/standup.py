"""Buttons of stand-ups: open the answer form from the prompt, and log a blocker as a risk."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UserError
from bot.standups import service
from handlers.slack.commands.risk import open_risk_modal
from handlers.slack.common import actor_of, get_deps, team_of, user_of
from handlers.slack.render import standups as ui
from handlers.slack.render.catalog import render

STALE = "This button no longer works. Use the latest stand-up prompt, or `/standup help`."


def _value(body: dict[str, Any]) -> str:
    return str(((body.get("actions") or [{}])[0]).get("value") or "")


def prompt_value(value: str) -> tuple[int, date] | None:
    """`"12:2030-01-31"` -> (12, date(2030, 1, 31)); None if it is not that."""
    m = re.fullmatch(r"(\d{1,9}):(\d{4}-\d{2}-\d{2})", value.strip())  # ids fit the tables' integers
    if not m:
        return None
    try:
        return int(m.group(1)), date.fromisoformat(m.group(2))
    except ValueError:
        return None


async def _tell(respond: AsyncRespond, text: str) -> None:
    for message in render(text):
        await respond(response_type="ephemeral", replace_original=False, **message)


async def handle_open(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                      context: dict[str, Any]) -> None:
    """The prompt's button: the answer form, prefilled when the answer is being changed the same day."""
    await ack()
    parsed = prompt_value(_value(body))
    if parsed is None:
        await _tell(respond, STALE)
        return
    standup_id, day = parsed
    deps = get_deps(context)
    team_id, user_id = team_of(body), user_of(body)
    try:
        actor = await actor_of(deps, client, team_id, user_id)
        standup, answer = await deps.db.read(service.open_answer, actor=actor, standup_id=standup_id, day=day,
                                             fallback_tz=deps.settings.bot_timezone)
    except UserError as e:
        await _tell(respond, str(e))
        return
    container = body.get("container") or {}
    metadata = {"s": standup_id, "d": day.isoformat(),
                "c": container.get("channel_id") or (body.get("channel") or {}).get("id"),
                "ts": container.get("message_ts")}
    await client.views_open(trigger_id=body["trigger_id"], view=ui.modal(standup, day, answer, metadata))


async def handle_blocker_risk(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                              context: dict[str, Any]) -> None:
    """"Log as risk" under a blocker: the risk form, prefilled from the blocker."""
    await ack()
    value = _value(body)
    if not value.isdecimal() or len(value) > 9:
        await _tell(respond, STALE)
        return
    deps = get_deps(context)
    team_id, user_id = team_of(body), user_of(body)
    try:
        actor = await actor_of(deps, client, team_id, user_id)
        prefill, channel = await deps.db.read(service.blocker_prefill, actor=actor, answer_id=int(value))
        await open_risk_modal(client, deps, team_id, body["trigger_id"], {"channel": channel, "source": "standup"},
                              prefill, user_id=user_id)
    except UserError as e:
        await _tell(respond, str(e))
