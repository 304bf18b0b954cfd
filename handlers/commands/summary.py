"""`/summary`: the managers' summary, now (and subscribing them to the weekly DM)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UsageError
from bot.grammar import Help
from bot.grammar.summary import parse
from bot.ui.common import plain_message
from handlers.common import answer_command, get_deps


async def handle_summary(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                         context: dict[str, Any]) -> None:
    try:
        request = parse(command.get("text", ""))
    except UsageError as e:
        await ack(**plain_message(str(e)))
        return
    if isinstance(request, Help):
        await ack(**plain_message(request.text))
        return
    await ack()
    await answer_command(request, deps=get_deps(context), client=client, respond=respond,
                         team_id=command["team_id"], user_id=command["user_id"])
