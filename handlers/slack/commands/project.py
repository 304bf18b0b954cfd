"""`/project`: the projects everything hangs on."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery import Deliverer
from bot.deps import Deps
from bot.errors import UserError
from bot.lessons import flows as lesson_flows
from bot.projects import service as projects
from bot.projects.closing import ProjectClosed
from bot.projects.grammar import CloseProject, parse
from handlers.slack.common import acknowledge, answer_request, deliver, get_deps, respond_or_dm, run_request, text_of
from handlers.slack.render.catalog import render


async def handle_project(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                         context: dict[str, Any]) -> None:
    request = await acknowledge(ack, lambda: parse(text_of(command)))
    if request is None:  # help or bad input: answered in the ack
        return
    if isinstance(request, CloseProject):
        await _close(request, command, respond, client, context)
        return
    await answer_request(request, projects.perform, deps=get_deps(context), client=client, respond=respond,
                         team_id=command["team_id"], user_id=command["user_id"])


def deliverer(deps: Deps) -> Deliverer:
    return deps.rhythm.deliverer if deps.rhythm is not None else Deliverer(deps.db, deps.platform.sender)


async def _close(request: CloseProject, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                 context: dict[str, Any]) -> None:
    """Close the project, answer, then ask its people for a lesson (once each, through the delivery ledger)."""
    deps = get_deps(context)
    team_id, user_id = command["team_id"], command["user_id"]

    async def say(**message: Any) -> None:
        await respond_or_dm(respond, client, user_id, message)

    try:
        outcome = await run_request(request, projects.perform, deps, client, team_id, user_id)
    except UserError as e:
        for part in render(e):
            await say(**part)
        return
    await deliver(outcome, client, say, deps)
    closed = outcome.reply
    if isinstance(closed, ProjectClosed) and closed.project.id is not None:
        await lesson_flows.ask_for_lessons(deliverer(deps), deps.db, team_id, closed.project.id)
