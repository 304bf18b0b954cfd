"""What Slack parses for markup in a message, and the markup that would come alive there."""

from __future__ import annotations

import re
from typing import Any

# Anything Slack turns into a ping or a hidden link, wherever it occurs in a string.
LIVE = re.compile(r"<!|<(?:https?|mailto):|<@[^UW]|<#[^CG]")


def mrkdwn_strings(msg: dict[str, Any]) -> list[str]:
    """The `text` fallback and every mrkdwn text object: what Slack parses for markup."""
    out = [msg["text"]]

    def walk(o: Any) -> None:
        if isinstance(o, dict):
            if o.get("type") == "mrkdwn":
                out.append(o["text"])
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    walk(msg.get("blocks", []))
    return out
