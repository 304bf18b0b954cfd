"""Block Kit for projects: their views (`bot.projects.views`) as replies and cards."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.projects.grammar import USAGE as USAGE  # the command's usage, for what shows it
from bot.projects.lookup import DuplicateProject, UnknownProject
from bot.projects.views import Created, Health, ProjectCard, ProjectList
from handlers.slack.render import Message, render, scope_lines
from handlers.slack.render import summaries as summaries_ui
from handlers.slack.render.common import Block, context, header, message, plain_message, safe, section
from storage.models import Project
from storage.models_lessons import ProjectClosing


def closed_text(closing: ProjectClosing | None) -> str:
    """`:checkered_flag: closed (won) 2026-12-01`, or nothing for an open project."""
    if closing is None:
        return ""
    return (":checkered_flag: closed" + (f" ({closing.outcome})" if closing.outcome else "")
            + f" {closing.closed_at:%Y-%m-%d}")


def _facts(p: Project) -> str:
    bits = []
    if p.client:
        bits.append(f"client {safe(p.client)}")
    if p.channel_id:
        bits.append(f"<#{p.channel_id}>")
    if p.deadline:
        bits.append(f"deadline {p.deadline.isoformat()}")
    if p.budget is not None:
        bits.append(f"budget {p.budget:,.0f}")
    return " · ".join(bits)


def created(p: Project) -> dict[str, Any]:
    facts = _facts(p)
    return message(f"Created project {safe(p.name)}", [
        section(f":file_folder: Created project *{safe(p.name)}*" + (f"\n{facts}" if facts else "")),
        context(f"Log risks with `/risk add TITLE project=\"{safe(p.name)}\"`."),
    ])


def listing(projects: Sequence[Project], closed: dict[int, ProjectClosing] | None = None) -> dict[str, Any]:
    if not projects:
        return message("No projects yet.", [section("No projects yet. Managers create one with "
                                                    "`/project new NAME client=… channel=#…`.")])
    closed = closed or {}

    def facts(p: Project) -> str:
        return " · ".join(b for b in (closed_text(closed.get(p.id or 0)), _facts(p)) if b)

    lines = [f"• *{safe(p.name)}*" + (f" — {facts(p)}" if facts(p) else "") for p in projects]
    blocks: list[Block] = [header(f"Projects ({len(projects)})")]
    chunk: list[str] = []
    size = 0
    for ln in lines:
        if size + len(ln) > 2800 or len(chunk) == 25:
            blocks.append(section("\n".join(chunk)))
            chunk, size = [], 0
        chunk.append(ln)
        size += len(ln) + 1
    if chunk:
        blocks.append(section("\n".join(chunk)))
    if len(blocks) > 49:
        blocks = blocks[:48] + [context(f"…and more: {len(projects)} projects in all. "
                                        "`/project show NAME` for one.")]
    return message(f"Projects: {', '.join(safe(p.name) for p in projects[:50])}", blocks)


def card(p: Project, health: Health, closing: ProjectClosing | None = None) -> dict[str, Any]:
    risks = health.risks
    fb = health.feedback
    open_total = sum(risks.values())
    fields = [
        f"*Open risks*\n{open_total}: " + ", ".join(f"{n} {b}" for b, n in risks.items() if n) if open_total
        else "*Open risks*\nnone",
        f"*Feedback*\n{fb.get('total', 0)} ({fb.get('positive', 0)} positive, {fb.get('neutral', 0)} neutral, "
        f"{fb.get('negative', 0)} negative); {fb.get('open', 0)} not acted on",
    ]
    if health.extra is not None:
        fields += summaries_ui.health(health.extra)
    if health.scope is not None:
        fields += scope_lines.fields(health.scope)
    blocks: list[Block] = [header(f"Project {p.name}")]
    facts = " · ".join(b for b in (closed_text(closing), _facts(p)) if b)
    if facts:
        blocks.append(context(facts))
    if closing is not None and closing.note:
        blocks.append(context(f"Closing note: {safe(closing.note, 2000)}"))
    blocks.append({"type": "section", "fields": [{"type": "mrkdwn", "text": f[:2000]} for f in fields[:10]]})
    blocks.append(context(f"`/risk list project=\"{safe(p.name)}\"` · `/feedback list project=\"{safe(p.name)}\"`"))
    text = f"Project {safe(p.name)}: {open_total} open risks, {fb.get('total', 0)} feedback"
    return message(text, blocks)


# ---- the views, rendered ---------------------------------------------------------------------------

@render.register
def _created(view: Created) -> list[Message]:
    return [created(view.project)]


@render.register
def _listing(view: ProjectList) -> list[Message]:
    return [listing(view.projects, view.closed)]


@render.register
def _card(view: ProjectCard) -> list[Message]:
    return [card(view.project, view.health, view.closing)]


@render.register
def _unknown(error: UnknownProject) -> list[Message]:
    hint = f" Did you mean {', '.join(f'*{safe(c)}*' for c in error.close)}?" if error.close else ""
    return [plain_message(f"There is no project called *{safe(error.name)}*.{hint} "
                          f"Managers can create it with `/project new {safe(error.name)}`.")]


@render.register
def _duplicate(error: DuplicateProject) -> list[Message]:
    return [plain_message(f"There is already a project called *{safe(error.name)}*.")]
