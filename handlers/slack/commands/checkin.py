"""`/checkin`: weekly stakeholder check-ins (managers configure)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.checkins import flows
from bot.checkins import service as checkins
from bot.checkins.grammar import FALLBACK_TZ, parse
from bot.deps import Deps
from bot.errors import Unavailable, UserError
from bot.requests import Call, Help
from handlers.slack.common import answer_command, get_deps, run_call
from handlers.slack.render.common import message, plain_message, safe, section
from scheduler import jobs
from scheduler.triggers import occurrence_key

NOT_RUNNING = "My scheduler isn't running right now, so nothing was sent. Please try again in a minute."


async def handle_checkin(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                         context: dict[str, Any]) -> None:
    try:
        request = parse(command.get("text", ""))
    except UserError as e:
        await ack(**plain_message(str(e)))
        return
    if not isinstance(request, Call):
        await ack(**plain_message(request.text if isinstance(request, Help) else ""))
        return
    await ack()
    deps = get_deps(context)
    if FALLBACK_TZ in request.kwargs:
        request.kwargs[FALLBACK_TZ] = deps.settings.bot_timezone
    team_id, user_id = command["team_id"], command["user_id"]
    if request.fn is checkins.prepare_send:
        await _send_now(request, deps, client, respond, team_id, user_id)
        return
    await answer_command(request, deps=deps, client=client, respond=respond, team_id=team_id, user_id=user_id)


async def _send_now(call: Call, deps: Deps, client: AsyncWebClient, respond: AsyncRespond, team_id: str,
                    user_id: str) -> None:
    """`/checkin send`: the same flow the schedule runs, for the occurrence of this minute."""

    async def say(**msg: Any) -> None:
        await respond(response_type="ephemeral", replace_original=False, **msg)

    try:
        target = await run_call(call, deps, client, team_id, user_id)
        rhythm = jobs.running()
        if rhythm is None:
            raise Unavailable(NOT_RUNNING)
    except UserError as e:
        await say(**plain_message(str(e)))
        return
    assert isinstance(target, checkins.SendTarget)
    report = await flows.send_poll(rhythm, team_id, target.project_id, occurrence=occurrence_key(rhythm.now()),
                                   sent_by=user_id)
    name = safe(target.project_name)
    lines = []
    if report.sent:
        lines.append(f":incoming_envelope: Sent the *{name}* check-in to {report.sent} "
                     f"stakeholder{'' if report.sent == 1 else 's'}.")
    if report.skipped:
        lines.append(f"{report.skipped} had already been sent this check-in: nobody gets it twice.")
    if report.retry:
        lines.append(f"{report.retry} could not be confirmed yet; I'll keep trying.")
    if report.failed:
        lines.append("I couldn't reach " + ", ".join(f"<@{u}> ({e})" for u, e in report.errors.items()) + ".")
    if not lines:
        lines.append(f"Nobody to ask on *{name}*.")
    lines.append(f"`/checkin results project=\"{name}\"` shows the answers as they come.")
    await say(**message(f"Check-in on {name} sent", [section("\n".join(lines))]))
