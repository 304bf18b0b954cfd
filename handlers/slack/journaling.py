"""Which slash commands the command journal (`bot.journal`) records before their ack."""

from __future__ import annotations

from typing import Any

from handlers.slack import ids
from handlers.slack.render.catalog import render
from handlers.slack.text import to_core


def journaled(body: dict[str, Any]) -> bool:
    """Whether a slash command is journaled: all but feedback that is or may become anonymous
    (`anon`, or the form, where it can be chosen)."""
    command = str(body.get("command") or "")
    if command not in ids.COMMANDS or not body.get("user_id"):
        return False
    text = str(body.get("text") or "").strip().lower()
    return not (command == ids.FEEDBACK and (not text or "anon" in text))


def describe(view: Any) -> str:
    """A view as the core text of the message Slack would have shown (its `text`, read back)."""
    return "\n".join(to_core(str(part.get("text") or "")) for part in render(view)).strip()
