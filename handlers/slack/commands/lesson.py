"""`/lesson`: lessons learned."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UserError
from bot.lessons import service as lessons
from bot.lessons.grammar import parse
from bot.requests import Modal
from handlers.slack.common import acknowledge, actor_of, answer_request, get_deps, text_of
from handlers.slack.render import lessons as ui
from handlers.slack.render.catalog import render
from storage.repositories import projects as projects_repo


async def handle_lesson(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                        context: dict[str, Any]) -> None:
    request = await acknowledge(ack, lambda: parse(text_of(command)))
    if request is None:  # help or bad input: answered in the ack
        return
    deps = get_deps(context)
    if isinstance(request, Modal):
        try:
            await open_lesson_modal(client, deps, command["team_id"], command["trigger_id"],
                                    {"channel": command.get("channel_id")}, request.prefill,
                                    user_id=command["user_id"])
        except UserError as e:
            for part in render(e):
                await respond(response_type="ephemeral", replace_original=False, **part)
        return
    await answer_request(request, lessons.perform, deps=deps, client=client, respond=respond,
                         team_id=command["team_id"], user_id=command["user_id"])


async def open_lesson_modal(client: AsyncWebClient, deps: Any, team_id: str, trigger_id: str,
                            metadata: dict[str, Any], prefill: dict[str, Any] | None = None, *, user_id: str) -> None:
    """The lesson form, for `user_id`; raises `Refused` for a guest account."""
    await actor_of(deps, client, team_id, user_id)
    projects = await deps.db.read(projects_repo.list_all, team_id=team_id)
    await client.views_open(trigger_id=trigger_id, view=ui.modal([(p.id, p.name) for p in projects], metadata,
                                                                 prefill))
