"""Reading submitted modals (`view.state.values`) into plain values.

Slack sends each input as {block_id: {action_id: {type, value|selected_*}}}.
Errors come back as {block_id: message}, which Slack shows under the field.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot import text
from bot.parsing import MAX_YEARS_AHEAD, blank, latest_date, strip_nul
from handlers.slack.text import SLACK_ID, link_text
from storage import clock


class FormError(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _entry(values: Any, block_id: str) -> Any:
    """The state of the one input in `block_id` (Slack nests it under the input's action_id)."""
    block = values.get(block_id) if isinstance(values, dict) else None
    return next(iter(block.values()), None) if isinstance(block, dict) else None


def field(values: dict[str, Any], block_id: str) -> Any:
    """The submitted value of the input in `block_id`, whatever its element type; None when empty.

    State that is not shaped as Slack sends it reads as empty, never as an error; text comes without
    NUL characters (see `bot.parsing.strip_nul`)."""
    value = _field(values, block_id)
    return strip_nul(value) if isinstance(value, str) else value


def _field(values: dict[str, Any], block_id: str) -> Any:
    entry = _entry(values, block_id)
    if not isinstance(entry, dict):
        return None
    kind = entry.get("type")
    if kind in ("plain_text_input", "email_text_input", "url_text_input", "number_input"):
        v = entry.get("value")
        v = strip_nul(v) if isinstance(v, str) else None
        return v.strip() if v and v.strip() else None
    if kind == "rich_text_input":
        return _rich_text(entry.get("rich_text_value")) or None
    if kind in ("static_select", "external_select", "radio_buttons"):
        option = entry.get("selected_option")
        return option.get("value") if isinstance(option, dict) else None
    if kind == "checkboxes":
        options = entry.get("selected_options")
        return [o.get("value") for o in options if isinstance(o, dict)] if isinstance(options, list) else []
    if kind == "users_select":
        return entry.get("selected_user")
    if kind == "conversations_select":
        return entry.get("selected_conversation")
    if kind == "channels_select":
        return entry.get("selected_channel")
    if kind == "multi_users_select":
        return entry.get("selected_users") or []
    if kind == "datepicker":
        return entry.get("selected_date")
    if kind == "timepicker":
        return entry.get("selected_time")
    return entry.get("value")


def _rich_text(node: Any) -> str:
    """A rich text value in the core's text, as `handlers.slack.text.to_core` reads command text:
    people and channels become references, broadcasts and user groups words, a link shows its real URL."""
    if isinstance(node, dict):
        kind = node.get("type")
        if kind == "text":
            return text.clean(str(node.get("text", "")))
        if kind == "user":
            return text.person(str(node.get("user_id")))
        if kind == "channel":
            return text.place(str(node.get("channel_id")))
        if kind == "broadcast":
            return f"@{node.get('range') or 'channel'}"
        if kind == "usergroup":
            return "@group"
        if kind == "link":
            return link_text(str(node.get("url", "")), node.get("text"))
        if kind == "emoji":
            return f":{node.get('name')}:"
        elements = node.get("elements")
        inner = "".join(_rich_text(e) for e in elements) if isinstance(elements, list) else ""
        return inner + ("\n" if node.get("type") in ("rich_text_section", "rich_text_list") else "")
    return ""


def as_int(values: dict[str, Any], block_id: str, low: int, high: int, errors: dict[str, str],
           default: int | None = None) -> int | None:
    raw = field(values, block_id)
    if raw is None:
        return default
    try:
        n = int(str(raw))
    except ValueError:
        n = low - 1
    if not low <= n <= high:
        errors[block_id] = f"Choose a number from {low} to {high}."
        return default
    return n


def as_date(values: dict[str, Any], block_id: str, errors: dict[str, str], *, not_before: date | None = None
            ) -> date | None:
    raw = field(values, block_id)
    if raw is None:
        return None
    try:
        d = date.fromisoformat(str(raw))
    except ValueError:
        errors[block_id] = "Pick a date."
        return None
    if not_before and d < not_before:
        errors[block_id] = "This date is in the past."
        return None
    if d > latest_date(not_before or clock.today()):
        errors[block_id] = f"Pick a date at most {MAX_YEARS_AHEAD} years ahead."
        return None
    return d


def as_text(values: dict[str, Any], block_id: str, errors: dict[str, str], limit: int,
            required: bool = False) -> str | None:
    raw = field(values, block_id)
    if raw is not None and not isinstance(raw, str):
        raw = str(raw)
    if raw is None or blank(raw):
        if required:
            errors[block_id] = "Please fill this in."
        return None
    if len(raw) > limit:
        errors[block_id] = f"At most {limit} characters, please."
        return None
    return text.clean(raw).strip()


def as_user(values: dict[str, Any], block_id: str, errors: dict[str, str]) -> str | None:
    raw = field(values, block_id)
    if raw is None:
        return None
    if not isinstance(raw, str) or not re.fullmatch(rf"[UW]{SLACK_ID}", raw):
        errors[block_id] = "Pick a person."
        return None
    return raw


def project_ref(values: dict[str, Any], block_id: str) -> tuple[int | None, str | None]:
    """The project field: an id from the select, or a name typed where there were too many to list."""
    entry = _entry(values, block_id)
    raw = field(values, block_id)
    if not isinstance(raw, str) or not raw:
        return None, None
    if isinstance(entry, dict) and entry.get("type") == "static_select":
        return (int(raw), None) if raw.isdecimal() and len(raw) < 10 else (None, None)
    return None, raw
