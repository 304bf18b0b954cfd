"""What a signed request from Slack must look like before Bolt reads it.

Bolt parses the body and reads fields of it before any listener runs; a body it does not expect
(a `payload=` that is not a JSON object, `actions` that is not a list of objects, bytes that are
not UTF-8) ends in an exception and an HTTP 500. Slack never sends such bodies, so they are
refused with 400 before Bolt sees them, as is a command or interaction without the person, the
workspace or (where Slack always sends one) the trigger id: nothing is done without a person.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

# Interactions Slack always sends with a trigger_id (the listeners open forms with it).
WITH_TRIGGER = frozenset({"block_actions", "view_submission", "shortcut", "message_action"})


def _text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def problem(body: bytes, content_type: str | None) -> str | None:
    """Why Bolt could not handle `body` (a short reason for the log), or None when it is well formed.

    Mirrors `slack_bolt.request.internals.parse_body`: JSON when the content type says so or the
    body starts with `{`, a form with a JSON `payload` field, else a plain form (slash commands)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "body is not UTF-8"
    if not text:
        return None
    if content_type == "application/json" or text.startswith("{"):
        return None if isinstance(_json(text), dict) else "JSON body is not an object"
    try:
        form = dict(parse_qsl(text, keep_blank_values=True, errors="strict"))
    except (UnicodeDecodeError, ValueError):
        return "form field is not UTF-8"
    if "payload" in text and "payload" in form:
        payload = _json(form["payload"])
        if not isinstance(payload, dict):
            return "payload is not a JSON object"
        return interaction_problem(payload)
    if "command" in form:
        for field in ("user_id", "team_id", "trigger_id"):
            if not _text(form.get(field)):
                return f"command without {field}"
    return None


def interaction_problem(payload: dict[str, Any]) -> str | None:
    """Why an interaction payload lacks what every listener reads, or None."""
    kind = payload.get("type")
    if not _text(kind):
        return "interaction without a type"
    user = payload.get("user")
    if not isinstance(user, dict) or not _text(user.get("id")):
        return "interaction without a user id"
    team = payload.get("team")
    team_id = (team.get("id") if isinstance(team, dict) else None) or user.get("team_id")
    if not _text(team_id):
        return "interaction without a team id"
    if kind in WITH_TRIGGER and not _text(payload.get("trigger_id")):
        return "interaction without a trigger_id"
    if kind == "block_actions" or "actions" in payload:
        actions = payload.get("actions")
        if not isinstance(actions, list) or not actions or not all(isinstance(a, dict) for a in actions):
            return "actions is not a list of objects"
    if str(kind).startswith("view_") and not isinstance(payload.get("view"), dict):
        return "view is not an object"
    return None
