"""`/summary`: the managers' summary, now (and subscribing them to the weekly DM)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.requests import Call
from bot.summaries.grammar import parse
from handlers.slack.common import acknowledge, answer_command, get_deps


async def handle_summary(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                         context: dict[str, Any]) -> None:
    request = await acknowledge(ack, lambda: parse(command.get("text", "")))
    if not isinstance(request, Call):  # help or bad input: answered in the ack
        return
    await answer_command(request, deps=get_deps(context), client=client, respond=respond,
                         team_id=command["team_id"], user_id=command["user_id"])
