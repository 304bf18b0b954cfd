"""Lessons learned, a closed project and a risk closed as a duplicate, as text."""

from __future__ import annotations

from bot.lessons.views import EarlierLessons, LessonAdded, LessonList, LessonPrompt, lesson_id, tags_of
from bot.projects.closing import AlreadyClosed, ProjectClosed
from bot.risks.views import ClosedAsDuplicate, RiskAdded
from handlers.console.render import Choice, choices, render, risk_id
from handlers.console.render.common import cut, person
from handlers.console.text import show
from storage.models_lessons import Lesson


def line(lesson: Lesson, project_name: str | None = None) -> str:
    where = f" · {show(project_name)}" if project_name else ""
    tags = f" · tags {', '.join(tags_of(lesson))}" if lesson.tags else ""
    return (f"{lesson_id(lesson)} {cut(lesson.text, 300)}{where}{tags} · {person(lesson.created_by)} "
            f"{lesson.created_at:%Y-%m-%d}")


@render.register
def _added(view: LessonAdded) -> list[str]:
    return [f"Logged {line(view.lesson, view.project.name if view.project else None)}"]


@render.register
def _list(view: LessonList) -> list[str]:
    scope = "".join((f" on {show(view.project.name)}" if view.project else "",
                     f" tagged {view.tag}" if view.tag else "", f" with “{show(view.query)}”" if view.query else ""))
    if not view.rows:
        return [f"No lessons{scope}. Log one with `/lesson TEXT`."]
    out = [f"Lessons{scope}: {view.total} (page {view.page} of {view.pages}), newest first"]
    out += [f"  {line(r, view.project_names.get(r.project_id) if r.project_id else None)}" for r in view.rows]
    return out


@choices.register
def _list_choices(view: LessonList) -> list[Choice]:
    state = {"p": view.project.id if view.project else None, "t": view.tag, "q": view.query}
    out = []
    if view.page > 1:
        out.append(Choice("Previous page", "lessons.page", {**state, "page": view.page - 1}))
    if view.page < view.pages:
        out.append(Choice("Next page", "lessons.page", {**state, "page": view.page + 1}))
    return out


@render.register
def _earlier(view: EarlierLessons) -> list[str]:
    out = [f"Before you commit: lessons from earlier work for {show(view.client)}:"]
    out += [f"  {line(r, view.project_names.get(r.project_id) if r.project_id else None)}" for r in view.rows]
    return out


@render.register
def _prompt(view: LessonPrompt) -> list[str]:
    outcome = f" ({view.outcome})" if view.outcome else ""
    by = f" by {person(view.closed_by)}" if view.closed_by else ""
    return [f"{show(view.project_name)} was closed{outcome}{by}. You logged risks or feedback on it: what should "
            "the team remember next time?"]


@choices.register
def _prompt_choices(view: LessonPrompt) -> list[Choice]:
    return [Choice("Log a lesson", "lesson.open", {"p": view.project_id})]


@render.register
def _closed(view: ProjectClosed) -> list[str]:
    c = view.closing
    outcome = f" ({c.outcome})" if c.outcome else ""
    note = f" — {show(c.note)}" if c.note else ""
    n = len(view.asking)
    asking = (f"Asking {n} {'person' if n == 1 else 'people'} who logged its risks and feedback for a lesson."
              if n else "Nobody to ask for a lesson.")
    return [f"Closed project {show(view.project.name)}{outcome}{note}.",
            f"  {asking} Its check-ins are no longer sent."]


@render.register
def _already(error: AlreadyClosed) -> list[str]:
    outcome = f" ({error.outcome})" if error.outcome else ""
    return [f"{show(error.name)} is already closed{outcome}, since {error.since} (by {person(error.closed_by)}). "
            "Nothing changed."]


@render.register
def _duplicate(view: ClosedAsDuplicate) -> list[str]:
    return [f"Closed {risk_id(view.risk.number)} {cut(view.risk.title, 120)} as a duplicate of "
            f"{risk_id(view.original.number)} {cut(view.original.title, 120)}."]


@choices.register
def _added_choices(view: RiskAdded) -> list[Choice]:
    """On a new risk much like open ones: close it as a duplicate of one of them."""
    return [Choice(f"Close {risk_id(view.risk.number)} as duplicate of {risk_id(o.number)}", "risk.duplicate",
                   {"n": view.risk.number, "of": o.number}) for o in view.similar]
