"""The feedback views as text."""

from __future__ import annotations

from bot.feedback.views import Acted, ActedNotice, FeedbackPage, Recorded
from handlers.console.render import Choice, choices, render
from handlers.console.render.common import cut, person
from handlers.console.text import show
from storage.models import Feedback


def line(f: Feedback, project_name: str | None = None) -> str:
    bits = [f"F-{f.number}", f.source, f.sentiment]
    if project_name:
        bits.append(project_name)
    if f.is_private:
        bits.append("private")
    bits.append("anonymous" if f.is_anonymous else f"from {person(f.author_id)}")
    if f.acted_at:
        bits.append(f"acted on: {cut(f.action_text, 80)}")
    return " · ".join(bits) + f" — “{cut(f.text, 160)}”"


@render.register
def _recorded(view: Recorded) -> list[str]:
    guessed = " (sentiment guessed from the text)" if view.guessed else ""
    return [f"Thanks, recorded F-{view.item.number}{guessed}.",
            f"  {line(view.item, view.project.name if view.project else None)}"]


@render.register
def _page(view: FeedbackPage) -> list[str]:
    scope = f" on {view.project.name}" if view.project else ""
    if not view.rows:
        return [f"No feedback{scope} yet. Give some with `/feedback TEXT`."]
    out = [f"Feedback{scope}: {view.total} (page {view.page} of {view.pages})"]
    out += [f"  {line(f, view.project_names.get(f.project_id) if f.project_id else None)}" for f in view.rows]
    return out


@choices.register
def _page_choices(view: FeedbackPage) -> list[Choice]:
    p = view.project.id if view.project else None
    out = []
    if view.page > 1:
        out.append(Choice("Previous page", "feedback.page", {"p": p, "page": view.page - 1}))
    if view.page < view.pages:
        out.append(Choice("Next page", "feedback.page", {"p": p, "page": view.page + 1}))
    return out


@render.register
def _acted(view: Acted) -> list[str]:
    told = "" if view.item.is_anonymous or not view.item.author_id else f" {person(view.item.author_id)} is told."
    return [f"F-{view.item.number} marked as acted on: {show(view.item.action_text)}.{told}"]


@render.register
def _notice(view: ActedNotice) -> list[str]:
    return [f"Your feedback F-{view.item.number} (“{cut(view.item.text, 120)}”) was acted on: "
            f"{show(view.item.action_text)}"]
