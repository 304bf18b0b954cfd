"""Block Kit for lessons learned (`bot.lessons.views`), closing a project (`bot.projects.closing`) and a
risk closed as a duplicate; and the lesson modal."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.lessons.grammar import MAX_TEXT
from bot.lessons.views import EarlierLessons, LessonAdded, LessonList, LessonPrompt, lesson_id, tags_of
from bot.projects.closing import AlreadyClosed, ProjectClosed
from bot.risks.views import ClosedAsDuplicate
from handlers.slack import ids
from handlers.slack.render import Message, render
from handlers.slack.render.common import (
    Block,
    actions,
    button,
    context,
    header,
    message,
    option,
    pager,
    plain,
    plain_message,
    safe,
    section,
    truncate,
)
from storage.models_lessons import Lesson

LINE_TEXT = 600  # characters of a lesson's text in a list


def line(lesson: Lesson, project_name: str | None = None, *, limit: int = LINE_TEXT) -> str:
    meta = []
    if project_name:
        meta.append(f"project *{safe(project_name)}*")
    tags = tags_of(lesson)
    if tags:
        meta.append("tags " + ", ".join(f"`{safe(t)}`" for t in tags))
    meta.append(f"<@{lesson.created_by}> {lesson.created_at.strftime('%Y-%m-%d')}")
    return f"*{lesson_id(lesson)}* {safe(lesson.text, limit)}\n" + " · ".join(meta)


def added(view: LessonAdded) -> Message:
    lesson = view.lesson
    return message(f"Logged {lesson_id(lesson)}: {safe(lesson.text, 600)}", [
        section(":bulb: Logged " + line(lesson, view.project.name if view.project else None, limit=2500)),
        context("Find lessons with `/lesson list q=WORDS`, `tag=` or `project=`."),
    ])


def listing(view: LessonList) -> Message:
    where = []
    if view.project:
        where.append(f"on {view.project.name}")
    if view.tag:
        where.append(f"tagged {view.tag}")
    if view.query:
        where.append(f"with “{view.query}”")
    scope = (" " + " ".join(where)) if where else ""
    if not view.rows:
        return message(f"No lessons{safe(scope)}.", [section(
            f"No lessons{safe(scope)}. Log one with `/lesson TEXT [project=NAME] [tags=a,b]`.")])
    blocks: list[Block] = [
        header(truncate(f"Lessons{scope} ({view.total})", 150)),
        context(f"Newest first · page {view.page} of {view.pages}"),
    ]
    blocks += [section(line(r, view.project_names.get(r.project_id or 0))) for r in view.rows[:40]]
    nav = pager(ids.LESSON_PAGE, view.page, view.pages, {
        "p": view.project.id if view.project else None, "t": view.tag, "q": view.query})
    if nav:
        blocks.append(nav)
    text = f"Lessons{safe(scope)}: {view.total} (page {view.page} of {view.pages})\n" + "\n".join(
        f"{lesson_id(r)} {safe(r.text, 150)}" for r in view.rows)
    return message(truncate(text, 3000), blocks)


def earlier(view: EarlierLessons) -> Message:
    blocks: list[Block] = [section(f":books: *Before you commit: lessons from earlier work for "
                                   f"{safe(view.client)}*")]
    blocks += [section(line(r, view.project_names.get(r.project_id or 0))) for r in view.rows[:10]]
    text = f"Lessons from earlier work for {safe(view.client)}: " + "; ".join(
        f"{lesson_id(r)} {safe(r.text, 150)}" for r in view.rows)
    return message(truncate(text, 3000), blocks)


def prompt(view: LessonPrompt) -> Message:
    outcome = f" ({view.outcome})" if view.outcome else ""
    by = f" by <@{view.closed_by}>" if view.closed_by else ""
    text = (f"*{safe(view.project_name)}* was closed{outcome}{by}. You logged risks or feedback on it: "
            "what should the team remember next time?")
    return message(f"{safe(view.project_name)} was closed: what did we learn?", [
        section(f":mortar_board: {text}"),
        actions(button("Log a lesson", ids.LESSON_OPEN, json.dumps({"p": view.project_id}), style="primary"),
                block_id=ids.LESSON_OPEN),
        context(f"Or type `/lesson TEXT project=\"{safe(view.project_name)}\"`."),
    ])


def closed(view: ProjectClosed) -> Message:
    p, c = view.project, view.closing
    outcome = f" ({c.outcome})" if c.outcome else ""
    note = f"\n_Note: {safe(c.note, 2000)}_" if c.note else ""
    n = len(view.asking)
    asking = (f"I'm asking the {n} {'person' if n == 1 else 'people'} who logged its risks and feedback for a "
              "lesson, by DM." if n else "Nobody logged risks or feedback on it under their name, so I'm asking "
              "nobody for a lesson; log yours with `/lesson`.")
    return message(f"Closed project {safe(p.name)}{outcome}", [
        section(f":checkered_flag: Closed project *{safe(p.name)}*{outcome}{note}"),
        context(asking + " Its check-ins are no longer sent."),
    ])


# ---- the views ------------------------------------------------------------------------------------

@render.register
def _added(view: LessonAdded) -> list[Message]:
    return [added(view)]


@render.register
def _listing(view: LessonList) -> list[Message]:
    return [listing(view)]


@render.register
def _earlier(view: EarlierLessons) -> list[Message]:
    return [earlier(view)]


@render.register
def _prompt(view: LessonPrompt) -> list[Message]:
    return [prompt(view)]


@render.register
def _closed(view: ProjectClosed) -> list[Message]:
    return [closed(view)]


@render.register
def _already(error: AlreadyClosed) -> list[Message]:
    outcome = f" ({error.outcome})" if error.outcome else ""
    return [plain_message(f"*{safe(error.name)}* is already closed{outcome}, since {error.since} "
                          f"(by <@{error.closed_by}>). Nothing changed.")]


@render.register
def _duplicate(view: ClosedAsDuplicate) -> list[Message]:
    r, o = view.risk, view.original
    return [message(f"Closed R-{r.number} as a duplicate of R-{o.number}", [section(
        f":white_check_mark: Closed *R-{r.number}* — {safe(r.title, 600)} — as a duplicate of "
        f"*R-{o.number}* {safe(o.title, 600)}")])]


# ---- the modal ------------------------------------------------------------------------------------

def modal(projects: Sequence[tuple[int, str]], metadata: dict[str, Any], prefill: dict[str, Any] | None = None
          ) -> Block:
    """The lesson form; `prefill` may give `project_id` (the DM's button) and `text`."""
    pre = prefill or {}
    text: Block = {"type": "plain_text_input", "action_id": ids.B_TEXT, "multiline": True, "max_length": MAX_TEXT,
                   "placeholder": plain("What should the team do (or avoid) next time?")}
    if pre.get("text"):
        text["initial_value"] = truncate(str(pre["text"]), MAX_TEXT)
    blocks: list[Block] = [{"type": "input", "block_id": ids.B_TEXT, "label": plain("Lesson"), "element": text}]
    if projects:
        if len(projects) > 100:
            element: Block = {"type": "plain_text_input", "action_id": ids.B_PROJECT, "max_length": 80,
                              "placeholder": plain("Project name")}
        else:
            opts = [option(name, str(pid)) for pid, name in projects]
            element = {"type": "static_select", "action_id": ids.B_PROJECT, "options": opts,
                       "placeholder": plain("Choose a project")}
            chosen = next((o for o in opts if o["value"] == str(pre.get("project_id"))), None)
            if chosen:
                element["initial_option"] = chosen
        blocks.append({"type": "input", "block_id": ids.B_PROJECT, "label": plain("Project"), "element": element,
                       "optional": True})
    blocks.append({"type": "input", "block_id": ids.B_TAGS, "label": plain("Tags"), "optional": True,
                   "element": {"type": "plain_text_input", "action_id": ids.B_TAGS, "max_length": 500,
                               "placeholder": plain("vendor, scope, api")},
                   "hint": plain("Separated by commas")})
    return {"type": "modal", "callback_id": ids.LESSON_MODAL, "title": plain("Log a lesson"),
            "submit": plain("Log lesson"), "close": plain("Cancel"), "blocks": blocks,
            "private_metadata": json.dumps(metadata)[:3000]}
