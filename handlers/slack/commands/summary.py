"""`/summary`: the managers' summary, now (and subscribing them to the weekly DM)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.summaries import service as summaries
from bot.summaries.grammar import Summarize, parse
from handlers.slack.common import acknowledge, answer_request, get_deps, text_of


async def handle_summary(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                         context: dict[str, Any]) -> None:
    request = await acknowledge(ack, lambda: parse(text_of(command)))
    if not isinstance(request, Summarize):  # help or bad input: answered in the ack
        return
    await answer_request(request, summaries.perform, deps=get_deps(context), client=client, respond=respond,
                         team_id=command["team_id"], user_id=command["user_id"])
