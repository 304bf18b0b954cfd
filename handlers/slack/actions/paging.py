"""Previous/Next on long lists: the list is redrawn in place."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UserError
from bot.feedback import service as feedback
from bot.parsing import button_json
from bot.requests import Call
from bot.risks import service as risks
from handlers.slack.common import get_deps, run_call, team_of, user_of
from handlers.slack.render.common import plain_message


def _state(body: dict[str, Any]) -> dict[str, Any]:
    state = button_json((body.get("actions") or [{}])[0].get("value") or "{}")
    return state if isinstance(state, dict) else {}


def _int(v: Any, default: int | None) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and 0 < v < 10**9 else default


async def _redraw(call: Call, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                  context: dict[str, Any]) -> None:
    try:
        outcome = await run_call(call, get_deps(context), client, team_of(body), user_of(body))
    except UserError as e:
        await respond(replace_original=False, response_type="ephemeral", **plain_message(str(e)))
        return
    await respond(replace_original=True, response_type="ephemeral", **outcome.reply)


async def handle_risk_page(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                           context: dict[str, Any]) -> None:
    await ack()
    s = _state(body)
    call = Call(risks.list_page, write=False, kwargs={
        "project_id": _int(s.get("p"), None), "include_closed": s.get("a") is True,
        "page": _int(s.get("page"), 1)})
    await _redraw(call, body, respond, client, context)


async def handle_feedback_page(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                               client: AsyncWebClient, context: dict[str, Any]) -> None:
    await ack()
    s = _state(body)
    call = Call(feedback.list_page, write=False, kwargs={
        "project_id": _int(s.get("p"), None), "page": _int(s.get("page"), 1)})
    await _redraw(call, body, respond, client, context)
