"""The core's ports over one Slack Web API client (see `bot.ports`)."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from bot.ports import Platform
from handlers.slack.directory import SlackDirectory
from handlers.slack.messenger import SlackMessenger
from handlers.slack.sender import SlackSender


@dataclass(frozen=True)
class SlackPlatform(Platform):
    """Slack as the core reaches it, with the client the listeners use too (one connection pool)."""

    client: AsyncWebClient


def slack_platform(client: AsyncWebClient) -> SlackPlatform:
    return SlackPlatform(messenger=SlackMessenger(client), directory=SlackDirectory(client),
                         sender=SlackSender(client), client=client)
