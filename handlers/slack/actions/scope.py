"""The Approve / Reject buttons of a change request's DM to the project's managers.

Deciding by button is `/scope approve|reject C-N` by the person who pressed it: a manager decides,
anyone else is refused politely and nothing changes; a request decided already says so. The DM is
then replaced by the decision, and the requester is told by DM.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UserError
from bot.parsing import button_json
from bot.scope import flows
from bot.scope import prefill as prefill_from
from bot.scope import service as scope
from bot.scope.grammar import DecideChange
from handlers.slack.actions.checkin import log_risk_value, refuse, where
from handlers.slack.commands.scope import deliverer, finish, open_change_modal
from handlers.slack.common import actor_of, get_deps, respond_or_dm, run_request, team_of, user_of
from handlers.slack.render.catalog import render

log = logging.getLogger(__name__)
STALE = "This button no longer works: decide with `/scope approve C-N` or `/scope reject C-N`."
STALE_SOURCE = "This button no longer works: log the change with `/scope change project=NAME TITLE`."


def change_number(body: dict[str, Any]) -> int | None:
    action = (body.get("actions") or [{}])[0]
    data = button_json(action.get("value") or "")
    number = data.get("c") if isinstance(data, dict) else None
    return number if isinstance(number, int) and not isinstance(number, bool) and 0 < number < 2**31 else None


async def _decide(approve: bool, ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                  client: AsyncWebClient, context: dict[str, Any]) -> None:
    await ack()
    number = change_number(body)
    if number is None:
        await refuse(respond, STALE)
        return
    deps = get_deps(context)
    team_id, user_id = team_of(body), user_of(body)
    try:
        outcome = await run_request(DecideChange(number, approve=approve), scope.perform, deps, client, team_id,
                                    user_id)
    except UserError as e:
        await refuse(respond, e)
        return
    channel, ts = where(body)
    [shown] = render(outcome.reply)
    if channel and ts:
        try:
            await client.chat_update(channel=channel, ts=ts, **shown)  # the decision in place of the buttons
            await flows.after(deliverer(deps), deps.db, team_id, outcome.reply)
            return
        except SlackApiError as e:
            log.info("chat.update of a change request failed: %s", e.response.get("error"))

    async def say(**message: Any) -> None:
        await respond_or_dm(respond, client, user_id, message)

    await finish(outcome, deps, client, say, team_id)


async def handle_approve(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                         context: dict[str, Any]) -> None:
    await _decide(True, ack, body, respond, client, context)


async def handle_reject(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                        context: dict[str, Any]) -> None:
    await _decide(False, ack, body, respond, client, context)


async def handle_standup_change(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                                context: dict[str, Any]) -> None:
    """"Log as change request" under a stand-up answer: the change form, prefilled from the answer."""
    await ack()
    value = str(((body.get("actions") or [{}])[0]).get("value") or "")
    if not value.isdecimal() or len(value) > 9:
        await refuse(respond, STALE_SOURCE)
        return
    deps = get_deps(context)
    team_id, user_id = team_of(body), user_of(body)
    try:
        actor = await actor_of(deps, client, team_id, user_id)
        prefill, channel = await deps.db.read(prefill_from.from_standup, actor=actor, answer_id=int(value))
        await open_change_modal(client, deps, team_id, body["trigger_id"], {"channel": channel, "source": "standup"},
                                prefill, user_id=user_id)
    except UserError as e:
        await refuse(respond, e)


async def handle_checkin_change(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                                context: dict[str, Any]) -> None:
    """"Log as change request" in a manager's check-in alert: the change form, prefilled from the comment."""
    await ack()
    ref = log_risk_value(((body.get("actions") or [{}])[0]).get("value"))
    if ref is None:
        await refuse(respond, STALE_SOURCE)
        return
    poll_id, answerer = ref
    deps = get_deps(context)
    team_id, user_id = team_of(body), user_of(body)
    try:
        await actor_of(deps, client, team_id, user_id)
        profile = await deps.people.profile(team_id, answerer)
        prefill = await deps.db.read(prefill_from.from_checkin, team_id=team_id, poll_id=poll_id, answerer=answerer,
                                     presser=user_id, answerer_name=profile.name)
        channel, _ = where(body)
        await open_change_modal(client, deps, team_id, body["trigger_id"], {"channel": channel, "source": "checkin"},
                                prefill, user_id=user_id)
    except UserError as e:
        await refuse(respond, e)
