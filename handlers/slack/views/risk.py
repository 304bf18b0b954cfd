"""The risk modal, submitted."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UserError
from bot.parsing import button_json
from bot.risks import service as risks
from bot.risks.grammar import DEFAULT_LEVEL, MAX_TEXT, MAX_TITLE, AddRisk, RiskInput
from handlers.slack import forms, ids
from handlers.slack.common import deliver, get_deps, run_request, team_of, tell_user, user_of
from handlers.slack.forms import FormError
from handlers.slack.render.catalog import render
from storage import clock


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    meta = button_json(view.get("private_metadata") or "{}")
    return meta if isinstance(meta, dict) else {}


def parse_form(values: dict[str, Any], today: date) -> RiskInput:
    """The risk modal's fields -> RiskInput, or `FormError` with a message per field."""
    errors: dict[str, str] = {}
    data = RiskInput(
        title=forms.as_text(values, ids.B_TITLE, errors, MAX_TITLE, required=True),
        description=forms.as_text(values, ids.B_DESCRIPTION, errors, MAX_TEXT),
        probability=forms.as_int(values, ids.B_PROBABILITY, 1, 5, errors, default=DEFAULT_LEVEL),
        impact=forms.as_int(values, ids.B_IMPACT, 1, 5, errors, default=DEFAULT_LEVEL),
        owner_id=forms.as_user(values, ids.B_OWNER, errors),
        mitigation=forms.as_text(values, ids.B_MITIGATION, errors, MAX_TEXT),
        contingency=forms.as_text(values, ids.B_CONTINGENCY, errors, MAX_TEXT),
        review_date=forms.as_date(values, ids.B_REVIEW, errors, not_before=today),
    )
    data.project_id, data.project_name = forms.project_ref(values, ids.B_PROJECT)
    if errors:
        raise forms.FormError(errors)
    return data


async def handle_risk_modal(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient,
                            context: dict[str, Any]) -> None:
    try:
        data = parse_form((view.get("state") or {}).get("values") or {}, clock.today())
    except FormError as e:
        await ack(response_action="errors", errors=e.errors)
        return
    await ack()
    meta = metadata(view)
    if meta.get("source") in ("standup", "checkin"):
        data.source = meta["source"]
    team_id, user_id = team_of(body), user_of(body)
    channel = meta.get("channel") if isinstance(meta.get("channel"), str) else None

    async def say(**message: Any) -> None:
        await tell_user(client, user_id, channel, message)

    try:
        outcome = await run_request(AddRisk(data), risks.perform, get_deps(context), client, team_id, user_id)
    except UserError as e:
        for part in render(e):
            await say(**part)
        return
    await deliver(outcome, client, say)
