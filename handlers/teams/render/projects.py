"""Adaptive Cards for projects: their views (`bot.projects.views`) and the refusals that name one."""

from __future__ import annotations

from bot.projects.lookup import DuplicateProject, UnknownProject
from bot.projects.views import Created, Health, ProjectCard, ProjectList
from handlers.teams.render import Activity, render, scope_lines
from handlers.teams.render.cards import (
    MAX_ACTIVITY,
    Element,
    block,
    card_message,
    cut,
    facts,
    heading,
    note,
    place,
    take,
    text_message,
)
from handlers.teams.render.summaries import health_facts
from handlers.teams.text import markdown, plain
from storage.models import Project
from storage.models_lessons import ProjectClosing


def closed_text(closing: ProjectClosing | None) -> str:
    """`🏁 closed (won) 2026-12-01`, or nothing for an open project."""
    if closing is None:
        return ""
    return "🏁 closed" + (f" ({closing.outcome})" if closing.outcome else "") + f" {closing.closed_at:%Y-%m-%d}"


def _facts(p: Project) -> str:
    bits = []
    if p.client:
        bits.append(f"client {plain(cut(p.client, 200))}")
    if p.channel_id:
        bits.append(place(p.channel_id))
    if p.deadline:
        bits.append(f"deadline {p.deadline.isoformat()}")
    if p.budget is not None:
        bits.append(f"budget {p.budget:,.0f}")
    return " · ".join(bits)


@render.register
def _created(view: Created) -> list[Activity]:
    p = view.project
    body = [block(f"📁 Created project **{plain(p.name)}**")]
    if _facts(p):
        body.append(block(_facts(p)))
    body.append(note(f"Log risks with risk add TITLE project=\"{plain(p.name)}\"."))
    return card_message(body, summary=f"Created project {cut(p.name, 80)}")


@render.register
def _listing(view: ProjectList) -> list[Activity]:
    if not view.projects:
        return card_message([block("No projects yet. Managers create one with project new NAME client=…")],
                            summary="No projects yet")
    def line(p: Project) -> str:
        bits = " · ".join(b for b in (closed_text(view.closed.get(p.id or 0)), _facts(p)) if b)
        return f"• **{plain(p.name)}**" + (f" — {bits}" if bits else "")

    rows = [block(line(p), spacing="None") for p in view.projects]
    body: list[Element] = [heading(f"Projects ({len(view.projects)})")]
    body += take(rows, MAX_ACTIVITY - 2000, lambda n: f"…and {n} more: project show NAME for one")
    return card_message(body, summary=f"Projects: {len(view.projects)}")


def health(h: Health) -> list[tuple[str, str]]:
    risks, fb = h.risks, h.feedback
    open_total = sum(risks.values())
    out = [("Open risks", f"{open_total}: " + ", ".join(f"{n} {b}" for b, n in risks.items() if n)
            if open_total else "none"),
           ("Feedback", f"{fb.get('total', 0)} ({fb.get('positive', 0)} positive, {fb.get('neutral', 0)} neutral, "
                        f"{fb.get('negative', 0)} negative); {fb.get('open', 0)} not acted on")]
    if h.extra is not None:
        out += health_facts(h.extra)
    if h.scope is not None:
        out += scope_lines.facts(h.scope)
    return out


@render.register
def _health(view: Health) -> list[Activity]:
    return card_message([facts(health(view))], summary="Project health")


@render.register
def _card(view: ProjectCard) -> list[Activity]:
    p = view.project
    body: list[Element] = [heading(f"Project {plain(p.name)}")]
    bits = " · ".join(b for b in (closed_text(view.closing), _facts(p)) if b)
    if bits:
        body.append(note(bits))
    if view.closing is not None and view.closing.note:
        body.append(note(f"Closing note: {plain(cut(view.closing.note, 2000))}"))
    body.append(facts(health(view.health)))
    body.append(note(f"risk list project=\"{plain(p.name)}\" · feedback list project=\"{plain(p.name)}\""))
    return card_message(body, summary=f"Project {cut(p.name, 80)}: {sum(view.health.risks.values())} open risks")


@render.register
def _unknown(error: UnknownProject) -> list[Activity]:
    hint = f" Did you mean {', '.join(f'**{markdown(c)}**' for c in error.close)}?" if error.close else ""
    return text_message(f"There is no project called **{markdown(error.name)}**.{hint} "
                        "Managers can create it with `project new NAME`.")


@render.register
def _duplicate(error: DuplicateProject) -> list[Activity]:
    return text_message(f"There is already a project called **{markdown(error.name)}**.")
