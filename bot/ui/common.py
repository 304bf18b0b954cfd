"""Small pure builders for Block Kit, and the limits Slack enforces."""

from __future__ import annotations

import json
import re
from typing import Any

Block = dict[str, Any]

MAX_BLOCKS = 50  # blocks in a message
MAX_MODAL_BLOCKS = 100
MAX_SECTION = 3000  # characters in a section's text
MAX_HEADER = 150
MAX_BUTTON_TEXT = 75
MAX_VALUE = 2000  # characters in a button's value
MAX_FALLBACK = 3000  # what we put in a message's top-level `text`
PAGE_SIZE = 20

SLACK_TOKEN = re.compile(r"(<(?:[@#!][^>\s]+|(?:https?|mailto):[^>\s]+)>)")


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def safe(text: str | None, limit: int | None = None) -> str:
    """User text for mrkdwn: &, < and > escaped, but mentions and links kept live.

    With `limit`, the escaped result is cut (with …) to at most that many characters, never
    inside an entity or a mention, so that what follows it in the same block still shows.
    """
    if not text:
        return ""
    pieces: list[str] = []
    for i, part in enumerate(SLACK_TOKEN.split(text)):
        if i % 2:
            pieces.append(part)
        else:
            pieces.extend(_ESCAPES.get(ch, ch) for ch in part)
    out = "".join(pieces)
    if limit is None or len(out) <= limit:
        return out
    size, kept = 0, []
    for piece in pieces:
        if size + len(piece) > limit - 1:
            break
        kept.append(piece)
        size += len(piece)
    return "".join(kept) + "…"


def section(text: str, accessory: Block | None = None, block_id: str | None = None) -> Block:
    b: Block = {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text or " ", MAX_SECTION)}}
    if accessory:
        b["accessory"] = accessory
    if block_id:
        b["block_id"] = block_id
    return b


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": truncate(text, MAX_HEADER), "emoji": True}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(text or " ", MAX_SECTION)}]}


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str | None = None, style: str | None = None) -> Block:
    b: Block = {"type": "button", "text": {"type": "plain_text", "text": truncate(text, MAX_BUTTON_TEXT)},
                "action_id": action_id}
    if value is not None:
        b["value"] = truncate(value, MAX_VALUE)
    if style:
        b["style"] = style
    return b


def actions(*elements: Block, block_id: str | None = None) -> Block:
    b: Block = {"type": "actions", "elements": list(elements)}
    if block_id:
        b["block_id"] = block_id
    return b


def message(text: str, blocks: list[Block] | None = None) -> dict[str, Any]:
    """A message payload: `text` is the notification and screen-reader fallback."""
    out: dict[str, Any] = {"text": truncate(text, MAX_FALLBACK)}
    if blocks:
        out["blocks"] = blocks[:MAX_BLOCKS]
    return out


def plain_message(text: str) -> dict[str, Any]:
    """A short answer as one section (long text is split over several)."""
    chunks = [text[i:i + MAX_SECTION] for i in range(0, len(text), MAX_SECTION)] or [" "]
    return message(text or " ", [section(c) for c in chunks[:MAX_BLOCKS]])


def pager(action_id: str, page: int, pages: int, state: dict[str, Any]) -> Block | None:
    """Previous/Next buttons carrying the list's state as JSON in their value."""
    if pages <= 1:
        return None
    elements = []
    if page > 1:
        elements.append(button("◀ Previous", f"{action_id}_prev", json.dumps({**state, "page": page - 1})))
    if page < pages:
        elements.append(button("Next ▶", f"{action_id}_next", json.dumps({**state, "page": page + 1})))
    return actions(*elements, block_id=f"{action_id}_nav")


def option(text: str, value: str) -> Block:
    return {"text": {"type": "plain_text", "text": truncate(text, 75)}, "value": value}


def plain(text: str) -> Block:
    return {"type": "plain_text", "text": text}
