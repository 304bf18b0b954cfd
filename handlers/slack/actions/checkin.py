"""Buttons of the check-in poll (score, on track?, comment) and of the managers' alert (log as risk).

Every press is acknowledged at once. Only the person a poll was sent to may answer it;
anyone else gets an ephemeral refusal and nothing is stored.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.checkins import flows
from bot.checkins import service as checkins
from bot.delivery import Deliverer
from bot.deps import Deps
from bot.errors import UserError
from bot.parsing import button_json
from handlers.slack import ids
from handlers.slack.commands.risk import open_risk_modal
from handlers.slack.common import get_deps, respond_or_dm, team_of, user_of
from handlers.slack.render import checkins as ui
from handlers.slack.render.catalog import render
from handlers.slack.render.common import core_message, plain_message
from handlers.slack.text import SLACK_ID

log = logging.getLogger(__name__)

SCORE_ACTION = re.compile(rf"^{ids.CHECKIN_SCORE}_([1-5])$")
STALE = "This button no longer works. Please answer in your latest check-in message."


def _action(body: dict[str, Any]) -> dict[str, Any]:
    return (body.get("actions") or [{}])[0]


def _int(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdecimal() and len(text) < 10 else None


def where(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """The channel and ts of the message whose button was pressed."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return channel, ts


def log_risk_value(value: str | None) -> tuple[int, str] | None:
    """The (poll id, answerer) carried by a log-risk button, or None if it is not ours."""
    try:
        data = button_json(value or "")
        poll_id, answerer = int(data["poll"]), str(data["u"])
    except (ValueError, KeyError, TypeError):
        return None
    return (poll_id, answerer) if re.fullmatch(rf"[UW]{SLACK_ID}", answerer) and 0 < poll_id < 2**31 else None


def deliverer(deps: Deps) -> Deliverer:
    return deps.rhythm.deliverer if deps.rhythm is not None else Deliverer(deps.db, deps.platform.sender)


async def refuse(respond: Callable[..., Awaitable[Any]], error: UserError | str) -> None:
    await respond(response_type="ephemeral", replace_original=False, **core_message(str(error)))


async def record(deps: Deps, client: AsyncWebClient, respond: Callable[..., Awaitable[Any]], *, team_id: str,
                 user_id: str, poll_id: int, changes: dict[str, Any], channel: str | None, ts: str | None) -> None:
    """Store an answer, show it in the poll message, and alert the managers when it is low."""
    try:
        done = await deps.db.write(checkins.answer, team_id=team_id, user_id=user_id, poll_id=poll_id,
                                   changes=changes, channel=channel)
    except UserError as e:
        await refuse(respond, e)
        return
    assert done.poll.id is not None
    [updated] = render(done.shown())
    shown = False
    if channel and ts:
        try:
            await client.chat_update(channel=channel, ts=ts, **updated)
            shown = True
        except SlackApiError as e:
            log.info("chat.update of a check-in failed: %s", e.response.get("error"))
    if not shown:
        await respond_or_dm(respond, client, user_id, plain_message(
            f"Saved your answer: {ui.answer_text(done.answer)}. You can change it until the next check-in."))
    if done.low:
        await flows.alert_managers(deliverer(deps), deps.db, team_id, done.poll.id, user_id)


async def handle_score(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                       context: dict[str, Any]) -> None:
    await ack()
    action = _action(body)
    m = SCORE_ACTION.match(str(action.get("action_id", "")))
    poll_id = _int(action.get("value"))
    if m is None or poll_id is None:
        await refuse(respond, STALE)
        return
    channel, ts = where(body)
    await record(get_deps(context), client, respond, team_id=team_of(body), user_id=user_of(body),
                 poll_id=poll_id, changes={"score": int(m.group(1))}, channel=channel, ts=ts)


async def handle_status(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                        context: dict[str, Any]) -> None:
    await ack()
    option = _action(body).get("selected_option")
    value = str(option.get("value") or "") if isinstance(option, dict) else ""
    poll_text, _, status = value.partition(":")
    poll_id = _int(poll_text)
    if poll_id is None or status not in checkins.STATUSES:
        await refuse(respond, STALE)
        return
    channel, ts = where(body)
    await record(get_deps(context), client, respond, team_id=team_of(body), user_id=user_of(body),
                 poll_id=poll_id, changes={"status": status}, channel=channel, ts=ts)


async def handle_comment(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                         context: dict[str, Any]) -> None:
    await ack()
    poll_id = _int(_action(body).get("value"))
    if poll_id is None:
        await refuse(respond, STALE)
        return
    deps = get_deps(context)
    channel, ts = where(body)
    try:
        name, current = await deps.db.read(checkins.current_answer, team_id=team_of(body), poll_id=poll_id,
                                           user_id=user_of(body), channel=channel)
    except UserError as e:
        await refuse(respond, e)
        return
    await client.views_open(trigger_id=body["trigger_id"], view=ui.comment_modal(
        poll_id, name, current.comment if current else None, channel, ts))


async def handle_log_risk(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                          context: dict[str, Any]) -> None:
    await ack()
    ref = log_risk_value(_action(body).get("value"))
    if ref is None:
        await refuse(respond, STALE)
        return
    poll_id, answerer = ref
    deps = get_deps(context)
    team_id, user_id = team_of(body), user_of(body)
    profile = await deps.people.profile(team_id, answerer)
    try:
        prefill = await deps.db.read(checkins.risk_prefill, team_id=team_id, poll_id=poll_id, answerer=answerer,
                                     presser=user_id, answerer_name=profile.name)
        channel, _ = where(body)
        await open_risk_modal(client, deps, team_id, body["trigger_id"], {"channel": channel, "source": "checkin"},
                              prefill, user_id=user_id)
    except UserError as e:
        await refuse(respond, e)
