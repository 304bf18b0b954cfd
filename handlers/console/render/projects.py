"""The projects' views as text."""

from __future__ import annotations

from bot.projects.views import Created, Health, ProjectCard, ProjectList
from handlers.console.render import render
from handlers.console.render.scope import scope_lines
from handlers.console.text import show
from storage.models import Project
from storage.models_lessons import ProjectClosing


def facts(p: Project) -> str:
    bits = [p.name]
    if p.client:
        bits.append(f"client {show(p.client)}")
    if p.channel_id:
        bits.append(f"#{p.channel_id}")
    if p.deadline:
        bits.append(f"deadline {p.deadline.isoformat()}")
    if p.budget is not None:
        bits.append(f"budget {p.budget:,.0f}")
    return " · ".join(bits)


@render.register
def _created(view: Created) -> list[str]:
    return [f"Created project {facts(view.project)}."]


def closed_text(closing: ProjectClosing | None) -> str:
    if closing is None:
        return ""
    return " · closed" + (f" ({closing.outcome})" if closing.outcome else "") + f" {closing.closed_at:%Y-%m-%d}"


@render.register
def _list(view: ProjectList) -> list[str]:
    if not view.projects:
        return ["No projects yet. Create one with `/project new NAME`."]
    return [f"Projects ({len(view.projects)}):",
            *(f"  {facts(p)}{closed_text(view.closed.get(p.id or 0))}" for p in view.projects)]


def health(h: Health) -> list[str]:
    risks = ", ".join(f"{band} {n}" for band, n in h.risks.items())
    out = [f"  Open risks: {risks}"]
    if h.feedback:
        out.append("  Feedback: " + ", ".join(f"{k} {v}" for k, v in h.feedback.items()))
    extra = h.extra
    if extra is not None:
        if extra.scores is not None and extra.scores.latest is not None:
            change = f" ({extra.scores.change:+})" if extra.scores.change is not None else ""
            out.append(f"  Stakeholder score: {extra.scores.latest:.1f}/5{change}")
        for rate in extra.standups:
            out.append(f"  Stand-up in #{rate.channel_id}: {rate.answers} answers to {rate.prompts} prompts")
    if h.scope is not None:
        out += scope_lines(h.scope)
    return out


@render.register
def _card(view: ProjectCard) -> list[str]:
    return [facts(view.project) + closed_text(view.closing), *health(view.health)]


@render.register
def _health(view: Health) -> list[str]:
    return health(view)
