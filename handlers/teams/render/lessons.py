"""Adaptive Cards for lessons learned (`bot.lessons.views`), closing a project (`bot.projects.closing`),
a risk closed as a duplicate, and the lesson form (what Slack shows as a modal)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.lessons.grammar import MAX_TEXT
from bot.lessons.views import EarlierLessons, LessonAdded, LessonList, LessonPrompt, lesson_id, tags_of
from bot.projects.closing import AlreadyClosed, ProjectClosed
from bot.risks.views import ClosedAsDuplicate
from handlers.teams import ids
from handlers.teams.render import Activity, render
from handlers.teams.render.cards import (
    MAX_ACTIVITY,
    Element,
    action_set,
    block,
    card_message,
    cut,
    execute,
    heading,
    note,
    pager,
    person,
    take,
    text_input,
)
from handlers.teams.render.risks import project_input
from handlers.teams.text import plain, raw
from storage.models_lessons import Lesson

LIST_BUDGET = MAX_ACTIVITY - 3000  # room for the heading, the note and the pager


def line(lesson: Lesson, project_name: str | None = None, *, limit: int = 600) -> str:
    meta = []
    if project_name:
        meta.append(f"project **{plain(cut(project_name, 80))}**")
    tags = tags_of(lesson)
    if tags:
        meta.append("tags " + ", ".join(plain(t) for t in tags))
    meta.append(f"{person(lesson.created_by)} {lesson.created_at:%Y-%m-%d}")
    return f"**{lesson_id(lesson)}** {plain(cut(lesson.text, limit))}\n\n" + " · ".join(meta)


@render.register
def _added(view: LessonAdded) -> list[Activity]:
    lesson = view.lesson
    return card_message([block("💡 Logged " + line(lesson, view.project.name if view.project else None, limit=2500)),
                         note("Find lessons with lesson list q=WORDS, tag= or project=.")],
                        summary=f"Logged {lesson_id(lesson)}: {raw(cut(lesson.text, 120))}")


@render.register
def _listing(view: LessonList) -> list[Activity]:
    where = []
    if view.project:
        where.append(f"on {plain(cut(view.project.name, 80))}")
    if view.tag:
        where.append(f"tagged {plain(view.tag)}")
    if view.query:
        where.append(f"with “{plain(cut(view.query, 200))}”")
    scope = (" " + " ".join(where)) if where else ""
    if not view.rows:
        return card_message([block(f"No lessons{scope}. Log one with lesson TEXT [project=NAME] [tags=a,b].")],
                            summary="No lessons")
    rows = [block(line(r, view.project_names.get(r.project_id or 0)), separator=True) for r in view.rows]
    body: list[Element] = [heading(f"Lessons{scope} ({view.total})"),
                           note(f"Newest first · page {view.page} of {view.pages}")]
    body += take(rows, LIST_BUDGET, lambda n: f"…and {n} more on this page: narrow it with q=, tag= or project=")
    nav = pager(ids.LESSON_PAGE, view.page, view.pages, {
        ids.D_PROJECT: view.project.id if view.project else None, ids.D_TAG: view.tag, ids.D_QUERY: view.query})
    if nav:
        body.append(action_set(*nav))
    return card_message(body, summary=f"Lessons: {view.total} (page {view.page} of {view.pages})")


@render.register
def _earlier(view: EarlierLessons) -> list[Activity]:
    rows = [block(line(r, view.project_names.get(r.project_id or 0)), separator=True) for r in view.rows]
    body: list[Element] = [block(f"📚 **Before you commit: lessons from earlier work for "
                                 f"{plain(cut(view.client, 200))}**")]
    body += take(rows, LIST_BUDGET, lambda n: f"…and {n} more: lesson list")
    return card_message(body, summary=f"Lessons from earlier work for {raw(cut(view.client, 80))}")


@render.register
def _prompt(view: LessonPrompt) -> list[Activity]:
    outcome = f" ({view.outcome})" if view.outcome else ""
    by = f" by {person(view.closed_by)}" if view.closed_by else ""
    body = [block(f"🎓 **{plain(cut(view.project_name, 80))}** was closed{outcome}{by}. You logged risks or "
                  "feedback on it: what should the team remember next time?"),
            action_set(execute("Log a lesson", ids.LESSON_OPEN, {ids.D_PROJECT: view.project_id}, style="positive",
                               inputs="none"))]
    return card_message(body, summary=f"{raw(cut(view.project_name, 80))} was closed: what did we learn?")


@render.register
def _closed(view: ProjectClosed) -> list[Activity]:
    p, c = view.project, view.closing
    outcome = f" ({c.outcome})" if c.outcome else ""
    body = [block(f"🏁 Closed project **{plain(cut(p.name, 80))}**{outcome}")]
    if c.note:
        body.append(note(f"Note: {plain(cut(c.note, 2000))}"))
    n = len(view.asking)
    body.append(note((f"I'm asking the {n} {'person' if n == 1 else 'people'} who logged its risks and feedback "
                      "for a lesson." if n else "Nobody logged risks or feedback on it under their name; log yours "
                      "with lesson.") + " Its check-ins are no longer sent."))
    return card_message(body, summary=f"Closed project {raw(cut(p.name, 80))}{outcome}")


@render.register
def _already(error: AlreadyClosed) -> list[Activity]:
    outcome = f" ({error.outcome})" if error.outcome else ""
    return card_message([block(f"**{plain(cut(error.name, 80))}** is already closed{outcome}, since {error.since} "
                               f"(by {person(error.closed_by)}). Nothing changed.")],
                        summary=f"{raw(cut(error.name, 80))} is already closed")


@render.register
def _duplicate(view: ClosedAsDuplicate) -> list[Activity]:
    r, o = view.risk, view.original
    return card_message([block(f"✅ Closed **R-{r.number}** — {plain(cut(r.title, 300))} — as a duplicate of "
                               f"**R-{o.number}** {plain(cut(o.title, 300))}")],
                        summary=f"Closed R-{r.number} as a duplicate of R-{o.number}")


# ---- the form ---------------------------------------------------------------------------------------

def lesson_form(projects: Sequence[tuple[int, str]], prefill: dict[str, Any] | None = None) -> list[Activity]:
    """The form that logs a lesson (`lesson` alone, or a closed project's prompt): `prefill` may give
    `project_id` and `text`."""
    pre = prefill or {}
    body: list[Element] = [
        heading("Log a lesson"),
        text_input(ids.I_TEXT, "Lesson", value=raw(pre.get("text")), multiline=True, max_length=MAX_TEXT,
                   placeholder="What should the team do (or avoid) next time?", required=True),
    ]
    if projects:
        body.append(project_input(projects, pre.get("project_id")))
    body.append(text_input(ids.I_TAGS, "Tags", placeholder="vendor, scope, api (separated by commas)",
                           max_length=500))
    return card_message(body, [execute("Log lesson", ids.LESSON_SUBMIT, style="positive")], summary="Log a lesson")
