"""Previous/Next on long lists: the list is redrawn in place."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UserError
from bot.feedback import service as feedback
from bot.feedback.grammar import ListFeedback
from bot.outcomes import Outcome
from bot.parsing import button_json
from bot.risks import service as risks
from bot.risks.grammar import ListRisks
from handlers.slack.common import get_deps, run_request, team_of, user_of
from handlers.slack.render.catalog import render


def _state(body: dict[str, Any]) -> dict[str, Any]:
    state = button_json((body.get("actions") or [{}])[0].get("value") or "{}")
    return state if isinstance(state, dict) else {}


def _int(v: Any, default: int | None) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and 0 < v < 10**9 else default


async def handle_risk_page(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                           context: dict[str, Any]) -> None:
    await ack()
    s = _state(body)
    request = ListRisks(project_id=_int(s.get("p"), None), include_closed=s.get("a") is True,
                        page=_int(s.get("page"), 1) or 1)
    await _turn(run_request(request, risks.perform, get_deps(context), client, team_of(body), user_of(body)),
                respond)


async def handle_feedback_page(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                               client: AsyncWebClient, context: dict[str, Any]) -> None:
    await ack()
    s = _state(body)
    request = ListFeedback(project_id=_int(s.get("p"), None), page=_int(s.get("page"), 1) or 1)
    await _turn(run_request(request, feedback.perform, get_deps(context), client, team_of(body), user_of(body)),
                respond)


async def _turn(listing: Awaitable[Outcome], respond: AsyncRespond) -> None:
    """The list's other page in place of the one shown; a refusal as a note of its own."""
    try:
        outcome = await listing
    except UserError as e:
        for part in render(e):
            await respond(replace_original=False, response_type="ephemeral", **part)
        return
    page, *_ = render(outcome.reply)  # one page of the list is one message
    await respond(replace_original=True, response_type="ephemeral", **page)
