"""`/project`: the projects everything hangs on."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.projects import service as projects
from bot.projects.grammar import parse
from handlers.slack.common import acknowledge, answer_request, get_deps, text_of


async def handle_project(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                         context: dict[str, Any]) -> None:
    request = await acknowledge(ack, lambda: parse(text_of(command)))
    if request is None:  # help or bad input: answered in the ack
        return
    await answer_request(request, projects.perform, deps=get_deps(context), client=client, respond=respond,
                         team_id=command["team_id"], user_id=command["user_id"])
