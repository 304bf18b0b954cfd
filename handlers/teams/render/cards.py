"""Small pure builders for Adaptive Cards (schema 1.5), and the limits Teams enforces.

Teams refuses a message over 28 KB, so every activity built here is measured as the JSON it is
sent as (`size`) and kept under `MAX_ACTIVITY`: lists keep the rows that fit and say how many
more there are (`take`), and `card_message` drops trailing parts of a card as a last resort. Text
in TextBlocks and FactSets is markdown (a subset): what people wrote goes through
`handlers.teams.text.plain` before it reaches these builders; titles of actions and choices and
the values of inputs are not read as markup and take `handlers.teams.text.raw`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from bot import text as core
from handlers.teams import text as teams_text

Activity = dict[str, Any]  # a message activity, ready to POST to the Bot Framework connector
Element = dict[str, Any]

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
CARD = "application/vnd.microsoft.card.adaptive"
MAX_ACTIVITY = 27_000  # characters of JSON in one activity: Teams refuses over 28 KB, with room to spare
MAX_TEXT = 12_000  # characters of markdown in one text message, before it is split
MAX_ACTION_TITLE = 60
MAX_CHOICE_TITLE = 100
MAX_INPUT = 3000
MAX_CHOICES = 100  # projects offered in a choice set; past that, a text field for the name

BAND_ICON = {"Low": "🟢", "Medium": "🟡", "High": "🟠", "Critical": "🔴"}


def size(obj: Any) -> int:
    """Characters of `obj` as JSON, the way it is posted (non-ASCII escaped, so never fewer than bytes)."""
    return len(json.dumps(obj))


def truncate(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: max(0, limit - 1)] + "…"


def cut(core_text: str | None, limit: int) -> str:
    """Core text shortened to `limit` characters before it is escaped (so escaping never splits a
    mark), never inside a reference."""
    value = core_text or ""
    if len(value) <= limit:
        return value
    value = value[: max(0, limit - 1)]
    start = value.rfind(core.OPEN)
    if start > value.rfind(core.CLOSE):
        value = value[:start]
    return value + "…"


# ---- elements -------------------------------------------------------------------------------------

def block(md: str, *, weight: str | None = None, size_: str | None = None, subtle: bool = False,
          color: str | None = None, separator: bool = False, spacing: str | None = None) -> Element:
    """A TextBlock of markdown already escaped (`handlers.teams.text.plain` / `core_plain`)."""
    b: Element = {"type": "TextBlock", "text": md or " ", "wrap": True}
    if weight:
        b["weight"] = weight
    if size_:
        b["size"] = size_
    if subtle:
        b["isSubtle"] = True
    if color:
        b["color"] = color
    if separator:
        b["separator"] = True
    if spacing:
        b["spacing"] = spacing
    return b


def heading(md: str) -> Element:
    return block(md, weight="Bolder", size_="Medium")


def note(md: str) -> Element:
    return block(md, subtle=True, size_="Small", spacing="Small")


def facts(pairs: Sequence[tuple[str, str]]) -> Element:
    """A FactSet: (title, value) pairs of escaped markdown."""
    return {"type": "FactSet", "facts": [{"title": t, "value": v or "–"} for t, v in pairs]}


def container(items: list[Element], *, separator: bool = False, style: str | None = None) -> Element:
    c: Element = {"type": "Container", "items": items}
    if separator:
        c["separator"] = True
    if style:
        c["style"] = style
    return c


def execute(title: str, verb: str, data: dict[str, Any] | None = None, *, style: str | None = None,
            inputs: str | None = None) -> Element:
    """A button Teams answers with an `adaptiveCard/action` invoke carrying `verb` and `data`
    (with the card's inputs added, unless `inputs` is "none"). `style`: positive or destructive."""
    a: Element = {"type": "Action.Execute", "title": truncate(title, MAX_ACTION_TITLE), "verb": verb,
                  "data": dict(data or {})}
    if style:
        a["style"] = style
    if inputs:
        a["associatedInputs"] = inputs
    return a


def action_set(*actions: Element) -> Element:
    return {"type": "ActionSet", "actions": list(actions)}


def text_input(input_id: str, label: str, *, value: str | None = None, placeholder: str | None = None,
               multiline: bool = False, max_length: int = MAX_INPUT, required: bool = False) -> Element:
    e: Element = {"type": "Input.Text", "id": input_id, "label": label, "isMultiline": multiline,
                  "maxLength": max_length}
    if value:
        e["value"] = truncate(value, max_length)
    if placeholder:
        e["placeholder"] = placeholder
    if required:
        e["isRequired"] = True
        e["errorMessage"] = f"{label} is needed."
    return e


def choice_set(input_id: str, label: str, choices: Sequence[tuple[str, str]], *, value: str | None = None,
               expanded: bool = False, required: bool = False, placeholder: str | None = None) -> Element:
    """A choice of (title, value) pairs; titles are shown as typed (`text.raw`)."""
    e: Element = {"type": "Input.ChoiceSet", "id": input_id, "label": label,
                  "style": "expanded" if expanded else "compact",
                  "choices": [{"title": truncate(t, MAX_CHOICE_TITLE), "value": v} for t, v in choices]}
    if value is not None and any(v == value for _, v in choices):
        e["value"] = value
    if placeholder:
        e["placeholder"] = placeholder
    if required:
        e["isRequired"] = True
        e["errorMessage"] = f"Choose the {label.lower()}."
    return e


def toggle(input_id: str, title: str, *, value: bool = False) -> Element:
    return {"type": "Input.Toggle", "id": input_id, "title": title, "value": "true" if value else "false",
            "valueOn": "true", "valueOff": "false"}


def date_input(input_id: str, label: str, value: date | None = None) -> Element:
    e: Element = {"type": "Input.Date", "id": input_id, "label": label}
    if value:
        e["value"] = value.isoformat()
    return e


def people_picker(input_id: str, label: str, value: str | None = None) -> Element:
    """Teams' people picker: a choice set searching the organisation; its value is an `aadObjectId`."""
    e: Element = {"type": "Input.ChoiceSet", "id": input_id, "label": label, "choices": [],
                  "choices.data": {"type": "Data.Query", "dataset": "graph.microsoft.com/users"}}
    if value:
        e["value"] = value
    return e


# ---- cards and activities -------------------------------------------------------------------------

def card(body: list[Element], actions: Sequence[Element] = ()) -> dict[str, Any]:
    c: dict[str, Any] = {"$schema": SCHEMA, "type": "AdaptiveCard", "version": VERSION,
                         "body": body or [block(" ")], "msteams": {"width": "Full"}}
    if actions:
        c["actions"] = list(actions)
    return c


def activity(content: dict[str, Any], summary: str = "") -> Activity:
    a: Activity = {"type": "message", "attachments": [{"contentType": CARD, "content": content}]}
    if summary:
        a["summary"] = truncate(summary, 200)
    return a


def card_message(body: list[Element], actions: Sequence[Element] = (), summary: str = "") -> list[Activity]:
    """One card as one activity, under `MAX_ACTIVITY`: should the parts still be too large, the
    last ones before the closing element are left out and a note says so."""
    out = activity(card(body, actions), summary)
    if size(out) <= MAX_ACTIVITY:
        return [out]
    body = list(body)
    tail = body.pop() if len(body) > 1 else None
    left = note("…the rest did not fit in this card.")
    while len(body) > 1:
        body.pop()
        kept = body + [left] + ([tail] if tail else [])
        out = activity(card(kept, actions), summary)
        if size(out) <= MAX_ACTIVITY:
            return [out]
    return [activity(card([left], actions), summary)]


def take(rows: Sequence[Element], budget: int, more: Callable[[int], str], total: int | None = None
         ) -> list[Element]:
    """As many of `rows` as fit in `budget` characters of JSON, then a note from `more(n)` for the
    `n` left out (`total` counts rows never given, e.g. beyond a query's limit)."""
    total = len(rows) if total is None else total
    kept: list[Element] = []
    used = 0
    for r in rows:
        n = size(r) + 2
        if used + n > budget:
            break
        kept.append(r)
        used += n
    if total > len(kept):
        kept.append(note(more(total - len(kept))))
    return kept


def pager(verb: str, page: int, pages: int, state: dict[str, Any]) -> list[Element]:
    """Previous / Next buttons carrying the list's state and the page to show."""
    if pages <= 1:
        return []
    buttons = []
    if page > 1:
        buttons.append(execute("◀ Previous", verb, {**state, "page": page - 1}, inputs="none"))
    if page < pages:
        buttons.append(execute("Next ▶", verb, {**state, "page": page + 1}, inputs="none"))
    return buttons


def split_text(md: str, limit: int = MAX_TEXT) -> list[str]:
    """Markdown in pieces of at most `limit` characters, cut at line ends (a longer line at a
    space, never just after a backslash or inside an entity)."""
    pieces: list[str] = []
    current = ""
    for line in md.split("\n"):
        while len(line) > limit:
            cut_at = line.rfind(" ", 0, limit) + 1 or limit
            while cut_at > 1 and (line[cut_at - 1] == "\\" or "&" in line[max(0, cut_at - 5):cut_at]):
                cut_at -= 1
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:cut_at])
            line = line[cut_at:]
        if current and len(current) + 1 + len(line) > limit:
            pieces.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    pieces.append(current)
    return [p for p in pieces if p.strip()] or [" "]


def text_message(md: str) -> list[Activity]:
    """A markdown answer as one message or more (a long one is split at line ends)."""
    return [{"type": "message", "text": piece, "textFormat": "markdown"} for piece in split_text(md)]


def core_message(core_text: str) -> list[Activity]:
    """The core's text (an answer, a refusal, a usage) as messages: its emphasis kept, the rest escaped."""
    return text_message(teams_text.core(core_text))


def person(user_id: str | None) -> str:
    """A person in a card's markdown: `@id` (escaped), or – for nobody."""
    return teams_text.plain(teams_text.person_name(user_id)) if user_id else "–"


def people(user_ids: Sequence[str], limit: int = 50) -> str:
    shown = ", ".join(person(u) for u in user_ids[:limit]) or "–"
    return shown + (f" and {len(user_ids) - limit} more" if len(user_ids) > limit else "")


def place(conversation_id: str | None) -> str:
    return teams_text.plain(teams_text.place_name(conversation_id)) if conversation_id else "–"
