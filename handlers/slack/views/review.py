"""The update modal of a risk review reminder, submitted: the register's own update."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UserError
from bot.reviews import service as reviews
from bot.reviews.service import UpdateAtReview
from bot.risks import service as risks
from bot.risks.service import STATUSES, RiskInput
from handlers.slack import ids
from handlers.slack.actions.review import show_done
from handlers.slack.common import get_deps, run_request, team_of, tell_user, user_of
from handlers.slack.forms import FormError, as_date, as_int, as_text, field
from handlers.slack.render.catalog import render
from handlers.slack.render.common import plain_message
from handlers.slack.views.risk import metadata
from storage import clock


def parse_update(values: dict[str, Any], today: date) -> RiskInput:
    """p, i, status, mitigation and next review as the modal sent them; errors per field."""
    errors: dict[str, str] = {}
    data = RiskInput(
        probability=as_int(values, ids.B_PROBABILITY, 1, 5, errors),
        impact=as_int(values, ids.B_IMPACT, 1, 5, errors),
        mitigation=as_text(values, ids.B_MITIGATION, errors, risks.MAX_TEXT),
        review_date=as_date(values, ids.B_REVIEW, errors, not_before=today),
    )
    status = field(values, ids.B_STATUS)
    if status is not None and status not in STATUSES:
        errors[ids.B_STATUS] = "Choose a status."
    data.status = status
    if errors:
        raise FormError(errors)
    return data


async def handle_update_modal(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient,
                              context: dict[str, Any]) -> None:
    try:
        data = parse_update(((view.get("state") or {}).get("values") or {}), clock.today())
    except FormError as e:
        await ack(response_action="errors", errors=e.errors)
        return
    await ack()
    meta = metadata(view)
    number = meta.get("n")
    team_id, user_id = team_of(body), user_of(body)
    channel = meta.get("channel") if isinstance(meta.get("channel"), str) else None
    ts = meta.get("ts") if isinstance(meta.get("ts"), str) else None

    async def tell(**message: Any) -> None:
        await tell_user(client, user_id, channel, message)

    if not isinstance(number, int) or isinstance(number, bool) or not 0 < number < 10**9:
        await tell(**plain_message("I couldn't tell which risk that was; nothing was changed."))
        return
    try:
        outcome = await run_request(UpdateAtReview(number, data), reviews.perform, get_deps(context), client,
                                    team_id, user_id)
    except UserError as e:
        for part in render(e):
            await tell(**part)
        return
    await show_done(client, channel, ts, outcome, user_id, tell)
