"""Block Kit for feedback: replies, lists and the modal."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.feedback.grammar import MAX_TEXT
from bot.feedback.grammar import USAGE as USAGE  # the command's usage, for what shows it
from bot.feedback.service import AlreadyActed
from bot.feedback.views import Acted, ActedNotice, FeedbackPage, Recorded
from handlers.slack import ids
from handlers.slack.render import Message, render
from handlers.slack.render.common import (
    Block,
    context,
    header,
    message,
    option,
    pager,
    plain,
    plain_message,
    safe,
    section,
)
from handlers.slack.render.risks import project_element
from storage.models import Feedback, Project

ICON = {"positive": ":large_green_circle:", "neutral": ":white_circle:", "negative": ":red_circle:"}


def fid(item: Feedback) -> str:
    return f"F-{item.number}"


def _tags(item: Feedback) -> str:
    tags = [item.source, item.sentiment]
    if item.is_private:
        tags.append(":lock: private")
    if item.is_anonymous:
        tags.append("anonymous")
    return " · ".join(tags)


def recorded(item: Feedback, project: Project | None, guessed: bool) -> dict[str, Any]:
    where = f" on *{safe(project.name)}*" if project else ""
    who = "anonymously — your name is not stored" if item.is_anonymous else ""
    blocks = [section(f":memo: Recorded *{fid(item)}*{where} ({_tags(item)}) {who}".rstrip())]
    if guessed:
        blocks.append(context(f"Sentiment guessed as {item.sentiment}; say `sentiment=…` to set it."))
    return message(f"Recorded {fid(item)}", blocks)


def line(item: Feedback, project_name: str | None) -> str:
    who = "anonymous" if item.is_anonymous else (f"<@{item.author_id}>" if item.author_id else "–")
    head = f"{ICON.get(item.sentiment, '')} *{fid(item)}* ({_tags(item)})"
    if project_name:
        head += f" · *{safe(project_name)}*"
    body = f"“{safe(item.text, 1200)}” — {who}, {item.created_at:%Y-%m-%d}"
    if item.acted_at:
        body += f"\n:white_check_mark: Acted by <@{item.acted_by}>: {safe(item.action_text, 800)}"
    else:
        body += "\n_Not acted on yet_"
    return head + "\n" + body


def listing(rows: Sequence[Feedback], names: dict[int, str], *, total: int, page: int, pages: int,
            project: Project | None) -> dict[str, Any]:
    where = f" on {project.name}" if project else ""
    if not rows:
        return message(f"No feedback{safe(where)} yet.", [section(f"No feedback{safe(where)} yet. "
                                                            "Record some with `/feedback TEXT`.")])
    blocks: list[Block] = [header(f"Feedback{where} ({total})"), context(f"Newest first · page {page} of {pages}")]
    blocks += [section(line(r, names.get(r.project_id or 0))) for r in rows]
    nav = pager(ids.FEEDBACK_PAGE, page, pages, {"p": project.id if project else None})
    if nav:
        blocks.append(nav)
    text = f"Feedback{safe(where)}: {total} (page {page} of {pages})\n" + "\n".join(
        f"{fid(r)} {r.sentiment}: {safe(r.text, 80)}" for r in rows)
    return message(text, blocks)


def acted(item: Feedback) -> dict[str, Any]:
    told = "" if item.is_anonymous or not item.author_id else f" I've told <@{item.author_id}>."
    return message(f"Closed the loop on {fid(item)}",
                   [section(f":white_check_mark: Closed the loop on *{fid(item)}*.{told}\n"
                            f"_{safe(item.action_text, 2800)}_")])


def author_notice(item: Feedback) -> dict[str, Any]:
    return message(f"Your feedback {fid(item)} was acted on", [
        section(f":speech_balloon: Your feedback *{fid(item)}* was acted on by <@{item.acted_by}>:\n"
                f"> {safe(item.action_text, 2500)}"),
        context(f"You wrote: “{safe(item.text, 500)}”"),
    ])


def modal(projects: Sequence[tuple[int, str]], metadata: dict[str, Any]) -> Block:
    def radio(block_id: str, label: str, choices: Sequence[tuple[str, str]], initial: str | None) -> Block:
        opts = [option(t, v) for t, v in choices]
        element: Block = {"type": "static_select", "action_id": block_id, "options": opts}
        chosen = next((o for o in opts if o["value"] == initial), None)
        if chosen:
            element["initial_option"] = chosen
        return {"type": "input", "block_id": block_id, "label": plain(label), "element": element,
                "optional": initial is None}

    blocks: list[Block] = [
        radio(ids.B_SOURCE, "From", [("A client", "client"), ("The team", "team")], "client"),
    ]
    if projects:
        element, _ = project_element(projects)
        blocks.append({"type": "input", "block_id": ids.B_PROJECT, "label": plain("Project"), "element": element,
                       "optional": True})
    blocks += [
        radio(ids.B_SENTIMENT, "Sentiment", [("Positive", "positive"), ("Neutral", "neutral"),
                                             ("Negative", "negative")], None),
        {"type": "input", "block_id": ids.B_TEXT, "label": plain("Feedback"),
         "element": {"type": "plain_text_input", "action_id": ids.B_TEXT, "multiline": True,
                     "max_length": MAX_TEXT}},
        {"type": "input", "block_id": ids.B_OPTIONS, "label": plain("Options"), "optional": True,
         "element": {"type": "checkboxes", "action_id": ids.B_OPTIONS, "options": [
             {"text": plain("Private — only managers and I can see it"), "value": "private"},
             {"text": plain("Anonymous — my name is not stored"), "value": "anonymous"},
         ]}},
    ]
    return {"type": "modal", "callback_id": ids.FEEDBACK_MODAL, "title": plain("Give feedback"),
            "submit": plain("Send"), "close": plain("Cancel"), "blocks": blocks,
            "private_metadata": json.dumps(metadata)[:3000]}


# ---- the views, rendered ---------------------------------------------------------------------------

@render.register
def _recorded(view: Recorded) -> list[Message]:
    return [recorded(view.item, view.project, view.guessed)]


@render.register
def _page(view: FeedbackPage) -> list[Message]:
    return [listing(view.rows, view.project_names, total=view.total, page=view.page, pages=view.pages,
                    project=view.project)]


@render.register
def _acted(view: Acted) -> list[Message]:
    return [acted(view.item)]


@render.register
def _notice(view: ActedNotice) -> list[Message]:
    return [author_notice(view.item)]


@render.register
def _already_acted(error: AlreadyActed) -> list[Message]:
    by = f"<@{error.acted_by}>" if error.acted_by else "someone"
    return [plain_message(f"F-{error.number} was already acted on by {by}: {safe(error.action_text)}")]
