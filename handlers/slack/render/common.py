"""Small pure builders for Block Kit, and the limits Slack enforces."""

from __future__ import annotations

import json
from typing import Any

from bot import text as core_text
from handlers.slack import text as slack_text

Block = dict[str, Any]

MAX_BLOCKS = 50  # blocks in a message
MAX_MODAL_BLOCKS = 100
MAX_SECTION = 3000  # characters in a section's text
MAX_HEADER = 150
MAX_BUTTON_TEXT = 75
MAX_VALUE = 2000  # characters in a button's value
MAX_FALLBACK = 3000  # what we put in a message's top-level `text`
PAGE_SIZE = 20



def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def safe(text: str | None, limit: int | None = None) -> str:
    """Core text (what people wrote, and the core's own sentences) for mrkdwn or a message's `text`
    fallback: &, < and > escaped, references drawn as Slack's mentions.

    This is the one place such text is escaped, exactly once, by Slack's formatting rules: what
    anyone typed reaches Slack as text, so `<!channel>`, `<!here>`, user groups and disguised links
    never come alive. Only mentions of one person and channel references stay live, as in the
    person's own message (`handlers.slack.text.mrkdwn`). plain_text objects need no escaping.

    With `limit`, the escaped result is cut (with …) to at most that many characters, never
    inside an entity or a mention, so that what follows it in the same block still shows.
    """
    if not text:
        return ""
    pieces: list[str] = []

    def person(i: str) -> str:
        pieces.append(f"<@{i}>")
        return ""

    def place(i: str) -> str:
        pieces.append(f"<#{i}>")
        return ""

    def plain(part: str) -> str:
        pieces.extend(_ESCAPES.get(ch, ch) for ch in part)
        return ""

    core_text.render(slack_text.legacy(text), person=person, place=place, plain=plain)
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


def mentions(text: str) -> str:
    """`text` with its references to people and conversations (`bot.text`) drawn as Slack's mentions,
    and nothing else changed (an answer of the core's is taken as mrkdwn already)."""
    return core_text.render(text, person=lambda i: f"<@{i}>", place=lambda i: f"<#{i}>")


def core_message(text: str) -> dict[str, Any]:
    """The core's text (an answer, a refusal, a usage) as a message: escaped once (`safe`)."""
    return plain_message(safe(text))


def plain_message(text: str) -> dict[str, Any]:
    """A short answer in mrkdwn as one section (long text is split over several); references drawn
    (`mentions`). For core text use `core_message`."""
    text = mentions(text)
    chunks = [text[i:i + MAX_SECTION] for i in range(0, len(text), MAX_SECTION)] or [" "]
    return message(text or " ", [section(c) for c in chunks[:MAX_BLOCKS]])


MAX_MESSAGE_TEXT = 10_000  # block text in one message: Slack refuses far less than 50 full sections
MAX_RESPONSES = 5  # messages through one response_url (Slack allows 5 uses)
_KEEP_WITH_NEXT = {"header", "divider"}


def block_text_size(block: Any) -> int:
    """Characters of text in a block (every `text` string in it, buttons' labels included)."""
    if isinstance(block, dict):
        return sum(len(v) if k == "text" and isinstance(v, str) else block_text_size(v) for k, v in block.items())
    if isinstance(block, list):
        return sum(block_text_size(v) for v in block)
    return 0


def _cut_at(line: str, limit: int) -> int:
    """Where to cut a line longer than `limit`: after a space outside `<…>` and outside `*…*`/`` `…` ``,
    else outside `<…>` only, else at `limit`."""
    best_free = best_outside = 0
    depth = stars = ticks = 0
    for i, ch in enumerate(line[:limit + 1]):
        if ch == "<":
            depth += 1
        elif ch == ">" and depth:
            depth -= 1
        elif depth == 0:
            if ch == "`":
                ticks += 1
            elif ch == "*":
                stars += 1
            elif ch in " ,;" and i > 0:
                cut = i + 1
                if cut <= limit:
                    best_outside = cut
                    if stars % 2 == 0 and ticks % 2 == 0:
                        best_free = cut
    if best_free:
        return best_free
    if best_outside:
        return best_outside
    # no space: at least do not cut inside a `<…>` token
    start = line.rfind("<", 0, limit)
    if start > 0 and line.find(">", start) >= limit:
        return start
    return limit


def split_text(text: str, limit: int = MAX_SECTION) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut at line ends (a longer line at a space),
    never inside a mention, a link or `*bold*`."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = _cut_at(line, limit)
            head, line = (line[:cut].rstrip() or line[:cut]), line[cut:].lstrip()
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
        if not current:
            current = line
        elif len(current) + 1 + len(line) <= limit:
            current += "\n" + line
        else:
            pieces.append(current)
            current = line
    if current or not pieces:
        pieces.append(current or " ")
    return [p if p.strip() else " " for p in pieces]


def sections(text: str, accessory: Block | None = None) -> list[Block]:
    """A text of any length as sections of at most 3,000 characters (the accessory on the first)."""
    chunks = split_text(text or " ", MAX_SECTION)
    return [section(c, accessory if i == 0 else None) for i, c in enumerate(chunks)]


def contexts(text: str) -> list[Block]:
    """A text of any length as context blocks of at most 3,000 characters each."""
    return [context(c) for c in split_text(text or " ", MAX_SECTION)]


def messages(text: str, blocks: list[Block], *, max_messages: int | None = None, more: str = "",
             max_chars: int = MAX_MESSAGE_TEXT, max_blocks: int = MAX_BLOCKS) -> list[dict[str, Any]]:
    """`blocks` packed in order into as few messages as fit Slack's limits on a whole message
    (`max_blocks` blocks, `max_chars` characters of block text). A header or divider never ends a
    message but opens the next one. With `max_messages`, what does not fit is left out and the last
    message says so (`more`: where to see it all)."""
    groups: list[list[Block]] = [[]]
    size = 0
    for b in blocks:
        n = block_text_size(b)
        group = groups[-1]
        if group and (len(group) + 1 > max_blocks or size + n > max_chars):
            carried: list[Block] = []
            while len(group) > 1 and group[-1].get("type") in _KEEP_WITH_NEXT:
                carried.insert(0, group.pop())
            groups.append(carried)
            group = groups[-1]
            size = sum(block_text_size(x) for x in group)
        group.append(b)
        size += n
    if max_messages is not None and len(groups) > max_messages:
        groups = groups[:max_messages]
        note = context("_…the rest did not fit here" + (f" — {more}" if more else "") + "_")
        last = groups[-1]
        while last and (len(last) + 1 > max_blocks
                        or sum(block_text_size(x) for x in last) + block_text_size(note) > max_chars):
            last.pop()
        last.append(note)
    total = len(groups)
    out = []
    for i, group in enumerate(groups):
        fallback = text if i == 0 else f"({i + 1}/{total}) {text}"
        out.append(message(fallback, group))
    return out


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
