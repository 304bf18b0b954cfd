"""The scope forms, submitted: the baseline (managers) and a change request."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UsageError, UserError
from bot.parsing import amount, button_json
from bot.scope import service as scope
from bot.scope.grammar import MAX_TEXT, MAX_TITLE, RequestChange, SetBaseline, person_days
from handlers.slack import forms, ids
from handlers.slack.commands.scope import finish
from handlers.slack.common import get_deps, run_request, team_of, tell_user, user_of
from handlers.slack.forms import FormError
from handlers.slack.render.catalog import render


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    meta = button_json(view.get("private_metadata") or "{}")
    return meta if isinstance(meta, dict) else {}


def _number(values: dict[str, Any], block_id: str, errors: dict[str, str], *, signed: bool = False,
            money: bool = False) -> float | None:
    raw = forms.field(values, block_id)
    if raw is None:
        return None
    try:
        return amount(str(raw), block_id) if money else person_days(str(raw), block_id, signed=signed)
    except UsageError:
        errors[block_id] = ("An amount such as 50000 or 50k, please." if money
                            else "A number of person-days such as 40 or 2.5, please.")
        return None


def parse_baseline(values: dict[str, Any], project_id: int) -> SetBaseline:
    errors: dict[str, str] = {}
    days = _number(values, ids.B_DAYS, errors)
    texts = {b: forms.as_text(values, b, errors, MAX_TEXT) or "" for b in
             (ids.B_IN_SCOPE, ids.B_OUT_SCOPE, ids.B_ASSUMPTIONS)}
    if errors:
        raise FormError(errors)
    return SetBaseline(project_id=project_id, days=days, in_scope=texts[ids.B_IN_SCOPE],
                       out_scope=texts[ids.B_OUT_SCOPE], assumptions=texts[ids.B_ASSUMPTIONS])


def parse_change(values: dict[str, Any], source: str = "manual") -> RequestChange:
    errors: dict[str, str] = {}
    title = forms.as_text(values, ids.B_TITLE, errors, MAX_TITLE, required=True)
    project_id, project_name = forms.project_ref(values, ids.B_PROJECT)
    if project_id is None and not project_name:
        errors[ids.B_PROJECT] = "Pick a project."
    days = _number(values, ids.B_DAYS, errors, signed=True)
    cost = _number(values, ids.B_COST, errors, money=True)
    if errors:
        raise FormError(errors)
    return RequestChange(title=" ".join((title or "").split()), project_id=project_id, project_name=project_name,
                         days=days, cost=cost, source=source)


async def _run(request: Any, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient,
               context: dict[str, Any]) -> None:
    meta = metadata(view)
    team_id, user_id = team_of(body), user_of(body)
    channel = meta.get("channel") if isinstance(meta.get("channel"), str) else None

    async def say(**message: Any) -> None:
        await tell_user(client, user_id, channel, message)

    deps = get_deps(context)
    try:
        outcome = await run_request(request, scope.perform, deps, client, team_id, user_id)
    except UserError as e:
        for part in render(e):
            await say(**part)
        return
    await finish(outcome, deps, client, say, team_id)


async def handle_baseline_modal(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient,
                                context: dict[str, Any]) -> None:
    project_id = metadata(view).get("project_id")
    if not isinstance(project_id, int):
        await ack(response_action="errors", errors={ids.B_DAYS: "This form no longer works: run /scope set again."})
        return
    try:
        request = parse_baseline((view.get("state") or {}).get("values") or {}, project_id)
    except FormError as e:
        await ack(response_action="errors", errors=e.errors)
        return
    await ack()
    await _run(request, body, view, client, context)


async def handle_change_modal(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient,
                              context: dict[str, Any]) -> None:
    source = metadata(view).get("source")
    try:
        request = parse_change((view.get("state") or {}).get("values") or {},
                               source if source in ("standup", "checkin") else "manual")
    except FormError as e:
        await ack(response_action="errors", errors=e.errors)
        return
    await ack()
    await _run(request, body, view, client, context)
