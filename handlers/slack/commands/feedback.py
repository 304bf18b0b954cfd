"""`/feedback`: client and team feedback."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.feedback import service as feedback
from bot.feedback.grammar import parse
from bot.requests import Modal
from handlers.slack.common import acknowledge, answer_request, get_deps, text_of
from handlers.slack.render import feedback as ui
from storage.repositories import projects as projects_repo


async def handle_feedback(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                          context: dict[str, Any]) -> None:
    request = await acknowledge(ack, lambda: parse(text_of(command)))
    if request is None:
        return
    deps = get_deps(context)
    if isinstance(request, Modal):
        projects = await deps.db.read(projects_repo.list_all, team_id=command["team_id"])
        await client.views_open(trigger_id=command["trigger_id"], view=ui.modal(
            [(p.id, p.name) for p in projects if p.id is not None], {"channel": command.get("channel_id")}))
        return
    await answer_request(request, feedback.perform, deps=deps, client=client, respond=respond,
                         team_id=command["team_id"], user_id=command["user_id"])
