"""`/standup` (being built)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck


async def handle_standup(ack: AsyncAck, command: dict[str, Any]) -> None:
    await ack(text="Coming soon.")
